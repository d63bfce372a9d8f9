//! Live records kept in PostgreSQL and shared by several servers
//! (`kenning serve --records-db`).
//!
//! Every server applies every change in the order of its number: its own
//! writes as they commit, other servers' writes when the database
//! notifies them (a thread follows the change feed), before it answers a
//! record (so a record written through one server is on every server's
//! page once the write is acknowledged), and inside each of its own
//! writes. A change is applied once: `State::applied` is the number of
//! the last one, and anything at or below it is skipped.
//!
//! When the database is out of reach, reads go on from what is applied,
//! writes fail (`EngineError::RecordsUnavailable`), and the thread tries
//! to listen again with a growing pause; once it does, it reads every
//! change it missed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use kenning_records::Record;
use kenning_records_pg::{Change, PgError, PgRecords};
use kenning_store::Snapshot;

use super::refresh::Inner;
use super::state::{Linked, State, link_record};
use crate::live_store::LiveStoreHealth;

/// How long the follower waits for a notification before it checks that
/// its engine is still there.
const WAIT: Duration = Duration::from_millis(500);
/// The longest pause between two attempts to listen again.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The database and what applying its changes needs.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) db: Arc<PgRecords>,
    pub(super) snapshot: Arc<Snapshot>,
    /// One catch-up at a time (two would link the same records twice).
    catching_up: Mutex<()>,
    /// Whether the follower reaches the database; while it does not,
    /// answers do not wait on it.
    reachable: AtomicBool,
}

impl Shared {
    pub(super) fn new(db: Arc<PgRecords>, snapshot: Arc<Snapshot>) -> Shared {
        Shared {
            db,
            snapshot,
            catching_up: Mutex::new(()),
            reachable: AtomicBool::new(true),
        }
    }

    pub(super) fn reachable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }
}

/// A change with its record linked to concepts (done before taking the
/// state's lock: linking runs concept detection).
pub(super) struct LinkedChange {
    seq: i64,
    kind: String,
    id: String,
    record: Option<(Record, Linked)>,
}

impl LinkedChange {
    /// A put already linked.
    pub(super) fn put(seq: i64, record: Record, linked: Linked) -> LinkedChange {
        LinkedChange {
            seq,
            kind: record.kind.clone(),
            id: record.id.clone(),
            record: Some((record, linked)),
        }
    }

    /// A deletion.
    pub(super) fn delete(seq: i64, kind: &str, id: &str) -> LinkedChange {
        LinkedChange {
            seq,
            kind: kind.to_owned(),
            id: id.to_owned(),
            record: None,
        }
    }
}

pub(super) fn link_changes(snapshot: &Snapshot, changes: Vec<Change>) -> Vec<LinkedChange> {
    changes
        .into_iter()
        .map(|c| LinkedChange {
            seq: c.seq,
            kind: c.kind,
            id: c.id,
            record: c.record.map(|r| {
                let linked = link_record(snapshot, &r);
                (r, linked)
            }),
        })
        .collect()
}

/// Applies the changes numbered above the last applied one. Whether any
/// was.
pub(super) fn apply_changes(state: &mut State, changes: Vec<LinkedChange>) -> bool {
    let mut any = false;
    for change in changes {
        if change.seq <= state.applied {
            continue;
        }
        match change.record {
            Some((record, linked)) => apply_put(state, record, linked),
            None => apply_delete(state, &change.kind, &change.id),
        }
        state.applied = change.seq;
        any = true;
    }
    if any {
        state.version += 1;
    }
    any
}

/// Puts `record` into the state: replaced in place or appended, its
/// concepts inherited when it has none, its neighbours' inheritance
/// recomputed.
pub(super) fn apply_put(state: &mut State, record: Record, linked: Linked) {
    let (kind, id) = (record.kind.clone(), record.id.clone());
    state.relations.insert(&record);
    let at = state.upsert(record, linked);
    if state.entries[at as usize].linked.concepts.is_empty() {
        state.inherit(at);
    }
    let neighbours = state.neighbours(&kind, &id);
    state.reinherit(&neighbours);
}

/// Marks record `kind`/`id` deleted and recomputes what its neighbours
/// inherit.
pub(super) fn apply_delete(state: &mut State, kind: &str, id: &str) {
    let neighbours = state.neighbours(kind, id);
    state.delete(kind, id);
    state.relations.remove(kind, id);
    state.reinherit(&neighbours);
}

/// Reads and applies the changes this server has not applied. Whether
/// there were any.
pub(super) fn catch_up(inner: &Inner, shared: &Shared) -> Result<bool, PgError> {
    let _one = shared.catching_up.lock().expect("records lock");
    let after = inner.state.read().expect("records lock").applied;
    let mut changes = shared.db.changes_since(after, None)?;
    // This server's own writes are applied as they commit, often while the
    // query ran: link only what is still missing (linking runs concept
    // detection).
    let applied = inner.state.read().expect("records lock").applied;
    changes.retain(|c| c.seq > applied);
    if changes.is_empty() {
        return Ok(false);
    }
    let linked = link_changes(&shared.snapshot, changes);
    let mut state = inner.state.write().expect("records lock");
    Ok(apply_changes(&mut state, linked))
}

/// Notes the database's state for `/healthz`.
pub(super) fn note_health(inner: &Inner, shared: &Shared, error: Option<&PgError>) {
    shared.reachable.store(error.is_none(), Ordering::Relaxed);
    *inner.health.lock().expect("records lock") = database_health(error);
}

pub(super) fn database_health(error: Option<&PgError>) -> LiveStoreHealth {
    LiveStoreHealth {
        backend: "postgresql",
        state: if error.is_some() { "unavailable" } else { "ok" },
        error: error.map(ToString::to_string),
    }
}

/// Follows the change feed until the engine is dropped: listens, catches
/// up after every notification, and after a lost connection listens again
/// with a growing pause, catching up on everything missed.
pub(super) fn follow_loop(inner: &Weak<Inner>, refresh: &Sender<()>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let Some(strong) = inner.upgrade() else {
            return;
        };
        let Some(shared) = strong.shared.as_ref() else {
            return;
        };
        let mut listener = match shared.db.listen() {
            Ok(listener) => listener,
            Err(e) => {
                note_health(&strong, shared, Some(&e));
                drop(strong);
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        drop(strong);
        // Listening first, then reading: nothing written in between is missed.
        let mut pending = true;
        loop {
            let Some(strong) = inner.upgrade() else {
                return;
            };
            let Some(shared) = strong.shared.as_ref() else {
                return;
            };
            if pending {
                match catch_up(&strong, shared) {
                    Ok(changed) => {
                        backoff = Duration::from_millis(100);
                        note_health(&strong, shared, None);
                        if changed {
                            // The refresh thread ends only with the engine.
                            let _ = refresh.send(());
                        }
                    }
                    Err(e) => {
                        note_health(&strong, shared, Some(&e));
                        break;
                    }
                }
            }
            drop(strong);
            match listener.wait(WAIT) {
                Ok(notified) => pending = notified,
                Err(e) => {
                    if let Some(strong) = inner.upgrade()
                        && let Some(shared) = strong.shared.as_ref()
                    {
                        note_health(&strong, shared, Some(&e));
                    }
                    break;
                }
            }
        }
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}
