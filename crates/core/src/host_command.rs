//! What a host page asks of an instance, read into one type before anything
//! runs: a method of the handle (`handle.addSpan(0, 6, "PERSON")`, read by
//! [`HostCommand::from_call`]) or a message from the parent frame
//! (`{"type": "marginalia:load", …}`, read by [`HostCommand::from_message`]).
//! The web app executes a command in one place (`src/host_commands.rs`).
//!
//! Units: offsets are code points, end exclusive. Every argument is
//! hostile: an offset must be a whole number from 0 that fits (not a
//! fraction, a negative number, a string or `NaN`); a span id is its saved
//! form `s<n>`; an object's keys are checked by name (a misspelt key is
//! refused, never ignored). Whether offsets fall inside the text, and
//! whether a span exists, the editor decides when the command runs.
//!
//! Read by hand from `serde_json::Value`, not derived: a derived enum with a
//! tag buffers its input through serde's `Content` type, which costs the
//! wasm bundle (see `embed.rs`, `InboundMessage::from_json`). Payloads that
//! already have a reader (a record's spans, annotations, saves) are kept as
//! JSON text for it.

use crate::embed::{ArticleInput, EmbedOptions, InboundMessage};
use crate::formats::Format;
use crate::record::RecordSpan;
use crate::span::SpanId;
use serde_json::{Map, Value};

/// `setDocument`'s argument: a text with its spans (no stored work).
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInput {
    pub id: Option<String>,
    pub title: Option<String>,
    pub text: String,
    pub spans: Vec<RecordSpan>,
}

/// One request of a host, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum HostCommand {
    /// The record as *Save JSON* writes it; from a frame, answered with its
    /// `request_id`.
    GetAnnotations { request_id: Option<String> },
    /// Opens a text with the host's spans.
    SetDocument(DocumentInput),
    /// Opens an article with the work stored for it.
    SetArticle(ArticleInput),
    /// Annotations of the article open now, as JSON text (any readable format).
    SetAnnotations(String),
    /// Opens a review of these saves (JSON text each); with `start_from`,
    /// the gold starts from that annotator's version (an earlier gold
    /// given as one of the saves, for instance).
    Review { saves: Vec<String>, start_from: Option<String> },
    /// The frame's `marginalia:load`: the same options as `mount`.
    Load(Box<EmbedOptions>),
    AddSpan { start: usize, end: usize, label: String },
    /// Deletes this span, whatever is selected or being picked.
    RemoveSpan(SpanId),
    Undo,
    Redo,
    Export(Format),
    /// The size of the WebAssembly memory (for benchmarks).
    MemoryBytes,
}

/// The handle's methods, in the order they are documented.
pub const METHODS: [&str; 11] = [
    "getAnnotations",
    "setDocument",
    "setArticle",
    "setAnnotations",
    "review",
    "addSpan",
    "removeSpan",
    "undo",
    "redo",
    "export",
    "memoryBytes",
];

impl HostCommand {
    /// Reads a call of the handle's `method` with its arguments (a missing
    /// argument is `Null`; extra ones are ignored, as JavaScript does). A
    /// string given where annotations or a save are expected is their JSON
    /// text. Errors start with the method's name.
    pub fn from_call(method: &str, args: &[Value]) -> Result<HostCommand, String> {
        let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
        let command = match method {
            "getAnnotations" => Ok(HostCommand::GetAnnotations { request_id: None }),
            "setDocument" => document(arg(0)).map(HostCommand::SetDocument),
            "setArticle" => article(arg(0)).map(HostCommand::SetArticle),
            "setAnnotations" => json_text(arg(0), "the annotations").map(HostCommand::SetAnnotations),
            "review" => review(arg(0), arg(1)),
            "addSpan" => add_span(arg(0), arg(1), arg(2)),
            "removeSpan" => span_id(arg(0)).map(HostCommand::RemoveSpan),
            "undo" => Ok(HostCommand::Undo),
            "redo" => Ok(HostCommand::Redo),
            "export" => format(arg(0)).map(HostCommand::Export),
            "memoryBytes" => Ok(HostCommand::MemoryBytes),
            other => return Err(format!("no method {other:?}: use one of {}", METHODS.join(", "))),
        };
        command.map_err(|e| format!("{method}: {e}"))
    }

