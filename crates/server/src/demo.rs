//! A new server's demo project, so that a newcomer has something to open:
//! the default article and the Unicode stress text, overlap 2, the news
//! schema. The first account becomes its admin (`accounts::setup`). Seeded
//! once: a server whose projects were all deleted stays empty.

use crate::clock::now_ms;
use crate::db::Db;
use crate::documents::{self, Incoming};
use crate::projects::{self, Settings};
use sqlx::Row;

const DEFAULT_ARTICLE: &str = include_str!("../../../assets/articles/mali-russia-wagner.txt");
const UNICODE_STRESS: &str = include_str!("../../../assets/articles/unicode-stress.txt");
const GUIDELINES: &str = "# Demo guidelines\n\n\
Tag every **person**, **organisation** and **place** by its fullest name in the text.\n\n\
- Titles (\"President\") stay outside a PERSON span.\n\
- A country named as an actor (\"Mali said…\") is GPE.\n\
- Mark a claim when someone asserts something checkable; link who claims it and whom it is about.\n";

pub async fn seed(db: &Db) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    let seeded = sqlx::query("INSERT INTO server_flags (name, at) VALUES ('demo_seeded', $1) ON CONFLICT (name) DO NOTHING")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if seeded == 0 {
        return Ok(());
    }
    let settings = Settings::checked(None, GUIDELINES.into(), 2, None).expect("the demo settings are valid");
    let Some(project_id) = projects::insert(&mut tx, "demo", "Demo: Mali and Wagner", &settings).await? else {
        return tx.commit().await;
    };
    let docs = [("mali-russia-wagner", DEFAULT_ARTICLE), ("unicode-stress", UNICODE_STRESS)].map(|(id, text)| Incoming {
        external_id: id.into(),
        title: text.lines().find(|l| !l.trim().is_empty()).unwrap_or(id).trim().into(),
        text: text.into(),
        record: None,
    });
    documents::store_in(&mut tx, project_id, &docs).await?;
    tx.commit().await
}

/// How many projects the server has (for `marginalia serve`'s greeting).
pub async fn projects(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM projects").fetch_one(&db.pool).await?.try_get("n")
}
