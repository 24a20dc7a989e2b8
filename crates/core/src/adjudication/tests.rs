//! Review and gold tests on the fixture articles. Offsets are derived here
//! independently of the core: `str::find` plus counting code points.

use super::*;
use crate::formats::{new_record, new_span};
use crate::record::{RecordRelation, SaveInfo};
use crate::relation::RelationId;
use crate::span::SpanId;
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

const WAGNER: &str = include_str!("../../../../assets/articles/mali-russia-wagner.txt");
const STRESS: &str = include_str!("../../../../assets/articles/unicode-stress.txt");

/// Code-point offsets of the first `needle` after the first `after`.
fn at(text: &str, after: &str, needle: &str) -> (usize, usize) {
    let from = text.find(after).expect("context in the fixture");
    let byte = from + text[from..].find(needle).expect("needle in the fixture");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn find(text: &str, needle: &str) -> (usize, usize) {
    at(text, needle, needle)
}

/// A hand-built save: spans `(offsets, label, attributes)` numbered s1…
/// in the order given, relations `(from, label, to)` by those numbers.
struct Hand {
    record: Record,
}

impl Hand {
    fn new(text: &str, annotator: &str) -> Hand {
        let mut record = new_record(text.to_string(), "fixture".into());
        record.annotator = Some(annotator.into());
        Hand { record }
    }

    fn span(mut self, (start, end): (usize, usize), label: &str, attributes: serde_json::Value) -> Hand {
        let chars: Vec<char> = self.record.text.chars().collect();
        let mut span = new_span(&chars, start, end, label, &LabelSchema::news_default()).unwrap();
        span.id = Some(SpanId(self.record.spans.len() as u32 + 1));
        if let serde_json::Value::Object(map) = attributes {
            span.attributes = map.into_iter().collect();
        }
        self.record.spans.push(span);
        self
    }

    fn relation(mut self, from: u32, label: &str, to: Result<u32, &str>) -> Hand {
        let (to, to_text) = match to {
            Ok(id) => (Some(SpanId(id)), None),
            Err(text) => (None, Some(text.to_string())),
        };
        self.record.relations.push(RecordRelation {
            id: Some(RelationId(self.record.relations.len() as u32 + 1)),
            label: label.into(),
            from: Some(SpanId(from)),
            to,
            to_text,
            head: None,
            child: None,
            head_span: None,
            child_span: None,
        });
        self
    }

    fn save(self) -> Save {
        Save { record: self.record, fallback_name: "unnamed.json".into() }
    }
}

fn none() -> serde_json::Value {
    json!({})
}

fn item_at(review: &Review, (start, end): (usize, usize)) -> &Item {
    review.items().iter().find(|i| i.start == start && i.end == end).unwrap_or_else(|| panic!("no item at {start}–{end}"))
}

/// What a span is, without its file's id (attributes as their JSON, which orders).
type Content = (usize, usize, String, String, String);

fn content(s: &Span) -> Content {
    (s.start, s.end, s.layer.clone(), s.label.clone(), serde_json::to_string(&s.attributes).unwrap())
}

struct Wagner {
    diop: (usize, usize),
    russia: (usize, usize),
    kremlin: (usize, usize),
    minusma: (usize, usize),
    antonio_guterres: (usize, usize),
    guterres: (usize, usize),
    mills: (usize, usize),
    wagner_group: (usize, usize),
    claim: (usize, usize),
}

fn wagner_offsets() -> Wagner {
    let antonio_guterres = find(WAGNER, "Antonio Guterres");
    Wagner {
        diop: find(WAGNER, "Abdallah Diop"),
        russia: find(WAGNER, "Russia"),
        kremlin: find(WAGNER, "Kremlin"),
        minusma: find(WAGNER, "MINUSMA"),
        // "Guterres" inside "Antonio Guterres": 8 code points further ("Antonio ").
        guterres: (antonio_guterres.0 + 8, antonio_guterres.1),
        antonio_guterres,
        mills: find(WAGNER, "Richard Mills"),
        wagner_group: at(WAGNER, "the US welcomes", "Wagner Group"),
        claim: find(WAGNER, "the US welcomes the UN’s recognition of the Wagner Group’s presence in its internal audit"),
    }
}

/// ann1 and ann2 differ in every way an item can.
fn wagner_saves() -> (Save, Save) {
    let w = wagner_offsets();
    let claim = |verdict: &str| json!({"check_worthy": "yes", "verdict": verdict});
    let ann1 = Hand::new(WAGNER, "ann1")
        .span(w.diop, "PERSON", none()) // s1
        .span(w.russia, "GPE", none()) // s2: ann2 misses it
        .span(w.minusma, "ORG", none()) // s3: ann2 says MISC
        .span(w.antonio_guterres, "PERSON", none()) // s4: ann2 has "Guterres"
        .span(w.mills, "PERSON", none()) // s5
        .span(w.wagner_group, "ORG", none()) // s6
        .span(w.claim, "CLAIM", claim("true")) // s7: ann2's verdict differs
        .relation(7, "claimed_by", Ok(5))
        .relation(7, "about", Ok(6))
        .save();
    let ann2 = Hand::new(WAGNER, "ann2")
        .span(w.claim, "CLAIM", claim("unverified")) // s1
        .span(w.wagner_group, "ORG", none()) // s2
        .span(w.mills, "PERSON", none()) // s3
        .span(w.guterres, "PERSON", none()) // s4
        .span(w.minusma, "MISC", none()) // s5
        .span(w.kremlin, "ORG", none()) // s6: only ann2
        .span(w.diop, "PERSON", none()) // s7
        .relation(1, "about", Ok(2))
        .relation(1, "claimed_by", Err("the US government"))
        .save();
    (ann1, ann2)
}

fn wagner_review() -> Arc<Review> {
    let (a, b) = wagner_saves();
    Arc::new(Review::new(vec![a, b], &LabelSchema::news_default()).unwrap())
}

#[test]
fn every_kind_of_difference_is_an_item_in_document_order() {
    let w = wagner_offsets();
    let review = wagner_review();
    assert_eq!(review.annotators(), vec!["ann1", "ann2"]);
    assert_eq!(item_at(&review, w.diop).kind, ItemKind::Agree);
    assert_eq!(item_at(&review, w.mills).kind, ItemKind::Agree);
    assert_eq!(item_at(&review, w.wagner_group).kind, ItemKind::Agree);
    assert_eq!(item_at(&review, w.russia).kind, ItemKind::Missing { absent: vec!["ann2".into()] });
    assert_eq!(item_at(&review, w.kremlin).kind, ItemKind::Extra { present: vec!["ann2".into()] });
    assert_eq!(item_at(&review, w.minusma).kind, ItemKind::DifferentLabel);

    let guterres = item_at(&review, w.antonio_guterres);
    assert_eq!(guterres.kind, ItemKind::DifferentBoundaries);
    let offsets = |v: &Version| v.spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>();
    assert_eq!(offsets(&guterres.versions[0]), vec![w.antonio_guterres]);
    assert_eq!(offsets(&guterres.versions[1]), vec![w.guterres]);

    let claim = item_at(&review, w.claim);
    assert_eq!(claim.layer, "claim");
    let ItemKind::DifferentAttributes(differences) = &claim.kind else { panic!("{:?}", claim.kind) };
    assert_eq!(differences.len(), 1, "check_worthy agrees, verdict does not");
    assert_eq!((differences[0].key.as_str(), differences[0].start, differences[0].end), ("verdict", w.claim.0, w.claim.1));
    assert_eq!(
        differences[0].values,
        vec![("ann1".to_string(), Some(json!("true"))), ("ann2".to_string(), Some(json!("unverified")))]
    );

    // Every item lists both annotators, and items run in document order.
    assert!(review.items().iter().all(|i| i.versions.iter().map(|v| v.annotator.as_str()).eq(["ann1", "ann2"])));
    let starts: Vec<usize> = review.items().iter().map(|i| i.start).collect();
    assert!(starts.windows(2).all(|p| p[0] <= p[1]), "{starts:?}");
    assert_eq!(review.items().len(), 8);
    assert!(review.items().iter().enumerate().all(|(n, i)| i.id == n));
    assert_eq!(review.disagreements().count(), 5);
}

#[test]
fn a_split_span_is_one_item_and_a_span_nested_in_an_agreed_one_is_its_own() {
    let guterres = find(WAGNER, "Antonio Guterres");
    let antonio = (guterres.0, guterres.0 + "Antonio".chars().count());
    let surname = (guterres.0 + "Antonio ".chars().count(), guterres.1);
    let wagner_group = find(WAGNER, "Wagner Group");
    let wagner = (wagner_group.0, wagner_group.0 + "Wagner".chars().count());
    let ann1 = Hand::new(WAGNER, "ann1").span(guterres, "PERSON", none()).span(wagner_group, "ORG", none()).span(wagner, "MISC", none()).save();
    let ann2 = Hand::new(WAGNER, "ann2").span(antonio, "PERSON", none()).span(surname, "PERSON", none()).span(wagner_group, "ORG", none()).save();
    let review = Review::new(vec![ann1, ann2], &LabelSchema::news_default()).unwrap();
    assert_eq!(review.items().len(), 3);
    let split = item_at(&review, guterres);
    assert_eq!(split.kind, ItemKind::DifferentBoundaries);
    assert_eq!((split.versions[0].spans.len(), split.versions[1].spans.len()), (1, 2));
    assert_eq!(item_at(&review, wagner_group).kind, ItemKind::Agree);
    assert_eq!(item_at(&review, wagner).kind, ItemKind::Missing { absent: vec!["ann2".into()] });
}

#[test]
fn relations_are_matched_by_their_ends_not_by_ids() {
    let w = wagner_offsets();
    let review = wagner_review();
    let claim = SpanKey { start: w.claim.0, end: w.claim.1, layer: "claim".into(), label: "CLAIM".into() };
    let kinds: Vec<(&str, &EndKey, &ItemKind)> = review.relations().iter().map(|r| (r.label.as_str(), &r.to, &r.kind)).collect();
    assert!(review.relations().iter().all(|r| r.from == claim));
    let mills = EndKey::Span(SpanKey { start: w.mills.0, end: w.mills.1, layer: "entity".into(), label: "PERSON".into() });
    let wagner = EndKey::Span(SpanKey { start: w.wagner_group.0, end: w.wagner_group.1, layer: "entity".into(), label: "ORG".into() });
    let government = EndKey::Text("the US government".into());
    // ann1's about is r2 and ann2's r1: still one relation both made.
    assert_eq!(
        kinds,
        vec![
            ("about", &wagner, &ItemKind::Agree),
            ("claimed_by", &mills, &ItemKind::Missing { absent: vec!["ann2".into()] }),
            ("claimed_by", &government, &ItemKind::Extra { present: vec!["ann2".into()] }),
        ]
    );
    let about = &review.relations()[0];
    assert_eq!(about.versions[0].1.as_ref().unwrap().id, RelationId(2));
    assert_eq!(about.versions[1].1.as_ref().unwrap().id, RelationId(1));
}

#[test]
fn agreement_figures_are_those_of_the_agree_command() {
    let (a, b) = wagner_saves();
    let review = Review::new(vec![a.clone(), b.clone()], &LabelSchema::news_default()).unwrap();
    let report = review.agreement();
    assert_eq!(report, crate::agreement::agreement(&[vec![("ann1", &a.record), ("ann2", &b.record)]]));
    // PERSON: ann1 {Diop, Antonio Guterres, Mills}, ann2 {Diop, Guterres, Mills}: 2 exact of 3 each side.
    let person = report.pairs[0].labels.iter().find(|l| l.label == "PERSON").unwrap();
    assert_eq!((person.spans_a, person.spans_b), (3, 3));
    assert!((person.exact.f1.unwrap() - 2.0 / 3.0).abs() < 1e-12 && person.partial.f1 == Some(1.0));
    let verdict = report.pairs[0].attributes.iter().find(|a| a.attribute == "verdict").unwrap();
    assert_eq!((verdict.kappa.items, verdict.kappa.observed), (1, Some(0.0)));
}

/// The gold's spans and relations, without ids.
fn gold_contents(record: &Record) -> (BTreeSet<Content>, BTreeSet<(SpanKey, String, EndKey)>) {
    let loaded = record.clone().load(&LabelSchema::news_default()).expect("the gold loads");
    let spans = loaded.spans.iter().map(content).collect();
    let key = |id: SpanId| SpanKey::of(loaded.spans.iter().find(|s| s.id == id).unwrap());
    let relations = loaded
        .relations
        .iter()
        .map(|r| {
            let to = match &r.to {
                crate::relation::Target::Span(id) => EndKey::Span(key(*id)),
                crate::relation::Target::Text(t) => EndKey::Text(t.clone()),
            };
            (key(r.from), r.label.clone(), to)
        })
        .collect();
    (spans, relations)
}

#[test]
fn the_gold_record_holds_exactly_the_accepted_versions_and_says_where_it_came_from() {
    let w = wagner_offsets();
    let review = wagner_review();
    let id = |offsets| item_at(&review, offsets).id;
    let mut gold = Gold::new(review.clone(), Start::Empty, vec!["rev".into()]).unwrap();
    // A relation needs its ends in the gold first.
    assert_eq!(gold.apply(Decision::AcceptRelation { relation: 1 }), Err(GoldError::RelationEndsMissing(1)));
    let edited = EditedSpan { start: at(WAGNER, "But ", "Secretary-General").0, end: w.antonio_guterres.1, label: "PERSON".into(), attributes: Attributes::new() };
    let decisions = vec![
        Decision::Accept { item: id(w.diop), annotator: "ann1".into() },
        Decision::Reject { item: id(w.russia) },
        Decision::Accept { item: id(w.kremlin), annotator: "ann2".into() },
        Decision::Accept { item: id(w.minusma), annotator: "ann2".into() },
        Decision::Edit { item: id(w.antonio_guterres), spans: vec![edited.clone()] },
        Decision::Accept { item: id(w.mills), annotator: "ann2".into() },
        Decision::Accept { item: id(w.wagner_group), annotator: "ann1".into() },
        Decision::Accept { item: id(w.claim), annotator: "ann2".into() },
        Decision::AcceptRelation { relation: 0 },
        Decision::AcceptRelation { relation: 1 },
        Decision::RejectRelation { relation: 2 },
    ];
    for d in &decisions {
        gold.apply(d.clone()).unwrap_or_else(|e| panic!("{d:?}: {e}"));
    }
    let info = SaveInfo { annotator: None, created_at: None, updated_at: Some("2026-12-01T10:00:00Z".into()), ..SaveInfo::default() };
    let record = gold.record(&info);
    let (spans, relations) = gold_contents(&record);

    let entity = |(s, e): (usize, usize), label: &str| (s, e, "entity".to_string(), label.to_string(), "{}".to_string());
    let claim_attributes = json!({"check_worthy": "yes", "verdict": "unverified"}).to_string();
    let expected: BTreeSet<_> = [
        entity(w.diop, "PERSON"),
        entity(w.kremlin, "ORG"),
        entity(w.minusma, "MISC"),
        entity((edited.start, edited.end), "PERSON"),
        entity(w.mills, "PERSON"),
        entity(w.wagner_group, "ORG"),
        (w.claim.0, w.claim.1, "claim".to_string(), "CLAIM".to_string(), claim_attributes),
    ]
    .into();
    assert_eq!(spans, expected);
    let relation_keys: Vec<(SpanKey, String, EndKey)> =
        review.relations()[..2].iter().map(|r| (r.from.clone(), r.label.clone(), r.to.clone())).collect();
    assert_eq!(relations, relation_keys.into_iter().collect());

    // A normal record: the text's hash, tokens, ids in document order, the reviewer as annotator.
    assert_eq!(record.text_sha256.as_deref(), Some(review.article().sha256()));
    assert!(!record.tokens.is_empty());
    assert_eq!(record.spans.iter().map(|s| s.id.unwrap().0).collect::<Vec<_>>(), (1..=7).collect::<Vec<_>>());
    assert_eq!(record.annotator.as_deref(), Some("rev"));
    assert_eq!(record.meta.doc_id, "fixture");
    assert_eq!(
        record.meta.extra["adjudication"],
        json!({
            "reviewers": ["rev"],
            "started_from": null,
            "sources": [
                {"annotator": "ann1", "text_sha256": review.article().sha256(), "updated_at": null},
                {"annotator": "ann2", "text_sha256": review.article().sha256(), "updated_at": null},
            ],
            "decisions": {
                "items": 8, "accepted": {"ann1": 2, "ann2": 4}, "rejected": 1, "edited": 1, "undecided": 0,
                "relations": 3, "relations_accepted": 2, "relations_rejected": 1, "relations_undecided": 0,
            },
        })
    );
    // The gold survives its own JSON, as the saved file.
    let reparsed = Record::parse(&record.to_json()).unwrap();
    assert_eq!(gold_contents(&reparsed), (spans, relations));

    // Decisions are data: their JSON replays to the same record.
    let log = serde_json::to_string(gold.decisions()).unwrap();
    let diop = format!(r#"{{"decision":"accept","item":{},"annotator":"ann1"}}"#, id(w.diop));
    assert!(log.contains(&diop), "{log}");
    let replayed: Vec<Decision> = serde_json::from_str(&log).unwrap();
    let again = Gold::replay(review.clone(), Start::Empty, vec!["rev".into()], &replayed).unwrap();
    assert_eq!(again.record(&info), record);
}

#[test]
fn undo_is_the_replay_of_the_earlier_decisions() {
    let w = wagner_offsets();
    let review = wagner_review();
    let mut gold = Gold::new(review.clone(), Start::From("ann1".into()), vec!["rev".into()]).unwrap();
    let before = gold.record(&SaveInfo::default());
    let claim = item_at(&review, w.claim).id;
    let mills = item_at(&review, w.mills).id;
    gold.apply(Decision::Accept { item: claim, annotator: "ann2".into() }).unwrap();
    gold.apply(Decision::Reject { item: mills }).unwrap();
    // ann1's claimed_by → Mills stays wanted but its end is gone.
    assert_eq!(gold.relations_without_ends(), vec![1]);
    assert!(!gold.has_relation(1) && gold.has_relation(0));
    // Undecided relations follow the start; a decision is reported as taken.
    assert_eq!(gold.relation_decision(0), None);
    gold.apply(Decision::RejectRelation { relation: 0 }).unwrap();
    assert_eq!((gold.relation_decision(0), gold.has_relation(0)), (Some(false), false));
    assert!(gold.undo());
    assert_eq!(gold.relation_decision(0), None);
    assert_eq!(gold.relation_decision(99), None, "no such relation: no decision");
    assert!(gold.undo() && gold.undo());
    assert!(!gold.undo());
    assert_eq!(gold.record(&SaveInfo::default()), before);
}

#[test]
fn starting_from_an_annotator_without_decisions_gives_their_work() {
    let (a, b) = wagner_saves();
    let review = Arc::new(Review::new(vec![a.clone(), b], &LabelSchema::news_default()).unwrap());
    let gold = Gold::new(review.clone(), Start::From("ann1".into()), vec!["rev".into()]).unwrap();
    let record = gold.record(&SaveInfo::default());
    assert_eq!(gold_contents(&record), gold_contents(&a.record));
    assert_eq!(record.meta.extra["adjudication"]["started_from"], json!("ann1"));
    assert_eq!(record.meta.extra["adjudication"]["decisions"]["undecided"], json!(8));
}

#[test]
fn decisions_the_editor_would_refuse_are_refused_and_change_nothing() {
    let w = wagner_offsets();
    let review = wagner_review();
    let mut gold = Gold::new(review.clone(), Start::From("ann1".into()), vec![]).unwrap();
    let russia = item_at(&review, w.russia).id;
    let span = |(start, end): (usize, usize), label: &str| EditedSpan { start, end, label: label.into(), attributes: Attributes::new() };
    // Diop is already in the gold (item 0, from ann1): the same span again is refused.
    let duplicate = Decision::Edit { item: russia, spans: vec![span(w.diop, "PERSON")] };
    assert!(matches!(gold.apply(duplicate), Err(GoldError::Duplicate(_))));
    let unknown = Decision::Edit { item: russia, spans: vec![span(w.russia, "COUNTRY")] };
    assert!(matches!(gold.apply(unknown), Err(GoldError::InvalidSpan { index: 0, .. })));
    let outside = Decision::Edit { item: russia, spans: vec![span((5, 5), "GPE")] };
    assert!(matches!(gold.apply(outside), Err(GoldError::InvalidSpan { .. })));
    let mut bad_attribute = span(w.claim, "CLAIM");
    bad_attribute.attributes.insert("verdict".into(), json!("maybe"));
    assert!(matches!(gold.apply(Decision::Edit { item: russia, spans: vec![bad_attribute] }), Err(GoldError::InvalidSpan { .. })));
    assert_eq!(gold.apply(Decision::Accept { item: 99, annotator: "ann1".into() }), Err(GoldError::NoSuchItem(99)));
    assert_eq!(gold.apply(Decision::Accept { item: 0, annotator: "ann9".into() }), Err(GoldError::NoSuchAnnotator("ann9".into())));
    assert!(gold.decisions().is_empty());
    assert!(Gold::new(review.clone(), Start::From("nobody".into()), vec![]).is_err());
}

/// Saves of the Unicode fixture, with three annotators.
fn stress_review() -> (Review, [(usize, usize); 6]) {
    let flag = find(STRESS, "🇲🇱");
    let aissata = find(STRESS, "Aïssata Traoré");
    let jica = find(STRESS, "国際協力機構");
    let jica_long = find(STRESS, "Japan International Cooperation Agency (国際協力機構)");
    let jazeera = find(STRESS, "الجزيرة");
    let quote = find(STRESS, "“We cannot keep up,”");
    let quote_type = |t: &str| json!({ "claim_type": t });
    let ann1 = Hand::new(STRESS, "ann1")
        .span(flag, "GPE", none())
        .span(aissata, "PERSON", none())
        .span(jica, "ORG", none())
        .span(jazeera, "ORG", none())
        .span(quote, "CLAIM", quote_type("quote"))
        .relation(5, "claimed_by", Ok(2))
        .save();
    let ann2 = Hand::new(STRESS, "")
        .span(quote, "CLAIM", quote_type("factual_statement"))
        .span(jica_long, "ORG", none())
        .span(aissata, "NORP", none())
        .span(flag, "GPE", none())
        .relation(1, "claimed_by", Ok(3))
        .save();
    let mut ann2 = ann2;
    ann2.record.annotator = None;
    ann2.fallback_name = "ann2".into();
    let ann3 = Hand::new(STRESS, "ann3").span(flag, "GPE", none()).span(jica, "ORG", none()).save();
    let review = Review::new(vec![ann1, ann2, ann3], &LabelSchema::news_default()).unwrap();
    (review, [flag, aissata, jica, jica_long, jazeera, quote])
}

#[test]
fn items_on_hard_unicode_have_code_point_offsets_and_name_every_annotator() {
    let (review, [flag, aissata, jica, jica_long, jazeera, quote]) = stress_review();
    assert_eq!(review.annotators(), vec!["ann1", "ann2", "ann3"], "the fallback name stands in for a missing annotator");
    let chars: Vec<char> = STRESS.chars().collect();
    for item in review.items() {
        for span in item.versions.iter().flat_map(|v| &v.spans) {
            assert!(span.start >= item.start && span.end <= item.end);
            assert!(chars[span.start..span.end].iter().collect::<String>().chars().count() == span.end - span.start);
        }
    }
    assert_eq!(chars[flag.0..flag.1].iter().collect::<String>(), "🇲🇱");
    assert_eq!(item_at(&review, flag).kind, ItemKind::Agree);
    // ann3 labelled no person: the item is missing for ann3, whatever ann1 and ann2 disagree on.
    assert_eq!(item_at(&review, aissata).kind, ItemKind::Missing { absent: vec!["ann3".into()] });
    // ann1 and ann3 took the Japanese name, ann2 the English one with it in brackets.
    let agency = item_at(&review, jica_long);
    assert_eq!(agency.kind, ItemKind::DifferentBoundaries);
    assert_eq!(agency.versions.iter().map(|v| v.spans[0].start).collect::<Vec<_>>(), vec![jica.0, jica_long.0, jica.0]);
    assert_eq!(item_at(&review, jazeera).kind, ItemKind::Missing { absent: vec!["ann2".into(), "ann3".into()] });
    assert_eq!(item_at(&review, quote).kind, ItemKind::Missing { absent: vec!["ann3".into()] });

    // Two annotators only: the quote's claim type and Aïssata's label differ.
    let two: Vec<Save> = review.sources()[..2]
        .iter()
        .map(|s| Save { record: s.record.clone(), fallback_name: s.annotator.clone() })
        .collect();
    let pair = Arc::new(Review::new(two, &LabelSchema::news_default()).unwrap());
    assert_eq!(item_at(&pair, aissata).kind, ItemKind::DifferentLabel);
    let ItemKind::DifferentAttributes(d) = &item_at(&pair, quote).kind else { panic!() };
    assert_eq!(d[0].key, "claim_type");
    assert_eq!(d[0].values[1], ("ann2".to_string(), Some(json!("factual_statement"))));
    // Their claimed_by relations point at spans with different labels: two relations.
    assert_eq!(pair.relations().len(), 2);
    assert!(pair.relations().iter().all(|r| r.kind != ItemKind::Agree));
    // A reviewer takes ann1's Aïssata and ann2's claim; both relations reach the gold only as far as their ends do.
    let mut gold = Gold::new(pair.clone(), Start::Empty, vec!["rev1".into(), "rev2".into()]).unwrap();
    gold.apply(Decision::Accept { item: item_at(&pair, aissata).id, annotator: "ann1".into() }).unwrap();
    gold.apply(Decision::Accept { item: item_at(&pair, quote).id, annotator: "ann2".into() }).unwrap();
    let ann1_relation = pair.relations().iter().position(|r| r.versions[0].1.is_some()).unwrap();
    let ann2_relation = pair.relations().iter().position(|r| r.versions[1].1.is_some()).unwrap();
    gold.apply(Decision::AcceptRelation { relation: ann1_relation }).unwrap();
    assert_eq!(gold.apply(Decision::AcceptRelation { relation: ann2_relation }), Err(GoldError::RelationEndsMissing(ann2_relation)));
    let record = gold.record(&SaveInfo::default());
    let (spans, relations) = gold_contents(&record);
    assert_eq!(spans.len(), 2);
    assert_eq!(relations.len(), 1);
    assert_eq!(record.annotator.as_deref(), Some("rev1, rev2"));
    let by_cp: String = chars[record.spans[0].start..record.spans[0].end].iter().collect();
    assert_eq!(record.spans[0].text.as_deref(), Some(by_cp.as_str()));
}

#[test]
fn saves_that_cannot_be_compared_are_refused_with_a_reason() {
    let schema = LabelSchema::news_default();
    let (a, b) = wagner_saves();
    assert_eq!(Review::new(vec![a.clone()], &schema).unwrap_err(), ReviewError::TooFewSaves(1));
    let other = Hand::new(STRESS, "ann2").save();
    let e = Review::new(vec![a.clone(), other], &schema).unwrap_err();
    assert_eq!(e, ReviewError::OtherText { annotator: "ann2".into(), reference: "ann1".into() });
    assert!(e.to_string().contains("different text"), "{e}");
    let e = Review::new(vec![a.clone(), a.clone()], &schema).unwrap_err();
    assert_eq!(e, ReviewError::SameAnnotator("ann1".into()));
    let mut unnamed = b.clone();
    unnamed.record.annotator = Some("  ".into());
    unnamed.fallback_name = String::new();
    assert_eq!(Review::new(vec![a.clone(), unnamed], &schema).unwrap_err(), ReviewError::Unnamed { index: 1 });
    let mut tampered = b.clone();
    tampered.record.text_sha256 = Some("0".repeat(64));
    assert!(matches!(Review::new(vec![a.clone(), tampered], &schema), Err(ReviewError::Unreadable { .. })));
    let mut twice = b;
    let mut copy = twice.record.spans[0].clone();
    copy.id = Some(SpanId(99));
    twice.record.spans.push(copy);
    assert!(matches!(Review::new(vec![a, twice], &schema), Err(ReviewError::Inconsistent { .. })));
}

const LABELS: [&str; 4] = ["PERSON", "ORG", "GPE", "CLAIM"];
const VERDICTS: [&str; 2] = ["true", "false"];

/// An annotator's random spans on the start of the Unicode fixture.
fn random_save(annotator: &str, picks: &[(usize, usize, usize, usize)]) -> Save {
    let text: String = STRESS.chars().take(120).collect();
    let mut hand = Hand::new(&text, annotator);
    let mut seen = BTreeSet::new();
    for &(start, len, label, verdict) in picks {
        let (start, label) = (start % 115, LABELS[label % LABELS.len()]);
        let end = start + 1 + len % 5;
        if !seen.insert((start, end, label)) {
            continue;
        }
        let attributes = if label == "CLAIM" { json!({ "verdict": VERDICTS[verdict % 2] }) } else { none() };
        hand = hand.span((start, end), label, attributes);
    }
    hand.save()
}

proptest! {
    #[test]
    fn every_span_is_in_one_item_and_accepting_one_side_gives_it_back(
        a in proptest::collection::vec((0usize..200, 0usize..10, 0usize..4, 0usize..2), 0..14),
        b in proptest::collection::vec((0usize..200, 0usize..10, 0usize..4, 0usize..2), 0..14),
    ) {
        let saves = vec![random_save("a", &a), random_save("b", &b)];
        let review = Arc::new(Review::new(saves, &LabelSchema::news_default()).unwrap());
        for source in review.sources() {
            // Each of this annotator's spans, by its file's id, appears in exactly one item's version of theirs.
            let mut counts = std::collections::BTreeMap::new();
            for item in review.items() {
                for (v, version) in item.versions.iter().enumerate() {
                    for span in &version.spans {
                        prop_assert_eq!(&version.annotator, &review.sources()[v].annotator);
                        if version.annotator == source.annotator {
                            *counts.entry(span.id).or_insert(0) += 1;
                        }
                    }
                }
            }
            prop_assert_eq!(counts.len(), source.spans.len());
            prop_assert!(counts.values().all(|n| *n == 1));

            let who = source.annotator.clone();
            let mut gold = Gold::new(review.clone(), Start::Empty, vec!["rev".into()]).unwrap();
            for item in review.items() {
                let theirs = &item.versions.iter().find(|v| v.annotator == who).unwrap().spans;
                if !theirs.is_empty() {
                    gold.apply(Decision::Accept { item: item.id, annotator: who.clone() }).unwrap();
                }
            }
            let got: BTreeSet<_> = gold.spans().iter().map(content).collect();
            let want: BTreeSet<_> = source.spans.iter().map(content).collect();
            prop_assert_eq!(gold.spans().len(), source.spans.len());
            prop_assert_eq!(got, want);
            let (spans, _) = gold_contents(&gold.record(&SaveInfo::default()));
            prop_assert_eq!(spans.len(), source.spans.len());
        }
        // An agreeing item is one where both have the very same spans.
        for item in review.items().iter().filter(|i| i.kind == ItemKind::Agree) {
            let contents = |v: &Version| v.spans.iter().map(content).collect::<Vec<_>>();
            prop_assert_eq!(contents(&item.versions[0]), contents(&item.versions[1]));
        }
    }
}

#[test]
fn unset_attributes_differ_only_from_set_ones_and_a_default_is_not_a_choice() {
    // Issue 17: three claims, both annotators made each. Nothing set on the
    // first (one side carries only the schema's default); a verdict set on
    // one side of the second; the same verdict on both sides of the third.
    let mills = find(WAGNER, "Richard Mills");
    let (first, second, third) = (find(WAGNER, "Mali"), find(WAGNER, "Wagner"), find(WAGNER, "Russia"));
    let claims = |verdicts: [Option<&str>; 3]| {
        let mut hand = Hand::new(WAGNER, "ann").span(mills, "PERSON", none());
        for (at, verdict) in [first, second, third].into_iter().zip(verdicts) {
            hand = hand.span(at, "CLAIM", verdict.map_or(none(), |v| json!({ "verdict": v })));
        }
        hand
    };
    let ann1 = claims([None, None, Some("false")]);
    let mut ann2 = claims([None, Some("unverified"), Some("false")]);
    ann2.record.annotator = Some("ann2".into());
    let mut ann1 = ann1.save();
    ann1.record.annotator = Some("ann1".into());
    ann2.record.spans[1].defaults.insert("verdict".into(), json!("unverified"));
    let review = Review::new(vec![ann1, ann2.save()], &LabelSchema::news_default()).unwrap();
    assert_eq!(item_at(&review, first).kind, ItemKind::Agree, "unset against unset (or a default nobody chose) is no difference");
    assert_eq!(item_at(&review, third).kind, ItemKind::Agree);
    let ItemKind::DifferentAttributes(d) = &item_at(&review, second).kind else { panic!("{:?}", item_at(&review, second).kind) };
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].values, vec![("ann1".to_string(), None), ("ann2".to_string(), Some(json!("unverified")))], "unset against set is shown");
}
