//! Taking a place: the first document (in import order) the annotator
//! never had that still has a free place. A document has `overlap` places
//! (`1..=overlap`), or one per annotator when the overlap is 0. Ids are
//! database ids; times are milliseconds since the Unix epoch.
//!
//! A place is taken by one `INSERT` that the `(document, slot)` and
//! `(document, user)` unique constraints decide: of two annotators (or two
//! server instances) asking at the same instant, one gets the place and the
//! other moves on to the next free one. No lock is held across requests
//! and the server keeps nothing in memory.
//!
//! `documents.queue_full` spares the walk the documents whose places are
//! all taken: it is set in the transaction that takes a place (or finds
//! none) when every place is taken, and cleared when one is given up
//! (`abandoned.rs`) or the overlap changes. It is only a hint: when the
//! documents it leaves find nothing for the caller, every document is
//! walked, so a hint a race left set delays a document but never loses it.

use super::abandoned;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::roles::Membership;
use crate::Server;
use axum::http::StatusCode;
use sqlx::Row;

/// Candidates looked at per round: enough that a burst of annotators
/// asking at once each finds a free place without another query.
const CANDIDATES: i64 = 16;
/// Rounds of candidates before a request gives up (each round means that
/// every candidate was taken by others in the meantime).
const MAX_ROUNDS: usize = 32;

/// Which documents a walk looks at.
#[derive(Clone, Copy)]
enum Walk {
    /// Those the hint says have a free place.
    WithPlaces,
    /// All of the project's.
    All,
}

/// Gives up abandoned places, then takes a free place on the first
/// document that has one for the caller.
pub async fn claim(server: &Server, member: &Membership) -> ApiResult<Option<i64>> {
    let now = now_ms();
    let project = sqlx::query("SELECT overlap, abandon_ms FROM projects WHERE id = $1").bind(member.project_id).fetch_one(&server.db.pool).await?;
    let overlap: i64 = project.try_get("overlap")?;
    abandoned::sweep(server, member.project_id, now - project.try_get::<i64, _>("abandon_ms")?, now).await?;
    for walk in [Walk::WithPlaces, Walk::All] {
        if let Some(document_id) = claim_in(server, member, overlap, walk, now).await? {
            return Ok(Some(document_id));
        }
    }
    Ok(None)
}

async fn claim_in(server: &Server, member: &Membership, overlap: i64, walk: Walk, now: i64) -> ApiResult<Option<i64>> {
    for _ in 0..MAX_ROUNDS {
        let candidates = candidates(server, member, overlap, walk).await?;
        if candidates.is_empty() {
            return Ok(None);
        }
        for document_id in candidates {
            if take_place(server, member, document_id, overlap, now).await? {
                return Ok(Some(document_id));
            }
        }
        // Every candidate filled up meanwhile: look again.
    }
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the queue is very busy: ask again in a moment"))
}

/// Documents the caller never had that have a free place, in import order.
/// The walk reads the indexes only, never a document's text.
async fn candidates(server: &Server, member: &Membership, overlap: i64, walk: Walk) -> ApiResult<Vec<i64>> {
    let hint = match walk {
        Walk::WithPlaces => "AND d.queue_full = 0 ",
        Walk::All => "",
    };
    let sql = format!(
        "SELECT d.id FROM documents d WHERE d.project_id = $1 {hint}\
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id AND a.user_id = $2) \
         AND ($3 = 0 OR (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.slot IS NOT NULL) < $4) \
         ORDER BY d.id LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(member.project_id)
        .bind(member.user_id)
        .bind(overlap)
        .bind(overlap)
        .bind(CANDIDATES)
        .fetch_all(&server.db.pool)
        .await?;
    Ok(rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?)
}

/// Tries each free place of one document, in one write transaction that
/// also keeps the hint; whether a place was taken.
async fn take_place(server: &Server, member: &Membership, document_id: i64, overlap: i64, now: i64) -> ApiResult<bool> {
    let mut tx = server.db.write().await?;
    let mut taken = false;
    for slot in free_slots(&mut tx, document_id, overlap).await? {
        taken = sqlx::query(
            "INSERT INTO assignments (project_id, document_id, user_id, slot, state, claimed_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(member.project_id)
        .bind(document_id)
        .bind(member.user_id)
        .bind(slot)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if taken {
            break;
        }
    }
    if overlap > 0 {
        sqlx::query(
            "UPDATE documents SET queue_full = 1 WHERE id = $1 AND queue_full = 0 \
             AND (SELECT COUNT(*) FROM assignments a WHERE a.document_id = $2 AND a.slot IS NOT NULL) >= $3",
        )
        .bind(document_id)
        .bind(document_id)
        .bind(overlap)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(taken)
}

/// The places of a document nobody holds (`None`: the overlap is 0, and
/// the place is the caller's own).
async fn free_slots(tx: &mut sqlx::Transaction<'static, sqlx::Any>, document_id: i64, overlap: i64) -> ApiResult<Vec<Option<i64>>> {
    if overlap == 0 {
        return Ok(vec![None]);
    }
    let used = sqlx::query("SELECT slot FROM assignments WHERE document_id = $1 AND slot IS NOT NULL")
        .bind(document_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("slot"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((1..=overlap).filter(|s| !used.contains(s)).map(Some).collect())
}
