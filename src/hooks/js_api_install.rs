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
use crate::after_paint::AfterPaint;
use crate::host::{HostEvent, HostRef};
use crate::js_api::{self, JsApi};
use crate::state::AppState;
use yew::prelude::*;

/// Installs the API in the first render, and asks for `ready` after the
/// first paint, with the state that render drew (not in an effect: when
/// Yew yielded before the effects, they run after the renders a host's
/// first calls cause, and would see the host's document). Both go with the
/// instance (`ready` never said if it goes before its first frame).
#[hook]
pub fn use_js_api(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let installed = use_mut_ref(|| None::<(JsApi, AfterPaint)>);
    if installed.borrow().is_none() {
        let api = js_api::expose(state.clone(), host);
        *installed.borrow_mut() = Some((api, announce_ready((**state).clone(), host)));
        host.started();
    }
}

/// `ready` after the first paint, with `first`: a host that opens another
/// document before the paint would otherwise have that one tokenized for
/// the detail at the paint, and kept for late callbacks (measured: 3.6 MB
/// of wasm memory at 50k). Its spans are worked out when a host reads
/// them: tokenizing the article right after the paint held the next frame
/// back (56 ms at 20k words).
fn announce_ready(first: AppState, host: &HostRef) -> AfterPaint {
    let host = host.clone();
    host.clone().first_paint.then(move || host.emit(HostEvent::Ready, &event_detail_on_read(&first)))
}
