//! The institution's records: loaded from the snapshot (`records.jsonl`
//! and its concepts) with the live records store laid over it, answered
//! from memory, and changed by live writes.
//!
//! Records live in one vector of entries whose positions never change (a
//! deleted record is marked, a replaced one overwritten in place), so the
//! snapshot's search index can key records by their line in
//! `records.jsonl` and everything derived can refer to positions.
//!
//! A write is stored (synced) first, then applied to the entries and the
//! relations under a write lock: the record's page shows it at once. What
//! is derived from all records (related records, each concept's records,
//! the small in-memory search index of live records) is rebuilt by a
//! background thread a moment after writes stop coming, so a burst of
//! writes costs one rebuild and never makes a write wait.
//!
//! This module owns [`Records`]: loading, the live store, writes and their
//! locks. Beside it: the public answer types (`types`), the entries in
//! memory (`state`), what is derived from all of them (`derived`), the
//! shared locked state and the refresh thread (`refresh`), and the pages
//! read from memory (`pages`). None of them imports this module.

mod derived;
mod pages;
mod refresh;
mod shared;
mod state;
mod subjects;
mod types;

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use kenning_records::{
    DEFAULT_CODE_FIELDS, DetectedConcepts, Record, RecordStore, RecordsReader, Relations,
};
use kenning_records_pg::{PgRecords, Previous, Write};
use kenning_store::{ConceptIdx, Snapshot, files};

pub(crate) use self::derived::Derived;
use self::derived::{derive, derive_input};
use self::refresh::{Inner, refresh_loop};
use self::shared::{LinkedChange, Shared, apply_changes, apply_delete, apply_put, link_changes};
use self::state::{State, by_index, link_record, record_fields};
pub use self::types::{
    ConceptRecords, RecordAnnotation, RecordConceptScore, RecordPage, RecordRef, RecordRelation,
    RecordWrite,
};
use crate::EngineError;
use crate::lists::ListPage;
use crate::live_store::{LiveContents, LiveStore, LiveStoreHealth, LiveWriter};

/// How an engine uses the live records store (`DIR/live-records.redb`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LiveAccess {
    /// Read it at opening if it exists and no other process has it open;
    /// otherwise say so in a note (one-shot commands).
    Peek,
    /// Keep it open (created if absent) for the engine's life, for
    /// writes; fail if another process has it open.
    Hold,
    /// As [`LiveAccess::Hold`], except that a folder that cannot be
    /// written (a read-only mount, another user's files) is served as
    /// [`LiveAccess::Peek`] would, with writes off and a note (servers).
    HoldIfWritable,
}

/// Where the live records laid over a snapshot's come from.
#[derive(Debug)]
pub(crate) enum LiveSource {
    /// `DIR/live-records.redb`, used as [`LiveAccess`] says.
    Folder(LiveAccess),
    /// A database shared with other servers.
    Database(Arc<PgRecords>),
    /// The store of the engine this one replaces, handed over open.
    HandedOver(LiveStore),
}

/// The records of one snapshot, with the live store over them.
#[derive(Debug)]
pub(crate) struct Records {
    inner: Arc<Inner>,
    refresh: Option<Mutex<Sender<()>>>,
    /// Why the live store was not read, when it exists and could not be.
    pub(crate) note: Option<String>,
}

impl Drop for Records {
    /// Closes the live store at once: the refresh thread may still hold the
    /// shared state for a moment, and the store's file lock must not
    /// outlive the engine (the next process to open the folder needs it).
    fn drop(&mut self) {
        if let Ok(mut live) = self.inner.write.lock() {
            live.take();
        }
    }
}

