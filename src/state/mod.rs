//! The app's state and its reducer: gestures arrive as [`Action`]s, the core
//! [`Editor`] applies them, and the view models are derived afresh. Side
//! effects (storage, scrolling, downloads) stay out of here: the app runs
//! them after a change, from the state's `revision` and `scroll_to`.
//!
//! One file per area: what is in hand ([`Focus`]), what the document is
//! being used for ([`Mode`]), and the reducer's areas (`selection`,
//! `editing`, `documents`, `review`, `suggestions`, `tabs`), each a few
//! small methods that [`AppState::apply`] calls directly (no action
//! dispatches another).
//!
//! Invariants: read-only refuses every action that
//! [`Action::changes_annotations`] names, before it reaches an area; every
//! change of the annotations or the article bumps `revision`.

mod action;
mod documents;
mod editing;
mod focus;
mod mode;
mod notice;
mod review;
mod selection;
mod suggestions;
mod tabs;
mod window;

pub use action::Action;
pub use focus::{Chooser, Focus};
pub use mode::Mode;
pub use notice::{Notice, NoticeKind};
pub use tabs::{TabConflict, TabCopy};
pub use window::window_needs_moving;
use window::{initial_window, window_around};

use crate::view_model::{build_paragraph_views, ParagraphView};
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::record::SaveInfo;
use marginalia_core::relation::Target;
use marginalia_core::snap::Precision;
use marginalia_core::span::SpanId;
use marginalia_core::suggestion::Suggestion;
use std::collections::BTreeSet;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;
use yew::Reducible;

