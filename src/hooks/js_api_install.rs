//! The handle's methods (`js_api.rs`) and `ready`, once the first frame is
//! painted: the instance has then started, and a document the host opens
//! at once is drawn at once (not after the rest of the start-up and a
//! frame of the default article).

use super::event_detail;
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
    let (state, host) = (state.clone(), host.clone());
    use_effect_with((), move |_| {
        let api = Rc::new(RefCell::new(None::<js_api::JsApi>));
        let start = {
            let (api, host) = (api.clone(), host.clone());
            move || {
                *api.borrow_mut() = Some(js_api::expose(state.clone(), &host));
                host.emit(HostEvent::Ready, &event_detail(&state));
            }
        };
        let ready = host.first_paint.then(start);
        move || drop((ready, api))
    });
}
