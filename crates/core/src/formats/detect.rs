//! Which format a JSON document is in, from the keys it has — so a person
//! can open any supported file without saying what it is. A document no
//! format claims is refused naming the keys where it seems to hold
//! annotations ([`super::unread`]), and each reader refuses annotation keys
//! it does not read: a file is never opened as if it held nothing.

use super::stream::{FormatError, JsonPieces};
use super::unread::described_in_piece;
use super::{import_records, Format, ToolConfig};
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
    text: Option<IgnoredAny>,
    annotations: Option<IgnoredAny>,
    completions: Option<IgnoredAny>,
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
    } else if keys.data.is_some() && (keys.annotations.is_some() || keys.completions.is_some() || keys.predictions.is_some() || keys.text.is_none()) {
        // A Label Studio task, with or without annotations (a task to annotate).
        Format::LabelStudio
    } else if keys.format_version.is_some() || keys.text_sha256.is_some() {
        Format::Marginalia
    } else if keys.spans.is_some() || keys.input_hash.is_some() || keys.task_hash.is_some() {
        Format::Spacy
    } else if keys.label.is_some() || keys.labels.is_some() || keys.entities.is_some() || (keys.annotations.is_some() && keys.text.is_some()) {
        // doccano: `label`/`labels` triples, relation or intent `entities`,
        // or 1.0–1.2 `annotations` beside the text.
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
            let found = described_in_piece(&piece.text);
            let held = match found.is_empty() {
                true => String::new(),
                false => format!("; it holds what looks like annotations under {}, in a shape none of them has", found.join(", ")),
            };
            fail(format!("this JSON is not a document of any format Marginalia reads (a Marginalia save, spaCy/Prodigy, Label Studio, doccano or W3C Web Annotation){held}"))
        })?;
        let records = import_records(format, &piece.text, schema, &ToolConfig::default()).map_err(|m| fail(format!("{}: {m}", format.title())))?;
        out.extend(records.into_iter().map(|r| (format, r)));
    }
    if out.is_empty() {
        return Err(FormatError { line: 1, message: "the file holds no document".into() });
    }
    Ok(out)
}

/// The documents of a JSON input a person opens or a host hands over, in
/// any format Marginalia reads. A single Marginalia save is read by its own
/// reader (its messages are the ones people need: it is what they open
/// most); when it is not one after all, the other readers are tried and the
/// save reader's message is kept. Errors name the line.
pub fn read_documents(json: &str, schema: &LabelSchema) -> Result<Vec<Record>, String> {
    let first = JsonPieces::new(json.as_bytes()).next().and_then(Result::ok).and_then(|p| detect(&p.text));
    let single = || Record::parse(json).map(|r| vec![r]).map_err(|e| e.to_string());
    let many = || {
        import_any(json, schema)
            .map(|docs| docs.into_iter().map(|(_, r)| r).collect())
            .map_err(|e| format!("line {}: {}", e.line, e.message))
    };
    match first {
        None => single(),
        Some(Format::Marginalia) => single().or_else(|e| many().map_err(|_| e)),
        Some(_) => many(),
    }
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
        assert_eq!(detect(r#"{"id":1,"text":"a","annotations":[{"label":1,"start_offset":0,"end_offset":1,"user":1}]}"#), Some(Format::Doccano));
        assert_eq!(detect(r#"{"text":"a","entities":[[0,1,"X"]],"cats":["c"]}"#), Some(Format::Doccano));
        assert_eq!(detect(r#"{"data":{"my_text":"a"}}"#), Some(Format::LabelStudio));
        assert_eq!(detect(r#"{"data":{"text":"a"},"completions":[]}"#), Some(Format::LabelStudio));
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
        let unknown_shape = import_any("{\"sentence\":\"Mali\",\"ner\":[[0,4,\"GPE\"]]}", &schema).unwrap_err();
        assert!(unknown_shape.message.ends_with("; it holds what looks like annotations under \"ner\" (an array of 1 item; a format Marginalia does not read), in a shape none of them has"), "{unknown_shape}");
        let two = "{\"text\":\"Mali\",\"spans\":[],\"format_version\":1}\n{\"text\":\"Wagner\",\"spans\":[],\"format_version\":1}\n";
        let docs = import_any(two, &schema).unwrap();
        assert_eq!(docs.iter().map(|(_, r)| r.text.as_str()).collect::<Vec<_>>(), ["Mali", "Wagner"]);
        // A doccano 1.x example read as what it is, one record per user —
        // never as a text without annotations.
        let users = "{\"id\":1,\"text\":\"Mali\",\"annotations\":[{\"label\":\"GPE\",\"start_offset\":0,\"end_offset\":4,\"user\":1},{\"label\":\"LOC\",\"start_offset\":0,\"end_offset\":4,\"user\":2}]}";
        let docs = import_any(users, &schema).unwrap();
        assert_eq!(docs.iter().map(|(f, r)| (*f, r.annotator.as_deref(), r.spans[0].label.as_str())).collect::<Vec<_>>(),
            [(Format::Doccano, Some("1"), "GPE"), (Format::Doccano, Some("2"), "LOC")]);
        let ids = "{\"id\":1,\"text\":\"Mali\",\"annotations\":[{\"label\":2,\"start_offset\":0,\"end_offset\":4,\"user\":1}]}";
        assert!(import_any(ids, &schema).unwrap_err().message.contains("2 is a doccano label id, not a name"));
    }

    #[test]
    fn documents_are_read_from_any_format_with_the_save_reader_first() {
        let schema = LabelSchema::news_default();
        let save = r#"{"format_version":99,"text":"Mali 🇲🇱","spans":[]}"#;
        // A save from a newer Marginalia gets the save reader's message, not "no format".
        let e = read_documents(save, &schema).unwrap_err();
        assert!(e.contains("99"), "{e}");
        let doccano = "{\"text\":\"Mali 🇲🇱 Wagner\",\"label\":[[10,16,\"ORG\"]]}\n{\"text\":\"Diop\",\"label\":[[0,4,\"PERSON\"]]}";
        let docs = read_documents(doccano, &schema).unwrap();
        assert_eq!(docs.iter().map(|r| (r.text.as_str(), r.spans[0].label.as_str())).collect::<Vec<_>>(), [("Mali 🇲🇱 Wagner", "ORG"), ("Diop", "PERSON")]);
        assert_eq!((docs[0].spans[0].start, docs[0].spans[0].end), (8, 14), "doccano counts UTF-16 units; the record counts code points");
        let e = read_documents("{\"text\":\"a\",\n\"label\":[}", &schema).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(read_documents("not json", &schema).is_err());
    }
}
