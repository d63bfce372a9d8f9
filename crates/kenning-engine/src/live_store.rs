//! The live records store as the engine writes to it: kept open, opened
//! again after a failed write, and its health as `/healthz` reports it;
//! and where a server writes ([`LiveWriter`]: that file, or a database
//! shared with other servers).
//!
//! redb refuses every write after an I/O error ("Previous I/O error
//! occurred") until the file is opened again. So after any failed write
//! the store is closed and opened again at once; when that fails too (the
//! disk is still full), the next write tries again. Nothing acknowledged
//! is lost: a failed write commits nothing, and reopening recovers the
//! file to its last commit.

use std::path::{Path, PathBuf};

use kenning_records::{RecordStore, RecordsError};
use serde::Serialize;

use crate::EngineError;

/// The state of the live records store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveStoreHealth {
    /// Where live records are kept: `file` (`DIR/live-records.redb`) or
    /// `postgresql` (a database shared by several servers).
    pub backend: &'static str,
    /// `ok` (writes work), `failing` (the last write failed; `error` says
    /// why), `unavailable` (the database is out of reach: writes fail,
    /// reads show the records as last seen), `read_only` (this process
    /// only reads the store), or `none` (no live store: the folder is
    /// read-only and has none).
    pub state: &'static str,
    /// Why the last write failed, while `state` is `failing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a live store holds: its records, and the (type, id) of the
/// records deleted through it.
#[derive(Debug, Default)]
pub(crate) struct LiveContents {
    pub(crate) records: Vec<kenning_records::Record>,
    pub(crate) deleted: Vec<(String, String)>,
}

/// Where a server writes live records.
#[derive(Debug)]
pub(crate) enum LiveWriter {
    /// `DIR/live-records.redb`, this server's alone.
    File(LiveStore),
    /// The PostgreSQL database shared with other servers (the records'
    /// shared state holds it).
    Database,
}

/// The store kept open for writes.
#[derive(Debug)]
pub(crate) struct LiveStore {
    path: PathBuf,
    /// `None` between a failed write and a successful reopening.
    store: Option<RecordStore>,
    /// Why the last write (or reopening) failed; cleared by a write that
    /// succeeds.
    failure: Option<String>,
}

impl LiveStore {
    /// The store `store`, opened at `path`, ready for writes.
    pub(crate) fn new(path: &Path, store: RecordStore) -> LiveStore {
        LiveStore {
            path: path.to_owned(),
            store: Some(store),
            failure: None,
        }
    }

    /// A store not open yet: its first write opens it.
    pub(crate) fn closed(path: &Path) -> LiveStore {
        LiveStore {
            path: path.to_owned(),
            store: None,
            failure: None,
        }
    }

    /// Its file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Every record in the store, and every deletion (opening it first
    /// when a failed write left it closed).
    pub(crate) fn read_all(&mut self) -> Result<LiveContents, EngineError> {
        let store = self.opened()?;
        let records = store
            .iter()
            .map_err(EngineError::LiveStore)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(EngineError::LiveStore)?;
        let deleted = store.deleted().map_err(EngineError::LiveStore)?;
        Ok(LiveContents { records, deleted })
    }

    /// Runs the write `op` against the store, opening it again first when
    /// a previous write left it closed. After a failed write, the store is
    /// opened again for the next one.
    pub(crate) fn write<T>(
        &mut self,
        op: impl FnOnce(&RecordStore) -> Result<T, RecordsError>,
    ) -> Result<T, EngineError> {
        let store = self.opened()?;
        match op(store) {
            Ok(value) => {
                self.failure = None;
                Ok(value)
            }
            Err(e) if e.is_store_failure() => {
                self.failure = Some(e.to_string());
                // If this fails, the next write tries again.
                let _ = self.reopen();
                Err(write_error(e))
            }
            Err(e) => Err(write_error(e)),
        }
    }

    /// The store, opened again first when a failed write left it closed.
    fn opened(&mut self) -> Result<&RecordStore, EngineError> {
        if self.store.is_none() {
            self.reopen()?;
        }
        self.store
            .as_ref()
            .ok_or_else(|| EngineError::Records("the live records store is closed".into()))
    }

    fn reopen(&mut self) -> Result<(), EngineError> {
        self.store = None; // closes the file (and its lock) first
        match RecordStore::open(&self.path) {
            Ok(store) => {
                self.store = Some(store);
                Ok(())
            }
            Err(e) => {
                self.failure = Some(e.to_string());
                Err(write_error(e))
            }
        }
    }

    /// Its state.
    pub(crate) fn health(&self) -> LiveStoreHealth {
        LiveStoreHealth {
            backend: "file",
            state: if self.failure.is_some() {
                "failing"
            } else {
                "ok"
            },
            error: self.failure.clone(),
        }
    }
}

/// A store error as the engine reports it: a full disk is told apart.
fn write_error(e: RecordsError) -> EngineError {
    if e.is_disk_full() {
        EngineError::DiskFull(e)
    } else {
        EngineError::LiveStore(e)
    }
}
