//! The API over one snapshot.
//!
//! This crate owns the *questions* kenning answers: a concept's page (its
//! summary with links, timeline, related concepts, what links here,
//! categories, source), search, suggestions, statistics and concept
//! detection (wikify). It returns
//! plain serialisable data that the server renders as HTML or JSON and the
//! command line prints; every front end asks the same engine, so they
//! cannot disagree.
//!
//! An [`Engine`] is read-only and `Send + Sync`: open it once and share it
//! across threads. It deliberately does no rendering, no HTTP and no
//! writing.

mod engine;
mod error;
mod search;
mod timeline;
mod wikify;

pub use engine::{
    ConceptPage, Engine, LinkedConcept, RelatedConcept, SearchHit, SearchPage, SearchRequest,
    StatsPage, SummaryLink,
};
pub use error::EngineError;
pub use timeline::{TimelineEntry, timeline};
pub use wikify::{
    MAX_WIKIFY_BYTES, WikifyAnnotation, WikifyConcept, WikifyOptions, WikifyResult, WikifyRunnerUp,
    WikifyScoreParts,
};
