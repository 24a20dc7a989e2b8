//! Everything that can happen to the app's state, as one value per
//! gesture or host request, and which of them edit the annotations.
//!
//! Units: offsets are code points into the open article, end exclusive.
//! Invariant: `changes_annotations` names every variant (no wildcard), so
//! read-only is decided in one place and a new action must say whether it
//! edits before it compiles.

use super::{Notice, NoticeKind, TabCopy};
use crate::opening::Opening;
use crate::adjudication_view::Adjudication;
use crate::reanchoring::AnchorReview;
use marginalia_core::adjudication::Decision;
use marginalia_core::caret::Motion;
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::merge::Side;
use marginalia_core::record::LoadedRecord;
use marginalia_core::relation::{RelationId, Target};
use marginalia_core::span::SpanId;
use marginalia_core::suggestion::{Source, Suggestion};
use std::rc::Rc;

pub enum Action {
    /// A mouse selection between two code points; `character` when Alt was
    /// held (character precision for this selection only).
    Select { anchor: usize, focus: usize, character: bool },
    /// A finger's tap on the text at code point `at`: the word there is
    /// selected, or added to the selection pending.
    Tap { at: usize },
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
    /// Opens a document with the annotations the rule chose (`opening.rs`).
    OpenDocument(Rc<Opening>),
    /// A save for the article open now: its spans replace the current ones
    /// (one undo step). The text, if any, is added to the notice (e.g. the
    /// other annotators the same file holds for this text).
    ApplyRecord(Rc<LoadedRecord>, Option<String>),
    SetSchema(LabelSchema),
    /// Paragraphs `first..last` are in the viewport (from scrolling).
    ShowParagraphs { first: usize, last: usize },
    /// Annotations re-anchored from an earlier version of the text, applied
    /// to the article open now as one undo step.
    ApplyReanchored { loaded: Rc<LoadedRecord>, review: Rc<AnchorReview> },
    /// The annotator checked a re-anchored span and keeps it.
    KeepReanchored(SpanId),
    /// The annotator removes a re-anchored span (one undo step).
    DeleteReanchored(SpanId),
    /// Deletes this span (the host's `removeSpan`): whatever is in hand
    /// stays unless it was that span; an id with no span is an error.
    DeleteSpan(SpanId),
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
    /// Opens or closes the guidelines panel (`?`).
    ToggleGuidelines,
    /// This tab wrote (or, as the article opened, found) this version of
    /// the document in local storage: its base for merging.
    TabStored(Rc<TabCopy>),
    /// Another tab stored this version of the open document: merged in
    /// (outside the undo history), or a conflict for the annotator.
    TabReceived(Rc<TabCopy>),
    /// The annotator's choice in a conflict with another tab.
    ResolveTabConflict(Side),
}

impl Action {
    /// An error notice: nothing was done, the work is as it was.
    pub fn error(text: String) -> Action {
        Action::Notify(Notice { kind: NoticeKind::Error, text, offer: None })
    }

    /// Whether the action changes the annotations (refused when read-only).
    ///
    /// Every variant is named (no wildcard): a new action does not compile
    /// until it says whether it edits, so read-only cannot miss one.
    pub fn changes_annotations(&self) -> bool {
        use Action::*;
        match self {
            AddSpan { .. } | ApplyLabel(_) | DeleteSelected | Undo | Redo | ApplyRecord(..) | SetAttribute { .. }
            | AddRelation { .. } | RemoveRelation(_) | SetDocumentLabel { .. } | StartLinking { .. }
            | AcceptSuggestions(_) | SetStatus(_) | DeleteReanchored(_) | DeleteSpan(_) | ApplyReanchored { .. } => true,
            // A review shows, and each decision writes, a gold version in
            // place of the document's annotations.
            StartAdjudication(_) | Decide(_) | UndoDecision => true,
            // Looking, selecting, opening another document, suggestions not
            // yet accepted, and another tab's own writes.
            Select { .. } | Tap { .. } | MoveCaret { .. } | SelectSpan { .. } | ClickSpans { .. } | Escape | TogglePrecision
            | OpenDocument(_) | SetSchema(_) | ShowParagraphs { .. } | KeepReanchored(_)
            | DismissReview | SelectAdjacent { .. } | Find { .. } | LeaveAdjudication | Suggest { .. }
            | RejectSuggestions(_) | LabelAllOccurrences { .. } | SetLabelsVisible { .. } | Notify(_)
            | DismissNotice | ToggleGuidelines | TabStored(_) | TabReceived(_) | ResolveTabConflict(_) => false,
        }
    }
}
