//! A running `kenning serve` picks up a rebuilt snapshot without a
//! restart: no request fails while it swaps, the old generation is
//! unmapped once its last request is done (so a later build can delete
//! it), live records written before and during the swap are all there,
//! and a generation whose files fail their checksums is refused.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::*;

const TOKEN: &str = "rollout-test-token";

fn current_generation(out: &Path) -> String {
    std::fs::read_to_string(out.join("CURRENT"))
        .unwrap()
        .trim()
        .to_owned()
}

fn metrics(port: u16) -> String {
    http(port, "GET", "/metrics", "", "").unwrap().1
}

/// Waits until the server reports generation `name` in `/metrics`.
fn wait_for_generation(port: u16, name: &str) -> bool {
    let needle = format!("kenning_snapshot_generation{{generation=\"{name}\"}} 1");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if metrics(port).contains(&needle) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The lines of the process's memory map that name `needle`.
fn mappings(pid: u32, needle: &str) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(needle))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_rebuilt_snapshot_is_served_without_a_restart_or_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let first = current_generation(&out);
    let port = free_port();
    let mut server = serve(&out, port, TOKEN);
    let pid = server.id();
    assert!(wait_for_generation(port, &first));
    let put = |id: &str| {
        http(
            port,
            "PUT",
            &format!("/api/v1/records/course/{id}"),
            TOKEN,
            "{\"title\": \"Ferry studies\", \"text\": \"The ferry to Kettle Island.\"}",
        )
    };
    assert_eq!(put("BEFORE").unwrap().0, 201);

    // Readers and a writer, all the time the snapshot is rebuilt twice.
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let answered = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut load = Vec::new();
    for path in [
        "/api/v1/search?q=ferry",
        "/api/v1/concepts?title=Merrowby",
        "/search?q=lake",
        "/api/v1/records/course/BEFORE",
    ] {
        let (stop, failures, answered) = (stop.clone(), failures.clone(), answered.clone());
        load.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match http(port, "GET", path, "", "") {
                    Some((200, _)) => {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    other => failures
                        .lock()
                        .unwrap()
                        .push(format!("GET {path}: {other:?}")),
                }
            }
        }));
    }
    {
        let (stop, failures, written) = (stop.clone(), failures.clone(), written.clone());
        load.push(std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("DURING-{i}");
                match http(
                    port,
                    "PUT",
                    &format!("/api/v1/records/course/{id}"),
                    TOKEN,
                    "{\"title\": \"Written during a swap\", \"text\": \"Lake Tessel.\"}",
                ) {
                    Some((201, _)) => written.lock().unwrap().push(id),
                    other => failures
                        .lock()
                        .unwrap()
                        .push(format!("PUT {id}: {other:?}")),
                }
                i += 1;
            }
        }));
    }

    // Second generation: the same wiki with records.
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tiny-records.jsonl");
    let o = build_with(&out, &example(), &["--records", records.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = current_generation(&out);
    assert_ne!(first, second);
    assert!(wait_for_generation(port, &second), "{}", metrics(port));
    // Its records are served (the first generation had none).
    let (status, body) = http(port, "GET", "/api/v1/records/course/ENV-220", "", "").unwrap();
    assert_eq!(status, 200, "{body}");

    // The first generation is unmapped once its requests are done.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !mappings(pid, &first).is_empty() {
        assert!(
            Instant::now() < deadline,
            "still mapped: {:?}",
            mappings(pid, &first)
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A third build deletes the first generation; nothing deleted stays mapped.
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let third = current_generation(&out);
    assert!(wait_for_generation(port, &third));
    assert!(
        !out.join(&first).exists(),
        "the first generation was not deleted"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !mappings(pid, "(deleted)").is_empty() {
        assert!(
            Instant::now() < deadline,
            "deleted files still mapped: {:?}",
            mappings(pid, "(deleted)")
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    assert!(answered.load(Ordering::Relaxed) > 20);
    let m = metrics(port);
    assert!(m.contains("kenning_snapshot_swaps_total 2"), "{m}");

    // Every live record, written before or during the swaps, is served.
    let written = written.lock().unwrap().clone();
    assert!(!written.is_empty());
    for id in std::iter::once("BEFORE".to_owned()).chain(written) {
        let (status, body) =
            http(port, "GET", &format!("/api/v1/records/course/{id}"), "", "").unwrap();
        assert_eq!(status, 200, "{id}: {body}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_generation_that_fails_its_checksums_is_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let out = example_snapshot(dir.path());
    let first = current_generation(&out);
    let port = free_port();
    let log = dir.path().join("server.log");
    let mut server = serve_logging(&out, port, TOKEN, &[], Some(&log));

    // A copy of the generation, as rsync would leave it, with one file
    // damaged on the way, made the current one.
    let copy = "gen-copied-from-elsewhere";
    std::fs::create_dir(out.join(copy)).unwrap();
    for entry in walk(&out.join(&first)) {
        let relative = entry.strip_prefix(out.join(&first)).unwrap();
        let target = out.join(copy).join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
    let damaged = out.join(copy).join("titles.dat");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::write(out.join("CURRENT"), format!("{copy}\n")).unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    while !metrics(port).contains("kenning_snapshot_refusals_total 1") {
        assert!(Instant::now() < deadline, "{}", metrics(port));
        std::thread::sleep(Duration::from_millis(50));
    }
    let m = metrics(port);
    assert!(
        m.contains(&format!(
            "kenning_snapshot_generation{{generation=\"{first}\"}} 1"
        )),
        "{m}"
    );
    assert_eq!(
        http(port, "GET", "/api/v1/search?q=ferry", "", "")
            .unwrap()
            .0,
        200
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains(&format!("not serving {}", out.join(copy).display()))
            && log.contains("titles.dat")
            && log.contains(&format!("still serving {first}")),
        "{log}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
