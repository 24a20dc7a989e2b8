//! What a host page (a CMS) tells an embedded Marginalia, and what the two
//! say to each other across an iframe — the rules, without the browser.
//!
//! The same options come from `mount(element, options)`, from the
//! standalone page's configuration and URL (`?article=`, `?schema=`,
//! `?annotations=`, `?save=`), and from a `marginalia:load` message.
//! Origins are compared exactly (scheme, host and port), as browsers do.

use crate::request_headers::RequestHeaders;
use serde::{Deserialize, Serialize};

/// An article given by the host: `text` is annotated as given; `html` is
/// reduced to its article text through an inert parser first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub html: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Endpoints {
    /// Where changes are `PUT` as JSON (with `If-Match`), and read back
    /// with `GET` on start.
    #[serde(default)]
    pub save: Option<String>,
    /// Headers sent with every request to `save` (a CSRF token, a CMS's
    /// `Authorization`).
    #[serde(default, skip_serializing_if = "RequestHeaders::is_empty")]
    pub save_headers: RequestHeaders,
    /// A suggestion endpoint: `POST {"text", "doc_id"}` answers spans with
    /// labels and scores (Marginalia's or spaCy's shape).
    #[serde(default)]
    pub suggest: Option<String>,
}

/// A save endpoint's `GET` or `PUT` without an answer after this is aborted
/// and retried (milliseconds).
pub const SAVE_TIMEOUT_MS: u32 = 15_000;
/// An `?article=`, `?schema=` or `?annotations=` URL.
pub const LOAD_TIMEOUT_MS: u32 = 30_000;
/// A suggestion endpoint: a model may think a while.
pub const SUGGEST_TIMEOUT_MS: u32 = 60_000;
/// No deadline is shorter: a request needs a moment even on 127.0.0.1.
pub const MIN_TIMEOUT_MS: u32 = 500;

/// Deadlines for the requests an instance makes, in milliseconds (unset:
/// the constants above). A request without an answer by then is aborted;
/// what it was for says so (see `docs/EMBEDDING.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    /// The save endpoint's `GET` and `PUT`.
    #[serde(default)]
    pub save: Option<u32>,
    /// The standalone page's `?article=`, `?schema=`, `?annotations=`.
    #[serde(default)]
    pub load: Option<u32>,
    /// The suggestion endpoint.
    #[serde(default)]
    pub suggest: Option<u32>,
}

impl Timeouts {
    /// Every deadline `ms` (the standalone page's `?timeout=`).
    pub fn all(ms: u32) -> Self {
        Timeouts { save: Some(ms), load: Some(ms), suggest: Some(ms) }
    }

    pub fn save_ms(&self) -> u32 {
        self.save.unwrap_or(SAVE_TIMEOUT_MS).max(MIN_TIMEOUT_MS)
    }

    pub fn load_ms(&self) -> u32 {
        self.load.unwrap_or(LOAD_TIMEOUT_MS).max(MIN_TIMEOUT_MS)
    }

    pub fn suggest_ms(&self) -> u32 {
        self.suggest.unwrap_or(SUGGEST_TIMEOUT_MS).max(MIN_TIMEOUT_MS)
    }
}

/// A deadline as people say it: "15 s", "1.5 s" (integers only: float
/// formatting would cost the wasm bundle).
pub fn duration_text(ms: u64) -> String {
    match (ms / 1000, ms % 1000 / 100) {
        (s, 0) => format!("{s} s"),
        (s, tenths) => format!("{s}.{tenths} s"),
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
    Auto,
}

impl Theme {
    /// The class `styles/app.css` themes by.
    pub fn class(self) -> &'static str {
        match self {
            Theme::Light => "mg-theme-light",
            Theme::Dark => "mg-theme-dark",
            Theme::Auto => "mg-theme-auto",
        }
    }
}

