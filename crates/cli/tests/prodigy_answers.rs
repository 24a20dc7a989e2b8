//! Real Prodigy datasets (`tests/fixtures/thirdparty/prodigy/`: a
//! `ner.teach` dataset of accept/reject/ignore decisions, a `ner.manual`
//! one, a `choice` one with `options` and `accept`) through the real
//! `marginalia` binary. Every expectation is computed here from the fixture
//! as Prodigy wrote it (its `text[start:end]` in code points, its answers
//! and hashes), never copied from the tool's output.

mod support;

use support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TEACH: &str = "ner_teach_reddit_product.jsonl";
const MANUAL: &str = "ner_manual_news_headlines.jsonl";
const CHOICE: &str = "choice_nel_emerson.jsonl";
const DECISION_KEYS: [&str; 7] = ["answer", "accept", "options", "_input_hash", "_task_hash", "_view_id", "_session_id"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty/prodigy").join(name)
}

/// The fixture's tasks, as Prodigy wrote them.
fn tasks(name: &str) -> Vec<Value> {
    lines(&std::fs::read_to_string(fixture(name)).unwrap())
}

fn lines(text: &str) -> Vec<Value> {
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn answer(task: &Value) -> &str {
    task["answer"].as_str().unwrap_or("accept")
}

fn spans(task: &Value) -> Vec<(usize, usize, String)> {
    task["spans"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize, s["label"].as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The decision keys a task carries (a `null` is as good as absent).
fn decision(task: &Value) -> BTreeMap<&'static str, Value> {
    DECISION_KEYS.iter().filter_map(|k| task.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v.clone()))).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// `"3 tasks answered reject ("` as the loss report says it.
fn left_out(n: usize, answer: &str) -> String {
    format!("{n} {} answered {answer} (", if n == 1 { "task" } else { "tasks" })
}

#[test]
fn every_span_reads_as_prodigy_slices_it_and_every_decision_survives() {
    let dir = tempfile::tempdir().unwrap();
    for name in [TEACH, MANUAL, CHOICE] {
        let input = tasks(name);
        let path = fixture(name);
        // Prodigy → Marginalia → spaCy/Prodigy, each step a real conversion.
        let saved = dir.path().join(format!("{name}.marginalia.jsonl"));
        let o = marginalia_in(dir.path(), &["convert", "--from", "spacy", "--to", "marginalia", "-o", saved.to_str().unwrap(), path.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let back = dir.path().join(format!("{name}.spacy.jsonl"));
        let o = marginalia_in(dir.path(), &["convert", "--to", "spacy", "-o", back.to_str().unwrap(), saved.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        for output in [&saved, &back] {
            let records = lines(&std::fs::read_to_string(output).unwrap());
            assert_eq!(records.len(), input.len(), "{name}: every task, whatever its answer");
            for (i, (task, record)) in input.iter().zip(&records).enumerate() {
                let at = format!("{name} line {}", i + 1);
                let text = task["text"].as_str().unwrap();
                assert_eq!(record["text"], task["text"], "{at}");
                assert_eq!(spans(record), spans(task), "{at}: offsets are Prodigy's code points");
                for (s, r) in task["spans"].as_array().into_iter().flatten().zip(record["spans"].as_array().unwrap()) {
                    let prodigy = slice(text, s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
                    if let Some(quoted) = s["text"].as_str() {
                        assert_eq!(quoted, prodigy, "{at}: the fixture quotes its own slice");
                    }
                    assert_eq!(r["text"].as_str(), Some(prodigy.as_str()), "{at}");
                }
                assert_eq!(decision(record), decision(task), "{at}: answer, hashes, options and accept as written");
                assert_eq!(record["meta"]["section"], task["meta"]["section"], "{at}: meta kept");
            }
        }
    }
}

#[test]
fn choice_options_and_accept_are_kept_exactly() {
    let input = tasks(CHOICE);
    assert!(input.iter().all(|t| t["accept"].is_array() && t["options"].is_array()), "the fixture is a choice dataset");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let o = marginalia_in(dir.path(), &["convert", "--from", "prodigy", "--to", "prodigy", "-o", out.to_str().unwrap(), fixture(CHOICE).to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let output = lines(&std::fs::read_to_string(&out).unwrap());
    for (task, record) in input.iter().zip(&output) {
        assert_eq!(record["options"], task["options"]);
        assert_eq!(record["accept"], task["accept"]);
        assert!(record.get("_session_id").is_none(), "Prodigy's null session reads as absent");
    }
}

#[test]
fn positive_only_exports_keep_accepted_tasks_and_report_the_rest() {
    let input = tasks(TEACH);
    let accepted: Vec<&Value> = input.iter().filter(|t| answer(t) == "accept").collect();
    let mut by_answer: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &input {
        *by_answer.entry(answer(t)).or_default() += 1;
    }
    assert!(by_answer["reject"] > 0 && by_answer["ignore"] > 0 && !accepted.is_empty(), "{by_answer:?}");
    // The entities a data-to-spacy training set would hold.
    let entity_texts = |tasks: &[&Value]| -> Vec<String> {
        sorted(tasks.iter().flat_map(|t| spans(t).into_iter().map(|(s, e, _)| slice(t["text"].as_str().unwrap(), s, e))).collect())
    };
    let expected = entity_texts(&accepted);

    let dir = tempfile::tempdir().unwrap();
    let teach = fixture(TEACH);
    let convert = |to: &str, out: &str, extra: &[&str]| {
        let mut args = vec!["convert", "--from", "spacy", "--to", to, "-o", out];
        args.extend_from_slice(extra);
        args.push(teach.to_str().unwrap());
        marginalia_in(dir.path(), &args)
    };
    for to in ["iob2", "bilou", "brat", "w3c", "label-studio", "doccano"] {
        let out = format!("out-{to}");
        let o = convert(to, &out, &[]);
        let err = stderr(&o);
        assert!(o.status.success(), "{to}: {err}");
        assert!(err.contains(&format!("converted {} document(s)", accepted.len())), "{to}: {err}");
        for (answer, n) in by_answer.iter().filter(|(a, _)| **a != "accept") {
            assert!(err.contains(&left_out(*n, answer)), "{to}: {err}");
        }
        let path = dir.path().join(&out);
        let written = match to {
            "iob2" | "bilou" => {
                // Every entity of this dataset is one token: its tag is B- or U-.
                let conll = std::fs::read_to_string(&path).unwrap();
                let tags: Vec<(&str, &str)> = conll.lines().filter_map(|l| l.split_once(' ').map(|(w, rest)| (w, rest.rsplit(' ').next().unwrap()))).collect();
                assert!(tags.iter().all(|(_, t)| !t.starts_with("I-") && !t.starts_with("L-")), "{to}");
                tags.iter().filter(|(_, t)| t.starts_with("B-") || t.starts_with("U-")).map(|(w, _)| w.to_string()).collect()
            }
            "brat" => {
                let anns: Vec<PathBuf> = std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "ann")).collect();
                assert_eq!(anns.len(), accepted.len(), "brat: one .ann per accepted task");
                anns.iter().flat_map(|p| std::fs::read_to_string(p).unwrap().lines().filter(|l| l.starts_with('T')).map(|l| l.rsplit('\t').next().unwrap().to_string()).collect::<Vec<_>>()).collect()
            }
            "w3c" => {
                let docs = lines(&std::fs::read_to_string(&path).unwrap());
                assert_eq!(docs.len(), accepted.len(), "w3c: one collection per accepted task");
                docs.iter()
                    .flat_map(|d| d["first"]["items"].as_array().unwrap().clone())
                    .map(|a| a["target"]["selector"].as_array().unwrap().iter().find(|s| s["type"] == "TextQuoteSelector").unwrap()["exact"].as_str().unwrap().to_string())
                    .collect()
            }
            "label-studio" => {
                let docs: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                assert_eq!(docs.len(), accepted.len());
                docs.iter()
                    .flat_map(|d| {
                        let text = d["data"]["text"].as_str().unwrap().to_string();
                        let results = d["annotations"][0]["result"].as_array().unwrap().clone();
                        results.into_iter().map(move |r| slice(&text, r["value"]["start"].as_u64().unwrap() as usize, r["value"]["end"].as_u64().unwrap() as usize))
                    })
                    .collect()
            }
            _ => {
                let docs = lines(&std::fs::read_to_string(&path).unwrap());
                assert_eq!(docs.len(), accepted.len());
                docs.iter()
                    .flat_map(|d| {
                        let text = d["text"].as_str().unwrap().to_string();
                        d["label"].as_array().unwrap().iter().map(move |l| slice_utf16(&text, l[0].as_u64().unwrap() as usize, l[1].as_u64().unwrap() as usize)).collect::<Vec<_>>()
                    })
                    .collect()
            }
        };
        assert_eq!(sorted(written), expected, "{to}: the accepted entities, and no rejected one");
    }

    // Formats that carry the answer keep every task.
    for to in ["spacy", "marginalia"] {
        let o = convert(to, &format!("out-{to}.jsonl"), &[]);
        let err = stderr(&o);
        assert!(o.status.success() && err.contains(&format!("converted {} document(s)", input.len())), "{to}: {err}");
        assert!(!err.contains("answered"), "{to}: {err}");
    }

    // --answers all: every task, its spans written as entities, nothing left out.
    let o = convert("iob2", "all.conll", &["--answers", "all"]);
    let err = stderr(&o);
    assert!(o.status.success() && err.contains(&format!("converted {} document(s)", input.len())) && !err.contains("answered"), "{err}");
    let all: &Vec<Value> = &input;
    let every = entity_texts(&all.iter().collect::<Vec<_>>());
    let conll = std::fs::read_to_string(dir.path().join("all.conll")).unwrap();
    assert_eq!(conll.lines().filter(|l| l.ends_with(" B-PRODUCT")).count(), every.len());

    let o = convert("iob2", "bad.conll", &["--answers", "maybe"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give accept or all"), "{}", stderr(&o));
}

#[test]
fn a_dataset_of_rejections_converts_to_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string(fixture(TEACH)).unwrap();
    let rejected: String = raw.lines().filter(|l| answer(&serde_json::from_str(l).unwrap()) == "reject").map(|l| format!("{l}\n")).collect();
    let n = rejected.lines().count();
    std::fs::write(dir.path().join("rejected.jsonl"), rejected).unwrap();
    let o = marginalia_in(dir.path(), &["convert", "--from", "spacy", "--to", "doccano", "-o", "out.jsonl", "rejected.jsonl"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no document was converted") && err.contains(&left_out(n, "reject")) && err.contains("--answers all"), "{err}");
    assert!(!dir.path().join("out.jsonl").exists());
}

#[test]
fn merge_keeps_each_decision_on_one_text() {
    let input = tasks(TEACH);
    let dir = tempfile::tempdir().unwrap();
    let teach = fixture(TEACH);
    let teach = teach.to_str().unwrap();
    // The same file twice: the same annotator (its name) answered each task twice.
    let o = marginalia_in(dir.path(), &["merge", "--format", "spacy", "-o", "merged.jsonl", teach, teach]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&format!("{} older duplicate(s) dropped", input.len())), "{err}");
    let merged = lines(&std::fs::read_to_string(dir.path().join("merged.jsonl")).unwrap());
    let hashes = |v: &[Value]| sorted(v.iter().map(|t| t["_task_hash"].to_string()).collect());
    assert_eq!(hashes(&merged), hashes(&input), "one record per task, none lost");
    // A reject and an accept on one sentence (same _input_hash) are both there.
    let mut per_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &input {
        per_input.entry(t["_input_hash"].to_string()).or_default().push(answer(t).to_string());
    }
    let mut merged_per_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &merged {
        merged_per_input.entry(t["_input_hash"].to_string()).or_default().push(answer(t).to_string());
    }
    for (hash, answers) in &per_input {
        assert_eq!(sorted(merged_per_input[hash].clone()), sorted(answers.clone()), "input {hash}");
    }
    assert!(per_input.values().any(|a| a.len() > 1 && a.contains(&"accept".into()) && a.contains(&"reject".into())), "the fixture has both on one text");

    // Without hashes, a decision is its answer and spans: still none lost.
    let stripped: String = input
        .iter()
        .map(|t| {
            let mut t = t.clone();
            let o = t.as_object_mut().unwrap();
            o.remove("_task_hash");
            o.remove("_input_hash");
            format!("{t}\n")
        })
        .collect();
    std::fs::write(dir.path().join("nohash.jsonl"), stripped).unwrap();
    let o = marginalia_in(dir.path(), &["merge", "--format", "spacy", "-o", "merged2.jsonl", "nohash.jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let merged = lines(&std::fs::read_to_string(dir.path().join("merged2.jsonl")).unwrap());
    let decisions = |v: &[Value]| sorted(v.iter().map(|t| format!("{} {} {:?}", t["text"], answer(t), spans(t))).collect());
    assert_eq!(decisions(&merged), decisions(&input));
}

#[test]
fn stats_count_documents_and_spans_by_answer() {
    let input = tasks(TEACH);
    let dir = tempfile::tempdir().unwrap();
    let o = marginalia_in(dir.path(), &["stats", "--json", "--format", "spacy", fixture(TEACH).to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut docs: BTreeMap<&str, u64> = BTreeMap::new();
    let mut span_count: BTreeMap<&str, u64> = BTreeMap::new();
    for t in &input {
        *docs.entry(answer(t)).or_default() += 1;
        *span_count.entry(answer(t)).or_default() += spans(t).len() as u64;
    }
    for (answer, n) in &docs {
        assert_eq!(stats["answers"][answer]["documents"], *n, "{answer}");
        assert_eq!(stats["answers"][answer]["spans"], span_count[answer], "{answer}");
    }
    assert_eq!(stats["documents"], input.len() as u64);
    assert_eq!(stats["spans"], span_count["accept"], "entities are the accepted spans");
    assert_eq!(stats["spans_by_label"]["entity"]["PRODUCT"], span_count["accept"]);
    assert_eq!(stats["spans_not_accepted"]["reject"]["PRODUCT"], span_count["reject"]);
    assert_eq!(stats["spans_not_accepted"]["ignore"]["PRODUCT"], span_count["ignore"]);
}

#[test]
fn agree_compares_accepted_tasks_only() {
    let input = tasks(TEACH);
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string(fixture(TEACH)).unwrap();
    // Annotator b answered one rejected suggestion accept, on a text where
    // both accepted another span.
    let accepted_inputs: Vec<&Value> = input.iter().filter(|t| answer(t) == "accept").map(|t| &t["_input_hash"]).collect();
    let flip = input.iter().position(|t| answer(t) == "reject" && accepted_inputs.contains(&&t["_input_hash"])).unwrap();
    let b: String = raw
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut t: Value = serde_json::from_str(l).unwrap();
            if i == flip {
                t["answer"] = "accept".into();
            }
            format!("{t}\n")
        })
        .collect();
    std::fs::write(dir.path().join("a.jsonl"), &raw).unwrap();
    std::fs::write(dir.path().join("b.jsonl"), b).unwrap();
    let o = marginalia_in(dir.path(), &["agree", "--format", "spacy", "--json", "-", "a.jsonl", "b.jsonl"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let not_accepted = 2 * input.iter().filter(|t| answer(t) != "accept").count() - 1;
    assert!(err.contains(&format!("left out {not_accepted} task(s) not accepted")), "{err}");
    // Each annotator's accepted spans, once per text, place and label.
    let union = |tasks: &[&Value]| -> usize {
        let mut seen = std::collections::BTreeSet::new();
        for t in tasks {
            for span in spans(t) {
                seen.insert((t["text"].to_string(), span));
            }
        }
        seen.len()
    };
    let a: Vec<&Value> = input.iter().filter(|t| answer(t) == "accept").collect();
    let mut b = a.clone();
    b.push(&input[flip]);
    let (spans_a, spans_b) = (union(&a), union(&b));
    assert!(spans_b > spans_a, "the flipped task brings a span");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = report["pairs"][0]["labels"].as_array().unwrap().iter().find(|r| r["label"] == "PRODUCT").unwrap().clone();
    assert_eq!(row["spans_a"], spans_a as u64, "rejected spans are not compared");
    assert_eq!(row["spans_b"], spans_b as u64);
    assert_eq!(row["exact"]["recall"], 1.0);
    assert_eq!(row["exact"]["precision"], spans_a as f64 / spans_b as f64);
}