#[derive(Clone)]
pub struct AppState {
    pub editor: Editor,
    pub views: Rc<Vec<Rc<ParagraphView>>>,
    /// What is selected or being picked.
    pub focus: Focus,
    /// Annotating, checking re-anchored spans, or adjudicating.
    pub mode: Mode,
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
    /// Labels filtered out of the article view.
    pub hidden: Rc<BTreeSet<String>>,
    /// Open suggestions (not annotations until accepted), in document order.
    pub suggestions: Rc<Vec<Suggestion>>,
    /// The guidelines panel is open (`?`).
    pub guidelines_open: bool,
    /// Suggestions accepted together, newest last (at most
    /// `suggestions::ACCEPTED_KEPT`): undoing the step that took them in
    /// offers them again.
    pub accepted: Rc<Vec<Rc<Vec<Suggestion>>>>,
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
        let mut s = AppState::undrawn(editor, save_info);
        s.decorated = initial_window(s.article());
        s.refresh_views();
        s
    }

    /// The state of `editor` with nothing drawn yet: for a state whose
    /// document is opened next (`open_document` draws it), so that the
    /// views are not built twice.
    pub fn undrawn(editor: Editor, save_info: SaveInfo) -> Self {
        AppState {
            editor,
            views: Rc::new(Vec::new()),
            decorated: 0..0,
            focus: Focus::Nothing,
            mode: Mode::Annotate,
            precision: Precision::Token,
            notice: None,
            save_info,
            revision: 0,
            scroll_to: None,
            scroll_seq: 0,
            read_only: false,
            hidden: Rc::new(BTreeSet::new()),
            suggestions: Rc::new(Vec::new()),
            accepted: Rc::new(Vec::new()),
            guidelines_open: false,
            tab_base: None,
            tab_seen: Rc::new(Vec::new()),
            tab_conflict: None,
        }
    }

    pub fn article(&self) -> &Arc<Article> {
        self.editor.article()
    }

    /// Whether the reducer refuses `action` (read-only, and it changes the
    /// annotations): it then only shows the refusal as an error notice.
    /// One copy for the reducer and the host commands (inlined, each would
    /// carry the match over every action).
    #[inline(never)]
    pub fn refuses(&self, action: &Action) -> bool {
        self.read_only && action.changes_annotations()
    }

    fn error(&mut self, text: impl Into<String>) {
        self.say(NoticeKind::Error, text.into());
    }

    fn info(&mut self, text: impl Into<String>) {
        self.say(NoticeKind::Info, text.into());
    }

    /// One copy of the notice's replacement (dropping the old one), not
    /// one per message: some 30 call sites.
    #[inline(never)]
    fn say(&mut self, kind: NoticeKind, text: String) {
        self.notice = Some(Notice { kind, text, offer: None });
    }

    /// Re-derives paragraph views, keeping the old `Rc` of every paragraph
    /// that did not change so that its component skips rendering.
    pub(super) fn refresh_views(&mut self) {
        let related = self.related_spans();
        let views = build_paragraph_views(
            &self.editor,
            self.focus.pending(),
            self.focus.selected(),
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
        let Some(id) = self.focus.selected() else { return Vec::new() };
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

    /// Makes sure the paragraph holding code point `cp` is drawn with its
    /// annotations (it is about to be scrolled to).
    fn decorate_around(&mut self, cp: usize) {
        if let Some(p) = self.article().paragraph_at(cp) {
            if !self.decorated.contains(&p) {
                self.decorated = window_around(p, p + 1, self.article().paragraphs().len());
            }
        }
    }

    /// Brings `target` into view after rendering (again, if asked again).
    fn scroll(&mut self, target: ScrollTarget) {
        self.scroll_to = Some(target);
        self.scroll_seq += 1;
    }

    /// Paragraphs `first..last` are in the viewport: the decorated window
    /// follows when they come near its edge.
    fn show_paragraphs(&mut self, first: usize, last: usize) {
        let n = self.article().paragraphs().len();
        if window_needs_moving(&self.decorated, first, last, n) {
            self.decorated = window_around(first, last, n);
        }
    }

    /// After every change of the annotations: the app persists on
    /// `revision`, and a span removed is no longer selected.
    fn changed(&mut self) {
        self.revision += 1;
        self.drop_removed_selection();
    }

    /// Lets go of the selected span when an edit (or another tab's) removed it.
    fn drop_removed_selection(&mut self) {
        if self.focus.selected().is_some_and(|id| self.editor.annotations().get(id).is_none()) {
            self.focus.deselect();
        }
    }

    /// Runs one action in its area. Each arm calls the area's method
    /// directly: no action is dispatched from another.
    fn apply(&mut self, action: Action) {
        use Action::*;
        match action {
            Select { anchor, focus, character } => self.select(anchor, focus, character),
            Tap { at } => self.tap(at),
            MoveCaret { motion, extend } => self.move_caret(motion, extend),
            SelectSpan { id, scroll } => self.select_span(id, scroll),
            ClickSpans { spans, x, y } => self.click_spans(spans, x, y),
            SelectAdjacent { forward } => self.select_adjacent(forward),
            // Escape closes the guidelines first, then what it always closed.
            Escape if self.guidelines_open => self.guidelines_open = false,
            Escape => self.escape(),
            ToggleGuidelines => self.guidelines_open = !self.guidelines_open,
            TogglePrecision => self.toggle_precision(),
            Find { query, forward } => self.find(query, forward),
            ShowParagraphs { first, last } => self.show_paragraphs(first, last),
            SetLabelsVisible { labels, visible } => self.set_labels_visible(labels, visible),
            AddSpan { start, end, label } => self.add_span(start, end, &label),
            ApplyLabel(label) => self.apply_label(label),
            DeleteSelected => self.delete_selected(),
            Undo => self.undo(),
            Redo => self.redo(),
            SetAttribute { id, key, value } => self.set_attribute(id, &key, value),
            AddRelation { from, to, label } => self.link_to(to, label, from),
            RemoveRelation(id) => self.remove_relation(id),
            StartLinking { label } => self.start_linking(label),
            SetDocumentLabel { key, value } => self.set_document_label(&key, value),
            SetStatus(status) => self.set_status(status),
            OpenDocument(opening) => self.open_document(&opening),
            ApplyRecord(loaded, note) => self.apply_record(loaded, note),
            SetSchema(schema) => self.set_schema(schema),
            ApplyReanchored { loaded, review } => {
                self.apply_reanchored(&loaded, &review);
                self.changed();
            }
            KeepReanchored(id) => self.mode.reviewed(id),
            DeleteReanchored(id) => self.delete_reanchored(id),
            DeleteSpan(id) => self.delete_span_by_id(id),
            DismissReview => self.mode.set_review(None),
            StartAdjudication(adjudication) => self.start_adjudication(adjudication),
            Decide(decision) => self.decide(decision),
            UndoDecision => self.undo_decision(),
            LeaveAdjudication => self.leave_adjudication(),
            Suggest { source, items } => self.suggest(source, items),
            AcceptSuggestions(indices) => self.accept_suggestions(indices),
            RejectSuggestions(indices) => self.drop_suggestions(&indices),
            LabelAllOccurrences { ignore_case } => self.label_all_occurrences(ignore_case),
            Notify(n) => self.notice = Some(n),
            DismissNotice => self.notice = None,
            TabStored(copy) => self.set_tab_base(copy),
            TabReceived(theirs) => self.tab_received(theirs),
            ResolveTabConflict(side) => self.resolve_tab_conflict(side),
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if self.refuses(&action) {
            let mut s = (*self).clone();
            s.error("This document is open read-only: the annotations cannot be changed here.");
            return Rc::new(s);
        }
        // A copy another tab (or this one) stored for another text is not
        // this document's.
        if let Action::TabStored(copy) | Action::TabReceived(copy) = &action {
            if copy.sha256 != self.article().sha256() {
                return self;
            }
        }
        let mut s = (*self).clone();
        s.scroll_to = None;
        if !matches!(action, Action::SelectAdjacent { .. } | Action::ShowParagraphs { .. }) {
            s.focus.leave_suggestion();
        }
        // A new base changes nothing drawn (it comes with every write).
        let redraw = !matches!(action, Action::TabStored(_));
        s.apply(action);
        if redraw {
            s.refresh_views();
        }
        Rc::new(s)
    }
}

#[cfg(test)]
#[path = "../state_tests.rs"]
mod tests;
