//! The reference save endpoint: what a CMS must do for Marginalia's remote
//! save, in memory, std only — for the example (`cargo xtask serve`) and the
//! end-to-end tests (`tests/e2e/src/lib.rs` includes this very file). Not a
//! product server: nothing is kept when the process ends.
//!
//! Mounted at `/api/annotations/<doc>` on the app's origin (see
//! `docs/EMBEDDING.md`, "Saving to the CMS"):
//! - `GET` → 200 with the stored JSON and its `ETag`, or 404;
//! - `PUT` → needs `If-Match: <etag>` (update) or `If-None-Match: *`
//!   (create): 201/204 with the new `ETag`; 412 when the precondition fails,
//!   428 without one (a write must never overwrite blindly).
//!
//! Fault injection, for tests and demos:
//! `POST /api/annotations/__fail?status=500&count=3&doc=d1` makes the next
//! three requests for document `d1` (any document without `doc`) answer 500
//! (`status=0`: the connection is closed with no answer, like a network
//! failure).
//!
//! A server that never answers: `POST /api/annotations/__hang?mode=hold&doc=d1`
//! holds every request for `d1` open with no answer; `mode=apply` does the
//! same after applying a `PUT` (the write happens, its answer is lost);
//! `mode=off` answers again, and closes the held connections unanswered.

// Shared by two crates, each of which uses part of it.
#![allow(dead_code)]

use crate::static_server::{ApiHandler, HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub const PREFIX: &str = "/api/annotations/";

/// One `PUT` as received, for tests to count writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutLog {
    pub doc: String,
    pub body: String,
    /// The writer's revision (`X-Marginalia-Revision`), when it sent one.
    pub revision: Option<u64>,
    /// The answer's status (201/204 written, 412 refused, 500 injected…).
    pub status: u16,
    /// Whether the answer was sent (`false`: held by a hang).
    pub answered: bool,
}

/// How requests for a document are held without an answer (see the module
/// header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hang {
    /// Answer as usual (and close the connections held so far).
    Off,
    /// Hold every request open, unprocessed.
    Hold,
    /// Apply a `PUT` as usual, then hold it: the write happened, its
    /// answer never comes.
    Apply,
}

/// The longest a held connection is kept (then it is closed unanswered),
/// so that a forgotten hang does not keep threads forever.
pub const HOLD_LIMIT: Duration = Duration::from_secs(300);

/// Requests held open without an answer until their hang is lifted (or
/// [`HOLD_LIMIT`]), then closed unanswered. One per switch; the suggestion
/// endpoint has its own.
#[derive(Default)]
pub struct Gate {
    on: Mutex<bool>,
    lifted: Condvar,
}

impl Gate {
    pub const fn new() -> Gate {
        Gate { on: Mutex::new(false), lifted: Condvar::new() }
    }

    pub fn set(&self, on: bool) {
        *self.on.lock().unwrap() = on;
        self.lifted.notify_all();
    }

    pub fn is_on(&self) -> bool {
        *self.on.lock().unwrap()
    }

    /// Blocks the calling connection's thread while the gate is on.
    pub fn wait(&self) {
        let on = self.on.lock().unwrap();
        drop(self.lifted.wait_timeout_while(on, HOLD_LIMIT, |on| *on));
    }
}

#[derive(Default)]
struct Store {
    /// doc → (version, body)
    docs: HashMap<String, (u64, String)>,
    last_version: u64,
    /// Injected failures: (the document, or any; status; requests left).
    faults: Vec<(Option<String>, u16, u32)>,
    /// Hangs: (the document, or any; how; the gate its requests wait at).
    hangs: Vec<(Option<String>, Hang, Arc<Gate>)>,
    puts: Vec<PutLog>,
}

#[derive(Default)]
pub struct SaveEndpoint {
    store: Mutex<Store>,
}

fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

fn text(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
}

impl SaveEndpoint {
    pub fn new() -> Arc<SaveEndpoint> {
        Arc::new(SaveEndpoint::default())
    }

