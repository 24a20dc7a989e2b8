//! spaCy / Prodigy task JSONL (`docs/formats/spacy.md`): one task per line
//! with `text`, `tokens`, `spans`, `relations`, `meta` and `answer`.
//!
//! Units: code points, end exclusive (Python's `text[start:end]`); token
//! indices inclusive. Nothing is lost: Marginalia's span `id`, `layer` and
//! `attributes` ride along as extra span keys (Prodigy and spaCy ignore
//! them), document labels, annotator and timestamps go in `meta`, and a
//! relation to free text — which has no Prodigy form — goes in
//! `meta.relations_to_text`.
//!
//! Import reads any Prodigy task: spans with or without ids and layers (the
//! schema decides a known label's layer), relations matched to spans by
//! Marginalia ids, by `head_span`/`child_span`, or by `head`/`child` (the
//! index of each span's last token), with or without `tokens`.

use crate::record::inclusive_token_range;
use super::json_fields::*;
use super::{doc_id_of, new_record, tokens_of, Exported};
use crate::label_schema::LabelSchema;
use crate::record::{Record, RecordSpan, RelationEnd};
use crate::relation::RelationId;
use crate::span::{Attributes, SpanId};
use crate::text_index::TextIndex;
use crate::tokenize::tokenize;
use serde::Serialize;
use serde_json::Value;

/// The `meta` key that holds relations to free text.
pub const RELATIONS_TO_TEXT: &str = "relations_to_text";

#[derive(Serialize)]
struct Task<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    spans: Vec<Span<'a>>,
    relations: Vec<Relation<'a>>,
    meta: Object,
    answer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    accept: Option<&'a Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'a Vec<Value>>,
    #[serde(rename = "_input_hash", skip_serializing_if = "Option::is_none")]
    input_hash: Option<i64>,
    #[serde(rename = "_task_hash", skip_serializing_if = "Option::is_none")]
    task_hash: Option<i64>,
    #[serde(rename = "_view_id", skip_serializing_if = "Option::is_none")]
    view_id: Option<&'a str>,
    #[serde(rename = "_session_id", skip_serializing_if = "Option::is_none")]
    session_id: Option<&'a str>,
}

#[derive(Serialize)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct Span<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
    label: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<SpanId>,
    layer: &'a str,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    attributes: &'a Attributes,
    /// Schema defaults nobody chose, apart from `attributes` as in the record.
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    defaults: &'a Attributes,
}

#[derive(Serialize)]
struct Relation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    head: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    child: Option<usize>,
    head_span: RelationEnd,
    child_span: RelationEnd,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<RelationId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<SpanId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<SpanId>,
}

#[derive(Serialize)]
struct TextRelation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<RelationId>,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<SpanId>,
    head_span: RelationEnd,
    to_text: &'a str,
}

