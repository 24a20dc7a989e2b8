//! `marginalia serve`, `import` and `backup` as a user runs them: the real
//! binary on 127.0.0.1, on SQLite and (when `MARGINALIA_TEST_POSTGRES`
//! names a cluster) PostgreSQL. `kill -9` in the middle of a burst of saves
//! loses none that was acknowledged and leaves none half-written.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use support::{marginalia, stderr, thirdparty};

/// A running `marginalia serve`; killed (SIGKILL) when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(database: &str) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["serve", "--database", database, "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("marginalia serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("serve says where it listens").expect("UTF-8");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().trim_end_matches('/').to_string();
        }
    };
    // Keep draining what it logs, so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    Served { child, base }
}

fn databases(dir: &Path) -> Vec<String> {
    let mut dbs = vec![format!("sqlite://{}?mode=rwc", dir.join("team.db").display())];
    match std::env::var("MARGINALIA_TEST_POSTGRES") {
        Ok(admin) => dbs.push(fresh_postgres(&admin)),
        Err(_) if std::env::var("MARGINALIA_REQUIRE_POSTGRES").is_ok() => panic!("MARGINALIA_TEST_POSTGRES is not set"),
        Err(_) => eprintln!("note: MARGINALIA_TEST_POSTGRES is not set: SQLite only"),
    }
    dbs
}

fn fresh_postgres(admin: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = format!("mg_cli_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin).await.expect("the maintenance database");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("CREATE DATABASE");
    });
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// A signed-in admin's session: (cookie, CSRF token).
async fn first_account(http: &reqwest::Client, base: &str) -> (String, String) {
    let response = http.post(format!("{base}/api/setup")).json(&json!({ "name": "editor", "password": "editor-password" })).send().await.unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| v.to_str().ok().and_then(|v| v.strip_prefix("mg_session=")).map(|v| v.split(';').next().unwrap().to_string()))
        .expect("a session cookie");
    let body: Value = response.json().await.unwrap();
    (format!("mg_session={cookie}"), body["csrf"].as_str().unwrap().to_string())
}

