//! The institution's subject categories (the snapshot's ontology, from
//! `kenning build --ontology`): a category's page, all its concepts a page
//! at a time, and where a concept sits in the ontology (its breadcrumbs and
//! the other concepts of its clusters). What each request would recompute
//! (children, every category's concepts with its subcategories', ranked)
//! is computed once when the engine opens. The page's types
//! ([`CategoryPage`] and its parts) serve the wiki's own categories too
//! (`wiki_categories`).

use std::collections::HashMap;

use kenning_store::{ConceptIdx, Snapshot, StoredOntology};
use serde::Serialize;

use crate::ConceptRecords;
use crate::engine::LinkedConcept;
use crate::lists::ListPage;

/// A category as its page shows it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CategoryPage {
    /// Its id in URLs (`graph-theory`).
    pub name: String,
    /// Where it comes from: `ontology` (the institution's) or `wiki`.
    pub kind: &'static str,
    /// Its display name.
    pub title: String,
    /// The lead of its anchor article, when the anchor is a concept here.
    pub summary: String,
    /// Its anchor article, when it is a concept here.
    pub anchor: Option<LinkedConcept>,
    /// Names from a root down to this category (through first parents).
    pub path: Vec<String>,
    /// The titles of `path`, in the same order.
    pub path_titles: Vec<String>,
    /// Its parents.
    pub parents: Vec<CategoryLink>,
    /// Its subcategories, with their concept counts.
    pub children: Vec<CategoryChild>,
    /// Concepts in it and in its subcategories.
    pub concept_count: usize,
    /// The first of them, the most linked-to first.
    pub concepts: Vec<LinkedConcept>,
    /// The institution's records about them, per type: the most about
    /// them first (the sum of their links' strengths), each scored by its
    /// strongest link.
    pub records: Vec<ConceptRecords>,
}

/// A category named in a list.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CategoryLink {
    /// Its id in URLs.
    pub name: String,
    /// Its display name.
    pub title: String,
}

/// A subcategory and its size.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CategoryChild {
    /// Its id in URLs.
    pub name: String,
    /// Its display name.
    pub title: String,
    /// Concepts in it and in its subcategories.
    pub concept_count: usize,
}

/// Where a concept sits in the ontology: one of its clusters (or a
/// category holding it directly).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OntologyPlace {
    /// The categories from a root down to the one holding the concept.
    pub path: Vec<CategoryLink>,
    /// The other concepts of its cluster (none for a category's own
    /// concepts), the most linked-to first.
    pub cluster: Vec<LinkedConcept>,
}