    /// Reads a message from the parent frame (see `InboundMessage`).
    pub fn from_message(json: &str) -> Result<HostCommand, String> {
        Ok(match InboundMessage::from_json(json)? {
            InboundMessage::Load { options } => HostCommand::Load(Box::new(options)),
            InboundMessage::GetAnnotations { request_id } => HostCommand::GetAnnotations { request_id },
        })
    }
}

/// What a value is, for a message saying what was expected instead.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_u64() => "a number",
        Value::Number(n) => match n.as_f64() {
            Some(f) if f < 0.0 => "a negative number",
            Some(f) if f.fract() != 0.0 => "a fraction",
            // Whole, but past what JavaScript counts exactly (2^53).
            _ => "a number too large",
        },
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A code point offset: a whole number from 0 that fits this platform.
fn offset(v: &Value, name: &str) -> Result<usize, String> {
    let what = match v.as_u64().map(usize::try_from) {
        Some(Ok(n)) => return Ok(n),
        Some(Err(_)) => "a number too large",
        None => kind(v),
    };
    Err(format!("{name} must be a whole number of code points from 0, not {what}"))
}

fn string(v: &Value, name: &str) -> Result<String, String> {
    v.as_str().map(str::to_string).ok_or_else(|| format!("{name} must be a string, not {}", kind(v)))
}

fn add_span(start: &Value, end: &Value, label: &Value) -> Result<HostCommand, String> {
    Ok(HostCommand::AddSpan { start: offset(start, "start")?, end: offset(end, "end")?, label: string(label, "the label")? })
}

fn span_id(v: &Value) -> Result<SpanId, String> {
    let text = string(v, "the span id")?;
    SpanId::parse(&text).ok_or_else(|| format!("{text:?} is not a span id (they read \"s3\")"))
}

fn format(v: &Value) -> Result<Format, String> {
    let name = string(v, "the format")?;
    Format::from_name(&name).ok_or_else(|| format!("no format {name:?}: use one of {}", Format::ALL.map(|f| f.name()).join(", ")))
}

/// Annotations or a save: a string is their JSON text; an object is written
/// as JSON for the readers.
fn json_text(v: &Value, name: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Object(_) | Value::Array(_) => Ok(v.to_string()),
        other => Err(format!("{name} must be an object or its JSON text, not {}", kind(other))),
    }
}

/// `review(saves, options)`: options are absent, or `{startFrom: name}`.
fn review(saves_arg: &Value, options: &Value) -> Result<HostCommand, String> {
    let start_from = match options {
        Value::Null => None,
        v => optional_string(fields(v, "the options", &["startFrom"])?, "startFrom")?,
    };
    Ok(HostCommand::Review { saves: saves(saves_arg)?, start_from })
}

fn saves(v: &Value) -> Result<Vec<String>, String> {
    let list = v.as_array().ok_or_else(|| format!("the saves must be an array, not {}", kind(v)))?;
    list.iter().enumerate().map(|(i, save)| json_text(save, &format!("save {}", i + 1))).collect()
}

/// An object's fields, each key checked against `known`.
fn fields<'a>(v: &'a Value, what: &str, known: &[&str]) -> Result<&'a Map<String, Value>, String> {
    let map = v.as_object().ok_or_else(|| format!("{what} must be an object, not {}", kind(v)))?;
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown field {k:?}, expected one of {}", known.join(", "))),
        None => Ok(map),
    }
}

/// A field that may be absent or `null`, else a string.
fn optional_string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string(v, &format!("{name:?}")).map(Some),
    }
}

fn document(v: &Value) -> Result<DocumentInput, String> {
    let map = fields(v, "the document", &["id", "title", "text", "spans"])?;
    let text = string(map.get("text").unwrap_or(&Value::Null), "\"text\"")?;
    let spans = match map.get("spans") {
        None | Some(Value::Null) => Vec::new(),
        // Through the text reader that records use (one copy of the
        // span reader in the bundle). The handle gives their JSON text
        // (`js_api.rs`): thousands of spans as a tree of values would take
        // megabytes of the page's memory for a moment.
        Some(Value::String(json)) => serde_json::from_str(json).map_err(|e| format!("\"spans\": {e}"))?,
        Some(spans) => serde_json::from_str(&spans.to_string()).map_err(|e| format!("\"spans\": {e}"))?,
    };
    Ok(DocumentInput { id: optional_string(map, "id")?, title: optional_string(map, "title")?, text, spans })
}

