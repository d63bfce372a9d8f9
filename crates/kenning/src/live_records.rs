//! `kenning records export` and `kenning records import`: the live records
//! (written through the API, laid over a snapshot's) moved between the
//! single-server store (`DIR/live-records.redb`) and a PostgreSQL
//! database shared by several servers, as records JSONL.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use kenning_records::{Record, RecordStore, RecordsReader};
use kenning_records_pg::PgRecords;
use kenning_store::{Snapshot, files};

/// Records written per transaction by an import.
const IMPORT_BATCH: usize = 1000;

/// Where the live records are: a snapshot folder's file, or a database.
pub(crate) enum LiveRecordsAt {
    File(PathBuf),
    Database(String),
}

impl LiveRecordsAt {
    /// The store of snapshot `dir`: the database at `url` when given (the
    /// flag, else `KENNING_RECORDS_DB`), else `DIR/live-records.redb`.
    /// `dir` must be a snapshot, so that a mistyped folder is not taken
    /// for an empty store.
    pub(crate) fn of(dir: &Path, url: Option<String>) -> Result<LiveRecordsAt> {
        Snapshot::open(dir).with_context(|| format!("{} is not a snapshot", dir.display()))?;
        Ok(
            match url.or_else(|| std::env::var("KENNING_RECORDS_DB").ok()) {
                Some(url) => LiveRecordsAt::Database(url),
                None => LiveRecordsAt::File(dir.join(files::LIVE_RECORDS)),
            },
        )
    }
}

/// Writes every live record as a line of records JSONL to `out`; says on
/// stderr how many, and how many deletions could not be written.
pub(crate) fn export(at: &LiveRecordsAt, out: &mut dyn Write) -> Result<()> {
    let (mut records, deletions) = match at {
        LiveRecordsAt::File(path) => {
            if !path.is_file() {
                eprintln!(
                    "kenning: {} does not exist: no record was written live",
                    path.display()
                );
                return Ok(());
            }
            let store = explain_in_use(RecordStore::open_to_read(path))?;
            let records = store.iter()?.collect::<Result<Vec<Record>, _>>()?;
            (records, store.deleted()?.len())
        }
        LiveRecordsAt::Database(url) => {
            let db = PgRecords::connect(url)?;
            let mut records = Vec::new();
            let mut deletions = 0;
            for change in db.changes_since(0, None)? {
                match change.record {
                    Some(record) => records.push(record),
                    None => deletions += 1,
                }
            }
            (records, deletions)
        }
    };
    records.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    for record in &records {
        writeln!(out, "{}", record.to_json()).context("cannot write the records")?;
    }
    out.flush().context("cannot write the records")?;
    eprintln!("kenning: {} live records exported", records.len());
    if deletions > 0 {
        eprintln!(
            "kenning: note: {deletions} records deleted live are not exported (records JSONL \
             has no deletions): delete them again through the API where you import these"
        );
    }
    Ok(())
}

/// Loads the records of `file` into the live store: every line is checked
/// first (nothing is written when one is bad), then the records are
/// written in transactions of [`IMPORT_BATCH`], replacing live records
/// with the same type and id. How many were written.
pub(crate) fn import(at: &LiveRecordsAt, file: &Path) -> Result<usize> {
    let mut checked = 0usize;
    for record in RecordsReader::open(file)? {
        record?;
        checked += 1;
    }
    enum Target {
        File(RecordStore),
        Database(PgRecords),
    }
    let target = match at {
        LiveRecordsAt::File(path) => Target::File(explain_in_use(RecordStore::open(path))?),
        LiveRecordsAt::Database(url) => Target::Database(PgRecords::connect(url)?),
    };
    let mut written = 0usize;
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut reader = RecordsReader::open(file)?;
    loop {
        let next = reader.next().transpose()?;
        let done = next.is_none();
        batch.extend(next);
        if batch.len() == IMPORT_BATCH || (done && !batch.is_empty()) {
            match &target {
                Target::File(store) => {
                    store.put_all(&batch)?;
                }
                Target::Database(db) => {
                    db.put_all(&batch).with_context(|| {
                        format!(
                            "{written} of {checked} records were imported before this error; \
                             importing the file again is safe (records are replaced)"
                        )
                    })?;
                }
            }
            written += batch.len();
            batch.clear();
        }
        if done {
            break;
        }
    }
    if written != checked {
        bail!(
            "{} changed while it was imported ({checked} records checked, {written} written)",
            file.display()
        );
    }
    Ok(written)
}

/// The file store opened, or why not, explaining the one error people
/// meet: a running server holds it.
fn explain_in_use(
    opened: Result<RecordStore, kenning_records::RecordsError>,
) -> Result<RecordStore> {
    opened.map_err(|e| {
        if e.is_store_in_use() {
            anyhow::anyhow!(
                "{e}: a running `kenning serve` holds it; stop that server first, or write \
                 through its API (PUT /api/v1/records/{{type}}/{{id}})"
            )
        } else {
            e.into()
        }
    })
}
