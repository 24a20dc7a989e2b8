//! PostgreSQL for the server's tests: `DATABASE_URL` when it is set (a URL
//! of a database in which the tests may `CREATE DATABASE`), else a
//! throwaway cluster started here in a temporary directory — on a free
//! port of 127.0.0.1, its socket in that directory, run by an unprivileged
//! user (`nobody` when xtask runs as root, as PostgreSQL refuses root) —
//! and stopped and removed when the tests are done.

use crate::{output, run, step, Result};
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian installs the server's programs (`postgresql-NN`).
const DEBIAN_LIB: &str = "/usr/lib/postgresql";

/// The directory holding `initdb`, `pg_ctl` and `postgres`, if installed.
pub fn server_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = fs::read_dir(DEBIAN_LIB).ok()?.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).collect();
    versions.sort();
    versions.pop()
}

/// The PostgreSQL the tests use, for as long as this value lives.
pub enum TestPostgres {
    Given(String),
    Throwaway { url: String, dir: PathBuf, bin: PathBuf, owner: Option<&'static str> },
}

impl TestPostgres {
    pub fn url(&self) -> &str {
        match self {
            TestPostgres::Given(url) | TestPostgres::Throwaway { url, .. } => url,
        }
    }

    pub fn start() -> Result<TestPostgres> {
        if let Ok(url) = std::env::var("DATABASE_URL") {
            step("PostgreSQL: DATABASE_URL");
            return Ok(TestPostgres::Given(url));
        }
        step("PostgreSQL: a throwaway cluster");
        let bin = server_bin_dir().ok_or("PostgreSQL's server is not installed (cargo xtask setup installs it)")?;
        let root = output(Command::new("id").arg("-u")).map(|s| s.trim() == "0").unwrap_or(false);
        let owner = root.then_some("nobody");
        let dir = std::env::temp_dir().join(format!("marginalia-pg-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if let Some(user) = owner {
            run(Command::new("chown").args([user, &dir.display().to_string()]))?;
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let data = dir.join("data");
        let cluster = TestPostgres::Throwaway { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), dir: dir.clone(), bin: bin.clone(), owner };
        as_owner(owner, &bin.join("initdb"), &["-D", path(&data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])?;
        let options = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200", dir.display());
        as_owner(owner, &bin.join("pg_ctl"), &["-D", path(&data), "-o", &options, "-l", path(&dir.join("log")), "-w", "start"])?;
        println!("    {} (removed afterwards)", cluster.url());
        Ok(cluster)
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if let TestPostgres::Throwaway { dir, bin, owner, .. } = self {
            let _ = as_owner(*owner, &bin.join("pg_ctl"), &["-D", path(&dir.join("data")), "-m", "immediate", "stop"]);
            let _ = fs::remove_dir_all(dir);
        }
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// Runs a PostgreSQL program as `owner` (through `runuser`), or as us.
fn as_owner(owner: Option<&str>, program: &Path, args: &[&str]) -> Result {
    match owner {
        Some(user) => run(Command::new("runuser").args(["-u", user, "--"]).arg(program).args(args)),
        None => run(Command::new(program).args(args)),
    }
}
