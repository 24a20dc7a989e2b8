//! Keeping the work in this browser: a moment after each change (a burst
//! of labels is written once, off the path of the next frame) and at once
//! when the page is hidden or unloaded, or the instance destroyed. Each
//! write merges first what another tab stored (`tab_sync.rs`); the host
//! hears `change` once per settled burst.

use super::event_detail_on_read;
use super::lifetime::{use_while_mounted, Kept};
use crate::document_session;
use crate::host::{HostEvent, HostRef};
use crate::on_demand;
use crate::state::{Action, AppState};
use crate::tab_sync;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

/// How long after a change the work is written to local storage.
const PERSIST_DELAY_MS: u32 = 250;

/// Both writes; `stored` shows whether the last delayed one succeeded.
#[hook]
pub fn use_local_persistence(state: &UseReducerHandle<AppState>, host: &HostRef, stored: &UseStateHandle<Result<(), AttrValue>>) {
    use_delayed_write(state, host, stored);
    use_while_mounted(state, host, flush_on_leave);
}

/// The write [`PERSIST_DELAY_MS`] after the last change of `revision`.
#[hook]
fn use_delayed_write(state: &UseReducerHandle<AppState>, host: &HostRef, stored: &UseStateHandle<Result<(), AttrValue>>) {
    let (state, stored, host) = (state.clone(), stored.clone(), host.clone());
    let timer = use_mut_ref(|| None::<Timeout>);
    let reported = use_mut_ref(|| state.revision);
    use_effect_with(state.revision, move |_| {
        let pending = crate::timer::after(PERSIST_DELAY_MS, Box::new(move || {
            let state = state.clone();
            // Another tab may have stored since: merge that first (the
            // merge is a change, so it is written in turn).
            match tab_sync::store(&state) {
                Ok(tab_sync::Stored::Wrote(copy)) => {
                    stored.set(Ok(()));
                    state.dispatch(Action::TabStored(Rc::new(copy)));
                }
                Ok(tab_sync::Stored::Behind(theirs)) => on_demand::merging::dispatch_when_ready(&state, Action::TabReceived(Rc::new(theirs))),
                Ok(tab_sync::Stored::Same | tab_sync::Stored::Held) => stored.set(Ok(())),
                Err(e) => stored.set(Err(e.into())),
            }
            // The host hears of each settled burst of changes once. The
            // record's annotations are worked out when it reads them (about
            // 12 ms at 50,000 words, in this task, for a host that only
            // counts changes or reads a few of them).
            if *reported.borrow() != state.revision {
                *reported.borrow_mut() = state.revision;
                host.emit(HostEvent::Change, &event_detail_on_read(&state));
            }
        }));
        *timer.borrow_mut() = Some(pending);
    });
}

/// The write at once on `pagehide`, `visibilitychange` and unmount.
fn flush_on_leave(state: &UseReducerHandle<AppState>, _: &HostRef) -> Kept {
    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    let flush = {
        let state = state.clone();
        move |_: &web_sys::Event| {
            let state = state.clone();
            // Hidden is not gone (another tab came to the front):
            // what was stored becomes this tab's base.
            match document_session::persist(&state) {
                Ok(tab_sync::Stored::Wrote(copy)) => state.dispatch(Action::TabStored(Rc::new(copy))),
                Ok(tab_sync::Stored::Behind(merged)) => on_demand::merging::dispatch_when_ready(&state, Action::TabReceived(Rc::new(merged))),
                _ => {}
            }
        }
    };
    let listeners = [
        EventListener::new(&window, "pagehide", flush.clone()),
        EventListener::new(&document, "visibilitychange", flush),
    ];
    Box::new(FlushWhenGone { _listeners: listeners, state: state.clone() })
}

/// Destroyed by its host (`handle.destroy()`): the last changes, still
/// waiting for the delayed write, are written as the instance goes.
struct FlushWhenGone {
    _listeners: [EventListener; 2],
    state: UseReducerHandle<AppState>,
}

impl Drop for FlushWhenGone {
    fn drop(&mut self) {
        let _ = document_session::persist(&self.state);
    }
}
