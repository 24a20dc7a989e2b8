//! doccano JSONL (`docs/formats/doccano.md`): one example per line, in
//! each of the shapes doccano has written:
//!
//! - sequence labelling (1.x "JSONL (text label)", 1.3+ and today):
//!   `{"text", "label": [[start, end, "LABEL"], …]}` (`labels` in 1.0–1.2);
//! - 1.0–1.2 "JSONL": `{"id", "text", "annotations": [{"label", "start_offset",
//!   "end_offset", "user"}, …], "meta", "annotation_approver"}`, where
//!   `label` is the label's numeric id — named by doccano's label file
//!   ([`LabelMap`], its *Labels → Export*) — and each user's spans are that
//!   user's annotation: one record per user, `annotator` the user's id;
//! - relation extraction (1.7+): `entities` objects with `id`,
//!   `start_offset`, `end_offset`, `label`, and `relations` with `from_id`,
//!   `to_id`, `type`;
//! - intent detection: `entities` as `[start, end, "LABEL"]` triples beside
//!   `cats` (kept, as meta).
//!
//! The document's id, title, annotator and meta are top-level keys (doccano
//! keeps unknown keys as the example's meta and writes them back the same
//! way). A key where another tool keeps annotations, left unread, is refused
//! ([`super::unread`]): an example is never read as empty when it is not.
//!
//! Units: UTF-16 code units, end exclusive — doccano measures selections
//! with JavaScript string lengths (doccano issue #2290, PR #99), so an emoji
//! outside the BMP counts 2. Converted at this edge both ways; an offset
//! between the two units of one code point is refused on import. (A doccano
//! project with "count grapheme clusters as one character" writes grapheme
//! offsets instead — its `grapheme_mode`, 1.5.0 and later, off by default:
//! such files are not read correctly.)
//!
//! Export writes the sequence-labelling shape (`label` triples), or the
//! relation-extraction shape (`entities` + `relations`) when the record has
//! relations between spans. It has no attributes, free-text relation
//! targets, document labels or layers: export says how many of each it
//! dropped; on import the schema puts each label back in its layer.

use super::json_fields::*;
use super::unread::{refuse_unread, ANNOTATION_KEYS};
use super::{doc_id_of, new_record, Exported};
use crate::label_schema::{LabelSchema, ENTITY_LAYER};
use crate::record::{Record, RecordSpan};
use crate::span::SpanId;
use crate::text_index::TextIndex;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Top-level keys with a meaning here; any other key is the example's meta.
const KNOWN: &[&str] =
    &["text", "label", "labels", "entities", "relations", "annotations", "id", "doc_id", "title", "annotator", "created_at", "updated_at"];

/// The annotation keys this reader reads (`cats`, intent detection's
/// categories, is kept as meta and written back).
const READ: &[&str] = &["label", "labels", "entities", "relations", "annotations", "cats"];

/// What a person reads in messages about this reader.
const READER: &str = "doccano JSONL";

/// doccano's label file (its *Labels → Export*): `[{"id": 1, "text":
/// "PER", …}, …]`, which names the numeric label ids of a 1.0–1.2 export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelMap {
    names: HashMap<String, String>,
}

impl LabelMap {
    /// Reads doccano's label file; every entry needs an `id` (a number or a
    /// string) and a `text`, and no id may name two labels.
    pub fn from_json(json: &str) -> Result<LabelMap, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()))?;
        let Value::Array(items) = v else {
            return Err(format!("expected doccano's label file, an array of labels, found {}", kind(&v)));
        };
        let mut names = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("[{i}]");
            let item = object(item, &at)?;
            let id = id_text(required(item, &at, "id")?, &join(&at, "id"))?;
            let name = string(required(item, &at, "text")?, &join(&at, "text"))?;
            if names.insert(id.clone(), name.to_string()).is_some() {
                return Err(format!("{}: label id {id} is used twice", join(&at, "id")));
            }
        }
        Ok(LabelMap { names })
    }

    /// The name of the label with this id.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

