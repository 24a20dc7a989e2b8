//! brat standoff (`docs/formats/brat.md`): the text in a `.txt` file, the
//! annotations in a `.ann` file beside it.
//!
//! Offsets are Python string offsets, that is code points, end exclusive —
//! Marginalia's own unit, so nothing is converted. brat's text field cannot
//! hold a line break, so a span across one is written as discontinuous
//! fragments split at the breaks; on import, fragments whose gaps are only
//! whitespace become one span again.

use super::{new_record, new_span, Exported};
use crate::id::{number_items, parse_number};
use crate::label_schema::{AttributeKind, LabelSchema};
use crate::record::{Record, RecordRelation, RecordSpan};
use crate::relation::RelationId;
use crate::span::SpanId;
use std::collections::{BTreeSet, HashMap};

/// The attribute written as brat's `AnnotatorNotes` (`#` lines).
pub const NOTE_ATTRIBUTE: &str = "note";

/// Where brat meets an id-less span or a line it cannot map: lines of the
/// `.ann` Marginalia cannot hold are kept verbatim under this `meta` key.
pub const UNMAPPED_META_KEY: &str = "brat_unmapped";

/// Characters that end a line for brat (Python reads `.ann` files with
/// universal newlines) or for any Python reader using `str.splitlines`.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The index in `record.spans` of a relation's start and end (by id, or by
/// offsets and label for Prodigy-form relations). `None` where unresolved.
pub(crate) fn relation_ends(record: &Record, rel: &RecordRelation) -> (Option<usize>, Option<usize>) {
    let find = |id: Option<SpanId>, end: &Option<crate::record::RelationEnd>| match id {
        Some(id) => record.spans.iter().position(|s| s.id == Some(id)),
        None => end
            .as_ref()
            .and_then(|e| record.spans.iter().position(|s| s.start == e.start && s.end == e.end && s.label == e.label)),
    };
    let to = if rel.to_text.is_some() { None } else { find(rel.to, &rel.child_span) };
    (find(rel.from, &rel.head_span), to)
}

/// Each span's number, from its id where it has a unique one, else the next
/// free number (so `s7` is `T7` and relations can be followed by eye).
/// `None` only for more spans than numbers (see [`number_items`]).
pub(crate) fn span_numbers(spans: &[RecordSpan]) -> Option<Vec<u32>> {
    number_items(&spans.iter().map(|s| s.id.map(|id| id.0)).collect::<Vec<_>>())
}

/// What an export says when [`number_items`] has no answer: nothing is
/// written (a record cannot hold that many items in memory anyway).
pub(crate) fn too_many(what: &str, n: usize) -> Exported {
    Exported { text: String::new(), losses: vec![format!("the whole document: its {n} {what} are more than there are numbers")] }
}

