//! Native unit tests of what the relations view lists and draws ("who
//! claims what", the arcs for the selected span or for all) and of the
//! review's start with relations (agreed ones in the gold at once, the
//! reviewer's undo stopping at the first decision of their own).

use crate::adjudication_view::start_review;
use crate::components::relation_list::{linked_spans, LinkEntry};
use crate::components::relations_view::arcs_to_draw;
use marginalia_core::article::Article;
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::relation::Target;
use marginalia_core::span::SpanId;
use std::sync::Arc;

/// Right-to-left and emoji before the claim, so code points, UTF-16 and
/// bytes all differ.
const TEXT: &str = "قال 👩‍💻 Diop: Wagner left Mali. Ümit agreed.";

fn at(word: &str) -> (usize, usize) {
    let byte = TEXT.find(word).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + word.chars().count())
}

/// A claim by Diop about Wagner and Mali (one link free text), a claim
/// with no link yet, and an entity no relation leaves from.
fn editor() -> (Editor, SpanId, SpanId, SpanId) {
    let article = Article::new("doc", "Title", TEXT).unwrap();
    let mut e = Editor::new(Arc::new(article), Arc::new(LabelSchema::news_default()));
    let span = |e: &mut Editor, w: &str, label: &str| {
        let (s, end) = at(w);
        e.add_span(s, end, label).unwrap()
    };
    let diop = span(&mut e, "Diop", "PERSON");
    let wagner = span(&mut e, "Wagner", "ORG");
    let claim = span(&mut e, "Wagner left Mali.", "CLAIM");
    span(&mut e, "Ümit agreed.", "CLAIM");
    span(&mut e, "Ümit", "PERSON");
    e.add_relation(claim, Target::Span(wagner), "about").unwrap();
    e.add_relation(claim, Target::Span(diop), "claimed_by").unwrap();
    e.add_relation(claim, Target::Text("the ministry".into()), "claimed_by").unwrap();
    (e, claim, diop, wagner)
}

#[test]
fn who_claims_what_lists_every_claim_with_its_links_in_schema_order() {
    let (e, claim, diop, wagner) = editor();
    let listed = linked_spans(&e);
    let summary: Vec<(&str, &str, usize)> = listed.iter().map(|s| (s.label.as_str(), s.quote.as_str(), s.links.len())).collect();
    assert_eq!(summary, [("CLAIM", "Wagner left Mali.", 3), ("CLAIM", "Ümit agreed.", 0)], "entities without relations are not listed");
    assert_eq!((listed[0].id, listed[0].start, listed[0].end), (claim, at("Wagner left Mali.").0, at("Wagner left Mali.").1));
    let (d, w) = (at("Diop"), at("Wagner"));
    assert_eq!(
        listed[0].links,
        [
            LinkEntry { relation: "Claimed by".into(), target: "Diop".into(), span: Some((diop, d.0, d.1)) },
            LinkEntry { relation: "Claimed by".into(), target: "the ministry".into(), span: None },
            LinkEntry { relation: "About".into(), target: "Wagner".into(), span: Some((wagner, w.0, w.1)) },
        ]
    );
}

#[test]
fn arcs_are_the_selected_spans_relations_or_all_and_never_to_free_text() {
    let (e, claim, diop, wagner) = editor();
    let listed = linked_spans(&e);
    assert!(arcs_to_draw(&listed, None, false).is_empty(), "nothing selected, nothing drawn");
    let from_claim = arcs_to_draw(&listed, Some(claim), false);
    let ends: Vec<((usize, usize), &str)> = from_claim.iter().map(|a| (a.to, a.label.as_str())).collect();
    assert_eq!(ends, [(at("Diop"), "Claimed by"), (at("Wagner"), "About")]);
    assert!(from_claim.iter().all(|a| a.from == at("Wagner left Mali.")));
    // Selecting the target shows the arcs that land on it.
    assert_eq!(arcs_to_draw(&listed, Some(diop), false).len(), 1);
    assert_eq!(arcs_to_draw(&listed, Some(wagner), false)[0].label, "About");
    assert_eq!(arcs_to_draw(&listed, None, true).len(), 2, "all: every relation to a span");
}

/// `annotator`'s save: the claim and Diop, linked `claimed_by`, and Wagner
/// labelled `wagner`.
fn save(annotator: &str, wagner: &str) -> (String, String) {
    let mut e = Editor::new(Arc::new(Article::new("doc", "Title", TEXT).unwrap()), Arc::new(LabelSchema::news_default()));
    let span = |e: &mut Editor, w: &str, label: &str| {
        let (s, end) = at(w);
        e.add_span(s, end, label).unwrap()
    };
    let claim = span(&mut e, "Wagner left Mali.", "CLAIM");
    let diop = span(&mut e, "Diop", "PERSON");
    span(&mut e, "Wagner", wagner);
    e.add_relation(claim, Target::Span(diop), "claimed_by").unwrap();
    let info = SaveInfo { annotator: Some(annotator.into()), ..SaveInfo::default() };
    (format!("{annotator}.json"), Record::from_editor(&e, &info, true).to_json())
}

#[test]
fn a_review_takes_agreed_relations_at_once_and_undo_stops_at_the_reviewers_first_decision() {
    let files = [save("ana", "ORG"), save("ben", "GPE")];
    let schema = LabelSchema::news_default();
    let mut review = start_review(&files, &schema, "rev", None).unwrap();
    let record = review.gold.record(&SaveInfo::default());
    assert_eq!(record.relations.len(), 1, "the relation both made is in the gold: {:?}", record.relations);
    assert!(!review.can_undo(), "nothing of the reviewer's to undo: {:?}", review.gold.decisions());
    let wagner = review.gold.review().disagreements().next().unwrap().id;
    (review.ops.apply)(&mut review.gold, marginalia_core::adjudication::Decision::Reject { item: wagner }).unwrap();
    assert!(review.can_undo());
}
