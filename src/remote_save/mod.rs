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

mod requests;
mod saver;
mod server_copy;

use crate::state::AppState;
use marginalia_core::request_headers::RequestHeaders;
use saver::Saver;
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
    let saver = use_mut_ref(|| None::<Rc<Saver>>);
    let in_flight = use_mut_ref(|| None::<AbortController>);
    {
        let (state, view, saver, in_flight) = (state.clone(), view.setter(), saver.clone(), in_flight.clone());
        use_effect_with(endpoint, move |endpoint| {
            if let Some(endpoint) = endpoint {
                let s = Saver::start(endpoint.clone(), headers, timeout_ms, in_flight, state, view, on_saved);
                *saver.borrow_mut() = Some(s);
            }
            move || {
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
        // Every change of the work: count it, and (re)arm the debounce.
        let saver = saver.clone();
        use_effect_with(state.revision, move |_| {
            if let Some(s) = saver.borrow().as_ref() {
                s.pump();
            }
        });
    }
    let choose = |choice: fn(&Rc<Saver>)| {
        let saver = saver.clone();
        Callback::from(move |_: ()| {
            let s = saver.borrow().clone();
            if let Some(s) = s {
                choice(&s);
            }
        })
    };
    (*view).clone().map(|view| RemoteSave {
        view,
        keep_mine: choose(Saver::keep_mine),
        load_theirs: choose(Saver::load_theirs),
    })
}