/// The fragments of `start..end` between line breaks, as `(start, end)`.
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = start;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        if is_line_break(c) {
            if from < i {
                out.push((from, i));
            }
            from = i + 1;
        }
    }
    if from < end {
        out.push((from, end));
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn quote(chars: &[char], start: usize, end: usize) -> String {
    chars[start..end].iter().collect()
}

/// The `.ann` file of the record (its `.txt` is the record's text, as is).
pub fn export(record: &Record) -> Exported {
    let chars: Vec<char> = record.text.chars().collect();
    let Some(numbers) = span_numbers(&record.spans) else {
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
    let (mut false_flags, mut unwritable_values, mut flattened_notes) = (Vec::new(), Vec::new(), 0usize);
    for &i in &order {
        let s = &record.spans[i];
        let t = numbers[i];
        let label_ok = !s.label.is_empty() && !s.label.chars().any(char::is_whitespace);
        let pieces = if s.start < s.end && s.end <= chars.len() { fragments(&chars, s.start, s.end) } else { Vec::new() };
        if !label_ok || pieces.is_empty() {
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
                    let one_line: String = note.chars().map(|c| if is_line_break(c) { ' ' } else { c }).collect();
                    flattened_notes += usize::from(one_line != *note);
                    notes.push(format!("AnnotatorNotes T{t}\t{one_line}"));
                }
                serde_json::Value::Bool(true) => attributes.push(format!("{name} T{t}")),
                serde_json::Value::Bool(false) => false_flags.push(format!("{name} of T{t}")),
                serde_json::Value::String(v) if !v.is_empty() && !v.chars().any(char::is_whitespace) && !name.chars().any(char::is_whitespace) => {
                    attributes.push(format!("{name} T{t} {v}"))
                }
                other => unwritable_values.push(format!("{name}={other} of T{t}")),
            }
        }
    }
    for (n, a) in attributes.iter().enumerate() {
        ann.push_str(&format!("A{}\t{a}\n", n + 1));
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
            (Some(a), Some(b)) if !rel.label.is_empty() && !rel.label.chars().any(char::is_whitespace) => {
                relation_lines.push((rel.id.map(|id| id.0), format!("{} Arg1:T{} Arg2:T{}", rel.label, numbers[a], numbers[b])));
            }
            _ => dangling += 1,
        }
    }
    let wanted: Vec<Option<u32>> = relation_lines.iter().map(|(n, _)| *n).collect();
    let Some(relation_numbers) = number_items(&wanted) else {
        return too_many("relations", wanted.len());
    };
    for (n, (_, line)) in relation_numbers.into_iter().zip(relation_lines) {
        ann.push_str(&format!("R{n}\t{line}\n"));
    }
    for (n, note) in notes.iter().enumerate() {
        ann.push_str(&format!("#{}\t{note}\n", n + 1));
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
            "{} that brat's A lines cannot hold (a value must be one word): {}",
            plural(unwritable_values.len(), "attribute value", "attribute values"),
            unwritable_values.join(", ")
        ));
    }
    if flattened_notes > 0 {
        losses.push(format!(
            "{} had line breaks, written as spaces (a brat note is one line)",
            plural(flattened_notes, "note", "notes")
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

/// What one `.ann` line says, before ids are resolved.
enum Line<'a> {
    Text { id: &'a str, label: &'a str, start: usize, end: usize },
    Attribute { name: &'a str, target: &'a str, value: Option<&'a str> },
    Relation { id: &'a str, label: &'a str, from: &'a str, to: &'a str },
    Note { target: &'a str, text: &'a str },
    Unmapped,
}

/// Reads a `.ann` file against its `.txt` text. Errors name the `.ann` line.
///
/// Rules (`docs/formats/brat.md`): `T` lines become spans (a discontinuous
/// one only when the text between its fragments is whitespace: it becomes
/// one span from the first start to the last end); `A` and `M` lines become
/// attributes (no value: `true`; `true`/`false` for a boolean attribute of
/// the schema; else the word); `R` lines relations; `#` `AnnotatorNotes` the
/// `note` attribute. `E`, `N`, `*` lines and anything aimed at them are kept
/// verbatim in `meta.brat_unmapped`, not dropped.
pub fn import(text: &str, ann: &str, doc_id: &str, schema: &LabelSchema) -> Result<Record, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut record = new_record(text.to_string(), doc_id.to_string());
    let mut spans: Vec<(String, RecordSpan)> = Vec::new();
    let mut span_at: HashMap<String, usize> = HashMap::new();
    let mut unmapped = Vec::new();
    let mut later = Vec::new();
    for (index, raw) in ann.lines().enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, &chars).map_err(|e| format!("line {number}: {e}"))? {
            Line::Text { id, label, start, end } => {
                if span_at.contains_key(id) {
                    return Err(format!("line {number}: {id} is defined twice"));
                }
                let span = new_span(&chars, start, end, label, schema).map_err(|e| format!("line {number}: {id}: {e}"))?;
                span_at.insert(id.to_string(), spans.len());
                spans.push((id.to_string(), span));
            }
            Line::Unmapped => unmapped.push((number, line.to_string())),
            other => later.push((number, line, other)),
        }
    }
    let mut relation_ids = BTreeSet::new();
    let mut relations = Vec::new();
    for (number, line, parsed) in later {
        let target_of = |id: &str| -> Result<Option<usize>, String> {
            match span_at.get(id) {
                Some(&i) => Ok(Some(i)),
                // Events and other annotations Marginalia does not hold.
                None if id.starts_with(['E', 'N', '*']) => Ok(None),
                None => Err(format!("line {number}: {id} is not a T annotation of this file")),
            }
        };
        match parsed {
            Line::Attribute { name, target, value } => {
                let Some(i) = target_of(target)? else {
                    unmapped.push((number, line.to_string()));
                    continue;
                };
                let span = &mut spans[i].1;
                let boolean = schema.attributes_for(&span.layer).any(|a| a.name == name && a.kind == AttributeKind::Boolean);
                let value = match value {
                    None => serde_json::Value::Bool(true),
                    Some("true") if boolean => serde_json::Value::Bool(true),
                    Some("false") if boolean => serde_json::Value::Bool(false),
                    Some(v) => serde_json::Value::String(v.to_string()),
                };
                if span.attributes.insert(name.to_string(), value).is_some() {
                    return Err(format!("line {number}: {target} already has attribute {name}"));
                }
            }
            Line::Note { target, text: note } => {
                let Some(i) = target_of(target)? else {
                    unmapped.push((number, line.to_string()));
                    continue;
                };
                let attrs = &mut spans[i].1.attributes;
                // Several notes on one annotation are joined, one per line.
                let joined = match attrs.get(NOTE_ATTRIBUTE).and_then(|v| v.as_str()) {
                    Some(before) => format!("{before}\n{note}"),
                    None => note.to_string(),
                };
                attrs.insert(NOTE_ATTRIBUTE.into(), joined.into());
            }
            Line::Relation { id, label, from, to } => {
                let (Some(a), Some(b)) = (target_of(from)?, target_of(to)?) else {
                    unmapped.push((number, line.to_string()));
                    continue;
                };
                if !relation_ids.insert(id.to_string()) {
                    return Err(format!("line {number}: {id} is defined twice"));
                }
                let id = id.strip_prefix('R').and_then(parse_number).map(RelationId);
                relations.push((id, label.to_string(), a, b));
            }
            Line::Text { .. } | Line::Unmapped => unreachable!("handled in the first pass"),
        }
    }
    assign_ids(&mut spans)?;
    record.relations = relations
        .into_iter()
        .map(|(id, label, a, b)| RecordRelation {
            id,
            label,
            from: spans[a].1.id,
            to: spans[b].1.id,
            to_text: None,
            head: None,
            child: None,
            head_span: None,
            child_span: None,
        })
        .collect();
    assign_relation_ids(&mut record.relations)?;
    let mut spans: Vec<RecordSpan> = spans.into_iter().map(|(_, s)| s).collect();
    crate::sorting::sort_by_key(&mut spans, |s| (s.start, std::cmp::Reverse(s.end), s.id));
    record.spans = spans;
    if !unmapped.is_empty() {
        crate::sorting::sort(&mut unmapped);
        let lines: Vec<String> = unmapped.into_iter().map(|(_, line)| line).collect();
        record.meta.extra.insert(UNMAPPED_META_KEY.into(), lines.into());
    }
    Ok(record)
}

