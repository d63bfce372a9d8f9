//! Reads EPFL Graph's real ontology in `../shared/data/ontology/`
//! (`ontology_structure.json` with its `category_tree.txt`) through
//! `read_file` and checks it against the counts in the data's README.
//! Skipped (with a note) where the data is absent, unless
//! `KENNING_REQUIRE_DATA` is set.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use kenning_ontology::{Category, ConceptRef, Ontology, read_file, slug_of};

fn data() -> Option<PathBuf> {
    kenning_testdata::shared_data(
        &[
            "ontology/ontology_structure.json",
            "ontology/category_tree.txt",
        ],
        "EPFL ontology tests",
    )
}

fn read_real() -> Option<(Ontology, String)> {
    let folder = data()?.join("ontology");
    let ontology = read_file(&folder.join("ontology_structure.json"))
        .unwrap_or_else(|error| panic!("{error}"));
    let tree = std::fs::read_to_string(folder.join("category_tree.txt")).unwrap();
    Some((ontology, tree))
}

/// The ids from the root down to the category.
fn path_of<'a>(by_id: &HashMap<&str, &'a Category>, id: &'a str) -> Vec<&'a str> {
    let mut path = vec![id];
    let mut current = by_id[id];
    while let Some(parent) = current.parents.first() {
        path.push(parent);
        current = by_id[parent.as_str()];
    }
    path.reverse();
    path
}

#[test]
fn counts_match_the_readme() {
    let Some((ontology, _)) = read_real() else {
        return;
    };
    assert_eq!(ontology.categories.len(), 1_450);
    let by_id: HashMap<&str, &Category> = ontology
        .categories
        .iter()
        .map(|category| (category.id.as_str(), category))
        .collect();
    let mut by_depth = [0usize; 5];
    for category in &ontology.categories {
        assert!(
            category.parents.len() <= 1,
            "{} has {:?}",
            category.id,
            category.parents
        );
        assert!(category.concepts.is_empty());
        by_depth[path_of(&by_id, &category.id).len() - 1] += 1;
    }
    assert_eq!(by_depth, [1, 5, 41, 256, 1_147]);

    assert_eq!(ontology.clusters.len(), 4_809);
    let titles: HashSet<&str> = ontology
        .clusters
        .iter()
        .flat_map(|cluster| &cluster.concepts)
        .map(|concept| match concept {
            ConceptRef::Title(title) => title.as_str(),
            ConceptRef::PageId(page_id) => panic!("page id {page_id} in EPFL's file"),
        })
        .collect();
    assert_eq!(titles.len(), 40_053);
    assert!(
        ontology
            .clusters
            .iter()
            .all(|cluster| by_id.contains_key(cluster.category.as_str()))
    );
}

#[test]
fn one_root_and_parents_first() {
    let Some((ontology, _)) = read_real() else {
        return;
    };
    let roots: Vec<&str> = ontology
        .categories
        .iter()
        .filter(|category| category.parents.is_empty())
        .map(|category| category.id.as_str())
        .collect();
    assert_eq!(roots, ["academic-disciplines"]);
    let mut seen = HashSet::new();
    for category in &ontology.categories {
        assert!(
            category
                .parents
                .iter()
                .all(|parent| seen.contains(parent.as_str()))
        );
        seen.insert(category.id.as_str());
    }
}

#[test]
fn graph_theory_is_named_and_placed() {
    let Some((ontology, _)) = read_real() else {
        return;
    };
    let by_id: HashMap<&str, &Category> = ontology
        .categories
        .iter()
        .map(|category| (category.id.as_str(), category))
        .collect();
    let graph_theory = by_id["graph-theory"];
    assert_eq!(graph_theory.name, "Graph theory");
    assert_eq!(graph_theory.anchor.as_deref(), Some("Graph theory"));
    assert_eq!(
        path_of(&by_id, "graph-theory").join(" › "),
        "academic-disciplines › formal-sciences › mathematics › discrete-mathematics › graph-theory"
    );
    assert_eq!(by_id["academic-disciplines"].name, "Academic disciplines");
    assert_eq!(
        by_id["academic-disciplines"].anchor.as_deref(),
        Some("Academic discipline")
    );
}

/// How many of the JSON's slugs are the slug of a name in the tree: 1,442.
/// The data's README says 1,440, counted with a rule that drops the en
/// dash (`Client–server model` → `clientserver-model`, three such names)
/// and keeps the underscore (`document-oriented_databases`, one); ours
/// makes the en dash a `-` and the underscore too. The seven others are
/// not in the tree at all (`monarchy`, `version-control`, …).
#[test]
fn slugs_with_a_tree_entry() {
    let Some((ontology, tree)) = read_real() else {
        return;
    };
    let tree_slugs: HashSet<String> = tree
        .lines()
        .map(|line| slug_of(line.split('[').next().unwrap_or_default()))
        .collect();
    let (matched, unmatched): (Vec<&Category>, Vec<&Category>) = ontology
        .categories
        .iter()
        .partition(|category| tree_slugs.contains(&category.id));
    let unmatched_ids: Vec<&str> = unmatched
        .iter()
        .map(|category| category.id.as_str())
        .collect();
    assert_eq!(matched.len(), 1_442, "unmatched: {unmatched_ids:?}");
    // Every line of the real tree has an anchor, so a category has one
    // exactly when it found its entry.
    assert!(matched.iter().all(|category| category.anchor.is_some()));
    assert!(unmatched.iter().all(|category| category.anchor.is_none()));
    assert!(unmatched_ids.contains(&"document-oriented_databases"));
}
