//! The saver: one endpoint's `RemoteSync` machine, fed the app's changes
//! and the clock (milliseconds since the epoch, `js_sys::Date`), woken by
//! one `gloo` timer at the machine's next wake, and told each request's
//! outcome. Invariants: at most one request is in flight (the machine asks
//! for one at a time); the machine's snapshot is stored after every poll
//! and, once retired, after the last answer; a retired saver makes no
//! request and arms no timer. The app's revision counter starts at 0 on
//! every load, so only its growth since the last look is counted.

use super::{Driven, RemoteView, Start};
use crate::state::{Action, AppState};
use crate::{download, storage};
use gloo::timers::callback::Timeout;
use marginalia_core::record::Record;
use marginalia_core::remote_sync::{
    LoadPurpose, Outcome, Reaction, RemoteSync, Request, RequestId, SyncConfig, SyncStatus,
};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use web_sys::AbortController;
use marginalia_core::request_headers::RequestHeaders;
use yew::prelude::*;

/// The unanswered `PUT`s kept for a later check (the most recent ones: an
/// older one the server holds ends as a conflict, which loses nothing).
const UNANSWERED_KEPT: usize = 4;

pub(super) struct Saver {
    pub(super) endpoint: String,
    /// The host's `endpoints.saveHeaders`, sent with every request.
    pub(super) headers: RequestHeaders,
    state: UseReducerHandle<AppState>,
    pub(super) machine: RefCell<RemoteSync>,
    /// The app revision last counted (the app's counter starts at 0 on
    /// every load; the machine's own revisions persist).
    pub(super) seen_revision: Cell<u64>,
    timer: RefCell<Option<Timeout>>,
    /// Aborts the request in flight (shared with the hook, which aborts it
    /// when the instance goes).
    pub(super) request: Rc<RefCell<Option<AbortController>>>,
    /// Another article is open, or the instance went: no more requests.
    retired: Cell<bool>,
    /// (revision, body) of the `PUT`s that timed out since one was answered.
    pub(super) unanswered: RefCell<Vec<(u64, String)>>,
    show: UseStateSetter<Option<RemoteView>>,
    on_saved: Callback<()>,
    me: Weak<Saver>,
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

impl Saver {
    pub(super) fn start(start: Start) -> Rc<Saver> {
        let Start { endpoint, headers, timeout_ms, request, state, show, on_saved, seen_revision } = start;
        let snapshot = storage::load_remote_state(&endpoint).unwrap_or_default();
        let config = SyncConfig { request_timeout_ms: timeout_ms.into(), ..SyncConfig::default() };
        let machine = RemoteSync::restore(config, snapshot);
        let saver = Rc::new_cyclic(|me| Saver {
            endpoint,
            headers,
            state,
            machine: RefCell::new(machine),
            seen_revision: Cell::new(seen_revision),
            timer: RefCell::new(None),
            request,
            retired: Cell::new(false),
            unanswered: RefCell::new(Vec::new()),
            show,
            on_saved,
            me: me.clone(),
        });
        saver.pump();
        saver
    }

    /// Stops for good: no more timers or requests; the one in flight ends
    /// within its deadline, and what it acknowledged is stored.
    pub(super) fn retire(&self) {
        self.retired.set(true);
        self.timer.take();
    }

    /// The app's state now (a fresh handle: a long-lived one keeps every
    /// state it has read alive).
    pub(super) fn app(&self) -> UseReducerHandle<AppState> {
        self.state.clone()
    }

