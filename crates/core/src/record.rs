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

use crate::tokenize::{tokens_touching, Token};
use crate::article::{sha256_hex, Article};
use crate::command::Snapshot;
use crate::document_status::DocumentStatus;
use crate::relation::{Relation, RelationId, Target};
use crate::editor::Editor;
use crate::id::IdCounter;
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
    /// Absent rather than empty: `"tokens": []` would claim a token list
    /// that does not rebuild a non-empty text. Bodies built without tokens
    /// (events, the CMS save, local storage) leave the key out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<RecordToken>,
    pub spans: Vec<RecordSpan>,
    #[serde(default)]
    pub relations: Vec<RecordRelation>,
    #[serde(default)]
    pub meta: RecordMeta,
    /// Prodigy's answer to the task: `accept`, `reject` or `ignore`
    /// (`accept` when absent: a Marginalia save is what its annotator
    /// accepted). Exports of positive-only formats leave out tasks not
    /// accepted, by default (`formats::answers`).
    #[serde(default = "accept")]
    pub answer: String,
    /// The options a choice task chose (Prodigy's `accept`: option ids,
    /// strings or numbers), kept exactly as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<Vec<serde_json::Value>>,
    /// A choice task's options (objects with `id` and `text`, `html` or
    /// `image`), kept exactly as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<serde_json::Value>>,
    /// Prodigy's hash of the input (the text): tasks on one text share it.
    #[serde(rename = "_input_hash", default, skip_serializing_if = "Option::is_none", deserialize_with = "input_hash")]
    pub input_hash: Option<i64>,
    /// Prodigy's hash of the task (the text with what was asked about it):
    /// two decisions on one text differ here.
    #[serde(rename = "_task_hash", default, skip_serializing_if = "Option::is_none", deserialize_with = "task_hash")]
    pub task_hash: Option<i64>,
    /// The Prodigy interface the task was answered in (`ner_manual`, `choice`…).
    #[serde(rename = "_view_id", default, skip_serializing_if = "Option::is_none")]
    pub view_id: Option<String>,
    /// The Prodigy session that answered it.
    #[serde(rename = "_session_id", default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
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
    /// Labels of the whole document, as the schema's `document_labels` define.
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub document_labels: Attributes,
    /// Done, skipped or flagged, with a note; absent while in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DocumentStatus>,
}

/// A relation in both Marginalia's form (`id`, `from`, `to` or `to_text`)
/// and Prodigy's (`head`, `child`: the last token of each span, with
/// `head_span`, `child_span`). A free-text target has no Prodigy form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRelation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<RelationId>,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SpanId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<SpanId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_span: Option<RelationEnd>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_span: Option<RelationEnd>,
}

/// One end of a relation, as Prodigy writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationEnd {
    pub start: usize,
    pub end: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_end: Option<usize>,
    pub label: String,
}

fn accept() -> String {
    "accept".into()
}

/// A Prodigy hash (`_input_hash`, `_task_hash`): a whole number, negative
/// or not, that fits 64 bits. Anything else is refused with the field's
/// name, never guessed at (a float or a string would compare unequal to
/// the same task's hash elsewhere).
pub fn prodigy_hash(key: &str, value: &serde_json::Value) -> Result<Option<i64>, String> {
    match value {
        serde_json::Value::Null => Ok(None),
        v => v.as_i64().map(Some).ok_or_else(|| format!("`{key}` must be an integer (Prodigy's hash), not {v}")),
    }
}

fn hash_field<'de, D: serde::Deserializer<'de>>(key: &str, deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    prodigy_hash(key, &value).map_err(serde::de::Error::custom)
}
fn input_hash<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    hash_field("_input_hash", deserializer)
}
fn task_hash<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    hash_field("_task_hash", deserializer)
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
    /// Values a label schema's `default` filled in and nobody chose; never
    /// a key also in `attributes` (see `Span::defaults`).
    #[serde(default, skip_serializing_if = "Attributes::is_empty")]
    pub defaults: Attributes,
    /// Where an accepted suggestion came from: `pattern`, `propagated` or `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn entity_layer() -> String {
    ENTITY_LAYER.into()
}

/// `doc_id` and `title` (both may be missing), and anything else a host or
/// another tool put in `meta`, kept as is in `extra`.
///
/// Read and written by hand rather than with `#[serde(flatten)]`, which
/// buffers every key through serde's private `Content` type first; that
/// path costs the bundle a few KB.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordMeta {
    pub doc_id: String,
    pub title: String,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Serialize for RecordMeta {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2 + self.extra.len()))?;
        map.serialize_entry("doc_id", &self.doc_id)?;
        map.serialize_entry("title", &self.title)?;
        for (key, value) in &self.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RecordMeta {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = serde_json::Map::deserialize(deserializer)?;
        let mut text = |key: &str| match extra.remove(key) {
            None => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s),
            Some(other) => Err(serde::de::Error::custom(format_args!("`meta.{key}` must be a string, not {other}"))),
        };
        let doc_id = text("doc_id")?;
        let title = text("title")?;
        Ok(RecordMeta { doc_id, title, extra })
    }
}

/// Who saved and when; time comes from the caller (there is no clock in
/// WebAssembly's std). `task` is what the record being edited carried that
/// the editor does not change, written back by every save.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveInfo {
    pub annotator: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub task: TaskFields,
}

