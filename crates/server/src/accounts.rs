//! Getting in and out: the first account (which becomes admin of every
//! project there is, the demo among them), sign-in with a rate limit,
//! sign-out, API tokens, and invitation links that make their first user a
//! member.

use crate::audit;
use crate::auth::{cookies, passwords, Caller, MaybeCaller};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::roles::Role;
use crate::secrets::{self, new_secret};
use crate::Server;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

/// Failed sign-ins for one name within [`FAILURE_WINDOW_MS`] before the
/// next attempt is refused until the window has passed.
const MAX_FAILURES: i64 = 5;
const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Longest user name, in characters.
const MAX_NAME_CHARS: usize = 64;

#[derive(Deserialize)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

/// Who is signed in, whether the server still needs its first account.
pub async fn session(State(server): State<Server>, MaybeCaller(caller): MaybeCaller, headers: HeaderMap) -> ApiResult<Json<serde_json::Value>> {
    let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&server.db.pool).await?.try_get("n")?;
    let csrf = caller.as_ref().and_then(|_| cookies::read(&headers, cookies::CSRF));
    Ok(Json(json!({
        "user": caller.map(|c| json!({ "id": c.user_id, "name": c.name })),
        "csrf": csrf,
        "setup_needed": users == 0,
    })))
}

/// The first account of a new server: admin of every project.
pub async fn setup(State(server): State<Server>, Json(body): Json<Credentials>) -> ApiResult<Response> {
    let name = checked_name(&body.name)?;
    passwords::check(&body.password).map_err(ApiError::bad_request)?;
    let hash = passwords::hash(body.password).await;
    let mut tx = server.db.write().await?;
    let claimed = sqlx::query("INSERT INTO server_flags (name, at) VALUES ('first_admin', $1) ON CONFLICT (name) DO NOTHING")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed == 0 {
        return Err(ApiError::conflict("this server already has its first account: sign in, or ask an admin for an invitation"));
    }
    let user_id = insert_user(&mut tx, &name, &hash).await?;
    sqlx::query("INSERT INTO members (project_id, user_id, role) SELECT id, $1, 'admin' FROM projects")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, Some(user_id), None, "first_account", json!({ "name": name })).await?;
    tx.commit().await?;
    start_session(&server, user_id, &name).await
}

pub async fn sign_in(State(server): State<Server>, Json(body): Json<Credentials>) -> ApiResult<Response> {
    let now = now_ms();
    let pool = &server.db.pool;
    let failures: i64 = sqlx::query("SELECT COUNT(*) AS n FROM signin_failures WHERE name = $1 AND at > $2")
        .bind(&body.name)
        .bind(now - FAILURE_WINDOW_MS)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    if failures >= MAX_FAILURES {
        let mut refused = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many failed sign-ins for this name: wait 15 minutes").into_response();
        refused.headers_mut().insert(header::RETRY_AFTER, (FAILURE_WINDOW_MS / 1000).into());
        return Ok(refused);
    }
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE name = $1").bind(&body.name).fetch_optional(pool).await?;
    let (user_id, stored) = match row {
        Some(row) => (Some(row.try_get::<i64, _>("id")?), row.try_get::<String, _>("password_hash")?),
        None => (None, passwords::DECOY.to_string()),
    };
    let matches = body.password.len() <= passwords::MAX_LEN && passwords::verify(body.password, stored).await;
    let Some(user_id) = user_id.filter(|_| matches) else {
        sqlx::query("DELETE FROM signin_failures WHERE at <= $1").bind(now - FAILURE_WINDOW_MS).execute(pool).await?;
        sqlx::query("INSERT INTO signin_failures (name, at) VALUES ($1, $2)").bind(&body.name).bind(now).execute(pool).await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong name or password"));
    };
    sqlx::query("DELETE FROM signin_failures WHERE name = $1").bind(&body.name).execute(pool).await?;
    audit::record(pool, Some(user_id), None, "sign_in", json!({})).await?;
    start_session(&server, user_id, &body.name).await
}

