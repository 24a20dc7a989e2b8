//! The real `marginalia` binary on real files: records are built through
//! `marginalia_core` from the article fixtures (including the Unicode
//! stress text), written to a temporary directory, and every expectation
//! is derived from those inputs or computed by hand — never copied from
//! the tool's own output.

mod support;

use support::*;
use marginalia_core::article::{sha256_hex, Article};
use marginalia_core::editor::Editor;
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::relation::Target;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

fn article(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/articles")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Code-point range of the first occurrence of `needle`.
fn find(text: &str, needle: &str) -> (usize, usize) {
    let b = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

/// A save of `text` by `annotator`, with entity spans at the first
/// occurrence of each needle.
fn save(
    doc_id: &str,
    text: &str,
    annotator: Option<&str>,
    updated_at: Option<&str>,
    spans: &[(&str, &str)],
) -> Record {
    let article = Arc::new(Article::new(doc_id, doc_id, text).unwrap());
    let mut e = Editor::new(article, Arc::new(LabelSchema::news_default()));
    for (needle, label) in spans {
        let (s, t) = find(text, needle);
        e.add_span(s, t, label).unwrap();
    }
    let info = SaveInfo {
        annotator: annotator.map(String::from),
        created_at: None,
        updated_at: updated_at.map(String::from),
        ..SaveInfo::default()
    };
    Record::from_editor(&e, &info, true)
}

/// A save with a claim, its attributes, relations (one to free text) and a document label.
fn rich_save(
    doc_id: &str,
    text: &str,
    annotator: &str,
    person: &str,
    claim: &str,
    verdict: &str,
) -> Record {
    let article = Arc::new(Article::new(doc_id, doc_id, text).unwrap());
    let mut e = Editor::new(article, Arc::new(LabelSchema::news_default()));
    let (s, t) = find(text, person);
    let who = e.add_span(s, t, "PERSON").unwrap();
    let (s, t) = find(text, claim);
    let c = e.add_span(s, t, "CLAIM").unwrap();
    e.set_attribute(c, "verdict", Some(serde_json::json!(verdict)))
        .unwrap();
    e.set_attribute(
        c,
        "note",
        Some(serde_json::json!("checked against the UN report")),
    )
    .unwrap();
    e.add_relation(c, Target::Span(who), "claimed_by").unwrap();
    e.add_relation(c, Target::Text("an unnamed official".into()), "claimed_by")
        .unwrap();
    e.set_document_label("section", Some(serde_json::json!("world")))
        .unwrap();
    let info = SaveInfo {
        annotator: Some(annotator.into()),
        created_at: None,
        updated_at: Some("2026-01-02T00:00:00Z".into()),
        ..SaveInfo::default()
    };
    Record::from_editor(&e, &info, true)
}

fn jsonl(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn read_records(path: &Path) -> Vec<Record> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Record::parse(l).unwrap())
        .collect()
}

const STRESS: &str = "unicode-stress.txt";
const MALI: &str = "mali-russia-wagner.txt";

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["validate", "convert", "merge", "agree", "split", "stats"] {
        let out = marginalia_in(dir.path(), &[sub, "--help"]);
        assert!(out.status.success(), "{sub} --help failed");
        assert!(
            stdout(&out).contains("Usage: marginalia"),
            "{sub}: {}",
            stdout(&out)
        );
    }
    let out = marginalia_in(dir.path(), &["--help"]);
    for sub in ["validate", "convert", "merge", "agree", "split", "stats"] {
        assert!(stdout(&out).contains(sub));
    }
}

