//! The work queue on every database: overlap honoured, never the same
//! document twice to one annotator, an abandoned document handed on,
//! concurrent requests (and two server instances on one database) never
//! over-assigning.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;

async fn next(b: &mut Browser, project: &str) -> Value {
    let a = b.post(&format!("/api/projects/{project}/queue/next"), json!({})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.json()
}

fn doc_id(next: &Value) -> Option<i64> {
    next["document"]["id"].as_i64()
}

async fn mark(b: &mut Browser, project: &str, doc: i64, state: &str) -> StatusCode {
    b.post(&format!("/api/projects/{project}/documents/{doc}/status"), json!({ "state": state, "note": "see ¶2 👩‍💻" })).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlap_two_gives_each_document_to_two_annotators_never_one_twice() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &["First 東京 text.", "Second مرحبا text.", "Third text, e\u{301}."]).await;
        let mut a = join(&mut editor, "p", "ann", "annotator").await;
        let mut b = join(&mut editor, "p", "bob", "annotator").await;
        let mut c = join(&mut editor, "p", "cyd", "annotator").await;
        let (a1, b1, c1) = (doc_id(&next(&mut a, "p").await), doc_id(&next(&mut b, "p").await), doc_id(&next(&mut c, "p").await));
        assert_eq!(a1, b1, "{}: the first document has two places", db.name);
        assert_ne!(c1, a1, "{}: the first document is full", db.name);
        // Asking again gives the document one holds.
        assert_eq!(doc_id(&next(&mut a, "p").await), a1);
        let first = next(&mut a, "p").await;
        assert_eq!(first["document"]["text"], "First 東京 text.");
        assert_eq!(first["document"]["save"], format!("/api/projects/p/documents/{}/save", a1.unwrap()));
        let mut seen: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for (name, who) in [("ann", &mut a), ("bob", &mut b), ("cyd", &mut c)] {
            loop {
                let n = next(who, "p").await;
                let Some(doc) = doc_id(&n) else { break };
                assert_eq!(mark(who, "p", doc, "done").await, StatusCode::NO_CONTENT);
                seen.entry(name).or_default().push(doc);
            }
        }
        let mut per_doc: BTreeMap<i64, usize> = BTreeMap::new();
        for docs in seen.values() {
            let mut unique = docs.clone();
            unique.dedup();
            assert_eq!(&unique, docs, "{}: an annotator got a document twice: {seen:?}", db.name);
            for d in docs {
                *per_doc.entry(*d).or_default() += 1;
            }
        }
        assert_eq!(per_doc.values().copied().collect::<Vec<_>>(), [2, 2, 2], "{}: {seen:?}", db.name);
        let progress = next(&mut a, "p").await["progress"].clone();
        assert_eq!(progress["documents"], 3);
        assert_eq!(progress["done"].as_i64(), Some(seen["ann"].len() as i64));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_document_goes_to_someone_else_and_never_back() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["Only text."]).await;
        let mut a = join(&mut editor, "p", "ann", "annotator").await;
        let mut b = join(&mut editor, "p", "bob", "annotator").await;
        let doc = doc_id(&next(&mut a, "p").await).unwrap();
        assert_eq!(doc_id(&next(&mut b, "p").await), None, "{}: the only place is taken", db.name);
        // An hour and a minute later, untouched:
        sqlx::query("UPDATE assignments SET updated_at = updated_at - 3660000").execute(&server.db.pool).await.unwrap();
        assert_eq!(doc_id(&next(&mut b, "p").await), Some(doc), "{}", db.name);
        assert_eq!(doc_id(&next(&mut a, "p").await), None, "{}: never the same document twice", db.name);
        assert_eq!(mark(&mut a, "p", doc, "done").await, StatusCode::CONFLICT);
        assert_eq!(mark(&mut b, "p", doc, "flagged").await, StatusCode::NO_CONTENT);
        let docs = editor.get("/api/projects/p/documents").await.json();
        assert_eq!((docs["documents"][0]["flagged"].as_i64(), docs["documents"][0]["open"].as_i64()), (Some(1), Some(0)));
        let note: String = sqlx::query("SELECT note FROM assignments WHERE state = 'flagged'").fetch_one(&server.db.pool).await.unwrap().try_get("note").unwrap();
        assert_eq!(note, "see ¶2 👩‍💻");
    }
}

/// The queue skips documents it saw full; a place given up, or a larger
/// overlap, makes the document the next one again (in import order, not
/// after the others).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freed_place_comes_back_in_import_order() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["One ☕.", "Two 東京.", "Three שלום.", "Four."]).await;
        let mut a = join(&mut editor, "p", "ann", "annotator").await;
        let mut b = join(&mut editor, "p", "bob", "annotator").await;
        let mut c = join(&mut editor, "p", "cyd", "annotator").await;
        let a1 = doc_id(&next(&mut a, "p").await).unwrap();
        let b1 = doc_id(&next(&mut b, "p").await).unwrap();
        sqlx::query("UPDATE assignments SET updated_at = updated_at - 3660000 WHERE document_id = $1").bind(a1).execute(&server.db.pool).await.unwrap();
        assert_eq!(doc_id(&next(&mut c, "p").await), Some(a1), "{}: the abandoned first document comes first", db.name);
        let a = editor.json_call(reqwest::Method::PATCH, "/api/projects/p", json!({ "overlap": 2 })).await;
        assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
        let mut d = join(&mut editor, "p", "dee", "annotator").await;
        assert_eq!(doc_id(&next(&mut d, "p").await), Some(a1), "{}: with overlap 2 the first document has a place again", db.name);
        let mut e = join(&mut editor, "p", "eve", "annotator").await;
        assert_eq!(doc_id(&next(&mut e, "p").await), Some(b1), "{}: and then the second", db.name);
    }
}

