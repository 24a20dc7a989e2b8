//! Saving to a remote endpoint (a CMS), as a pure state machine: the browser
//! glue (`src/remote_save.rs`) feeds it changes, responses and the clock, and
//! does what it asks — one request at a time. Nothing here does I/O or reads
//! a clock, so every rule is tested with plain numbers.
//!
//! Revisions: every local change is one revision (`local`); the server has
//! acknowledged everything up to `acked`. `local - acked` are the changes
//! waiting. A `PUT` always carries the work as it is now, so it is sent as
//! revision `local`; its success acknowledges exactly that revision — never
//! a change made while it was in flight.
//!
//! Preconditions: the ETag last seen goes out as `If-Match`; with none (the
//! server had no document) `If-None-Match: *`. A 412/409 is a conflict: the
//! machine stops sending until the user chooses (keep mine, or load theirs).
//!
//! Failures: a network error (offline), a request with no answer before its
//! deadline (`request_timeout_ms`: the glue aborts it) or any other HTTP
//! error is retried with exponential backoff, capped, shortened by a
//! caller-supplied jitter.
//!
//! A `PUT` that timed out may still have been applied by the server, which
//! then refuses the retry (412: our ETag is stale). So a 412 after an
//! unanswered `PUT` is not yet a conflict: the machine `GET`s the server's
//! copy, and the glue tells whether it is exactly what one of those `PUT`s
//! carried (then that revision is acknowledged and sending goes on) or not
//! (a conflict, shown as any other).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Timings, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncConfig {
    /// Quiet time after the last change before it is sent (a burst of labels
    /// becomes one `PUT`).
    pub debounce_ms: u64,
    /// The first retry's delay; each further failure doubles it…
    pub backoff_base_ms: u64,
    /// …up to this.
    pub backoff_cap_ms: u64,
    /// A request without an answer after this long is given up (aborted)
    /// and retried like a failure.
    pub request_timeout_ms: u64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig { debounce_ms: 600, backoff_base_ms: 1_000, backoff_cap_ms: 30_000, request_timeout_ms: 15_000 }
    }
}

/// What survives a reload (kept in local storage next to the work itself),
/// so that changes the server never acknowledged are still sent after it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSnapshot {
    pub local: u64,
    pub acked: u64,
    pub etag: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Why a `GET` is made; it decides what its answer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadPurpose {
    /// On start: learn the server's ETag (and its copy, when nothing of ours
    /// is waiting).
    Start,
    /// After a conflict, "Keep mine": learn the new ETag, then overwrite.
    KeepMine,
    /// After a conflict, "Load theirs": learn the ETag and open their copy.
    LoadTheirs,
    /// A 412 after a `PUT` that got no answer: is the server's copy the one
    /// that `PUT` carried? The glue answers `Outcome::OwnWrite` if so.
    Verify,
    /// After a `412`, asked by the glue: is the server's copy work this
    /// writer already has (another tab of the same browser sent the work
    /// both tabs merged)? The glue answers `Loaded` if so — ours is then sent
    /// over it, a fast-forward — and `Conflict` if not.
    Recheck,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    IfMatch(String),
    /// The server had no document: create it only if it still has none.
    IfNoneMatchAny,
}

/// A request the glue must make now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Load { id: RequestId, purpose: LoadPurpose },
    /// `PUT` the work as it is now, which is revision `revision`.
    Save { id: RequestId, revision: u64, precondition: Precondition },
}

impl Request {
    pub fn id(&self) -> RequestId {
        match self {
            Request::Load { id, .. } | Request::Save { id, .. } => *id,
        }
    }
}

/// How a request ended, as the glue classifies the HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A `GET` answered: 200 with this ETag, or 404 (`None`: no document).
    Loaded { etag: Option<String> },
    /// A `PUT` answered 2xx with the document's new ETag.
    Saved { etag: String },
    /// 412 or 409: someone else saved since our ETag.
    Conflict,
    /// Any other HTTP status (5xx, an unexpected 4xx…).
    ServerError { status: u16 },
    /// No HTTP response at all: offline, DNS, connection refused.
    NetworkError,
    /// No answer before the deadline (`SyncConfig::request_timeout_ms`); the
    /// glue has aborted the request. A `PUT` may have been applied all the
    /// same.
    TimedOut,
    /// A `Verify` `GET` answered 200 with exactly the record that our
    /// unanswered `PUT` of `revision` carried: that write was applied.
    OwnWrite { etag: String, revision: u64 },
}

/// What the glue must do after a response, beyond waiting for the next poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    Nothing,
    /// Open the server's copy (from the `GET` just answered) in the editor.
    AdoptServerCopy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Offline,
    Server(u16),
    TimedOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InFlight {
    Load(RequestId, LoadPurpose),
    Save(RequestId, u64),
}

/// The line the page shows. `pending` counts revisions not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// The first `GET` has not answered yet.
    Connecting,
    Saved,
    /// Changes wait for the debounce, or a `PUT` is in flight.
    Saving { pending: u64 },
    Offline { pending: u64, retry_in_ms: u64 },
    Failed { status: u16, pending: u64, retry_in_ms: u64 },
    /// The last request got no answer within `after_ms`.
    TimedOut { after_ms: u64, pending: u64, retry_in_ms: u64 },
    Conflict { pending: u64 },
}

