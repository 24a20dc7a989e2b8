//! Datasets: every format the field uses, read and written through one
//! model, the saved [`Record`].
//!
//! Each format is one module with the same two functions:
//! `export(&Record) -> Exported` (one document's piece of the output, plus
//! what the format could not hold — said, never dropped silently) and
//! `import(&str, &LabelSchema) -> Result<Record, String>` (one document's
//! piece back; the schema only decides which layer a label belongs to).
//! [`stream`] frames pieces into files (JSON Lines, a JSON array, CoNLL
//! documents) and splits files back into pieces in constant memory, so the
//! command-line tool converts gigabytes and the web app exports one document
//! through the same code.
//!
//! Units: code points, end exclusive, in every format except doccano's
//! (UTF-16 code units, converted at its edge).

pub mod answers;
pub mod brat;
pub mod conll;
pub mod detect;
pub mod doccano;
pub mod label_studio;
pub mod label_studio_config;
pub mod marginalia;
pub mod spacy;
pub mod stream;
pub mod unread;
pub mod w3c;

mod json_fields;

use crate::label_schema::{LabelSchema, ENTITY_LAYER};
use crate::record::{Record, RecordMeta, RecordSpan, RecordToken, FORMAT_VERSION};
use crate::tokenize::{tokenize, Token};
use std::fmt;

/// A dataset format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Marginalia's saved record; many documents make JSON Lines.
    Marginalia,
    /// spaCy / Prodigy task JSONL.
    Spacy,
    /// CoNLL-2003 columns with IOB2 tags (export only).
    Iob2,
    /// CoNLL-2003 columns with BILOU tags (export only).
    Bilou,
    /// brat standoff: the text in `.txt`, annotations in `.ann`.
    Brat,
    /// W3C Web Annotation, JSON-LD.
    W3c,
    /// Label Studio tasks (a JSON array).
    LabelStudio,
    /// doccano sequence-labelling JSONL (UTF-16 offsets).
    Doccano,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Marginalia,
        Format::Spacy,
        Format::Iob2,
        Format::Bilou,
        Format::Brat,
        Format::W3c,
        Format::LabelStudio,
        Format::Doccano,
    ];

    /// The name used on the command line and in the web app's menu values.
    pub fn name(self) -> &'static str {
        match self {
            Format::Marginalia => "marginalia",
            Format::Spacy => "spacy",
            Format::Iob2 => "iob2",
            Format::Bilou => "bilou",
            Format::Brat => "brat",
            Format::W3c => "w3c",
            Format::LabelStudio => "label-studio",
            Format::Doccano => "doccano",
        }
    }

    /// What a person reads in a menu.
    pub fn title(self) -> &'static str {
        match self {
            Format::Marginalia => "Marginalia JSON",
            Format::Spacy => "spaCy / Prodigy JSONL",
            Format::Iob2 => "CoNLL IOB2 (entities)",
            Format::Bilou => "CoNLL BILOU (entities)",
            Format::Brat => "brat standoff (.ann)",
            Format::W3c => "W3C Web Annotation (JSON-LD)",
            Format::LabelStudio => "Label Studio JSON",
            Format::Doccano => "doccano JSONL",
        }
    }

    /// Accepts the name and the usual aliases (`prodigy`, `conll`, `jsonld`…).
    pub fn from_name(name: &str) -> Option<Format> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "marginalia" | "json" | "jsonl" => Format::Marginalia,
            "spacy" | "prodigy" => Format::Spacy,
            "iob2" | "iob" | "conll" => Format::Iob2,
            "bilou" | "conll-bilou" => Format::Bilou,
            "brat" | "ann" => Format::Brat,
            "w3c" | "jsonld" | "json-ld" | "web-annotation" => Format::W3c,
            "label-studio" | "labelstudio" => Format::LabelStudio,
            "doccano" => Format::Doccano,
            _ => return None,
        })
    }

    /// Whether Marginalia reads this format back (token tags are export only).
    pub fn can_read(self) -> bool {
        !matches!(self, Format::Iob2 | Format::Bilou)
    }

    /// The file extension of a file of this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Marginalia | Format::Spacy | Format::Doccano => "jsonl",
            Format::Iob2 | Format::Bilou => "conll",
            Format::Brat => "ann",
            Format::W3c => "jsonld",
            Format::LabelStudio => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::W3c => "application/ld+json",
            Format::LabelStudio => "application/json",
            Format::Marginalia | Format::Spacy | Format::Doccano => "application/jsonl",
            Format::Iob2 | Format::Bilou | Format::Brat => "text/plain",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One document's piece of an export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// The piece, without the framing `stream` adds (for JSON formats: one
    /// JSON value on one line, no trailing newline).
    pub text: String,
    /// What the format could not hold, one sentence each, e.g.
    /// `"2 relations (brat standoff has no free-text relation targets)"`.
    pub losses: Vec<String>,
}

