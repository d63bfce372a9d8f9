/// Why a build stopped. The live snapshot is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A source could not be read.
    #[error(transparent)]
    Source(#[from] kenning_dump::DumpError),
    /// A records file could not be read or holds a bad line.
    #[error(transparent)]
    Records(#[from] kenning_records::RecordsError),
    /// An ontology file could not be read or is not valid (the error
    /// names the file).
    #[error(transparent)]
    Ontology(#[from] kenning_ontology::OntologyError),
    /// The snapshot could not be written.
    #[error(transparent)]
    Store(#[from] kenning_store::StoreError),
    /// A temporary file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The sources' languages cannot make one build (the message says
    /// which sources and how to fix it).
    #[error("{0}")]
    Languages(String),
    /// Nothing to build from.
    #[error("no sources: give at least one --dump, --extracted or --concepts")]
    NoSources,
    /// The sources hold no concept at all.
    #[error("the sources hold no article (no page in namespace 0, no document, no record)")]
    NoConcepts,
    /// The mention dictionary could not be built (it is too large), or
    /// the one just written could not be read back.
    #[error(transparent)]
    Dictionary(#[from] kenning_linker::LinkerError),
    /// The full-text index could not be written.
    #[error(transparent)]
    Search(#[from] kenning_search::SearchError),
    /// A thread of the pipeline died unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

impl BuildError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        BuildError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
