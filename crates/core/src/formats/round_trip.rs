//! Every readable format re-imports its own export to the same annotations
//! — all of them where the format can hold them, and exactly the part it
//! holds where its export says what it dropped — on generated documents
//! made of emoji, ZWJ sequences, combining marks, CJK and right-to-left text.

use super::*;
use crate::record::{Record, RecordRelation, RelationEnd};
use crate::relation::RelationId;
use crate::span::{Attributes, SpanId};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Words a generated document is made of: every script the fixtures hold.
const WORDS: &[&str] = &[
    "Mali", "Wagner", "Assimi", "Goïta", "Zoë", "Nguyễn", "e\u{301}cole", "国際協力機構", "北京", "الجزيرة", "מאלי",
    "👨‍👩‍👧‍👦", "🇲🇱", "👍🏽", "said", "“quoted”", "U.S.", "don't", "1,000", "—", "(AP)", "Bamako,", "e-mail",
];

/// A span as formats can compare it: where, what, and its attributes.
type SpanKey = (usize, usize, String, String, String);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Comparable {
    pub spans: BTreeSet<SpanKey>,
    /// (from, label, to span or free text)
    pub relations: BTreeSet<(SpanKey, String, Result<SpanKey, String>)>,
    pub document_labels: String,
}

fn key(s: &RecordSpan) -> SpanKey {
    (s.start, s.end, s.label.clone(), s.layer.clone(), serde_json::to_string(&s.attributes).unwrap())
}

/// Resolves relation ends by id, or by offsets and label (Prodigy form).
pub(super) fn comparable(r: &Record) -> Comparable {
    let by_id = |id: Option<SpanId>, end: &Option<RelationEnd>| -> Option<SpanKey> {
        let found = match id {
            Some(id) => r.spans.iter().find(|s| s.id == Some(id)),
            None => end.as_ref().and_then(|e| r.spans.iter().find(|s| s.start == e.start && s.end == e.end && s.label == e.label)),
        };
        found.map(key)
    };
    Comparable {
        spans: r.spans.iter().map(key).collect(),
        relations: r
            .relations
            .iter()
            .map(|rel: &RecordRelation| {
                let from = by_id(rel.from, &rel.head_span).expect("relation start resolves");
                let to = match &rel.to_text {
                    Some(t) => Err(t.clone()),
                    None => Ok(by_id(rel.to, &rel.child_span).expect("relation end resolves")),
                };
                (from, rel.label.clone(), to)
            })
            .collect(),
        document_labels: serde_json::to_string(&r.document_labels).unwrap(),
    }
}

/// What `format` holds of the annotations (its documented losses).
fn held(format: Format, mut c: Comparable) -> Comparable {
    match format {
        Format::Marginalia | Format::Spacy | Format::W3c | Format::LabelStudio => c,
        Format::Brat => {
            // brat relations join two text-bound annotations.
            c.relations.retain(|(_, _, to)| to.is_ok());
            c.document_labels = "{}".into();
            c
        }
        Format::Doccano => {
            c.spans = c.spans.into_iter().map(|(s, e, l, layer, _)| (s, e, l, layer, "{}".into())).collect();
            c.relations.clear();
            c.document_labels = "{}".into();
            c
        }
        Format::Iob2 | Format::Bilou => unreachable!("export only"),
    }
}

fn reimport(format: Format, record: &Record, schema: &LabelSchema) -> Record {
    let (file, _losses) = stream::export_file(format, record).unwrap();
    if format == Format::Brat {
        return brat::import(&record.text, &file, &doc_id_of(record), schema).unwrap();
    }
    let mut docs: Vec<_> = stream::read_documents(format, file.as_bytes(), schema).unwrap().collect();
    assert_eq!(docs.len(), 1, "{format}: one document in, one out");
    docs.pop().unwrap().unwrap_or_else(|e| panic!("{format}: {e}\n{file}"))
}

