//! Annotations under a key a reader does not read: the one rule that keeps
//! a file from being imported as if it held nothing.
//!
//! Every tool keeps its spans under its own keys (`label`, `annotations`,
//! `entities`, `spans`, `result`…). A reader that meets another tool's key
//! would otherwise read the text alone — a document without annotations,
//! which `validate` accepts and `convert` writes — and the user's work
//! would vanish with exit status 0. So a reader names the keys it reads,
//! and any other key of [`ANNOTATION_KEYS`] that holds something (a
//! non-empty array, object or string, or a number) is refused with a
//! message naming the key, what it holds and the format it suggests.
//!
//! Two entry points: [`refuse_unread`] for readers that hold the document
//! as a JSON object, [`unread_in_piece`] for readers that deserialise a
//! typed struct (it looks at the top-level keys only, without building the
//! values). Units: none — keys and counts of items.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Keys under which the tools Marginalia meets keep annotations: doccano
/// (`label`, `labels`, `annotations`, `entities`, `relations`, `cats`),
/// Label Studio (`annotations`, `completions`, `predictions`, `result`),
/// spaCy/Prodigy and Marginalia (`spans`, `relations`), and the common
/// ad-hoc names (`ner`, `tags`).
pub const ANNOTATION_KEYS: &[&str] =
    &["annotations", "completions", "predictions", "entities", "label", "labels", "spans", "result", "ner", "relations", "cats", "tags"];

/// The annotation keys of `object` that hold something and that the
/// reader (which reads `read`) leaves unread, in [`ANNOTATION_KEYS`] order.
pub fn unread_keys<'a>(object: &'a Map<String, Value>, read: &[&str]) -> Vec<(&'static str, &'a Value)> {
    ANNOTATION_KEYS
        .iter()
        .filter(|k| !read.contains(k))
        .filter_map(|&k| object.get(k).filter(|v| holds_something(v)).map(|v| (k, v)))
        .collect()
}

/// `Err` naming every unread annotation key of `object`, for the reader
/// `reader` (its title, e.g. "doccano JSONL"); `Ok` when there is none.
pub fn refuse_unread(object: &Map<String, Value>, read: &[&str], reader: &str) -> Result<(), String> {
    let found: Vec<(&str, String)> = unread_keys(object, read).into_iter().map(|(k, v)| (k, describe(v))).collect();
    match found.is_empty() {
        true => Ok(()),
        false => Err(message(&found, reader)),
    }
}

/// The same check on a document's text, for readers that never hold it as
/// a JSON object: `Err` naming the unread annotation keys at its top level.
/// A piece that is not a JSON object passes (its reader says what is wrong).
pub fn unread_in_piece(piece: &str, read: &[&str], reader: &str) -> Result<(), String> {
    let Ok(TopLevel(mut found)) = serde_json::from_str::<TopLevel>(piece) else { return Ok(()) };
    // In the order of ANNOTATION_KEYS, as `refuse_unread` names them.
    let found: Vec<(&str, String)> = ANNOTATION_KEYS
        .iter()
        .filter(|k| !read.contains(k))
        .filter_map(|&k| found.iter().position(|(f, _)| *f == k).map(|i| found.swap_remove(i)))
        .collect();
    match found.is_empty() {
        true => Ok(()),
        false => Err(message(&found, reader)),
    }
}

/// Every annotation key at a piece's top level that holds something, each
/// described (`"ner" (an array of 2 items; …)`), for a message about a
/// document no reader recognised.
pub fn described_in_piece(piece: &str) -> Vec<String> {
    let Ok(TopLevel(found)) = serde_json::from_str::<TopLevel>(piece) else { return Vec::new() };
    found.iter().map(|(k, what)| format!("\"{k}\" ({what}; {})", hint(k))).collect()
}

/// Whether a value holds anything a person could have annotated.
fn holds_something(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) => false,
        Value::Number(_) => true,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Array(a) => array_of(a.len()),
        Value::Object(o) => object_with(o.len()),
        Value::String(_) => "a string".into(),
        _ => "a number".into(),
    }
}

fn array_of(n: usize) -> String {
    if n == 1 {
        "an array of 1 item".into()
    } else {
        format!("an array of {n} items")
    }
}

fn object_with(n: usize) -> String {
    if n == 1 {
        "an object with 1 field".into()
    } else {
        format!("an object with {n} fields")
    }
}

