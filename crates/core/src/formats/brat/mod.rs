//! brat standoff (`docs/formats/brat.md`): the text in a `.txt` file, the
//! annotations in a `.ann` file beside it, one annotation per line.
//!
//! Offsets are Python string offsets, that is code points, end exclusive —
//! Marginalia's own unit, so nothing is converted (`text_bound.rs`). A line
//! is either held by the record (spans, their attributes and notes,
//! relations between two spans) or kept as written in `meta.brat_unmapped`
//! and written back by the export with its ids kept consistent
//! (`kept.rs`): events, normalisations, equivalences, discontinuous
//! annotations and what points at them. Files: `line.rs` (one line's
//! parts), `text_bound.rs` (offsets against the text), `import.rs`,
//! `export.rs`, `kept.rs`.

mod export;
mod import;
mod kept;
mod line;
mod text_bound;

pub use export::export;
pub use import::import;
pub use kept::{kept_summary, UNMAPPED_META_KEY};
pub(crate) use text_bound::is_line_break;

use super::Exported;
use crate::id::number_items;
use crate::record::{Record, RecordRelation, RecordSpan};
use crate::span::SpanId;

/// The attribute written as brat's `AnnotatorNotes` (`#` lines).
pub const NOTE_ATTRIBUTE: &str = crate::label_schema::COMMENT;

/// The index in `record.spans` of a relation's start and end (by id, or by
/// offsets and label for Prodigy-form relations). `None` where unresolved.
pub(crate) fn relation_ends(record: &Record, rel: &RecordRelation) -> (Option<usize>, Option<usize>) {
    let find = |id: Option<SpanId>, end: &Option<crate::record::RelationEnd>| match id {
        Some(id) => record.spans.iter().position(|s| s.id == Some(id)),
        None => end
            .as_ref()
            .and_then(|e| record.spans.iter().position(|s| s.start == e.start && s.end == e.end && s.label == e.label)),
    };
    let to = if rel.to_text.is_some() { None } else { find(rel.to, &rel.child_span) };
    (find(rel.from, &rel.head_span), to)
}

/// Each span's number, from its id where it has a unique one, else the next
/// free number (so `s7` is `T7` and relations can be followed by eye).
/// `None` only for more spans than numbers (see [`number_items`]).
pub(crate) fn span_numbers(spans: &[RecordSpan]) -> Option<Vec<u32>> {
    number_items(&spans.iter().map(|s| s.id.map(|id| id.0)).collect::<Vec<_>>())
}

/// What an export says when [`number_items`] has no answer: nothing is
/// written (a record cannot hold that many items in memory anyway).
pub(crate) fn too_many(what: &str, n: usize) -> Exported {
    Exported { text: String::new(), losses: vec![format!("the whole document: its {n} {what} are more than there are numbers")] }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod thirdparty_tests;
