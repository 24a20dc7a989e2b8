//! A stand-in for a newsroom CMS's storage: what a CMS must do for
//! Marginalia's remote save, in memory. Test-only — the end-to-end harness
//! mounts it on the origin of every page it serves (`servers.rs`); it is
//! never in a production build, and nothing is kept when the process ends.
//!
//! At `/api/annotations/<doc>` (the contract is `docs/EMBEDDING.md`,
//! "Saving to the CMS"):
//! - `GET` → 200 with the stored JSON and its `ETag`, or 404;
//! - `PUT` → needs `If-Match: <etag>` (update) or `If-None-Match: *`
//!   (create): 201/204 with the new `ETag`; 412 when the precondition fails,
//!   428 without one (a write must never overwrite blindly).
//!
//! Fault injection, for the tests (also from a page, by `fetch`):
//! `POST /api/annotations/__fail?status=500&count=3&doc=d1` makes the next
//! three requests for document `d1` (any document without `doc`) answer 500
//! (`status=0`: the connection is closed with no answer, like a network
//! failure).
//!
//! A server that never answers: `POST /api/annotations/__hang?mode=hold&doc=d1`
//! holds every request for `d1` open with no answer; `mode=apply` does the
//! same after applying a `PUT` (the write happens, its answer is lost);
//! `mode=off` answers again, and closes the held connections unanswered.

use crate::reply::Reply;
use crate::unanswered::{self, Gate};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const PREFIX: &str = "/api/annotations/";

/// The largest request body read (a record of a long article fits easily).
const MAX_BODY: usize = 32 * 1024 * 1024;

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

/// What becomes of a request: answered now, or held at a gate and then
/// closed unanswered.
pub enum Outcome {
    Now(Reply),
    Held(Arc<Gate>),
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
    /// Requests held at a gate now.
    held: usize,
}

#[derive(Default)]
pub struct SaveEndpoint {
    store: Mutex<Store>,
}

fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// A query parameter's raw value.
fn query<'a>(request: &'a Request<Bytes>, name: &str) -> Option<&'a str> {
    param(request.uri().query(), name)
}

/// A parameter's raw value in a query string.
pub fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn header<'a>(request: &'a Request<Bytes>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The endpoint's routes, answered by `endpoint`.
pub fn routes(endpoint: Arc<SaveEndpoint>) -> Router {
    Router::new().route(&format!("{PREFIX}{{*doc}}"), any(answer)).with_state(endpoint)
}

async fn answer(State(endpoint): State<Arc<SaveEndpoint>>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Reply::text(413, "too large").into_response();
    };
    match endpoint.handle(&Request::from_parts(parts, body)) {
        Outcome::Now(reply) => reply.into_response(),
        Outcome::Held(gate) => {
            let _held = Held::new(endpoint);
            gate.wait().await;
            unanswered::no_answer()
        }
    }
}

/// A request held at a gate, counted until it ends (closed unanswered, or
/// dropped when its client went away).
struct Held(Arc<SaveEndpoint>);

impl Held {
    fn new(endpoint: Arc<SaveEndpoint>) -> Held {
        endpoint.store.lock().unwrap().held += 1;
        Held(endpoint)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.store.lock().unwrap().held -= 1;
    }
}

