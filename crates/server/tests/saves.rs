//! Saves on every database: the widget's contract (ETag, If-Match,
//! If-None-Match, 412 on a stale write, 428 without a precondition), every
//! revision kept, listed, compared and restored, and who sees what.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;

const TEXT: &str = "Ana 👩‍💻 met 東京 officials and مرحبا Cafe\u{301} staff.";

fn chars_until(needle: &str) -> usize {
    TEXT[..TEXT.find(needle).unwrap()].chars().count()
}

fn span(needle: &str, label: &'static str) -> (usize, usize, &'static str) {
    let start = chars_until(needle);
    (start, start + needle.chars().count(), label)
}

async fn put(b: &mut Browser, path: &str, body: &str, precondition: (&str, &str)) -> Answer {
    b.send(Method::PUT, path, Some(body.as_bytes().to_vec()), &[("Content-Type", "application/json"), precondition]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_save_is_a_revision_guarded_by_its_etag() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &[TEXT]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let next = ann.post("/api/projects/p/queue/next", json!({})).await.json();
        let save = next["document"]["save"].as_str().unwrap().to_string();
        assert_eq!(ann.get(&save).await.status, StatusCode::NOT_FOUND, "{}: nothing saved yet", db.name);

        let first = record(TEXT, &[span("東京", "GPE")]);
        let a = ann.send(Method::PUT, &save, Some(first.clone().into_bytes()), &[]).await;
        assert_eq!(a.status, StatusCode::PRECONDITION_REQUIRED, "{}", db.name);
        let a = put(&mut ann, &save, &first, ("If-None-Match", "*")).await;
        assert_eq!((a.status, a.header("etag").as_deref()), (StatusCode::CREATED, Some("\"r1\"")), "{}: {}", db.name, a.body);
        let a = put(&mut ann, &save, &first, ("If-None-Match", "*")).await;
        assert_eq!(a.status, StatusCode::PRECONDITION_FAILED, "a first save is first once");

        let second = record(TEXT, &[span("東京", "GPE"), span("مرحبا", "PERSON"), span("Cafe\u{301}", "ORG")]);
        let a = put(&mut ann, &save, &second, ("If-Match", "\"r1\"")).await;
        assert_eq!((a.status, a.header("etag").as_deref()), (StatusCode::OK, Some("\"r2\"")));
        // A tab still on r1 is told, and its write changes nothing.
        let a = put(&mut ann, &save, &first, ("If-Match", "\"r1\"")).await;
        assert_eq!((a.status, a.header("etag").as_deref()), (StatusCode::PRECONDITION_FAILED, Some("\"r2\"")));
        let got = ann.get(&save).await;
        assert_eq!((got.header("etag").as_deref(), got.body.as_str()), (Some("\"r2\""), second.as_str()), "{}", db.name);

        // Every revision is there, comparable and restorable.
        let doc = next["document"]["id"].as_i64().unwrap();
        let list = ann.get(&format!("/api/projects/p/documents/{doc}/revisions")).await.json();
        let ids: Vec<i64> = list["revisions"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), 2);
        let (r2, r1) = (ids[0], ids[1]);
        let diff = ann.get(&format!("/api/projects/p/revisions/{r1}/compare/{r2}")).await.json();
        let added: Vec<&str> = diff["only_in_second"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
        assert_eq!(added, ["مرحبا", "Cafe\u{301}"], "{}: spans named by their text, offsets in code points", db.name);
        let a = ann.post(&format!("/api/projects/p/revisions/{r1}/restore"), json!({})).await;
        assert_eq!((a.status, a.header("etag").as_deref()), (StatusCode::CREATED, Some("\"r3\"")));
        assert_eq!(ann.get(&save).await.body, first, "{}: r1's body is the newest again", db.name);
        let revisions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM saves").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(revisions, 3, "nothing was overwritten");
        let audited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('saved', 'restored')").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(audited, 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_must_be_a_valid_record_of_this_documents_text() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &[TEXT]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let save = ann.post("/api/projects/p/queue/next", json!({})).await.json()["document"]["save"].as_str().unwrap().to_string();
        let refusals = [
            ("{\"text\": ", "not a valid save"),
            (&*record("Another text entirely.", &[]), "another text"),
            (&*record(TEXT, &[(40, 900, "ORG")]), "not a valid save"),
        ];
        for (body, says) in refusals {
            let a = put(&mut ann, &save, body, ("If-None-Match", "*")).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {body}", db.name);
            assert!(a.json()["error"].as_str().unwrap().contains(says), "{}", a.body);
        }
        ann.send_oversized(Method::PUT, &save, vec![b'x'; 100 * 1024 * 1024], &[("If-None-Match", "*")]).await;
        let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM saves").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(stored, 0, "{}: no refused body was stored", db.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotators_see_their_own_saves_reviewers_see_all() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 2, &[TEXT]).await;
        let mut ann = join(&mut editor, "p", "ann", "annotator").await;
        let mut bob = join(&mut editor, "p", "bob", "annotator").await;
        let mut rita = join(&mut editor, "p", "rita", "reviewer").await;
        let next = ann.post("/api/projects/p/queue/next", json!({})).await.json();
        let (save, doc) = (next["document"]["save"].as_str().unwrap().to_string(), next["document"]["id"].as_i64().unwrap());
        put(&mut ann, &save, &record(TEXT, &[span("Ana", "PERSON")]), ("If-None-Match", "*")).await;
        let ann_revision = ann.get(&format!("/api/projects/p/documents/{doc}/revisions")).await.json()["revisions"][0]["id"].as_i64().unwrap();
        // Bob has not been given the document yet: it does not exist for him.
        assert_eq!(bob.get(&save).await.status, StatusCode::NOT_FOUND, "{}", db.name);
        bob.post("/api/projects/p/queue/next", json!({})).await;
        // Now he has it, but Ann's save stays hers.
        assert_eq!(bob.get(&save).await.status, StatusCode::NOT_FOUND, "{}: bob has no save of his own", db.name);
        assert_eq!(bob.get(&format!("/api/projects/p/revisions/{ann_revision}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(bob.post(&format!("/api/projects/p/revisions/{ann_revision}/restore"), json!({})).await.status, StatusCode::NOT_FOUND);
        let listed = bob.get(&format!("/api/projects/p/documents/{doc}/revisions")).await.json();
        assert_eq!(listed["revisions"].as_array().unwrap().len(), 0);
        // The reviewer reads it, but does not write as Ann.
        assert_eq!(rita.get(&format!("/api/projects/p/revisions/{ann_revision}")).await.status, StatusCode::OK);
        assert_eq!(rita.post(&format!("/api/projects/p/revisions/{ann_revision}/restore"), json!({})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(rita.get(&format!("/api/projects/p/documents/{doc}/revisions")).await.json()["revisions"].as_array().unwrap().len(), 1);
    }
}
