use std::path::PathBuf;

/// Why a snapshot could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file of a generation does not match the checksum its manifest
    /// gives.
    #[error("{path}: {message}")]
    Checksum {
        /// The file.
        path: PathBuf,
        /// How it differs.
        message: String,
    },
    /// The folder holds no snapshot.
    #[error(
        "{path}: no snapshot here (no CURRENT file); build one with `kenning build --out {path}`"
    )]
    Missing {
        /// The folder.
        path: PathBuf,
    },
    /// The snapshot was written by an incompatible version of kenning.
    #[error(
        "{path}: snapshot format {found}, this kenning reads format {expected}; rebuild it with `kenning build`"
    )]
    Version {
        /// The generation folder.
        path: PathBuf,
        /// The version on disk.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// The folder given to write a snapshot into cannot hold one (it is a
    /// file, or a folder of other things).
    #[error("{path}: {message}")]
    BadOutput {
        /// The folder.
        path: PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
    /// Another build is writing into the same folder.
    #[error(
        "{path}: another `kenning build` is writing into this folder (it holds {lock}); wait \
         for it to finish, or build into another folder"
    )]
    BuildInProgress {
        /// The folder.
        path: PathBuf,
        /// The lock file.
        lock: String,
    },
    /// A writer was handed something the format cannot hold (a link to a
    /// concept that does not exist, a page id given twice).
    #[error("{path}: cannot be written: {message}")]
    Invalid {
        /// The file being written.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file of the snapshot is damaged (wrong size, bad manifest).
    #[error("{path}: damaged snapshot: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
