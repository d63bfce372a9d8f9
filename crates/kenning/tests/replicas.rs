//! Several `kenning serve` processes sharing their live records through
//! one PostgreSQL database (a throwaway cluster per test): every replica
//! reads every acknowledged write, search follows within a second, a
//! killed replica loses nothing, and a database outage stops writes (503)
//! but not reads, until it is back.

mod support;

use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kenning_testdata::PgCluster;
use support::*;

const TOKEN: &str = "replica-test-token";

/// A replica on `out` sharing the database at `url`.
fn replica(out: &Path, url: &str) -> (Child, u16) {
    let port = free_port();
    let child = serve_with(out, port, TOKEN, &["--records-db", url]);
    (child, port)
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn put(port: u16, id: &str, title: &str) -> Option<(u16, String)> {
    let body = format!(
        "{{\"title\": \"{title}\", \"text\": \"The ferry to Kettle Island, taught as {title}.\"}}"
    );
    http(
        port,
        "PUT",
        &format!("/api/v1/records/course/{id}"),
        TOKEN,
        &body,
    )
}

fn get(port: u16, path: &str) -> (u16, String) {
    http(port, "GET", path, "", "").expect("the replica answers")
}

/// Waits until `check` holds, at most `limit`; how long it took.
fn within(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn every_replica_reads_every_acknowledged_write() {
    let Some(pg) = PgCluster::start("replicas: read your writes") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let (a, port_a) = replica(&out, &pg.url());
    let (b, port_b) = replica(&out, &pg.url());

    let (status, body) = get(port_a, "/healthz");
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["live_records"]["backend"], "postgresql", "{health}");
    assert_eq!(health["live_records"]["state"], "ok", "{health}");

    for i in 0..20 {
        let id = format!("R-{i}");
        let (status, body) = put(port_a, &id, &format!("Replicated course {i}")).unwrap();
        assert_eq!(status, 201, "{body}");
        // The other replica answers it at once: API and page.
        let (status, body) = get(port_b, &format!("/api/v1/records/course/{id}"));
        assert_eq!(status, 200, "R-{i} written on A is not on B: {body}");
        assert!(body.contains(&format!("Replicated course {i}")), "{body}");
        let (status, _) = get(port_b, &format!("/course/{id}"));
        assert_eq!(status, 200);
    }
    // A replacement through B, read on A.
    let (status, body) = put(port_b, "R-3", "Renamed on B").unwrap();
    assert_eq!(status, 200, "a replacement is 200: {body}");
    let (_, body) = get(port_a, "/api/v1/records/course/R-3");
    assert!(body.contains("Renamed on B"), "{body}");

    // Search on the other replica finds a new record within a second.
    let (status, _) = put(port_a, "S-1", "Quasistellar lighthouse keeping").unwrap();
    assert_eq!(status, 201);
    let took = within(Duration::from_secs(1), || {
        get(port_b, "/api/v1/search?q=quasistellar")
            .1
            .contains("S-1")
    });
    assert!(took.is_some(), "search on B did not find S-1 within 1 s");

    // A deletion through B: gone on A at once, and from A's search soon.
    let (status, body) = http(port_b, "DELETE", "/api/v1/records/course/S-1", TOKEN, "").unwrap();
    assert_eq!(status, 204, "{body}");
    assert_eq!(get(port_a, "/api/v1/records/course/S-1").0, 404);
    let (status, _) = http(port_a, "DELETE", "/api/v1/records/course/S-1", TOKEN, "").unwrap();
    assert_eq!(status, 404, "deleting twice is a 404 on any replica");
    let gone = within(Duration::from_secs(1), || {
        !get(port_a, "/api/v1/search?q=quasistellar")
            .1
            .contains("S-1")
    });
    assert!(gone.is_some(), "A's search still finds the deleted S-1");

    // A replica started later loads everything from the database.
    let (c, port_c) = replica(&out, &pg.url());
    let (_, body) = get(port_c, "/api/v1/records/course/R-3");
    assert!(body.contains("Renamed on B"), "{body}");
    assert_eq!(get(port_c, "/api/v1/records/course/S-1").0, 404);

    // The live store of the folder was never used.
    assert!(!out.join("live-records.redb").exists());
    stop(a);
    stop(b);
    stop(c);
}

/// Stopping a replica (SIGTERM, as a service manager does) closes its
/// database connections cleanly: exit status 0, no panic.
#[test]
fn a_replica_stops_cleanly() {
    let Some(pg) = PgCluster::start("replicas: clean stop") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let port = free_port();
    let log = dir.path().join("replica.log");
    let child = serve_logging(&out, port, TOKEN, &["--records-db", &pg.url()], Some(&log));
    assert_eq!(put(port, "T-1", "Before the stop").unwrap().0, 201);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(output.status.success(), "{:?}: {log}", output.status);
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn a_replica_killed_mid_burst_loses_nothing_acknowledged() {
    let Some(pg) = PgCluster::start("replicas: SIGKILL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let (a, port_a) = replica(&out, &pg.url());
    let (b, port_b) = replica(&out, &pg.url());
    let acked = Arc::new(Mutex::new(Vec::<u32>::new()));
    let writer = {
        let acked = Arc::clone(&acked);
        std::thread::spawn(move || {
            for i in 0.. {
                match put(port_a, &format!("K-{i}"), &format!("Course {i}")) {
                    Some((201, _)) => acked.lock().unwrap().push(i),
                    Some((status, body)) => panic!("PUT K-{i}: {status} {body}"),
                    None => return,
                }
            }
        })
    };
    assert!(
        within(Duration::from_secs(60), || acked.lock().unwrap().len()
            >= 40)
        .is_some(),
        "writes too slow"
    );
    stop(a); // SIGKILL on Unix
    writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    for i in &acked {
        let (status, body) = get(port_b, &format!("/api/v1/records/course/K-{i}"));
        assert_eq!(
            status, 200,
            "K-{i} was acknowledged by A but is not on B: {body}"
        );
    }
    // The killed replica, restarted, catches up too.
    let (a, port_a) = replica(&out, &pg.url());
    for i in &acked {
        assert_eq!(get(port_a, &format!("/api/v1/records/course/K-{i}")).0, 200);
    }
    stop(a);
    stop(b);
}

#[test]
fn a_database_outage_stops_writes_not_reads_and_ends_without_a_restart() {
    let Some(pg) = PgCluster::start("replicas: database outage") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let (a, port_a) = replica(&out, &pg.url());
    let (b, port_b) = replica(&out, &pg.url());
    assert_eq!(put(port_a, "O-0", "Before the outage").unwrap().0, 201);

    pg.stop();
    let (status, body) = put(port_a, "O-1", "During the outage").unwrap();
    assert_eq!(status, 503, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "records_unavailable", "{error}");
    // Reads go on from what each replica knows.
    let (status, body) = get(port_b, "/api/v1/records/course/O-0");
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(port_a, "/concept/1").0 / 100, 2);
    let degraded = within(Duration::from_secs(5), || {
        let health: serde_json::Value = serde_json::from_str(&get(port_b, "/healthz").1).unwrap();
        health["status"] == "degraded" && health["live_records"]["state"] == "unavailable"
    });
    assert!(
        degraded.is_some(),
        "B's /healthz does not say the database is out"
    );

    pg.start_server();
    // Writes succeed again without a restart, and reach the other replica.
    let back = within(Duration::from_secs(15), || {
        put(port_a, "O-1", "After the outage").is_some_and(|(s, _)| s == 201)
    });
    assert!(back.is_some(), "writes did not come back");
    let seen = within(Duration::from_secs(15), || {
        get(port_b, "/api/v1/records/course/O-1").0 == 200
    });
    assert!(
        seen.is_some(),
        "B never saw the write made after the outage"
    );
    let healthy = within(Duration::from_secs(15), || {
        let health: serde_json::Value = serde_json::from_str(&get(port_b, "/healthz").1).unwrap();
        health["status"] == "ok"
    });
    assert!(healthy.is_some(), "B's /healthz stays degraded");
    stop(a);
    stop(b);
}

#[test]
fn live_records_move_between_the_file_store_and_the_database() {
    let Some(pg) = PgCluster::start("records export and import") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let snap = out.to_str().unwrap();
    // Records written through a single server (the file store).
    let port = free_port();
    let server = serve(&out, port, TOKEN);
    for i in 0..3 {
        assert_eq!(
            put(port, &format!("M-{i}"), &format!("Moved {i}"))
                .unwrap()
                .0,
            201
        );
    }
    stop(server);

    let exported = dir.path().join("live.jsonl");
    let o = kenning(&[
        "records",
        "export",
        snap,
        "--out",
        exported.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 live records exported"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");

    let o = kenning(&[
        "records",
        "import",
        snap,
        exported.to_str().unwrap(),
        "--records-db",
        &pg.url(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = kenning(&["records", "export", snap, "--records-db", &pg.url()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        text,
        "the database holds what the file store held"
    );

    // A replica on the database serves them.
    let (replica, port) = replica(&out, &pg.url());
    assert_eq!(get(port, "/api/v1/records/course/M-2").0, 200);
    stop(replica);

    // A bad line is refused before anything is written, naming the line.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"type\": \"course\", \"id\": \"N-1\", \"title\": \"Fine\", \"text\": \"\"}\n\
         {\"type\": \"course\", \"id\": \"\", \"title\": \"No id\", \"text\": \"\"}\n",
    )
    .unwrap();
    let o = kenning(&[
        "records",
        "import",
        snap,
        bad.to_str().unwrap(),
        "--records-db",
        &pg.url(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.jsonl:2"), "{err}");
    let o = kenning(&["records", "export", snap, "--records-db", &pg.url()]);
    assert!(
        !stdout(&o).contains("N-1"),
        "nothing of a bad file is imported"
    );
}

#[test]
fn both_replicas_roll_out_a_rebuild_during_a_request_loop() {
    let Some(pg) = PgCluster::start("replicas: rebuild during a request loop") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let first = std::fs::read_to_string(out.join("CURRENT")).unwrap();
    let (a, port_a) = replica(&out, &pg.url());
    let (b, port_b) = replica(&out, &pg.url());

    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut load = Vec::new();
    for (n, (write_port, read_port)) in [(port_a, port_b), (port_b, port_a)].into_iter().enumerate()
    {
        let (done, failures, acked) = (done.clone(), failures.clone(), acked.clone());
        load.push(std::thread::spawn(move || {
            let mut i = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let id = format!("W{n}-{i}");
                match put(write_port, &id, "Written during the rebuild") {
                    Some((201, _)) => acked.lock().unwrap().push(id.clone()),
                    other => failures
                        .lock()
                        .unwrap()
                        .push(format!("PUT {id}: {other:?}")),
                }
                match http(read_port, "GET", "/api/v1/search?q=ferry", "", "") {
                    Some((200, _)) => {}
                    other => failures.lock().unwrap().push(format!("search: {other:?}")),
                }
                i += 1;
            }
        }));
    }
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tiny-records.jsonl");
    let o = build_with(&out, &example(), &["--records", records.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = std::fs::read_to_string(out.join("CURRENT")).unwrap();
    assert_ne!(first, second);
    for port in [port_a, port_b] {
        let swapped = within(Duration::from_secs(30), || {
            get(port, "/api/v1/records/course/ENV-220").0 == 200
        });
        assert!(
            swapped.is_some(),
            "the replica on {port} kept the old generation"
        );
    }
    // Both go on writing and reading for a moment on the new generation.
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 4);
    for id in &acked {
        for port in [port_a, port_b] {
            assert_eq!(
                get(port, &format!("/api/v1/records/course/{id}")).0,
                200,
                "{id} on {port}"
            );
        }
    }
    stop(a);
    stop(b);
}
