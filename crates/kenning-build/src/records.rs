//! The institution's records: read and checked before anything else (a bad
//! line stops the build before hours of dump reading), linked to concepts
//! after the graph is complete, written beside the snapshot and indexed
//! with the concepts.

use std::collections::HashMap;
use std::path::PathBuf;

use kenning_linker::{Linker, LinkerOptions, MentionDictionary, RecordField, link_fields};
use kenning_records::{
    DetectedConcepts, FieldWeights, Record, Relations, TEXT_FIELD, inherit_concepts,
};
use kenning_store::{ConceptIdx, GenerationWriter, Stats};

use crate::BuildError;
use crate::concept_graph::BuildGraph;
use crate::parallel::parallel_map;

/// Reads every records file, in order; a later record with the same type
/// and id replaces an earlier one (within one file a duplicate is an
/// error, as `kenning-records` decides). Records keep the order of their
/// first appearance.
pub(crate) fn read_all(paths: &[PathBuf]) -> Result<Vec<Record>, BuildError> {
    let mut records: Vec<Record> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    for path in paths {
        for record in kenning_records::read_records(path)? {
            let key = (record.kind.clone(), record.id.clone());
            match at.get(&key) {
                Some(&i) => records[i] = record,
                None => {
                    at.insert(key, records.len());
                    records.push(record);
                }
            }
        }
    }
    Ok(records)
}

/// Links every record to the concepts of `generation` (written up to its
/// related concepts) on its title, the fields of `fields` and its text,
/// lets records without concepts inherit those of the records they are
/// linked with, and writes `records.jsonl` and `record_concepts.jsonl`.
pub(crate) fn link_records(
    generation: &GenerationWriter,
    records: &[Record],
    fields: &FieldWeights,
    threads: usize,
    stats: &mut Stats,
) -> Result<(), BuildError> {
    let snapshot = generation.snapshot()?;
    let in_links = generation.read_in_links()?;
    let summaries = generation.summaries()?;
    let titles = generation.titles()?;
    let graph = BuildGraph {
        in_links: &in_links,
        summaries: &summaries,
        titles: &titles,
    };
    // One linker per language with a dictionary; a record whose `lang` is
    // one of them is linked in it, any other in the primary language.
    let mut linkers = Vec::new();
    for n in 0..snapshot.meta().languages.len().max(1) as u32 {
        // Another language's names: low-prior where no text counted them.
        let options = LinkerOptions {
            names_need_evidence: n != 0,
            ..LinkerOptions::default()
        };
        linkers.push(match snapshot.mention_bytes_in(n) {
            Some(bytes) => Some(Linker::new(
                MentionDictionary::from_bytes(bytes)?,
                &graph,
                options,
            )),
            None => None,
        });
    }
    let linker_of = |record: &Record| {
        record
            .lang
            .as_deref()
            .and_then(|code| snapshot.language_number(code))
            .and_then(|n| linkers.get(n as usize)?.as_ref())
            .or(linkers[0].as_ref())
    };
    // The linker's concept (a plain index) → the page id the records
    // files store.
    let id = |idx: u32| snapshot.concept(ConceptIdx::new(idx)).id().get();
    let mut edges: Vec<DetectedConcepts> = parallel_map(records, threads, |record| {
        let texts: Vec<RecordField<'_>> = fields
            .texts(record)
            .into_iter()
            .map(|t| RecordField {
                field: t.field,
                text: t.text,
                weight: t.weight,
                whole: t.whole,
            })
            .collect();
        let Some(linker) = linker_of(record) else {
            return DetectedConcepts::default();
        };
        let found = link_fields(linker, &texts);
        DetectedConcepts {
            concepts: found
                .concepts
                .iter()
                .map(|c| (id(c.concept), c.score))
                .collect(),
            fields: found
                .concepts
                .iter()
                .map(|c| {
                    let names = fields.names_of(c.fields).into_iter();
                    names.map(str::to_owned).collect()
                })
                .collect(),
            // Only the text's annotations: a record page marks them in it.
            annotations: found
                .annotations
                .iter()
                .filter(|(field, _)| *field == TEXT_FIELD)
                .map(|(_, a)| {
                    (
                        a.byte_start as u32,
                        a.byte_end as u32,
                        id(a.concept),
                        a.score,
                    )
                })
                .collect(),
            inherited: false,
        }
    });

    let relations = Relations::from_records(records);
    let index: HashMap<(&str, &str), usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.kind.as_str(), r.id.as_str()), i))
        .collect();
    let inherited: Vec<(usize, Vec<(u32, f32)>)> = records
        .iter()
        .enumerate()
        .filter(|(i, _)| edges[*i].concepts.is_empty())
        .map(|(i, r)| {
            let neighbours = relations
                .outgoing(&r.kind, &r.id)
                .chain(relations.incoming(&r.kind, &r.id))
                .filter_map(|rel| index.get(&(rel.kind, rel.id)))
                .map(|&j| edges[j].concepts.as_slice());
            (i, inherit_concepts(neighbours))
        })
        .collect();
    for (i, concepts) in inherited {
        if !concepts.is_empty() {
            edges[i].concepts = concepts;
            edges[i].fields.clear();
            edges[i].inherited = true;
        }
    }

    generation.write_records(records.iter().map(Record::to_json))?;
    generation.write_record_concepts(edges.iter().map(DetectedConcepts::to_json))?;
    stats.records = records.len() as u64;
    stats.record_links = relations.link_count() as u64;
    stats.record_missing_links = relations.missing_link_count() as u64;
    stats.record_concepts = edges.iter().map(|e| e.concepts.len() as u64).sum();
    Ok(())
}
