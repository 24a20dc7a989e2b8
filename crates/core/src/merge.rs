//! Three-way merge of one document's annotations: two tabs (or windows) of
//! one browser edit the same document, and each merges what the other
//! stored. `base` is what this tab last stored or received, `mine` what it
//! has now, `theirs` what the other tab stored.
//!
//! What is compared: a span field by field — its bounds (code points, end
//! exclusive), its label with its layer, its source, and each attribute by
//! key; a relation whole; document labels by key; the status whole. A field
//! changed on one side only takes that change; changed alike on both, the
//! change; changed differently on both, or changed on one side and deleted
//! on the other, it is a [`Conflict`], settled toward the side the annotator
//! prefers ([`Side`]) — only the conflicting fields: every other change of
//! either side stays.
//!
//! Ids: both tabs hand out span ids from the same counter, so the same new
//! id can name two different spans. Items new on either side are matched by
//! what they are (a span's words, layer and label; a relation's ends and
//! label), not by id: the same item added on both sides is one, and two
//! different items under one id both stay, the second (in that order) under
//! a fresh id above every id of the three versions. Which ids of `mine`
//! changed is returned, for the editor's undo history.
//!
//! Invariants of the result: no two spans share an id, or the same words,
//! layer and label (the editor refuses both); no relation dangles; nothing
//! either side added is dropped unless a conflict names it. The merge is
//! symmetric: `merge(b, m, t, Mine)` and `merge(b, t, m, Theirs)` give the
//! same annotations and the same number of conflicts.

use crate::command::Snapshot;
use crate::document_status::DocumentStatus;
use crate::relation::{Relation, RelationId, Target};
use crate::span::{Attributes, Span, SpanId};
use std::collections::{BTreeMap, BTreeSet};

/// Whose version settles a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Mine,
    Theirs,
}

/// Something both sides changed differently. `None` is a side that deleted it.
#[derive(Debug, Clone, PartialEq)]
pub enum Conflict {
    Span { id: SpanId, mine: Option<Span>, theirs: Option<Span> },
    Relation { id: RelationId, mine: Option<Relation>, theirs: Option<Relation> },
    DocumentLabel { key: String, mine: Option<serde_json::Value>, theirs: Option<serde_json::Value> },
    Status { mine: Option<DocumentStatus>, theirs: Option<DocumentStatus> },
}

impl Conflict {
    /// What differs, for the annotator: "“Mali”: ORG here, PERSON in the
    /// other tab". `quote` gives the words at code points `start..end`.
    pub fn describe(&self, quote: &dyn Fn(usize, usize) -> String) -> String {
        const HERE: &str = "here";
        const THERE: &str = "in the other tab";
        match self {
            Conflict::Span { mine: Some(m), theirs: Some(t), .. } => {
                let what = format!("“{}”", quote(m.start, m.end));
                if m.label != t.label {
                    format!("{what}: {} {HERE}, {} {THERE}", m.label, t.label)
                } else if (m.start, m.end) != (t.start, t.end) {
                    format!("{what} ({}) {HERE}, “{}” {THERE}", m.label, quote(t.start, t.end))
                } else {
                    let key = m.attributes.keys().chain(t.attributes.keys()).find(|k| m.attributes.get(*k) != t.attributes.get(*k));
                    match key {
                        Some(k) => format!("{what} ({}), {k}: {} {HERE}, {} {THERE}", m.label, value(m.attributes.get(k)), value(t.attributes.get(k))),
                        None => format!("{what} ({}) differs {HERE} and {THERE}", m.label),
                    }
                }
            }
            Conflict::Span { mine: Some(s), theirs: None, .. } => {
                format!("“{}” ({}): changed {HERE}, deleted {THERE}", quote(s.start, s.end), s.label)
            }
            Conflict::Span { mine: None, theirs: Some(s), .. } => {
                format!("“{}” ({}): deleted {HERE}, changed {THERE}", quote(s.start, s.end), s.label)
            }
            Conflict::Span { id, .. } => format!("span {id}"),
            Conflict::Relation { mine, theirs, .. } => {
                let label = mine.as_ref().or(theirs.as_ref()).map_or("", |r| r.label.as_str());
                format!("a {label} link differs {HERE} and {THERE}")
            }
            Conflict::DocumentLabel { key, mine, theirs } => {
                format!("{key}: {} {HERE}, {} {THERE}", value(mine.as_ref()), value(theirs.as_ref()))
            }
            Conflict::Status { mine, theirs } => {
                let state = |s: &Option<DocumentStatus>| s.as_ref().map_or("none", |s| s.state.title());
                format!("status: {} {HERE}, {} {THERE}", state(mine), state(theirs))
            }
        }
    }
}

