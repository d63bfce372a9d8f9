//! The snapshot on disk.
//!
//! This crate owns the snapshot's format and its life cycle: a snapshot is a
//! *generation* folder of flat little-endian files (string tables, integer
//! columns, compressed-sparse-row adjacency) plus a `meta.json` manifest
//! that carries the format version and the build's figures. A snapshot
//! folder holds generations and a `CURRENT` file naming the live one;
//! [`Publisher`] writes a new generation beside the live one and swaps
//! `CURRENT` with an atomic rename, so a failed or interrupted build leaves
//! the previous snapshot intact and servable.
//!
//! Writing goes through the publisher's [`GenerationWriter`], which hands
//! out a typed writer for each part of a generation: the per-concept string
//! tables ([`ConceptsWriter`]), page ids, the names table, aliases and
//! categories, out-links ([`OutLinksWriter`], whose `finish` also inverts
//! them into in-links), summary links, related concepts
//! ([`RelatedWriter`]), the mention dictionary's bytes, the records files,
//! the ontology ([`StoredOntology`]), a concept's pages in the build's
//! other languages ([`TranslationsWriter`]) and the manifest. What a later phase of a build needs from an earlier
//! one it reads back through the same handle: an adjacency as
//! `kenning-graph`'s `Csr`, the summaries, or the whole generation as a
//! [`Snapshot`]. So the layout is defined here alone: a build names no
//! file. ([`files`] stays public for readers of what [`Snapshot`] does not
//! read itself: the search index's folder and the records files.)
//!
//! Reading ([`Snapshot::open`]) memory-maps the files: opening costs a few
//! system calls whatever the snapshot's size, and pages are read on demand.
//!
//! It deliberately does not decide what goes into a snapshot (that is the
//! build pipeline's job: which concepts, links and scores), nor write the
//! search index's contents or the mention dictionary's (`kenning-search`
//! and `kenning-linker` own those formats), nor answer queries beyond
//! direct look-ups by id and exact title.

#![deny(clippy::undocumented_unsafe_blocks)]

mod adjacency;
mod checksums;
mod columns;
mod error;
mod generation;
mod layout;
mod meta;
mod ontology;
mod publish;
mod report;
mod snapshot;
mod translations;

pub use adjacency::{AdjacencyWriter, LinkCounts, OutLinksWriter};
pub use checksums::{FileChecksum, Verified, verify_generation};
pub use columns::{StrTable, StrTableStream, StrTableWriter, title_key};
pub use error::StoreError;
pub use generation::{ConceptStrings, ConceptsWriter, GenerationWriter, RelatedWriter};
pub use layout::{CATEGORY_KIND, ConceptIdx, FORMAT_VERSION, category_flags, files};
pub use meta::{LanguageMeta, Meta, SiteMeta, SourceMeta, Stats};
pub use ontology::{StoredCategory, StoredCluster, StoredOntology};
pub use publish::Publisher;
pub use report::StatsReport;
pub use snapshot::{CategoryView, ConceptView, Snapshot};
pub use translations::{Translation, TranslationCounts, TranslationsWriter};
