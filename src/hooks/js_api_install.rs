//! The handle's methods (`js_api.rs`), installed as the first render runs
//! (`mount()` resolves then), and `ready` once the first frame is painted.
//!
//! Installed in the render, not in its effects: when a first render takes
//! longer than a frame (a cold start, a long article), Yew yields to the
//! browser before it runs the effects, and a frame may be painted in
//! between; `mount()` then resolved after the paint, and a host's first
//! call was drawn a frame late. The promise's reaction runs once the
//! render's task has drawn everything (Yew yields only with no render
//! pending), before any frame. `ready` follows the paint, so that it means
//! what the docs say: the instance is on the screen.

use super::event_detail_on_read;
use super::lifetime::{use_while_mounted, Kept};
use crate::host::{HostEvent, HostRef};
use crate::js_api::{self, JsApi};
use crate::state::AppState;
use yew::prelude::*;

/// Installs the API in the first render (taken off when the instance
/// goes), then says `ready` after the first paint (never, if the instance
/// goes before its first frame).
#[hook]
pub fn use_js_api(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let installed = use_mut_ref(|| None::<JsApi>);
    if installed.borrow().is_none() {
        *installed.borrow_mut() = Some(js_api::expose(state.clone(), host));
        host.started();
    }
    use_while_mounted(state, host, announce_ready);
}

fn announce_ready(state: &UseReducerHandle<AppState>, host: &HostRef) -> Kept {
    // `ready` carries the document as the first render drew it (the
    // handle's value is that render's): a host that opens another before
    // the paint would otherwise have that one tokenized for the detail at
    // the paint, and kept for late callbacks (measured: 3.6 MB of wasm
    // memory at 50k). Its spans are worked out when a host reads them:
    // tokenizing the article right after the paint held the next frame
    // back (56 ms at 20k words).
    let first: AppState = (**state).clone();
    let host = host.clone();
    Box::new(host.clone().first_paint.then(move || host.emit(HostEvent::Ready, &event_detail_on_read(first))))
}
