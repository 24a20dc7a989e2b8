//! Reading a `.ann` file against its `.txt` text into a record.
//!
//! Every line is either held by the record — a `T` line as a span, an
//! `A`/`M` line on it as an attribute, an `AnnotatorNotes` note on it as
//! its `note`, an `Arg1`/`Arg2` `R` line between two of them as a relation —
//! or kept as written in `meta.brat_unmapped` (`kept.rs`): nothing brat
//! reads is dropped. Offsets are code points (`text_bound.rs`). Errors
//! name the `.ann` line; no input makes this panic.

use super::kept;
use super::line::{self, AnnLine, Body, Kind};
use super::text_bound::{self, Fit};
use super::NOTE_ATTRIBUTE;
use crate::formats::{new_record, new_span};
use crate::id::{number_items, parse_number};
use crate::label_schema::{AttributeKind, LabelSchema};
use crate::record::{Record, RecordRelation, RecordSpan};
use crate::relation::RelationId;
use crate::span::SpanId;
use std::collections::{HashMap, HashSet};

/// One line of the file with what the first pass learnt of it.
struct Read<'a> {
    number: usize,
    text: &'a str,
    line: AnnLine<'a>,
    /// For a `T` line a record can hold: its continuous range.
    span: Option<(usize, usize)>,
}

/// Reads a `.ann` file against its `.txt` text (`docs/formats/brat.md`).
pub fn import(text: &str, ann: &str, doc_id: &str, schema: &LabelSchema) -> Result<Record, String> {
    let chars: Vec<char> = text.chars().collect();
    let lines = read_lines(ann, &chars)?;
    let referenced: HashSet<&str> = lines.iter().flat_map(|r| r.line.targets(r.text)).collect();
    let held = held_lines(&lines, &referenced);

    // Numbers: a held T or R line keeps its own where it can, never one a
    // kept line of the same letter wants (kept lines keep their ids).
    let wanted_kept = |prefix: char| -> Vec<Option<u32>> {
        lines
            .iter()
            .zip(&held)
            .filter(|(r, &h)| !h && r.line.id.starts_with(prefix))
            .map(|(r, _)| parse_number(&r.line.id[1..]))
            .collect()
    };
    let span_lines: Vec<usize> = (0..lines.len()).filter(|&i| held[i] && lines[i].line.kind == Kind::Text).collect();
    let span_numbers = numbers(&span_lines, &lines, wanted_kept('T'), "T annotations than span numbers")?;
    let relation_lines: Vec<usize> = (0..lines.len()).filter(|&i| held[i] && lines[i].line.kind == Kind::Relation).collect();
    let relation_numbers = numbers(&relation_lines, &lines, wanted_kept('R'), "R annotations than relation numbers")?;
    let span_of: HashMap<&str, usize> = span_lines.iter().enumerate().map(|(k, &i)| (lines[i].line.id, k)).collect();

    let mut record = new_record(text.to_string(), doc_id.to_string());
    let mut spans = Vec::with_capacity(span_lines.len());
    for (&i, &n) in span_lines.iter().zip(&span_numbers) {
        let r = &lines[i];
        let (Body::Text { label, .. }, Some((start, end))) = (&r.line.body, r.span) else { continue };
        let mut span = new_span(&chars, start, end, label, schema).map_err(|e| format!("line {}: {}: {e}", r.number, r.line.id))?;
        span.id = Some(SpanId(n));
        spans.push(span);
    }
    let mut kept_lines = Vec::new();
    let renamed: HashMap<&str, String> = span_lines
        .iter()
        .zip(&span_numbers)
        .map(|(&i, n)| (lines[i].line.id, format!("T{n}")))
        .chain(relation_lines.iter().zip(&relation_numbers).map(|(&i, n)| (lines[i].line.id, format!("R{n}"))))
        .collect();
    for (r, &h) in lines.iter().zip(&held) {
        match (&r.line.body, h) {
            (_, false) => kept_lines.push(rename_targets(r, &renamed)),
            (Body::Attribute { name, value, .. }, true) => {
                let span = &mut spans[span_of[&r.text[r.line.refs[0].0..r.line.refs[0].1]]];
                let value = attribute_value(span, name, *value, schema);
                span.attributes.insert(name.to_string(), value);
            }
            (Body::Note { text: note, .. }, true) => {
                let span = &mut spans[span_of[&r.text[r.line.refs[0].0..r.line.refs[0].1]]];
                // Several notes on one annotation are one note, a line each.
                let joined = match span.attributes.get(NOTE_ATTRIBUTE).and_then(|v| v.as_str()) {
                    Some(before) => format!("{before}\n{note}"),
                    None => note.to_string(),
                };
                span.attributes.insert(NOTE_ATTRIBUTE.into(), joined.into());
            }
            (Body::Relation { label, .. }, true) => {
                let [a, b] = [0, 1].map(|k| &r.text[r.line.refs[k].0..r.line.refs[k].1]);
                let n = relation_numbers[record.relations.len()];
                record.relations.push(relation(n, label, spans[span_of[a]].id, spans[span_of[b]].id));
            }
            (_, true) => {}
        }
    }
    crate::sorting::sort_by_key(&mut spans, |s| (s.start, std::cmp::Reverse(s.end), s.id));
    record.spans = spans;
    kept::store(&mut record, kept_lines);
    Ok(record)
}

