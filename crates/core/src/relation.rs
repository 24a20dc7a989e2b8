//! Relations: labelled, directed links from one span to another span or to
//! a free-text target (a claimant who is not named in the text).
//!
//! Invariant (kept by [`crate::command::Annotations::apply`]): a relation's
//! `from` span, and its `to` span when it has one, exist — a span cannot be
//! removed while a relation points at it, so relations never dangle.

use crate::span::SpanId;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId(pub u32);

impl fmt::Display for RelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

impl RelationId {
    /// Parses the saved form `r<number>`.
    pub fn parse(s: &str) -> Option<RelationId> {
        s.strip_prefix('r')?.parse().ok().map(RelationId)
    }
}

impl Serialize for RelationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RelationId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RelationId::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("relation id {s:?} is not of the form r<number>")))
    }
}

/// What a relation points to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Span(SpanId),
    /// Free text, for an endpoint that is not a span of the text.
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub id: RelationId,
    pub from: SpanId,
    pub to: Target,
    pub label: String,
}

impl Relation {
    pub fn touches(&self, span: SpanId) -> bool {
        self.from == span || self.to == Target::Span(span)
    }
}