/// Which format keeps its annotations under `key`, as a hint.
fn hint(key: &str) -> &'static str {
    match key {
        "label" | "labels" | "entities" | "cats" => "doccano (--format doccano)",
        "annotations" => "doccano 1.x or Label Studio (--format doccano or --format label-studio)",
        "completions" | "predictions" | "result" => "Label Studio (--format label-studio)",
        "spans" => "spaCy/Prodigy or Marginalia (--format spacy or --format marginalia)",
        "relations" => "doccano's relation export, spaCy/Prodigy or Marginalia",
        _ => "a format Marginalia does not read",
    }
}

fn message(found: &[(&str, String)], reader: &str) -> String {
    let listed: Vec<String> = found.iter().map(|(k, what)| format!("\"{k}\" ({what}; {})", hint(k))).collect();
    let (it, them) = if found.len() == 1 { ("a key", "it") } else { ("keys", "them") };
    format!(
        "this document holds what looks like annotations under {it} the {reader} reader does not read: {}; \
         reading on would import the text without {them} — read the file in the format it is in, or remove {them}",
        listed.join(", ")
    )
}

/// The annotation keys at a piece's top level that hold something, found
/// without building the values (a typed reader's document can be large).
struct TopLevel(Vec<(&'static str, String)>);

impl<'de> de::Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut found = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match ANNOTATION_KEYS.iter().find(|k| **k == key) {
                Some(&k) => {
                    let Size(size) = map.next_value()?;
                    if let Some(what) = size {
                        found.push((k, what));
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(TopLevel(found))
    }
}

/// A value's description when it holds something (as [`describe`]), read
/// without keeping its content.
struct Size(Option<String>);

impl<'de> de::Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SizeVisitor)
    }
}

struct SizeVisitor;

impl<'de> Visitor<'de> for SizeVisitor {
    type Value = Size;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Size, E> {
        Ok(Size(None))
    }
    fn visit_unit<E>(self) -> Result<Size, E> {
        Ok(Size(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Size, E> {
        Ok(Size(Some("a number".into())))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Size, E> {
        Ok(Size(Some("a number".into())))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Size, E> {
        Ok(Size(Some("a number".into())))
    }
    fn visit_str<E>(self, s: &str) -> Result<Size, E> {
        Ok(Size((!s.trim().is_empty()).then(|| "a string".into())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Size, A::Error> {
        let mut n = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(Size((n > 0).then(|| array_of(n))))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Size, A::Error> {
        let mut n = 0usize;
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<IgnoredAny>()?;
            n += 1;
        }
        Ok(Size((n > 0).then(|| object_with(n))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_key_with_content_that_is_not_read_is_refused_by_name() {
        let doc = object(json!({"text": "Mali", "annotations": [{"label": 1, "start_offset": 0, "end_offset": 4}], "label": []}));
        let e = refuse_unread(&doc, &["label", "labels"], "doccano JSONL").unwrap_err();
        assert!(e.contains("under a key the doccano JSONL reader does not read: \"annotations\" (an array of 1 item; doccano 1.x or Label Studio"), "{e}");
        assert!(refuse_unread(&doc, &["label", "annotations"], "doccano JSONL").is_ok());
    }

    #[test]
    fn empty_values_are_not_annotations() {
        let doc = object(json!({"text": "Mali", "annotations": [], "entities": {}, "labels": "  ", "cats": null, "ner": false}));
        assert!(unread_keys(&doc, &[]).is_empty());
        let piece = doc.iter().map(|(k, v)| format!("{k:?}: {v}")).collect::<Vec<_>>().join(", ");
        assert!(unread_in_piece(&format!("{{{piece}}}"), &[], "spaCy").is_ok());
    }

    #[test]
    fn the_piece_check_agrees_with_the_object_check() {
        let v = json!({"text": "🐱 Mali", "spans": [], "result": [1, 2], "ner": {"a": 1, "b": 2}, "cats": 3, "other": [1]});
        let by_object = refuse_unread(&object(v.clone()), &["spans"], "spaCy/Prodigy").unwrap_err();
        let by_piece = unread_in_piece(&v.to_string(), &["spans"], "spaCy/Prodigy").unwrap_err();
        assert_eq!(by_object, by_piece);
        assert!(by_piece.contains("\"result\" (an array of 2 items; Label Studio"), "{by_piece}");
        assert!(by_piece.contains("\"ner\" (an object with 2 fields;"), "{by_piece}");
        assert!(by_piece.contains("\"cats\" (a number;"), "{by_piece}");
        assert!(!by_piece.contains("other"), "{by_piece}");
        assert!(unread_in_piece("[1, 2]", &[], "x").is_ok());
        assert!(unread_in_piece("not json", &[], "x").is_ok());
    }
}
