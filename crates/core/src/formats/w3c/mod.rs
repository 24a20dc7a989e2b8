//! W3C Web Annotation Data Model, JSON-LD (`docs/formats/w3c.md`).
//!
//! One document is one `AnnotationCollection` whose `first` page holds one
//! `Annotation` per span (label: a `tagging` body; attributes: `classifying`
//! bodies that name their attribute), one `linking` annotation per
//! relation, and one `classifying` annotation on the whole text for the
//! document labels. The text travels inside the collection, as a `Text`
//! resource with `value` under the `document` term, so the file alone
//! rebuilds the record. Offsets are code points (`TextPositionSelector`).
//!
//! Every key written is a term of the W3C context (`assets/w3c/anno.jsonld`)
//! or of the small inline context [`inline_context`] — a JSON-LD processor
//! drops undefined keys on expansion, and a dropped key is a lost datum.

pub mod foreign;
pub mod with_text;

pub use with_text::{import_with_text, report_lines, summary, Placed};

use super::brat::relation_ends;
use super::{doc_id_of, layer_of, new_record, Exported};
use crate::label_schema::LabelSchema;
use crate::record::{Record, RecordRelation, RecordSpan};
use crate::relation::RelationId;
use crate::span::{Attributes, SpanId};
use crate::suffix_array::SuffixArray;
use std::cell::OnceCell;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The W3C context, by its published address (vendored in `assets/w3c`).
pub const W3C_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// Where Marginalia's few own terms live.
pub const VOCAB: &str = "urn:marginalia:vocab:";

/// Every document, span and relation IRI starts with this.
pub const DOC_IRI_PREFIX: &str = "urn:marginalia:doc:";

/// Code points of context kept on either side in a `TextQuoteSelector`.
pub const QUOTE_CONTEXT: usize = 32;

/// Marginalia's terms, defined next to the W3C context:
/// `document` (the annotated text, embedded), `layer` (a tagging body's
/// annotation layer), `attribute` (the name of the attribute a classifying
/// body gives a value to), `jsonValue` (an attribute value that is not a
/// string, number or boolean, as a JSON literal) and `meta` (the record's
/// other metadata, as a JSON literal).
pub fn inline_context() -> Value {
    json!({
        "@version": 1.1,
        "document": { "@id": format!("{VOCAB}document"), "@type": "@id" },
        "layer": format!("{VOCAB}layer"),
        "attribute": format!("{VOCAB}attribute"),
        "jsonValue": { "@id": "http://www.w3.org/1999/02/22-rdf-syntax-ns#value", "@type": "@json" },
        "meta": { "@id": format!("{VOCAB}meta"), "@type": "@json" },
    })
}

