//! Live records in PostgreSQL, for several `kenning serve` processes on
//! one snapshot.
//!
//! This crate owns kenning's tables in a PostgreSQL database (created or
//! migrated when a connection opens, versioned in `kenning_schema`), the
//! writes of records and deletions (one transaction each, committed before
//! the call returns), and the change feed replicas follow: every write
//! takes the next number of one sequence, under a lock that makes commit
//! order equal number order, and notifies the channel
//! [`NOTIFY_CHANNEL`]; a replica reads the changes numbered above the
//! last one it applied ([`PgRecords::changes_since`]), so a notification
//! missed during an outage costs nothing.
//!
//! It does not own what a record is (`kenning-records`), nor how a server
//! lays live records over its snapshot (`kenning-engine`), nor the
//! single-machine store (`kenning-records`' redb `RecordStore`).
//!
//! Connections are plain TCP or a Unix socket (`host=/run/postgresql`):
//! no TLS.

mod connection;
mod error;
mod schema;

use std::sync::Mutex;
use std::time::Duration;

use kenning_records::Record;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config};

use crate::connection::Connection;

pub use crate::error::PgError;
use crate::error::is_connection_problem;
pub use crate::schema::SCHEMA_VERSION;

/// The channel every write notifies (its payload is the change number).
pub const NOTIFY_CHANNEL: &str = "kenning_records";

/// How long a connection attempt may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The advisory lock every write holds until it commits, so that changes
/// commit in the order of their numbers (a reader that has seen change n
/// has seen every change before it). The number is arbitrary, chosen to
/// be kenning's ("kenning" in ASCII, as an integer).
const WRITE_LOCK: i64 = 0x006b_656e_6e69_6e67;

/// A change to the live records: the record as written, or its deletion.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Its number: changes are numbered in commit order, from 1 (gaps are
    /// possible: a write that failed took a number).
    pub seq: i64,
    /// The record's type.
    pub kind: String,
    /// The record's id.
    pub id: String,
    /// The record as written, `None` for a deletion.
    pub record: Option<Record>,
}

/// What a write writes.
#[derive(Clone, Copy, Debug)]
pub enum Write<'a> {
    /// Store this record (replacing the one with its type and id).
    Put(&'a Record),
    /// Delete the record with this type and id.
    Delete {
        /// Its type.
        kind: &'a str,
        /// Its id.
        id: &'a str,
    },
}

/// What the database held for a record before a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Previous {
    /// Nothing: the record was never written live (the snapshot's copy,
    /// if any, is the record).
    Absent,
    /// A deletion.
    Deleted,
    /// A record.
    Stored,
}

/// What [`PgRecords::write`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The changes numbered above the caller's last applied one and below
    /// this write's, in order: other servers' writes it has not applied.
    pub missed: Vec<Change>,
    /// What the database held for the record before.
    pub previous: Previous,
    /// This write's change number; `None` when the caller declined.
    pub seq: Option<i64>,
}

/// kenning's live records in one PostgreSQL database. `Send + Sync`.
///
/// It keeps two connections, opened on first use and again after one
/// breaks: one for writes, one for reads of the change feed; a
/// [`ChangeListener`] has its own.
pub struct PgRecords {
    config: Config,
    target: String,
    writer: Mutex<Option<Connection>>,
    reader: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for PgRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRecords")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Drop for PgRecords {
    /// Closes the connections on a thread of their own: the client blocks
    /// on a runtime of its own to close, which panics inside an async
    /// runtime's thread (where a server drops its engine at shutdown).
    fn drop(&mut self) {
        let clients: Vec<Connection> = [&mut self.writer, &mut self.reader]
            .into_iter()
            .filter_map(|slot| slot.get_mut().unwrap_or_else(|p| p.into_inner()).take())
            .collect();
        if !clients.is_empty() {
            // Should the thread not start, the clients are leaked rather
            // than closed here (the process is ending, or out of threads).
            let clients = std::mem::ManuallyDrop::new(clients);
            let closing = std::thread::Builder::new()
                .name("kenning-pg-close".into())
                .spawn(move || drop(std::mem::ManuallyDrop::into_inner(clients)));
            if let Ok(closing) = closing {
                let _ = closing.join();
            }
        }
    }
}

impl PgRecords {
    /// Parses `url` (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
    /// or the `key=value` form), connects, and creates or migrates
    /// kenning's tables.
    pub fn connect(url: &str) -> Result<PgRecords, PgError> {
        let records = PgRecords::new(url)?;
        records.with_client(&records.writer, |_, _| Ok(()))?;
        Ok(records)
    }