pub fn export(record: &Record) -> Exported {
    let ix = TextIndex::new(&record.text);
    let tokens = tokens_of(record);
    // Inclusive indices of the tokens a span touches (Prodigy's).
    let token_range = |start: usize, end: usize| inclusive_token_range(&tokens, start, end);
    let end_of = |s: &RecordSpan| {
        let (token_start, token_end) = token_range(s.start, s.end);
        RelationEnd { start: s.start, end: s.end, token_start, token_end, label: s.label.clone() }
    };
    let find = |id: Option<SpanId>, end: &Option<RelationEnd>| match id {
        Some(id) => record.spans.iter().find(|s| s.id == Some(id)),
        None => end.as_ref().and_then(|e| record.spans.iter().find(|s| s.start == e.start && s.end == e.end && s.label == e.label)),
    };
    let spans = record
        .spans
        .iter()
        .map(|s| {
            let (token_start, token_end) = token_range(s.start, s.end);
            Span {
                start: s.start,
                end: s.end,
                token_start,
                token_end,
                label: &s.label,
                text: ix.slice(&record.text, s.start, s.end),
                id: s.id,
                layer: &s.layer,
                attributes: &s.attributes,
                defaults: &s.defaults,
            }
        })
        .collect();
    let (mut relations, mut to_text, mut dangling) = (Vec::new(), Vec::new(), 0);
    for r in &record.relations {
        let Some(from) = find(r.from, &r.head_span) else {
            dangling += 1;
            continue;
        };
        let head_span = end_of(from);
        if let Some(text) = &r.to_text {
            to_text.push(TextRelation { id: r.id, label: &r.label, from: from.id, head_span, to_text: text });
            continue;
        }
        let Some(to) = find(r.to, &r.child_span) else {
            dangling += 1;
            continue;
        };
        let child_span = end_of(to);
        relations.push(Relation {
            head: head_span.token_end,
            child: child_span.token_end,
            head_span,
            child_span,
            label: &r.label,
            id: r.id,
            from: from.id,
            to: to.id,
        });
    }
    let mut meta = record.meta.extra.clone();
    meta.insert("doc_id".into(), doc_id_of(record).into());
    meta.insert("title".into(), record.meta.title.clone().into());
    for (key, value) in [("annotator", &record.annotator), ("created_at", &record.created_at), ("updated_at", &record.updated_at)] {
        if let Some(v) = value {
            meta.insert(key.into(), v.clone().into());
        }
    }
    if !record.document_labels.is_empty() {
        meta.insert("document_labels".into(), serde_json::to_value(&record.document_labels).expect("attributes are JSON"));
    }
    if !to_text.is_empty() {
        meta.insert(RELATIONS_TO_TEXT.into(), serde_json::to_value(&to_text).expect("relations are JSON"));
    }
    let task = Task {
        text: &record.text,
        tokens: tokens
            .iter()
            .enumerate()
            .map(|(id, t)| Token { text: ix.slice(&record.text, t.start, t.end), start: t.start, end: t.end, id, ws: t.ws })
            .collect(),
        spans,
        relations,
        meta,
        answer: &record.answer,
        accept: record.accept.as_ref(),
        options: record.options.as_ref(),
        input_hash: record.input_hash,
        task_hash: record.task_hash,
        view_id: record.view_id.as_deref(),
        session_id: record.session_id.as_deref(),
    };
    let mut losses = Vec::new();
    if dangling > 0 {
        losses.push(format!("{}: an end is not among the spans, so it cannot be written", count(dangling, "relation")));
    }
    Exported { text: serde_json::to_string(&task).expect("a task always serialises"), losses }
}

pub fn import(piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    let task = parse_object(piece)?;
    let text = string(required(&task, "", "text")?, "text")?;
    let chars: Vec<char> = text.chars().collect();
    let mut meta = match optional(&task, "meta") {
        Some(v) => object(v, "meta")?.clone(),
        None => Object::new(),
    };
    let doc_id = match meta.remove("doc_id").filter(|v| !v.is_null()) {
        Some(v) => id_text(&v, "meta.doc_id")?,
        None => String::new(),
    };
    let mut record = new_record(text.to_string(), doc_id);
    if let Some(v) = meta.remove("title").filter(|v| !v.is_null()) {
        record.meta.title = string(&v, "meta.title")?.to_string();
    }
    for (key, slot) in [("annotator", &mut record.annotator), ("created_at", &mut record.created_at), ("updated_at", &mut record.updated_at)] {
        if let Some(v) = meta.remove(key).filter(|v| !v.is_null()) {
            *slot = Some(string(&v, &format!("meta.{key}"))?.to_string());
        }
    }
    if let Some(v) = meta.remove("document_labels").filter(|v| !v.is_null()) {
        record.document_labels = crate::sorting::map_of(object(&v, "meta.document_labels")?.clone());
    }
    let to_text = meta.remove(RELATIONS_TO_TEXT);
    record.meta.extra = meta;
    read_decision(&task, &mut record)?;

    if let Some(v) = optional(&task, "spans") {
        for (i, s) in array(v, "spans")?.iter().enumerate() {
            record.spans.push(read_span(s, &format!("spans[{i}]"), &chars, schema)?);
        }
    }
    assign_span_ids(&mut record.spans, "spans")?;

    let last_tokens = last_tokens(&task, &record.spans, text)?;
    if let Some(v) = optional(&task, "relations") {
        for (i, r) in array(v, "relations")?.iter().enumerate() {
            let at = format!("relations[{i}]");
            let r = object(r, &at)?;
            let label = string(required(r, &at, "label")?, &join(&at, "label"))?;
            let from = resolve(r, &at, ["from", "head_span", "head"], &record.spans, &last_tokens)?;
            let to = resolve(r, &at, ["to", "child_span", "child"], &record.spans, &last_tokens)?;
            record.relations.push(relation(relation_id(r, &at, "id")?, label, from, Ok(to)));
        }
    }
    if let Some(v) = to_text {
        for (i, r) in array(&v, &format!("meta.{RELATIONS_TO_TEXT}"))?.iter().enumerate() {
            let at = format!("meta.{RELATIONS_TO_TEXT}[{i}]");
            let r = object(r, &at)?;
            let label = string(required(r, &at, "label")?, &join(&at, "label"))?;
            let from = resolve(r, &at, ["from", "head_span", "head"], &record.spans, &last_tokens)?;
            let target = string(required(r, &at, "to_text")?, &join(&at, "to_text"))?;
            record.relations.push(relation(relation_id(r, &at, "id")?, label, from, Err(target.to_string())));
        }
    }
    assign_relation_ids(&mut record.relations, "relations")?;
    if record.spans.is_empty() && record.relations.is_empty() {
        // Nothing read: another tool's annotations under a key this reader
        // does not read must not pass as a document without annotations.
        super::unread::refuse_unread(&task, &["spans", "relations", "tokens"], "spaCy / Prodigy JSONL")?;
    }
    Ok(record)
}

