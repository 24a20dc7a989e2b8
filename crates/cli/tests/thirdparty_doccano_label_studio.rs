//! doccano and Label Studio files as those tools wrote them
//! (`tests/fixtures/thirdparty/{doccano,label-studio}/`), through the real
//! `marginalia` binary. Expectations come from the files themselves, read
//! here with serde_json in the tool's own unit — UTF-16 code units for
//! doccano (sliced with `encode_utf16`), code points for Label Studio — and
//! compared with what Marginalia imported; what each export keeps and says
//! it dropped is checked on the same files.

mod support;

use support::*;
use marginalia_core::record::Record;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(tool: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/thirdparty").join(tool).join(name)
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marginalia-thirdparty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// The records Marginalia reads from `file` (converted to its own JSONL).
fn import(format: &str, file: &Path, extra: &[&str]) -> (Vec<Record>, Output) {
    let mut args = vec!["convert", "--from", format, file.to_str().unwrap(), "--to", "marginalia", "-o", "-"];
    args.extend_from_slice(extra);
    let out = marginalia(&args);
    let records = utf8(&out.stdout).lines().map(|l| Record::parse(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    (records, out)
}

/// A span as compared: who annotated it, its label and its text.
type Seen = (Option<String>, String, String);

fn seen(records: &[Record]) -> Vec<Vec<Seen>> {
    records
        .iter()
        .map(|r| r.spans.iter().map(|s| (r.annotator.clone(), s.label.clone(), s.text.clone().unwrap())).collect())
        .collect()
}

/// `text[start..end]` in UTF-16 code units, as doccano (JavaScript) slices.
fn utf16_slice(text: &str, start: &Value, end: &Value) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start.as_u64().unwrap() as usize..end.as_u64().unwrap() as usize]).unwrap()
}

/// The doccano documents of a file: JSON Lines, or one pretty-printed document.
fn doccano_documents(file: &Path) -> Vec<Value> {
    let content = std::fs::read_to_string(file).unwrap();
    match serde_json::from_str::<Value>(&content) {
        Ok(one) => vec![one],
        Err(_) => content.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect(),
    }
}

/// What each record of a doccano example should hold, read from the file
/// in doccano's unit: one list per user for `annotations`, else one.
fn doccano_expected(doc: &Value, label_names: &[(u64, &str)]) -> Vec<Vec<Seen>> {
    let text = doc["text"].as_str().unwrap();
    let name = |v: &Value| match v {
        Value::String(s) => s.clone(),
        n => label_names.iter().find(|(id, _)| Some(*id) == n.as_u64()).unwrap().1.to_string(),
    };
    if let Some(annotations) = doc["annotations"].as_array() {
        let mut users: Vec<(String, Vec<Seen>)> = Vec::new();
        for a in annotations {
            let user = a["user"].to_string();
            let span = (Some(user.clone()), name(&a["label"]), utf16_slice(text, &a["start_offset"], &a["end_offset"]));
            match users.iter_mut().find(|(u, _)| *u == user) {
                Some((_, spans)) => spans.push(span),
                None => users.push((user, vec![span])),
            }
        }
        return users.into_iter().map(|(_, spans)| spans).collect();
    }
    let items = ["label", "labels", "entities"].iter().find_map(|k| doc[*k].as_array()).cloned().unwrap_or_default();
    vec![items
        .iter()
        .map(|item| match item {
            Value::Array(t) => (None, name(&t[2]), utf16_slice(text, &t[0], &t[1])),
            e => (None, name(&e["label"]), utf16_slice(text, &e["start_offset"], &e["end_offset"])),
        })
        .collect()]
}

/// doccano 1.0's sample export names labels by id; this is its label file.
const V1_LABELS: &str = r##"[{"id": 1, "text": "PERSON", "prefix_key": null, "suffix_key": "p", "background_color": "#209cee", "text_color": "#ffffff"},
 {"id": 2, "text": "ORG", "prefix_key": null, "suffix_key": "o", "background_color": "#ff3860", "text_color": "#ffffff"}]"##;

