//! A span: a labelled range of the article, in one annotation layer.
//!
//! Units: code points, `start < end`, end exclusive. Ids are counters
//! (`s1`, `s2`…), unique within a document and never reused, so that undo,
//! relations and saved files can refer to a span without ambiguity.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub u32);

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

impl SpanId {
    /// Parses the saved form `s<number>`.
    pub fn parse(s: &str) -> Option<SpanId> {
        s.strip_prefix('s')?.parse().ok().map(SpanId)
    }
}

impl Serialize for SpanId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SpanId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SpanId::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("span id {s:?} is not of the form s<number>")))
    }
}

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
