//! brat's own tutorial documents (`tests/fixtures/thirdparty/brat/`, from
//! nlplab/brat `example-data/tutorials/`): every text-bound line quotes the
//! text at its offsets in brat's unit (code points), each file reads, writes
//! back the same annotations, and what other formats make of it is known.

use super::tests::annotation_set;
use super::*;
use crate::formats::{export_document, import_document, Format};
use crate::label_schema::LabelSchema;
use std::path::PathBuf;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty/brat")
}

/// Every `(name, text, ann)` pair of the fixture directory.
fn fixtures() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ann") {
            let text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
            let ann = std::fs::read_to_string(&path).unwrap();
            out.push((path.file_stem().unwrap().to_string_lossy().into_owned(), text, ann));
        }
    }
    crate::sorting::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 6, "the brat fixtures are missing: {out:?}");
    out
}

/// Lines of `ann` whose id starts with `prefix`.
fn count(ann: &str, prefix: char) -> usize {
    ann.lines().filter(|l| l.starts_with(prefix)).count()
}

fn kept_lines(r: &crate::record::Record) -> Vec<String> {
    r.meta.extra.get(UNMAPPED_META_KEY).map_or(Vec::new(), |v| {
        v.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect()
    })
}

#[test]
fn every_text_bound_line_quotes_its_code_points() {
    for (name, text, ann) in fixtures() {
        let chars: Vec<char> = text.chars().collect();
        let mut seen = 0;
        for line in ann.lines().filter(|l| l.starts_with('T')) {
            // Read by hand, as Python would: text[start:end], fragments joined by a space.
            let fields: Vec<&str> = line.split('\t').collect();
            let offsets = fields[1].split_once(' ').unwrap().1;
            let quoted: Vec<String> = offsets
                .split(';')
                .map(|p| {
                    let (a, b) = p.split_once(' ').unwrap();
                    chars[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()].iter().collect()
                })
                .collect();
            assert_eq!(quoted.join(" "), fields[2], "{name}: {line}");
            seen += 1;
        }
        let r = import(&text, &ann, &name, &LabelSchema::news_default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for s in &r.spans {
            let at: String = chars[s.start..s.end].iter().collect();
            assert_eq!(s.text.as_deref(), Some(at.as_str()), "{name}");
        }
        let kept_t = kept_lines(&r).iter().filter(|l| l.starts_with('T')).count();
        assert_eq!(r.spans.len() + kept_t, seen, "{name}: every T line is a span or kept");
    }
}

#[test]
fn every_file_reads_and_writes_back_the_same_annotations() {
    for (name, text, ann) in fixtures() {
        let r = import(&text, &ann, &name, &LabelSchema::news_default()).unwrap();
        let out = export(&r);
        assert!(out.losses.is_empty(), "{name}: {:?}", out.losses);
        assert_eq!(annotation_set(&out.text), annotation_set(&ann), "{name}\n{}", out.text);
        assert_eq!(out.text.lines().count(), ann.lines().filter(|l| !l.trim().is_empty()).count(), "{name}");
        // Events, normalisations and equivalences are kept; relations
        // between two spans, attributes and notes on spans are held.
        let kept = kept_lines(&r);
        for kind in ['E', 'N', '*'] {
            assert_eq!(kept.iter().filter(|l| l.starts_with(kind)).count(), count(&ann, kind), "{name}: {kind}");
        }
        assert_eq!(r.relations.len() + kept.iter().filter(|l| l.starts_with('R')).count(), count(&ann, 'R'), "{name}");
        // Read again, the export is the same file: a fixed point.
        let again = import(&text, &out.text, &name, &LabelSchema::news_default()).unwrap();
        assert_eq!(export(&again).text, out.text, "{name}");
    }
}

#[test]
fn notes_on_relations_and_events_load_and_stay_on_them() {
    // news/110-note_annotation: #2 is on event E1, #3 on relation R1 (brat's tutorial).
    let (_, text, ann) = fixtures().into_iter().find(|f| f.0 == "news-110-note_annotation").unwrap();
    let r = import(&text, &ann, "d", &LabelSchema::news_default()).unwrap();
    let kept = kept_lines(&r);
    assert!(kept.contains(&"#2\tAnnotatorNotes E1\tAnnotate as one merge event with three participants or two events with two participants each?".to_string()));
    let family = r.relations.iter().find(|rel| rel.label == "Family").unwrap();
    let on_family = format!("#3\tAnnotatorNotes R{}\tShould this be marked? It's not explicitly stated.", family.id.unwrap().0);
    assert!(kept.contains(&on_family), "{kept:?}");
    // The note on T1 is the span's own note.
    let discworld = r.spans.iter().find(|s| s.start == 412).unwrap();
    assert_eq!(discworld.attributes[NOTE_ATTRIBUTE], "Should fictional places be annotated?");
    // The relation removed, its note goes too, and the export says so.
    let mut edited = r.clone();
    edited.relations.retain(|rel| rel.id != family.id);
    let out = export(&edited);
    assert!(!out.text.contains("Should this be marked?"), "{}", out.text);
    assert_eq!(out.losses, [format!("1 brat line kept from a brat file not written (they point at annotations the record no longer has): #3 (→ R{})", family.id.unwrap().0)]);
}

#[test]
fn other_formats_report_what_only_brat_holds() {
    let expected = [
        ("bio-100-attribute_annotation", "8 brat events, 5 brat attributes (only brat standoff holds them)"),
        ("bio-110-note_annotation", "2 brat events, 2 brat notes (only brat standoff holds them)"),
        ("news-000-introduction", "1 brat event, 1 brat attribute, 1 brat normalisation (only brat standoff holds them)"),
        ("news-060-relation_annotation", "1 brat equivalence (only brat standoff holds them)"),
        ("news-100-attribute_annotation", "10 brat events, 5 brat attributes (only brat standoff holds them)"),
        ("news-110-note_annotation", "2 brat events, 2 brat notes (only brat standoff holds them)"),
    ];
    for (name, text, ann) in fixtures() {
        let r = import(&text, &ann, &name, &LabelSchema::news_default()).unwrap();
        let want = expected.iter().find(|e| e.0 == name).map(|e| e.1.to_string());
        assert_eq!(kept_summary(&r), want, "{name}");
    }
}

/// What each other format keeps of a brat file: its spans always; the
/// brat-only lines ride in `meta` where the format has one.
#[test]
fn each_export_keeps_the_spans_and_carries_brat_lines_where_it_has_meta() {
    let schema = LabelSchema::news_default();
    for (name, text, ann) in fixtures() {
        let r = import(&text, &ann, &name, &schema).unwrap();
        for format in Format::ALL.into_iter().filter(|f| f.can_read() && *f != Format::Brat) {
            let out = export_document(format, &r);
            let back = import_document(format, &out.text, &schema).unwrap_or_else(|e| panic!("{name} {format}: {e}"));
            let where_ = |rec: &crate::record::Record| -> Vec<(usize, usize, String)> {
                rec.spans.iter().map(|s| (s.start, s.end, s.label.clone())).collect()
            };
            assert_eq!(where_(&back), where_(&r), "{name} {format}");
            assert_eq!(kept_lines(&back), kept_lines(&r), "{name} {format}: brat lines in meta");
            // doccano holds no attributes or relations; Label Studio reads a
            // flag attribute back as the text "true" (its importer's rule).
            if !matches!(format, Format::Doccano | Format::LabelStudio) {
                // Back to brat: the same annotations as the file.
                assert_eq!(annotation_set(&export(&back).text), annotation_set(&ann), "{name} via {format}");
            }
        }
    }
}


/// What each export reports dropping from brat's files, counted from the
/// `.ann` by hand: doccano names the spans with attributes or notes (its
/// relation-extraction shape holds the relations); the formats that hold spans, relations,
/// attributes and notes report nothing.
#[test]
fn each_export_reports_what_it_drops() {
    let schema = LabelSchema::news_default();
    for (name, text, ann) in fixtures() {
        let r = import(&text, &ann, &name, &schema).unwrap();
        let fields = |l: &str| l.split(['\t', ' ']).map(String::from).collect::<Vec<_>>();
        let mut with_attributes: Vec<String> = ann
            .lines()
            .filter(|l| l.starts_with(['A', 'M']) || l.contains("\tAnnotatorNotes "))
            .map(|l| fields(l)[2].clone())
            .filter(|t| t.starts_with('T'))
            .collect();
        with_attributes.sort();
        with_attributes.dedup();
        let mut doccano = Vec::new();
        if !with_attributes.is_empty() {
            let n = with_attributes.len();
            doccano.push(format!("attributes of {n} span{}: doccano has no span attributes", if n == 1 { "" } else { "s" }));
        }
        assert_eq!(export_document(Format::Doccano, &r).losses, doccano, "{name}");
        for format in [Format::Marginalia, Format::Spacy, Format::W3c, Format::LabelStudio, Format::Brat] {
            assert_eq!(export_document(format, &r).losses, Vec::<String>::new(), "{name} {format}");
        }
        // CoNLL tags hold entity spans only: besides token edges, it names
        // the brat lines it cannot carry.
        for format in [Format::Iob2, Format::Bilou] {
            let losses = export_document(format, &r).losses;
            for loss in &losses {
                assert!(loss.contains("inside a token") || loss.contains("only brat standoff holds them"), "{name} {format}: {loss}");
            }
            assert_eq!(losses.iter().any(|l| l.contains("only brat standoff")), kept_summary(&r).is_some(), "{name} {format}: {losses:?}");
        }
    }
}
