//! A transaction that writes. On SQLite it takes the write lock at once
//! (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then
//! writes cannot wait for another writer (SQLite answers "database is
//! locked" at once, whatever the busy timeout). And the process's writers
//! queue for that lock on an async mutex, first come first served: waiting
//! in SQLite's busy handler instead means sleeping in growing steps (up to
//! 100 ms) and retrying, which under a thousand annotators put seconds on
//! a save. PostgreSQL has row locks and needs neither.
//!
//! It reads as the connection (`&mut *tx` is an executor) and ends with
//! `commit`, which returns once the writes are on disk (`wal_sync.rs` on
//! SQLite); dropped without it, it rolls back.

use super::wal_sync::WalSync;
use super::{Db, Kind};
use sqlx::{Any, AnyConnection, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::OwnedMutexGuard;

pub struct WriteTx {
    tx: Transaction<'static, Any>,
    /// SQLite's group commit (`wal_sync.rs`), for a database file.
    wal: Option<Arc<WalSync>>,
    /// Held until the transaction ends (SQLite only). Declared after `tx`,
    /// so a rollback on drop happens before the next writer goes.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(super) async fn begin(db: &Db) -> Result<WriteTx, sqlx::Error> {
        match db.kind {
            Kind::Sqlite => {
                let turn = db.writers.clone().lock_owned().await;
                Ok(WriteTx { tx: db.pool.begin_with("BEGIN IMMEDIATE").await?, wal: db.wal.clone(), _turn: Some(turn) })
            }
            Kind::Postgres => Ok(WriteTx { tx: db.pool.begin().await?, wal: None, _turn: None }),
        }
    }

    /// Makes the writes durable. On SQLite the next writer goes as soon as
    /// the commit is in the log, while this one waits for the log's sync.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let WriteTx { tx, wal, _turn } = self;
        tx.commit().await?;
        drop(_turn);
        match wal {
            Some(wal) => wal.committed().await.map_err(sqlx::Error::Io),
            None => Ok(()),
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}
