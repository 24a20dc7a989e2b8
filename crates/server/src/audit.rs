//! The audit log: every save, sign-in, role change, invitation and import,
//! with who did it and when. Written in the same transaction as what it
//! records, so the log never tells of a change that did not happen.

use crate::clock::now_ms;
use sqlx::{Any, Executor};

pub async fn record<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: Option<i64>,
    project_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, user_id, project_id, action, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(now_ms())
        .bind(user_id)
        .bind(project_id)
        .bind(action)
        .bind(detail.to_string())
        .execute(executor)
        .await?;
    Ok(())
}
