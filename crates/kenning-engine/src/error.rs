/// Why the engine could not answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The snapshot could not be opened.
    #[error(transparent)]
    Store(#[from] kenning_store::StoreError),
    /// The search index could not be opened or queried.
    #[error("search index: {0}")]
    Search(String),
}
