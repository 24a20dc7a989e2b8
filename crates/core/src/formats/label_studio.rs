//! Label Studio tasks (`docs/formats/label-studio.md`): one task per
//! document, `[…]` around them all (the stream frames the array).
//!
//! Units: code points, end exclusive — the same as Marginalia, so offsets
//! pass through unconverted. Label Studio's `Text` tag has stored code
//! points since its emoji fix (label-studio-frontend PR #308, for
//! label-studio PR #1559 / issue #1008): its own integration test "NER -
//! Emoji - Text" expects `"🐱 Warning: This is a test text"` to give `test`
//! at 21–25, which is code points (UTF-16 would be 22–26). Versions before the fix counted UTF-16 units (issue #1347);
//! import detects such a task by its region `text` and says so.
//!
//! Read: the text from the `data` field a `<Text value="$key">` of the
//! project's labelling config names ([`LabelConfig`]; the tag the results'
//! `to_name` names), else `data.text`, else the field the results'
//! `to_name` names, else the only string field — or a message naming the
//! candidates. Each annotation (`completions` before 1.0) is one record:
//! its annotator (`completed_by`: a user id, or an object with an email),
//! its timestamps, `was_cancelled` as the answer `ignore`; without
//! annotations, each prediction is one (its `model_version` as annotator).
//! Results read: `labels` regions, `relation`s, `choices` and `textarea`;
//! a set of results with nothing else (image regions, ratings…) is
//! refused by name, as is a task with annotations under a key this reader
//! does not read ([`super::unread`]). The task's other `data` fields are
//! kept (meta `data`) and written back.
//!
//! Written: the task `id` (a number, see [`task_id`]; Label Studio's own
//! converter needs it), `data` (`text`, `doc_id`, `title`, the kept
//! fields), `meta` (the record's other meta, annotator, timestamps), and
//! one annotation (with the same id; `was_cancelled` for the answer
//! `ignore`) whose `result`
//! holds `labels` regions (the span id as region id, the layer as
//! `from_name`), per-region `choices`/`textarea` results for attributes,
//! per-region `textarea` results named after a relation for links to free
//! text, `relation` results, and region-less `choices` for document labels.

use super::json_fields::*;
use super::label_studio_config::LabelConfig;
use super::unread::refuse_unread;
use super::{doc_id_of, new_record, Exported};
use crate::label_schema::{AttributeKind, LabelSchema};
use crate::record::{Record, RecordSpan};
use crate::span::SpanId;
use crate::text_index::TextIndex;
use serde_json::{json, Value};
use std::collections::HashMap;

/// `to_name` of every result: the `Text` tag's name in the labelling config.
pub const TEXT_TAG: &str = "text";

pub fn export(record: &Record) -> Exported {
    let default_schema;
    let schema = match &record.label_schema {
        Some(s) => s,
        None => {
            default_schema = LabelSchema::news_default();
            &default_schema
        }
    };
    let ix = TextIndex::new(&record.text);
    let (mut result, mut losses) = (Vec::new(), Vec::new());
    let region_id = |s: &RecordSpan, i: usize| s.id.map(|id| id.to_string()).unwrap_or_else(|| format!("span{i}"));
    let (mut odd_attributes, mut dangling) = (0, 0);
    for (i, s) in record.spans.iter().enumerate() {
        let id = region_id(s, i);
        let text = ix.slice(&record.text, s.start, s.end);
        result.push(json!({
            "id": id, "from_name": s.layer, "to_name": TEXT_TAG, "type": "labels",
            "value": {"start": s.start, "end": s.end, "text": text, "labels": [s.label]}
        }));
        for (name, value) in &s.attributes {
            let kind = schema.attributes_for(&s.layer).find(|a| a.name == *name).map(|a| a.kind);
            match classification(value, kind) {
                Some((kind, v)) => result.push(json!({
                    "id": id, "from_name": name, "to_name": TEXT_TAG, "type": kind,
                    "value": {"start": s.start, "end": s.end, value_key(kind): [v]}
                })),
                None => odd_attributes += 1,
            }
        }
    }
    let find = |id: Option<SpanId>| record.spans.iter().enumerate().find(|(_, s)| id.is_some() && s.id == id);
    for r in &record.relations {
        let ends = |id: Option<SpanId>, end: &Option<crate::record::RelationEnd>| {
            find(id).or_else(|| {
                end.as_ref().and_then(|e| record.spans.iter().enumerate().find(|(_, s)| s.start == e.start && s.end == e.end && s.label == e.label))
            })
        };
        let Some((i, from)) = ends(r.from, &r.head_span) else {
            dangling += 1;
            continue;
        };
        if let Some(text) = &r.to_text {
            let id = region_id(from, i);
            result.push(json!({
                "id": id, "from_name": r.label, "to_name": TEXT_TAG, "type": "textarea",
                "value": {"start": from.start, "end": from.end, "text": [text]}
            }));
            continue;
        }
        let Some((j, to)) = ends(r.to, &r.child_span) else {
            dangling += 1;
            continue;
        };
        result.push(json!({"from_id": region_id(from, i), "to_id": region_id(to, j), "type": "relation", "direction": "right", "labels": [r.label]}));
    }
    for (name, value) in &record.document_labels {
        let kind = schema.document_label(name).map(|a| a.kind);
        match classification(value, kind) {
            Some((kind, v)) => result.push(json!({"id": format!("doc-{name}"), "from_name": name, "to_name": TEXT_TAG, "type": kind, "value": {value_key(kind): [v]}})),
            None => odd_attributes += 1,
        }
    }
    if odd_attributes > 0 {
        losses.push(format!(
            "{}: a value that is neither text nor yes/no has no Label Studio choices or textarea form",
            count(odd_attributes, "attribute")
        ));
    }
    if dangling > 0 {
        losses.push(format!("{}: an end is not among the spans, so it cannot be written", count(dangling, "relation")));
    }
    let mut meta = record.meta.extra.clone();
    for (key, value) in [("annotator", &record.annotator), ("created_at", &record.created_at), ("updated_at", &record.updated_at)] {
        if let Some(v) = value {
            meta.insert(key.into(), v.clone().into());
        }
    }
    // The task's other data fields, kept on import, go back into `data`.
    let mut data = match meta.remove(DATA_META) {
        Some(Value::Object(others)) => others,
        Some(other) => {
            meta.insert(DATA_META.into(), other);
            Object::new()
        }
        None => Object::new(),
    };
    let doc_id = doc_id_of(record);
    data.insert("text".into(), record.text.clone().into());
    data.insert("doc_id".into(), doc_id.clone().into());
    data.insert("title".into(), record.meta.title.clone().into());
    let id = task_id(&doc_id);
    let mut annotation = json!({"id": id, "result": result});
    if record.answer == "ignore" {
        annotation["was_cancelled"] = true.into();
    }
    let task = json!({"id": id, "data": data, "meta": meta, "annotations": [annotation]});
    Exported { text: serde_json::to_string(&task).expect("a task always serialises"), losses }
}

