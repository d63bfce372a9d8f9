//! Answers read from the records in memory: a record's page (its
//! annotations with code-point offsets, concepts, relations both ways and
//! related records) and a concept's records. The callers take the locks;
//! these functions only read.

use std::collections::BTreeMap;

use kenning_records::{Direction, SharedConcepts, record_path, relation_label};
use kenning_store::{ConceptIdx, Snapshot};

use super::derived::Derived;
use super::state::{Entry, State};
use super::types::{
    ConceptRecords, RecordAnnotation, RecordConceptScore, RecordPage, RecordRef, RecordRelation,
};
use crate::engine::LinkedConcept;
use crate::lists::ListPage;

/// Entries in each list of a page (related records per type, a concept's
/// records per type).
pub(crate) const TOP_RECORDS: usize = 10;

/// The page of record `kind`/`id`.
pub(super) fn page(
    state: &State,
    derived: &Derived,
    snapshot: &Snapshot,
    kind: &str,
    id: &str,
) -> Option<RecordPage> {
    let &at = state.by_key.get(&(kind.to_owned(), id.to_owned()))?;
    let entry = &state.entries[at as usize];
    if entry.deleted {
        return None;
    }
    let r = &entry.record;
    let concept = |idx: ConceptIdx| {
        let c = snapshot.concept(idx);
        LinkedConcept {
            id: c.id().get(),
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
            s < e && e <= r.text.len() && r.text.is_char_boundary(s) && r.text.is_char_boundary(e)
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
    let mut related_totals = BTreeMap::new();
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
                let kind = &derived.kind_names[group.kind as usize];
                related_totals.insert(kind.clone(), group.total);
                related.insert(kind.clone(), items);
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
        concepts: concept_scores(state, entry, snapshot),
        concepts_inherited: entry.linked.inherited,
        relations,
        related,
        related_totals,
        live: entry.live,
        generated_fields: vec!["annotations", "concepts", "related"],
    })
}

/// The concepts of record `kind`/`id`, strongest first, as on its page;
/// `None` when there is no such record.
pub(super) fn concepts(
    state: &State,
    snapshot: &Snapshot,
    kind: &str,
    id: &str,
) -> Option<Vec<RecordConceptScore>> {
    let &at = state.by_key.get(&(kind.to_owned(), id.to_owned()))?;
    let entry = &state.entries[at as usize];
    (!entry.deleted).then(|| concept_scores(state, entry, snapshot))
}

/// An entry's concepts with their scores and the fields they were found in.
fn concept_scores(state: &State, entry: &Entry, snapshot: &Snapshot) -> Vec<RecordConceptScore> {
    entry
        .linked
        .concepts
        .iter()
        .enumerate()
        .map(|(i, &(c, score))| {
            let concept = snapshot.concept(c);
            let mask = entry.linked.fields.get(i).copied().unwrap_or(0);
            let fields = state.weights.names_of(mask).into_iter().map(str::to_owned);
            RecordConceptScore {
                id: concept.id().get(),
                title: concept.title().to_owned(),
                score,
                fields: fields.collect(),
            }
        })
        .collect()
}

/// The records about concept `idx`, per type (types in order of first
/// import), each with a count and its strongest entries.
pub(super) fn of_concept(
    state: &State,
    derived: &Derived,
    shared: &SharedConcepts,
    idx: ConceptIdx,
) -> Vec<ConceptRecords> {
    grouped(
        state,
        derived,
        shared.records_of(idx.get()).map(|s| (s.record, s.score)),
    )
}

/// `scored` records (position, score), best first, grouped by type: how
/// many of each and the first [`TOP_RECORDS`]; types without any left out.
pub(super) fn grouped(
    state: &State,
    derived: &Derived,
    scored: impl Iterator<Item = (u32, f32)>,
) -> Vec<ConceptRecords> {
    let mut groups: Vec<ConceptRecords> = derived
        .kind_names
        .iter()
        .map(|k| ConceptRecords {
            kind: k.clone(),
            count: 0,
            items: Vec::new(),
        })
        .collect();
    for (record, score) in scored {
        let Some(&kind) = derived.kinds.get(record as usize) else {
            continue;
        };
        let group = &mut groups[kind as usize];
        if group.items.len() < TOP_RECORDS
            && let Some(r) = state.reference(record, score)
        {
            group.items.push(r);
        }
        group.count += 1;
    }
    groups.retain(|g| g.count > 0);
    groups
}

/// The records of type `kind` (any when `None`) about concept `idx`, in
/// the order of [`of_concept`]: the page `offset..offset+limit`.
pub(super) fn concept_records(
    state: &State,
    derived: &Derived,
    shared: &SharedConcepts,
    idx: ConceptIdx,
    kind: Option<&str>,
    offset: usize,
    limit: usize,
) -> ListPage<RecordRef> {
    let Some(wanted) = derived.kind_filter(kind) else {
        return ListPage::new(0, Vec::new());
    };
    let mut total = 0;
    let mut items = Vec::new();
    for s in shared.records_of(idx.get()) {
        let Some(&k) = derived.kinds.get(s.record as usize) else {
            continue;
        };
        if wanted.is_some_and(|w| w != k) {
            continue;
        }
        if total >= offset
            && items.len() < limit
            && let Some(r) = state.reference(s.record, s.score)
        {
            items.push(r);
        }
        total += 1;
    }
    ListPage::new(total, items)
}

/// The records of type `of_kind` related to record `kind`/`id`, in the
/// order of its page: the page `offset..offset+limit`; `None` when there
/// is no such record.
pub(super) fn related(
    state: &State,
    derived: &Derived,
    kind: &str,
    id: &str,
    of_kind: &str,
    offset: usize,
    limit: usize,
) -> Option<ListPage<RecordRef>> {
    let &at = state.by_key.get(&(kind.to_owned(), id.to_owned()))?;
    if state.entries[at as usize].deleted {
        return None;
    }
    let empty = Some(ListPage::new(0, Vec::new()));
    let (Some(shared), Some(wanted)) = (
        &derived.shared,
        derived.kind_names.iter().position(|n| n == of_kind),
    ) else {
        return empty;
    };
    if (at as usize) >= derived.kinds.len() {
        return empty;
    }
    let end = offset.saturating_add(limit);
    let Some(group) = shared
        .related(at, &derived.kinds, end)
        .into_iter()
        .find(|g| g.kind as usize == wanted)
    else {
        return empty;
    };
    let items = group
        .records
        .iter()
        .skip(offset)
        .filter_map(|s| state.reference(s.record, s.score))
        .collect();
    Some(ListPage::new(group.total, items))
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
