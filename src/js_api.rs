//! The handle a page holds on an instance (`window.marginalia` on the
//! standalone page, what `mount` resolves to elsewhere). It goes through the
//! same actions as the UI, so what it does is undoable and persisted like a
//! gesture.
//!
//! - `getAnnotations()` → the saved record (as `Save JSON` writes it)
//! - `setAnnotations(json)` → applies annotations of the article open now,
//!   in any format Marginalia reads (a record, a Prodigy task…); one undo step
//! - `setArticle({ id, title, url, text | html })` → opens another article
//!   (with the work stored for it in this browser, if any)
//! - `setDocument({ id, title, text, spans? })` → opens a text with spans
//! - `review([save, save, …])` → opens a review of several annotators' saves
//!   of one text (records as objects or JSON strings, any readable format)
//! - `export(format)` → `{ text, losses }`: the document in a dataset format
//!   (`spacy`, `iob2`, `bilou`, `brat` (the `.ann`), `w3c`, `label-studio`,
//!   `doccano`, `marginalia`)
//! - `addSpan(start, end, label)` → the new span's id (`"s3"`); code points
//! - `removeSpan(id)`, `undo()`, `redo()`
//! - `memoryBytes()` → the size of the WebAssembly memory (for benchmarks)
//!
//! Errors are thrown as JavaScript `Error`s with the same message the page
//! shows. Each call works on a fresh clone of the reducer handle (see
//! `gestures::install`: a long-lived handle would keep every state alive).

use crate::host::Host;
use crate::document_session;
use crate::opening::{Announce, Given, Request, Work};
use crate::state::{Action, AppState};
use marginalia_core::embed::ArticleInput;
use marginalia_core::formats::stream::export_file;
use marginalia_core::formats::Format;
use marginalia_core::article::Article;
use marginalia_core::command::Snapshot;
use marginalia_core::record::{spans_from_record, Record, RecordSpan};
use marginalia_core::span::SpanId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::UseReducerHandle;

/// Keeps the closures alive; dropping it takes the methods off the handle,
/// so a destroyed instance's handle holds nothing that reaches it.
pub struct JsApi {
    api: js_sys::Object,
    names: Vec<&'static str>,
    _closures: Vec<JsValue>,
}

impl Drop for JsApi {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = js_sys::Reflect::delete_property(&self.api, &JsValue::from_str(name));
        }
    }
}

/// `setDocument`'s argument. The text is read as a string as it is, not
/// through JSON: on a long article, a JSON round trip of the text costs more
/// than opening it.
struct DocumentInput {
    id: Option<String>,
    title: Option<String>,
    text: String,
    spans: Vec<RecordSpan>,
}

impl DocumentInput {
    fn read(input: &JsValue) -> Result<DocumentInput, JsValue> {
        let field = |name: &str| js_sys::Reflect::get(input, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        let optional_string = |name: &str| {
            let v = field(name);
            match v.as_string() {
                Some(s) => Ok(Some(s)),
                None if v.is_undefined() || v.is_null() => Ok(None),
                None => Err(js_error(format!("setDocument: \"{name}\" must be a string"))),
            }
        };
        let text = field("text").as_string().ok_or_else(|| js_error("setDocument: \"text\" must be a string"))?;
        let spans = field("spans");
        let spans = if spans.is_undefined() || spans.is_null() {
            Vec::new()
        } else {
            let json: String = js_sys::JSON::stringify(&spans)?.into();
            serde_json::from_str(&json).map_err(|e| js_error(format!("setDocument: \"spans\": {e}")))?
        };
        Ok(DocumentInput { id: optional_string("id")?, title: optional_string("title")?, text, spans })
    }
}

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

fn last_error(state: &AppState) -> JsValue {
    js_error(state.notice.as_ref().map_or("the action was refused".to_string(), |n| n.text.clone()))
}

pub fn expose(state: UseReducerHandle<AppState>, host: &Host) -> JsApi {
    let api = host.api.clone();
    let mut closures = Vec::new();
    let mut names = Vec::new();
    let mut method = |name: &'static str, f: JsValue| {
        let _ = js_sys::Reflect::set(&api, &JsValue::from_str(name), &f);
        closures.push(f);
        names.push(name);
    };

