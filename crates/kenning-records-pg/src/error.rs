//! Why a PostgreSQL records call failed.

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The URL is not a PostgreSQL connection string.
    #[error(
        "records database URL: {source} (expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE)"
    )]
    Url {
        /// What the parser said.
        #[source]
        source: postgres::Error,
    },
    /// The database could not be reached, or the connection broke: the
    /// call may be retried once it is back.
    #[error("records database {target} is unavailable: {source}")]
    Unavailable {
        /// Host, port and database (never the password).
        target: String,
        /// What the client said.
        #[source]
        source: postgres::Error,
    },
    /// The database answered with an error.
    #[error("records database {target}: {what}: {source}")]
    Query {
        /// Host, port and database.
        target: String,
        /// What kenning was doing.
        what: &'static str,
        /// What the server said.
        #[source]
        source: postgres::Error,
    },
    /// kenning's tables were made by a newer kenning.
    #[error(
        "records database {target}: kenning's tables are at schema version {found}, newer than \
         this kenning knows ({known}); run a kenning at least as new as the one that wrote them"
    )]
    SchemaTooNew {
        /// Host, port and database.
        target: String,
        /// The version found.
        found: i32,
        /// The newest version this kenning knows.
        known: i32,
    },
    /// A row does not hold a valid record.
    #[error("records database {target}: row {kind}/{id} (change {seq}): {source}")]
    BadRow {
        /// Host, port and database.
        target: String,
        /// The record's type.
        kind: String,
        /// Its id.
        id: String,
        /// Its change number.
        seq: i64,
        /// Why it is not a record.
        #[source]
        source: Box<kenning_records::RecordsError>,
    },
    /// A record given to a write is not valid.
    #[error(transparent)]
    InvalidRecord(Box<kenning_records::RecordsError>),
}

impl PgError {
    /// Whether the database could not be reached (the same call may
    /// succeed later, without anything changing on this side).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, PgError::Unavailable { .. })
    }
}

/// Whether a client error means the server is out of reach (no
/// connection, a broken one, a server shutting down or starting) rather
/// than a refused statement.
pub(crate) fn is_connection_problem(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        // No SQL state: the error is the client's own (I/O, timeout).
        None => true,
        // Class 08: connection exception; 57P01..57P03: admin shutdown,
        // crash shutdown, cannot connect now; 53300: too many connections.
        Some(code) => {
            let code = code.code();
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }
    }
}
