//! Alignment: every annotator's spans and relations grouped into items, each
//! item classified by how the annotators' versions of it differ.
//!
//! Rules (`docs/ADJUDICATION.md` has them with examples):
//! 1. Spans with the same layer and offsets form one *offset group*, whoever
//!    made them (an annotator may have several labels there).
//! 2. Two overlapping offset groups of the same layer join one item when each
//!    has an annotator the other lacks: they are different annotators'
//!    boundaries for the same thing. A group every annotator made never
//!    joins another (all agree on it; a nested span beside it is its own
//!    item). Joining is transitive.
//! 3. Relations are matched by label and by their ends' layer, offsets and
//!    label (or free-text target), never by ids, which differ per file.

use super::Source;
use crate::relation::{Relation, Target};
use crate::sorting::set_of;
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};

/// One place of the text where the annotators' spans are compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Its index in [`super::Review::items`]; decisions refer to it.
    pub id: usize,
    pub layer: String,
    /// The extent of every version's spans.
    pub start: usize,
    pub end: usize,
    pub kind: ItemKind,
    /// Every annotator's version, in the review's annotator order; an
    /// annotator without spans here has an empty version.
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub annotator: String,
    /// In document order (start, longer first, label).
    pub spans: Vec<Span>,
}

/// How the versions of an item differ. When several differences apply, the
/// first of: missing/extra, boundaries, label, attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Every annotator has the same spans, labels and attributes.
    Agree,
    /// The reference annotator (the review's first) has it; these lack it.
    Missing { absent: Vec<String> },
    /// The reference annotator lacks it; only these have it.
    Extra { present: Vec<String> },
    /// Same offsets for everyone, different labels.
    DifferentLabel,
    /// Overlapping spans whose offsets differ.
    DifferentBoundaries,
    /// Same offsets and labels, attributes that differ (claims).
    DifferentAttributes(Vec<AttributeDifference>),
}

/// One attribute of one span on which the annotators differ.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeDifference {
    /// The span (the same in every version).
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub key: String,
    /// Each annotator's value, `None` when unset, in annotator order.
    pub values: Vec<(String, Option<serde_json::Value>)>,
}

/// A span as relations name it across files: layer, offsets and label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SpanKey {
    pub start: usize,
    pub end: usize,
    pub layer: String,
    pub label: String,
}

impl SpanKey {
    pub fn of(span: &Span) -> SpanKey {
        SpanKey { start: span.start, end: span.end, layer: span.layer.clone(), label: span.label.clone() }
    }
    pub fn matches(&self, span: &Span) -> bool {
        span.start == self.start && span.end == self.end && span.layer == self.layer && span.label == self.label
    }
    fn order(&self) -> (usize, Reverse<usize>, &str, &str) {
        (self.start, Reverse(self.end), &self.layer, &self.label)
    }
}

/// Document order, like [`Span::order_key`].
impl Ord for SpanKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order().cmp(&other.order())
    }
}
impl PartialOrd for SpanKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a relation points, as matched across files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EndKey {
    Span(SpanKey),
    Text(String),
}

/// One relation, compared across annotators.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationItem {
    /// Its index in [`super::Review::relations`]; decisions refer to it.
    pub id: usize,
    pub from: SpanKey,
    pub label: String,
    pub to: EndKey,
    /// `Agree`, `Missing` or `Extra`: a relation either matches or not.
    pub kind: ItemKind,
    /// Each annotator's relation (with that file's ids), in annotator order.
    pub versions: Vec<(String, Option<Relation>)>,
}

/// Missing or Extra when some annotators lack the thing, relative to the
/// reference (the first annotator); `None` when everyone has it.
fn presence_kind(names: &[&str], present: &[bool]) -> Option<ItemKind> {
    if present.iter().all(|p| *p) {
        return None;
    }
    let pick = |want: bool| names.iter().zip(present).filter(|(_, p)| **p == want).map(|(n, _)| n.to_string()).collect();
    Some(if present[0] { ItemKind::Missing { absent: pick(false) } } else { ItemKind::Extra { present: pick(true) } })
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The smaller root wins, so a component's root is its first group.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        self.0[hi] = lo;
    }
}

/// The spans of every annotator at one layer and offsets: `(annotator, span)`.
type OffsetGroup<'s> = Vec<(usize, &'s Span)>;

