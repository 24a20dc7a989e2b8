//! Every revision of a save: listed, read, compared and restored. An
//! annotator sees their own; reviewers and admins everyone's. Restoring
//! writes the old body as a new revision (the history only grows), so a
//! widget still open on the document is told at its next save that the
//! server's copy changed.

use crate::audit;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::roles::{Membership, Role};
use crate::saves::{etag, visible};
use crate::Server;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marginalia_core::record::Record;
use serde_json::json;
use sqlx::Row;
use std::collections::BTreeSet;

/// Every revision of the document the caller may see, newest first.
pub async fn list(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    visible(&server, &member, document_id).await?;
    let everyone = member.role.sees_all();
    let rows = sqlx::query(
        "SELECT s.id, s.user_id, u.name, s.revision, s.restored_from, s.created_at FROM saves s JOIN users u ON u.id = s.user_id \
         WHERE s.document_id = $1 AND ($2 = 1 OR s.user_id = $3) ORDER BY s.user_id, s.revision DESC",
    )
    .bind(document_id)
    .bind(i64::from(everyone))
    .bind(caller.user_id)
    .fetch_all(&server.db.pool)
    .await?;
    let revisions: Result<Vec<_>, sqlx::Error> = rows
        .iter()
        .map(|r| {
            Ok(json!({
                "id": r.try_get::<i64, _>("id")?,
                "user": { "id": r.try_get::<i64, _>("user_id")?, "name": r.try_get::<String, _>("name")? },
                "revision": r.try_get::<i64, _>("revision")?,
                "restored_from": r.try_get::<Option<i64>, _>("restored_from")?,
                "created_at": r.try_get::<i64, _>("created_at")?,
            }))
        })
        .collect();
    Ok(Json(json!({ "revisions": revisions? })))
}

/// One stored revision, as the save it was.
struct Stored {
    document_id: i64,
    user_id: i64,
    body: String,
}

/// A revision the caller may see (their own, or anyone's for reviewers and
/// admins), else 404.
async fn load(server: &Server, member: &Membership, id: i64) -> ApiResult<Stored> {
    let row = sqlx::query("SELECT document_id, user_id, body FROM saves WHERE id = $1 AND project_id = $2")
        .bind(id)
        .bind(member.project_id)
        .fetch_optional(&server.db.pool)
        .await?
        .ok_or_else(|| ApiError::not_found("revision"))?;
    let stored = Stored { document_id: row.try_get("document_id")?, user_id: row.try_get("user_id")?, body: row.try_get("body")? };
    if stored.user_id != member.user_id && !member.role.sees_all() {
        return Err(ApiError::not_found("revision"));
    }
    Ok(stored)
}

pub async fn get(State(server): State<Server>, caller: Caller, Path((slug, id)): Path<(String, i64)>) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    let stored = load(&server, &member, id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], stored.body).into_response())
}

/// Writes revision `id`'s body as the newest revision of its author's
/// work on that document (its author, or an admin).
pub async fn restore(State(server): State<Server>, caller: Caller, Path((slug, id)): Path<(String, i64)>) -> ApiResult<Response> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    let stored = load(&server, &member, id).await?;
    if stored.user_id != caller.user_id && member.role != Role::Admin {
        return Err(ApiError::forbidden("only its author or an admin restores a revision"));
    }
    let mut tx = server.db.write().await?;
    let latest: i64 = sqlx::query("SELECT MAX(revision) AS r FROM saves WHERE document_id = $1 AND user_id = $2")
        .bind(stored.document_id)
        .bind(stored.user_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<Option<i64>, _>("r")?
        .unwrap_or(0);
    let revision = latest + 1;
    let inserted = sqlx::query(
        "INSERT INTO saves (project_id, document_id, user_id, revision, body, restored_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(member.project_id)
    .bind(stored.document_id)
    .bind(stored.user_id)
    .bind(revision)
    .bind(&stored.body)
    .bind(id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(ApiError::conflict("a save came in meanwhile: look at the revisions again"));
    }
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "restored", json!({ "revision_id": id, "as": revision, "of_user": stored.user_id })).await?;
    tx.commit().await?;
    let mut response = (StatusCode::CREATED, Json(json!({ "revision": revision }))).into_response();
    response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&etag(revision)).expect("an ETag is ASCII"));
    Ok(response)
}

/// What differs between two revisions: spans (by bounds and label) only in
/// each, and whether their relations, document labels or status differ.
pub async fn compare(State(server): State<Server>, caller: Caller, Path((slug, a, b)): Path<(String, i64, i64)>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    let (a, b) = (load(&server, &member, a).await?, load(&server, &member, b).await?);
    let parse = |s: &Stored| Record::parse(&s.body).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("a stored revision: {e}")));
    Ok(Json(differences(&parse(&a)?, &parse(&b)?)))
}

pub fn differences(a: &Record, b: &Record) -> serde_json::Value {
    let spans = |r: &Record| r.spans.iter().map(|s| (s.start, s.end, s.label.clone())).collect::<BTreeSet<_>>();
    let (in_a, in_b) = (spans(a), spans(b));
    let listed = |set: BTreeSet<&(usize, usize, String)>, r: &Record| {
        set.into_iter()
            .map(|(start, end, label)| {
                let text: String = r.text.chars().skip(*start).take(end - start).collect();
                json!({ "start": start, "end": end, "label": label, "text": text })
            })
            .collect::<Vec<_>>()
    };
    json!({
        "same_text": a.text == b.text,
        "only_in_first": listed(in_a.difference(&in_b).collect(), a),
        "only_in_second": listed(in_b.difference(&in_a).collect(), b),
        "relations_differ": a.relations != b.relations,
        "document_labels_differ": a.document_labels != b.document_labels,
        "status_differs": a.status != b.status,
    })
}
