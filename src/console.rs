//! Messages for the browser's developer console, written here in the first
//! load. Code in a part must not turn a Rust value into a JS one itself
//! (`JsValue::from`, `.into()`): wasm-bindgen rewrites the conversion only
//! in the first load, and a part calling it fails at run time ("function
//! signature mismatch"; `cargo xtask build` refuses such a part). This one
//! function is used by both, so it stays in the first load.

use wasm_bindgen::JsValue;

/// How loud a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Warning,
    Error,
}

/// Writes `text` to the console, with `value` after it when given.
#[inline(never)]
pub fn say(level: Level, text: &str, value: Option<&JsValue>) {
    let text = JsValue::from_str(text);
    let value = value.cloned().unwrap_or(JsValue::UNDEFINED);
    match level {
        Level::Warning => web_sys::console::warn_2(&text, &value),
        Level::Error => web_sys::console::error_2(&text, &value),
    }
}
