//! The manifest (`meta.json`): what a generation was built from, by which
//! version, and its figures.

use serde::{Deserialize, Serialize};

/// The manifest of a generation: what was built from what, and its figures.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT_VERSION`](crate::FORMAT_VERSION) of the writer.
    pub format: u32,
    /// The kenning version that wrote it.
    pub kenning_version: String,
    /// When the build finished (RFC 3339, UTC).
    pub built_at: String,
    /// Wall time of the build.
    pub build_seconds: f64,
    /// Wall time of each phase (`reading` includes extraction), in order.
    #[serde(default)]
    pub phase_seconds: Vec<(String, f64)>,
    /// The wiki the concepts come from.
    pub site: SiteMeta,
    /// Every source read.
    pub sources: Vec<SourceMeta>,
    /// Counts.
    pub stats: Stats,
    /// The fields of records linked to concepts besides the title and the
    /// text, `(name, weight)` in order (see `kenning_records::FieldWeights`);
    /// absent in snapshots built before records were linked field by field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_fields: Option<Vec<(String, f32)>>,
    /// The language editions of the build, the primary one first (its
    /// pages are the concepts; the others' pages are joined to them as
    /// translations, numbered by their position here). Empty when no
    /// source said its language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguageMeta>,
    /// Every other file of the generation (its path relative to the
    /// generation folder) with its size and checksum, written when the
    /// generation is published (see [`verify_generation`](crate::verify_generation)).
    /// Empty in generations published before checksums were written.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub files: std::collections::BTreeMap<String, crate::FileChecksum>,
}

/// One language edition of a build and how well it joined.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LanguageMeta {
    /// Its language code (`en`, `fr`, `zh-yue`): Wikipedia's interwiki
    /// prefix.
    pub code: String,
    /// Article pages read in this language.
    pub pages: u64,
    /// For the primary language, concepts with a page in another
    /// language; for another, its pages joined to a concept.
    pub joined: u64,
    /// Pages of another language that matched no concept: concepts of
    /// their own, in that language.
    pub unjoined: u64,
    /// Interlanguage links read that point into this language (inline
    /// `[[fr:…]]` links, `--langlinks` rows, Wikidata sitelinks).
    pub links_read: u64,
    /// Of those, the ones whose page was read and joined.
    pub links_joined: u64,
    /// Of those, the ones whose page was never read (or joined elsewhere).
    pub links_dangling: u64,
    /// For another language than the primary one, concepts with a title
    /// in it: a joined page's or a Wikidata label.
    #[serde(default)]
    pub named: u64,
}

impl Meta {
    /// The manifest of the generation folder `generation`.
    pub(crate) fn read(generation: &std::path::Path) -> Result<Meta, crate::StoreError> {
        let path = generation.join(crate::files::META);
        let text = std::fs::read_to_string(&path).map_err(|e| crate::StoreError::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| crate::StoreError::Corrupt {
            path,
            message: e.to_string(),
        })
    }

    /// The manifest as pretty-printed JSON, as written to `meta.json`.
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The wiki: name, URL base and namespaces (for normalising titles).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SiteMeta {
    /// `<sitename>`.
    pub sitename: String,
    /// `<dbname>`.
    pub dbname: String,
    /// `<base>`.
    pub base: Option<String>,
    /// Whether titles are case-sensitive in their first letter.
    pub case_sensitive: bool,
    /// `(id, local name)` of each namespace.
    pub namespaces: Vec<(i32, String)>,
}

/// One source of the build.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SourceMeta {
    /// `mediawiki`, `extracted` or `concepts`.
    pub kind: String,
    /// The path as given.
    pub path: String,
    /// Pages or records read from it.
    pub pages: u64,
    /// Its compression.
    pub compression: String,
    /// Its size on disk.
    pub bytes: u64,
}

/// The figures `kenning stats` shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    /// Concepts (articles).
    pub concepts: u64,
    /// Redirect pages among the articles (and JSONL aliases); those that
    /// resolve to a concept became its aliases.
    pub redirects: u64,
    /// Redirects that resolve to no concept: a missing target, a loop, a
    /// target outside the articles, or a title that is also an article.
    pub broken_redirects: u64,
    /// Distinct article-to-article links that resolved (after redirects).
    pub links: u64,
    /// Link occurrences to titles that name no concept.
    pub red_links: u64,
    /// Distinct categories (category pages and categories in use).
    pub categories: u64,
    /// Distinct parent links between categories (from category pages).
    #[serde(default)]
    pub category_links: u64,
    /// Categories kept out of pages and counts: hidden (`__HIDDENCAT__`)
    /// or named as maintenance categories are.
    #[serde(default)]
    pub hidden_categories: u64,
    /// Pages read from all sources.
    pub pages_read: u64,
    /// Pages skipped: pages of other namespaces (talk, user, template, …)
    /// and pages whose title is not a valid title (logged).
    pub pages_skipped: u64,
    /// Pages whose extraction failed; logged and counted, never fatal.
    pub pages_failed: u64,
    /// Pages whose title duplicated an earlier one; the first was kept.
    pub duplicate_titles: u64,
    /// Concepts whose page id an earlier concept already had; they were
    /// kept under a new id (derived from the title, as for sources
    /// without ids).
    #[serde(default)]
    pub duplicate_ids: u64,
    /// The largest in-degree of any concept (normalises popularity).
    #[serde(default)]
    pub max_in_degree: u64,
    /// Phrases in the mention dictionary.
    #[serde(default)]
    pub mention_phrases: u64,
    /// Documents over which link probabilities were counted.
    #[serde(default)]
    pub mention_documents: u64,
    /// Phrases left out of the mention dictionary: their link probability
    /// is below the linker's floor, so they could never be spotted.
    #[serde(default)]
    pub mention_phrases_pruned: u64,
    /// Concepts whose source gave no links, linked by concept detection.
    #[serde(default)]
    pub detected_concepts: u64,
    /// Links found by concept detection for them (included in `links`).
    #[serde(default)]
    pub detected_links: u64,
    /// Records imported from records files (after replacements).
    #[serde(default)]
    pub records: u64,
    /// Explicit links between records (`taught_by`, …).
    #[serde(default)]
    pub record_links: u64,
    /// Explicit links to records that do not exist; counted, never fatal.
    #[serde(default)]
    pub record_missing_links: u64,
    /// Record→concept edges found by concept detection in record texts.
    #[serde(default)]
    pub record_concepts: u64,
    /// Categories of the ontologies given to the build (`--ontology`).
    #[serde(default)]
    pub ontology_categories: u64,
    /// Clusters of concepts in those ontologies.
    #[serde(default)]
    pub ontology_clusters: u64,
    /// Distinct concepts the ontologies name.
    #[serde(default)]
    pub ontology_concepts: u64,
    /// Of those, the ones matched to a concept of the snapshot (by title,
    /// redirect or page id).
    #[serde(default)]
    pub ontology_concepts_matched: u64,
}
