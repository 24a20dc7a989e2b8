//! Putting re-anchored annotations into an editor: one undo step, never
//! refused as a whole. [`super::reanchor_for`] settles what the editor
//! would refuse, so the result normally goes in at once; what the editor
//! still refuses (a result settled under another schema, a malformed save
//! holding the same link twice) is left out span by span and link by link,
//! each reported orphaned or dropped with the editor's reason, and the rest
//! goes in.
//!
//! Units: code points, end exclusive.

use super::{AnchorReport, DroppedRelation, Outcome, OrphanReason, SpanAnchor};
use crate::command::{Annotations, Command, Snapshot};
use crate::editor::Editor;
use crate::record::LoadedRecord;
use crate::span::SpanId;
use std::collections::HashSet;

/// Replaces the editor's annotations with `loaded` (re-anchored onto the
/// editor's text, as [`super::reanchor_for`] returns it once loaded) as one
/// undo step, and returns `report` updated with whatever the editor refused.
/// Every span of the report is afterwards either in the editor or orphaned
/// in the report; the editor is never left without the spans it accepted.
pub fn apply(editor: &mut Editor, loaded: &LoadedRecord, mut report: AnchorReport) -> AnchorReport {
    let snapshot = loaded.snapshot();
    let Err(whole) = editor.replace_snapshot(snapshot.clone()) else { return report };
    let entries = entries_of(loaded, &report.spans);
    let (spans, refused) = spans_it_takes(editor, loaded, &entries, &report.spans);
    for (k, message) in &refused {
        if let Some(i) = entries[*k] {
            orphan(&mut report.spans[i], message.clone());
        }
    }
    let refused_ids: HashSet<SpanId> = refused.iter().map(|(k, _)| loaded.spans[*k].id).collect();
    let relations = relations_it_takes(editor, loaded, &spans, &refused_ids, &entries, &mut report);
    let fitting = Snapshot { spans, relations, ..snapshot };
    if let Err(e) = editor.replace_snapshot(fitting) {
        // Cannot happen (each piece went in above); if it did, nothing is
        // applied and every span says so rather than vanish.
        let message = format!("the editor refused the annotations as a whole ({whole}; then {e})");
        for entry in report.spans.iter_mut().filter(|e| e.outcome != Outcome::Orphaned) {
            orphan(entry, message.clone());
        }
    }
    report.recount();
    report
}

/// For each span of `loaded` (by position), its entry in the report: the
/// entry placed at the same offsets with the same label, each taken once.
/// (A scan: this runs only when the editor refused the whole.)
fn entries_of(loaded: &LoadedRecord, entries: &[SpanAnchor]) -> Vec<Option<usize>> {
    let mut taken = vec![false; entries.len()];
    loaded
        .spans
        .iter()
        .map(|s| {
            let i = (0..entries.len()).find(|&i| {
                let e = &entries[i];
                !taken[i] && (e.new_start, e.new_end) == (Some(s.start), Some(s.end)) && e.label == s.label
            })?;
            taken[i] = true;
            Some(i)
        })
        .collect()
}

/// The spans the editor takes one by one, best anchored first; and the
/// positions (in `loaded.spans`) of those it refuses, with its reason.
fn spans_it_takes(editor: &Editor, loaded: &LoadedRecord, entries: &[Option<usize>], report: &[SpanAnchor]) -> (Vec<crate::span::Span>, Vec<(usize, String)>) {
    let len = editor.article().len_chars();
    let no_overlap = editor.schema().no_overlap_layers();
    let confidence = |k: usize| entries[k].map_or(0.0, |i| report[i].confidence());
    let mut order: Vec<usize> = (0..loaded.spans.len()).collect();
    crate::sorting::sort_by(&mut order, |&a, &b| confidence(b).total_cmp(&confidence(a)).then(entries[a].cmp(&entries[b])));
    let mut taken = Annotations::default();
    let mut refused = Vec::new();
    for k in order {
        if let Err(e) = taken.apply(Command::AddSpan(loaded.spans[k].clone()), len, &no_overlap) {
            refused.push((k, e.to_string()));
        }
    }
    (taken.snapshot().spans, refused)
}

/// The relations the editor takes with `spans`; each other one is reported
/// dropped: for its refused span, or with the editor's reason.
fn relations_it_takes(
    editor: &Editor,
    loaded: &LoadedRecord,
    spans: &[crate::span::Span],
    refused_spans: &HashSet<SpanId>,
    entries: &[Option<usize>],
    report: &mut AnchorReport,
) -> Vec<crate::relation::Relation> {
    let len = editor.article().len_chars();
    let mut taken = Annotations::default();
    for s in spans {
        let _ = taken.apply(Command::AddSpan(s.clone()), len, &[]);
    }
    // `loaded.relations` follows the record's relations, which are the old
    // record's minus those dropped while re-anchoring.
    let dropped: HashSet<usize> = report.dropped_relations.iter().map(|d| d.index).collect();
    let old_indices = (0..loaded.relations.len() + dropped.len()).filter(|i| !dropped.contains(i));
    let entry_of_id = |id: SpanId| loaded.spans.iter().position(|s| s.id == id).and_then(|k| entries[k]);
    for ((relation, record_relation), index) in loaded.relations.iter().zip(&loaded.record.relations).zip(old_indices) {
        let ends = std::iter::once(relation.from).chain(match relation.to {
            crate::relation::Target::Span(to) => Some(to),
            crate::relation::Target::Text(_) => None,
        });
        let orphaned_spans: Vec<usize> = ends.filter(|id| refused_spans.contains(id)).filter_map(entry_of_id).collect();
        let refused = if orphaned_spans.is_empty() {
            taken.apply(Command::AddRelation(relation.clone()), len, &[]).err().map(|e| e.to_string())
        } else {
            None
        };
        if !orphaned_spans.is_empty() || refused.is_some() {
            report.dropped_relations.push(DroppedRelation { index, relation: record_relation.clone(), orphaned_spans, refused });
        }
    }
    crate::sorting::sort_by_key(&mut report.dropped_relations, |d| d.index);
    taken.snapshot().relations
}

fn orphan(entry: &mut SpanAnchor, message: String) {
    entry.outcome = Outcome::Orphaned;
    entry.doubt = None;
    entry.new_start = None;
    entry.new_end = None;
    entry.new_text = None;
    entry.orphan_reason = Some(OrphanReason::Refused { message });
}
