//! One connection to the database, with kenning's statements prepared on
//! it once: a call then costs one round trip per statement, not two (parse
//! and execute).

use postgres::{Client, Config, NoTls, Statement};

use crate::{PgError, query_error, schema};

/// A connection and its prepared statements.
pub(crate) struct Connection {
    pub(crate) client: Client,
    pub(crate) statements: Statements,
}

/// kenning's statements, prepared on one connection.
pub(crate) struct Statements {
    /// Takes the write lock until the transaction ends: `$1` the lock.
    pub(crate) lock: Statement,
    /// The changes numbered above `$1`, in order, at most `$2` (NULL: all).
    pub(crate) changes: Statement,
    /// The changes above `$1` and the row of record `$2`/`$3` whatever its
    /// number, in order, each with whether it is that record's row.
    pub(crate) changes_and_row: Statement,
    /// Writes record `$2`/`$3` (`$3` NULL: a deletion) with the next change
    /// number, and notifies channel `$4` of it; answers the number.
    pub(crate) write: Statement,
    /// As `write`, without the notification (bulk loads notify once).
    pub(crate) upsert: Statement,
    /// Notifies channel `$1` with payload `$2`.
    pub(crate) notify: Statement,
}

/// The upsert both writes share.
const UPSERT: &str = "INSERT INTO kenning_records (kind, id, record, seq) \
     VALUES ($1, $2, $3, nextval('kenning_record_seq')) \
     ON CONFLICT (kind, id) DO UPDATE \
     SET record = EXCLUDED.record, seq = EXCLUDED.seq, written_at = now() \
     RETURNING seq";

impl Connection {
    /// Connects, creates or migrates kenning's tables (cheap once they are
    /// current: one locked read of `kenning_schema`), and prepares the
    /// statements.
    pub(crate) fn open(config: &Config, target: &str) -> Result<Connection, PgError> {
        let mut client = connect(config, target)?;
        schema::migrate(&mut client, target)?;
        let mut prepare = |what: &'static str, sql: &str| {
            client
                .prepare(sql)
                .map_err(|e| query_error(target, what, e))
        };
        let statements = Statements {
            lock: prepare(
                "cannot prepare the write lock",
                "SELECT pg_advisory_xact_lock($1)",
            )?,
            changes: prepare(
                "cannot prepare the read of changes",
                "SELECT seq, kind, id, record, false FROM kenning_records \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )?,
            changes_and_row: prepare(
                "cannot prepare the read of changes",
                "SELECT seq, kind, id, record, (kind = $2 AND id = $3) FROM kenning_records \
                 WHERE seq > $1 OR (kind = $2 AND id = $3) ORDER BY seq",
            )?,
            write: prepare(
                "cannot prepare the write",
                &format!("WITH w AS ({UPSERT}) SELECT seq, pg_notify($4, seq::text) FROM w"),
            )?,
            upsert: prepare("cannot prepare the write", UPSERT)?,
            notify: prepare(
                "cannot prepare the notification",
                "SELECT pg_notify($1, $2)",
            )?,
        };
        Ok(Connection { client, statements })
    }
}

/// A bare connection (a listener needs no statements).
pub(crate) fn connect(config: &Config, target: &str) -> Result<Client, PgError> {
    config
        .connect(NoTls)
        .map_err(|source| PgError::Unavailable {
            target: target.to_owned(),
            source,
        })
}
