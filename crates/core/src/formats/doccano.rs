//! doccano JSONL (`docs/formats/doccano.md`): one example per line,
//! `{"text", "label": [[start, end, "LABEL"], …]}` plus the document's id,
//! title, annotator and meta as top-level keys (doccano keeps unknown keys
//! as the example's meta and writes them back the same way).
//!
//! Units: UTF-16 code units, end exclusive — doccano measures selections
//! with JavaScript string lengths (doccano issue #2290, PR #99), so an emoji
//! outside the BMP counts 2. Converted at this edge both ways; an offset
//! between the two units of one code point is refused on import. (A doccano
//! project with "count grapheme clusters as one character" writes grapheme
//! offsets instead: such files are not read correctly.)
//!
//! doccano's sequence-labelling JSONL has no attributes, relations, document
//! labels or layers: export says how many of each it dropped. Import reads
//! that form (`label` or `labels`) and the relation-extraction form
//! (`entities` with `start_offset`/`end_offset`, `relations` with
//! `from_id`/`to_id`/`type`); the schema puts each label in its layer.

use super::json_fields::*;
use super::{doc_id_of, new_record, Exported};
use crate::label_schema::{LabelSchema, ENTITY_LAYER};
use crate::record::Record;
use crate::span::SpanId;
use crate::text_index::TextIndex;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Top-level keys with a meaning here; any other key is the example's meta.
const KNOWN: &[&str] = &["text", "label", "labels", "entities", "relations", "id", "doc_id", "title", "annotator", "created_at", "updated_at"];

pub fn export(record: &Record) -> Exported {
    let ix = TextIndex::new(&record.text);
    let mut line = Object::new();
    for (key, value) in &record.meta.extra {
        if !KNOWN.contains(&key.as_str()) {
            line.insert(key.clone(), value.clone());
        }
    }
    line.insert("doc_id".into(), doc_id_of(record).into());
    if !record.meta.title.is_empty() {
        line.insert("title".into(), record.meta.title.clone().into());
    }
    for (key, value) in [("annotator", &record.annotator), ("created_at", &record.created_at), ("updated_at", &record.updated_at)] {
        if let Some(v) = value {
            line.insert(key.into(), v.clone().into());
        }
    }
    line.insert("text".into(), record.text.clone().into());
    let labels: Vec<Value> = record
        .spans
        .iter()
        .map(|s| serde_json::json!([ix.utf16_of(s.start), ix.utf16_of(s.end), s.label]))
        .collect();
    line.insert("label".into(), labels.into());

    let mut losses = Vec::new();
    let with_attributes = record.spans.iter().filter(|s| !s.attributes.is_empty()).count();
    if with_attributes > 0 {
        losses.push(format!("attributes of {}: doccano's sequence-labelling JSONL has no span attributes", count(with_attributes, "span")));
    }
    let to_text = record.relations.iter().filter(|r| r.to_text.is_some()).count();
    let between_spans = record.relations.len() - to_text;
    if between_spans > 0 {
        losses.push(format!("{}: doccano's sequence-labelling JSONL has no relations", count(between_spans, "relation")));
    }
    if to_text > 0 {
        losses.push(format!("{} to free text: doccano has no relations, and no free-text targets", count(to_text, "relation")));
    }
    if !record.document_labels.is_empty() {
        losses.push(format!("{}: doccano's sequence-labelling JSONL has no document labels", count(record.document_labels.len(), "document label")));
    }
    let mut layers: BTreeMap<&str, usize> = BTreeMap::new();
    for s in record.spans.iter().filter(|s| s.layer != ENTITY_LAYER) {
        *layers.entry(&s.layer).or_default() += 1;
    }
    for (layer, n) in layers {
        losses.push(format!(
            "the layer of {} in the {layer} layer: doccano has no layers (on import the label schema puts each label back in its layer)",
            count(n, "span")
        ));
    }
    let shadowed = record.meta.extra.keys().filter(|k| KNOWN.contains(&k.as_str())).count();
    if shadowed > 0 {
        losses.push(format!("{}: its name is one doccano uses for something else", count(shadowed, "meta field")));
    }
    Exported { text: serde_json::to_string(&line).expect("a line always serialises"), losses }
}

pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let line = parse_object(piece)?;
    let text = string(required(&line, "", "text")?, "text")?;
    let doc_id = match (optional(&line, "doc_id"), optional(&line, "id")) {
        (Some(v), _) => id_text(v, "doc_id")?,
        (None, Some(v)) => format!("doccano-{}", id_text(v, "id")?),
        _ => String::new(),
    };
    let mut record = new_record(text.to_string(), doc_id);
    if let Some(v) = optional(&line, "title") {
        record.meta.title = string(v, "title")?.to_string();
    }
    for (key, slot) in [("annotator", &mut record.annotator), ("created_at", &mut record.created_at), ("updated_at", &mut record.updated_at)] {
        if let Some(v) = optional(&line, key) {
            *slot = Some(string(v, key)?.to_string());
        }
    }
    for (key, value) in &line {
        if !KNOWN.contains(&key.as_str()) {
            record.meta.extra.insert(key.clone(), value.clone());
        }
    }
    let ix = TextIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    let to_cp = |u: usize, at: &str| -> Result<usize, String> {
        if u > ix.len_utf16() {
            return Err(format!("{at}: offset {u} is past the end of the text ({} UTF-16 units)", ix.len_utf16()));
        }
        let cp = ix.cp_of_utf16(u);
        if ix.utf16_of(cp) != u {
            return Err(format!("{at}: offset {u} falls between the two UTF-16 units of one character"));
        }
        Ok(cp)
    };

    let list = ["label", "labels"].into_iter().find_map(|k| optional(&line, k).map(|v| (k, v)));
    if let Some((key, v)) = list {
        for (i, item) in array(v, key)?.iter().enumerate() {
            let at = format!("{key}[{i}]");
            let triple = match item {
                Value::Array(t) if t.len() == 3 => t,
                Value::String(_) => {
                    return Err(format!("{at}: expected [start, end, label], found a string (a text-classification export, which has no spans)"))
                }
                other => return Err(format!("{at}: expected [start, end, label], found {}", describe(other))),
            };
            let start = to_cp(index(&triple[0], &format!("{at}[0]"))?, &format!("{at}[0]"))?;
            let end = to_cp(index(&triple[1], &format!("{at}[1]"))?, &format!("{at}[1]"))?;
            let label = string(&triple[2], &format!("{at}[2]"))?;
            record.spans.push(span_at(&chars, start, end, label, None, None, schema, &at)?);
        }
        assign_span_ids(&mut record.spans, key)?;
    }

    let mut by_entity: HashMap<String, usize> = HashMap::new();
    if let Some(v) = optional(&line, "entities") {
        if list.is_some() {
            return Err(format!("{} and entities: a doccano example has one or the other", list.map(|(k, _)| k).unwrap_or("label")));
        }
        let mut ids = Vec::new();
        for (i, e) in array(v, "entities")?.iter().enumerate() {
            let at = format!("entities[{i}]");
            let e = object(e, &at)?;
            let start = to_cp(index(required(e, &at, "start_offset")?, &join(&at, "start_offset"))?, &join(&at, "start_offset"))?;
            let end = to_cp(index(required(e, &at, "end_offset")?, &join(&at, "end_offset"))?, &join(&at, "end_offset"))?;
            let label = string(required(e, &at, "label")?, &join(&at, "label"))?;
            let mut span = span_at(&chars, start, end, label, None, None, schema, &at)?;
            let id = optional(e, "id").map(|v| id_text(v, &join(&at, "id"))).transpose()?;
            span.id = id.as_deref().and_then(SpanId::parse);
            record.spans.push(span);
            ids.push(id);
        }
        assign_span_ids(&mut record.spans, "entities")?;
        for (i, id) in ids.into_iter().enumerate() {
            if let Some(id) = id {
                if by_entity.insert(id.clone(), i).is_some() {
                    return Err(format!("entities[{i}].id: {id} is used twice"));
                }
            }
        }
    }
    if let Some(v) = optional(&line, "relations") {
        for (i, r) in array(v, "relations")?.iter().enumerate() {
            let at = format!("relations[{i}]");
            let r = object(r, &at)?;
            let end = |key: &str| -> Result<SpanId, String> {
                let id = id_text(required(r, &at, key)?, &join(&at, key))?;
                by_entity
                    .get(&id)
                    .and_then(|&k| record.spans[k].id)
                    .ok_or_else(|| format!("{}: entity {id} is not among the entities", join(&at, key)))
            };
            let (from, to) = (end("from_id")?, end("to_id")?);
            let label = string(required(r, &at, "type")?, &join(&at, "type"))?;
            record.relations.push(relation(None, label, from, Ok(to)));
        }
        assign_relation_ids(&mut record.relations, "relations")?;
    }
    Ok(record)
}

