//! What is derived from all records at one version of the state: the
//! related-records index (shared concepts), each entry's kind, the small
//! in-memory search index of live records, the records by identifier, and
//! which hits of the snapshot's index are stale. Computed from a copy of the state, so the
//! slow part holds no lock; when it runs is the refresh thread's business
//! (`refresh`).

use std::collections::{HashMap, HashSet};

use kenning_records::{IdentifierTable, RecordConcept, SharedConcepts};
use kenning_search::{Document, SearchIndex};

use super::state::State;
use crate::EngineError;

/// How many of a concept's records (its strongest) take part in one
/// related-records question: bounds the cost of a record page when a
/// concept is shared by thousands of records (measured with
/// `bench/records.sh`: 1000 made pages of ETH publications cost 0.4 ms).
const PAGE_FAN_OUT: usize = 200;

/// What is derived from all records at one version of the state.
#[derive(Debug, Default)]
pub(crate) struct Derived {
    pub(super) version: u64,
    pub(super) shared: Option<SharedConcepts>,
    /// Kind number per entry, and the kinds' names.
    pub(super) kinds: Vec<u32>,
    pub(super) kind_names: Vec<String>,
    /// Records not deleted, per kind (parallel to `kind_names`).
    pub(super) kind_counts: Vec<usize>,
    /// Live records (not deleted), keyed by entry position.
    live_index: Option<SearchIndex>,
    /// Snapshot entries replaced or deleted since the build: their hits in
    /// the snapshot's index are stale.
    pub(super) stale: HashSet<u32>,
    /// Records not deleted, by id and codes.
    pub(super) identifiers: IdentifierTable,
}

impl Derived {
    /// The kind number that `kind` names (`Some(None)`: any kind, when
    /// `kind` is `None`); `None` when there is no such kind.
    pub(super) fn kind_filter(&self, kind: Option<&str>) -> Option<Option<u32>> {
        match kind {
            None => Some(None),
            Some(k) => self
                .kind_names
                .iter()
                .position(|n| n == k)
                .map(|i| Some(i as u32)),
        }
    }
}

/// What [`derive`] needs, copied out of the state so that the slow part
/// (the in-memory index, the inverted index) runs without holding the
/// state's lock: writes wait only for the copy.
pub(super) struct DeriveInput {
    version: u64,
    kinds: Vec<u32>,
    kind_names: Vec<String>,
    kind_counts: Vec<usize>,
    edges: Vec<RecordConcept>,
    stale: HashSet<u32>,
    /// Live records not deleted: (position, type, title, text).
    live: Vec<(u32, String, String, String)>,
    identifiers: IdentifierTable,
    any: bool,
}

pub(super) fn derive_input(state: &State) -> DeriveInput {
    let mut kind_names: Vec<String> = Vec::new();
    let mut kind_of: HashMap<&str, u32> = HashMap::new();
    let mut kinds = Vec::with_capacity(state.entries.len());
    let mut kind_counts: Vec<usize> = Vec::new();
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
        if kind == next {
            kind_counts.push(0);
        }
        if !e.deleted {
            kind_counts[kind as usize] += 1;
        }
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
                        concept: concept.get(),
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
        kind_counts,
        edges,
        stale,
        live,
        identifiers: IdentifierTable::new(
            state
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.deleted)
                .map(|(i, e)| (i as u32, &e.record)),
            &state.code_fields,
        ),
        any: !state.entries.is_empty(),
    }
}

/// Rebuilds what is derived from all records.
pub(super) fn derive(input: DeriveInput) -> Result<Derived, EngineError> {
    let live_index = if input.live.is_empty() {
        None
    } else {
        Some(SearchIndex::in_memory(input.live.iter().map(
            |(i, kind, title, text)| Document::from_text(u64::from(*i), kind, title, text),
        ))?)
    };
    Ok(Derived {
        version: input.version,
        shared: input
            .any
            .then(|| SharedConcepts::new(&input.edges, PAGE_FAN_OUT)),
        kinds: input.kinds,
        kind_names: input.kind_names,
        kind_counts: input.kind_counts,
        live_index,
        stale: input.stale,
        identifiers: input.identifiers,
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