    let s = state.clone();
    method(
        "getAnnotations",
        Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(move || {
            let s = s.clone();
            let record = Record::from_editor(&s.editor, &s.save_info, true);
            js_sys::JSON::parse(&record.to_json())
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "setDocument",
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |input: JsValue| {
            let s = s.clone();
            let doc = DocumentInput::read(&input)?;
            let id = doc.id.unwrap_or_else(|| marginalia_core::record::default_doc_id(&doc.text));
            let title = doc.title.unwrap_or_else(|| id.clone());
            let article = Article::new(id, title, doc.text).map_err(js_error)?;
            let spans = spans_from_record(&doc.spans, &article, s.editor.schema()).map_err(js_error)?;
            let given = Given::Host(Work::Placed { snapshot: Snapshot::spans_only(spans), task: Default::default() });
            document_session::open(&s, &s.dispatcher(), Request::new(article, given, Announce::Quiet));
            Ok(())
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "addSpan",
        Closure::<dyn Fn(usize, usize, String) -> Result<String, JsValue>>::new(move |start, end, label| {
            let s = s.clone();
            let before = s.editor.annotations().len();
            s.dispatch(Action::AddSpan { start, end, label });
            match s.focus.selected() {
                Some(id) if s.editor.annotations().len() > before => Ok(id.to_string()),
                _ => Err(last_error(&s)),
            }
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "removeSpan",
        Closure::<dyn Fn(String) -> Result<(), JsValue>>::new(move |id: String| {
            let s = s.clone();
            let id = SpanId::parse(&id).ok_or_else(|| js_error(format!("{id:?} is not a span id")))?;
            let before = s.editor.annotations().len();
            s.dispatch(Action::SelectSpan { id, scroll: false });
            s.dispatch(Action::DeleteSelected);
            if s.editor.annotations().len() < before {
                Ok(())
            } else {
                Err(js_error(format!("span {id} does not exist")))
            }
        })
        .into_js_value(),
    );

    method(
        "memoryBytes",
        Closure::<dyn Fn() -> f64>::new(|| {
            let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
            memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
        })
        .into_js_value(),
    );

    let s = state.clone();
    method("undo", Closure::<dyn Fn()>::new(move || s.dispatch(Action::Undo)).into_js_value());
    let s = state.clone();
    method("redo", Closure::<dyn Fn()>::new(move || s.dispatch(Action::Redo)).into_js_value());

    let s = state.clone();
    method(
        "setArticle",
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |input: JsValue| {
            let s = s.clone();
            let json: String = js_sys::JSON::stringify(&input)?.into();
            let input: ArticleInput = serde_json::from_str(&json).map_err(js_error)?;
            let article = crate::article_input::article_from(&input).map_err(js_error)?;
            document_session::open(&s, &s.dispatcher(), Request::new(article, Given::Nothing, Announce::Quiet));
            Ok(())
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "setAnnotations",
        Closure::<dyn Fn(JsValue) -> Result<(), JsValue>>::new(move |input: JsValue| {
            let s = s.clone();
            let json: String = match input.as_string() {
                Some(text) => text,
                None => js_sys::JSON::stringify(&input)?.into(),
            };
            s.dispatch(document_session::apply_to_open(&json, &s, s.editor.schema()).map_err(js_error)?);
            Ok(())
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "review",
        Closure::<dyn Fn(js_sys::Array) -> Result<(), JsValue>>::new(move |saves: js_sys::Array| {
            let s = s.clone();
            let mut files = Vec::new();
            for (i, save) in saves.iter().enumerate() {
                let text: String = match save.as_string() {
                    Some(t) => t,
                    None => js_sys::JSON::stringify(&save)?.into(),
                };
                files.push((format!("save-{}", i + 1), text));
            }
            let reviewer = s.save_info.annotator.clone().unwrap_or_else(|| "reviewer".into());
            let adjudication = crate::adjudication_view::start_review(&files, s.editor.schema(), &reviewer).map_err(js_error)?;
            document_session::persist_before_switch(&s, &s.dispatcher());
            s.dispatch(Action::StartAdjudication(std::rc::Rc::new(adjudication)));
            Ok(())
        })
        .into_js_value(),
    );

    let s = state.clone();
    method(
        "export",
        Closure::<dyn Fn(String) -> Result<JsValue, JsValue>>::new(move |name: String| {
            let s = s.clone();
            let format = Format::from_name(&name).ok_or_else(|| {
                js_error(format!("no format {name:?}: use one of {}", Format::ALL.map(|f| f.name()).join(", ")))
            })?;
            let record = Record::from_editor(&s.editor, &s.save_info, true);
            let (text, losses) = export_file(format, &record).map_err(js_error)?;
            let out = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&out, &"text".into(), &JsValue::from_str(&text));
            let list: js_sys::Array = losses.iter().map(|l| JsValue::from_str(l)).collect();
            let _ = js_sys::Reflect::set(&out, &"losses".into(), &list);
            Ok(out.into())
        })
        .into_js_value(),
    );

    JsApi { api, names, _closures: closures }
}
