//! Every endpoint, in one table (documented in `docs/SERVER.md`), and what
//! wraps them all: the `Host` check, a 1 MB body limit (more for imports
//! and saves), and the built widget served at `/`.

use crate::error::ApiError;
use crate::{accounts, documents, editor, export, gold, pages, projects, queue, revisions, saves, Server};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use std::net::SocketAddr;

/// Bodies of every other request.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(server: Server) -> Router {
    let api = Router::new()
        .route("/api/session", get(accounts::session))
        .route("/api/setup", post(accounts::setup))
        .route("/api/signin", post(accounts::sign_in))
        .route("/api/signout", post(accounts::sign_out))
        .route("/api/tokens", post(accounts::create_token))
        .route("/api/invitations/{secret}/accept", post(accounts::accept_invitation))
        .route("/api/projects", get(projects::list).post(projects::create))
        .route("/api/projects/{project}", get(projects::get).patch(projects::update))
        .route("/api/projects/{project}/members", get(projects::members))
        .route("/api/projects/{project}/members/{user}", put(projects::set_role))
        .route("/api/projects/{project}/invitations", post(projects::invite))
        .route(
            "/api/projects/{project}/documents",
            get(documents::list).post(documents::import).layer(DefaultBodyLimit::max(documents::MAX_IMPORT_BYTES)),
        )
        .route("/api/projects/{project}/queue/next", post(queue::next))
        .route("/api/projects/{project}/documents/{document}/status", post(queue::set_status))
        .route(
            "/api/projects/{project}/documents/{document}/save",
            get(saves::get).put(saves::put).layer(DefaultBodyLimit::max(saves::MAX_SAVE_BYTES)),
        )
        .route(
            "/api/projects/{project}/documents/{document}/gold",
            get(gold::get).put(gold::put).layer(DefaultBodyLimit::max(saves::MAX_SAVE_BYTES)),
        )
        .route("/api/projects/{project}/export", get(export::export))
        .route("/api/projects/{project}/assignments", get(editor::assignments))
        .route("/api/projects/{project}/agreement", get(editor::agreement))
        .route("/api/projects/{project}/documents/{document}/saves", get(editor::latest_saves))
        .route("/api/projects/{project}/documents/{document}/revisions", get(revisions::list))
        .route("/api/projects/{project}/revisions/{revision}", get(revisions::get))
        .route("/api/projects/{project}/revisions/{revision}/restore", post(revisions::restore))
        .route("/api/projects/{project}/revisions/{first}/compare/{second}", get(revisions::compare))
        .route("/healthz", get(health))
        .merge(pages::routes())
        .fallback(|| async { ApiError::not_found("endpoint") });
    let app = match &server.settings.static_dir {
        Some(dir) => api.fallback_service(crate::widget_files::service(dir)),
        None => api,
    };
    app.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(server.clone(), check_host))
        .with_state(server)
}

/// Whether the database answers: 200, or 503 with `Retry-After`.
async fn health(State(server): State<Server>) -> Result<&'static str, ApiError> {
    sqlx::query("SELECT 1").execute(&server.db.pool).await?;
    Ok("ok")
}

/// Refuses a request whose `Host` the server was not told to answer: a
/// page on another site that points a name at 127.0.0.1 (DNS rebinding)
/// gets nothing.
async fn check_host(State(server): State<Server>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let allowed = server.settings.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(host));
    if allowed {
        next.run(request).await
    } else {
        ApiError::new(StatusCode::MISDIRECTED_REQUEST, "this server does not answer for that host name (see marginalia serve --host-name)").into_response()
    }
}

/// The `Host` values of a local address: `127.0.0.1:8080` and
/// `localhost:8080` (and `[::1]:8080`).
pub fn local_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        hosts.push(addr.to_string());
    }
    hosts
}
