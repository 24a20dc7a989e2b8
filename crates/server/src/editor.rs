//! What the editor's pages read (admins and reviewers only): every
//! assignment of the project with its saves' times, from which the project
//! page derives progress per annotator and per document, and the latest
//! save of every annotator of one document, which the review page loads
//! into the widget; and the agreement between annotators (the core's
//! `agreement`, the same figures as `marginalia agree` and the review view)
//! over each document's latest save by each annotator. Times are
//! milliseconds since the Unix epoch.

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::roles::{Membership, Role};
use crate::saves;
use crate::Server;
use axum::extract::{Path, State};
use axum::Json;
use marginalia_core::agreement::{agreement as agree, TextAnnotations};
use marginalia_core::record::Record;
use std::collections::BTreeMap;
use serde_json::json;
use sqlx::Row;

/// Every assignment: who has which document, its state and note, when it
/// was claimed and last changed, and the first and last save's times (null
/// before the first save).
pub async fn assignments(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "see every assignment")?;
    let rows = sqlx::query(
        "SELECT a.document_id, d.title, a.user_id, u.name, a.state, a.note, a.claimed_at, a.updated_at, \
         (SELECT MIN(s.created_at) FROM saves s WHERE s.document_id = a.document_id AND s.user_id = a.user_id) AS first_save, \
         (SELECT MAX(s.created_at) FROM saves s WHERE s.document_id = a.document_id AND s.user_id = a.user_id) AS last_save \
         FROM assignments a JOIN documents d ON d.id = a.document_id JOIN users u ON u.id = a.user_id \
         WHERE a.project_id = $1 ORDER BY a.document_id, u.name",
    )
    .bind(member.project_id)
    .fetch_all(&server.db.pool)
    .await?;
    let list: Result<Vec<_>, sqlx::Error> = rows
        .iter()
        .map(|r| {
            Ok(json!({
                "document": r.try_get::<i64, _>("document_id")?,
                "title": r.try_get::<String, _>("title")?,
                "user": r.try_get::<i64, _>("user_id")?,
                "name": r.try_get::<String, _>("name")?,
                "state": r.try_get::<String, _>("state")?,
                "note": r.try_get::<String, _>("note")?,
                "claimed_at": r.try_get::<i64, _>("claimed_at")?,
                "updated_at": r.try_get::<i64, _>("updated_at")?,
                "first_save": r.try_get::<Option<i64>, _>("first_save")?,
                "last_save": r.try_get::<Option<i64>, _>("last_save")?,
            }))
        })
        .collect();
    Ok(Json(json!({ "assignments": list? })))
}

/// The document's text and title, and the latest save of every annotator
/// who saved it (`{user, name, revision, created_at, record}`).
pub async fn latest_saves(State(server): State<Server>, caller: Caller, Path((slug, document_id)): Path<(String, i64)>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "read everyone's saves")?;
    saves::visible(&server, &member, document_id).await?;
    let doc = sqlx::query("SELECT title, text FROM documents WHERE id = $1").bind(document_id).fetch_one(&server.db.pool).await?;
    let rows = sqlx::query(
        "SELECT s.user_id, u.name, s.revision, s.created_at, s.body FROM saves s JOIN users u ON u.id = s.user_id \
         WHERE s.document_id = $1 AND s.revision = (SELECT MAX(t.revision) FROM saves t WHERE t.document_id = s.document_id AND t.user_id = s.user_id) \
         ORDER BY u.name",
    )
    .bind(document_id)
    .fetch_all(&server.db.pool)
    .await?;
    let mut list = Vec::with_capacity(rows.len());
    for r in &rows {
        let body: String = r.try_get("body")?;
        // Bodies were checked as records when stored; one that no longer
        // parses is left out rather than breaking the whole review.
        let Ok(record) = serde_json::from_str::<serde_json::Value>(&body) else { continue };
        list.push(json!({
            "user": r.try_get::<i64, _>("user_id")?,
            "name": r.try_get::<String, _>("name")?,
            "revision": r.try_get::<i64, _>("revision")?,
            "created_at": r.try_get::<i64, _>("created_at")?,
            "record": record,
        }));
    }
    Ok(Json(json!({
        "document": { "id": document_id, "title": doc.try_get::<String, _>("title")?, "text": doc.try_get::<String, _>("text")? },
        "saves": list,
    })))
}

/// Agreement per pair of annotators and per label (exact and partial
/// precision, recall and F1, token kappa per layer), over every document's
/// latest save by each annotator; documents saved by one annotator only are
/// counted in `texts` and compared with nobody.
pub async fn agreement(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "see the agreement")?;
    let rows = sqlx::query(
        "SELECT s.document_id, u.name, s.body FROM saves s JOIN users u ON u.id = s.user_id \
         WHERE s.project_id = $1 AND s.revision = (SELECT MAX(t.revision) FROM saves t WHERE t.document_id = s.document_id AND t.user_id = s.user_id) \
         ORDER BY s.document_id, u.name",
    )
    .bind(member.project_id)
    .fetch_all(&server.db.pool)
    .await?;
    let mut by_document: BTreeMap<i64, Vec<(String, Record)>> = BTreeMap::new();
    for r in &rows {
        // Stored bodies were checked as records; one that no longer reads
        // is left out of the figures rather than failing them all.
        let Ok(record) = Record::parse(&r.try_get::<String, _>("body")?) else { continue };
        by_document.entry(r.try_get("document_id")?).or_default().push((r.try_get("name")?, record));
    }
    let texts: Vec<TextAnnotations<'_>> = by_document.values().map(|saves| saves.iter().map(|(n, rec)| (n.as_str(), rec)).collect()).collect();
    Ok(Json(serde_json::to_value(agree(&texts)).unwrap_or_default()))
}
