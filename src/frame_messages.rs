//! The iframe embedding: a CMS that isolates third-party code embeds the
//! standalone page and talks to it with `postMessage` (message types in
//! `marginalia_core::embed`, documented in `docs/EMBEDDING.md`).
//!
//! Messages are accepted only from the parent frame, and only when its
//! origin is the page's own or on the configuration's `allowedOrigins`;
//! replies and events are posted only to that origin.

use crate::article_input::article_from;
use crate::document_session;
use crate::host::{HostEvent, HostRef};
use crate::opening::{Announce, Given, Request};
use crate::state::{Action, AppState};
use gloo::events::EventListener;
use marginalia_core::embed::{origin_allowed, InboundMessage};
use marginalia_core::label_schema::LabelSchema;
use marginalia_core::record::Record;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;
use yew::UseReducerHandle;

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

fn post(origin: &str, message: &JsValue) {
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(message, origin);
    }
}

fn message(kind: &str, fields: &[(&str, &JsValue)]) -> JsValue {
    let m = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&m, &"type".into(), &JsValue::from_str(kind));
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&m, &JsValue::from_str(k), v);
    }
    m.into()
}

/// Posts an instance event to the parent: `marginalia:ready`, `…:change`,
/// `…:save` with the annotations, `…:error` with a message.
pub fn post_event(origin: &str, event: HostEvent, detail: &JsValue) {
    let kind = format!("marginalia:{}", event.name());
    let m = match event {
        HostEvent::Error => message(&kind, &[("message", &js_sys::Reflect::get(detail, &"message".into()).unwrap_or(JsValue::NULL))]),
        _ => message(&kind, &[("annotations", detail)]),
    };
    post(origin, &m);
}

/// Keeps the `message` listener; dropping it stops listening.
pub struct FrameLink {
    _listener: EventListener,
}

fn apply(state: &AppState, dispatch: &UseReducerHandle<AppState>, options: marginalia_core::embed::EmbedOptions) -> Result<(), String> {
    let schema = match &options.schema {
        Some(v) => std::sync::Arc::new(LabelSchema::from_json(&v.to_string()).map_err(|e| e.to_string())?),
        None => state.editor.schema().clone(),
    };
    match &options.article {
        Some(input) => {
            let article = article_from(input)?;
            let given = match &options.annotations {
                Some(v) => Given::Host(document_session::host_work(&v.to_string(), &article, &schema)?),
                None => Given::Nothing,
            };
            if options.schema.is_some() {
                dispatch.dispatch(Action::SetSchema((*schema).clone()));
            }
            // The same shape as mount's options, and the same rule.
            let request = Request {
                read_only: Some(options.read_only),
                annotator: options.annotator.clone(),
                ..Request::new(article, given, Announce::Quiet)
            };
            document_session::open_in(state, &dispatch.dispatcher(), request, &schema);
        }
        None => {
            if options.schema.is_some() {
                dispatch.dispatch(Action::SetSchema((*schema).clone()));
            }
            if let Some(v) = &options.annotations {
                dispatch.dispatch(document_session::apply_to_open(&v.to_string(), state, &schema)?);
            }
        }
    }
    Ok(())
}


/// Listens to the parent frame, when there is an allowed one.
pub fn listen(state: UseReducerHandle<AppState>, host: HostRef) -> Option<FrameLink> {
    let parent_origin = host.post_to_parent.clone()?;
    let window = web_sys::window()?;
    let listener = EventListener::new(&window, "message", move |e| {
        let e: &MessageEvent = e.unchecked_ref();
        let page = crate::url_params::page_origin();
        let from_parent = e.source().is_some_and(|s| web_sys::window().and_then(|w| w.parent().ok().flatten()).is_some_and(|p| JsValue::from(p) == JsValue::from(s)));
        if !from_parent || e.origin() != parent_origin || !origin_allowed(&e.origin(), &page, &host.options.allowed_origins) {
            return; // not our parent, or not allowed: ignored
        }
        let state = state.clone();
        let json = js_sys::JSON::stringify(&e.data()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        let reply_error = |message: String| post(&parent_origin, &message_error(&message));
        match InboundMessage::from_json(&json) {
            Ok(InboundMessage::Load { options }) => {
                if let Err(e) = apply(&state, &state, options) {
                    reply_error(format!("marginalia:load was not applied: {e}"));
                }
            }
            Ok(InboundMessage::GetAnnotations { request_id }) => {
                let record = Record::from_editor(&state.editor, &state.save_info, true);
                let annotations = js_sys::JSON::parse(&record.to_json()).unwrap_or(JsValue::NULL);
                let mut fields: Vec<(&str, &JsValue)> = vec![("annotations", &annotations)];
                let id = request_id.map(|r| JsValue::from_str(&r));
                if let Some(id) = &id {
                    fields.push(("request_id", id));
                }
                post(&parent_origin, &message("marginalia:annotations", &fields));
            }
            Err(e) => reply_error(format!("the message was not understood: {e}")),
        }
    });
    Some(FrameLink { _listener: listener })
}

fn message_error(text: &str) -> JsValue {
    message("marginalia:error", &[("message", &JsValue::from_str(text))])
}
