//! Records about a set of concepts (a subject category's): each record
//! scored by the sum of its links' strengths to the set's concepts (about
//! more of them, or more strongly, ranks higher), shown with its strongest
//! link, grouped by type or listed whole a page at a time.

use kenning_records::SharedConcepts;
use kenning_store::ConceptIdx;

use super::derived::Derived;
use super::pages::grouped;
use super::state::State;
use super::types::{ConceptRecords, RecordRef};
use crate::lists::ListPage;

/// A record linked to some of the concepts: its position, the sum and the
/// strongest of its links' scores.
struct Linked {
    record: u32,
    sum: f32,
    best: f32,
}

/// The records of kind number `wanted` (any when `None`) linked to any of
/// `concepts`, the highest sum first, then the strongest link, then by
/// position.
fn linked(
    derived: &Derived,
    shared: &SharedConcepts,
    concepts: &[ConceptIdx],
    wanted: Option<u32>,
) -> Vec<Linked> {
    let mut by_record: std::collections::HashMap<u32, (f32, f32)> =
        std::collections::HashMap::new();
    for idx in concepts {
        for s in shared.records_of(idx.get()) {
            let Some(&kind) = derived.kinds.get(s.record as usize) else {
                continue;
            };
            if wanted.is_some_and(|w| w != kind) {
                continue;
            }
            let e = by_record.entry(s.record).or_insert((0.0, 0.0));
            e.0 += s.score;
            e.1 = e.1.max(s.score);
        }
    }
    let mut out: Vec<Linked> = by_record
        .into_iter()
        .map(|(record, (sum, best))| Linked { record, sum, best })
        .collect();
    out.sort_by(|a, b| {
        b.sum
            .total_cmp(&a.sum)
            .then(b.best.total_cmp(&a.best))
            .then(a.record.cmp(&b.record))
    });
    out
}

/// Per type, how many records are about `concepts` and the first
/// [`TOP_RECORDS`](super::pages::TOP_RECORDS) of them, in the order of
/// [`records_about`].
pub(super) fn by_kind(
    state: &State,
    derived: &Derived,
    shared: &SharedConcepts,
    concepts: &[ConceptIdx],
) -> Vec<ConceptRecords> {
    let linked = linked(derived, shared, concepts, None);
    grouped(state, derived, linked.iter().map(|l| (l.record, l.best)))
}

/// The records of type `kind` (any when `None`) about `concepts`: the page
/// `offset..offset+limit`, each with its strongest link as its score.
pub(super) fn records_about(
    state: &State,
    derived: &Derived,
    shared: &SharedConcepts,
    concepts: &[ConceptIdx],
    kind: Option<&str>,
    offset: usize,
    limit: usize,
) -> ListPage<RecordRef> {
    let Some(wanted) = derived.kind_filter(kind) else {
        return ListPage::new(0, Vec::new());
    };
    let all: Vec<RecordRef> = linked(derived, shared, concepts, wanted)
        .into_iter()
        .filter_map(|l| state.reference(l.record, l.best))
        .collect();
    let total = all.len();
    ListPage::new(total, all.into_iter().skip(offset).take(limit).collect())
}