/// A value as the annotator set it: a string without quotes, "none" for none.
fn value(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "none".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The merged annotations, with conflicts settled toward the preferred side.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub snapshot: Snapshot,
    pub conflicts: Vec<Conflict>,
    /// Spans of `mine` now under another id (old, new).
    pub renamed_spans: Vec<(SpanId, SpanId)>,
    /// Relations of `mine` now under another id (old, new).
    pub renamed_relations: Vec<(RelationId, RelationId)>,
}

/// Merges `mine` and `theirs`, both changed from `base`; conflicts take
/// `prefer`'s version.
pub fn merge(base: &Snapshot, mine: &Snapshot, theirs: &Snapshot, prefer: Side) -> Merged {
    let mut conflicts = Vec::new();
    // New spans get their final ids first; relations then follow their spans.
    let base_spans = crate::sorting::set_of(base.spans.iter().map(|s| s.id.0));
    let (span_ids_m, span_ids_t) = assign_ids(
        &base_spans,
        new_items(&mine.spans, &base_spans, |s| (s.id.0, span_identity(s))),
        new_items(&theirs.spans, &base_spans, |s| (s.id.0, span_identity(s))),
    );
    let original_mine = mine;
    let mine = renamed(mine, &span_ids_m, &BTreeMap::new());
    let theirs = renamed(theirs, &span_ids_t, &BTreeMap::new());
    let base_relations = crate::sorting::set_of(base.relations.iter().map(|r| r.id.0));
    let (relation_ids_m, relation_ids_t) = assign_ids(
        &base_relations,
        new_items(&mine.relations, &base_relations, |r| (r.id.0, relation_identity(r))),
        new_items(&theirs.relations, &base_relations, |r| (r.id.0, relation_identity(r))),
    );
    let mine = renamed(&mine, &BTreeMap::new(), &relation_ids_m);
    let theirs = renamed(&theirs, &BTreeMap::new(), &relation_ids_t);

    let spans = merge_spans(base, &mine, &theirs, prefer, &mut conflicts);
    let mut relations = merge_relations(base, &mine, &theirs, prefer, &mut conflicts);
    let (spans, folded) = fold_duplicates(spans);
    let fold = |id: SpanId| folded.get(&id.0).map_or(id, |&n| SpanId(n));
    for r in &mut relations {
        r.from = fold(r.from);
        if let Target::Span(to) = &mut r.to {
            *to = fold(*to);
        }
    }
    let relations = without_dangling_or_repeated(relations, &spans);

    let document = merge_document(&base.document, &mine.document, &theirs.document, prefer, &mut conflicts);
    let status = match three_way(Some(base.status.as_ref()), mine.status.as_ref(), theirs.status.as_ref()) {
        Ok(s) => s.cloned(),
        Err(()) => {
            conflicts.push(Conflict::Status { mine: mine.status.clone(), theirs: theirs.status.clone() });
            pick(prefer, &mine.status, &theirs.status).clone()
        }
    };

    let final_span = |old: u32| fold(span_ids_m.get(&old).copied().map_or(SpanId(old), SpanId));
    let renamed_spans =
        original_mine.spans.iter().map(|s| (s.id, final_span(s.id.0))).filter(|(a, b)| a != b).collect();
    let renamed_relations =
        relation_ids_m.iter().filter(|(a, b)| a != b).map(|(&a, &b)| (RelationId(a), RelationId(b))).collect();
    Merged { snapshot: Snapshot { spans, relations, document, status }, conflicts, renamed_spans, renamed_relations }
}

fn pick<'a, T>(prefer: Side, mine: &'a T, theirs: &'a T) -> &'a T {
    match prefer {
        Side::Mine => mine,
        Side::Theirs => theirs,
    }
}

/// The three-way rule for one value: one side's change wins over no change;
/// the same change on both sides is that change; different changes are a
/// conflict (`Err`).
fn three_way<T: PartialEq>(base: Option<T>, mine: T, theirs: T) -> Result<T, ()> {
    if mine == theirs {
        Ok(mine)
    } else if base.as_ref() == Some(&mine) {
        Ok(theirs)
    } else if base.as_ref() == Some(&theirs) {
        Ok(mine)
    } else {
        Err(())
    }
}

/// What an item is, for matching items added on both sides. A span: its
/// words, layer and label (the editor allows one span per such key). A
/// relation: its ends and label (a free-text end as `usize::MAX` and the
/// text). One type for both, so the maps over it are compiled once.
type Key = (usize, usize, String, String);

fn span_identity(s: &Span) -> Key {
    (s.start, s.end, s.layer.clone(), s.label.clone())
}

fn relation_identity(r: &Relation) -> Key {
    let (to, text) = match &r.to {
        Target::Span(id) => (id.0 as usize, String::new()),
        Target::Text(t) => (usize::MAX, t.clone()),
    };
    (r.from.0 as usize, to, text, r.label.clone())
}

fn new_items<T>(items: &[T], base: &BTreeSet<u32>, key: impl Fn(&T) -> (u32, Key)) -> Vec<(u32, Key)> {
    items.iter().map(key).filter(|(id, _)| !base.contains(id)).collect()
}

