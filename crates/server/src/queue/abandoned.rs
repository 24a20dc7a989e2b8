//! Places given up: a document left open and untouched (no save) for the
//! project's abandon time goes back to the queue at the next request and
//! to someone else. Its first annotator never gets it again (their
//! assignment stays, `expired`, without a place) and their saves are kept.
//! Times are milliseconds since the Unix epoch.

use crate::error::ApiResult;
use crate::Server;
use sqlx::Row;

/// Expires the project's places untouched since `before`, and clears the
/// queue's hint on their documents. A read comes first: nearly every
/// request finds nothing to give up, and a read does not wait for SQLite's
/// one writer.
pub async fn sweep(server: &Server, project_id: i64, before: i64, now: i64) -> ApiResult<()> {
    let stale = sqlx::query("SELECT id FROM assignments WHERE project_id = $1 AND state = 'open' AND updated_at < $2 LIMIT 1")
        .bind(project_id)
        .bind(before)
        .fetch_optional(&server.db.pool)
        .await?;
    if stale.is_none() {
        return Ok(());
    }
    let mut tx = server.db.write().await?;
    let freed = sqlx::query("UPDATE assignments SET state = 'expired', slot = NULL, updated_at = $1 WHERE project_id = $2 AND state = 'open' AND updated_at < $3 RETURNING document_id")
        .bind(now)
        .bind(project_id)
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
    for row in freed {
        sqlx::query("UPDATE documents SET queue_full = 0 WHERE id = $1").bind(row.try_get::<i64, _>("document_id")?).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
