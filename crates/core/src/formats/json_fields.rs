//! Reading foreign JSON field by field, so that every error names the field
//! at fault (`annotations[0].result[3].value.start: …`), and giving
//! imported spans and relations the ids the editor needs.

use super::new_span;
use crate::id::IdCounter;
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
    let taken: HashSet<u32> = seen.iter().map(|id| id.0).collect();
    let mut counter = IdCounter::above(taken.iter().copied());
    for (i, s) in spans.iter_mut().enumerate().filter(|(_, s)| s.id.is_none()) {
        let n = counter.next(|n| taken.contains(&n)).ok_or_else(|| format!("{at}[{i}]: no span id is left for it"))?;
        s.id = Some(SpanId(n));
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
    let taken: HashSet<u32> = seen.iter().map(|id| id.0).collect();
    let mut counter = IdCounter::above(taken.iter().copied());
    for (i, r) in relations.iter_mut().enumerate().filter(|(_, r)| r.id.is_none()) {
        let n = counter.next(|n| taken.contains(&n)).ok_or_else(|| format!("{at}[{i}]: no relation id is left for it"))?;
        r.id = Some(RelationId(n));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_at_the_top_of_the_range_neither_wrap_nor_collide() {
        // Issue 16, case 4: a span without an id after s4294967295 got the
        // next number, which wrapped (an overflow in a debug build).
        let chars: Vec<char> = "Mali and Niger".chars().collect();
        let schema = LabelSchema::news_default();
        let mut spans = vec![new_span(&chars, 0, 4, "GPE", &schema).unwrap(), new_span(&chars, 9, 14, "GPE", &schema).unwrap()];
        spans[0].id = Some(SpanId(u32::MAX));
        assign_span_ids(&mut spans, "spans").unwrap();
        assert_eq!(spans[0].id, Some(SpanId(u32::MAX)));
        assert!(spans[1].id.is_some() && spans[1].id != spans[0].id);
        let (a, b) = (spans[0].id.unwrap(), spans[1].id.unwrap());
        let mut relations = vec![relation(Some(RelationId(u32::MAX)), "about", a, Ok(b)), relation(None, "about", b, Ok(a))];
        assign_relation_ids(&mut relations, "relations").unwrap();
        assert!(relations[1].id.is_some() && relations[1].id != relations[0].id);
    }
}