/// Groups every source's spans into items, in document order.
pub(super) fn align_spans(sources: &[Source]) -> Vec<Item> {
    // Offset groups, ordered by layer then start then end.
    let mut by_offsets: BTreeMap<(&str, usize, usize), OffsetGroup> = BTreeMap::new();
    for (who, source) in sources.iter().enumerate() {
        for span in &source.spans {
            by_offsets.entry((span.layer.as_str(), span.start, span.end)).or_default().push((who, span));
        }
    }
    let groups: Vec<((&str, usize, usize), OffsetGroup)> = by_offsets.into_iter().collect();
    let annotators: Vec<BTreeSet<usize>> = groups.iter().map(|(_, spans)| set_of(spans.iter().map(|(w, _)| *w))).collect();

    let mut components = UnionFind((0..groups.len()).collect());
    for i in 0..groups.len() {
        let (layer, _, end) = groups[i].0;
        // Later groups start no earlier, so they overlap group i while they start before its end.
        for j in i + 1..groups.len() {
            let (other_layer, other_start, _) = groups[j].0;
            if other_layer != layer || other_start >= end {
                break;
            }
            let complementary = !annotators[i].is_subset(&annotators[j]) && !annotators[j].is_subset(&annotators[i]);
            if complementary {
                components.join(i, j);
            }
        }
    }

    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..groups.len() {
        members.entry(components.root(i)).or_default().push(i);
    }
    let names: Vec<&str> = sources.iter().map(|s| s.annotator.as_str()).collect();
    let mut items: Vec<Item> = members
        .into_values()
        .map(|group_ids| {
            let mut versions: Vec<Version> =
                names.iter().map(|n| Version { annotator: n.to_string(), spans: Vec::new() }).collect();
            for &g in &group_ids {
                for (who, span) in &groups[g].1 {
                    versions[*who].spans.push((*span).clone());
                }
            }
            for v in &mut versions {
                crate::sorting::sort_by(&mut v.spans, |a, b| (a.start, Reverse(a.end), &a.label).cmp(&(b.start, Reverse(b.end), &b.label)));
            }
            let all = versions.iter().flat_map(|v| &v.spans);
            let start = all.clone().map(|s| s.start).min().expect("an item has a span");
            let end = all.map(|s| s.end).max().expect("an item has a span");
            let layer = groups[group_ids[0]].0 .0.to_string();
            let kind = classify(&names, &versions);
            Item { id: 0, layer, start, end, kind, versions }
        })
        .collect();
    crate::sorting::sort_by(&mut items, |a, b| (a.start, Reverse(a.end), &a.layer).cmp(&(b.start, Reverse(b.end), &b.layer)));
    for (id, item) in items.iter_mut().enumerate() {
        item.id = id;
    }
    items
}

fn classify(names: &[&str], versions: &[Version]) -> ItemKind {
    let present: Vec<bool> = versions.iter().map(|v| !v.spans.is_empty()).collect();
    if let Some(kind) = presence_kind(names, &present) {
        return kind;
    }
    let all_equal = |key: fn(&Version) -> Vec<(usize, usize, String)>| {
        let first = key(&versions[0]);
        versions[1..].iter().all(|v| key(v) == first)
    };
    if !all_equal(boundaries) {
        return ItemKind::DifferentBoundaries;
    }
    if !all_equal(labelled) {
        return ItemKind::DifferentLabel;
    }
    // Same spans in the same order in every version: compare attributes position by position.
    let mut differences = Vec::new();
    for (i, span) in versions[0].spans.iter().enumerate() {
        let keys: BTreeSet<&String> = set_of(versions.iter().flat_map(|v| v.spans[i].attributes.keys()));
        for key in keys {
            let values: Vec<(String, Option<serde_json::Value>)> =
                versions.iter().map(|v| (v.annotator.clone(), v.spans[i].attributes.get(key).cloned())).collect();
            if values.iter().any(|(_, value)| *value != values[0].1) {
                differences.push(AttributeDifference {
                    start: span.start,
                    end: span.end,
                    label: span.label.clone(),
                    key: key.clone(),
                    values,
                });
            }
        }
    }
    if differences.is_empty() {
        ItemKind::Agree
    } else {
        ItemKind::DifferentAttributes(differences)
    }
}

/// The distinct offsets of a version's spans (labels left blank).
fn boundaries(v: &Version) -> Vec<(usize, usize, String)> {
    let set: BTreeSet<(usize, usize)> = set_of(v.spans.iter().map(|s| (s.start, s.end)));
    set.into_iter().map(|(s, e)| (s, e, String::new())).collect()
}

/// A version's spans as offsets and labels, in its (document) order.
fn labelled(v: &Version) -> Vec<(usize, usize, String)> {
    v.spans.iter().map(|s| (s.start, s.end, s.label.clone())).collect()
}

/// The key that matches one source's relation to other sources' relations.
pub(super) fn relation_key(source: &Source, relation: &Relation) -> (SpanKey, String, EndKey) {
    let key_of = |id| SpanKey::of(source.spans.iter().find(|s| s.id == id).expect("relations never dangle in a loaded record"));
    let to = match &relation.to {
        Target::Span(id) => EndKey::Span(key_of(*id)),
        Target::Text(text) => EndKey::Text(text.clone()),
    };
    (key_of(relation.from), relation.label.clone(), to)
}

/// Matches every source's relations into relation items, ordered by their
/// `from` span in document order, then label, then target.
pub(super) fn align_relations(sources: &[Source]) -> Vec<RelationItem> {
    let mut by_key: BTreeMap<(SpanKey, String, EndKey), Vec<Option<Relation>>> = BTreeMap::new();
    for (who, source) in sources.iter().enumerate() {
        for relation in &source.relations {
            let versions = by_key.entry(relation_key(source, relation)).or_insert_with(|| vec![None; sources.len()]);
            versions[who] = Some(relation.clone());
        }
    }
    let names: Vec<&str> = sources.iter().map(|s| s.annotator.as_str()).collect();
    by_key
        .into_iter()
        .enumerate()
        .map(|(id, ((from, label, to), versions))| {
            let present: Vec<bool> = versions.iter().map(Option::is_some).collect();
            RelationItem {
                id,
                from,
                label,
                to,
                kind: presence_kind(&names, &present).unwrap_or(ItemKind::Agree),
                versions: names.iter().map(|n| n.to_string()).zip(versions).collect(),
            }
        })
        .collect()
}
