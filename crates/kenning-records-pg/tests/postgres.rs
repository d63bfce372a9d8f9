//! The PostgreSQL records store against a real, throwaway cluster.

use std::time::Duration;

use kenning_records::Record;
use kenning_records_pg::{PgError, PgRecords, Previous, SCHEMA_VERSION, Write};
use kenning_testdata::PgCluster;

fn record(kind: &str, id: &str, title: &str) -> Record {
    Record::from_json(
        &format!(r#"{{"type":"{kind}","id":"{id}","title":"{title}","text":"About {title}."}}"#),
        "test",
    )
    .unwrap()
}

fn put(db: &PgRecords, after: i64, r: &Record) -> i64 {
    db.write(after, Write::Put(r), |_| true)
        .unwrap()
        .seq
        .unwrap()
}

#[test]
fn migrates_an_empty_database_once_and_refuses_a_newer_schema() {
    let Some(pg) = PgCluster::start("PostgreSQL records: migration") else {
        return;
    };
    let db = PgRecords::connect(&pg.url()).unwrap();
    assert!(db.changes_since(0, None).unwrap().is_empty());
    // A second server connecting finds the tables made and migrates nothing.
    let again = PgRecords::connect(&pg.url()).unwrap();
    let seq = put(&again, 0, &record("course", "CS-101", "Algorithms"));
    assert_eq!(db.changes_since(0, None).unwrap().len(), 1);
    assert!(seq >= 1);

    let mut admin = postgres::Client::connect(&pg.url(), postgres::NoTls).unwrap();
    let version: i32 = admin
        .query_one("SELECT version FROM kenning_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(
        admin
            .query_one("SELECT count(*) FROM kenning_schema", &[])
            .unwrap()
            .get::<_, i64>(0),
        1
    );
    admin
        .execute("UPDATE kenning_schema SET version = version + 1", &[])
        .unwrap();
    let err = PgRecords::connect(&pg.url()).unwrap_err();
    assert!(matches!(err, PgError::SchemaTooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer than this kenning"), "{err}");
}

#[test]
fn writes_are_numbered_in_commit_order_and_read_back() {
    let Some(pg) = PgCluster::start("PostgreSQL records: writes") else {
        return;
    };
    let a = PgRecords::connect(&pg.url()).unwrap();
    let b = PgRecords::connect(&pg.url()).unwrap();
    let s1 = put(&a, 0, &record("course", "CS-101", "Algorithms"));
    // b has applied nothing: its write hands it a's change first.
    let written = b
        .write(
            0,
            Write::Put(&record("course", "CS-102", "Data structures")),
            |previous| previous == Previous::Absent,
        )
        .unwrap();
    assert_eq!(written.missed.len(), 1);
    assert_eq!(written.missed[0].seq, s1);
    assert_eq!(written.missed[0].record.as_ref().unwrap().id, "CS-101");
    let s2 = written.seq.unwrap();
    assert!(s2 > s1);
    // Replacing keeps one row, with a new number.
    let s3 = put(&a, s2, &record("course", "CS-101", "Algorithms II"));
    let all = a.changes_since(0, None).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].seq, s3);
    assert_eq!(all[1].record.as_ref().unwrap().title, "Algorithms II");
    // A deletion is kept as a change without a record.
    let s4 = a
        .write(
            s3,
            Write::Delete {
                kind: "course",
                id: "CS-102",
            },
            |previous| previous == Previous::Stored,
        )
        .unwrap()
        .seq;
    let since = a.changes_since(s3, None).unwrap();
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].seq, s4.unwrap());
    assert!(since[0].record.is_none());
    // A write its caller declines writes nothing.
    let declined = a
        .write(
            s4.unwrap(),
            Write::Delete {
                kind: "course",
                id: "CS-102",
            },
            |previous| {
                assert_eq!(previous, Previous::Deleted);
                false
            },
        )
        .unwrap();
    assert!(declined.seq.is_none());
    assert_eq!(a.changes_since(s4.unwrap(), None).unwrap().len(), 0);
    assert_eq!(a.changes_since(0, Some(1)).unwrap().len(), 1);
    // A bulk load is one transaction.
    let last = a
        .put_all(&[
            record("unit", "IC", "Computing"),
            record("unit", "SB", "Science"),
        ])
        .unwrap()
        .unwrap();
    assert_eq!(a.changes_since(s4.unwrap(), None).unwrap().len(), 2);
    assert_eq!(a.changes_since(0, None).unwrap().last().unwrap().seq, last);
}

#[test]
fn an_invalid_record_is_refused_before_the_database() {
    let Some(pg) = PgCluster::start("PostgreSQL records: invalid record") else {
        return;
    };
    let db = PgRecords::connect(&pg.url()).unwrap();
    let mut bad = record("course", "CS-101", "Algorithms");
    bad.id = String::new();
    let err = db.write(0, Write::Put(&bad), |_| true).unwrap_err();
    assert!(matches!(err, PgError::InvalidRecord(_)), "{err}");
    assert!(db.changes_since(0, None).unwrap().is_empty());
}

#[test]
fn listeners_hear_writes_and_everything_survives_a_restart_of_the_server() {
    let Some(pg) = PgCluster::start("PostgreSQL records: listen and outage") else {
        return;
    };
    let db = PgRecords::connect(&pg.url()).unwrap();
    let mut listener = db.listen().unwrap();
    assert!(!listener.wait(Duration::from_millis(50)).unwrap());
    let s1 = put(&db, 0, &record("person", "42", "Ada"));
    assert!(listener.wait(Duration::from_secs(5)).unwrap());

    pg.stop();
    let err = db
        .write(s1, Write::Put(&record("person", "43", "Grace")), |_| true)
        .unwrap_err();
    assert!(err.is_unavailable(), "{err}");
    assert!(db.changes_since(0, None).unwrap_err().is_unavailable());
    assert!(listener.wait(Duration::from_secs(2)).is_err());

    pg.start_server();
    // The same handle connects again by itself.
    let s2 = put(&db, s1, &record("person", "43", "Grace"));
    let all = db.changes_since(0, None).unwrap();
    assert_eq!(all.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![s1, s2]);
}

#[test]
fn a_bad_url_says_what_is_expected() {
    let err = PgRecords::new("http://example.org").unwrap_err();
    assert!(err.to_string().contains("postgresql://"), "{err}");
    // Nothing listens there: unavailable, not a panic, within the timeout.
    let db = PgRecords::new("postgresql://postgres@127.0.0.1:1/postgres").unwrap();
    let err = db.changes_since(0, None).unwrap_err();
    assert!(err.is_unavailable(), "{err}");
    assert!(err.to_string().contains("127.0.0.1:1/postgres"), "{err}");
}