#[test]
fn validate_names_each_error_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let stress = article(STRESS);
    let good = save(
        "stress",
        &stress,
        Some("ann1"),
        None,
        &[
            ("Aïssata Traoré", "PERSON"),
            ("🇲🇱", "GPE"),
            ("国際協力機構", "ORG"),
        ],
    );
    let rich = rich_save(
        "mali",
        &article(MALI),
        "ann1",
        "Richard Mills",
        "the US welcomes the UN’s recognition",
        "true",
    );

    let to_value = |r: &Record| serde_json::to_value(r).unwrap();
    let mut bad_hash = to_value(&good);
    bad_hash["text_sha256"] = serde_json::json!(sha256_hex("another text"));
    let mut outside = to_value(&good);
    let len = stress.chars().count();
    outside["spans"][0]["end"] = serde_json::json!(len + 5);
    outside["spans"][0].as_object_mut().unwrap().remove("text");
    let mut misquoted = to_value(&good);
    misquoted["spans"][1]["text"] = serde_json::json!("🇲");
    let mut unknown_label = to_value(&good);
    unknown_label["spans"][2]["label"] = serde_json::json!("COMPANY");
    let mut bad_attribute = to_value(&rich);
    let claim = bad_attribute["spans"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["label"] == "CLAIM")
        .unwrap();
    bad_attribute["spans"][claim]["attributes"]["verdict"] = serde_json::json!("maybe");
    let mut dangling = to_value(&rich);
    dangling["relations"][0]["to"] = serde_json::json!("s99");

    let lines = [
        serde_json::to_string(&good).unwrap(),         // 1: valid
        bad_hash.to_string(),                          // 2
        outside.to_string(),                           // 3
        misquoted.to_string(),                         // 4
        unknown_label.to_string(),                     // 5
        bad_attribute.to_string(),                     // 6
        dangling.to_string(),                          // 7
        r#"{"text": "x", "spans": [1, }"#.to_string(), // 8: malformed JSON
        serde_json::to_string(&rich).unwrap(),         // 9: valid
    ];
    write(dir.path(), "mixed.jsonl", &(lines.join("\n") + "\n"));

    // A pretty-printed file whose own schema forbids entity overlaps: the
    // second document starts further down, and overlaps there are errors.
    let mut schema = LabelSchema::news_default();
    schema
        .layers
        .iter_mut()
        .find(|l| l.name == "entity")
        .unwrap()
        .overlap = false;
    let mut overlapping = save(
        "o",
        "Secretary-General Antonio Guterres spoke.",
        None,
        None,
        &[
            ("Secretary-General Antonio", "PERSON"),
            ("Antonio Guterres", "PERSON"),
        ],
    );
    overlapping.label_schema = Some(schema);
    let first = serde_json::to_string_pretty(&good).unwrap();
    let second_line = first.lines().count() + 1;
    write(
        dir.path(),
        "pretty.json",
        &format!(
            "{first}\n{}\n",
            serde_json::to_string_pretty(&overlapping).unwrap()
        ),
    );

    let out = marginalia_in(
        dir.path(),
        &["validate", "mixed.jsonl", "pretty.json", "missing.jsonl"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let expect = |place: &str, what: &str| {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{place}: ")) && l.contains(what)),
            "no {place}: …{what}… in\n{text}"
        );
    };
    expect("mixed.jsonl:2", "text_sha256");
    expect("mixed.jsonl:3", "not a range inside the text");
    expect("mixed.jsonl:4", "differs from the article's text");
    expect("mixed.jsonl:5", "\"COMPANY\" is not in the label schema");
    expect("mixed.jsonl:6", "verdict");
    expect("mixed.jsonl:7", "relations[0]");
    expect("mixed.jsonl:8", "not valid JSON");
    expect(&format!("pretty.json:{second_line}"), "forbids overlaps");
    expect("missing.jsonl", "cannot open");
    for ok in ["mixed.jsonl:1:", "mixed.jsonl:9:", "pretty.json:1:"] {
        assert!(
            !text.contains(ok),
            "{ok} is valid but was reported:\n{text}"
        );
    }

    let out = marginalia_in(
        dir.path(),
        &[
            "validate",
            "--format",
            "marginalia",
            "pretty.json",
            "--schema",
            "/nonexistent.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read the label schema"));

    write(dir.path(), "good.jsonl", &jsonl(&[good, rich]));
    let out = marginalia_in(dir.path(), &["validate", "good.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("all valid"));
}

#[test]
fn convert_marginalia_round_trip_keeps_every_annotation() {
    let dir = tempfile::tempdir().unwrap();
    let stress = article(STRESS);
    let records = vec![
        save(
            "stress",
            &stress,
            Some("ann1"),
            Some("2026-01-01T00:00:00Z"),
            &[
                ("Zoë Nguyễn", "PERSON"),
                ("👨‍👩‍👧‍👦", "MISC"),
                ("الجزيرة", "ORG"),
                ("Bamako", "GPE"),
            ],
        ),
        rich_save(
            "mali",
            &article(MALI),
            "ann2",
            "Abdallah Diop",
            "Mali would no longer justify its partnership with Russia",
            "misleading",
        ),
    ];
    write(dir.path(), "in.jsonl", &jsonl(&records));
    let out = marginalia_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "marginalia",
            "--to",
            "marginalia",
            "in.jsonl",
            "-o",
            "out.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read_records(&dir.path().join("out.jsonl")), records);

    // A pretty-printed JSON array in, standard output out: the same records.
    write(
        dir.path(),
        "array.json",
        &serde_json::to_string_pretty(&records).unwrap(),
    );
    let out = marginalia_in(
        dir.path(),
        &["convert", "--to", "jsonl", "array.json", "-o", "-"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let back: Vec<Record> = stdout(&out)
        .lines()
        .map(|l| Record::parse(l).unwrap())
        .collect();
    assert_eq!(back, records);
}

#[test]
fn convert_refuses_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let good = save("d", "Mali and Niger", None, None, &[("Mali", "GPE")]);
    write(
        dir.path(),
        "in.jsonl",
        &format!(
            "{}\n{{\"text\": \"a\", \"spans\": [}}\n",
            serde_json::to_string(&good).unwrap()
        ),
    );

    let out = marginalia_in(
        dir.path(),
        &["convert", "--to", "nonsense", "in.jsonl", "-o", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
    for name in [
        "marginalia",
        "spacy",
        "iob2",
        "brat",
        "w3c",
        "label-studio",
        "doccano",
    ] {
        assert!(
            stderr(&out).contains(name),
            "the known formats are listed: {}",
            stderr(&out)
        );
    }
    let out = marginalia_in(
        dir.path(),
        &[
            "convert",
            "--from",
            "bilou",
            "--to",
            "marginalia",
            "in.jsonl",
            "-o",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("export-only"), "{}", stderr(&out));

    let out = marginalia_in(
        dir.path(),
        &[
            "convert",
            "--to",
            "marginalia",
            "in.jsonl",
            "absent.jsonl",
            "-o",
            "out.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("in.jsonl:2: skipped:") && err.contains("not valid JSON"),
        "{err}"
    );
    assert!(err.contains("absent.jsonl: skipped: cannot open"), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert_eq!(
        read_records(&dir.path().join("out.jsonl")),
        vec![good],
        "the readable document is still converted"
    );

    // brat input needs its .txt: said, not a panic.
    write(dir.path(), "lonely.ann", "T1\tGPE 0 4\tMali\n");
    let out = marginalia_in(
        dir.path(),
        &[
            "convert",
            "--to",
            "marginalia",
            "lonely.ann",
            "-o",
            "b.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lonely.txt"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("internal error"));
}

/// Short texts from the Mali article's paragraphs, two annotators each.
fn corpus() -> Vec<Record> {
    let text = article(MALI);
    let paragraphs: Vec<&str> = text.split('\n').filter(|p| p.trim().len() > 20).collect();
    assert!(paragraphs.len() >= 8);
    let mut out = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        for who in ["alice", "bob"] {
            out.push(save(&format!("p{i}"), p, Some(who), None, &[]));
        }
    }
    out
}

#[test]
fn split_is_deterministic_and_never_splits_a_text() {
    let dir = tempfile::tempdir().unwrap();
    let records = corpus();
    write(dir.path(), "all.jsonl", &jsonl(&records));
    let run = |seed: &str, to: &str| {
        let out = marginalia_in(
            dir.path(),
            &[
                "split",
                "all.jsonl",
                "--ratio",
                "0.5,0.25,0.25",
                "--seed",
                seed,
                "-o",
                to,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        ["train", "dev", "test"]
            .map(|s| read_records(&dir.path().join(to).join(format!("{s}.jsonl"))))
    };
    let first = run("7", "a");
    assert_eq!(first, run("7", "b"), "the same seed gives the same split");
    let total: usize = first.iter().map(Vec::len).sum();
    assert_eq!(
        total,
        records.len(),
        "every record lands in exactly one split"
    );
    let mut split_of: BTreeMap<String, usize> = BTreeMap::new();
    for (i, split) in first.iter().enumerate() {
        for r in split {
            let previous = split_of.insert(sha256_hex(&r.text), i);
            assert!(
                previous.is_none() || previous == Some(i),
                "a text is in two splits"
            );
        }
    }
    let other = run("8", "c");
    let assignment = |splits: &[Vec<Record>; 3]| -> BTreeSet<(usize, String)> {
        splits
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.iter().map(move |r| (i, r.meta.doc_id.clone())))
            .collect()
    };
    assert_ne!(
        assignment(&first),
        assignment(&other),
        "another seed gives another split"
    );
}

#[test]
fn merge_groups_by_text_and_keeps_the_newest_save_per_annotator() {
    let dir = tempfile::tempdir().unwrap();
    let stress = article(STRESS);
    let mali = article(MALI);
    // alice is named only by her file; bob by the records; bob saved the
    // stress text twice, the second file holding the older save.
    let alice = [
        save(
            "stress",
            &stress,
            None,
            Some("2026-01-01T00:00:00Z"),
            &[("Bamako", "GPE")],
        ),
        save("mali", &mali, None, None, &[("Abdallah Diop", "PERSON")]),
    ];
    let bob_new = save(
        "stress",
        &stress,
        Some("bob"),
        Some("2026-03-01T00:00:00Z"),
        &[("Bamako", "GPE"), ("Tokyo", "GPE")],
    );
    let bob_old = save(
        "stress",
        &stress,
        Some("bob"),
        Some("2026-02-01T00:00:00Z"),
        &[("Tokyo", "LOC")],
    );
    write(dir.path(), "alice.jsonl", &jsonl(&alice));
    write(
        dir.path(),
        "bob-1.json",
        &serde_json::to_string_pretty(&bob_new).unwrap(),
    );
    write(
        dir.path(),
        "bob-2.json",
        &serde_json::to_string_pretty(&bob_old).unwrap(),
    );
    let out = marginalia_in(
        dir.path(),
        &[
            "merge",
            "alice.jsonl",
            "bob-1.json",
            "bob-2.json",
            "-o",
            "merged.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bob already saved this text"),
        "{}",
        stderr(&out)
    );

    let merged = read_records(&dir.path().join("merged.jsonl"));
    let who: Vec<(String, String)> = merged
        .iter()
        .map(|r| (r.meta.doc_id.clone(), r.annotator.clone().unwrap()))
        .collect();
    assert_eq!(
        who,
        vec![
            ("stress".into(), "alice".into()),
            ("stress".into(), "bob".into()),
            ("mali".into(), "alice".into())
        ],
        "one record per annotator per text, each text's records together"
    );
    assert_eq!(
        merged[1].spans, bob_new.spans,
        "the newer of bob's saves is kept"
    );
    assert_eq!(merged[0].spans, alice[0].spans);
}

#[test]
fn agree_reports_hand_computed_scores() {
    let dir = tempfile::tempdir().unwrap();
    //           Tokens: Ann Lee met Bob in Paris today (7 tokens).
    let text = "Ann Lee met Bob in Paris today";
    let a = save(
        "t",
        text,
        Some("ann"),
        None,
        &[("Ann Lee", "PERSON"), ("Bob", "PERSON"), ("Paris", "GPE")],
    );
    let b = save(
        "t",
        text,
        Some("bea"),
        None,
        &[("Ann", "PERSON"), ("Bob", "PERSON"), ("Paris", "LOC")],
    );
    write(dir.path(), "ann.jsonl", &jsonl(&[a]));
    write(dir.path(), "bea.jsonl", &jsonl(&[b]));
    let out = marginalia_in(
        dir.path(),
        &["agree", "ann.jsonl", "bea.jsonl", "--json", "report.json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ann vs bea"), "{}", stdout(&out));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("ann"), Some("bea"))
    );
    let row = |label: &str| {
        pair["labels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == label)
            .unwrap()
            .clone()
    };
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap_or(f64::NAN) - x).abs() < 1e-9;
    // PERSON: ann {Ann Lee, Bob}, bea {Ann, Bob}: exact 1 of 2 each way → P = R = F1 = 0.5;
    // partial: every span overlaps one of the other's → 1.
    let person = row("PERSON");
    assert!(
        close(&person["exact"]["precision"], 0.5)
            && close(&person["exact"]["recall"], 0.5)
            && close(&person["exact"]["f1"], 0.5)
    );
    assert!(close(&person["partial"]["f1"], 1.0));
    // GPE: ann 1, bea 0 → recall 0, precision undefined (null).
    let gpe = row("GPE");
    assert!(close(&gpe["exact"]["recall"], 0.0) && gpe["exact"]["precision"].is_null());
    // (all): 3 and 3 spans, 1 exact match → 1/3.
    assert!(close(&row("(all)")["exact"]["f1"], 1.0 / 3.0));
    // Tokens: ann PERSON PERSON O PERSON O GPE O; bea PERSON O O PERSON O LOC O.
    // po = 5/7; pe = (3·2 + 3·4)/49 = 18/49; kappa = (35 − 18)/(49 − 18) = 17/31.
    let entity = pair["token_kappa"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["layer"] == "entity")
        .unwrap();
    assert_eq!(entity["items"], 7);
    assert!(
        close(&entity["observed"], 5.0 / 7.0) && close(&entity["kappa"], 17.0 / 31.0),
        "{entity}"
    );
}

#[test]
fn agree_compares_claim_attributes_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let mali = article(MALI);
    let claim = "Mali would no longer justify its partnership with Russia";
    let mut a = rich_save("mali", &mali, "ann", "Abdallah Diop", claim, "false");
    let mut b = rich_save("mali", &mali, "bea", "Abdallah Diop", claim, "misleading");
    // Issue 17: Bea chose a stance, Ann left it unset; Ann's claim type is
    // only a schema default, so neither chose one.
    let claim_of = |r: &mut Record| r.spans.iter_mut().find(|s| s.layer == "claim").unwrap().clone();
    let (mut ca, mut cb) = (claim_of(&mut a), claim_of(&mut b));
    cb.attributes.insert("stance".into(), "refutes".into());
    ca.defaults.insert("claim_type".into(), "factual_statement".into());
    for (r, c) in [(&mut a, ca), (&mut b, cb)] {
        *r.spans.iter_mut().find(|s| s.layer == "claim").unwrap() = c;
    }
    write(dir.path(), "both.jsonl", &jsonl(&[a, b]));
    let out = marginalia_in(dir.path(), &["agree", "both.jsonl", "--json", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let attributes = report["pairs"][0]["attributes"].as_array().unwrap();
    let get = |name: &str| attributes.iter().find(|a| a["attribute"] == name).unwrap();
    // One claim at the same offsets: verdicts differ (observed 0), notes are equal (observed 1).
    assert_eq!(get("verdict")["items"], 1);
    assert_eq!(get("verdict")["observed"].as_f64(), Some(0.0));
    assert_eq!(get("note")["observed"].as_f64(), Some(1.0));
    // Unset against a value: an item, a disagreement, counted as unset.
    assert_eq!((get("stance")["items"].as_u64(), get("stance")["observed"].as_f64()), (Some(1), Some(0.0)));
    assert_eq!((get("stance")["unset_a"].as_u64(), get("stance")["unset_b"].as_u64()), (Some(1), Some(0)));
    assert_eq!(get("stance")["both_set"]["items"], 0);
    assert!(attributes.iter().all(|a| a["attribute"] != "claim_type"), "a default is not compared as a choice");
    let table = stdout(&marginalia_in(dir.path(), &["agree", "both.jsonl"]));
    assert!(table.contains("attribute claim.stance on spans at the same offsets: kappa"), "{table}");
    assert!(table.contains("not set: 1 by ann, 0 by bea; where both set: kappa"), "{table}");
}

#[test]
fn stats_counts_labels_annotators_and_claim_values() {
    let dir = tempfile::tempdir().unwrap();
    let mali = article(MALI);
    let records = [
        rich_save(
            "m1",
            &mali,
            "ann",
            "Abdallah Diop",
            "Mali would no longer justify its partnership with Russia",
            "false",
        ),
        rich_save(
            "m1",
            &mali,
            "bea",
            "Richard Mills",
            "the US welcomes the UN’s recognition",
            "false",
        ),
        save(
            "s",
            &article(STRESS),
            Some("ann"),
            None,
            &[("Bamako", "GPE"), ("Tokyo", "GPE")],
        ),
    ];
    // Bea's claim carries a stance only as the schema's default (issue 17):
    // counted apart from choices, and not as "not set".
    let mut records = records;
    let claim = records[1].spans.iter_mut().find(|s| s.layer == "claim").unwrap();
    claim.defaults.insert("stance".into(), "neutral".into());
    write(dir.path(), "all.jsonl", &jsonl(&records));
    let out = marginalia_in(dir.path(), &["stats", "all.jsonl", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (
            s["documents"].as_u64(),
            s["texts"].as_u64(),
            s["spans"].as_u64()
        ),
        (Some(3), Some(2), Some(6))
    );
    assert_eq!(s["spans_by_label"]["entity"]["PERSON"], 2);
    assert_eq!(s["spans_by_label"]["entity"]["GPE"], 2);
    assert_eq!(s["spans_by_label"]["claim"]["CLAIM"], 2);
    assert_eq!(s["annotators"]["ann"]["documents"], 2);
    assert_eq!(s["annotators"]["bea"]["spans"], 2);
    assert_eq!(s["attribute_values"]["claim.verdict"]["false"], 2);
    // Two claims: verdict and note chosen on both, the rest never touched.
    assert_eq!(s["attributes_not_set"]["claim.verdict"], 0);
    assert_eq!(s["attributes_not_set"]["claim.claim_type"], 2);
    assert_eq!(s["attributes_not_set"]["claim.stance"], 1, "the other is a default");
    assert_eq!(s["attribute_defaults"]["claim.stance"]["neutral"], 1);
    assert!(s["attribute_values"].get("claim.stance").is_none(), "a default is not a choice: {}", s["attribute_values"]);
    let table = stdout(&marginalia_in(dir.path(), &["stats", "all.jsonl"]));
    assert!(table.contains("attribute claim.stance\n  neutral (default)"), "{table}");
    assert!(table.lines().any(|l| l.split_whitespace().eq(["not", "set", "2"])), "{table}");
    assert_eq!(s["relations_by_label"]["claimed_by"], 4);
    assert_eq!(s["document_labels"]["section"]["world"], 2);
}

/// Issue 16, case 5: records whose tokens or spans do not fit their text.
/// Each mutation names the field that should be reported for it.
fn misfit_records(base: &Record) -> Vec<(&'static str, Record)> {
    let len = base.text.chars().count();
    let n = base.tokens.len();
    let mut past_end = base.clone();
    past_end.tokens[n - 1].end = len + 3;
    let mut out_of_order = base.clone();
    out_of_order.tokens.swap(1, 2);
    out_of_order.tokens[1].id = 1;
    out_of_order.tokens[2].id = 2;
    let mut start_after_end = base.clone();
    start_after_end.tokens[1].start = start_after_end.tokens[1].end + 1;
    let mut overlapping = base.clone();
    overlapping.tokens[2].start = overlapping.tokens[1].start;
    overlapping.tokens[2].text = base.text.chars().skip(overlapping.tokens[2].start).take(overlapping.tokens[2].end - overlapping.tokens[2].start).collect();
    let mut reversed_span = base.clone();
    let s = &mut reversed_span.spans[0];
    (s.start, s.end) = (s.end, s.start);
    s.text = None;
    let mut token_index = base.clone();
    token_index.spans[0].token_end = Some(n + 40);
    vec![
        ("tokens[", past_end),
        ("tokens[2]", out_of_order),
        ("tokens[1]", start_after_end),
        ("tokens[2]", overlapping),
        ("spans[0]", reversed_span),
        ("spans[0]", token_index),
    ]
}

#[test]
fn records_whose_tokens_do_not_fit_their_text_are_reported_and_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Zoë met 🇲🇱 officials in Bamako on Monday, said الجزيرة.";
    let good = save("d", text, Some("ann"), None, &[("Bamako", "GPE"), ("Zoë", "PERSON")]);
    let bad = misfit_records(&good);
    // Line 1 is good; lines 2.. are the misfits, in order.
    let all: Vec<Record> = std::iter::once(good.clone()).chain(bad.iter().map(|(_, r)| r.clone())).collect();
    write(dir.path(), "all.jsonl", &jsonl(&all));

    // `validate` names file, line and field of each, and only those.
    let out = marginalia_in(dir.path(), &["validate", "all.jsonl"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}{}", stderr(&out));
    for (i, (field, _)) in bad.iter().enumerate() {
        let prefix = format!("all.jsonl:{}: {field}", i + 2);
        assert!(report.lines().any(|l| l.starts_with(&prefix)), "{prefix} in:\n{report}");
    }
    assert!(!report.contains("all.jsonl:1:"), "{report}");
    assert_eq!(
        report.lines().last(),
        Some("7 documents in 1 file(s): 6 problem(s) in 6 document(s), in 1 file(s)"),
        "a document refused as it is read still counts as a document"
    );

    // Every export skips them with the same message, converts the good one.
    for to in ["iob2", "bilou", "spacy", "marginalia", "w3c", "doccano", "label-studio"] {
        let out = marginalia_in(dir.path(), &["convert", "--to", to, "all.jsonl", "-o", "out"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{to}: {err}");
        assert!(!err.contains("internal error"), "{to}: {err}");
        for (i, (field, _)) in bad.iter().enumerate() {
            let prefix = format!("all.jsonl:{}: skipped: {field}", i + 2);
            assert!(err.lines().any(|l| l.starts_with(&prefix)), "{to}: {prefix} in:\n{err}");
        }
        assert!(err.contains("converted 1 document(s)"), "{to}: {err}");
    }

    // `agree`, `stats`, `merge` and `split` leave them out and say so.
    let other = save("d", text, Some("bea"), None, &[("Bamako", "GPE")]);
    write(dir.path(), "bea.jsonl", &jsonl(&[other]));
    for args in [
        vec!["agree", "all.jsonl", "bea.jsonl"],
        vec!["stats", "all.jsonl"],
        vec!["merge", "all.jsonl", "bea.jsonl", "-o", "merged.jsonl"],
        vec!["split", "all.jsonl", "-o", "splits"],
    ] {
        let out = marginalia_in(dir.path(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("internal error"), "{args:?}: {err}");
        for (i, (field, _)) in bad.iter().enumerate() {
            let place = format!("all.jsonl:{}: ", i + 2);
            assert!(err.lines().any(|l| l.starts_with(&place) && l.contains(field)), "{args:?}: {place}{field} in:\n{err}");
        }
    }
}

/// The binary with extra environment variables.
fn marginalia_with(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Files in `dir` whose name starts with a dot: a temporary output left behind.
fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn every_documented_exit_code_means_what_the_docs_say() {
    // docs/CLI.md: 0 done; 1 data problems (everything readable still
    // processed); 2 wrong command line; 101 an internal error.
    let dir = tempfile::tempdir().unwrap();
    let good = save("d", "Mali and Niger", Some("ann"), None, &[("Mali", "GPE")]);
    write(dir.path(), "good.jsonl", &jsonl(std::slice::from_ref(&good)));
    write(
        dir.path(),
        "mixed.jsonl",
        &format!("{}not json\n", jsonl(std::slice::from_ref(&good))),
    );
    let code = |args: &[&str]| marginalia_in(dir.path(), args).status.code();
    assert_eq!(code(&["validate", "good.jsonl"]), Some(0));
    assert_eq!(code(&["convert", "--to", "spacy", "good.jsonl", "-o", "a.jsonl"]), Some(0));
    assert_eq!(code(&["validate", "mixed.jsonl"]), Some(1));
    assert_eq!(code(&["convert", "--to", "spacy", "mixed.jsonl", "-o", "b.jsonl"]), Some(1));
    assert_eq!(code(&["stats", "missing.jsonl"]), Some(1), "a file that cannot be read");
    assert_eq!(code(&["validate", "--format", "nonsense", "good.jsonl"]), Some(2));
    assert_eq!(code(&["convert", "--from", "iob2", "--to", "spacy", "good.jsonl", "-o", "c"]), Some(2));
    assert_eq!(code(&["frobnicate"]), Some(2));
    // 101: a bug, injected (debug builds only) into the reader of one document.
    let out = marginalia_with(
        dir.path(),
        &[("MARGINALIA_TEST_PANIC", "reading:Niger")],
        &["stats", "good.jsonl"],
    );
    assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(stderr(&out).contains("internal error"), "{}", stderr(&out));
}

#[test]
fn a_document_that_hits_a_bug_is_reported_and_skipped_and_the_rest_converted() {
    // Issue 16: with `panic = "abort"` the CLI died with SIGABRT (134) at the
    // first such document, and left a 0-byte output behind.
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        save("a", "Mali and Niger", Some("ann"), None, &[("Mali", "GPE")]),
        save("b", "Zoë met Diop in Dakar", Some("ann"), None, &[("Dakar", "GPE")]),
        save("c", "Bamako is a city", Some("ann"), None, &[("Bamako", "GPE")]),
    ];
    write(dir.path(), "in.jsonl", &jsonl(&docs));
    for (stage, to) in [("writing", "spacy"), ("reading", "marginalia"), ("writing", "brat")] {
        let fault = format!("{stage}:Dakar");
        let out = marginalia_with(
            dir.path(),
            &[("MARGINALIA_TEST_PANIC", &fault)],
            &["convert", "--to", to, "in.jsonl", "-o", &format!("out-{to}")],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(101), "{stage} {to}: {err}");
        assert!(err.contains("in.jsonl:2: skipped:") && err.contains("internal error"), "{err}");
        assert!(err.contains("converted 2 document(s)"), "{err}");
        let written = dir.path().join(format!("out-{to}"));
        if to == "brat" {
            let mut names: Vec<String> = std::fs::read_dir(&written).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            names.sort();
            assert_eq!(names, ["a.ann", "a.txt", "c.ann", "c.txt"]);
        } else {
            let lines = std::fs::read_to_string(&written).unwrap();
            let texts: Vec<String> = lines.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string()).collect();
            assert_eq!(texts, [docs[0].text.clone(), docs[2].text.clone()]);
        }
    }
    assert!(hidden_files(dir.path()).is_empty(), "{:?}", hidden_files(dir.path()));
}

#[test]
fn a_run_that_converts_nothing_leaves_no_output_file_and_keeps_an_old_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.jsonl", "{\"text\": \"Mali\", \"spans\": [{\"start\": 3, \"end\": 1, \"label\": \"GPE\"}]}\n");
    for (args, path) in [
        (vec!["convert", "--to", "iob2", "bad.jsonl", "-o", "out.conll"], "out.conll"),
        (vec!["convert", "--to", "brat", "bad.jsonl", "-o", "brat-out"], "brat-out"),
        (vec!["merge", "bad.jsonl", "-o", "merged.jsonl"], "merged.jsonl"),
        (vec!["split", "bad.jsonl", "-o", "splits"], "splits/train.jsonl"),
    ] {
        let out = marginalia_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("not written") || stderr(&out).contains("nothing written"), "{args:?}: {}", stderr(&out));
        assert!(!dir.path().join(path).exists(), "{args:?} left {path} behind");
    }
    // A failed run never replaces an earlier output.
    write(dir.path(), "out.jsonl", "earlier\n");
    let out = marginalia_in(dir.path(), &["convert", "--to", "spacy", "bad.jsonl", "-o", "out.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(), "earlier\n");
    // A panic mid-run (exit 101) takes its temporary file with it.
    let good = save("d", "Mali and Niger", Some("ann"), None, &[("Mali", "GPE")]);
    write(dir.path(), "one.jsonl", &jsonl(&[good]));
    let out = marginalia_with(dir.path(), &[("MARGINALIA_TEST_PANIC", "writing:Niger")], &["convert", "--to", "doccano", "one.jsonl", "-o", "d.jsonl"]);
    assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(!dir.path().join("d.jsonl").exists());
    assert!(hidden_files(dir.path()).is_empty(), "{:?}", hidden_files(dir.path()));
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mark: [u8; 2] = if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
    mark.into_iter()
        .chain(text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }))
        .collect()
}

#[test]
fn utf16_and_utf8_files_with_a_mark_read_like_any_other() {
    // Issue 16, case 7: UTF-16 files were refused ("is not valid UTF-8").
    let dir = tempfile::tempdir().unwrap();
    let stress = article(STRESS);
    let a = save("stress", &stress, Some("ann"), None, &[("Aïssata Traoré", "PERSON"), ("🇲🇱", "GPE"), ("国際協力機構", "ORG")]);
    let b = save("d", "Zoë met Diop in Dakar", Some("ann"), None, &[("Dakar", "GPE")]);
    let lines = jsonl(&[a.clone(), b.clone()]);
    std::fs::write(dir.path().join("le.jsonl"), utf16(&lines, false)).unwrap();
    let array = format!("[{},\n{}]", a.to_json(), b.to_json());
    std::fs::write(dir.path().join("be.json"), utf16(&array, true)).unwrap();
    std::fs::write(dir.path().join("bom.json"), [b"\xEF\xBB\xBF".as_slice(), array.as_bytes()].concat()).unwrap();
    for input in ["le.jsonl", "be.json", "bom.json"] {
        let out = marginalia_in(dir.path(), &["validate", input]);
        assert_eq!(out.status.code(), Some(0), "{input}: {}{}", stdout(&out), stderr(&out));
        let out = marginalia_in(dir.path(), &["convert", "--to", "marginalia", input, "-o", "out.jsonl"]);
        assert_eq!(out.status.code(), Some(0), "{input}: {}", stderr(&out));
        assert_eq!(read_records(&dir.path().join("out.jsonl")), vec![a.clone(), b.clone()], "{input}");
    }
    // brat: the .txt and the .ann in UTF-16; offsets count from after the mark.
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    let (s, e) = find(&stress, "国際協力機構");
    std::fs::write(brat.join("doc.txt"), utf16(&stress, false)).unwrap();
    std::fs::write(brat.join("doc.ann"), utf16(&format!("T1\tORG {s} {e}\t国際協力機構\n"), true)).unwrap();
    let out = marginalia_in(dir.path(), &["convert", "--to", "marginalia", "brat", "-o", "brat.jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let back = read_records(&dir.path().join("brat.jsonl"));
    assert_eq!(back[0].text, stress);
    assert_eq!((back[0].spans[0].start, back[0].spans[0].end, back[0].spans[0].text.as_deref()), (s, e, Some("国際協力機構")));
    // A file that claims UTF-16 and is not: said, with the byte.
    let mut broken = utf16(&lines, false);
    broken.extend([0x3D, 0xD8]);
    std::fs::write(dir.path().join("broken.jsonl"), broken).unwrap();
    let out = marginalia_in(dir.path(), &["stats", "broken.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not valid UTF-16LE text (at byte"), "{}", stderr(&out));
}
