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

use crate::fixtures::{build_with_records, get, relation, relations_of, scratch};

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

/// `text` escaped as the pages escape attribute values.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
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
