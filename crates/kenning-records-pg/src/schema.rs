//! kenning's tables and their migrations.
//!
//! `kenning_schema` holds one row: the version of the tables. Each
//! migration takes the tables from one version to the next, in the same
//! transaction as the version's update, under an advisory lock, so two
//! servers starting at once migrate once.

use postgres::Client;

use crate::{PgError, query_error};

/// The version of kenning's tables this kenning writes.
pub const SCHEMA_VERSION: i32 = 1;

/// The lock migrations hold ("kenning" + 1).
const MIGRATION_LOCK: i64 = 0x006b_656e_6e69_6e68;

/// The statements that take the tables from version `i` to `i + 1`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 1: records by type and id; `record` is one line of records JSONL, or
    // NULL for a deletion (kept, so servers that load later hide the
    // snapshot's copy); `seq` numbers changes in commit order.
    "CREATE SEQUENCE kenning_record_seq;
     CREATE TABLE kenning_records (
         kind text NOT NULL,
         id text NOT NULL,
         record text,
         seq bigint NOT NULL,
         written_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (kind, id)
     );
     CREATE UNIQUE INDEX kenning_records_seq ON kenning_records (seq);",
];

/// Creates the tables, or brings them to [`SCHEMA_VERSION`].
pub(crate) fn migrate(client: &mut Client, target: &str) -> Result<(), PgError> {
    let mut tx = client
        .transaction()
        .map_err(|e| query_error(target, "cannot begin the migration", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| query_error(target, "cannot take the migration lock", e))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS kenning_schema (version integer NOT NULL)")
        .map_err(|e| query_error(target, "cannot create kenning_schema", e))?;
    let found: Option<i32> = tx
        .query_opt("SELECT version FROM kenning_schema", &[])
        .map_err(|e| query_error(target, "cannot read the schema version", e))?
        .map(|row| row.get(0));
    let from = found.unwrap_or(0);
    if from > SCHEMA_VERSION {
        return Err(PgError::SchemaTooNew {
            target: target.to_owned(),
            found: from,
            known: SCHEMA_VERSION,
        });
    }
    for step in &MIGRATIONS[from as usize..] {
        tx.batch_execute(step)
            .map_err(|e| query_error(target, "cannot migrate kenning's tables", e))?;
    }
    if found.is_none() {
        tx.execute(
            "INSERT INTO kenning_schema (version) VALUES ($1)",
            &[&SCHEMA_VERSION],
        )
    } else {
        tx.execute("UPDATE kenning_schema SET version = $1", &[&SCHEMA_VERSION])
    }
    .map_err(|e| query_error(target, "cannot write the schema version", e))?;
    tx.commit()
        .map_err(|e| query_error(target, "cannot commit the migration", e))
}
