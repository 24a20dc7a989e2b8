//! Opening a document (an article, with its stored work or a save's
//! annotations), applying a save over the open one, and changing the label
//! schema.
//!
//! Invariants: opening another document starts afresh: nothing in focus,
//! annotating, no suggestions, no tab base, and the opened record's
//! `TaskFields` (Prodigy's decision, foreign meta) are its own. A schema
//! that lacks a label in use is refused whole.

use super::{initial_window, Announce, AppState, Focus, Mode};
use marginalia_core::article::Article;
use marginalia_core::command::Snapshot;
use marginalia_core::editor::Editor;
use marginalia_core::formats::answers::opened_warning;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::LoadedRecord;
use std::rc::Rc;
use std::sync::Arc;

impl AppState {
    /// Replaces the open document with `article` and its `spans`.
    pub(super) fn open(&mut self, article: Article, spans: Option<Snapshot>) {
        let schema = self.editor.schema().clone();
        let mut editor = Editor::new(Arc::new(article), schema);
        if let Some(spans) = spans {
            if let Err(e) = editor.restore_snapshot(spans) {
                self.error(format!("The saved work for this text could not be restored: {e}."));
            }
        }
        self.editor = editor;
        self.views = Rc::new(Vec::new());
        self.decorated = initial_window(self.article());
        self.focus = Focus::Nothing;
        self.mode = Mode::Annotate;
        self.suggestions = Rc::new(Vec::new());
        self.tab_base = None;
        self.tab_seen = Rc::new(Vec::new());
        self.tab_conflict = None;
        // Another document: its decision and foreign meta are its own.
        self.save_info.task = Default::default();
        self.changed();
    }

    pub(super) fn open_article(&mut self, article: Article, restored: Option<Snapshot>, announce: Announce) {
        let n = restored.as_ref().map_or(0, |r| r.spans.len());
        let title = article.title.clone();
        self.open(article, restored);
        match announce {
            Announce::StoredWork if n > 0 => {
                self.info(format!("Opened “{title}” with the {n} annotations saved earlier on this device."))
            }
            Announce::Opened | Announce::StoredWork => self.info(format!("Opened “{title}”.")),
            Announce::StoredWorkUnusable(why) => self.error(why.to_string()),
            Announce::Quiet => self.notice = None,
        }
    }

    /// A save for the article open now: its spans replace the current ones
    /// (one undo step); `note` is added to the message.
    pub(super) fn apply_record(&mut self, loaded: Rc<LoadedRecord>, note: Option<String>) {
        match self.editor.replace_snapshot(loaded.snapshot()) {
            Ok(()) => {
                self.save_info.task = loaded.record.task_fields();
                self.focus.deselect();
                self.changed();
                let n = loaded.spans.len();
                let warning = opened_warning(&loaded.record).unwrap_or_default();
                let note = note.map(|n| format!(" {n}")).unwrap_or_default();
                self.info(format!("Loaded {n} annotations from the save. Undo (Ctrl+Z) restores what you had.{warning}{note}"));
            }
            Err(e) => self.error(format!("The save could not be applied: {e}. Your work is unchanged.")),
        }
    }

    /// A save opened as its own document (its text and its spans).
    pub(super) fn open_record(&mut self, loaded: Rc<LoadedRecord>) {
        let n = loaded.spans.len();
        let title = loaded.article.title.clone();
        self.open(loaded.article.clone(), Some(loaded.snapshot()));
        self.save_info.task = loaded.record.task_fields();
        let warning = opened_warning(&loaded.record).unwrap_or_default();
        self.info(format!("Opened the save of “{title}” with {n} annotations.{warning}"));
    }

    /// A new label schema, unless it lacks a label the annotations use.
    pub(super) fn set_schema(&mut self, schema: LabelSchema) {
        let mut missing: Vec<String> = self
            .editor
            .annotations()
            .iter()
            .filter(|sp| schema.label(&sp.label).is_none())
            .map(|sp| sp.label.clone())
            .collect();
        marginalia_core::sorting::sort(&mut missing);
        missing.dedup();
        if !missing.is_empty() {
            return self.error(format!(
                "This label schema lacks labels your annotations use ({}); it was not applied.",
                missing.join(", ")
            ));
        }
        let article = self.article().clone();
        let snapshot = self.editor.annotations().snapshot();
        let mut editor = Editor::new(article, Arc::new(schema));
        let _ = editor.restore_snapshot(snapshot);
        self.editor = editor;
        // Colours may have changed: draw every paragraph afresh.
        self.views = Rc::new(Vec::new());
        self.changed();
        self.info("Label schema loaded.");
    }
}
