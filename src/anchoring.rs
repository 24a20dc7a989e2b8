//! Re-anchoring as its callers find it: a function installed by its part
//! (`on_demand/anchoring.rs`, fetched on first use), absent until then.
//! A caller that needs it and finds it absent changes nothing and says so
//! ([`Absent`]); the asynchronous entry points fetch the part first
//! (`on_demand::anchoring::ready`), and a document opened while it is on
//! the way opens once it is here (`document_session::open_in`).

use crate::reanchoring::AnchorReview;
use marginalia_core::article::Article;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record};
use std::cell::Cell;

pub type Reanchor = fn(&Record, &Article, &LabelSchema) -> Result<(LoadedRecord, AnchorReview), String>;

thread_local! {
    /// Re-anchoring, once its part is here.
    static REANCHOR: Cell<Option<Reanchor>> = const { Cell::new(None) };
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
pub fn install_reanchoring(reanchor: Reanchor) {
    REANCHOR.with(|r| r.set(Some(reanchor)));
}

/// Re-anchoring, when its part is here. Behind `black_box`: the one value
/// ever stored is known to the optimiser, which would otherwise call it
/// directly and so keep its code (all of re-anchoring) in the first load.
pub fn reanchorer() -> Option<Reanchor> {
    std::hint::black_box(REANCHOR.with(Cell::get))
}

/// [`crate::reanchoring::reanchor_onto`] through the part; `Err` says the
/// part could not be loaded (the callers fetch it before they get here).
pub fn reanchor_onto(record: &Record, article: &Article, schema: &LabelSchema) -> Result<(LoadedRecord, AnchorReview), String> {
    match reanchorer() {
        Some(reanchor) => reanchor(record, article, schema),
        None => Err(unavailable()),
    }
}

/// Why work for an earlier version was not placed without the part.
pub fn unavailable() -> String {
    "re-anchoring could not be loaded (is the network there?)".into()
}