    /// The handler to mount on a [`crate::static_server::StaticServer`].
    pub fn handler(self: &Arc<Self>) -> ApiHandler {
        let me = self.clone();
        Arc::new(move |req: &HttpRequest| me.handle(req))
    }

    /// The next `count` requests for `doc` (any document: `None`) answer
    /// `status` (0: no answer at all).
    pub fn fail_next(&self, doc: Option<&str>, status: u16, count: u32) {
        let mut store = self.store.lock().unwrap();
        let doc = doc.map(str::to_string);
        store.faults.retain(|(d, _, _)| *d != doc);
        if count > 0 {
            store.faults.push((doc, status, count));
        }
    }

    /// Requests for `doc` (any document: `None`) are held without an
    /// answer (`Hold`, `Apply`) or answered again (`Off`).
    pub fn hang(&self, doc: Option<&str>, how: Hang) {
        let mut store = self.store.lock().unwrap();
        let doc = doc.map(str::to_string);
        if let Some(at) = store.hangs.iter().position(|(d, _, _)| *d == doc) {
            let (_, _, gate) = store.hangs.remove(at);
            gate.set(false);
        }
        if how != Hang::Off {
            let gate = Arc::new(Gate::new());
            gate.set(true);
            store.hangs.push((doc, how, gate));
        }
    }

    /// Stores `body` as `doc`'s new version, as another writer's `PUT`
    /// would; returns its `ETag`.
    pub fn replace(&self, doc: &str, body: &str) -> String {
        let mut store = self.store.lock().unwrap();
        store.last_version += 1;
        let version = store.last_version;
        store.docs.insert(doc.to_string(), (version, body.to_string()));
        etag(version)
    }

    /// The stored document: its `ETag` and body.
    pub fn document(&self, doc: &str) -> Option<(String, String)> {
        let store = self.store.lock().unwrap();
        store.docs.get(doc).map(|(v, body)| (etag(*v), body.clone()))
    }

    /// Every `PUT` received, in order.
    pub fn puts(&self) -> Vec<PutLog> {
        self.store.lock().unwrap().puts.clone()
    }

    pub fn handle(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let doc = req.path().strip_prefix(PREFIX)?.to_string();
        if doc == "__fail" {
            return Some(self.control(req));
        }
        if doc == "__hang" {
            return Some(self.hang_control(req));
        }
        if doc.is_empty() || doc.contains('/') {
            return Some(text(404, "no such document"));
        }
        let mut store = self.store.lock().unwrap();
        let fault = store.faults.iter_mut().find(|(d, _, _)| d.as_ref().is_none_or(|d| *d == doc));
        let injected = fault.map(|(_, status, left)| {
            *left -= 1;
            *status
        });
        store.faults.retain(|(_, _, left)| *left > 0);
        let hang = store.hangs.iter().find(|(d, _, _)| d.as_ref().is_none_or(|d| *d == doc));
        let hang = hang.filter(|_| injected.is_none()).map(|(_, how, gate)| (*how, gate.clone()));
        if let Some((how, gate)) = hang {
            if how == Hang::Apply && req.method == "PUT" {
                let applied = Self::put(&mut store, &doc, req);
                Self::log_put(&mut store, &doc, req, applied.status, false);
            }
            drop(store);
            gate.wait();
            return Some(HttpResponse { status: 0, headers: Vec::new(), body: Vec::new() });
        }
        let response = match (injected, req.method.as_str()) {
            (Some(status), _) => text(status, "injected failure"),
            (None, "GET" | "HEAD") => match store.docs.get(&doc) {
                Some((v, body)) => HttpResponse::new(200, "application/json", body.as_bytes())
                    .with_header("ETag", &etag(*v)),
                None => text(404, "no such document"),
            },
            (None, "PUT") => Self::put(&mut store, &doc, req),
            (None, _) => text(405, "GET or PUT").with_header("Allow", "GET, HEAD, PUT"),
        };
        if req.method == "PUT" {
            Self::log_put(&mut store, &doc, req, response.status, true);
        }
        Some(response)
    }

