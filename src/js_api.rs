//! The handle a page holds on an instance (`window.marginalia` on the
//! standalone page, what `mount` resolves to elsewhere): one method per name
//! of the core's `host_command::METHODS`, each reading its arguments into a
//! `HostCommand` and executing it (`host_commands.rs`). It goes through the
//! same actions as the UI, so what it does is undoable and persisted like a
//! gesture.
//!
//! - `getAnnotations()` → the saved record (as `Save JSON` writes it)
//! - `setAnnotations(json)` → a Promise: applies annotations of the article
//!   open now, in any format Marginalia reads (a record, a Prodigy task…);
//!   one undo step
//! - `setArticle({ id, title, url, text | html })` → opens another article
//!   (with the work stored for it in this browser, if any); a Promise when
//!   given `html` (the page's reader is a part)
//! - `setDocument({ id, title, text, spans? })` → opens a text with spans
//! - `review([save, save, …])` → a Promise: opens a review of several annotators' saves
//!   of one text (records as objects or JSON strings, any readable format)
//! - `export(format)` → a Promise of `{ text, losses }`: the document in a dataset format
//!   (`spacy`, `iob2`, `bilou`, `brat` (the `.ann`), `w3c`, `label-studio`,
//!   `doccano`, `marginalia`)
//! - `addSpan(start, end, label)` → the new span's id (`"s3"`); code points
//! - `removeSpan(id)` (that span, whatever is selected), `undo()`, `redo()`
//! - `memoryBytes()` → the size of the WebAssembly memory (for benchmarks)
//!
//! Errors are thrown (rejected, for a Promise) as JavaScript `Error`s with
//! the same message the page shows. Those that return a Promise may need
//! code fetched on first use (`src/on_demand/`). Each call works on a fresh clone of the reducer handle (see
//! `gestures::install`: a long-lived handle would keep every state alive).

use crate::host::Host;
use crate::host_commands::{execute, Reply, Run};
use crate::state::AppState;
use marginalia_core::host_command::{HostCommand, METHODS};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::UseReducerHandle;

/// Keeps the closures alive; dropping it takes the methods off the handle,
/// so a destroyed instance's handle holds nothing that reaches it.
pub struct JsApi {
    api: js_sys::Object,
    _closures: Vec<JsValue>,
}

impl Drop for JsApi {
    fn drop(&mut self) {
        for name in METHODS {
            let _ = js_sys::Reflect::delete_property(&self.api, &JsValue::from_str(name));
        }
    }
}

/// The methods that return a Promise (`host_commands::Run::Later`).
const LATER: [&str; 3] = ["export", "setAnnotations", "review"];

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

pub fn expose(state: UseReducerHandle<AppState>, host: &Host) -> JsApi {
    let api = host.api.clone();
    let closures = METHODS
        .iter()
        .map(|&name| {
            let f = method(name, state.clone());
            let _ = js_sys::Reflect::set(&api, &JsValue::from_str(name), &f);
            f
        })
        .collect();
    JsApi { api, _closures: closures }
}

/// The handle's method `name`: its arguments read into a command, then run.
fn method(name: &'static str, state: UseReducerHandle<AppState>) -> JsValue {
    Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(move |a, b, c| {
        let args = [a, b, c].iter().map(|v| argument(v, kept_as_text(name))).collect::<Result<Vec<_>, _>>().map_err(|e| js_error(format!("{name}: {e}")));
        let command = args.and_then(|args| HostCommand::from_call(name, &args).map_err(js_error));
        // A method that answers later rejects its Promise, never throws.
        if LATER.contains(&name) {
            if let Err(e) = &command {
                return Ok(js_sys::Promise::reject(e).into());
            }
        }
        let command = command?;
        match execute(&state.clone(), command) {
            Run::Now(answer) => answer.map(reply).map_err(js_error),
            Run::Later(answer) => Ok(wasm_bindgen_futures::future_to_promise(async move { answer.await.map(reply).map_err(js_error) }).into()),
        }
    })
    .into_js_value()
}

/// The fields of a method's object argument that go to the core as their
/// JSON text, read there straight into what they are: `setDocument`'s
/// spans as a tree of JSON values first took 5 MB of the page's memory at
/// 5,000 spans (memory a page never gives back).
fn kept_as_text(method: &str) -> &'static [&'static str] {
    match method {
        "setDocument" => &["spans"],
        _ => &[],
    }
}

/// A JavaScript argument as JSON. Strings, at the top and as an object's
/// fields, are taken as they are: an article's text is not written to JSON
/// and read back (on a long article that costs more than opening it). The
/// fields named in `as_text` are given as their JSON text.
fn argument(v: &JsValue, as_text: &[&str]) -> Result<Value, String> {
    if v.is_undefined() || v.is_null() {
        return Ok(Value::Null);
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(n) = v.as_f64() {
        return number(n);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if !v.is_object() || js_sys::Array::is_array(v) {
        return json(v);
    }
    let mut map = serde_json::Map::new();
    for entry in js_sys::Object::entries(v.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let Some(key) = entry.get(0).as_string() else { continue };
        let value = entry.get(1);
        let value = match value.as_string() {
            Some(s) => Value::String(s),
            None if value.is_undefined() => continue, // as JSON leaves it out
            None if as_text.contains(&key.as_str()) => json_text(&value)?,
            None => json(&value)?,
        };
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

/// A whole number that JavaScript counts exactly becomes an integer; any
/// other stays a fraction (which an offset refuses, saying so).
fn number(n: f64) -> Result<Value, String> {
    const EXACT: f64 = 9_007_199_254_740_991.0; // 2^53 - 1
    if n.fract() == 0.0 && n.abs() <= EXACT {
        return Ok(if n >= 0.0 { Value::from(n as u64) } else { Value::from(n as i64) });
    }
    serde_json::Number::from_f64(n).map(Value::Number).ok_or_else(|| "a number argument is NaN or infinite".to_string())
}

/// `v`'s JSON text, as a string value (`Null` for what JSON cannot hold).
fn json_text(v: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(v).map_err(|_| "an argument cannot be read as JSON".to_string())?;
    Ok(text.as_string().map_or(Value::Null, Value::String))
}

fn json(v: &JsValue) -> Result<Value, String> {
    match json_text(v)? {
        Value::String(text) => serde_json::from_str(&text).map_err(|e| e.to_string()),
        _ => Ok(Value::Null), // a function or a symbol: nothing JSON holds
    }
}

fn reply(reply: Reply) -> JsValue {
    match reply {
        Reply::Nothing => JsValue::UNDEFINED,
        Reply::Record(json) => js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL),
        Reply::Span(id) => JsValue::from_str(&id.to_string()),
        Reply::Bytes(n) => JsValue::from_f64(n),
        Reply::Export { text, losses } => {
            let out = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&out, &"text".into(), &JsValue::from_str(&text));
            let list: js_sys::Array = losses.iter().map(|l| JsValue::from_str(l)).collect();
            let _ = js_sys::Reflect::set(&out, &"losses".into(), &list);
            out.into()
        }
    }
}
