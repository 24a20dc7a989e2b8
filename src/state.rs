//! The app's state and its reducer: gestures arrive as [`Action`]s, the core
//! [`Editor`] applies them, and the view models are derived afresh. Side
//! effects (storage, scrolling, downloads) stay out of here: the app runs
//! them after a change, from the state's `revision` and `scroll_to`.

use crate::view_model::{build_paragraph_views, ParagraphView};
use marginalia_core::article::Article;
use marginalia_core::caret::{Caret, Motion};
use marginalia_core::command::Snapshot;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, SaveInfo};
use marginalia_core::snap::{snap, Precision};
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::relation::{RelationId, Target};
use marginalia_core::span::SpanId;
use marginalia_core::occurrences::{other_occurrences, CaseMatching};
use marginalia_core::suggestion::{open_suggestions, Source, Suggestion};
use std::collections::BTreeSet;
use std::ops::Range;
use crate::adjudication_view::{gold_record, Adjudication};
use crate::reanchoring::AnchorReview;
use marginalia_core::adjudication::Decision;
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::find::find_text;
use marginalia_core::merge::{merge, Conflict, Side};
use std::rc::Rc;
use std::sync::Arc;
use yew::Reducible;

/// Paragraphs drawn with annotations beyond each edge of the viewport, so
/// scrolling reveals finished paragraphs.
const MARGIN: usize = 12;

/// The window for paragraphs `first..last` in view, widened by the margin.
fn window_around(first: usize, last: usize, n: usize) -> Range<usize> {
    first.saturating_sub(MARGIN)..(last + MARGIN).min(n)
}

/// Whether paragraphs `first..last` in view come near the edge of the
/// decorated window (hysteresis: small scrolls change nothing).
pub fn window_needs_moving(decorated: &Range<usize>, first: usize, last: usize, n: usize) -> bool {
    let low_ok = decorated.start == 0 || first >= decorated.start + MARGIN / 2;
    let high_ok = decorated.end >= n || last + MARGIN / 2 <= decorated.end;
    !(low_ok && high_ok)
}

/// Before the viewport is measured: the paragraphs that fill a common
/// screen (some 2,000 characters), and half the margin below them, so that
/// a first scroll finds the window to move before it shows plain text. Each
/// paragraph decorated here is drawn before the article first shows; a
/// taller screen is measured in the next frame.
fn initial_window(article: &Article) -> Range<usize> {
    let n = article.paragraphs().len();
    let mut chars = 0;
    let mut last = 0;
    for (i, p) in article.paragraphs().iter().enumerate() {
        chars += p.end - p.start;
        last = i + 1;
        if chars > 2_000 {
            break;
        }
    }
    0..(last + MARGIN / 2).min(n)
}

/// What the page says when an article opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announce {
    /// The annotator opened it (a file, pasted text): "Opened …".
    Opened,
    /// Work stored on this device came back with it: says how much.
    StoredWork,
    /// Work is stored on this device but could not be opened: says why.
    StoredWorkUnusable(Rc<str>),
    /// The host page opened it (the API, a frame message) and knows: the
    /// page says nothing (a notice would also grow the sticky header).
    Quiet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Info,
}

/// A message shown at the top of the page. Errors never change the work.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// A loaded save that belongs to another text, which the user may open
    /// as a document of its own.
    pub offer: Option<Rc<LoadedRecord>>,
}

/// A version of the open document's record as stored in this browser: the
/// JSON as stored (comparing it tells cheaply whether another tab wrote) and
/// its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct TabCopy {
    /// The text it annotates (a copy read for one article is never merged
    /// into another opened meanwhile).
    pub sha256: String,
    pub json: String,
    pub snapshot: Snapshot,
}

/// Another tab stored changes that conflict with this tab's: nothing is
/// written until the annotator chooses.
#[derive(Debug, Clone, PartialEq)]
pub struct TabConflict {
    /// The version both tabs changed.
    pub base: Rc<TabCopy>,
    /// The other tab's latest.
    pub theirs: Rc<TabCopy>,
    pub conflicts: Vec<Conflict>,
}

/// Several spans under one click: the user picks one.
#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    pub spans: Vec<SpanId>,
    pub x: i32,
    pub y: i32,
}