/// The task's answer and Prodigy's decision fields: hashes checked as
/// integers, `options` and `accept` kept exactly as given (only their being
/// lists is checked), the interface and session ids as strings.
fn read_decision(task: &Object, record: &mut Record) -> Result<(), String> {
    if let Some(v) = optional(task, "answer") {
        record.answer = string(v, "answer")?.to_string();
    }
    for (key, slot) in [("accept", &mut record.accept), ("options", &mut record.options)] {
        if let Some(v) = optional(task, key) {
            *slot = Some(array(v, key)?.clone());
        }
    }
    for (key, slot) in [("_input_hash", &mut record.input_hash), ("_task_hash", &mut record.task_hash)] {
        if let Some(v) = task.get(key) {
            *slot = crate::record::prodigy_hash(key, v)?;
        }
    }
    for (key, slot) in [("_view_id", &mut record.view_id), ("_session_id", &mut record.session_id)] {
        if let Some(v) = optional(task, key) {
            *slot = Some(string(v, key)?.to_string());
        }
    }
    Ok(())
}

fn read_span(v: &Value, at: &str, chars: &[char], schema: &LabelSchema) -> Result<RecordSpan, String> {
    let s = object(v, at)?;
    let start = index(required(s, at, "start")?, &join(at, "start"))?;
    let end = index(required(s, at, "end")?, &join(at, "end"))?;
    let label = string(required(s, at, "label")?, &join(at, "label"))?;
    let quoted = optional(s, "text").map(|v| string(v, &join(at, "text"))).transpose()?;
    let layer = optional(s, "layer").map(|v| string(v, &join(at, "layer"))).transpose()?;
    let mut span = span_at(chars, start, end, label, quoted, layer, schema, at)?;
    span.id = span_id(s, at, "id")?;
    if let Some(v) = optional(s, "attributes") {
        span.attributes = crate::sorting::map_of(object(v, &join(at, "attributes"))?.clone());
    }
    if let Some(v) = optional(s, "defaults") {
        span.defaults = crate::sorting::map_of(object(v, &join(at, "defaults"))?.clone());
    }
    Ok(span)
}

/// The index of each span's last token, in the task's tokens (or spaCy's
/// tokens of the text when the task has none): what `head`/`child` name.
fn last_tokens(task: &Object, spans: &[RecordSpan], text: &str) -> Result<Vec<Option<usize>>, String> {
    let ends: Vec<(usize, usize)> = match optional(task, "tokens") {
        Some(v) => array(v, "tokens")?
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let at = format!("tokens[{i}]");
                let t = object(t, &at)?;
                Ok((index(required(t, &at, "start")?, &join(&at, "start"))?, index(required(t, &at, "end")?, &join(&at, "end"))?))
            })
            .collect::<Result<_, String>>()?,
        None => tokenize(text).iter().map(|t| (t.start, t.end)).collect(),
    };
    // `head`/`child` are found by searching these in order.
    crate::record::check_token_ranges(ends.iter().copied(), text.chars().count()).map_err(|(i, e)| format!("tokens[{i}]: {e}"))?;
    Ok(spans
        .iter()
        .map(|s| {
            let last = ends.partition_point(|&(start, _)| start < s.end);
            (last > 0 && ends[last - 1].1 > s.start).then(|| last - 1)
        })
        .collect())
}

