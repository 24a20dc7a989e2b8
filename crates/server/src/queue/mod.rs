//! The work queue. An annotator asks for the next document and gets the
//! one they already hold, else a new place (`claim.rs`: the first document
//! in import order they never had that still has a free place; each
//! document goes to `overlap` annotators, or to everyone when the overlap
//! is 0). Places left untouched too long go back (`abandoned.rs`). Done,
//! skipped and flagged keep their place: skips and flags are for the editor
//! to look at. The widget's own document status moves the place
//! (`follow_status`), and so does `set_status`.

use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::roles::{Membership, Role};
use crate::Server;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use marginalia_core::document_status::DocumentStatus;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

mod abandoned;
mod claim;

const MAX_NOTE_CHARS: usize = 2_000;

/// The next document for the caller, or `{"document": null}` when the
/// queue has nothing more for them.
pub async fn next(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::annotates, "take documents from the queue")?;
    let document = match held(&server, &member).await? {
        Some(id) => Some(id),
        None => claim::claim(&server, &member).await?,
    };
    let progress = progress(&server, &member).await?;
    let document = match document {
        Some(id) => Some(document_json(&server, &slug, id).await?),
        None => None,
    };
    Ok(Json(json!({ "document": document, "progress": progress })))
}

/// The document the caller holds open, if any (the oldest).
async fn held(server: &Server, member: &Membership) -> ApiResult<Option<i64>> {
    let row = sqlx::query("SELECT document_id FROM assignments WHERE project_id = $1 AND user_id = $2 AND state = 'open' ORDER BY claimed_at, id LIMIT 1")
        .bind(member.project_id)
        .bind(member.user_id)
        .fetch_optional(&server.db.pool)
        .await?;
    Ok(row.map(|r| r.try_get("document_id")).transpose()?)
}

/// What the widget opens: the text, the pre-annotations, where to save.
async fn document_json(server: &Server, slug: &str, id: i64) -> ApiResult<serde_json::Value> {
    let row = sqlx::query("SELECT external_id, title, text, record_json FROM documents WHERE id = $1").bind(id).fetch_one(&server.db.pool).await?;
    let record: Option<String> = row.try_get("record_json")?;
    Ok(json!({
        "id": id,
        "external_id": row.try_get::<String, _>("external_id")?,
        "title": row.try_get::<String, _>("title")?,
        "text": row.try_get::<String, _>("text")?,
        "record": record.and_then(|r| serde_json::from_str::<serde_json::Value>(&r).ok()),
        "save": format!("/api/projects/{slug}/documents/{id}/save"),
    }))
}

/// The caller's progress: documents done, skipped, flagged and open, of
/// the project's documents.
pub async fn progress(server: &Server, member: &Membership) -> ApiResult<serde_json::Value> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM documents WHERE project_id = $1) AS documents, \
         (SELECT COUNT(*) FROM assignments WHERE project_id = $2 AND user_id = $3 AND state = 'done') AS done, \
         (SELECT COUNT(*) FROM assignments WHERE project_id = $4 AND user_id = $5 AND state = 'skipped') AS skipped, \
         (SELECT COUNT(*) FROM assignments WHERE project_id = $6 AND user_id = $7 AND state = 'flagged') AS flagged",
    )
    .bind(member.project_id)
    .bind(member.project_id)
    .bind(member.user_id)
    .bind(member.project_id)
    .bind(member.user_id)
    .bind(member.project_id)
    .bind(member.user_id)
    .fetch_one(&server.db.pool)
    .await?;
    Ok(json!({
        "documents": row.try_get::<i64, _>("documents")?,
        "done": row.try_get::<i64, _>("done")?,
        "skipped": row.try_get::<i64, _>("skipped")?,
        "flagged": row.try_get::<i64, _>("flagged")?,
    }))
}

/// After a save: the caller's place on the document follows the record's
/// status (done, skipped or flagged with its note, or open again when the
/// status was taken back), and counts as touched. A place the queue took
/// back stays so.
pub async fn follow_status(
    tx: &mut crate::db::WriteTx,
    document_id: i64,
    user_id: i64,
    status: Option<&DocumentStatus>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (state, note) = match status {
        Some(s) => (s.state.name(), s.note.chars().take(MAX_NOTE_CHARS).collect::<String>()),
        None => ("open", String::new()),
    };
    sqlx::query("UPDATE assignments SET state = $1, note = $2, updated_at = $3 WHERE document_id = $4 AND user_id = $5 AND state <> 'expired'")
        .bind(state)
        .bind(note)
        .bind(now)
        .bind(document_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct StatusChange {
    /// `done`, `skipped` or `flagged`.
    pub state: String,
    #[serde(default)]
    pub note: String,
}

/// Marks the caller's document done, skipped or flagged (with a note for
/// the editor). A document the queue took back (left untouched too long)
/// cannot be marked: it is someone else's now.
pub async fn set_status(
    State(server): State<Server>,
    caller: Caller,
    Path((slug, document_id)): Path<(String, i64)>,
    Json(change): Json<StatusChange>,
) -> ApiResult<StatusCode> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::annotates, "mark documents")?;
    if !matches!(change.state.as_str(), "done" | "skipped" | "flagged") {
        return Err(ApiError::bad_request("a document is marked done, skipped or flagged"));
    }
    let note: String = change.note.chars().take(MAX_NOTE_CHARS).collect();
    let mut tx = server.db.write().await?;
    let state: Option<String> = sqlx::query("SELECT state FROM assignments WHERE project_id = $1 AND document_id = $2 AND user_id = $3")
        .bind(member.project_id)
        .bind(document_id)
        .bind(member.user_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("state"))
        .transpose()?;
    match state.as_deref() {
        None => return Err(ApiError::not_found("document")),
        Some("expired") => {
            return Err(ApiError::conflict("this document went back to the queue after it was left untouched; your saves are kept"));
        }
        Some(_) => {}
    }
    sqlx::query("UPDATE assignments SET state = $1, note = $2, updated_at = $3 WHERE project_id = $4 AND document_id = $5 AND user_id = $6")
        .bind(&change.state)
        .bind(&note)
        .bind(now_ms())
        .bind(member.project_id)
        .bind(document_id)
        .bind(member.user_id)
        .execute(&mut *tx)
        .await?;
    crate::audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "marked", json!({ "document": document_id, "state": change.state, "note": note }))
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
