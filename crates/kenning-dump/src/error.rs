use std::path::PathBuf;

/// Why reading a source stopped. Every variant names the file; positions
/// are byte offsets in the decompressed stream or 1-based line numbers.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The compressed data is damaged or cut short.
    #[error("{path}: corrupt or truncated {format} data at compressed byte {offset}: {message}")]
    Compression {
        /// The file.
        path: PathBuf,
        /// `bzip2` or `gzip`.
        format: &'static str,
        /// Offset in the compressed file where the damaged stream starts.
        offset: u64,
        /// What the decoder said.
        message: String,
    },
    /// The XML is not a MediaWiki export, or is malformed or truncated.
    #[error("{path}: {message} at byte {offset}")]
    Xml {
        /// The file.
        path: PathBuf,
        /// Byte offset in the decompressed XML.
        offset: u64,
        /// What is wrong, said for a person.
        message: String,
    },
    /// Bytes that are not UTF-8.
    #[error("{path}: invalid UTF-8 at byte {offset}")]
    Utf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset in the decompressed stream.
        offset: u64,
    },
    /// A line of a line-oriented source (JSONL, WikiExtractor, Wikidata
    /// JSON) is malformed.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// A statement of an SQL dump (a `langlinks` table) is malformed or
    /// cut short.
    #[error("{path}:{line}: {message} at byte {offset}")]
    Sql {
        /// The file.
        path: PathBuf,
        /// 1-based line number (a dump's `INSERT` statements are long
        /// single lines, hence the byte offset too).
        line: u64,
        /// Byte offset in the decompressed stream.
        offset: u64,
        /// What was expected and what was found, said for a person.
        message: String,
    },
    /// A line of a line-oriented source is longer than its reader reads
    /// (see [`ConceptsReader::MAX_LINE_BYTES`](crate::ConceptsReader::MAX_LINE_BYTES),
    /// [`ExtractedReader::MAX_LINE_BYTES`](crate::ExtractedReader::MAX_LINE_BYTES)
    /// and [`WikidataReader::MAX_LINE_BYTES`](crate::WikidataReader::MAX_LINE_BYTES)).
    #[error("{path}:{line}: line over {limit} bytes")]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The cap, in bytes (without the line end).
        limit: usize,
    },
}

impl DumpError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        DumpError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
