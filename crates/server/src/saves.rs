//! Saves: the widget's remote-save contract (`docs/EMBEDDING.md`) per
//! annotator and document. `GET` answers the caller's latest revision with
//! its `ETag` (404 before the first); `PUT` stores a new revision when its
//! precondition holds (`If-Match` the latest tag, or `If-None-Match: *` for
//! the first) and answers `412` otherwise; a `PUT` without either is
//! refused (`428`). A body is stored only if it is a valid record of this
//! document's text. Nothing is overwritten: revision n+1 is a new row, and
//! its `(document, user, revision)` key lets only one of two racing writes
//! in. The answer is sent after the commit: an acknowledged save is durable.

use crate::audit;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::queue;
use crate::roles::{Membership, Role};
use crate::Server;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use marginalia_core::article::{sha256_hex, MAX_TEXT_BYTES};
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::record::Record;
use serde_json::json;
use sqlx::Row;

/// The largest save body: a record of the largest text with its spans and
/// tokens.
pub const MAX_SAVE_BYTES: usize = 8 * MAX_TEXT_BYTES;

/// A revision's strong `ETag`.
pub fn etag(revision: i64) -> String {
    format!("\"r{revision}\"")
}

/// The caller's latest revision of the document.
pub async fn get(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    visible(&server, &member, document_id).await?;
    let row = sqlx::query("SELECT revision, body FROM saves WHERE document_id = $1 AND user_id = $2 ORDER BY revision DESC LIMIT 1")
        .bind(document_id)
        .bind(caller.user_id)
        .fetch_optional(&server.db.pool)
        .await?;
    let Some(row) = row else {
        return Ok((StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response());
    };
    Ok(body_response(StatusCode::OK, row.try_get("revision")?, row.try_get("body")?))
}

/// A new revision of the caller's work.
pub async fn put(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::annotates, "save work")?;
    let sha256 = visible(&server, &member, document_id).await?;
    let precondition = Precondition::of(&headers)?;
    let Checked { body, status } = checked_record(&body, &sha256)?;
    let mut tx = server.db.write().await?;
    let latest: Option<i64> = sqlx::query("SELECT MAX(revision) AS r FROM saves WHERE document_id = $1 AND user_id = $2")
        .bind(document_id)
        .bind(caller.user_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("r")?;
    if !precondition.holds(latest) {
        return Ok(precondition_failed(latest));
    }
    let revision = latest.unwrap_or(0) + 1;
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO saves (project_id, document_id, user_id, revision, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(member.project_id)
    .bind(document_id)
    .bind(caller.user_id)
    .bind(revision)
    .bind(&body)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Another request wrote this revision first.
        return Ok(precondition_failed(Some(revision)));
    }
    // A save keeps the document from being taken back as abandoned, and
    // the status the annotator chose in the widget is the queue's.
    queue::follow_status(&mut tx, document_id, caller.user_id, status.as_ref(), now).await?;
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "saved", json!({ "document": document_id, "revision": revision })).await?;
    tx.commit().await?;
    Ok(acknowledged(revision))
}

/// The answer to a stored write: `201` for a first revision, else `200`,
/// with the new `ETag`. Sent after the commit.
pub fn acknowledged(revision: i64) -> Response {
    let status = if revision == 1 { StatusCode::CREATED } else { StatusCode::OK };
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")]).into_response();
    response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag(revision)).expect("an ETag is ASCII"));
    response
}

/// The document's text hash, when the caller may work on it: an annotator
/// only on documents the queue gave them; admins and reviewers on all.
/// Anything else is "no such document".
pub async fn visible(server: &Server, member: &Membership, document_id: i64) -> ApiResult<String> {
    let row = sqlx::query(
        "SELECT d.sha256, (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.user_id = $1) AS mine \
         FROM documents d WHERE d.id = $2 AND d.project_id = $3",
    )
    .bind(member.user_id)
    .bind(document_id)
    .bind(member.project_id)
    .fetch_optional(&server.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("document"))?;
    let mine: i64 = row.try_get("mine")?;
    if mine == 0 && !member.role.sees_all() {
        return Err(ApiError::not_found("document"));
    }
    Ok(row.try_get("sha256")?)
}

/// What a `PUT` asks of the current state.
pub enum Precondition {
    /// `If-None-Match: *`: no save yet.
    Nothing,
    /// `If-Match: <tag>`: the latest save is this one.
    Latest(String),
}

impl Precondition {
    pub fn of(headers: &HeaderMap) -> ApiResult<Precondition> {
        let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::trim);
        match (text(header::IF_MATCH), text(header::IF_NONE_MATCH)) {
            (Some(tag), _) => Ok(Precondition::Latest(tag.to_string())),
            (None, Some("*")) => Ok(Precondition::Nothing),
            _ => Err(ApiError::new(StatusCode::PRECONDITION_REQUIRED, "a save names the revision it replaces (If-Match) or says it is the first (If-None-Match: *)")),
        }
    }

    pub fn holds(&self, latest: Option<i64>) -> bool {
        match (self, latest) {
            (Precondition::Nothing, None) => true,
            (Precondition::Latest(tag), Some(r)) => tag.split(',').any(|t| t.trim() == etag(r) || t.trim() == "*"),
            _ => false,
        }
    }
}

pub fn precondition_failed(latest: Option<i64>) -> Response {
    let mut response = ApiError::new(StatusCode::PRECONDITION_FAILED, "this document was saved meanwhile (another tab or device): reload to see that version").into_response();
    if let Some(r) = latest {
        response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag(r)).expect("an ETag is ASCII"));
    }
    response
}

/// A body fit to store, and where its annotator left the document.
pub struct Checked {
    pub body: String,
    pub status: Option<DocumentStatus>,
}

/// The body as stored: a valid record (every offset checked against its
/// text) whose text is this document's.
pub fn checked_record(body: &[u8], sha256: &str) -> ApiResult<Checked> {
    let unprocessable = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, m);
    let text = std::str::from_utf8(body).map_err(|_| unprocessable("a save is UTF-8 JSON".into()))?;
    let record = Record::parse(text).map_err(|e| unprocessable(format!("not a valid save: {e}")))?;
    if sha256_hex(&record.text) != sha256 {
        return Err(unprocessable("this save is for another text than the document's".into()));
    }
    Ok(Checked { body: text.to_string(), status: record.status })
}

pub fn body_response(status: StatusCode, revision: i64, body: String) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body).into_response();
    response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag(revision)).expect("an ETag is ASCII"));
    response
}
