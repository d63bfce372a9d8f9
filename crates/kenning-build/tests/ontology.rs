//! `--ontology`: the example wiki with its example ontology (matched by
//! title and redirect, the unmatched listed), and ontology files that stop
//! the build before any source is read. No shared data needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_store::{Snapshot, files};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn options(out: &Path, ontologies: Vec<PathBuf>) -> BuildOptions {
    BuildOptions {
        out: out.to_owned(),
        sources: vec![Source::Dump(examples().join("tiny-wiki.xml"))],
        threads: 1,
        records: Vec::new(),
        holdout_percent: 0,
        languages: Default::default(),
        ontologies,
        record_fields: Default::default(),
    }
}

#[test]
fn the_example_ontology_is_matched_and_its_misses_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let progress = Arc::new(BuildProgress::default());
    build(
        &options(&out, vec![examples().join("tiny-ontology.jsonl")]),
        &progress,
    )
    .unwrap();
    let snapshot = Snapshot::open(&out).unwrap();
    let stats = &snapshot.meta().stats;
    assert_eq!(stats.ontology_categories, 5);
    assert_eq!(stats.ontology_clusters, 0);
    // Merrowby Ferry is named twice (Transport, Ferries) and counted once.
    assert_eq!(stats.ontology_concepts, 12);
    assert_eq!(stats.ontology_concepts_matched, 11);
    let report =
        std::fs::read_to_string(snapshot.generation_dir().join(files::ONTOLOGY_UNMATCHED)).unwrap();
    assert_eq!(report, "transport\t\tHarbour Crane of Merrowby\n");
    let warnings = progress.take_warnings();
    assert!(
        warnings.iter().any(|w| w.contains("1 of 12 concepts")),
        "{warnings:?}"
    );
    let ontology = snapshot.ontology().unwrap().unwrap();
    let lakes = ontology
        .categories
        .iter()
        .find(|c| c.id == "lakes-and-rivers")
        .unwrap();
    // "Tessel Lake" is a redirect: its target is the concept.
    let lake = snapshot.find_title("Lake Tessel").unwrap().get();
    assert!(lakes.concepts.contains(&lake), "{lakes:?}");
    assert_eq!(lakes.anchor, Some(lake));
}

#[test]
fn a_bad_ontology_stops_the_build_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cycle = dir.path().join("cycle.jsonl");
    std::fs::write(
        &cycle,
        "{\"id\": \"a\", \"name\": \"A\", \"parents\": [\"b\"]}\n{\"id\": \"b\", \"name\": \"B\", \"parents\": [\"a\"]}\n",
    )
    .unwrap();
    let out = dir.path().join("snap");
    let e = build(
        &options(&out, vec![cycle.clone()]),
        &Arc::new(BuildProgress::default()),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("cycle.jsonl"), "{e}");
    assert!(e.contains("a → b → a") || e.contains("b → a → b"), "{e}");
    assert!(!out.join("CURRENT").exists(), "nothing published");

    // The same category id in two files.
    let first = examples().join("tiny-ontology.jsonl");
    let again = dir.path().join("again.jsonl");
    std::fs::write(&again, "{\"id\": \"transport\", \"name\": \"Transport\"}\n").unwrap();
    let e = build(
        &options(&out, vec![first, again]),
        &Arc::new(BuildProgress::default()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("again.jsonl") && e.contains("\"transport\""),
        "{e}"
    );
    assert!(e.contains("tiny-ontology.jsonl"), "{e}");

    let missing = dir.path().join("nowhere.json");
    let e = build(
        &options(&out, vec![missing]),
        &Arc::new(BuildProgress::default()),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("nowhere.json"), "{e}");
}
