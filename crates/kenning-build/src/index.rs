//! The full-text index, written after the graph so that aliases and
//! popularity are known.

use std::collections::HashMap;

use kenning_records::Record;
use kenning_search::{Document, IndexWriter};
use kenning_store::{CATEGORY_KIND, ConceptIdx, GenerationWriter, StrTable, StrTableStream};

use crate::BuildError;

/// The temporary string table of article text kept for indexing.
pub(crate) const BODIES: &str = "bodies.tmp";

/// Memory the index writer may use, whatever the snapshot's size.
const INDEX_MEMORY: usize = 256 << 20;

/// Indexes every concept of `generation` (its files and manifest
/// written) into its search index folder, then drops the text table.
/// Records follow the concepts, keyed by their line in `records.jsonl`,
/// then the ontology's categories, keyed by position (their kind tells the
/// key spaces apart).
pub(crate) fn write_search_index(
    generation: &GenerationWriter,
    records: &[Record],
    threads: usize,
) -> Result<(), BuildError> {
    let snapshot = generation.snapshot()?;
    // Summaries and bodies are read in one pass through buffers, not
    // through the snapshot's maps: mapped pages of every string would
    // count in the build's memory (gigabytes for English Wikipedia).
    let mut summaries = generation.stream_summaries()?;
    let mut translated_leads = generation.stream_translation_summaries()?;
    let mut lead = String::new();
    let mut bodies = StrTableStream::open(generation.scratch_dir(), BODIES)?;
    let (mut summary, mut body) = (String::new(), String::new());
    let max_in = snapshot.meta().stats.max_in_degree;
    let search_dir = generation.search_index_dir()?;
    // A names field for each language besides the primary one, analysed
    // as that language is.
    let languages: Vec<String> = snapshot
        .meta()
        .languages
        .iter()
        .skip(1)
        .map(|l| l.code.clone())
        .collect();
    let mut writer =
        IndexWriter::create_in_languages(&search_dir, INDEX_MEMORY, threads, &languages)?;
    // The ontology's anchor articles give its categories their summary and
    // popularity; both are copied as the concepts stream by, because
    // reading an anchor's summary through the snapshot's map would fault
    // in the pages around each of them (most of the summaries file).
    let ontology = snapshot.ontology()?;
    let mut anchors: HashMap<u32, (String, f32)> = ontology
        .iter()
        .flat_map(|o| o.categories.iter().filter_map(|c| c.anchor))
        .map(|a| (a, (String::new(), 0.0)))
        .collect();
    for idx in 0..snapshot.len() as u32 {
        let c = snapshot.concept(ConceptIdx::new(idx));
        if !summaries.next_into(&mut summary)? || !bodies.next_into(&mut body)? {
            return Err(BuildError::Internal(format!(
                "{}: fewer summaries or bodies than concepts",
                generation.path().display()
            )));
        }
        // Its titles and names in other languages are names of it too:
        // "Allemagne" and "Bundesrepublik Deutschland" find Germany.
        let mut aliases: Vec<&str> = c.aliases().collect();
        let mut names_in: Vec<(&str, &str)> = Vec::new();
        // A concept of another language: its title is a name there.
        if c.language() != 0
            && let Some(code) = snapshot.language_code(c.language())
        {
            names_in.push((code, c.title()));
        }
        let mut with_leads: Option<String> = None;
        for t in c.translations() {
            // Its leads in other languages are searched as more text (the
            // body's weight), streamed like the summaries.
            if let Some(leads) = translated_leads.as_mut()
                && leads.next_into(&mut lead)?
                && !lead.is_empty()
            {
                let text = with_leads.get_or_insert_with(|| body.clone());
                text.push_str("\n\n");
                text.push_str(&lead);
            }
            let code = snapshot.language_code(t.language).unwrap_or_default();
            for name in std::iter::once(t.title).chain(t.names()) {
                names_in.push((code, name));
                if name != c.title() && !aliases.contains(&name) {
                    aliases.push(name);
                }
            }
        }
        let popularity = kenning_graph::popularity(c.in_link_count() as u64, max_in);
        let doc = Document {
            key: u64::from(idx),
            kind: "concept",
            title: c.title(),
            aliases: &aliases,
            summary: &summary,
            body: with_leads.as_deref().unwrap_or(&body),
            popularity,
            names_in: &names_in,
        };
        writer.add(&doc)?;
        if let Some(anchor) = anchors.get_mut(&idx) {
            *anchor = (summary.clone(), popularity);
        }
    }
    // Records and categories go into segments of their own: at most a few
    // megabytes, they never raise the peak set by the concepts' segments.
    writer.flush()?;
    for (line, r) in records.iter().enumerate() {
        writer.add(&record_document(line as u64, r))?;
    }
    // The ontology's categories, keyed by position: found by their name,
    // with their anchor article's lead and popularity.
    for (i, c) in ontology
        .iter()
        .flat_map(|o| o.categories.iter())
        .enumerate()
    {
        let (summary, popularity) = c
            .anchor
            .and_then(|a| anchors.get(&a))
            .map_or(("", 0.0), |(s, p)| (s.as_str(), *p));
        writer.add(&Document {
            key: i as u64,
            kind: CATEGORY_KIND,
            title: &c.name,
            aliases: &[],
            summary,
            body: "",
            popularity,
            names_in: &[],
        })?;
    }
    writer.finish()?;
    drop((summaries, bodies));
    StrTable::remove(generation.scratch_dir(), BODIES);
    Ok(())
}

/// A record as a search document (no popularity prior: records are ranked
/// by their text and their type's factor).
fn record_document(key: u64, record: &Record) -> Document<'_> {
    Document::from_text(key, &record.kind, &record.title, &record.text)
}