/// A record's fields that no edit in the editor changes: the task's
/// decision (Prodigy's answer, the options chosen, the hashes, view and
/// session) and the `meta` keys another tool or a host put there. The web
/// app keeps them beside the editor, so that opening a rejected Prodigy task
/// and saving it writes `"answer": "reject"` back, never a silent accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub answer: String,
    pub accept: Option<Vec<serde_json::Value>>,
    pub options: Option<Vec<serde_json::Value>>,
    pub input_hash: Option<i64>,
    pub task_hash: Option<i64>,
    pub view_id: Option<String>,
    pub session_id: Option<String>,
    pub meta_extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for TaskFields {
    /// A new document: accepted, no decision fields, no foreign meta.
    fn default() -> Self {
        TaskFields {
            answer: accept(),
            accept: None,
            options: None,
            input_hash: None,
            task_hash: None,
            view_id: None,
            session_id: None,
            meta_extra: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Malformed { line: usize, column: usize, message: String },
    NotARecord(String),
    NewerFormat(u64),
    HashMismatch,
    OtherText { expected: String, found: String },
    Token { index: usize, message: String },
    Span { index: usize, message: String },
    Relation { index: usize, message: String },
    Document(String),
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
            RecordError::Token { index, message } => write!(f, "tokens[{index}]: {message}"),
            RecordError::Span { index, message } => write!(f, "spans[{index}]: {message}"),
            RecordError::Relation { index, message } => write!(f, "relations[{index}]: {message}"),
            RecordError::Document(message) => write!(f, "document_labels: {message}"),
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
    pub relations: Vec<Relation>,
    pub document: Attributes,
    pub record: Record,
}

impl LoadedRecord {
    /// Everything the record annotates, ready for an editor (in id order,
    /// as [`crate::command::Annotations::snapshot`] gives it).
    pub fn snapshot(&self) -> Snapshot {
        let mut spans = self.spans.clone();
        crate::sorting::sort_by_key(&mut spans, |s| s.id);
        let mut relations = self.relations.clone();
        crate::sorting::sort_by_key(&mut relations, |r| r.id);
        Snapshot { spans, relations, document: self.document.clone(), status: self.record.status.clone() }
    }
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
                    defaults: s.defaults.clone(),
                    source: s.source.clone(),
                }
            })
            .collect();
        let relations = editor.annotations().relations().map(|r| record_relation(editor, r)).collect();
        Record { tokens, spans, relations, ..Record::of_document(editor, info) }
    }

    /// The record of the editor's document without its annotations (no
    /// tokens, no spans, no relations): what a record says of the text, the
    /// task and the save. Cheap, where the spans' token indices need the
    /// article tokenized. (Not inlined: `from_editor` calls it too, and the
    /// web app ships one copy.)
    #[inline(never)]
    pub fn of_document(editor: &Editor, info: &SaveInfo) -> Record {
        let article = editor.article();
        let task = &info.task;
        Record {
            text: article.text().to_string(),
            tokens: Vec::new(),
            spans: Vec::new(),
            relations: Vec::new(),
            meta: RecordMeta { doc_id: article.id.clone(), title: article.title.clone(), extra: task.meta_extra.clone() },
            answer: task.answer.clone(),
            accept: task.accept.clone(),
            options: task.options.clone(),
            input_hash: task.input_hash,
            task_hash: task.task_hash,
            view_id: task.view_id.clone(),
            session_id: task.session_id.clone(),
            format_version: FORMAT_VERSION,
            text_sha256: Some(article.sha256().to_string()),
            annotator: info.annotator.clone(),
            created_at: info.created_at.clone(),
            updated_at: info.updated_at.clone(),
            label_schema: Some((**editor.schema()).clone()),
            document_labels: editor.annotations().document_labels().clone(),
            status: editor.annotations().status().cloned(),
        }
    }

    /// What this record carries that the editor does not change; a save
    /// through [`Record::from_editor`] with it writes the same back.
    pub fn task_fields(&self) -> TaskFields {
        TaskFields {
            answer: self.answer.clone(),
            accept: self.accept.clone(),
            options: self.options.clone(),
            input_hash: self.input_hash,
            task_hash: self.task_hash,
            view_id: self.view_id.clone(),
            session_id: self.session_id.clone(),
            meta_extra: self.meta.extra.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a record always serialises")
    }

    /// Parses JSON into a record, with messages that say what is wrong,
    /// and checks every number in it against its text
    /// ([`Record::check_offsets`]).
    pub fn parse(json: &str) -> Result<Record, RecordError> {
        let record = Record::parse_unchecked(json)?;
        record.check_offsets()?;
        Ok(record)
    }

    /// A record stored without its text (the browser keeps a text once,
    /// under its hash, apart from the work on it): parsed, given `text`,
    /// then checked as [`Record::parse`] checks.
    pub fn parse_stored(json: &str, text: String) -> Result<Record, RecordError> {
        let record = Record { text, ..Record::parse_unchecked(json)? };
        record.check_offsets()?;
        Ok(record)
    }

    fn parse_unchecked(json: &str) -> Result<Record, RecordError> {
        // Straight into the record (no intermediate `Value`: it would double
        // the deserialising code shipped to the browser); only a failure is
        // looked at again, to say what is wrong.
        let error = match serde_json::from_str::<Record>(json) {
            Ok(r) if r.format_version > FORMAT_VERSION => return Err(RecordError::NewerFormat(r.format_version.into())),
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        // The record can fail on its data before the parser reaches broken
        // syntax further on (a truncated file whose first span has a numeric
        // id): report the syntax, which is what a person must fix first.
        let error = serde_json::from_str::<serde::de::IgnoredAny>(json).err().unwrap_or(error);
        if error.is_syntax() || error.is_eof() {
            return Err(RecordError::Malformed { line: error.line(), column: error.column(), message: error.to_string() });
        }
        // serde also reads a struct from an array (`[1, 2, 3]` would probe as
        // format version 3): only an object can be a record.
        if !json.trim_start().starts_with('{') {
            return Err(RecordError::NotARecord("it is not a JSON object".into()));
        }
        let probe = serde_json::from_str::<Probe>(json)
            .map_err(|_| RecordError::NotARecord("it is not a JSON object".into()))?;
        if let Some(v) = probe.format_version.filter(|v| *v > FORMAT_VERSION as u64) {
            return Err(RecordError::NewerFormat(v));
        }
        for (field, present) in [("text", probe.text.is_some()), ("spans", probe.spans.is_some())] {
            if !present {
                return Err(RecordError::NotARecord(format!("it has no {field:?} field")));
            }
        }
        Err(RecordError::NotARecord(error.to_string()))
    }

    /// Checks every number the record holds against its text, so that no
    /// later step can slice or index out of range: tokens (each a range
    /// inside the text, in order, not overlapping, `id` its index, `text`
    /// the text there), spans (a range inside the text; `token_start` ≤
    /// `token_end`, both token indices) and relations (`head`, `child` and
    /// the ends in `head_span`/`child_span` likewise). [`Record::parse`]
    /// runs it; what needs the schema is [`Record::load`]'s.
    ///
    /// When a number does not fit and the text does not match the record's
    /// `text_sha256`, the text was edited after the save: that is the
    /// problem to report (the hash is only computed then).
    pub fn check_offsets(&self) -> Result<(), RecordError> {
        self.check_numbers().map_err(|e| match &self.text_sha256 {
            Some(hash) if *hash != sha256_hex(&self.text) => RecordError::HashMismatch,
            _ => e,
        })
    }

    fn check_numbers(&self) -> Result<(), RecordError> {
        let text = TextIndex::new(&self.text);
        let len = text.len_chars();
        check_token_ranges(self.tokens.iter().map(|t| (t.start, t.end)), len)
            .map_err(|(index, message)| RecordError::Token { index, message })?;
        for (index, t) in self.tokens.iter().enumerate() {
            let err = |message: String| RecordError::Token { index, message };
            if t.id != index {
                return Err(err(format!("its id is {}, but a token's id is its index ({index})", t.id)));
            }
            let actual = text.slice(&self.text, t.start, t.end);
            if t.text != actual {
                return Err(err(format!("its text {:?} differs from the text at {}–{} ({actual:?})", t.text, t.start, t.end)));
            }
        }
        // Without tokens, indices name spaCy's tokens of the text: there are
        // never more of those than characters.
        let tokens = TokenBound { count: if self.tokens.is_empty() { len } else { self.tokens.len() }, derived: self.tokens.is_empty() };
        for (index, s) in self.spans.iter().enumerate() {
            check_end(s.start, s.end, s.token_start, s.token_end, len, tokens).map_err(|message| RecordError::Span { index, message })?;
        }
        for (index, r) in self.relations.iter().enumerate() {
            let err = |message: String| RecordError::Relation { index, message };
            for (key, token) in [("head", r.head), ("child", r.child)] {
                if let Some(t) = token.filter(|t| *t >= tokens.count) {
                    return Err(err(format!("{key} {t} is not a token index ({tokens})")));
                }
            }
            for (key, end) in [("head_span", &r.head_span), ("child_span", &r.child_span)] {
                if let Some(e) = end {
                    check_end(e.start, e.end, e.token_start, e.token_end, len, tokens).map_err(|m| err(format!("{key}: {m}")))?;
                }
            }
        }
        Ok(())
    }

    /// The record's text as an article: its `doc_id` and `title`, or the
    /// id derived from the text (and the id as title) where they are empty.
    pub fn article(&self) -> Result<Article, RecordError> {
        let id = if self.meta.doc_id.is_empty() { default_doc_id(&self.text) } else { self.meta.doc_id.clone() };
        let title = if self.meta.title.is_empty() { id.clone() } else { self.meta.title.clone() };
        Article::new(id, title, self.text.clone()).map_err(|e| RecordError::Article(e.to_string()))
    }

    /// Checks the record against its own text and `schema`, and turns it
    /// into an article plus spans ready for an editor.
    pub fn load(self, schema: &LabelSchema) -> Result<LoadedRecord, RecordError> {
        let checked = match &self.text_sha256 {
            Some(hash) => {
                let actual = sha256_hex(&self.text);
                if *hash != actual {
                    return Err(RecordError::HashMismatch);
                }
                Some(actual)
            }
            None => None,
        };
        let mut article = self.article()?;
        // The article is this text: its hash need not be computed again
        // (the app keys its storage by it, at every start).
        if let Some(hash) = checked {
            article.knows_sha256(hash);
        }
        let spans = spans_from_record(&self.spans, &article, schema)?;
        let relations = relations_from_record(&self.relations, &spans, schema)?;
        let document = document_labels_from_record(&self.document_labels, schema)?;
        Ok(LoadedRecord { article, spans, relations, document, record: self })
    }
}

fn relation_end(article: &Article, span: &Span) -> RelationEnd {
    let (token_start, token_end) = token_range(article, span.start, span.end);
    RelationEnd { start: span.start, end: span.end, token_start, token_end, label: span.label.clone() }
}

fn record_relation(editor: &Editor, r: &Relation) -> RecordRelation {
    let article = editor.article();
    let ann = editor.annotations();
    let head_span = ann.get(r.from).map(|s| relation_end(article, s));
    let (to, to_text, child_span) = match &r.to {
        Target::Span(id) => (Some(*id), None, ann.get(*id).map(|s| relation_end(article, s))),
        Target::Text(t) => (None, Some(t.clone()), None),
    };
    RecordRelation {
        id: Some(r.id),
        label: r.label.clone(),
        from: Some(r.from),
        to,
        to_text,
        head: head_span.as_ref().and_then(|e| e.token_end),
        child: child_span.as_ref().and_then(|e| e.token_end),
        head_span,
        child_span,
    }
}

/// Checks record relations against the loaded spans and `schema`. A
/// relation without Marginalia ids (a Prodigy task) is matched to spans by
/// its `head_span`/`child_span` offsets and labels.
pub fn relations_from_record(relations: &[RecordRelation], spans: &[Span], schema: &LabelSchema) -> Result<Vec<Relation>, RecordError> {
    let given: std::collections::HashSet<u32> = relations.iter().filter_map(|r| r.id).map(|id| id.0).collect();
    let mut counter = IdCounter::above(given.iter().copied());
    let mut ids = std::collections::HashSet::with_capacity(relations.len());
    let by_end = |end: &Option<RelationEnd>| {
        end.as_ref()
            .and_then(|e| spans.iter().find(|s| s.start == e.start && s.end == e.end && s.label == e.label))
    };
    let mut out = Vec::with_capacity(relations.len());
    for (index, r) in relations.iter().enumerate() {
        let err = |message: String| RecordError::Relation { index, message };
        let def = schema.relation(&r.label).ok_or_else(|| err(format!("label {:?} is not a relation of the label schema", r.label)))?;
        let find = |id: Option<SpanId>, end: &Option<RelationEnd>, which: &str| match id {
            Some(id) => spans.iter().find(|s| s.id == id).ok_or_else(|| err(format!("its {which} span {id} does not exist"))),
            None => by_end(end).ok_or_else(|| err(format!("its {which} span is not among the spans"))),
        };
        let from = find(r.from, &r.head_span, "from")?;
        if !def.from.contains(&from.layer) {
            return Err(err(format!("a {} link cannot start from the {} layer", r.label, from.layer)));
        }
        let to = match (&r.to_text, r.to, &r.child_span) {
            (Some(text), None, None) if def.free_text && !text.trim().is_empty() => Target::Text(text.clone()),
            (Some(_), _, _) => return Err(err(format!("a {} link cannot end at free text here", r.label))),
            (None, id, end) => {
                let to = find(id, end, "to")?;
                if !def.to.contains(&to.layer) {
                    return Err(err(format!("a {} link cannot end at the {} layer", r.label, to.layer)));
                }
                Target::Span(to.id)
            }
        };
        let id = match r.id {
            Some(id) => id,
            None => RelationId(counter.next(|n| given.contains(&n)).ok_or_else(|| err("no relation id is left for it".into()))?),
        };
        if !ids.insert(id) {
            return Err(err(format!("id {id} is used twice")));
        }
        out.push(Relation { id, from: from.id, to, label: r.label.clone() });
    }
    Ok(out)
}

fn document_labels_from_record(labels: &Attributes, schema: &LabelSchema) -> Result<Attributes, RecordError> {
    for (key, value) in labels {
        let def = schema
            .document_label(key)
            .ok_or_else(|| RecordError::Document(format!("{key:?} is not a document label of the label schema")))?;
        def.check(value).map_err(RecordError::Document)?;
    }
    Ok(labels.clone())
}

/// Checks record spans against `article` and `schema`; allocates ids for
/// spans that have none (a plain Prodigy task).
pub fn spans_from_record(spans: &[RecordSpan], article: &Article, schema: &LabelSchema) -> Result<Vec<Span>, RecordError> {
    let len = article.len_chars();
    let given: std::collections::HashSet<u32> = spans.iter().filter_map(|s| s.id).map(|id| id.0).collect();
    let mut counter = IdCounter::above(given.iter().copied());
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
        let id = match s.id {
            Some(id) => id,
            None => SpanId(counter.next(|n| given.contains(&n)).ok_or_else(|| err("no span id is left for it".into()))?),
        };
        if !ids.insert(id) {
            return Err(err(format!("id {id} is used twice")));
        }
        for (key, value) in &s.attributes {
            let def = schema
                .attributes_for(&s.layer)
                .find(|a| a.name == *key)
                .ok_or_else(|| err(format!("attribute {key:?} is not defined for the {} layer", s.layer)))?;
            def.check(value).map_err(|m| err(format!("attribute {m}")))?;
        }
        check_defaults(s, schema).map_err(err)?;
        out.push(Span {
            id,
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            layer: s.layer.clone(),
            attributes: s.attributes.clone(),
            defaults: s.defaults.clone(),
            source: s.source.clone(),
        });
    }
    Ok(out)
}

