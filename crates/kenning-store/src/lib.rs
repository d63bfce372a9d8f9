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
//! Reading ([`Snapshot::open`]) memory-maps the files: opening costs a few
//! system calls whatever the snapshot's size, and pages are read on demand.
//!
//! It deliberately does not decide what goes into a snapshot (that is the
//! build pipeline's job) nor answer queries beyond direct look-ups by id and
//! exact title.

#![deny(clippy::undocumented_unsafe_blocks)]

mod columns;
mod error;
mod publish;
mod report;
mod snapshot;

pub use columns::{ColumnWriter, StrTable, StrTableStream, StrTableWriter, title_key};
pub use error::StoreError;
pub use publish::Publisher;
pub use report::StatsReport;
pub use snapshot::{
    ConceptIdx, ConceptView, FORMAT_VERSION, Meta, SiteMeta, Snapshot, SourceMeta, Stats, files,
};
