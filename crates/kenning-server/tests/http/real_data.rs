//! Records on real data: Wikispeedia with the EPFL Graph registry sample
//! (skipped when the data is absent).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::http::StatusCode;
use kenning_build::Source;
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};
use serde_json::Value;

use crate::fixtures::{attribute, build_with_records, get, relation, relations_of, scratch};

/// `../shared/data` (or `KENNING_DATA`) when it holds what the real-data
/// tests read; they are skipped (with a note) otherwise, unless
/// `KENNING_REQUIRE_DATA` is set.
fn real_data() -> Option<PathBuf> {
    kenning_testdata::shared_data(
        &[
            "wikispeedia/concepts.jsonl.gz",
            "institution/records/epfl-registry-sample.jsonl",
        ],
        "real-records tests",
    )
}

/// Wikispeedia's concepts with the EPFL Graph registry sample, built once
/// per test run (30–60 s in a dev build), and the sample's lines.
fn registry_engine() -> Option<&'static (Arc<Engine>, Vec<Value>)> {
    static ENGINE: OnceLock<Option<(Arc<Engine>, Vec<Value>)>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let data = real_data()?;
            let records = data.join("institution/records/epfl-registry-sample.jsonl");
            let out = scratch("registry-sample");
            let _ = std::fs::remove_dir_all(&out);
            let started = Instant::now();
            build_with_records(
                vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
                vec![records.clone()],
                &out,
            );
            eprintln!(
                "built Wikispeedia + registry sample in {:?}",
                started.elapsed()
            );
            let lines = std::fs::read_to_string(&records)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let engine = Engine::open(&out).expect("open the registry snapshot");
            Some((Arc::new(engine), lines))
        })
        .as_ref()
}

#[tokio::test]
async fn real_registry_sample_links_show_on_both_records_pages() {
    let Some((engine, lines)) = registry_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let mut links = 0;
    for record in lines {
        let (kind, id) = (
            record["type"].as_str().unwrap(),
            record["id"].as_str().unwrap(),
        );
        let path = kenning_records::record_path(kind, id);
        let source_json = get(&app, &format!("/api/v1/records{path}")).await;
        assert_eq!(source_json.status, StatusCode::OK, "{path}");
        let source_json = source_json.json();
        let source_html = get(&app, &path).await;
        assert_eq!(source_html.status, StatusCode::OK, "{path}");
        for link in record["links"].as_array().unwrap() {
            links += 1;
            let (rel, to_kind, to_id) = (
                link["rel"].as_str().unwrap(),
                link["type"].as_str().unwrap(),
                link["id"].as_str().unwrap(),
            );
            let target = kenning_records::record_path(to_kind, to_id);
            assert!(
                relations_of(&source_json)
                    .contains(&relation("outgoing", rel, to_kind, to_id, true)),
                "{path} does not show {rel} → {target}: {}",
                source_json["relations"]
            );
            assert!(
                source_html
                    .body
                    .contains(&format!("<a href=\"{}\">", attribute(&target))),
                "the page {path} does not link to {target}"
            );
            let target_json = get(&app, &format!("/api/v1/records{target}")).await;
            assert_eq!(target_json.status, StatusCode::OK, "{target}");
            assert!(
                relations_of(&target_json.json())
                    .contains(&relation("incoming", rel, kind, id, true)),
                "{target} does not show {rel} ← {path}"
            );
            let target_html = get(&app, &target).await.body;
            assert!(
                target_html.contains(&format!("<a href=\"{}\">", attribute(&path))),
                "the page {target} does not link back to {path}"
            );
        }
    }
    assert_eq!(links, 61);
    let stats = engine.stats();
    assert_eq!(
        (
            stats.records,
            stats.record_links,
            stats.record_missing_links
        ),
        (66, 61, 0)
    );
}