/// A span's `defaults`: each an attribute of its layer, with a value the
/// attribute allows, and not also chosen (one key, one meaning).
fn check_defaults(s: &RecordSpan, schema: &LabelSchema) -> Result<(), String> {
    for (key, value) in &s.defaults {
        if s.attributes.contains_key(key) {
            return Err(format!("attribute {key:?} is both chosen (`attributes`) and a default (`defaults`)"));
        }
        let def = schema
            .attributes_for(&s.layer)
            .find(|a| a.name == *key)
            .ok_or_else(|| format!("default {key:?} is not an attribute of the {} layer", s.layer))?;
        def.check(value).map_err(|m| format!("default {m}"))?;
    }
    Ok(())
}

/// Where a list of token ranges (code points) does not fit a text of
/// `len` characters: the first token that is empty, reaches past the end,
/// or does not start at or after the end of the token before it — as its
/// index and what is wrong.
pub fn check_token_ranges(tokens: impl IntoIterator<Item = (usize, usize)>, len: usize) -> Result<(), (usize, String)> {
    let mut previous_end = 0;
    for (index, (start, end)) in tokens.into_iter().enumerate() {
        if start >= end || end > len {
            return Err((index, format!("offsets {start}–{end} are not a range inside the text ({len} characters)")));
        }
        if start < previous_end {
            return Err((index, format!("it starts at {start}, before the token before it ends ({previous_end}): tokens must be in order and must not overlap")));
        }
        previous_end = end;
    }
    Ok(())
}