async fn call(http: &reqwest::Client, method: reqwest::Method, url: String, session: &(String, String), body: Value) -> (StatusCode, Value) {
    let r = http.request(method, url).header("Cookie", &session.0).header("X-CSRF-Token", &session.1).json(&body).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[test]
fn import_sends_articles_and_other_tools_files_and_backup_copies_them() {
    let dir = tempfile::tempdir().unwrap();
    for (i, database) in databases(dir.path()).into_iter().enumerate() {
        let served = serve(&database);
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let http = reqwest::Client::new();
        let token = runtime.block_on(async {
            let session = first_account(&http, &served.base).await;
            let (status, _) = call(&http, reqwest::Method::POST, format!("{}/api/projects", served.base), &session, json!({ "slug": "news", "name": "News" })).await;
            assert_eq!(status, StatusCode::CREATED);
            let (_, token) = call(&http, reqwest::Method::POST, format!("{}/api/tokens", served.base), &session, json!({ "label": "cli" })).await;
            token["token"].as_str().unwrap().to_string()
        });
        let article = dir.path().join(format!("stress-{i}.txt"));
        std::fs::write(&article, include_str!("../../../assets/articles/unicode-stress.txt")).unwrap();
        let brat = thirdparty("brat", "news-000-introduction.ann");
        let prodigy = thirdparty("prodigy", "ner_manual_news_headlines.jsonl");
        let files = [article.to_str().unwrap(), brat.to_str().unwrap(), prodigy.to_str().unwrap()];
        let mut args = vec!["import", "--server", &served.base, "--project", "news", "--token", &token];
        args.extend(files);
        let out = marginalia(&args);
        assert!(out.status.success(), "{database}: {}", stderr(&out));
        let said = stderr(&out);
        assert!(said.contains("0 not imported"), "{said}");
        // The same article again is recognised.
        let again = marginalia(&["import", "--server", &served.base, "--project", "news", "--token", &token, article.to_str().unwrap()]);
        assert!(stderr(&again).contains("0 imported, 1 already there"), "{}", stderr(&again));
        let wrong = marginalia(&["import", "--server", &served.base, "--project", "news", "--token", "not-a-token", article.to_str().unwrap()]);
        assert!(!wrong.status.success() && stderr(&wrong).contains("401"), "{}", stderr(&wrong));
        let docs = runtime.block_on(async {
            let r = http.get(format!("{}/api/projects/news/documents", served.base)).bearer_auth(&token).send().await.unwrap();
            r.json::<Value>().await.unwrap()
        });
        let titles: Vec<&str> = docs["documents"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
        let headlines = std::fs::read_to_string(&prodigy).unwrap().lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(titles.len(), 1 + 1 + headlines, "{database}: {titles:?}");
        if database.starts_with("sqlite") {
            let copy = dir.path().join("copy.db");
            let out = marginalia(&["backup", "--database", &database, copy.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
            let refused = marginalia(&["backup", "--database", &database, copy.to_str().unwrap()]);
            assert!(stderr(&refused).contains("never overwrites"));
            drop(served);
            let copied = serve(&format!("sqlite://{}", copy.display()));
            let n = runtime.block_on(async {
                let r = http.get(format!("{}/api/projects/news/documents", copied.base)).bearer_auth(&token).send().await.unwrap();
                r.json::<Value>().await.unwrap()["documents"].as_array().unwrap().len()
            });
            assert_eq!(n, titles.len(), "the backup holds every document");
        }
    }
}

/// Eight annotators save as fast as they can; the server is killed with
/// SIGKILL after 40 acknowledged saves, then started again.
#[test]
fn kill_9_during_saves_loses_no_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    for database in databases(dir.path()) {
        let served = serve(&database);
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let http = reqwest::Client::new();
        let text = "Ana 👩‍💻 met 東京 officials in مرحبا.";
        let (people, doc) = runtime.block_on(async {
            let admin = first_account(&http, &served.base).await;
            call(&http, reqwest::Method::POST, format!("{}/api/projects", served.base), &admin, json!({ "slug": "k", "name": "K", "overlap": 0 })).await;
            let line = json!({ "text": text }).to_string();
            let r = http.post(format!("{}/api/projects/k/documents?name=k.jsonl", served.base)).header("Cookie", &admin.0).header("X-CSRF-Token", &admin.1).body(line).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let mut people = Vec::new();
            let mut doc = 0;
            for i in 0..8 {
                let (_, inv) = call(&http, reqwest::Method::POST, format!("{}/api/projects/k/invitations", served.base), &admin, json!({ "role": "annotator" })).await;
                let secret = inv["invitation"].as_str().unwrap();
                let r = http.post(format!("{}/api/invitations/{secret}/accept", served.base)).json(&json!({ "name": format!("a{i}"), "password": "a-password" })).send().await.unwrap();
                let token_cookie = r.headers().get_all("set-cookie").iter().find_map(|v| v.to_str().ok().and_then(|v| v.strip_prefix("mg_session=")).map(|v| v.split(';').next().unwrap().to_string())).unwrap();
                let csrf = r.json::<Value>().await.unwrap()["csrf"].as_str().unwrap().to_string();
                let session = (format!("mg_session={token_cookie}"), csrf);
                let (_, next) = call(&http, reqwest::Method::POST, format!("{}/api/projects/k/queue/next", served.base), &session, json!({})).await;
                people.push(session);
                doc = next["document"]["id"].as_i64().expect("the project's document");
            }
            (people, doc)
        });
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(vec![0i64; people.len()]));
        let total = std::sync::Arc::new(AtomicU64::new(0));
        let base = served.base.clone();
        let workers: Vec<_> = people
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, session)| {
                let (acknowledged, total, base, http) = (acknowledged.clone(), total.clone(), base.clone(), http.clone());
                runtime.spawn(async move {
                    let mut revision = 0i64;
                    loop {
                        let body = json!({ "text": text, "spans": [{ "start": 0, "end": 3, "label": "PERSON" }], "format_version": 1, "meta": { "doc_id": "k", "title": format!("save {}", revision + 1) } });
                        let precondition = if revision == 0 { ("If-None-Match", "*".to_string()) } else { ("If-Match", format!("\"r{revision}\"")) };
                        let sent = http
                            .put(format!("{base}/api/projects/k/documents/{doc}/save"))
                            .header("Cookie", &session.0)
                            .header("X-CSRF-Token", &session.1)
                            .header(precondition.0, precondition.1)
                            .body(body.to_string())
                            .send()
                            .await;
                        match sent {
                            Ok(r) if r.status().is_success() => {
                                revision += 1;
                                acknowledged.lock().unwrap()[i] = revision;
                                total.fetch_add(1, Ordering::SeqCst);
                            }
                            _ => break,
                        }
                    }
                })
            })
            .collect();
        while total.load(Ordering::SeqCst) < 40 {
            assert!(!workers.iter().all(|w| w.is_finished()), "{database}: every annotator stopped before 40 saves");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(served); // SIGKILL, mid-burst
        for w in workers {
            let _ = runtime.block_on(w);
        }
        let acknowledged = acknowledged.lock().unwrap().clone();
        let again = serve(&database);
        runtime.block_on(async {
            for (i, session) in people.iter().enumerate() {
                let r = http.get(format!("{}/api/projects/k/documents/{doc}/save", again.base)).header("Cookie", &session.0).send().await.unwrap();
                if r.status() == StatusCode::NOT_FOUND {
                    assert_eq!(acknowledged[i], 0, "{database}: a{i} had r{} acknowledged, the server has none", acknowledged[i]);
                    continue;
                }
                assert_eq!(r.status(), StatusCode::OK, "{database}");
                let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_string()).expect("an ETag");
                let body: Value = r.json().await.expect("a stored save is whole JSON");
                let stored: i64 = etag.trim_matches('"')[1..].parse().unwrap();
                assert!(stored >= acknowledged[i], "{database}: a{i} had r{} acknowledged, the server kept r{stored}", acknowledged[i]);
                assert_eq!(body["meta"]["title"], format!("save {stored}"), "{database}: revision and body belong together");
            }
        });
    }
}
