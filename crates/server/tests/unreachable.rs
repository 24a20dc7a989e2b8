//! The database away for a while (PostgreSQL behind a proxy the test
//! cuts): every request is answered `503` with `Retry-After`, no save is
//! half-taken, and once the database is back the same save goes through.
//! (An embedded SQLite file cannot be unreachable; it is not run there.)

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A TCP proxy to `target` on a free port of 127.0.0.1, cut (every
/// connection dropped, new ones refused) while `cut` is set.
struct Proxy {
    port: u16,
    cut: Arc<std::sync::atomic::AtomicBool>,
    changed: Arc<Notify>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let changed = Arc::new(Notify::new());
        let (cut2, changed2) = (cut.clone(), changed.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { return };
                if cut2.load(std::sync::atomic::Ordering::SeqCst) {
                    continue; // dropped at once
                }
                let (target, cut3, changed3) = (target.clone(), cut2.clone(), changed2.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = async { while !cut3.load(std::sync::atomic::Ordering::SeqCst) { changed3.notified().await } } => {}
                    }
                });
            }
        });
        Proxy { port, cut, changed }
    }

    fn set_cut(&self, cut: bool) {
        self.cut.store(cut, std::sync::atomic::Ordering::SeqCst);
        self.changed.notify_waiters();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_away_means_503_and_retry_after_and_nothing_is_lost() {
    for db in databases().await.into_iter().filter(|d| d.name == "postgres") {
        // postgres://user@host:port/db → the same through the proxy.
        let (scheme_user, rest) = db.url.split_once('@').unwrap();
        let (host_port, database) = rest.split_once('/').unwrap();
        let proxy = Proxy::start(host_port.to_string()).await;
        let proxied = format!("{scheme_user}@127.0.0.1:{}/{database}", proxy.port);
        let server = start(&proxied).await;
        let mut editor = admin(&server).await;
        project_with(&mut editor, "p", 1, &["Ana met 東京 officials."]).await;
        let next = editor.post("/api/projects/p/queue/next", json!({})).await.json();
        let save = next["document"]["save"].as_str().unwrap().to_string();
        let body = record("Ana met 東京 officials.", &[(0, 3, "PERSON")]);

        proxy.set_cut(true);
        let a = editor.send(Method::PUT, &save, Some(body.clone().into_bytes()), &[("If-None-Match", "*")]).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
        assert_eq!(a.header("retry-after").as_deref(), Some("5"));
        assert_eq!(editor.get("/healthz").await.status, StatusCode::SERVICE_UNAVAILABLE);

        proxy.set_cut(false);
        // The widget sends the same save again: it is the first, once.
        let mut stored = None;
        for _ in 0..50 {
            let a = editor.send(Method::PUT, &save, Some(body.clone().into_bytes()), &[("If-None-Match", "*")]).await;
            if a.status != StatusCode::SERVICE_UNAVAILABLE {
                stored = Some(a);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let stored = stored.expect("the database came back");
        assert_eq!((stored.status, stored.header("etag").as_deref()), (StatusCode::CREATED, Some("\"r1\"")), "{}", stored.body);
        assert_eq!(editor.get(&save).await.body, body);
    }
}
