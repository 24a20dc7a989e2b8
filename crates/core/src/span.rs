//! A span: a labelled range of the article, in one annotation layer.
//!
//! Units: code points, `start < end`, end exclusive. Ids are counters
//! (`s1`, `s2`…), unique within a document and never reused, so that undo,
//! relations and saved files can refer to a span without ambiguity.
//!
//! Attributes come in two maps that never share a key: `attributes` holds
//! what the annotator chose (or what a saved file says was chosen), and
//! `defaults` the values a label schema's `default` filled in that nobody
//! has touched. A consumer that knows only `attributes` therefore never
//! takes a default for a decision; choosing a value, even the default's,
//! moves the key from `defaults` to `attributes`.

use std::collections::BTreeMap;

crate::id::prefixed_id!(
    /// A span's id, saved as `s<number>`.
    SpanId, "s", "span"
);

/// Free-form attributes (claim type, stance…), kept in key order so that
/// saved files diff cleanly.
pub type Attributes = BTreeMap<String, serde_json::Value>;

/// One attribute of one span, as the two maps hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeState {
    /// In neither map: nobody chose, and no default applies.
    Unset,
    /// In `attributes`: a decision.
    Chosen(serde_json::Value),
    /// In `defaults`: the schema's value, untouched.
    Default(serde_json::Value),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub id: SpanId,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub layer: String,
    pub attributes: Attributes,
    /// Schema defaults not chosen by anyone (no key also in `attributes`).
    pub defaults: Attributes,
    /// Where an accepted suggestion came from (`pattern`, `propagated`,
    /// `model`); `None` for a span the annotator made.
    pub source: Option<String>,
}

impl Span {
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }

    pub fn attribute_state(&self, key: &str) -> AttributeState {
        match (self.attributes.get(key), self.defaults.get(key)) {
            (Some(v), _) => AttributeState::Chosen(v.clone()),
            (None, Some(v)) => AttributeState::Default(v.clone()),
            (None, None) => AttributeState::Unset,
        }
    }

    /// Puts `state` in place of the key's state in either map and returns
    /// the state it replaced (a command's inverse).
    pub fn replace_attribute(&mut self, key: &str, state: AttributeState) -> AttributeState {
        let old = self.attribute_state(key);
        self.attributes.remove(key);
        self.defaults.remove(key);
        match state {
            AttributeState::Unset => {}
            AttributeState::Chosen(v) => {
                self.attributes.insert(key.to_string(), v);
            }
            AttributeState::Default(v) => {
                self.defaults.insert(key.to_string(), v);
            }
        }
        old
    }

    /// Document order: by start, longer spans first, then by id.
    pub fn order_key(&self) -> (usize, std::cmp::Reverse<usize>, SpanId) {
        (self.start, std::cmp::Reverse(self.end), self.id)
    }
}
