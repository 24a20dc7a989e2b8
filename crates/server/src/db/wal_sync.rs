//! Group commit for SQLite. A commit is acknowledged only once it is on
//! disk; SQLite's `synchronous = FULL` does that with one `fsync` of the
//! write-ahead log per commit, while every other writer waits for the
//! write lock: with a thousand annotators saving, that put more than half
//! a second on a save (BENCHMARKS.md). So connections run with
//! `synchronous = NORMAL` (a commit is in the log, not yet synced; the log
//! is still synced before each checkpoint and the database after it) and
//! each write transaction, after its commit and before its answer, waits
//! here until the log has been synced since: one `fsync` covers every
//! commit made before it began, so writers that commit together share it.
//! A process killed meanwhile loses nothing (the log is in the OS); an
//! answer never goes out before the `fsync` that makes its commit survive
//! a power cut. Counts are commits since the process started.

use std::io;
use std::path::PathBuf;
use std::sync::Mutex;
use tokio::sync::watch;

pub struct WalSync {
    /// The database's write-ahead log (`<file>-wal`).
    wal: PathBuf,
    state: Mutex<State>,
    /// Commits known to be on disk; every change wakes the waiters.
    synced: watch::Sender<u64>,
}

struct State {
    committed: u64,
    syncing: bool,
}

impl WalSync {
    /// For the SQLite database file `database`.
    pub fn new(database: PathBuf) -> WalSync {
        let mut wal = database.into_os_string();
        wal.push("-wal");
        WalSync { wal: wal.into(), state: Mutex::new(State { committed: 0, syncing: false }), synced: watch::Sender::new(0) }
    }

    /// Returns once a commit that has just returned is on disk.
    pub async fn committed(&self) -> io::Result<()> {
        let ticket = {
            let mut state = self.state.lock().expect("the sync state is never poisoned");
            state.committed += 1;
            state.committed
        };
        let mut synced = self.synced.subscribe();
        loop {
            if *synced.borrow_and_update() >= ticket {
                return Ok(());
            }
            match self.lead() {
                Some(target) => self.sync(target).await?,
                // Someone else's fsync is under way: wait for it to end.
                None => {
                    let _ = synced.changed().await;
                }
            }
        }
    }

    /// Becomes the one to sync, covering every commit so far, unless a sync
    /// is under way.
    fn lead(&self) -> Option<u64> {
        let mut state = self.state.lock().expect("the sync state is never poisoned");
        if state.syncing {
            return None;
        }
        state.syncing = true;
        Some(state.committed)
    }

    async fn sync(&self, target: u64) -> io::Result<()> {
        let wal = self.wal.clone();
        let result = tokio::task::spawn_blocking(move || sync_file(&wal)).await.unwrap_or_else(|e| Err(io::Error::other(e)));
        self.state.lock().expect("the sync state is never poisoned").syncing = false;
        // Wakes every waiter, also after a failure (one of them tries again).
        self.synced.send_modify(|synced| {
            if result.is_ok() {
                *synced = (*synced).max(target);
            }
        });
        result
    }
}

/// Syncs the log, opened afresh (SQLite may have replaced it). A log that
/// is gone was checkpointed into the database, which SQLite synced.
fn sync_file(wal: &std::path::Path) -> io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_commits_share_syncs_and_all_return() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.db-wal"), b"log").unwrap();
        let sync = Arc::new(WalSync::new(dir.path().join("t.db")));
        let waits: Vec<_> = (0..64).map(|_| tokio::spawn({ let s = sync.clone(); async move { s.committed().await } })).collect();
        for w in waits {
            w.await.unwrap().unwrap();
        }
        assert_eq!(*sync.synced.borrow(), 64, "every commit is covered");
        assert!(!sync.state.lock().unwrap().syncing);
    }

    #[tokio::test]
    async fn a_log_that_cannot_be_synced_fails_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        // The log's directory is a file: opening the log fails (not "not found").
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        let sync = WalSync::new(dir.path().join("file").join("t.db"));
        assert!(sync.committed().await.is_err(), "no answer is acknowledged without its sync");
        assert_eq!(*sync.synced.borrow(), 0);
    }
}