fn changes(n: u64) -> String {
    format!("{n} change{}", if n == 1 { "" } else { "s" })
}

/// Whole seconds, rounded up: "retrying in 1 s" until it happens.
fn seconds(ms: u64) -> u64 {
    ms.div_ceil(1000)
}

fn waiting(pending: u64) -> String {
    if pending == 0 { "nothing waiting".to_string() } else { format!("{} waiting", changes(pending)) }
}

fn retrying(ms: u64) -> String {
    if ms == 0 {
        "retrying now".into()
    } else {
        format!("retrying in {} s", seconds(ms))
    }
}

impl fmt::Display for SyncStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SyncStatus::Connecting => write!(f, "Connecting to the CMS…"),
            SyncStatus::Saved => write!(f, "Saved"),
            SyncStatus::Saving { .. } => write!(f, "Saving…"),
            SyncStatus::Offline { pending: 0, retry_in_ms } => {
                write!(f, "Offline — {}", retrying(retry_in_ms))
            }
            SyncStatus::Offline { pending, retry_in_ms } => {
                write!(f, "Offline — {} waiting, {}", changes(pending), retrying(retry_in_ms))
            }
            SyncStatus::Failed { status, pending, retry_in_ms } => {
                write!(f, "Save failed (HTTP {status}) — {}, {}", retrying(retry_in_ms), waiting(pending))
            }
            SyncStatus::TimedOut { after_ms, pending, retry_in_ms } => {
                write!(f, "No answer after {} — {}, {}", crate::embed::duration_text(after_ms), retrying(retry_in_ms), waiting(pending))
            }
            SyncStatus::Conflict { .. } => write!(f, "Conflict: someone else saved this document"),
        }
    }
}

impl SyncStatus {
    /// A short machine-readable name (`data-state` in the page, for styling
    /// and tests).
    pub fn kind(&self) -> &'static str {
        match self {
            SyncStatus::Connecting => "connecting",
            SyncStatus::Saved => "saved",
            SyncStatus::Saving { .. } => "saving",
            SyncStatus::Offline { .. } => "offline",
            SyncStatus::Failed { .. } => "failed",
            SyncStatus::TimedOut { .. } => "timeout",
            SyncStatus::Conflict { .. } => "conflict",
        }
    }
}

/// The delay before retry number `failures` (1 = the first retry):
/// `base · 2^(failures-1)`, capped, then shortened by up to a quarter by
/// `jitter` ∈ [0, 1] so that many clients do not retry in step.
pub fn backoff_ms(config: &SyncConfig, failures: u32, jitter: f64) -> u64 {
    let doublings = failures.saturating_sub(1).min(32);
    let exp = config.backoff_base_ms.saturating_mul(1u64 << doublings).min(config.backoff_cap_ms);
    let cut = (exp as f64 * jitter.clamp(0.0, 1.0) / 4.0) as u64;
    exp - cut
}

#[derive(Debug, Clone)]
pub struct RemoteSync {
    config: SyncConfig,
    local: u64,
    acked: u64,
    etag: Option<String>,
    next_id: u64,
    in_flight: Option<InFlight>,
    /// A `GET` that must be made before anything else.
    need_load: Option<LoadPurpose>,
    conflict: bool,
    failure: Option<Failure>,
    failures: u32,
    /// After a failure, no request before this (backoff).
    retry_at: u64,
    /// No `PUT` before this: the debounce after the last change.
    send_after: u64,
    /// A `PUT` got no answer (timed out) since the last `PUT` the server
    /// answered: the server may hold what it carried.
    unanswered: bool,
}

impl RemoteSync {
    /// A fresh start: nothing waiting, the server's state unknown.
    pub fn new(config: SyncConfig) -> Self {
        Self::restore(config, SyncSnapshot::default())
    }

    /// After a reload: the revisions still waiting and the ETag last seen.
    /// The first request is a `GET` all the same, to learn whether someone
    /// saved meanwhile.
    pub fn restore(config: SyncConfig, snapshot: SyncSnapshot) -> Self {
        RemoteSync {
            config,
            local: snapshot.local.max(snapshot.acked),
            acked: snapshot.acked,
            etag: snapshot.etag,
            next_id: 0,
            in_flight: None,
            need_load: Some(LoadPurpose::Start),
            conflict: false,
            failure: None,
            failures: 0,
            retry_at: 0,
            send_after: 0,
            unanswered: false,
        }
    }

    pub fn snapshot(&self) -> SyncSnapshot {
        SyncSnapshot { local: self.local, acked: self.acked, etag: self.etag.clone() }
    }

    pub fn local(&self) -> u64 {
        self.local
    }

    pub fn acked(&self) -> u64 {
        self.acked
    }

    pub fn pending(&self) -> u64 {
        self.local - self.acked
    }

    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    pub fn in_conflict(&self) -> bool {
        self.conflict
    }

    /// How long the glue lets a request run before aborting it and
    /// answering [`Outcome::TimedOut`].
    pub fn request_timeout_ms(&self) -> u64 {
        self.config.request_timeout_ms
    }

