//! What an attacker tries, on every database, each expecting a refusal
//! that changes nothing: a missing or wrong CSRF token, another project's
//! document id, a stranger's project, a role's limits, a foreign `Host`,
//! oversized bodies.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;

async fn count(server: &TestServer, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_the_csrf_token_changes_nothing() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        let csrf = editor.csrf.take();
        let a = editor.post("/api/projects", json!({ "slug": "forged", "name": "Forged" })).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}: {}", db.name, a.body);
        editor.csrf = Some("0".repeat(64));
        let a = editor.post("/api/projects/demo/invitations", json!({ "role": "admin" })).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", db.name);
        assert_eq!((count(&server, "projects").await, count(&server, "invitations").await), (1, 0));
        // Reading needs no token; writing with the right one works.
        assert_eq!(editor.get("/api/projects").await.status, StatusCode::OK);
        editor.csrf = csrf;
        assert_eq!(editor.post("/api/projects", json!({ "slug": "real", "name": "Real" })).await.status, StatusCode::CREATED);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_in_urls_give_no_access_to_other_projects() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "secret", 1, &["Confidential source: the minister."]).await;
        project_with(&mut editor, "open", 1, &["Public text."]).await;
        let mut ann = join(&mut editor, "open", "ann", "annotator").await;
        let secret_doc: i64 = sqlx::query("SELECT d.id FROM documents d JOIN projects p ON p.id = d.project_id WHERE p.slug = 'secret'")
            .fetch_one(&server.db.pool)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
        // The project is invisible; its document too, even through a project ann is in.
        assert_eq!(ann.get("/api/projects/secret").await.status, StatusCode::NOT_FOUND, "{}", db.name);
        assert_eq!(ann.post("/api/projects/secret/queue/next", json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(ann.get(&format!("/api/projects/open/documents/{secret_doc}/save")).await.status, StatusCode::NOT_FOUND);
        let body = record("Confidential source: the minister.", &[(0, 12, "ORG")]);
        let a = ann.send(Method::PUT, &format!("/api/projects/open/documents/{secret_doc}/save"), Some(body.into_bytes()), &[("If-None-Match", "*")]).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", db.name);
        assert_eq!(ann.get(&format!("/api/projects/open/documents/{secret_doc}/revisions")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(count(&server, "saves").await, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_stays_within_its_limits() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        let mut ann = join(&mut editor, "demo", "ann", "annotator").await;
        let before = count(&server, "documents").await;
        let a = ann.send(Method::POST, "/api/projects/demo/documents?name=x.txt", Some(b"Planted text.".to_vec()), &[]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", db.name);
        assert_eq!(ann.get("/api/projects/demo/documents").await.status, StatusCode::FORBIDDEN);
        assert_eq!(ann.get("/api/projects/demo/members").await.status, StatusCode::FORBIDDEN);
        assert_eq!(ann.post("/api/projects/demo/invitations", json!({ "role": "admin" })).await.status, StatusCode::FORBIDDEN);
        let ann_id = ann.get("/api/session").await.json()["user"]["id"].as_i64().unwrap();
        let a = ann.json_call(Method::PUT, &format!("/api/projects/demo/members/{ann_id}"), json!({ "role": "admin" })).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}: no one makes themselves admin", db.name);
        let a = ann.json_call(Method::PATCH, "/api/projects/demo", json!({ "overlap": 0 })).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(count(&server, "documents").await, before);
        let role: String = sqlx::query("SELECT role FROM members WHERE user_id = $1").bind(ann_id).fetch_one(&server.db.pool).await.unwrap().try_get("role").unwrap();
        assert_eq!(role, "annotator");
        // The last admin cannot step down; a role change is audited.
        let editor_id = editor.get("/api/session").await.json()["user"]["id"].as_i64().unwrap();
        let a = editor.json_call(Method::PUT, &format!("/api/projects/demo/members/{editor_id}"), json!({ "role": "annotator" })).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", db.name);
        let a = editor.json_call(Method::PUT, &format!("/api/projects/demo/members/{ann_id}"), json!({ "role": "reviewer" })).await;
        assert_eq!(a.status, StatusCode::NO_CONTENT);
        let audited: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'role_changed'").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(audited, 1, "{}: the refused change left no trace, the accepted one did", db.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_and_oversized_bodies_are_refused() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        // DNS rebinding: a name that points at 127.0.0.1 is not this server's.
        let a = editor.send(Method::GET, "/api/projects", None, &[("Host", "attacker.example")]).await;
        assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{}", db.name);
        let localhost = format!("localhost:{}", server.addr.port());
        assert_eq!(editor.send(Method::GET, "/api/projects", None, &[("Host", &localhost)]).await.status, StatusCode::OK);
        // 100 MB at an import (64 MB at most) and 2 MB where 1 MB is the limit.
        let before = count(&server, "documents").await;
        editor.send_oversized(Method::POST, "/api/projects/demo/documents?name=huge.txt", vec![b'a'; 100 * 1024 * 1024], &[]).await;
        let big = json!({ "slug": "big", "name": "x".repeat(2 * 1024 * 1024) });
        assert_eq!(editor.post("/api/projects", big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(count(&server, "documents").await, before);
        assert_eq!(count(&server, "projects").await, 1);
    }
}
