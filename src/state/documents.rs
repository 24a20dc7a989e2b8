//! Opening a document (as `opening.rs` decided: an article with its stored
//! work, the host's annotations or a chosen save), applying a save over the
//! open one, and changing the label schema.
//!
//! Invariants: opening another document starts afresh: nothing in focus,
//! annotating, no suggestions, no tab base, and the opened record's
//! `TaskFields` (Prodigy's decision, foreign meta) are its own. A schema
//! that lacks a label in use is refused whole.

use super::{initial_window, AppState, Focus, Mode};
use crate::opening::{Opening, Said, Work};
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::formats::answers::opened_warning;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::LoadedRecord;
use std::rc::Rc;
use std::sync::Arc;

impl AppState {
    /// Replaces the open document with `article`, without annotations.
    pub(super) fn open(&mut self, article: Arc<Article>) {
        self.editor = Editor::new(article, self.editor.schema().clone());
        self.views = Rc::new(Vec::new());
        self.decorated = initial_window(self.article());
        self.focus = Focus::Nothing;
        self.mode = Mode::Annotate;
        self.suggestions = Rc::new(Vec::new());
        self.accepted = Rc::new(Vec::new());
        self.tab_base = None;
        self.tab_seen = Rc::new(Vec::new());
        self.tab_conflict = None;
        // Another document: its decision and foreign meta are its own.
        self.save_info.task = Default::default();
        self.changed();
    }

    /// Opens a document as `opening.rs` decided: no undo step, except a
    /// re-anchoring (one step, so it can be taken back).
    pub(crate) fn open_document(&mut self, opening: &Opening) {
        self.open(opening.article.clone());
        if let Some(read_only) = opening.read_only {
            self.read_only = read_only;
        }
        if let Some(annotator) = &opening.annotator {
            self.save_info.annotator = Some(annotator.clone());
        }
        match &opening.said {
            Said::Nothing => self.notice = None,
            Said::Info(text) => self.info(text.clone()),
            Said::Error(text) => self.error(text.clone()),
        }
        match &opening.work {
            None => {}
            Some(Work::Placed { snapshot, task }) => match self.editor.restore_snapshot(snapshot.clone()) {
                Ok(()) => self.save_info.task = task.clone(),
                Err(e) => self.error(format!("The annotations for this text could not be restored: {e}.")),
            },
            Some(Work::Reanchored { loaded, review }) => self.apply_reanchored(loaded, review),
        }
        self.changed();
        // Drawn now as well: an instance's first state is opened outside the reducer.
        self.refresh_views();
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