    /// A local change at `now`; returns its revision. It is sent after the
    /// debounce — unless a retry is already scheduled, which it joins.
    pub fn change(&mut self, now: u64) -> u64 {
        self.local += 1;
        if self.failure.is_none() {
            self.send_after = now + self.config.debounce_ms;
        }
        self.local
    }

    /// The request to make now, if any; it is then in flight until
    /// [`RemoteSync::respond`] gets its outcome.
    pub fn poll(&mut self, now: u64) -> Option<Request> {
        if self.in_flight.is_some() || now < self.retry_at {
            return None;
        }
        let id = RequestId(self.next_id);
        if let Some(purpose) = self.need_load {
            self.next_id += 1;
            self.in_flight = Some(InFlight::Load(id, purpose));
            return Some(Request::Load { id, purpose });
        }
        if self.conflict || self.local == self.acked || now < self.send_after {
            return None;
        }
        self.next_id += 1;
        self.in_flight = Some(InFlight::Save(id, self.local));
        let precondition = match &self.etag {
            Some(tag) => Precondition::IfMatch(tag.clone()),
            None => Precondition::IfNoneMatchAny,
        };
        Some(Request::Save { id, revision: self.local, precondition })
    }

    /// When the glue should poll next (`None`: only after a change, a
    /// response or a choice).
    pub fn next_wake(&self) -> Option<u64> {
        if self.in_flight.is_some() {
            return None;
        }
        if self.need_load.is_some() {
            Some(self.retry_at)
        } else if !self.conflict && self.local > self.acked {
            Some(self.retry_at.max(self.send_after))
        } else {
            None
        }
    }

    /// The outcome of request `id` at `now`. An answer to anything but the
    /// request in flight is ignored. `jitter` ∈ [0, 1] shortens a retry's
    /// delay (see [`backoff_ms`]).
    pub fn respond(&mut self, id: RequestId, outcome: Outcome, now: u64, jitter: f64) -> Reaction {
        let Some(flight) = self.in_flight.filter(|f| match f {
            InFlight::Load(i, _) | InFlight::Save(i, _) => *i == id,
        }) else {
            return Reaction::Nothing;
        };
        self.in_flight = None;
        match (flight, outcome) {
            (_, Outcome::NetworkError) => self.fail(Failure::Offline, now, jitter),
            (_, Outcome::ServerError { status }) => self.fail(Failure::Server(status), now, jitter),
            (_, Outcome::TimedOut) => {
                // The server may have applied a `PUT` whose answer never came.
                self.unanswered |= matches!(flight, InFlight::Save(..));
                self.fail(Failure::TimedOut, now, jitter)
            }
            (InFlight::Load(_, LoadPurpose::Verify), Outcome::OwnWrite { etag, revision }) => {
                self.recovered();
                self.need_load = None;
                self.unanswered = false;
                self.acked = self.acked.max(revision.min(self.local));
                self.etag = Some(etag);
                // What came after that write goes out now.
                self.send_after = 0;
                Reaction::Nothing
            }
            (InFlight::Load(_, LoadPurpose::Verify), Outcome::Loaded { .. }) => {
                // Not our write: someone else saved. Keep the ETag ours was
                // based on, so "Keep mine" and "Load theirs" decide as usual.
                self.recovered();
                self.need_load = None;
                self.unanswered = false;
                self.conflict = true;
                Reaction::Nothing
            }
            (InFlight::Load(_, purpose), Outcome::Loaded { etag }) => {
                self.recovered();
                self.need_load = None;
                self.loaded(purpose, etag)
            }
            (InFlight::Save(_, revision), Outcome::Saved { etag }) => {
                self.recovered();
                // Our ETag was current, so no unanswered `PUT` was applied.
                self.unanswered = false;
                // Only what this request carried: later changes still wait.
                self.acked = self.acked.max(revision);
                self.etag = Some(etag);
                Reaction::Nothing
            }
            (InFlight::Save(..), Outcome::Conflict) if self.unanswered => {
                // Perhaps our own unanswered write made our ETag stale.
                self.recovered();
                self.need_load = Some(LoadPurpose::Verify);
                Reaction::Nothing
            }
            (InFlight::Save(..), Outcome::Conflict) | (InFlight::Load(_, LoadPurpose::Recheck), Outcome::Conflict) => {
                self.recovered();
                self.need_load = None;
                self.conflict = true;
                Reaction::Nothing
            }
            // A `GET` answered like a `PUT` or the reverse: a broken server.
            (_, Outcome::Loaded { .. } | Outcome::Saved { .. } | Outcome::Conflict | Outcome::OwnWrite { .. }) => {
                self.fail(Failure::Server(0), now, jitter)
            }
        }
    }