/// Final ids of the items new on either side, as (old → new) per side.
/// Items are taken in identity order; each keeps one of its own ids (the
/// smaller) unless an earlier one took it, else gets the next id above all.
fn assign_ids(base: &BTreeSet<u32>, mine: Vec<(u32, Key)>, theirs: Vec<(u32, Key)>) -> (BTreeMap<u32, u32>, BTreeMap<u32, u32>) {
    let highest = base.iter().chain(mine.iter().map(|(id, _)| id)).chain(theirs.iter().map(|(id, _)| id)).max();
    let mut next_fresh = highest.map_or(1, |&h| u64::from(h) + 1);
    // Each identity's ids on each side: the map gives its place in `groups`.
    let mut index: BTreeMap<Key, usize> = BTreeMap::new();
    let mut groups: Vec<[Option<u32>; 2]> = Vec::new();
    for (side, items) in [mine, theirs].into_iter().enumerate() {
        for (id, key) in items {
            let i = *index.entry(key).or_insert_with(|| {
                groups.push([None, None]);
                groups.len() - 1
            });
            groups[i][side] = Some(id);
        }
    }
    let mut taken = base.clone();
    let (mut map_m, mut map_t) = (BTreeMap::new(), BTreeMap::new());
    for i in index.into_values() {
        let [m, t] = groups[i];
        let (low, high) = match (m, t) {
            (Some(a), Some(b)) => (a.min(b), Some(a.max(b))),
            (Some(a), None) | (None, Some(a)) => (a, None),
            (None, None) => continue,
        };
        let id = match [Some(low), high].into_iter().flatten().find(|c| !taken.contains(c)) {
            Some(id) => id,
            None => fresh_id(&mut next_fresh, &taken),
        };
        taken.insert(id);
        if let Some(m) = m {
            map_m.insert(m, id);
        }
        if let Some(t) = t {
            map_t.insert(t, id);
        }
    }
    (map_m, map_t)
}

/// The next id above every id seen; at the top of the range, the lowest
/// free one (there are fewer items than ids).
fn fresh_id(next: &mut u64, taken: &BTreeSet<u32>) -> u32 {
    if let Ok(id) = u32::try_from(*next) {
        *next += 1;
        return id;
    }
    (1..=u32::MAX).find(|c| !taken.contains(c)).expect("fewer items than ids")
}

/// `snapshot` with span and relation ids changed by the maps (spans and the
/// relation ends that name them).
fn renamed(snapshot: &Snapshot, spans: &BTreeMap<u32, u32>, relations: &BTreeMap<u32, u32>) -> Snapshot {
    let span = |id: SpanId| spans.get(&id.0).map_or(id, |&n| SpanId(n));
    Snapshot {
        spans: snapshot.spans.iter().map(|s| Span { id: span(s.id), ..s.clone() }).collect(),
        relations: snapshot
            .relations
            .iter()
            .map(|r| Relation {
                id: relations.get(&r.id.0).map_or(r.id, |&n| RelationId(n)),
                from: span(r.from),
                to: match &r.to {
                    Target::Span(id) => Target::Span(span(*id)),
                    text => text.clone(),
                },
                label: r.label.clone(),
            })
            .collect(),
        document: snapshot.document.clone(),
        status: snapshot.status.clone(),
    }
}

/// Each item's place in `items`, by id.
fn places<T>(items: &[T], id: impl Fn(&T) -> u32) -> BTreeMap<u32, usize> {
    let mut map = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        map.insert(id(item), i);
    }
    map
}

/// The ids of three versions' items, in order, once each.
fn all_ids(maps: [&BTreeMap<u32, usize>; 3]) -> BTreeSet<u32> {
    crate::sorting::set_of(maps.into_iter().flat_map(|m| m.keys().copied()))
}

/// Whether `side` added a relation (one `base` lacks) from or to span `id`:
/// a change to that span as much as editing it.
fn linked_anew(side: &Snapshot, base: &Snapshot, id: SpanId) -> bool {
    side.relations.iter().any(|r| r.touches(id) && !base.relations.iter().any(|b| b.id == r.id))
}

