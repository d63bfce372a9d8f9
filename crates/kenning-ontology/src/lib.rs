//! Subject ontologies: an institution's tree (or graph) of categories,
//! each holding concepts named by title or page id. Reads two formats and
//! checks them: EPFL Graph's `ontology_structure.json` (nested category
//! slugs → numeric cluster ids → concept titles), with the display names
//! and anchor articles of its `category_tree.txt` when given, and kenning's
//! own ontology JSONL (one category per line, documented in
//! `docs/formats.md`), which other taxonomies are converted into.
//! [`read_file`] reads either, chosen by the file's name.
//!
//! Owns the formats and the plain data read from them ([`Ontology`]). Does
//! not own matching titles to concepts (the build does, against the
//! snapshot's titles and redirects) nor the snapshot's file of the matched
//! ontology (`kenning-store`).

mod epfl;
mod error;
mod file;
mod jsonl;

pub use epfl::{read_epfl_structure, slug_of};
pub use error::OntologyError;
pub use file::read_file;
pub use jsonl::read_jsonl;

/// A category: its id (a slug such as `graph-theory`), its display name,
/// its parents (ids; none for a root) and its anchor article (a title),
/// and the concepts it holds directly (outside any cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The id, unique in the ontology (`graph-theory`).
    pub id: String,
    /// The display name (`Graph theory`).
    pub name: String,
    /// The ids of its parents, none for a root.
    pub parents: Vec<String>,
    /// The title of the article the category is about, when known.
    pub anchor: Option<String>,
    /// The concepts it holds directly, outside any cluster.
    pub concepts: Vec<ConceptRef>,
}

/// A cluster of concepts inside one category (EPFL Graph's numeric
/// clusters): concepts that belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// The id as the ontology gives it (EPFL's are numbers, `"2164"`),
    /// unique only within its category.
    pub id: String,
    /// The id of the category holding it.
    pub category: String,
    /// Its concepts, in the order given.
    pub concepts: Vec<ConceptRef>,
}

/// A concept as an ontology names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConceptRef {
    /// A title, as written (underscores or spaces).
    Title(String),
    /// A page id of the primary wiki.
    PageId(u64),
}

/// A whole ontology, categories in the order read (parents before their
/// children), every parent id naming a category of it, no category its
/// own ancestor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ontology {
    /// The categories, parents before their children.
    pub categories: Vec<Category>,
    /// The clusters, in the order read (none from the JSONL).
    pub clusters: Vec<Cluster>,
}
