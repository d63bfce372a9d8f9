//! EPFL Graph's ontology: `ontology_structure.json` (the categories, their
//! clusters and the clusters' concept titles), named by `category_tree.txt`
//! (display names and anchor articles) when it is given.

mod slug;
mod structure;
mod tree;

use std::collections::HashMap;

use crate::{Category, Ontology, OntologyError};

pub use slug::slug_of;
use structure::{Structure, WalkedCategory};
use tree::TreeEntry;

/// Reads EPFL Graph's `ontology_structure.json` and, when given, the text
/// of its `category_tree.txt`.
///
/// The JSON is one object nested without field names: a key whose value is
/// an object is a category (the key is its slug id) holding its children;
/// a key whose value is a list is a cluster of the enclosing category (the
/// key is its id) holding concept titles. Top-level keys are the roots.
/// Categories come out in document order (parents first, depth first),
/// each with its enclosing category as its one parent and no concepts of
/// its own; clusters in document order, their titles trimmed and empty
/// ones skipped.
///
/// Each category takes its name and anchor from the tree's entry of the
/// same slug ([`slug_of`] of the entry's name), preferring the entry whose
/// ancestors' slugs are the category's path in the JSON, else the first.
/// A category without an entry, or read without a tree, is named after its
/// slug (`graph-theory` → "Graph theory") and has no anchor. The tree is
/// read leniently: lines it cannot read are skipped.
///
/// # Errors
///
/// [`OntologyError::Json`] when the bytes are not JSON,
/// [`OntologyError::Shape`] when the top level is not an object, and
/// [`OntologyError::Invalid`] when a slug appears twice or is empty, a
/// cluster holds something other than strings, a value is neither an
/// object nor a list, a list sits at the top level, or categories nest
/// deeper than 64 levels.
pub fn read_epfl_structure(json: &[u8], tree: Option<&str>) -> Result<Ontology, OntologyError> {
    read_epfl_named(json, tree, "ontology.json")
}

/// [`read_epfl_structure`], with `what` naming the JSON in errors.
pub(crate) fn read_epfl_named(
    json: &[u8],
    tree: Option<&str>,
    what: &str,
) -> Result<Ontology, OntologyError> {
    let Structure {
        categories: walked,
        clusters,
    } = structure::read_structure(json, what)?;
    let entries = tree.map(tree::parse_category_tree).unwrap_or_default();
    let mut entries_of_slug: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        entries_of_slug.entry(&entry.slug).or_default().push(index);
    }
    let categories = (0..walked.len())
        .map(|index| {
            let path = slug_path(&walked, index);
            let category = &walked[index];
            let entry = entries_of_slug
                .get(category.slug.as_str())
                .and_then(|candidates| {
                    candidates
                        .iter()
                        .find(|&&candidate| tree_path_is(&entries, candidate, &path))
                        .or(candidates.first())
                        .map(|&candidate| &entries[candidate])
                });
            Category {
                id: category.slug.clone(),
                name: entry.map_or_else(
                    || name_from_slug(&category.slug),
                    |entry| entry.name.clone(),
                ),
                parents: category
                    .parent
                    .map(|parent| vec![walked[parent].slug.clone()])
                    .unwrap_or_default(),
                anchor: entry.and_then(|entry| entry.anchor.clone()),
                concepts: Vec::new(),
            }
        })
        .collect();
    Ok(Ontology {
        categories,
        clusters,
    })
}

/// The slugs from the root down to the category (never empty; as long as
/// the category's level, at most 64).
fn slug_path(walked: &[WalkedCategory], index: usize) -> Vec<&str> {
    let mut path = vec![walked[index].slug.as_str()];
    let mut parent = walked[index].parent;
    while let Some(above) = parent {
        path.push(&walked[above].slug);
        parent = walked[above].parent;
    }
    path.reverse();
    path
}

/// Whether the tree entry's slug and its ancestors' are `path` exactly.
fn tree_path_is(entries: &[TreeEntry], entry: usize, path: &[&str]) -> bool {
    let mut current = Some(entry);
    for slug in path.iter().rev() {
        match current {
            Some(index) if entries[index].slug == *slug => current = entries[index].parent,
            _ => return false,
        }
    }
    current.is_none()
}

/// A display name made from a slug: hyphens and underscores as spaces,
/// the first letter upper case (`graph-theory` → "Graph theory").
fn name_from_slug(slug: &str) -> String {
    let spaced = slug.replace(['-', '_'], " ");
    let mut characters = spaced.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cluster, ConceptRef};
    use proptest::prelude::*;

    const JSON: &str = r#"{"academic-disciplines": {
        "formal-sciences": {"mathematics": {"graph-theory": {"2164": ["Planar graph"]}, "logic": {}}},
        "humanities": {},
        "unnamed-field": {"5": ["A"]}}}"#;

    /// A tree with `Logic` twice: under Mathematics (where the JSON has it)
    /// second, under Philosophy first.
    const TREE: &str = "\
Academic disciplines                    [Academic_discipline]
    Philosophy                          [Philosophy]
        Logic                           [Philosophical_logic]
    Formal sciences                     [Formal_science]
        Mathematics                     [Mathematics]
            Graph theory                [Graph_theory]{Summary.}
            Logic                       [Mathematical_logic]
    Humanities
        Logic                           [Logic_in_humanities]
