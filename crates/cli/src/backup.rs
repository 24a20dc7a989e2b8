//! `marginalia backup`: a consistent copy of a running server's SQLite
//! database (`VACUUM INTO`: one read transaction, so saves go on meanwhile
//! and the copy holds every save committed before it began). PostgreSQL is
//! backed up with its own tools (`docs/SERVER.md`).

use clap::Args;
use marginalia_server::db::{self, Db, Kind};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The server's database (default: ./marginalia.db)
    #[arg(long, value_name = "URL", env = "MARGINALIA_DATABASE")]
    pub database: Option<String>,
    /// Where to write the copy (must not exist)
    #[arg(value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(args: BackupArgs) -> Result<ExitCode, crate::Failure> {
    let url = match args.database {
        Some(url) => url,
        None => {
            let path = std::env::current_dir().map_err(|e| e.to_string())?.join("marginalia.db");
            if !path.exists() {
                return Err(format!("there is no {}: name the server's database with --database", path.display()));
            }
            db::sqlite_url(&path)
        }
    };
    if Kind::of(&url)? != Kind::Sqlite {
        return Err("marginalia backup copies SQLite databases; back PostgreSQL up with pg_dump or pg_basebackup (docs/SERVER.md)".into());
    }
    if args.out.exists() {
        return Err(format!("{} exists: marginalia backup never overwrites a file", args.out.display()));
    }
    let out = args.out.to_str().ok_or("the backup file's path must be UTF-8")?.replace('\'', "''");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let db = Db::open(&url).await?;
        sqlx::query(&format!("VACUUM INTO '{out}'")).execute(&db.pool).await.map_err(|e| format!("the backup failed: {e}"))?;
        Ok::<_, String>(())
    })?;
    eprintln!("marginalia backup: wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
