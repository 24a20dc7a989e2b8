//! The saved JSON: one document as a training record.
//!
//! A record is a superset of the Prodigy/spaCy span-annotation task (`text`,
//! `tokens`, `spans` with `token_end` inclusive, `relations`, `meta`,
//! `answer`), plus Marginalia's own fields (span `id`, `layer`,
//! `attributes`, `format_version`, `text_sha256`, annotator, timestamps and
//! the label schema). Many records concatenate to JSONL. The JSON Schema is
//! `schema/record.schema.json`; `docs/FORMAT.md` documents every field.
//!
//! Units: code points, end exclusive; token indices inclusive (Prodigy).
//! Reading is lenient where it is safe (a plain Prodigy task without hash or
//! ids opens) and strict where a mistake would misalign training data
//! (offsets outside the text, span text that differs from the text, a hash
//! that does not match the text, labels the schema does not know).

use crate::article::{sha256_hex, Article};
use crate::editor::Editor;
use crate::label_schema::{LabelSchema, ENTITY_LAYER};
use crate::span::{Attributes, Span, SpanId};
use crate::text_index::TextIndex;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The format this code writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub text: String,
    #[serde(default)]
    pub tokens: Vec<RecordToken>,
    pub spans: Vec<RecordSpan>,
    #[serde(default)]
    pub relations: Vec<serde_json::Value>,
    #[serde(default)]
    pub meta: RecordMeta,
    #[serde(default = "accept")]
    pub answer: String,
    #[serde(default = "current_version")]
    pub format_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_schema: Option<LabelSchema>,
}

fn accept() -> String {
    "accept".into()
}
fn current_version() -> u32 {
    FORMAT_VERSION
}

