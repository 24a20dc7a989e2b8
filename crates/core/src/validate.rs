//! Checks of a whole record beyond [`Record::load`]: the overlaps a schema
//! forbids, and the cheap alignment checks a converter needs before it
//! hands a record to an exporter (which slices the text by the offsets).
//!
//! [`Record::load`] stops at the first problem; [`check`] gathers the load
//! problem and every forbidden overlap, so a validator can list them all.

use crate::article::sha256_hex;
use crate::label_schema::LabelSchema;
use crate::record::{Record, RecordSpan};

/// Two spans of a layer that must not overlap, by their index in
/// `record.spans`; `first` starts no later than `second`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub layer: String,
    pub first: usize,
    pub second: usize,
}

impl Overlap {
    /// `spans[3] (PERSON 10–20) overlaps spans[1] (ORG 5–12), and the entity layer forbids overlaps`.
    pub fn describe(&self, spans: &[RecordSpan]) -> String {
        let (a, b) = (&spans[self.second], &spans[self.first]);
        format!(
            "spans[{}] ({} {}–{}) overlaps spans[{}] ({} {}–{}), and the {} layer forbids overlaps",
            self.second, a.label, a.start, a.end, self.first, b.label, b.start, b.end, self.layer
        )
    }
}

/// Every span that overlaps an earlier span of the same layer, in layers
/// whose schema entry says `overlap: false`. Each offending span is reported
/// once, against the earlier span that reaches furthest (n log n, so a
/// document with thousands of spans stays fast).
pub fn forbidden_overlaps(spans: &[RecordSpan], schema: &LabelSchema) -> Vec<Overlap> {
    let mut found = Vec::new();
    for layer in schema.no_overlap_layers() {
        let mut order: Vec<usize> = (0..spans.len()).filter(|&i| spans[i].layer == layer).collect();
        crate::sorting::sort_by_key(&mut order, |&i| (spans[i].start, spans[i].end, i));
        // The span seen so far that ends last: any later-starting span that
        // begins before its end overlaps it.
        let mut reach: Option<usize> = None;
        for i in order {
            if let Some(r) = reach {
                if spans[i].start < spans[r].end {
                    found.push(Overlap { layer: layer.clone(), first: r, second: i });
                }
            }
            if reach.is_none_or(|r| spans[i].end > spans[r].end) {
                reach = Some(i);
            }
        }
    }
    crate::sorting::sort_by_key(&mut found, |o| (o.second, o.first));
    found
}

/// Everything wrong with `record` against `schema`: the first problem
/// [`Record::load`] finds (hash, offsets, quoted text, labels, attributes,
/// relations, document labels), then every forbidden overlap.
pub fn check(record: Record, schema: &LabelSchema) -> Vec<String> {
    let overlaps: Vec<String> =
        forbidden_overlaps(&record.spans, schema).iter().map(|o| o.describe(&record.spans)).collect();
    let mut problems = Vec::new();
    if let Err(e) = record.load(schema) {
        problems.push(e.to_string());
    }
    problems.extend(overlaps);
    problems
}