    /// Counts the app's changes since the last look, then makes the request
    /// that is due, re-arms the timer and shows the status.
    pub(super) fn pump(&self) {
        let now = now_ms();
        let revision = self.app().revision;
        let seen = self.seen_revision.replace(revision);
        {
            let mut machine = self.machine.borrow_mut();
            for _ in 0..revision.saturating_sub(seen) {
                machine.change(now);
            }
        }
        let request = self.machine.borrow_mut().poll(now);
        self.store_snapshot();
        if let Some(request) = request {
            let me = self.me.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(saver) = me.upgrade() else { return };
                saver.run(request).await;
            });
        }
        self.arm_timer(now);
        self.publish(now);
    }

    fn arm_timer(&self, now: u64) {
        let wake = self.machine.borrow().next_wake();
        let timer = wake.map(|at| {
            let me = self.me.clone();
            crate::timer::after(at.saturating_sub(now).min(u32::MAX as u64) as u32, Box::new(move || {
                if let Some(s) = me.upgrade() {
                    s.pump();
                }
            }))
        });
        *self.timer.borrow_mut() = timer;
    }

    fn store_snapshot(&self) {
        let snapshot = self.machine.borrow().snapshot();
        if let Err(e) = storage::save_remote_state(&self.endpoint, &snapshot) {
            crate::console::say(crate::console::Level::Warning, &format!("Marginalia: the remote save state was not stored: {e}"), None);
        }
    }

    fn publish(&self, now: u64) {
        let machine = self.machine.borrow();
        let status = machine.status(now);
        self.show.set(Some(RemoteView {
            text: status.to_string().into(),
            kind: status.kind(),
            conflict: matches!(status, SyncStatus::Conflict { .. }),
            pending: machine.pending(),
        }));
    }

    /// Makes one request the machine asked for, then tells it the outcome
    /// (with the server's copy when the machine may ask to adopt it). A `GET`
    /// after a refused write is a conflict only when the server's copy is
    /// not work this tab has; the body of a `PUT` that timed out is kept (it
    /// may have been applied), and all are forgotten once one is answered.
    async fn run(&self, request: Request) {
        let id = request.id();
        let was_save = matches!(request, Request::Save { .. });
        let (outcome, body) = match request {
            Request::Load { purpose: LoadPurpose::Verify, .. } => {
                let (outcome, body) = self.get().await;
                (self.verify(outcome, body), None)
            }
            Request::Load { purpose: LoadPurpose::Recheck, .. } => match self.get().await {
                (Outcome::Loaded { etag: Some(_) }, Some(body)) if !self.have(&body) => (Outcome::Conflict, None),
                (outcome, _) => (outcome, None),
            },
            Request::Load { purpose, .. } => {
                let (outcome, body) = self.get().await;
                (outcome, body.filter(|_| purpose != LoadPurpose::KeepMine))
            }
            Request::Save { precondition, revision, .. } => {
                let (outcome, sent) = self.put(precondition, revision).await;
                let mut unanswered = self.unanswered.borrow_mut();
                match outcome {
                    Outcome::TimedOut => {
                        if unanswered.len() == UNANSWERED_KEPT {
                            unanswered.remove(0);
                        }
                        unanswered.push((revision, sent));
                    }
                    Outcome::Saved { .. } => unanswered.clear(),
                    _ => {}
                }
                (outcome, None)
            }
        };
        self.settle(id, was_save, outcome, body);
    }

    /// Tells the machine the outcome of request `id`, then acts on its
    /// reaction (unless retired: then only its snapshot is stored).
    fn settle(&self, id: RequestId, was_save: bool, outcome: Outcome, body: Option<String>) {
        // A refused write is rechecked before the conflict shows.
        let refused = was_save && outcome == Outcome::Conflict;
        let nothing_here = matches!(outcome, Outcome::Loaded { etag: None });
        let acknowledged = matches!(outcome, Outcome::Saved { .. });
        let now = now_ms();
        let jitter = js_sys::Math::random();
        let reaction = self.machine.borrow_mut().respond(id, outcome, now, jitter);
        if refused {
            self.machine.borrow_mut().recheck();
        }
        if self.retired.get() {
            self.store_snapshot();
            return;
        }
        match (reaction, body) {
            (Reaction::AdoptServerCopy, Some(body)) => self.adopt(&body),
            // The CMS has nothing yet: give it the work already here.
            _ if nothing_here && self.machine.borrow().pending() == 0 && !self.app().editor.annotations().is_empty() => {
                self.machine.borrow_mut().change(now);
            }
            _ => {}
        }
        self.pump();
        if acknowledged {
            self.on_saved.emit(());
        }
    }

    fn keep_mine(&self) {
        self.machine.borrow_mut().keep_mine();
        self.pump();
    }

    fn load_theirs(&self) {
        let app = self.app();
        let record = Record::from_editor(&app.editor, &app.save_info, true);
        let name = format!("{}.mine.marginalia.json", app.article().id);
        if download::download_text(&name, "application/json", &record.to_json()).is_err() {
            // Never drop the user's version unseen: no file, no switch.
            app.dispatch(Action::error("The browser refused to download your version, so theirs was not loaded.".into()));
            return;
        }
        self.machine.borrow_mut().load_theirs();
        self.pump();
    }
}

/// What the hook drives, through the part's vtable.
impl Driven for Saver {
    fn pump(&self) {
        Saver::pump(self);
    }
    fn retire(&self) {
        Saver::retire(self);
    }
    fn keep_mine(&self) {
        Saver::keep_mine(self);
    }
    fn load_theirs(&self) {
        Saver::load_theirs(self);
    }
}