pub enum Action {
    /// A mouse selection between two code points; `character` when Alt was
    /// held (character precision for this selection only).
    Select { anchor: usize, focus: usize, character: bool },
    MoveCaret { motion: Motion, extend: bool },
    /// Labels exactly `[start, end)` (code points), as a script asks.
    AddSpan { start: usize, end: usize, label: String },
    /// Labels the pending selection, or relabels the selected span.
    ApplyLabel(String),
    SelectSpan { id: SpanId, scroll: bool },
    /// A click on text covered by these spans.
    ClickSpans { spans: Vec<SpanId>, x: i32, y: i32 },
    DeleteSelected,
    Undo,
    Redo,
    Escape,
    TogglePrecision,
    OpenArticle { article: Article, restored: Option<Snapshot>, announce: Announce },
    /// A save for the article open now: its spans replace the current ones
    /// (one undo step). The text, if any, is added to the notice (e.g. the
    /// other annotators the same file holds for this text).
    ApplyRecord(Rc<LoadedRecord>, Option<String>),
    /// A save opened as its own document (its text and its spans).
    OpenRecord(Rc<LoadedRecord>),
    SetSchema(LabelSchema),
    /// Paragraphs `first..last` are in the viewport (from scrolling).
    ShowParagraphs { first: usize, last: usize },
    /// Annotations re-anchored from an earlier version of the text: applied
    /// to the article open now, or (`open`) to their article opened empty;
    /// either way one undo step.
    ApplyReanchored { loaded: Rc<LoadedRecord>, review: Rc<AnchorReview>, open: bool },
    /// The annotator checked a re-anchored span and keeps it.
    KeepReanchored(SpanId),
    /// The annotator removes a re-anchored span (one undo step).
    DeleteReanchored(SpanId),
    /// Closes the review (orphaned spans stay left out).
    DismissReview,
    /// Selects the next (or previous) drawn span in document order after
    /// the selection or the caret (J / K).
    SelectAdjacent { forward: bool },
    /// Marks the document done / skipped / flagged (with a note), or clears it.
    SetStatus(Option<DocumentStatus>),
    /// Finds `query` (ignoring case) after (or before) the selection and
    /// selects it, ready for a label key.
    Find { query: String, forward: bool },
    /// Opens a review: the saves' text, showing the gold version.
    StartAdjudication(Rc<Adjudication>),
    /// The reviewer's decision on an item (accept a version, reject).
    Decide(Decision),
    /// Takes the last decision back.
    UndoDecision,
    /// Ends the review; the gold version stays open as a document.
    LeaveAdjudication,
    /// Offers suggestions from `source`, replacing that source's earlier ones.
    Suggest { source: Source, items: Vec<Suggestion> },
    /// Accepts these open suggestions (indices) as spans: one undo step.
    AcceptSuggestions(Vec<usize>),
    /// Drops these open suggestions.
    RejectSuggestions(Vec<usize>),
    /// Suggests the selected span's label on every other occurrence of its
    /// text (whole tokens; same case unless `ignore_case`).
    LabelAllOccurrences { ignore_case: bool },
    /// Shows or hides the spans of these labels in the article (a label,
    /// or every label of a layer).
    SetLabelsVisible { labels: Vec<String>, visible: bool },
    /// Sets (or clears) an attribute of a span (a claim's verdict…).
    SetAttribute { id: SpanId, key: String, value: Option<serde_json::Value> },
    /// Links the selected claim to a span or free text.
    AddRelation { from: SpanId, to: Target, label: String },
    RemoveRelation(RelationId),
    SetDocumentLabel { key: String, value: Option<serde_json::Value> },
    /// The next span clicked becomes the target of a `label` link from the
    /// selected span.
    StartLinking { label: String },
    Notify(Notice),
    DismissNotice,
    /// This tab wrote (or, as the article opened, found) this version of
    /// the document in local storage: its base for merging.
    TabStored(Rc<TabCopy>),
    /// Another tab stored this version of the open document: merged in
    /// (outside the undo history), or a conflict for the annotator.
    TabReceived(Rc<TabCopy>),
    /// The annotator's choice in a conflict with another tab.
    ResolveTabConflict(Side),
    /// Deletes this span (a host's `removeSpan`), whatever is selected or
    /// being picked; an error when there is no such span.
    DeleteSpan(SpanId),
}