#[test]
fn every_doccano_span_is_the_text_doccano_slices() {
    let labels = temp_file("doccano-labels.json", V1_LABELS);
    for (name, config) in [
        ("export-sequence_labeling.jsonl", None),
        ("export-intent_detection.jsonl", None),
        ("export-relation_extraction.json", None),
        ("import-relation_extraction.jsonl", None),
        ("v1.0.0-labeling.jsonl", None),
        ("v1.0.0-download_sequence_labeling.jsonl", Some(&labels)),
    ] {
        let file = fixture("doccano", name);
        let extra: Vec<&str> = config.map(|c| vec!["--label-config", c.to_str().unwrap()]).unwrap_or_default();
        let (records, out) = import("doccano", &file, &extra);
        assert!(out.status.success(), "{name}: {}", utf8(&out.stderr));
        let want: Vec<Vec<Seen>> = doccano_documents(&file).iter().flat_map(|d| doccano_expected(d, &[(1, "PERSON"), (2, "ORG")])).collect();
        assert_eq!(seen(&records), want, "{name}");
        assert!(records.iter().map(|r| r.spans.len()).sum::<usize>() > 0, "{name}: read as empty");
    }
}

#[test]
fn doccano_relations_and_kept_fields_survive_both_exports() {
    let file = fixture("doccano", "export-relation_extraction.json");
    let doc = &doccano_documents(&file)[0];
    let text = doc["text"].as_str().unwrap();
    let entity = |id: &Value| {
        let e = doc["entities"].as_array().unwrap().iter().find(|e| e["id"] == *id).unwrap();
        utf16_slice(text, &e["start_offset"], &e["end_offset"])
    };
    let want: Vec<(String, String, String)> = doc["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (entity(&r["from_id"]), r["type"].as_str().unwrap().to_string(), entity(&r["to_id"])))
        .collect();
    assert_eq!(want.len(), 3);
    // doccano → doccano: the relation-extraction shape, every relation kept, nothing reported lost.
    let out = marginalia(&["convert", "--from", "doccano", file.to_str().unwrap(), "--to", "doccano", "-o", "-"]);
    assert!(out.status.success() && !utf8(&out.stderr).contains("not carried over"), "{}", utf8(&out.stderr));
    let back: Value = serde_json::from_str(utf8(&out.stdout).lines().next().unwrap()).unwrap();
    let by_id = |id: &Value| {
        let e = back["entities"].as_array().unwrap().iter().find(|e| e["id"] == *id).unwrap();
        utf16_slice(text, &e["start_offset"], &e["end_offset"])
    };
    let got: Vec<(String, String, String)> = back["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (by_id(&r["from_id"]), r["type"].as_str().unwrap().to_string(), by_id(&r["to_id"])))
        .collect();
    assert_eq!(got, want);
    // doccano → Label Studio: relations as `relation` results between the regions.
    let out = marginalia(&["convert", "--from", "doccano", file.to_str().unwrap(), "--to", "label-studio", "-o", "-"]);
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let tasks: Value = serde_json::from_str(&utf8(&out.stdout)).unwrap();
    let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
    let region = |id: &Value| result.iter().find(|r| r["id"] == *id).unwrap()["value"]["text"].as_str().unwrap().to_string();
    let got: Vec<(String, String, String)> = result
        .iter()
        .filter(|r| r["type"] == "relation")
        .map(|r| (region(&r["from_id"]), r["labels"][0].as_str().unwrap().to_string(), region(&r["to_id"])))
        .collect();
    assert_eq!(got, want);
    assert!(tasks[0]["id"].is_u64());
    // Intent detection's categories are kept and written back.
    let file = fixture("doccano", "export-intent_detection.jsonl");
    let out = marginalia(&["convert", "--from", "doccano", file.to_str().unwrap(), "--to", "doccano", "-o", "-"]);
    let cats: Vec<Value> = utf8(&out.stdout).lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["cats"].clone()).collect();
    let want: Vec<Value> = doccano_documents(&file).iter().map(|d| d["cats"].clone()).collect();
    assert_eq!(cats, want);
}

#[test]
fn doccano_files_it_cannot_read_fully_are_never_read_as_empty() {
    // doccano 1.0's annotations export: ids without the label file are refused…
    let v1 = fixture("doccano", "v1.0.0-download_sequence_labeling.jsonl");
    let out = marginalia(&["validate", "--format", "doccano", v1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(utf8(&out.stdout).contains("annotations[0].label: 2 is a doccano label id, not a name"), "{}", utf8(&out.stdout));
    // …and read as a Marginalia save (the default for .jsonl), it is not valid.
    let out = marginalia(&["validate", v1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", utf8(&out.stdout));
    // With the label file, each user's spans are that user's record.
    let labels = temp_file("doccano-labels-2.json", V1_LABELS);
    let out = marginalia(&["validate", "--format", "doccano", "--label-config", labels.to_str().unwrap(), v1.to_str().unwrap()]);
    assert!(out.status.success(), "{}", utf8(&out.stdout));
    // Text classification (no offsets): refused by name, nothing converted, exit 1.
    let classes = fixture("doccano", "v1.0.0-download_text_classification.jsonl");
    let out = marginalia(&["convert", "--from", "doccano", classes.to_str().unwrap(), "--to", "spacy", "-o", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(utf8(&out.stderr).matches("an annotation of a whole text (text classification or seq2seq)").count(), 3, "{}", utf8(&out.stderr));
    // doccano's own 1.0 sample has a span past its (shortened) text: refused
    // by field, in UTF-16 units, the other lines read.
    let sample = fixture("doccano", "v1.0.0-download_sequence_labeling.json1l");
    let (records, out) = import("doccano", &sample, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(utf8(&out.stderr).contains(":1: skipped: labels[1][1]: offset 17 is past the end of the text (14 UTF-16 units)"), "{}", utf8(&out.stderr));
    assert_eq!(seen(&records), doccano_documents(&sample)[1..].iter().flat_map(|d| doccano_expected(d, &[])).collect::<Vec<_>>());
    // A doccano label file that is not one is refused before any input is read.
    let bad = temp_file("bad-labels.json", r#"[{"id": 1}]"#);
    let out = marginalia(&["validate", "--format", "doccano", "--label-config", bad.to_str().unwrap(), v1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(utf8(&out.stderr).contains("doccano label file: [0].text: is missing"), "{}", utf8(&out.stderr));
    // doccano's own label export (with ids) reads as a label file.
    let out = marginalia(&["validate", "--format", "doccano", "--label-config", fixture("doccano", "valid_labels.json").to_str().unwrap(), v1.to_str().unwrap()]);
    assert!(utf8(&out.stdout).contains("label id 2 is not in doccano's label file (2 labels)"), "{}", utf8(&out.stdout));
}

#[test]
fn label_studio_text_under_another_key_is_read_with_the_config_or_alone() {
    let config = fixture("label-studio", "docs-config-my_text.xml");
    let annotated = fixture("label-studio", "docs-annotated-my_text.json");
    let task: Value = serde_json::from_str(&std::fs::read_to_string(&annotated).unwrap()).unwrap();
    let (records, out) = import("label-studio", &annotated, &["--label-config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    assert_eq!(records.len(), 1, "annotations first; the prediction of an annotated task is not a record");
    assert_eq!(records[0].text, task[0]["data"]["my_text"].as_str().unwrap());
    let choice = &task[0]["annotations"][0]["result"][0];
    assert_eq!(records[0].document_labels[choice["from_name"].as_str().unwrap()], choice["value"]["choices"][0]);
    assert_eq!(records[0].meta.extra["data"]["ref_id"], task[0]["data"]["ref_id"]);
    // Its only string field is the text, config or not.
    let (alone, _) = import("label-studio", &annotated, &[]);
    assert_eq!(alone[0].text, records[0].text);
    // Tasks without annotations: one record each, with Label Studio's task id.
    let tasks_file = fixture("label-studio", "docs-tasks-my_text.json");
    let tasks: Value = serde_json::from_str(&std::fs::read_to_string(&tasks_file).unwrap()).unwrap();
    let (records, out) = import("label-studio", &tasks_file, &["--label-config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let want: Vec<(String, String)> =
        tasks.as_array().unwrap().iter().map(|t| (format!("label-studio-{}", t["id"]), t["data"]["my_text"].as_str().unwrap().to_string())).collect();
    assert_eq!(records.iter().map(|r| (r.meta.doc_id.clone(), r.text.clone())).collect::<Vec<_>>(), want);
    // Exported again: the same task ids.
    let out = marginalia(&["convert", "--from", "label-studio", tasks_file.to_str().unwrap(), "--to", "label-studio", "-o", "-"]);
    let back: Value = serde_json::from_str(&utf8(&out.stdout)).unwrap();
    let ids: Vec<&Value> = back.as_array().unwrap().iter().map(|t| &t["id"]).collect();
    assert_eq!(ids, tasks.as_array().unwrap().iter().map(|t| &t["id"]).collect::<Vec<_>>());
    // The document label cannot go to doccano: said, by count.
    let out = marginalia(&["convert", "--from", "label-studio", annotated.to_str().unwrap(), "--to", "doccano", "-o", "-"]);
    assert!(utf8(&out.stderr).contains("1 document label: doccano's span exports have no document labels"), "{}", utf8(&out.stderr));
}

#[test]
fn label_studio_annotations_and_predictions_are_each_a_record() {
    let file = fixture("label-studio", "tasks_annotations_predictions.json");
    let tasks: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let (records, out) = import("label-studio", &file, &[]);
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    // One record per annotation, else per prediction, else the task (bare tasks are their own data).
    let want: Vec<(String, String)> = tasks
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            let data = if t.get("data").is_some() { &t["data"] } else { t };
            let sets = t["annotations"].as_array().filter(|a| !a.is_empty()).or(t["predictions"].as_array()).cloned().unwrap_or_default();
            let text = data["text"].as_str().unwrap().to_string();
            match sets.is_empty() {
                true => vec![(text, String::new())],
                false => sets.iter().map(|s| (text.clone(), s["result"][0]["value"]["choices"][0].as_str().unwrap().to_string())).collect(),
            }
        })
        .collect();
    let got: Vec<(String, String)> = records
        .iter()
        .map(|r| (r.text.clone(), r.document_labels.get("text_class").and_then(Value::as_str).unwrap_or("").to_string()))
        .collect();
    assert_eq!(got, want);
    let file = fixture("label-studio", "text_with_2_predictions.json");
    let (records, _) = import("label-studio", &file, &[]);
    assert_eq!(
        records.iter().map(|r| (r.annotator.as_deref(), r.document_labels["text_class"].as_str())).collect::<Vec<_>>(),
        [(Some("model_version_A"), Some("class_A")), (Some("model_version_B"), Some("class_B"))]
    );
}

#[test]
fn a_label_studio_image_task_is_refused_not_read_as_text() {
    let file = fixture("label-studio", "previous_export.json");
    let (records, out) = import("label-studio", &file, &[]);
    assert!(records.is_empty());
    assert_eq!(out.status.code(), Some(1));
    assert!(utf8(&out.stderr).contains("data: holds no text (no string field other than URLs; its keys: image)"), "{}", utf8(&out.stderr));
    // A labelling config without a Text tag says so.
    let image_config = temp_file("image.xml", "<View><Image name=\"image\" value=\"$image\"/><Choices name=\"label\" toName=\"image\"/></View>");
    let out = marginalia(&["validate", "--format", "label-studio", "--label-config", image_config.to_str().unwrap(), file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(utf8(&out.stderr).contains("Label Studio labelling config: the labelling config has no <Text"), "{}", utf8(&out.stderr));
}

/// Several users' annotations in one doccano 1.x example reach `agree` and
/// `merge` as one annotator each (a constructed example in doccano's shape,
/// with an astral flag before the spans: UTF-16 offsets).
#[test]
fn each_doccano_user_is_an_annotator_for_agree_and_merge() {
    let text = "🇲🇱 Mali hired Wagner in Bamako";
    let at = |needle: &str| {
        let b = text.find(needle).unwrap();
        let s = text[..b].encode_utf16().count();
        (s, s + needle.encode_utf16().count())
    };
    let ((m0, m1), (w0, w1), (b0, b1)) = (at("Mali"), at("Wagner"), at("Bamako"));
    let line = serde_json::json!({"id": 1, "text": text, "annotations": [
        {"label": 2, "start_offset": m0, "end_offset": m1, "user": 1}, {"label": 1, "start_offset": w0, "end_offset": w1, "user": 1},
        {"label": 2, "start_offset": m0, "end_offset": m1, "user": 2}, {"label": 2, "start_offset": b0, "end_offset": b1, "user": 2}]});
    let file = temp_file("two-users.jsonl", &format!("{line}\n"));
    let labels = temp_file("two-users-labels.json", r#"[{"id": 1, "text": "PERSON"}, {"id": 2, "text": "GPE"}]"#);
    let args = ["--format", "doccano", "--label-config", labels.to_str().unwrap(), file.to_str().unwrap()];
    let out = marginalia(&[&["agree"][..], &args[..]].concat());
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    let report = utf8(&out.stdout);
    assert!(report.contains("annotated by two or more of: 1, 2"), "{report}");
    // GPE: user 1 has Mali, user 2 Mali and Bamako — one of two agrees.
    let gpe = report.lines().find(|l| l.trim_start().starts_with("GPE")).unwrap();
    assert_eq!(gpe.split_whitespace().take(5).collect::<Vec<_>>(), ["GPE", "entity", "1", "2", "0.500"], "{report}");
    let out = marginalia(&[&["merge"][..], &args[..], &["-o", "-"][..]].concat());
    let merged: Vec<Record> = utf8(&out.stdout).lines().map(|l| Record::parse(l).unwrap()).collect();
    let who: Vec<(Option<&str>, Vec<&str>)> =
        merged.iter().map(|r| (r.annotator.as_deref(), r.spans.iter().map(|s| s.text.as_deref().unwrap()).collect())).collect();
    assert_eq!(who, [(Some("1"), vec!["Mali", "Wagner"]), (Some("2"), vec!["Mali", "Bamako"])]);
}