pub async fn sign_out(State(server): State<Server>, caller: Caller) -> ApiResult<Response> {
    if let Some(digest) = &caller.session {
        sqlx::query("DELETE FROM sessions WHERE secret_sha256 = $1").bind(digest).execute(&server.db.pool).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    for cookie in cookies::end(server.settings.secure_cookies) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct NewToken {
    pub label: String,
}

/// A new API token for the caller, shown this once.
pub async fn create_token(State(server): State<Server>, caller: Caller, Json(body): Json<NewToken>) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let label: String = body.label.chars().take(200).collect();
    let token = new_secret();
    let mut tx = server.db.write().await?;
    sqlx::query("INSERT INTO api_tokens (user_id, secret_sha256, label, created_at) VALUES ($1, $2, $3, $4)")
        .bind(caller.user_id)
        .bind(secrets::digest(&token))
        .bind(&label)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, Some(caller.user_id), None, "api_token", json!({ "label": label })).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": token, "label": label }))))
}

#[derive(Deserialize)]
pub struct Acceptance {
    /// For someone without an account: the account to create.
    pub name: Option<String>,
    pub password: Option<String>,
}

/// An invitation used: the signed-in caller joins, or a new account is made
/// and signed in. A link works once, before it expires.
pub async fn accept_invitation(
    State(server): State<Server>,
    MaybeCaller(caller): MaybeCaller,
    Path(secret): Path<String>,
    Json(body): Json<Acceptance>,
) -> ApiResult<Response> {
    let new_account = match (&caller, body.name, body.password) {
        (Some(_), _, _) => None,
        (None, Some(name), Some(password)) => {
            passwords::check(&password).map_err(ApiError::bad_request)?;
            Some((checked_name(&name)?, passwords::hash(password).await))
        }
        (None, _, _) => return Err(ApiError::bad_request("sign in, or give a name and a password for a new account")),
    };
    let now = now_ms();
    let mut tx = server.db.write().await?;
    let invitation = sqlx::query("SELECT project_id, role FROM invitations WHERE secret_sha256 = $1 AND used_by IS NULL AND expires_at > $2")
        .bind(secrets::digest(&secret))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::GONE, "this invitation was used already, has expired or never existed"))?;
    let project_id: i64 = invitation.try_get("project_id")?;
    let role = Role::parse(&invitation.try_get::<String, _>("role")?).unwrap_or(Role::Annotator);
    let (user_id, name) = match (caller, new_account) {
        (Some(c), _) => (c.user_id, c.name),
        (None, Some((name, hash))) => (insert_user(&mut tx, &name, &hash).await?, name),
        (None, None) => unreachable!("checked above"),
    };
    // Used once: of two acceptances at once, one updates the row.
    let used = sqlx::query("UPDATE invitations SET used_by = $1, used_at = $2 WHERE secret_sha256 = $3 AND used_by IS NULL")
        .bind(user_id)
        .bind(now)
        .bind(secrets::digest(&secret))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if used != 1 {
        return Err(ApiError::new(StatusCode::GONE, "this invitation was used already"));
    }
    // An invitation never changes the role of someone already a member.
    sqlx::query("INSERT INTO members (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (project_id, user_id) DO NOTHING")
        .bind(project_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, Some(user_id), Some(project_id), "invitation_used", json!({ "role": role.as_str() })).await?;
    tx.commit().await?;
    start_session(&server, user_id, &name).await
}

fn checked_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    let fine = !name.is_empty() && name.chars().count() <= MAX_NAME_CHARS && !name.chars().any(char::is_control);
    if fine {
        Ok(name.to_string())
    } else {
        Err(ApiError::bad_request(format!("a user name has 1 to {MAX_NAME_CHARS} characters, none of them control characters")))
    }
}

async fn insert_user(tx: &mut crate::db::WriteTx, name: &str, hash: &str) -> ApiResult<i64> {
    let inserted = sqlx::query("INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id")
        .bind(name)
        .bind(hash)
        .bind(now_ms())
        .fetch_optional(&mut **tx)
        .await?;
    match inserted {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(ApiError::conflict("that name is taken: choose another")),
    }
}

/// A new session for the user: its cookies and `{user, csrf}`.
async fn start_session(server: &Server, user_id: i64, name: &str) -> ApiResult<Response> {
    let (secret, csrf) = (new_secret(), new_secret());
    let now = now_ms();
    let lifetime = server.settings.session_ms;
    sqlx::query("INSERT INTO sessions (secret_sha256, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(secrets::digest(&secret))
        .bind(user_id)
        .bind(&csrf)
        .bind(now)
        .bind(now + lifetime)
        .execute(&server.db.pool)
        .await?;
    let mut response = Json(json!({ "user": { "id": user_id, "name": name }, "csrf": csrf })).into_response();
    for cookie in cookies::start(&secret, &csrf, lifetime / 1000, server.settings.secure_cookies) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}
