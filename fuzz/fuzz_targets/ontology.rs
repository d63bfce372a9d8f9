//! The ontology readers on arbitrary bytes: kenning's ontology JSONL, and
//! EPFL Graph's structure JSON, alone and with the bytes (when UTF-8) as
//! its `category_tree.txt`. Either an ontology that keeps the crate's
//! promises (parents first, every parent defined, every cluster in a
//! category) or an error; never a panic.
#![no_main]

use std::collections::HashSet;

use kenning_ontology::{Ontology, read_epfl_structure, read_jsonl, slug_of};
use libfuzzer_sys::fuzz_target;

/// A small structure for the tree to name, its slugs on several paths.
const STRUCTURE: &[u8] = br#"{"academic-disciplines": {"formal-sciences": {"mathematics": {"graph-theory": {"1": ["Planar graph"]}, "logic": {}}}, "humanities": {"2": ["Art"]}}}"#;

/// Panics when the ontology breaks a promise of the crate.
fn check(ontology: &Ontology) {
    let mut placed: HashSet<&str> = HashSet::new();
    for category in &ontology.categories {
        for parent in &category.parents {
            assert!(
                placed.contains(parent.as_str()),
                "{parent} after its child {}",
                category.id
            );
        }
        assert!(placed.insert(&category.id), "{} twice", category.id);
        assert!(!category.name.is_empty(), "{} has no name", category.id);
    }
    for cluster in &ontology.clusters {
        assert!(
            placed.contains(cluster.category.as_str()),
            "cluster in unknown {}",
            cluster.category
        );
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(ontology) = read_jsonl(data) {
        check(&ontology);
    }
    if let Ok(ontology) = read_epfl_structure(data, None) {
        check(&ontology);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(ontology) = read_epfl_structure(data, Some(text)) {
            check(&ontology);
        }
        let named = read_epfl_structure(STRUCTURE, Some(text));
        check(&named.expect("the fixed structure is valid"));
        let slug = slug_of(text);
        assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
    }
});
