//! `--text`: W3C annotations of other tools (third-party files in
//! `tests/fixtures/thirdparty/w3c/`) anchored on the text given, through the
//! real binary. Expected places are found in the text by the standard
//! library; expected quotes are read from the fixture files themselves.

mod support;

use support::*;
use marginalia_core::record::Record;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty/w3c").join(name)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn cp(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

#[test]
fn recogito_annotations_convert_onto_the_odyssey_in_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let text_file = fixture("odyssey.txt");
    let annotations = fixture("recogito-text-annotator.w3c.json");
    let o = marginalia(&["convert", "--text", path(&text_file), path(&annotations), "--to", "marginalia", "-o", path(&out)]);
    let stderr = String::from_utf8(o.stderr.clone()).unwrap();
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("5 of 5 annotations read: 5 spans placed exactly"), "{stderr}");
    let text = std::fs::read_to_string(&text_file).unwrap();
    let record = Record::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(record.text, text);
    // Every quote of the file, placed where the text has it.
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&annotations).unwrap()).unwrap();
    let mut expected: Vec<(usize, usize)> = Vec::new();
    for a in file.as_array().unwrap() {
        let target = if a["target"].is_array() { a["target"][0].clone() } else { a["target"].clone() };
        let exact = target["selector"][0]["exact"].as_str().unwrap();
        expected.push(cp(&text, exact));
    }
    expected.sort();
    let mut got: Vec<(usize, usize)> = record.spans.iter().map(|s| (s.start, s.end)).collect();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn what_needs_review_or_is_not_read_is_reported_and_nothing_read_fails() {
    let text_file = fixture("w3c-page1.txt");
    let o = marginalia(&["stats", "--text", path(&text_file), path(&fixture("w3c-collection1.json"))]);
    let stderr = String::from_utf8(o.stderr.clone()).unwrap();
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("2 of 41 annotations read"), "{stderr}");
    assert!(stderr.contains("http://example.org/anno29: not read: its target is selected by SvgSelector only"), "{stderr}");
    assert_eq!(stderr.matches(": not read: ").count(), 39, "{stderr}");

    // Nothing placed: exit 1 and the reason with the annotation's id
    // (`validate` reports on standard output).
    let both = |o: &Output| String::from_utf8(o.stdout.clone()).unwrap() + &String::from_utf8(o.stderr.clone()).unwrap();
    let o = marginalia(&["validate", "--text", path(&text_file), path(&fixture("w3c-anno27.json"))]);
    let stderr = both(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("http://example.org/anno27: not read: its TextPositionSelector 412–795 lies beyond the text (233 characters)"), "{stderr}");

    // A quote that is not in the text is named with its id and quote.
    let o = marginalia(&["validate", "--text", path(&text_file), path(&fixture("recogito-js-annotations.w3c.json"))]);
    let stderr = both(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("#ce0ed291-766b-4763-8e91-90ce1d04e706 A_Tag “Troy”: not placed: its words are not in the text"), "{stderr}");

    let o = marginalia(&["stats", "--text", path(&text_file), "--format", "spacy", path(&fixture("w3c-anno26.json"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8(o.stderr).unwrap().contains("--text gives the text that W3C annotations target; it cannot be used with --format spacy"));
    let o = marginalia(&["stats", "--text", "/nonexistent/text.txt", path(&fixture("w3c-anno26.json"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8(o.stderr).unwrap().contains("/nonexistent/text.txt: cannot read the text given with --text: no such file or directory"));
}

#[test]
fn without_text_a_third_party_file_says_to_give_it() {
    for name in ["recogito-js-annotations.w3c.json", "w3c-anno26.json", "hypothesis-minimal.json"] {
        let o = marginalia(&["stats", path(&fixture(name))]);
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("this is a W3C Web Annotation of a page whose text is not in the file: give the text with --text FILE"), "{name}: {stderr}");
    }
}