    fn loaded(&mut self, purpose: LoadPurpose, etag: Option<String>) -> Reaction {
        match purpose {
            // Work waiting from before: keep the ETag it was based on, so
            // that a save by someone else meanwhile is a conflict, not lost.
            LoadPurpose::Start if self.pending() > 0 => Reaction::Nothing,
            LoadPurpose::Start => {
                let has_copy = etag.is_some();
                self.etag = etag;
                if has_copy { Reaction::AdoptServerCopy } else { Reaction::Nothing }
            }
            LoadPurpose::KeepMine | LoadPurpose::Recheck => {
                self.etag = etag;
                self.conflict = false;
                self.send_after = 0;
                Reaction::Nothing
            }
            LoadPurpose::LoadTheirs => {
                let has_copy = etag.is_some();
                self.etag = etag;
                self.conflict = false;
                // Ours was set aside by the user's choice: nothing waits.
                self.acked = self.local;
                if has_copy { Reaction::AdoptServerCopy } else { Reaction::Nothing }
            }
            // Answered above: `Loaded` to a `Verify` is a conflict.
            LoadPurpose::Verify => Reaction::Nothing,
        }
    }

    fn fail(&mut self, failure: Failure, now: u64, jitter: f64) -> Reaction {
        self.failures += 1;
        self.failure = Some(failure);
        self.retry_at = now + backoff_ms(&self.config, self.failures, jitter);
        Reaction::Nothing
    }

    fn recovered(&mut self) {
        self.failures = 0;
        self.failure = None;
    }

    /// "Keep mine": overwrite the server's copy with ours (after learning
    /// its current ETag). Only during a conflict.
    pub fn keep_mine(&mut self) {
        if self.conflict && self.in_flight.is_none() {
            self.need_load = Some(LoadPurpose::KeepMine);
        }
    }

    /// After a conflict, before showing it: fetch the server's copy for the
    /// glue to compare with the work it has ([`LoadPurpose::Recheck`]).
    pub fn recheck(&mut self) {
        if self.conflict && self.in_flight.is_none() {
            self.conflict = false;
            self.need_load = Some(LoadPurpose::Recheck);
        }
    }

    /// "Load theirs": fetch the server's copy and open it; the glue offers
    /// ours as a file first. Only during a conflict.
    pub fn load_theirs(&mut self) {
        if self.conflict && self.in_flight.is_none() {
            self.need_load = Some(LoadPurpose::LoadTheirs);
        }
    }

