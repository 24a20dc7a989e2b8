//! The gold version: the reviewer's decisions on a [`Review`], replayed into
//! a normal training record.
//!
//! Decisions are data, kept in order: the state is always the replay of the
//! log onto the starting point, so undo is dropping the last decision, and a
//! saved log rebuilds the same gold. A later decision on an item replaces an
//! earlier one. A decision that would make a record the editor refuses
//! (duplicate spans, overlap where the layer forbids it, a relation whose
//! ends are not in the gold) is refused and changes nothing.

use super::{EndKey, Review, SpanKey};
use crate::editor::Editor;
use crate::command::Snapshot;
use crate::record::{Record, SaveInfo};
use crate::relation::{Relation, RelationId, Target};
use crate::span::{Attributes, Span, SpanId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// Where the gold starts before any decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// Nothing: only what the reviewer accepts goes in.
    Empty,
    /// One annotator's whole work: undecided items keep their version.
    From(String),
}

/// A span as the reviewer edits it; its layer comes from the label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditedSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

/// One reviewer decision. `item` and `relation` are indices into
/// [`Review::items`] and [`Review::relations`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The item becomes this annotator's version (nothing, if they have none).
    Accept { item: usize, annotator: String },
    /// None of the versions: the item adds nothing to the gold.
    Reject { item: usize },
    /// The reviewer's own spans in place of the item's versions.
    Edit { item: usize, spans: Vec<EditedSpan> },
    AcceptRelation { relation: usize },
    RejectRelation { relation: usize },
    /// The document labels of this annotator, or none.
    DocumentLabels { annotator: Option<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum GoldError {
    NoSuchItem(usize),
    NoSuchRelation(usize),
    NoSuchAnnotator(String),
    InvalidSpan { index: usize, message: String },
    Duplicate(SpanKey),
    Overlap { layer: String },
    RelationEndsMissing(usize),
}

impl fmt::Display for GoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoldError::NoSuchItem(i) => write!(f, "there is no item {i}"),
            GoldError::NoSuchRelation(i) => write!(f, "there is no relation {i}"),
            GoldError::NoSuchAnnotator(a) => write!(f, "{a} is not one of the annotators under review"),
            GoldError::InvalidSpan { index, message } => write!(f, "edited span {}: {message}", index + 1),
            GoldError::Duplicate(k) => {
                write!(f, "the gold already has a {} span at {}–{}", k.label, k.start, k.end)
            }
            GoldError::Overlap { layer } => write!(f, "spans in the {layer} layer may not overlap, and this would"),
            GoldError::RelationEndsMissing(i) => {
                write!(f, "relation {i} links spans that are not in the gold: accept its ends first")
            }
        }
    }
}

impl std::error::Error for GoldError {}

/// What the gold holds for one item.
#[derive(Debug, Clone, PartialEq)]
enum Choice {
    Undecided,
    Accepted(usize),
    Rejected,
    Edited(Vec<Span>),
}

#[derive(Debug, Clone, PartialEq)]
struct State {
    items: Vec<Choice>,
    /// `None`: undecided (follows the start).
    relations: Vec<Option<bool>>,
    /// `None`: undecided; `Some(None)`: none; `Some(Some(a))`: annotator `a`'s.
    document: Option<Option<usize>>,
}

/// The gold version under construction.
#[derive(Debug, Clone)]
pub struct Gold {
    /// Shared, so a view can keep the review and its gold side by side.
    review: Arc<Review>,
    reviewers: Vec<String>,
    start: Start,
    /// Index of the start annotator, when starting from one.
    base: Option<usize>,
    decisions: Vec<Decision>,
    state: State,
}

impl Gold {
    pub fn new(review: Arc<Review>, start: Start, reviewers: Vec<String>) -> Result<Gold, GoldError> {
        let base = match &start {
            Start::Empty => None,
            Start::From(name) => Some(annotator_index(&review, name)?),
        };
        let state = State {
            items: vec![Choice::Undecided; review.items().len()],
            relations: vec![None; review.relations().len()],
            document: None,
        };
        Ok(Gold { review, reviewers, start, base, decisions: Vec::new(), state })
    }

