//! Re-anchoring as its callers find it: the functions installed by its part
//! (`on_demand/anchoring.rs`, fetched on first use), absent until then —
//! placing a record made on an earlier version of the text, and applying
//! what was placed to the editor (the reducer; every flow that hands it
//! re-anchored work fetched the part first).
//! A caller that needs it and finds it absent changes nothing and says so
//! ([`Absent`]); the asynchronous entry points fetch the part first
//! (`on_demand::anchoring::ready`), and a document opened while it is on
//! the way opens once it is here (`document_session::open_in`).

use crate::reanchoring::AnchorReview;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record};
use std::cell::Cell;

/// A record placed on an article and what the annotator should review, or
/// why it could not be placed.
pub type Placed = Result<(LoadedRecord, AnchorReview), String>;

/// What the part installs.
pub struct Anchoring {
    /// A record placed on an article (`reanchoring::reanchor_onto`).
    pub reanchor: fn(&Record, &Article, &LabelSchema) -> Placed,
    /// What was placed applied to the editor as one undo step (never
    /// refused as a whole); the review, written again from what was applied.
    pub apply: fn(&mut Editor, &LoadedRecord, &AnchorReview) -> AnchorReview,
}

thread_local! {
    /// Re-anchoring, once its part is here.
    static ANCHORING: Cell<Option<&'static Anchoring>> = const { Cell::new(None) };
}

/// Re-anchoring is needed and its part is not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absent;

/// What a caller does when the part is not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfAbsent {
    /// Stop before changing anything and answer [`Absent`]: the caller
    /// fetches the part and asks again.
    Wait,
    /// The part could not be fetched: the work that needs it is said to be
    /// unusable for now (it stays stored).
    GiveUp,
}

/// Called by the part: from now on re-anchoring runs at once.
pub fn install_anchoring(anchoring: &'static Anchoring) {
    ANCHORING.with(|a| a.set(Some(anchoring)));
}

/// Re-anchoring, when its part is here (`installed.rs`).
pub fn installed() -> Option<&'static Anchoring> {
    crate::installed::read(&ANCHORING)
}

/// [`crate::reanchoring::reanchor_onto`] through the part; `Err` says the
/// part could not be loaded (the callers fetch it before they get here).
pub fn reanchor_onto(record: &Record, article: &Article, schema: &LabelSchema) -> Placed {
    match installed() {
        Some(anchoring) => (anchoring.reanchor)(record, article, schema),
        None => Err(unavailable()),
    }
}

/// Why work for an earlier version was not placed without the part.
pub fn unavailable() -> String {
    "re-anchoring could not be loaded (is the network there?)".into()
}
