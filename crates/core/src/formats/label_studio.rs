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
//! Written: `data` (`text`, `doc_id`, `title`), `meta` (the record's
//! other meta, annotator, timestamps), and one annotation whose `result`
//! holds `labels` regions (the span id as region id, the layer as
//! `from_name`), per-region `choices`/`textarea` results for attributes,
//! per-region `textarea` results named after a relation for links to free
//! text, `relation` results, and region-less `choices` for document labels.

use super::json_fields::*;
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
    let task = json!({
        "data": {"text": record.text, "doc_id": doc_id_of(record), "title": record.meta.title},
        "meta": meta,
        "annotations": [{"result": result}],
    });
    Exported { text: serde_json::to_string(&task).expect("a task always serialises"), losses }
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

pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let task = parse_object(piece)?;
    let data = object(required(&task, "", "data")?, "data")?;
    let text = string(required(data, "data", "text")?, "data.text")?;
    let chars: Vec<char> = text.chars().collect();
    let mut meta = match optional(&task, "meta") {
        Some(v) => object(v, "meta")?.clone(),
        None => Object::new(),
    };
    let id_field = |key: &str| -> Result<Option<String>, String> {
        match optional(data, key) {
            Some(v) => id_text(v, &format!("data.{key}")).map(Some),
            None => Ok(None),
        }
    };
    let doc_id = match (id_field("doc_id")?, meta.remove("doc_id").filter(|v| !v.is_null()), optional(&task, "id")) {
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
    record.meta.extra = meta;

    let Some((results, at)) = chosen_results(&task)? else { return Ok(record) };
    // Regions first: everything else refers to them by id.
    let mut region_ids = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let r = object(r, &at)?;
        if optional(r, "type").and_then(Value::as_str) != Some("labels") {
            continue;
        }
        let value_at = join(&at, "value");
        let value = object(required(r, &at, "value")?, &value_at)?;
        let start = index(required(value, &value_at, "start")?, &join(&value_at, "start"))?;
        let end = index(required(value, &value_at, "end")?, &join(&value_at, "end"))?;
        let labels = single(value, "labels", &value_at)?;
        let quoted = optional(value, "text").map(|v| string(v, &join(&value_at, "text"))).transpose()?;
        if let Some(q) = quoted {
            check_quote(q, text, &chars, start, end, &value_at)?;
        }
        let region = optional(r, "id").map(|v| id_text(v, &join(&at, "id"))).transpose()?;
        if labels.is_empty() {
            return Err(format!("{value_at}.labels: is empty; a region needs a label"));
        }
        for label in labels {
            let mut span = span_at(&chars, start, end, &label, None, None, schema, &value_at)?;
            span.id = region.as_deref().and_then(SpanId::parse);
            record.spans.push(span);
            region_ids.push(region.clone());
        }
    }
    assign_span_ids(&mut record.spans, &at)?;
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
    assign_relation_ids(&mut record.relations, &at)?;
    Ok(record)
}

fn one(mut values: Vec<String>, kind: Option<AttributeKind>, at: &str) -> Result<Value, String> {
    match values.len() {
        1 => typed(values.pop().expect("one"), kind, &format!("{at}[0]")),
        n => Err(format!("{at}: expected one value, found {n}")),
    }
}

/// `annotations[k].result` of the first annotation not cancelled, else
/// `predictions[0].result`, with its path for messages.
fn chosen_results(task: &Object) -> Result<Option<(&Vec<Value>, String)>, String> {
    for key in ["annotations", "completions", "predictions"] {
        let Some(v) = optional(task, key) else { continue };
        for (k, a) in array(v, key)?.iter().enumerate() {
            let at = format!("{key}[{k}]");
            let a = object(a, &at)?;
            if optional(a, "was_cancelled").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let at = join(&at, "result");
            return Ok(Some((array(required(a, &format!("{key}[{k}]"), "result")?, &at)?, at)));
        }
    }
    Ok(None)
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
        assert_eq!(bad(json!({"data": {}})), "data.text: is missing");
        assert_eq!(bad(json!({"annotations": []})), "data: is missing");
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