fn merge_spans(base: &Snapshot, mine: &Snapshot, theirs: &Snapshot, prefer: Side, conflicts: &mut Vec<Conflict>) -> Vec<Span> {
    let (b, m, t) = (places(&base.spans, |s| s.id.0), places(&mine.spans, |s| s.id.0), places(&theirs.spans, |s| s.id.0));
    let ids = all_ids([&b, &m, &t]);
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let id = SpanId(raw);
        let (bs, ms, ts) = (b.get(&raw).map(|&i| &base.spans[i]), m.get(&raw).map(|&i| &mine.spans[i]), t.get(&raw).map(|&i| &theirs.spans[i]));
        match (ms, ts) {
            (Some(ms), Some(ts)) => {
                let (span, clash) = merge_fields(bs, ms, ts, prefer);
                if clash {
                    conflicts.push(Conflict::Span { id, mine: Some(ms.clone()), theirs: Some(ts.clone()) });
                }
                out.push(span);
            }
            // Deleted on one side: gone, unless the other side changed it.
            (Some(kept), None) | (None, Some(kept)) => {
                let keeper = if ms.is_some() { (Side::Mine, mine) } else { (Side::Theirs, theirs) };
                match bs {
                    None => out.push(kept.clone()),
                    Some(bs) if bs == kept && !linked_anew(keeper.1, base, id) => {}
                    Some(_) => {
                        conflicts.push(Conflict::Span { id, mine: ms.cloned(), theirs: ts.cloned() });
                        if prefer == keeper.0 {
                            out.push(kept.clone());
                        }
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// One span changed on both sides (or added on both with the same words,
/// layer and label: then its base is a span without attributes, made by the
/// annotator): field by field; `true` when a field conflicted.
fn merge_fields(base: Option<&Span>, mine: &Span, theirs: &Span, prefer: Side) -> (Span, bool) {
    let mut clash = false;
    let (start, end) = settle(base.map(|s| (s.start, s.end)), (mine.start, mine.end), (theirs.start, theirs.end), prefer, &mut clash);
    let (label, layer) =
        settle(base.map(|s| (&s.label, &s.layer)), (&mine.label, &mine.layer), (&theirs.label, &theirs.layer), prefer, &mut clash);
    let source = settle(Some(base.and_then(|s| s.source.as_ref())), mine.source.as_ref(), theirs.source.as_ref(), prefer, &mut clash);
    let attributes = merge_map(base.map(|s| &s.attributes), &mine.attributes, &theirs.attributes, prefer, &mut clash);
    // A default one side chose is a choice now: the two maps share no key.
    let mut defaults = merge_map(base.map(|s| &s.defaults), &mine.defaults, &theirs.defaults, prefer, &mut clash);
    defaults.retain(|key, _| !attributes.contains_key(key));
    let span = Span { id: mine.id, start, end, label: label.clone(), layer: layer.clone(), attributes, defaults, source: source.cloned() };
    (span, clash)
}

/// One span's attribute map (its choices, or its defaults), key by key.
fn merge_map(base: Option<&Attributes>, mine: &Attributes, theirs: &Attributes, prefer: Side, clash: &mut bool) -> Attributes {
    let mut out = Attributes::new();
    for key in keys_of(mine.keys().chain(theirs.keys()).chain(base.into_iter().flat_map(|b| b.keys()))) {
        let b = base.and_then(|m| m.get(key));
        if let Some(v) = settle(Some(b), mine.get(key), theirs.get(key), prefer, clash) {
            out.insert(key.clone(), v.clone());
        }
    }
    out
}

/// Attribute keys in order, once each.
fn keys_of<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = keys.collect();
    crate::sorting::sort(&mut keys);
    keys.dedup();
    keys
}

/// [`three_way`] for one field, taking `prefer`'s value on a conflict and
/// noting it in `clash`.
fn settle<T: PartialEq + Copy>(base: Option<T>, mine: T, theirs: T, prefer: Side, clash: &mut bool) -> T {
    three_way(base, mine, theirs).unwrap_or_else(|()| {
        *clash = true;
        *pick(prefer, &mine, &theirs)
    })
}

fn merge_relations(
    base: &Snapshot,
    mine: &Snapshot,
    theirs: &Snapshot,
    prefer: Side,
    conflicts: &mut Vec<Conflict>,
) -> Vec<Relation> {
    let (b, m, t) = (places(&base.relations, |r| r.id.0), places(&mine.relations, |r| r.id.0), places(&theirs.relations, |r| r.id.0));
    let ids = all_ids([&b, &m, &t]);
    let mut out = Vec::new();
    for raw in ids {
        let id = RelationId(raw);
        let (br, mr, tr) =
            (b.get(&raw).map(|&i| &base.relations[i]), m.get(&raw).map(|&i| &mine.relations[i]), t.get(&raw).map(|&i| &theirs.relations[i]));
        match three_way(Some(br), mr, tr) {
            Ok(r) => out.extend(r.cloned()),
            Err(()) => {
                conflicts.push(Conflict::Relation { id, mine: mr.cloned(), theirs: tr.cloned() });
                out.extend(pick(prefer, &mr, &tr).cloned());
            }
        }
    }
    out
}

/// Spans that came to share words, layer and label (a new span on one side
/// the same as a changed one on the other) become the one with the lowest
/// id, taking the others' attributes it lacks. Returns the spans and where
/// each folded id went.
fn fold_duplicates(spans: Vec<Span>) -> (Vec<Span>, BTreeMap<u32, u32>) {
    let mut first: BTreeMap<Key, usize> = BTreeMap::new();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut folded = BTreeMap::new();
    // `spans` is in id order, so the first of each key has the lowest id.
    for span in spans {
        match first.get(&span_identity(&span)) {
            Some(&i) => {
                folded.insert(span.id.0, out[i].id.0);
                for (k, v) in span.attributes {
                    out[i].attributes.entry(k).or_insert(v);
                }
            }
            None => {
                first.insert(span_identity(&span), out.len());
                out.push(span);
            }
        }
    }
    (out, folded)
}

/// Relations whose spans are all there, each (ends, label) once.
fn without_dangling_or_repeated(relations: Vec<Relation>, spans: &[Span]) -> Vec<Relation> {
    let ids = crate::sorting::set_of(spans.iter().map(|s| s.id.0));
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    relations
        .into_iter()
        .filter(|r| {
            let ends = ids.contains(&r.from.0)
                && match &r.to {
                    Target::Span(to) => ids.contains(&to.0) && *to != r.from,
                    Target::Text(_) => true,
                };
            ends && seen.insert(relation_identity(r), 0).is_none()
        })
        .collect()
}

fn merge_document(
    base: &Attributes,
    mine: &Attributes,
    theirs: &Attributes,
    prefer: Side,
    conflicts: &mut Vec<Conflict>,
) -> Attributes {
    let mut out = Attributes::new();
    for key in keys_of(base.keys().chain(mine.keys()).chain(theirs.keys())) {
        let (b, m, t) = (base.get(key), mine.get(key), theirs.get(key));
        let value = three_way(Some(b), m, t).unwrap_or_else(|()| {
            conflicts.push(Conflict::DocumentLabel { key: key.clone(), mine: m.cloned(), theirs: t.cloned() });
            *pick(prefer, &m, &t)
        });
        if let Some(v) = value {
            out.insert(key.clone(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::document_status::StatusState;
    use crate::editor::Editor;
    use crate::label_schema::LabelSchema;
    use crate::test_support::cp;
    use proptest::prelude::*;
    use serde_json::json;
    use std::sync::Arc;

    const TEXT: &str = "Mali and Russia met on Monday; Wagner said so in Bamako.";

    fn editor() -> Editor {
        let article = Arc::new(Article::new("d", "d", TEXT).unwrap());
        Editor::new(article, Arc::new(LabelSchema::news_default()))
    }

    /// An editor holding `snapshot`, as a tab that stored or received it.
    fn tab(snapshot: &Snapshot) -> Editor {
        let mut e = editor();
        e.restore_snapshot(snapshot.clone()).unwrap();
        e
    }

    fn label(e: &mut Editor, words: &str, label: &str) -> SpanId {
        let (start, end) = cp(TEXT, words);
        e.add_span(start, end, label).unwrap()
    }

    fn words(snapshot: &Snapshot) -> Vec<(String, String)> {
        let mut v: Vec<_> = snapshot.spans.iter().map(|s| (TEXT.chars().skip(s.start).take(s.end - s.start).collect(), s.label.clone())).collect();
        v.sort();
        v
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        v.sort();
        v
    }

    /// The result is what the editor accepts (no duplicate, no dangling link).
    fn loads(snapshot: &Snapshot) {
        tab(snapshot);
    }

    #[test]
    fn spans_added_in_both_tabs_under_the_same_ids_all_stay() {
        let base = Snapshot::default();
        let mut a = tab(&base);
        label(&mut a, "Mali", "GPE");
        label(&mut a, "Monday", "DATE");
        let mut b = tab(&base);
        label(&mut b, "Russia", "GPE");
        let (mine, theirs) = (a.annotations().snapshot(), b.annotations().snapshot());
        assert_eq!(theirs.spans[0].id, mine.spans[0].id, "both tabs handed out s1");

        let m = merge(&base, &mine, &theirs, Side::Mine);
        assert_eq!(m.conflicts, []);
        assert_eq!(words(&m.snapshot), pairs(&[("Mali", "GPE"), ("Monday", "DATE"), ("Russia", "GPE")]));
        loads(&m.snapshot);
        // The other tab computes the same document: both converge.
        let other = merge(&base, &theirs, &mine, Side::Mine);
        assert_eq!(other.snapshot, m.snapshot);
        // Mali (first in the text) kept s1; Russia, the other tab's s1, moved.
        assert_eq!(m.renamed_spans, []);
        assert_eq!(other.renamed_spans, [(SpanId(1), SpanId(3))]);
    }

    #[test]
    fn a_default_chosen_in_one_tab_is_a_choice_after_the_merge() {
        // Issue 17: the stance is the schema's default in the base; one tab
        // chooses that very value, the other sets the verdict.
        let mut schema = LabelSchema::news_default();
        schema.attributes.iter_mut().find(|a| a.name == "stance").unwrap().default = Some(json!("neutral"));
        let schema = Arc::new(schema);
        let article = Arc::new(Article::new("d", "d", TEXT).unwrap());
        let mut e = Editor::new(article.clone(), schema.clone());
        let claim = label(&mut e, "Wagner said so", "CLAIM");
        let base = e.annotations().snapshot();
        let side = |f: &dyn Fn(&mut Editor)| {
            let mut t = Editor::new(article.clone(), schema.clone());
            t.restore_snapshot(base.clone()).unwrap();
            f(&mut t);
            t.annotations().snapshot()
        };
        let mine = side(&|t| t.set_attribute(claim, "stance", Some(json!("neutral"))).unwrap());
        let theirs = side(&|t| t.set_attribute(claim, "verdict", Some(json!("false"))).unwrap());
        for (a, b) in [(&mine, &theirs), (&theirs, &mine)] {
            let m = merge(&base, a, b, Side::Mine);
            assert_eq!(m.conflicts, []);
            let span = &m.snapshot.spans[0];
            assert_eq!(span.attributes, crate::span::Attributes::from([("stance".into(), json!("neutral")), ("verdict".into(), json!("false"))]));
            assert!(span.defaults.is_empty(), "a chosen value is no longer a default: {span:?}");
        }
        // Untouched on both sides, it stays a default.
        let m = merge(&base, &theirs, &base, Side::Mine);
        assert_eq!(m.snapshot.spans[0].defaults, crate::span::Attributes::from([("stance".into(), json!("neutral"))]));
    }

    #[test]
    fn a_deletion_in_one_tab_and_an_attribute_in_the_other_both_apply() {
        let mut e = editor();
        let mali = label(&mut e, "Mali", "GPE");
        let claim = label(&mut e, "Wagner said so", "CLAIM");
        let base = e.annotations().snapshot();
        let mut a = tab(&base);
        a.remove_span(mali).unwrap();
        let mut b = tab(&base);
        b.set_attribute(claim, "verdict", Some(json!("false"))).unwrap();
        b.set_document_label("section", Some(json!("world"))).unwrap();

        let m = merge(&base, &a.annotations().snapshot(), &b.annotations().snapshot(), Side::Mine);
        assert_eq!(m.conflicts, []);
        assert_eq!(words(&m.snapshot), pairs(&[("Wagner said so", "CLAIM")]));
        assert_eq!(m.snapshot.spans[0].attributes["verdict"], json!("false"));
        assert_eq!(m.snapshot.document["section"], json!("world"));
    }

    #[test]
    fn the_same_span_relabelled_differently_is_a_conflict_settled_by_the_preferred_side() {
        let mut e = editor();
        let mali = label(&mut e, "Mali", "GPE");
        let claim = label(&mut e, "Wagner said so", "CLAIM");
        let base = e.annotations().snapshot();
        let mut a = tab(&base);
        a.set_label(mali, "ORG").unwrap();
        let mut b = tab(&base);
        b.set_label(mali, "PERSON").unwrap();
        b.set_attribute(claim, "stance", Some(json!("refutes"))).unwrap();
        let (mine, theirs) = (a.annotations().snapshot(), b.annotations().snapshot());

        let keep = merge(&base, &mine, &theirs, Side::Mine);
        let take = merge(&base, &mine, &theirs, Side::Theirs);
        assert!(matches!(&keep.conflicts[..], [Conflict::Span { id, mine: Some(m), theirs: Some(t) }]
            if *id == mali && m.label == "ORG" && t.label == "PERSON"));
        assert_eq!(take.conflicts, keep.conflicts);
        let quote = |a: usize, b: usize| TEXT.chars().skip(a).take(b - a).collect::<String>();
        assert_eq!(keep.conflicts[0].describe(&quote), "“Mali”: ORG here, PERSON in the other tab");
        assert_eq!(keep.snapshot.spans[0].label, "ORG");
        assert_eq!(take.snapshot.spans[0].label, "PERSON");
        // What did not conflict stays either way.
        for m in [&keep, &take] {
            assert_eq!(m.snapshot.spans[1].attributes["stance"], json!("refutes"));
        }
    }

    #[test]
    fn bounds_changed_on_both_sides_conflict_and_on_one_side_merge() {
        let mut e = editor();
        let id = label(&mut e, "Wagner", "ORG");
        let base = e.annotations().snapshot();
        let moved = |needle: &str| {
            let mut s = base.clone();
            (s.spans[0].start, s.spans[0].end) = cp(TEXT, needle);
            s
        };
        let (a, b) = (moved("Wagner said"), moved("Bamako"));
        assert_eq!(merge(&base, &a, &base, Side::Theirs).snapshot, a);
        let m = merge(&base, &a, &b, Side::Theirs);
        assert!(matches!(&m.conflicts[..], [Conflict::Span { id: c, .. }] if *c == id));
        assert_eq!(words(&m.snapshot), pairs(&[("Bamako", "ORG")]));
    }

    #[test]
    fn a_span_changed_in_one_tab_and_deleted_in_the_other_is_a_conflict() {
        let mut e = editor();
        let mali = label(&mut e, "Mali", "GPE");
        let base = e.annotations().snapshot();
        let mut a = tab(&base);
        a.set_label(mali, "ORG").unwrap();
        let mut b = tab(&base);
        b.remove_span(mali).unwrap();
        let (mine, theirs) = (a.annotations().snapshot(), b.annotations().snapshot());
        let keep = merge(&base, &mine, &theirs, Side::Mine);
        assert!(matches!(&keep.conflicts[..], [Conflict::Span { mine: Some(_), theirs: None, .. }]));
        assert_eq!(words(&keep.snapshot), pairs(&[("Mali", "ORG")]));
        assert_eq!(merge(&base, &mine, &theirs, Side::Theirs).snapshot.spans, []);
        // Deleted on one side and untouched on the other: simply gone.
        let clean = merge(&base, &base, &theirs, Side::Mine);
        assert_eq!((clean.conflicts.len(), clean.snapshot.spans.len()), (0, 0));
    }

    #[test]
    fn a_span_deleted_in_one_tab_and_linked_in_the_other_is_a_conflict_and_nothing_dangles() {
        let mut e = editor();
        let wagner = label(&mut e, "Wagner", "ORG");
        let claim = label(&mut e, "Wagner said so", "CLAIM");
        let base = e.annotations().snapshot();
        let mut a = tab(&base);
        a.remove_span(wagner).unwrap();
        let mut b = tab(&base);
        b.add_relation(claim, Target::Span(wagner), "claimed_by").unwrap();
        let (mine, theirs) = (a.annotations().snapshot(), b.annotations().snapshot());
        let keep = merge(&base, &mine, &theirs, Side::Mine);
        assert!(matches!(&keep.conflicts[..], [Conflict::Span { id, mine: None, theirs: Some(_) }] if *id == wagner));
        assert_eq!((keep.snapshot.spans.len(), keep.snapshot.relations.len()), (1, 0));
        loads(&keep.snapshot);
        let take = merge(&base, &mine, &theirs, Side::Theirs);
        assert_eq!((take.snapshot.spans.len(), take.snapshot.relations.len()), (2, 1));
        loads(&take.snapshot);
    }

    #[test]
    fn the_same_span_added_in_both_tabs_is_one_and_links_follow_renamed_spans() {
        let base = Snapshot::default();
        let mut a = tab(&base);
        label(&mut a, "Mali", "GPE");
        let wagner_a = label(&mut a, "Wagner", "ORG");
        let mut b = tab(&base);
        label(&mut b, "Bamako", "GPE");
        label(&mut b, "Monday", "DATE");
        let wagner_b = label(&mut b, "Wagner", "ORG");
        let claim = label(&mut b, "Wagner said so", "CLAIM");
        b.add_relation(claim, Target::Span(wagner_b), "claimed_by").unwrap();
        b.set_attribute(claim, "note", Some(json!("ask the desk"))).unwrap();
        assert_ne!(wagner_a, wagner_b);

        let m = merge(&base, &a.annotations().snapshot(), &b.annotations().snapshot(), Side::Mine);
        assert_eq!(m.conflicts, []);
        assert_eq!(
            words(&m.snapshot),
            pairs(&[("Mali", "GPE"), ("Wagner", "ORG"), ("Bamako", "GPE"), ("Monday", "DATE"), ("Wagner said so", "CLAIM")])
        );
        let r = &m.snapshot.relations[0];
        let span = |id| m.snapshot.spans.iter().find(|s| s.id == id).unwrap();
        assert_eq!((span(r.from).label.as_str(), r.to.clone()), ("CLAIM", Target::Span(span_by(&m.snapshot, "Wagner").id)));
        loads(&m.snapshot);
    }

    #[test]
    fn a_new_span_equal_to_one_the_other_tab_relabelled_becomes_that_span() {
        let mut e = editor();
        let mali = label(&mut e, "Mali", "GPE");
        let base = e.annotations().snapshot();
        let mut a = tab(&base);
        let again = label(&mut a, "Mali", "ORG");
        let mut b = tab(&base);
        b.set_label(mali, "ORG").unwrap();
        let m = merge(&base, &a.annotations().snapshot(), &b.annotations().snapshot(), Side::Mine);
        assert_eq!(m.conflicts, []);
        assert_eq!(words(&m.snapshot), pairs(&[("Mali", "ORG")]));
        assert_eq!(m.renamed_spans, [(again, mali)]);
        loads(&m.snapshot);
    }

    fn span_by<'a>(s: &'a Snapshot, needle: &str) -> &'a Span {
        let (start, end) = cp(TEXT, needle);
        s.spans.iter().find(|x| (x.start, x.end) == (start, end)).unwrap()
    }

    #[test]
    fn document_labels_merge_by_key_and_the_status_whole() {
        let base = Snapshot::default();
        let mut a = tab(&base);
        a.set_document_label("section", Some(json!("world"))).unwrap();
        a.set_status(Some(DocumentStatus { state: StatusState::Done, note: String::new() })).unwrap();
        let mut b = tab(&base);
        b.set_document_label("reliability", Some(json!("low"))).unwrap();
        b.set_status(Some(DocumentStatus { state: StatusState::Flagged, note: "check".into() })).unwrap();
        let m = merge(&base, &a.annotations().snapshot(), &b.annotations().snapshot(), Side::Theirs);
        assert_eq!(m.snapshot.document.len(), 2);
        assert!(matches!(&m.conflicts[..], [Conflict::Status { .. }]));
        assert_eq!(m.snapshot.status.map(|s| s.state), Some(StatusState::Flagged));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize, usize, usize),
        Remove(usize),
        Relabel(usize, usize),
        Attribute(usize, usize),
        Link(usize, usize),
        Section(usize),
    }

    const LABELS: [&str; 4] = ["GPE", "ORG", "PERSON", "CLAIM"];
    const VERDICTS: [&str; 3] = ["true", "false", "misleading"];
    const SECTIONS: [&str; 3] = ["world", "politics", "other"];

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0usize..50, 1usize..8, 0usize..4).prop_map(|(s, l, k)| Op::Add(s, l, k)),
            2 => any::<usize>().prop_map(Op::Remove),
            2 => (any::<usize>(), 0usize..4).prop_map(|(i, k)| Op::Relabel(i, k)),
            2 => (any::<usize>(), 0usize..3).prop_map(|(i, k)| Op::Attribute(i, k)),
            2 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Op::Link(i, j)),
            1 => (0usize..3).prop_map(Op::Section),
        ]
    }

    /// Runs `ops` as an annotator would (refused ones change nothing).
    fn run(from: &Snapshot, ops: &[Op]) -> Snapshot {
        let mut e = tab(from);
        let n = TEXT.chars().count();
        for op in ops {
            let ids: Vec<SpanId> = e.annotations().iter().map(|s| s.id).collect();
            let nth = |i: usize| (!ids.is_empty()).then(|| ids[i % ids.len()]);
            let _ = match *op {
                Op::Add(s, l, k) => e.add_span(s.min(n - 1), (s + l).min(n), LABELS[k]).map(|_| ()),
                Op::Remove(i) => nth(i).map_or(Ok(()), |id| e.remove_span(id)),
                Op::Relabel(i, k) => nth(i).map_or(Ok(()), |id| e.set_label(id, LABELS[k])),
                Op::Attribute(i, k) => nth(i).map_or(Ok(()), |id| e.set_attribute(id, "verdict", Some(json!(VERDICTS[k])))),
                Op::Link(i, j) => match (nth(i), nth(j)) {
                    (Some(a), Some(b)) => e.add_relation(a, Target::Span(b), "about").map(|_| ()),
                    _ => Ok(()),
                },
                Op::Section(k) => e.set_document_label("section", Some(json!(SECTIONS[k]))),
            };
        }
        e.annotations().snapshot()
    }

    proptest! {
        /// Two tabs start from one version and change it at will: whatever
        /// they did, the merge loads, is the same from either tab, keeps
        /// every span either tab added, and with nothing changed on one
        /// side is exactly the other.
        #[test]
        fn merging_is_symmetric_loses_nothing_added_and_loads(
            start in proptest::collection::vec(op(), 0..12),
            ours in proptest::collection::vec(op(), 0..12),
            other in proptest::collection::vec(op(), 0..12),
        ) {
            let base = run(&Snapshot::default(), &start);
            let (mine, theirs) = (run(&base, &ours), run(&base, &other));
            for prefer in [Side::Mine, Side::Theirs] {
                let m = merge(&base, &mine, &theirs, prefer);
                let flipped = if prefer == Side::Mine { Side::Theirs } else { Side::Mine };
                let o = merge(&base, &theirs, &mine, flipped);
                prop_assert_eq!(&m.snapshot, &o.snapshot);
                prop_assert_eq!(m.conflicts.len(), o.conflicts.len());
                let mut e = editor();
                prop_assert!(e.restore_snapshot(m.snapshot.clone()).is_ok(), "the merge does not load: {:?}", m.snapshot);
                let added = mine.spans.iter().chain(&theirs.spans).filter(|s| !base.spans.iter().any(|b| b.id == s.id));
                for s in added {
                    prop_assert!(
                        m.snapshot.spans.iter().any(|x| span_identity(x) == span_identity(s)),
                        "{:?} was added and is gone", s
                    );
                }
                // mine's renamed spans name spans of the result.
                for (_, new) in &m.renamed_spans {
                    prop_assert!(m.snapshot.spans.iter().any(|x| x.id == *new));
                }
            }
            prop_assert_eq!(merge(&base, &mine, &base, Side::Theirs).snapshot, mine.clone());
            prop_assert_eq!(merge(&base, &base, &theirs, Side::Mine).snapshot, theirs.clone());
            let same = merge(&base, &mine, &mine, Side::Theirs);
            prop_assert_eq!((same.snapshot, same.conflicts.len()), (mine.clone(), 0));
        }
    }
}