/// A task id, as Label Studio and its converter need one (a number): the
/// number of an id Label Studio gave (`label-studio-17`), else a stable
/// number from the document's id (52 bits of its SHA-256, so that it stays
/// exact as a JavaScript number). Label Studio gives imported tasks ids of
/// its own; this one makes the file valid and the same on every export.
fn task_id(doc_id: &str) -> u64 {
    const EXACT_IN_JAVASCRIPT: u64 = 1 << 53;
    if let Some(n) = doc_id.strip_prefix("label-studio-").filter(|d| d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse::<u64>().ok()) {
        if n < EXACT_IN_JAVASCRIPT {
            return n;
        }
    }
    let hash = crate::article::sha256_hex(doc_id);
    u64::from_str_radix(&hash[..13], 16).expect("hex digits")
}

/// The result type (`choices` or `textarea`) and the string it holds for an
/// attribute's value: text attributes as a textarea, choices and yes/no as
/// a choice (`"true"`/`"false"` for a boolean).
fn classification(value: &Value, kind: Option<AttributeKind>) -> Option<(&'static str, String)> {
    match (value, kind) {
        (Value::String(s), Some(AttributeKind::Text)) => Some(("textarea", s.clone())),
        (Value::String(s), _) => Some(("choices", s.clone())),
        (Value::Bool(b), _) => Some(("choices", b.to_string())),
        _ => None,
    }
}

/// Where a `choices` or `textarea` result keeps its strings.
fn value_key(kind: &str) -> &'static str {
    if kind == "textarea" {
        "text"
    } else {
        "choices"
    }
}

/// A choice or textarea value read back, typed by the schema's kind.
fn typed(value: String, kind: Option<AttributeKind>, at: &str) -> Result<Value, String> {
    match kind {
        Some(AttributeKind::Boolean) => match value.as_str() {
            "true" => Ok(true.into()),
            "false" => Ok(false.into()),
            _ => Err(format!("{at}: {value:?} is not a yes/no value (true or false)")),
        },
        _ => Ok(value.into()),
    }
}

/// The one string a `choices`/`textarea` value holds.
fn single(value: &Object, key: &str, at: &str) -> Result<Vec<String>, String> {
    let at = join(at, key);
    let items = array(required(value, "", key).map_err(|_| format!("{at}: is missing"))?, &at)?;
    items.iter().enumerate().map(|(i, v)| string(v, &format!("{at}[{i}]")).map(str::to_string)).collect()
}

/// One task as one record; a task with several annotations (several
/// annotators) is refused here — read it with [`import_records`].
pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let mut records = import_records(piece, schema, None)?;
    match records.len() {
        1 => Ok(records.pop().expect("one")),
        n => Err(format!("this task holds {n} annotations (or predictions); each is a record of its own (read it with `marginalia`, or open one of them)")),
    }
}

/// One task: a record per annotation (its annotator's), else per
/// prediction, else the task's text alone. `config` names the `data` key
/// of the text.
pub fn import_records(piece: &str, schema: &LabelSchema, config: Option<&LabelConfig>) -> Result<Vec<Record>, String> {
    let task = parse_object(piece)?;
    refuse_unread(&task, READ, "Label Studio")?;
    // "If there is no data key, Label Studio interprets the entire JSON
    // file as one task" (its import guide): a bare object is its own data.
    let data = match task.get("data") {
        Some(v) => object(v, "data")?,
        None if READ.iter().any(|k| task.contains_key(*k)) => return Err("data: is missing".into()),
        None => &task,
    };
    let sets = result_sets(&task)?;
    let key = text_key(data, &sets, config)?;
    let text = string(required(data, "data", &key)?, &join("data", &key))?;
    let base = base_record(&task, data, &key, text)?;
    if sets.is_empty() {
        return Ok(vec![base]);
    }
    let chars: Vec<char> = text.chars().collect();
    let several = sets.len() > 1;
    sets.iter()
        .map(|set| {
            let mut record = base.clone();
            set.describe(&mut record)?;
            if several && record.annotator.is_none() {
                // Without a name, several annotations of one text would look
                // like one annotator's work, and `merge` would keep only one.
                record.annotator = Some(set.anonymous_name());
            }
            read_results(&mut record, set.results, &set.at, text, &chars, schema)?;
            Ok(record)
        })
        .collect()
}

