//! The layout of a generation: the format's version, the names of its
//! files, and what indexes them (a concept's index).

/// The version of the on-disk format this build writes and reads (8: a
/// concept's pages in other languages, the translations; 7: the search
/// index keeps a hit's summary and body apart, its format 3; an ontology
/// may be present).
pub const FORMAT_VERSION: u32 = 9;

/// The kind of an ontology category's document in the search index (its
/// key is the category's position in [`files::ONTOLOGY`]); concepts are
/// `concept`, records their own type (`category` is reserved for them).
pub const CATEGORY_KIND: &str = "category";

/// The file in a snapshot folder that names the live generation.
pub(crate) const CURRENT: &str = "CURRENT";

/// Names of the files of a generation. Tables are `NAME.dat` + `NAME.off`;
/// adjacency is `NAME.off` (`u64`, one per concept plus one) + `NAME.u32`.
pub mod files {
    /// The manifest.
    pub const META: &str = "meta.json";
    /// Page id of each concept, in concept order.
    pub const IDS: &str = "ids.u32";
    /// Concept indices sorted by page id.
    pub const ID_ORDER: &str = "id_order.u32";
    /// Title of each concept (string table).
    pub const TITLES: &str = "titles";
    /// Lead summary of each concept (string table).
    pub const SUMMARIES: &str = "summaries";
    /// Source URL of each concept (string table, empty when unknown).
    pub const URLS: &str = "urls";
    /// Revision timestamp of each concept (string table, empty when unknown).
    pub const TIMESTAMPS: &str = "timestamps";
    /// Title keys of every name (titles and aliases), sorted.
    pub const NAME_KEYS: &str = "name_keys.u64";
    /// Concept of each entry of `NAME_KEYS`.
    pub const NAME_TARGETS: &str = "name_targets.u32";
    /// Alias strings (string table).
    pub const ALIASES: &str = "aliases";
    /// Aliases of each concept (adjacency into `ALIASES`).
    pub const CONCEPT_ALIASES: &str = "concept_aliases";
    /// Category names (string table).
    pub const CATEGORIES: &str = "categories";
    /// Categories of each concept (adjacency into `CATEGORIES`).
    pub const CONCEPT_CATEGORIES: &str = "concept_categories";
    /// Parent categories of each category (adjacency over [`CATEGORIES`],
    /// from the `[[Category:…]]` links of category pages; may hold cycles).
    pub const CATEGORY_PARENTS: &str = "category_parents";
    /// Subcategories of each category: [`CATEGORY_PARENTS`] inverted.
    pub const CATEGORY_CHILDREN: &str = "category_children";
    /// Member concepts of each category, in concept order:
    /// [`CONCEPT_CATEGORIES`] inverted.
    pub const CATEGORY_MEMBERS: &str = "category_members";
    /// Category positions sorted by name, for finding one by name.
    pub const CATEGORY_ORDER: &str = "category_order.u32";
    /// The lead of each category's own page (string table over
    /// [`CATEGORIES`], empty when it has none or no page).
    pub const CATEGORY_SUMMARIES: &str = "category_summaries";
    /// One byte per category of [`CATEGORIES`]: [`category_flags`] bits.
    pub const CATEGORY_FLAGS: &str = "category_flags.u8";
    /// Each concept's pages in the other languages of the build: their
    /// language numbers, increasing (adjacency; see `Meta::languages`).
    pub const TRANSLATIONS: &str = "translations";
    /// The title of each entry of [`TRANSLATIONS`] (string table).
    pub const TRANSLATION_TITLES: &str = "translation_titles";
    /// The lead of each entry of [`TRANSLATIONS`], plain text (string
    /// table).
    pub const TRANSLATION_SUMMARIES: &str = "translation_summaries";
    /// The other names of each entry of [`TRANSLATIONS`] in its language
    /// (Wikidata aliases, a second page's title), one per line (string
    /// table).
    pub const TRANSLATION_NAMES: &str = "translation_names";
    /// Each concept's language number (see `Meta::languages`), one `u32`
    /// per concept; absent when every concept is of the primary language
    /// (a concept of another is a page with no primary counterpart).
    pub const CONCEPT_LANGUAGES: &str = "concept_languages.u32";
    /// Concepts each concept links to (adjacency).
    pub const OUT_LINKS: &str = "out_links";
    /// Concepts that link to each concept (adjacency).
    pub const IN_LINKS: &str = "in_links";
    /// Links in each summary (adjacency of `start, end, target` triples:
    /// byte offsets in the summary and the target concept index).
    pub const SUMMARY_LINKS: &str = "summary_links";
    /// Top related concepts of each concept, best first (adjacency).
    pub const RELATED: &str = "related";
    /// Scores of `RELATED`, as `f32` bits, parallel to `related.u32`.
    pub const RELATED_SCORES: &str = "related_scores.u32";
    /// The full-text index (a folder).
    pub const SEARCH: &str = "search";
    /// The mention dictionary (`kenning-linker`'s format), read in place.
    pub const MENTIONS: &str = "mentions.dict";
    /// The mention dictionary of another language than the primary one
    /// (its code after the dash, e.g. `mentions-fr.dict`): that
    /// language's names of the concepts. Absent for a language without
    /// names.
    pub fn mentions_in(code: &str) -> String {
        format!("mentions-{code}.dict")
    }
    /// The institution's records imported by the build, as records JSONL
    /// (a later record of the same type and id already applied). Absent
    /// when the build had no records.
    pub const RECORDS: &str = "records.jsonl";
    /// Per line of [`RECORDS`], the record's concepts:
    /// `{"concepts": [[id, score], …], "annotations": [[byte_start,
    /// byte_end, id, score], …], "inherited": true?}`; `inherited` when the
    /// concepts come from linked records rather than the record's text.
    pub const RECORD_CONCEPTS: &str = "record_concepts.jsonl";
    /// The institution's ontology with its concepts matched (JSON, see
    /// [`StoredOntology`](crate::StoredOntology)). Absent when the build
    /// had none.
    pub const ONTOLOGY: &str = "ontology.json";
    /// The build's report of the ontology's concepts that matched no
    /// concept: one line per reference, `category<TAB>cluster<TAB>concept`
    /// (the cluster empty for a category's own concepts). For people.
    pub const ONTOLOGY_UNMATCHED: &str = "ontology_unmatched.tsv";
    /// The live records store beside the generations (not inside one): the
    /// records written through the API since the builds, and deletions.
    /// Every build leaves it alone, so live writes outlast rebuilds.
    pub const LIVE_RECORDS: &str = "live-records.redb";
}

