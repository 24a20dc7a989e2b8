//! Commands: every change to the annotations is one, and applying a command
//! returns its inverse — the whole of the undo history.
//!
//! Invariants: for any state `s` and command `c` that applies,
//! `apply(apply(s, c).inverse) == s`; a failing command changes nothing;
//! relations never dangle (a span with relations cannot be removed — the
//! editor removes its relations first, in the same transaction).

use crate::document_status::DocumentStatus;
use crate::id::IdCounter;
use crate::relation::{Relation, RelationId, Target};
use crate::span::{AttributeState, Attributes, Span, SpanId};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddSpan(Span),
    RemoveSpan(SpanId),
    SetLabel { id: SpanId, label: String },
    /// Sets one attribute of a span: chosen, a schema default, or unset.
    SetAttribute { id: SpanId, key: String, value: AttributeState },
    AddRelation(Relation),
    RemoveRelation(RelationId),
    /// Sets or clears one document-level label.
    SetDocumentLabel { key: String, value: Option<serde_json::Value> },
    /// Marks the document done / skipped / flagged (with a note), or clears it.
    SetStatus(Option<DocumentStatus>),
    /// Replaces everything at once (opening a saved file).
    ReplaceAll(Snapshot),
}

impl Command {
    /// Every span and relation id the command names, through `span` and
    /// `relation` (the undo history follows spans that a merge renamed).
    pub fn rename(&mut self, span: &mut dyn FnMut(SpanId) -> SpanId, relation: &mut dyn FnMut(RelationId) -> RelationId) {
        fn rename_relation(r: &mut Relation, span: &mut dyn FnMut(SpanId) -> SpanId, relation: &mut dyn FnMut(RelationId) -> RelationId) {
            r.id = relation(r.id);
            r.from = span(r.from);
            if let Target::Span(to) = &mut r.to {
                *to = span(*to);
            }
        }
        match self {
            Command::AddSpan(s) => s.id = span(s.id),
            Command::RemoveSpan(id) | Command::SetLabel { id, .. } | Command::SetAttribute { id, .. } => *id = span(*id),
            Command::AddRelation(r) => rename_relation(r, span, relation),
            Command::RemoveRelation(id) => *id = relation(*id),
            Command::SetDocumentLabel { .. } | Command::SetStatus(_) => {}
            Command::ReplaceAll(snapshot) => {
                for s in &mut snapshot.spans {
                    s.id = span(s.id);
                }
                for r in &mut snapshot.relations {
                    rename_relation(r, span, relation);
                }
            }
        }
    }
}

/// All annotations of a document, as a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub document: Attributes,
    pub status: Option<DocumentStatus>,
}

impl Snapshot {
    pub fn spans_only(spans: Vec<Span>) -> Self {
        Snapshot { spans, ..Default::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    EmptyRange,
    OutOfBounds { end: usize, len: usize },
    DuplicateId(SpanId),
    Duplicate { label: String },
    NoSuchSpan(SpanId),
    UnknownLabel(String),
    Overlap { layer: String },
    HasRelations(SpanId),
    NoSuchRelation(RelationId),
    DuplicateRelation { label: String },
    DuplicateRelationId(RelationId),
    InvalidRelation(String),
    InvalidAttribute(String),
    /// Every id from 1 to `u32::MAX` is in use (the counter's only refusal).
    NoFreeId,
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
            CommandError::Overlap { layer } => {
                write!(f, "spans in the {layer} layer may not overlap, and this one overlaps another")
            }
            CommandError::HasRelations(id) => write!(f, "span {id} still has relations"),
            CommandError::NoSuchRelation(id) => write!(f, "relation {id} does not exist"),
            CommandError::DuplicateRelation { label } => write!(f, "this {label} link exists already"),
            CommandError::DuplicateRelationId(id) => write!(f, "relation id {id} is already in use"),
            CommandError::InvalidRelation(why) | CommandError::InvalidAttribute(why) => write!(f, "{why}"),
            CommandError::NoFreeId => write!(f, "every id from 1 to {} is in use", u32::MAX),
        }
    }
}