/// Task keys this reader reads annotations from.
const READ: &[&str] = &["annotations", "completions", "predictions"];

/// The record every annotation of a task starts from: its text, id, title,
/// meta, and the task's other `data` fields (kept as meta `data`, written
/// back into `data` by export).
fn base_record(task: &Object, data: &Object, key: &str, text: &str) -> Result<Record, String> {
    let mut meta = match optional(task, "meta") {
        Some(v) => object(v, "meta")?.clone(),
        None => Object::new(),
    };
    let id_field = |key: &str| -> Result<Option<String>, String> {
        match optional(data, key) {
            Some(v) => id_text(v, &format!("data.{key}")).map(Some),
            None => Ok(None),
        }
    };
    let doc_id = match (id_field("doc_id")?, meta.remove("doc_id").filter(|v| !v.is_null()), optional(task, "id")) {
        (Some(id), _, _) => id,
        (None, Some(v), _) => id_text(&v, "meta.doc_id")?,
        (None, None, Some(v)) => format!("label-studio-{}", id_text(v, "id")?),
        _ => String::new(),
    };
    let mut record = new_record(text.to_string(), doc_id);
    match (optional(data, "title"), meta.remove("title").filter(|v| !v.is_null())) {
        (Some(v), _) => record.meta.title = string(v, "data.title")?.to_string(),
        (None, Some(v)) => record.meta.title = string(&v, "meta.title")?.to_string(),
        _ => {}
    }
    for (key, slot) in [("annotator", &mut record.annotator), ("created_at", &mut record.created_at), ("updated_at", &mut record.updated_at)] {
        if let Some(v) = meta.remove(key).filter(|v| !v.is_null()) {
            *slot = Some(string(&v, &format!("meta.{key}"))?.to_string());
        }
    }
    // A bare task is its own data: its `id` and `meta` are the task's.
    let bare = std::ptr::eq(data, task);
    let others: Object = data
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "doc_id" | "title") && k.as_str() != key && !(bare && matches!(k.as_str(), "id" | "meta")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    meta.remove(DATA_META);
    if !others.is_empty() {
        meta.insert(DATA_META.into(), others.into());
    }
    record.meta.extra = meta;
    Ok(record)
}

/// The meta field that keeps a task's other `data` fields.
const DATA_META: &str = "data";

/// One annotation's (or prediction's) results, with what says who made it.
struct ResultSet<'a> {
    results: &'a [Value],
    at: String,
    annotation: &'a Object,
    prediction: bool,
}

impl ResultSet<'_> {
    /// The annotator, timestamps and answer of this set's record: Label
    /// Studio's `completed_by` (a user id, or an object with an email), a
    /// prediction's `model_version`, and `was_cancelled` (skipped) as the
    /// answer `ignore`.
    fn describe(&self, record: &mut Record) -> Result<(), String> {
        let a = self.annotation;
        let key = if self.prediction { "model_version" } else { "completed_by" };
        let who = optional(a, key);
        let at = join(self.at.trim_end_matches(".result"), key);
        match who {
            Some(Value::Object(user)) => {
                let by = optional(user, "email").filter(|v| v.as_str().is_some_and(|s| !s.is_empty())).or_else(|| optional(user, "id"));
                if let Some(v) = by {
                    record.annotator = Some(id_text(v, &at)?);
                }
            }
            Some(v) => record.annotator = Some(id_text(v, &at)?),
            None => {}
        }
        for (key, slot) in [("created_at", &mut record.created_at), ("updated_at", &mut record.updated_at)] {
            if let Some(Value::String(s)) = optional(a, key) {
                *slot = Some(s.clone());
            }
        }
        if !self.prediction && optional(a, "was_cancelled").and_then(Value::as_bool) == Some(true) {
            record.answer = "ignore".into();
        }
        Ok(())
    }
}

impl ResultSet<'_> {
    /// A name for an annotation that names nobody: its id (`annotation 9`),
    /// else its place (`annotations[1]`).
    fn anonymous_name(&self) -> String {
        let place = self.at.trim_end_matches(".result");
        match optional(self.annotation, "id").and_then(|v| id_text(v, place).ok()) {
            Some(id) if !self.prediction => format!("annotation {id}"),
            Some(id) => format!("prediction {id}"),
            None => place.to_string(),
        }
    }
}

/// Every annotation (`completions` before Label Studio 1.0), else every
/// prediction, of a task.
fn result_sets(task: &Object) -> Result<Vec<ResultSet<'_>>, String> {
    for (key, prediction) in [("annotations", false), ("completions", false), ("predictions", true)] {
        let Some(v) = optional(task, key) else { continue };
        let items = array(v, key)?;
        if items.is_empty() {
            continue;
        }
        return items
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let at = format!("{key}[{k}]");
                let annotation = object(a, &at)?;
                let results = match optional(annotation, "result") {
                    Some(r) => array(r, &join(&at, "result"))?.as_slice(),
                    None => &[],
                };
                Ok(ResultSet { results, at: join(&at, "result"), annotation, prediction })
            })
            .collect();
    }
    Ok(Vec::new())
}

