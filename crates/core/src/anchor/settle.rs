//! Settling what the editor would refuse, before anyone applies the
//! re-anchored spans: two spans placed on the same words with the same label
//! (a duplicate), two overlapping in a layer whose spans may not overlap, a
//! span the label schema cannot hold, an id used twice. The better-anchored
//! span is placed; the other is orphaned with the reason, for the annotator
//! to place again — so that applying the result is never refused as a
//! whole and no span is lost silently.
//!
//! "Better anchored": the exact words before an edited or doubtful match,
//! then the span whose own characters the diff kept, then the higher
//! confidence, then the earlier span of the old record.
//!
//! Units: code points, end exclusive.

use super::{Outcome, Placement};
use crate::article::Article;
use crate::label_schema::LabelSchema;
use crate::record::{spans_from_record, RecordError, RecordSpan};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Why a span was left out of the re-anchored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrphanReason {
    /// No place in the new text fits it well enough: its words are gone or
    /// changed beyond recognition.
    NotFound,
    /// It landed on the same words, with the same label, as the span at
    /// index `of` of the old record, which was better anchored and placed.
    Duplicate { of: usize },
    /// It landed overlapping the span at index `of`, which was placed, and
    /// spans of `layer` may not overlap.
    Overlap { of: usize, layer: String },
    /// The label schema or the editor refused it where it landed; `message`
    /// says why.
    Refused { message: String },
}

/// Orphans, in `placements`, every span the editor would refuse together
/// with a better-anchored one or on its own. `schema`: the rules of the
/// editor that will receive the spans (labels, layers that may not
/// overlap); without it only what any editor refuses is settled (the same
/// words labelled alike twice, an id used twice).
pub(super) fn settle(placements: &mut [Placement], spans: &[RecordSpan], article: &Article, schema: Option<&LabelSchema>) {
    refuse_alone(placements, spans, article, schema);
    let mut order: Vec<usize> = (0..placements.len()).filter(|&i| placements[i].range.is_some()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| better(&placements[a], &placements[b]).then(a.cmp(&b)));
    let no_overlap = schema.map(LabelSchema::no_overlap_layers).unwrap_or_default();
    // What the editor compares (the same set type, compiled once).
    let mut placed: HashSet<(usize, usize, String, String)> = HashSet::with_capacity(order.len());
    // Per layer that forbids overlaps (few): `(start, end, index)` of the
    // placed spans by start; they are disjoint, so only the last one
    // starting before an end can overlap. (A sorted list rather than a
    // B-tree: one more map type would cost the bundle more than the
    // insertions cost here.)
    let mut disjoint: Vec<(&str, Vec<(usize, usize, usize)>)> = no_overlap.iter().map(|l| (l.as_str(), Vec::new())).collect();
    let mut kept: Vec<usize> = Vec::with_capacity(order.len());
    for i in order {
        let Some((start, end)) = placements[i].range else { continue };
        let span = &spans[i];
        if !placed.insert((start, end, span.layer.clone(), span.label.clone())) {
            // Rare: find the span that holds these words.
            let of = kept.iter().copied().find(|&j| placements[j].range == Some((start, end)) && spans[j].layer == span.layer && spans[j].label == span.label);
            orphan(&mut placements[i], OrphanReason::Duplicate { of: of.unwrap_or(i) });
            continue;
        }
        if let Some((_, layer)) = disjoint.iter_mut().find(|(l, _)| *l == span.layer) {
            let at = layer.partition_point(|&(s, _, _)| s < end);
            if let Some(&(_, other_end, of)) = at.checked_sub(1).map(|k| &layer[k]) {
                if other_end > start {
                    placed.remove(&(start, end, span.layer.clone(), span.label.clone()));
                    orphan(&mut placements[i], OrphanReason::Overlap { of, layer: span.layer.clone() });
                    continue;
                }
            }
            layer.insert(at, (start, end, i));
        }
        kept.push(i);
    }
}

/// Spans that cannot be placed whatever else lands: an id a span before
/// already has, or (with a schema) a label, layer or attribute it refuses.
fn refuse_alone(placements: &mut [Placement], spans: &[RecordSpan], article: &Article, schema: Option<&LabelSchema>) {
    let mut ids = HashSet::with_capacity(spans.len());
    for (placement, span) in placements.iter_mut().zip(spans) {
        let Some((start, end)) = placement.range else { continue };
        if let Some(id) = span.id {
            if !ids.insert(id) {
                orphan(placement, OrphanReason::Refused { message: format!("its id {id} belongs to another span") });
                continue;
            }
        }
        let Some(schema) = schema else { continue };
        let moved = RecordSpan { start, end, text: None, ..span.clone() };
        if let Err(e) = spans_from_record(std::slice::from_ref(&moved), article, schema) {
            let message = match e {
                RecordError::Span { message, .. } => message,
                other => other.to_string(),
            };
            orphan(placement, OrphanReason::Refused { message });
        }
    }
}

fn orphan(placement: &mut Placement, reason: OrphanReason) {
    *placement = Placement { outcome: Outcome::Orphaned, doubt: None, range: None, survived: false, orphan: Some(reason) };
}

/// `Less` when `a` is the better-anchored placement (it sorts first).
pub(super) fn better(a: &Placement, b: &Placement) -> Ordering {
    let exact = |p: &Placement| matches!(p.outcome, Outcome::Unchanged | Outcome::Moved);
    let confidence = |p: &Placement| match p.outcome {
        Outcome::Unchanged | Outcome::Moved => 1.0,
        Outcome::Fuzzy { confidence } => confidence,
        Outcome::Orphaned => 0.0,
    };
    exact(b).cmp(&exact(a)).then(b.survived.cmp(&a.survived)).then(confidence(b).total_cmp(&confidence(a)))
}