fn describe(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("an array of {}", a.len()),
        other => kind(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::new_span;
    use crate::relation::RelationId;
    use serde_json::json;

    /// UTF-16 units before `needle`, and after it, counted by the standard library.
    fn u16(text: &str, needle: &str) -> (usize, usize) {
        let b = text.find(needle).unwrap();
        let s = text[..b].encode_utf16().count();
        (s, s + needle.encode_utf16().count())
    }

    const HARD: &str = "👨‍👩‍👧‍👦 met 🇲🇱 officials at 国際協力機構, e\u{301}cole said الجزيرة.";

    fn record() -> Record {
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = HARD.chars().collect();
        let mut r = new_record(HARD.into(), "d1".into());
        // Code points: family 0–7, flag 12–14, 国際協力機構 28–34, claim 36–47, الجزيرة 48–55.
        for (i, (s, e, label)) in [(0, 7, "MISC"), (12, 14, "GPE"), (28, 34, "ORG"), (36, 47, "CLAIM"), (48, 55, "ORG")].into_iter().enumerate() {
            let mut span = new_span(&chars, s, e, label, &schema).unwrap();
            span.id = Some(SpanId(i as u32 + 1));
            r.spans.push(span);
        }
        r.spans[3].attributes.insert("claim_type".into(), "quote".into());
        r.relations.push(relation(Some(RelationId(1)), "about", SpanId(4), Ok(SpanId(3))));
        r.relations.push(relation(Some(RelationId(2)), "claimed_by", SpanId(4), Err("A spokesman".into())));
        r.document_labels.insert("section".into(), "world".into());
        r
    }

    #[test]
    fn offsets_are_utf16_units() {
        let out = export(&record());
        let v: Value = serde_json::from_str(&out.text).unwrap();
        // The family is 4 astral people (2 units each) and 3 ZWJ: 11 units; the flag is 2 astral letters: 4.
        assert_eq!(v["label"][0], json!([0, 11, "MISC"]));
        assert_eq!(v["label"][1], json!([16, 20, "GPE"]));
        let (s, e) = u16(HARD, "国際協力機構");
        assert_eq!((s, e), (11 + 5 + 4 + 14, 11 + 5 + 4 + 14 + 6));
        assert_eq!(v["label"][2], json!([s, e, "ORG"]));
        let (s, e) = u16(HARD, "e\u{301}cole said");
        assert_eq!(v["label"][3], json!([s, e, "CLAIM"]));
        let (s, e) = u16(HARD, "الجزيرة");
        assert_eq!(v["label"][4], json!([s, e, "ORG"]));
        assert_eq!(v["doc_id"], "d1");
        assert_eq!(v["text"], HARD);
        assert!(!out.text.contains('\n'));
    }

    #[test]
    fn every_loss_is_said() {
        let out = export(&record());
        assert_eq!(
            out.losses,
            vec![
                "attributes of 1 span: doccano's sequence-labelling JSONL has no span attributes",
                "1 relation: doccano's sequence-labelling JSONL has no relations",
                "1 relation to free text: doccano has no relations, and no free-text targets",
                "1 document label: doccano's sequence-labelling JSONL has no document labels",
                "the layer of 1 span in the claim layer: doccano has no layers (on import the label schema puts each label back in its layer)",
            ]
        );
    }

    #[test]
    fn reads_back_spans_and_layers() {
        let schema = LabelSchema::news_default();
        let r = record();
        let back = import(&export(&r).text, &schema).unwrap();
        let strip = |r: &Record| r.spans.iter().map(|s| (s.start, s.end, s.label.clone(), s.layer.clone(), s.text.clone())).collect::<Vec<_>>();
        assert_eq!(strip(&back), strip(&r));
        assert_eq!(back.meta.doc_id, "d1");
        back.load(&schema).unwrap();
    }

    #[test]
    fn reads_the_relation_form_doccano_exports() {
        let schema = LabelSchema::news_default();
        // 🇲🇱 is 4 units: "Mali" is 5–9, "hired Wagner" 10–22 after "🇲🇱 Mali ".
        let line = json!({"id": 42, "text": "🇲🇱 Mali hired Wagner", "Comments": [],
            "entities": [{"id": 7, "label": "GPE", "start_offset": 5, "end_offset": 9}, {"id": 8, "label": "CLAIM", "start_offset": 5, "end_offset": 22}],
            "relations": [{"id": 3, "from_id": 8, "to_id": 7, "type": "about"}]});
        let r = import(&line.to_string(), &schema).unwrap();
        assert_eq!(r.meta.doc_id, "doccano-42");
        assert_eq!(r.spans[0].text.as_deref(), Some("Mali"));
        assert_eq!((r.spans[0].start, r.spans[0].end), (3, 7));
        assert_eq!(r.spans[1].layer, "claim");
        assert_eq!((r.relations[0].from, r.relations[0].to), (Some(SpanId(2)), Some(SpanId(1))));
        assert_eq!(r.meta.extra["Comments"], json!([]));
        r.load(&schema).unwrap();
        let labels = json!({"text": "🇲🇱 Mali", "labels": [[5, 9, "GPE"]]});
        assert_eq!(import(&labels.to_string(), &schema).unwrap().spans[0].text.as_deref(), Some("Mali"));
    }

    #[test]
    fn bad_input_names_the_field() {
        let schema = LabelSchema::news_default();
        let bad = |v: Value| import(&v.to_string(), &schema).unwrap_err();
        assert_eq!(bad(json!({"label": []})), "text: is missing");
        assert_eq!(bad(json!({"text": "🇲🇱", "label": [[1, 4, "GPE"]]})), "label[0][0]: offset 1 falls between the two UTF-16 units of one character");
        assert_eq!(bad(json!({"text": "Mali", "label": [[0, 5, "GPE"]]})), "label[0][1]: offset 5 is past the end of the text (4 UTF-16 units)");
        assert_eq!(bad(json!({"text": "Mali", "label": ["GPE"]})), "label[0]: expected [start, end, label], found a string (a text-classification export, which has no spans)");
        assert_eq!(bad(json!({"text": "Mali", "label": [[0, 4]]})), "label[0]: expected [start, end, label], found an array of 2");
        assert_eq!(bad(json!({"text": "Mali", "label": [[2, 2, "GPE"]]})), "label[0]: offsets 2–2 are not a range inside the text (4 characters)");
        assert_eq!(
            bad(json!({"text": "Mali", "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 4}], "relations": [{"from_id": 1, "to_id": 2, "type": "about"}]})),
            "relations[0].to_id: entity 2 is not among the entities"
        );
    }
}