/// The `data` key that holds the text: the Text tag the results name (by
/// `to_name`) in the labelling config, or its only Text tag; without a
/// config `text`, then the key the results name, then the only string field.
fn text_key(data: &Object, sets: &[ResultSet], config: Option<&LabelConfig>) -> Result<String, String> {
    let mut targets: Vec<&str> = Vec::new();
    for set in sets {
        for r in set.results {
            let to = r.as_object().and_then(|r| optional(r, "to_name")).and_then(Value::as_str);
            if let Some(to) = to.filter(|to| !targets.contains(to)) {
                targets.push(to);
            }
        }
    }
    // A URL is media (an image, audio, a file to fetch), not the text.
    let is_url = |v: &Value| v.as_str().is_some_and(|s| ["http://", "https://", "s3://", "gs://", "azure-blob://", "data:", "/data/"].iter().any(|p| s.starts_with(p)));
    let strings: Vec<&str> = data.iter().filter(|(_, v)| v.is_string() && !is_url(v)).map(|(k, _)| k.as_str()).collect();
    if let Some(config) = config {
        let named: Vec<&str> = targets.iter().filter_map(|t| config.key_of(t)).collect();
        return match (named.as_slice(), config.texts.as_slice()) {
            ([key], _) => Ok(key.to_string()),
            ([], [only]) => Ok(only.key.clone()),
            ([], texts) => {
                let present: Vec<&str> = texts.iter().map(|t| t.key.as_str()).filter(|k| data.contains_key(*k)).collect();
                match present.as_slice() {
                    [key] => Ok(key.to_string()),
                    _ => Err(format!(
                        "data: the labelling config shows several texts ({}) and the task's results name none of them",
                        texts.iter().map(|t| format!("{} = ${}", t.name, t.key)).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
            (keys, _) => Err(format!("the task's results are on several texts (data keys {}); Marginalia reads one text per document", keys.join(", "))),
        };
    }
    if data.get("text").is_some_and(Value::is_string) {
        return Ok("text".into());
    }
    if let [to] = targets.as_slice() {
        if data.get(*to).is_some_and(|v| v.is_string() && !is_url(v)) {
            return Ok(to.to_string());
        }
    }
    match strings.as_slice() {
        [only] => Ok(only.to_string()),
        [] => Err(format!(
            "data: holds no text (no string field other than URLs{}); a text task keeps its text in a string field",
            if data.is_empty() { String::new() } else { format!("; its keys: {}", data.keys().cloned().collect::<Vec<_>>().join(", ")) }
        )),
        several => Err(format!(
            "data: which field is the text? It has no \"text\" field and several string fields ({}); give the project's labelling config (its <Text value=\"$key\"/> names the field)",
            several.join(", ")
        )),
    }
}

/// One annotation's results into its record: `labels` regions first
/// (everything else refers to them by id), then relations and
/// classifications. A set whose results are all of kinds this reader does
/// not read (image regions, ratings, other tags' labels…) is refused by name.
fn read_results(record: &mut Record, results: &[Value], at: &str, text: &str, chars: &[char], schema: &LabelSchema) -> Result<(), String> {
    let mut region_ids = Vec::new();
    let (mut unread, mut unread_results): (Vec<&str>, usize) = (Vec::new(), 0);
    for (i, r) in results.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let r = object(r, &at)?;
        let kind = optional(r, "type").and_then(Value::as_str);
        if !matches!(kind, Some("labels" | "relation" | "choices" | "textarea")) {
            unread_results += 1;
            let kind = kind.unwrap_or("(no type)");
            if !unread.contains(&kind) {
                unread.push(kind);
            }
        }
        if kind != Some("labels") {
            continue;
        }
        let value_at = join(&at, "value");
        let value = object(required(r, &at, "value")?, &value_at)?;
        let start = index(required(value, &value_at, "start")?, &join(&value_at, "start"))?;
        let end = index(required(value, &value_at, "end")?, &join(&value_at, "end"))?;
        let labels = single(value, "labels", &value_at)?;
        let quoted = optional(value, "text").map(|v| string(v, &join(&value_at, "text"))).transpose()?;
        if let Some(q) = quoted {
            check_quote(q, text, chars, start, end, &value_at)?;
        }
        let region = optional(r, "id").map(|v| id_text(v, &join(&at, "id"))).transpose()?;
        if labels.is_empty() {
            return Err(format!("{value_at}.labels: is empty; a region needs a label"));
        }
        for label in labels {
            let mut span = span_at(chars, start, end, &label, None, None, schema, &value_at)?;
            span.id = region.as_deref().and_then(SpanId::parse);
            record.spans.push(span);
            region_ids.push(region.clone());
        }
    }
    if !results.is_empty() && unread_results == results.len() {
        return Err(format!(
            "{at}: holds only results of kinds Marginalia does not read ({}); it reads text regions (labels), relations, choices and textareas",
            unread.join(", ")
        ));
    }
    assign_span_ids(&mut record.spans, at)?;
    let mut by_region: HashMap<String, usize> = HashMap::new();
    for (i, id) in region_ids.iter().enumerate() {
        if let Some(id) = id {
            by_region.entry(id.clone()).or_insert(i);
        }
    }

    for (i, r) in results.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let r = object(r, &at)?;
        let kind = optional(r, "type").map(|v| string(v, &join(&at, "type"))).transpose()?;
        match kind {
            Some("relation") => {
                let end = |key: &str| -> Result<SpanId, String> {
                    let id = id_text(required(r, &at, key)?, &join(&at, key))?;
                    by_region
                        .get(&id)
                        .and_then(|&k| record.spans[k].id)
                        .ok_or_else(|| format!("{}: region {id:?} is not among the labelled regions", join(&at, key)))
                };
                let (mut from, mut to) = (end("from_id")?, end("to_id")?);
                if optional(r, "direction").and_then(Value::as_str) == Some("left") {
                    std::mem::swap(&mut from, &mut to);
                }
                let labels = match optional(r, "labels") {
                    Some(_) => single(r, "labels", &at)?,
                    None => Vec::new(),
                };
                if labels.is_empty() {
                    return Err(format!("{}: a relation needs a label", join(&at, "labels")));
                }
                for label in labels {
                    record.relations.push(relation(None, &label, from, Ok(to)));
                }
            }
            Some(kind @ ("choices" | "textarea")) => {
                let name = string(required(r, &at, "from_name")?, &join(&at, "from_name"))?;
                let value_at = join(&at, "value");
                let value = object(required(r, &at, "value")?, &value_at)?;
                let key = value_key(kind);
                let values = single(value, key, &value_at)?;
                let value_at = join(&value_at, key);
                let region = optional(r, "id").map(|v| id_text(v, &join(&at, "id"))).transpose()?;
                let span = region.as_ref().filter(|_| value.contains_key("start")).and_then(|id| by_region.get(id)).copied();
                match span {
                    Some(k) if kind == "textarea" && schema.relation(name).is_some() => {
                        let from = record.spans[k].id.expect("ids are assigned");
                        for target in values {
                            record.relations.push(relation(None, name, from, Err(target)));
                        }
                    }
                    Some(k) => {
                        let layer = record.spans[k].layer.clone();
                        let kind = schema.attributes_for(&layer).find(|a| a.name == name).map(|a| a.kind);
                        let value = one(values, kind, &value_at)?;
                        record.spans[k].attributes.insert(name.to_string(), value);
                    }
                    None => {
                        let kind = schema.document_label(name).map(|a| a.kind);
                        let value = one(values, kind, &value_at)?;
                        record.document_labels.insert(name.to_string(), value);
                    }
                }
            }
            _ => {}
        }
    }
    assign_relation_ids(&mut record.relations, at)?;
    Ok(())
}

fn one(mut values: Vec<String>, kind: Option<AttributeKind>, at: &str) -> Result<Value, String> {
    match values.len() {
        1 => typed(values.pop().expect("one"), kind, &format!("{at}[0]")),
        n => Err(format!("{at}: expected one value, found {n}")),
    }
}

/// Label Studio's region `text` must be the text at its offsets. Label
/// Studio drops or escapes line breaks in it, so whitespace is not compared;
/// a region that only matches when read as UTF-16 units comes from a
/// Label Studio before the emoji fix, and the message says so.
fn check_quote(quoted: &str, text: &str, chars: &[char], start: usize, end: usize, at: &str) -> Result<(), String> {
    let squash = |s: &str| s.replace("\\n", "").chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let actual: Option<String> = (start < end && end <= chars.len()).then(|| chars[start..end].iter().collect());
    if actual.as_deref().is_some_and(|a| squash(a) == squash(quoted)) {
        return Ok(());
    }
    let units: Vec<u16> = text.encode_utf16().collect();
    let as_utf16 = (start < end && end <= units.len()).then(|| String::from_utf16_lossy(&units[start..end]));
    let hint = if as_utf16.is_some_and(|a| squash(&a) == squash(quoted)) {
        " — it matches if the offsets are read as UTF-16 units, as Label Studio counted them before its emoji fix; re-export from a current Label Studio"
    } else {
        ""
    };
    match actual {
        Some(actual) => Err(format!("{at}.text: {quoted:?} differs from the text at {start}–{end} ({actual:?}){hint}")),
        None => Err(format!("{at}: offsets {start}–{end} are not a range inside the text ({} characters){hint}", chars.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cp};
    use crate::formats::new_span;
    use crate::relation::RelationId;
    use serde_json::json;


    const HARD: &str = "👨‍👩‍👧‍👦 met 🇲🇱 officials at 国際協力機構, e\u{301}cole said الجزيرة.";

    fn record() -> Record {
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = HARD.chars().collect();
        let mut r = new_record(HARD.into(), "d1".into());
        for (i, (needle, label)) in [("国際協力機構", "ORG"), ("e\u{301}cole said", "CLAIM"), ("الجزيرة", "ORG")].iter().enumerate() {
            let (s, e) = cp(HARD, needle);
            let mut span = new_span(&chars, s, e, label, &schema).unwrap();
            span.id = Some(SpanId(i as u32 + 1));
            r.spans.push(span);
        }
        r.spans[1].attributes.insert("claim_type".into(), "quote".into());
        r.spans[1].attributes.insert("note".into(), "“العربية” 👍🏽".into());
        r.relations.push(relation(Some(RelationId(1)), "about", SpanId(2), Ok(SpanId(1))));
        r.relations.push(relation(Some(RelationId(2)), "claimed_by", SpanId(2), Err("A spokesman".into())));
        r.document_labels.insert("contains_check_worthy_claims".into(), true.into());
        r
    }

    #[test]
    fn writes_code_point_regions_per_region_attributes_and_relations() {
        let out = export(&record());
        assert!(out.losses.is_empty(), "{:?}", out.losses);
        let v: Value = serde_json::from_str(&out.text).unwrap();
        let result = v["annotations"][0]["result"].as_array().unwrap();
        // 7 (family) + " met " 5 + 2 (flag) + " officials at " 14 = 28.
        assert_eq!(result[0], json!({"id": "s1", "from_name": "entity", "to_name": "text", "type": "labels",
            "value": {"start": 28, "end": 34, "text": "国際協力機構", "labels": ["ORG"]}}));
        // ", " then e + U+0301 + "cole" (6 code points) from 36, " said" to 47.
        assert_eq!(result[1]["value"], json!({"start": 36, "end": 47, "text": "e\u{301}cole said", "labels": ["CLAIM"]}));
        assert_eq!(result[1]["from_name"], "claim");
        let by = |t: &str, name: &str| result.iter().find(|r| r["type"] == t && r["from_name"] == name).unwrap().clone();
        assert_eq!(by("choices", "claim_type"), json!({"id": "s2", "from_name": "claim_type", "to_name": "text", "type": "choices", "value": {"start": 36, "end": 47, "choices": ["quote"]}}));
        assert_eq!(by("textarea", "note")["value"]["text"], json!(["“العربية” 👍🏽"]));
        assert_eq!(by("textarea", "claimed_by")["id"], "s2");
        let rel = result.iter().find(|r| r["type"] == "relation").unwrap();
        assert_eq!(rel, &json!({"from_id": "s2", "to_id": "s1", "type": "relation", "direction": "right", "labels": ["about"]}));
        assert_eq!(by("choices", "contains_check_worthy_claims")["value"], json!({"choices": ["true"]}));
        assert_eq!(v["data"]["text"], HARD);
        assert_eq!(v["data"]["doc_id"], "d1");
    }

    #[test]
    fn reads_its_export_back_and_opens_in_the_editor() {
        let schema = LabelSchema::news_default();
        let r = record();
        let back = import(&export(&r).text, &schema).unwrap();
        assert_eq!(back.spans, r.spans);
        assert_eq!(back.document_labels, r.document_labels);
        assert_eq!(back.relations.len(), 2);
        assert_eq!(back.relations[0].to, Some(SpanId(1)));
        assert_eq!(back.relations[1].to_text.as_deref(), Some("A spokesman"));
        back.load(&schema).unwrap();
    }

    #[test]
    fn reads_tasks_label_studio_wrote_and_predictions() {
        let schema = LabelSchema::news_default();
        // As Label Studio exports: random region ids, extra fields, left-pointing relation.
        let task = json!({
            "id": 17, "data": {"text": "🐱 Mali hired Wagner."}, "meta": {}, "created_at": "2024-01-01",
            "annotations": [{"id": 9, "completed_by": 1, "was_cancelled": false, "lead_time": 3.2, "result": [
                {"value": {"start": 2, "end": 6, "text": "Mali", "labels": ["GPE"]}, "id": "BtfOIVC3G2", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"},
                {"value": {"start": 13, "end": 19, "text": "Wagner", "labels": ["ORG"]}, "id": "5n2MsvFQur", "from_name": "label", "to_name": "text", "type": "labels"},
                {"value": {"start": 2, "end": 19, "labels": ["CLAIM"]}, "id": "K-UimKZwcE", "from_name": "label", "to_name": "text", "type": "labels"},
                {"from_id": "5n2MsvFQur", "to_id": "K-UimKZwcE", "type": "relation", "direction": "left", "labels": ["about"]},
                {"value": {"choices": ["politics"]}, "id": "x1", "from_name": "section", "to_name": "text", "type": "choices"},
                {"value": {"rating": 4}, "id": "x2", "from_name": "stars", "to_name": "text", "type": "rating"}
            ]}],
            "predictions": []
        });
        let r = import(&task.to_string(), &schema).unwrap();
        assert_eq!(r.meta.doc_id, "label-studio-17");
        assert_eq!(r.spans.iter().map(|s| (s.start, s.end, s.label.as_str(), s.id.unwrap().0)).collect::<Vec<_>>(),
            vec![(2, 6, "GPE", 1), (13, 19, "ORG", 2), (2, 19, "CLAIM", 3)]);
        assert_eq!((r.relations[0].from, r.relations[0].to), (Some(SpanId(3)), Some(SpanId(2))), "left points back");
        assert_eq!(r.document_labels["section"], "politics");
        r.load(&schema).unwrap();
        let predicted = json!({"data": {"text": "Mali"}, "predictions": [{"result": [
            {"value": {"start": 0, "end": 4, "labels": ["GPE"]}, "id": "p", "from_name": "label", "to_name": "text", "type": "labels"}]}]});
        assert_eq!(import(&predicted.to_string(), &schema).unwrap().spans.len(), 1);
    }

    /// A region on `needle` in `text`, as Label Studio writes it (code points).
    fn region(text: &str, needle: &str, label: &str, to: &str, id: &str) -> Value {
        let (s, e) = cp(text, needle);
        json!({"value": {"start": s, "end": e, "text": needle, "labels": [label]}, "id": id, "from_name": "label", "to_name": to, "type": "labels"})
    }

    const RTL: &str = "👩🏽‍⚕️ Dr Diarra (مالي) met 国際協力機構 in Bamako.";

    #[test]
    fn the_text_may_be_under_any_key() {
        let schema = LabelSchema::news_default();
        let task = |data: Value| json!({"id": 3, "data": data, "annotations": [{"result": [region(RTL, "Bamako", "GPE", "message", "r1")]}]}).to_string();
        // No config: the only string field.
        let r = import(&task(json!({"my_text": RTL, "ref_id": 456, "meta_info": {"location": "North Pole"}})), &schema).unwrap();
        assert_eq!(r.text, RTL);
        assert_eq!(r.spans[0].text.as_deref(), Some("Bamako"));
        assert_eq!(r.meta.extra["data"], json!({"ref_id": 456, "meta_info": {"location": "North Pole"}}));
        // The kept fields go back into `data`; the text is written as `text`.
        let out: Value = serde_json::from_str(&export(&r).text).unwrap();
        assert_eq!((out["data"]["ref_id"].clone(), out["data"]["text"].clone()), (json!(456), json!(RTL)));
        assert!(out["meta"].get("data").is_none());
        // Several string fields: the one the results' to_name names, else a message naming them.
        let two = json!({"message": RTL, "source": "wire"});
        assert_eq!(import(&task(two), &schema).unwrap().text, RTL);
        let e = import(&task(json!({"body": RTL, "source": "wire"})), &schema).unwrap_err();
        assert_eq!(e, "data: which field is the text? It has no \"text\" field and several string fields (body, source); give the project's labelling config (its <Text value=\"$key\"/> names the field)");
        // With the labelling config: the Text tag the results name.
        let config = LabelConfig::from_xml(r#"<View><Text name="message" value="$body"/><Text name="other" value="$source"/></View>"#).unwrap();
        let r = import_records(&task(json!({"body": RTL, "source": "wire"})), &schema, Some(&config)).unwrap();
        assert_eq!((r[0].text.as_str(), r[0].spans[0].text.as_deref()), (RTL, Some("Bamako")));
        let e = import_records(&task(json!({"source": "wire"})), &schema, Some(&config)).unwrap_err();
        assert_eq!(e, "data.body: is missing");
        let plain = json!({"data": {"body": RTL, "source": "wire"}}).to_string();
        assert!(import_records(&plain, &schema, Some(&config)).unwrap_err().contains("shows several texts (message = $body, other = $source)"));
    }

    #[test]
    fn each_annotation_is_its_annotators_record() {
        let schema = LabelSchema::news_default();
        let task = json!({"id": 12, "data": {"text": RTL}, "annotations": [
            {"id": 1, "completed_by": 4, "created_at": "2024-05-01T10:00:00Z", "result": [region(RTL, "Diarra", "PERSON", "text", "a"), region(RTL, "مالي", "GPE", "text", "b")]},
            {"id": 2, "completed_by": {"id": 7, "email": "amadou@example.org"}, "result": [region(RTL, "国際協力機構", "ORG", "text", "c")]},
            {"id": 3, "completed_by": 9, "was_cancelled": true, "result": []}],
            "predictions": [{"model_version": "v1", "result": [region(RTL, "Bamako", "GPE", "text", "p")]}]});
        let records = import_records(&task.to_string(), &schema, None).unwrap();
        let seen: Vec<(Option<&str>, &str, Vec<&str>)> =
            records.iter().map(|r| (r.annotator.as_deref(), r.answer.as_str(), r.spans.iter().map(|s| s.text.as_deref().unwrap()).collect())).collect();
        assert_eq!(seen, vec![
            (Some("4"), "accept", vec!["Diarra", "مالي"]),
            (Some("amadou@example.org"), "accept", vec!["国際協力機構"]),
            (Some("9"), "ignore", vec![]),
        ]);
        assert_eq!(records[0].created_at.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert!(records.iter().all(|r| r.meta.doc_id == "label-studio-12"));
        let skipped: Value = serde_json::from_str(&export(&records[2]).text).unwrap();
        assert_eq!(skipped["annotations"][0]["was_cancelled"], true);
        assert!(import(&task.to_string(), &schema).unwrap_err().contains("holds 3 annotations"));
        // Annotations that name nobody are still told apart.
        let anonymous = json!({"data": {"text": RTL}, "annotations": [{"id": 9, "result": []}, {"result": []}]});
        let names: Vec<Option<String>> = import_records(&anonymous.to_string(), &schema, None).unwrap().into_iter().map(|r| r.annotator).collect();
        assert_eq!(names, [Some("annotation 9".to_string()), Some("annotations[1]".to_string())]);
        // Predictions only: one record per model.
        let predicted = json!({"data": {"text": RTL}, "annotations": [], "predictions": [
            {"model_version": "v1", "result": [region(RTL, "Bamako", "GPE", "text", "p")]}, {"model_version": "v2", "result": []}]});
        let records = import_records(&predicted.to_string(), &schema, None).unwrap();
        assert_eq!(records.iter().map(|r| (r.annotator.as_deref(), r.spans.len())).collect::<Vec<_>>(), vec![(Some("v1"), 1), (Some("v2"), 0)]);
    }

    #[test]
    fn the_export_carries_a_task_id() {
        let mut r = record();
        let id = |r: &Record| serde_json::from_str::<Value>(&export(r).text).unwrap()["id"].clone();
        let first = id(&r);
        assert!(first.as_u64().is_some_and(|n| n < 1 << 53), "{first}");
        assert_eq!(id(&r), first, "the same on every export");
        let v: Value = serde_json::from_str(&export(&r).text).unwrap();
        assert_eq!(v["annotations"][0]["id"], first);
        r.meta.doc_id = "label-studio-17".into();
        assert_eq!(id(&r), json!(17));
        r.meta.doc_id = "d2".into();
        assert_ne!(id(&r), first);
    }

    #[test]
    fn what_it_cannot_read_is_said_not_skipped() {
        let schema = LabelSchema::news_default();
        let image = json!({"data": {"text": "Mali"}, "annotations": [{"result": [
            {"id": "x", "type": "rectanglelabels", "from_name": "l", "to_name": "image", "value": {"x": 1.5, "rectanglelabels": ["Car"]}},
            {"id": "y", "type": "hypertextlabels", "from_name": "l", "to_name": "html", "value": {"start": "/p[1]", "hypertextlabels": ["PER"]}}]}]});
        assert_eq!(import(&image.to_string(), &schema).unwrap_err(),
            "annotations[0].result: holds only results of kinds Marginalia does not read (rectanglelabels, hypertextlabels); it reads text regions (labels), relations, choices and textareas");
        let beside = json!({"data": {"text": "Mali"}, "spans": [{"start": 0, "end": 4, "label": "GPE"}]});
        assert!(import(&beside.to_string(), &schema).unwrap_err().contains("the Label Studio reader does not read: \"spans\""));
    }

    #[test]
    fn hostile_numbers_are_refused() {
        let schema = LabelSchema::news_default();
        for (start, end) in [(json!(-1), json!(2)), (json!(0.5), json!(2)), (json!(0), json!(2.0)), (json!(0), json!(1e300)), (json!(0), json!(u64::MAX)), (json!(3), json!(1)), (json!("0"), json!(2))] {
            let task = json!({"data": {"text": "🐱 Mali"}, "annotations": [{"result": [
                {"value": {"start": start, "end": end, "labels": ["GPE"]}, "id": "a", "from_name": "label", "to_name": "text", "type": "labels"}]}]});
            let e = import(&task.to_string(), &schema).unwrap_err();
            assert!(e.starts_with("annotations[0].result[0].value"), "{task}: {e}");
        }
        let task = json!({"id": -3.5, "data": {"text": "Mali"}, "annotations": [{"completed_by": 1e300, "result": []}]});
        let r = import(&task.to_string(), &schema).unwrap();
        assert_eq!((r.meta.doc_id.as_str(), r.annotator.as_deref()), ("label-studio--3.5", Some("1e+300")), "ids are text, never arithmetic");
        let huge = r#"{"data": {"text": "Mali"}, "annotations": [{"result": [{"value": {"start": 0, "end": 18446744073709551616, "labels": ["GPE"]}, "id": "a", "from_name": "label", "to_name": "text", "type": "labels"}]}]}"#;
        assert!(import(huge, &schema).unwrap_err().contains("expected a non-negative integer"));
    }

    #[test]
    fn bad_input_names_the_field_and_spots_utf16_offsets() {
        let schema = LabelSchema::news_default();
        let region = |start: i64, end: i64, text: &str| {
            json!({"data": {"text": "🐱 Mali."}, "annotations": [{"result": [
                {"value": {"start": 0, "end": 1, "labels": ["MISC"]}, "id": "a", "from_name": "label", "to_name": "text", "type": "labels"},
                {"value": {"start": start, "end": end, "text": text, "labels": ["GPE"]}, "id": "b", "from_name": "label", "to_name": "text", "type": "labels"}]}]})
            .to_string()
        };
        // "Mali" is code points 2–6 of 7; UTF-16 units 3–7 of 8 (the cat is two units).
        assert!(import(&region(2, 6, "Mali"), &schema).is_ok());
        let e = import(&region(3, 7, "Mali"), &schema).unwrap_err();
        assert!(e.starts_with("annotations[0].result[1].value.text: \"Mali\" differs from the text at 3–7 (\"ali.\")"), "{e}");
        assert!(e.contains("read as UTF-16 units"), "{e}");
        let e = import(&region(2, 9, "Mali"), &schema).unwrap_err();
        assert_eq!(e, "annotations[0].result[1].value: offsets 2–9 are not a range inside the text (7 characters)");
        let bad = |v: Value| import(&v.to_string(), &schema).unwrap_err();
        assert_eq!(bad(json!({"data": {}})), "data: holds no text (no string field other than URLs); a text task keeps its text in a string field");
        assert_eq!(bad(json!({"annotations": []})), "data: is missing");
        assert_eq!(bad(json!({"data": {"image": "https://example.org/cat.jpg", "n": 1}})),
            "data: holds no text (no string field other than URLs; its keys: image, n); a text task keeps its text in a string field");
        let bare = import(&json!({"id": 5, "text": "Mali", "n": 1, "meta": {"m": 2}}).to_string(), &schema).unwrap();
        assert_eq!((bare.text.as_str(), bare.meta.doc_id.as_str()), ("Mali", "label-studio-5"), "a bare task is its own data");
        assert_eq!((bare.meta.extra["data"].clone(), bare.meta.extra["m"].clone()), (json!({"n": 1}), json!(2)));
        let with = |r: Value| json!({"data": {"text": "Mali"}, "annotations": [{"result": [
            {"value": {"start": 0, "end": 4, "labels": ["GPE"]}, "id": "a", "from_name": "label", "to_name": "text", "type": "labels"}, r]}]});
        assert_eq!(
            bad(with(json!({"from_id": "a", "to_id": "zz", "type": "relation", "labels": ["about"]}))),
            "annotations[0].result[1].to_id: region \"zz\" is not among the labelled regions"
        );
        assert_eq!(
            bad(with(json!({"value": {"choices": ["maybe"]}, "from_name": "contains_check_worthy_claims", "to_name": "text", "type": "choices"}))),
            "annotations[0].result[1].value.choices[0]: \"maybe\" is not a yes/no value (true or false)"
        );
        assert_eq!(
            bad(with(json!({"value": {"start": 0, "end": 4}, "id": "a", "from_name": "claim_type", "to_name": "text", "type": "choices"}))),
            "annotations[0].result[1].value.choices: is missing"
        );
    }
}