pub fn export(record: &Record) -> Exported {
    let ix = TextIndex::new(&record.text);
    let mut line = Object::new();
    for (key, value) in &record.meta.extra {
        if writable_meta(key) {
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

    let mut losses = Vec::new();
    // A relation's ends as indexes into the spans; `None` for a free-text
    // target or an end that is not among the spans.
    let position = |id: Option<SpanId>| id.and_then(|id| record.spans.iter().position(|s| s.id == Some(id)));
    let linked: Vec<(usize, usize, &str)> = record
        .relations
        .iter()
        .filter(|r| r.to_text.is_none())
        .filter_map(|r| Some((position(r.from)?, position(r.to)?, r.label.as_str())))
        .collect();
    if linked.is_empty() {
        let labels: Vec<Value> =
            record.spans.iter().map(|s| serde_json::json!([ix.utf16_of(s.start), ix.utf16_of(s.end), s.label])).collect();
        line.insert("label".into(), labels.into());
    } else {
        // doccano's entity ids are numbers: the span's own number when every
        // span has one, else its position.
        let numbered = record.spans.iter().all(|s| s.id.is_some());
        let entity_id = |i: usize| if numbered { record.spans[i].id.map_or(i as u64, |id| u64::from(id.0)) } else { i as u64 };
        let entities: Vec<Value> = record
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| {
                serde_json::json!({"id": entity_id(i), "label": s.label, "start_offset": ix.utf16_of(s.start), "end_offset": ix.utf16_of(s.end)})
            })
            .collect();
        let relations: Vec<Value> = linked
            .iter()
            .enumerate()
            .map(|(k, &(from, to, label))| serde_json::json!({"id": k, "from_id": entity_id(from), "to_id": entity_id(to), "type": label}))
            .collect();
        line.insert("entities".into(), entities.into());
        line.insert("relations".into(), relations.into());
    }

    let with_attributes = record.spans.iter().filter(|s| !s.attributes.is_empty()).count();
    if with_attributes > 0 {
        losses.push(format!("attributes of {}: doccano has no span attributes", count(with_attributes, "span")));
    }
    let to_text = record.relations.iter().filter(|r| r.to_text.is_some()).count();
    let dangling = record.relations.len() - to_text - linked.len();
    if dangling > 0 {
        losses.push(format!("{}: an end is not among the spans, so it cannot be written", count(dangling, "relation")));
    }
    if to_text > 0 {
        losses.push(format!("{} to free text: doccano's relations link two entities, never free text", count(to_text, "relation")));
    }
    if !record.document_labels.is_empty() {
        losses.push(format!("{}: doccano's span exports have no document labels", count(record.document_labels.len(), "document label")));
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
    let shadowed = record.meta.extra.keys().filter(|k| !writable_meta(k)).count();
    if shadowed > 0 {
        losses.push(format!("{}: its name is one doccano (or another tool) uses for annotations or its own fields", count(shadowed, "meta field")));
    }
    Exported { text: serde_json::to_string(&line).expect("a line always serialises"), losses }
}

/// Whether a meta field can be written as a top-level key: not one of
/// doccano's own, and not a key where a tool keeps annotations (read back,
/// it would be refused as annotations left unread) — but `cats`, read here.
fn writable_meta(key: &str) -> bool {
    !KNOWN.contains(&key) && (!ANNOTATION_KEYS.contains(&key) || READ.contains(&key))
}

/// One example as one record; an example with several users' annotations
/// (a 1.0–1.2 export) is refused here — read it with [`import_records`].
pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let mut records = import_records(piece, schema, None)?;
    match records.len() {
        1 => Ok(records.pop().expect("one")),
        n => Err(format!("this example holds the annotations of {n} users; each is a record of its own (read it with `marginalia`, or open one user's annotations)")),
    }
}

/// One example: a record per user who annotated it (1.0–1.2 `annotations`),
/// else one record. `labels` names numeric label ids.
pub fn import_records(piece: &str, schema: &LabelSchema, labels: Option<&LabelMap>) -> Result<Vec<Record>, String> {
    let line = parse_object(piece)?;
    refuse_unread(&line, READ, READER)?;
    let text = string(required(&line, "", "text")?, "text")?;
    let base = base_record(&line, text)?;
    let at_edge = Edge::new(text);

    let shapes: Vec<&str> = ["label", "labels", "entities", "annotations"].into_iter().filter(|k| optional(&line, k).is_some()).collect();
    if shapes.len() > 1 {
        return Err(format!("{}: a doccano example has one of these, not several", shapes.join(" and ")));
    }
    if optional(&line, "relations").is_some() && shapes.first() != Some(&"entities") {
        return Err("relations: doccano writes relations beside entities objects, and this example has none".into());
    }
    let Some(&key) = shapes.first() else { return Ok(vec![base]) };
    let items = array(optional(&line, key).expect("present"), key)?;
    if key == "annotations" {
        return by_user(base, items, &at_edge, schema, labels);
    }
    let mut record = base;
    let mut entity_ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{key}[{i}]");
        let (span, id) = match item {
            Value::Object(e) => at_edge.offsets_object(e, &at, schema, labels)?,
            _ => (at_edge.triple(item, &at, schema)?, None),
        };
        record.spans.push(span);
        entity_ids.push(id);
    }
    assign_span_ids(&mut record.spans, key)?;
    if let Some(v) = optional(&line, "relations") {
        read_relations(&mut record, &entity_ids, v)?;
    }
    Ok(vec![record])
}