impl Action {
    /// Whether the action changes the annotations (refused when read-only).
    ///
    /// Every variant is named (no wildcard): a new action does not compile
    /// until it says whether it edits, so read-only cannot miss one.
    pub fn changes_annotations(&self) -> bool {
        use Action::*;
        match self {
            AddSpan { .. } | ApplyLabel(_) | DeleteSelected | Undo | Redo | ApplyRecord(..) | SetAttribute { .. }
            | AddRelation { .. } | RemoveRelation(_) | SetDocumentLabel { .. } | StartLinking { .. }
            | AcceptSuggestions(_) | SetStatus(_) | DeleteReanchored(_) | DeleteSpan(_) => true,
            // Re-anchored annotations applied over the open document edit it;
            // opened as their own document (`open`) they are like OpenRecord.
            ApplyReanchored { open, .. } => !open,
            // A review shows, and each decision writes, a gold version in
            // place of the document's annotations.
            StartAdjudication(_) | Decide(_) | UndoDecision => true,
            // Looking, selecting, opening another document, suggestions not
            // yet accepted, and another tab's own writes.
            Select { .. } | MoveCaret { .. } | SelectSpan { .. } | ClickSpans { .. } | Escape | TogglePrecision
            | OpenArticle { .. } | OpenRecord(_) | SetSchema(_) | ShowParagraphs { .. } | KeepReanchored(_)
            | DismissReview | SelectAdjacent { .. } | Find { .. } | LeaveAdjudication | Suggest { .. }
            | RejectSuggestions(_) | LabelAllOccurrences { .. } | SetLabelsVisible { .. } | Notify(_)
            | DismissNotice | TabStored(_) | TabReceived(_) | ResolveTabConflict(_) => false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub editor: Editor,
    pub views: Rc<Vec<Rc<ParagraphView>>>,
    pub pending: Option<(usize, usize)>,
    pub caret: Option<Caret>,
    pub selected: Option<SpanId>,
    pub chooser: Option<Chooser>,
    /// A link being made: (from span, relation label), waiting for a click
    /// on its target.
    pub linking: Option<(SpanId, String)>,
    pub precision: Precision,
    pub notice: Option<Notice>,
    pub save_info: SaveInfo,
    /// Bumped on every change of the annotations or of the article, so the
    /// app persists exactly when something changed.
    pub revision: u64,
    /// Paragraphs drawn with their annotations: those in and near the
    /// viewport (the rest render as plain text).
    pub decorated: Range<usize>,
    /// What to bring into view after rendering; `scroll_seq` changes with
    /// every request, so asking twice for the same target scrolls twice.
    pub scroll_to: Option<ScrollTarget>,
    pub scroll_seq: u64,
    /// The host asked for a read-only view: the annotations can be looked
    /// at, selected and exported, not changed.
    pub read_only: bool,
    /// Re-anchored spans waiting for the annotator's look.
    pub review: Option<Rc<AnchorReview>>,
    /// Labels filtered out of the article view.
    pub hidden: Rc<BTreeSet<String>>,
    /// Open suggestions (not annotations until accepted), in document order.
    pub suggestions: Rc<Vec<Suggestion>>,
    /// The suggestion J / K last moved to (its tag has the focus).
    pub focused_suggestion: Option<usize>,
    /// A review of several annotators' saves, while the reviewer builds the
    /// gold version (which is what the editor shows).
    pub adjudication: Option<Rc<Adjudication>>,
    /// The version of the document this tab last stored or received (see
    /// `tab_sync.rs`); `None` until the article's stored copy is read.
    pub tab_base: Option<Rc<TabCopy>>,
    /// The last bases, newest last: this tab's work descends from each (a
    /// copy the CMS holds that is one of them can be saved over).
    pub tab_seen: Rc<Vec<Rc<TabCopy>>>,
    pub tab_conflict: Option<Rc<TabConflict>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollTarget {
    /// A span's label tag (and focus it).
    Span(SpanId),
    /// The pending selection (the keyboard caret).
    Pending,
    /// An open suggestion's tag (and focus it), by index.
    Suggestion(usize),
}

impl AppState {
    pub fn new(editor: Editor, save_info: SaveInfo) -> Self {
        let mut s = AppState {
            editor,
            views: Rc::new(Vec::new()),
            decorated: 0..0,
            pending: None,
            caret: None,
            selected: None,
            chooser: None,
            linking: None,
            precision: Precision::Token,
            notice: None,
            save_info,
            revision: 0,
            scroll_to: None,
            scroll_seq: 0,
            read_only: false,
            review: None,
            hidden: Rc::new(BTreeSet::new()),
            suggestions: Rc::new(Vec::new()),
            focused_suggestion: None,
            adjudication: None,
            tab_base: None,
            tab_seen: Rc::new(Vec::new()),
            tab_conflict: None,
        };
        s.decorated = initial_window(s.article());
        s.refresh_views();
        s
    }

    pub fn article(&self) -> &Arc<Article> {
        self.editor.article()
    }

    fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { kind: NoticeKind::Error, text: text.into(), offer: None });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice { kind: NoticeKind::Info, text: text.into(), offer: None });
    }

    /// Re-derives paragraph views, keeping the old `Rc` of every paragraph
    /// that did not change so that its component skips rendering.
    fn refresh_views(&mut self) {
        let related = self.related_spans();
        let views = build_paragraph_views(
            &self.editor,
            self.pending,
            self.selected,
            &related,
            self.decorated.clone(),
            &self.hidden,
            &self.suggestions,
            &self.views,
        );
        self.views = Rc::new(views);
    }

    /// Spans linked to the selected span, highlighted with it (a claim's
    /// claimant and subjects, or the claims about an entity).
    pub fn related_spans(&self) -> Vec<SpanId> {
        let Some(id) = self.selected else { return Vec::new() };
        let ann = self.editor.annotations();
        let mut out: Vec<SpanId> = ann
            .relations_of(id)
            .filter_map(|r| match &r.to {
                Target::Span(to) if r.from == id => Some(*to),
                _ if r.from != id => Some(r.from),
                _ => None,
            })
            .collect();
        marginalia_core::sorting::sort(&mut out);
        out.dedup();
        out
    }

    fn link_to(&mut self, to: Target, label: String, from: SpanId) {
        match self.editor.add_relation(from, to, &label) {
            Ok(_) => {
                self.selected = Some(from);
                self.changed();
            }
            Err(e) => self.error(format!("Could not link: {e}.")),
        }
    }

