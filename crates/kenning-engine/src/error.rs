/// Why the engine could not answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The snapshot could not be opened.
    #[error(transparent)]
    Store(#[from] kenning_store::StoreError),
    /// The search index could not be opened or queried.
    #[error("search index: {0}")]
    Search(String),
    /// The records (the snapshot's or the live store) could not be read
    /// or written.
    #[error("records: {0}")]
    Records(String),
    /// The live records store could not be opened, read or written.
    #[error(transparent)]
    LiveStore(kenning_records::RecordsError),
    /// The live records store is out of disk space (or quota): nothing was
    /// written; writes succeed again once space is freed.
    #[error("out of disk space: {0}")]
    DiskFull(#[source] kenning_records::RecordsError),
    /// A record given to a write is not valid (the message names the field).
    #[error("{0}")]
    InvalidRecord(String),
    /// Writes were asked of an engine opened read-only.
    #[error("this engine was opened read-only; records cannot be written")]
    ReadOnly,
}