prop_compose! {
    fn document()(words in prop::collection::vec((0..WORDS.len(), 0..4usize), 3..40)) -> String {
        let mut text = String::new();
        for (i, (w, sep)) in words.into_iter().enumerate() {
            if i > 0 {
                text.push_str([" ", " ", "\n", "  "][sep]);
            }
            text.push_str(WORDS[w]);
        }
        text
    }
}

/// A record over `text` with spans on token boundaries (overlaps
/// included), claims with attributes, relations and document labels.
fn annotate(text: String, picks: &[(usize, usize, usize)]) -> Record {
    let schema = LabelSchema::news_default();
    let mut record = new_record(text, "generated".into());
    let tokens = tokenize(&record.text);
    let words: Vec<_> = tokens.iter().filter(|t| !record.text[..].chars().skip(t.start).take(t.end - t.start).all(char::is_whitespace)).collect();
    let chars: Vec<char> = record.text.chars().collect();
    let labels = ["PERSON", "ORG", "GPE", "CLAIM", "DATE"];
    let mut seen = BTreeSet::new();
    for &(a, len, l) in picks {
        if words.is_empty() {
            break;
        }
        let first = a % words.len();
        let last = (first + len).min(words.len() - 1);
        let (start, end) = (words[first].start, words[last].end);
        if !seen.insert((start, end, l % labels.len())) {
            continue;
        }
        let mut span = new_span(&chars, start, end, labels[l % labels.len()], &schema).unwrap();
        span.id = Some(SpanId(record.spans.len() as u32 + 1));
        if span.layer == "claim" {
            let mut attrs = Attributes::new();
            attrs.insert("claim_type".into(), ["opinion", "quote"][a % 2].into());
            attrs.insert("check_worthy".into(), "yes".into());
            if len % 2 == 0 {
                attrs.insert("note".into(), "Checked against “العربية” 👍🏽, e\u{301}".into());
            }
            span.attributes = attrs;
        }
        record.spans.push(span);
    }
    let claims: Vec<_> = record.spans.iter().filter(|s| s.layer == "claim").map(|s| s.id).collect();
    let entities: Vec<_> = record.spans.iter().filter(|s| s.layer == "entity").map(|s| s.id).collect();
    for (i, claim) in claims.iter().enumerate() {
        let id = Some(RelationId(record.relations.len() as u32 + 1));
        let rel = match entities.get(i) {
            Some(e) => RecordRelation { id, label: ["claimed_by", "about"][i % 2].into(), from: *claim, to: *e, ..empty_relation() },
            None => RecordRelation { id, label: "claimed_by".into(), from: *claim, to_text: Some("A spokesman, 北京".into()), ..empty_relation() },
        };
        record.relations.push(rel);
    }
    if picks.len() % 2 == 1 {
        record.document_labels.insert("section".into(), "world".into());
        record.document_labels.insert("contains_check_worthy_claims".into(), true.into());
    }
    record
}

fn empty_relation() -> RecordRelation {
    RecordRelation { id: None, label: String::new(), from: None, to: None, to_text: None, head: None, child: None, head_span: None, child_span: None }
}

