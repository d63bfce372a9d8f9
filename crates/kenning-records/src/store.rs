//! The records store: records by (type, id) in one ACID file, for live
//! writes between builds.

use std::path::{Path, PathBuf};

use redb::{
    Database, Durability, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
};

use crate::record::parse_line;
use crate::{Record, RecordsError};

/// Version of what the store holds; a store of another version is refused.
pub const STORE_FORMAT_VERSION: u64 = 1;

/// (type, id) → the record as one line of records JSONL (UTF-8).
const RECORDS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("records");
/// (type, id) → nothing: records deleted through this store. A store used
/// as an overlay on a snapshot needs them to hide the snapshot's copy.
const DELETED: TableDefinition<(&str, &str), ()> = TableDefinition::new("deleted");
/// `format_version` → [`STORE_FORMAT_VERSION`].
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

type Key = (&'static str, &'static str);

/// Records by type and id in one file (redb inside: copy-on-write B-trees,
/// checksummed commits).
///
/// Every write is one transaction committed with an fsync before the call
/// returns, so a record that [`RecordStore::put`] acknowledged survives a
/// crash or a power cut the moment after. Readers see the last commit and
/// never block writers; writes are serialised. Only one process may open
/// the file at a time. `Send + Sync`: share it behind an `Arc`.
pub struct RecordStore {
    db: Db,
    path: String,
}

/// The database, open for writes or only for reads.
enum Db {
    Writable(Database),
    ReadOnly(redb::ReadOnlyDatabase),
}

impl Db {
    fn begin_read(&self) -> Result<redb::ReadTransaction, redb::TransactionError> {
        match self {
            Db::Writable(db) => db.begin_read(),
            Db::ReadOnly(db) => db.begin_read(),
        }
    }
}

impl std::fmt::Debug for RecordStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RecordStore {
    /// Opens the store at `path`, creating it (and nothing else: the folder
    /// must exist) when the file does not exist. A store left by a crash is
    /// recovered to its last commit.
    pub fn open(path: impl AsRef<Path>) -> Result<RecordStore, RecordsError> {
        let path_buf: PathBuf = path.as_ref().to_owned();
        let path = path_buf.display().to_string();
        let db = Database::create(&path_buf).map_err(|e| open_error(&path, e))?;
        let store = RecordStore {
            db: Db::Writable(db),
            path,
        };
        store.check_format()?;
        Ok(store)
    }

    /// Opens an existing store at `path` to read it: read-only, unless it
    /// was left by a crash and needs recovery, which read-only opening
    /// refuses; then it is opened for writing (recovering it) where the
    /// folder allows, and the read-only error is returned where it does
    /// not. A store another process has open is refused either way.
    pub fn open_to_read(path: impl AsRef<Path>) -> Result<RecordStore, RecordsError> {
        let path = path.as_ref();
        RecordStore::open_read_only(path).or_else(|e| {
            if e.is_store_in_use() {
                Err(e)
            } else {
                RecordStore::open(path).map_err(|_| e)
            }
        })
    }