/// `T<n>` keeps its number as the span's id; other ids get the next free one.
fn assign_ids(spans: &mut [(String, RecordSpan)]) -> Result<(), String> {
    let wanted: Vec<Option<u32>> = spans.iter().map(|(id, _)| id.strip_prefix('T').and_then(parse_number)).collect();
    let numbers = number_items(&wanted).ok_or("more T annotations than span numbers")?;
    for ((_, span), n) in spans.iter_mut().zip(numbers) {
        span.id = Some(SpanId(n));
    }
    Ok(())
}

fn assign_relation_ids(relations: &mut [RecordRelation]) -> Result<(), String> {
    let wanted: Vec<Option<u32>> = relations.iter().map(|r| r.id.map(|id| id.0)).collect();
    let numbers = number_items(&wanted).ok_or("more R annotations than relation numbers")?;
    for (r, n) in relations.iter_mut().zip(numbers) {
        r.id = Some(RelationId(n));
    }
    Ok(())
}

fn parse_line<'a>(line: &'a str, chars: &[char]) -> Result<Line<'a>, String> {
    let (id, rest) = line.split_once('\t').ok_or("an annotation line is an id, a tab, then its data")?;
    match id.chars().next() {
        Some('T') => {
            let (head, quoted) = rest.split_once('\t').ok_or_else(|| format!("{id} has no tab before its text"))?;
            let (label, offsets) = head.split_once(' ').ok_or_else(|| format!("{id} needs a label and offsets, as 'LABEL start end'"))?;
            let (start, end) = text_range(id, offsets, quoted, chars)?;
            Ok(Line::Text { id, label, start, end })
        }
        Some('A') | Some('M') => {
            let words: Vec<&str> = rest.split(' ').collect();
            match words.as_slice() {
                [name, target] => Ok(Line::Attribute { name, target, value: None }),
                [name, target, value] => Ok(Line::Attribute { name, target, value: Some(value) }),
                _ => Err(format!("{id} should read 'name target' or 'name target value', not '{rest}'")),
            }
        }
        Some('R') => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let arg = |w: &'a str| w.split_once(':').map(|(_, t)| t);
            match words.as_slice() {
                [label, a, b] => match (arg(a), arg(b)) {
                    (Some(from), Some(to)) => Ok(Line::Relation { id, label, from, to }),
                    _ => Err(format!("{id} should read 'label Arg1:T<a> Arg2:T<b>', not '{rest}'")),
                },
                _ => Err(format!("{id} should read 'label Arg1:T<a> Arg2:T<b>', not '{rest}'")),
            }
        }
        Some('#') => {
            let (head, note) = rest.split_once('\t').unwrap_or((rest, ""));
            match head.split(' ').collect::<Vec<_>>().as_slice() {
                ["AnnotatorNotes", target] => Ok(Line::Note { target, text: note }),
                _ => Ok(Line::Unmapped),
            }
        }
        Some('E') | Some('N') | Some('*') => Ok(Line::Unmapped),
        _ => Err(format!("'{id}' is not a brat annotation id (T, R, A, M, E, N, # or *)")),
    }
}

