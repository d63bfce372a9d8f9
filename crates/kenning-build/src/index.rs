//! The full-text index, written after the graph so that aliases and
//! popularity are known.

use std::path::Path;

use kenning_records::Record;
use kenning_search::{Document, IndexWriter};
use kenning_store::{Snapshot, StrTableStream, files};

use crate::BuildError;

/// The temporary string table of article text kept for indexing.
pub(crate) const BODIES: &str = "bodies.tmp";

/// Memory the index writer may use, whatever the snapshot's size.
const INDEX_MEMORY: usize = 256 << 20;

/// Indexes every concept of the generation in `dir` (its files and
/// `meta.json` written) into `dir/search`, then drops the text table.
/// Records follow the concepts, keyed by their line in `records.jsonl`
/// (their kind tells the two key spaces apart).
pub(crate) fn write_search_index(
    dir: &Path,
    records: &[Record],
    threads: usize,
) -> Result<(), BuildError> {
    let snapshot = Snapshot::open_generation(dir)?;
    // Summaries and bodies are read in one pass through buffers, not
    // through the snapshot's maps: mapped pages of every string would
    // count in the build's memory (gigabytes for English Wikipedia).
    let mut summaries = StrTableStream::open(dir, files::SUMMARIES)?;
    let mut bodies = StrTableStream::open(dir, BODIES)?;
    let (mut summary, mut body) = (String::new(), String::new());
    let max_in = snapshot.meta().stats.max_in_degree;
    let search_dir = dir.join(files::SEARCH);
    std::fs::create_dir_all(&search_dir).map_err(|e| BuildError::io(&search_dir, e))?;
    let mut writer =
        IndexWriter::create(&search_dir, INDEX_MEMORY, threads).map_err(BuildError::search)?;
    for idx in 0..snapshot.len() as u32 {
        let c = snapshot.concept(idx);
        if !summaries.next_into(&mut summary)? || !bodies.next_into(&mut body)? {
            return Err(BuildError::Internal(format!(
                "{}: fewer summaries or bodies than concepts",
                dir.display()
            )));
        }
        let aliases: Vec<&str> = c.aliases().collect();
        let doc = Document {
            key: u64::from(idx),
            kind: "concept",
            title: c.title(),
            aliases: &aliases,
            summary: &summary,
            body: &body,
            popularity: kenning_graph::popularity(c.in_link_count() as u64, max_in),
        };
        writer.add(&doc).map_err(BuildError::search)?;
    }
    for (line, r) in records.iter().enumerate() {
        writer
            .add(&record_document(line as u64, r))
            .map_err(BuildError::search)?;
    }
    writer.finish().map_err(BuildError::search)?;
    drop((summaries, bodies));
    for ext in ["dat", "off"] {
        let _ = std::fs::remove_file(dir.join(format!("{BODIES}.{ext}")));
    }
    Ok(())
}

/// A record as a search document (no popularity prior: records are ranked
/// by their text and their type's factor).
fn record_document(key: u64, record: &Record) -> Document<'_> {
    Document::from_text(key, &record.kind, &record.title, &record.text)
}