/// The address of category `name`'s page on the site (`/category/…`,
/// the name percent-encoded but for unreserved characters).
pub fn category_path(name: &str) -> String {
    let mut path = String::from("/category/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

/// The address of the wiki's category `title` (`Lake Tessel` →
/// `/category/Lake_Tessel`).
pub fn wiki_category_path(title: &str) -> String {
    category_path(&crate::wiki_categories::url_name(title))
}

/// Concepts listed on a category page before its full list.
pub const CATEGORY_PAGE_CONCEPTS: usize = 20;

/// Most other concepts of a cluster shown on a concept page.
const CLUSTER_SHOWN: usize = 12;

/// The ontology, ready for questions.
#[derive(Debug, Default)]
pub(crate) struct Categories {
    stored: StoredOntology,
    by_name: HashMap<String, u32>,
    children: Vec<Vec<u32>>,
    /// Per category: its concepts and its subcategories', deduplicated, the
    /// most linked-to first (then by position).
    concepts: Vec<Vec<ConceptIdx>>,
    /// Per concept holding a place: (category, cluster or `u32::MAX` for a
    /// category's own concept).
    places: HashMap<u32, Vec<(u32, u32)>>,
}

impl Categories {
    /// Prepares `stored` (checked against `snapshot` when read).
    pub(crate) fn new(stored: StoredOntology, snapshot: &Snapshot) -> Categories {
        let n = stored.categories.len();
        let mut by_name = HashMap::with_capacity(n);
        let mut children = vec![Vec::new(); n];
        let mut own: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut places: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for (i, c) in stored.categories.iter().enumerate() {
            by_name.insert(c.id.clone(), i as u32);
            for &p in &c.parents {
                children[p as usize].push(i as u32);
            }
            own[i].extend(&c.concepts);
            for &x in &c.concepts {
                places.entry(x).or_default().push((i as u32, u32::MAX));
            }
        }
        for (k, cluster) in stored.clusters.iter().enumerate() {
            own[cluster.category as usize].extend(&cluster.concepts);
            for &x in &cluster.concepts {
                places
                    .entry(x)
                    .or_default()
                    .push((cluster.category, k as u32));
            }
        }
        // Parents come before their children, so children are complete
        // when walked from the end.
        let mut all: Vec<Vec<u32>> = vec![Vec::new(); n];
        for i in (0..n).rev() {
            let mut set = std::mem::take(&mut own[i]);
            for &child in &children[i] {
                set.extend(&all[child as usize]);
            }
            set.sort_unstable();
            set.dedup();
            all[i] = set;
        }
        let links = |x: u32| snapshot.concept(ConceptIdx::new(x)).in_link_count();
        let concepts = all
            .into_iter()
            .map(|mut set| {
                set.sort_by_key(|&x| (std::cmp::Reverse(links(x)), x));
                set.into_iter().map(ConceptIdx::new).collect()
            })
            .collect();
        Categories {
            stored,
            by_name,
            children,
            concepts,
            places,
        }
    }

    /// Whether there are categories at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.stored.categories.is_empty()
    }

    fn link(&self, i: u32) -> CategoryLink {
        let c = &self.stored.categories[i as usize];
        CategoryLink {
            name: c.id.clone(),
            title: c.name.clone(),
        }
    }

    /// The category at position `i` (a search hit's key), if any.
    pub(crate) fn link_at(&self, i: u32) -> Option<CategoryLink> {
        ((i as usize) < self.stored.categories.len()).then(|| self.link(i))
    }

    /// How many categories there are.
    pub(crate) fn len(&self) -> usize {
        self.stored.categories.len()
    }

    fn child(&self, i: u32) -> CategoryChild {
        let CategoryLink { name, title } = self.link(i);
        CategoryChild {
            name,
            title,
            concept_count: self.concepts[i as usize].len(),
        }
    }

    /// From a root down to category `i`, through first parents (always an
    /// earlier category: the walk ends).
    fn path(&self, i: u32) -> Vec<u32> {
        let mut path = vec![i];
        let mut at = i;
        while let Some(&p) = self.stored.categories[at as usize].parents.first() {
            if p >= at {
                break;
            }
            path.push(p);
            at = p;
        }
        path.reverse();
        path
    }

    /// The categories without parents (the ontology's roots), then, when
    /// there is a single root, its children instead: the entry points of
    /// a home page.
    pub(crate) fn entry_points(&self) -> Vec<CategoryChild> {
        let roots: Vec<u32> = (0..self.stored.categories.len() as u32)
            .filter(|&i| self.stored.categories[i as usize].parents.is_empty())
            .collect();
        let shown = match roots.as_slice() {
            [only] => self.children[*only as usize].clone(),
            _ => roots,
        };
        shown.into_iter().map(|i| self.child(i)).collect()
    }

    /// Every concept of category `name` and its subcategories, the most
    /// linked-to first.
    pub(crate) fn all_concepts(&self, name: &str) -> Option<&[ConceptIdx]> {
        let i = *self.by_name.get(name)?;
        Some(&self.concepts[i as usize])
    }

    /// The page of category `name`, without its records.
    pub(crate) fn page(
        &self,
        name: &str,
        linked: impl Fn(ConceptIdx) -> LinkedConcept,
        snapshot: &Snapshot,
    ) -> Option<CategoryPage> {
        let i = *self.by_name.get(name)?;
        let c = &self.stored.categories[i as usize];
        let path = self.path(i);
        let anchor = c.anchor.map(ConceptIdx::new);
        let concepts = &self.concepts[i as usize];
        Some(CategoryPage {
            name: c.id.clone(),
            kind: "ontology",
            title: c.name.clone(),
            summary: anchor
                .map(|a| snapshot.concept(a).summary().to_owned())
                .unwrap_or_default(),
            anchor: anchor.map(&linked),
            path: path.iter().map(|&p| self.link(p).name).collect(),
            path_titles: path.iter().map(|&p| self.link(p).title).collect(),
            parents: c.parents.iter().map(|&p| self.link(p)).collect(),
            children: self.children[i as usize]
                .iter()
                .map(|&k| self.child(k))
                .collect(),
            concept_count: concepts.len(),
            concepts: concepts
                .iter()
                .take(CATEGORY_PAGE_CONCEPTS)
                .map(|&x| linked(x))
                .collect(),
            records: Vec::new(),
        })
    }

    /// The page `offset..offset+limit` of category `name`'s concepts, in
    /// the order of its page.
    pub(crate) fn concepts(
        &self,
        name: &str,
        offset: usize,
        limit: usize,
        linked: impl Fn(ConceptIdx) -> LinkedConcept,
    ) -> Option<ListPage<LinkedConcept>> {
        let i = *self.by_name.get(name)?;
        Some(ListPage::slice(
            &self.concepts[i as usize],
            offset,
            limit,
            linked,
        ))
    }

    /// Where concept `idx` sits: one entry per cluster (or category)
    /// holding it.
    pub(crate) fn places(
        &self,
        idx: ConceptIdx,
        linked: impl Fn(ConceptIdx) -> LinkedConcept,
        snapshot: &Snapshot,
    ) -> Vec<OntologyPlace> {
        let Some(at) = self.places.get(&idx.get()) else {
            return Vec::new();
        };
        at.iter()
            .map(|&(category, cluster)| {
                let mut others: Vec<u32> = match self.stored.clusters.get(cluster as usize) {
                    Some(k) => k
                        .concepts
                        .iter()
                        .copied()
                        .filter(|&x| x != idx.get())
                        .collect(),
                    None => Vec::new(),
                };
                let links = |x: u32| snapshot.concept(ConceptIdx::new(x)).in_link_count();
                others.sort_by_key(|&x| (std::cmp::Reverse(links(x)), x));
                OntologyPlace {
                    path: self
                        .path(category)
                        .into_iter()
                        .map(|p| self.link(p))
                        .collect(),
                    cluster: others
                        .into_iter()
                        .take(CLUSTER_SHOWN)
                        .map(|x| linked(ConceptIdx::new(x)))
                        .collect(),
                }
            })
            .collect()
    }
}
