//! Linking, after the last page: stable ids for the concepts that came
//! without one, redirects resolved into aliases and names, the mention
//! dictionary, then the spilled links and summary links resolved through
//! titles and redirects into out-links (which the store inverts into
//! in-links) and summary links. The links of a concept of another
//! language are resolved through that language's titles and redirects.

use std::collections::HashMap;

use kenning_model::PageId;
use kenning_store::{ConceptIdx, GenerationWriter, Stats};

use crate::BuildError;
use crate::collector::Collected;
use crate::redirects::{Names, resolve_redirects};
use crate::spill::{LinkRecord, SpillReader, SummaryLinkRecord};

/// Resolves what reading collected and writes the rest of the graph into
/// `generation`; returns the figures so far.
pub(crate) fn link(
    collected: Collected,
    generation: &GenerationWriter,
    threads: usize,
) -> Result<Stats, BuildError> {
    let Collected {
        mut ids,
        used_ids,
        pending_ids,
        title_map,
        redirects,
        links,
        summary_links,
        mentions,
        mut stats,
        translation_names,
        foreign,
        language_titles,
    } = collected;
    let n = ids.len();
    if !foreign.languages.is_empty() {
        generation.write_concept_languages(&foreign.all_languages(n))?;
    }
    assign_missing_ids(&mut ids, used_ids, &pending_ids);
    generation.write_ids(&ids)?;
    drop(ids);

    let (names, alias_rows) = resolve_redirects(title_map, &redirects, &mut stats);
    drop(redirects);
    // A title in another language names its concept for look-ups by title
    // (not for links or the dictionary), unless a primary title or alias
    // has it already: the primary language wins.
    let mut entries = names.entries();
    entries.extend(
        translation_names
            .into_iter()
            .filter(|&(key, _)| names.resolve(key).is_none())
            .map(|(key, idx)| (key, ConceptIdx::new(idx))),
    );
    generation.write_names(entries)?;

    let dictionary = mentions.write(generation, &names, threads)?;
    stats.mention_phrases = dictionary.phrases;
    stats.mention_documents = dictionary.documents;
    stats.mention_phrases_pruned = dictionary.pruned_phrases;

    write_concept_aliases(generation, n, alias_rows)?;
    // A concept of another language links within its language's titles.
    let resolve = |idx: u32, target: u64| match foreign.language_of(idx) {
        Some(language) => language_titles.resolve(language, target),
        None => names.resolve(target),
    };
    let counts = write_out_links(generation, n, links, resolve, &mut stats)?;
    stats.links = counts.links;
    stats.max_in_degree = counts.max_in_degree;
    write_summary_links(generation, n, summary_links, &names)?;
    stats.concepts = n as u64;
    Ok(stats)
}

/// Stable ids for the concepts that had none (or a duplicate): derived
/// from the title so they survive rebuilds, probed past collisions.
fn assign_missing_ids(ids: &mut [PageId], mut used: HashMap<PageId, u32>, pending: &[(u32, u64)]) {
    for &(idx, key) in pending {
        let mut id = ((key >> 33) as u32).max(1);
        while used.insert(PageId::new(id), idx).is_some() {
            id = id.wrapping_add(1).max(1);
        }
        ids[idx as usize] = PageId::new(id);
    }
}

/// Each concept's aliases: `(concept, alias index)` rows, grouped by
/// concept.
fn write_concept_aliases(
    generation: &GenerationWriter,
    n: usize,
    mut alias_rows: Vec<(u32, u32)>,
) -> Result<(), BuildError> {
    alias_rows.sort_unstable();
    let mut concept_aliases = generation.concept_aliases()?;
    let mut rows = alias_rows.iter().peekable();
    for idx in 0..n as u32 {
        let mut row = Vec::new();
        while let Some(&&(c, a)) = rows.peek() {
            if c != idx {
                break;
            }
            row.push(a);
            rows.next();
        }
        concept_aliases.push_row(row)?;
    }
    concept_aliases.finish()?;
    Ok(())
}

/// Resolves the spilled links: each concept's row sorted, without
/// duplicates or self-links; a link to a title that names no concept
/// counts as a red link.
fn write_out_links(
    generation: &GenerationWriter,
    n: usize,
    mut links: SpillReader<LinkRecord>,
    resolve: impl Fn(u32, u64) -> Option<u32>,
    stats: &mut Stats,
) -> Result<kenning_store::LinkCounts, BuildError> {
    let mut out = generation.out_links(n)?;
    let mut row: Vec<u32> = Vec::new();
    for idx in 0..n as u32 {
        links.for_concept(idx, |link| match resolve(idx, link.target) {
            Some(dst) if dst != idx => row.push(dst),
            Some(_) => {}
            None => stats.red_links += 1,
        })?;
        row.sort_unstable();
        row.dedup();
        out.push_row(&row)?;
        row.clear();
    }
    links.remove();
    Ok(out.finish()?)
}

/// Resolves the spilled summary links; unresolved ones are dropped (the
/// text stays, without a link).
fn write_summary_links(
    generation: &GenerationWriter,
    n: usize,
    mut summary_links: SpillReader<SummaryLinkRecord>,
    names: &Names,
) -> Result<(), BuildError> {
    let mut out = generation.summary_links()?;
    let mut row: Vec<u32> = Vec::new();
    for idx in 0..n as u32 {
        summary_links.for_concept(idx, |link| {
            if let Some(dst) = names.resolve(link.target) {
                row.extend([link.start, link.end, dst]);
            }
        })?;
        out.push_row(row.drain(..))?;
    }
    summary_links.remove();
    out.finish()?;
    Ok(())
}