/// `doc_id` made safe for an IRI: every byte but the unreserved ones of
/// RFC 3986 is percent-encoded (so a `:` in an id cannot be misread).
fn encode(doc_id: &str) -> String {
    let mut out = String::new();
    for b in doc_id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The IRI of the document's text.
pub fn document_iri(doc_id: &str) -> String {
    format!("{DOC_IRI_PREFIX}{}", encode(doc_id))
}

fn value_body(purpose: &str, name: &str, value: &Value) -> Value {
    let mut body = json!({ "type": "TextualBody", "purpose": purpose, "attribute": name });
    // A TextualBody's value is text; numbers and booleans are JSON-LD
    // literals of their own; anything else is kept as a JSON literal.
    let key = if matches!(value, Value::String(_) | Value::Bool(_) | Value::Number(_)) { "value" } else { "jsonValue" };
    body[key] = value.clone();
    body
}

fn creator(record: &Record) -> Option<Value> {
    record.annotator.as_ref().map(|a| json!({ "type": "Person", "name": a }))
}

fn span_target(source: &str, chars: &[char], s: &RecordSpan) -> Value {
    let quote = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut quote_selector = json!({ "type": "TextQuoteSelector", "exact": quote(s.start, s.end) });
    let before = s.start.saturating_sub(QUOTE_CONTEXT);
    if before < s.start {
        quote_selector["prefix"] = quote(before, s.start).into();
    }
    let after = (s.end + QUOTE_CONTEXT).min(chars.len());
    if s.end < after {
        quote_selector["suffix"] = quote(s.end, after).into();
    }
    json!({
        "source": source,
        "selector": [quote_selector, { "type": "TextPositionSelector", "start": s.start, "end": s.end }],
    })
}

/// The collection of one document, on one line.
pub fn export(record: &Record) -> Exported {
    let chars: Vec<char> = record.text.chars().collect();
    let doc_id = doc_id_of(record);
    let source = document_iri(&doc_id);
    let Some(numbers) = super::brat::span_numbers(&record.spans) else {
        return super::brat::too_many("spans", record.spans.len());
    };
    let span_iri = |i: usize| format!("{source}:s{}", numbers[i]);
    let with_creator = |mut annotation: Value| {
        if let Some(c) = creator(record) {
            annotation["creator"] = c;
        }
        annotation
    };

    let mut items = Vec::new();
    let mut written = vec![false; record.spans.len()];
    let mut outside = Vec::new();
    for (i, s) in record.spans.iter().enumerate() {
        if s.start >= s.end || s.end > chars.len() {
            outside.push(format!("{} at {}–{}", s.label, s.start, s.end));
            continue;
        }
        written[i] = true;
        let mut bodies = vec![json!({ "type": "TextualBody", "purpose": "tagging", "value": s.label, "layer": s.layer })];
        // The comment is a `commenting` body, which other W3C tools show as one.
        bodies.extend(s.attributes.iter().map(|(name, value)| match value {
            Value::String(text) if name == crate::label_schema::COMMENT => {
                json!({ "type": "TextualBody", "purpose": "commenting", "value": text })
            }
            _ => value_body("classifying", name, value),
        }));
        items.push(with_creator(json!({
            "id": span_iri(i),
            "type": "Annotation",
            "motivation": "tagging",
            "body": bodies,
            "target": span_target(&source, &chars, s),
        })));
    }

    let wanted: Vec<Option<u32>> = record.relations.iter().map(|r| r.id.map(|id| id.0)).collect();
    let Some(relation_numbers) = crate::id::number_items(&wanted) else {
        return super::brat::too_many("relations", wanted.len());
    };
    let mut unresolved = Vec::new();
    for (rel, n) in record.relations.iter().zip(relation_numbers) {
        let (from, to) = relation_ends(record, rel);
        let link = match (&rel.to_text, to.filter(|&i| written[i])) {
            (Some(text), _) => json!({ "type": "TextualBody", "purpose": "linking", "value": text }),
            (None, Some(to)) => json!({ "type": "SpecificResource", "purpose": "linking", "source": span_iri(to) }),
            (None, None) => {
                unresolved.push(rel.label.clone());
                continue;
            }
        };
        let Some(from) = from.filter(|&i| written[i]) else {
            unresolved.push(rel.label.clone());
            continue;
        };
        items.push(with_creator(json!({
            "id": format!("{source}:r{n}"),
            "type": "Annotation",
            "motivation": "linking",
            "body": [link, { "type": "TextualBody", "purpose": "tagging", "value": rel.label }],
            "target": span_iri(from),
        })));
    }

    if !record.document_labels.is_empty() {
        let bodies: Vec<Value> = record.document_labels.iter().map(|(k, v)| value_body("classifying", k, v)).collect();
        items.push(with_creator(json!({
            "id": format!("{source}:document-labels"),
            "type": "Annotation",
            "motivation": "classifying",
            "body": bodies,
            "target": source,
        })));
    }

    let mut document = json!({ "id": source, "type": "Text", "format": "text/plain", "value": record.text });
    if !record.meta.title.is_empty() {
        document["label"] = record.meta.title.clone().into();
    }
    if !record.meta.extra.is_empty() {
        document["meta"] = Value::Object(record.meta.extra.clone());
    }
    let mut collection = json!({
        "@context": [W3C_CONTEXT, inline_context()],
        "id": format!("{source}:annotations"),
        "type": "AnnotationCollection",
        "document": document,
        "total": items.len(),
    });
    if let Some(c) = creator(record) {
        collection["creator"] = c;
    }
    if let Some(t) = &record.created_at {
        collection["created"] = t.clone().into();
    }
    if let Some(t) = &record.updated_at {
        collection["modified"] = t.clone().into();
    }
    collection["first"] = json!({
        "id": format!("{source}:annotations:page-1"),
        "type": "AnnotationPage",
        "partOf": format!("{source}:annotations"),
        "startIndex": 0,
        "items": items,
    });

    let mut losses = Vec::new();
    if !outside.is_empty() {
        losses.push(format!("{} spans outside the text, not written: {}", outside.len(), outside.join(", ")));
    }
    if !unresolved.is_empty() {
        losses.push(format!(
            "{} relations whose ends are not written spans, not written: {}",
            unresolved.len(),
            unresolved.join(", ")
        ));
    }
    Exported { text: serde_json::to_string(&collection).expect("JSON values serialise"), losses }
}

/// What to do with annotations of a page that is not in the file.
const GIVE_TEXT: &str = "; for annotations of a page, give its text (marginalia --text FILE, or open the article in the app, then this file)";

/// A value or an array of values, as JSON-LD allows for any property.
pub(crate) fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

pub(crate) fn has_type(v: &Value, wanted: &str) -> bool {
    many(v.get("type")).iter().any(|t| t.as_str() == Some(wanted))
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An IRI given as a string or as an object with `id` (or `source`).
fn iri_of(v: &Value) -> Option<&str> {
    v.as_str().or_else(|| str_of(v, "id")).or_else(|| str_of(v, "source"))
}

fn attribute_value(body: &Value) -> Option<Value> {
    body.get("value").or_else(|| body.get("jsonValue")).cloned()
}

/// The id after the last `:` of an IRI, when it reads `<letter><n>`.
pub(crate) fn trailing_id<T>(iri: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
    iri.rsplit(':').next().and_then(parse)
}

/// Reads one collection back. Errors name the annotation (`items[i]` and
/// its id) and what is wrong.
pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let root: Value = serde_json::from_str(piece).map_err(|e| format!("the W3C annotation file is not valid JSON: {e}"))?;
    if !has_type(&root, "AnnotationCollection") {
        return Err(format!("this JSON-LD is not an AnnotationCollection (Marginalia writes one per document){}", GIVE_TEXT));
    }
    let document = root.get("document").filter(|d| d.is_object()).ok_or_else(|| {
        format!("the collection has no \"document\" with the annotated text: Marginalia needs the text itself to rebuild the record{GIVE_TEXT}")
    })?;
    let text = str_of(document, "value").ok_or("the collection's \"document\" has no \"value\" (its text)")?;
    let source = str_of(document, "id").unwrap_or_default().to_string();
    let doc_id = source.strip_prefix(DOC_IRI_PREFIX).and_then(decode).unwrap_or_else(|| source.clone());
    let mut record = new_record(text.to_string(), doc_id);
    if let Some(title) = str_of(document, "label") {
        record.meta.title = title.to_string();
    }
    if let Some(Value::Object(meta)) = document.get("meta") {
        record.meta.extra = meta.clone();
    }
    record.annotator = root.get("creator").and_then(|c| str_of(c, "name")).map(Into::into);
    record.created_at = str_of(&root, "created").map(Into::into);
    record.updated_at = str_of(&root, "modified").map(Into::into);

    let mut items = Vec::new();
    let mut page = root.get("first");
    while let Some(p) = page {
        if !p.is_object() {
            return Err("the collection's pages must be embedded (\"first\" is only a link)".into());
        }
        items.extend(many(p.get("items")));
        page = p.get("next").filter(|n| n.is_object());
    }

    let chars: Vec<char> = text.chars().collect();
    let quotes = QuoteIndex { chars: &chars, index: OnceCell::new() };
    let mut span_index: HashMap<String, usize> = HashMap::new();
    let mut links = Vec::new();
    for (n, item) in items.into_iter().enumerate() {
        let name = format!("items[{n}] ({})", str_of(item, "id").unwrap_or("no id"));
        let fail = |what: String| format!("{name}: {what}");
        let motivations = many(item.get("motivation"));
        let target = item.get("target").ok_or_else(|| fail("it has no target".into()))?;
        if motivations.iter().any(|m| m.as_str() == Some("linking")) {
            links.push((name, item));
        } else if iri_of(target) == Some(source.as_str()) && target.get("selector").is_none() {
            for body in many(item.get("body")) {
                let attribute = str_of(body, "attribute").ok_or_else(|| fail("a document body names no \"attribute\"".into()))?;
                let value = attribute_value(body).ok_or_else(|| fail(format!("document label {attribute} has no value")))?;
                record.document_labels.insert(attribute.into(), value);
            }
        } else {
            let span = read_span(item, target, &quotes, &source, schema).map_err(fail)?;
            if let Some(id) = str_of(item, "id") {
                if span_index.insert(id.to_string(), record.spans.len()).is_some() {
                    return Err(format!("{name}: the id is used twice"));
                }
            }
            record.spans.push(span);
        }
    }
    assign_span_ids(&mut record.spans)?;

    let mut relation_ids = Vec::new();
    for (name, item) in links {
        let fail = |what: &str| format!("{name}: {what}");
        let from = item
            .get("target")
            .and_then(iri_of)
            .and_then(|iri| span_index.get(iri))
            .ok_or_else(|| fail("its target is not a span annotation of this collection"))?;
        let mut label = None;
        let mut to = None;
        let mut to_text = None;
        for body in many(item.get("body")) {
            if str_of(body, "purpose") == Some("tagging") {
                label = str_of(body, "value");
            } else if has_type(body, "TextualBody") {
                to_text = str_of(body, "value").map(String::from);
            } else {
                let iri = iri_of(body).ok_or_else(|| fail("a linking body is neither a span annotation nor a TextualBody"))?;
                let found = span_index.get(iri);
                to = Some(*found.ok_or_else(|| fail(&format!("it links to {iri}, which is not a span annotation of this collection")))?);
            }
        }
        let label = label.ok_or_else(|| fail("it has no tagging body naming the relation"))?;
        if to.is_none() && to_text.is_none() {
            return Err(fail("it links to nothing"));
        }
        relation_ids.push(str_of(item, "id").and_then(|iri| trailing_id(iri, RelationId::parse)));
        record.relations.push(RecordRelation {
            id: None,
            label: label.to_string(),
            from: record.spans[*from].id,
            to: to.and_then(|i| record.spans[i].id),
            to_text,
            head: None,
            child: None,
            head_span: None,
            child_span: None,
        });
    }
    let wanted: Vec<Option<u32>> = relation_ids.into_iter().map(|id| id.map(|i| i.0)).collect();
    let numbers = crate::id::number_items(&wanted).ok_or("more relation annotations than relation numbers")?;
    for (rel, n) in record.relations.iter_mut().zip(numbers) {
        rel.id = Some(RelationId(n));
    }
    crate::sorting::sort_by_key(&mut record.spans, |s| (s.start, std::cmp::Reverse(s.end), s.id));
    Ok(record)
}

/// Span ids come from the annotations' ids (`…:s7`); others get the next free.
fn assign_span_ids(spans: &mut [RecordSpan]) -> Result<(), String> {
    let wanted: Vec<Option<u32>> = spans.iter().map(|s| s.id.map(|id| id.0)).collect();
    let numbers = crate::id::number_items(&wanted).ok_or("more span annotations than span numbers")?;
    for (s, n) in spans.iter_mut().zip(numbers) {
        s.id = Some(SpanId(n));
    }
    Ok(())
}

fn read_span(item: &Value, target: &Value, quotes: &QuoteIndex, source: &str, schema: &LabelSchema) -> Result<RecordSpan, String> {
    let chars = quotes.chars;
    let target_source = iri_of(target).unwrap_or_default();
    if target_source != source {
        return Err(format!("its target is {target_source:?}, not the collection's document {source:?}"));
    }
    let selectors = many(target.get("selector"));
    let quote = selectors.iter().find(|s| has_type(s, "TextQuoteSelector"));
    let position = selectors.iter().find(|s| has_type(s, "TextPositionSelector"));
    let exact = quote.and_then(|q| str_of(q, "exact"));
    let (start, end) = match position {
        Some(p) => {
            let offset = |k: &str| p.get(k).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
            let (Some(start), Some(end)) = (offset("start"), offset("end")) else {
                return Err("its TextPositionSelector needs whole-number start and end".into());
            };
            if start >= end || end > chars.len() {
                return Err(format!("its TextPositionSelector {start}–{end} is not a range inside the text ({} characters)", chars.len()));
            }
            (start, end)
        }
        None => {
            let q = quote.ok_or("its target has neither a TextPositionSelector nor a TextQuoteSelector")?;
            locate_quote(quotes, exact.unwrap_or_default(), str_of(q, "prefix").unwrap_or_default(), str_of(q, "suffix").unwrap_or_default())?
        }
    };
    let at: String = chars[start..end].iter().collect();
    if let Some(exact) = exact {
        if exact != at {
            return Err(format!("its TextQuoteSelector says '{exact}' but the text at {start}–{end} is '{at}'"));
        }
    }
    let mut label = None;
    let mut layer = None;
    let mut attributes = Attributes::new();
    for body in many(item.get("body")) {
        match str_of(body, "purpose") {
            Some("tagging") => {
                if label.is_some() {
                    return Err("it has two tagging bodies; a span has one label".into());
                }
                label = str_of(body, "value");
                layer = str_of(body, "layer");
            }
            Some(purpose @ ("classifying" | "commenting")) => {
                // A comment from another tool, without an attribute name, is a note.
                let name = str_of(body, "attribute").or((purpose == "commenting").then_some("note"));
                let name = name.ok_or("a classifying body names no \"attribute\"")?;
                let value = attribute_value(body).ok_or_else(|| format!("attribute {name} has no value"))?;
                attributes.insert(name.into(), value);
            }
            other => return Err(format!("a body with purpose {other:?} has no Marginalia meaning (tagging, classifying or commenting)")),
        }
    }
    let label = label.ok_or("it has no tagging body (the span's label)")?;
    Ok(RecordSpan {
        id: str_of(item, "id").and_then(|iri| trailing_id(iri, SpanId::parse)),
        start,
        end,
        token_start: None,
        token_end: None,
        label: label.to_string(),
        layer: layer.map(String::from).unwrap_or_else(|| layer_of(label, schema)),
        text: Some(at),
        attributes,
        defaults: Default::default(),
        source: None,
    })
}

/// The document's code points, with a suffix array of them built the first
/// time a quote without positions has to be found: then each quote costs
/// O(m log n), not a scan of the text (11 s for a few thousand quotes on a
/// repetitive text).
struct QuoteIndex<'a> {
    chars: &'a [char],
    index: OnceCell<SuffixArray<'a>>,
}