/// The record every shape starts from: text, ids, title, annotator,
/// timestamps, and every key doccano keeps as meta.
fn base_record(line: &Object, text: &str) -> Result<Record, String> {
    let doc_id = match (optional(line, "doc_id"), optional(line, "id")) {
        (Some(v), _) => id_text(v, "doc_id")?,
        (None, Some(v)) => format!("doccano-{}", id_text(v, "id")?),
        _ => String::new(),
    };
    let mut record = new_record(text.to_string(), doc_id);
    if let Some(v) = optional(line, "title") {
        record.meta.title = string(v, "title")?.to_string();
    }
    for (key, slot) in [("annotator", &mut record.annotator), ("created_at", &mut record.created_at), ("updated_at", &mut record.updated_at)] {
        if let Some(v) = optional(line, key) {
            *slot = Some(string(v, key)?.to_string());
        }
    }
    for (key, value) in line {
        if !KNOWN.contains(&key.as_str()) {
            record.meta.extra.insert(key.clone(), value.clone());
        }
    }
    Ok(record)
}

/// 1.0–1.2 `annotations`: each user's spans become that user's record, in
/// the order users first appear; annotations without a `user` stay on the
/// example's own record.
fn by_user(base: Record, items: &[Value], edge: &Edge, schema: &LabelSchema, labels: Option<&LabelMap>) -> Result<Vec<Record>, String> {
    let mut records: Vec<(Option<String>, Record)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("annotations[{i}]");
        let a = object(item, &at)?;
        if optional(a, "start_offset").is_none() && optional(a, "end_offset").is_none() {
            return Err(format!(
                "{at}: has no start_offset/end_offset — an annotation of a whole text (text classification or seq2seq), which Marginalia does not read"
            ));
        }
        let user = optional(a, "user").map(|v| id_text(v, &join(&at, "user"))).transpose()?;
        let (span, _) = edge.offsets_object(a, &at, schema, labels)?;
        let k = match records.iter().position(|(u, _)| *u == user) {
            Some(k) => k,
            None => {
                let mut record = base.clone();
                if user.is_some() {
                    record.annotator = user.clone();
                }
                records.push((user, record));
                records.len() - 1
            }
        };
        records[k].1.spans.push(span);
    }
    if records.is_empty() {
        return Ok(vec![base]);
    }
    records
        .into_iter()
        .map(|(_, mut r)| {
            assign_span_ids(&mut r.spans, "annotations")?;
            Ok(r)
        })
        .collect()
}

/// `relations` of the relation-extraction shape, by the entities' ids.
fn read_relations(record: &mut Record, entity_ids: &[Option<String>], v: &Value) -> Result<(), String> {
    let mut by_entity: HashMap<&str, usize> = HashMap::new();
    for (i, id) in entity_ids.iter().enumerate() {
        if let Some(id) = id {
            if by_entity.insert(id, i).is_some() {
                return Err(format!("entities[{i}].id: {id} is used twice"));
            }
        }
    }
    for (i, r) in array(v, "relations")?.iter().enumerate() {
        let at = format!("relations[{i}]");
        let r = object(r, &at)?;
        let end = |key: &str| -> Result<SpanId, String> {
            let id = id_text(required(r, &at, key)?, &join(&at, key))?;
            by_entity
                .get(id.as_str())
                .and_then(|&k| record.spans[k].id)
                .ok_or_else(|| format!("{}: entity {id} is not among the entities", join(&at, key)))
        };
        let (from, to) = (end("from_id")?, end("to_id")?);
        let label = string(required(r, &at, "type")?, &join(&at, "type"))?;
        record.relations.push(relation(None, label, from, Ok(to)));
    }
    assign_relation_ids(&mut record.relations, "relations")
}

/// The text at doccano's edge: UTF-16 offsets in, checked spans out.
struct Edge {
    ix: TextIndex,
    chars: Vec<char>,
}

