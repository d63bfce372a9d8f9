//! The records in memory: one vector of entries whose positions never
//! change, the keys and relations over them, and the concepts each record
//! is about (detected in its title, fields and text, read from the
//! snapshot, or inherited from the records it is linked with).
//!
//! It holds no lock and starts no thread: `refresh` keeps a [`State`]
//! behind a lock, the parent module changes it, `derived` computes from it.

use std::collections::HashMap;

use kenning_linker::{Linker, LinkerOptions, MentionDictionary, RecordField, link_fields};
use kenning_model::PageId;
use kenning_records::{
    DetectedConcepts, FieldWeights, Record, Relations, TEXT_FIELD, inherit_concepts,
};
use kenning_store::{ConceptIdx, Snapshot};

use super::types::RecordRef;
use crate::wikify::SnapshotGraph;

/// Concepts of a record, by concept index (the page ids stored in the
/// records files and the live store are turned into indices when loaded,
/// [`by_index`]).
#[derive(Clone, Debug, Default)]
pub(super) struct Linked {
    pub(super) concepts: Vec<(ConceptIdx, f32)>,
    /// The fields each concept was found in, parallel to `concepts` (bit
    /// `n` for field number `n` of [`FieldWeights`]; empty when inherited
    /// or not known).
    pub(super) fields: Vec<u32>,
    /// `(byte_start, byte_end, concept, score)`.
    pub(super) annotations: Vec<(u32, u32, ConceptIdx, f32)>,
    pub(super) inherited: bool,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub(super) record: Record,
    pub(super) linked: Linked,
    /// From the live store.
    pub(super) live: bool,
    pub(super) deleted: bool,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) entries: Vec<Entry>,
    pub(super) by_key: HashMap<(String, String), u32>,
    pub(super) relations: Relations,
    /// Entries `0..base` came from `records.jsonl` (search keys of the
    /// snapshot's index).
    pub(super) base: u32,
    pub(super) version: u64,
    /// The number of the last change of the shared records database
    /// applied (0 with the single-server store).
    pub(super) applied: i64,
    /// The fields records are linked on, as the snapshot says
    /// ([`record_fields`]), to name each concept's fields on pages.
    pub(super) weights: FieldWeights,
    /// The fields that hold a record's code (`course_code`): searched as
    /// identifiers, shown beside titles.
    pub(super) code_fields: Vec<String>,
}

