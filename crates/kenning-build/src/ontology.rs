//! Ontologies (`--ontology`): read and checked before any source, so a bad
//! file stops the build at once; matched to the snapshot's concepts once
//! its titles and redirects are written (a title as the wiki normalises
//! it, then its redirects; a page id directly); stored through
//! `GenerationWriter::write_ontology`. Concepts that match nothing are
//! counted and listed in the generation's report file, never fatal.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use kenning_model::PageId;
use kenning_ontology::{ConceptRef, Ontology, OntologyError};
use kenning_store::{
    GenerationWriter, Snapshot, Stats, StoredCategory, StoredCluster, StoredOntology,
};

use crate::BuildError;

/// Reads every ontology file, in order, and merges them: a category id
/// defined by two files is an error naming both.
pub(crate) fn read_all(paths: &[PathBuf]) -> Result<Ontology, BuildError> {
    let mut merged = Ontology::default();
    let mut defined_by: HashMap<String, usize> = HashMap::new();
    for (i, path) in paths.iter().enumerate() {
        let one = kenning_ontology::read_file(path)?;
        for c in &one.categories {
            if let Some(&j) = defined_by.get(&c.id) {
                return Err(OntologyError::Invalid {
                    what: path.display().to_string(),
                    reason: format!(
                        "category {:?} is already defined by {}; ids must be unique across --ontology files",
                        c.id,
                        paths[j].display()
                    ),
                }
                .into());
            }
            defined_by.insert(c.id.clone(), i);
        }
        merged.categories.extend(one.categories);
        merged.clusters.extend(one.clusters);
    }
    Ok(merged)
}

/// The concept a reference names in `snapshot`.
fn resolve(snapshot: &Snapshot, r: &ConceptRef) -> Option<u32> {
    let idx = match r {
        ConceptRef::Title(t) => snapshot.lookup(t),
        ConceptRef::PageId(id) => snapshot.find_id(PageId::new(u32::try_from(*id).ok()?)),
    }?;
    Some(idx.get())
}

fn shown(r: &ConceptRef) -> String {
    match r {
        ConceptRef::Title(t) => t.replace(['\t', '\n'], " "),
        ConceptRef::PageId(id) => id.to_string(),
    }
}

/// What matching has seen so far: every reference named, those matched,
/// and where each unmatched one was (borrowed from the ontology: nothing
/// is copied).
struct Matching<'o, 's> {
    snapshot: &'s Snapshot,
    named: HashSet<&'o ConceptRef>,
    matched: HashSet<&'o ConceptRef>,
    unmatched: Vec<(&'o str, &'o str, &'o ConceptRef)>,
}

impl<'o> Matching<'o, '_> {
    /// The concepts `refs` name, each once, in order; `category` and
    /// `cluster` say where they are for the report.
    fn resolve_all(
        &mut self,
        refs: &'o [ConceptRef],
        category: &'o str,
        cluster: &'o str,
    ) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for r in refs {
            self.named.insert(r);
            match resolve(self.snapshot, r) {
                Some(idx) => {
                    self.matched.insert(r);
                    if !out.contains(&idx) {
                        out.push(idx);
                    }
                }
                None => self.unmatched.push((category, cluster, r)),
            }
        }
        out
    }
}

/// Matches `ontology`'s concepts to the generation's and writes it, with
/// the report of what matched nothing; fills the ontology's figures of
/// `stats`. Returns a warning for people when some concepts did not match.
pub(crate) fn store(
    generation: &GenerationWriter,
    ontology: &Ontology,
    stats: &mut Stats,
) -> Result<Option<String>, BuildError> {
    let snapshot = generation.snapshot()?;
    let position: HashMap<&str, u32> = ontology
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i as u32))
        .collect();
    let mut matching = Matching {
        snapshot: &snapshot,
        named: HashSet::new(),
        matched: HashSet::new(),
        unmatched: Vec::new(),
    };
    let mut categories = Vec::with_capacity(ontology.categories.len());
    for c in &ontology.categories {
        let concepts = matching.resolve_all(&c.concepts, &c.id, "");
        categories.push(StoredCategory {
            id: c.id.clone(),
            name: c.name.clone(),
            // The reader puts parents first: an unknown or later parent
            // cannot happen, and is dropped rather than trusted.
            parents: c
                .parents
                .iter()
                .filter_map(|p| position.get(p.as_str()).copied())
                .filter(|&p| (p as usize) < categories.len())
                .collect(),
            anchor: c
                .anchor
                .as_ref()
                .and_then(|t| resolve(&snapshot, &ConceptRef::Title(t.clone()))),
            concepts,
        });
    }
    let mut clusters = Vec::with_capacity(ontology.clusters.len());
    for k in &ontology.clusters {
        let Some(&category) = position.get(k.category.as_str()) else {
            continue;
        };
        let concepts = matching.resolve_all(&k.concepts, &k.category, &k.id);
        clusters.push(StoredCluster {
            id: k.id.clone(),
            category,
            concepts,
        });
    }
    let (named, matched) = (matching.named.len(), matching.matched.len());
    stats.ontology_categories = categories.len() as u64;
    stats.ontology_clusters = clusters.len() as u64;
    stats.ontology_concepts = named as u64;
    stats.ontology_concepts_matched = matched as u64;
    generation.write_ontology(&StoredOntology {
        categories,
        clusters,
    })?;
    let report = generation.write_ontology_unmatched(
        matching
            .unmatched
            .iter()
            .map(|(category, cluster, r)| format!("{category}\t{cluster}\t{}", shown(r))),
    )?;
    let missing = named - matched;
    Ok((missing > 0).then(|| {
        format!(
            "ontology: {missing} of {named} concepts match no concept of the snapshot; listed in {}",
            report.display()
        )
    }))
}
