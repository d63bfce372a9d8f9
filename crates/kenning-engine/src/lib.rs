//! The API over one snapshot.
//!
//! This crate owns the *questions* kenning answers: a concept's page (its
//! summary with links, timeline, related concepts, what links here,
//! categories, source, the institution's records about it), a record's
//! page (its concepts, explicit relations both ways, related records), a
//! subject category's page (the institution's ontology: breadcrumbs,
//! subcategories, all its concepts), a concept in the reader's language
//! when the build joined several language editions,
//! search over concepts and records, suggestions, statistics and concept
//! detection (wikify), in the text's language (given, or detected among
//! the snapshot's); and the one kind of change kenning takes without a
//! rebuild: records written and deleted live (stored durably in the live
//! records store beside the snapshot, shown at once). It returns
//! plain serialisable data that the server renders as HTML or JSON and the
//! command line prints; every front end asks the same engine, so they
//! cannot disagree.
//!
//! An [`Engine`] is `Send + Sync`: open it once and share it across
//! threads. Everything but the records is read-only; records change only
//! through an engine opened with [`Engine::open_writable`]. It deliberately
//! does no rendering, no HTTP and no authentication.

#![forbid(unsafe_code)]

mod browse;
mod categories;
mod engine;
mod error;
mod languages;
mod lists;
mod live_store;
mod long_text;
mod records;
mod search;
mod text_language;
mod timeline;
mod wiki_categories;
mod wikify;

pub use browse::WIKI_ENTRY_POINTS;
pub use categories::{
    CATEGORY_PAGE_CONCEPTS, CategoryChild, CategoryLink, CategoryPage, OntologyPlace,
    category_path, wiki_category_path,
};
pub use engine::{
    ConceptPage, Engine, LinkedConcept, RelatedConcept, SearchHit, SearchPage, SearchRequest,
    StatsPage, SummaryLink, TypeCount,
};
pub use error::EngineError;
/// The linker's thresholds and weights, for [`Engine::wikify_tuned`].
pub use kenning_linker::{LinkerOptions, Strategy};
/// The query limits, defined once by the full-text index
/// (`kenning-search`) and re-exported for the front ends above the
/// engine: the server refuses a query over [`MAX_QUERY_BYTES`] and an
/// offset over [`MAX_OFFSET`], and clamps `limit` to [`MAX_LIMIT`], the
/// same bounds the engine and the index apply.
pub use kenning_search::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES};
pub use lists::ListPage;
pub use live_store::LiveStoreHealth;
pub use long_text::{ConceptTally, piece_end};
pub use records::{
    ConceptRecords, RecordAnnotation, RecordConceptScore, RecordPage, RecordRef, RecordRelation,
    RecordWrite,
};
pub use search::{KIND_FACTORS, OTHER_RECORD_FACTOR};
pub use timeline::{TimelineEntry, timeline};
pub use wikify::{
    MAX_WIKIFY_BYTES, WikifyAnnotation, WikifyConcept, WikifyOptions, WikifyResult, WikifyRunnerUp,
    WikifyScoreParts,
};
