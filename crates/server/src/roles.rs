//! A member's role in a project, and the check every project endpoint
//! starts with. Admins manage the project and see everything; reviewers
//! see every save and review; annotators see the documents handed to them
//! and their own saves only. Admins and annotators take work from the queue.
//! Someone who is not a member is told the project does not exist.

use crate::error::{ApiError, ApiResult};
use crate::Server;
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Annotator,
    Reviewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Annotator => "annotator",
            Role::Reviewer => "reviewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "annotator" => Some(Role::Annotator),
            "reviewer" => Some(Role::Reviewer),
            _ => None,
        }
    }

    /// Takes documents from the queue and saves work on them.
    pub fn annotates(self) -> bool {
        matches!(self, Role::Admin | Role::Annotator)
    }

    /// Sees every member's saves and the project's progress.
    pub fn sees_all(self) -> bool {
        matches!(self, Role::Admin | Role::Reviewer)
    }
}

/// The caller's place in one project.
#[derive(Clone, Debug)]
pub struct Membership {
    pub project_id: i64,
    pub user_id: i64,
    pub role: Role,
}

impl Membership {
    /// The caller's membership of the project `slug`: 404 for a project
    /// that does not exist and for one the caller is not a member of.
    pub async fn of(server: &Server, slug: &str, user_id: i64) -> ApiResult<Membership> {
        let row = sqlx::query("SELECT p.id, m.role FROM projects p JOIN members m ON m.project_id = p.id WHERE p.slug = $1 AND m.user_id = $2")
            .bind(slug)
            .bind(user_id)
            .fetch_optional(&server.db.pool)
            .await?
            .ok_or_else(|| ApiError::not_found("project"))?;
        let role: String = row.try_get("role")?;
        Ok(Membership { project_id: row.try_get("id")?, user_id, role: Role::parse(&role).unwrap_or(Role::Annotator) })
    }

    pub fn require(&self, allowed: fn(Role) -> bool, what: &str) -> ApiResult<()> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("a project's {} may not {what}", self.role.as_str())))
        }
    }

    pub fn require_admin(&self, what: &str) -> ApiResult<()> {
        self.require(|r| r == Role::Admin, what)
    }
}
