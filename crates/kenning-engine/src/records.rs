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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use kenning_linker::{Linker, LinkerOptions, MentionDictionary};
use kenning_records::{
    DetectedConcepts, Direction, Fields, Link, Record, RecordConcept, RecordStore, RecordsReader,
    Relations, SharedConcepts, inherit_concepts, record_path, relation_label,
};
use kenning_search::{Document, SearchIndex};
use kenning_store::{ConceptIdx, Snapshot, files};
use serde::Serialize;

use crate::EngineError;
use crate::engine::LinkedConcept;
use crate::live_store::{LiveStore, LiveStoreHealth};
use crate::wikify::SnapshotGraph;

/// Entries in each list of a page (related records per type, a concept's
/// records per type).
pub(crate) const TOP_RECORDS: usize = 10;

/// How many of a concept's records (its strongest) take part in one
/// related-records question: bounds the cost of a record page when a
/// concept is shared by thousands of records (measured with
/// `bench/records.sh`: 1000 made pages of ETH publications cost 0.4 ms).
const PAGE_FAN_OUT: usize = 200;

/// How long the background refresh waits for more writes before it
/// rebuilds what is derived from all records.
const REFRESH_DEBOUNCE: Duration = Duration::from_millis(50);

/// A record in a list: its type, id, title, page and score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordRef {
    /// `course`, `person`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id within its type.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page on this site.
    pub url: String,
    /// Relatedness, or how strongly it is about a concept, in `[0, 1]`.
    pub score: f32,
}

/// A concept a record is about.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordConceptScore {
    /// The concept's id.
    pub id: u32,
    /// Its title.
    pub title: String,
    /// How strongly the record is about it, in `[0, 1]`.
    pub score: f32,
}

/// A concept mention detected in a record's text.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordAnnotation {
    /// Start in Unicode code points.
    pub start: usize,
    /// End in code points (exclusive).
    pub end: usize,
    /// Start in UTF-8 bytes.
    pub byte_start: usize,
    /// End in bytes (exclusive).
    pub byte_end: usize,
    /// The concept.
    pub concept: LinkedConcept,
    /// The linker's score.
    pub score: f32,
}

/// An explicit relation of a record, seen from the record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordRelation {
    /// The relation as the data names it (`taught_by`), whichever end holds it.
    pub rel: String,
    /// As read from this record: `taught by`, or `teaches` for the inverse.
    pub label: String,
    /// `outgoing` when this record holds the link, `incoming` otherwise.
    pub direction: &'static str,
    /// The other record's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The other record's id.
    pub id: String,
    /// The other record's title, when it exists.
    pub title: Option<String>,
    /// The other record's page.
    pub url: String,
    /// Whether the other record exists (links to absent records are kept).
    pub exists: bool,
}

/// A record as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RecordPage {
    /// `course`, `person`, `publication`, `unit`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The id within its type.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text (concepts were detected in it).
    pub text: String,
    /// The record's own URL, when it has one.
    pub url: Option<String>,
    /// The text's language, when known.
    pub lang: Option<String>,
    /// The other fields, as imported.
    pub fields: Fields,
    /// The links this record holds, as imported.
    pub links: Vec<Link>,
    /// This record's page on this site.
    pub page_url: String,
    /// Concept mentions in `text`, in order.
    pub annotations: Vec<RecordAnnotation>,
    /// The concepts the record is about, best first.
    pub concepts: Vec<RecordConceptScore>,
    /// The concepts come from the records it is linked with (it has no
    /// text of its own that names any).
    pub concepts_inherited: bool,
    /// Explicit relations, both directions.
    pub relations: Vec<RecordRelation>,
    /// The most related records of each type (shared concepts).
    pub related: BTreeMap<String, Vec<RecordRef>>,
    /// Written through the API since the last build.
    pub live: bool,
    /// Which fields were generated automatically.
    pub generated_fields: Vec<&'static str>,
}