    fn log_put(store: &mut Store, doc: &str, req: &HttpRequest, status: u16, answered: bool) {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let revision = req.header("x-marginalia-revision").and_then(|r| r.parse().ok());
        store.puts.push(PutLog { doc: doc.to_string(), body, revision, status, answered });
    }

    fn put(store: &mut Store, doc: &str, req: &HttpRequest) -> HttpResponse {
        let Ok(body) = String::from_utf8(req.body.clone()) else {
            return text(400, "the body is not UTF-8");
        };
        let current = store.docs.get(doc).map(|(v, _)| etag(*v));
        let allowed = match (req.header("if-match"), req.header("if-none-match"), &current) {
            (Some("*"), _, Some(_)) => true,
            (Some(tag), _, Some(cur)) => tag.split(',').any(|t| t.trim() == cur),
            (Some(_), _, None) => false,
            (None, Some("*"), cur) => cur.is_none(),
            (None, _, _) => return text(428, "send If-Match (or If-None-Match: *)"),
        };
        if !allowed {
            let refused = text(412, "someone else saved this document");
            return match current {
                Some(cur) => refused.with_header("ETag", &cur),
                None => refused,
            };
        }
        store.last_version += 1;
        let version = store.last_version;
        let status = if current.is_some() { 204 } else { 201 };
        store.docs.insert(doc.to_string(), (version, body));
        HttpResponse { status, headers: vec![("ETag".into(), etag(version))], body: Vec::new() }
    }

    fn hang_control(&self, req: &HttpRequest) -> HttpResponse {
        if req.method != "POST" {
            return text(405, "POST only");
        }
        let how = match req.query("mode") {
            Some("hold") => Hang::Hold,
            Some("apply") => Hang::Apply,
            Some("off") => Hang::Off,
            _ => return text(400, "usage: POST /api/annotations/__hang?mode=hold|apply|off[&doc=<doc>]"),
        };
        self.hang(req.query("doc"), how);
        text(200, &format!("requests now: {how:?}"))
    }

