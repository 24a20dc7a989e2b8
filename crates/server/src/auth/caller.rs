//! Who is asking: the user behind a request's API token (`Authorization:
//! Bearer …`, for the CLI and CMS back ends) or session cookie (a browser).
//! A browser's request that changes something must also carry its session's
//! CSRF token in `X-CSRF-Token` (see `cookies.rs`); a token-bearing request
//! needs none, as no browser sends it on its own.

use super::cookies;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::secrets;
use crate::Server;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub name: String,
    /// The session's secret digest, when signed in by cookie (sign-out ends it).
    pub session: Option<String>,
}

impl FromRequestParts<Server> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, server: &Server) -> Result<Caller, ApiError> {
        if let Some(token) = bearer(parts) {
            return by_token(server, &token).await;
        }
        let Some(secret) = cookies::read(&parts.headers, cookies::SESSION).filter(|s| !s.is_empty()) else {
            return Err(ApiError::unauthorized());
        };
        let digest = secrets::digest(&secret);
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf, u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_sha256 = $1 AND s.expires_at > $2",
        )
        .bind(&digest)
        .bind(now_ms())
        .fetch_optional(&server.db.pool)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
        if changes_state(&parts.method) {
            let sent = parts.headers.get(cookies::CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            let csrf: String = row.try_get("csrf")?;
            if !secrets::same(sent, &csrf) {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "this request lacks the page's CSRF token (X-CSRF-Token); reload the page"));
            }
        }
        Ok(Caller { user_id: row.try_get("user_id")?, name: row.try_get("name")?, session: Some(digest) })
    }
}

/// The caller, if the request says who it is; `None` for an anonymous one
/// (a wrong token or an expired session is still an error).
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<Server> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, server: &Server) -> Result<MaybeCaller, ApiError> {
        let anonymous = bearer(parts).is_none() && cookies::read(&parts.headers, cookies::SESSION).is_none_or(|s| s.is_empty());
        if anonymous {
            return Ok(MaybeCaller(None));
        }
        Caller::from_request_parts(parts, server).await.map(|c| MaybeCaller(Some(c)))
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

async fn by_token(server: &Server, token: &str) -> Result<Caller, ApiError> {
    let row = sqlx::query("SELECT t.user_id, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_sha256 = $1")
        .bind(secrets::digest(token))
        .fetch_optional(&server.db.pool)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "this API token is not valid"))?;
    Ok(Caller { user_id: row.try_get("user_id")?, name: row.try_get("name")?, session: None })
}
