//! The build pipeline: sources in, a published snapshot out.
//!
//! This crate owns the order of work and its memory budget. Pages stream
//! from `kenning-dump` on one reader thread, are turned into concept rows
//! by `kenning-wikitext` on worker threads, and are written by one
//! collector in source order (so a build is deterministic whatever the
//! thread count); the reader queues pages within a byte budget, so the
//! pages in flight never pass `max(threads × 16 MiB, largest page)` bytes.
//! Everything per concept goes straight to disk; what stays
//! in memory is one 12-byte entry per title and redirect, one per category,
//! and a few integers per concept. Links are spilled to a temporary file and
//! resolved through redirects after the last page, then laid out as
//! compressed-sparse-row adjacency in both directions.
//!
//! It deliberately does not parse formats (`kenning-dump`), interpret
//! markup (`kenning-wikitext`) or define or name the snapshot's files
//! (everything goes through `kenning-store`'s `GenerationWriter`, and
//! later phases read what earlier ones wrote through it); and it never
//! touches the live snapshot until the new one is complete.

#![forbid(unsafe_code)]

mod anchors;
mod budget;
mod collector;
mod concept_graph;
mod detect;
mod error;
mod index;
mod languages;
mod lead_residue;
mod linking;
mod mentions;
mod ontology;
mod parallel;
mod pipeline;
mod plain;
mod process;
mod progress;
mod records;
mod redirects;
mod related;
mod sources;
mod spill;
mod text_spill;
mod timestamp;

pub use error::BuildError;

pub use progress::{BuildProgress, Phase};

use std::path::PathBuf;
use std::sync::Arc;

/// A source to build from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A MediaWiki XML export (plain, `.bz2`, multistream `.bz2`, `.gz`).
    Dump(PathBuf),
    /// A WikiExtractor output folder or file.
    Extracted(PathBuf),
    /// A concepts JSONL file (plain or `.gz`).
    Concepts(PathBuf),
}

impl Source {
    /// The file or folder to read.
    pub(crate) fn path(&self) -> &std::path::Path {
        match self {
            Source::Dump(p) | Source::Extracted(p) | Source::Concepts(p) => p,
        }
    }
}

/// What to build and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The snapshot folder; the new snapshot replaces the live one there.
    pub out: PathBuf,
    /// Sources, read in this order (the first title wins on duplicates).
    pub sources: Vec<Source>,
    /// Records files (records JSONL), read in this order: a later record
    /// with the same type and id replaces an earlier one.
    pub records: Vec<PathBuf>,
    /// Worker threads for extraction and decompression.
    pub threads: usize,
    /// For evaluating concept detection only: this percentage of the
    /// concepts (chosen by [`held_out`]) contributes nothing to the mention
    /// dictionary (no anchors, no link-probability counts), so their links
    /// can serve as gold. 0 for a normal build.
    pub holdout_percent: u32,
    /// The fields of records linked to concepts besides the title and the
    /// text (by default `keywords`), with their weights; written into the
    /// snapshot so that records written live are linked the same way.
    pub record_fields: kenning_records::FieldWeights,
    /// Ontology files (`kenning-ontology`'s formats: EPFL Graph's
    /// `ontology_structure.json`, kenning's ontology JSONL), read before
    /// any source and merged in this order; their concepts are matched to
    /// the snapshot's by title, redirect or page id.
    pub ontologies: Vec<PathBuf>,
    /// Language editions: which language each source is in, and the
    /// interlanguage links and Wikidata items that join them.
    pub languages: LanguageOptions,
}

/// What joins several language editions into one graph (see
/// `ARCHITECTURE.md`, "Languages"). All empty by default: a dump's own
/// language is read from its `<siteinfo>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageOptions {
    /// `(source path, language code)`: the language of a source whose own
    /// is missing or wrong (an export that says `xml:lang="en"` for every
    /// wiki; a WikiExtractor folder of another language).
    pub sources: Vec<(PathBuf, String)>,
    /// Wikimedia `langlinks` SQL dumps, each with the language of its wiki
    /// when given (else read from a `{code}wiki-` file name, else the
    /// primary language).
    pub langlinks: Vec<(PathBuf, Option<String>)>,
    /// Wikidata JSON dumps: items' sitelinks join the editions' pages.
    pub wikidata: Vec<PathBuf>,
    /// Languages the concepts are named in besides their sources' (from
    /// `--wikidata` labels and aliases), in this order after them; the
    /// first is the primary one when no source says its language.
    pub named: Vec<String>,
}

/// Whether a concept titled `title` is held out of the mention dictionary
/// when `percent` percent are: a fixed hash of the title, so the same
/// concepts are held out in every run.
pub fn held_out(title: &str, percent: u32) -> bool {
    percent > 0 && kenning_store::title_key(title) % 100 < u64::from(percent.min(100))
}

/// What a finished build reports.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// The published generation folder.
    pub generation: PathBuf,
    /// The manifest written with it.
    pub meta: kenning_store::Meta,
    /// The most bytes of pages (their text, plus a small allowance per
    /// page) that were read and not yet applied at once: in flight between
    /// the reader and the collector, or held by the reader while it waited
    /// for room.
    pub pages_in_flight_peak: u64,
}

/// Builds a snapshot from `options.sources` and publishes it in
/// `options.out`. On error nothing is published and the live snapshot is
/// untouched. `progress` is updated as the build goes (read it from another
/// thread to draw a progress bar).
pub fn build(
    options: &BuildOptions,
    progress: &Arc<BuildProgress>,
) -> Result<BuildReport, BuildError> {
    pipeline::run(options, progress)
}