/// Where a quote without positions is: the one occurrence of `exact` whose
/// surroundings end with `prefix` and start with `suffix` — the one place
/// `prefix + exact + suffix` occurs.
fn locate_quote(quotes: &QuoteIndex, exact: &str, prefix: &str, suffix: &str) -> Result<(usize, usize), String> {
    let chars = quotes.chars;
    let exact_len = exact.chars().count();
    if exact_len == 0 || exact_len > chars.len() {
        return Err("its TextQuoteSelector has no exact text inside the document".into());
    }
    let prefix_len = prefix.chars().count();
    let needle: Vec<char> = prefix.chars().chain(exact.chars()).chain(suffix.chars()).collect();
    let index = quotes.index.get_or_init(|| SuffixArray::new(chars));
    match index.count(&needle) {
        1 => {
            let start = index.positions(&needle).next().unwrap_or_default() + prefix_len;
            Ok((start, start + exact_len))
        }
        0 => Err(format!("its TextQuoteSelector '{exact}' is not in the text")),
        n => Err(format!("its TextQuoteSelector '{exact}' occurs {n} times; add a TextPositionSelector")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{span_at as span, relation_of as relation};
    use serde_json::Map;
    use std::collections::BTreeSet;

    const HARD: &str = "👨‍👩‍👧‍👦 🇲🇱 Mali: e\u{301}cole of 国際協力機構, said الجزيرة: “Wagner left.”";
    const SOURCE: &str = "urn:marginalia:doc:wire%2F2024%20%231";

    fn hard_record() -> Record {
        let mut r = new_record(HARD.into(), "wire/2024 #1".into());
        r.meta.title = "Ecole".into();
        r.meta.extra.insert("url".into(), json!({"href": "https://example.org/a", "tags": ["x"]}));
        r.annotator = Some("ann1".into());
        r.spans.push(span(1, HARD, "Mali", "GPE", "entity"));
        r.spans.push(span(2, HARD, "国際協力機構", "ORG", "entity"));
        let mut jazeera = span(3, HARD, "الجزيرة", "ORG", "entity");
        jazeera.attributes.insert("note".into(), "the channel, not the peninsula".into());
        r.spans.push(jazeera);
        let mut claim = span(4, HARD, "“Wagner left.”", "CLAIM", "claim");
        claim.attributes.insert("claim_type".into(), "quote".into());
        claim.attributes.insert("note".into(), "from AFP 👍🏽".into());
        r.spans.push(claim);
        r.relations.push(relation(1, "claimed_by", 4, Some(3), None));
        r.relations.push(relation(2, "about", 4, None, Some("the junta")));
        r.document_labels.insert("section".into(), "world".into());
        r.document_labels.insert("contains_check_worthy_claims".into(), true.into());
        r
    }

    fn exported() -> Value {
        let out = export(&hard_record());
        assert!(out.losses.is_empty(), "{:?}", out.losses);
        assert!(!out.text.contains('\n'), "one line");
        serde_json::from_str(&out.text).unwrap()
    }

    #[test]
    fn selectors_are_code_points_with_quote_context() {
        let v = exported();
        let items = v["first"]["items"].as_array().unwrap();
        let mali = &items[0];
        assert_eq!(mali["id"], format!("{SOURCE}:s1"));
        assert_eq!(mali["target"]["source"], SOURCE);
        // 👨‍👩‍👧‍👦 is 7 code points (4 people, 3 joiners), a space, 🇲🇱 is 2, a space.
        assert_eq!(mali["target"]["selector"][1], json!({"type": "TextPositionSelector", "start": 11, "end": 15}));
        let quote = &mali["target"]["selector"][0];
        assert_eq!(quote["exact"], "Mali");
        assert_eq!(quote["prefix"], "👨‍👩‍👧‍👦 🇲🇱 ");
        // 32 code points after "Mali": ": " (2) + "e\u{301}cole" (6) + " of " (4) + 6 CJK + ", said " (7) + 7 Arabic.
        assert_eq!(quote["suffix"], ": e\u{301}cole of 国際協力機構, said الجزيرة");
        let arabic = &items[2]["target"]["selector"][1];
        assert_eq!((arabic["start"].as_u64(), arabic["end"].as_u64()), (Some(40), Some(47)));
        let claim = &items[3];
        assert_eq!(claim["body"][0], json!({"type": "TextualBody", "purpose": "tagging", "value": "CLAIM", "layer": "claim"}));
        assert_eq!(claim["body"][1], json!({"type": "TextualBody", "purpose": "classifying", "attribute": "claim_type", "value": "quote"}));
        // Comments, on an entity or a claim, are W3C `commenting` bodies.
        assert_eq!(claim["body"][2], json!({"type": "TextualBody", "purpose": "commenting", "value": "from AFP 👍🏽"}));
        assert_eq!(items[2]["body"][1], json!({"type": "TextualBody", "purpose": "commenting", "value": "the channel, not the peninsula"}));
        assert_eq!(claim["creator"], json!({"type": "Person", "name": "ann1"}));
        assert!(claim["target"]["selector"][0].get("suffix").is_none(), "nothing follows the claim");
        let by = &items[4];
        assert_eq!(by["motivation"], "linking");
        assert_eq!(by["target"], format!("{SOURCE}:s4"));
        assert_eq!(by["body"][0]["source"], format!("{SOURCE}:s3"));
        assert_eq!(items[5]["body"][0], json!({"type": "TextualBody", "purpose": "linking", "value": "the junta"}));
        assert_eq!(items[6]["target"], SOURCE);
        assert_eq!(items[6]["body"][0]["value"], true);
        assert_eq!(v["document"]["value"], HARD);
        assert_eq!(v["total"], 7);
    }

    #[test]
    fn reads_back_what_it_wrote() {
        let r = hard_record();
        let back = import(&export(&r).text, &LabelSchema::news_default()).unwrap();
        assert_eq!(back.text, r.text);
        assert_eq!(back.spans, r.spans);
        assert_eq!(back.relations, r.relations);
        assert_eq!(back.document_labels, r.document_labels);
        assert_eq!(back.meta, r.meta);
        assert_eq!(back.annotator, r.annotator);
    }

    /// Every key of `v` is a JSON-LD keyword or a term of `terms`; JSON
    /// literals (`@json` terms) are data, not terms, and are not walked.
    fn undefined_keys(v: &Value, terms: &BTreeSet<String>, json_terms: &BTreeSet<String>, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "@context" || json_terms.contains(k) {
                        continue;
                    }
                    if !k.starts_with('@') && !terms.contains(k) {
                        out.push(format!("{path}.{k}"));
                    }
                    undefined_keys(child, terms, json_terms, &format!("{path}.{k}"), out);
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| undefined_keys(c, terms, json_terms, &format!("{path}[{i}]"), out)),
            _ => {}
        }
    }

    fn walk(v: &Value, f: &mut dyn FnMut(&str, &Value)) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, c)| {
                f(k, c);
                walk(c, f)
            }),
            Value::Array(a) => a.iter().for_each(|c| walk(c, f)),
            _ => {}
        }
    }

    #[test]
    fn every_key_and_vocabulary_value_is_defined_by_the_contexts() {
        let w3c: Value = serde_json::from_str(include_str!("../../../../../assets/w3c/anno.jsonld")).unwrap();
        let inline = inline_context();
        let w3c_terms: &Map<String, Value> = w3c["@context"].as_object().unwrap();
        let inline_terms = inline.as_object().unwrap();
        let terms: BTreeSet<String> = w3c_terms.keys().chain(inline_terms.keys()).cloned().collect();
        let json_terms: BTreeSet<String> =
            inline_terms.iter().filter(|(_, d)| d["@type"] == "@json").map(|(k, _)| k.clone()).collect();
        let v = exported();
        assert_eq!(v["@context"], json!([W3C_CONTEXT, inline]));
        let mut missing = Vec::new();
        undefined_keys(&v, &terms, &json_terms, "$", &mut missing);
        assert!(missing.is_empty(), "keys a JSON-LD processor would drop: {missing:?}");
        // Values read as vocabulary terms (`type`, `motivation`, `purpose`)
        // must be terms too, and ids absolute IRIs.
        let mut checked = 0;
        walk(&v, &mut |k, c| match (k, c) {
            ("type" | "motivation" | "purpose", Value::String(s)) => {
                assert!(w3c_terms.contains_key(s), "{k}: {s} is not a term of the W3C context");
                checked += 1;
            }
            ("id" | "source" | "target" | "partOf", Value::String(s)) => {
                assert!(s.starts_with(DOC_IRI_PREFIX) && !s.contains(' '), "{k}: {s} is not an absolute IRI");
                checked += 1;
            }
            _ => {}
        });
        assert!(checked > 20);
        // The inline context does not redefine a W3C term.
        assert!(inline_terms.keys().all(|k| k.starts_with('@') || !w3c_terms.contains_key(k)));
    }

    #[test]
    fn refuses_what_does_not_fit_with_clear_messages() {
        let schema = LabelSchema::news_default();
        let good = exported();
        let fails = |edit: &dyn Fn(&mut Value)| {
            let mut v = good.clone();
            edit(&mut v);
            import(&v.to_string(), &schema).unwrap_err()
        };
        assert_eq!(
            fails(&|v| v["first"]["items"][2]["target"]["selector"][1]["start"] = json!(39)),
            format!("items[2] ({SOURCE}:s3): its TextQuoteSelector says 'الجزيرة' but the text at 39–47 is ' الجزيرة'")
        );
        assert_eq!(
            fails(&|v| v["first"]["items"][0]["target"]["selector"][1]["end"] = json!(999)),
            format!(
                "items[0] ({SOURCE}:s1): its TextPositionSelector 11–999 is not a range inside the text ({} characters)",
                HARD.chars().count()
            )
        );
        assert_eq!(
            fails(&|v| {
                v.as_object_mut().unwrap().remove("document");
            }),
            format!("the collection has no \"document\" with the annotated text: Marginalia needs the text itself to rebuild the record{GIVE_TEXT}")
        );
        assert_eq!(
            fails(&|v| v["first"]["items"][4]["body"][0]["source"] = json!("urn:x:s9")),
            format!("items[4] ({SOURCE}:r1): it links to urn:x:s9, which is not a span annotation of this collection")
        );
        assert_eq!(
            fails(&|v| v["first"]["items"][1]["body"][0]["purpose"] = json!("bookmarking")),
            format!("items[1] ({SOURCE}:s2): a body with purpose Some(\"bookmarking\") has no Marginalia meaning (tagging, classifying or commenting)")
        );
        assert_eq!(fails(&|v| v["type"] = json!("Annotation")), format!("this JSON-LD is not an AnnotationCollection (Marginalia writes one per document){GIVE_TEXT}"));
        assert!(import("{", &LabelSchema::news_default()).unwrap_err().starts_with("the W3C annotation file is not valid JSON"));
    }

    #[test]
    fn a_quote_without_positions_is_found_by_its_context() {
        let mut v = exported();
        let items = v["first"]["items"].as_array_mut().unwrap();
        for item in items.iter_mut().take(4) {
            item["target"]["selector"].as_array_mut().unwrap().truncate(1);
        }
        let back = import(&v.to_string(), &LabelSchema::news_default()).unwrap();
        assert_eq!(back.spans, hard_record().spans);
        // Without its context, a quote that occurs twice is ambiguous.
        let text = "Mali and Mali";
        let mut r = new_record(text.into(), "d".into());
        r.spans.push(span(1, text, "Mali", "GPE", "entity"));
        let mut v: Value = serde_json::from_str(&export(&r).text).unwrap();
        let selectors = v["first"]["items"][0]["target"]["selector"].as_array_mut().unwrap();
        selectors.truncate(1);
        selectors[0].as_object_mut().unwrap().remove("suffix");
        let err = import(&v.to_string(), &LabelSchema::news_default()).unwrap_err();
        assert_eq!(err, "items[0] (urn:marginalia:doc:d:s1): its TextQuoteSelector 'Mali' occurs 2 times; add a TextPositionSelector");
    }

    #[test]
    fn ids_at_the_top_of_the_range_neither_wrap_nor_collide() {
        // Issue 16, case 4: the next id after s4294967295 wrapped (an
        // overflow in a debug build); ids 0 are refused and renumbered.
        let mut r = hard_record();
        r.spans[0].id = Some(SpanId(u32::MAX));
        r.spans[1].id = Some(SpanId(0));
        r.relations[0].id = Some(RelationId(u32::MAX));
        r.relations[1].id = Some(RelationId(0));
        let back = import(&export(&r).text, &LabelSchema::news_default()).unwrap();
        let spans: std::collections::HashSet<_> = back.spans.iter().map(|s| s.id.unwrap()).collect();
        assert_eq!(spans.len(), 4, "{:?}", back.spans);
        assert!(spans.contains(&SpanId(u32::MAX)) && !spans.contains(&SpanId(0)));
        let relations: std::collections::HashSet<_> = back.relations.iter().map(|r| r.id.unwrap()).collect();
        assert_eq!(relations.len(), 2);
        assert!(relations.contains(&RelationId(u32::MAX)) && !relations.contains(&RelationId(0)));
    }

    #[test]
    fn quotes_without_positions_on_a_repetitive_text_each_find_their_own_place() {
        // Every sentence says the same words twice; only the number in the
        // prefix tells the quotes apart.
        let mut text = String::new();
        let mut r = new_record(String::new(), "d".into());
        for i in 0..300 {
            let sentence = format!("Item {i}: the minister said no, and the minister said no again. ");
            let at = text.chars().count() + sentence.find("the minister").unwrap();
            text += &sentence;
            r.spans.push(RecordSpan { start: at, end: at + 20, ..span(i as u32 + 1, "the minister said no", "the minister said no", "PERSON", "entity") });
        }
        r.text = text;
        let mut v: Value = serde_json::from_str(&export(&r).text).unwrap();
        for item in v["first"]["items"].as_array_mut().unwrap() {
            item["target"]["selector"].as_array_mut().unwrap().truncate(1);
        }
        let back = import(&v.to_string(), &LabelSchema::news_default()).unwrap();
        let places: Vec<(usize, usize)> = back.spans.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(places, r.spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>());
        // Without its prefix, a quote is one of 600 places.
        v["first"]["items"][5]["target"]["selector"][0].as_object_mut().unwrap().remove("prefix");
        let err = import(&v.to_string(), &LabelSchema::news_default()).unwrap_err();
        assert!(err.ends_with("its TextQuoteSelector 'the minister said no' occurs 300 times; add a TextPositionSelector"), "{err}");
    }
}
