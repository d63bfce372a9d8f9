//! Concept detection for concepts whose source gave them no links
//! (WikiExtractor output, concepts JSONL without `links`): their text is
//! linked with the mention dictionary just built, the concepts found
//! become their out-links (so related concepts and what-links-here work
//! for them too), and the mentions in their summary become summary links.

use kenning_linker::{ConceptGraph, Linker, LinkerOptions, MentionDictionary};
use kenning_store::{GenerationWriter, Stats};

use crate::BuildError;
use crate::concept_graph::BuildGraph;
use crate::parallel::parallel_map;
use crate::text_spill::{TextSpill, TextSpillReader};

/// What detection found for one concept.
struct Detected {
    concept: u32,
    /// Concepts its text talks about, ascending.
    links: Vec<u32>,
    /// `(start, end, target)` triples in its summary.
    summary_links: Vec<u32>,
}

/// Links the texts of concepts that have no links, rewrites out-links,
/// in-links and summary links with what was found, and removes the text
/// spill.
pub(crate) fn detect_missing_links(
    generation: &GenerationWriter,
    threads: usize,
    stats: &mut Stats,
) -> Result<(), BuildError> {
    let bytes = generation.read_mentions()?;
    let dictionary = MentionDictionary::from_bytes(&bytes)?;
    let in_links = generation.read_in_links()?;
    let summaries = generation.summaries()?;
    let titles = generation.titles()?;
    let graph = BuildGraph {
        in_links: &in_links,
        summaries: &summaries,
        titles: &titles,
    };
    let linker = Linker::new(dictionary, &graph, LinkerOptions::default());
    let mut detected: Vec<Detected> = Vec::new();
    let mut texts = TextSpillReader::open(generation.scratch_dir())?;
    loop {
        let batch = texts.next_batch(4 << 20)?;
        if batch.is_empty() {
            break;
        }
        let found = parallel_map(&batch, threads, |t| {
            if t.has_links {
                return None;
            }
            let concept = t.concept;
            let mut links: Vec<u32> = linker
                .link(&t.text)
                .concepts
                .iter()
                .map(|c| c.concept)
                .filter(|&c| c != concept)
                .collect();
            links.sort_unstable();
            let summary_links = linker
                .link(graph.description(concept))
                .annotations
                .iter()
                .filter(|a| a.concept != concept)
                .flat_map(|a| [a.byte_start as u32, a.byte_end as u32, a.concept])
                .collect();
            Some(Detected {
                concept,
                links,
                summary_links,
            })
        });
        detected.extend(found.into_iter().flatten());
    }
    drop(texts);
    TextSpill::remove(generation.scratch_dir());
    detected.retain(|d| !d.links.is_empty() || !d.summary_links.is_empty());
    if detected.is_empty() {
        return Ok(());
    }
    detected.sort_unstable_by_key(|d| d.concept);
    drop(summaries);

    let out = generation.read_out_links()?;
    let n = out.len();
    let mut writer = generation.out_links(n)?;
    let mut next = detected.iter().peekable();
    let mut row: Vec<u32> = Vec::new();
    for idx in 0..n as u32 {
        row.clear();
        row.extend_from_slice(out.row(idx));
        if let Some(d) = next.next_if(|d| d.concept == idx) {
            let before = row.len();
            row.extend_from_slice(&d.links);
            row.sort_unstable();
            row.dedup();
            stats.detected_concepts += u64::from(!d.links.is_empty());
            stats.detected_links += (row.len() - before) as u64;
        }
        writer.push_row(&row)?;
    }
    drop(out);
    let counts = writer.finish()?;
    stats.links = counts.links;
    stats.max_in_degree = counts.max_in_degree;

    let summary_links = generation.read_summary_links()?;
    let mut writer = generation.summary_links()?;
    let mut next = detected.iter().peekable();
    for idx in 0..n as u32 {
        let existing = summary_links.row(idx);
        match next.next_if(|d| d.concept == idx) {
            Some(d) if existing.is_empty() => writer.push_row(d.summary_links.iter().copied())?,
            _ => writer.push_row(existing.iter().copied())?,
        }
    }
    writer.finish()?;
    Ok(())
}
