//! The `kenning` binary end to end: real commands, real files, bad input.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::*;

fn bz2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn example_wiki_builds_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));

    let o = kenning(&["stats", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["concepts"], 13);
    assert_eq!(stats["redirects"], 4);
    assert_eq!(stats["categories"], 3);
    assert_eq!(stats["red_links"], 1);

    // A redirect (two hops) answers with its target; case and underscores do not matter.
    let o = kenning(&["concept", out.to_str().unwrap(), "merrowby_Halt", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(c["title"], "Merrowby railway station");
    assert_eq!(
        c["url"],
        "https://wiki.example.org/wiki/Merrowby_railway_station"
    );
    assert!(
        c["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "Merrowby Halt")
    );
    assert!(
        c["revision_timestamp"]
            .as_str()
            .unwrap()
            .starts_with("2026-")
    );
    assert!(c["in_link_count"].as_u64().unwrap() > 0);
    // Summary links point at their anchors: "… at [[Merrowby]]." is the
    // link, not the bold title that starts with the same word.
    let summary = c["summary"].as_str().unwrap();
    let links = c["summary_links"].as_array().unwrap();
    assert!(!links.is_empty());
    for link in links {
        let (a, b) = (
            link["start"].as_u64().unwrap() as usize,
            link["end"].as_u64().unwrap() as usize,
        );
        assert!(a > 0, "{link}");
        assert!(!summary[a..b].is_empty(), "{link}");
    }

    let o = kenning(&["concept", out.to_str().unwrap(), "Merrowby"]);
    let text = stdout(&o);
    assert!(
        text.starts_with("Concept\n\nMerrowby\n\nSummary\nMerrowby is a small town"),
        "{text}"
    );
    assert!(text.contains("About this result"));

    let o = kenning(&["concept", out.to_str().unwrap(), "No such thing"]);
    assert!(!o.status.success());
    assert!(stderr(&o).starts_with("error: no concept titled \"No such thing\""));
}

/// Each bad input must fail with one line naming the file, exit non-zero,
/// not panic, and leave the previous snapshot live and readable.
#[test]
fn bad_inputs_fail_cleanly_and_keep_the_previous_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    assert!(build(&out, &example()).status.success());
    let current = std::fs::read_to_string(out.join("CURRENT")).unwrap();

    let xml = std::fs::read(example()).unwrap();
    let mut bad_utf8 = xml.clone();
    let at = xml.windows(8).position(|w| w == b"Merrowby").unwrap() + 2000;
    bad_utf8[at] = 0xFF;
    let mut corrupt = bz2(&xml);
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 16] {
        *b ^= 0xA5;
    }
    let packed = bz2(&xml);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.xml", Vec::new(), "the file is empty"),
        ("notes.xml", b"just some notes\n".to_vec(), "not XML"),
        (
            "page.xml",
            b"<html><body>hi</body></html>".to_vec(),
            "not a MediaWiki XML export",
        ),
        ("truncated.xml", xml[..xml.len() / 2].to_vec(), "truncated"),
        ("utf8.xml", bad_utf8, "invalid UTF-8 at byte"),
        (
            "truncated.xml.bz2",
            packed[..packed.len() - 100].to_vec(),
            "truncated",
        ),
        ("corrupt.xml.bz2", corrupt, "corrupt"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let o = build(&out, &path);
        let err = stderr(&o);
        assert!(!o.status.success(), "{name}: succeeded");
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{name}: not one line: {err}"
        );
        assert!(err.starts_with("error: "), "{name}: {err}");
        assert!(
            err.contains(name),
            "{name}: the message does not name the file: {err}"
        );
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(
            std::fs::read_to_string(out.join("CURRENT")).unwrap(),
            current,
            "{name}"
        );
        let o = kenning(&["concept", out.to_str().unwrap(), "Merrowby", "--json"]);
        assert!(
            o.status.success(),
            "{name}: previous snapshot unreadable: {}",
            stderr(&o)
        );
    }
    // Only the live generation is left: failed builds cleaned up after themselves.
    let generations = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1);

    let o = kenning(&[
        "build",
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--dump",
        "/no/such/dump.xml",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("/no/such/dump.xml") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn positions_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read(example()).unwrap();
    let cut = xml.len() / 2;
    let path = dir.path().join("cut.xml");
    std::fs::write(&path, &xml[..cut]).unwrap();
    let o = build(&dir.path().join("snap"), &path);
    let err = stderr(&o);
    // The message names the byte where the unfinished page starts.
    let offset: usize = err
        .trim_end()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .expect(&err);
    assert!(
        offset < cut && xml[offset..].starts_with(b"<page>"),
        "{err}"
    );
}

#[test]
fn a_folder_that_is_not_a_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
    let o = build(dir.path(), &example());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("thesis.tex")).unwrap(),
        "precious"
    );
}

