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

use crate::deadline::{self, Answer, Failure};
use crate::state::{Action, AppState, Notice, NoticeKind};
use crate::{clock, download, storage};
use gloo::timers::callback::Timeout;
use marginalia_core::record::{Record, SaveInfo};
use marginalia_core::remote_sync::{
    LoadPurpose, Outcome, Precondition, Reaction, RemoteSync, Request, SyncConfig, SyncStatus,
};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use web_sys::{AbortController, Headers, RequestCache, RequestInit};
use yew::prelude::*;

/// The unanswered `PUT`s kept for a later check (the most recent ones: an
/// older one the server holds ends as a conflict, which loses nothing).
const UNANSWERED_KEPT: usize = 4;

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
                let s = Saver::start(endpoint.clone(), timeout_ms, in_flight, state, view, on_saved);
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

struct Saver {
    endpoint: String,
    state: UseReducerHandle<AppState>,
    machine: RefCell<RemoteSync>,
    /// The app revision last counted (the app's counter starts at 0 on
    /// every load; the machine's own revisions persist).
    seen_revision: Cell<u64>,
    timer: RefCell<Option<Timeout>>,
    /// Aborts the request in flight (shared with the hook, which aborts it
    /// when the instance goes).
    request: Rc<RefCell<Option<AbortController>>>,
    /// Another article is open, or the instance went: no more requests.
    retired: Cell<bool>,
    /// (revision, body) of the `PUT`s that timed out since one was answered.
    unanswered: RefCell<Vec<(u64, String)>>,
    show: UseStateSetter<Option<RemoteView>>,
    on_saved: Callback<()>,
    me: Weak<Saver>,
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

impl Saver {
    fn start(
        endpoint: String,
        timeout_ms: u32,
        request: Rc<RefCell<Option<AbortController>>>,
        state: UseReducerHandle<AppState>,
        show: UseStateSetter<Option<RemoteView>>,
        on_saved: Callback<()>,
    ) -> Rc<Saver> {
        let snapshot = storage::load_remote_state(&endpoint).unwrap_or_default();
        let config = SyncConfig { request_timeout_ms: timeout_ms.into(), ..SyncConfig::default() };
        let machine = RemoteSync::restore(config, snapshot);
        let seen = state.clone().revision;
        let saver = Rc::new_cyclic(|me| Saver {
            endpoint,
            state,
            machine: RefCell::new(machine),
            seen_revision: Cell::new(seen),
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
    fn retire(&self) {
        self.retired.set(true);
        self.timer.take();
    }

    /// The app's state now (a fresh handle: a long-lived one keeps every
    /// state it has read alive).
    fn app(&self) -> UseReducerHandle<AppState> {
        self.state.clone()
    }

    /// Counts the app's changes since the last look, then makes the request
    /// that is due, re-arms the timer and shows the status.
    fn pump(&self) {
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
            Timeout::new(at.saturating_sub(now).min(u32::MAX as u64) as u32, move || {
                if let Some(s) = me.upgrade() {
                    s.pump();
                }
            })
        });
        *self.timer.borrow_mut() = timer;
    }

    fn store_snapshot(&self) {
        let snapshot = self.machine.borrow().snapshot();
        if let Err(e) = storage::save_remote_state(&self.endpoint, &snapshot) {
            web_sys::console::warn_1(&format!("Marginalia: the remote save state was not stored: {e}").into());
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

    /// Whether the server's copy (`body`) is work this tab has: its own, or
    /// a version it stored or received from another tab of this browser
    /// (its work descends from each). Sending ours over it loses nothing.
    fn have(&self, body: &str) -> bool {
        let app = self.app();
        let loaded = Record::parse(body).and_then(|r| {
            let schema = r.label_schema.clone().unwrap_or_else(|| (**app.editor.schema()).clone());
            r.load(&schema)
        });
        let Ok(loaded) = loaded else { return false };
        let theirs = loaded.snapshot();
        loaded.article.sha256() == app.article().sha256()
            && (theirs == app.editor.annotations().snapshot() || app.tab_seen.iter().any(|b| b.snapshot == theirs))
    }

    /// The server's copy: (`Loaded`, its body) or a failure.
    async fn get(&self) -> (Outcome, Option<String>) {
        let init = RequestInit::new();
        init.set_method("GET");
        init.set_cache(RequestCache::NoStore);
        let response = match self.fetch(&init).await {
            Ok(r) => r,
            Err(outcome) => return (outcome, None),
        };
        match (response.status, response.header("ETag")) {
            (404, _) => (Outcome::Loaded { etag: None }, None),
            (200, Some(etag)) => (Outcome::Loaded { etag: Some(etag) }, Some(response.body)),
            // Without an ETag no write could be guarded: a broken endpoint.
            (status, _) => (Outcome::ServerError { status }, None),
        }
    }

    /// A `GET` made to check a 412: is the server's copy one of our
    /// unanswered `PUT`s (compared as JSON: a server may re-serialise it)?
    fn verify(&self, outcome: Outcome, body: Option<String>) -> Outcome {
        let Outcome::Loaded { etag: Some(etag) } = &outcome else { return outcome };
        let Some(theirs) = body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok()) else { return outcome };
        let unanswered = self.unanswered.take();
        let ours = unanswered.iter().rev().find(|(_, sent)| {
            serde_json::from_str::<serde_json::Value>(sent).is_ok_and(|sent| sent == theirs)
        });
        match ours {
            Some((revision, _)) => Outcome::OwnWrite { etag: etag.clone(), revision: *revision },
            None => outcome,
        }
    }

    /// `PUT`s the work as it is now, which is `revision` (sent along in
    /// `X-Marginalia-Revision`, so a server can see it never gets one twice);
    /// the outcome, and the body sent. The body is the light record: no
    /// `tokens` key (they are derived from `text`, and would multiply the
    /// size of every save of a long article; docs/EMBEDDING.md says how a
    /// CMS gets them).
    async fn put(&self, precondition: Precondition, revision: u64) -> (Outcome, String) {
        let body = {
            let app = self.app();
            let info = SaveInfo { updated_at: Some(clock::now_iso()), ..app.save_info.clone() };
            Record::from_editor(&app.editor, &info, false).to_json()
        };
        let headers = Headers::new().expect("Headers");
        let _ = headers.set("Content-Type", "application/json");
        let _ = headers.set("X-Marginalia-Revision", &revision.to_string());
        let _ = match &precondition {
            Precondition::IfMatch(tag) => headers.set("If-Match", tag),
            Precondition::IfNoneMatchAny => headers.set("If-None-Match", "*"),
        };
        let init = RequestInit::new();
        init.set_method("PUT");
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&body));
        let outcome = match self.fetch(&init).await {
            Ok(response) => match (response.status, response.header("ETag")) {
                (200..=299, Some(etag)) => Outcome::Saved { etag },
                (409 | 412, _) => Outcome::Conflict,
                (status, _) => Outcome::ServerError { status },
            },
            Err(outcome) => outcome,
        };
        (outcome, body)
    }

