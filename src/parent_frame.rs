//! The parent frame of the standalone page, when it is embedded in an
//! iframe: its origin, and posting to it — only ever to that origin (never
//! `*`). Listening to it, and which origins are allowed, is
//! `frame_messages.rs`'s; the instance's events reach it through `host.rs`.

use wasm_bindgen::{JsCast, JsValue};

/// The parent frame's origin, when this page is in a frame.
pub fn allowed_parent_origin() -> Option<String> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    if parent == window.clone().unchecked_into::<web_sys::Window>() {
        return None;
    }
    // `location.ancestorOrigins` (Chromium, WebKit) names the parent even
    // when no referrer is sent; web-sys does not bind it.
    let ancestors = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into()).ok();
    if let Some(origin) = ancestors.and_then(|a| a.dyn_into::<web_sys::DomStringList>().ok()).and_then(|l| l.item(0)) {
        return Some(origin);
    }
    let referrer = window.document()?.referrer();
    web_sys::Url::new(&referrer).ok().map(|u| u.origin())
}

pub fn post(origin: &str, message: &JsValue) {
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(message, origin);
    }
}

pub fn message(kind: &str, fields: &[(&str, &JsValue)]) -> JsValue {
    let m = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&m, &"type".into(), &JsValue::from_str(kind));
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&m, &JsValue::from_str(k), v);
    }
    m.into()
}

/// Posts an instance event (`name`: ready, change, save, error) to the
/// parent: `marginalia:ready`, `…:change`, `…:save` with the annotations,
/// `…:error` with a message.
pub fn post_event(origin: &str, name: &str, detail: &JsValue) {
    let kind = format!("marginalia:{name}");
    let m = match name {
        "error" => message(&kind, &[("message", &js_sys::Reflect::get(detail, &"message".into()).unwrap_or(JsValue::NULL))]),
        _ => message(&kind, &[("annotations", detail)]),
    };
    post(origin, &m);
}
