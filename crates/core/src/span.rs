//! A span: a labelled range of the article, in one annotation layer.
//!
//! Units: code points, `start < end`, end exclusive. Ids are counters
//! (`s1`, `s2`…), unique within a document and never reused, so that undo,
//! relations and saved files can refer to a span without ambiguity.

use std::collections::BTreeMap;

crate::id::prefixed_id!(
    /// A span's id, saved as `s<number>`.
    SpanId, "s", "span"
);

/// Free-form attributes (claim type, stance…), kept in key order so that
/// saved files diff cleanly.
pub type Attributes = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub id: SpanId,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub layer: String,
    pub attributes: Attributes,
    /// Where an accepted suggestion came from (`pattern`, `propagated`,
    /// `model`); `None` for a span the annotator made.
    pub source: Option<String>,
}

impl Span {
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }

    /// Document order: by start, longer spans first, then by id.
    pub fn order_key(&self) -> (usize, std::cmp::Reverse<usize>, SpanId) {
        (self.start, std::cmp::Reverse(self.end), self.id)
    }
}