/// Everything a host can set. Unknown keys are refused with their name: a
/// misspelt option must not be silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmbedOptions {
    #[serde(default)]
    pub article: Option<ArticleInput>,
    /// A label schema (the JSON of `docs/FORMAT.md`'s `label_schema`).
    #[serde(default)]
    pub schema: Option<serde_json::Value>,
    /// Existing annotations: a record in any format Marginalia reads.
    #[serde(default)]
    pub annotations: Option<serde_json::Value>,
    #[serde(default)]
    pub annotator: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    /// Light (the default), dark, or following the system setting.
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub endpoints: Endpoints,
    /// How long each kind of request may go unanswered.
    #[serde(default)]
    pub timeouts: Timeouts,
    /// Origins (`https://cms.example`) allowed to talk to an embedded page
    /// through `postMessage` and to serve `?article=`-style URLs, besides
    /// the page's own origin.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl EmbedOptions {
    /// The annotations' JSON text: a string given is that text (as `mount`
    /// passes them, read apart from the options, and as `setAnnotations`
    /// takes them); `None` when none are given.
    pub fn annotations_json(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self.annotations.as_ref()? {
            serde_json::Value::String(text) => Some(std::borrow::Cow::Borrowed(text)),
            value => Some(std::borrow::Cow::Owned(value.to_string())),
        }
    }

    /// Reads options from JSON, naming the offending key on error.
    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("the options are not valid: {e}"))
    }

    /// The standalone page's options (its `#mg-config`, if any): as
    /// [`EmbedOptions::from_json`], except that a page that names no theme
    /// follows the system's light or dark setting. (An embedded widget
    /// stays light unless its host asks: the host's page decides.)
    pub fn for_standalone_page(json: Option<&str>) -> Result<Self, String> {
        let names_theme = json.is_some_and(|j| serde_json::from_str::<serde_json::Value>(j).is_ok_and(|v| v.get("theme").is_some()));
        let mut options = match json {
            Some(json) => Self::from_json(json)?,
            None => Self::default(),
        };
        if !names_theme {
            options.theme = Theme::Auto;
        }
        Ok(options)
    }
}

/// Whether `origin` may talk to (or serve resources for) a page at
/// `page_origin` given the allow-list. `"null"` (opaque origins: sandboxed
/// frames, `file:`) is never allowed; `*` is not supported on purpose.
pub fn origin_allowed(origin: &str, page_origin: &str, allowed: &[String]) -> bool {
    if origin == "null" || origin.is_empty() {
        return false;
    }
    origin == page_origin || allowed.iter().any(|a| a.trim_end_matches('/') == origin)
}

/// The messages of the iframe protocol (see `docs/EMBEDDING.md`). Every
/// message is a JSON object with a `type`; Marginalia's own start with
/// `marginalia:`. Read with [`InboundMessage::from_json`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum InboundMessage {
    /// Open an article (with annotations, a schema, an annotator…): the
    /// same shape as `mount`'s options.
    #[serde(rename = "marginalia:load")]
    Load { options: EmbedOptions },
    /// Ask for the annotations now; answered by `marginalia:annotations`.
    #[serde(rename = "marginalia:get-annotations")]
    GetAnnotations {
        #[serde(default)]
        request_id: Option<String>,
    },
}