impl Records {
    /// Loads the snapshot's records and lays the live records of `source`
    /// over them. Holding the store of `dir` ([`LiveAccess`]) keeps it open
    /// for writes (creating it) and starts the background refresh; peeking
    /// reads it if it exists and no one else has it open. A database's
    /// live records are shared with other servers, and a thread follows
    /// its changes. A store handed over is used as it is.
    pub(crate) fn load(
        snapshot: &Arc<Snapshot>,
        dir: &Path,
        source: LiveSource,
    ) -> Result<Records, EngineError> {
        let mut state = State {
            weights: record_fields(snapshot),
            code_fields: DEFAULT_CODE_FIELDS
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            ..State::default()
        };
        let generation = snapshot.generation_dir();
        let records_path = generation.join(files::RECORDS);
        if records_path.is_file() {
            let concepts_path = generation.join(files::RECORD_CONCEPTS);
            let file = std::fs::File::open(&concepts_path).map_err(|source| EngineError::Io {
                path: concepts_path.clone(),
                source,
            })?;
            let mut concept_lines = std::io::BufReader::new(file).lines();
            for record in
                RecordsReader::open(&records_path).map_err(EngineError::SnapshotRecords)?
            {
                let record = record.map_err(EngineError::SnapshotRecords)?;
                let line = concept_lines
                    .next()
                    .transpose()
                    .map_err(|source| EngineError::Io {
                        path: concepts_path.clone(),
                        source,
                    })?
                    .unwrap_or_default();
                let stored = DetectedConcepts::from_json(&line).map_err(|e| {
                    EngineError::Records(format!(
                        "{}: line {}: {e}",
                        concepts_path.display(),
                        state.entries.len() + 1
                    ))
                })?;
                let linked = by_index(snapshot, &state.weights, stored);
                state.push(record, linked, false);
            }
        }
        state.base = state.entries.len() as u32;

        let store_path = dir.join(files::LIVE_RECORDS);
        let mut note = None;
        let mut writable = true;
        let mut store: Option<LiveStore> = None;
        let mut database = None;
        let contents = match source {
            LiveSource::Database(db) => {
                let changes = db
                    .changes_since(0, None)
                    .map_err(EngineError::RecordsDatabase)?;
                state.applied = changes.last().map_or(0, |c| c.seq);
                database = Some(db);
                let mut contents = LiveContents::default();
                for change in changes {
                    match change.record {
                        Some(record) => contents.records.push(record),
                        None => contents.deleted.push((change.kind, change.id)),
                    }
                }
                contents
            }
            LiveSource::HandedOver(mut handed) => {
                let read = handed.read_all();
                store = Some(handed);
                read?
            }
            LiveSource::Folder(access) => {
                writable = access != LiveAccess::Peek;
                let opened = if writable {
                    match RecordStore::open(&store_path) {
                        Ok(store) => Some(store),
                        Err(e)
                            if access == LiveAccess::HoldIfWritable
                                && !e.is_store_in_use()
                                && e.is_permission_problem() =>
                        {
                            writable = false;
                            note = Some(format!(
                                "record writes are off: the live records store cannot be \
                                 written ({e})"
                            ));
                            peek(&store_path, &mut note)
                        }
                        Err(e) => return Err(EngineError::LiveStore(e)),
                    }
                } else {
                    peek(&store_path, &mut note)
                };
                match opened {
                    Some(opened) => {
                        let mut live = LiveStore::new(&store_path, opened);
                        let read = live.read_all()?;
                        store = Some(live);
                        read
                    }
                    None => LiveContents::default(),
                }
            }
        };
        for record in contents.records {
            let linked = link_record(snapshot, &record);
            state.upsert(record, linked);
        }
        for (kind, id) in contents.deleted {
            state.delete(&kind, &id);
        }
        state.relations = Relations::from_records(
            state
                .entries
                .iter()
                .filter(|e| !e.deleted)
                .map(|e| &e.record),
        );
        // Live records without concepts of their own inherit them now that
        // every record is in place.
        let orphans: Vec<u32> = state
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.live && !e.deleted && e.linked.concepts.is_empty())
            .map(|(i, _)| i as u32)
            .collect();
        for i in orphans {
            state.inherit(i);
        }
        // Records that inherit from a live record inherit again.
        let live_keys: Vec<(String, String)> = state
            .entries
            .iter()
            .filter(|e| e.live && !e.deleted)
            .map(|e| (e.record.kind.clone(), e.record.id.clone()))
            .collect();
        for (kind, id) in live_keys {
            let neighbours = state.neighbours(&kind, &id);
            state.reinherit(&neighbours);
        }
        let derived = Arc::new(derive(derive_input(&state))?);
        let health = match &database {
            Some(_) => shared::database_health(None),
            None => LiveStoreHealth {
                backend: "file",
                state: match (writable, store.is_some()) {
                    (true, _) => "ok",
                    (false, true) => "read_only",
                    (false, false) => "none",
                },
                error: None,
            },
        };
        let writer = match (&database, store) {
            (Some(_), _) => Some(LiveWriter::Database),
            (None, Some(store)) if writable => Some(LiveWriter::File(store)),
            _ => None,
        };
        let inner = Arc::new(Inner {
            health: Mutex::new(health),
            state: RwLock::new(state),
            derived: RwLock::new(derived),
            write: Mutex::new(writer),
            shared: database.map(|db| Shared::new(db, Arc::clone(snapshot))),
            retired: std::sync::atomic::AtomicBool::new(false),
        });
        let refresh = if writable {
            let (tx, rx) = channel();
            let weak = Arc::downgrade(&inner);
            std::thread::Builder::new()
                .name("kenning-records-refresh".into())
                .spawn(move || refresh_loop(&weak, &rx))
                .map_err(|e| EngineError::Records(format!("cannot start a thread: {e}")))?;
            if inner.shared.is_some() {
                let weak = Arc::downgrade(&inner);
                let tx = tx.clone();
                std::thread::Builder::new()
                    .name("kenning-records-follow".into())
                    .spawn(move || shared::follow_loop(&weak, &tx))
                    .map_err(|e| EngineError::Records(format!("cannot start a thread: {e}")))?;
            }
            Some(Mutex::new(tx))
        } else {
            None
        };
        Ok(Records {
            inner,
            refresh,
            note,
        })
    }

    /// The state of the live records store.
    pub(crate) fn health(&self) -> LiveStoreHealth {
        self.inner.health.lock().expect("records lock").clone()
    }

    /// Runs a write against the live store and notes the store's state.
    fn store_write<T>(
        &self,
        live: &mut LiveStore,
        op: impl FnOnce(&RecordStore) -> Result<T, kenning_records::RecordsError>,
    ) -> Result<T, EngineError> {
        let result = live.write(op);
        *self.inner.health.lock().expect("records lock") = live.health();
        result
    }

    /// Runs a write against the shared database, notes its state, and
    /// applies the other servers' changes the write read (so the answer
    /// shows everything committed before it).
    fn database_write(
        &self,
        write: Write<'_>,
        decide: impl FnOnce(Previous) -> bool,
    ) -> Result<(Previous, Option<i64>), EngineError> {
        let shared = self
            .inner
            .shared
            .as_ref()
            .expect("a database has its state");
        let after = self.inner.state.read().expect("records lock").applied;
        let written = match shared.db.write(after, write, decide) {
            Ok(written) => {
                shared::note_health(&self.inner, shared, None);
                written
            }
            Err(e) if e.is_unavailable() => {
                shared::note_health(&self.inner, shared, Some(&e));
                return Err(EngineError::RecordsUnavailable(e));
            }
            Err(e) => return Err(EngineError::RecordsDatabase(e)),
        };
        if !written.missed.is_empty() {
            let linked = link_changes(&shared.snapshot, written.missed);
            apply_changes(&mut self.inner.state.write().expect("records lock"), linked);
        }
        Ok((written.previous, written.seq))
    }

    /// The shared database's host, port and name.
    pub(crate) fn database_target(&self) -> Option<String> {
        let shared = self.inner.shared.as_ref()?;
        Some(shared.db.target().to_owned())
    }

    /// Whether the live records are a database shared with other servers.
    pub(crate) fn shared(&self) -> bool {
        self.inner.shared.is_some()
    }

    /// Applies the changes other servers made that this one has not (only
    /// with a shared database, and not while the database is known to be
    /// out of reach: then the records as last seen are answered).
    pub(crate) fn catch_up(&self) {
        if let Some(shared) = &self.inner.shared
            && shared.reachable()
        {
            match shared::catch_up(&self.inner, shared) {
                Ok(true) => self.changed(),
                Ok(false) => {}
                Err(e) => shared::note_health(&self.inner, shared, Some(&e)),
            }
        }
    }

    /// Whether writes are possible.
    pub(crate) fn writable(&self) -> bool {
        self.refresh.is_some()
    }

    /// Records that exist (not deleted).
    pub(crate) fn count(&self) -> usize {
        let state = self.inner.state.read().expect("records lock");
        state.entries.iter().filter(|e| !e.deleted).count()
    }

    /// Explicit links between records, and those to absent records.
    pub(crate) fn link_counts(&self) -> (usize, usize) {
        let state = self.inner.state.read().expect("records lock");
        (
            state.relations.link_count(),
            state.relations.missing_link_count(),
        )
    }

    fn derived(&self) -> Arc<Derived> {
        self.inner.derived.read().expect("records lock").clone()
    }

    /// The page of record `kind`/`id`.
    pub(crate) fn page(&self, snapshot: &Snapshot, kind: &str, id: &str) -> Option<RecordPage> {
        let derived = self.derived();
        let state = self.inner.state.read().expect("records lock");
        pages::page(&state, &derived, snapshot, kind, id)
    }

    /// The records about concept `idx`, per type (types in order of first
    /// import), each with a count and its strongest entries.
    pub(crate) fn of_concept(&self, idx: ConceptIdx) -> Vec<ConceptRecords> {
        let derived = self.derived();
        let Some(shared) = &derived.shared else {
            return Vec::new();
        };
        let state = self.inner.state.read().expect("records lock");
        pages::of_concept(&state, &derived, shared, idx)
    }

    /// A search hit on a record: its reference, unless the hit is stale
    /// (the record was replaced or deleted since the index was written).
    /// `from_snapshot`: the hit came from the snapshot's index.
    pub(crate) fn hit(
        &self,
        key: u64,
        from_snapshot: bool,
        derived: &Derived,
    ) -> Option<(RecordRef, Option<String>)> {
        let key = u32::try_from(key).ok()?;
        if from_snapshot && derived.stale.contains(&key) {
            return None;
        }
        let state = self.inner.state.read().expect("records lock");
        if from_snapshot && key >= state.base {
            return None;
        }
        let (reference, code, _) = state.hit(key)?;
        Some((reference, code))
    }

    /// The records one of whose identifiers (id, codes) is `query`, or,
    /// with `prefix`, starts with it (at most that many records), of one
    /// of `kinds` unless it is empty: their position, reference, code and
    /// the start of their text.
    pub(crate) fn identified(
        &self,
        derived: &Derived,
        query: &str,
        kinds: &[&str],
        prefix: Option<usize>,
    ) -> Vec<(u32, RecordRef, Option<String>, String)> {
        let at = match prefix {
            None => derived.identifiers.exact(query),
            Some(limit) => derived.identifiers.prefixed(query, limit),
        };
        if at.is_empty() {
            return Vec::new();
        }
        let state = self.inner.state.read().expect("records lock");
        at.into_iter()
            .filter_map(|i| {
                let (reference, code, text) = state.hit(i)?;
                (kinds.is_empty() || kinds.contains(&reference.kind.as_str()))
                    .then_some((i, reference, code, text))
            })
            .collect()
    }

    /// Per type, the records about any of `concepts` (a category's), the
    /// most about them first.
    pub(crate) fn about_concepts(&self, concepts: &[ConceptIdx]) -> Vec<ConceptRecords> {
        let derived = self.derived();
        let Some(shared) = &derived.shared else {
            return Vec::new();
        };
        let state = self.inner.state.read().expect("records lock");
        subjects::by_kind(&state, &derived, shared, concepts)
    }

    /// The records of type `kind` (any when `None`) about any of
    /// `concepts`, in the order of [`about_concepts`](Self::about_concepts):
    /// the page `offset..offset+limit`.
    pub(crate) fn about_concepts_page(
        &self,
        concepts: &[ConceptIdx],
        kind: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> ListPage<RecordRef> {
        let derived = self.derived();
        let Some(shared) = &derived.shared else {
            return ListPage::new(0, Vec::new());
        };
        let state = self.inner.state.read().expect("records lock");
        subjects::records_about(&state, &derived, shared, concepts, kind, offset, limit)
    }

    /// The records of type `kind` (any when `None`) about concept `idx`,
    /// strongest first, then by position: the page `offset..offset+limit`.
    pub(crate) fn concept_records(
        &self,
        idx: ConceptIdx,
        kind: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> ListPage<RecordRef> {
        let derived = self.derived();
        let Some(shared) = &derived.shared else {
            return ListPage::new(0, Vec::new());
        };
        let state = self.inner.state.read().expect("records lock");
        pages::concept_records(&state, &derived, shared, idx, kind, offset, limit)
    }

    /// The records of type `of_kind` related to record `kind`/`id`, best
    /// first: the page `offset..offset+limit`; `None` when there is no
    /// such record.
    pub(crate) fn related(
        &self,
        kind: &str,
        id: &str,
        of_kind: &str,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<RecordRef>> {
        let derived = self.derived();
        let state = self.inner.state.read().expect("records lock");
        pages::related(&state, &derived, kind, id, of_kind, offset, limit)
    }

    /// Makes `fields` the fields that hold a record's code (searched as
    /// identifiers, shown beside titles) and rebuilds what is derived from
    /// them. Meant to be called once, before serving.
    pub(crate) fn set_code_fields(&self, fields: Vec<String>) -> Result<(), EngineError> {
        let input = {
            let mut state = self.inner.state.write().expect("records lock");
            if state.code_fields == fields {
                return Ok(());
            }
            state.code_fields = fields;
            state.version += 1;
            derive_input(&state)
        };
        let derived = derive(input)?;
        *self.inner.derived.write().expect("records lock") = Arc::new(derived);
        Ok(())
    }

    /// The concepts of record `kind`/`id`, as on its page.
    pub(crate) fn concepts(
        &self,
        snapshot: &Snapshot,
        kind: &str,
        id: &str,
    ) -> Option<Vec<RecordConceptScore>> {
        let state = self.inner.state.read().expect("records lock");
        pages::concepts(&state, snapshot, kind, id)
    }

    /// Up to `n` records with a code, with it, in position order.
    pub(crate) fn coded(&self, n: usize) -> Vec<(RecordRef, String)> {
        let state = self.inner.state.read().expect("records lock");
        (0..state.entries.len() as u32)
            .filter_map(|i| {
                let e = &state.entries[i as usize];
                let code = e.record.code(&state.code_fields)?.to_owned();
                Some((state.reference(i, 0.0)?, code))
            })
            .take(n)
            .collect()
    }

    /// The record types, in order of first import, with their records
    /// (types whose records were all deleted left out).
    pub(crate) fn kind_counts(&self) -> Vec<(String, usize)> {
        let derived = self.derived();
        derived
            .kind_names
            .iter()
            .zip(&derived.kind_counts)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.clone(), *n))
            .collect()
    }

    /// The in-memory index of live records, and what is stale in the
    /// snapshot's index.
    pub(crate) fn search_view(&self) -> Arc<Derived> {
        self.derived()
    }

    /// Stores `record` (durable when this returns), then shows it: the
    /// page answered is the record as written, built before any other
    /// write can change it.
    pub(crate) fn put(
        &self,
        snapshot: &Snapshot,
        record: Record,
    ) -> Result<(RecordWrite, RecordPage), EngineError> {
        record
            .check("request body")
            .map_err(|e| EngineError::InvalidRecord(e.to_string()))?;
        let linked = link_record(snapshot, &record);
        let (kind, id) = (record.kind.clone(), record.id.clone());
        let mut guard = self.inner.write.lock().expect("records lock");
        let outcome = match guard.as_mut() {
            None => return Err(self.no_writer()),
            Some(LiveWriter::File(live)) => {
                self.store_write(live, |store| store.put(&record))?;
                let mut state = self.inner.state.write().expect("records lock");
                let existed = state
                    .by_key
                    .get(&(record.kind.clone(), record.id.clone()))
                    .is_some_and(|&i| !state.entries[i as usize].deleted);
                apply_put(&mut state, record, linked);
                state.version += 1;
                existed
            }
            Some(LiveWriter::Database) => {
                let (previous, seq) = self.database_write(Write::Put(&record), |_| true)?;
                let existed = self.existed(previous, &kind, &id);
                let seq = seq.ok_or_else(|| {
                    EngineError::Records(format!("record {kind}/{id} was not written"))
                })?;
                let change = LinkedChange::put(seq, record, linked);
                apply_changes(
                    &mut self.inner.state.write().expect("records lock"),
                    vec![change],
                );
                existed
            }
        };
        let outcome = if outcome {
            RecordWrite::Replaced
        } else {
            RecordWrite::Created
        };
        // Still under the write lock: no other write can come between.
        let page = self.page(snapshot, &kind, &id).ok_or_else(|| {
            EngineError::Records(format!(
                "record {kind}/{id} was written but is not in memory"
            ))
        })?;
        drop(guard);
        self.changed();
        Ok((outcome, page))
    }

    /// Deletes record `kind`/`id` (durable when this returns). Whether it
    /// existed.
    pub(crate) fn delete(&self, kind: &str, id: &str) -> Result<bool, EngineError> {
        let mut guard = self.inner.write.lock().expect("records lock");
        match guard.as_mut() {
            None => return Err(self.no_writer()),
            Some(LiveWriter::File(live)) => {
                let exists = {
                    let state = self.inner.state.read().expect("records lock");
                    state
                        .by_key
                        .get(&(kind.to_owned(), id.to_owned()))
                        .is_some_and(|&i| !state.entries[i as usize].deleted)
                };
                if !exists {
                    return Ok(false);
                }
                self.store_write(live, |store| store.delete(kind, id))?;
                let mut state = self.inner.state.write().expect("records lock");
                apply_delete(&mut state, kind, id);
                state.version += 1;
            }
            Some(LiveWriter::Database) => {
                let (_, seq) = self.database_write(Write::Delete { kind, id }, |previous| {
                    self.existed(previous, kind, id)
                })?;
                let Some(seq) = seq else {
                    return Ok(false);
                };
                let change = LinkedChange::delete(seq, kind, id);
                apply_changes(
                    &mut self.inner.state.write().expect("records lock"),
                    vec![change],
                );
            }
        }
        drop(guard);
        self.changed();
        Ok(true)
    }

    /// Why a write finds no writer: this engine was replaced by one of a
    /// newer generation (which took its store), or it never wrote.
    fn no_writer(&self) -> EngineError {
        if self
            .inner
            .retired
            .load(std::sync::atomic::Ordering::Acquire)
        {
            EngineError::Retired
        } else {
            EngineError::ReadOnly
        }
    }

    /// The live records of this engine laid over `snapshot` (a newer
    /// generation of the same folder `dir`), for the engine that replaces
    /// this one. A database is shared: both engines write to it until
    /// this one is dropped. A store of `DIR/live-records.redb` is handed
    /// over: from then on, this engine's writes fail with
    /// [`EngineError::Retired`] (a server retries them on the new engine);
    /// a write in progress finishes first, so the new engine reads it. When
    /// loading fails, this engine keeps its store (opened again at its
    /// next write) and writes.
    pub(crate) fn hand_over(
        &self,
        snapshot: &Arc<Snapshot>,
        dir: &Path,
    ) -> Result<Records, EngineError> {
        if let Some(shared) = &self.inner.shared {
            return Records::load(snapshot, dir, LiveSource::Database(Arc::clone(&shared.db)));
        }
        let mut guard = self.inner.write.lock().expect("records lock");
        let Some(LiveWriter::File(live)) = guard.take() else {
            // This engine does not write: the new one reads the store as
            // this one did.
            return Records::load(snapshot, dir, LiveSource::Folder(LiveAccess::Peek));
        };
        let path = live.path().to_owned();
        self.inner
            .retired
            .store(true, std::sync::atomic::Ordering::Release);
        match Records::load(snapshot, dir, LiveSource::HandedOver(live)) {
            Ok(records) => Ok(records),
            Err(e) => {
                *guard = Some(LiveWriter::File(LiveStore::closed(&path)));
                self.inner
                    .retired
                    .store(false, std::sync::atomic::Ordering::Release);
                Err(e)
            }
        }
    }

    /// Whether record `kind`/`id` existed before a write that found
    /// `previous` in the database: a row says so; without one, the
    /// snapshot's copy (deleted live or not, which would have left a row).
    fn existed(&self, previous: Previous, kind: &str, id: &str) -> bool {
        match previous {
            Previous::Stored => true,
            Previous::Deleted => false,
            Previous::Absent => {
                let state = self.inner.state.read().expect("records lock");
                state
                    .by_key
                    .get(&(kind.to_owned(), id.to_owned()))
                    .is_some_and(|&i| i < state.base)
            }
        }
    }

    fn changed(&self) {
        if let Some(tx) = &self.refresh {
            // The refresh thread ends only with `self`; a failed send means
            // it died, and the next load rebuilds everything anyway.
            let _ = tx.lock().expect("records lock").send(());
        }
    }

    /// Waits until what is derived reflects every write so far (tests).
    pub(crate) fn settle(&self) -> Result<(), EngineError> {
        let version = self.inner.state.read().expect("records lock").version;
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.derived().version < version {
            if Instant::now() > deadline {
                return Err(EngineError::Records("the records refresh is stuck".into()));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }
}

/// Reads the live store at `path` if it exists and no other process has
/// it open; otherwise says why in `note` and shows none.
fn peek(path: &Path, note: &mut Option<String>) -> Option<RecordStore> {
    if !path.is_file() {
        return None;
    }
    match RecordStore::open_to_read(path) {
        Ok(store) => Some(store),
        Err(e) if e.is_store_in_use() => {
            *note = Some(format!(
                "records written through the API are not shown: {} is held by a running \
                 `kenning serve` (ask that server, e.g. GET /api/v1/records/{{type}}/{{id}})",
                path.display()
            ));
            None
        }
        Err(e) => {
            *note = Some(format!(
                "records written through the API are not shown: {e}"
            ));
            None
        }
    }
}