    /// Opens an existing store at `path` for reading only, changing
    /// nothing in it (so a read-only folder will do). Writes through it
    /// fail. A store that needs recovery from a crash is refused: open it
    /// with [`RecordStore::open`] once.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<RecordStore, RecordsError> {
        let path_buf: PathBuf = path.as_ref().to_owned();
        let path = path_buf.display().to_string();
        let db = redb::ReadOnlyDatabase::open(&path_buf).map_err(|e| open_error(&path, e))?;
        let store = RecordStore {
            db: Db::ReadOnly(db),
            path,
        };
        let found = store
            .db
            .begin_read()
            .map_err(|e| store.error("cannot start a read", e))?
            .open_table(META)
            .map_err(|e| store.error("cannot open the meta table", e))?
            .get("format_version")
            .map_err(|e| store.error("cannot read the format version", e))?
            .map(|v| v.value());
        if found != Some(STORE_FORMAT_VERSION) {
            return Err(RecordsError::Store {
                path: store.path.clone(),
                message: format!(
                    "format version {found:?}, this kenning reads {STORE_FORMAT_VERSION}"
                ),
                source: None,
            });
        }
        Ok(store)
    }

    fn check_format(&self) -> Result<(), RecordsError> {
        let txn = self.write()?;
        {
            let mut meta = txn
                .open_table(META)
                .map_err(|e| self.error("cannot open the meta table", e))?;
            let found = meta
                .get("format_version")
                .map_err(|e| self.error("cannot read the format version", e))?
                .map(|v| v.value());
            match found {
                Some(STORE_FORMAT_VERSION) => {}
                Some(other) => {
                    return Err(RecordsError::Store {
                        path: self.path.clone(),
                        message: format!(
                            "format version {other}, this kenning reads {STORE_FORMAT_VERSION}"
                        ),
                        source: None,
                    });
                }
                None => {
                    meta.insert("format_version", STORE_FORMAT_VERSION)
                        .map_err(|e| self.error("cannot write the format version", e))?;
                }
            }
            txn.open_table(RECORDS)
                .map_err(|e| self.error("cannot open the records table", e))?;
            txn.open_table(DELETED)
                .map_err(|e| self.error("cannot open the deletions table", e))?;
        }
        txn.commit().map_err(|e| self.error("cannot commit", e))
    }

    /// The store's file, as errors name it.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Stores a record (after checking it as the reader checks a line),
    /// replacing the one with the same type and id. Durable when it
    /// returns. Whether a record was replaced.
    pub fn put(&self, record: &Record) -> Result<bool, RecordsError> {
        Ok(self.put_all([record])? == 1)
    }

    /// Stores records in one transaction (all or none), replacing those
    /// with the same type and id. Durable when it returns. How many
    /// replaced a stored record.
    pub fn put_all<'a>(
        &self,
        records: impl IntoIterator<Item = &'a Record>,
    ) -> Result<usize, RecordsError> {
        let txn = self.write()?;
        let mut replaced = 0;
        {
            let mut table = txn
                .open_table(RECORDS)
                .map_err(|e| self.error("cannot open the records table", e))?;
            let mut deleted = txn
                .open_table(DELETED)
                .map_err(|e| self.error("cannot open the deletions table", e))?;
            for record in records {
                record.check(&self.path)?;
                let json = record.to_json();
                let old = table
                    .insert((record.kind.as_str(), record.id.as_str()), json.as_bytes())
                    .map_err(|e| self.error("cannot write", e))?;
                replaced += usize::from(old.is_some());
                deleted
                    .remove((record.kind.as_str(), record.id.as_str()))
                    .map_err(|e| self.error("cannot write", e))?;
            }
        }
        txn.commit().map_err(|e| self.error("cannot commit", e))?;
        Ok(replaced)
    }

    /// Deletes a record and remembers the deletion (see
    /// [`deleted`](Self::deleted)) until the same type and id is put again.
    /// Durable when it returns. Whether the record was in this store.
    pub fn delete(&self, kind: &str, id: &str) -> Result<bool, RecordsError> {
        let txn = self.write()?;
        let existed = {
            let mut table = txn
                .open_table(RECORDS)
                .map_err(|e| self.error("cannot open the records table", e))?;
            let mut deleted = txn
                .open_table(DELETED)
                .map_err(|e| self.error("cannot open the deletions table", e))?;
            deleted
                .insert((kind, id), ())
                .map_err(|e| self.error("cannot delete", e))?;
            table
                .remove((kind, id))
                .map_err(|e| self.error("cannot delete", e))?
                .is_some()
        };
        txn.commit().map_err(|e| self.error("cannot commit", e))?;
        Ok(existed)
    }

    /// The record with this type and id.
    pub fn get(&self, kind: &str, id: &str) -> Result<Option<Record>, RecordsError> {
        let table = self.read()?;
        let Some(value) = table
            .get((kind, id))
            .map_err(|e| self.error("cannot read", e))?
        else {
            return Ok(None);
        };
        decode(&self.path, kind, id, value.value()).map(Some)
    }

    /// The (type, id) of every record deleted through this store and not
    /// put again since, in key order.
    pub fn deleted(&self) -> Result<Vec<(String, String)>, RecordsError> {
        let table = self
            .db
            .begin_read()
            .map_err(|e| self.error("cannot start a read", e))?
            .open_table(DELETED)
            .map_err(|e| self.error("cannot open the deletions table", e))?;
        let mut keys = Vec::new();
        for entry in table
            .range::<(&str, &str)>(..)
            .map_err(|e| self.error("cannot read", e))?
        {
            let (key, _) = entry.map_err(|e| self.error("cannot read", e))?;
            let (kind, id) = key.value();
            keys.push((kind.to_owned(), id.to_owned()));
        }
        Ok(keys)
    }

    /// Number of records.
    pub fn len(&self) -> Result<u64, RecordsError> {
        self.read()?
            .len()
            .map_err(|e| self.error("cannot count records", e))
    }

    /// Whether the store holds no record.
    pub fn is_empty(&self) -> Result<bool, RecordsError> {
        Ok(self.len()? == 0)
    }

    /// Every record, by type then id (byte order), as of the moment of the
    /// call (later writes are not seen).
    pub fn iter(&self) -> Result<StoredRecords, RecordsError> {
        let range = self
            .read()?
            .range::<(&str, &str)>(..)
            .map_err(|e| self.error("cannot read", e))?;
        Ok(StoredRecords {
            range,
            kind: None,
            path: self.path.clone(),
        })
    }

    /// Every record of one type, by id (byte order), as of the moment of the call.
    pub fn iter_kind(&self, kind: &str) -> Result<StoredRecords, RecordsError> {
        let range = self
            .read()?
            .range((kind, "")..)
            .map_err(|e| self.error("cannot read", e))?;
        Ok(StoredRecords {
            range,
            kind: Some(kind.to_owned()),
            path: self.path.clone(),
        })
    }

    fn write(&self) -> Result<redb::WriteTransaction, RecordsError> {
        let Db::Writable(db) = &self.db else {
            return Err(RecordsError::Store {
                path: self.path.clone(),
                message: "opened for reading only".into(),
                source: None,
            });
        };
        let mut txn = db
            .begin_write()
            .map_err(|e| self.error("cannot start a write", e))?;
        txn.set_durability(Durability::Immediate)
            .map_err(|e| self.error("cannot ask for durable commits", e))?;
        Ok(txn)
    }

    fn read(&self) -> Result<redb::ReadOnlyTable<Key, &'static [u8]>, RecordsError> {
        self.db
            .begin_read()
            .map_err(|e| self.error("cannot start a read", e))?
            .open_table(RECORDS)
            .map_err(|e| self.error("cannot open the records table", e))
    }

    fn error(&self, what: &str, e: impl std::error::Error + Send + Sync + 'static) -> RecordsError {
        store_error(&self.path, what, e)
    }
}