#[test]
fn a_bad_link_field_is_refused_before_anything_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let dump = example();
    for (spec, says) in [
        ("content=2", "between 0 and 1"),
        ("content=heavy", "is not a number"),
        ("title=0.5", "always linked"),
    ] {
        let o = build_with(&out, &dump, &["--link-field", spec]);
        assert_eq!(o.status.code(), Some(1), "{spec}");
        let err = stderr(&o);
        assert!(err.contains("--link-field") && err.contains(says), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!out.exists(), "{spec}: nothing is built");
    }
}

#[test]
fn stats_of_a_missing_snapshot_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = kenning(&["stats", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kenning build --out"), "{}", stderr(&o));
}

#[test]
fn help_teaches() {
    let o = kenning(&["build", "--help"]);
    let text = stdout(&o);
    assert!(
        text.contains("--dump") && text.contains("Examples:"),
        "{text}"
    );
}

#[test]
fn wikidata_names_concepts_in_a_language_without_a_dump_and_wikify_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let french = examples_file("tiny-wiki-fr.xml");
    let wikidata = examples_file("tiny-wikidata.json");
    let o = kenning(&[
        "build",
        "--out",
        out.to_str().unwrap(),
        "--dump",
        example().to_str().unwrap(),
        "--dump",
        french.to_str().unwrap(),
        "--wikidata",
        wikidata.to_str().unwrap(),
        "--languages",
        "de",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fr: 4 of 5 pages joined, 1 concepts of their own, 5 concepts named, de: 5 concepts named"),
        "{}",
        stderr(&o)
    );
    let o = kenning(&["stats", out.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("de: 0 pages, 0 joined, 0 concepts of their own; interlanguage links 0 read, 0 joined, 0 dangling; 5 concepts named"),
        "{}",
        stdout(&o)
    );
    // Given, or detected.
    for args in [&["--json", "--lang", "de"][..], &["--json"][..]] {
        let o = wikify(
            &out,
            args,
            "Vom Leuchtturm Merrowby sieht man die Fähre von Merrowby.".as_bytes(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let result: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(result["language"], "de", "{result}");
        assert_eq!(result["language_detected"], args.len() == 1);
        let titles: Vec<&str> = result["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap())
            .collect();
        assert!(titles.contains(&"Merrowby-Fähre"), "{result}");
    }
    // Not a language code.
    let o = kenning(&[
        "build",
        "--out",
        "x",
        "--dump",
        "y.xml",
        "--languages",
        "de,x!",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("\"x!\" is not a language code"),
        "{}",
        stderr(&o)
    );
}

fn wikify(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .arg("wikify")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kenning wikify");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn wikify_links_text_and_explains_scores() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    assert!(build(&snap, &example()).status.success());
    // Code-point offsets differ from byte offsets after "Ünïcode — ".
    let text = "Ünïcode — the Merrowby lighthouse stands above the harbour of Merrowby.";
    let o = wikify(&snap, &["--json"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let annotations = v["annotations"].as_array().unwrap();
    assert!(!annotations.is_empty(), "{v}");
    let chars: Vec<char> = text.chars().collect();
    for a in annotations {
        let (s, e) = (
            a["start"].as_u64().unwrap() as usize,
            a["end"].as_u64().unwrap() as usize,
        );
        let (bs, be) = (
            a["byte_start"].as_u64().unwrap() as usize,
            a["byte_end"].as_u64().unwrap() as usize,
        );
        let by_chars: String = chars[s..e].iter().collect();
        assert_eq!(by_chars, &text[bs..be]);
        assert_eq!(a["text"].as_str().unwrap(), &text[bs..be]);
        assert!(a["concept"]["title"].is_string() && a["concept"]["id"].is_u64());
        for part in ["link_probability", "commonness", "coherence", "context"] {
            assert!(a["parts"][part].is_f64(), "{a}");
        }
    }
    let titles: Vec<&str> = annotations
        .iter()
        .map(|a| a["concept"]["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Merrowby Lighthouse"), "{titles:?}");
    assert!(v["concepts"].as_array().is_some_and(|c| !c.is_empty()));

    // Text output marks mentions.
    let o = wikify(&snap, &[], text.as_bytes());
    assert!(stdout(&o).contains("[[Merrowby Lighthouse|Merrowby lighthouse]]"));

    // Bad input: answered, never a panic.
    let empty = wikify(&snap, &["--json"], b"");
    assert!(empty.status.success());
    assert!(stdout(&empty).contains("\"annotations\": []"));
    let garbage: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let o = wikify(&snap, &[], &garbage);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));
    // Over the HTTP API's 1 MiB: read piece by piece, never refused.
    let huge = vec![b'a'; (1 << 20) + 1];
    let o = wikify(&snap, &[], &huge);
    assert!(o.status.success(), "{}", stderr(&o));
    let one_token = vec![b'x'; 1 << 20];
    assert!(wikify(&snap, &["--json"], &one_token).status.success());
    let o = wikify(&snap, &["--min-score", "2"], b"Merrowby");
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn wikify_reads_any_size_and_jsonl() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    assert!(build(&snap, &example()).status.success());
    let paragraph = "Ünïcode — the Merrowby lighthouse stands above the harbour of Merrowby.\n\n";
    let one = wikify(&snap, &["--json"], paragraph.as_bytes());
    let per_paragraph =
        serde_json::from_slice::<serde_json::Value>(&one.stdout).unwrap()["annotations"]
            .as_array()
            .unwrap()
            .len();
    assert!(per_paragraph >= 2);
    // 3.4 MB: four pieces, each cut after a paragraph.
    let copies = 45_000;
    let text = paragraph.repeat(copies);
    let o = wikify(&snap, &["--json"], text.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let annotations = v["annotations"].as_array().unwrap();
    assert!(annotations.len() >= copies * 2, "{}", annotations.len());
    // Offsets over the whole input, bytes and code points alike.
    let (mut last, mut chars) = (0, 0);
    for a in annotations {
        let (bs, be) = (
            a["byte_start"].as_u64().unwrap() as usize,
            a["byte_end"].as_u64().unwrap() as usize,
        );
        assert!(bs >= last);
        assert_eq!(a["text"].as_str().unwrap(), &text[bs..be]);
        chars += text[last..bs].chars().count();
        assert_eq!(a["start"].as_u64().unwrap() as usize, chars);
        chars += text[bs..be].chars().count();
        assert_eq!(a["end"].as_u64().unwrap() as usize, chars);
        last = be;
    }
    let mentions: u64 = v["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mentions"].as_u64().unwrap())
        .sum();
    assert_eq!(mentions as usize, annotations.len());

    // --jsonl: one result per line, in order, ids and lang kept.
    let mut lines = String::new();
    for i in 0..30 {
        lines.push_str(&format!(
            "{{\"id\": \"t{i}\", \"text\": {paragraph:?}, \"lang\": \"en\"}}\n"
        ));
    }
    let o = wikify(&snap, &["--jsonl", "--threads", "2"], lines.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 30);
    for (i, line) in out.iter().enumerate() {
        assert_eq!(line["id"], format!("t{i}"));
        assert_eq!(line["lang"], "en");
        assert_eq!(line["annotations"].as_array().unwrap().len(), per_paragraph);
    }
    // A bad line: reported in place and named on stderr, with a failure exit.
    lines.push_str("{\"id\": 7, \"text\": 12}\n");
    let o = wikify(&snap, &["--jsonl"], lines.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("line 31: field \"text\": expected a string"),
        "{err}"
    );
    assert_eq!(stdout(&o).lines().count(), 31);
    // --threads only with --jsonl.
    assert!(!wikify(&snap, &["--threads", "2"], b"x").status.success());
}

fn examples_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// `kenning build` of the example wiki with one records file.
fn build_with_records(out: &Path, records: &Path) -> Output {
    kenning(&[
        "build",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--dump",
        example().to_str().unwrap(),
        "--records",
        records.to_str().unwrap(),
    ])
}

#[test]
fn records_are_imported_linked_and_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build_with_records(&out, &examples_file("tiny-records.jsonl"));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = kenning(&["stats", out.to_str().unwrap(), "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["records"], 10);
    assert_eq!(stats["record_links"], 11);
    // ENV's parent unit SCI is not in the file: reported, not fatal.
    assert_eq!(stats["record_missing_links"], 1);
    assert!(stats["record_concepts"].as_u64().unwrap() >= 10, "{stats}");

    let o = kenning(&["search", out.to_str().unwrap(), "festivals food", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let found: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let items = found["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["type"] == "course"
            && i["id"] == "CULT-310"
            && i["url"] == "/course/CULT-310"),
        "{found}"
    );

    // A concept page lists the courses about it.
    let o = kenning(&["concept", out.to_str().unwrap(), "Lake Tessel", "--json"]);
    let c: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let courses = c["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["type"] == "course")
        .unwrap_or_else(|| panic!("no courses on Lake Tessel: {c}"));
    assert!(courses["count"].as_u64().unwrap() >= 1);
    assert!(
        courses["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "ENV-220")
    );
}

#[test]
fn a_bad_records_line_stops_the_build_and_keeps_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"type\": \"course\", \"id\": \"A-1\", \"title\": \"Fine\", \"text\": \"\"}\n\
         {\"type\": \"course\", \"id\": \"A-2\", \"title\": \"Bad\", \"links\": [{\"rel\": 7, \"type\": \"person\", \"id\": \"1\"}]}\n",
    )
    .unwrap();
    let o = build_with_records(&out, &bad);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.jsonl:2"), "{err}");
    assert!(err.contains("links[0].rel"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The previous snapshot is still there and has no records.
    let o = kenning(&["stats", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["concepts"], 13);
    assert_eq!(stats["records"], 0);

    let o = build_with_records(&out, &dir.path().join("missing.jsonl"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("missing.jsonl"), "{}", stderr(&o));
}

/// The server is killed with SIGKILL in the middle of a stream of record
/// writes; after a restart every write it acknowledged is there.
#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let token = "kill-test-token";
    let port = free_port();
    let mut server = serve(&out, port, token);
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u32>::new()));
    let writer = {
        let acked = acked.clone();
        std::thread::spawn(move || {
            for i in 0.. {
                let body = format!(
                    "{{\"title\": \"Course {i}\", \"text\": \"The ferry to Kettle Island, lesson {i}.\"}}"
                );
                match http(
                    port,
                    "PUT",
                    &format!("/api/v1/records/course/K-{i}"),
                    token,
                    &body,
                ) {
                    Some((201, _)) => acked.lock().unwrap().push(i),
                    Some((status, body)) => panic!("PUT K-{i}: {status} {body}"),
                    None => return,
                }
            }
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acked.lock().unwrap().len() < 40 {
        assert!(std::time::Instant::now() < deadline, "writes too slow");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill().unwrap(); // SIGKILL on Unix
    server.wait().unwrap();
    writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40);

    let port = free_port();
    let mut server = serve(&out, port, token);
    for i in &acked {
        let (status, body) = http(
            port,
            "GET",
            &format!("/api/v1/records/course/K-{i}"),
            "",
            "",
        )
        .expect("the restarted server answers");
        assert_eq!(status, 200, "K-{i} was acknowledged but is lost: {body}");
        assert!(body.contains(&format!("Course {i}")), "{body}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Runs `command` to its end, which must come within `limit` (a server
/// that should refuse to start but serves instead is killed, and the test
/// fails).
fn exits_within(command: &mut Command, limit: std::time::Duration) -> Output {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the command did not exit within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A second server on a folder that a server already serves would show
/// records that are stale (written or deleted live through the first):
/// it refuses to start and says why, whether or not either has a token.
#[test]
fn a_second_server_on_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let port = free_port();
    let mut first = serve(&out, port, "first-token");
    for token in [None, Some("second-token")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kenning"));
        command
            .args(["serve", out.to_str().unwrap(), "--addr"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .env_remove("KENNING_API_TOKEN");
        if let Some(token) = token {
            command.env("KENNING_API_TOKEN", token);
        }
        let second = exits_within(&mut command, std::time::Duration::from_secs(60));
        assert!(!second.status.success(), "a second server started");
        let e = stderr(&second);
        assert!(e.starts_with("error: "), "{e}");
        assert!(e.contains("live-records.redb"), "{e}");
        assert!(e.contains("another process"), "{e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    }
    // The first one still serves, and writes.
    let (status, _) = http(
        port,
        "PUT",
        "/api/v1/records/course/SECOND-1",
        "first-token",
        "{\"title\": \"Still here\"}",
    )
    .unwrap();
    assert_eq!(status, 201);
    first.kill().unwrap();
    first.wait().unwrap();
}

/// A blank token is refused at start (it would turn writes on with a
/// token no request can match); a token with white space around is
/// trimmed.
#[test]
fn a_blank_api_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = exits_within(
        Command::new(env!("CARGO_BIN_EXE_kenning"))
            .args(["serve", out.to_str().unwrap(), "--addr"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .env("KENNING_API_TOKEN", "   "),
        std::time::Duration::from_secs(60),
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("KENNING_API_TOKEN") && e.contains("blank"),
        "{e}"
    );

    let port = free_port();
    let mut server = serve(&out, port, " padded-token\n");
    let (status, body) = http(
        port,
        "PUT",
        "/api/v1/records/course/PAD-1",
        "padded-token",
        "{\"title\": \"Padded\"}",
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    server.kill().unwrap();
    server.wait().unwrap();
}

/// While a build holds the output folder, another build into it fails at
/// once with a message saying so, and leaves the snapshot alone.
#[test]
fn a_second_build_into_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
    let current = std::fs::read_to_string(out.join("CURRENT")).unwrap();
    // Hold the lock as a running build does.
    let lock = std::fs::File::create(out.join(".kenning-build.lock")).unwrap();
    lock.lock().unwrap();
    let o = build(&out, &example());
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("another `kenning build`"), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert_eq!(
        std::fs::read_to_string(out.join("CURRENT")).unwrap(),
        current
    );
    drop(lock);
    let o = build(&out, &example());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `--out` naming a file says so (not "damaged snapshot").
#[test]
fn out_naming_a_file_says_it_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "precious").unwrap();
    let o = build(&file, &example());
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("is a file, not a folder"), "{e}");
    assert!(!e.contains("damaged"), "{e}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

#[test]
fn two_language_editions_build_into_one_graph_with_figures_per_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let french = examples_file("tiny-wiki-fr.xml");
    let o = kenning(&[
        "build",
        "--out",
        out.to_str().unwrap(),
        "--dump",
        example().to_str().unwrap(),
        "--dump",
        french.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "languages en (primary, 4 concepts with a page in another) and fr: 4 of 5 pages joined"
        ),
        "{}",
        stderr(&o)
    );
    let o = kenning(&["stats", out.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains(
            "fr: 5 pages, 4 joined, 1 concepts of their own; interlanguage links 1 read, 1 joined, 0 dangling; 4 concepts named"
        ),
        "{text}"
    );
    let o = kenning(&["stats", out.to_str().unwrap(), "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["languages"][1]["code"], "fr");
    // A language given on the command line: the same dump read as German.
    let o = build_with(
        &out,
        &example(),
        &["--dump", &format!("de={}", french.display())],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = kenning(&["stats", out.to_str().unwrap(), "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(stats["languages"][1]["code"], "de");
    // Langlinks of a wiki the build has no dump of: refused, with the fix.
    let links = dir.path().join("itwiki-latest-langlinks.sql");
    std::fs::write(
        &links,
        "INSERT INTO `langlinks` VALUES (1,'en','Merrowby');\n",
    )
    .unwrap();
    let o = build_with(
        &dir.path().join("other"),
        &example(),
        &[
            "--dump",
            french.to_str().unwrap(),
            "--langlinks",
            links.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--langlinks CODE=FILE"),
        "{}",
        stderr(&o)
    );
}
