//! The built widget (`--static DIR`, `dist/` of `cargo xtask build`),
//! served as a CDN serves it:
//!
//! - open to every origin (`Access-Control-Allow-Origin: *`): a host page on
//!   another origin imports `marginalia.js` and fetches the wasm, both CORS
//!   requests; the files are public code and carry no credentials (the API
//!   keeps to its own origin);
//! - each file as its precompressed sibling the browser accepts, written by
//!   the build: `x.wasm.br` (Brotli, a fifth smaller) before `x.wasm.gz`;
//! - cached by name: what is named by its content (`code-<hash>/`, the
//!   stylesheets `app-<hash>.css`) never changes under that name, so a
//!   browser keeps it a year without asking again (`immutable`); every
//!   other file (`marginalia.js`, the pages, `package.json`) is asked for
//!   again each time (`no-cache`: a `304` when unchanged), as the next
//!   build writes it under the same name.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

/// What a browser may do with a file named by its content.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// What it does with the others: ask again, and take a `304`.
const REVALIDATE: &str = "no-cache";

pub fn service(dir: &Path) -> Router {
    let files = ServeDir::new(dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip();
    Router::new().fallback_service(files).layer(middleware::from_fn(headers))
}

async fn headers(request: Request, next: Next) -> Response {
    let content_named = named_by_content(request.uri().path());
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if found {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(if content_named { FOREVER } else { REVALIDATE }));
    }
    response
}

/// Whether `path` names a file by its content: under `/code-<hash>/`, or a
/// stylesheet `<name>-<hash>.css` (Trunk's names), the hash 16 hex digits.
fn named_by_content(path: &str) -> bool {
    let is_hash = |s: &str| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    match segments.next() {
        Some(_) => first.strip_prefix("code-").is_some_and(is_hash),
        None => first.strip_suffix(".css").and_then(|stem| stem.rsplit_once('-')).is_some_and(|(name, hash)| !name.is_empty() && is_hash(hash)),
    }
}

#[cfg(test)]
mod tests {
    use super::named_by_content;

    #[test]
    fn only_names_with_a_content_hash_are_kept_for_good() {
        for path in ["/code-0123456789abcdef/main_bg.wasm", "/code-0123456789ABCDEF/split_x.wasm", "/app-1512561c6bd61841.css"] {
            assert!(named_by_content(path), "{path}");
        }
        for path in [
            "/marginalia.js",
            "/index.html",
            "/",
            "/code-0123/main_bg.wasm",
            "/code-0123456789abcdeg/main_bg.wasm",
            "/cms/app-1512561c6bd61841.css",
            "/-1512561c6bd61841.css",
            "/app-1512561c6bd6184.css",
            "/package.json",
        ] {
            assert!(!named_by_content(path), "{path}");
        }
    }
}