#[tokio::test]
async fn real_registry_sample_courses_have_concepts_and_concepts_list_courses() {
    let Some((engine, lines)) = registry_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let courses: Vec<&str> = lines
        .iter()
        .filter(|r| r["type"] == "course")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(courses.len(), 23);
    // Most courses have concepts detected in their own text (the English
    // ones; Wikispeedia is a small English encyclopedia, and a third of
    // these courses are described in French); most others inherit those of
    // their teachers. Every course page lists its concepts.
    let (mut own, mut any) = (0, 0);
    let mut course_concepts: BTreeSet<u64> = BTreeSet::new();
    for id in &courses {
        let path = kenning_records::record_path("course", id);
        let record = get(&app, &format!("/api/v1/records{path}")).await.json();
        let concepts = record["concepts"].as_array().unwrap();
        let inherited = record["concepts_inherited"].as_bool().unwrap();
        if concepts.is_empty() {
            continue;
        }
        any += 1;
        let page = get(&app, &path).await.body;
        let first = &concepts[0];
        assert!(
            page.contains(&format!(
                "<li><a href=\"/concept/{}\">{}</a><meter",
                first["id"],
                attribute(first["title"].as_str().unwrap())
            )),
            "{path} does not list {first}"
        );
        if inherited {
            assert!(page.contains("Inherited from linked records"), "{path}");
        } else {
            own += 1;
            // Concepts found in its text are linked from the text; each
            // concept says which fields it came from.
            let from_text = concepts
                .iter()
                .any(|c| c["fields"].as_array().unwrap().iter().any(|f| f == "text"));
            if from_text {
                assert!(page.contains(" (score 0."), "{path}: no mention linked");
            }
            assert!(page.contains("<span class=\"from\">from "), "{path}");
            course_concepts.extend(concepts.iter().map(|c| c["id"].as_u64().unwrap()));
        }
    }
    eprintln!(
        "{own} of {} courses have concepts of their own, {any} have concepts",
        courses.len()
    );
    assert!(own * 2 > courses.len(), "{own} of {}", courses.len());
    assert!(any * 3 >= courses.len() * 2, "{any} of {}", courses.len());

    let mut listing = 0;
    for concept in &course_concepts {
        let page = get(&app, &format!("/concept/{concept}")).await.body;
        if page.contains("<section id=\"records-course\" class=\"records\">") {
            assert!(page.contains("<h2>Courses ("), "{concept}");
            assert!(page.contains("<li><a href=\"/course/"), "{concept}");
            listing += 1;
        }
    }
    eprintln!(
        "{listing} of {} concepts of courses list courses",
        course_concepts.len()
    );
    assert!(listing >= 1);
}

/// Wikispeedia's concepts with the EPFL courses of 2019 (1,506 records),
/// built once per test run; `None` when the data is absent.
fn courses_engine() -> Option<&'static Arc<Engine>> {
    static ENGINE: OnceLock<Option<Arc<Engine>>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let data = kenning_testdata::shared_data(
                &[
                    "wikispeedia/concepts.jsonl.gz",
                    "institution/records/epfl-courses-2019.jsonl",
                ],
                "real-courses tests",
            )?;
            let out = scratch("epfl-courses");
            let _ = std::fs::remove_dir_all(&out);
            let started = Instant::now();
            build_with_records(
                vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
                vec![data.join("institution/records/epfl-courses-2019.jsonl")],
                &out,
            );
            eprintln!(
                "built Wikispeedia + EPFL courses in {:?}",
                started.elapsed()
            );
            Some(Arc::new(
                Engine::open(&out).expect("open the courses snapshot"),
            ))
        })
        .as_ref()
}

