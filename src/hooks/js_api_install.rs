//! The handle's methods (`js_api.rs`) and `ready`, once the first frame is
//! painted: the instance has then started, and a document the host opens
//! at once is drawn at once (not after the rest of the start-up and a
//! frame of the default article).

use super::event_detail;
use super::lifetime::{use_while_mounted, Kept};
use crate::host::{HostEvent, HostRef};
use crate::js_api;
use crate::state::AppState;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Installs the API, then says `ready`; the API is taken off when the
/// instance goes (and never installed if it goes before its first frame).
#[hook]
pub fn use_js_api(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_while_mounted(state, host, install);
}

fn install(state: &UseReducerHandle<AppState>, host: &HostRef) -> Kept {
    let api = Rc::new(RefCell::new(None::<js_api::JsApi>));
    let start = {
        let (api, host, state) = (api.clone(), host.clone(), state.clone());
        move || {
            *api.borrow_mut() = Some(js_api::expose(state.clone(), &host));
            host.emit(HostEvent::Ready, &event_detail(&state));
        }
    };
    let ready = host.first_paint.then(start);
    Box::new((ready, api))
}
