//! Commands: every change to the annotations is one, and applying a command
//! returns its inverse — the whole of the undo history.
//!
//! Invariant: for any state `s` and command `c` that applies,
//! `apply(apply(s, c).inverse) == s`.

use crate::span::{Span, SpanId};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddSpan(Span),
    RemoveSpan(SpanId),
    SetLabel { id: SpanId, label: String },
    /// Replaces every span at once (opening a saved file).
    ReplaceAll(Vec<Span>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    EmptyRange,
    OutOfBounds { end: usize, len: usize },
    DuplicateId(SpanId),
    Duplicate { label: String },
    NoSuchSpan(SpanId),
    UnknownLabel(String),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::EmptyRange => write!(f, "select some text first"),
            CommandError::OutOfBounds { end, len } => {
                write!(f, "the range ends at {end}, past the end of the text ({len} characters)")
            }
            CommandError::DuplicateId(id) => write!(f, "span id {id} is already in use"),
            CommandError::Duplicate { label } => write!(f, "this text is already labelled {label}"),
            CommandError::NoSuchSpan(id) => write!(f, "span {id} does not exist"),
            CommandError::UnknownLabel(l) => write!(f, "the label schema has no label {l:?}"),
        }
    }
}

impl std::error::Error for CommandError {}

/// The spans of one document, keyed by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    spans: BTreeMap<SpanId, Span>,
    next_id: u32,
}

impl Annotations {
    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.spans.get(&id)
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// Spans in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Span> {
        self.spans.values()
    }
    /// Spans in document order.
    pub fn in_document_order(&self) -> Vec<&Span> {
        let mut v: Vec<&Span> = self.spans.values().collect();
        v.sort_by_key(|s| s.order_key());
        v
    }

    /// A fresh id, never handed out before in this document.
    pub fn allocate_id(&mut self) -> SpanId {
        self.next_id = self.next_id.max(self.spans.keys().next_back().map_or(0, |id| id.0)) + 1;
        SpanId(self.next_id)
    }

    /// Applies `cmd` for a text of `len` code points and returns its inverse.
    /// A failing command changes nothing.
    pub fn apply(&mut self, cmd: Command, len: usize) -> Result<Command, CommandError> {
        match cmd {
            Command::AddSpan(span) => {
                self.check_new(&span, len)?;
                let id = span.id;
                self.next_id = self.next_id.max(id.0);
                self.spans.insert(id, span);
                Ok(Command::RemoveSpan(id))
            }
            Command::RemoveSpan(id) => {
                let span = self.spans.remove(&id).ok_or(CommandError::NoSuchSpan(id))?;
                Ok(Command::AddSpan(span))
            }
            Command::SetLabel { id, label } => {
                let span = self.spans.get(&id).ok_or(CommandError::NoSuchSpan(id))?;
                let clash = self.spans.values().any(|s| {
                    s.id != id && s.start == span.start && s.end == span.end && s.layer == span.layer && s.label == label
                });
                if clash {
                    return Err(CommandError::Duplicate { label });
                }
                let span = self.spans.get_mut(&id).expect("checked above");
                let old = std::mem::replace(&mut span.label, label);
                Ok(Command::SetLabel { id, label: old })
            }
            Command::ReplaceAll(spans) => {
                // One pass with a set, not one add per span: restoring
                // thousands of spans must stay linear.
                let mut fresh = Annotations { spans: BTreeMap::new(), next_id: self.next_id };
                let mut seen = HashSet::with_capacity(spans.len());
                for s in spans {
                    check_range(&s, len)?;
                    if !seen.insert((s.start, s.end, s.layer.clone(), s.label.clone())) {
                        return Err(CommandError::Duplicate { label: s.label });
                    }
                    if fresh.spans.contains_key(&s.id) {
                        return Err(CommandError::DuplicateId(s.id));
                    }
                    fresh.next_id = fresh.next_id.max(s.id.0);
                    fresh.spans.insert(s.id, s);
                }
                let old = std::mem::replace(self, fresh);
                // Ids stay unique across the replacement and its undo.
                self.next_id = self.next_id.max(old.next_id);
                Ok(Command::ReplaceAll(old.spans.into_values().collect()))
            }
        }
    }

    fn check_new(&self, span: &Span, len: usize) -> Result<(), CommandError> {
        check_range(span, len)?;
        if self.spans.contains_key(&span.id) {
            return Err(CommandError::DuplicateId(span.id));
        }
        let same = self.spans.values().any(|s| {
            s.start == span.start && s.end == span.end && s.layer == span.layer && s.label == span.label
        });
        if same {
            return Err(CommandError::Duplicate { label: span.label.clone() });
        }
        Ok(())
    }
}

fn check_range(span: &Span, len: usize) -> Result<(), CommandError> {
    if span.start >= span.end {
        return Err(CommandError::EmptyRange);
    }
    if span.end > len {
        return Err(CommandError::OutOfBounds { end: span.end, len });
    }
    Ok(())
}