/// Writes one document in `format`. For brat this is the `.ann` file (the
/// `.txt` is the record's text, as is).
pub fn export_document(format: Format, record: &Record) -> Exported {
    let mut exported = match format {
        Format::Marginalia => marginalia::export(record),
        Format::Spacy => spacy::export(record),
        Format::Iob2 => conll::export(record, conll::TagScheme::Iob2),
        Format::Bilou => conll::export(record, conll::TagScheme::Bilou),
        Format::Brat => brat::export(record),
        Format::W3c => w3c::export(record),
        Format::LabelStudio => label_studio::export(record),
        Format::Doccano => doccano::export(record),
    };
    exported.losses.extend(defaults_left_out(format, record));
    exported.losses.extend(brat_lines_left_out(format, record));
    exported
}

/// What a record keeps only as brat lines (events, normalisations, notes on
/// them, in `meta.brat_unmapped`) goes wherever `meta` goes: the JSON
/// formats carry it and brat writes it back. CoNLL's columns have no place
/// for it, so an export there says what it leaves out.
fn brat_lines_left_out(format: Format, record: &Record) -> Option<String> {
    matches!(format, Format::Iob2 | Format::Bilou).then(|| brat::kept_summary(record)).flatten()
}

/// Schema defaults nobody chose (`RecordSpan::defaults`): only Marginalia's
/// record and the spaCy task keep them apart from choices. The other
/// formats that write attributes have no way to mark a value as a default,
/// and written as a plain attribute it would read as a decision, so it is
/// left out, and said. (CoNLL writes no attributes at all; doccano says so
/// for attributes already.)
fn defaults_left_out(format: Format, record: &Record) -> Option<String> {
    if !matches!(format, Format::Brat | Format::W3c | Format::LabelStudio) {
        return None;
    }
    let n: usize = record.spans.iter().map(|s| s.defaults.len()).sum();
    (n > 0).then(|| {
        let what = json_fields::count(n, "attribute default");
        format!("{what} nobody chose ({} cannot mark a value as a default; only chosen values are written)", format.title())
    })
}

/// Reads one document's piece. brat needs its `.txt` as well: use
/// [`brat::import`].
pub fn import_document(format: Format, piece: &str, schema: &LabelSchema) -> Result<Record, String> {
    match format {
        Format::Marginalia => marginalia::import(piece, schema),
        Format::Spacy => spacy::import(piece, schema),
        Format::W3c => w3c::import(piece, schema),
        Format::LabelStudio => label_studio::import(piece, schema),
        Format::Doccano => doccano::import(piece, schema),
        Format::Brat => Err("a brat .ann file is read together with its .txt file".into()),
        Format::Iob2 | Format::Bilou => Err(format!("{} is an export-only format", format.title())),
    }
}

/// What a tool's own configuration tells its reader: doccano's label file
/// (the names of a 1.0–1.2 export's numeric label ids), Label Studio's
/// labelling config (the `data` key of the text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolConfig {
    pub doccano_labels: Option<doccano::LabelMap>,
    pub label_studio: Option<label_studio_config::LabelConfig>,
}

/// Reads one document's piece as every record it holds: one per annotator
/// for a doccano 1.0–1.2 example or a Label Studio task with several
/// annotations, else one (as [`import_document`]).
pub fn import_records(format: Format, piece: &str, schema: &LabelSchema, config: &ToolConfig) -> Result<Vec<Record>, String> {
    match format {
        Format::Doccano => doccano::import_records(piece, schema, config.doccano_labels.as_ref()),
        Format::LabelStudio => label_studio::import_records(piece, schema, config.label_studio.as_ref()),
        _ => import_document(format, piece, schema).map(|r| vec![r]),
    }
}

