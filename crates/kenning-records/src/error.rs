use std::fmt;

/// Why reading, checking or storing records stopped.
///
/// Every variant names where: the file (or the store's path, or the
/// origin given to [`Record::from_json`](crate::Record::from_json)) and,
/// for a line of JSONL, its 1-based line number. Displayed on one line,
/// e.g. `records.jsonl:12: field "links[0].rel": expected a string, found a number`.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file holds no record at all (it is empty or only blank lines).
    #[error("{file}: no records (the file is empty)")]
    Empty {
        /// The file.
        file: String,
    },
    /// A line is not JSON, or not a JSON object.
    #[error("{}invalid JSON: {message}", Place(file, *line))]
    Json {
        /// The file.
        file: String,
        /// 1-based line number (0 when the text did not come from a file).
        line: u64,
        /// What the parser said.
        message: String,
    },
    /// A line's bytes are not UTF-8.
    #[error("{}invalid UTF-8 at byte {byte} of the line", Place(file, *line))]
    Utf8 {
        /// The file.
        file: String,
        /// 1-based line number.
        line: u64,
        /// 0-based byte offset in the line of the first invalid byte.
        byte: usize,
    },
    /// A line is longer than [`MAX_LINE_BYTES`](crate::MAX_LINE_BYTES).
    #[error("{}line longer than {limit} bytes", Place(file, *line))]
    LineTooLong {
        /// The file.
        file: String,
        /// 1-based line number.
        line: u64,
        /// The limit.
        limit: usize,
    },
    /// A field is missing, of the wrong JSON type, empty, or holds
    /// characters it may not hold.
    #[error("{}field \"{field}\": {problem}", Place(file, *line))]
    Field {
        /// The file.
        file: String,
        /// 1-based line number (0 when the text did not come from a file).
        line: u64,
        /// Path of the field in the record: `id`, `links[0].rel`, `fields.year`.
        field: String,
        /// What is wrong with it, said for a person.
        problem: String,
    },
    /// The same `type` and `id` appear twice in one file.
    #[error(
        "{}duplicate record {kind}/{id} (first seen at line {first_line})",
        Place(file, *line)
    )]
    Duplicate {
        /// The file.
        file: String,
        /// 1-based line number of the second occurrence.
        line: u64,
        /// The record's type.
        kind: String,
        /// The record's id.
        id: String,
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// The records store is open in another process (redb lets one
    /// process at a time open a store).
    #[error(
        "{path}: records store: open in another process (is another `kenning serve` serving \
         this folder? One server at a time may serve a folder: stop the other one first)"
    )]
    StoreInUse {
        /// The store's file.
        path: String,
    },
    /// The records store could not be opened, read or written.
    #[error("{path}: records store: {message}")]
    Store {
        /// The store's file.
        path: String,
        /// What went wrong.
        message: String,
        /// The underlying error, when there is one.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl RecordsError {
    /// Whether this is a store error caused by a full disk (or an
    /// exhausted quota): nothing was written, and writing can succeed
    /// again once space is freed.
    pub fn is_disk_full(&self) -> bool {
        self.io_error().is_some_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        })
    }

    /// Whether the store is open in another process.
    pub fn is_store_in_use(&self) -> bool {
        matches!(self, RecordsError::StoreInUse { .. })
    }

    /// Whether the store could not be created or written because of where
    /// it is: a read-only file system, or files this user may not write.
    pub fn is_permission_problem(&self) -> bool {
        self.io_error().is_some_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            )
        })
    }

    /// Whether this is the store's own error (opening, reading, writing,
    /// committing), as opposed to a record that is not valid.
    pub fn is_store_failure(&self) -> bool {
        matches!(
            self,
            RecordsError::Store { .. } | RecordsError::StoreInUse { .. }
        )
    }

    /// The operating system's error under a store error, when there is one.
    fn io_error(&self) -> Option<&std::io::Error> {
        let RecordsError::Store {
            source: Some(source),
            ..
        } = self
        else {
            return None;
        };
        let source: &(dyn std::error::Error + 'static) = source.as_ref();
        // redb's errors do not expose their sources: look inside by type.
        let storage = if let Some(e) = source.downcast_ref::<redb::CommitError>() {
            match e {
                redb::CommitError::Storage(s) => Some(s),
                _ => None,
            }
        } else if let Some(e) = source.downcast_ref::<redb::TransactionError>() {
            match e {
                redb::TransactionError::Storage(s) => Some(s),
                _ => None,
            }
        } else if let Some(e) = source.downcast_ref::<redb::TableError>() {
            match e {
                redb::TableError::Storage(s) => Some(s),
                _ => None,
            }
        } else if let Some(e) = source.downcast_ref::<redb::DatabaseError>() {
            match e {
                redb::DatabaseError::Storage(s) => Some(s),
                _ => None,
            }
        } else {
            source.downcast_ref::<redb::StorageError>()
        };
        match storage {
            Some(redb::StorageError::Io(io)) => Some(io),
            _ => source.downcast_ref::<std::io::Error>(),
        }
    }
}

/// `file:line: `, `file: ` when there is no line, nothing when there is no file.
struct Place<'a>(&'a str, u64);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.is_empty(), self.1) {
            (true, _) => Ok(()),
            (false, 0) => write!(f, "{}: ", self.0),
            (false, line) => write!(f, "{}:{}: ", self.0, line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_line_and_field() {
        let e = RecordsError::Field {
            file: "records.jsonl".into(),
            line: 12,
            field: "links[0].rel".into(),
            problem: "expected a string, found a number".into(),
        };
        assert_eq!(
            e.to_string(),
            "records.jsonl:12: field \"links[0].rel\": expected a string, found a number"
        );
        let e = RecordsError::Json {
            file: "request body".into(),
            line: 0,
            message: "expected value at column 1".into(),
        };
        assert_eq!(
            e.to_string(),
            "request body: invalid JSON: expected value at column 1"
        );
        let e = RecordsError::Json {
            file: String::new(),
            line: 0,
            message: "x".into(),
        };
        assert_eq!(e.to_string(), "invalid JSON: x");
    }
}