    /// Parses `url` without connecting: the first call connects (and
    /// creates or migrates the tables then).
    pub fn new(url: &str) -> Result<PgRecords, PgError> {
        let mut config: Config = url.parse().map_err(|source| PgError::Url { source })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("kenning");
        }
        // A broken network shows as an error within seconds rather than
        // as a call that hangs.
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(10));
        let target = describe(&config);
        Ok(PgRecords {
            config,
            target,
            writer: Mutex::new(None),
            reader: Mutex::new(None),
        })
    }

    /// Host, port and database, as errors name them (never the password).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Writes `write` in one transaction, committed when this returns.
    /// It takes the write lock, reads the changes numbered above `after`
    /// (other servers' writes the caller has not applied) and what the
    /// database holds for the record, and asks `decide` whether to go on
    /// (`false` writes nothing: deleting a record that does not exist).
    pub fn write(
        &self,
        after: i64,
        write: Write<'_>,
        decide: impl FnOnce(Previous) -> bool,
    ) -> Result<Written, PgError> {
        if let Write::Put(record) = write {
            record
                .check("request body")
                .map_err(|e| PgError::InvalidRecord(Box::new(e)))?;
        }
        let (kind, id, json) = match write {
            Write::Put(record) => (
                record.kind.as_str(),
                record.id.as_str(),
                Some(record.to_json()),
            ),
            Write::Delete { kind, id } => (kind, id, None),
        };
        self.with_client(&self.writer, |conn, target| {
            let Connection { client, statements } = conn;
            let mut tx = begin_write(client, statements, target)?;
            let rows = tx
                .query(&statements.changes_and_row, &[&after, &kind, &id])
                .map_err(|e| query_error(target, "cannot read the changes", e))?;
            let mut missed = Vec::with_capacity(rows.len());
            let mut previous = Previous::Absent;
            for row in &rows {
                let (change, this_record) = change_from_row(row, target)?;
                if this_record {
                    previous = if change.record.is_some() {
                        Previous::Stored
                    } else {
                        Previous::Deleted
                    };
                }
                if change.seq > after {
                    missed.push(change);
                }
            }
            if !decide(previous) {
                tx.rollback()
                    .map_err(|e| query_error(target, "cannot end a write", e))?;
                return Ok(Written {
                    missed,
                    previous,
                    seq: None,
                });
            }
            let row = tx
                .query_one(&statements.write, &[&kind, &id, &json, &NOTIFY_CHANNEL])
                .map_err(|e| query_error(target, "cannot write the record", e))?;
            let seq: i64 = row.get(0);
            tx.commit()
                .map_err(|e| query_error(target, "cannot commit", e))?;
            Ok(Written {
                missed,
                previous,
                seq: Some(seq),
            })
        })
    }

    /// Stores `records` in one transaction (all or none), each as one
    /// change, with one notification. How many there were before each
    /// (stored, deleted) is not told: this is the bulk load of `kenning
    /// records import`. The last change's number.
    pub fn put_all(&self, records: &[Record]) -> Result<Option<i64>, PgError> {
        for record in records {
            record
                .check("records")
                .map_err(|e| PgError::InvalidRecord(Box::new(e)))?;
        }
        self.with_client(&self.writer, |conn, target| {
            let Connection { client, statements } = conn;
            let mut tx = begin_write(client, statements, target)?;
            let mut last = None;
            for record in records {
                let row = tx
                    .query_one(
                        &statements.upsert,
                        &[&record.kind, &record.id, &Some(record.to_json())],
                    )
                    .map_err(|e| query_error(target, "cannot write a record", e))?;
                last = Some(row.get::<_, i64>(0));
            }
            if let Some(seq) = last {
                tx.execute(&statements.notify, &[&NOTIFY_CHANNEL, &seq.to_string()])
                    .map_err(|e| query_error(target, "cannot notify the other servers", e))?;
            }
            tx.commit()
                .map_err(|e| query_error(target, "cannot commit", e))?;
            Ok(last)
        })
    }

    /// The changes numbered above `after`, in order, at most `limit` of
    /// them when given. `changes_since(0, None)` is every live record and
    /// deletion.
    pub fn changes_since(&self, after: i64, limit: Option<i64>) -> Result<Vec<Change>, PgError> {
        // One statement sees one snapshot: no transaction needed.
        self.with_client(&self.reader, |conn, target| {
            let rows = conn
                .client
                .query(&conn.statements.changes, &[&after, &limit])
                .map_err(|e| query_error(target, "cannot read the changes", e))?;
            rows.iter()
                .map(|row| change_from_row(row, target).map(|(change, _)| change))
                .collect()
        })
    }

    /// A new connection listening to [`NOTIFY_CHANNEL`].
    pub fn listen(&self) -> Result<ChangeListener, PgError> {
        let mut client = connection::connect(&self.config, &self.target)?;
        client
            .batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))
            .map_err(|e| query_error(&self.target, "cannot listen for changes", e))?;
        Ok(ChangeListener {
            client,
            target: self.target.clone(),
        })
    }

    /// Runs `op` on the connection in `slot`, opening it first when there
    /// is none or it broke; a connection that breaks during `op` is
    /// dropped, so the next call opens a new one.
    fn with_client<T>(
        &self,
        slot: &Mutex<Option<Connection>>,
        op: impl FnOnce(&mut Connection, &str) -> Result<T, PgError>,
    ) -> Result<T, PgError> {
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(|c| c.client.is_closed()) {
            *slot = None;
        }
        if slot.is_none() {
            *slot = Some(Connection::open(&self.config, &self.target)?);
        }
        let client = slot.as_mut().expect("connection just opened");
        let result = op(client, &self.target);
        if matches!(&result, Err(e) if e.is_unavailable()) {
            *slot = None;
        }
        result
    }
}