impl InboundMessage {
    /// Reads a message from the parent frame. Not derived: serde reads an
    /// internally tagged enum by buffering the whole message first (its
    /// private `Content` type), and that path, compiled for the options, was
    /// most of the 13 KB of gzipped wasm that `Content` cost (see
    /// `docs/ARCHITECTURE.md`, "Keeping the bundle small").
    pub fn from_json(json: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            options: Option<EmbedOptions>,
            #[serde(default)]
            request_id: Option<String>,
        }
        let m: Envelope = serde_json::from_str(json).map_err(|e| e.to_string())?;
        match m.kind.as_str() {
            "marginalia:load" => m.options.map(|options| InboundMessage::Load { options }).ok_or_else(|| "missing field `options`".to_string()),
            "marginalia:get-annotations" => Ok(InboundMessage::GetAnnotations { request_id: m.request_id }),
            other => Err(format!("unknown message type `{other}`, expected `marginalia:load` or `marginalia:get-annotations`")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum OutboundMessage {
    #[serde(rename = "marginalia:ready")]
    Ready { doc_id: String },
    #[serde(rename = "marginalia:annotations")]
    Annotations {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
        annotations: serde_json::Value,
    },
    #[serde(rename = "marginalia:change")]
    Change { annotations: serde_json::Value },
    #[serde(rename = "marginalia:save")]
    Save { annotations: serde_json::Value },
    #[serde(rename = "marginalia:error")]
    Error { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_annotations_json_is_the_string_given_or_the_value_written_out() {
        let given = |json: &str| EmbedOptions::from_json(json).unwrap().annotations_json().map(|t| t.into_owned());
        assert_eq!(given(r#"{"annotations": "{\"text\": \"Mali\"}"}"#).as_deref(), Some(r#"{"text": "Mali"}"#));
        assert_eq!(given(r#"{"annotations": {"text": "Mali"}}"#).as_deref(), Some(r#"{"text":"Mali"}"#));
        assert_eq!(given("{}"), None);
    }

    #[test]
    fn options_read_camel_case_and_refuse_unknown_keys() {
        let o = EmbedOptions::from_json(
            r#"{"article":{"id":"a1","text":"Mali"},"annotator":"ana","readOnly":true,
                "endpoints":{"save":"/api/a1"},"allowedOrigins":["https://cms.example"]}"#,
        )
        .unwrap();
        assert_eq!(o.article.unwrap().text.as_deref(), Some("Mali"));
        assert!(o.read_only);
        assert_eq!(o.endpoints.save.as_deref(), Some("/api/a1"));
        let with_headers = EmbedOptions::from_json(r#"{"endpoints":{"save":"/s","saveHeaders":{"X-CSRF-Token":"t"}}}"#).unwrap();
        assert_eq!(with_headers.endpoints.save_headers.0, [("X-CSRF-Token".to_string(), "t".to_string())]);
        let e = EmbedOptions::from_json(r#"{"endpoints":{"save":"/s","saveHeaders":{"If-Match":"*"}}}"#).unwrap_err();
        assert!(e.contains("save contract"), "{e}");
        let e = EmbedOptions::from_json(r#"{"readonly": true}"#).unwrap_err();
        assert!(e.contains("unknown field `readonly`"), "{e}");
    }

    #[test]
    fn timeouts_default_have_a_floor_and_refuse_unknown_keys() {
        let none = EmbedOptions::from_json("{}").unwrap().timeouts;
        assert_eq!((none.save_ms(), none.load_ms(), none.suggest_ms()), (15_000, 30_000, 60_000));
        let set = EmbedOptions::from_json(r#"{"timeouts":{"save":2000,"suggest":10}}"#).unwrap().timeouts;
        assert_eq!((set.save_ms(), set.load_ms(), set.suggest_ms()), (2_000, 30_000, MIN_TIMEOUT_MS));
        let e = EmbedOptions::from_json(r#"{"timeouts":{"saveMs":2000}}"#).unwrap_err();
        assert!(e.contains("unknown field `saveMs`"), "{e}");
        assert!(EmbedOptions::from_json(r#"{"timeouts":{"save":-1}}"#).is_err(), "a negative deadline is refused");
        assert_eq!(Timeouts::all(1_500).load_ms(), 1_500);
        assert_eq!((duration_text(15_000), duration_text(1_500), duration_text(999)), ("15 s".into(), "1.5 s".into(), "0.9 s".into()));
    }

    #[test]
    fn only_the_page_and_listed_origins_are_allowed() {
        let allowed = vec!["https://cms.example/".to_string()];
        assert!(origin_allowed("https://app.example", "https://app.example", &[]));
        assert!(origin_allowed("https://cms.example", "https://app.example", &allowed));
        assert!(!origin_allowed("https://cms.example.evil", "https://app.example", &allowed));
        assert!(!origin_allowed("http://cms.example", "https://app.example", &allowed));
        assert!(!origin_allowed("null", "null", &allowed));
    }

    #[test]
    fn messages_are_tagged_by_type() {
        let m = InboundMessage::from_json(r#"{"type":"marginalia:get-annotations","request_id":"7"}"#).unwrap();
        assert_eq!(m, InboundMessage::GetAnnotations { request_id: Some("7".into()) });
        let load = InboundMessage::from_json(r#"{"type":"marginalia:load","options":{"annotator":"ana","readOnly":true}}"#).unwrap();
        let InboundMessage::Load { options } = load else { panic!("{load:?}") };
        assert_eq!((options.annotator.as_deref(), options.read_only), (Some("ana"), true));
        // What was sent serialises back to what is read.
        let sent = serde_json::to_string(&InboundMessage::Load { options: options.clone() }).unwrap();
        assert_eq!(InboundMessage::from_json(&sent).unwrap(), InboundMessage::Load { options });
        let out = serde_json::to_value(OutboundMessage::Error { message: "x".into() }).unwrap();
        assert_eq!(out, serde_json::json!({"type": "marginalia:error", "message": "x"}));
        let other = InboundMessage::from_json(r#"{"type":"other"}"#).unwrap_err();
        assert!(other.contains("`other`"), "{other}");
        let no_options = InboundMessage::from_json(r#"{"type":"marginalia:load"}"#).unwrap_err();
        assert!(no_options.contains("options"), "{no_options}");
        let bad_key = InboundMessage::from_json(r#"{"type":"marginalia:load","options":{"readonly":true}}"#).unwrap_err();
        assert!(bad_key.contains("unknown field `readonly`"), "{bad_key}");
        assert!(InboundMessage::from_json(r#"{"kind":"marginalia:load"}"#).is_err());
    }

    #[test]
    fn the_standalone_page_follows_the_system_theme_unless_told() {
        assert_eq!(EmbedOptions::for_standalone_page(None).unwrap().theme, Theme::Auto);
        assert_eq!(EmbedOptions::for_standalone_page(Some(r#"{"allowedOrigins": []}"#)).unwrap().theme, Theme::Auto);
        assert_eq!(EmbedOptions::for_standalone_page(Some(r#"{"theme": "light"}"#)).unwrap().theme, Theme::Light);
        assert!(EmbedOptions::for_standalone_page(Some(r#"{"theme": "sepia"}"#)).is_err());
        assert_eq!(EmbedOptions::from_json("{}").unwrap().theme, Theme::Light, "a host's widget stays light");
    }
}
