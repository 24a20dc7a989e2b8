//! The brat format's own tests: offsets on hard text, what import keeps,
//! what export writes and reports.

use super::*;
use super::line;
use crate::formats::new_record;
use crate::label_schema::LabelSchema;
use crate::record::Record;
use crate::relation::RelationId;
use crate::span::SpanId;
use crate::test_support::{cp as at, span_at as span, relation_of as relation};
use crate::record::RecordMeta;

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
    // Nothing kept, nothing for other formats to report.
    assert_eq!(kept_summary(&back), None);
    back.load(&LabelSchema::news_default()).expect("the import is a valid record");
}

/// A `.ann` file as a set of annotations, whatever their ids and order:
/// each line described with the lines it points at described in its place
/// (`M` is brat's older `A`; blank tails and trailing whitespace aside).
pub(super) fn annotation_set(ann: &str) -> Vec<String> {
    let lines: Vec<&str> = ann.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).filter(|l| !l.trim().is_empty()).collect();
    let parsed: Vec<line::AnnLine> = lines.iter().map(|l| line::parse(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let by_id: std::collections::HashMap<&str, usize> = parsed.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    fn describe(i: usize, lines: &[&str], parsed: &[line::AnnLine], by_id: &std::collections::HashMap<&str, usize>, depth: usize) -> String {
        assert!(depth < 50, "a cycle of references at {}", lines[i]);
        let (l, p) = (lines[i], &parsed[i]);
        let mut out = String::new();
        let mut at = p.id.len();
        for &(a, b) in &p.refs {
            out.push_str(&l[at..a]);
            let target = by_id[&l[a..b]];
            out.push_str(&format!("[{}]", describe(target, lines, parsed, by_id, depth + 1)));
            at = b;
        }
        out.push_str(&l[at..]);
        let kind = if p.id == "*" { "*" } else if p.id.starts_with('M') { "A" } else { &p.id[..1] };
        format!("{kind} {}", out.trim_end())
    }
    let mut set: Vec<String> = (0..lines.len()).map(|i| describe(i, &lines, &parsed, &by_id, 0)).collect();
    set.sort();
    set
}

#[test]
fn reads_brat_written_by_others() {
    let text = "Mali and\nNiger signed. Wagner is here.";
    let ann = "T1\tGPE 0 4\tMali\r\nT7\tGPE 0 4;9 14\tMali Niger\n\
               T2\tCLAIM 0 8;9 22\tMali and Niger signed.\nM1\tcheck_worthy T2 yes\nA2\tNegated T1\n\
               E1\tSign:T2 Agent:T1\nA3\tcheck_worthy E1 no\nN1\tReference T1 Wikidata:Q912\tMali\n\
               #2\tAnnotatorNotes T2\tfirst\n#3\tAnnotatorNotes T2\tsecond\nR4\tabout Arg1:T2 Arg2:T1\n\n";
    let r = import(text, ann, "d", &LabelSchema::news_default()).unwrap();
    let claim = r.spans.iter().find(|s| s.label == "CLAIM").unwrap();
    assert_eq!((claim.start, claim.end, claim.id, claim.layer.as_str()), (0, 22, Some(SpanId(2)), "claim"));
    assert_eq!(claim.text.as_deref(), Some("Mali and\nNiger signed."));
    assert_eq!(claim.attributes["check_worthy"], "yes");
    assert_eq!(claim.attributes["note"], "first\nsecond");
    let mali = r.spans.iter().find(|s| s.label == "GPE").unwrap();
    assert_eq!(mali.attributes["Negated"], true);
    assert_eq!(r.relations, vec![relation(4, "about", 2, Some(1), None)]);
    let unmapped: Vec<&str> = r.meta.extra[UNMAPPED_META_KEY].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    // T7's fragments leave out " and\n": not a span (it would annotate the gap), kept as written.
    assert_eq!(
        unmapped,
        ["T7\tGPE 0 4;9 14\tMali Niger", "E1\tSign:T2 Agent:T1", "A3\tcheck_worthy E1 no", "N1\tReference T1 Wikidata:Q912\tMali"]
    );
    assert_eq!(r.spans.len(), 2);
    // Written back: the same annotations (M1 in brat's current A form, the two notes as two).
    assert_eq!(annotation_set(&export(&r).text), annotation_set(ann));
    let back = export(&r).text;
    assert!(back.contains("\nA3\tcheck_worthy E1 no\n") && back.contains("\nE1\tSign:T2 Agent:T1\n"), "{back}");
}

#[test]
fn refuses_bad_files_naming_the_line() {
    let text = "Assimi Goïta met 🇲🇱 Wagner.";
    let schema = LabelSchema::news_default();
    let bad = |ann: &str| import(text, ann, "d", &schema).unwrap_err();
    // Wagner starts after "Assimi Goïta met " (17) plus the 2-code-point flag and a space.
    assert_eq!(at(text, "Wagner"), (20, 26));
    assert_eq!(bad("T1\tPERSON 0 6\tAssimi\n\n\n\n\n\nT3\tORG 19 25\tWagner\n"), "line 7: T3 says 'Wagner' but the text at 19–25 is ' Wagne'");
    assert_eq!(bad("T1\tORG 20 99\tWagner\n"), "line 1: T1's offset 99 is beyond the end of the text (27 characters)");
    assert_eq!(bad("T1\tORG 26 20\tWagner\n"), "line 1: T1's offsets 26 20 are reversed (the start is after the end)");
    assert_eq!(bad("T1\tORG -20 26\tWagner\n"), "line 1: T1's offset -20 is negative (offsets count characters from 0)");
    assert_eq!(bad("T1\tORG 20 18446744073709551616\tWagner\n"), "line 1: T1's offset 18446744073709551616 is beyond the end of the text (27 characters)");
    assert_eq!(bad("T1\tORG 20 2six\tWagner\n"), "line 1: T1's offset '2six' is not a number (offsets are whole numbers of characters)");
    assert_eq!(bad("T1\tORG 20 26\tWagner\nR1\tabout Arg1:T1 Arg2:T9\n"), "line 2: R1 points at T9, which this file does not define");
    assert_eq!(bad("T1\tORG 20 26\tWagner\n#1\tAnnotatorNotes E4\tsure?\n"), "line 2: #1 points at E4, which this file does not define");
    assert_eq!(bad("T1\tORG 20 26\tWagner\nT1\tORG 20 26\tWagner\n"), "line 2: T1 is defined twice");
    assert_eq!(bad("T1 ORG 20 26 Wagner\n"), "line 1: an annotation line is an id, a tab, then its data");
    assert_eq!(bad("T1\tORG 20-26\tWagner\n"), "line 1: T1's offsets '20-26' are not 'start end' or 'start end;start end'");
    assert_eq!(bad("X1\tfoo\n"), "line 1: 'X1' is not a brat annotation id (T, R, E, A, M, N, # or *, then a number)");
    assert_eq!(bad("T1\tORG 20 26\tWagner\nA1\tx\n"), "line 2: A1 should read 'name target' or 'name target value', not 'x'");
    assert_eq!(bad("T1\tORG 20 26\tWagner\nE1\tMeet:T1 Agent\n"), "line 2: E1 should read 'Type:Trigger Role:Arg …', not 'Meet:T1 Agent'");
}

#[test]
fn reports_what_brat_cannot_hold() {
    let text = "Mills said so.";
    let mut r = new_record(text.into(), "d".into());
    let mut claim = span(1, text, "Mills said so", "CLAIM", "claim");
    claim.attributes.insert("flag".into(), false.into());
    claim.attributes.insert("stance".into(), "not\nsure".into());
    r.spans.push(claim);
    r.spans.push(span(2, text, "Mills", "NEW LABEL", "entity"));
    r.annotator = Some("ann1".into());
    let losses = export(&r).losses;
    assert_eq!(losses.len(), 4, "{losses:?}");
    assert_eq!(losses[0], "1 span not written (brat needs a label without spaces and a range inside the text): NEW LABEL 'Mills' at 0–5");
    assert!(losses[1].contains("flag of T1"));
    assert!(losses[2].contains("stance=\"not\\nsure\" of T1"), "{}", losses[2]);
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

/// A brat file over hard text using every line kind, written by hand from
/// brat's documentation; offsets found with `at` (code points).
fn every_kind() -> (String, String) {
    let text = "👨‍👩‍👧‍👦 Goïta met e\u{301}lus of 国際協力機構 in الجزيرة.\nWagner left.";
    let o = |needle: &str| at(text, needle);
    let (goita, met, elus, jica, jazeera, wagner, left) =
        (o("Goïta"), o("met"), o("e\u{301}lus"), o("国際協力機構"), o("الجزيرة"), o("Wagner"), o("left"));
    let ann = format!(
        "T1\tPERSON {} {}\tGoïta\n\
         T2\tMeet {} {}\tmet\n\
         T3\tORG {} {}\t国際協力機構\n\
         T4\tGPE {} {}\tالجزيرة\n\
         T5\tPERSON {} {};{} {}\tGoïta e\u{301}lus\n\
         T6\tFAMILY 0 7\t👨‍👩‍👧‍👦\n\
         T7\tORG {} {}\tWagner\n\
         T8\tLeave {} {}\tleft\n\
         E1\tMeet:T2 Agent:T1 Partner:T3 Place:T4\n\
         E2\tLeave:T8 Agent:T7\n\
         R1\tlocated_in Arg1:T3 Arg2:T4\t\n\
         R2\tcause Arg1:E1 Arg2:E2\n\
         A1\tNegated E2\n\
         M2\tSpeculation E1\n\
         A3\tconfidence T1 high\n\
         N1\tReference T3 Wikidata:Q1057497\t国際協力機構\n\
         *\tEquiv T1 T5\n\
         #1\tAnnotatorNotes T6\tfamily 👍🏽\n\
         #2\tAnnotatorNotes R1\tسؤال؟\n\
         #3\tAnnotatorNotes E1\tcheck the date\n\
         #4\tAnnotatorNotes A1\tnot sure it is negated\n\
         #5\tAnnotatorNotes N1\tQ-id from Wikidata\n",
        goita.0, goita.1, met.0, met.1, jica.0, jica.1, jazeera.0, jazeera.1, goita.0, goita.1, elus.0, elus.1,
        wagner.0, wagner.1, left.0, left.1
    );
    (text.to_string(), ann)
}

#[test]
fn every_kind_of_line_on_hard_text_reads_and_writes_back() {
    let (text, ann) = every_kind();
    let r = import(&text, &ann, "d", &LabelSchema::news_default()).unwrap();
    // Spans: every T line but T5 (its fragments leave out " met ").
    let spans: Vec<(&str, Option<&str>)> = r.spans.iter().map(|s| (s.label.as_str(), s.text.as_deref())).collect();
    assert_eq!(
        spans,
        [
            ("FAMILY", Some("👨‍👩‍👧‍👦")),
            ("PERSON", Some("Goïta")),
            ("Meet", Some("met")),
            ("ORG", Some("国際協力機構")),
            ("GPE", Some("الجزيرة")),
            ("ORG", Some("Wagner")),
            ("Leave", Some("left"))
        ]
    );
    assert_eq!(r.spans[0].attributes["note"], "family 👍🏽");
    assert_eq!(r.spans[1].attributes["confidence"], "high");
    assert_eq!(r.relations, vec![relation(1, "located_in", 3, Some(4), None)]);
    let kept: Vec<&str> = r.meta.extra[UNMAPPED_META_KEY].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let firsts: Vec<&str> = kept.iter().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(firsts, ["T5", "E1", "E2", "R2", "A1", "M2", "N1", "*", "#2", "#3", "#4", "#5"]);
    let out = export(&r);
    assert!(out.losses.is_empty(), "{:?}", out.losses);
    assert_eq!(annotation_set(&out.text), annotation_set(&ann), "{}", out.text);
    assert_eq!(kept_summary(&r).unwrap(), "1 brat text-bound annotation that is not a span, 2 brat events, 1 brat relation, 2 brat attributes, 1 brat normalisation, 4 brat notes, 1 brat equivalence (only brat standoff holds them)");
}

#[test]
fn ids_stay_consistent_when_the_record_changed() {
    let (text, ann) = every_kind();
    let schema = LabelSchema::news_default();
    let mut r = import(&text, &ann, "d", &schema).unwrap();
    // The editor adds a span: the next id after the spans' own is s9 — but
    // take s5, the number of the kept T5, to force the collision.
    let mut extra = span(5, &text, "Wagner left", "EVENT", "entity");
    extra.attributes.insert("note".into(), "two\nlines".into());
    r.spans.push(extra);
    let out = export(&r);
    assert!(out.losses.is_empty(), "{:?}", out.losses);
    // The new span is T5; the kept discontinuous one moved, and `*` follows it.
    assert!(out.text.contains("T5\tEVENT "), "{}", out.text);
    let moved = out.text.lines().find(|l| l.contains("\tPERSON ") && l.contains(';')).unwrap();
    let moved_id = moved.split('\t').next().unwrap();
    assert_ne!(moved_id, "T5");
    assert!(out.text.contains(&format!("*\tEquiv T1 {moved_id}\n")), "{}", out.text);
    // A two-line note is two brat notes on the span, read back as one.
    let back = import(&text, &out.text, "d", &schema).unwrap();
    let event = back.spans.iter().find(|s| s.label == "EVENT").unwrap();
    assert_eq!(event.attributes["note"], "two\nlines");
    let mut expected = annotation_set(&ann);
    expected.extend(annotation_set(&format!(
        "T5\tEVENT {} {}\tWagner left\n#1\tAnnotatorNotes T5\ttwo\n#2\tAnnotatorNotes T5\tlines\n",
        at(&text, "Wagner left").0,
        at(&text, "Wagner left").1
    )));
    expected.sort();
    assert_eq!(annotation_set(&out.text), expected);
}

#[test]
fn lines_pointing_at_removed_annotations_are_left_out_and_reported() {
    let (text, ann) = every_kind();
    let mut r = import(&text, &ann, "d", &LabelSchema::news_default()).unwrap();
    // Remove the trigger of E1 ("met", s2): E1 goes, and with it R2 (E1→E2),
    // M2 and #3 (on E1); E2 and A1 stay.
    r.spans.retain(|s| s.id != Some(SpanId(2)));
    let out = export(&r);
    assert_eq!(
        out.losses,
        ["4 brat lines kept from a brat file not written (they point at annotations the record no longer has): E1 (→ T2), R2 (→ E1), M2 (→ E1), #3 (→ E1)"]
    );
    assert!(out.text.contains("\nE2\tLeave:T8 Agent:T7\n") && out.text.contains("\nA1\tNegated E2\n"), "{}", out.text);
    import(&text, &out.text, "d", &LabelSchema::news_default()).expect("what is written reads back");
}

#[test]
fn ids_brat_allows_but_marginalia_renumbers_are_renamed_everywhere() {
    let text = "Mills met Diop in Dakar.";
    let ann = "T1a\tPERSON 0 5\tMills\nT0\tPERSON 10 14\tDiop\nT3\tMeet 6 9\tmet\nT2\tGPE 18 23\tDakar\n\
               E1\tMeet:T3 Agent:T1a Partner:T0\nR0\tin Arg1:T3 Arg2:T2\n#1\tAnnotatorNotes R0\tplace?\nN7\tReference T0 Wiki:1\n";
    let r = import(text, ann, "d", &LabelSchema::news_default()).unwrap();
    let id_of = |t: &str| r.spans.iter().find(|s| s.text.as_deref() == Some(t)).unwrap().id.unwrap().0;
    let (mills, diop) = (id_of("Mills"), id_of("Diop"));
    assert!(![0, 1, 2, 3].contains(&mills) && ![0, 1, 2, 3, mills].contains(&diop));
    let kept: Vec<&str> = r.meta.extra[UNMAPPED_META_KEY].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let rel = r.relations[0].id.unwrap().0;
    assert_ne!(rel, 0);
    assert_eq!(
        kept,
        [
            format!("E1\tMeet:T3 Agent:T{mills} Partner:T{diop}"),
            format!("#1\tAnnotatorNotes R{rel}\tplace?"),
            format!("N7\tReference T{diop} Wiki:1")
        ]
    );
    let out = export(&r);
    assert!(out.losses.is_empty(), "{:?}", out.losses);
    assert_eq!(annotation_set(&out.text), annotation_set(ann));
}

#[test]
fn kept_lines_that_cannot_be_read_are_reported() {
    let text = "Mills said so.";
    let mut r = new_record(text.into(), "d".into());
    r.spans.push(span(1, text, "Mills", "PERSON", "entity"));
    r.meta.extra.insert(UNMAPPED_META_KEY.into(), serde_json::json!(["E1\tSay:T1", "nonsense", 3, "N1\tReference T1 W:1\nT9\tX 0 1\tM"]));
    let out = export(&r);
    assert_eq!(out.text, "T1\tPERSON 0 5\tMills\nE1\tSay:T1\n");
    assert_eq!(out.losses.len(), 1, "{:?}", out.losses);
    assert!(out.losses[0].starts_with("3 kept lines in meta.brat_unmapped not written (not a brat line): \"nonsense\" ("), "{}", out.losses[0]);
    r.meta.extra.insert(UNMAPPED_META_KEY.into(), serde_json::json!({"E1": "Say:T1"}));
    assert_eq!(export(&r).losses, ["1 kept line in meta.brat_unmapped not written (not a brat line): meta.brat_unmapped (not a list of brat lines)"]);
}

#[test]
fn notes_with_other_line_breaks_are_reported() {
    let text = "Mills said so.";
    let mut r = new_record(text.into(), "d".into());
    let mut mills = span(1, text, "Mills", "PERSON", "entity");
    mills.attributes.insert("note".into(), "one\r\ntwo".into());
    r.spans.push(mills);
    let out = export(&r);
    assert_eq!(out.text, "T1\tPERSON 0 5\tMills\n#1\tAnnotatorNotes T1\tone\n#2\tAnnotatorNotes T1\ttwo\n");
    assert_eq!(out.losses, ["1 note had line breaks other than \\n, written as brat notes of one line each that read back joined by \\n"]);
}

#[test]
fn lines_end_where_brat_ends_them() {
    // brat reads .ann files with Python's codecs reader: U+2028, U+0085 and
    // \r\n end lines too. A label with a no-break space is one word for brat.
    let text = "Mills met Diop.";
    let ann = "T1\tPERSON 0 5\tMills\u{2028}T2\tPERSON 10 14\tDiop\r\n#1\tAnnotatorNotes T2\tsure\u{85}R1\tmet\u{a0}with Arg1:T1 Arg2:T2";
    let r = import(text, ann, "d", &LabelSchema::news_default()).unwrap();
    assert_eq!(r.spans.len(), 2);
    assert_eq!(r.spans[1].attributes["note"], "sure");
    assert_eq!(r.relations[0].label, "met\u{a0}with");
    let out = export(&r);
    assert!(out.losses.is_empty(), "{:?}", out.losses);
    assert_eq!(out.text, "T1\tPERSON 0 5\tMills\nT2\tPERSON 10 14\tDiop\nR1\tmet\u{a0}with Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T2\tsure\n");
}
