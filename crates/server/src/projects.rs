//! Projects: a label schema (the schema JSON the widget reads), guidelines
//! (Markdown), an overlap (each document goes to exactly `overlap`
//! annotators; 0 means to everyone), how long a claimed document may lie
//! untouched before the queue hands it to someone else, and members with
//! roles. Whoever creates a project is its first admin.

use crate::audit;
use crate::auth::Caller;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::roles::{Membership, Role};
use crate::secrets::{self, new_secret};
use crate::Server;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use marginalia_core::label_schema::LabelSchema;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

/// A claimed document untouched this long goes back to the queue.
pub const DEFAULT_ABANDON_MS: i64 = 60 * 60 * 1000;
/// How long an invitation link works.
const INVITATION_MS: i64 = 7 * 24 * 60 * 60 * 1000;
const MAX_GUIDELINES_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
pub struct NewProject {
    pub slug: String,
    pub name: String,
    /// The label schema JSON; the news default when absent.
    pub schema: Option<serde_json::Value>,
    #[serde(default)]
    pub guidelines: String,
    #[serde(default = "one")]
    pub overlap: i64,
    pub abandon_minutes: Option<i64>,
}

fn one() -> i64 {
    1
}

/// A project's settings as stored, checked.
pub struct Settings {
    pub schema_json: String,
    pub guidelines: String,
    pub overlap: i64,
    pub abandon_ms: i64,
}

impl Settings {
    pub fn checked(schema: Option<serde_json::Value>, guidelines: String, overlap: i64, abandon_minutes: Option<i64>) -> ApiResult<Settings> {
        let schema = match schema {
            Some(value) => LabelSchema::from_json(&value.to_string()).map_err(|e| ApiError::bad_request(format!("the label schema: {e}")))?,
            None => LabelSchema::news_default(),
        };
        if !(0..=1000).contains(&overlap) {
            return Err(ApiError::bad_request("the overlap is a number of annotators from 1 to 1000, or 0 for everyone"));
        }
        if guidelines.len() > MAX_GUIDELINES_BYTES {
            return Err(ApiError::bad_request("the guidelines may be 256 KB at most"));
        }
        let abandon_ms = match abandon_minutes {
            None => DEFAULT_ABANDON_MS,
            Some(m) if (1..=60 * 24 * 30).contains(&m) => m * 60 * 1000,
            Some(_) => return Err(ApiError::bad_request("a document goes back to the queue after 1 minute to 30 days untouched")),
        };
        Ok(Settings { schema_json: serde_json::to_string(&schema).expect("a schema serialises"), guidelines, overlap, abandon_ms })
    }
}

pub fn checked_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if (1..=200).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name.to_string())
    } else {
        Err(ApiError::bad_request("a project's name has 1 to 200 characters, none of them control characters"))
    }
}

pub fn checked_slug(slug: &str) -> ApiResult<&str> {
    let fine = (1..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if fine {
        Ok(slug)
    } else {
        Err(ApiError::bad_request("a project's short name has 1 to 64 lowercase letters, digits and hyphens"))
    }
}

/// Creates a project with its creator as admin.
pub async fn create(State(server): State<Server>, caller: Caller, Json(body): Json<NewProject>) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let slug = checked_slug(&body.slug)?.to_string();
    let name = checked_name(&body.name)?;
    let settings = Settings::checked(body.schema, body.guidelines, body.overlap, body.abandon_minutes)?;
    let mut tx = server.db.write().await?;
    let project_id = insert(&mut tx, &slug, &name, &settings).await?.ok_or_else(|| ApiError::conflict("a project with that short name exists"))?;
    sqlx::query("INSERT INTO members (project_id, user_id, role) VALUES ($1, $2, 'admin')")
        .bind(project_id)
        .bind(caller.user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, Some(caller.user_id), Some(project_id), "project_created", json!({ "slug": slug })).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "slug": slug }))))
}