/// Why a store could not be opened: in use by another process, or else.
fn open_error(path: &str, e: redb::DatabaseError) -> RecordsError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => RecordsError::StoreInUse {
            path: path.to_owned(),
        },
        e => store_error(path, "cannot open", e),
    }
}

fn store_error(
    path: &str,
    what: &str,
    e: impl std::error::Error + Send + Sync + 'static,
) -> RecordsError {
    RecordsError::Store {
        path: path.to_owned(),
        message: format!("{what}: {e}"),
        source: Some(Box::new(e)),
    }
}

fn decode(path: &str, kind: &str, id: &str, bytes: &[u8]) -> Result<Record, RecordsError> {
    let corrupt = |message: String| RecordsError::Store {
        path: path.to_owned(),
        message: format!("stored record {kind}/{id} is damaged: {message}"),
        source: None,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| corrupt(e.to_string()))?;
    let record = parse_line(text, "", 0).map_err(|e| corrupt(e.to_string()))?;
    if record.kind != kind || record.id != id {
        return Err(corrupt(format!("it holds {}/{}", record.kind, record.id)));
    }
    Ok(record)
}

/// The records of a [`RecordStore`] in key order, from one read snapshot.
pub struct StoredRecords {
    range: redb::Range<'static, Key, &'static [u8]>,
    kind: Option<String>,
    path: String,
}