/// The span a `T` line's offsets cover, after checking its quoted text.
fn text_range(id: &str, offsets: &str, quoted: &str, chars: &[char]) -> Result<(usize, usize), String> {
    let mut pieces = Vec::new();
    for piece in offsets.split(';') {
        let numbers: Vec<&str> = piece.split_whitespace().collect();
        let parsed = match numbers.as_slice() {
            [a, b] => a.parse::<usize>().ok().zip(b.parse::<usize>().ok()),
            _ => None,
        };
        let (start, end) = parsed.ok_or_else(|| format!("{id}'s offsets '{offsets}' are not 'start end' or 'start end;start end'"))?;
        if start >= end || end > chars.len() {
            return Err(format!("{id}'s offsets {start}–{end} are not a range inside the text ({} characters)", chars.len()));
        }
        if let Some(&(_, before)) = pieces.last() {
            if start < before {
                return Err(format!("{id}'s fragments are out of order or overlap at {start}"));
            }
        }
        pieces.push((start, end));
    }
    let at: Vec<String> = pieces.iter().map(|&(a, b)| quote(chars, a, b)).collect();
    let expected = at.join(" ");
    if quoted != expected {
        let (first, last) = (pieces[0].0, pieces[pieces.len() - 1].1);
        return Err(format!("{id} says '{quoted}' but the text at {first}–{last} is '{expected}'"));
    }
    for pair in pieces.windows(2) {
        let (gap_start, gap_end) = (pair[0].1, pair[1].0);
        if !chars[gap_start..gap_end].iter().all(|c| c.is_whitespace()) {
            return Err(format!(
                "{id} is discontinuous and the text between its fragments, '{}' at {gap_start}–{gap_end}, is not whitespace: Marginalia spans are continuous",
                quote(chars, gap_start, gap_end)
            ));
        }
    }
    Ok((pieces[0].0, pieces[pieces.len() - 1].1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cp as at, span_at as span};
    use crate::record::RecordMeta;



    fn relation(id: u32, label: &str, from: u32, to: Option<u32>, to_text: Option<&str>) -> RecordRelation {
        RecordRelation {
            id: Some(RelationId(id)),
            label: label.into(),
            from: Some(SpanId(from)),
            to: to.map(SpanId),
            to_text: to_text.map(Into::into),
            head: None,
            child: None,
            head_span: None,
            child_span: None,
        }
    }

    const HARD: &str = "👨‍👩‍👧‍👦 🇲🇱 Mali: e\u{301}cole of 国際協力機構 and الجزيرة.\n“Wagner left,”\nsaid Goïta.";

    fn hard_record() -> Record {
        let mut r = new_record(HARD.into(), "hard".into());
        r.spans.push(span(1, HARD, "Mali", "GPE", "entity"));
        r.spans.push(span(2, HARD, "国際協力機構", "ORG", "entity"));
        r.spans.push(span(3, HARD, "الجزيرة", "ORG", "entity"));
        r.spans.push(span(4, HARD, "Goïta", "PERSON", "entity"));
        let mut claim = span(5, HARD, "“Wagner left,”\nsaid Goïta", "CLAIM", "claim");
        claim.attributes.insert("claim_type".into(), "quote".into());
        claim.attributes.insert("note".into(), "from AFP 👍🏽".into());
        r.spans.push(claim);
        r.spans.push(span(6, HARD, "e\u{301}cole", "MISC", "entity"));
        r.relations.push(relation(1, "claimed_by", 5, Some(4), None));
        r.relations.push(relation(2, "about", 5, None, Some("the junta")));
        r.document_labels.insert("section".into(), "world".into());
        r
    }

    #[test]
    fn writes_code_point_offsets_and_splits_spans_at_line_breaks() {
        let r = hard_record();
        let out = export(&r);
        let lines: Vec<&str> = out.text.lines().collect();
        // 👨‍👩‍👧‍👦 is 7 code points, then a space, 🇲🇱 is 2, a space: Mali at 11.
        assert_eq!(lines[0], "T1\tGPE 11 15\tMali");
        assert_eq!(lines[1], "T6\tMISC 17 23\te\u{301}cole");
        assert_eq!(lines[2], "T2\tORG 27 33\t国際協力機構");
        assert_eq!(lines[3], "T3\tORG 38 45\tالجزيرة");
        // The claim crosses the second line break (at 61): two fragments.
        assert_eq!(lines[4], "T5\tCLAIM 47 61;62 72\t“Wagner left,” said Goïta");
        assert_eq!(lines[5], "T4\tPERSON 67 72\tGoïta");
        assert_eq!(lines[6], "A1\tclaim_type T5 quote");
        assert_eq!(lines[7], "R1\tclaimed_by Arg1:T5 Arg2:T4");
        assert_eq!(lines[8], "#1\tAnnotatorNotes T5\tfrom AFP 👍🏽");
        assert_eq!(lines.len(), 9);
        assert_eq!(out.losses.len(), 2, "{:?}", out.losses);
        assert!(out.losses[0].starts_with("1 relation to free text") && out.losses[0].contains("about → 'the junta'"));
        assert!(out.losses[1].starts_with("1 document label") && out.losses[1].contains("section=\"world\""));
    }

    #[test]
    fn reads_back_what_it_wrote() {
        let r = hard_record();
        let back = import(HARD, &export(&r).text, "hard", &LabelSchema::news_default()).unwrap();
        let mut expected = r.spans.clone();
        expected.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end), s.id));
        assert_eq!(back.spans, expected);
        assert_eq!(back.relations, vec![relation(1, "claimed_by", 5, Some(4), None)]);
        assert_eq!(back.meta, RecordMeta { doc_id: "hard".into(), ..Default::default() });
        back.load(&LabelSchema::news_default()).expect("the import is a valid record");
    }

    #[test]
    fn reads_brat_written_by_others() {
        let text = "Mali and\nNiger signed. Wagner is here.";
        let ann = "T1\tGPE 0 4\tMali\r\nT7\tGPE 0 4;9 14\tMali Niger\n\
                   T2\tCLAIM 0 8;9 22\tMali and Niger signed.\nM1\tcheck_worthy T2 yes\nA2\tNegated T1\n\
                   E1\tSign:T2 Agent:T1\nA3\tcheck_worthy E1 no\nN1\tReference T1 Wikidata:Q912\tMali\n\
                   #2\tAnnotatorNotes T2\tfirst\n#3\tAnnotatorNotes T2\tsecond\nR4\tabout Arg1:T2 Arg2:T1\n\n";
        let err = import(text, ann, "d", &LabelSchema::news_default()).unwrap_err();
        assert_eq!(
            err,
            "line 2: T7 is discontinuous and the text between its fragments, ' and\n' at 4–9, is not whitespace: Marginalia spans are continuous"
        );
        let ann = ann.replace("T7\tGPE 0 4;9 14\tMali Niger\n", "");
        let r = import(text, &ann, "d", &LabelSchema::news_default()).unwrap();
        let claim = r.spans.iter().find(|s| s.label == "CLAIM").unwrap();
        assert_eq!((claim.start, claim.end, claim.id, claim.layer.as_str()), (0, 22, Some(SpanId(2)), "claim"));
        assert_eq!(claim.text.as_deref(), Some("Mali and\nNiger signed."));
        assert_eq!(claim.attributes["check_worthy"], "yes");
        assert_eq!(claim.attributes["note"], "first\nsecond");
        let mali = r.spans.iter().find(|s| s.label == "GPE").unwrap();
        assert_eq!(mali.attributes["Negated"], true);
        assert_eq!(r.relations, vec![relation(4, "about", 2, Some(1), None)]);
        let unmapped: Vec<&str> = r.meta.extra[UNMAPPED_META_KEY].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(unmapped, ["E1\tSign:T2 Agent:T1", "A3\tcheck_worthy E1 no", "N1\tReference T1 Wikidata:Q912\tMali"]);
    }

    #[test]
    fn refuses_bad_files_naming_the_line() {
        let text = "Assimi Goïta met 🇲🇱 Wagner.";
        let schema = LabelSchema::news_default();
        let bad = |ann: &str| import(text, ann, "d", &schema).unwrap_err();
        // Wagner starts after "Assimi Goïta met " (17) plus the 2-code-point flag and a space.
        assert_eq!(at(text, "Wagner"), (20, 26));
        assert_eq!(bad("T1\tPERSON 0 6\tAssimi\n\n\n\n\n\nT3\tORG 19 25\tWagner\n"), "line 7: T3 says 'Wagner' but the text at 19–25 is ' Wagne'");
        assert_eq!(bad("T1\tORG 20 99\tWagner\n"), "line 1: T1's offsets 20–99 are not a range inside the text (27 characters)");
        assert_eq!(bad("T1\tORG 20 26\tWagner\nR1\tabout Arg1:T1 Arg2:T9\n"), "line 2: T9 is not a T annotation of this file");
        assert_eq!(bad("T1\tORG 20 26\tWagner\nT1\tORG 20 26\tWagner\n"), "line 2: T1 is defined twice");
        assert_eq!(bad("T1 ORG 20 26 Wagner\n"), "line 1: an annotation line is an id, a tab, then its data");
        assert_eq!(bad("T1\tORG 20-26\tWagner\n"), "line 1: T1's offsets '20-26' are not 'start end' or 'start end;start end'");
        assert_eq!(bad("X1\tfoo\n"), "line 1: 'X1' is not a brat annotation id (T, R, A, M, E, N, # or *)");
        assert_eq!(bad("T1\tORG 20 26\tWagner\nA1\tx T1 a b\n"), "line 2: A1 should read 'name target' or 'name target value', not 'x T1 a b'");
    }

    #[test]
    fn reports_what_brat_cannot_hold() {
        let text = "Mills said so.";
        let mut r = new_record(text.into(), "d".into());
        let mut claim = span(1, text, "Mills said so", "CLAIM", "claim");
        claim.attributes.insert("flag".into(), false.into());
        claim.attributes.insert("stance".into(), "not sure".into());
        r.spans.push(claim);
        r.spans.push(span(2, text, "Mills", "NEW LABEL", "entity"));
        r.annotator = Some("ann1".into());
        let losses = export(&r).losses;
        assert_eq!(losses.len(), 4, "{losses:?}");
        assert_eq!(losses[0], "1 span not written (brat needs a label without spaces and a range inside the text): NEW LABEL 'Mills' at 0–5");
        assert!(losses[1].contains("flag of T1"));
        assert!(losses[2].contains("stance=\"not sure\" of T1"));
        assert_eq!(losses[3], "the document's annotator 'ann1' (a brat .ann file has no header)");
    }

    #[test]
    fn ids_at_the_top_of_the_range_neither_wrap_nor_collide() {
        // Issue 16, case 4: T4294967295 kept its number and T0 got the next,
        // which wrapped (an overflow in a debug build).
        let text = "Mills met Diop.";
        let ann = "T4294967295\tPERSON 0 5\tMills\nT0\tPERSON 10 14\tDiop\nR4294967295\tabout Arg1:T0 Arg2:T4294967295\nR0\tabout Arg1:T4294967295 Arg2:T0\n";
        let r = import(text, ann, "d", &LabelSchema::news_default()).unwrap();
        let ids: Vec<SpanId> = r.spans.iter().map(|s| s.id.unwrap()).collect();
        assert_eq!(ids[0], SpanId(u32::MAX));
        assert_ne!(ids[1], ids[0]);
        assert_ne!(ids[1], SpanId(0));
        let rel: Vec<RelationId> = r.relations.iter().map(|r| r.id.unwrap()).collect();
        assert_eq!(rel[0], RelationId(u32::MAX));
        assert!(rel[1] != rel[0] && rel[1] != RelationId(0));
        assert_eq!((r.relations[0].from, r.relations[0].to), (Some(ids[1]), Some(ids[0])));
    }
}
