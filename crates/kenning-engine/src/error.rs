/// Why the engine could not answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The snapshot could not be opened.
    #[error(transparent)]
    Store(#[from] kenning_store::StoreError),
    /// The snapshot's search index could not be opened.
    #[error("{path}: {source}")]
    SearchIndex {
        /// The index's folder.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: kenning_search::SearchError,
    },
    /// The search index could not be queried.
    #[error(transparent)]
    Search(#[from] kenning_search::SearchError),
    /// The snapshot's records file could not be read.
    #[error(transparent)]
    SnapshotRecords(kenning_records::RecordsError),
    /// A file of the snapshot could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The records could not be loaded or written for another reason (the
    /// message says which).
    #[error("records: {0}")]
    Records(String),
    /// The live records store could not be opened, read or written.
    #[error(transparent)]
    LiveStore(kenning_records::RecordsError),
    /// The live records store is out of disk space (or quota): nothing was
    /// written; writes succeed again once space is freed.
    #[error("out of disk space: {0}")]
    DiskFull(#[source] kenning_records::RecordsError),
    /// The shared records database is out of reach: nothing was written;
    /// writes succeed again once it is back (the server reconnects).
    #[error("{0}")]
    RecordsUnavailable(#[source] kenning_records_pg::PgError),
    /// The shared records database refused a read or a write.
    #[error(transparent)]
    RecordsDatabase(kenning_records_pg::PgError),
    /// A record given to a write is not valid (the message names the field).
    #[error("{0}")]
    InvalidRecord(String),
    /// A write reached an engine that a newer generation's engine has
    /// replaced (it took the live store over): retry it on the new one.
    #[error("this engine was replaced by a newer generation's; retry the write")]
    Retired,
    /// Writes were asked of an engine opened read-only.
    #[error("this engine was opened read-only; records cannot be written")]
    ReadOnly,
}