/// The records of one type that are about a concept.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConceptRecords {
    /// The type.
    #[serde(rename = "type")]
    pub kind: String,
    /// How many records of this type are about the concept.
    pub count: usize,
    /// The strongest of them.
    pub items: Vec<RecordRef>,
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordWrite {
    /// A new record.
    Created,
    /// It replaced the record with the same type and id.
    Replaced,
}

/// Concepts of a record, by concept index.
#[derive(Clone, Debug, Default)]
struct Linked {
    concepts: Vec<(ConceptIdx, f32)>,
    /// `(byte_start, byte_end, concept, score)`.
    annotations: Vec<(u32, u32, ConceptIdx, f32)>,
    inherited: bool,
}

#[derive(Debug)]
struct Entry {
    record: Record,
    linked: Linked,
    /// From the live store.
    live: bool,
    deleted: bool,
}

#[derive(Debug, Default)]
struct State {
    entries: Vec<Entry>,
    by_key: HashMap<(String, String), u32>,
    relations: Relations,
    /// Entries `0..base` came from `records.jsonl` (search keys of the
    /// snapshot's index).
    base: u32,
    version: u64,
}

/// What is derived from all records at one version of the state.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    version: u64,
    shared: Option<SharedConcepts>,
    /// Kind number per entry, and the kinds' names.
    kinds: Vec<u32>,
    kind_names: Vec<String>,
    /// Live records (not deleted), keyed by entry position.
    live_index: Option<SearchIndex>,
    /// Snapshot entries replaced or deleted since the build: their hits in
    /// the snapshot's index are stale.
    stale: HashSet<u32>,
}

#[derive(Debug)]
struct Inner {
    state: RwLock<State>,
    derived: RwLock<Arc<Derived>>,
    /// Serialises writes: store order = state order. `None` when this
    /// engine does not write.
    write: Mutex<Option<LiveStore>>,
    /// The live store's state after the last write, readable without
    /// waiting for a write in progress.
    health: Mutex<LiveStoreHealth>,
}

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

fn store_error(e: kenning_records::RecordsError) -> EngineError {
    EngineError::Records(e.to_string())
}