/// The few fields that tell what kind of JSON a failed record was.
#[derive(Deserialize)]
struct Probe {
    text: Option<serde::de::IgnoredAny>,
    spans: Option<serde::de::IgnoredAny>,
    format_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordToken {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub id: usize,
    pub ws: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSpan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<SpanId>,
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_end: Option<usize>,
    pub label: String,
    #[serde(default = "entity_layer")]
    pub layer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

fn entity_layer() -> String {
    ENTITY_LAYER.into()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordMeta {
    #[serde(default)]
    pub doc_id: String,
    #[serde(default)]
    pub title: String,
    /// Anything else a host or another tool put here is kept as is.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Who saved and when; time comes from the caller (there is no clock in
/// WebAssembly's std).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveInfo {
    pub annotator: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Malformed { line: usize, column: usize, message: String },
    NotARecord(String),
    NewerFormat(u32),
    HashMismatch,
    OtherText { expected: String, found: String },
    Span { index: usize, message: String },
    Article(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Malformed { line, column, message } => {
                write!(f, "the file is not valid JSON (line {line}, column {column}): {message}")
            }
            RecordError::NotARecord(why) => write!(f, "this JSON is not a Marginalia save: {why}"),
            RecordError::NewerFormat(v) => write!(
                f,
                "this save uses format version {v}, newer than this Marginalia reads ({FORMAT_VERSION}); update Marginalia to open it"
            ),
            RecordError::HashMismatch => write!(
                f,
                "the save's text does not match its text_sha256: the file was edited or damaged, so its offsets cannot be trusted"
            ),
            RecordError::OtherText { expected, found } => write!(
                f,
                "this save is for a different text (sha256 {}…) than the article open now ({}…)",
                &found[..found.len().min(12)],
                &expected[..expected.len().min(12)]
            ),
            RecordError::Span { index, message } => write!(f, "spans[{index}]: {message}"),
            RecordError::Article(why) => write!(f, "the save's text cannot be opened: {why}"),
        }
    }
}

impl std::error::Error for RecordError {}

/// A record that parsed and checked out against its own text.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedRecord {
    pub article: Article,
    pub spans: Vec<Span>,
    pub record: Record,
}

impl Record {
    /// Builds the record of the editor's current state. `with_tokens: false`
    /// leaves out the derived tokens (local persistence does, to stay small).
    pub fn from_editor(editor: &Editor, info: &SaveInfo, with_tokens: bool) -> Record {
        let article = editor.article();
        let tokens = if with_tokens {
            article
                .tokens()
                .iter()
                .enumerate()
                .map(|(id, t)| RecordToken {
                    text: article.slice(t.start, t.end).to_string(),
                    start: t.start,
                    end: t.end,
                    id,
                    ws: t.ws,
                })
                .collect()
        } else {
            Vec::new()
        };
        let spans = editor
            .annotations()
            .in_document_order()
            .into_iter()
            .map(|s| {
                let (token_start, token_end) = token_range(article, s.start, s.end);
                RecordSpan {
                    id: Some(s.id),
                    start: s.start,
                    end: s.end,
                    token_start,
                    token_end,
                    label: s.label.clone(),
                    layer: s.layer.clone(),
                    text: Some(article.slice(s.start, s.end).to_string()),
                    attributes: s.attributes.clone(),
                }
            })
            .collect();
        Record {
            text: article.text().to_string(),
            tokens,
            spans,
            relations: Vec::new(),
            meta: RecordMeta { doc_id: article.id.clone(), title: article.title.clone(), extra: Default::default() },
            answer: accept(),
            format_version: FORMAT_VERSION,
            text_sha256: Some(article.sha256().to_string()),
            annotator: info.annotator.clone(),
            created_at: info.created_at.clone(),
            updated_at: info.updated_at.clone(),
            label_schema: Some((**editor.schema()).clone()),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a record always serialises")
    }

    /// Parses JSON into a record, with messages that say what is wrong.
    pub fn parse(json: &str) -> Result<Record, RecordError> {
        // Straight into the record (no intermediate `Value`: it would double
        // the deserialising code shipped to the browser); only a failure is
        // looked at again, to say what is wrong.
        let error = match serde_json::from_str::<Record>(json) {
            Ok(r) if r.format_version > FORMAT_VERSION => return Err(RecordError::NewerFormat(r.format_version)),
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        if error.is_syntax() || error.is_eof() {
            return Err(RecordError::Malformed { line: error.line(), column: error.column(), message: error.to_string() });
        }
        let probe = serde_json::from_str::<Probe>(json)
            .map_err(|_| RecordError::NotARecord("it is not a JSON object".into()))?;
        if let Some(v) = probe.format_version.filter(|v| *v > FORMAT_VERSION as u64) {
            return Err(RecordError::NewerFormat(v as u32));
        }
        for (field, present) in [("text", probe.text.is_some()), ("spans", probe.spans.is_some())] {
            if !present {
                return Err(RecordError::NotARecord(format!("it has no {field:?} field")));
            }
        }
        Err(RecordError::NotARecord(error.to_string()))
    }

    /// Checks the record against its own text and `schema`, and turns it
    /// into an article plus spans ready for an editor.
    pub fn load(self, schema: &LabelSchema) -> Result<LoadedRecord, RecordError> {
        if let Some(hash) = &self.text_sha256 {
            if *hash != sha256_hex(&self.text) {
                return Err(RecordError::HashMismatch);
            }
        }
        let id = if self.meta.doc_id.is_empty() { default_doc_id(&self.text) } else { self.meta.doc_id.clone() };
        let title = if self.meta.title.is_empty() { id.clone() } else { self.meta.title.clone() };
        let article = Article::new(id, title, self.text.clone()).map_err(|e| RecordError::Article(e.to_string()))?;
        let spans = spans_from_record(&self.spans, &article, schema)?;
        Ok(LoadedRecord { article, spans, record: self })
    }
}

/// Checks record spans against `article` and `schema`; allocates ids for
/// spans that have none (a plain Prodigy task).
pub fn spans_from_record(spans: &[RecordSpan], article: &Article, schema: &LabelSchema) -> Result<Vec<Span>, RecordError> {
    let len = article.len_chars();
    let mut next = spans.iter().filter_map(|s| s.id).map(|id| id.0).max().unwrap_or(0);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut ids = std::collections::HashSet::with_capacity(spans.len());
    for (index, s) in spans.iter().enumerate() {
        let err = |message: String| RecordError::Span { index, message };
        if s.start >= s.end || s.end > len {
            return Err(err(format!("offsets {}–{} are not a range inside the text ({len} characters)", s.start, s.end)));
        }
        let actual = article.slice(s.start, s.end);
        if let Some(quoted) = &s.text {
            if quoted != actual {
                return Err(err(format!("its text {quoted:?} differs from the article's text at {}–{} ({actual:?})", s.start, s.end)));
            }
        }
        let Some(def) = schema.label(&s.label) else {
            return Err(err(format!("label {:?} is not in the label schema ({})", s.label, label_names(schema))));
        };
        if def.layer != s.layer {
            return Err(err(format!("label {:?} belongs to layer {:?}, not {:?}", s.label, def.layer, s.layer)));
        }
        let id = s.id.unwrap_or_else(|| {
            next += 1;
            SpanId(next)
        });
        if !ids.insert(id) {
            return Err(err(format!("id {id} is used twice")));
        }
        out.push(Span { id, start: s.start, end: s.end, label: s.label.clone(), layer: s.layer.clone(), attributes: s.attributes.clone() });
    }
    Ok(out)
}

fn label_names(schema: &LabelSchema) -> String {
    schema.labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Inclusive token indices of the tokens a span covers (Prodigy's
/// `token_start`/`token_end`); `None` when the span covers no token.
pub fn token_range(article: &Article, start: usize, end: usize) -> (Option<usize>, Option<usize>) {
    let tokens = article.tokens();
    let first = tokens.partition_point(|t| t.end <= start);
    let last = tokens.partition_point(|t| t.start < end);
    if first < last {
        (Some(first), Some(last - 1))
    } else {
        (None, None)
    }
}

/// A document id for a text that came without one.
pub fn default_doc_id(text: &str) -> String {
    format!("doc-{}", &sha256_hex(text)[..12])
}

/// The UTF-16 view of a record's offsets, for code that must talk to the DOM.
pub fn utf16_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let ix = TextIndex::new(text);
    (ix.utf16_of(start), ix.utf16_of(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    const STRESS: &str = include_str!("../../../assets/articles/unicode-stress.txt");

    fn editor(text: &str) -> Editor {
        let article = Arc::new(Article::new("stress", "Stress", text).unwrap());
        Editor::new(article, Arc::new(LabelSchema::news_default()))
    }

    fn cp(text: &str, needle: &str) -> (usize, usize) {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        (s, s + needle.chars().count())
    }

    #[test]
    fn save_then_load_is_identity_on_hard_unicode() {
        let mut e = editor(STRESS);
        for (needle, label) in [("Aïssata Traoré", "PERSON"), ("国際協力機構", "ORG"), ("الجزيرة", "ORG"), ("Zoë Nguyễn", "PERSON"), ("🇲🇱", "GPE"), ("👨‍👩‍👧‍👦", "MISC")] {
            let (s, t) = cp(STRESS, needle);
            e.add_span(s, t, label).unwrap();
        }
        let json = Record::from_editor(&e, &SaveInfo::default(), true).to_json();
        let loaded = Record::parse(&json).unwrap().load(e.schema()).unwrap();
        assert_eq!(loaded.article.sha256(), e.article().sha256());
        let original: Vec<Span> = e.annotations().in_document_order().into_iter().cloned().collect();
        assert_eq!(loaded.spans, original);
        for s in &loaded.record.spans {
            let chars: Vec<char> = STRESS.chars().collect();
            let by_cp: String = chars[s.start..s.end].iter().collect();
            assert_eq!(Some(by_cp), s.text.clone());
        }
    }

    #[test]
    fn tokens_rebuild_the_text_and_token_indices_are_inclusive() {
        let mut e = editor(STRESS);
        let (s, t) = cp(STRESS, "Choguel Kokalla Maïga");
        e.add_span(s, t, "PERSON").unwrap();
        let r = Record::from_editor(&e, &SaveInfo::default(), true);
        let rebuilt: String = r.tokens.iter().map(|t| format!("{}{}", t.text, if t.ws { " " } else { "" })).collect();
        assert_eq!(rebuilt, STRESS);
        let span = &r.spans[0];
        assert_eq!(r.tokens[span.token_start.unwrap()].text, "Choguel");
        assert_eq!(r.tokens[span.token_end.unwrap()].text, "Maïga");
    }

    #[test]
    fn bad_input_gets_a_message_that_says_what_is_wrong() {
        let schema = LabelSchema::news_default();
        assert!(matches!(Record::parse("{\"text\": "), Err(RecordError::Malformed { line: 1, .. })));
        assert!(matches!(Record::parse("[1,2]"), Err(RecordError::NotARecord(_))));
        assert!(matches!(Record::parse("{\"text\":\"x\"}"), Err(RecordError::NotARecord(_))));
        let newer = r#"{"text":"Mali","spans":[],"format_version":99}"#;
        assert_eq!(Record::parse(newer), Err(RecordError::NewerFormat(99)));
        let tampered = r#"{"text":"Mali","spans":[],"text_sha256":"00"}"#;
        assert_eq!(Record::parse(tampered).unwrap().load(&schema).unwrap_err(), RecordError::HashMismatch);
        let unknown = r#"{"text":"Mali","spans":[{"start":0,"end":4,"label":"FOO"}]}"#;
        let e = Record::parse(unknown).unwrap().load(&schema).unwrap_err();
        assert!(e.to_string().contains("\"FOO\" is not in the label schema"), "{e}");
        let misquoted = r#"{"text":"Mali","spans":[{"start":0,"end":3,"label":"GPE","text":"Mali"}]}"#;
        assert!(matches!(Record::parse(misquoted).unwrap().load(&schema), Err(RecordError::Span { index: 0, .. })));
        let outside = r#"{"text":"Mali","spans":[{"start":2,"end":9,"label":"GPE"}]}"#;
        assert!(matches!(Record::parse(outside).unwrap().load(&schema), Err(RecordError::Span { index: 0, .. })));
    }

    #[test]
    fn a_plain_prodigy_task_opens() {
        let task = r#"{"text":"Diop met Guterres","spans":[{"start":0,"end":4,"label":"PERSON","token_start":0,"token_end":0}]}"#;
        let loaded = Record::parse(task).unwrap().load(&LabelSchema::news_default()).unwrap();
        assert_eq!(loaded.spans[0].id, SpanId(1));
        assert_eq!(loaded.spans[0].layer, "entity");
    }

    #[test]
    fn saved_records_satisfy_the_json_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/record.schema.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut e = editor(STRESS);
        let (s, t) = cp(STRESS, "Bamako");
        e.add_span(s, t, "GPE").unwrap();
        let info = SaveInfo { annotator: Some("ann1".into()), created_at: Some("2026-11-27T00:00:00Z".into()), updated_at: None };
        let value = serde_json::to_value(Record::from_editor(&e, &info, true)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let mut broken = value.clone();
        broken["spans"][0]["start"] = serde_json::json!(-1);
        assert!(!validator.is_valid(&broken), "the schema must reject a negative offset");
        let mut broken = value;
        broken["text_sha256"] = serde_json::json!("not-a-hash");
        assert!(!validator.is_valid(&broken));
    }

    proptest! {
        #[test]
        fn save_load_round_trips_arbitrary_text(text in "[a-zé 👩🏾‍🍳国ا\u{301}\n]{1,40}", picks in proptest::collection::vec((0usize..40, 1usize..6), 0..6)) {
            prop_assume!(!text.trim().is_empty());
            let mut e = editor(&text);
            let len = e.article().len_chars();
            for (s, l) in picks {
                let (s, t) = (s % len, (s % len + l).min(len));
                let _ = e.add_span(s, t, "MISC");
            }
            let json = Record::from_editor(&e, &SaveInfo::default(), true).to_json();
            let loaded = Record::parse(&json).unwrap().load(e.schema()).unwrap();
            let original: Vec<Span> = e.annotations().in_document_order().into_iter().cloned().collect();
            prop_assert_eq!(loaded.spans, original);
            prop_assert_eq!(loaded.article.text(), text.as_str());
        }
    }
}
