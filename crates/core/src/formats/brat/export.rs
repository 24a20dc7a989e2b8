//! Writing a record as a `.ann` file (its `.txt` is the record's text).
//!
//! Held annotations first — `T` lines in document order, then `A`, `R`, `#`
//! — then the kept brat lines (`kept.rs`) in their stored order, renumbered
//! where a held line took their number and with every reference rewritten.
//! Numbers: span `s<n>` is `T<n>` and relation `r<n>` is `R<n>` where the id
//! is unique; attributes and notes are numbered in turn above the kept
//! lines' numbers. Offsets are code points; a span across a line break is
//! written as fragments split at the breaks (brat's text field is one
//! line). What brat cannot hold is one sentence each in `losses`.

use super::kept::{self, Kept};
use super::text_bound::{fragments, is_line_break, quote};
use super::{plural, relation_ends, too_many, NOTE_ATTRIBUTE};
use crate::formats::Exported;
use crate::id::number_items;
use crate::record::Record;
use std::collections::HashMap;

/// Lines and numbers of one id letter: held lines' numbers (in the order
/// given), and kept lines' numbers by their index in `kept`.
fn number_with_kept(prefix: char, held: Vec<Option<u32>>, kept: &[Kept], new_ids: &mut [String]) -> Option<Vec<u32>> {
    let which: Vec<usize> = (0..kept.len()).filter(|&i| kept[i].id != "*" && kept[i].wanted().0 == prefix).collect();
    let mut wanted = held;
    let held_count = wanted.len();
    wanted.extend(which.iter().map(|&i| kept[i].wanted().1));
    let mut all = number_items(&wanted)?;
    for (&i, n) in which.iter().zip(all.split_off(held_count)) {
        new_ids[i] = format!("{prefix}{n}");
    }
    Some(all)
}

/// A label or attribute name brat reads back whole: brat splits them off
/// at a space (a tab ends the data, a line break the line).
fn one_word(s: &str) -> bool {
    !s.is_empty() && !s.contains(|c| c == ' ' || c == '\t' || is_line_break(c))
}

/// A note as brat notes, one per line (a note is one line of a `.ann`);
/// whether joining them with `\n` gives the note back.
fn note_lines(note: &str) -> (Vec<String>, bool) {
    let lines: Vec<String> = note.replace("\r\n", "\n").split(is_line_break).map(String::from).collect();
    let exact = lines.join("\n") == note;
    (lines, exact)
}