impl std::fmt::Debug for StoredRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredRecords")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Iterator for StoredRecords {
    type Item = Result<Record, RecordsError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = match self.range.next()? {
            Ok(entry) => entry,
            Err(e) => return Some(Err(store_error(&self.path, "cannot read", e))),
        };
        let (kind, id) = key.value();
        if self.kind.as_deref().is_some_and(|k| k != kind) {
            return None;
        }
        Some(decode(&self.path, kind, id, value.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FieldValue, Link};
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    fn record(kind: &str, id: &str, title: &str) -> Record {
        let mut r = Record {
            kind: kind.into(),
            id: id.into(),
            title: title.into(),
            text: "Some text.".into(),
            lang: Some("en".into()),
            ..Record::default()
        };
        r.fields.insert("year", FieldValue::Integer(2025));
        r.links.push(Link {
            rel: "taught_by".into(),
            kind: "person".into(),
            id: "1".into(),
        });
        r
    }

    #[test]
    fn put_get_delete_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = RecordStore::open(dir.path().join("records.redb")).unwrap();
        assert!(store.is_empty().unwrap());
        assert!(!store.put(&record("course", "B", "Bee")).unwrap());
        assert!(!store.put(&record("course", "A", "Ay")).unwrap());
        assert!(!store.put(&record("person", "1", "One")).unwrap());
        assert!(!store.put(&record("unit", "U", "You")).unwrap());
        assert!(store.put(&record("course", "A", "Ay again")).unwrap());
        assert_eq!(store.len().unwrap(), 4);
        assert_eq!(store.get("course", "A").unwrap().unwrap().title, "Ay again");
        assert_eq!(
            store
                .get("course", "A")
                .unwrap()
                .unwrap()
                .fields
                .get("year"),
            Some(&FieldValue::Integer(2025))
        );
        assert_eq!(store.get("course", "Z").unwrap(), None);
        let all: Vec<String> = store.iter().unwrap().map(|r| r.unwrap().path()).collect();
        assert_eq!(all, ["/course/A", "/course/B", "/person/1", "/unit/U"]);
        let courses: Vec<String> = store
            .iter_kind("course")
            .unwrap()
            .map(|r| r.unwrap().id)
            .collect();
        assert_eq!(courses, ["A", "B"]);
        assert_eq!(store.iter_kind("nothing").unwrap().count(), 0);
        assert!(store.delete("course", "A").unwrap());
        assert!(!store.delete("course", "A").unwrap());
        assert_eq!(store.len().unwrap(), 3);
    }

    #[test]
    fn deletions_are_remembered_until_put_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.redb");
        {
            let store = RecordStore::open(&path).unwrap();
            store.put(&record("course", "A", "Ay")).unwrap();
            // Deleting a record the store never held is remembered too: the
            // store may be an overlay on records kept elsewhere.
            assert!(!store.delete("course", "Z").unwrap());
            assert!(store.delete("course", "A").unwrap());
            store.put(&record("unit", "U", "You")).unwrap();
        }
        let store = RecordStore::open(&path).unwrap();
        let deleted = |s: &RecordStore| s.deleted().unwrap();
        assert_eq!(
            deleted(&store),
            [("course".into(), "A".into()), ("course".into(), "Z".into())]
        );
        store.put(&record("course", "Z", "Zed")).unwrap();
        assert_eq!(deleted(&store), [("course".to_owned(), "A".to_owned())]);
        assert_eq!(store.len().unwrap(), 2);
    }

    #[test]
    fn refuses_invalid_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.redb");
        let store = RecordStore::open(&path).unwrap();
        let e = store.put(&record("course", "a/b", "T")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: field \"id\": \"a/b\" contains '/', which cannot appear in a record URL /{{type}}/{{id}}",
                path.display()
            )
        );
        // All or none.
        let good = record("course", "ok", "T");
        let bad = record("course", "", "T");
        assert!(store.put_all([&good, &bad]).is_err());
        assert!(store.is_empty().unwrap());
    }

    #[test]
    fn survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.redb");
        {
            let store = RecordStore::open(&path).unwrap();
            let records: Vec<Record> = (0..100)
                .map(|i| record("publication", &format!("{i:03}"), "Paper"))
                .collect();
            assert_eq!(store.put_all(&records).unwrap(), 0);
            assert!(store.delete("publication", "050").unwrap());
        }
        let store = RecordStore::open(&path).unwrap();
        assert_eq!(store.len().unwrap(), 99);
        assert_eq!(
            store.get("publication", "007").unwrap().unwrap(),
            record("publication", "007", "Paper")
        );
        assert_eq!(store.get("publication", "050").unwrap(), None);
    }

    #[test]
    fn refuses_a_second_opener_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.redb");
        let _store = RecordStore::open(&path).unwrap();
        assert!(RecordStore::open(&path).is_err());
        let junk = dir.path().join("junk");
        std::fs::write(&junk, b"not a database, not at all, just some bytes").unwrap();
        let e = RecordStore::open(&junk).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: records store: cannot open", junk.display())),
            "{e}"
        );
    }

    /// Set in the child process of `acknowledged_writes_survive_sigkill`:
    /// the store to write to.
    const CHILD_ENV: &str = "KENNING_RECORDS_CRASH_CHILD";

    /// Not a test on its own: the child of `acknowledged_writes_survive_sigkill`
    /// (does nothing unless the environment variable is set). Writes records
    /// until killed, printing each id once its `put` has returned.
    #[test]
    fn crash_child() {
        let Some(path) = std::env::var_os(CHILD_ENV) else {
            return;
        };
        let store = RecordStore::open(PathBuf::from(path)).unwrap();
        let mut out = std::io::stdout().lock();
        for i in 0u64.. {
            let id = format!("{i:06}");
            let mut r = record("course", &id, "Written before the crash");
            r.text = "x".repeat((i % 7) as usize * 300);
            store.put(&r).unwrap();
            use std::io::Write;
            writeln!(out, "acked {id}").unwrap();
            out.flush().unwrap();
        }
    }

    /// The id in an `acked ID` line (the test harness may have printed
    /// `test … ... ` before the first one).
    fn acknowledged(line: &str) -> Option<String> {
        let at = line.find("acked ")?;
        Some(line[at + "acked ".len()..].to_owned())
    }

    #[test]
    fn acknowledged_writes_survive_sigkill() {
        if std::env::var_os(CHILD_ENV).is_some() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.redb");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "store::tests::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut acked = Vec::new();
        let started = Instant::now();
        // Kill it mid-stream: after a good number of writes, or after a
        // while on a slow disk.
        while acked.len() < 500 && started.elapsed() < Duration::from_secs(20) {
            let Some(line) = lines.next() else { break };
            acked.extend(acknowledged(&line.unwrap()));
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child stopped writing on its own"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Acknowledgements already in the pipe count too.
        for line in lines {
            acked.extend(acknowledged(&line.unwrap()));
        }
        assert!(
            acked.len() >= 10,
            "the child acknowledged only {} writes",
            acked.len()
        );

        let store = RecordStore::open(&path).unwrap();
        for id in &acked {
            let r = store
                .get("course", id)
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged write {id} is lost"));
            assert_eq!(r.title, "Written before the crash");
        }
        // Nothing beyond the one write that may have been in flight.
        let stored = store.len().unwrap();
        assert!(
            stored == acked.len() as u64 || stored == acked.len() as u64 + 1,
            "{stored} stored, {} acknowledged",
            acked.len()
        );
        // And the store still takes writes.
        store.put(&record("course", "after", "After")).unwrap();
    }
}
