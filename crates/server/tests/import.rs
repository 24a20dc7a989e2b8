//! Pages into a project on every database: an HTML page is reduced to the
//! article text the widget reads from it (the same fixture files hold the
//! expected text for both), nothing of its markup or scripts is kept, and
//! the same page imported again is recognised.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use sqlx::Row;
use std::path::PathBuf;

fn workspace_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_pages_become_the_article_text_the_widget_reads() {
    let pages = [
        ("assets/articles/newsroom-page.html", "newsroom-page", "tests/fixtures/newsroom-page.article.txt"),
        ("tests/fixtures/hostile.html", "hostile", "tests/fixtures/hostile.article.txt"),
    ];
    for db in databases().await {
        let server = start(&db.url).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["A first text."]).await;
        for (page, name, expected) in pages {
            let bytes = std::fs::read(workspace_file(page)).unwrap();
            let path = format!("/api/projects/p/documents?name={name}.html");
            let a = editor.send(Method::POST, &path, Some(bytes.clone()), &[]).await;
            assert_eq!(a.status, StatusCode::OK, "{}: {}", db.name, a.body);
            assert_eq!((a.json()["imported"].as_i64(), a.json()["duplicates"].as_i64()), (Some(1), Some(0)), "{}", db.name);
            let again = editor.send(Method::POST, &path, Some(bytes), &[]).await;
            assert_eq!(again.json()["duplicates"].as_i64(), Some(1), "{}: the same page again is recognised", db.name);
            let row = sqlx::query("SELECT text, title FROM documents WHERE external_id = $1").bind(name).fetch_one(&server.db.pool).await.unwrap();
            let text: String = row.try_get("text").unwrap();
            assert_eq!(text, std::fs::read_to_string(workspace_file(expected)).unwrap(), "{}: {page}", db.name);
            assert!(!text.contains('<') && !text.contains("alert"), "{}: no markup or script kept", db.name);
            assert_eq!(row.try_get::<String, _>("title").unwrap(), text.split("\n\n").next().unwrap());
        }
        let furniture = editor.send(Method::POST, "/api/projects/p/documents?name=menu.html", Some(b"<nav>Home</nav><script>x()</script>".to_vec()), &[]).await;
        assert_eq!(furniture.status, StatusCode::BAD_REQUEST, "{}: {}", db.name, furniture.body);
        assert!(furniture.body.contains("no article text"), "{}", furniture.body);
    }
}
