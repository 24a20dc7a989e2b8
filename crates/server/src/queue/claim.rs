//! Taking a place: the first document (in import order) the annotator
//! never had that still has a free place. A document has `overlap` places
//! (`1..=overlap`), or one per annotator when the overlap is 0. Ids are
//! database ids; times are milliseconds since the Unix epoch.
//!
//! A claim is one write transaction that finds the document and takes the
//! place, so a thousand annotators asking at once do not all try the same
//! first document. On SQLite writers take turns (`db::WriteTx`), so the
//! transaction sees every earlier claim. On PostgreSQL it locks the
//! document row it picks and passes over rows other claims hold
//! (`SKIP LOCKED`); the `(document, slot)` and `(document, user)` unique
//! constraints still decide, and a claim that loses a race looks again.
//! No lock is held across requests and the server keeps nothing in memory.
//! A read without a lock comes first, so an annotator with nothing left
//! (whose walk may cover every document) never holds up the writers.
//!
//! `documents.queue_full` spares the walk the documents whose places are
//! all taken: it is set in the transaction that takes the last place (or
//! finds none), and cleared when one is given up (`abandoned.rs`) or the
//! overlap changes. It is only a hint: when the documents it leaves hold
//! nothing for the caller, every document is walked, so a hint a race left
//! set delays a document but never loses it.

use super::abandoned;
use crate::clock::now_ms;
use crate::db::{Kind, WriteTx};
use crate::error::{ApiError, ApiResult};
use crate::roles::Membership;
use crate::Server;
use axum::http::StatusCode;
use sqlx::Row;

/// Claims before a request gives up (each lost to another claim that
/// committed in between; PostgreSQL only).
const MAX_ROUNDS: usize = 32;

/// Which documents a walk looks at, and how it treats rows other claims
/// hold locked (PostgreSQL).
#[derive(Clone, Copy)]
enum Walk {
    /// Those the hint says have a free place, passing over locked rows.
    WithPlaces,
    /// All of the project's, waiting for locked rows: the last free place
    /// is found even while another claim holds its document.
    All,
}

enum Claim {
    Taken(i64),
    Nothing,
    /// Another claim took the place between the look and the insert.
    Lost,
}

/// Gives up abandoned places, then takes a free place on the first
/// document that has one for the caller.
pub async fn claim(server: &Server, member: &Membership) -> ApiResult<Option<i64>> {
    let now = now_ms();
    let project = sqlx::query("SELECT overlap, abandon_ms FROM projects WHERE id = $1").bind(member.project_id).fetch_one(&server.db.pool).await?;
    let overlap: i64 = project.try_get("overlap")?;
    abandoned::sweep(server, member.project_id, now - project.try_get::<i64, _>("abandon_ms")?, now).await?;
    // A read first, taking no lock: an annotator with nothing left (who may
    // walk every document) never holds up the writers.
    if !free_anywhere(server, member, overlap).await? {
        return Ok(None);
    }
    for _ in 0..MAX_ROUNDS {
        match claim_once(server, member, overlap, now).await? {
            Claim::Taken(document_id) => return Ok(Some(document_id)),
            Claim::Nothing => return Ok(None),
            Claim::Lost => {}
        }
    }
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the queue is very busy: ask again in a moment"))
}

async fn claim_once(server: &Server, member: &Membership, overlap: i64, now: i64) -> ApiResult<Claim> {
    let mut tx = server.db.write().await?;
    let mut found = None;
    for walk in [Walk::WithPlaces, Walk::All] {
        found = first_free(&mut tx, server.db.kind, member, overlap, walk).await?;
        if found.is_some() {
            break;
        }
    }
    let Some(document_id) = found else { return Ok(Claim::Nothing) };
    let taken = take_place(&mut tx, member, document_id, overlap, now).await?;
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
    Ok(if taken { Claim::Taken(document_id) } else { Claim::Lost })
}

/// The first document the caller never had that has a free place, in
/// import order, locked as `walk` says (PostgreSQL).
async fn first_free(tx: &mut WriteTx, kind: Kind, member: &Membership, overlap: i64, walk: Walk) -> ApiResult<Option<i64>> {
    let lock = match (walk, kind) {
        (Walk::WithPlaces, Kind::Postgres) => " FOR UPDATE OF d SKIP LOCKED",
        (Walk::All, Kind::Postgres) => " FOR UPDATE OF d",
        (_, Kind::Sqlite) => "",
    };
    let sql = walk_sql(walk, lock);
    let row = sqlx::query(&sql).bind(member.project_id).bind(member.user_id).bind(overlap).bind(overlap).fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Whether any document has a place for the caller, read without a lock.
async fn free_anywhere(server: &Server, member: &Membership, overlap: i64) -> ApiResult<bool> {
    for walk in [Walk::WithPlaces, Walk::All] {
        let sql = walk_sql(walk, "");
        let row = sqlx::query(&sql).bind(member.project_id).bind(member.user_id).bind(overlap).bind(overlap).fetch_optional(&server.db.pool).await?;
        if row.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The walk's query, `lock` appended. It reads indexes only, never a
/// document's text.
fn walk_sql(walk: Walk, lock: &str) -> String {
    let hint = match walk {
        Walk::WithPlaces => "AND d.queue_full = 0 ",
        Walk::All => "",
    };
    format!(
        "SELECT d.id FROM documents d WHERE d.project_id = $1 {hint}\
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id AND a.user_id = $2) \
         AND ($3 = 0 OR (SELECT COUNT(*) FROM assignments a WHERE a.document_id = d.id AND a.slot IS NOT NULL) < $4) \
         ORDER BY d.id LIMIT 1{lock}"
    )
}

/// Takes the first free place of one document; whether one was taken.
async fn take_place(tx: &mut WriteTx, member: &Membership, document_id: i64, overlap: i64, now: i64) -> ApiResult<bool> {
    for slot in free_slots(tx, document_id, overlap).await? {
        let inserted = sqlx::query(
            "INSERT INTO assignments (project_id, document_id, user_id, slot, state, claimed_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(member.project_id)
        .bind(document_id)
        .bind(member.user_id)
        .bind(slot)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The places of a document nobody holds (`None`: the overlap is 0, and
/// the place is the caller's own).
async fn free_slots(tx: &mut WriteTx, document_id: i64, overlap: i64) -> ApiResult<Vec<Option<i64>>> {
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