/// One end of a relation: by Marginalia id, else by Prodigy's span, else by
/// Prodigy's token index.
fn resolve(r: &Object, at: &str, [id_key, span_key, token_key]: [&str; 3], spans: &[RecordSpan], last_tokens: &[Option<usize>]) -> Result<SpanId, String> {
    if let Some(id) = span_id(r, at, id_key)? {
        return spans
            .iter()
            .find(|s| s.id == Some(id))
            .and_then(|s| s.id)
            .ok_or_else(|| format!("{}: span {id} is not among the spans", join(at, id_key)));
    }
    if let Some(v) = optional(r, span_key) {
        let at = join(at, span_key);
        let e = object(v, &at)?;
        let start = index(required(e, &at, "start")?, &join(&at, "start"))?;
        let end = index(required(e, &at, "end")?, &join(&at, "end"))?;
        let label = string(required(e, &at, "label")?, &join(&at, "label"))?;
        return spans
            .iter()
            .find(|s| s.start == start && s.end == end && s.label == label)
            .and_then(|s| s.id)
            .ok_or_else(|| format!("{at}: no span at {start}–{end} is labelled {label:?}"));
    }
    if let Some(v) = optional(r, token_key) {
        let at = join(at, token_key);
        let token = index(v, &at)?;
        let found: Vec<&RecordSpan> = spans.iter().zip(last_tokens).filter(|(_, t)| **t == Some(token)).map(|(s, _)| s).collect();
        return match found.as_slice() {
            [one] => Ok(one.id.expect("ids are assigned before relations")),
            [] => Err(format!("{at}: no span ends at token {token}")),
            _ => Err(format!("{at}: {} spans end at token {token}; add {span_key} to say which", found.len())),
        };
    }
    Err(format!("{at}: names none of its ends' {id_key}, {span_key} or {token_key}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cp};
    use crate::label_schema::LabelSchema;
    use serde_json::json;


    fn record_with(text: &str, spans: &[(&str, &str)]) -> Record {
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = text.chars().collect();
        let mut r = new_record(text.into(), "d1".into());
        for (i, (needle, label)) in spans.iter().enumerate() {
            let (s, e) = cp(text, needle);
            let mut span = super::super::new_span(&chars, s, e, label, &schema).unwrap();
            span.id = Some(SpanId(i as u32 + 1));
            r.spans.push(span);
        }
        r
    }

    const HARD: &str = "👨‍👩‍👧‍👦 met 🇲🇱 officials at 国際協力機構, e\u{301}cole said الجزيرة.";

    #[test]
    fn offsets_are_code_points_and_token_indices_are_inclusive() {
        let mut r = record_with(HARD, &[("国際協力機構", "ORG"), ("e\u{301}cole said", "CLAIM"), ("الجزيرة", "ORG"), ("🇲🇱", "GPE")]);
        r.spans[1].attributes.insert("claim_type".into(), "quote".into());
        r.relations.push(relation(Some(RelationId(1)), "claimed_by", SpanId(2), Ok(SpanId(3))));
        let out = export(&r);
        assert!(out.losses.is_empty(), "{:?}", out.losses);
        assert!(!out.text.contains('\n'), "one line");
        let v: Value = serde_json::from_str(&out.text).unwrap();
        // The family emoji is 7 code points (4 people, 3 ZWJ); the flag 2.
        // "👨‍👩‍👧‍👦 met 🇲🇱 officials at " = 7 + 5 + 2 + 14 = 28.
        assert_eq!(v["spans"][0]["start"], 28);
        assert_eq!(v["spans"][0]["end"], 34);
        assert_eq!(v["spans"][0]["text"], "国際協力機構");
        assert_eq!(v["spans"][3]["start"], 12);
        assert_eq!(v["spans"][3]["end"], 14);
        // Tokens: 👨‍👩‍👧‍👦(0) met(1) 🇲🇱(2) officials(3) at(4) 国(5) 際 協 力 機 構(10) ,(11) e\u{301}cole(12) said(13) الجزيرة(14) .(15)
        // (a script written without spaces has a token per character).
        assert_eq!((v["spans"][0]["token_start"].clone(), v["spans"][0]["token_end"].clone()), (json!(5), json!(10)));
        assert_eq!((v["spans"][1]["token_start"].clone(), v["spans"][1]["token_end"].clone()), (json!(12), json!(13)));
        assert_eq!(v["tokens"][12]["text"], "e\u{301}cole");
        assert_eq!(v["spans"][1]["attributes"]["claim_type"], "quote");
        assert_eq!(v["spans"][1]["layer"], "claim");
        let rel = &v["relations"][0];
        assert_eq!((rel["head"].clone(), rel["child"].clone()), (json!(13), json!(14)));
        // ", " 34–35, e+U+0301+cole 36–41 (6 code points), " said " 42–47.
        assert_eq!(rel["child_span"], json!({"start": 48, "end": 55, "token_start": 14, "token_end": 14, "label": "ORG"}));
        assert_eq!(v["answer"], "accept");
        assert_eq!(v["meta"]["doc_id"], "d1");
    }

    #[test]
    fn schema_defaults_ride_apart_from_chosen_attributes() {
        // Issue 17: a default nobody chose is written as one, and read back as one.
        let mut r = record_with(HARD, &[("e\u{301}cole said", "CLAIM")]);
        r.spans[0].attributes.insert("verdict".into(), "false".into());
        r.spans[0].defaults.insert("stance".into(), "neutral".into());
        let out = export(&r);
        let v: Value = serde_json::from_str(&out.text).unwrap();
        assert_eq!(v["spans"][0]["attributes"], json!({"verdict": "false"}));
        assert_eq!(v["spans"][0]["defaults"], json!({"stance": "neutral"}));
        let back = import(&out.text, &LabelSchema::news_default()).unwrap();
        assert_eq!((&back.spans[0].attributes, &back.spans[0].defaults), (&r.spans[0].attributes, &r.spans[0].defaults));
    }

    #[test]
    fn free_text_relations_and_document_labels_survive_in_meta() {
        let mut r = record_with(HARD, &[("e\u{301}cole said", "CLAIM")]);
        r.relations.push(relation(Some(RelationId(4)), "claimed_by", SpanId(1), Err("A spokesman, 北京".into())));
        r.document_labels.insert("section".into(), "world".into());
        r.annotator = Some("ann1".into());
        let out = export(&r);
        assert!(out.losses.is_empty());
        let v: Value = serde_json::from_str(&out.text).unwrap();
        assert_eq!(v["relations"], json!([]), "no Prodigy relation without a child");
        assert_eq!(v["meta"][RELATIONS_TO_TEXT][0]["to_text"], "A spokesman, 北京");
        assert_eq!(v["meta"]["document_labels"]["section"], "world");
        let back = import(&out.text, &LabelSchema::news_default()).unwrap();
        assert_eq!(back.relations, r.relations);
        assert_eq!(back.document_labels, r.document_labels);
        assert_eq!(back.annotator.as_deref(), Some("ann1"));
        assert_eq!(back.meta.doc_id, "d1");
        assert!(back.meta.extra.is_empty(), "{:?}", back.meta.extra);
    }

    #[test]
    fn reads_a_plain_prodigy_task_without_tokens_ids_or_layers() {
        let schema = LabelSchema::news_default();
        // M0 a1 l2 i3 _4 h5 i6 r7 e8 d9 _10 W11…r16 _17 🇲🇱18–19 .20
        // Tokens: Mali(0) hired(1) Wagner(2) 🇲🇱(3) .(4)
        let task = |head: Value| {
            let mut rel = json!({"child": 0, "label": "about"});
            rel.as_object_mut().unwrap().extend(head.as_object().unwrap().clone());
            json!({
                "text": "Mali hired Wagner 🇲🇱.",
                "spans": [
                    {"start": 0, "end": 4, "label": "GPE"},
                    {"start": 11, "end": 17, "label": "ORG", "text": "Wagner"},
                    {"start": 0, "end": 10, "label": "CLAIM"},
                    {"start": 5, "end": 10, "label": "MISC"},
                    {"start": 18, "end": 20, "label": "GPE", "text": "🇲🇱"}
                ],
                "relations": [rel]
            })
            .to_string()
        };
        let err = import(&task(json!({"head": 1})), &schema).unwrap_err();
        assert_eq!(err, "relations[0].head: 2 spans end at token 1; add head_span to say which");
        let r = import(&task(json!({"head": 1, "head_span": {"start": 0, "end": 10, "label": "CLAIM"}})), &schema).unwrap();
        assert_eq!(r.spans.iter().map(|s| s.id.unwrap().0).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        assert_eq!(r.spans[2].layer, "claim", "the schema decides the layer");
        assert_eq!((r.relations[0].from, r.relations[0].to), (Some(SpanId(3)), Some(SpanId(1))));
        assert_eq!(r.relations[0].id, Some(RelationId(1)));
        r.load(&schema).expect("an imported task opens in the editor");
        // The flag is one token: a relation can name it by index.
        let r = import(&task(json!({"head": 3})).replace("\"label\":\"about\"", "\"label\":\"about\",\"head_span\":null"), &schema).unwrap();
        assert_eq!(r.relations[0].from, Some(SpanId(5)));
    }

    #[test]
    fn bad_input_names_the_field() {
        let schema = LabelSchema::news_default();
        let bad = |v: Value| import(&v.to_string(), &schema).unwrap_err();
        assert_eq!(bad(json!({"spans": []})), "text: is missing");
        assert_eq!(bad(json!({"text": "Mali", "spans": [{"start": 0, "end": 5, "label": "GPE"}]})), "spans[0]: offsets 0–5 are not a range inside the text (4 characters)");
        assert_eq!(
            bad(json!({"text": "🇲🇱 Mali", "spans": [{"start": 2, "end": 6, "label": "GPE", "text": "Mal"}]})),
            "spans[0].text: \"Mal\" differs from the text at 2–6 (\" Mal\")"
        );
        assert_eq!(bad(json!({"text": "Mali", "spans": [{"start": -1, "end": 4, "label": "GPE"}]})), "spans[0].start: expected a non-negative integer, found -1");
        assert_eq!(bad(json!({"text": "Mali", "spans": [{"start": 0, "end": 4, "label": "GPE", "id": "x"}]})), "spans[0].id: \"x\" is not a span id of the form s<number>");
        assert_eq!(
            bad(json!({"text": "Mali", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "relations": [{"label": "about", "head_span": {"start": 0, "end": 3, "label": "GPE"}, "child": 0}]})),
            "relations[0].head_span: no span at 0–3 is labelled \"GPE\""
        );
        assert!(import("{\"text\": ", &schema).unwrap_err().starts_with("not valid JSON (line 1"));
        assert_eq!(import("[1]", &schema).unwrap_err(), "expected a JSON object (a document), found an array");
    }

    #[test]
    fn prodigy_decision_fields_survive_both_round_trips() {
        let schema = LabelSchema::news_default();
        let task = json!({
            "text": HARD,
            "spans": [{"start": 28, "end": 34, "label": "ORG"}],
            "options": [{"id": "Q1", "html": "<b>國</b>"}, {"id": 7, "text": "👨‍👩‍👧‍👦", "extra": [1.5, null]}],
            "accept": ["Q1", 7],
            "_input_hash": -2030256107,
            "_task_hash": 1310891334,
            "_view_id": "choice",
            "_session_id": "news-ann1",
            "answer": "reject"
        });
        let r = import(&task.to_string(), &schema).unwrap();
        assert_eq!((r.input_hash, r.task_hash), (Some(-2030256107), Some(1310891334)));
        assert_eq!(r.answer, "reject");
        let out: Value = serde_json::from_str(&export(&r).text).unwrap();
        for key in ["options", "accept", "_input_hash", "_task_hash", "_view_id", "_session_id", "answer"] {
            assert_eq!(out[key], task[key], "{key} through spaCy");
        }
        let saved: Value = serde_json::from_str(&crate::record::Record::parse(&r.to_json()).unwrap().to_json()).unwrap();
        for key in ["options", "accept", "_input_hash", "_task_hash", "_view_id", "_session_id", "answer"] {
            assert_eq!(saved[key], task[key], "{key} through the Marginalia record");
        }
        // Absent stays absent; a null session (Prodigy writes one) is none.
        let plain = import(&json!({"text": "Mali", "_session_id": null}).to_string(), &schema).unwrap();
        let out: Value = serde_json::from_str(&export(&plain).text).unwrap();
        for key in ["options", "accept", "_input_hash", "_task_hash", "_view_id", "_session_id"] {
            assert!(out.get(key).is_none(), "{key}");
        }
        assert_eq!(out["answer"], "accept");
    }

    #[test]
    fn real_prodigy_datasets_open_as_the_web_app_opens_a_file() {
        // Through format detection (what the web app's file open uses),
        // every task — one without spans too — is read as Prodigy's.
        let schema = LabelSchema::news_default();
        for file in [
            include_str!("../../../../tests/fixtures/thirdparty/prodigy/ner_teach_reddit_product.jsonl"),
            include_str!("../../../../tests/fixtures/thirdparty/prodigy/ner_manual_news_headlines.jsonl"),
            include_str!("../../../../tests/fixtures/thirdparty/prodigy/choice_nel_emerson.jsonl"),
        ] {
            let read = super::super::detect::import_any(file, &schema).unwrap();
            let tasks: Vec<Value> = file.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            assert_eq!(read.len(), tasks.len());
            for ((format, record), task) in read.iter().zip(&tasks) {
                assert_eq!(*format, super::super::Format::Spacy);
                assert_eq!(record.answer, task["answer"].as_str().unwrap());
                assert_eq!(record.task_hash, task["_task_hash"].as_i64());
                let text: Vec<char> = task["text"].as_str().unwrap().chars().collect();
                let spans = task["spans"].as_array().cloned().unwrap_or_default();
                assert_eq!(record.spans.len(), spans.len());
                for (ours, theirs) in record.spans.iter().zip(&spans) {
                    let (start, end) = (theirs["start"].as_u64().unwrap() as usize, theirs["end"].as_u64().unwrap() as usize);
                    assert_eq!((ours.start, ours.end, ours.label.as_str()), (start, end, theirs["label"].as_str().unwrap()));
                    assert_eq!(ours.text.as_deref(), Some(text[start..end].iter().collect::<String>().as_str()), "code points, as Python slices");
                }
            }
        }
    }

    #[test]
    fn hostile_decision_fields_are_refused_by_name() {
        let schema = LabelSchema::news_default();
        let bad = |key: &str, v: Value| {
            let mut task = json!({"text": "Mali", "spans": []});
            task[key] = v;
            (import(&task.to_string(), &schema).unwrap_err(), crate::record::Record::parse(&task.to_string()).map(|_| ()).unwrap_err().to_string())
        };
        for v in [json!("12"), json!(1.5), json!(1e30), json!(true), json!(18446744073709551615u64), json!([1])] {
            let (spacy, record) = bad("_input_hash", v.clone());
            assert_eq!(spacy, format!("`_input_hash` must be an integer (Prodigy's hash), not {v}"));
            assert!(record.contains("`_input_hash` must be an integer"), "{record}");
            let (spacy, record) = bad("_task_hash", v.clone());
            assert!(spacy.starts_with("`_task_hash` must be an integer") && record.contains("`_task_hash` must be an integer"), "{spacy} {record}");
        }
        assert_eq!(bad("accept", json!("Q1")).0, "accept: expected an array, found a string");
        assert_eq!(bad("options", json!({"id": 1})).0, "options: expected an array, found an object");
        assert_eq!(bad("_view_id", json!(3)).0, "_view_id: expected a string, found a number");
        assert_eq!(bad("answer", json!(["accept"])).0, "answer: expected a string, found an array");
        assert!(bad("accept", json!("Q1")).1.contains("invalid type"), "the record names the type too");
    }

    #[test]
    fn task_tokens_that_do_not_fit_the_text_are_refused() {
        // Issue 16, case 5: `head`/`child` are looked up in the task's tokens.
        let task = |tokens: Value| {
            json!({"text": "Mali hired Wagner.", "tokens": tokens, "spans": [{"start": 0, "end": 4, "label": "GPE"}]}).to_string()
        };
        let schema = LabelSchema::news_default();
        let ok = json!([{"start": 0, "end": 4}, {"start": 5, "end": 10}, {"start": 11, "end": 17}, {"start": 17, "end": 18}]);
        assert!(import(&task(ok), &schema).is_ok());
        let err = import(&task(json!([{"start": 5, "end": 10}, {"start": 0, "end": 4}])), &schema).unwrap_err();
        assert!(err.starts_with("tokens[1]: it starts at 0, before the token before it ends (10)"), "{err}");
        let err = import(&task(json!([{"start": 0, "end": 40}])), &schema).unwrap_err();
        assert!(err.starts_with("tokens[0]: offsets 0–40 are not a range inside the text (18 characters)"), "{err}");
    }
}