/// Every format Marginalia reads back.
fn readable() -> Vec<Format> {
    Format::ALL.into_iter().filter(|f| f.can_read()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_format_reimports_what_it_holds(text in document(), picks in prop::collection::vec((0..64usize, 0..3usize, 0..5usize), 0..12)) {
        let schema = LabelSchema::news_default();
        let record = annotate(text, &picks);
        // The generated record is itself a valid save.
        record.clone().load(&schema).expect("generated records load");
        let original = comparable(&record);
        for format in readable() {
            let back = reimport(format, &record, &schema);
            prop_assert_eq!(&back.text, &record.text, "{}: the text is kept exactly", format);
            for s in &back.spans {
                let by_cp: String = back.text.chars().skip(s.start).take(s.end - s.start).collect();
                prop_assert_eq!(Some(by_cp), s.text.clone(), "{}: quoted text equals code-point slicing", format);
            }
            prop_assert_eq!(held(format, comparable(&back)), held(format, original.clone()), "{}", format);
        }
    }
}

/// The entities a tag sequence decodes to, refusing any sequence the
/// scheme's strict reading (seqeval's) would not accept.
fn strict_entities(tags: &[&str], scheme: conll::TagScheme) -> Result<usize, String> {
    let mut open: Option<&str> = None;
    let mut count = 0;
    for tag in tags {
        let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
        let continues = open == Some(label);
        open = match (scheme, prefix) {
            (_, "O") if open.is_none() || scheme == conll::TagScheme::Iob2 => None,
            (_, "B") if open.is_none() || scheme == conll::TagScheme::Iob2 => {
                count += 1;
                Some(label)
            }
            (_, "I") if continues => open,
            (conll::TagScheme::Bilou, "L") if continues => None,
            (conll::TagScheme::Bilou, "U") if open.is_none() => {
                count += 1;
                None
            }
            _ => return Err(format!("{tag} after {open:?}")),
        };
    }
    if scheme == conll::TagScheme::Bilou && open.is_some() {
        return Err("a BILOU entity is not closed by L-".into());
    }
    Ok(count)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn token_tags_are_strict_sequences_and_every_untagged_entity_is_reported(text in document(), picks in prop::collection::vec((0..64usize, 0..3usize, 0..5usize), 0..12)) {
        let record = annotate(text, &picks);
        let entities = record.spans.iter().filter(|s| s.layer == "entity").count();
        for scheme in [conll::TagScheme::Iob2, conll::TagScheme::Bilou] {
            let out = conll::export(&record, scheme);
            let mut decoded = 0;
            for sentence in out.text.split("\n\n").skip(1) {
                let tags: Vec<&str> = sentence.lines().map(|l| {
                    let cols: Vec<&str> = l.split_whitespace().collect();
                    assert_eq!(cols.len(), 4, "{l:?}");
                    cols[3]
                }).collect();
                decoded += strict_entities(&tags, scheme).map_err(|e| TestCaseError::fail(format!("{scheme:?}: {e}\n{}", out.text)))?;
            }
            let dropped: usize = out.losses.iter().filter(|l| l.contains("overlapping entity span") || l.contains("cover only whitespace"))
                .map(|l| l.split(' ').next().unwrap().parse::<usize>().unwrap()).sum();
            prop_assert_eq!(decoded + dropped, entities, "{:?}", out.losses);
            let words: Vec<String> = out.text.lines().skip(2).filter(|l| !l.is_empty()).map(|l| l.split(' ').next().unwrap().to_string()).collect();
            let expected: Vec<String> = tokenize(&record.text).iter()
                .map(|t| record.text.chars().skip(t.start).take(t.end - t.start).collect::<String>())
                .filter(|w| !w.chars().all(char::is_whitespace)).collect();
            prop_assert_eq!(words, expected, "every word is written, in order");
        }
    }
}

/// Readers check every number (`Record::check_offsets`), but a record built
/// in code never went through one: no exporter may panic on it either.
#[test]
fn no_export_panics_on_numbers_no_reader_would_let_through() {
    let text = "Zoë met 🇲🇱 officials in Bamako.";
    let mut r = new_record(text.into(), "d".into());
    let token = |start, end, id| RecordToken { text: String::new(), start, end, id, ws: true };
    // Out of order, overlapping, reversed, past the end.
    r.tokens = vec![token(4, 7, 0), token(0, 3, 1), token(2, 9, 2), token(20, 11, 3), token(24, 90, 4)];
    let mut span = new_span(&text.chars().collect::<Vec<_>>(), 24, 30, "GPE", &crate::label_schema::LabelSchema::news_default()).unwrap();
    span.id = Some(SpanId(1));
    let mut reversed = span.clone();
    (reversed.start, reversed.end, reversed.id) = (30, 24, Some(SpanId(2)));
    let mut past = span.clone();
    (past.start, past.end, past.id) = (28, 99, Some(SpanId(3)));
    r.spans = vec![span, reversed, past];
    for format in Format::ALL {
        let exported = std::panic::catch_unwind(|| export_document(format, &r));
        assert!(exported.is_ok(), "the {format} export panicked");
    }
}
