//! Saving to the CMS: the browser side of `marginalia_core::remote_sync`.
//! It feeds the state machine the app's changes and the clock, makes the
//! requests it asks for with `fetch` (`GET` on start, `PUT` of the record
//! JSON with `If-Match`), wakes it with `gloo` timers, and shows its status.
//! Each request has a deadline (`deadline.rs`, the `timeouts.save` option):
//! without an answer by then it is aborted and reported as timed out; it is
//! aborted too when the instance goes. When another article is opened the
//! saver retires: a request in flight still ends (within its deadline) and
//! what it acknowledged is stored, but nothing more is sent.
//!
//! A `PUT` that timed out may have been applied; the bodies of such `PUT`s
//! are kept until a `PUT` is answered, so that when the machine asks to
//! verify a 412 the server's copy can be compared with them.
//!
//! Local persistence stays first: the work itself is in `storage.rs`; the
//! machine's snapshot (revisions not yet acknowledged, the ETag) is stored
//! next to it on every change, so after a reload with the endpoint back the
//! waiting work is sent.
//!
//! Conflict choices: "Keep mine" overwrites the server's copy (a `GET` for
//! its current ETag, then a `PUT`); "Load theirs" first downloads ours as a
//! file, then opens theirs (one undo step when it is the same text).
//!
//! Another tab of this browser on the same document saves the same merged
//! work with its own ETag: a `412` is first rechecked — when the server's
//! copy is work this tab has (its own, or the version it last stored or
//! received from the other tab, which its work descends from), ours is sent
//! over it; only someone else's copy shows the conflict.
//!
//! One concept per file: `saver.rs` (the saver: the machine, its clock and
//! timers, each request's outcome), `requests.rs` (the HTTP side: `GET`,
//! `PUT`, the deadline), `server_copy.rs` (judging and opening the server's
//! copy); this file is the hook the app calls and what it renders.
//!
//! Only hosts that name a save endpoint use it: the saver is a part
//! (`remote_save`) fetched when the instance starts with one, driven
//! through a trait object its part makes, so the first load holds none of
//! its code. Changes made before it arrives are counted from the
//! instance's first revision and sent once it is here; if it cannot be
//! fetched the status says so and the next change tries again (the work is
//! stored in this browser meanwhile, as always).

mod requests;
mod saver;
mod server_copy;

use crate::on_demand::on_demand;
use crate::state::AppState;
use marginalia_core::request_headers::RequestHeaders;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::AbortController;
use yew::prelude::*;

/// What the page shows of the remote save.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteView {
    pub text: AttrValue,
    /// `SyncStatus::kind`: `saved`, `saving`, `offline`, `failed`, `conflict`…
    pub kind: &'static str,
    pub conflict: bool,
    pub pending: u64,
}

/// The status and the conflict choices, for the app to render.
#[derive(Clone, PartialEq)]
pub struct RemoteSave {
    pub view: RemoteView,
    pub keep_mine: Callback<()>,
    pub load_theirs: Callback<()>,
}

/// The saver as the hook drives it (its code is the part's).
pub(crate) trait Driven {
    /// Counts the app's changes since the last look, makes the request due,
    /// re-arms the timer and shows the status.
    fn pump(&self);
    /// Stops for good (another article is open, or the instance went).
    fn retire(&self);
    fn keep_mine(&self);
    fn load_theirs(&self);
}

/// What a saver starts with.
pub(crate) struct Start {
    endpoint: String,
    headers: RequestHeaders,
    timeout_ms: u32,
    /// Aborts the request in flight (shared with the hook).
    request: Rc<RefCell<Option<AbortController>>>,
    state: UseReducerHandle<AppState>,
    show: UseStateSetter<Option<RemoteView>>,
    on_saved: Callback<()>,
    /// The app revision from which changes count as unsent (the instance's
    /// first: changes made while the part was on the way are sent too).
    seen_revision: u64,
}

on_demand!(remote_save;
    /// A saver, started (its first request made).
    fn start_saver(start: Start) -> Rc<dyn Driven> {
        saver::Saver::start(start)
    }
);

/// What the status line says when the saver's part could not be fetched.
fn unavailable() -> RemoteView {
    RemoteView {
        text: "Not saved to the CMS: this part of Marginalia could not be loaded (is the network there?). Your work is kept in this browser; the next change tries again.".into(),
        kind: "failed",
        conflict: false,
        pending: 0,
    }
}

type Slot = Rc<RefCell<Option<Rc<dyn Driven>>>>;

/// Saves to `endpoint` (when given) for the app's lifetime, giving each
/// request `timeout_ms`; `on_saved` hears of every write the server
/// acknowledged.
#[hook]
pub fn use_remote_save(
    state: &UseReducerHandle<AppState>,
    endpoint: Option<String>,
    headers: RequestHeaders,
    timeout_ms: u32,
    on_saved: Callback<()>,
) -> Option<RemoteSave> {
    let view = use_state_eq(|| None::<RemoteView>);
    let saver: Slot = use_mut_ref(|| None);
    let in_flight = use_mut_ref(|| None::<AbortController>);
    let first_revision = *use_mut_ref(|| state.revision).borrow();
    // Bumped to start again after the part could not be fetched.
    let attempt = use_state_eq(|| 0u32);
    let failed = use_mut_ref(|| false);
    {
        let (state, view, saver, in_flight, failed) = (state.clone(), view.setter(), saver.clone(), in_flight.clone(), failed.clone());
        use_effect_with((endpoint, *attempt), move |(endpoint, _)| {
            let gone = Rc::new(Cell::new(false));
            if let Some(endpoint) = endpoint {
                let start = Start { endpoint: endpoint.clone(), headers, timeout_ms, request: in_flight, state, show: view.clone(), on_saved, seen_revision: first_revision };
                let (saver, gone) = (saver.clone(), gone.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match start_saver(start).await {
                        Ok(started) if gone.get() => started.retire(),
                        Ok(started) => *saver.borrow_mut() = Some(started),
                        Err(_) => {
                            *failed.borrow_mut() = true;
                            view.set(Some(unavailable()));
                        }
                    }
                });
            }
            move || {
                gone.set(true);
                if let Some(s) = saver.borrow_mut().take() {
                    s.retire();
                }
            }
        });
    }
    // The instance goes: abort what is in flight.
    use_effect_with((), move |_| {
        move || {
            if let Some(request) = in_flight.take() {
                request.abort();
            }
        }
    });
    {
        // Every change of the work: count it, and (re)arm the debounce; or,
        // without the part, try to fetch it again.
        let (saver, attempt) = (saver.clone(), attempt.clone());
        use_effect_with(state.revision, move |_| {
            if let Some(s) = saver.borrow().as_ref() {
                s.pump();
            } else if std::mem::take(&mut *failed.borrow_mut()) {
                attempt.set(*attempt + 1);
            }
        });
    }
    let choose = |choice: fn(&dyn Driven)| {
        let saver = saver.clone();
        Callback::from(move |_: ()| {
            let s = saver.borrow().clone();
            if let Some(s) = s {
                choice(&*s);
            }
        })
    };
    (*view).clone().map(|view| RemoteSave {
        view,
        keep_mine: choose(|s| s.keep_mine()),
        load_theirs: choose(|s| s.load_theirs()),
    })
}