    /// One request to the endpoint, within the machine's deadline.
    async fn fetch(&self, init: &RequestInit) -> Result<Answer, Outcome> {
        let controller = AbortController::new().map_err(|_| Outcome::NetworkError)?;
        *self.request.borrow_mut() = Some(controller.clone());
        let limit = self.machine.borrow().request_timeout_ms().min(u32::MAX.into()) as u32;
        let answer = deadline::fetch(&self.endpoint, init, limit, &controller).await;
        let ours = self.request.borrow().as_ref() == Some(&controller);
        if ours {
            self.request.take();
        }
        answer.map_err(|failure| match failure {
            Failure::TimedOut => Outcome::TimedOut,
            // Cancelled: the instance went; its saver is retired.
            Failure::Cancelled | Failure::Network => Outcome::NetworkError,
        })
    }

    /// Opens the server's copy: over the same text, as one undoable step;
    /// another text opens as its own document (the current one stays in
    /// this browser). The revision this makes is not a change to send.
    fn adopt(&self, body: &str) {
        let app = self.app();
        let loaded = Record::parse(body).and_then(|r| r.load(app.editor.schema()));
        match loaded {
            Ok(loaded) if loaded.article.sha256() == app.article().sha256() => {
                if loaded.snapshot() != app.editor.annotations().snapshot() {
                    app.dispatch(Action::ApplyRecord(Rc::new(loaded), None));
                }
            }
            Ok(loaded) => {
                crate::document_session::open(&app, &app.dispatcher(), crate::document_session::chosen_save(&loaded));
            }
            Err(e) => app.dispatch(Action::Notify(Notice {
                kind: NoticeKind::Error,
                text: format!("The CMS's copy could not be opened: {e}. Your work is unchanged."),
                offer: None,
            })),
        }
        self.seen_revision.set(self.app().revision);
    }

    fn keep_mine(self: &Rc<Self>) {
        self.machine.borrow_mut().keep_mine();
        self.pump();
    }

    fn load_theirs(self: &Rc<Self>) {
        let app = self.app();
        let record = Record::from_editor(&app.editor, &app.save_info, true);
        let name = format!("{}.mine.marginalia.json", app.article().id);
        if download::download_text(&name, "application/json", &record.to_json()).is_err() {
            // Never drop the user's version unseen: no file, no switch.
            app.dispatch(Action::Notify(Notice {
                kind: NoticeKind::Error,
                text: "The browser refused to download your version, so theirs was not loaded.".into(),
                offer: None,
            }));
            return;
        }
        self.machine.borrow_mut().load_theirs();
        self.pump();
    }
}
