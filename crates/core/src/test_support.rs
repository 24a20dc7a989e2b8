//! Helpers the core's unit tests share: offsets found by plain byte search
//! and counted independently of the code under test.

use crate::record::{RecordRelation, RecordSpan};
use crate::relation::RelationId;
use crate::span::SpanId;

/// Code-point offsets (start, end) of `needle`'s first occurrence in `text`.
pub fn cp(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// A record span `s<id>` over `needle`'s first occurrence in `text`.
pub fn span_at(id: u32, text: &str, needle: &str, label: &str, layer: &str) -> RecordSpan {
    let (start, end) = cp(text, needle);
    RecordSpan {
        id: Some(SpanId(id)),
        start,
        end,
        token_start: None,
        token_end: None,
        label: label.into(),
        layer: layer.into(),
        text: Some(needle.into()),
        attributes: Default::default(),
        defaults: Default::default(),
        source: None,
    }
}

/// A record relation `r<id>` from span `s<from>` to span `s<to>` or to the
/// free text `to_text`, in Marginalia's form only (no Prodigy token ends).
pub fn relation_of(id: u32, label: &str, from: u32, to: Option<u32>, to_text: Option<&str>) -> RecordRelation {
    RecordRelation {
        id: Some(RelationId(id)),
        label: label.into(),
        from: Some(SpanId(from)),
        to: to.map(SpanId),
        to_text: to_text.map(Into::into),
        head: None,
        child: None,
        head_span: None,
        child_span: None,
    }
}