    /// Rebuilds a gold from a saved decision log; the error names the first
    /// decision that no longer applies.
    pub fn replay(
        review: Arc<Review>,
        start: Start,
        reviewers: Vec<String>,
        decisions: &[Decision],
    ) -> Result<Gold, (usize, GoldError)> {
        let mut gold = Gold::new(review, start, reviewers).map_err(|e| (0, e))?;
        for (i, d) in decisions.iter().enumerate() {
            gold.apply(d.clone()).map_err(|e| (i, e))?;
        }
        Ok(gold)
    }

    pub fn review(&self) -> &Arc<Review> {
        &self.review
    }
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }
    pub fn start(&self) -> &Start {
        &self.start
    }
    pub fn reviewers(&self) -> &[String] {
        &self.reviewers
    }

    /// Applies one decision, or refuses it and changes nothing.
    pub fn apply(&mut self, decision: Decision) -> Result<(), GoldError> {
        let mut next = self.state.clone();
        match &decision {
            Decision::Accept { item, annotator } => {
                self.check_item(*item)?;
                next.items[*item] = Choice::Accepted(annotator_index(&self.review, annotator)?);
            }
            Decision::Reject { item } => {
                self.check_item(*item)?;
                next.items[*item] = Choice::Rejected;
            }
            Decision::Edit { item, spans } => {
                self.check_item(*item)?;
                next.items[*item] = Choice::Edited(self.edited_spans(spans)?);
            }
            Decision::AcceptRelation { relation } | Decision::RejectRelation { relation } => {
                if *relation >= self.review.relations().len() {
                    return Err(GoldError::NoSuchRelation(*relation));
                }
                next.relations[*relation] = Some(matches!(decision, Decision::AcceptRelation { .. }));
            }
            Decision::DocumentLabels { annotator } => {
                next.document = Some(annotator.as_deref().map(|a| annotator_index(&self.review, a)).transpose()?);
            }
        }
        let spans = self.spans_of(&next);
        check_spans(&spans, &self.review.schema().no_overlap_layers())?;
        if let Decision::AcceptRelation { relation } = decision {
            if !self.ends_present(relation, &spans) {
                return Err(GoldError::RelationEndsMissing(relation));
            }
        }
        self.state = next;
        self.decisions.push(decision);
        Ok(())
    }

    /// Takes back the last decision; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(_) = self.decisions.pop() else { return false };
        let log = std::mem::take(&mut self.decisions);
        let fresh = Gold::replay(self.review.clone(), self.start.clone(), self.reviewers.clone(), &log)
            .expect("a prefix of an applied log applies again");
        *self = fresh;
        true
    }

    /// Whether the reviewer has decided item `item`.
    pub fn is_decided(&self, item: usize) -> bool {
        self.state.items.get(item).is_some_and(|c| *c != Choice::Undecided)
    }

    /// The gold's spans for `item` now (ids as in their source, or 0 for edits).
    pub fn item_spans(&self, item: usize) -> Vec<Span> {
        self.item_spans_in(&self.state, item)
    }

    /// Every gold span, in document order (ids not yet assigned).
    pub fn spans(&self) -> Vec<Span> {
        self.spans_of(&self.state)
    }

    /// The reviewer's decision on relation item `relation`: accepted
    /// (`Some(true)`), rejected (`Some(false)`) or none yet.
    pub fn relation_decision(&self, relation: usize) -> Option<bool> {
        self.state.relations.get(relation).copied().flatten()
    }

    /// Whether relation item `relation` is in the gold now.
    pub fn has_relation(&self, relation: usize) -> bool {
        let spans = self.spans();
        self.relation_wanted(relation) && self.ends_present(relation, &spans)
    }

    /// Relations the gold wants whose ends a later span decision took out:
    /// they are left out of the record; the view should say so.
    pub fn relations_without_ends(&self) -> Vec<usize> {
        let spans = self.spans();
        (0..self.review.relations().len()).filter(|&r| self.relation_wanted(r) && !self.ends_present(r, &spans)).collect()
    }

    /// The gold as a training record: spans numbered `s1…` in document
    /// order, relations `r1…` in relation-item order, the first save's
    /// `meta` with `adjudication` set (see `docs/ADJUDICATION.md`).
    /// `info.annotator` defaults to the reviewers, comma-separated.
    pub fn record(&self, info: &SaveInfo) -> Record {
        let mut spans = self.spans();
        for (n, span) in spans.iter_mut().enumerate() {
            span.id = SpanId(n as u32 + 1);
        }
        let id_of = |key: &SpanKey| spans.iter().find(|s| key.matches(s)).map(|s| s.id);
        let mut relations = Vec::new();
        for (r, item) in self.review.relations().iter().enumerate() {
            if !self.relation_wanted(r) {
                continue;
            }
            let to = match &item.to {
                EndKey::Span(key) => id_of(key).map(Target::Span),
                EndKey::Text(text) => Some(Target::Text(text.clone())),
            };
            if let (Some(from), Some(to)) = (id_of(&item.from), to) {
                let id = RelationId(relations.len() as u32 + 1);
                relations.push(Relation { id, from, to, label: item.label.clone() });
            }
        }
        let document = self.document_labels();
        let mut editor = Editor::new(self.review.article().clone(), self.review.schema().clone());
        editor
            .replace_snapshot(Snapshot { spans, relations, document, status: None })
            .expect("every decision was checked against the editor's rules");

        let mut info = info.clone();
        if info.annotator.is_none() && !self.reviewers.is_empty() {
            info.annotator = Some(self.reviewers.join(", "));
        }
        let mut record = Record::from_editor(&editor, &info, true);
        let first = &self.review.sources()[0].record.meta;
        record.meta.extra = first.extra.clone();
        record.meta.title = first.title.clone();
        record.meta.extra.insert("adjudication".into(), self.meta());
        record
    }

    /// `meta.adjudication`: reviewers, sources and decision counts.
    pub fn meta(&self) -> serde_json::Value {
        let names = self.review.annotators();
        let mut accepted: BTreeMap<&str, usize> = crate::sorting::map_of(names.iter().map(|n| (*n, 0)));
        let (mut rejected, mut edited, mut undecided) = (0, 0, 0);
        for choice in &self.state.items {
            match choice {
                Choice::Accepted(a) => *accepted.get_mut(names[*a]).expect("a known annotator") += 1,
                Choice::Rejected => rejected += 1,
                Choice::Edited(_) => edited += 1,
                Choice::Undecided => undecided += 1,
            }
        }
        let count = |want: Option<bool>| self.state.relations.iter().filter(|r| **r == want).count();
        let sources: Vec<serde_json::Value> = self
            .review
            .sources()
            .iter()
            .map(|s| {
                serde_json::json!({
                    "annotator": s.annotator,
                    "text_sha256": self.review.article().sha256(),
                    "updated_at": s.record.updated_at,
                })
            })
            .collect();
        serde_json::json!({
            "reviewers": self.reviewers,
            "started_from": match &self.start { Start::Empty => None, Start::From(a) => Some(a) },
            "sources": sources,
            "decisions": {
                "items": self.state.items.len(),
                "accepted": accepted,
                "rejected": rejected,
                "edited": edited,
                "undecided": undecided,
                "relations": self.state.relations.len(),
                "relations_accepted": count(Some(true)),
                "relations_rejected": count(Some(false)),
                "relations_undecided": count(None),
            },
        })
    }

    fn check_item(&self, item: usize) -> Result<(), GoldError> {
        if item < self.review.items().len() {
            Ok(())
        } else {
            Err(GoldError::NoSuchItem(item))
        }
    }

    fn edited_spans(&self, edited: &[EditedSpan]) -> Result<Vec<Span>, GoldError> {
        let schema = self.review.schema();
        let article = self.review.article();
        edited
            .iter()
            .enumerate()
            .map(|(index, e)| {
                let err = |message: String| GoldError::InvalidSpan { index, message };
                if e.start >= e.end || e.end > article.len_chars() {
                    return Err(err(format!("{}–{} is not a range inside the text", e.start, e.end)));
                }
                let def = schema.label(&e.label).ok_or_else(|| err(format!("the label schema has no label {:?}", e.label)))?;
                for (key, value) in &e.attributes {
                    let attr = schema
                        .attributes_for(&def.layer)
                        .find(|a| a.name == *key)
                        .ok_or_else(|| err(format!("attribute {key:?} is not defined for the {} layer", def.layer)))?;
                    attr.check(value).map_err(|m| err(format!("attribute {m}")))?;
                }
                Ok(Span {
                    id: SpanId(0),
                    start: e.start,
                    end: e.end,
                    label: e.label.clone(),
                    layer: def.layer.clone(),
                    attributes: e.attributes.clone(),
                    defaults: Default::default(),
                    source: None,
                })
            })
            .collect()
    }

    fn item_spans_in(&self, state: &State, item: usize) -> Vec<Span> {
        let version = |who: usize| self.review.items()[item].versions[who].spans.clone();
        match &state.items[item] {
            Choice::Undecided => self.base.map(version).unwrap_or_default(),
            Choice::Accepted(who) => version(*who),
            Choice::Rejected => Vec::new(),
            Choice::Edited(spans) => spans.clone(),
        }
    }

    fn spans_of(&self, state: &State) -> Vec<Span> {
        let mut spans: Vec<Span> = (0..state.items.len()).flat_map(|i| self.item_spans_in(state, i)).collect();
        crate::sorting::sort_by(&mut spans, |a, b| SpanKey::of(a).cmp(&SpanKey::of(b)));
        spans
    }

    fn relation_wanted(&self, relation: usize) -> bool {
        match self.state.relations[relation] {
            Some(wanted) => wanted,
            None => self.base.is_some_and(|who| self.review.relations()[relation].versions[who].1.is_some()),
        }
    }

    fn ends_present(&self, relation: usize, spans: &[Span]) -> bool {
        let item = &self.review.relations()[relation];
        let has = |key: &SpanKey| spans.iter().any(|s| key.matches(s));
        has(&item.from)
            && match &item.to {
                EndKey::Span(key) => has(key),
                EndKey::Text(_) => true,
            }
    }

    fn document_labels(&self) -> Attributes {
        let who = match self.state.document {
            Some(who) => who,
            None => self.base,
        };
        who.map(|w| self.review.sources()[w].document.clone()).unwrap_or_default()
    }
}

fn annotator_index(review: &Review, name: &str) -> Result<usize, GoldError> {
    review.annotators().iter().position(|a| *a == name).ok_or_else(|| GoldError::NoSuchAnnotator(name.to_string()))
}

/// The editor's rules for a set of spans: no span twice, no overlap in
/// layers that forbid it.
fn check_spans(spans: &[Span], no_overlap: &[String]) -> Result<(), GoldError> {
    let mut seen = HashSet::with_capacity(spans.len());
    for s in spans {
        if !seen.insert(SpanKey::of(s)) {
            return Err(GoldError::Duplicate(SpanKey::of(s)));
        }
    }
    for layer in no_overlap {
        // In document order, an overlap shows between a span and the furthest end before it.
        let mut reach = 0;
        for s in spans.iter().filter(|s| s.layer == *layer) {
            if s.start < reach {
                return Err(GoldError::Overlap { layer: layer.clone() });
            }
            reach = reach.max(s.end);
        }
    }
    Ok(())
}
