//! Marginalia's team server (`marginalia serve`): projects with a label
//! schema, guidelines and an overlap; a work queue; every save kept as a
//! revision; sign-in, roles, invitations and an audit log. One SQLite file
//! by default, PostgreSQL for teams (`db.rs`). The server holds no state of
//! its own between requests: several instances can share one PostgreSQL.
//!
//! Module map: `routes.rs` lists every endpoint; `auth/` says who is
//! asking; `roles.rs` what they may do in a project; `accounts.rs`,
//! `projects.rs`, `documents.rs`, `queue.rs`, `saves.rs`, `revisions.rs`,
//! `gold.rs` and `export.rs` answer; `audit.rs` records; `demo.rs` seeds a new server.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod db;
pub mod demo;
pub mod documents;
pub mod editor;
pub mod export;
pub mod gold;
pub mod html_pages;
pub mod error;
pub mod pages;
pub mod projects;
pub mod queue;
pub mod revisions;
pub mod roles;
pub mod routes;
pub mod saves;
pub mod secrets;
pub mod widget_files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// How the server runs (from `marginalia serve`'s options).
#[derive(Clone, Debug)]
pub struct Settings {
    /// `Host` header values the server answers; any other is refused (DNS
    /// rebinding). Empty: the names of the address it listens on.
    pub allowed_hosts: Vec<String>,
    /// Cookies marked `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// How long a sign-in lasts.
    pub session_ms: i64,
    /// The built widget (`dist/`), served at `/`.
    pub static_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { allowed_hosts: Vec::new(), secure_cookies: false, session_ms: 14 * 24 * 60 * 60 * 1000, static_dir: None }
    }
}

/// What every request handler is given.
#[derive(Clone)]
pub struct Server {
    pub db: db::Db,
    pub settings: Arc<Settings>,
}

/// Opens the database (creating and migrating it), seeds the demo project
/// on a new server, and serves on `addr` until Ctrl-C or SIGTERM.
pub async fn serve(database_url: &str, addr: SocketAddr, settings: Settings, ready: impl FnOnce(SocketAddr)) -> Result<(), String> {
    let db = open(database_url).await?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let app = app(db, settings, local);
    ready(local);
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}

/// The database at `database_url`, created and migrated, with the demo
/// project seeded when it is new.
pub async fn open(database_url: &str) -> Result<db::Db, String> {
    let db = db::Db::open(database_url).await?;
    demo::seed(&db).await.map_err(|e| format!("cannot seed the demo project: {e}"))?;
    Ok(db)
}

/// Every endpoint over `db`, for a server listening on `local` (whose
/// names are the allowed hosts when `settings` names none). [`serve`]
/// serves it; a caller with its own listener (the end-to-end tests) may
/// merge routes of its own into it.
pub fn app(db: db::Db, mut settings: Settings, local: SocketAddr) -> axum::Router {
    if settings.allowed_hosts.is_empty() {
        settings.allowed_hosts = routes::local_hosts(local);
    }
    routes::router(Server { db, settings: Arc::new(settings) })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