    fn control(&self, req: &HttpRequest) -> HttpResponse {
        if req.method != "POST" {
            return text(405, "POST only");
        }
        let status = req.query("status").and_then(|s| s.parse().ok());
        let count = req.query("count").and_then(|s| s.parse().ok()).unwrap_or(1);
        match status {
            Some(status) => {
                self.fail_next(req.query("doc"), status, count);
                text(200, &format!("the next {count} requests answer {status}"))
            }
            None => text(400, "usage: POST /api/annotations/__fail?status=500&count=3[&doc=<doc>]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            target: target.into(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn etag_of(r: &HttpResponse) -> String {
        r.headers.iter().find(|(n, _)| n == "ETag").map(|(_, v)| v.clone()).unwrap_or_default()
    }

    #[test]
    fn create_update_and_refuse_a_stale_etag() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        assert_eq!(e.handle(&req("GET", doc, &[], "")).unwrap().status, 404);
        assert_eq!(e.handle(&req("PUT", doc, &[], "{}")).unwrap().status, 428, "no blind writes");
        let created = e.handle(&req("PUT", doc, &[("if-none-match", "*")], "{\"a\":1}")).unwrap();
        assert_eq!(created.status, 201);
        let first = etag_of(&created);
        assert_eq!(e.handle(&req("PUT", doc, &[("if-none-match", "*")], "{}")).unwrap().status, 412);
        let updated = e.handle(&req("PUT", doc, &[("if-match", &first)], "{\"a\":2}")).unwrap();
        assert_eq!(updated.status, 204);
        assert_ne!(etag_of(&updated), first);
        let stale = e.handle(&req("PUT", doc, &[("if-match", &first)], "{\"a\":3}")).unwrap();
        assert_eq!((stale.status, etag_of(&stale)), (412, etag_of(&updated)));
        let got = e.handle(&req("GET", &format!("{doc}?x=1"), &[], "")).unwrap();
        assert_eq!((got.status, got.body.as_slice(), etag_of(&got)), (200, &b"{\"a\":2}"[..], etag_of(&updated)));
        assert_eq!(e.puts().len(), 5);
        assert!(e.handle(&req("GET", "/index.html", &[], "")).is_none(), "other paths are not ours");
    }

    #[test]
    fn injected_failures_run_out() {
        let e = SaveEndpoint::new();
        let set = e.handle(&req("POST", "/api/annotations/__fail?status=503&count=2&doc=d1", &[], "")).unwrap();
        assert_eq!(set.status, 200);
        let put = |e: &SaveEndpoint, doc: &str| {
            e.handle(&req("PUT", &format!("{PREFIX}{doc}"), &[("if-none-match", "*")], "{}")).unwrap().status
        };
        assert_eq!(put(&e, "d2"), 201, "another document is not affected");
        assert_eq!([put(&e, "d1"), put(&e, "d1"), put(&e, "d1")], [503, 503, 201]);
        assert_eq!(e.puts().iter().map(|p| p.status).collect::<Vec<_>>(), [201, 503, 503, 201]);
    }

    /// A request held by a hang, on its own thread as a connection would
    /// be: its answer (closed with none) once the hang is lifted.
    fn held(e: &Arc<SaveEndpoint>, r: HttpRequest) -> std::thread::JoinHandle<u16> {
        let e = e.clone();
        std::thread::spawn(move || e.handle(&r).unwrap().status)
    }

    fn wait_puts(e: &SaveEndpoint, n: usize) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while e.puts().len() < n {
            assert!(std::time::Instant::now() < deadline, "{} PUTs logged, expected {n}", e.puts().len());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_hang_holds_requests_unanswered_until_lifted() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        assert_eq!(e.handle(&req("POST", "/api/annotations/__hang?mode=hold&doc=d1", &[], "")).unwrap().status, 200);
        let get = held(&e, req("GET", doc, &[], ""));
        let put = held(&e, req("PUT", doc, &[("if-none-match", "*")], "{\"a\":1}"));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!get.is_finished() && !put.is_finished(), "no answer while the hang lasts");
        assert_eq!(e.handle(&req("PUT", "/api/annotations/d2", &[("if-none-match", "*")], "{}")).unwrap().status, 201);
        assert_eq!(e.document("d1"), None, "a held PUT is not applied");
        e.hang(Some("d1"), Hang::Off);
        assert_eq!((get.join().unwrap(), put.join().unwrap()), (0, 0), "closed with no answer");
        assert_eq!(e.handle(&req("GET", doc, &[], "")).unwrap().status, 404, "answering again");
        assert_eq!(e.handle(&req("POST", "/api/annotations/__hang?mode=later", &[], "")).unwrap().status, 400);
    }

    #[test]
    fn an_applied_hang_writes_and_loses_the_answer() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        e.hang(Some("d1"), Hang::Apply);
        let put = held(&e, req("PUT", doc, &[("if-none-match", "*"), ("x-marginalia-revision", "3")], "{\"a\":1}"));
        wait_puts(&e, 1);
        assert!(!put.is_finished());
        let (etag, body) = e.document("d1").expect("applied");
        assert_eq!(body, "{\"a\":1}");
        assert_eq!(e.puts()[0], PutLog { doc: "d1".into(), body, revision: Some(3), status: 201, answered: false });
        e.hang(None, Hang::Off);
        e.hang(Some("d1"), Hang::Off);
        assert_eq!(put.join().unwrap(), 0);
        // The writer's retry, against the ETag it had, meets its own write.
        let retry = e.handle(&req("PUT", doc, &[("if-none-match", "*")], "{\"a\":2}")).unwrap();
        assert_eq!((retry.status, etag_of(&retry)), (412, etag));
    }
}
