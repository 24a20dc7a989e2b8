//! What the host hears besides the requests it makes: the record that goes
//! with an event, and every error the page shows (`error`). `change` is
//! `local_persistence.rs`'s, `ready` `js_api_install.rs`'s (both with the
//! record's annotations worked out on read), `save` the save flows'.

use crate::host::{HostEvent, HostRef};
use crate::lazy_detail::with_annotations_on_read;
use crate::state::{AppState, NoticeKind};
use marginalia_core::editor::Editor;
use marginalia_core::record::{Record, SaveInfo};
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// The record a host receives with an event: the save without its derived
/// tokens (they can be rebuilt from the text, and events fire often).
pub fn event_detail(state: &AppState) -> JsValue {
    light_record(&state.editor, &state.save_info)
}

fn light_record(editor: &Editor, info: &SaveInfo) -> JsValue {
    to_js(&Record::from_editor(editor, info, false))
}

/// The same record, its spans and relations worked out when a host first
/// reads them (`lazy_detail.rs`): for an event that a host may only wait
/// for or read now and then (`ready`, `change`). `state` is the state the
/// event describes; what is kept for the later read is a copy of its
/// editor without the undo history, and the save's details.
pub fn event_detail_on_read(state: &AppState) -> JsValue {
    let document = to_js(&Record::of_document(&state.editor, &state.save_info));
    let (editor, info) = (state.editor.without_history(), state.save_info.clone());
    with_annotations_on_read(document, move || light_record(&editor, &info))
}

fn to_js(record: &Record) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(record).unwrap_or_default()).unwrap_or(JsValue::NULL)
}

/// Errors shown in the page are reported to the host too, once each time
/// one shows (`{ message }`).
#[hook]
pub fn use_error_reports(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let host = host.clone();
    let error = state.notice.as_ref().filter(|n| n.kind == NoticeKind::Error).map(|n| n.text.clone());
    use_effect_with(error, move |error| {
        if let Some(message) = error {
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&detail, &"message".into(), &JsValue::from_str(message));
            host.emit(HostEvent::Error, &detail);
        }
    });
}
