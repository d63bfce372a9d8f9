//! Reading the sources: one reader thread opens every source in order and
//! sends its pages to the workers in numbered batches, each page's bytes
//! taken from the pipeline's budget before it is queued.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::Sender;
use kenning_dump::{
    ConceptsReader, ExtractedReader, MediaWikiReader, SiteInfo, extracted_files, open_input,
};
use kenning_store::SourceMeta;

use crate::budget::Budget;
use crate::process::Item;
use crate::progress::Phase;
use crate::{BuildError, BuildProgress, Source};

/// Items per batch sent to the workers (fewer when pages are large).
const BATCH_ITEMS: usize = 64;
/// Bytes per batch (see [`item_bytes`]).
const BATCH_BYTES: u64 = 2 << 20;
/// Bytes of pages in flight between the reader and the collector, per
/// worker thread (see [`Budget`]): 8 batches of [`BATCH_BYTES`], enough to
/// keep every worker busy on ordinary pages. A page larger than the whole
/// budget goes through alone, and the reader reads nothing more until it
/// is applied: the pages in flight hold at most
/// `max(threads × 16 MiB, largest page)` bytes of text, and no two pages
/// larger than the budget are ever in memory at once. Reading then peaks
/// at about 4–5 × the largest page above the baseline: the reader's XML
/// and decoded text, then the worker's page, cleaned text, plain text and
/// (for a page without headings) a lead as long as the page
/// (`bench/hostile.sh`).
pub(crate) const IN_FLIGHT_BYTES_PER_THREAD: u64 = 16 << 20;
/// What an item counts for beyond its text: its title and the fixed
/// fields of its row.
const ITEM_OVERHEAD: u64 = 1 << 10;

/// The bytes an item with `text` bytes of text counts for in a batch and
/// in the pipeline's budget.
fn item_bytes(text: usize) -> u64 {
    text as u64 + ITEM_OVERHEAD
}

/// Items read from one file, numbered in reading order.
pub(crate) struct Batch {
    pub(crate) seq: u64,
    pub(crate) file: Arc<Path>,
    /// The language number of its source.
    pub(crate) language: u32,
    pub(crate) items: Vec<Item>,
    /// What the items count for in the budget.
    pub(crate) bytes: u64,
}

/// Reads every source in order and sends batches of items to the workers.
pub(crate) fn read_sources(
    sources: &[Source],
    languages: &[u32],
    threads: usize,
    tx: Sender<Batch>,
    budget: &Budget,
    progress: &BuildProgress,
) -> Result<(Vec<SourceMeta>, Option<Arc<SiteInfo>>), BuildError> {
    let mut batcher = Batcher {
        tx,
        budget,
        seq: 0,
        file: Arc::from(Path::new("")),
        language: 0,
        items: Vec::new(),
        bytes: 0,
    };
    let mut metas = Vec::new();
    let mut first_site: Option<Arc<SiteInfo>> = None;
    for (i, source) in sources.iter().enumerate() {
        let path = source.path();
        // The batcher was flushed at the end of the previous source.
        batcher.language = languages.get(i).copied().unwrap_or(0);
        progress.set_phase(Phase::Reading(path.display().to_string()));
        let mut meta = SourceMeta {
            path: path.display().to_string(),
            ..SourceMeta::default()
        };
        match source {
            Source::Dump(path) => {
                meta.kind = "mediawiki".into();
                let input = open_input(path, threads)?;
                let consumed = input.consumed.clone();
                start_source(progress, &mut meta, &input);
                let mut reader = MediaWikiReader::new(input)?;
                let file: Arc<Path> = Arc::from(path.as_path());
                let site = Arc::new(reader.siteinfo().clone());
                if first_site.is_none() {
                    first_site = Some(site.clone());
                }
                while let Some(page) = batcher.next_within_budget(&mut reader, progress)? {
                    meta.pages += 1;
                    let size = page.text.len();
                    let item = Item::Wiki(page, site.clone());
                    if !batcher.push(&file, item, size, progress, &consumed) {
                        return Err(BuildError::Internal("the pipeline stopped".into()));
                    }
                }
            }
            Source::Extracted(path) => {
                meta.kind = "extracted".into();
                meta.compression = "mixed".into();
                for file in extracted_files(path)? {
                    let input = open_input(&file, threads)?;
                    meta.bytes += input.file_len;
                    let consumed = input.consumed.clone();
                    let file: Arc<Path> = Arc::from(file.as_path());
                    progress.bytes.store(0, Ordering::Relaxed);
                    progress
                        .total_bytes
                        .store(input.file_len, Ordering::Relaxed);
                    let mut docs = ExtractedReader::new(input);
                    while let Some(doc) = batcher.next_within_budget(&mut docs, progress)? {
                        meta.pages += 1;
                        let size = doc.text.len();
                        if !batcher.push(&file, Item::Extracted(doc), size, progress, &consumed) {
                            return Err(BuildError::Internal("the pipeline stopped".into()));
                        }
                    }
                }
            }
            Source::Concepts(path) => {
                meta.kind = "concepts".into();
                let input = open_input(path, threads)?;
                let consumed = input.consumed.clone();
                start_source(progress, &mut meta, &input);
                let ns = Arc::new(
                    first_site
                        .as_ref()
                        .map(|s| s.namespaces.clone())
                        .unwrap_or_default(),
                );
                let file: Arc<Path> = Arc::from(path.as_path());
                let mut records = ConceptsReader::new(input);
                while let Some(record) = batcher.next_within_budget(&mut records, progress)? {
                    meta.pages += 1;
                    let size = record.text.len();
                    let item = Item::Concept(record, ns.clone());
                    if !batcher.push(&file, item, size, progress, &consumed) {
                        return Err(BuildError::Internal("the pipeline stopped".into()));
                    }
                }
            }
        }
        batcher.flush(progress);
        metas.push(meta);
    }
    Ok((metas, first_site))
}