impl Edge {
    fn new(text: &str) -> Edge {
        Edge { ix: TextIndex::new(text), chars: text.chars().collect() }
    }

    /// A UTF-16 offset as a code point; past the end, or inside a code
    /// point, it is refused.
    fn to_cp(&self, v: &Value, at: &str) -> Result<usize, String> {
        let u = index(v, at)?;
        if u > self.ix.len_utf16() {
            return Err(format!("{at}: offset {u} is past the end of the text ({} UTF-16 units)", self.ix.len_utf16()));
        }
        let cp = self.ix.cp_of_utf16(u);
        if self.ix.utf16_of(cp) != u {
            return Err(format!("{at}: offset {u} falls between the two UTF-16 units of one character"));
        }
        Ok(cp)
    }

    /// `[start, end, "LABEL"]`.
    fn triple(&self, item: &Value, at: &str, schema: &LabelSchema) -> Result<RecordSpan, String> {
        let triple = match item {
            Value::Array(t) if t.len() == 3 => t,
            Value::String(_) => {
                return Err(format!("{at}: expected [start, end, label], found a string (a text-classification export, which has no spans)"))
            }
            other => return Err(format!("{at}: expected [start, end, label], found {}", describe(other))),
        };
        let start = self.to_cp(&triple[0], &format!("{at}[0]"))?;
        let end = self.to_cp(&triple[1], &format!("{at}[1]"))?;
        let label = string(&triple[2], &format!("{at}[2]"))?;
        span_at(&self.chars, start, end, label, None, None, schema, at)
    }

    /// `{"start_offset", "end_offset", "label", "id"?}`, with the entity's
    /// id as text. A numeric label is an id, named by `labels`.
    fn offsets_object(
        &self,
        e: &Object,
        at: &str,
        schema: &LabelSchema,
        labels: Option<&LabelMap>,
    ) -> Result<(RecordSpan, Option<String>), String> {
        let start = self.to_cp(required(e, at, "start_offset")?, &join(at, "start_offset"))?;
        let end = self.to_cp(required(e, at, "end_offset")?, &join(at, "end_offset"))?;
        let label = label_name(required(e, at, "label")?, &join(at, "label"), labels)?;
        let mut span = span_at(&self.chars, start, end, &label, None, None, schema, at)?;
        let id = optional(e, "id").map(|v| id_text(v, &join(at, "id"))).transpose()?;
        span.id = id.as_deref().and_then(SpanId::parse);
        Ok((span, id))
    }
}

