//! Getting in: the first account, sign-in and its rate limit, invitations
//! used once, API tokens, sign-out — on every database.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Row;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_account_is_the_demo_admin_and_only_one_is_first() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut anonymous = Browser::new(&server);
        assert_eq!(anonymous.get("/api/session").await.json()["setup_needed"], true, "{}", db.name);
        let mut editor = admin(&server).await;
        let session = editor.get("/api/session").await.json();
        assert_eq!((session["user"]["name"].as_str(), session["setup_needed"].as_bool()), (Some("editor"), Some(false)));
        let projects = editor.get("/api/projects").await.json();
        assert_eq!(projects["projects"][0]["slug"], "demo");
        assert_eq!(projects["projects"][0]["role"], "admin");
        let docs = editor.get("/api/projects/demo/documents").await.json();
        assert_eq!(docs["documents"].as_array().unwrap().len(), 2, "the demo holds the default article and the Unicode text");
        // A second "first account" is refused and makes no user.
        let a = Browser::new(&server).post("/api/setup", json!({ "name": "mallory", "password": "mallory-password" })).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}: {}", db.name, a.body);
        let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(users, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_rate_limited_per_name_and_sign_out_ends_the_session() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        let mut guesser = Browser::new(&server);
        for _ in 0..5 {
            let a = guesser.post("/api/signin", json!({ "name": "editor", "password": "wrong-password" })).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", db.name);
        }
        // Now even the right password waits.
        let a = guesser.post("/api/signin", json!({ "name": "editor", "password": "editor-password" })).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}: {}", db.name, a.body);
        assert!(a.header("retry-after").is_some());
        assert!(guesser.session.is_none());
        // An unknown name is told apart from a wrong password by nothing.
        let a = Browser::new(&server).post("/api/signin", json!({ "name": "nobody", "password": "whatever-pw" })).await;
        assert_eq!((a.status, a.json()["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("wrong name or password")));
        // Sign-out ends the session for good, even for a copy of its cookie.
        let stolen = editor.clone();
        assert_eq!(editor.post("/api/signout", json!({})).await.status, StatusCode::NO_CONTENT);
        assert!(editor.session.is_none());
        let mut stolen = stolen;
        assert_eq!(stolen.get("/api/projects").await.status, StatusCode::UNAUTHORIZED, "{}", db.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_works_once_and_gives_its_role() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        let a = editor.post("/api/projects/demo/invitations", json!({ "role": "reviewer" })).await;
        let secret = a.json()["invitation"].as_str().unwrap().to_string();
        let mut rita = Browser::new(&server);
        let a = rita.post(&format!("/api/invitations/{secret}/accept"), json!({ "name": "rita", "password": "rita-password" })).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", db.name, a.body);
        assert_eq!(rita.get("/api/projects/demo").await.json()["role"], "reviewer");
        // Reused, by someone else: refused, and no account is made.
        let mut mallory = Browser::new(&server);
        let a = mallory.post(&format!("/api/invitations/{secret}/accept"), json!({ "name": "mallory", "password": "mallory-password" })).await;
        assert_eq!(a.status, StatusCode::GONE, "{}", db.name);
        let made: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE name = 'mallory'").fetch_one(&server.db.pool).await.unwrap().try_get("n").unwrap();
        assert_eq!(made, 0, "a refused acceptance leaves no account behind");
        // A taken name is refused before the invitation is spent.
        let a = editor.post("/api/projects/demo/invitations", json!({ "role": "annotator" })).await;
        let second = a.json()["invitation"].as_str().unwrap().to_string();
        let a = Browser::new(&server).post(&format!("/api/invitations/{second}/accept"), json!({ "name": "rita", "password": "other-password" })).await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        let a = Browser::new(&server).post(&format!("/api/invitations/{second}/accept"), json!({ "name": "anna", "password": "anna-password" })).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_token_works_without_cookies_or_csrf_and_a_wrong_one_does_not() {
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        let a = editor.post("/api/tokens", json!({ "label": "cli" })).await;
        assert_eq!(a.status, StatusCode::CREATED);
        let token = a.json()["token"].as_str().unwrap().to_string();
        let mut cli = Browser::new(&server);
        cli.token = Some(token.clone());
        let a = cli.send(Method::POST, "/api/projects/demo/documents?name=new.txt", Some("A new article about Bamako.".into()), &[]).await;
        assert_eq!((a.status, a.json()["imported"].as_u64()), (StatusCode::OK, Some(1)), "{}: {}", db.name, a.body);
        cli.token = Some(format!("{token}0"));
        assert_eq!(cli.get("/api/projects").await.status, StatusCode::UNAUTHORIZED);
        let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM api_tokens WHERE secret_sha256 = $1")
            .bind(&token)
            .fetch_one(&server.db.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(stored, 0, "only the token's digest is stored");
    }
}
