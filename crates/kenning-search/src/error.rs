//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong building or reading a search index.
///
/// Queries never fail for their content: an empty, over-long or
/// punctuation-only query gives zero results, not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// A file or folder of the index could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The folder does not hold a kenning search index (or a damaged one).
    #[error("{path}: not a kenning search index: {reason}")]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
    /// The index was written by another version of this crate.
    #[error(
        "{path}: search index format {found}, this kenning reads format {expected}; rebuild the snapshot"
    )]
    Version {
        /// The folder.
        path: PathBuf,
        /// Format version found in the folder.
        found: u32,
        /// Format version this build reads and writes.
        expected: u32,
    },
    /// The folder given to [`IndexWriter::create`](crate::IndexWriter::create) is not empty.
    #[error("{path}: folder is not empty; a search index is written into an empty or new folder")]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The search engine inside failed (indexing thread died, corrupt
    /// segment, ...). The message is the engine's.
    #[error("search index: {0}")]
    Engine(String),
}

/// Wraps an error of the engine inside without exposing its type.
pub(crate) fn engine(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}
