//! Reading foreign JSON field by field, so that every error names the field
//! at fault (`annotations[0].result[3].value.start: …`), and giving
//! imported spans and relations the ids the editor needs.

use super::new_span;
use crate::label_schema::LabelSchema;
use crate::record::{RecordRelation, RecordSpan};
use crate::relation::RelationId;
use crate::span::SpanId;
use serde_json::{Map, Value};
use std::collections::HashSet;

pub(super) type Object = Map<String, Value>;

/// `at.key`, or `key` at the top level.
pub(super) fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// One document: a JSON object.
pub(super) fn parse_object(piece: &str) -> Result<Object, String> {
    match serde_json::from_str::<Value>(piece) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(format!("expected a JSON object (a document), found {}", kind(&other))),
        Err(e) => Err(format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column())),
    }
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn required<'a>(obj: &'a Object, at: &str, key: &str) -> Result<&'a Value, String> {
    obj.get(key).ok_or_else(|| format!("{}: is missing", join(at, key)))
}

/// A present, non-null field.
pub(super) fn optional<'a>(obj: &'a Object, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

pub(super) fn index(v: &Value, at: &str) -> Result<usize, String> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("{at}: expected a non-negative integer, found {v}"))
}

pub(super) fn string<'a>(v: &'a Value, at: &str) -> Result<&'a str, String> {
    v.as_str().ok_or_else(|| format!("{at}: expected a string, found {}", kind(v)))
}

pub(super) fn array<'a>(v: &'a Value, at: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("{at}: expected an array, found {}", kind(v)))
}

pub(super) fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Object, String> {
    v.as_object().ok_or_else(|| format!("{at}: expected an object, found {}", kind(v)))
}

/// An id written as a string or a number (doccano, Label Studio), as text.
pub(super) fn id_text(v: &Value, at: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!("{at}: expected an id (a string or a number), found {}", kind(v))),
    }
}

/// A span id in Marginalia's form (`s<number>`), when the field is there.
pub(super) fn span_id(obj: &Object, at: &str, key: &str) -> Result<Option<SpanId>, String> {
    match optional(obj, key) {
        None => Ok(None),
        Some(v) => {
            let s = string(v, &join(at, key))?;
            SpanId::parse(s).map(Some).ok_or_else(|| format!("{}: {s:?} is not a span id of the form s<number>", join(at, key)))
        }
    }
}

pub(super) fn relation_id(obj: &Object, at: &str, key: &str) -> Result<Option<RelationId>, String> {
    match optional(obj, key) {
        None => Ok(None),
        Some(v) => {
            let s = string(v, &join(at, key))?;
            RelationId::parse(s).map(Some).ok_or_else(|| format!("{}: {s:?} is not a relation id of the form r<number>", join(at, key)))
        }
    }
}

/// Gives every span without an id the next free one, and refuses an id used
/// twice (`at` names where the spans came from, for the message). Run before
/// relations are resolved: they point at these ids.
pub(super) fn assign_span_ids(spans: &mut [RecordSpan], at: &str) -> Result<(), String> {
    let mut seen = HashSet::new();
    for (i, s) in spans.iter().enumerate() {
        if let Some(id) = s.id {
            if !seen.insert(id) {
                return Err(format!("{at}[{i}].id: {id} is used twice"));
            }
        }
    }
    let mut next = spans.iter().filter_map(|s| s.id).map(|id| id.0).max().unwrap_or(0);
    for s in spans.iter_mut().filter(|s| s.id.is_none()) {
        next += 1;
        s.id = Some(SpanId(next));
    }
    Ok(())
}

/// The same for relations.
pub(super) fn assign_relation_ids(relations: &mut [RecordRelation], at: &str) -> Result<(), String> {
    let mut seen = HashSet::new();
    for (i, r) in relations.iter().enumerate() {
        if let Some(id) = r.id {
            if !seen.insert(id) {
                return Err(format!("{at}[{i}].id: {id} is used twice"));
            }
        }
    }
    let mut next = relations.iter().filter_map(|r| r.id).map(|id| id.0).max().unwrap_or(0);
    for r in relations.iter_mut().filter(|r| r.id.is_none()) {
        next += 1;
        r.id = Some(RelationId(next));
    }
    Ok(())
}

/// A relation by Marginalia's ids, without Prodigy's form.
pub(super) fn relation(id: Option<RelationId>, label: &str, from: SpanId, to: Result<SpanId, String>) -> RecordRelation {
    let (to, to_text) = match to {
        Ok(id) => (Some(id), None),
        Err(text) => (None, Some(text)),
    };
    RecordRelation { id, label: label.to_string(), from: Some(from), to, to_text, head: None, child: None, head_span: None, child_span: None }
}

/// "1 relation" / "3 relations".
pub(super) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A span read from a foreign file: inside the text, its quoted text (when
/// the file quotes it) equal to the text there, and in the layer the schema
/// gives its label — or, for a label the schema does not know, the layer
/// the file names (the entity layer when it names none).
#[allow(clippy::too_many_arguments)]
pub(super) fn span_at(
    chars: &[char],
    start: usize,
    end: usize,
    label: &str,
    quoted: Option<&str>,
    file_layer: Option<&str>,
    schema: &LabelSchema,
    at: &str,
) -> Result<RecordSpan, String> {
    let mut span = new_span(chars, start, end, label, schema).map_err(|e| format!("{at}: {e}"))?;
    if let (Some(quoted), Some(actual)) = (quoted, span.text.as_deref()) {
        if quoted != actual {
            return Err(format!("{at}.text: {quoted:?} differs from the text at {start}–{end} ({actual:?})"));
        }
    }
    if schema.label(label).is_none() {
        if let Some(layer) = file_layer.filter(|l| !l.trim().is_empty()) {
            span.layer = layer.to_string();
        }
    }
    Ok(span)
}