/// The number in `html` right before `after` (`180 concepts link here`).
fn count_before(html: &str, after: &str) -> Option<u64> {
    let end = html.find(after)?;
    let digits: String = html[..end]
        .chars()
        .rev()
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// Every item of a JSON list, fetched 100 at a time, and the totals each
/// page gave.
async fn whole_list(app: &axum::Router, uri: &str) -> (usize, BTreeSet<u64>) {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let (mut seen, mut totals) = (0, BTreeSet::new());
    loop {
        let v = get(app, &format!("{uri}{sep}limit=100&offset={seen}"))
            .await
            .json();
        totals.insert(v["total"].as_u64().unwrap());
        let n = v["items"].as_array().unwrap().len();
        seen += n;
        if n < 100 {
            return (seen, totals);
        }
    }
}

#[tokio::test]
async fn real_courses_every_cut_list_has_its_whole_behind_it() {
    let Some(engine) = courses_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let snapshot = engine.snapshot();
    let (mut cut_links, mut cut_records) = (0, 0);
    for i in 0..snapshot.len() as u32 {
        let id = snapshot
            .concept(kenning_store::ConceptIdx::new(i))
            .id()
            .get();
        let page = engine.concept(id).unwrap();
        if page.in_link_count > 10 {
            cut_links += 1;
            let html = get(&app, &format!("/concept/{id}")).await.body;
            let shown = count_before(&html, " concepts link here").unwrap();
            let (length, totals) =
                whole_list(&app, &format!("/api/v1/concepts/{id}/links-here")).await;
            assert_eq!(totals, BTreeSet::from([shown]), "{id}");
            assert_eq!(length as u64, shown, "{id}");
            assert!(html.contains(&format!(
                "<a href=\"/concept/{id}/links-here\">All {shown} concepts"
            )));
        }
        for group in page.records.iter().filter(|g| g.count > 10) {
            cut_records += 1;
            let html = get(&app, &format!("/concept/{id}")).await.body;
            let label = if group.kind == "course" {
                "Courses"
            } else {
                "Records"
            };
            let shown = count_before(&html, ")</h2>").filter(|_| label == "Courses");
            let uri = format!("/api/v1/concepts/{id}/records?type={}", group.kind);
            let (length, totals) = whole_list(&app, &uri).await;
            assert_eq!(totals, BTreeSet::from([group.count as u64]), "{id}");
            assert_eq!(length, group.count, "{id}");
            if let Some(shown) = shown {
                assert_eq!(shown, group.count as u64, "{id}");
            }
            assert!(
                html.contains(&format!(
                    "<a href=\"/concept/{id}/courses\">All {} courses",
                    group.count
                )),
                "{id}"
            );
            // The page for people: the first page of 50, the total.
            let full = get(&app, &format!("/concept/{id}/courses")).await.body;
            assert!(
                full.contains(&format!(
                    " of {} courses, the most relevant first.",
                    group.count
                )),
                "{id}"
            );
            let listed = full.matches("<li><a href=\"/course/").count();
            assert_eq!(listed, group.count.min(50), "{id}");
        }
    }
    eprintln!(
        "{cut_links} concepts with more than 10 in-links, {cut_records} course lists over 10"
    );
    assert!(
        cut_links > 1000 && cut_records > 10,
        "{cut_links} {cut_records}"
    );
}

#[tokio::test]
async fn real_courses_are_found_by_code_however_typed() {
    let Some(engine) = courses_engine() else {
        return;
    };
    let data =
        kenning_testdata::shared_data(&["institution/records/epfl-courses-2019.jsonl"], "codes")
            .unwrap();
    let lines =
        std::fs::read_to_string(data.join("institution/records/epfl-courses-2019.jsonl")).unwrap();
    let mut checked = 0;
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let course: Value = serde_json::from_str(line).unwrap();
        let Some(code) = course["fields"]["course_code"].as_str() else {
            continue;
        };
        let id = course["id"].as_str().unwrap();
        let squeezed: String = code.chars().filter(|c| c.is_alphanumeric()).collect();
        for spelling in [
            code.to_owned(),
            squeezed.to_lowercase(),
            code.replace('-', " "),
            code.to_lowercase(),
        ] {
            let page = engine
                .search(&kenning_engine::SearchRequest {
                    query: spelling.clone(),
                    limit: 3,
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(page.items[0].id, id, "{spelling}");
            assert_eq!(page.items[0].code.as_deref(), Some(code), "{spelling}");
        }
        checked += 1;
    }
    assert!(checked > 1000, "{checked}");
    // A code being typed completes to the courses whose code starts so.
    for typed in ["CS-45", "cs 45", "MATH-1"] {
        let hits = engine.suggest(typed, 8).unwrap();
        let key: String = typed
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        assert!(hits.len() >= 2, "{typed}: {hits:?}");
        for hit in &hits[..2] {
            let code = hit.code.as_deref().unwrap_or_default();
            let squeezed: String = code.chars().filter(|c| c.is_alphanumeric()).collect();
            assert!(
                squeezed.to_lowercase().starts_with(&key),
                "{typed}: {hits:?}"
            );
        }
    }
}