    /// Makes sure the paragraph holding code point `cp` is drawn with its
    /// annotations (it is about to be scrolled to).
    fn decorate_around(&mut self, cp: usize) {
        if let Some(p) = self.article().paragraph_at(cp) {
            if !self.decorated.contains(&p) {
                self.decorated = window_around(p, p + 1, self.article().paragraphs().len());
            }
        }
    }

    fn changed(&mut self) {
        self.revision += 1;
        if let Some(id) = self.selected {
            if self.editor.annotations().get(id).is_none() {
                self.selected = None;
            }
        }
    }

    fn label_pending(&mut self, label: &str) {
        let Some((start, end)) = self.pending else { return };
        match self.editor.add_span(start, end, label) {
            Ok(id) => {
                self.pending = None;
                self.caret = None;
                self.selected = Some(id);
                self.changed();
            }
            Err(e) => self.error(format!("Could not label “{}”: {e}.", self.article().slice(start, end))),
        }
    }

    fn open(&mut self, article: Article, spans: Option<Snapshot>) {
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
        self.pending = None;
        self.caret = None;
        self.selected = None;
        self.chooser = None;
        self.linking = None;
        self.review = None;
        self.suggestions = Rc::new(Vec::new());
        self.adjudication = None;
        self.tab_base = None;
        self.tab_seen = Rc::new(Vec::new());
        self.tab_conflict = None;
        // Another document: its decision and foreign meta are its own.
        self.save_info.task = Default::default();
        self.changed();
    }

