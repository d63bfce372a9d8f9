//! The wiki's own category graph (category pages and the categories of
//! articles): a category's page and all its member concepts a page at a
//! time. The graph may have cycles: every walk keeps a visited set. Hidden
//! and maintenance categories are left out of concept pages, parents,
//! subcategories and counts, but answer at their own address.
//!
//! Everything is read in place from the snapshot, where the build wrote
//! members and subcategories (the inverse of each concept's categories and
//! of each category's parents) and the categories' order by name.

use std::collections::VecDeque;

use kenning_store::{ConceptIdx, Snapshot, category_flags};

use crate::categories::{CATEGORY_PAGE_CONCEPTS, CategoryChild, CategoryLink, CategoryPage};
use crate::engine::LinkedConcept;

/// Most steps a breadcrumb walks up before giving up on reaching a root.
const MAX_PATH: usize = 32;

/// The wiki's categories, as the snapshot holds them.
#[derive(Debug, Default)]
pub(crate) struct WikiCategories;

/// The name of a category in its address: spaces as `_`.
pub(crate) fn url_name(name: &str) -> String {
    name.replace(' ', "_")
}

fn kept_out(flags: u8) -> bool {
    flags & (category_flags::HIDDEN | category_flags::MAINTENANCE) != 0
}

impl WikiCategories {
    /// The category named `name` (`Lake_Tessel` or `Lake Tessel`).
    pub(crate) fn find(&self, s: &Snapshot, name: &str) -> Option<u32> {
        s.find_category(name.replace('_', " ").trim())
    }

    /// Whether category `i` is shown in lists (not hidden, not maintenance).
    pub(crate) fn shown(s: &Snapshot, i: u32) -> bool {
        s.category(i).is_some_and(|c| !kept_out(c.flags()))
    }

    fn link(s: &Snapshot, i: u32) -> CategoryLink {
        let title = s.category(i).map_or("", |c| c.name()).to_owned();
        CategoryLink {
            name: url_name(&title),
            title,
        }
    }

    /// Member concepts of category `i`, the most linked-to first.
    pub(crate) fn members(&self, s: &Snapshot, i: u32) -> Vec<ConceptIdx> {
        let mut members: Vec<ConceptIdx> = s
            .category(i)
            .map(|c| c.members().collect())
            .unwrap_or_default();
        members.sort_by_key(|&x| (std::cmp::Reverse(s.concept(x).in_link_count()), x));
        members
    }

    /// A shortest way up from `i` to a category without shown parents,
    /// root first (breadth first, each category once: cycles end).
    fn path(s: &Snapshot, i: u32) -> Vec<u32> {
        let mut from: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        let mut queue = VecDeque::from([(i, 0usize)]);
        from.insert(i, i);
        let mut top = i;
        while let Some((c, depth)) = queue.pop_front() {
            let parents: Vec<u32> = s
                .category(c)
                .map(|v| v.parents().filter(|&p| Self::shown(s, p)).collect())
                .unwrap_or_default();
            if parents.is_empty() || depth >= MAX_PATH {
                top = c;
                break;
            }
            for p in parents {
                if let std::collections::hash_map::Entry::Vacant(e) = from.entry(p) {
                    e.insert(c);
                    queue.push_back((p, depth + 1));
                }
            }
            top = c;
        }
        let mut path = vec![top];
        let mut at = top;
        while at != i {
            at = from[&at];
            path.push(at);
        }
        path
    }

    /// The page of category `i` whose `members` are as
    /// [`members`](Self::members) gives them, without its records.
    pub(crate) fn page(
        &self,
        s: &Snapshot,
        i: u32,
        members: &[ConceptIdx],
        linked: impl Fn(ConceptIdx) -> LinkedConcept,
    ) -> Option<CategoryPage> {
        let c = s.category(i)?;
        let path = Self::path(s, i);
        // Its own page's lead, else the lead of the article of its name.
        let main = s.find_title(c.name());
        let summary = if c.summary().is_empty() {
            main.map(|m| s.concept(m).summary()).unwrap_or_default()
        } else {
            c.summary()
        };
        let mut parents: Vec<u32> = c.parents().filter(|&p| Self::shown(s, p)).collect();
        parents.sort_by(|&a, &b| Self::link(s, a).title.cmp(&Self::link(s, b).title));
        let mut children: Vec<u32> = c.children().filter(|&k| Self::shown(s, k)).collect();
        children.sort_by(|&a, &b| Self::link(s, a).title.cmp(&Self::link(s, b).title));
        Some(CategoryPage {
            name: url_name(c.name()),
            kind: "wiki",
            title: c.name().to_owned(),
            summary: summary.to_owned(),
            anchor: main.filter(|_| c.summary().is_empty()).map(&linked),
            path: path.iter().map(|&p| Self::link(s, p).name).collect(),
            path_titles: path.iter().map(|&p| Self::link(s, p).title).collect(),
            parents: parents.iter().map(|&p| Self::link(s, p)).collect(),
            children: children
                .iter()
                .map(|&k| {
                    let CategoryLink { name, title } = Self::link(s, k);
                    CategoryChild {
                        name,
                        title,
                        concept_count: s.category(k).map_or(0, |c| c.member_count()),
                    }
                })
                .collect(),
            concept_count: members.len(),
            concepts: members
                .iter()
                .take(CATEGORY_PAGE_CONCEPTS)
                .map(|&x| linked(x))
                .collect(),
            records: Vec::new(),
        })
    }

    /// The shown categories without a shown parent that hold concepts or
    /// subcategories, the most members (with direct subcategories) first,
    /// then by name: at most `limit`.
    pub(crate) fn roots(&self, s: &Snapshot, limit: usize) -> Vec<CategoryChild> {
        let mut roots: Vec<(usize, u32)> = (0..s.category_count() as u32)
            .filter(|&i| Self::shown(s, i))
            .filter(|&i| {
                s.category(i)
                    .is_some_and(|c| !c.parents().any(|p| Self::shown(s, p)))
            })
            .filter_map(|i| {
                let c = s.category(i)?;
                Some((c.member_count() + c.children().count(), i))
            })
            .filter(|&(size, _)| size > 0)
            .collect();
        roots.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| Self::link(s, a.1).title.cmp(&Self::link(s, b.1).title))
        });
        roots
            .into_iter()
            .take(limit)
            .map(|(_, i)| {
                let CategoryLink { name, title } = Self::link(s, i);
                CategoryChild {
                    name,
                    title,
                    concept_count: s.category(i).map_or(0, |c| c.member_count()),
                }
            })
            .collect()
    }
}
