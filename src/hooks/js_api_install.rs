//! The handle's methods (`js_api.rs`), installed in the first render's
//! effects (`mount()` resolves then), and `ready` once the first frame is
//! painted. Installed before that paint, a host's first call is drawn in
//! the same frame as the instance; `ready` after it, so that it means what
//! the docs say: the instance is on the screen.

use super::event_detail_on_read;
use super::lifetime::{use_while_mounted, Kept};
use crate::host::{HostEvent, HostRef};
use crate::js_api;
use crate::state::AppState;
use yew::prelude::*;

/// Installs the API, then says `ready` after the first paint; the API is
/// taken off when the instance goes (and `ready` never said if it goes
/// before its first frame).
#[hook]
pub fn use_js_api(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_while_mounted(state, host, install);
}

fn install(state: &UseReducerHandle<AppState>, host: &HostRef) -> Kept {
    // `ready` carries the document as the first render drew it: a host that
    // opens another before the paint (its handle works from here) would
    // otherwise have that one tokenized for the detail at the paint, and
    // kept for late callbacks (measured: 3.6 MB of wasm memory at 50k). Its
    // spans are worked out when a host reads them: tokenizing the article
    // right after the paint held the next frame back (56 ms at 20k words).
    let first: AppState = (**state).clone();
    let api = js_api::expose(state.clone(), host);
    host.started();
    let ready = {
        let host = host.clone();
        host.clone().first_paint.then(move || host.emit(HostEvent::Ready, &event_detail_on_read(first)))
    };
    Box::new((ready, api))
}