/// A label written as its name, or (doccano 1.0–1.2) as its numeric id.
fn label_name(v: &Value, at: &str, labels: Option<&LabelMap>) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => {
            let id = n.as_u64().ok_or_else(|| format!("{at}: {n} is not a label id (a non-negative integer)"))?.to_string();
            match labels {
                Some(map) => map.name(&id).map(str::to_string).ok_or_else(|| {
                    format!("{at}: label id {id} is not in doccano's label file ({})", count(map.len(), "label"))
                }),
                None => Err(format!(
                    "{at}: {id} is a doccano label id, not a name; give doccano's label file (Labels → Export in doccano) to name it"
                )),
            }
        }
        other => Err(format!("{at}: expected a label name or id, found {}", kind(other))),
    }
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

    /// The record without its relation between spans: written as `label` triples.
    fn unlinked() -> Record {
        let mut r = record();
        r.relations.remove(0);
        r
    }

    #[test]
    fn offsets_are_utf16_units() {
        let out = export(&unlinked());
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
        assert!(v.get("entities").is_none() && v.get("relations").is_none());
        assert!(!out.text.contains('\n'));
    }

    #[test]
    fn relations_between_spans_are_written_in_the_relation_extraction_shape() {
        let out = export(&record());
        let v: Value = serde_json::from_str(&out.text).unwrap();
        assert!(v.get("label").is_none());
        let (s, e) = u16(HARD, "e\u{301}cole said");
        assert_eq!(v["entities"][3], json!({"id": 4, "label": "CLAIM", "start_offset": s, "end_offset": e}));
        assert_eq!(v["entities"][1], json!({"id": 2, "label": "GPE", "start_offset": 16, "end_offset": 20}));
        assert_eq!(v["relations"], json!([{"id": 0, "from_id": 4, "to_id": 3, "type": "about"}]));
        let back = import(&out.text, &LabelSchema::news_default()).unwrap();
        assert_eq!(back.relations.len(), 1);
        let end = |id: Option<SpanId>| back.spans.iter().find(|s| s.id == id).unwrap().text.clone().unwrap();
        assert_eq!((end(back.relations[0].from), end(back.relations[0].to)), ("e\u{301}cole said".to_string(), "国際協力機構".to_string()));
        assert_eq!(export(&back).text, out.text, "a second trip writes the same line");
    }

    #[test]
    fn every_loss_is_said() {
        let out = export(&record());
        assert_eq!(
            out.losses,
            vec![
                "attributes of 1 span: doccano has no span attributes",
                "1 relation to free text: doccano's relations link two entities, never free text",
                "1 document label: doccano's span exports have no document labels",
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

    /// doccano 1.0–1.2's "JSONL": numeric label ids, a `user` per annotation.
    #[test]
    fn reads_one_record_per_user_of_a_1x_export_with_its_label_file() {
        let schema = LabelSchema::news_default();
        let labels = LabelMap::from_json(r#"[{"id": 1, "text": "PERSON", "prefix_key": null, "suffix_key": "p"}, {"id": 2, "text": "GPE"}]"#).unwrap();
        // 🇲🇱 is 4 UTF-16 units: "Mali" is units 5–9; "👨‍👩‍👧 Diarra" puts "Diarra" at 9–15 after 8 units and a space.
        let text = "🇲🇱 Mali: 👨‍👩‍👧 Diarra said";
        let (ms, me) = u16(text, "Mali");
        let (ds, de) = u16(text, "Diarra");
        let line = json!({"id": 7, "text": text, "meta": {}, "annotation_approver": null, "annotations": [
            {"id": 1, "label": 2, "start_offset": ms, "end_offset": me, "user": 1},
            {"id": 2, "label": 1, "start_offset": ds, "end_offset": de, "user": 3},
            {"id": 3, "label": 1, "start_offset": ds, "end_offset": de, "user": 1}]});
        let records = import_records(&line.to_string(), &schema, Some(&labels)).unwrap();
        type Seen<'a> = Vec<(Option<&'a str>, Vec<(&'a str, &'a str)>)>;
        let seen: Seen = records
            .iter()
            .map(|r| (r.annotator.as_deref(), r.spans.iter().map(|s| (s.label.as_str(), s.text.as_deref().unwrap())).collect()))
            .collect();
        assert_eq!(seen, vec![(Some("1"), vec![("GPE", "Mali"), ("PERSON", "Diarra")]), (Some("3"), vec![("PERSON", "Diarra")])]);
        assert!(records.iter().all(|r| r.meta.doc_id == "doccano-7"));
        for r in &records {
            r.clone().load(&schema).unwrap();
        }
        // One user: one record, also through `import`; several: `import` says to read them apart.
        let one = json!({"text": "Mali", "annotations": [{"label": "GPE", "start_offset": 0, "end_offset": 4, "user": 2}]});
        assert_eq!(import(&one.to_string(), &schema).unwrap().annotator.as_deref(), Some("2"));
        let two = json!({"text": "Mali", "annotations": [{"label": "GPE", "start_offset": 0, "end_offset": 4, "user": 2}, {"label": "GPE", "start_offset": 0, "end_offset": 4, "user": 5}]});
        assert!(import(&two.to_string(), &schema).unwrap_err().contains("the annotations of 2 users"));
        // Without the label file, a numeric label is not guessed.
        let e = import_records(&line.to_string(), &schema, None).unwrap_err();
        assert_eq!(e, "annotations[0].label: 2 is a doccano label id, not a name; give doccano's label file (Labels → Export in doccano) to name it");
        let e = import_records(&line.to_string(), &schema, Some(&LabelMap::from_json(r#"[{"id": 1, "text": "PERSON"}]"#).unwrap())).unwrap_err();
        assert_eq!(e, "annotations[0].label: label id 2 is not in doccano's label file (1 label)");
        let classified = json!({"text": "Great price.", "annotations": [{"label": 1, "user": 1}]});
        assert!(import(&classified.to_string(), &schema).unwrap_err().contains("an annotation of a whole text"));
    }

    #[test]
    fn meta_under_an_annotation_key_is_not_written_but_said() {
        let mut r = unlinked();
        r.relations.clear();
        r.meta.extra.insert("spans".into(), json!([1]));
        r.meta.extra.insert("text".into(), json!("x"));
        r.meta.extra.insert("cats".into(), json!(["kept"]));
        let out = export(&r);
        let v: Value = serde_json::from_str(&out.text).unwrap();
        assert!(v.get("spans").is_none() && v["text"] == HARD && v["cats"] == json!(["kept"]));
        assert!(out.losses.contains(&"2 meta fields: its name is one doccano (or another tool) uses for annotations or its own fields".to_string()), "{:?}", out.losses);
        import(&out.text, &LabelSchema::news_default()).unwrap();
    }

    #[test]
    fn reads_intent_detection_triples_and_keeps_cats() {
        let schema = LabelSchema::news_default();
        let text = "Fly 🛫 to Bamako";
        let (b, e) = u16(text, "Bamako");
        assert_eq!((b, e), (10, 16), "the plane is 2 units");
        let line = json!({"text": text, "entities": [[b, e, "GPE"]], "cats": ["flight"]});
        let r = import(&line.to_string(), &schema).unwrap();
        assert_eq!(r.spans[0].text.as_deref(), Some("Bamako"));
        assert_eq!(r.meta.extra["cats"], json!(["flight"]));
        let back: Value = serde_json::from_str(&export(&r).text).unwrap();
        assert_eq!((back["label"].clone(), back["cats"].clone()), (json!([[10, 16, "GPE"]]), json!(["flight"])));
    }

    #[test]
    fn annotations_under_a_key_it_does_not_read_are_refused() {
        let schema = LabelSchema::news_default();
        let e = import(&json!({"text": "Mali", "spans": [{"start": 0, "end": 4, "label": "GPE"}]}).to_string(), &schema).unwrap_err();
        assert!(e.contains("the doccano JSONL reader does not read: \"spans\" (an array of 1 item; spaCy/Prodigy or Marginalia"), "{e}");
        let e = import(&json!({"data": {"text": "Mali"}, "text": "Mali", "result": [{"x": 1}]}).to_string(), &schema).unwrap_err();
        assert!(e.contains("\"result\""), "{e}");
        assert!(import(&json!({"text": "Mali", "spans": []}).to_string(), &schema).is_ok());
        let e = import(&json!({"text": "Mali", "label": [[0, 4, "GPE"]], "annotations": [{"label": "GPE", "start_offset": 0, "end_offset": 4}]}).to_string(), &schema).unwrap_err();
        assert_eq!(e, "label and annotations: a doccano example has one of these, not several");
    }

    /// Every offset is hostile until checked: negative, fractional, huge,
    /// past the end, as a string — each refused by name, never a panic.
    #[test]
    fn hostile_numbers_are_refused() {
        let schema = LabelSchema::news_default();
        let labels = LabelMap::from_json(r#"[{"id": 1, "text": "GPE"}]"#).unwrap();
        for (start, end) in [(json!(-1), json!(4)), (json!(0.5), json!(4)), (json!(0), json!(4.0)), (json!(0), json!(1e300)),
            (json!(0), json!(u64::MAX)), (json!("0"), json!(4)), (json!(0), json!(99)), (json!(3), json!(1))]
        {
            let shapes = [
                json!({"text": "🐱 Mali", "label": [[start, end, "GPE"]]}),
                json!({"text": "🐱 Mali", "entities": [{"id": 1, "label": "GPE", "start_offset": start, "end_offset": end}]}),
                json!({"text": "🐱 Mali", "annotations": [{"label": 1, "start_offset": start, "end_offset": end, "user": 1}]}),
            ];
            for line in shapes {
                let e = import_records(&line.to_string(), &schema, Some(&labels)).unwrap_err();
                assert!(e.contains("offset") || e.contains("integer") || e.contains("range"), "{line}: {e}");
            }
        }
        let beyond_u64 = r#"{"text": "Mali", "label": [[0, 18446744073709551616, "GPE"]]}"#;
        assert_eq!(import(beyond_u64, &schema).unwrap_err(), "label[0][1]: expected a non-negative integer, found 1.8446744073709552e+19");
        for ids in [r#"[{"id": 1.5, "text": "A"}]"#, r#"[{"id": 1, "text": "A"}, {"id": 1, "text": "B"}]"#, r#"{"1": "A"}"#, r#"[{"id": 1}]"#] {
            assert!(LabelMap::from_json(ids).is_err() || LabelMap::from_json(ids).unwrap().name("1.5") == Some("A"), "{ids}");
        }
        let e = import_records(&json!({"text": "Mali", "annotations": [{"label": 1e300, "start_offset": 0, "end_offset": 4}]}).to_string(), &schema, Some(&labels)).unwrap_err();
        assert_eq!(e, "annotations[0].label: 1e+300 is not a label id (a non-negative integer)");
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
