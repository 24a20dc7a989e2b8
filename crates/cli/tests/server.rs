//! `marginalia serve`, `import` and `backup` as a user runs them: the real
//! binary on 127.0.0.1, on SQLite and (when `MARGINALIA_TEST_POSTGRES`
//! names a cluster) PostgreSQL. `kill -9` in the middle of a burst of saves
//! loses none that was acknowledged and leaves none half-written.

mod support;
// The server tests' databases and browser-like client.
#[path = "../../server/tests/common/mod.rs"]
mod common;

use common::{admin_at, databases, join, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
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

#[test]
fn import_sends_articles_and_other_tools_files_and_backup_copies_them() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for (i, db) in runtime.block_on(databases()).into_iter().enumerate() {
        let database = db.url.clone();
        let served = serve(&database);
        let token = runtime.block_on(async {
            let mut editor = admin_at(&served.base).await;
            assert_eq!(editor.post("/api/projects", json!({ "slug": "news", "name": "News" })).await.status, StatusCode::CREATED);
            editor.post("/api/tokens", json!({ "label": "cli" })).await.json()["token"].as_str().unwrap().to_string()
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
        let mut cli = Browser::at(&served.base);
        cli.token = Some(token.clone());
        let docs = runtime.block_on(cli.get("/api/projects/news/documents")).json();
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
            cli.base = copied.base.clone();
            let n = runtime.block_on(cli.get("/api/projects/news/documents")).json()["documents"].as_array().unwrap().len();
            assert_eq!(n, titles.len(), "the backup holds every document");
        }
    }
}

/// Eight annotators save as fast as they can; the server is killed with
/// SIGKILL after 40 acknowledged saves, then started again.
#[test]
fn kill_9_during_saves_loses_no_acknowledged_save() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for db in runtime.block_on(databases()) {
        let database = db.url.clone();
        let served = serve(&database);
        let text = "Ana 👩‍💻 met 東京 officials in مرحبا.";
        let (people, doc) = runtime.block_on(async {
            let mut admin = admin_at(&served.base).await;
            admin.post("/api/projects", json!({ "slug": "k", "name": "K", "overlap": 0 })).await;
            let line = json!({ "text": text }).to_string();
            assert_eq!(admin.send(Method::POST, "/api/projects/k/documents?name=k.jsonl", Some(line.into_bytes()), &[]).await.status, StatusCode::OK);
            let mut people = Vec::new();
            let mut doc = 0;
            for i in 0..8 {
                let mut person = join(&mut admin, "k", &format!("a{i}"), "annotator").await;
                doc = person.post("/api/projects/k/queue/next", json!({})).await.json()["document"]["id"].as_i64().expect("the project's document");
                people.push(person);
            }
            (people, doc)
        });
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(vec![0i64; people.len()]));
        let total = std::sync::Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = people
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, mut person)| {
                let (acknowledged, total) = (acknowledged.clone(), total.clone());
                runtime.spawn(async move {
                    let mut revision = 0i64;
                    loop {
                        let body = json!({ "text": text, "spans": [{ "start": 0, "end": 3, "label": "PERSON" }], "format_version": 1, "meta": { "doc_id": "k", "title": format!("save {}", revision + 1) } });
                        let precondition = if revision == 0 { ("If-None-Match", "*".to_string()) } else { ("If-Match", format!("\"r{revision}\"")) };
                        let path = format!("/api/projects/k/documents/{doc}/save");
                        // The server is killed mid-burst: a request that gets no answer ends this annotator.
                        let sent = person.try_send(Method::PUT, &path, Some(body.to_string().into_bytes()), &[(precondition.0, &precondition.1)]).await;
                        match sent {
                            Some(a) if a.status.is_success() => {
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
            for (i, mut person) in people.into_iter().enumerate() {
                person.base = again.base.clone();
                let r = person.get(&format!("/api/projects/k/documents/{doc}/save")).await;
                if r.status == StatusCode::NOT_FOUND {
                    assert_eq!(acknowledged[i], 0, "{database}: a{i} had r{} acknowledged, the server has none", acknowledged[i]);
                    continue;
                }
                assert_eq!(r.status, StatusCode::OK, "{database}");
                let etag = r.header("etag").expect("an ETag");
                let body: Value = serde_json::from_str(&r.body).expect("a stored save is whole JSON");
                let stored: i64 = etag.trim_matches('"')[1..].parse().unwrap();
                assert!(stored >= acknowledged[i], "{database}: a{i} had r{} acknowledged, the server kept r{stored}", acknowledged[i]);
                assert_eq!(body["meta"]["title"], format!("save {stored}"), "{database}: revision and body belong together");
            }
        });
    }
}