/// The `.ann` file of the record (its `.txt` is the record's text, as is).
pub fn export(record: &Record) -> Exported {
    let chars: Vec<char> = record.text.chars().collect();
    let (kept, unreadable) = kept::read(record);
    let mut new_ids: Vec<String> = kept.iter().map(|k| k.id.clone()).collect();
    let Some(numbers) = number_with_kept('T', record.spans.iter().map(|s| s.id.map(|id| id.0)).collect(), &kept, &mut new_ids) else {
        return too_many("spans", record.spans.len());
    };
    let mut order: Vec<usize> = (0..record.spans.len()).collect();
    crate::sorting::sort_by_key(&mut order, |&i| {
        let s = &record.spans[i];
        (s.start, std::cmp::Reverse(s.end), numbers[i])
    });

    let mut ann = String::new();
    let mut written = vec![false; record.spans.len()];
    let mut bad_spans = Vec::new();
    let mut attributes = Vec::new();
    let mut notes = Vec::new();
    let (mut false_flags, mut unwritable_values, mut changed_notes) = (Vec::new(), Vec::new(), 0usize);
    for &i in &order {
        let s = &record.spans[i];
        let t = numbers[i];
        let pieces = if s.start < s.end && s.end <= chars.len() { fragments(&chars, s.start, s.end) } else { Vec::new() };
        if !one_word(&s.label) || pieces.is_empty() {
            bad_spans.push(format!("{} '{}' at {}–{}", s.label, s.text.as_deref().unwrap_or(""), s.start, s.end));
            continue;
        }
        written[i] = true;
        let offsets: Vec<String> = pieces.iter().map(|(a, b)| format!("{a} {b}")).collect();
        let quoted: Vec<String> = pieces.iter().map(|&(a, b)| quote(&chars, a, b)).collect();
        ann.push_str(&format!("T{t}\t{} {}\t{}\n", s.label, offsets.join(";"), quoted.join(" ")));
        for (name, value) in &s.attributes {
            match value {
                serde_json::Value::String(note) if name == NOTE_ATTRIBUTE => {
                    let (lines, exact) = note_lines(note);
                    changed_notes += usize::from(!exact);
                    notes.extend(lines.into_iter().map(|line| format!("AnnotatorNotes T{t}\t{line}")));
                }
                serde_json::Value::Bool(true) if one_word(name) => attributes.push(format!("{name} T{t}")),
                serde_json::Value::Bool(false) => false_flags.push(format!("{name} of T{t}")),
                // brat reads the rest of the line after the target as the value.
                serde_json::Value::String(v) if one_word(name) && !v.is_empty() && !v.contains(|c| c == '\t' || is_line_break(c)) => {
                    attributes.push(format!("{name} T{t} {v}"))
                }
                other => unwritable_values.push(format!("{name}={other} of T{t}")),
            }
        }
    }
    let Some(attribute_numbers) = number_with_kept('A', vec![None; attributes.len()], &kept, &mut new_ids) else {
        return too_many("attributes", attributes.len());
    };
    for (n, a) in attribute_numbers.iter().zip(&attributes) {
        ann.push_str(&format!("A{n}\t{a}\n"));
    }

    let mut free_text = Vec::new();
    let mut dangling = 0usize;
    let mut relation_lines = Vec::new();
    for rel in &record.relations {
        let (from, to) = relation_ends(record, rel);
        if let Some(text) = &rel.to_text {
            free_text.push(format!("{} → '{text}'", rel.label));
            continue;
        }
        match (from.filter(|&i| written[i]), to.filter(|&i| written[i])) {
            (Some(a), Some(b)) if one_word(&rel.label) => {
                relation_lines.push((rel.id.map(|id| id.0), format!("{} Arg1:T{} Arg2:T{}", rel.label, numbers[a], numbers[b])));
            }
            _ => dangling += 1,
        }
    }
    let wanted: Vec<Option<u32>> = relation_lines.iter().map(|(n, _)| *n).collect();
    let Some(relation_numbers) = number_with_kept('R', wanted, &kept, &mut new_ids) else {
        return too_many("relations", relation_lines.len());
    };
    for (n, (_, line)) in relation_numbers.iter().zip(&relation_lines) {
        ann.push_str(&format!("R{n}\t{line}\n"));
    }
    let Some(note_numbers) = number_with_kept('#', vec![None; notes.len()], &kept, &mut new_ids) else {
        return too_many("notes", notes.len());
    };
    for (n, note) in note_numbers.iter().zip(&notes) {
        ann.push_str(&format!("#{n}\t{note}\n"));
    }

    // Kept lines of the other letters keep their numbers (unless invalid).
    let mut letters: Vec<char> = kept.iter().map(|k| k.wanted().0).filter(|c| !matches!(c, 'T' | 'A' | 'R' | '#' | '*')).collect();
    crate::sorting::sort(&mut letters);
    letters.dedup();
    for letter in letters {
        if number_with_kept(letter, Vec::new(), &kept, &mut new_ids).is_none() {
            return too_many("brat lines", kept.len());
        }
    }
    let span_by_id: HashMap<u32, u32> = (0..record.spans.len())
        .rev()
        .filter(|&i| written[i])
        .filter_map(|i| record.spans[i].id.map(|id| (id.0, numbers[i])))
        .collect();
    let relation_by_id: HashMap<u32, u32> = relation_lines.iter().zip(&relation_numbers).rev().filter_map(|((id, _), n)| id.map(|id| (id, *n))).collect();
    let held = |target: &str| -> Option<String> {
        let number = |prefix: char| target.strip_prefix(prefix).and_then(crate::id::parse_number);
        if let Some(n) = number('T') {
            return span_by_id.get(&n).map(|t| format!("T{t}"));
        }
        number('R').and_then(|n| relation_by_id.get(&n)).map(|r| format!("R{r}"))
    };
    let (kept_lines, left_out) = kept::write(&kept, &new_ids, held);
    for line in kept_lines {
        ann.push_str(&line);
        ann.push('\n');
    }

    let mut losses = Vec::new();
    if !bad_spans.is_empty() {
        losses.push(format!(
            "{} (brat needs a label without spaces and a range inside the text): {}",
            plural(bad_spans.len(), "span not written", "spans not written"),
            bad_spans.join(", ")
        ));
    }
    if !free_text.is_empty() {
        losses.push(format!(
            "{} (brat relations join two text-bound annotations): {}",
            plural(free_text.len(), "relation to free text", "relations to free text"),
            free_text.join(", ")
        ));
    }
    if dangling > 0 {
        losses.push(format!(
            "{} whose ends are not written spans, or whose label has spaces (brat cannot point at them)",
            plural(dangling, "relation", "relations")
        ));
    }
    if !false_flags.is_empty() {
        losses.push(format!(
            "{} set to false (brat writes only true flags; false reads back as not set): {}",
            plural(false_flags.len(), "attribute", "attributes"),
            false_flags.join(", ")
        ));
    }
    if !unwritable_values.is_empty() {
        losses.push(format!(
            "{} that brat's A lines cannot hold (a value must be text on one line, the name one word): {}",
            plural(unwritable_values.len(), "attribute value", "attribute values"),
            unwritable_values.join(", ")
        ));
    }
    if changed_notes > 0 {
        losses.push(format!(
            "{} had line breaks other than \\n, written as brat notes of one line each that read back joined by \\n",
            plural(changed_notes, "note", "notes")
        ));
    }
    if !left_out.is_empty() {
        losses.push(format!(
            "{} kept from a brat file not written (they point at annotations the record no longer has): {}",
            plural(left_out.len(), "brat line", "brat lines"),
            left_out.join(", ")
        ));
    }
    if !unreadable.is_empty() {
        losses.push(format!(
            "{} in meta.{} not written (not a brat line): {}",
            plural(unreadable.len(), "kept line", "kept lines"),
            kept::UNMAPPED_META_KEY,
            unreadable.join(", ")
        ));
    }
    if !record.document_labels.is_empty() {
        let labels: Vec<String> = record.document_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        losses.push(format!(
            "{} (brat annotates text, not documents): {}",
            plural(labels.len(), "document label", "document labels"),
            labels.join(", ")
        ));
    }
    let mut about = Vec::new();
    if let Some(a) = &record.annotator {
        about.push(format!("annotator '{a}'"));
    }
    if !record.meta.title.is_empty() {
        about.push(format!("title '{}'", record.meta.title));
    }
    if !about.is_empty() {
        losses.push(format!("the document's {} (a brat .ann file has no header)", about.join(" and ")));
    }
    Exported { text: ann, losses }
}
