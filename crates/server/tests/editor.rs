//! The editor's endpoints, on every database: every assignment with its
//! state, note and save times; the latest save of every annotator of one
//! document. Admins and reviewers only; another project's document is not
//! found.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

const TEXT: &str = "Ana 👩‍💻 met 東京 officials in مرحبا.";

fn span(needle: &str, label: &'static str) -> (usize, usize, &'static str) {
    let start = TEXT[..TEXT.find(needle).unwrap()].chars().count();
    (start, start + needle.chars().count(), label)
}

async fn put(b: &mut Browser, path: &str, body: &str, precondition: (&str, &str)) -> StatusCode {
    b.send(Method::PUT, path, Some(body.as_bytes().to_vec()), &[("Content-Type", "application/json"), precondition]).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_sees_every_assignment_and_every_annotators_latest_save() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &[TEXT]).await;
        project_with(&mut editor, "other", 1, &["Another text entirely."]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let mut bob = join(&mut editor, "p", "bob", "annotator").await;
        let mut rita = join(&mut editor, "p", "rita", "reviewer").await;

        let next = ann.post("/api/projects/p/queue/next", json!({})).await.json();
        let (id, save) = (next["document"]["id"].as_i64().unwrap(), next["document"]["save"].as_str().unwrap().to_string());
        assert_eq!(put(&mut ann, &save, &record(TEXT, &[span("Ana", "ORG")]), ("If-None-Match", "*")).await, StatusCode::CREATED);
        assert_eq!(put(&mut ann, &save, &record(TEXT, &[span("Ana", "PERSON")]), ("If-Match", "\"r1\"")).await, StatusCode::OK);
        ann.post(&format!("/api/projects/p/documents/{id}/status"), json!({ "state": "done" })).await;
        bob.post("/api/projects/p/queue/next", json!({})).await;
        assert_eq!(put(&mut bob, &save, &record(TEXT, &[span("東京", "GPE")]), ("If-None-Match", "*")).await, StatusCode::CREATED);
        bob.post(&format!("/api/projects/p/documents/{id}/status"), json!({ "state": "flagged", "note": "which city? 東京" })).await;

        let a = rita.get("/api/projects/p/assignments").await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", db.name, a.body);
        let list = a.json()["assignments"].as_array().unwrap().clone();
        let states: Vec<(String, String, String)> =
            list.iter().map(|x| (x["name"].as_str().unwrap().into(), x["state"].as_str().unwrap().into(), x["note"].as_str().unwrap().into())).collect();
        assert_eq!(states, [("ann".into(), "done".into(), "".into()), ("bob".into(), "flagged".into(), "which city? 東京".into())], "{}", db.name);
        for x in &list {
            let (claimed, first, last) = (x["claimed_at"].as_i64().unwrap(), x["first_save"].as_i64().unwrap(), x["last_save"].as_i64().unwrap());
            assert!(claimed <= first && first <= last, "{}: {x}", db.name);
        }

        let saves_path = format!("/api/projects/p/documents/{id}/saves");
        let s = rita.get(&saves_path).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        let body = s.json();
        assert_eq!(body["document"]["text"].as_str(), Some(TEXT));
        let latest: Vec<(String, i64, String)> = body["saves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["name"].as_str().unwrap().into(), x["revision"].as_i64().unwrap(), x["record"]["spans"][0]["label"].as_str().unwrap().into()))
            .collect();
        assert_eq!(latest, [("ann".into(), 2, "PERSON".into()), ("bob".into(), 1, "GPE".into())], "{}: the latest revision of each", db.name);

        // Annotators see neither; another project's document through this one is not found.
        assert_eq!(ann.get("/api/projects/p/assignments").await.status, StatusCode::FORBIDDEN);
        assert_eq!(ann.get(&saves_path).await.status, StatusCode::FORBIDDEN);
        let other_id = editor.get("/api/projects/other/documents").await.json()["documents"][0]["id"].as_i64().unwrap();
        assert_eq!(editor.get(&format!("/api/projects/p/documents/{other_id}/saves")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(rita.get("/api/projects/other/assignments").await.status, StatusCode::NOT_FOUND, "not a member");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_pages_are_served_with_their_policy() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut b = Browser::new(&server);
        for (path, marker) in [("/team/join/abc", "join.js"), ("/team/p/demo", "project.js"), ("/team/p/demo/review/1", "review.js"), ("/team/assets/review.js", "handle.review")] {
            let a = b.get(path).await;
            assert_eq!(a.status, StatusCode::OK, "{path}");
            assert!(a.body.contains(marker), "{path} should carry {marker}");
            assert!(a.header("content-security-policy").unwrap().contains("script-src 'self'"), "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreement_per_label_compares_each_documents_latest_saves() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &[TEXT]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let mut bob = join(&mut editor, "p", "bob", "annotator").await;
        let save = ann.post("/api/projects/p/queue/next", json!({})).await.json()["document"]["save"].as_str().unwrap().to_string();
        bob.post("/api/projects/p/queue/next", json!({})).await;
        // ann's first save disagrees on Ana; her latest agrees.
        put(&mut ann, &save, &record(TEXT, &[span("Ana", "ORG"), span("東京", "GPE")]), ("If-None-Match", "*")).await;
        put(&mut ann, &save, &record(TEXT, &[span("Ana", "PERSON"), span("東京", "GPE")]), ("If-Match", "\"r1\"")).await;
        put(&mut bob, &save, &record(TEXT, &[span("Ana", "PERSON"), span("東京", "LOC")]), ("If-None-Match", "*")).await;

        assert_eq!(ann.get("/api/projects/p/agreement").await.status, StatusCode::FORBIDDEN);
        let a = editor.get("/api/projects/p/agreement").await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", db.name, a.body);
        let report = a.json();
        assert_eq!(report["shared_texts"], 1);
        let pair = &report["pairs"][0];
        assert_eq!((pair["a"].as_str(), pair["b"].as_str()), (Some("ann"), Some("bob")));
        let f1 = |label: &str| pair["labels"].as_array().unwrap().iter().find(|l| l["label"] == label).map(|l| l["exact"]["f1"].clone());
        assert_eq!(f1("PERSON"), Some(json!(1.0)), "{}: the latest save counts", db.name);
        assert_eq!(f1("GPE"), Some(json!(null)), "bob has no GPE: recall has nothing to divide by");
        assert_eq!(pair["labels"].as_array().unwrap().iter().find(|l| l["label"] == "GPE").unwrap()["spans_a"], 1);
    }
}
