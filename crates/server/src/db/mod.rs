//! The store: one SQLite file (WAL, every commit synced before it is
//! acknowledged) or a PostgreSQL database, behind one `sqlx::AnyPool`. The
//! queries are written once for both (`$n` placeholders, numbered in the
//! order they appear; 64-bit integers and text only). Each kind has its
//! own migrations, which create the same tables (`migrations/`).

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use std::sync::Arc;
use std::time::Duration;

mod wal_sync;
mod write;
pub use write::WriteTx;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    pub fn of(url: &str) -> Result<Kind, String> {
        if url.starts_with("sqlite:") {
            Ok(Kind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Kind::Postgres)
        } else {
            Err(format!("not a database URL Marginalia knows: {} (use sqlite:PATH or postgres://…)", redact(url)))
        }
    }
}

/// The database URL for a SQLite file (created when missing; WAL; a
/// commit is on disk before it returns).
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// The file a SQLite URL names (`None` for an in-memory database).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    use std::str::FromStr;
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    (!file.as_os_str().is_empty() && !url.contains(":memory:")).then(|| file.to_path_buf())
}

/// A URL with its password (if any) hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: Kind,
    /// SQLite has one writer: this process's write transactions queue here,
    /// in order, instead of in SQLite's busy handler (`write.rs`).
    writers: Arc<tokio::sync::Mutex<()>>,
    /// SQLite's group commit, for a database file (`wal_sync.rs`).
    wal: Option<Arc<wal_sync::WalSync>>,
}

impl Db {
    /// A transaction that writes (see `WriteTx`).
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        WriteTx::begin(self).await
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Db, String> {
        install_default_drivers();
        let kind = Kind::of(url)?;
        let options = AnyPoolOptions::new()
            .max_connections(if kind == Kind::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(5));
        let options = match kind {
            // Every connection: WAL (readers never wait for the writer),
            // synced commits, foreign keys, and a wait on a busy writer
            // instead of an error.
            Kind::Sqlite => options.after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        // Commits are synced by the group commit (`wal_sync.rs`).
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            }),
            Kind::Postgres => options,
        };
        // A SQLite file named without options is created when missing, as
        // docs/SERVER.md says.
        let url = &match kind {
            Kind::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let pool = options.connect(url).await.map_err(|e| format!("cannot open the database {}: {e}", redact(url)))?;
        let migrator = match kind {
            Kind::Sqlite => &SQLITE,
            Kind::Postgres => &POSTGRES,
        };
        migrator.run(&pool).await.map_err(|e| format!("cannot bring the database {} up to date: {e}", redact(url)))?;
        let wal = match kind {
            Kind::Sqlite => sqlite_file(url).map(|file| Arc::new(wal_sync::WalSync::new(file))),
            Kind::Postgres => None,
        };
        Ok(Db { pool, kind, writers: Arc::default(), wal })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_and_passwords_hidden() {
        assert_eq!(Kind::of("sqlite://x.db"), Ok(Kind::Sqlite));
        assert_eq!(Kind::of("postgres://u:p@h/db"), Ok(Kind::Postgres));
        assert!(Kind::of("mysql://u:secret@h/db").unwrap_err().contains("u:***@h"));
        assert_eq!(redact("postgres://me:pw@localhost:5432/m"), "postgres://me:***@localhost:5432/m");
        assert_eq!(redact("postgres://localhost/m"), "postgres://localhost/m");
        // The group commit syncs the file's log; an in-memory database has none.
        assert_eq!(sqlite_file("sqlite:///srv/mg/team.db?mode=rwc"), Some("/srv/mg/team.db".into()));
        assert_eq!(sqlite_file("sqlite://team.db"), Some("team.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