/// How many tokens a record's token indices may name: its own tokens, or,
/// when it has none (they are derived from the text), its characters.
#[derive(Clone, Copy)]
struct TokenBound {
    count: usize,
    derived: bool,
}

impl fmt::Display for TokenBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.derived {
            write!(f, "the text has {} characters, so fewer tokens", self.count)
        } else {
            write!(f, "the record has {} tokens", self.count)
        }
    }
}

/// A span, or one end of a relation: a range inside the text, its token
/// indices in order and below `tokens`.
fn check_end(start: usize, end: usize, token_start: Option<usize>, token_end: Option<usize>, len: usize, tokens: TokenBound) -> Result<(), String> {
    if start >= end || end > len {
        return Err(format!("offsets {start}–{end} are not a range inside the text ({len} characters)"));
    }
    for (key, token) in [("token_start", token_start), ("token_end", token_end)] {
        if let Some(t) = token.filter(|t| *t >= tokens.count) {
            return Err(format!("{key} {t} is not a token index ({tokens})"));
        }
    }
    if let (Some(a), Some(b)) = (token_start, token_end) {
        if a > b {
            return Err(format!("token_start {a} is after token_end {b}"));
        }
    }
    Ok(())
}

fn label_names(schema: &LabelSchema) -> String {
    schema.labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Inclusive token indices of the tokens a span covers (Prodigy's
/// `token_start`/`token_end`); `None` when the span covers no token.
pub fn token_range(article: &Article, start: usize, end: usize) -> (Option<usize>, Option<usize>) {
    inclusive_token_range(article.tokens(), start, end)
}

/// [`token_range`] over a token list (a record's own tokens).
pub fn inclusive_token_range(tokens: &[Token], start: usize, end: usize) -> (Option<usize>, Option<usize>) {
    let touched = tokens_touching(tokens, start, end);
    if touched.is_empty() {
        (None, None)
    } else {
        (Some(touched.start), Some(touched.end - 1))
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
    fn the_document_record_is_the_record_without_its_annotations() {
        let mut e = editor(STRESS);
        let (s, t) = cp(STRESS, "Aïssata Traoré");
        e.add_span(s, t, "PERSON").unwrap();
        let info = SaveInfo { annotator: Some("ana".into()), ..SaveInfo::default() };
        let document = Record::of_document(&e, &info);
        assert!(document.tokens.is_empty() && document.spans.is_empty() && document.relations.is_empty());
        let full = Record::from_editor(&e, &info, true);
        assert_eq!(full.spans.len(), 1);
        assert_eq!(Record { tokens: full.tokens.clone(), spans: full.spans.clone(), relations: full.relations.clone(), ..document }, full);
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
    fn a_record_without_tokens_has_no_tokens_key_never_an_empty_list() {
        let mut e = editor(STRESS);
        let (s, t) = cp(STRESS, "Aïssata Traoré");
        e.add_span(s, t, "PERSON").unwrap();
        let light: serde_json::Value = serde_json::from_str(&Record::from_editor(&e, &SaveInfo::default(), false).to_json()).unwrap();
        assert!(light.get("tokens").is_none(), "a body without tokens leaves the key out: {:?}", light.get("tokens"));
        let full: serde_json::Value = serde_json::from_str(&Record::from_editor(&e, &SaveInfo::default(), true).to_json()).unwrap();
        let rebuilt: String = full["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| format!("{}{}", t["text"].as_str().unwrap(), if t["ws"] == true { " " } else { "" }))
            .collect();
        assert_eq!(rebuilt, STRESS);
        // Read back, both load the same annotations.
        let a = Record::parse(&light.to_string()).unwrap().load(e.schema()).unwrap();
        let b = Record::parse(&full.to_string()).unwrap().load(e.schema()).unwrap();
        assert_eq!(a.snapshot(), b.snapshot());
    }

    #[test]
    fn span_defaults_are_read_checked_and_kept_apart_from_choices() {
        let mut schema = LabelSchema::news_default();
        schema.attributes.iter_mut().find(|a| a.name == "verdict").unwrap().default = Some("unverified".into());
        let record = |span: &str| format!(r#"{{"text":"Mali is safe.","spans":[{{"start":0,"end":13,"label":"CLAIM","layer":"claim",{span}}}]}}"#);
        let ok = Record::parse(&record(r#""attributes":{"stance":"refutes"},"defaults":{"verdict":"unverified"}"#)).unwrap();
        let loaded = ok.clone().load(&schema).unwrap();
        assert_eq!(loaded.spans[0].attributes, Attributes::from([("stance".into(), "refutes".into())]));
        assert_eq!(loaded.spans[0].defaults, Attributes::from([("verdict".into(), "unverified".into())]));
        // An old save with a value and no `defaults`: the value is a choice.
        let old = Record::parse(&record(r#""attributes":{"verdict":"unverified"}"#)).unwrap().load(&schema).unwrap();
        assert!(old.spans[0].defaults.is_empty() && old.spans[0].attributes.contains_key("verdict"));
        for (bad, why) in [
            (r#""attributes":{"verdict":"true"},"defaults":{"verdict":"unverified"}"#, "both chosen"),
            (r#""defaults":{"colour":"red"}"#, "not an attribute of the claim layer"),
            (r#""defaults":{"verdict":"maybe"}"#, "default"),
        ] {
            let err = Record::parse(&record(bad)).unwrap().load(&schema).unwrap_err();
            assert!(matches!(&err, RecordError::Span { index: 0, message } if message.contains(why)), "{bad}: {err}");
        }
    }

    #[test]
    fn meta_keeps_what_other_tools_put_there_and_wants_its_ids_as_strings() {
        let json = r#"{"text":"Mali","meta":{"source":"cms","doc_id":"a1","rev":{"n":3}},"spans":[]}"#;
        let record = Record::parse(json).unwrap();
        assert_eq!((record.meta.doc_id.as_str(), record.meta.title.as_str()), ("a1", ""));
        assert_eq!(record.meta.extra.keys().collect::<Vec<_>>(), ["rev", "source"]);
        let written: serde_json::Value = serde_json::from_str(&record.to_json()).unwrap();
        assert_eq!(written["meta"], serde_json::json!({"doc_id": "a1", "title": "", "source": "cms", "rev": {"n": 3}}));
        assert_eq!(Record::parse(&record.to_json()).unwrap().meta, record.meta);
        let err = Record::parse(r#"{"text":"Mali","meta":{"doc_id":7},"spans":[]}"#).unwrap_err();
        assert!(err.to_string().contains("`meta.doc_id` must be a string, not 7"), "{err}");
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
        assert_eq!(Record::parse("[1, 2, 3]"), Err(RecordError::NotARecord("it is not a JSON object".into())));
        let truncated = r#"{"text":"Mali","spans":[{"id":1,"start":0,"end":4,"label":"GP"#;
        assert!(matches!(Record::parse(truncated), Err(RecordError::Malformed { line: 1, column: 61, .. })), "{:?}", Record::parse(truncated));
        assert!(matches!(Record::parse("{\"text\":\"x\"}"), Err(RecordError::NotARecord(_))));
        let newer = r#"{"text":"Mali","spans":[],"format_version":99}"#;
        assert_eq!(Record::parse(newer), Err(RecordError::NewerFormat(99)));
        // Beyond u32: said as written, not cut to its low 32 bits ("version 1").
        let huge = r#"{"text":"Mali","spans":[],"format_version":4294967297}"#;
        assert_eq!(Record::parse(huge), Err(RecordError::NewerFormat(4_294_967_297)));
        let tampered = r#"{"text":"Mali","spans":[],"text_sha256":"00"}"#;
        assert_eq!(Record::parse(tampered).unwrap().load(&schema).unwrap_err(), RecordError::HashMismatch);
        let unknown = r#"{"text":"Mali","spans":[{"start":0,"end":4,"label":"FOO"}]}"#;
        let e = Record::parse(unknown).unwrap().load(&schema).unwrap_err();
        assert!(e.to_string().contains("\"FOO\" is not in the label schema"), "{e}");
        let misquoted = r#"{"text":"Mali","spans":[{"start":0,"end":3,"label":"GPE","text":"Mali"}]}"#;
        assert!(matches!(Record::parse(misquoted).unwrap().load(&schema), Err(RecordError::Span { index: 0, .. })));
        let outside = r#"{"text":"Mali","spans":[{"start":2,"end":9,"label":"GPE"}]}"#;
        assert!(matches!(Record::parse(outside), Err(RecordError::Span { index: 0, .. })), "refused as it is read");
    }

    #[test]
    fn a_record_stored_apart_from_its_text_is_checked_against_that_text() {
        let mut e = editor("Zoë met Diop in Bamako.");
        e.add_span(16, 22, "GPE").unwrap();
        let record = Record::from_editor(&e, &SaveInfo::default(), false);
        let stored = Record { text: String::new(), ..record.clone() }.to_json();
        assert_eq!(Record::parse_stored(&stored, record.text.clone()), Ok(record.clone()));
        assert_eq!(Record::parse_stored(&stored, "Zoë".into()), Err(RecordError::HashMismatch));
        let unhashed = Record { text: String::new(), text_sha256: None, ..record }.to_json();
        let err = Record::parse_stored(&unhashed, "Zoë".into()).unwrap_err();
        assert!(err.to_string().starts_with("spans[0]: offsets 16–22 are not a range inside the text (3 characters)"), "{err}");
    }

    #[test]
    fn numbers_that_do_not_fit_the_text_are_refused_as_the_record_is_read() {
        // Issue 16, case 5: tokens and token indices were never checked, and
        // crashed `agree`, the CoNLL and spaCy exports (and re-anchoring).
        let mut e = editor("Zoë met 🇲🇱 officials in Bamako.");
        let (s, t) = cp("Zoë met 🇲🇱 officials in Bamako.", "Bamako");
        let bamako = e.add_span(s, t, "GPE").unwrap();
        let claim = e.add_span(0, 7, "CLAIM").unwrap();
        e.add_relation(claim, Target::Span(bamako), "about").unwrap();
        let good = serde_json::to_value(Record::from_editor(&e, &SaveInfo::default(), true)).unwrap();
        let n = good["tokens"].as_array().unwrap().len();
        let refused = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut v = good.clone();
            change(&mut v);
            Record::parse(&v.to_string()).unwrap_err().to_string()
        };
        assert!(Record::parse(&good.to_string()).is_ok());
        // A text edited after the save: its hash, not a token, is the news.
        let mut edited = good.clone();
        edited["text"] = "Zoe met 🇲🇱 officials in Bamako.".into();
        assert_eq!(Record::parse(&edited.to_string()), Err(RecordError::HashMismatch));
        type Change = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(&str, Change)> = vec![
            ("tokens[6]: offsets 30–33 are not a range inside the text (31 characters)", Box::new(|v| v["tokens"][6]["end"] = 33.into())),
            ("tokens[1]: offsets 8–7 are not a range", Box::new(|v| v["tokens"][1]["start"] = 8.into())),
            ("tokens[2]: it starts at 4, before the token before it ends (7): tokens must be in order", Box::new(|v| v["tokens"][2]["start"] = 4.into())),
            ("tokens[1]: it starts at 0, before the token before it ends (7)", Box::new(|v| v["tokens"].as_array_mut().unwrap().swap(0, 1))),
            ("tokens[3]: its id is 9, but a token's id is its index (3)", Box::new(|v| v["tokens"][3]["id"] = 9.into())),
            ("tokens[0]: its text \"Zoe\" differs from the text at 0–3 (\"Zoë\")", Box::new(|v| v["tokens"][0]["text"] = "Zoe".into())),
            ("spans[0]: offsets 7–0 are not a range inside the text", Box::new(|v| { v["spans"][0]["start"] = 7.into(); v["spans"][0]["end"] = 0.into(); })),
            ("spans[1]: token_end 99 is not a token index (the record has 7 tokens)", Box::new(|v| v["spans"][1]["token_end"] = 99.into())),
            ("spans[1]: token_start 6 is after token_end 5", Box::new(|v| { v["spans"][1]["token_start"] = 6.into(); v["spans"][1]["token_end"] = 5.into(); })),
            ("relations[0]: child 7 is not a token index (the record has 7 tokens)", Box::new(|v| v["relations"][0]["child"] = 7.into())),
            ("relations[0]: head_span: offsets 0–40 are not a range", Box::new(|v| v["relations"][0]["head_span"]["end"] = 40.into())),
        ];
        assert_eq!(n, 7, "{:?}", good["tokens"]);
        for (expected, change) in &cases {
            let message = refused(change.as_ref());
            assert!(message.starts_with(expected), "{message}\n  expected {expected}");
        }
        // Without tokens, indices are bounded by the text's length.
        let message = refused(&|v| {
            v["tokens"] = serde_json::json!([]);
            v["spans"][0]["token_start"] = 31.into();
        });
        assert!(message.starts_with("spans[0]: token_start 31 is not a token index (the text has 31 characters, so fewer tokens)"), "{message}");
    }

    #[test]
    fn claims_relations_and_document_labels_round_trip_in_both_forms() {
        let text = "For his part, US Deputy Ambassador Richard Mills said the US welcomes it. 🇲🇱 He described Wagner as “a criminal organization”.";
        let mut e = editor(text);
        let (s, t) = cp(text, "Richard Mills");
        let mills = e.add_span(s, t, "PERSON").unwrap();
        let (s, t) = cp(text, "Wagner");
        let wagner = e.add_span(s, t, "ORG").unwrap();
        let (s, t) = cp(text, "Wagner as “a criminal organization”");
        let claim = e.add_span(s, t, "CLAIM").unwrap();
        e.set_attribute(claim, "check_worthy", Some(serde_json::json!("yes"))).unwrap();
        e.set_attribute(claim, "note", Some(serde_json::json!("sanctions context"))).unwrap();
        e.add_relation(claim, Target::Span(mills), "claimed_by").unwrap();
        e.add_relation(claim, Target::Span(wagner), "about").unwrap();
        e.add_relation(claim, Target::Text("the US government".into()), "claimed_by").unwrap();
        e.set_document_label("reliability", Some(serde_json::json!("medium"))).unwrap();
        let record = Record::from_editor(&e, &SaveInfo::default(), true);
        let by = &record.relations[0];
        let head = &record.tokens[by.head.unwrap()];
        let child = &record.tokens[by.child.unwrap()];
        assert_eq!((head.text.as_str(), child.text.as_str()), ("”", "Mills"), "head/child are the spans' last tokens");
        assert_eq!(by.head_span.as_ref().unwrap().label, "CLAIM");
        assert!(record.relations[2].child.is_none() && record.relations[2].to_text.is_some());
        let json = record.to_json();
        let loaded = Record::parse(&json).unwrap().load(e.schema()).unwrap();
        assert_eq!(loaded.snapshot(), e.annotations().snapshot());

        // Prodigy's form alone (no Marginalia ids) opens to the same links.
        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        for r in value["relations"].as_array_mut().unwrap() {
            for key in ["id", "from", "to"] {
                r.as_object_mut().unwrap().remove(key);
            }
        }
        let loaded = Record::parse(&value.to_string()).unwrap().load(e.schema()).unwrap();
        let links: Vec<_> = loaded.relations.iter().map(|r| (r.from, r.to.clone(), r.label.clone())).collect();
        let expected: Vec<_> = e.annotations().relations().map(|r| (r.from, r.to.clone(), r.label.clone())).collect();
        assert_eq!(links, expected);
    }

    #[test]
    fn bad_relations_attributes_and_document_labels_are_refused() {
        let schema = LabelSchema::news_default();
        let base = |extra: &str| format!(r#"{{"text":"Mills said Mali is fine","spans":[{{"id":"s1","start":0,"end":5,"label":"PERSON"}},{{"id":"s2","start":0,"end":23,"label":"CLAIM","layer":"claim"}}]{extra}}}"#);
        let load = |json: String| Record::parse(&json).unwrap().load(&schema);
        assert!(load(base("")).is_ok());
        let dangling = base(r#","relations":[{"label":"about","from":"s2","to":"s9"}]"#);
        assert!(matches!(load(dangling), Err(RecordError::Relation { index: 0, .. })));
        let backwards = base(r#","relations":[{"label":"about","from":"s1","to":"s2"}]"#);
        assert!(load(backwards).unwrap_err().to_string().contains("cannot start from the entity layer"));
        let unknown = base(r#","relations":[{"label":"likes","from":"s2","to":"s1"}]"#);
        assert!(matches!(load(unknown), Err(RecordError::Relation { .. })));
        let text_about = base(r#","relations":[{"label":"about","from":"s2","to_text":"x"}]"#);
        assert!(matches!(load(text_about), Err(RecordError::Relation { .. })));
        let bad_attr = r#"{"text":"Mills said so","spans":[{"start":0,"end":13,"label":"CLAIM","layer":"claim","attributes":{"verdict":"maybe"}}]}"#;
        assert!(matches!(load(bad_attr.into()), Err(RecordError::Span { index: 0, .. })));
        let bad_doc = base(r#","document_labels":{"reliability":"great"}"#);
        assert!(matches!(load(bad_doc), Err(RecordError::Document(_))));
    }

    #[test]
    fn a_save_writes_back_the_decision_and_foreign_meta_it_opened_with() {
        let task = r#"{"text":"Diop met Guterres","spans":[{"start":0,"end":4,"label":"PERSON"}],"answer":"reject","accept":["Q1"],"options":[{"id":"Q1","text":"one"}],"_input_hash":-7,"_task_hash":42,"_view_id":"ner","_session_id":"news-ana","meta":{"source":"wire","score":0.5}}"#;
        let record = Record::parse(task).unwrap();
        let loaded = record.clone().load(&LabelSchema::news_default()).unwrap();
        let mut editor = Editor::new(Arc::new(loaded.article.clone()), Arc::new(LabelSchema::news_default()));
        editor.restore_snapshot(loaded.snapshot()).unwrap();
        let info = SaveInfo { task: record.task_fields(), ..SaveInfo::default() };
        let saved: serde_json::Value = serde_json::from_str(&Record::from_editor(&editor, &info, false).to_json()).unwrap();
        let original: serde_json::Value = serde_json::from_str(task).unwrap();
        for key in ["answer", "accept", "options", "_input_hash", "_task_hash", "_view_id", "_session_id"] {
            assert_eq!(saved[key], original[key], "{key}");
        }
        assert_eq!(saved["meta"]["source"], "wire");
        assert_eq!(saved["meta"]["score"], original["meta"]["score"]);
        // A new document carries none of it: accepted, no decision fields.
        let fresh: serde_json::Value = serde_json::from_str(&Record::from_editor(&editor, &SaveInfo::default(), false).to_json()).unwrap();
        assert_eq!(fresh["answer"], "accept");
        assert!(fresh.get("_task_hash").is_none() && fresh["meta"].get("source").is_none());
    }

    #[test]
    fn a_plain_prodigy_task_opens() {
        let task = r#"{"text":"Diop met Guterres","spans":[{"start":0,"end":4,"label":"PERSON","token_start":0,"token_end":0}]}"#;
        let loaded = Record::parse(task).unwrap().load(&LabelSchema::news_default()).unwrap();
        assert_eq!(loaded.spans[0].id, SpanId(1));
        assert_eq!(loaded.spans[0].layer, "entity");
    }

    #[test]
    fn prodigy_decision_fields_are_kept_checked_and_described_by_the_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/record.schema.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let task = r#"{"text":"Emerson won","spans":[{"start":0,"end":7,"label":"PERSON"}],"options":[{"id":"Q312545","html":"<a>tennis</a>"}],
            "accept":["Q312545"],"_input_hash":-231625133,"_task_hash":2036713379,"_view_id":"choice","_session_id":null,"answer":"ignore"}"#;
        let record = Record::parse(task).unwrap();
        assert_eq!((record.input_hash, record.task_hash, record.session_id.as_deref()), (Some(-231625133), Some(2036713379), None));
        assert_eq!(record.accept, Some(vec![serde_json::json!("Q312545")]));
        let mut value = serde_json::to_value(&record).unwrap();
        // As the editor saves it: with the text's hash and span ids.
        value["text_sha256"] = sha256_hex(&record.text).into();
        value["spans"][0]["id"] = "s1".into();
        assert_eq!(value["_view_id"], "choice");
        assert!(value.get("_session_id").is_none(), "absent, not null");
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let mut broken = value.clone();
        broken["_task_hash"] = serde_json::json!("2036713379");
        assert!(!validator.is_valid(&broken), "the schema must reject a hash that is not an integer");
        let err = Record::parse(&task.replace("-231625133", "-2.5")).unwrap_err().to_string();
        assert!(err.contains("`_input_hash` must be an integer (Prodigy's hash), not -2.5"), "{err}");
        let plain = serde_json::to_value(Record::parse(r#"{"text":"Mali","spans":[]}"#).unwrap()).unwrap();
        for key in ["accept", "options", "_input_hash", "_task_hash", "_view_id", "_session_id"] {
            assert!(plain.get(key).is_none(), "{key} is skipped when absent");
        }
    }

    #[test]
    fn saved_records_satisfy_the_json_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/record.schema.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut e = editor(STRESS);
        let (s, t) = cp(STRESS, "Bamako");
        let bamako = e.add_span(s, t, "GPE").unwrap();
        let (s, t) = cp(STRESS, "“We cannot keep up,”");
        let claim = e.add_span(s, t, "CLAIM").unwrap();
        e.add_relation(claim, Target::Span(bamako), "about").unwrap();
        e.add_relation(claim, Target::Text("Aïssata Traoré".into()), "claimed_by").unwrap();
        e.set_document_label("contains_check_worthy_claims", Some(serde_json::json!(true))).unwrap();
        let info = SaveInfo { annotator: Some("ann1".into()), created_at: Some("2026-11-27T00:00:00Z".into()), updated_at: None, ..SaveInfo::default() };
        let value = serde_json::to_value(Record::from_editor(&e, &info, true)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The light body (events, the CMS save) and a span with a default.
        let mut light = serde_json::to_value(Record::from_editor(&e, &info, false)).unwrap();
        assert!(light.get("tokens").is_none());
        light["spans"][1]["defaults"] = serde_json::json!({"stance": "neutral"});
        let errors: Vec<String> = validator.iter_errors(&light).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        light["tokens"] = serde_json::json!([]);
        assert!(!validator.is_valid(&light), "an empty token list never rebuilds a text");
        let mut broken = value.clone();
        broken["spans"][0]["start"] = serde_json::json!(-1);
        assert!(!validator.is_valid(&broken), "the schema must reject a negative offset");
        let mut broken = value;
        broken["text_sha256"] = serde_json::json!("not-a-hash");
        assert!(!validator.is_valid(&broken));
    }

    #[test]
    fn ids_at_the_top_of_the_range_neither_wrap_nor_block_new_work() {
        // Issue 16, case 4: after `s4294967295` the next id wrapped to s0
        // and every later span was refused (a debug build overflowed).
        let schema = Arc::new(LabelSchema::news_default());
        let text = "Mills met Diop in Bamako on Monday";
        let json = format!(
            r#"{{"text":"{text}","spans":[{{"id":"s4294967295","start":0,"end":5,"label":"PERSON"}},{{"start":10,"end":14,"label":"PERSON"}},{{"id":"s7","start":0,"end":34,"label":"CLAIM","layer":"claim"}}],
            "relations":[{{"id":"r4294967295","label":"about","from":"s7","to":"s4294967295"}},{{"label":"claimed_by","from":"s7","to_text":"a spokesman"}}]}}"#
        );
        let loaded = Record::parse(&json).unwrap().load(&schema).unwrap();
        let span_ids: std::collections::HashSet<SpanId> = loaded.spans.iter().map(|s| s.id).collect();
        assert_eq!(span_ids.len(), 3, "{:?}", loaded.spans);
        assert_ne!(loaded.relations[0].id, loaded.relations[1].id);
        let mut e = Editor::new(Arc::new(loaded.article.clone()), schema.clone());
        e.restore_snapshot(loaded.snapshot()).unwrap();
        let (s, t) = cp(text, "Bamako");
        let bamako = e.add_span(s, t, "GPE").unwrap();
        let (s, t) = cp(text, "Monday");
        let (m, n) = cp(text, "in");
        let batch = e.add_spans(&[
            crate::editor::NewSpan { start: s, end: t, label: "DATE", source: None },
            crate::editor::NewSpan { start: m, end: n, label: "MISC", source: None },
        ]).unwrap();
        let ids: std::collections::HashSet<SpanId> = e.annotations().iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), 6, "every span kept its own id");
        assert!(ids.contains(&bamako) && batch.iter().all(|id| ids.contains(id)));
        let link = e.add_relation(SpanId(7), Target::Span(bamako), "about").unwrap();
        assert_eq!(e.annotations().relations().count(), 3);
        assert!(e.annotations().relation(link).is_some());
        // Undo and redo keep every id apart; the save reads back.
        assert!(e.undo() && e.undo() && e.redo() && e.redo());
        let json = Record::from_editor(&e, &SaveInfo::default(), true).to_json();
        let back = Record::parse(&json).unwrap().load(&schema).unwrap();
        assert_eq!(back.snapshot(), e.annotations().snapshot());
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
