//! Tests of W3C annotations placed on a given text: the third-party files
//! of `tests/fixtures/thirdparty/w3c/` (each span's text against the file's
//! own quote, offsets found by the standard library), hard Unicode, both
//! position units, hostile numbers, and our own export read this way.

use super::*;
use crate::anchor::{Doubt, Outcome};
use crate::test_support::span_at;
use serde_json::{json, Value};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../../../tests/fixtures/thirdparty/w3c/", $name))
    };
}

/// Code-point range of the first occurrence of `needle`, by the standard
/// library (not by the code under test).
fn cp(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn place(json: &str, text: &str) -> Placed {
    import_with_text(json, text, "doc", &LabelSchema::news_default(), None).unwrap_or_else(|e| panic!("{e}"))
}

/// Every `exact` of the file, by annotation id, straight from the JSON.
fn quotes_of(json: &str) -> Vec<(String, String)> {
    let root: Value = serde_json::from_str(json).unwrap();
    let items: Vec<Value> = match &root {
        Value::Array(a) => a.clone(),
        Value::Object(o) if o.contains_key("rows") => root["rows"].as_array().unwrap().clone(),
        Value::Object(o) if o.contains_key("first") => root["first"]["items"].as_array().unwrap().clone(),
        _ => vec![root.clone()],
    };
    let mut out = Vec::new();
    for item in items {
        let targets = match &item["target"] {
            Value::Array(a) => a.clone(),
            t => vec![t.clone()],
        };
        for t in targets {
            let selectors = match &t["selector"] {
                Value::Array(a) => a.clone(),
                s => vec![s.clone()],
            };
            for s in selectors {
                let s = if s["refinedBy"].is_object() { s["refinedBy"].clone() } else { s };
                if s["type"] == "TextQuoteSelector" {
                    out.push((item["id"].as_str().unwrap().to_string(), s["exact"].as_str().unwrap().to_string()));
                }
            }
        }
    }
    out
}

/// Each placed span's text is its annotation's quote (whitespace at its
/// edges aside), at the place the standard library finds that quote, and
/// the record's offsets are code points of the text.
fn assert_spans_are_the_quotes(placed: &Placed, json: &str, text: &str) -> usize {
    let quotes = quotes_of(json);
    let mut checked = 0;
    for (entry, origin) in placed.anchored.report.spans.iter().zip(&placed.origins) {
        let Some((start, end)) = entry.new_start.zip(entry.new_end) else { continue };
        let exact = &quotes.iter().find(|(id, _)| id == origin).unwrap_or_else(|| panic!("no quote for {origin}")).1;
        let (s, e) = cp(text, exact.trim());
        assert_eq!((start, end), (s, e), "{origin}: {exact:?}");
        assert_eq!(entry.new_text.as_deref(), Some(exact.trim()), "{origin}");
        let span = placed.anchored.record.spans.iter().find(|sp| sp.id == entry.id).unwrap();
        assert_eq!(text.chars().skip(span.start).take(span.end - span.start).collect::<String>(), exact.trim());
        checked += 1;
    }
    checked
}

#[test]
fn recogito_js_tags_comments_and_a_link_on_the_odyssey() {
    let (json, text) = (fixture!("recogito-js-annotations.w3c.json"), fixture!("odyssey.txt"));
    let placed = place(json, text);
    // Troy has two tags: two spans; the two comments are highlights.
    assert_eq!(assert_spans_are_the_quotes(&placed, json, text), 4);
    let r = &placed.anchored.record;
    let labels: Vec<(&str, &str)> = r.spans.iter().map(|s| (s.label.as_str(), s.text.as_deref().unwrap())).collect();
    assert_eq!(labels, [("A_Tag", "Troy"), ("Another_Tag", "Troy"), ("highlighting", "death in battle"), ("highlighting", "Ithaca")]);
    assert_eq!(r.spans[0].attributes["note"], "This is a comment");
    assert_eq!(r.spans[2].attributes["note"], "Another comment");
    // Recogito counted the page without the title's line breaks (2 fewer)
    // and ended Ithaca one character late: the quotes settle both.
    let report = &placed.anchored.report;
    assert!(report.spans.iter().all(|s| s.outcome == Outcome::Moved && !s.needs_review()), "{report:?}");
    assert_eq!(report.spans[3].selector.start, 963);
    // The link between Troy and "death in battle".
    assert_eq!(r.relations.len(), 1);
    assert_eq!(r.relations[0].label, "isRelatedTo");
    assert_eq!((r.relations[0].from, r.relations[0].to), (r.spans[0].id, r.spans[2].id));
    assert!(placed.notices.iter().any(|n| n.starts_with("2 annotations had no tag")), "{:?}", placed.notices);
    assert!(placed.notices.iter().any(|n| n.starts_with("tags with spaces renamed (“A Tag” → “A_Tag”, “Another Tag” → “Another_Tag”)")), "{:?}", placed.notices);
    // Under an editor's schema without these labels, the tags are refused
    // one by one and listed, and the rest loads.
    let news = LabelSchema::news_default();
    let strict = import_with_text(json, text, "doc", &news, Some(&news)).unwrap_err();
    assert!(strict.contains("#ce0ed291-766b-4763-8e91-90ce1d04e706 A_Tag “Troy”: not placed: refused: label \"A_Tag\" is not in the label schema"), "{strict}");
}

#[test]
fn recogito_text_annotator_overlapping_selections_with_context() {
    let (json, text) = (fixture!("recogito-text-annotator.w3c.json"), fixture!("odyssey.txt"));
    let placed = place(json, text);
    assert_eq!(assert_spans_are_the_quotes(&placed, json, text), 5);
    assert!(placed.not_read.is_empty());
    // Selections cut inside words ("im. But as …") stay as the tool made them.
    assert!(placed.anchored.record.spans.iter().any(|s| s.text.as_deref() == Some("t as years went by, the")));
    assert_eq!(placed.anchored.report.needs_review, 0, "{:?}", placed.anchored.report);
}

#[test]
fn hypothesis_api_rows_at_their_own_position() {
    let (json, text) = (fixture!("hypothesis-minimal.json"), fixture!("hypothesis-minimal.txt"));
    let placed = place(json, text);
    assert_eq!(assert_spans_are_the_quotes(&placed, json, text), 1);
    let entry = &placed.anchored.report.spans[0];
    assert_eq!((entry.outcome, entry.new_start, entry.new_end), (Outcome::Unchanged, Some(4), Some(7)));
    assert_eq!(placed.origins, ["test"]);
    assert_eq!(placed.anchored.record.spans[0].label, "highlighting");
}

#[test]
fn w3c_model_examples_quotes_refinements_and_what_is_not_read() {
    let text = fixture!("w3c-page1.txt");
    let anno26 = place(fixture!("w3c-anno26.json"), text);
    assert_eq!(assert_spans_are_the_quotes(&anno26, fixture!("w3c-anno26.json"), text), 1);
    // A quote refining a FragmentSelector is still found by its words.
    let anno32 = place(fixture!("w3c-anno32.json"), text);
    assert_eq!(assert_spans_are_the_quotes(&anno32, fixture!("w3c-anno32.json"), text), 1);
    let len = text.chars().count();
    let anno27 = import_with_text(fixture!("w3c-anno27.json"), text, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert_eq!(
        anno27,
        format!("none of the 1 annotations could be placed on the text; http://example.org/anno27: not read: its TextPositionSelector 412–795 lies beyond the text ({len} characters), and it has no quote to find it by")
    );
    let anno41 = import_with_text(fixture!("w3c-anno41.json"), text, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert!(anno41.contains("http://example.org/anno41: not read: its TextPositionSelector counts inside another selector's part of the page"), "{anno41}");

    let json = fixture!("w3c-collection1.json");
    let all = place(json, text);
    assert_eq!(all.total, 41);
    assert_eq!(assert_spans_are_the_quotes(&all, json, text), 2);
    // Every other annotation is listed, by its id, with why.
    assert_eq!(all.not_read.len(), 39);
    for n in 1..=41 {
        let id = format!("http://example.org/anno{n}");
        let listed = all.not_read.iter().any(|r| r.name == id) || all.origins.contains(&id);
        assert!(listed, "{id} neither placed nor reported");
    }
    let image = all.not_read.iter().find(|r| r.name == "http://example.org/anno29").unwrap();
    assert_eq!(image.why, "its target is selected by SvgSelector only: Marginalia reads text selectors (TextQuoteSelector, TextPositionSelector)");
    assert!(all.notices.iter().any(|n| n.contains("different sources")), "{:?}", all.notices);
    let lines = report_lines(&all);
    assert!(lines.iter().any(|l| l.starts_with("http://example.org/anno1: not read: its target has no TextQuoteSelector")), "{lines:?}");
}

/// Emoji with ZWJ, a flag, a combining accent, CJK and Arabic (RTL).
const HARD: &str = "👨‍👩‍👧‍👦 🇲🇱 Mali: e\u{301}cole of 国際協力機構, said الجزيرة: “Wagner left.”";

fn tagged(exact: &str, position: Option<(Value, Value)>) -> Value {
    let mut selectors = vec![json!({"type": "TextQuoteSelector", "exact": exact})];
    if let Some((start, end)) = position {
        selectors.push(json!({"type": "TextPositionSelector", "start": start, "end": end}));
    }
    json!({"id": format!("urn:t:{exact}"), "type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": "ORG"}, "target": {"source": "urn:page", "selector": selectors}})
}

fn utf16(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].encode_utf16().count();
    (start, start + needle.encode_utf16().count())
}

#[test]
fn positions_in_code_points_and_in_utf16_units_land_on_the_same_characters() {
    for needle in ["Mali", "e\u{301}cole", "国際協力機構", "الجزيرة", "“Wagner left.”"] {
        let (s, e) = cp(HARD, needle);
        let (us, ue) = utf16(HARD, needle);
        assert_ne!((s, e), (us, ue), "the emoji before make the units differ");
        for (start, end) in [(s, e), (us, ue)] {
            let placed = place(&tagged(needle, Some((start.into(), end.into()))).to_string(), HARD);
            let entry = &placed.anchored.report.spans[0];
            assert_eq!((entry.outcome, entry.new_start, entry.new_end), (Outcome::Unchanged, Some(s), Some(e)), "{needle} at {start}–{end}");
            assert_eq!(entry.new_text.as_deref(), Some(needle));
        }
        // A position alone is read in code points (the W3C model's unit).
        let alone = json!({"id": "p", "motivation": "tagging", "body": {"type": "TextualBody", "value": "ORG"}, "target": {"selector": {"type": "TextPositionSelector", "start": s, "end": e}}});
        let placed = place(&alone.to_string(), HARD);
        let entry = &placed.anchored.report.spans[0];
        assert_eq!((entry.new_start, entry.new_end, entry.doubt), (Some(s), Some(e), Some(Doubt::PositionOnly)));
        assert!(entry.needs_review());
    }
    let placed = place(&tagged("الجزيرة", Some(utf16(HARD, "الجزيرة").0.into()).zip(Some(utf16(HARD, "الجزيرة").1.into()))).to_string(), HARD);
    assert!(placed.notices.iter().any(|n| n.starts_with("1 position(s) were in UTF-16 code units")), "{:?}", placed.notices);
}

#[test]
fn the_quote_settles_a_position_that_disagrees_or_lies_beyond_the_text() {
    let (s, e) = cp(HARD, "国際協力機構");
    for (start, end) in [(json!(3), json!(9)), (json!(10_000), json!(10_006))] {
        let placed = place(&tagged("国際協力機構", Some((start, end))).to_string(), HARD);
        let entry = &placed.anchored.report.spans[0];
        assert_eq!((entry.outcome, entry.new_start, entry.new_end), (Outcome::Moved, Some(s), Some(e)));
    }
}

#[test]
fn hostile_numbers_get_clear_messages() {
    let cases = [
        (json!(-3), json!(4), "its TextPositionSelector's start is -3, not a whole number of characters ≥ 0"),
        (json!(1.5), json!(4), "its TextPositionSelector's start is 1.5, not a whole number of characters ≥ 0"),
        (json!(0), json!(1e300), "its TextPositionSelector's end is 1e+300, not a whole number of characters ≥ 0"),
        (json!("4"), json!(8), "its TextPositionSelector's start is \"4\", not a whole number of characters ≥ 0"),
        (json!(9), json!(4), "its TextPositionSelector starts at 9 and ends at 4: an empty or reversed range"),
        (json!(u64::MAX), json!(u64::MAX), "its TextPositionSelector starts at 18446744073709551615 and ends at 18446744073709551615: an empty or reversed range"),
    ];
    for (start, end, message) in cases {
        // Alone, the annotation is not read, and says why.
        let alone = json!({"id": "a1", "motivation": "tagging", "body": {"type": "TextualBody", "value": "ORG"}, "target": {"selector": {"type": "TextPositionSelector", "start": start, "end": end}}});
        let err = import_with_text(&alone.to_string(), HARD, "d", &LabelSchema::news_default(), None).unwrap_err();
        assert_eq!(err, format!("none of the 1 annotations could be placed on the text; a1: not read: {message}"));
        // With a quote, the quote places it and the number is reported.
        let placed = place(&tagged("Mali", Some((start.clone(), end.clone()))).to_string(), HARD);
        assert_eq!(placed.anchored.record.spans[0].text.as_deref(), Some("Mali"));
        assert_eq!(placed.notices, [format!("urn:t:Mali: {message}")]);
    }
    let beyond = json!({"id": "b", "motivation": "tagging", "body": {"type": "TextualBody", "value": "ORG"}, "target": {"selector": {"type": "TextPositionSelector", "start": 5, "end": 10_000}}});
    let err = import_with_text(&beyond.to_string(), HARD, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert!(err.ends_with(&format!("lies beyond the text ({} characters), and it has no quote to find it by", HARD.chars().count())), "{err}");
}

#[test]
fn doubtful_and_missing_quotes_are_reported_with_their_id_and_quote() {
    let text = "Mali and Mali signed. Bamako agreed.";
    let file = json!([tagged("Mali", None), tagged("Timbuktu", None), tagged("Bamako", None)]);
    let placed = place(&file.to_string(), text);
    let report = &placed.anchored.report;
    assert!(matches!(report.spans[0].doubt, Some(Doubt::Ambiguous { places: 2 })), "{report:?}");
    assert_eq!(report.spans[1].outcome, Outcome::Orphaned);
    assert_eq!(report.spans[2].outcome, Outcome::Moved);
    let lines = report_lines(&placed);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("urn:t:Mali ORG “Mali”: placed at 0–4 on “Mali” with doubt (its words fit 2 places equally well)"), "{lines:?}");
    assert_eq!(lines[1], "urn:t:Timbuktu ORG “Timbuktu”: not placed: its words are not in the text");
    assert_eq!(summary(&placed), "3 of 3 annotations read: 1 spans placed exactly, 1 placed with doubt, 1 not found in the text, 2 to review; 0 annotations not read");
    // Nothing placed at all is an error naming each annotation.
    let err = import_with_text(&json!([tagged("Timbuktu", None)]).to_string(), text, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert_eq!(err, "none of the 1 annotations could be placed on the text; urn:t:Timbuktu ORG “Timbuktu”: not placed: its words are not in the text");
    assert!(import_with_text("{\"hello\": 1}", text, "d", &LabelSchema::news_default(), None).unwrap_err().starts_with("this JSON is not a W3C Web Annotation"));
}

#[test]
fn shapes_page_collection_single_and_whitespace_at_the_quote_edges() {
    let one = tagged(" Mali ", None);
    let page = json!({"type": "AnnotationPage", "items": [one]});
    let collection = json!({"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [], "next": {"type": "AnnotationPage", "items": [one]}}});
    for shape in [one.clone(), json!([one]), page, collection] {
        let placed = place(&shape.to_string(), HARD);
        assert_eq!(placed.anchored.record.spans[0].text.as_deref(), Some("Mali"), "{shape}");
        assert_eq!((placed.anchored.record.spans[0].start, placed.anchored.record.spans[0].end), cp(HARD, "Mali"));
    }
    let linked = json!({"type": "AnnotationCollection", "first": "http://example.org/page1"});
    assert!(import_with_text(&linked.to_string(), HARD, "d", &LabelSchema::news_default(), None).unwrap_err().contains("not embedded"));
}

#[test]
fn our_own_export_reads_back_through_this_path_too() {
    let mut r = new_record(HARD.into(), "wire".into());
    r.spans.push(span_at(1, HARD, "Mali", "GPE", "entity"));
    r.spans.push(span_at(2, HARD, "国際協力機構", "ORG", "entity"));
    let mut claim = span_at(3, HARD, "“Wagner left.”", "CLAIM", "claim");
    claim.attributes.insert("claim_type".into(), "quote".into());
    r.spans.push(claim);
    r.relations.push(RecordRelation { id: Some(crate::relation::RelationId(1)), label: "about".into(), from: Some(SpanId(3)), to: Some(SpanId(1)), to_text: None, head: None, child: None, head_span: None, child_span: None });
    r.document_labels.insert("section".into(), "world".into());
    let exported = super::super::export(&r).text;
    let placed = place(&exported, HARD);
    let back = &placed.anchored.record;
    assert_eq!(back.spans, r.spans);
    assert_eq!(back.relations, r.relations);
    assert_eq!(back.document_labels, r.document_labels);
    assert!(placed.not_read.is_empty() && placed.notices.is_empty(), "{:?} {:?}", placed.not_read, placed.notices);
    // And the old path still reads it.
    assert_eq!(super::super::import(&exported, &LabelSchema::news_default()).unwrap().spans, r.spans);
}

#[test]
fn which_files_need_a_text() {
    use super::super::foreign::needs_text;
    for name in [fixture!("recogito-js-annotations.w3c.json"), fixture!("hypothesis-minimal.json"), fixture!("w3c-anno26.json"), fixture!("w3c-collection1.json")] {
        assert!(needs_text(name), "{name}");
    }
    let mut r = new_record(HARD.into(), "wire".into());
    r.spans.push(span_at(1, HARD, "Mali", "GPE", "entity"));
    assert!(!needs_text(&super::super::export(&r).text), "our export carries its text");
    assert!(!needs_text("{\"text\": \"x\", \"spans\": []}"));
    assert!(!needs_text("[{\"text\": \"x\"}]"));
    assert!(!needs_text("not json"));
}

#[test]
fn another_tools_comments_are_kept_as_the_spans_comments_under_any_schema() {
    // Recogito's schema defines no attribute at all: a comment is every span's.
    let schema = LabelSchema::from_json(fixture!("recogito.labels.json")).unwrap();
    let (json, text) = (fixture!("recogito-js-annotations.w3c.json"), fixture!("odyssey.txt"));
    let placed = import_with_text(json, text, "doc", &schema, Some(&schema)).unwrap();
    let r = &placed.anchored.record;
    assert_eq!(r.spans.len(), 4);
    let comments: Vec<&str> = r.spans.iter().filter_map(|s| s.attributes.get(crate::label_schema::COMMENT)?.as_str()).collect();
    assert_eq!(comments.len(), 4, "{:?}", r.spans);
    assert!(r.spans.iter().all(|s| s.attributes.len() == 1), "only the comment: {:?}", r.spans);
    assert!(!placed.notices.iter().any(|n| n.contains("left out")), "{:?}", placed.notices);
    assert_eq!(r.relations.len(), 1);
    r.clone().load(&schema).expect("the record loads under the schema it was settled with");
}

#[test]
fn without_a_position_an_approximate_match_needs_its_context() {
    let text = "The nations of the sea. Later: this is an annotation that has some typos.";
    let quote = |prefix: &str, suffix: &str| {
        json!({"id": "q", "motivation": "tagging", "body": {"type": "TextualBody", "value": "ORG"},
               "target": {"selector": {"type": "TextQuoteSelector", "exact": "anotation", "prefix": prefix, "suffix": suffix}}}).to_string()
    };
    // Its context is there: the edited word is found, as a fuzzy match
    // (one letter in ten with the context intact: 0.95, the review bar).
    let placed = place(&quote("this is an ", " that has some"), text);
    let entry = &placed.anchored.report.spans[0];
    assert_eq!((entry.new_start, entry.new_end), Some(cp(text, "annotation")).map(|(s, e)| (Some(s), Some(e))).unwrap());
    assert!(matches!(entry.outcome, Outcome::Fuzzy { .. }) && entry.doubt == Some(Doubt::QuoteEdited), "{entry:?}");
    // Another page's context: no look-alike word is taken for it.
    let err = import_with_text(&quote("a page that says ", " elsewhere"), text, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert!(err.ends_with("q ORG “anotation”: not placed: its words are not in the text"), "{err}");
    let err = import_with_text(&quote("", ""), text, "d", &LabelSchema::news_default(), None).unwrap_err();
    assert!(err.ends_with("not placed: its words are not in the text"), "{err}");
}
