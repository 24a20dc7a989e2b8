//! The iframe embedding: a CMS that isolates third-party code embeds the
//! standalone page and talks to it with `postMessage` (message types in
//! `marginalia_core::embed`, documented in `docs/EMBEDDING.md`).
//!
//! Messages are accepted only from the parent frame, and only when its
//! origin is the page's own or on the configuration's `allowedOrigins`;
//! replies and events are posted only to that origin. A message is read
//! into a `HostCommand` and run where the handle's methods run
//! (`host_commands.rs`).

use crate::host::HostRef;
use crate::parent_frame::{message, post};
use crate::host_commands::{execute, Reply, Run};
use crate::state::AppState;
use gloo::events::EventListener;
use marginalia_core::embed::origin_allowed;
use marginalia_core::host_command::HostCommand;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;
use yew::UseReducerHandle;

/// Keeps the `message` listener; dropping it stops listening.
pub struct FrameLink {
    _listener: EventListener,
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
        let json = js_sys::JSON::stringify(&e.data()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        answer(&state.clone(), &json, &parent_origin);
    });
    Some(FrameLink { _listener: listener })
}

/// A message from the parent read and run (`host_commands.rs`); what it
/// answers (the annotations asked for, or an error) is posted back to
/// `parent_origin`, at once or when a load that needed code fetched on
/// first use is done.
fn answer(state: &UseReducerHandle<AppState>, json: &str, parent_origin: &str) {
    let command = match HostCommand::from_message(json) {
        Ok(command) => command,
        Err(e) => return post(parent_origin, &message_error(&format!("the message was not understood: {e}"))),
    };
    // Only a load can fail; a request for the annotations is answered with its id.
    let request_id = match &command {
        HostCommand::GetAnnotations { request_id } => request_id.clone(),
        _ => None,
    };
    match execute(state, command) {
        Run::Now(result) => reply(parent_origin, result, request_id),
        Run::Later(result) => {
            let parent_origin = parent_origin.to_string();
            wasm_bindgen_futures::spawn_local(async move { reply(&parent_origin, result.await, request_id) });
        }
    }
}

/// Posts what a command answered, if anything.
fn reply(parent_origin: &str, result: Result<Reply, String>, request_id: Option<String>) {
    let answer = match result {
        Ok(Reply::Record(json)) => {
            let annotations = js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL);
            let id = request_id.map(|r| JsValue::from_str(&r));
            let mut fields: Vec<(&str, &JsValue)> = vec![("annotations", &annotations)];
            if let Some(id) = &id {
                fields.push(("request_id", id));
            }
            message("marginalia:annotations", &fields)
        }
        Ok(_) => return,
        Err(e) => message_error(&format!("marginalia:load was not applied: {e}")),
    };
    post(parent_origin, &answer);
}

fn message_error(text: &str) -> JsValue {
    message("marginalia:error", &[("message", &JsValue::from_str(text))])
}