    /// Takes span `id` off the review list; closes the list when it is done.
    fn reviewed(&mut self, id: SpanId) {
        if let Some(review) = &self.review {
            let mut review = (**review).clone();
            review.items.retain(|i| i.id != Some(id));
            self.review = (!review.items.is_empty()).then(|| Rc::new(review));
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.read_only && action.changes_annotations() {
            let mut s = (*self).clone();
            s.error("This document is open read-only: the annotations cannot be changed here.");
            return Rc::new(s);
        }
        let mut s = (*self).clone();
        s.scroll_to = None;
        if !matches!(action, Action::SelectAdjacent { .. } | Action::ShowParagraphs { .. }) {
            s.focused_suggestion = None;
        }
        match action {
            Action::Select { anchor, focus, character } => {
                let precision = if character { Precision::Character } else { s.precision };
                s.chooser = None;
                match snap(s.article(), anchor, focus, precision) {
                    Some((start, end)) => {
                        s.pending = Some((start, end));
                        s.selected = None;
                        let article = s.article().clone();
                        s.caret = match (Caret::at(&article, start), article.token_at(end.saturating_sub(1))) {
                            (Some(a), Some(f)) => Some(Caret { anchor: a.anchor, focus: f }),
                            _ => None,
                        };
                    }
                    None => s.pending = None,
                }
            }
            Action::MoveCaret { motion, extend } => {
                let article = s.article().clone();
                let caret = match (s.caret, s.selected.and_then(|id| s.editor.annotations().get(id))) {
                    (Some(c), _) => Some(c.moved(&article, motion, extend)),
                    (None, Some(span)) => Caret::at(&article, span.start),
                    (None, None) => Caret::at(&article, 0),
                };
                if let Some(c) = caret {
                    s.caret = Some(c);
                    s.pending = Some(c.range(&article));
                    s.decorate_around(article.tokens()[c.focus].start);
                    s.selected = None;
                    s.chooser = None;
                    s.scroll_to = Some(ScrollTarget::Pending);
                    s.scroll_seq += 1;
                }
            }
            Action::AddSpan { start, end, label } => match s.editor.add_span(start, end, &label) {
                Ok(id) => {
                    s.selected = Some(id);
                    s.pending = None;
                    s.caret = None;
                    s.changed();
                }
                Err(e) => s.error(format!("Could not add the span: {e}.")),
            },
            Action::ApplyLabel(label) => {
                if s.pending.is_some() {
                    s.label_pending(&label);
                } else if let Some(id) = s.selected {
                    match s.editor.set_label(id, &label) {
                        Ok(()) => s.changed(),
                        Err(e) => s.error(format!("Could not change the label: {e}.")),
                    }
                } else {
                    s.info(format!("Select some text first, then press a label key to label it {label}."));
                }
            }
            // While a link is being made, focus moving over tags must not
            // change what is linked from; the click decides.
            Action::SelectSpan { .. } if s.linking.is_some() => {}
            Action::SelectSpan { id, scroll } => {
                if s.editor.annotations().get(id).is_some() {
                    s.selected = Some(id);
                    s.pending = None;
                    s.caret = None;
                    s.chooser = None;
                    if scroll {
                        let start = s.editor.annotations().get(id).map_or(0, |sp| sp.start);
                        s.decorate_around(start);
                        s.scroll_to = Some(ScrollTarget::Span(id));
                    s.scroll_seq += 1;
                    }
                }
            }
            Action::ClickSpans { spans, .. } if s.linking.is_some() => {
                let (from, label) = s.linking.take().expect("checked");
                // The innermost span that is not a claim is what a claim links to.
                let target = spans.iter().rev().copied().find(|id| {
                    s.editor.annotations().get(*id).is_some_and(|sp| sp.layer != CLAIM_LAYER)
                });
                match target {
                    Some(to) => s.link_to(Target::Span(to), label, from),
                    None => s.info("No link made: click on a labelled entity to link the claim to it."),
                }
            }
            Action::ClickSpans { spans, x, y } => {
                s.pending = None;
                s.caret = None;
                match spans.as_slice() {
                    [] => {
                        s.selected = None;
                        s.chooser = None;
                    }
                    [one] => {
                        s.selected = Some(*one);
                        s.chooser = None;
                    }
                    _ => s.chooser = Some(Chooser { spans, x, y }),
                }
            }
            Action::DeleteSelected => {
                if let Some(id) = s.selected {
                    let links = s.editor.annotations().relations_of(id).count();
                    match s.editor.remove_span(id) {
                        Ok(()) => {
                            s.selected = None;
                            s.changed();
                            if links > 0 {
                                s.info(format!(
                                    "Deleted the annotation and its {links} link{}; Ctrl+Z brings them back.",
                                    if links == 1 { "" } else { "s" }
                                ));
                            }
                        }
                        Err(e) => s.error(format!("Could not delete: {e}.")),
                    }
                }
            }
            Action::Undo => {
                if s.editor.undo() {
                    s.changed();
                }
            }
            Action::Redo => {
                if s.editor.redo() {
                    s.changed();
                }
            }
            Action::Escape => {
                if s.linking.take().is_some() {
                    s.info("Linking cancelled.");
                } else if s.chooser.is_some() {
                    s.chooser = None;
                } else {
                    s.pending = None;
                    s.caret = None;
                    s.selected = None;
                }
            }
            Action::TogglePrecision => {
                s.precision = match s.precision {
                    Precision::Token => Precision::Character,
                    Precision::Character => Precision::Token,
                }
            }
            Action::OpenArticle { article, restored, announce } => {
                let n = restored.as_ref().map_or(0, |r| r.spans.len());
                let title = article.title.clone();
                s.open(article, restored);
                match announce {
                    Announce::StoredWork if n > 0 => {
                        s.info(format!("Opened “{title}” with the {n} annotations saved earlier on this device."))
                    }
                    Announce::Opened | Announce::StoredWork => s.info(format!("Opened “{title}”.")),
                    Announce::StoredWorkUnusable(why) => s.error(why.to_string()),
                    Announce::Quiet => s.notice = None,
                }
            }
            Action::ApplyRecord(loaded, note) => match s.editor.replace_snapshot(loaded.snapshot()) {
                Ok(()) => {
                    s.save_info.task = loaded.record.task_fields();
                    s.selected = None;
                    s.changed();
                    let n = loaded.spans.len();
                    let warning = marginalia_core::formats::answers::opened_warning(&loaded.record).unwrap_or_default();
                    let note = note.map(|n| format!(" {n}")).unwrap_or_default();
                    s.info(format!("Loaded {n} annotations from the save. Undo (Ctrl+Z) restores what you had.{warning}{note}"));
                }
                Err(e) => s.error(format!("The save could not be applied: {e}. Your work is unchanged.")),
            },
            Action::ApplyReanchored { loaded, review, open } => {
                if open {
                    s.open(loaded.article.clone(), None);
                }
                // One undo step, never refused as a whole: what the editor
                // refuses comes back orphaned in the report, and the message
                // is written from the report as applied.
                let report = marginalia_core::anchor::apply(&mut s.editor, &loaded, review.report.clone());
                s.save_info.task = loaded.record.task_fields();
                let review = Rc::new(review.again(report));
                s.selected = None;
                s.changed();
                if review.refused {
                    s.error(review.summary.clone());
                } else {
                    s.info(review.summary.clone());
                }
                s.review = (!review.items.is_empty()).then_some(review);
            }
            Action::KeepReanchored(id) => s.reviewed(id),
            Action::DeleteReanchored(id) => {
                if s.editor.annotations().get(id).is_some() {
                    s.selected = Some(id);
                    let mut after = (*Rc::new(s).reduce(Action::DeleteSelected)).clone();
                    after.reviewed(id);
                    return Rc::new(after);
                }
                s.reviewed(id);
            }
            Action::DismissReview => s.review = None,
            Action::SelectAdjacent { forward } => {
                // Spans shown and open suggestions, in document order; a
                // suggestion sorts after a span at the same place.
                #[derive(Clone, Copy, PartialEq)]
                enum Stop {
                    Span(SpanId),
                    Suggestion(usize),
                }
                let key = |start: usize, end: usize, rank: (u8, u32)| (start, std::cmp::Reverse(end), rank);
                let mut stops: Vec<(_, Stop)> = s
                    .editor
                    .annotations()
                    .iter()
                    .filter(|sp| !s.hidden.contains(&sp.label))
                    .map(|sp| (key(sp.start, sp.end, (0, sp.id.0)), Stop::Span(sp.id)))
                    .collect();
                stops.extend(s.suggestions.iter().enumerate().map(|(i, x)| (key(x.start, x.end, (1, i as u32)), Stop::Suggestion(i))));
                marginalia_core::sorting::sort_by(&mut stops, |a, b| a.0.cmp(&b.0));
                let here = match (s.focused_suggestion, s.selected.and_then(|id| s.editor.annotations().get(id)), s.pending) {
                    (Some(i), _, _) if i < s.suggestions.len() => Some(key(s.suggestions[i].start, s.suggestions[i].end, (1, i as u32))),
                    (_, Some(span), _) => Some(key(span.start, span.end, (0, span.id.0))),
                    (_, None, Some((start, end))) => Some(key(start, end, (2, 0))),
                    _ => None,
                };
                let next = if forward {
                    stops.iter().find(|(k, _)| here.is_none_or(|h| *k > h))
                } else {
                    stops.iter().rev().find(|(k, _)| here.is_none_or(|h| *k < h))
                };
                match next.map(|(_, stop)| *stop) {
                    Some(Stop::Span(id)) => return Rc::new(s).reduce(Action::SelectSpan { id, scroll: true }),
                    Some(Stop::Suggestion(i)) => {
                        s.selected = None;
                        s.pending = None;
                        s.caret = None;
                        s.focused_suggestion = Some(i);
                        s.decorate_around(s.suggestions[i].start);
                        s.scroll_to = Some(ScrollTarget::Suggestion(i));
                        s.scroll_seq += 1;
                        return Rc::new(s);
                    }
                    None => s.info(if forward { "No annotation or suggestion after this one." } else { "No annotation or suggestion before this one." }),
                }
            }
            Action::StartAdjudication(adjudication) => match gold_record(&adjudication.gold, &s.save_info) {
                Ok(loaded) => {
                    let review = adjudication.gold.review().clone();
                    let differ = review.disagreements().count();
                    s.open(loaded.article.clone(), Some(loaded.snapshot()));
                    s.adjudication = Some(adjudication);
                    s.info(format!(
                        "Reviewing {} saves ({}): {differ} item(s) differ; the ones all agree on are in the gold version already.",
                        review.sources().len(),
                        review.annotators().join(", ")
                    ));
                }
                Err(e) => s.error(format!("The review could not start: {e}.")),
            },
            Action::Decide(decision) => {
                if let Some(current) = s.adjudication.clone() {
                    let mut gold = current.gold.clone();
                    match gold.apply(decision).map_err(|e| e.to_string()).and_then(|()| gold_record(&gold, &s.save_info)) {
                        Ok(loaded) => {
                            let _ = s.editor.replace_snapshot(loaded.snapshot());
                            s.selected = None;
                            s.adjudication = Some(Rc::new(Adjudication { gold }));
                            s.changed();
                        }
                        Err(e) => s.error(format!("That decision was not applied: {e}.")),
                    }
                }
            }
            Action::UndoDecision => {
                if let Some(current) = s.adjudication.clone() {
                    let mut gold = current.gold.clone();
                    if gold.undo() {
                        if let Ok(loaded) = gold_record(&gold, &s.save_info) {
                            let _ = s.editor.replace_snapshot(loaded.snapshot());
                            s.selected = None;
                            s.adjudication = Some(Rc::new(Adjudication { gold }));
                            s.changed();
                        }
                    }
                }
            }
            Action::LeaveAdjudication => s.adjudication = None,
            Action::Find { query, forward } => {
                let article = s.article().clone();
                // From the selection, or the span just labelled (which is selected).
                let here = s.pending.or_else(|| s.selected.and_then(|id| s.editor.annotations().get(id)).map(|sp| (sp.start, sp.end)));
                let from = here.map(|(start, end)| if forward { end } else { start }).unwrap_or(0);
                match find_text(&article, &query, from, forward) {
                    Some((start, end)) => {
                        s.pending = Some((start, end));
                        s.selected = None;
                        s.chooser = None;
                        s.caret = match (Caret::at(&article, start), article.token_at(end.saturating_sub(1))) {
                            (Some(a), Some(f)) => Some(Caret { anchor: a.anchor, focus: f }),
                            _ => None,
                        };
                        s.decorate_around(start);
                        s.scroll_to = Some(ScrollTarget::Pending);
                        s.scroll_seq += 1;
                    }
                    None if query.trim().is_empty() => {}
                    None => s.info(format!("“{query}” is not in the article.")),
                }
            }
            Action::SetStatus(status) => match s.editor.set_status(status) {
                Ok(()) => s.changed(),
                Err(e) => s.error(format!("The status was not set: {e}.")),
            },
            Action::Suggest { source, items } => {
                let mut all: Vec<Suggestion> = s.suggestions.iter().filter(|x| x.source != source).cloned().collect();
                let offered = items.len();
                all.extend(items);
                let open = open_suggestions(all, s.editor.annotations());
                let now = open.iter().filter(|x| x.source == source).count();
                s.suggestions = Rc::new(open);
                s.info(match (offered, now) {
                    (0, _) => format!("No {} suggestions for this article.", source.name()),
                    (_, 0) => "Everything suggested is already annotated.".to_string(),
                    (_, n) => format!("{n} suggestion(s) ({}), drawn dashed: Enter accepts one, X rejects it; or use the side panel.", source.name()),
                });
            }
            Action::AcceptSuggestions(indices) => {
                let chosen: Vec<Suggestion> = indices.iter().filter_map(|i| s.suggestions.get(*i).cloned()).collect();
                let batch: Vec<_> = chosen.iter().map(Suggestion::as_new_span).collect();
                match s.editor.add_spans(&batch) {
                    Ok(ids) => {
                        s.suggestions = Rc::new(s.suggestions.iter().enumerate().filter(|(i, _)| !indices.contains(i)).map(|(_, x)| x.clone()).collect());
                        s.changed();
                        if let [id] = ids[..] {
                            s.selected = Some(id);
                        }
                        let n = ids.len();
                        if n > 1 {
                            s.info(format!("Accepted {n} suggestions. Undo (Ctrl+Z) takes them back together."));
                        }
                    }
                    Err(e) => s.error(format!("The suggestion(s) could not be accepted: {e}.")),
                }
            }
            Action::RejectSuggestions(indices) => {
                s.suggestions = Rc::new(s.suggestions.iter().enumerate().filter(|(i, _)| !indices.contains(i)).map(|(_, x)| x.clone()).collect());
            }
            Action::LabelAllOccurrences { ignore_case } => match s.selected.and_then(|id| s.editor.annotations().get(id)).cloned() {
                Some(span) => {
                    let found = other_occurrences(s.article(), span.start, span.end, &span.label, s.editor.annotations().iter(), if ignore_case { CaseMatching::Insensitive } else { CaseMatching::Sensitive });
                    let items = found
                        .into_iter()
                        .map(|o| Suggestion { start: o.start, end: o.end, label: span.label.clone(), source: Source::Propagated, score: None })
                        .collect();
                    return Rc::new(s).reduce(Action::Suggest { source: Source::Propagated, items });
                }
                None => s.info("Select an annotation first: its label is then suggested on every other occurrence of its text."),
            },
            Action::SetLabelsVisible { labels, visible } => {
                let mut hidden = (*s.hidden).clone();
                for l in labels {
                    if visible {
                        hidden.remove(&l);
                    } else {
                        hidden.insert(l);
                    }
                }
                s.hidden = Rc::new(hidden);
                if s.selected.and_then(|id| s.editor.annotations().get(id)).is_some_and(|sp| s.hidden.contains(&sp.label)) {
                    s.selected = None;
                }
            }
            Action::OpenRecord(loaded) => {
                let n = loaded.spans.len();
                let title = loaded.article.title.clone();
                s.open(loaded.article.clone(), Some(loaded.snapshot()));
                s.save_info.task = loaded.record.task_fields();
                let warning = marginalia_core::formats::answers::opened_warning(&loaded.record).unwrap_or_default();
                s.info(format!("Opened the save of “{title}” with {n} annotations.{warning}"));
            }
            Action::SetSchema(schema) => {
                let mut missing: Vec<String> = s
                    .editor
                    .annotations()
                    .iter()
                    .filter(|sp| schema.label(&sp.label).is_none())
                    .map(|sp| sp.label.clone())
                    .collect();
                marginalia_core::sorting::sort(&mut missing);
                missing.dedup();
                if missing.is_empty() {
                    let article = s.article().clone();
                    let snapshot = s.editor.annotations().snapshot();
                    let mut editor = Editor::new(article, Arc::new(schema));
                    let _ = editor.restore_snapshot(snapshot);
                    s.editor = editor;
                    // Colours may have changed: draw every paragraph afresh.
                    s.views = Rc::new(Vec::new());
                    s.changed();
                    s.info("Label schema loaded.");
                } else {
                    s.error(format!(
                        "This label schema lacks labels your annotations use ({}); it was not applied.",
                        missing.join(", ")
                    ));
                }
            }
            Action::ShowParagraphs { first, last } => {
                let n = s.article().paragraphs().len();
                if window_needs_moving(&s.decorated, first, last, n) {
                    s.decorated = window_around(first, last, n);
                }
            }
            Action::SetAttribute { id, key, value } => match s.editor.set_attribute(id, &key, value) {
                Ok(()) => s.changed(),
                Err(e) => s.error(format!("Could not set {key}: {e}.")),
            },
            Action::AddRelation { from, to, label } => s.link_to(to, label, from),
            Action::RemoveRelation(id) => match s.editor.remove_relation(id) {
                Ok(()) => s.changed(),
                Err(e) => s.error(format!("Could not remove the link: {e}.")),
            },
            Action::SetDocumentLabel { key, value } => match s.editor.set_document_label(&key, value) {
                Ok(()) => s.changed(),
                Err(e) => s.error(format!("Could not set {key}: {e}.")),
            },
            Action::StartLinking { label } => {
                if let Some(from) = s.selected {
                    let title = s.editor.schema().relation(&label).map_or(label.clone(), |r| r.title.clone());
                    s.linking = Some((from, label));
                    s.info(format!("{title}: click the entity in the text (Escape cancels)."));
                }
            }
            Action::Notify(n) => s.notice = Some(n),
            Action::DismissNotice => s.notice = None,
            Action::TabStored(copy) | Action::TabReceived(copy) if copy.sha256 != s.article().sha256() => return self,
            Action::TabStored(copy) => {
                s.set_tab_base(copy);
                return Rc::new(s);
            }
            Action::TabReceived(theirs) => s.tab_received(theirs),
            Action::ResolveTabConflict(side) => s.resolve_tab_conflict(side),
            Action::DeleteSpan(id) => s.delete_span(id),
        }
        s.refresh_views();
        Rc::new(s)
    }
}

/// Another tab's work on the same document (`tab_sync.rs`).
impl AppState {
    /// Merges the other tab's stored version into this tab's work: changes
    /// that do not conflict come in at once, outside the undo history (an
    /// undo must not take back, and so delete, the other tab's work); a
    /// conflict waits for the annotator. While one waits, a newer version
    /// from the other tab replaces the one it shows.
    fn tab_received(&mut self, theirs: Rc<TabCopy>) {
        let base = match (&self.tab_conflict, &self.tab_base) {
            (Some(c), _) => c.base.clone(),
            (None, Some(b)) => b.clone(),
            // Nothing stored when this article opened: everything is new.
            (None, None) => Rc::new(TabCopy { sha256: theirs.sha256.clone(), json: String::new(), snapshot: Snapshot::default() }),
        };
        let mine = self.editor.annotations().snapshot();
        let merged = merge(&base.snapshot, &mine, &theirs.snapshot, Side::Mine);
        if !merged.conflicts.is_empty() {
            self.tab_conflict = Some(Rc::new(TabConflict { base, theirs, conflicts: merged.conflicts }));
            return;
        }
        self.take_merge(&merged, &base, theirs);
    }

