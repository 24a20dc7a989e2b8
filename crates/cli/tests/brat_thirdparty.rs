//! `marginalia convert` on a directory of brat's own tutorial documents
//! (`tests/fixtures/thirdparty/brat/`): brat → Marginalia JSONL → brat gives
//! every file back with the same annotations, events, normalisations,
//! equivalences and notes on relations and events included; other formats
//! carry the brat-only lines. Expectations are read from the fixtures
//! themselves, never from the tool's output.

mod support;

use support::*;
use marginalia_core::record::Record;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty/brat")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// The document stems of the fixture directory.
fn stems() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    assert!(out.len() >= 6, "{out:?}");
    out
}

/// A `.ann` file as a set of annotations whatever their ids: in each line's
/// data (between the first and second tab; `T` lines have no references)
/// every word naming an id of the file is replaced by that line described
/// the same way. `M` is brat's older `A`. Written independently of the
/// core's reader.
fn annotation_set(ann: &str) -> Vec<String> {
    let lines: Vec<&str> = ann.lines().filter(|l| !l.trim().is_empty()).collect();
    let by_id: HashMap<&str, &str> = lines.iter().filter(|l| !l.starts_with('*')).map(|l| (l.split('\t').next().unwrap(), *l)).collect();
    fn describe(line: &str, by_id: &HashMap<&str, &str>, depth: usize) -> String {
        assert!(depth < 20, "a cycle at {line}");
        let mut fields = line.splitn(3, '\t');
        let (id, data, tail) = (fields.next().unwrap(), fields.next().unwrap_or(""), fields.next().unwrap_or("").trim_end());
        let kind = match &id[..1] {
            "M" => "A",
            k => k,
        };
        if kind == "T" {
            return format!("T {data} {tail}");
        }
        let mut out = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match by_id.get(word.as_str()) {
                Some(target) => out.push_str(&format!("[{}]", describe(target, by_id, depth + 1))),
                None => out.push_str(word),
            }
            word.clear();
        };
        for c in data.chars() {
            if c == ' ' || c == ':' {
                flush(&mut word, &mut out);
                out.push(c);
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
        format!("{kind} {} {tail}", out.trim_end())
    }
    let mut set: Vec<String> = lines.iter().map(|l| describe(l, &by_id, 0)).collect();
    set.sort();
    set
}

#[test]
fn a_directory_of_brat_files_converts_there_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures();
    let input = input.to_str().unwrap();
    let out = marginalia_in(dir.path(), &["convert", "--to", "marginalia", input, "-o", "docs.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let records: Vec<Record> = std::fs::read_to_string(dir.path().join("docs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| Record::parse(l).unwrap())
        .collect();
    let names: Vec<&str> = records.iter().map(|r| r.meta.doc_id.as_str()).collect();
    assert_eq!(names, stems());
    for r in &records {
        // Every span quotes its text in code points, as brat counts.
        for s in &r.spans {
            let at: String = r.text.chars().skip(s.start).take(s.end - s.start).collect();
            assert_eq!(s.text.as_deref(), Some(at.as_str()), "{}", r.meta.doc_id);
        }
    }

    let out = marginalia_in(dir.path(), &["convert", "--to", "brat", "docs.jsonl", "-o", "back"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for stem in stems() {
        let original = std::fs::read_to_string(fixtures().join(format!("{stem}.ann"))).unwrap();
        let back = std::fs::read_to_string(dir.path().join("back").join(format!("{stem}.ann"))).unwrap();
        assert_eq!(annotation_set(&back), annotation_set(&original), "{stem}\n{back}");
        let txt = std::fs::read(fixtures().join(format!("{stem}.txt"))).unwrap();
        assert_eq!(std::fs::read(dir.path().join("back").join(format!("{stem}.txt"))).unwrap(), txt, "{stem}");
    }
    // Nothing was lost on the way, so nothing is reported.
    assert!(!text(&out.stderr).contains("not written"), "{}", text(&out.stderr));
}

#[test]
fn brat_only_lines_ride_through_w3c_and_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures();
    let out = marginalia_in(dir.path(), &["convert", "--to", "w3c", input.to_str().unwrap(), "-o", "docs.jsonld"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = marginalia_in(dir.path(), &["convert", "--to", "brat", "docs.jsonld", "-o", "back"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // news/110: the notes on event E1 and relation R1 are still on them.
    let original = std::fs::read_to_string(input.join("news-110-note_annotation.ann")).unwrap();
    let back = std::fs::read_to_string(dir.path().join("back/news-110-note_annotation.ann")).unwrap();
    assert_eq!(annotation_set(&back), annotation_set(&original), "{back}");
}
