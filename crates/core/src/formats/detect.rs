//! Which format a JSON document is in, from the keys it has — so a person
//! can open any supported file without saying what it is.

use super::stream::{FormatError, JsonPieces};
use super::{import_document, Format};
use crate::label_schema::LabelSchema;
use crate::record::Record;
use serde::de::IgnoredAny;
use serde::Deserialize;

/// The top-level keys that tell the formats apart.
#[derive(Deserialize)]
struct Keys {
    #[serde(rename = "@context")]
    context: Option<IgnoredAny>,
    data: Option<IgnoredAny>,
    annotations: Option<IgnoredAny>,
    predictions: Option<IgnoredAny>,
    spans: Option<IgnoredAny>,
    label: Option<IgnoredAny>,
    labels: Option<IgnoredAny>,
    entities: Option<IgnoredAny>,
    format_version: Option<IgnoredAny>,
    text_sha256: Option<IgnoredAny>,
    /// Prodigy's hashes: a task without spans (nothing found) is still one.
    #[serde(rename = "_input_hash")]
    input_hash: Option<IgnoredAny>,
    #[serde(rename = "_task_hash")]
    task_hash: Option<IgnoredAny>,
}

/// The format of one JSON document (a piece of a file); `None` when it is
/// no format Marginalia reads.
pub fn detect(piece: &str) -> Option<Format> {
    let keys: Keys = serde_json::from_str(piece).ok()?;
    Some(if keys.context.is_some() {
        Format::W3c
    } else if keys.data.is_some() && (keys.annotations.is_some() || keys.predictions.is_some()) {
        Format::LabelStudio
    } else if keys.format_version.is_some() || keys.text_sha256.is_some() {
        Format::Marginalia
    } else if keys.spans.is_some() || keys.input_hash.is_some() || keys.task_hash.is_some() {
        Format::Spacy
    } else if keys.label.is_some() || keys.labels.is_some() || keys.entities.is_some() {
        Format::Doccano
    } else {
        return None;
    })
}

/// Reads every document of a JSON file in whichever format each is in.
/// Broken syntax is reported as such (with its line), before any guess at
/// the format.
pub fn import_any(input: &str, schema: &LabelSchema) -> Result<Vec<(Format, Record)>, FormatError> {
    let mut out = Vec::new();
    for piece in JsonPieces::new(input.as_bytes()) {
        let piece = piece?;
        let fail = |message: String| FormatError { line: piece.line, message };
        if let Err(e) = serde_json::from_str::<IgnoredAny>(&piece.text) {
            return Err(fail(format!("the file is not valid JSON (line {}, column {}): {e}", piece.line + e.line() - 1, e.column())));
        }
        let format = detect(&piece.text).ok_or_else(|| {
            fail("this JSON is not a document of any format Marginalia reads (a Marginalia save, spaCy/Prodigy, Label Studio, doccano or W3C Web Annotation)".into())
        })?;
        let record = import_document(format, &piece.text, schema).map_err(|m| fail(format!("{}: {m}", format.title())))?;
        out.push((format, record));
    }
    if out.is_empty() {
        return Err(FormatError { line: 1, message: "the file holds no document".into() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_by_its_keys() {
        assert_eq!(detect(r#"{"text":"a","spans":[],"format_version":1}"#), Some(Format::Marginalia));
        assert_eq!(detect(r#"{"text":"a","spans":[],"tokens":[]}"#), Some(Format::Spacy));
        assert_eq!(detect(r#"{"data":{"text":"a"},"annotations":[]}"#), Some(Format::LabelStudio));
        assert_eq!(detect(r#"{"text":"a","label":[[0,1,"X"]]}"#), Some(Format::Doccano));
        assert_eq!(detect(r#"{"@context":"http://www.w3.org/ns/anno.jsonld","type":"AnnotationCollection"}"#), Some(Format::W3c));
        assert_eq!(detect(r#"{"text":"a"}"#), None);
        // A Prodigy task in which the annotator found nothing has no spans.
        assert_eq!(detect(r#"{"text":"a","_input_hash":-1,"_task_hash":2,"answer":"accept"}"#), Some(Format::Spacy));
        assert_eq!(detect("[1]"), None);
    }

    #[test]
    fn broken_and_foreign_files_say_what_is_wrong() {
        let schema = LabelSchema::news_default();
        let broken = import_any("{\"text\":\"a\",\n\"spans\":[}", &schema).unwrap_err();
        assert_eq!(broken.to_string(), "2: the file is not valid JSON: `}` where `]` was expected");
        let bad_value = import_any("{\"text\":\"a\",\n\"spans\":[tru]}", &schema).unwrap_err();
        assert!(bad_value.message.contains("not valid JSON (line 2, column"), "{bad_value}");
        let foreign = import_any("{\"name\":\"x\"}", &schema).unwrap_err();
        assert!(foreign.message.contains("not a document of any format"), "{foreign}");
        assert_eq!(import_any("  \n", &schema).unwrap_err().message, "the file holds no document");
        let two = "{\"text\":\"Mali\",\"spans\":[],\"format_version\":1}\n{\"text\":\"Wagner\",\"spans\":[],\"format_version\":1}\n";
        let docs = import_any(two, &schema).unwrap();
        assert_eq!(docs.iter().map(|(_, r)| r.text.as_str()).collect::<Vec<_>>(), ["Mali", "Wagner"]);
    }
}