impl State {
    /// Appends a record or replaces the one with its type and id (which
    /// keeps its position). Its position.
    pub(super) fn upsert(&mut self, record: Record, linked: Linked) -> u32 {
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

    pub(super) fn push(&mut self, record: Record, linked: Linked, live: bool) -> u32 {
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

    pub(super) fn delete(&mut self, kind: &str, id: &str) {
        if let Some(&i) = self.by_key.get(&(kind.to_owned(), id.to_owned())) {
            let e = &mut self.entries[i as usize];
            e.deleted = true;
            e.live = true;
        }
    }

    /// Positions of the records linked with `kind`/`id`, either way.
    pub(super) fn neighbours(&self, kind: &str, id: &str) -> Vec<u32> {
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
    pub(super) fn reinherit(&mut self, entries: &[u32]) {
        for &j in entries {
            let e = &self.entries[j as usize];
            if !e.deleted && (e.linked.inherited || e.linked.concepts.is_empty()) {
                self.inherit(j);
            }
        }
    }

    /// Gives entry `at` the concepts of the records it is linked with.
    pub(super) fn inherit(&mut self, at: u32) {
        let r = &self.entries[at as usize].record;
        let neighbours: Vec<Vec<(u32, f32)>> = self
            .relations
            .outgoing(&r.kind, &r.id)
            .chain(self.relations.incoming(&r.kind, &r.id))
            .filter_map(|rel| self.by_key.get(&(rel.kind.to_owned(), rel.id.to_owned())))
            .map(|&j| &self.entries[j as usize])
            .filter(|e| !e.deleted && !e.linked.inherited)
            .map(|e| plain(&e.linked.concepts))
            .collect();
        let concepts: Vec<(ConceptIdx, f32)> =
            inherit_concepts(neighbours.iter().map(Vec::as_slice))
                .into_iter()
                .map(|(c, score)| (ConceptIdx::new(c), score))
                .collect();
        let linked = &mut self.entries[at as usize].linked;
        linked.inherited = !concepts.is_empty();
        linked.concepts = concepts;
        linked.fields.clear();
    }

    /// Entry `at` as a search hit: its reference, its code and the start
    /// of its text (cut at a word, with an ellipsis when cut).
    pub(super) fn hit(&self, at: u32) -> Option<(RecordRef, Option<String>, String)> {
        let e = self.entries.get(at as usize).filter(|e| !e.deleted)?;
        Some((
            self.reference(at, 0.0)?,
            e.record.code(&self.code_fields).map(str::to_owned),
            opening(&e.record.text, HIT_TEXT_CHARS),
        ))
    }

    pub(super) fn reference(&self, at: u32, score: f32) -> Option<RecordRef> {
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

/// Characters of a record's text shown under a hit found by identifier.
const HIT_TEXT_CHARS: usize = 200;

/// The first `max` characters of `text` or fewer, ending at the end of a
/// word, with `…` when `text` goes on.
fn opening(text: &str, max: usize) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_owned();
    };
    let head = &text[..cut];
    // Back to the last space when the cut falls inside a word.
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if !text[cut..].starts_with(char::is_whitespace) && space > 0 => &head[..space],
        _ => head,
    };
    format!(
        "{}…",
        head.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
    )
}

/// The fields records are linked on in `snapshot` (as its build linked
/// them; the default for a snapshot that does not say).
pub(super) fn record_fields(snapshot: &Snapshot) -> FieldWeights {
    match &snapshot.meta().record_fields {
        Some(stored) => FieldWeights::from_stored(stored.iter().cloned()),
        None => FieldWeights::default(),
    }
}

/// Detects the concepts of a record, on its title, its linked fields and
/// its text, with the snapshot's dictionary of its `lang` (else the
/// primary one), as the build does.
pub(super) fn link_record(snapshot: &Snapshot, record: &Record) -> Linked {
    let language = record
        .lang
        .as_deref()
        .and_then(|code| snapshot.dictionary_language(code))
        .unwrap_or(0);
    let bytes = snapshot
        .mention_bytes_in(language)
        .unwrap_or_else(|| snapshot.mention_bytes());
    let Ok(dictionary) = MentionDictionary::from_bytes(bytes) else {
        return Linked::default();
    };
    let weights = record_fields(snapshot);
    let texts: Vec<RecordField<'_>> = weights
        .texts(record)
        .into_iter()
        .map(|t| RecordField {
            field: t.field,
            text: &t.text[..t.text.floor_char_boundary(crate::MAX_WIKIFY_BYTES)],
            weight: t.weight,
            whole: t.whole,
        })
        .collect();
    let graph = SnapshotGraph(snapshot);
    // Another language's names: low-prior where no text counted them.
    let options = LinkerOptions {
        names_need_evidence: language != 0,
        ..LinkerOptions::default()
    };
    let linker = Linker::new(dictionary, &graph, options);
    let found = link_fields(&linker, &texts);
    Linked {
        concepts: found
            .concepts
            .iter()
            .map(|c| (ConceptIdx::new(c.concept), c.score))
            .collect(),
        fields: found.concepts.iter().map(|c| c.fields).collect(),
        annotations: found
            .annotations
            .iter()
            .filter(|(field, _)| *field == TEXT_FIELD)
            .map(|(_, a)| {
                let concept = ConceptIdx::new(a.concept);
                (a.byte_start as u32, a.byte_end as u32, concept, a.score)
            })
            .collect(),
        inherited: false,
    }
}

/// Concept ids as stored (page ids) → concept indices (ids the snapshot
/// lacks dropped), field names → masks of `weights`.
pub(super) fn by_index(
    snapshot: &Snapshot,
    weights: &FieldWeights,
    stored: DetectedConcepts,
) -> Linked {
    let find = |id: u32| snapshot.find_id(PageId::new(id));
    let mask = |names: &[String]| {
        names
            .iter()
            .filter_map(|n| weights.number(n))
            .fold(0u32, |m, n| m | 1 << n)
    };
    let with_fields = stored.fields.len() == stored.concepts.len();
    let mut linked = Linked {
        inherited: stored.inherited,
        ..Linked::default()
    };
    for (i, (id, score)) in stored.concepts.into_iter().enumerate() {
        if let Some(idx) = find(id) {
            linked.concepts.push((idx, score));
            if with_fields {
                linked.fields.push(mask(&stored.fields[i]));
            }
        }
    }
    linked.annotations = stored
        .annotations
        .into_iter()
        .filter_map(|(a, b, id, s)| Some((a, b, find(id)?, s)))
        .collect();
    linked
}

/// A record's concepts with their indices unwrapped, for `kenning-records`
/// (whose algorithms take any dense `u32` concept numbering).
fn plain(concepts: &[(ConceptIdx, f32)]) -> Vec<(u32, f32)> {
    concepts
        .iter()
        .map(|&(c, score)| (c.get(), score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::opening;

    #[test]
    fn openings_end_at_a_word() {
        assert_eq!(opening("  short text ", 200), "short text");
        assert_eq!(opening("alpha beta gamma", 8), "alpha…");
        assert_eq!(opening("alpha beta gamma", 10), "alpha beta…");
        assert_eq!(opening("alpha beta, gamma", 11), "alpha beta…");
        assert_eq!(opening("unbrokenword", 4), "unbr…");
        assert_eq!(opening("été été", 5), "été…");
    }
}