impl std::error::Error for CommandError {}

/// The annotations of one document: spans keyed by id, relations, and
/// document-level labels. Each span is shared (`Arc`): the app keeps every
/// state it shows, so a change copies the map's nodes, not thousands of
/// spans' strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    spans: BTreeMap<SpanId, Arc<Span>>,
    relations: BTreeMap<RelationId, Relation>,
    document: Attributes,
    status: Option<DocumentStatus>,
    /// New ids: above every id this document has used, never wrapping.
    span_ids: IdCounter,
    relation_ids: IdCounter,
}

impl Annotations {
    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.spans.get(&id).map(|s| &**s)
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// Spans in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Span> {
        self.spans.values().map(|s| &**s)
    }
    /// Spans in document order.
    pub fn in_document_order(&self) -> Vec<&Span> {
        let mut v: Vec<&Span> = self.iter().collect();
        crate::sorting::sort_by_key(&mut v, |s| s.order_key());
        v
    }
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.relations.get(&id)
    }
    /// Relations in id order.
    pub fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.relations.values()
    }
    /// Relations from or to `span`.
    pub fn relations_of(&self, span: SpanId) -> impl Iterator<Item = &Relation> {
        self.relations.values().filter(move |r| r.touches(span))
    }
    pub fn document_labels(&self) -> &Attributes {
        &self.document
    }
    pub fn status(&self) -> Option<&DocumentStatus> {
        self.status.as_ref()
    }
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            spans: self.iter().cloned().collect(),
            relations: self.relations.values().cloned().collect(),
            document: self.document.clone(),
            status: self.status.clone(),
        }
    }

    /// A fresh span id: never handed out before in this document while the
    /// range lasts, and never one in use (see [`IdCounter`]).
    pub fn allocate_id(&mut self) -> Result<SpanId, CommandError> {
        let spans = &self.spans;
        self.span_ids.next(|n| spans.contains_key(&SpanId(n))).map(SpanId).ok_or(CommandError::NoFreeId)
    }

    /// A fresh relation id, as [`Annotations::allocate_id`].
    pub fn allocate_relation_id(&mut self) -> Result<RelationId, CommandError> {
        let relations = &self.relations;
        self.relation_ids.next(|n| relations.contains_key(&RelationId(n))).map(RelationId).ok_or(CommandError::NoFreeId)
    }

    /// Applies `cmd` for a text of `len` code points and returns its inverse.
    /// `no_overlap` names the layers whose spans may not overlap. A failing
    /// command changes nothing.
    pub fn apply(&mut self, cmd: Command, len: usize, no_overlap: &[String]) -> Result<Command, CommandError> {
        match cmd {
            Command::AddSpan(span) => {
                self.check_new(&span, len, no_overlap)?;
                let id = span.id;
                self.span_ids.saw(id.0);
                self.spans.insert(id, Arc::new(span));
                Ok(Command::RemoveSpan(id))
            }
            Command::RemoveSpan(id) => {
                if !self.spans.contains_key(&id) {
                    return Err(CommandError::NoSuchSpan(id));
                }
                if self.relations.values().any(|r| r.touches(id)) {
                    return Err(CommandError::HasRelations(id));
                }
                let span = self.spans.remove(&id).expect("checked above");
                Ok(Command::AddSpan(Arc::unwrap_or_clone(span)))
            }
            Command::SetLabel { id, label } => {
                let span = self.spans.get(&id).ok_or(CommandError::NoSuchSpan(id))?;
                let clash = self.spans.values().any(|s| {
                    s.id != id && s.start == span.start && s.end == span.end && s.layer == span.layer && s.label == label
                });
                if clash {
                    return Err(CommandError::Duplicate { label });
                }
                let span = Arc::make_mut(self.spans.get_mut(&id).expect("checked above"));
                let old = std::mem::replace(&mut span.label, label);
                Ok(Command::SetLabel { id, label: old })
            }
            Command::SetAttribute { id, key, value } => {
                let span = Arc::make_mut(self.spans.get_mut(&id).ok_or(CommandError::NoSuchSpan(id))?);
                let old = span.replace_attribute(&key, value);
                Ok(Command::SetAttribute { id, key, value: old })
            }
            Command::AddRelation(rel) => {
                self.check_relation(&rel)?;
                let id = rel.id;
                self.relation_ids.saw(id.0);
                self.relations.insert(id, rel);
                Ok(Command::RemoveRelation(id))
            }
            Command::RemoveRelation(id) => {
                let rel = self.relations.remove(&id).ok_or(CommandError::NoSuchRelation(id))?;
                Ok(Command::AddRelation(rel))
            }
            Command::SetDocumentLabel { key, value } => {
                let old = match value {
                    Some(v) => self.document.insert(key.clone(), v),
                    None => self.document.remove(&key),
                };
                Ok(Command::SetDocumentLabel { key, value: old })
            }
            Command::SetStatus(status) => Ok(Command::SetStatus(std::mem::replace(&mut self.status, status))),
            Command::ReplaceAll(snapshot) => {
                let fresh = Annotations::from_snapshot(snapshot, len, self.span_ids, self.relation_ids)?;
                let old = std::mem::replace(self, fresh);
                Ok(Command::ReplaceAll(old.snapshot()))
            }
        }
    }

    /// Builds annotations from a snapshot in one pass with sets (restoring
    /// thousands of spans must stay linear), checking what `apply` checks
    /// except overlap, which a loaded file was already checked for.
    /// The counters carry on from `span_ids`/`relation_ids`, so ids stay
    /// unique across the replacement and its undo.
    fn from_snapshot(snapshot: Snapshot, len: usize, span_ids: IdCounter, relation_ids: IdCounter) -> Result<Self, CommandError> {
        let mut fresh = Annotations { span_ids, relation_ids, document: snapshot.document, status: snapshot.status, ..Default::default() };
        let mut seen = HashSet::with_capacity(snapshot.spans.len());
        for s in snapshot.spans {
            check_range(&s, len)?;
            if !seen.insert((s.start, s.end, s.layer.clone(), s.label.clone())) {
                return Err(CommandError::Duplicate { label: s.label });
            }
            if fresh.spans.contains_key(&s.id) {
                return Err(CommandError::DuplicateId(s.id));
            }
            fresh.span_ids.saw(s.id.0);
            fresh.spans.insert(s.id, Arc::new(s));
        }
        for r in snapshot.relations {
            fresh.check_relation(&r)?;
            fresh.relation_ids.saw(r.id.0);
            fresh.relations.insert(r.id, r);
        }
        Ok(fresh)
    }

    fn check_new(&self, span: &Span, len: usize, no_overlap: &[String]) -> Result<(), CommandError> {
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
        if no_overlap.contains(&span.layer)
            && self.spans.values().any(|s| s.layer == span.layer && s.overlaps(span.start, span.end))
        {
            return Err(CommandError::Overlap { layer: span.layer.clone() });
        }
        Ok(())
    }

    fn check_relation(&self, rel: &Relation) -> Result<(), CommandError> {
        if self.relations.contains_key(&rel.id) {
            return Err(CommandError::DuplicateRelationId(rel.id));
        }
        if !self.spans.contains_key(&rel.from) {
            return Err(CommandError::NoSuchSpan(rel.from));
        }
        match &rel.to {
            Target::Span(to) if !self.spans.contains_key(to) => return Err(CommandError::NoSuchSpan(*to)),
            Target::Span(to) if *to == rel.from => {
                return Err(CommandError::InvalidRelation("a span cannot be linked to itself".into()))
            }
            Target::Text(t) if t.trim().is_empty() => {
                return Err(CommandError::InvalidRelation("a free-text target must not be empty".into()))
            }
            _ => {}
        }
        if self.relations.values().any(|r| r.from == rel.from && r.to == rel.to && r.label == rel.label) {
            return Err(CommandError::DuplicateRelation { label: rel.label.clone() });
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