impl SaveEndpoint {
    pub fn new() -> Arc<SaveEndpoint> {
        Arc::new(SaveEndpoint::default())
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

    /// How many requests are held by a hang now.
    pub fn held(&self) -> usize {
        self.store.lock().unwrap().held
    }

    /// What becomes of `request` (its path under [`PREFIX`]).
    pub fn handle(&self, request: &Request<Bytes>) -> Outcome {
        let doc = request.uri().path().strip_prefix(PREFIX).unwrap_or("").to_string();
        match doc.as_str() {
            "__fail" => return Outcome::Now(self.control(request)),
            "__hang" => return Outcome::Now(self.hang_control(request)),
            "" => return Outcome::Now(Reply::text(404, "no such document")),
            _ if doc.contains('/') => return Outcome::Now(Reply::text(404, "no such document")),
            _ => {}
        }
        let mut store = self.store.lock().unwrap();
        let injected = Self::take_fault(&mut store, &doc);
        let hang = store.hangs.iter().find(|(d, _, _)| d.as_ref().is_none_or(|d| *d == doc));
        let hang = hang.filter(|_| injected.is_none()).map(|(_, how, gate)| (*how, gate.clone()));
        if let Some((how, gate)) = hang {
            if how == Hang::Apply && request.method() == "PUT" {
                let applied = Self::put(&mut store, &doc, request);
                Self::log_put(&mut store, &doc, request, applied.status, false);
            }
            return Outcome::Held(gate);
        }
        let reply = match (injected, request.method().as_str()) {
            (Some(status), _) => Reply::text(status, "injected failure"),
            (None, "GET" | "HEAD") => match store.docs.get(&doc) {
                Some((v, body)) => Reply::new(200, "application/json", body.as_bytes()).with_header("ETag", &etag(*v)),
                None => Reply::text(404, "no such document"),
            },
            (None, "PUT") => Self::put(&mut store, &doc, request),
            (None, _) => Reply::text(405, "GET or PUT").with_header("Allow", "GET, HEAD, PUT"),
        };
        if request.method() == "PUT" {
            Self::log_put(&mut store, &doc, request, reply.status, true);
        }
        Outcome::Now(reply)
    }

    /// The status of an injected failure for `doc`, if one is due (and
    /// counts it).
    fn take_fault(store: &mut Store, doc: &str) -> Option<u16> {
        let fault = store.faults.iter_mut().find(|(d, _, _)| d.as_deref().is_none_or(|d| d == doc));
        let injected = fault.map(|(_, status, left)| {
            *left -= 1;
            *status
        });
        store.faults.retain(|(_, _, left)| *left > 0);
        injected
    }

    fn log_put(store: &mut Store, doc: &str, request: &Request<Bytes>, status: u16, answered: bool) {
        let body = String::from_utf8_lossy(request.body()).into_owned();
        let revision = header(request, "x-marginalia-revision").and_then(|r| r.parse().ok());
        store.puts.push(PutLog { doc: doc.to_string(), body, revision, status, answered });
    }

    fn put(store: &mut Store, doc: &str, request: &Request<Bytes>) -> Reply {
        let Ok(body) = String::from_utf8(request.body().to_vec()) else {
            return Reply::text(400, "the body is not UTF-8");
        };
        let current = store.docs.get(doc).map(|(v, _)| etag(*v));
        let allowed = match (header(request, "if-match"), header(request, "if-none-match"), &current) {
            (Some("*"), _, Some(_)) => true,
            (Some(tag), _, Some(cur)) => tag.split(',').any(|t| t.trim() == cur),
            (Some(_), _, None) => false,
            (None, Some("*"), cur) => cur.is_none(),
            (None, _, _) => return Reply::text(428, "send If-Match (or If-None-Match: *)"),
        };
        if !allowed {
            let refused = Reply::text(412, "someone else saved this document");
            return match current {
                Some(cur) => refused.with_header("ETag", &cur),
                None => refused,
            };
        }
        store.last_version += 1;
        let version = store.last_version;
        let status = if current.is_some() { 204 } else { 201 };
        store.docs.insert(doc.to_string(), (version, body));
        Reply { status, headers: vec![("ETag".into(), etag(version))], body: Vec::new() }
    }

    fn hang_control(&self, request: &Request<Bytes>) -> Reply {
        if request.method() != "POST" {
            return Reply::text(405, "POST only");
        }
        let how = match query(request, "mode") {
            Some("hold") => Hang::Hold,
            Some("apply") => Hang::Apply,
            Some("off") => Hang::Off,
            _ => return Reply::text(400, "usage: POST /api/annotations/__hang?mode=hold|apply|off[&doc=<doc>]"),
        };
        self.hang(query(request, "doc"), how);
        Reply::text(200, &format!("requests now: {how:?}"))
    }

    fn control(&self, request: &Request<Bytes>) -> Reply {
        if request.method() != "POST" {
            return Reply::text(405, "POST only");
        }
        let status = query(request, "status").and_then(|s| s.parse().ok());
        let count = query(request, "count").and_then(|s| s.parse().ok()).unwrap_or(1);
        match status {
            Some(status) => {
                self.fail_next(query(request, "doc"), status, count);
                Reply::text(200, &format!("the next {count} requests answer {status}"))
            }
            None => Reply::text(400, "usage: POST /api/annotations/__fail?status=500&count=3[&doc=<doc>]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Request<Bytes> {
        let mut request = Request::builder().method(method).uri(target);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Bytes::from(body.to_string())).unwrap()
    }

    /// The answer to a request that is not held.
    fn now(e: &SaveEndpoint, request: Request<Bytes>) -> Reply {
        match e.handle(&request) {
            Outcome::Now(reply) => reply,
            Outcome::Held(_) => panic!("{} {} was held", request.method(), request.uri()),
        }
    }

    fn etag_of(r: &Reply) -> String {
        r.header("ETag").unwrap_or_default().to_string()
    }

    #[test]
    fn create_update_and_refuse_a_stale_etag() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        assert_eq!(now(&e, req("GET", doc, &[], "")).status, 404);
        assert_eq!(now(&e, req("PUT", doc, &[], "{}")).status, 428, "no blind writes");
        let created = now(&e, req("PUT", doc, &[("if-none-match", "*")], "{\"a\":1}"));
        assert_eq!(created.status, 201);
        let first = etag_of(&created);
        assert_eq!(now(&e, req("PUT", doc, &[("if-none-match", "*")], "{}")).status, 412);
        let updated = now(&e, req("PUT", doc, &[("if-match", &first)], "{\"a\":2}"));
        assert_eq!(updated.status, 204);
        assert_ne!(etag_of(&updated), first);
        let stale = now(&e, req("PUT", doc, &[("if-match", &first)], "{\"a\":3}"));
        assert_eq!((stale.status, etag_of(&stale)), (412, etag_of(&updated)));
        let got = now(&e, req("GET", &format!("{doc}?x=1"), &[], ""));
        assert_eq!((got.status, got.body.as_slice(), etag_of(&got)), (200, &b"{\"a\":2}"[..], etag_of(&updated)));
        assert_eq!(e.puts().len(), 5);
        assert_eq!(now(&e, req("GET", "/api/annotations/a/b", &[], "")).status, 404, "one path segment per document");
    }

    #[test]
    fn injected_failures_run_out() {
        let e = SaveEndpoint::new();
        assert_eq!(now(&e, req("POST", "/api/annotations/__fail?status=503&count=2&doc=d1", &[], "")).status, 200);
        let put = |e: &SaveEndpoint, doc: &str| now(e, req("PUT", &format!("{PREFIX}{doc}"), &[("if-none-match", "*")], "{}")).status;
        assert_eq!(put(&e, "d2"), 201, "another document is not affected");
        assert_eq!([put(&e, "d1"), put(&e, "d1"), put(&e, "d1")], [503, 503, 201]);
        assert_eq!(e.puts().iter().map(|p| p.status).collect::<Vec<_>>(), [201, 503, 503, 201]);
    }

    #[test]
    fn a_hang_holds_requests_unprocessed_until_lifted() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        assert_eq!(now(&e, req("POST", "/api/annotations/__hang?mode=hold&doc=d1", &[], "")).status, 200);
        let Outcome::Held(gate) = e.handle(&req("PUT", doc, &[("if-none-match", "*")], "{\"a\":1}")) else { panic!("not held") };
        assert!(gate.is_on());
        assert_eq!(now(&e, req("PUT", "/api/annotations/d2", &[("if-none-match", "*")], "{}")).status, 201);
        assert_eq!(e.document("d1"), None, "a held PUT is not applied");
        e.hang(Some("d1"), Hang::Off);
        assert!(!gate.is_on(), "lifting the hang opens the gate of the requests held");
        assert_eq!(now(&e, req("GET", doc, &[], "")).status, 404, "answering again");
        assert_eq!(now(&e, req("POST", "/api/annotations/__hang?mode=later", &[], "")).status, 400);
    }

    #[test]
    fn an_applied_hang_writes_and_loses_the_answer() {
        let e = SaveEndpoint::new();
        let doc = "/api/annotations/d1";
        e.hang(Some("d1"), Hang::Apply);
        let put = req("PUT", doc, &[("if-none-match", "*"), ("x-marginalia-revision", "3")], "{\"a\":1}");
        assert!(matches!(e.handle(&put), Outcome::Held(_)));
        let (etag, body) = e.document("d1").expect("applied");
        assert_eq!(body, "{\"a\":1}");
        assert_eq!(e.puts()[0], PutLog { doc: "d1".into(), body, revision: Some(3), status: 201, answered: false });
        e.hang(Some("d1"), Hang::Off);
        // The writer's retry, against the ETag it had, meets its own write.
        let retry = now(&e, req("PUT", doc, &[("if-none-match", "*")], "{\"a\":2}"));
        assert_eq!((retry.status, etag_of(&retry)), (412, etag));
    }
}