fn start_source(progress: &BuildProgress, meta: &mut SourceMeta, input: &kenning_dump::Input) {
    meta.bytes = input.file_len;
    meta.compression = format!("{:?}", input.compression).to_lowercase();
    progress.bytes.store(0, Ordering::Relaxed);
    progress
        .total_bytes
        .store(input.file_len, Ordering::Relaxed);
}

struct Batcher<'a> {
    tx: Sender<Batch>,
    /// Every queued item's bytes are taken from it first.
    budget: &'a Budget,
    seq: u64,
    /// The file the queued items come from (a batch holds one file's).
    file: Arc<Path>,
    /// The language number of the source being read.
    language: u32,
    items: Vec<Item>,
    bytes: u64,
}

impl Batcher<'_> {
    /// The next item of `items`, read only while the pages in flight are
    /// within the budget: they pass it only when a page larger than the
    /// whole budget is in flight alone, and then the next page is not
    /// read (held beside it) before that one is applied.
    fn next_within_budget<T>(
        &mut self,
        items: &mut impl Iterator<Item = Result<T, kenning_dump::DumpError>>,
        progress: &BuildProgress,
    ) -> Result<Option<T>, BuildError> {
        let room =
            self.budget.within_limit() || (self.flush(progress) && self.budget.wait_within_limit());
        if !room {
            return Err(BuildError::Internal("the pipeline stopped".into()));
        }
        Ok(items.next().transpose()?)
    }

    /// Queues an item read from `file`; false if the workers are gone.
    fn push(
        &mut self,
        file: &Arc<Path>,
        item: Item,
        size: usize,
        progress: &BuildProgress,
        consumed: &AtomicU64,
    ) -> bool {
        if !Arc::ptr_eq(file, &self.file) {
            if !self.flush(progress) {
                return false;
            }
            self.file = file.clone();
        }
        let bytes = item_bytes(size);
        if !self.budget.try_take(bytes) {
            // Send what is queued, so that it can be given back, then
            // wait for room.
            if !self.flush(progress) || !self.budget.take_or_wait(bytes) {
                return false;
            }
        }
        self.items.push(item);
        self.bytes += bytes;
        if self.items.len() >= BATCH_ITEMS || self.bytes >= BATCH_BYTES {
            progress
                .bytes
                .store(consumed.load(Ordering::Relaxed), Ordering::Relaxed);
            return self.flush(progress);
        }
        true
    }

    fn flush(&mut self, progress: &BuildProgress) -> bool {
        if self.items.is_empty() {
            return true;
        }
        let items = std::mem::take(&mut self.items);
        progress.add_pages(items.len() as u64);
        let bytes = std::mem::take(&mut self.bytes);
        self.seq += 1;
        self.tx
            .send(Batch {
                seq: self.seq - 1,
                file: self.file.clone(),
                language: self.language,
                items,
                bytes,
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use kenning_model::Namespaces;

    /// A concepts source read before any dump gets these namespaces.
    #[test]
    fn namespaces_default_is_english() {
        assert_eq!(Namespaces::default().id_of("Category"), Some(14));
    }
}