    pub fn status(&self, now: u64) -> SyncStatus {
        let pending = self.pending();
        let retry_in_ms = self.retry_at.saturating_sub(now);
        if self.conflict {
            return SyncStatus::Conflict { pending };
        }
        match self.failure {
            Some(Failure::Offline) => return SyncStatus::Offline { pending, retry_in_ms },
            Some(Failure::Server(status)) => return SyncStatus::Failed { status, pending, retry_in_ms },
            Some(Failure::TimedOut) => {
                let after_ms = self.config.request_timeout_ms;
                return SyncStatus::TimedOut { after_ms, pending, retry_in_ms };
            }
            None => {}
        }
        if self.need_load == Some(LoadPurpose::Start) && pending == 0 {
            return SyncStatus::Connecting;
        }
        if pending > 0 || matches!(self.in_flight, Some(InFlight::Save(..))) || self.need_load.is_some() {
            SyncStatus::Saving { pending }
        } else {
            SyncStatus::Saved
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CFG: SyncConfig =
        SyncConfig { debounce_ms: 500, backoff_base_ms: 1_000, backoff_cap_ms: 8_000, request_timeout_ms: 15_000 };

    /// A machine whose start-up `GET` found `etag` on the server.
    fn started(etag: Option<&str>) -> RemoteSync {
        let mut m = RemoteSync::new(CFG);
        let r = m.poll(0).expect("a GET first");
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::Start, .. }));
        m.respond(r.id(), Outcome::Loaded { etag: etag.map(str::to_string) }, 0, 0.0);
        m
    }

    fn put(m: &mut RemoteSync, now: u64) -> (RequestId, u64, Precondition) {
        match m.poll(now) {
            Some(Request::Save { id, revision, precondition }) => (id, revision, precondition),
            other => panic!("expected a PUT at {now}, got {other:?}"),
        }
    }

    fn saved(etag: &str) -> Outcome {
        Outcome::Saved { etag: etag.into() }
    }

    #[test]
    fn the_first_get_decides_the_precondition() {
        let mut m = RemoteSync::new(CFG);
        assert_eq!(m.status(0), SyncStatus::Connecting);
        m.change(0);
        assert_eq!(m.poll(0).map(|r| matches!(r, Request::Load { .. })), Some(true), "GET before any PUT");
        assert_eq!(m.poll(0), None, "one request at a time");

        let mut fresh = started(None);
        fresh.change(10);
        assert_eq!(put(&mut fresh, 510).2, Precondition::IfNoneMatchAny);
        let mut existing = started(Some("\"v7\""));
        existing.change(10);
        assert_eq!(put(&mut existing, 510).2, Precondition::IfMatch("\"v7\"".into()));
    }

    #[test]
    fn a_start_with_nothing_waiting_adopts_the_server_copy() {
        let mut m = RemoteSync::new(CFG);
        let r = m.poll(0).unwrap();
        assert_eq!(m.respond(r.id(), Outcome::Loaded { etag: Some("e".into()) }, 0, 0.0), Reaction::AdoptServerCopy);
        assert_eq!(m.status(0), SyncStatus::Saved);
        let mut empty = RemoteSync::new(CFG);
        let r = empty.poll(0).unwrap();
        assert_eq!(empty.respond(r.id(), Outcome::Loaded { etag: None }, 0, 0.0), Reaction::Nothing);
    }

    #[test]
    fn changes_are_debounced_into_one_put() {
        let mut m = started(None);
        m.change(0);
        m.change(300);
        assert_eq!(m.poll(700), None, "500 ms after the last change, not the first");
        assert_eq!(m.next_wake(), Some(800));
        assert_eq!(m.status(700), SyncStatus::Saving { pending: 2 });
        let (id, rev, _) = put(&mut m, 800);
        assert_eq!(rev, 2);
        m.respond(id, saved("e1"), 850, 0.0);
        assert_eq!(m.status(850), SyncStatus::Saved);
        assert_eq!(m.poll(10_000), None, "an acknowledged revision is never sent again");
    }

    #[test]
    fn a_change_during_a_put_is_not_marked_saved_by_it() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, rev, _) = put(&mut m, 500);
        m.change(600);
        m.respond(id, saved("e1"), 700, 0.0);
        assert_eq!((m.acked(), m.local()), (rev, 2));
        assert_eq!(m.status(700), SyncStatus::Saving { pending: 1 });
        let (_, rev2, pre) = put(&mut m, 1_100);
        assert_eq!((rev2, pre), (2, Precondition::IfMatch("e1".into())), "the new ETag goes out");
    }

    #[test]
    fn a_stale_answer_is_ignored() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        assert_eq!(m.respond(RequestId(id.0 + 99), saved("x"), 600, 0.0), Reaction::Nothing);
        assert_eq!(m.acked(), 0);
        m.respond(id, saved("e1"), 600, 0.0);
        m.respond(id, saved("again"), 700, 0.0);
        assert_eq!(m.etag(), Some("e1"), "a second answer to the same request changes nothing");
    }

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap() {
        let mut m = started(Some("e0"));
        m.change(0);
        let mut now = 500;
        let mut delays = Vec::new();
        for _ in 0..6 {
            let (id, _, _) = put(&mut m, now);
            m.respond(id, Outcome::ServerError { status: 500 }, now, 0.0);
            let wake = m.next_wake().unwrap();
            delays.push(wake - now);
            assert_eq!(m.poll(wake - 1), None, "no retry before its time");
            now = wake;
        }
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
        assert_eq!(m.status(now - 3_000), SyncStatus::Failed { status: 500, pending: 1, retry_in_ms: 3_000 });
        assert_eq!(m.status(now - 3_000).to_string(), "Save failed (HTTP 500) — retrying in 3 s, 1 change waiting");
        let (id, _, _) = put(&mut m, now);
        m.respond(id, saved("e1"), now, 0.0);
        assert_eq!(m.status(now), SyncStatus::Saved);
        // Recovery resets the backoff.
        m.change(now);
        let (id, _, _) = put(&mut m, now + 500);
        m.respond(id, Outcome::NetworkError, now + 500, 0.0);
        assert_eq!(m.next_wake(), Some(now + 1_500));
    }

    #[test]
    fn jitter_only_shortens_and_never_passes_the_cap() {
        assert_eq!(backoff_ms(&CFG, 1, 1.0), 750);
        assert_eq!(backoff_ms(&CFG, 3, 0.5), 3_500);
        assert_eq!(backoff_ms(&CFG, 200, 0.0), 8_000);
        assert_eq!(backoff_ms(&CFG, 200, 7.0), 6_000, "jitter is clamped to [0, 1]");
    }

    #[test]
    fn offline_counts_the_changes_waiting_and_changes_join_the_retry() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::NetworkError, 500, 0.0);
        m.change(600);
        m.change(1_400);
        assert_eq!(m.next_wake(), Some(1_500), "a change does not push the retry back");
        assert_eq!(m.status(600).to_string(), "Offline — 3 changes waiting, retrying in 1 s");
        let (_, rev, _) = put(&mut m, 1_500);
        assert_eq!(rev, 3, "the retry carries every change");
    }

    #[test]
    fn a_failed_start_get_is_retried_before_any_put() {
        let mut m = RemoteSync::new(CFG);
        let r = m.poll(0).unwrap();
        m.respond(r.id(), Outcome::NetworkError, 0, 0.0);
        m.change(10);
        assert_eq!(m.poll(999), None);
        assert!(matches!(m.poll(1_000), Some(Request::Load { purpose: LoadPurpose::Start, .. })));
    }

    #[test]
    fn a_reload_keeps_what_waits_and_its_etag() {
        let mut m = started(Some("e0"));
        m.change(0);
        m.change(1);
        let (id, _, _) = put(&mut m, 600);
        m.respond(id, Outcome::ServerError { status: 503 }, 600, 0.0);
        let snap = m.snapshot();
        assert_eq!(snap, SyncSnapshot { local: 2, acked: 0, etag: Some("e0".into()) });

        let mut again = RemoteSync::restore(CFG, snap);
        let r = again.poll(0).unwrap();
        // The server changed nothing: the same ETag comes back.
        assert_eq!(again.respond(r.id(), Outcome::Loaded { etag: Some("e0".into()) }, 0, 0.0), Reaction::Nothing);
        let (_, rev, pre) = put(&mut again, 0);
        assert_eq!((rev, pre), (2, Precondition::IfMatch("e0".into())));
    }

    #[test]
    fn a_reload_after_someone_else_saved_keeps_the_old_etag_so_the_server_refuses() {
        let snap = SyncSnapshot { local: 3, acked: 1, etag: Some("e1".into()) };
        let mut m = RemoteSync::restore(CFG, snap);
        let r = m.poll(0).unwrap();
        assert_eq!(m.respond(r.id(), Outcome::Loaded { etag: Some("theirs".into()) }, 0, 0.0), Reaction::Nothing);
        let (id, _, pre) = put(&mut m, 0);
        assert_eq!(pre, Precondition::IfMatch("e1".into()));
        m.respond(id, Outcome::Conflict, 10, 0.0);
        assert_eq!(m.status(10).to_string(), "Conflict: someone else saved this document");
    }

    #[test]
    fn a_conflict_stops_sending_until_the_user_chooses_keep_mine() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::Conflict, 500, 0.0);
        m.change(600);
        assert_eq!(m.poll(60_000), None, "nothing goes out while in conflict");
        assert_eq!(m.status(600), SyncStatus::Conflict { pending: 2 });
        m.keep_mine();
        let r = m.poll(60_000).unwrap();
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::KeepMine, .. }));
        m.respond(r.id(), Outcome::Loaded { etag: Some("theirs".into()) }, 60_000, 0.0);
        let (id, rev, pre) = put(&mut m, 60_000);
        assert_eq!((rev, pre), (2, Precondition::IfMatch("theirs".into())), "overwrite at once, against their ETag");
        m.respond(id, saved("mine"), 60_010, 0.0);
        assert_eq!(m.status(60_010), SyncStatus::Saved);
    }

    #[test]
    fn load_theirs_sets_ours_aside_and_adopts_their_copy() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::Conflict, 500, 0.0);
        m.load_theirs();
        let r = m.poll(500).unwrap();
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::LoadTheirs, .. }));
        assert_eq!(m.respond(r.id(), Outcome::Loaded { etag: Some("theirs".into()) }, 500, 0.0), Reaction::AdoptServerCopy);
        assert_eq!((m.status(500), m.poll(5_000)), (SyncStatus::Saved, None));
        m.change(6_000);
        assert_eq!(put(&mut m, 6_500).2, Precondition::IfMatch("theirs".into()));
    }

    #[test]
    fn a_recheck_sends_ours_over_a_copy_we_have_and_otherwise_shows_the_conflict() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::Conflict, 500, 0.0);
        m.recheck();
        assert_eq!(m.status(500), SyncStatus::Saving { pending: 1 }, "no conflict shown while checking");
        let r = m.poll(500).unwrap();
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::Recheck, .. }));
        // The server holds what the other tab sent, which we merged: ours goes over it.
        m.respond(r.id(), Outcome::Loaded { etag: Some("tab".into()) }, 510, 0.0);
        let (id, rev, pre) = put(&mut m, 510);
        assert_eq!((rev, pre), (1, Precondition::IfMatch("tab".into())));
        m.respond(id, saved("e2"), 520, 0.0);
        assert_eq!(m.status(520), SyncStatus::Saved);

        // Someone else's copy: the conflict shows, and stays until a choice.
        m.change(600);
        let (id, _, _) = put(&mut m, 1_100);
        m.respond(id, Outcome::Conflict, 1_100, 0.0);
        m.recheck();
        let r = m.poll(1_100).unwrap();
        m.respond(r.id(), Outcome::Conflict, 1_110, 0.0);
        assert_eq!(m.status(1_110), SyncStatus::Conflict { pending: 1 });
        assert_eq!(m.poll(60_000), None);
    }

    #[test]
    fn choices_outside_a_conflict_do_nothing() {
        let mut m = started(Some("e0"));
        m.keep_mine();
        m.load_theirs();
        assert_eq!(m.poll(10_000), None);
    }

    #[test]
    fn a_put_without_an_answer_times_out_and_work_flows_once_the_endpoint_answers() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, rev, _) = put(&mut m, 500);
        assert_eq!(m.next_wake(), None, "the glue's deadline ends a request, not the machine's timer");
        m.respond(id, Outcome::TimedOut, 15_500, 0.0);
        assert_eq!(m.acked(), 0, "an unanswered revision is not saved");
        assert_eq!(m.status(15_500), SyncStatus::TimedOut { after_ms: 15_000, pending: 1, retry_in_ms: 1_000 });
        assert_eq!(m.status(15_500).kind(), "timeout");
        assert_eq!(m.status(15_500).to_string(), "No answer after 15 s — retrying in 1 s, 1 change waiting");
        m.change(15_600);
        assert_eq!(m.next_wake(), Some(16_500), "a change joins the retry");
        // Still no answer: the backoff grows as for any failure.
        let (id, rev2, pre) = put(&mut m, 16_500);
        assert_eq!((rev, rev2, pre), (1, 2, Precondition::IfMatch("e0".into())));
        m.respond(id, Outcome::TimedOut, 31_500, 0.0);
        assert_eq!(m.next_wake(), Some(33_500));
        // The endpoint answers again: the retry carries every change…
        let (id, rev3, _) = put(&mut m, 33_500);
        assert_eq!(rev3, 2);
        m.respond(id, saved("e1"), 33_600, 0.0);
        assert_eq!((m.acked(), m.status(33_600)), (2, SyncStatus::Saved));
        // …and later changes are sent as usual.
        m.change(40_000);
        let (id, rev4, pre) = put(&mut m, 40_500);
        assert_eq!((rev4, pre), (3, Precondition::IfMatch("e1".into())));
        m.respond(id, saved("e2"), 40_600, 0.0);
        assert_eq!(m.status(40_600), SyncStatus::Saved);
    }

    #[test]
    fn a_start_get_without_an_answer_is_retried() {
        let mut m = RemoteSync::new(CFG);
        let r = m.poll(0).unwrap();
        m.respond(r.id(), Outcome::TimedOut, 15_000, 0.0);
        assert_eq!(m.status(15_000).to_string(), "No answer after 15 s — retrying in 1 s, nothing waiting");
        assert_eq!(m.poll(15_999), None);
        let r = m.poll(16_000).unwrap();
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::Start, .. }));
        assert_eq!(m.respond(r.id(), Outcome::Loaded { etag: Some("e".into()) }, 16_000, 0.0), Reaction::AdoptServerCopy);
        // A timed-out `GET` writes nothing: a later 412 is a plain conflict.
        m.change(16_000);
        let (id, _, _) = put(&mut m, 16_500);
        m.respond(id, Outcome::Conflict, 16_600, 0.0);
        assert_eq!(m.status(16_600), SyncStatus::Conflict { pending: 1 });
    }

    /// The server applied a `PUT` but its answer never came: the retry,
    /// against the old ETag, meets a 412 — our own write, not a conflict.
    #[test]
    fn a_412_after_an_unanswered_put_the_server_applied_acknowledges_that_put() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::TimedOut, 15_500, 0.0);
        m.change(15_600);
        let (id, _, pre) = put(&mut m, 16_500);
        assert_eq!(pre, Precondition::IfMatch("e0".into()));
        m.respond(id, Outcome::Conflict, 16_600, 0.0);
        assert!(!m.in_conflict());
        assert_eq!(m.status(16_600), SyncStatus::Saving { pending: 2 });
        let r = m.poll(16_600).expect("the server's copy is checked at once");
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::Verify, .. }), "{r:?}");
        m.respond(r.id(), Outcome::OwnWrite { etag: "e1".into(), revision: 1 }, 16_700, 0.0);
        assert_eq!((m.acked(), m.etag()), (1, Some("e1")), "the write that was applied counts as saved");
        // The change made after it goes out at once, against its ETag.
        let (id, rev, pre) = put(&mut m, 16_700);
        assert_eq!((rev, pre), (2, Precondition::IfMatch("e1".into())));
        m.respond(id, saved("e2"), 16_800, 0.0);
        assert_eq!(m.status(16_800), SyncStatus::Saved);
    }

    /// A 412 after an unanswered `PUT`, and the server holds someone else's
    /// copy: the conflict flow takes over, and "Keep mine" loses nothing.
    #[test]
    fn a_412_after_an_unanswered_put_with_another_copy_is_a_conflict_that_keeps_our_work() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::TimedOut, 15_500, 0.0);
        m.change(15_600);
        let (id, _, _) = put(&mut m, 16_500);
        m.respond(id, Outcome::Conflict, 16_600, 0.0);
        let r = m.poll(16_600).unwrap();
        // The `GET` may time out too: it is retried like any request.
        m.respond(r.id(), Outcome::TimedOut, 31_600, 0.0);
        assert_eq!(m.status(31_600).kind(), "timeout");
        let r = m.poll(32_600).unwrap();
        assert!(matches!(r, Request::Load { purpose: LoadPurpose::Verify, .. }), "{r:?}");
        m.respond(r.id(), Outcome::Loaded { etag: Some("theirs".into()) }, 32_700, 0.0);
        assert_eq!(m.status(32_700), SyncStatus::Conflict { pending: 2 });
        assert_eq!(m.poll(60_000), None, "nothing goes out while in conflict");
        m.keep_mine();
        let r = m.poll(60_000).unwrap();
        m.respond(r.id(), Outcome::Loaded { etag: Some("theirs".into()) }, 60_000, 0.0);
        let (id, rev, pre) = put(&mut m, 60_000);
        assert_eq!((rev, pre), (2, Precondition::IfMatch("theirs".into())), "every change goes out");
        m.respond(id, saved("mine"), 60_100, 0.0);
        assert_eq!((m.acked(), m.status(60_100)), (2, SyncStatus::Saved));
    }

    #[test]
    fn an_answered_put_clears_the_doubt_of_an_unanswered_one() {
        let mut m = started(Some("e0"));
        m.change(0);
        let (id, _, _) = put(&mut m, 500);
        m.respond(id, Outcome::TimedOut, 15_500, 0.0);
        // The retry succeeds against e0: the unanswered write was never applied.
        let (id, _, _) = put(&mut m, 16_500);
        m.respond(id, saved("e1"), 16_600, 0.0);
        m.change(17_000);
        let (id, _, _) = put(&mut m, 17_500);
        m.respond(id, Outcome::Conflict, 17_600, 0.0);
        assert!(m.in_conflict(), "a later 412 is someone else's save");
        // An `OwnWrite` to anything but a `Verify` is a broken server.
        let mut n = started(Some("e0"));
        n.change(0);
        let (id, _, _) = put(&mut n, 500);
        n.respond(id, Outcome::OwnWrite { etag: "x".into(), revision: 1 }, 600, 0.0);
        assert_eq!((n.acked(), n.status(600).kind()), (0, "failed"));
    }

    #[test]
    fn status_wording() {
        assert_eq!(
            SyncStatus::TimedOut { after_ms: 1_500, pending: 3, retry_in_ms: 0 }.to_string(),
            "No answer after 1.5 s — retrying now, 3 changes waiting"
        );
        assert_eq!(SyncStatus::Saved.to_string(), "Saved");
        assert_eq!(SyncStatus::Saving { pending: 1 }.to_string(), "Saving…");
        assert_eq!(SyncStatus::Offline { pending: 1, retry_in_ms: 7_001 }.to_string(), "Offline — 1 change waiting, retrying in 8 s");
        assert_eq!(SyncStatus::Offline { pending: 0, retry_in_ms: 0 }.to_string(), "Offline — retrying now");
    }

    #[derive(Debug, Clone)]
    enum Step {
        Change,
        Tick(u64),
        Answer(u8, u8),
        KeepMine,
        LoadTheirs,
        Recheck,
    }

    fn outcome(kind: u8, n: u8) -> Outcome {
        match kind % 8 {
            0 | 1 => Outcome::Saved { etag: format!("e{n}") },
            2 => Outcome::Loaded { etag: (n % 2 == 0).then(|| format!("e{n}")) },
            3 => Outcome::Conflict,
            4 => Outcome::ServerError { status: 500 + (n % 4) as u16 },
            5 => Outcome::TimedOut,
            6 => Outcome::OwnWrite { etag: format!("e{n}"), revision: (n % 8) as u64 },
            _ => Outcome::NetworkError,
        }
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => Just(Step::Change),
            3 => (0u64..5_000).prop_map(Step::Tick),
            4 => (any::<u8>(), any::<u8>()).prop_map(|(k, n)| Step::Answer(k, n)),
            1 => Just(Step::KeepMine),
            1 => Just(Step::LoadTheirs),
            1 => Just(Step::Recheck),
        ]
    }

    proptest! {
        /// Whatever happens, in any order (answers to old or unknown
        /// requests included): the acknowledged revision never goes back and
        /// never passes the latest change; one request at a time; a `PUT`
        /// never carries an acknowledged revision.
        #[test]
        fn acked_is_monotone_and_bounded(steps in proptest::collection::vec(step(), 0..80), jitter in 0.0f64..=1.0) {
            let mut m = RemoteSync::new(CFG);
            let mut now = 0u64;
            let mut sent: Vec<RequestId> = Vec::new();
            let mut open: Option<RequestId> = None;
            let mut open_save: Option<u64> = None;
            for s in steps {
                let before = m.acked();
                match s {
                    Step::Change => { m.change(now); }
                    Step::Tick(ms) => now += ms,
                    Step::Answer(kind, n) => {
                        // Mostly the open request; sometimes an old one.
                        let id = match (open, sent.get(n as usize % (sent.len() + 1))) {
                            (Some(o), _) if n % 4 != 0 => o,
                            (_, Some(old)) => *old,
                            (o, None) => o.unwrap_or(RequestId(999)),
                        };
                        let answer = outcome(kind, n);
                        let saved = matches!(answer, Outcome::Saved { .. });
                        m.respond(id, answer, now, jitter);
                        if Some(id) == open {
                            // A save acknowledges what it carried, no more.
                            if let (true, Some(rev)) = (saved, open_save) {
                                prop_assert_eq!(m.acked(), before.max(rev));
                            }
                            open = None;
                            open_save = None;
                        }
                    }
                    Step::KeepMine => m.keep_mine(),
                    Step::LoadTheirs => m.load_theirs(),
                    Step::Recheck => m.recheck(),
                }
                if let Some(r) = m.poll(now) {
                    prop_assert!(open.is_none(), "a second request while one is in flight");
                    if let Request::Save { revision, .. } = r {
                        prop_assert!(revision > m.acked(), "re-sending acknowledged revision {revision}");
                        prop_assert_eq!(revision, m.local());
                        open_save = Some(revision);
                    }
                    open = Some(r.id());
                    sent.push(r.id());
                }
                prop_assert!(m.acked() >= before, "acked went back from {} to {}", before, m.acked());
                prop_assert!(m.acked() <= m.local(), "acked {} passed local {}", m.acked(), m.local());
            }
        }
    }
}
