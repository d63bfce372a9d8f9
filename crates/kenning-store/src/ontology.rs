//! The snapshot's ontology file ([`files::ONTOLOGY`]): an institution's
//! subject categories with their concepts already matched to the
//! snapshot's, as JSON (small: EPFL Graph's whole ontology is 1,450
//! categories). Categories refer to their parents by position, always an
//! earlier one, so the graph read back has no cycle; concepts are concept
//! indices of the same generation. The unmatched concepts of a build go to
//! [`files::ONTOLOGY_UNMATCHED`], a report for people, never read back.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::layout::files;

/// An ontology as the snapshot keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredOntology {
    /// Parents before children.
    pub categories: Vec<StoredCategory>,
    /// Clusters of concepts, each in one category.
    #[serde(default)]
    pub clusters: Vec<StoredCluster>,
}

/// One category of a [`StoredOntology`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCategory {
    /// Its id, a slug (`graph-theory`): the name in its URL.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Positions of its parents, each before its own.
    #[serde(default)]
    pub parents: Vec<u32>,
    /// The concept (index) its anchor article names, when matched.
    #[serde(default)]
    pub anchor: Option<u32>,
    /// Concepts (indices) it holds outside any cluster.
    #[serde(default)]
    pub concepts: Vec<u32>,
}

/// One cluster of a [`StoredOntology`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCluster {
    /// Its id as the ontology gives it (unique within its category).
    pub id: String,
    /// Position of its category.
    pub category: u32,
    /// Its concepts (indices).
    pub concepts: Vec<u32>,
}

impl StoredOntology {
    /// What is wrong with it for a snapshot of `concepts` concepts: a parent
    /// that is not an earlier category, a concept index out of range, a
    /// cluster of no category, an id given twice.
    pub fn check(&self, concepts: usize) -> Result<(), String> {
        let concept_ok = |c: u32| (c as usize) < concepts;
        let mut ids = std::collections::HashSet::new();
        for (i, c) in self.categories.iter().enumerate() {
            if !ids.insert(c.id.as_str()) {
                return Err(format!("category {:?} appears twice", c.id));
            }
            if let Some(p) = c.parents.iter().find(|&&p| p as usize >= i) {
                return Err(format!(
                    "category {:?} has parent {p}, not an earlier category",
                    c.id
                ));
            }
            if !c.anchor.is_none_or(concept_ok) || !c.concepts.iter().all(|&x| concept_ok(x)) {
                return Err(format!("category {:?} names a concept out of range", c.id));
            }
        }
        for k in &self.clusters {
            if k.category as usize >= self.categories.len() {
                return Err(format!("cluster {:?} is in no category", k.id));
            }
            if !k.concepts.iter().all(|&x| concept_ok(x)) {
                return Err(format!("cluster {:?} names a concept out of range", k.id));
            }
        }
        Ok(())
    }
}

/// Reads the ontology of the generation in `dir`, if it has one, checked
/// against its `concepts`.
pub(crate) fn read(dir: &Path, concepts: usize) -> Result<Option<StoredOntology>, StoreError> {
    let path = dir.join(files::ONTOLOGY);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io(&path, e)),
    };
    let corrupt = |message: String| StoreError::Corrupt {
        path: path.clone(),
        message,
    };
    let ontology: StoredOntology =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    ontology.check(concepts).map_err(corrupt)?;
    Ok(Some(ontology))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: &str, parents: &[u32]) -> StoredCategory {
        StoredCategory {
            id: id.into(),
            name: id.into(),
            parents: parents.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn check_refuses_what_could_loop_or_point_outside() {
        let good = StoredOntology {
            categories: vec![category("a", &[]), category("b", &[0])],
            clusters: vec![StoredCluster {
                id: "1".into(),
                category: 1,
                concepts: vec![0, 2],
            }],
        };
        assert_eq!(good.check(3), Ok(()));
        assert!(good.check(2).unwrap_err().contains("out of range"));
        let mut looped = good.clone();
        looped.categories[0].parents = vec![1];
        assert!(looped.check(3).unwrap_err().contains("not an earlier"));
        let mut own = good.clone();
        own.categories[1].parents = vec![1];
        assert!(own.check(3).is_err());
        let mut twice = good.clone();
        twice.categories[1].id = "a".into();
        assert!(twice.check(3).unwrap_err().contains("twice"));
        let mut lost = good;
        lost.clusters[0].category = 5;
        assert!(lost.check(3).unwrap_err().contains("no category"));
    }
}