/// A hint a race left set (every place taken, when one is free) delays the
/// document to the end of the queue; it is still handed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_hint_delays_a_document_but_never_loses_it() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["First.", "Second 👩‍💻."]).await;
        let mut a = join(&mut editor, "p", "ann", "annotator").await;
        let first: i64 = sqlx::query("SELECT MIN(d.id) AS id FROM documents d JOIN projects p ON p.id = d.project_id WHERE p.slug = 'p'").fetch_one(&server.db.pool).await.unwrap().try_get("id").unwrap();
        sqlx::query("UPDATE documents SET queue_full = 1 WHERE id = $1").bind(first).execute(&server.db.pool).await.unwrap();
        let second = doc_id(&next(&mut a, "p").await).unwrap();
        assert_ne!(second, first, "{}: the hint is followed", db.name);
        assert_eq!(mark(&mut a, "p", second, "done").await, StatusCode::NO_CONTENT);
        assert_eq!(doc_id(&next(&mut a, "p").await), Some(first), "{}: the document the hint hid is still given", db.name);
    }
}

/// Twenty annotators ask at the same instant, half of them through a
/// second server instance on the same database: ten documents, overlap 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_on_two_instances_never_hand_a_place_twice() {
    for db in databases().await {
        let server = start(&db.url).await;
        let second = start(&db.url).await;
        let mut editor = admin(&server).await;
        let texts: Vec<String> = (0..10).map(|i| format!("Document number {i} 👍")).collect();
        project_with(&mut editor, "p", 1, &texts.iter().map(String::as_str).collect::<Vec<_>>()).await;
        let mut people = Vec::new();
        for i in 0..20 {
            let mut b = join(&mut editor, "p", &format!("a{i}"), "annotator").await;
            if i % 2 == 1 {
                b.base = second.base.clone();
            }
            people.push(b);
        }
        let asks = people.into_iter().map(|mut b| tokio::spawn(async move { doc_id(&next(&mut b, "p").await) }));
        let mut got: Vec<i64> = Vec::new();
        for ask in asks {
            got.extend(ask.await.unwrap());
        }
        got.sort();
        let before = got.len();
        got.dedup();
        assert_eq!((before, got.len()), (10, 10), "{}: ten places, each given once", db.name);
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM assignments WHERE state = 'open'").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(open, 10);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlap_zero_gives_every_document_to_everyone() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 0, &["One.", "Two."]).await;
        for name in ["ann", "bob", "cyd"] {
            let mut who = join(&mut editor, "p", name, "annotator").await;
            let mut mine = Vec::new();
            while let Some(d) = doc_id(&next(&mut who, "p").await) {
                assert_eq!(mark(&mut who, "p", d, "skipped").await, StatusCode::NO_CONTENT);
                mine.push(d);
            }
            assert_eq!(mine.len(), 2, "{}: {name}", db.name);
        }
        // A reviewer does not take work.
        let mut rita = join(&mut editor, "p", "rita", "reviewer").await;
        assert_eq!(rita.post("/api/projects/p/queue/next", json!({})).await.status, StatusCode::FORBIDDEN);
    }
}

/// The widget's own status control is the queue's: a save whose record is
/// done (or skipped, or flagged with a note) marks the place, and the next
/// request brings another document; taking the status back reopens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_saved_with_the_record_moves_the_queue() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["First 東京.", "Second مرحبا."]).await;
        let mut a = join(&mut editor, "p", "ann", "annotator").await;
        let first = next(&mut a, "p").await;
        let (doc, save) = (doc_id(&first).unwrap(), first["document"]["save"].as_str().unwrap().to_string());
        let text = first["document"]["text"].as_str().unwrap().to_string();
        let with_status = |status: serde_json::Value| json!({ "text": text, "spans": [], "format_version": 1, "status": status }).to_string();
        let put = |b: &mut Browser, body: String, precondition: (&'static str, &'static str)| {
            let mut b = b.clone();
            let save = save.clone();
            async move { b.send(reqwest::Method::PUT, &save, Some(body.into_bytes()), &[precondition]).await.status }
        };
        assert_eq!(put(&mut a, with_status(json!({ "state": "flagged", "note": "garbled ¶3" })), ("If-None-Match", "*")).await, StatusCode::CREATED);
        let state: (String, String) = {
            let row = sqlx::query("SELECT state, note FROM assignments WHERE document_id = $1").bind(doc).fetch_one(&server.db.pool).await.unwrap();
            (row.try_get("state").unwrap(), row.try_get("note").unwrap())
        };
        assert_eq!(state, ("flagged".to_string(), "garbled ¶3".to_string()), "{}", db.name);
        let second = next(&mut a, "p").await;
        assert_ne!(doc_id(&second), Some(doc), "{}: a flagged document is left for the editor", db.name);
        // Taken back in the widget (status removed): open again, and held.
        assert_eq!(put(&mut a, json!({ "text": text, "spans": [], "format_version": 1 }).to_string(), ("If-Match", "\"r1\"")).await, StatusCode::OK);
        let state: String = sqlx::query("SELECT state FROM assignments WHERE document_id = $1").bind(doc).fetch_one(&server.db.pool).await.unwrap().try_get("state").unwrap();
        assert_eq!(state, "open", "{}", db.name);
    }
}