/// The bits of [`files::CATEGORY_FLAGS`].
pub mod category_flags {
    /// The category has a page of its own in the sources.
    pub const HAS_PAGE: u8 = 1;
    /// Its page says `__HIDDENCAT__`: a category for editors, not readers.
    pub const HIDDEN: u8 = 2;
    /// Its name is one of a maintenance category's ("Articles with …",
    /// "CS1 …", "Use dmy dates …"): kept out of pages and counts too.
    pub const MAINTENANCE: u8 = 4;
}

/// A concept's position in a snapshot (`0..len`): what the snapshot's
/// columns and adjacency files are indexed by. It is never shown to users
/// and means nothing outside one generation (the next build may number the
/// concepts differently).
///
/// It is not the concept's page id ([`kenning_model::PageId`]), the id of
/// its URL and of the JSON API: [`Snapshot::find_id`](crate::Snapshot::find_id)
/// and [`ConceptView::id`](crate::ConceptView::id) go from one to the other.
///
/// The pure algorithm crates (`kenning-graph`, `kenning-linker`) number
/// concepts with plain `u32` over `0..n`; cross that boundary with
/// [`ConceptIdx::new`] (in) and [`ConceptIdx::get`] (out), or
/// [`ConceptIdx::index`] to index a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct ConceptIdx(u32);

impl ConceptIdx {
    /// The concept at position `idx` (a plain `u32` concept index, as the
    /// graph and linker crates and the snapshot's files hold them).
    pub const fn new(idx: u32) -> ConceptIdx {
        ConceptIdx(idx)
    }

    /// The plain `u32` index.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The index as a `usize`, to index a slice or column.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}
