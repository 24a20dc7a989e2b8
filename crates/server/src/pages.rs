//! The team's pages in the browser: HTML shells with their ES modules and
//! styles (`pages/`), compiled into the binary and served under `/team/`.
//! A page holds no data: its module reads what it shows from the JSON API
//! (`routes.rs`), so there is no template to escape into and nothing of a
//! user's ever becomes markup (modules set `textContent`). Every page is
//! served with a Content-Security-Policy that allows scripts and styles
//! from this origin only (and WebAssembly, for the widget from `dist/`),
//! never in a frame of another site, and without a referrer (invitation
//! links carry a secret).

use crate::Server;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// One file of `pages/`.
struct Asset {
    name: &'static str,
    body: &'static str,
    content_type: &'static str,
}

macro_rules! asset {
    ($name:literal, $type:expr) => {
        Asset { name: $name, body: include_str!(concat!("../pages/", $name)), content_type: $type }
    };
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every file the pages load (`/team/assets/<name>`), and the pages.
const ASSETS: &[Asset] = &[
    asset!("index.html", HTML),
    asset!("index.js", JS),
    asset!("api.js", JS),
    asset!("team.css", CSS),
    asset!("join.html", HTML),
    asset!("join.js", JS),
    asset!("project.html", HTML),
    asset!("project.js", JS),
    asset!("review.html", HTML),
    asset!("review.js", JS),
    asset!("history.js", JS),
    asset!("annotate.html", HTML),
    asset!("annotate.js", JS),
    asset!("guidelines.js", JS),
];

pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn routes() -> Router<Server> {
    Router::new()
        .route("/team", get(|| async { page("index.html") }))
        .route("/team/", get(|| async { page("index.html") }))
        .route("/team/join/{secret}", get(|| async { page("join.html") }))
        .route("/team/p/{slug}", get(|| async { page("project.html") }))
        .route("/team/p/{slug}/review/{document}", get(|| async { page("review.html") }))
        .route("/team/assets/{name}", get(|Path(name): Path<String>| async move { page(&name) }))
        .route("/team/p/{project}/annotate", get(|| async { page("annotate.html") }))
}

/// A file of `pages/` with its type and the pages' security headers.
pub fn page(name: &str) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, "no such page").into_response();
    };
    let mut response = ([(header::CONTENT_TYPE, asset.content_type)], asset.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