impl Records {
    /// Loads the snapshot's records and lays the live store of `dir` over
    /// them. Holding the store ([`LiveAccess`]) keeps it open for writes
    /// (creating it) and starts the background refresh; peeking reads it
    /// if it exists and no one else has it open.
    pub(crate) fn load(
        snapshot: &Snapshot,
        dir: &Path,
        access: LiveAccess,
    ) -> Result<Records, EngineError> {
        let mut state = State::default();
        let generation = snapshot.generation_dir();
        let records_path = generation.join(files::RECORDS);
        if records_path.is_file() {
            let concepts_path = generation.join(files::RECORD_CONCEPTS);
            let file = std::fs::File::open(&concepts_path)
                .map_err(|e| EngineError::Records(format!("{}: {e}", concepts_path.display())))?;
            let mut concept_lines = std::io::BufReader::new(file).lines();
            for record in RecordsReader::open(&records_path).map_err(store_error)? {
                let record = record.map_err(store_error)?;
                let line = concept_lines
                    .next()
                    .transpose()
                    .map_err(|e| EngineError::Records(format!("{}: {e}", concepts_path.display())))?
                    .unwrap_or_default();
                let stored = DetectedConcepts::from_json(&line).map_err(|e| {
                    EngineError::Records(format!(
                        "{}: line {}: {e}",
                        concepts_path.display(),
                        state.entries.len() + 1
                    ))
                })?;
                let linked = by_index(snapshot, stored);
                state.push(record, linked, false);
            }
        }
        state.base = state.entries.len() as u32;

        let store_path = dir.join(files::LIVE_RECORDS);
        let mut note = None;
        let mut writable = access != LiveAccess::Peek;
        let store = if writable {
            match RecordStore::open(&store_path) {
                Ok(store) => Some(store),
                Err(e)
                    if access == LiveAccess::HoldIfWritable
                        && !e.is_store_in_use()
                        && e.is_permission_problem() =>
                {
                    writable = false;
                    note = Some(format!(
                        "record writes are off: the live records store cannot be written ({e})"
                    ));
                    peek(&store_path, &mut note)
                }
                Err(e) => return Err(EngineError::LiveStore(e)),
            }
        } else {
            peek(&store_path, &mut note)
        };
        if let Some(store) = &store {
            let live: Vec<Record> = store
                .iter()
                .map_err(store_error)?
                .collect::<Result<_, _>>()
                .map_err(store_error)?;
            for record in live {
                let linked = link_text(snapshot, &record.text);
                state.upsert(record, linked);
            }
            for (kind, id) in store.deleted().map_err(store_error)? {
                state.delete(&kind, &id);
            }
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
        let health = LiveStoreHealth {
            state: match (writable, store.is_some()) {
                (true, _) => "ok",
                (false, true) => "read_only",
                (false, false) => "none",
            },
            error: None,
        };
        let inner = Arc::new(Inner {
            health: Mutex::new(health),
            state: RwLock::new(state),
            derived: RwLock::new(derived),
            write: Mutex::new(match store {
                Some(store) if writable => Some(LiveStore::new(&store_path, store)),
                _ => None,
            }),
        });
        let refresh = if writable {
            let (tx, rx) = channel();
            let weak = Arc::downgrade(&inner);
            std::thread::Builder::new()
                .name("kenning-records-refresh".into())
                .spawn(move || refresh_loop(&weak, &rx))
                .map_err(|e| EngineError::Records(format!("cannot start a thread: {e}")))?;
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
        let &at = state.by_key.get(&(kind.to_owned(), id.to_owned()))?;
        let entry = &state.entries[at as usize];
        if entry.deleted {
            return None;
        }
        let r = &entry.record;
        let concept = |idx: ConceptIdx| {
            let c = snapshot.concept(idx);
            LinkedConcept {
                id: c.id(),
                title: c.title().to_owned(),
            }
        };
        let mut chars = CharCounter::new(&r.text);
        let annotations = entry
            .linked
            .annotations
            .iter()
            .filter(|a| {
                let (s, e) = (a.0 as usize, a.1 as usize);
                s < e
                    && e <= r.text.len()
                    && r.text.is_char_boundary(s)
                    && r.text.is_char_boundary(e)
            })
            .map(|&(s, e, c, score)| RecordAnnotation {
                start: chars.at(s as usize),
                end: chars.at(e as usize),
                byte_start: s as usize,
                byte_end: e as usize,
                concept: concept(c),
                score,
            })
            .collect();
        let relation = |rel: kenning_records::Relation<'_>| {
            let other = state
                .by_key
                .get(&(rel.kind.to_owned(), rel.id.to_owned()))
                .map(|&i| &state.entries[i as usize])
                .filter(|e| !e.deleted);
            RecordRelation {
                rel: rel.rel.to_owned(),
                label: relation_label(rel.rel, rel.direction),
                direction: match rel.direction {
                    Direction::Outgoing => "outgoing",
                    Direction::Incoming => "incoming",
                },
                kind: rel.kind.to_owned(),
                id: rel.id.to_owned(),
                title: other.map(|e| e.record.title.clone()),
                url: record_path(rel.kind, rel.id),
                exists: other.is_some(),
            }
        };
        let relations = state
            .relations
            .outgoing(kind, id)
            .chain(state.relations.incoming(kind, id))
            .map(relation)
            .collect();
        let mut related = BTreeMap::new();
        if let Some(shared) = &derived.shared
            && (at as usize) < derived.kinds.len()
        {
            for group in shared.related(at, &derived.kinds, TOP_RECORDS) {
                let items: Vec<RecordRef> = group
                    .records
                    .iter()
                    .filter_map(|s| state.reference(s.record, s.score))
                    .collect();
                if !items.is_empty() {
                    related.insert(derived.kind_names[group.kind as usize].clone(), items);
                }
            }
        }
        Some(RecordPage {
            kind: r.kind.clone(),
            id: r.id.clone(),
            title: r.title.clone(),
            text: r.text.clone(),
            url: r.url.clone(),
            lang: r.lang.clone(),
            fields: r.fields.clone(),
            links: r.links.clone(),
            page_url: r.path(),
            annotations,
            concepts: entry
                .linked
                .concepts
                .iter()
                .map(|&(c, score)| {
                    let LinkedConcept { id, title } = concept(c);
                    RecordConceptScore { id, title, score }
                })
                .collect(),
            concepts_inherited: entry.linked.inherited,
            relations,
            related,
            live: entry.live,
            generated_fields: vec!["annotations", "concepts", "related"],
        })
    }

    /// The records about concept `idx`, per type (types in order of first
    /// import), each with a count and its strongest entries.
    pub(crate) fn of_concept(&self, idx: ConceptIdx) -> Vec<ConceptRecords> {
        let derived = self.derived();
        let Some(shared) = &derived.shared else {
            return Vec::new();
        };
        let state = self.inner.state.read().expect("records lock");
        let mut groups: Vec<ConceptRecords> = derived
            .kind_names
            .iter()
            .map(|k| ConceptRecords {
                kind: k.clone(),
                count: 0,
                items: Vec::new(),
            })
            .collect();
        for s in shared.records_of(idx) {
            let Some(&kind) = derived.kinds.get(s.record as usize) else {
                continue;
            };
            let group = &mut groups[kind as usize];
            if group.items.len() < TOP_RECORDS
                && let Some(r) = state.reference(s.record, s.score)
            {
                group.items.push(r);
            }
            group.count += 1;
        }
        groups.retain(|g| g.count > 0);
        groups
    }

    /// A search hit on a record: its reference, unless the hit is stale
    /// (the record was replaced or deleted since the index was written).
    /// `from_snapshot`: the hit came from the snapshot's index.
    pub(crate) fn hit(
        &self,
        key: u64,
        from_snapshot: bool,
        derived: &Derived,
    ) -> Option<RecordRef> {
        let key = u32::try_from(key).ok()?;
        if from_snapshot && derived.stale.contains(&key) {
            return None;
        }
        let state = self.inner.state.read().expect("records lock");
        if from_snapshot && key >= state.base {
            return None;
        }
        state.reference(key, 0.0)
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
        let linked = link_text(snapshot, &record.text);
        let (kind, id) = (record.kind.clone(), record.id.clone());
        let mut guard = self.inner.write.lock().expect("records lock");
        let Some(live) = guard.as_mut() else {
            return Err(EngineError::ReadOnly);
        };
        self.store_write(live, |store| store.put(&record))?;
        let outcome = {
            let mut state = self.inner.state.write().expect("records lock");
            let existed = state
                .by_key
                .get(&(record.kind.clone(), record.id.clone()))
                .is_some_and(|&i| !state.entries[i as usize].deleted);
            state.relations.insert(&record);
            let at = state.upsert(record, linked);
            if state.entries[at as usize].linked.concepts.is_empty() {
                state.inherit(at);
            }
            let neighbours = state.neighbours(&kind, &id);
            state.reinherit(&neighbours);
            state.version += 1;
            if existed {
                RecordWrite::Replaced
            } else {
                RecordWrite::Created
            }
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
        let Some(live) = guard.as_mut() else {
            return Err(EngineError::ReadOnly);
        };
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
        {
            let mut state = self.inner.state.write().expect("records lock");
            let neighbours = state.neighbours(kind, id);
            state.delete(kind, id);
            state.relations.remove(kind, id);
            state.reinherit(&neighbours);
            state.version += 1;
        }
        drop(guard);
        self.changed();
        Ok(true)
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

impl State {
    /// Appends a record or replaces the one with its type and id (which
    /// keeps its position). Its position.
    fn upsert(&mut self, record: Record, linked: Linked) -> u32 {
        let key = (record.kind.clone(), record.id.clone());
        match self.by_key.get(&key) {
            Some(&i) => {
                self.entries[i as usize] = Entry {
                    record,
                    linked,
                    live: true,
                    deleted: false,
                };
                i
            }
            None => self.push(record, linked, true),
        }
    }

    fn push(&mut self, record: Record, linked: Linked, live: bool) -> u32 {
        let at = self.entries.len() as u32;
        self.by_key
            .insert((record.kind.clone(), record.id.clone()), at);
        self.entries.push(Entry {
            record,
            linked,
            live,
            deleted: false,
        });
        at
    }

    fn delete(&mut self, kind: &str, id: &str) {
        if let Some(&i) = self.by_key.get(&(kind.to_owned(), id.to_owned())) {
            let e = &mut self.entries[i as usize];
            e.deleted = true;
            e.live = true;
        }
    }

    /// Positions of the records linked with `kind`/`id`, either way.
    fn neighbours(&self, kind: &str, id: &str) -> Vec<u32> {
        self.relations
            .outgoing(kind, id)
            .chain(self.relations.incoming(kind, id))
            .filter_map(|rel| {
                self.by_key
                    .get(&(rel.kind.to_owned(), rel.id.to_owned()))
                    .copied()
            })
            .collect()
    }

    /// Recomputes the inherited concepts of those of `entries` that have
    /// no concepts of their own (a write changed what they inherit from).
    fn reinherit(&mut self, entries: &[u32]) {
        for &j in entries {
            let e = &self.entries[j as usize];
            if !e.deleted && (e.linked.inherited || e.linked.concepts.is_empty()) {
                self.inherit(j);
            }
        }
    }

    /// Gives entry `at` the concepts of the records it is linked with.
    fn inherit(&mut self, at: u32) {
        let r = &self.entries[at as usize].record;
        let neighbours: Vec<Vec<(u32, f32)>> = self
            .relations
            .outgoing(&r.kind, &r.id)
            .chain(self.relations.incoming(&r.kind, &r.id))
            .filter_map(|rel| self.by_key.get(&(rel.kind.to_owned(), rel.id.to_owned())))
            .map(|&j| &self.entries[j as usize])
            .filter(|e| !e.deleted && !e.linked.inherited)
            .map(|e| e.linked.concepts.clone())
            .collect();
        let concepts = inherit_concepts(neighbours.iter().map(Vec::as_slice));
        let linked = &mut self.entries[at as usize].linked;
        linked.inherited = !concepts.is_empty();
        linked.concepts = concepts;
    }

    fn reference(&self, at: u32, score: f32) -> Option<RecordRef> {
        let e = self.entries.get(at as usize).filter(|e| !e.deleted)?;
        Some(RecordRef {
            kind: e.record.kind.clone(),
            id: e.record.id.clone(),
            title: e.record.title.clone(),
            url: e.record.path(),
            score,
        })
    }
}

/// What [`derive`] needs, copied out of the state so that the slow part
/// (the in-memory index, the inverted index) runs without holding the
/// state's lock: writes wait only for the copy.
struct DeriveInput {
    version: u64,
    kinds: Vec<u32>,
    kind_names: Vec<String>,
    edges: Vec<RecordConcept>,
    stale: HashSet<u32>,
    /// Live records not deleted: (position, type, title, text).
    live: Vec<(u32, String, String, String)>,
    any: bool,
}

fn derive_input(state: &State) -> DeriveInput {
    let mut kind_names: Vec<String> = Vec::new();
    let mut kind_of: HashMap<&str, u32> = HashMap::new();
    let mut kinds = Vec::with_capacity(state.entries.len());
    let mut edges: Vec<RecordConcept> = Vec::new();
    let mut stale = HashSet::new();
    let mut live = Vec::new();
    for (i, e) in state.entries.iter().enumerate() {
        let next = kind_names.len() as u32;
        let kind = *kind_of.entry(e.record.kind.as_str()).or_insert(next);
        if kind == next {
            kind_names.push(e.record.kind.clone());
        }
        kinds.push(kind);
        if (i as u32) < state.base && e.live {
            stale.insert(i as u32);
        }
        if !e.deleted {
            edges.extend(
                e.linked
                    .concepts
                    .iter()
                    .map(|&(concept, score)| RecordConcept {
                        record: i as u32,
                        concept,
                        score,
                    }),
            );
            if e.live {
                let r = &e.record;
                live.push((i as u32, r.kind.clone(), r.title.clone(), r.text.clone()));
            }
        }
    }
    DeriveInput {
        version: state.version,
        kinds,
        kind_names,
        edges,
        stale,
        live,
        any: !state.entries.is_empty(),
    }
}

/// Rebuilds what is derived from all records.
fn derive(input: DeriveInput) -> Result<Derived, EngineError> {
    let live_index = if input.live.is_empty() {
        None
    } else {
        Some(
            SearchIndex::in_memory(input.live.iter().map(|(i, kind, title, text)| {
                Document::from_text(u64::from(*i), kind, title, text)
            }))
            .map_err(|e| EngineError::Search(e.to_string()))?,
        )
    };
    Ok(Derived {
        version: input.version,
        shared: input
            .any
            .then(|| SharedConcepts::new(&input.edges, PAGE_FAN_OUT)),
        kinds: input.kinds,
        kind_names: input.kind_names,
        live_index,
        stale: input.stale,
    })
}

impl Derived {
    pub(crate) fn live_index(&self) -> Option<&SearchIndex> {
        self.live_index.as_ref()
    }

    /// Whether some hits of the snapshot's index are stale.
    pub(crate) fn has_stale(&self) -> bool {
        !self.stale.is_empty()
    }
}

fn refresh_loop(inner: &std::sync::Weak<Inner>, rx: &Receiver<()>) {
    while rx.recv().is_ok() {
        // Let a burst of writes finish: one rebuild for all of them.
        std::thread::sleep(REFRESH_DEBOUNCE);
        while rx.try_recv().is_ok() {}
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let input = derive_input(&inner.state.read().expect("records lock"));
        let derived = derive(input);
        // A failed rebuild (the in-memory index) keeps the previous view;
        // the next write tries again.
        if let Ok(derived) = derived {
            *inner.derived.write().expect("records lock") = Arc::new(derived);
        }
    }
}

/// Detects the concepts of a text with the snapshot's dictionary.
fn link_text(snapshot: &Snapshot, text: &str) -> Linked {
    let Ok(dictionary) = MentionDictionary::from_bytes(snapshot.mention_bytes()) else {
        return Linked::default();
    };
    let text = &text[..text.floor_char_boundary(crate::MAX_WIKIFY_BYTES)];
    let graph = SnapshotGraph(snapshot);
    let found = Linker::new(dictionary, &graph, LinkerOptions::default()).link(text);
    Linked {
        concepts: found
            .concepts
            .iter()
            .map(|c| (c.concept, c.score))
            .collect(),
        annotations: found
            .annotations
            .iter()
            .map(|a| (a.byte_start as u32, a.byte_end as u32, a.concept, a.score))
            .collect(),
        inherited: false,
    }
}

/// Concept ids as stored → concept indices (ids the snapshot lacks dropped).
fn by_index(snapshot: &Snapshot, stored: DetectedConcepts) -> Linked {
    Linked {
        concepts: stored
            .concepts
            .into_iter()
            .filter_map(|(id, s)| Some((snapshot.find_id(id)?, s)))
            .collect(),
        annotations: stored
            .annotations
            .into_iter()
            .filter_map(|(a, b, id, s)| Some((a, b, snapshot.find_id(id)?, s)))
            .collect(),
        inherited: stored.inherited,
    }
}

/// Byte offsets → code-point offsets, for increasing offsets.
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        CharCounter {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// Reads the live store at `path` if it exists and no other process has
/// it open; otherwise says why in `note` and shows none.
fn peek(path: &Path, note: &mut Option<String>) -> Option<RecordStore> {
    if !path.is_file() {
        return None;
    }
    let opened = RecordStore::open_read_only(path).or_else(|e| {
        if e.is_store_in_use() {
            Err(e)
        } else {
            // A store left by a crash needs recovery, which opening it
            // read-only refuses: recover it, where the folder allows.
            RecordStore::open(path).map_err(|_| e)
        }
    });
    match opened {
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