/// The checks an exporter relies on, without a schema: the text hash when
/// there is one, and every span a range inside the text whose quoted text
/// (when given) is the text at its offsets.
pub fn check_alignment(record: &Record) -> Result<(), String> {
    if let Some(hash) = &record.text_sha256 {
        if *hash != sha256_hex(&record.text) {
            return Err(crate::record::RecordError::HashMismatch.to_string());
        }
    }
    // Code point → byte offset, built once per document only if needed.
    let boundaries: Vec<usize> = record.text.char_indices().map(|(b, _)| b).chain([record.text.len()]).collect();
    let len = boundaries.len() - 1;
    for (index, s) in record.spans.iter().enumerate() {
        if s.start >= s.end || s.end > len {
            return Err(format!("spans[{index}]: offsets {}–{} are not a range inside the text ({len} characters)", s.start, s.end));
        }
        if let Some(quoted) = &s.text {
            let actual = &record.text[boundaries[s.start]..boundaries[s.end]];
            if quoted != actual {
                return Err(format!(
                    "spans[{index}]: its text {quoted:?} differs from the text at {}–{} ({actual:?})",
                    s.start, s.end
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::new_span;

    fn schema_without_entity_overlap() -> LabelSchema {
        let mut schema = LabelSchema::news_default();
        schema.layers.iter_mut().find(|l| l.name == "entity").unwrap().overlap = false;
        schema
    }

    fn spans(text: &str, ranges: &[(usize, usize, &str)]) -> Vec<RecordSpan> {
        let chars: Vec<char> = text.chars().collect();
        let schema = LabelSchema::news_default();
        ranges.iter().map(|&(s, e, l)| new_span(&chars, s, e, l, &schema).unwrap()).collect()
    }

    #[test]
    fn overlaps_are_found_only_in_layers_that_forbid_them() {
        let text = "Richard Mills of the US mission said so.";
        // 0: Richard Mills, 1: Mills of the US (overlaps 0), 2: US (inside 1),
        // 3: a claim over everything (claim layer allows overlap), 4: "said" (touches nothing).
        let s = spans(text, &[(0, 13), (8, 23), (21, 23), (0, 40), (31, 35)].map(|(a, b)| (a, b, "ORG")));
        let mut s = s;
        s[3].layer = "claim".into();
        s[3].label = "CLAIM".into();
        let found = forbidden_overlaps(&s, &schema_without_entity_overlap());
        let pairs: Vec<(usize, usize)> = found.iter().map(|o| (o.first, o.second)).collect();
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
        assert!(found[0].describe(&s).contains("spans[1] (ORG 8–23) overlaps spans[0] (ORG 0–13)"));
        assert!(forbidden_overlaps(&s, &LabelSchema::news_default()).is_empty(), "the news schema allows overlaps");
    }

    #[test]
    fn adjacent_spans_do_not_overlap_and_each_offender_is_reported_once() {
        let s = spans("abcdefghij", &[(0, 3, "ORG"), (3, 6, "ORG"), (0, 10, "ORG"), (6, 9, "ORG")]);
        let found = forbidden_overlaps(&s, &schema_without_entity_overlap());
        // Sorted by start then end: (0,3) (0,10) (3,6) (6,9); the long span
        // overlaps the first and then reaches over the rest.
        let pairs: Vec<(usize, usize)> = found.iter().map(|o| (o.first, o.second)).collect();
        assert_eq!(pairs, vec![(2, 1), (0, 2), (2, 3)]);
    }

    #[test]
    fn check_lists_the_load_problem_and_every_overlap() {
        let text = "Mali and Niger";
        let mut record = crate::formats::new_record(text.into(), "d".into());
        record.spans = spans(text, &[(0, 4, "GPE"), (0, 8, "GPE")]);
        record.spans[1].text = Some("wrong".into());
        let problems = check(record, &schema_without_entity_overlap());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("spans[1]: its text \"wrong\""));
        assert!(problems[1].contains("forbids overlaps"));
    }

    #[test]
    fn alignment_catches_bad_hash_offsets_and_quotes() {
        let text = "Zoë 🇲🇱 Bamako";
        let mut record = crate::formats::new_record(text.into(), "d".into());
        record.spans = spans(text, &[(4, 6, "GPE"), (7, 13, "GPE")]);
        assert_eq!(check_alignment(&record), Ok(()));
        let mut bad = record.clone();
        bad.spans[1].end = 14;
        assert!(check_alignment(&bad).unwrap_err().contains("not a range inside the text (13 characters)"));
        let mut bad = record.clone();
        bad.spans[0].text = Some("🇲".into());
        assert!(check_alignment(&bad).unwrap_err().contains("differs"));
        let mut bad = record;
        bad.text_sha256 = Some("00".into());
        assert!(check_alignment(&bad).unwrap_err().contains("text_sha256"));
    }
}
