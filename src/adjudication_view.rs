//! The review of several annotators' saves: the core's `adjudication`
//! aligns them and keeps the gold version the reviewer builds; this module
//! turns a set of opened files into a review, and the gold into what the
//! editor shows (the gold's spans, as a record of the same text).
//!
//! A review's code comes with it (`on_demand::review`): what the reducer
//! and the save flow do with the gold version they call through
//! [`GoldOps`], a table the review's part fills when it opens one, so the
//! first load holds none of it. No review exists without its part loaded.

use marginalia_core::formats::detect::read_documents;
use marginalia_core::adjudication::gold::{Decision, Gold, Start};
use marginalia_core::adjudication::{ItemKind, Review, Save};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{LoadedRecord, Record, SaveInfo};
use std::sync::Arc;

/// What is done with a gold version, as function pointers into the
/// review's part.
pub struct GoldOps {
    /// A decision taken (refused with the reason).
    pub apply: fn(&mut Gold, Decision) -> Result<(), String>,
    /// The last decision taken back; false when there is none.
    pub undo: fn(&mut Gold) -> bool,
    /// The gold version as the editor shows it.
    pub loaded: fn(&Gold, &SaveInfo) -> Result<LoadedRecord, String>,
    /// The gold version as it is saved.
    pub record: fn(&Gold, &SaveInfo) -> Record,
}

/// A review in progress.
#[derive(Clone)]
pub struct Adjudication {
    pub gold: Gold,
    pub ops: &'static GoldOps,
    /// The first decisions, taken when the review opened (what everyone
    /// agrees on): the reviewer's undo stops there.
    pub automatic: usize,
}

// Written by hand: a derived `Debug` would bring every review type's.
impl std::fmt::Debug for Adjudication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Adjudication")
    }
}

impl Adjudication {
    /// The gold version as the editor shows it.
    pub fn loaded(&self, info: &SaveInfo) -> Result<LoadedRecord, String> {
        (self.ops.loaded)(&self.gold, info)
    }

    /// The same review with `gold` (after a decision).
    pub fn with(&self, gold: Gold) -> Adjudication {
        Adjudication { gold, ops: self.ops, automatic: self.automatic }
    }

    /// Whether the reviewer has a decision of their own to take back.
    pub fn can_undo(&self) -> bool {
        self.gold.decisions().len() > self.automatic
    }
}

/// The table, made by the code that opens a review (so it lives in the
/// review's part), once.
fn gold_ops() -> &'static GoldOps {
    thread_local! {
        static OPS: &'static GoldOps = Box::leak(Box::new(GoldOps {
            apply: |gold, decision| gold.apply(decision).map_err(|e| e.to_string()),
            undo: |gold| gold.undo(),
            loaded: gold_record,
            record: |gold, info| gold.record(info),
        }));
    }
    OPS.with(|ops| *ops)
}

impl PartialEq for Adjudication {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(self.gold.review(), other.gold.review()) && self.gold.decisions() == other.gold.decisions()
    }
}

/// The annotator's name a file gives when its save names none: its stem.
fn stem(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.split('.').next().unwrap_or(base).to_string()
}

/// Opens `files` (name, contents) as one review; the items (and relations)
/// every annotator agrees on are accepted at once, so the reviewer sees what differs. With
/// `start_from`, the items nobody decided keep that annotator's version.
pub fn start_review(files: &[(String, String)], schema: &LabelSchema, reviewer: &str, start_from: Option<&str>) -> Result<Adjudication, String> {
    let mut saves = Vec::new();
    for (name, text) in files {
        let records = read_documents(text, schema).map_err(|e| format!("“{name}”: {e}"))?;
        for record in records {
            saves.push(Save { record, fallback_name: stem(name) });
        }
    }
    let review = Arc::new(Review::new(saves, schema).map_err(|e| e.to_string())?);
    let reference = review.annotators().first().map(|a| a.to_string()).unwrap_or_default();
    let start = match start_from {
        None => Start::Empty,
        Some(name) if review.annotators().contains(&name) => Start::From(name.to_string()),
        Some(name) => return Err(format!("the review cannot start from {name:?}: no save is named so")),
    };
    let mut gold = Gold::new(review.clone(), start, vec![reviewer.to_string()]).map_err(|e| e.to_string())?;
    for item in review.items().iter().filter(|i| i.kind == ItemKind::Agree) {
        gold.apply(Decision::Accept { item: item.id, annotator: reference.clone() }).map_err(|e| e.to_string())?;
    }
    // Relations everyone made go in too, once their ends are in; one whose
    // end is still disputed waits for the reviewer (the panel lists it).
    for relation in review.relations().iter().filter(|r| r.kind == ItemKind::Agree) {
        let _ = gold.apply(Decision::AcceptRelation { relation: relation.id });
    }
    let automatic = gold.decisions().len();
    Ok(Adjudication { gold, ops: gold_ops(), automatic })
}

/// The gold now, as a record the editor shows (and saves).
fn gold_record(gold: &Gold, info: &SaveInfo) -> Result<LoadedRecord, String> {
    let schema = gold.review().schema().clone();
    gold.record(info).load(&schema).map_err(|e| format!("the gold version does not load: {e}"))
}
