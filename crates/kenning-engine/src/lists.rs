//! Whole lists, a page at a time: what links to a concept, a concept's
//! records of one type, a record's related records of one type and its
//! concepts. Pages show the first few of each; these answer the rest, in
//! the same stable order, with the list's length.

use kenning_model::PageId;
use serde::Serialize;

use crate::engine::LinkedConcept;
use crate::{Engine, RecordConceptScore, RecordRef};

/// One page of a longer list, and how long the list is.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ListPage<T> {
    /// Items in the whole list.
    pub total: usize,
    /// The items from the asked offset on, at most the asked limit.
    pub items: Vec<T>,
}

impl<T> ListPage<T> {
    /// A page of `total` items holding `items`.
    pub(crate) fn new(total: usize, items: Vec<T>) -> ListPage<T> {
        ListPage { total, items }
    }

    /// The page `offset..offset + limit` of `all`, each entry made by `item`.
    pub(crate) fn slice<S: Copy>(
        all: &[S],
        offset: usize,
        limit: usize,
        item: impl Fn(S) -> T,
    ) -> ListPage<T> {
        ListPage {
            total: all.len(),
            items: all
                .iter()
                .skip(offset)
                .take(limit)
                .map(|&x| item(x))
                .collect(),
        }
    }

    /// The page `offset..offset + limit` of a list given whole.
    fn of(all: Vec<T>, offset: usize, limit: usize) -> ListPage<T> {
        ListPage {
            total: all.len(),
            items: all.into_iter().skip(offset).take(limit).collect(),
        }
    }
}

impl Engine {
    /// The concepts that link to concept `id`, the most linked-to first
    /// (then by position in the snapshot), as the concept page's first
    /// entries; `None` when there is no such concept.
    pub fn links_here(
        &self,
        id: u32,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<LinkedConcept>> {
        let idx = self.snapshot().find_id(PageId::new(id))?;
        Some(self.in_links_of(self.snapshot().concept(idx), offset, limit))
    }

    /// The page `offset..offset+limit` of the concepts linking to `c`, in
    /// the order of [`links_here`](Engine::links_here) (the concept page
    /// shows its first entries).
    pub(crate) fn in_links_of(
        &self,
        c: kenning_store::ConceptView<'_>,
        offset: usize,
        limit: usize,
    ) -> ListPage<LinkedConcept> {
        let s = self.snapshot();
        let mut in_links: Vec<_> = c.in_links().collect();
        let total = in_links.len();
        let key =
            |&i: &kenning_store::ConceptIdx| (std::cmp::Reverse(s.concept(i).in_link_count()), i);
        // Only the entries up to the page's end are sorted: a hub has
        // hundreds of thousands.
        let end = offset.saturating_add(limit).min(total);
        if end < total {
            in_links.select_nth_unstable_by_key(end, key);
        }
        in_links.truncate(end);
        in_links.sort_unstable_by_key(key);
        let items = in_links
            .into_iter()
            .skip(offset)
            .map(|i| {
                let c = s.concept(i);
                LinkedConcept {
                    id: c.id().get(),
                    title: c.title().to_owned(),
                }
            })
            .collect();
        ListPage { total, items }
    }

    /// The `n` concepts most linked to, most first (then by position): the
    /// ones a visitor most likely knows, for examples. One pass over the
    /// snapshot.
    pub fn most_linked(&self, n: usize) -> Vec<LinkedConcept> {
        let s = self.snapshot();
        let key = |&i: &u32| {
            let c = s.concept(kenning_store::ConceptIdx::new(i));
            (std::cmp::Reverse(c.in_link_count()), i)
        };
        let mut all: Vec<u32> = (0..s.len() as u32).collect();
        if n < all.len() {
            all.select_nth_unstable_by_key(n, key);
            all.truncate(n);
        }
        all.sort_unstable_by_key(key);
        all.into_iter()
            .map(|i| {
                let c = s.concept(kenning_store::ConceptIdx::new(i));
                LinkedConcept {
                    id: c.id().get(),
                    title: c.title().to_owned(),
                }
            })
            .collect()
    }

    /// Up to `n` records that have a code, with it, in import order: for
    /// examples of what can be typed.
    pub fn coded_records(&self, n: usize) -> Vec<(RecordRef, String)> {
        self.records.coded(n)
    }

    /// The records of type `kind` (any type when `None`) about concept
    /// `id`, the strongest first (then in import order), as on the concept
    /// page; `None` when there is no such concept.
    pub fn concept_records(
        &self,
        id: u32,
        kind: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<RecordRef>> {
        let idx = self.snapshot().find_id(PageId::new(id))?;
        Some(self.records.concept_records(idx, kind, offset, limit))
    }

    /// The records of type `of_kind` most related to record `kind`/`id`,
    /// best first, as on the record's page; `None` when there is no such
    /// record.
    pub fn record_related(
        &self,
        kind: &str,
        id: &str,
        of_kind: &str,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<RecordRef>> {
        self.records.related(kind, id, of_kind, offset, limit)
    }

    /// The concepts of record `kind`/`id`, strongest first, as on its
    /// page; `None` when there is no such record.
    pub fn record_concepts(
        &self,
        kind: &str,
        id: &str,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<RecordConceptScore>> {
        let concepts = self.records.concepts(self.snapshot(), kind, id)?;
        Some(ListPage::of(concepts, offset, limit))
    }
}