";

    fn category(ontology: &Ontology, id: &str) -> Category {
        ontology
            .categories
            .iter()
            .find(|category| category.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("no category {id}"))
    }

    #[test]
    fn categories_take_their_parents_and_names_from_the_tree() {
        let ontology = read_epfl_structure(JSON.as_bytes(), Some(TREE)).unwrap();
        let ids: Vec<&str> = ontology
            .categories
            .iter()
            .map(|category| category.id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "academic-disciplines",
                "formal-sciences",
                "mathematics",
                "graph-theory",
                "logic",
                "humanities",
                "unnamed-field"
            ]
        );
        assert_eq!(
            category(&ontology, "graph-theory"),
            Category {
                id: "graph-theory".into(),
                name: "Graph theory".into(),
                parents: vec!["mathematics".into()],
                anchor: Some("Graph theory".into()),
                concepts: vec![],
            }
        );
        let root = category(&ontology, "academic-disciplines");
        assert!(root.parents.is_empty());
        assert_eq!(root.name, "Academic disciplines");
        assert_eq!(root.anchor.as_deref(), Some("Academic discipline"));
        assert_eq!(
            ontology.clusters,
            vec![
                Cluster {
                    id: "2164".into(),
                    category: "graph-theory".into(),
                    concepts: vec![ConceptRef::Title("Planar graph".into())],
                },
                Cluster {
                    id: "5".into(),
                    category: "unnamed-field".into(),
                    concepts: vec![ConceptRef::Title("A".into())],
                },
            ]
        );
    }

    #[test]
    fn the_tree_entry_on_the_same_path_is_preferred_else_the_first() {
        let ontology = read_epfl_structure(JSON.as_bytes(), Some(TREE)).unwrap();
        // The JSON's "logic" is under mathematics: the tree's Logic under
        // Mathematics, not the first Logic.
        assert_eq!(
            category(&ontology, "logic").anchor.as_deref(),
            Some("Mathematical logic")
        );
        let json = r#"{"academic-disciplines": {"science": {"logic": {}}}}"#;
        let ontology = read_epfl_structure(json.as_bytes(), Some(TREE)).unwrap();
        assert_eq!(
            category(&ontology, "logic").anchor.as_deref(),
            Some("Philosophical logic")
        );
    }

    #[test]
    fn categories_without_a_tree_entry_are_named_after_their_slug() {
        let ontology = read_epfl_structure(JSON.as_bytes(), Some(TREE)).unwrap();
        let unnamed = category(&ontology, "unnamed-field");
        assert_eq!(unnamed.name, "Unnamed field");
        assert_eq!(unnamed.anchor, None);
        let humanities = category(&ontology, "humanities");
        assert_eq!(
            (humanities.name.as_str(), humanities.anchor),
            ("Humanities", None)
        );

        let without_tree = read_epfl_structure(JSON.as_bytes(), None).unwrap();
        for category in &without_tree.categories {
            assert_eq!(category.name, name_from_slug(&category.id));
            assert_eq!(category.anchor, None);
        }
        assert_eq!(category(&without_tree, "graph-theory").name, "Graph theory");
    }

    #[test]
    fn names_made_from_slugs() {
        assert_eq!(name_from_slug("graph-theory"), "Graph theory");
        assert_eq!(
            name_from_slug("2d-computer-graphics"),
            "2d computer graphics"
        );
        assert_eq!(
            name_from_slug("document-oriented_databases"),
            "Document oriented databases"
        );
        assert_eq!(name_from_slug("économie"), "Économie");
        assert_eq!(name_from_slug(""), "");
    }

    #[test]
    fn errors_name_the_json() {
        let error = read_epfl_structure(br#"{"r": {"r": {}}}"#, Some(TREE)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "ontology.json: category \"r\" appears twice (at the top level and under r)"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            json in proptest::collection::vec(any::<u8>(), 0..300),
            tree in "\\PC{0,200}",
        ) {
            let _ = read_epfl_structure(&json, Some(&tree));
        }

        #[test]
        fn json_like_text_never_panics(json in "[{}\\[\\]\":, a-c0-9]{0,200}") {
            let _ = read_epfl_structure(json.as_bytes(), Some(TREE));
        }

        #[test]
        fn any_tree_names_every_category_without_panicking(tree in "[ \t\n\\[\\]_a-zA-Z]{0,300}") {
            let ontology = read_epfl_structure(JSON.as_bytes(), Some(&tree)).unwrap();
            prop_assert_eq!(ontology.categories.len(), 7);
            prop_assert!(ontology.categories.iter().all(|category| !category.name.is_empty()));
        }
    }
}
