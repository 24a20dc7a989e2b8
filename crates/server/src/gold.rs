//! The gold version of a document: what a reviewer decided from everyone's
//! saves (the widget's review view), saved back with the same contract as a
//! save (`saves.rs`: `ETag`, `If-Match`, `412`), one revision sequence per
//! document whoever the reviewer, never overwritten. Admins and reviewers
//! write and read it; an export takes it where there is one.

use crate::audit;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::ApiResult;
use crate::roles::{Membership, Role};
use crate::saves::{self, Precondition};
use crate::Server;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sqlx::Row;

/// The latest gold version of the document, with its `ETag`.
pub async fn get(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "read the gold version")?;
    saves::visible(&server, &member, document_id).await?;
    let row = sqlx::query("SELECT revision, body FROM gold_saves WHERE document_id = $1 ORDER BY revision DESC LIMIT 1")
        .bind(document_id)
        .fetch_optional(&server.db.pool)
        .await?;
    match row {
        Some(row) => Ok(saves::body_response(StatusCode::OK, row.try_get("revision")?, row.try_get("body")?)),
        None => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}

/// A new gold revision of the document.
pub async fn put(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "save a gold version")?;
    let sha256 = saves::visible(&server, &member, document_id).await?;
    let precondition = Precondition::of(&headers)?;
    let body = saves::checked_record(&body, &sha256)?.body;
    let mut tx = server.db.write().await?;
    let latest: Option<i64> = sqlx::query("SELECT MAX(revision) AS r FROM gold_saves WHERE document_id = $1")
        .bind(document_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("r")?;
    if !precondition.holds(latest) {
        return Ok(saves::precondition_failed(latest));
    }
    let revision = latest.unwrap_or(0) + 1;
    let inserted = sqlx::query(
        "INSERT INTO gold_saves (project_id, document_id, user_id, revision, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(member.project_id)
    .bind(document_id)
    .bind(caller.user_id)
    .bind(revision)
    .bind(&body)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(saves::precondition_failed(Some(revision)));
    }
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "gold_saved", json!({ "document": document_id, "revision": revision })).await?;
    tx.commit().await?;
    Ok(saves::acknowledged(revision))
}
