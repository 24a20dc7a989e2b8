//! Relations: labelled, directed links from one span to another span or to
//! a free-text target (a claimant who is not named in the text).
//!
//! Invariant (kept by [`crate::command::Annotations::apply`]): a relation's
//! `from` span, and its `to` span when it has one, exist — a span cannot be
//! removed while a relation points at it, so relations never dangle.

use crate::span::SpanId;

crate::id::prefixed_id!(
    /// A relation's id, saved as `r<number>`.
    RelationId, "r", "relation"
);

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
