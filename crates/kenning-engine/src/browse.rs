//! Browsing by category: the engine's questions about a category, asked
//! by the name in its URL. A name is first one of the institution's
//! ontology (`categories`), then one of the wiki's categories
//! (`wiki_categories`); both answer with the same page and lists, and
//! the records about a category's concepts come from the records.

use crate::categories::{CategoryChild, CategoryPage};
use crate::engine::LinkedConcept;
use crate::lists::ListPage;
use crate::{Engine, RecordRef};

/// Most of the wiki's top categories a home page offers (see
/// [`Engine::category_entry_points`]).
pub const WIKI_ENTRY_POINTS: usize = 12;

impl Engine {
    /// The page of the category `name` (as in its URL).
    ///
    /// A name is first one of the institution's ontology (`graph-theory`),
    /// then one of the wiki's categories (`Lake_Tessel`).
    pub fn category(&self, name: &str) -> Option<CategoryPage> {
        if let Some(mut page) = self
            .categories
            .page(name, |idx| self.linked(idx), self.snapshot())
        {
            let concepts = self.categories.all_concepts(name)?;
            page.records = self.records.about_concepts(concepts);
            return Some(page);
        }
        let s = self.snapshot();
        let i = self.wiki_categories.find(s, name)?;
        let members = self.wiki_categories.members(s, i);
        let mut page = self
            .wiki_categories
            .page(s, i, &members, |idx| self.linked(idx))?;
        page.records = self.records.about_concepts(&members);
        Some(page)
    }

    /// The records of type `kind` (any when `None`) about the concepts of
    /// category `name`, in the order of its page: the page
    /// `offset..offset+limit`.
    pub fn category_records(
        &self,
        name: &str,
        kind: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<RecordRef>> {
        if let Some(concepts) = self.categories.all_concepts(name) {
            return Some(
                self.records
                    .about_concepts_page(concepts, kind, offset, limit),
            );
        }
        let s = self.snapshot();
        let i = self.wiki_categories.find(s, name)?;
        let members = self.wiki_categories.members(s, i);
        Some(
            self.records
                .about_concepts_page(&members, kind, offset, limit),
        )
    }

    /// The concepts of category `name` (an ontology category's with its
    /// subcategories', a wiki category's members), the most linked-to
    /// first: the page `offset..offset+limit`.
    pub fn category_concepts(
        &self,
        name: &str,
        offset: usize,
        limit: usize,
    ) -> Option<ListPage<LinkedConcept>> {
        if let Some(list) = self
            .categories
            .concepts(name, offset, limit, |idx| self.linked(idx))
        {
            return Some(list);
        }
        let s = self.snapshot();
        let i = self.wiki_categories.find(s, name)?;
        let members = self.wiki_categories.members(s, i);
        Some(ListPage::slice(&members, offset, limit, |idx| {
            self.linked(idx)
        }))
    }

    /// The categories to start browsing from, with their concept counts:
    /// the ontology's top categories; without an ontology, the wiki's
    /// categories that have no parent shown, the largest first (at most
    /// [`WIKI_ENTRY_POINTS`]). Finding the wiki's walks every category
    /// (millions on English Wikipedia): callers keep the answer.
    pub fn category_entry_points(&self) -> Vec<CategoryChild> {
        if self.categories.is_empty() {
            return self
                .wiki_categories
                .roots(self.snapshot(), WIKI_ENTRY_POINTS);
        }
        self.categories.entry_points()
    }
}