/// First pass: every line parsed, `T` lines checked against the text,
/// ids defined once, every reference defined somewhere in the file.
fn read_lines<'a>(ann: &'a str, chars: &[char]) -> Result<Vec<Read<'a>>, String> {
    let mut lines = Vec::new();
    let mut ids = HashSet::new();
    for (index, text) in brat_lines(ann).enumerate() {
        let number = index + 1;
        if text.trim().is_empty() {
            continue;
        }
        let line = line::parse(text).map_err(|e| format!("line {number}: {e}"))?;
        if line.kind != Kind::Equivalence && !ids.insert(line.id) {
            return Err(format!("line {number}: {} is defined twice", line.id));
        }
        let span = match &line.body {
            Body::Text { offsets, quoted, .. } => {
                let at = |e: String| format!("line {number}: {e}");
                let pieces = text_bound::read_offsets(line.id, offsets, chars.len()).map_err(at)?;
                let fit = text_bound::check_quote(line.id, &pieces, *quoted, chars).map_err(at)?;
                text_bound::as_span(&pieces, chars).filter(|_| fit != Fit::Longer)
            }
            _ => None,
        };
        lines.push(Read { number, text, line, span });
    }
    for r in &lines {
        if let Some(target) = r.line.targets(r.text).find(|t| !ids.contains(t)) {
            return Err(format!("line {}: {} points at {target}, which this file does not define", r.number, r.line.id));
        }
    }
    Ok(lines)
}

/// The lines of a `.ann` file as brat reads them (Python's `codecs`
/// reader splits at every line break `str.splitlines` knows; `\r\n` is one).
fn brat_lines(ann: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(ann);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.char_indices().find(|&(_, c)| text_bound::is_line_break(c)) {
            Some((i, c)) => {
                let after = if s[i..].starts_with("\r\n") { i + 2 } else { i + c.len_utf8() };
                rest = Some(&s[after..]).filter(|r| !r.is_empty());
                Some(&s[..i])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Which lines the record holds natively (see the module header); the
/// others are kept. Attributes and notes that other lines point at are
/// kept, with what points at them: the export renumbers held ones freely.
fn held_lines(lines: &[Read], referenced: &HashSet<&str>) -> Vec<bool> {
    let span_ids: HashSet<&str> = lines.iter().filter(|r| r.span.is_some()).map(|r| r.line.id).collect();
    let mut attributes_set: HashSet<(&str, &str)> = HashSet::new();
    lines
        .iter()
        .map(|r| {
            let target = |k: usize| r.line.refs.get(k).map(|&(a, b)| &r.text[a..b]).filter(|t| span_ids.contains(t));
            match &r.line.body {
                Body::Text { .. } => r.span.is_some(),
                Body::Attribute { name, tail, .. } => {
                    // `note` is the record's name for AnnotatorNotes; an
                    // attribute set twice on one span is kept the second time.
                    !referenced.contains(r.line.id)
                        && tail.trim().is_empty()
                        && *name != NOTE_ATTRIBUTE
                        && target(0).is_some_and(|t| attributes_set.insert((t, name)))
                }
                Body::Note { kind, .. } => *kind == "AnnotatorNotes" && !referenced.contains(r.line.id) && target(0).is_some(),
                Body::Relation { roles, tail, .. } => roles == &["Arg1", "Arg2"] && tail.trim().is_empty() && target(0).is_some() && target(1).is_some(),
                Body::Other => false,
            }
        })
        .collect()
}

/// Numbers for the held lines at `which`: their own where free, never one
/// in `kept` (the numbers kept lines of the same letter want).
fn numbers(which: &[usize], lines: &[Read], kept: Vec<Option<u32>>, too_many: &str) -> Result<Vec<u32>, String> {
    let mut wanted: Vec<Option<u32>> = kept;
    let reserved = wanted.len();
    wanted.extend(which.iter().map(|&i| parse_number(&lines[i].line.id[1..])));
    // Kept lines first, so they keep their numbers; held ones take the rest.
    let mut all = number_items(&wanted).ok_or_else(|| format!("more {too_many}"))?;
    Ok(all.split_off(reserved))
}

/// A kept line with its references to held spans and relations renamed
/// to the record's ids (`T<n>` for `s<n>`, `R<n>` for `r<n>`).
fn rename_targets(r: &Read, renamed: &HashMap<&str, String>) -> String {
    let mut out = String::with_capacity(r.text.len());
    let mut at = 0;
    for &(a, b) in &r.line.refs {
        if let Some(new) = renamed.get(&r.text[a..b]) {
            out.push_str(&r.text[at..a]);
            out.push_str(new);
            at = b;
        }
    }
    out.push_str(&r.text[at..]);
    out
}

/// No value: `true`; `true`/`false` for a boolean attribute of the schema:
/// a boolean; anything else: the text.
fn attribute_value(span: &RecordSpan, name: &str, value: Option<&str>, schema: &LabelSchema) -> serde_json::Value {
    let boolean = schema.attributes_for(&span.layer).any(|a| a.name == name && a.kind == AttributeKind::Boolean);
    match value {
        None => serde_json::Value::Bool(true),
        Some("true") if boolean => serde_json::Value::Bool(true),
        Some("false") if boolean => serde_json::Value::Bool(false),
        Some(v) => serde_json::Value::String(v.to_string()),
    }
}

fn relation(n: u32, label: &str, from: Option<SpanId>, to: Option<SpanId>) -> RecordRelation {
    RecordRelation {
        id: Some(RelationId(n)),
        label: label.to_string(),
        from,
        to,
        to_text: None,
        head: None,
        child: None,
        head_span: None,
        child_span: None,
    }
}