/// Inserts a project; `None` when the slug is taken.
pub async fn insert(tx: &mut crate::db::WriteTx, slug: &str, name: &str, s: &Settings) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO projects (slug, name, schema_json, guidelines, overlap, abandon_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(&s.schema_json)
    .bind(&s.guidelines)
    .bind(s.overlap)
    .bind(s.abandon_ms)
    .bind(now_ms())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// The caller's projects, with their role in each.
pub async fn list(State(server): State<Server>, caller: Caller) -> ApiResult<Json<serde_json::Value>> {
    let rows = sqlx::query("SELECT p.slug, p.name, m.role FROM projects p JOIN members m ON m.project_id = p.id WHERE m.user_id = $1 ORDER BY p.name")
        .bind(caller.user_id)
        .fetch_all(&server.db.pool)
        .await?;
    let projects: Result<Vec<_>, sqlx::Error> = rows
        .iter()
        .map(|r| Ok(json!({ "slug": r.try_get::<String, _>("slug")?, "name": r.try_get::<String, _>("name")?, "role": r.try_get::<String, _>("role")? })))
        .collect();
    Ok(Json(json!({ "projects": projects? })))
}

/// One project: its settings, the caller's role, and the caller's progress.
pub async fn get(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    let row = sqlx::query("SELECT name, schema_json, guidelines, overlap, abandon_ms FROM projects WHERE id = $1")
        .bind(member.project_id)
        .fetch_one(&server.db.pool)
        .await?;
    let schema: serde_json::Value = serde_json::from_str(&row.try_get::<String, _>("schema_json")?).unwrap_or(serde_json::Value::Null);
    let progress = crate::queue::progress(&server, &member).await?;
    Ok(Json(json!({
        "slug": slug,
        "name": row.try_get::<String, _>("name")?,
        "schema": schema,
        "guidelines": row.try_get::<String, _>("guidelines")?,
        "overlap": row.try_get::<i64, _>("overlap")?,
        "abandon_minutes": row.try_get::<i64, _>("abandon_ms")? / 60_000,
        "role": member.role.as_str(),
        "progress": progress,
    })))
}

#[derive(Deserialize)]
pub struct ProjectChange {
    pub name: Option<String>,
    pub schema: Option<serde_json::Value>,
    pub guidelines: Option<String>,
    pub overlap: Option<i64>,
    pub abandon_minutes: Option<i64>,
}

/// Changes a project's settings (admins).
pub async fn update(State(server): State<Server>, caller: Caller, Path(slug): Path<String>, Json(change): Json<ProjectChange>) -> ApiResult<StatusCode> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require_admin("change the project's settings")?;
    let mut tx = server.db.write().await?;
    let row = sqlx::query("SELECT name, schema_json, guidelines, overlap, abandon_ms FROM projects WHERE id = $1")
        .bind(member.project_id)
        .fetch_one(&mut *tx)
        .await?;
    let schema = match change.schema {
        Some(s) => Some(s),
        None => serde_json::from_str(&row.try_get::<String, _>("schema_json")?).ok(),
    };
    let settings = Settings::checked(
        schema,
        change.guidelines.unwrap_or(row.try_get("guidelines")?),
        change.overlap.unwrap_or(row.try_get("overlap")?),
        Some(change.abandon_minutes.unwrap_or(row.try_get::<i64, _>("abandon_ms")? / 60_000)),
    )?;
    let name = checked_name(&change.name.unwrap_or(row.try_get("name")?))?;
    sqlx::query("UPDATE projects SET name = $1, schema_json = $2, guidelines = $3, overlap = $4, abandon_ms = $5 WHERE id = $6")
        .bind(&name)
        .bind(&settings.schema_json)
        .bind(&settings.guidelines)
        .bind(settings.overlap)
        .bind(settings.abandon_ms)
        .bind(member.project_id)
        .execute(&mut *tx)
        .await?;
    // A new overlap changes which documents are full: the queue relearns it.
    sqlx::query("UPDATE documents SET queue_full = 0 WHERE project_id = $1 AND queue_full = 1").bind(member.project_id).execute(&mut *tx).await?;
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "project_changed", json!({ "overlap": settings.overlap })).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The members and their roles (admins and reviewers).
pub async fn members(State(server): State<Server>, caller: Caller, Path(slug): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require(Role::sees_all, "list the members")?;
    let rows = sqlx::query("SELECT u.id, u.name, m.role FROM members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY u.name")
        .bind(member.project_id)
        .fetch_all(&server.db.pool)
        .await?;
    let members: Result<Vec<_>, sqlx::Error> = rows
        .iter()
        .map(|r| Ok(json!({ "id": r.try_get::<i64, _>("id")?, "name": r.try_get::<String, _>("name")?, "role": r.try_get::<String, _>("role")? })))
        .collect();
    Ok(Json(json!({ "members": members? })))
}

#[derive(Deserialize)]
pub struct RoleChange {
    pub role: Role,
}

/// Sets a member's role (admins). The last admin cannot step down.
pub async fn set_role(
    State(server): State<Server>,
    caller: Caller,
    Path((slug, user_id)): Path<(String, i64)>,
    Json(change): Json<RoleChange>,
) -> ApiResult<StatusCode> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require_admin("change roles")?;
    let mut tx = server.db.write().await?;
    let changed = sqlx::query("UPDATE members SET role = $1 WHERE project_id = $2 AND user_id = $3")
        .bind(change.role.as_str())
        .bind(member.project_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(ApiError::not_found("member"));
    }
    let admins: i64 = sqlx::query("SELECT COUNT(*) AS n FROM members WHERE project_id = $1 AND role = 'admin'")
        .bind(member.project_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if admins == 0 {
        return Err(ApiError::conflict("a project keeps at least one admin"));
    }
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "role_changed", json!({ "user": user_id, "role": change.role.as_str() })).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct NewInvitation {
    pub role: Role,
}

/// An invitation link for one person (admins): its secret, shown once.
pub async fn invite(
    State(server): State<Server>,
    caller: Caller,
    Path(slug): Path<String>,
    Json(body): Json<NewInvitation>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let member = Membership::of(&server, &slug, caller.user_id).await?;
    member.require_admin("invite people")?;
    let secret = new_secret();
    let now = now_ms();
    let mut tx = server.db.write().await?;
    sqlx::query("INSERT INTO invitations (secret_sha256, project_id, role, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(secrets::digest(&secret))
        .bind(member.project_id)
        .bind(body.role.as_str())
        .bind(caller.user_id)
        .bind(now)
        .bind(now + INVITATION_MS)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut *tx, Some(caller.user_id), Some(member.project_id), "invited", json!({ "role": body.role.as_str() })).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(json!({ "invitation": secret, "path": format!("/team/join/{secret}"), "role": body.role.as_str() }))))
}