/// A connection that waits for changes.
pub struct ChangeListener {
    client: Client,
    target: String,
}

impl std::fmt::Debug for ChangeListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeListener")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl ChangeListener {
    /// Waits at most `timeout` for a change: whether one was notified (any
    /// number of them count as one). An error when the connection broke:
    /// open a new listener, then read the changes since the last applied.
    pub fn wait(&mut self, timeout: Duration) -> Result<bool, PgError> {
        let first = {
            let mut notifications = self.client.notifications();
            let first = notifications.timeout_iter(timeout).next();
            if matches!(first, Ok(Some(_))) {
                // Take the ones already here, so one read serves them all.
                let mut pending = notifications.iter();
                while let Ok(Some(_)) = pending.next() {}
            }
            first
        };
        match first {
            Ok(Some(_)) => Ok(true),
            Ok(None) if !self.client.is_closed() => Ok(false),
            // The server closed the connection: asking it something gives
            // the error that says why.
            Ok(None) => match self.client.simple_query("SELECT 1") {
                Err(source) => Err(PgError::Unavailable {
                    target: self.target.clone(),
                    source,
                }),
                Ok(_) => Ok(false),
            },
            Err(source) => Err(PgError::Unavailable {
                target: self.target.clone(),
                source,
            }),
        }
    }
}

/// Begins a write transaction holding the write lock until it ends.
fn begin_write<'a>(
    client: &'a mut Client,
    statements: &connection::Statements,
    target: &str,
) -> Result<postgres::Transaction<'a>, PgError> {
    let mut tx = client
        .transaction()
        .map_err(|e| query_error(target, "cannot begin a write", e))?;
    tx.execute(&statements.lock, &[&WRITE_LOCK])
        .map_err(|e| query_error(target, "cannot take the write lock", e))?;
    Ok(tx)
}

/// A row `(seq, kind, id, record, this record's row?)` as a change.
fn change_from_row(row: &postgres::Row, target: &str) -> Result<(Change, bool), PgError> {
    let seq: i64 = row.get(0);
    let kind: String = row.get(1);
    let id: String = row.get(2);
    let json: Option<String> = row.get(3);
    let this_record: bool = row.get(4);
    let record = match json {
        None => None,
        Some(json) => Some(
            Record::from_json(&json, &format!("records database row {kind}/{id}")).map_err(
                |source| PgError::BadRow {
                    target: target.to_owned(),
                    kind: kind.clone(),
                    id: id.clone(),
                    seq,
                    source: Box::new(source),
                },
            )?,
        ),
    };
    Ok((
        Change {
            seq,
            kind,
            id,
            record,
        },
        this_record,
    ))
}

/// A client error as a [`PgError`]: unavailable when the connection is
/// the problem.
pub(crate) fn query_error(target: &str, what: &'static str, source: postgres::Error) -> PgError {
    if is_connection_problem(&source) {
        PgError::Unavailable {
            target: target.to_owned(),
            source,
        }
    } else {
        PgError::Query {
            target: target.to_owned(),
            what,
            source,
        }
    }
}

/// `host:port/database` of a configuration, for messages.
fn describe(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}
