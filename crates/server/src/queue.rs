//! The work queue. An annotator asks for the next document and gets the
//! one they already hold, else the first document (in import order) they
//! never had that still has a free place: each document goes to `overlap`
//! annotators (places `1..=overlap`), or to everyone when the overlap is 0.
//!
//! Taking a place is one `INSERT` that the `(document, slot)` and
//! `(document, user)` unique constraints decide: of two annotators (or two
//! server instances) asking at the same instant, one gets the place and the
//! other moves on to the next free one; no lock is held across requests and
//! the server keeps nothing in memory. A document left open and untouched
//! (no save) for the project's abandon time gives its place up at the next
//! request, and goes to someone else; its first annotator never gets it
//! again, and their saves are kept. Done, skipped and flagged keep their
//! place: skips and flags are for the editor to look at.

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

/// Candidates looked at per round: enough that a burst of annotators
/// asking at once each finds a free place without another query.
const CANDIDATES: i64 = 16;
const MAX_NOTE_CHARS: usize = 2_000;
/// Rounds of candidates before a request gives up (each round means that
/// every candidate was taken by others in the meantime).
const MAX_ROUNDS: usize = 32;

/// The next document for the caller, or `{"document": null}` when the
/// queue has nothing more for them.
pub async fn next(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::annotates, "take documents from the queue")?;
    let document = match held(&server, &member).await? {
        Some(id) => Some(id),
        None => claim(&server, &member).await?,
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

/// Takes a free place on the first document that has one.
async fn claim(server: &Server, member: &Membership) -> ApiResult<Option<i64>> {
    let pool = &server.db.pool;
    let now = now_ms();
    let project = sqlx::query("SELECT overlap, abandon_ms FROM projects WHERE id = $1").bind(member.project_id).fetch_one(pool).await?;
    let overlap: i64 = project.try_get("overlap")?;
    let abandon_ms: i64 = project.try_get("abandon_ms")?;
    sqlx::query("UPDATE assignments SET state = 'expired', slot = NULL, updated_at = $1 WHERE project_id = $2 AND state = 'open' AND updated_at < $3")
        .bind(now)
        .bind(member.project_id)
        .bind(now - abandon_ms)
        .execute(pool)
        .await?;
    for _ in 0..MAX_ROUNDS {
        let candidates = sqlx::query(
            "SELECT d.id FROM documents d WHERE d.project_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id AND a.user_id = $2) \
             AND ($3 = 0 OR (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.slot IS NOT NULL) < $4) \
             ORDER BY d.id LIMIT $5",
        )
        .bind(member.project_id)
        .bind(member.user_id)
        .bind(overlap)
        .bind(overlap)
        .bind(CANDIDATES)
        .fetch_all(pool)
        .await?;
        if candidates.is_empty() {
            return Ok(None);
        }
        for row in &candidates {
            let document_id: i64 = row.try_get("id")?;
            if take_place(server, member, document_id, overlap, now).await? {
                return Ok(Some(document_id));
            }
        }
        // Every candidate filled up meanwhile: look again.
    }
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the queue is very busy: ask again in a moment"))
}

/// Tries each free place of one document; whether one was taken.
async fn take_place(server: &Server, member: &Membership, document_id: i64, overlap: i64, now: i64) -> ApiResult<bool> {
    let slots: Vec<Option<i64>> = if overlap == 0 {
        vec![None]
    } else {
        let used = sqlx::query("SELECT slot FROM assignments WHERE document_id = $1 AND slot IS NOT NULL")
            .bind(document_id)
            .fetch_all(&server.db.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("slot"))
            .collect::<Result<Vec<_>, _>>()?;
        (1..=overlap).filter(|s| !used.contains(s)).map(Some).collect()
    };
    for slot in slots {
        let taken = sqlx::query(
            "INSERT INTO assignments (project_id, document_id, user_id, slot, state, claimed_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(member.project_id)
        .bind(document_id)
        .bind(member.user_id)
        .bind(slot)
        .bind(now)
        .bind(now)
        .execute(&server.db.pool)
        .await?
        .rows_affected();
        if taken == 1 {
            return Ok(true);
        }
    }
    Ok(false)
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
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
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