/// A record for `text` with nothing annotated yet, as importers start it:
/// current format version and the text's hash.
pub fn new_record(text: String, doc_id: String) -> Record {
    let sha = crate::article::sha256_hex(&text);
    Record {
        text,
        tokens: Vec::new(),
        spans: Vec::new(),
        relations: Vec::new(),
        meta: RecordMeta { doc_id, title: String::new(), extra: Default::default() },
        answer: "accept".into(),
        accept: None,
        options: None,
        input_hash: None,
        task_hash: None,
        view_id: None,
        session_id: None,
        format_version: FORMAT_VERSION,
        text_sha256: Some(sha),
        annotator: None,
        created_at: None,
        updated_at: None,
        label_schema: None,
        document_labels: Default::default(),
        status: None,
    }
}

/// A span as importers make it: `text` quoted from `chars` (the record's
/// text as code points), the layer the schema gives the label (the entity
/// layer for a label it does not know).
pub fn new_span(chars: &[char], start: usize, end: usize, label: &str, schema: &LabelSchema) -> Result<RecordSpan, String> {
    if start >= end || end > chars.len() {
        return Err(format!("offsets {start}–{end} are not a range inside the text ({} characters)", chars.len()));
    }
    Ok(RecordSpan {
        id: None,
        start,
        end,
        token_start: None,
        token_end: None,
        label: label.to_string(),
        layer: layer_of(label, schema),
        text: Some(chars[start..end].iter().collect()),
        attributes: Default::default(),
        defaults: Default::default(),
        source: None,
    })
}

/// The layer `schema` puts `label` in; the entity layer for unknown labels.
pub fn layer_of(label: &str, schema: &LabelSchema) -> String {
    schema.label(label).map(|d| d.layer.clone()).unwrap_or_else(|| ENTITY_LAYER.to_string())
}

/// The record's tokens, or spaCy-compatible tokens of its text when the
/// record carries none (local saves and most foreign formats).
pub fn tokens_of(record: &Record) -> Vec<Token> {
    if record.tokens.is_empty() {
        tokenize(&record.text)
    } else {
        record.tokens.iter().map(|t: &RecordToken| Token { start: t.start, end: t.end, ws: t.ws }).collect()
    }
}

/// The document's id as exports name it: `meta.doc_id`, else one derived
/// from the text.
pub fn doc_id_of(record: &Record) -> String {
    if record.meta.doc_id.is_empty() {
        crate::record::default_doc_id(&record.text)
    } else {
        record.meta.doc_id.clone()
    }
}

#[cfg(test)]
mod round_trip;

#[cfg(test)]
mod defaults_tests {
    use super::*;

    #[test]
    fn a_default_nobody_chose_is_written_as_one_or_left_out_and_said() {
        // Issue 17: "neutral" is the schema's default here, "false" a choice.
        let text = "Mills said Mali is safe.";
        let schema = LabelSchema::news_default();
        let chars: Vec<char> = text.chars().collect();
        let mut record = new_record(text.into(), "d".into());
        let mut claim = new_span(&chars, 0, 24, "CLAIM", &schema).unwrap();
        claim.attributes.insert("verdict".into(), "false".into());
        claim.defaults.insert("stance".into(), "neutral".into());
        record.spans.push(claim);
        for format in [Format::Brat, Format::W3c, Format::LabelStudio] {
            let out = export_document(format, &record);
            assert!(out.text.contains("false"), "{format}: the choice is written: {}", out.text);
            assert!(!out.text.contains("neutral"), "{format}: the default is not written as a choice: {}", out.text);
            assert!(out.losses.iter().any(|l| l.starts_with("1 attribute default nobody chose")), "{format}: {:?}", out.losses);
        }
        for format in [Format::Marginalia, Format::Spacy] {
            let out = export_document(format, &record);
            let v: serde_json::Value = serde_json::from_str(&out.text).unwrap();
            assert_eq!(v["spans"][0]["defaults"], serde_json::json!({"stance": "neutral"}), "{format}");
            assert_eq!(v["spans"][0]["attributes"], serde_json::json!({"verdict": "false"}), "{format}");
            assert!(out.losses.is_empty(), "{format}: {:?}", out.losses);
        }
    }
}
