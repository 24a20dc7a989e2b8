//! A real server on 127.0.0.1 for each test, over each database: a SQLite
//! file in a temporary directory, and a fresh database in the PostgreSQL
//! that `MARGINALIA_TEST_POSTGRES` names (a URL to a maintenance database;
//! `cargo xtask test` starts a throwaway cluster and sets it, and sets
//! `MARGINALIA_REQUIRE_POSTGRES=1` so that a missing one fails the run).
//! A client keeps its session cookie and CSRF token as a browser would.

#![allow(dead_code)]

use marginalia_server::db::Db;
use marginalia_server::Settings;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// A database a test runs against, removed when dropped.
pub struct TestDb {
    pub name: &'static str,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The databases every server test runs on.
pub async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = TestDb { name: "sqlite", url: marginalia_server::db::sqlite_url(&dir.path().join("team.db")), _dir: Some(dir) };
    let mut dbs = vec![sqlite];
    match std::env::var("MARGINALIA_TEST_POSTGRES") {
        Ok(admin) => dbs.push(TestDb { name: "postgres", url: fresh_postgres(&admin).await, _dir: None }),
        Err(_) if std::env::var("MARGINALIA_REQUIRE_POSTGRES").is_ok() => panic!("MARGINALIA_TEST_POSTGRES is not set, and these tests must run on PostgreSQL too"),
        Err(_) => eprintln!("note: MARGINALIA_TEST_POSTGRES is not set: this run covers SQLite only (cargo xtask test covers both)"),
    }
    dbs
}

/// A new, empty database in the cluster `admin` points at.
async fn fresh_postgres(admin: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    sqlx::any::install_default_drivers();
    let name = format!("mg_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin).await.expect("the PostgreSQL maintenance database");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("CREATE DATABASE");
    let (base, _) = admin.rsplit_once('/').expect("a database URL ends in /DATABASE");
    format!("{base}/{name}")
}

pub struct TestServer {
    pub base: String,
    pub addr: SocketAddr,
    pub db: Db,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server on `url` at a free port.
pub async fn start(url: &str) -> TestServer {
    start_with(url, Settings::default()).await
}

pub async fn start_with(url: &str, settings: Settings) -> TestServer {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let url_owned = url.to_string();
    let task = tokio::spawn(async move {
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        marginalia_server::serve(&url_owned, addr, settings, move |local| {
            let _ = tx.send(local);
        })
        .await
        .expect("the server runs");
    });
    let addr = rx.await.expect("the server started");
    let db = Db::open(url).await.expect("the test's own connection");
    TestServer { base: format!("http://{addr}"), addr, db, task }
}

/// One person's browser: their cookies and CSRF token.
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub session: Option<String>,
    pub csrf: Option<String>,
    /// An API token used instead of the cookie.
    pub token: Option<String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

impl Browser {
    pub fn new(server: &TestServer) -> Browser {
        Browser::at(&server.base)
    }

    /// A browser of the server at `base` (`http://127.0.0.1:PORT`).
    pub fn at(base: &str) -> Browser {
        Browser { base: base.to_string(), http: reqwest::Client::new(), session: None, csrf: None, token: None }
    }

    /// A body too large for the server: refused with `413`, or (when the
    /// server answers and closes before the client has written it all) the
    /// connection is cut while it is sent. Either way, the server said no.
    pub async fn send_oversized(&mut self, method: Method, path: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(session) = &self.session {
            request = request.header("Cookie", format!("mg_session={session}"));
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf.as_str());
        }
        for (k, v) in extra {
            request = request.header(*k, HeaderValue::from_str(v).unwrap());
        }
        match request.body(body).send().await {
            Ok(response) => assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE),
            Err(e) => assert!(e.is_request() || e.is_body(), "not a refusal while sending: {e:?}"),
        }
    }

    /// A request; cookies and the CSRF header as a page of ours would send.
    pub async fn send(&mut self, method: Method, path: &str, body: Option<Vec<u8>>, extra: &[(&str, &str)]) -> Answer {
        self.try_send(method, path, body, extra).await.expect("the server answers")
    }

    /// A request that may get no answer (a server killed meanwhile): `None`.
    pub async fn try_send(&mut self, method: Method, path: &str, body: Option<Vec<u8>>, extra: &[(&str, &str)]) -> Option<Answer> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(session) = &self.session {
            request = request.header("Cookie", format!("mg_session={session}"));
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("X-CSRF-Token", csrf.as_str());
        }
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (k, v) in extra {
            request = request.header(*k, HeaderValue::from_str(v).unwrap());
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.ok()?;
        let (status, headers) = (response.status(), response.headers().clone());
        for cookie in headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
            let (pair, _) = cookie.split_once(';').unwrap_or((cookie, ""));
            match pair.split_once('=') {
                Some(("mg_session", v)) => self.session = Some(v.to_string()).filter(|v| !v.is_empty()),
                Some(("mg_csrf", v)) => self.csrf = Some(v.to_string()).filter(|v| !v.is_empty()),
                _ => {}
            }
        }
        Some(Answer { status, headers, body: response.text().await.ok()? })
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body.to_string().into_bytes()), &[("Content-Type", "application/json")]).await
    }

    pub async fn json_call(&mut self, method: Method, path: &str, body: Value) -> Answer {
        self.send(method, path, Some(body.to_string().into_bytes()), &[("Content-Type", "application/json")]).await
    }

    /// Signs in; panics when refused.
    pub async fn sign_in(&mut self, name: &str, password: &str) {
        let a = self.post("/api/signin", json!({ "name": name, "password": password })).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
}

/// The first account on a new server: the admin of the demo project.
pub async fn admin(server: &TestServer) -> Browser {
    admin_at(&server.base).await
}

/// The first account of the server at `base`.
pub async fn admin_at(base: &str) -> Browser {
    let mut b = Browser::at(base);
    let a = b.post("/api/setup", json!({ "name": "editor", "password": "editor-password" })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    b
}

/// A new member of `project` with `role`, by invitation from `admin`, on
/// the admin's server.
pub async fn join(admin: &mut Browser, project: &str, name: &str, role: &str) -> Browser {
    let a = admin.post(&format!("/api/projects/{project}/invitations"), json!({ "role": role })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let secret = a.json()["invitation"].as_str().unwrap().to_string();
    let mut b = Browser::at(&admin.base);
    let a = b.post(&format!("/api/invitations/{secret}/accept"), json!({ "name": name, "password": format!("{name}-password") })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    b
}

/// A project with `texts` as its documents and `overlap`.
pub async fn project_with(admin: &mut Browser, slug: &str, overlap: i64, texts: &[&str]) {
    let a = admin.post("/api/projects", json!({ "slug": slug, "name": slug, "overlap": overlap })).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let lines: Vec<String> = texts.iter().enumerate().map(|(i, t)| json!({ "text": t, "meta": { "id": format!("d{i}") } }).to_string()).collect();
    let a = admin.send(Method::POST, &format!("/api/projects/{slug}/documents?name=texts.jsonl"), Some(lines.join("\n").into_bytes()), &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["imported"], texts.len());
}

/// A record of `text` with `spans` (start, end, label) as the widget saves it.
pub fn record(text: &str, spans: &[(usize, usize, &str)]) -> String {
    let spans: Vec<Value> = spans.iter().map(|(s, e, l)| json!({ "start": s, "end": e, "label": l })).collect();
    json!({ "text": text, "spans": spans, "format_version": 1 }).to_string()
}