    /// How many earlier bases `tab_seen` keeps.
    const TAB_SEEN: usize = 16;

    fn set_tab_base(&mut self, copy: Rc<TabCopy>) {
        let mut seen = (*self.tab_seen).clone();
        if seen.len() == Self::TAB_SEEN {
            seen.remove(0);
        }
        seen.push(copy.clone());
        self.tab_seen = Rc::new(seen);
        self.tab_base = Some(copy);
    }

    fn resolve_tab_conflict(&mut self, side: Side) {
        let Some(c) = self.tab_conflict.take() else { return };
        let merged = merge(&c.base.snapshot, &self.editor.annotations().snapshot(), &c.theirs.snapshot, side);
        let n = c.conflicts.len();
        if self.take_merge(&merged, &c.base, c.theirs.clone()) {
            self.info(match side {
                Side::Mine => format!("Kept your version of {n} conflicting change(s); everything else from both tabs is merged."),
                Side::Theirs => format!("Took the other tab's version of {n} conflicting change(s); everything else from both tabs is merged."),
            });
        }
    }

    /// Applies a merge and takes `theirs` as the new base; the merge is then
    /// stored by the next write unless it is exactly theirs.
    fn take_merge(&mut self, merged: &marginalia_core::merge::Merged, base: &TabCopy, theirs: Rc<TabCopy>) -> bool {
        if merged.snapshot != self.editor.annotations().snapshot() {
            if let Err(e) = self.editor.adopt_merge(merged, &base.snapshot) {
                // The base stays: the next write finds the other tab's
                // version again rather than writing over it.
                self.error(format!("The other tab's changes could not be merged: {e}. Nothing is written over them."));
                return false;
            }
        }
        // Exactly theirs: nothing to write (the revision, which writes,
        // stays, or two tabs would answer each other's writes for ever).
        let differs = merged.snapshot != theirs.snapshot;
        self.set_tab_base(theirs);
        if differs {
            self.changed();
        } else if self.selected.is_some_and(|id| self.editor.annotations().get(id).is_none()) {
            self.selected = None;
        }
        true
    }
}

/// A host's `removeSpan`: by id, never through the selection (which a link
/// being picked holds on to).
impl AppState {
    fn delete_span(&mut self, id: SpanId) {
        if self.editor.annotations().get(id).is_none() {
            return self.error(format!("Could not delete: there is no span {id}."));
        }
        match self.editor.remove_span(id) {
            Ok(()) => {
                // Nothing may point at the span now gone.
                if self.selected == Some(id) {
                    self.selected = None;
                }
                if self.linking.as_ref().is_some_and(|(from, _)| *from == id) {
                    self.linking = None;
                }
                if self.chooser.as_ref().is_some_and(|c| c.spans.contains(&id)) {
                    self.chooser = None;
                }
                self.reviewed(id);
                self.changed();
            }
            Err(e) => self.error(format!("Could not delete: {e}.")),
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