fn article(v: &Value) -> Result<ArticleInput, String> {
    let map = fields(v, "the article", &["id", "title", "url", "text", "html"])?;
    Ok(ArticleInput {
        id: optional_string(map, "id")?,
        title: optional_string(map, "title")?,
        url: optional_string(map, "url")?,
        text: optional_string(map, "text")?,
        html: optional_string(map, "html")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(method: &str, args: &[Value]) -> Result<HostCommand, String> {
        HostCommand::from_call(method, args)
    }

    #[test]
    fn every_method_reads_its_arguments() {
        assert_eq!(call("getAnnotations", &[]), Ok(HostCommand::GetAnnotations { request_id: None }));
        assert_eq!(
            call("addSpan", &[json!(3), json!(9), json!("PERSON")]),
            Ok(HostCommand::AddSpan { start: 3, end: 9, label: "PERSON".into() })
        );
        assert_eq!(call("removeSpan", &[json!("s12")]), Ok(HostCommand::RemoveSpan(SpanId(12))));
        assert_eq!(call("undo", &[]), Ok(HostCommand::Undo));
        assert_eq!(call("redo", &[json!("ignored")]), Ok(HostCommand::Redo));
        assert_eq!(call("export", &[json!("conll")]), Ok(HostCommand::Export(Format::Iob2)));
        assert_eq!(call("memoryBytes", &[]), Ok(HostCommand::MemoryBytes));
        // Annotations as an object or as their JSON text.
        let record = json!({"text": "Mali", "spans": []});
        assert_eq!(call("setAnnotations", &[record.clone()]), Ok(HostCommand::SetAnnotations(record.to_string())));
        assert_eq!(call("setAnnotations", &[json!("{\"text\":\"x\"}")]), Ok(HostCommand::SetAnnotations("{\"text\":\"x\"}".into())));
        assert_eq!(
            call("review", &[json!([record.clone(), "{}"])]),
            Ok(HostCommand::Review { saves: vec![record.to_string(), "{}".into()], start_from: None })
        );
        assert_eq!(
            call("review", &[json!(["{}"]), json!({"startFrom": "earlier gold"})]),
            Ok(HostCommand::Review { saves: vec!["{}".into()], start_from: Some("earlier gold".into()) })
        );
        assert!(call("review", &[json!(["{}"]), json!({"start": "x"})]).unwrap_err().contains("unknown field"));
        assert!(call("review", &[json!(["{}"]), json!("gold")]).unwrap_err().contains("must be an object"));
        assert_eq!(
            call("setArticle", &[json!({"id": "a1", "title": null, "html": "<p>Mali</p>"})]),
            Ok(HostCommand::SetArticle(ArticleInput { id: Some("a1".into()), html: Some("<p>Mali</p>".into()), ..Default::default() }))
        );
        let doc = call("setDocument", &[json!({"id": "d", "text": "Wagner in Mali", "spans": [{"start": 10, "end": 14, "label": "GPE"}]})]);
        let Ok(HostCommand::SetDocument(doc)) = doc else { panic!("{doc:?}") };
        assert_eq!((doc.id.as_deref(), doc.title, doc.text.as_str()), (Some("d"), None, "Wagner in Mali"));
        assert_eq!((doc.spans.len(), doc.spans[0].start, doc.spans[0].label.as_str()), (1, 10, "GPE"));
    }

    #[test]
    fn a_documents_spans_may_come_as_their_json_text() {
        let spans = json!([{"start": 10, "end": 14, "label": "GPE"}, {"start": 0, "end": 6, "label": "ORG"}]);
        let given = |spans: Value| call("setDocument", &[json!({"text": "Wagner in Mali", "spans": spans})]);
        let (Ok(HostCommand::SetDocument(as_text)), Ok(HostCommand::SetDocument(as_array))) = (given(json!(spans.to_string())), given(spans)) else {
            panic!("both forms are read")
        };
        assert_eq!(as_text, as_array);
        assert_eq!(as_text.spans.len(), 2);
        let Err(e) = given(json!("[{\"start\": -1}]")) else { panic!("a negative offset is refused") };
        assert!(e.starts_with("setDocument: \"spans\""), "{e}");
    }

    #[test]
    fn hostile_offsets_are_refused_with_what_was_given() {
        let bad = |start: Value| call("addSpan", &[start, json!(4), json!("PERSON")]).unwrap_err();
        for (given, says) in [
            (json!(-1), "a negative number"),
            (json!(1.5), "a fraction"),
            (json!("3"), "a string"),
            (Value::Null, "nothing"),
            (json!(true), "a boolean"),
            (json!([1]), "an array"),
            (json!(-2.0), "a negative number"),
            (json!(1e300), "a number too large"),
        ] {
            let e = bad(given.clone());
            assert!(e.starts_with("addSpan: start must be a whole number"), "{given}: {e}");
            assert!(e.ends_with(says), "{given}: {e}");
        }
        // Larger than any offset on a 32-bit platform, or than JavaScript counts exactly.
        let huge = call("addSpan", &[json!(0), json!(u64::MAX), json!("PERSON")]);
        if usize::BITS == 32 {
            assert!(huge.unwrap_err().ends_with("a number too large"));
        }
        assert!(call("addSpan", &[json!(0), json!(-0.5), json!("X")]).unwrap_err().contains("end must be"));
        let label = call("addSpan", &[json!(0), json!(4), json!(7)]).unwrap_err();
        assert_eq!(label, "addSpan: the label must be a string, not a number");
        let missing = call("addSpan", &[json!(0)]).unwrap_err();
        assert!(missing.contains("end must be") && missing.ends_with("nothing"), "{missing}");
    }

    #[test]
    fn hostile_ids_formats_and_shapes_are_refused() {
        for id in [json!("3"), json!("s"), json!("s-1"), json!("s1.5"), json!("s99999999999"), json!("r3"), json!(" s3")] {
            let e = call("removeSpan", &[id.clone()]).unwrap_err();
            assert!(e.starts_with("removeSpan: ") && e.contains("is not a span id"), "{id}: {e}");
        }
        assert_eq!(call("removeSpan", &[json!(3)]).unwrap_err(), "removeSpan: the span id must be a string, not a number");
        let format = call("export", &[json!("excel")]).unwrap_err();
        assert!(format.contains("no format \"excel\"") && format.contains("label-studio"), "{format}");
        let unknown = call("setArticle", &[json!({"id": "a", "txt": "Mali"})]).unwrap_err();
        assert!(unknown.contains("unknown field \"txt\""), "{unknown}");
        let text = call("setDocument", &[json!({"id": "d", "text": 42})]).unwrap_err();
        assert_eq!(text, "setDocument: \"text\" must be a string, not a number");
        let spans = call("setDocument", &[json!({"text": "Mali", "spans": [{"start": -1, "end": 4, "label": "GPE"}]})]).unwrap_err();
        assert!(spans.starts_with("setDocument: \"spans\": "), "{spans}");
        let spans = call("setDocument", &[json!({"text": "Mali", "spans": [{"start": 0.5, "end": 4, "label": "GPE"}]})]);
        assert!(spans.is_err(), "{spans:?}");
        assert!(call("setDocument", &[json!("Mali")]).unwrap_err().contains("must be an object, not a string"));
        assert!(call("setAnnotations", &[json!(5)]).unwrap_err().contains("not a number"));
        assert!(call("review", &[json!("{}")]).unwrap_err().contains("must be an array, not a string"));
        assert!(call("review", &[json!([{}, 3])]).unwrap_err().contains("save 2 must be"));
        let method = call("deleteEverything", &[]).unwrap_err();
        assert!(method.contains("\"deleteEverything\"") && method.contains("removeSpan"), "{method}");
    }

    #[test]
    fn frame_messages_read_into_the_same_commands() {
        let get = HostCommand::from_message(r#"{"type":"marginalia:get-annotations","request_id":"7"}"#);
        assert_eq!(get, Ok(HostCommand::GetAnnotations { request_id: Some("7".into()) }));
        let load = HostCommand::from_message(r#"{"type":"marginalia:load","options":{"readOnly":true,"article":{"id":"a","text":"Mali"}}}"#);
        let Ok(HostCommand::Load(options)) = load else { panic!("{load:?}") };
        assert!(options.read_only);
        assert_eq!(options.article.and_then(|a| a.text).as_deref(), Some("Mali"));
        for (bad, says) in [
            (r#"{"type":"marginalia:load"}"#, "options"),
            (r#"{"type":"marginalia:load","options":{"readonly":true}}"#, "unknown field `readonly`"),
            (r#"{"type":"marginalia:remove-span","id":"s1"}"#, "unknown message type"),
            (r#"{"type":"marginalia:get-annotations","request_id":7}"#, "invalid type"),
            (r#"[1, 2]"#, "invalid type"),
            ("not json", "expected"),
        ] {
            let e = HostCommand::from_message(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
