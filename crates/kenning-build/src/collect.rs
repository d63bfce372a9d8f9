//! The pipeline's threads and the collector that writes the snapshot.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use kenning_dump::{
    ConceptsReader, ExtractedReader, MediaWikiReader, SiteInfo, extracted_files, open_input,
};
use kenning_model::Case;
use kenning_store::{
    AdjacencyWriter, ConceptStrings, ConceptsWriter, FORMAT_VERSION, GenerationWriter, Meta,
    OutLinksWriter, Publisher, SiteMeta, SourceMeta, Stats, StrTableWriter, title_key,
};

use kenning_linker::{DictionaryBuilder, PhraseKey, phrase_key};

use crate::budget::{Budget, CloseOnDrop};
use crate::process::{ConceptRow, Item, Row, process, unqualified};
use crate::progress::Phase;
use crate::{BuildError, BuildOptions, BuildProgress, BuildReport, Source};

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
const IN_FLIGHT_BYTES_PER_THREAD: u64 = 16 << 20;
/// What an item counts for beyond its text: its title and the fixed
/// fields of its row.
const ITEM_OVERHEAD: u64 = 1 << 10;

/// The bytes an item with `text` bytes of text counts for in a batch and
/// in the pipeline's budget.
fn item_bytes(text: usize) -> u64 {
    text as u64 + ITEM_OVERHEAD
}

/// Items read from one file, numbered in reading order.
struct Batch {
    seq: u64,
    file: Arc<Path>,
    items: Vec<Item>,
    /// What the items count for in the budget.
    bytes: u64,
}

struct RowBatch {
    seq: u64,
    file: Arc<Path>,
    rows: Vec<Row>,
    /// The bytes of the batch the rows come from, given back once applied.
    bytes: u64,
}

pub(crate) fn run(
    options: &BuildOptions,
    progress: &Arc<BuildProgress>,
) -> Result<BuildReport, BuildError> {
    if options.sources.is_empty() {
        return Err(BuildError::NoSources);
    }
    for source in &options.sources {
        let path = source_path(source);
        if !path.exists() {
            return Err(kenning_dump::DumpError::Io {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            }
            .into());
        }
    }
    let started = Instant::now();
    // Records first: a bad line should stop the build before the sources
    // are read, not hours later.
    let records = crate::records::read_all(&options.records)?;
    let publisher = Publisher::begin(&options.out)?;
    let generation = publisher.generation();
    let threads = options.threads.max(1);
    let (item_tx, item_rx) = bounded::<Batch>(threads * 4);
    let (row_tx, row_rx) = bounded::<RowBatch>(threads * 4);
    let mut collector = Collector::new(generation, options.holdout_percent)?;
    let budget = Budget::new(threads as u64 * IN_FLIGHT_BYTES_PER_THREAD);

    let (read_result, collect_result) = std::thread::scope(|scope| {
        let reader =
            scope.spawn(|| read_sources(&options.sources, threads, item_tx, &budget, progress));
        for _ in 0..threads {
            let item_rx = item_rx.clone();
            let row_tx = row_tx.clone();
            scope.spawn(move || {
                for batch in item_rx.iter() {
                    let rows = batch.items.into_iter().map(process).collect();
                    if row_tx
                        .send(RowBatch {
                            seq: batch.seq,
                            file: batch.file,
                            rows,
                            bytes: batch.bytes,
                        })
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(item_rx);
        drop(row_tx);
        let collected = {
            // However the collector stops, a reader waiting for room must
            // not wait for ever.
            let _close = CloseOnDrop(&budget);
            collector.consume(row_rx, &budget, progress)
        };
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(BuildError::Internal("the reader thread panicked".into())));
        (read, collected)
    });
    let (sources, site) = read_result?;
    collect_result?;
    for w in collector.warnings.drain(..) {
        progress.warn(w);
    }
    if collector.ids.is_empty() {
        return Err(BuildError::NoConcepts);
    }
    let mut phases = vec![("reading".to_owned(), started.elapsed().as_secs_f64())];
    let mut lap = Instant::now();
    let mut phase_done = |name: &str, phases: &mut Vec<(String, f64)>| {
        phases.push((name.to_owned(), lap.elapsed().as_secs_f64()));
        lap = Instant::now();
    };
    progress.set_phase(Phase::Linking);
    let mut stats = collector.finish(generation, threads)?;
    phase_done("linking", &mut phases);
    progress.set_phase(Phase::Detecting);
    crate::detect::detect_missing_links(generation, threads, &mut stats)?;
    phase_done("detecting", &mut phases);
    progress.set_phase(Phase::Relating);
    write_related(generation, threads)?;
    phase_done("relating", &mut phases);
    stats.pages_read = progress.pages.load(Ordering::Relaxed);

    let mut meta = Meta {
        format: FORMAT_VERSION,
        kenning_version: env!("CARGO_PKG_VERSION").to_owned(),
        built_at: rfc3339_now(),
        build_seconds: started.elapsed().as_secs_f64(),
        phase_seconds: phases.clone(),
        site: site_meta(site.as_deref()),
        sources,
        stats,
    };
    // Written once so the generation can be read back for records and
    // indexing, and again with the final figures.
    generation.write_meta(&meta)?;
    if !records.is_empty() {
        progress.set_phase(Phase::Records);
        crate::records::link_records(generation, &records, threads, &mut meta.stats)?;
        phase_done("records", &mut phases);
    }
    progress.set_phase(Phase::Indexing);
    crate::index::write_search_index(generation, &records, threads)?;
    phase_done("indexing", &mut phases);
    meta.phase_seconds = phases;
    progress.set_phase(Phase::Publishing);
    meta.built_at = rfc3339_now();
    meta.build_seconds = started.elapsed().as_secs_f64();
    generation.write_meta(&meta)?;
    let generation = publisher.publish()?;
    progress.set_phase(Phase::Done);
    Ok(BuildReport {
        generation,
        meta,
        pages_in_flight_peak: budget.peak(),
    })
}

fn source_path(source: &Source) -> &Path {
    match source {
        Source::Dump(p) | Source::Extracted(p) | Source::Concepts(p) => p,
    }
}

fn site_meta(site: Option<&SiteInfo>) -> SiteMeta {
    match site {
        Some(site) => SiteMeta {
            sitename: site.sitename.clone(),
            dbname: site.dbname.clone(),
            base: site.base.clone(),
            case_sensitive: site.case == Case::Sensitive,
            namespaces: site
                .namespaces
                .declared()
                .into_iter()
                .map(|(id, n)| (id, n.to_owned()))
                .collect(),
        },
        None => SiteMeta::default(),
    }
}

/// Reads every source in order and sends batches of items to the workers.
fn read_sources(
    sources: &[Source],
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
        items: Vec::new(),
        bytes: 0,
    };
    let mut metas = Vec::new();
    let mut first_site: Option<Arc<SiteInfo>> = None;
    for source in sources {
        let path = source_path(source);
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
                items,
                bytes,
            })
            .is_ok()
    }
}

/// Writes rows in source order and keeps the little that linking needs.
struct Collector {
    /// Where the build's temporary files go.
    scratch_dir: PathBuf,
    ids: Vec<u32>,
    /// Titles, summaries, URLs and timestamps.
    concepts: ConceptsWriter,
    /// Start of each article's text, for the full-text index (removed
    /// after indexing).
    bodies: StrTableWriter,
    /// Title key → concept index.
    title_map: HashMap<u64, u32>,
    used_ids: HashMap<u32, ()>,
    /// Rows without an id, resolved after all sources (`(concept, title)`).
    pending_ids: Vec<(u32, u64)>,
    categories: StrTableWriter,
    category_map: HashMap<String, u32>,
    concept_categories: AdjacencyWriter,
    /// Alias strings, in redirect order.
    aliases: StrTableWriter,
    /// `(alias key, target key)` per alias, same order as `aliases`.
    redirects: Vec<(u64, u64)>,
    /// `(concept, target key)` for every link occurrence, in concept order.
    links: BufWriter<File>,
    links_path: PathBuf,
    link_count: u64,
    /// `(concept, start, end, target key)` for every summary link.
    summary_links: BufWriter<File>,
    summary_links_path: PathBuf,
    summary_link_count: u64,
    /// Names and anchors for the mention dictionary.
    dictionary: DictionaryBuilder,
    /// `(anchor phrase, target title key)` → documents linking it so.
    anchor_links: HashMap<(u64, u64), u32>,
    /// `(phrase, alias title key)` of every alias, added once resolved.
    alias_phrases: Vec<(PhraseKey, u64)>,
    /// Every concept's plain text: `concept u32, flags u32, len u32,
    /// bytes`, for link probabilities and for concept detection.
    texts: BufWriter<File>,
    texts_path: PathBuf,
    /// See [`BuildOptions::holdout_percent`].
    holdout_percent: u32,
    stats: Stats,
    /// The file the rows being applied come from.
    file: Arc<Path>,
    /// The first few concepts that came with an id already used:
    /// `id N "title" (file)`, for one warning after the last row.
    duplicate_ids: Vec<String>,
    warnings: Vec<String>,
}

/// Concepts with a reused id named in the warning.
const DUPLICATE_IDS_NAMED: usize = 5;

/// The phrases a title is known by: itself and, when it has one, itself
/// without its qualifier (`Mercury (planet)` → `Mercury`).
fn name_phrases(title: &str) -> impl Iterator<Item = PhraseKey> + '_ {
    let base = unqualified(title);
    let full = phrase_key(title);
    let short = (base.len() != title.len())
        .then(|| phrase_key(base))
        .flatten();
    full.into_iter().chain(short)
}

/// Redirect chains longer than this are treated as broken.
const MAX_REDIRECT_HOPS: usize = 8;

impl Collector {
    fn new(generation: &GenerationWriter, holdout_percent: u32) -> Result<Self, BuildError> {
        let dir = generation.scratch_dir();
        let links_path = dir.join("links.tmp");
        let links = File::create(&links_path).map_err(|e| BuildError::io(&links_path, e))?;
        let summary_links_path = dir.join("summary_links.tmp");
        let summary_links = File::create(&summary_links_path)
            .map_err(|e| BuildError::io(&summary_links_path, e))?;
        let texts_path = dir.join(TEXTS_TMP);
        let texts = File::create(&texts_path).map_err(|e| BuildError::io(&texts_path, e))?;
        Ok(Collector {
            scratch_dir: dir.to_owned(),
            ids: Vec::new(),
            concepts: generation.concepts()?,
            bodies: StrTableWriter::create(dir, crate::index::BODIES)?,
            title_map: HashMap::new(),
            used_ids: HashMap::new(),
            pending_ids: Vec::new(),
            categories: generation.categories()?,
            category_map: HashMap::new(),
            concept_categories: generation.concept_categories()?,
            aliases: generation.aliases()?,
            redirects: Vec::new(),
            links: BufWriter::with_capacity(1 << 20, links),
            links_path,
            link_count: 0,
            summary_links: BufWriter::with_capacity(1 << 16, summary_links),
            summary_links_path,
            summary_link_count: 0,
            dictionary: DictionaryBuilder::new(),
            anchor_links: HashMap::new(),
            alias_phrases: Vec::new(),
            texts: BufWriter::with_capacity(1 << 20, texts),
            texts_path,
            holdout_percent,
            stats: Stats::default(),
            file: Arc::from(Path::new("")),
            duplicate_ids: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// Applies row batches in sequence order, giving each batch's bytes
    /// back to `budget` once applied.
    fn consume(
        &mut self,
        rx: Receiver<RowBatch>,
        budget: &Budget,
        progress: &BuildProgress,
    ) -> Result<(), BuildError> {
        let mut next = 0u64;
        let mut early: HashMap<u64, RowBatch> = HashMap::new();
        let mut last_flush = Instant::now();
        for batch in rx.iter() {
            early.insert(batch.seq, batch);
            while let Some(batch) = early.remove(&next) {
                self.file = batch.file;
                for row in batch.rows {
                    self.apply(row)?;
                }
                budget.give_back(batch.bytes);
                next += 1;
            }
            if last_flush.elapsed() > Duration::from_millis(500) {
                for w in self.warnings.drain(..) {
                    progress.warn(w);
                }
                last_flush = Instant::now();
            }
        }
        if self.stats.duplicate_ids > 0 {
            let n = self.stats.duplicate_ids;
            let more = if n as usize > self.duplicate_ids.len() {
                ", …"
            } else {
                ""
            };
            self.warnings.push(format!(
                "{n} page{} had a page id that an earlier page already had and got a new one: {}{more}",
                if n == 1 { "" } else { "s" },
                self.duplicate_ids.join(", ")
            ));
        }
        Ok(())
    }

    fn category(&mut self, name: &str) -> Result<u32, BuildError> {
        if let Some(&i) = self.category_map.get(name) {
            return Ok(i);
        }
        let i = self.categories.push(name)? as u32;
        self.category_map.insert(name.to_owned(), i);
        Ok(i)
    }

    fn apply(&mut self, row: Row) -> Result<(), BuildError> {
        match row {
            Row::Concept(c) => self.add_concept(c)?,
            Row::Redirect {
                title,
                target: Some(target),
            } => {
                self.aliases.push(&title)?;
                let key = title_key(&title);
                self.redirects.push((key, title_key(&target)));
                self.alias_phrases
                    .extend(name_phrases(&title).map(|p| (p, key)));
            }
            Row::Redirect { target: None, .. } => {
                // Points outside the articles (a category, another wiki).
                self.stats.redirects += 1;
                self.stats.broken_redirects += 1;
            }
            Row::CategoryPage { name } => {
                self.category(&name)?;
            }
            Row::Skipped => self.stats.pages_skipped += 1,
            Row::InvalidTitle { title, id } => {
                self.stats.pages_skipped += 1;
                let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
                self.warnings.push(format!(
                    "page {title:?}{id} skipped: the title is not a valid title"
                ));
            }
            Row::Failed { title, id, message } => {
                self.stats.pages_failed += 1;
                let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
                self.warnings
                    .push(format!("page {title:?}{id} skipped: {message}"));
            }
        }
        Ok(())
    }

    fn add_concept(&mut self, c: ConceptRow) -> Result<(), BuildError> {
        let key = title_key(&c.title);
        if self.title_map.contains_key(&key) {
            self.stats.duplicate_titles += 1;
            if self.stats.duplicate_titles <= 20 {
                self.warnings.push(format!(
                    "duplicate title {:?}: the first one was kept",
                    c.title
                ));
            }
            return Ok(());
        }
        let idx = self.ids.len() as u32;
        match c.id {
            Some(id) if self.used_ids.insert(id, ()).is_none() => self.ids.push(id),
            _ => {
                if let Some(id) = c.id {
                    self.stats.duplicate_ids += 1;
                    if self.duplicate_ids.len() < DUPLICATE_IDS_NAMED {
                        self.duplicate_ids.push(format!(
                            "id {id} {:?} ({})",
                            c.title,
                            self.file.display()
                        ));
                    }
                }
                self.ids.push(0);
                self.pending_ids.push((idx, key));
            }
        }
        self.title_map.insert(key, idx);
        self.concepts.push(&ConceptStrings {
            title: &c.title,
            summary: &c.summary,
            url: &c.url,
            timestamp: &c.timestamp,
        })?;
        self.bodies.push(&c.body)?;
        let mut cats: Vec<u32> = Vec::with_capacity(c.categories.len());
        for name in &c.categories {
            let i = self.category(name)?;
            if !cats.contains(&i) {
                cats.push(i);
            }
        }
        self.concept_categories.push_row(cats)?;
        let link_keys: Vec<u64> = c.links.iter().map(|t| title_key(t)).collect();
        for key in &link_keys {
            let mut rec = [0u8; 12];
            rec[..4].copy_from_slice(&idx.to_le_bytes());
            rec[4..].copy_from_slice(&key.to_le_bytes());
            self.links
                .write_all(&rec)
                .map_err(|e| BuildError::io(&self.links_path, e))?;
        }
        self.link_count += c.links.len() as u64;
        for (start, end, target) in &c.summary_links {
            let mut rec = [0u8; 20];
            rec[..4].copy_from_slice(&idx.to_le_bytes());
            rec[4..8].copy_from_slice(&start.to_le_bytes());
            rec[8..12].copy_from_slice(&end.to_le_bytes());
            rec[12..].copy_from_slice(&title_key(target).to_le_bytes());
            self.summary_links
                .write_all(&rec)
                .map_err(|e| BuildError::io(&self.summary_links_path, e))?;
        }
        self.summary_link_count += c.summary_links.len() as u64;
        for alias in &c.aliases {
            self.aliases.push(alias)?;
            self.redirects.push((title_key(alias), key));
            self.alias_phrases
                .extend(name_phrases(alias).map(|p| (p, title_key(alias))));
        }
        for phrase in name_phrases(&c.title) {
            self.dictionary.add_name(&phrase, idx);
        }
        // Anchors, counted once per document.
        let held_out = crate::held_out(&c.title, self.holdout_percent);
        if !held_out {
            // (phrase, target) pairs and phrases, each once per document.
            let mut pairs: Vec<(u64, u64, usize)> = link_keys
                .iter()
                .zip(&c.anchors)
                .enumerate()
                .filter_map(|(i, (&target, a))| a.as_ref().map(|p| (p.key, target, i)))
                .collect();
            pairs.sort_unstable();
            pairs.dedup_by_key(|&mut (phrase, target, _)| (phrase, target));
            for &(phrase, target, _) in &pairs {
                *self.anchor_links.entry((phrase, target)).or_default() += 1;
            }
            pairs.dedup_by_key(|&mut (phrase, _, _)| phrase);
            for &(key, _, i) in &pairs {
                if let Some(phrase) = &c.anchors[i] {
                    self.dictionary.add_phrase(phrase);
                    self.dictionary.add_linked_document(key);
                }
            }
        }
        let mut head = [0u8; 12];
        head[..4].copy_from_slice(&idx.to_le_bytes());
        let mut flags = if c.links.is_empty() { 0 } else { HAS_LINKS };
        if held_out {
            flags |= HELD_OUT;
        }
        head[4..8].copy_from_slice(&flags.to_le_bytes());
        head[8..].copy_from_slice(&(c.text.len() as u32).to_le_bytes());
        self.texts
            .write_all(&head)
            .and_then(|()| self.texts.write_all(c.text.as_bytes()))
            .map_err(|e| BuildError::io(&self.texts_path, e))?;
        Ok(())
    }

    /// Resolves redirects and links and writes the remaining files.
    fn finish(
        mut self,
        generation: &GenerationWriter,
        threads: usize,
    ) -> Result<Stats, BuildError> {
        let n = self.ids.len();
        // Stable ids for rows that had none (or a duplicate): derived from
        // the title so they survive rebuilds, probed past collisions.
        for &(idx, key) in &self.pending_ids {
            let mut id = ((key >> 33) as u32).max(1);
            while self.used_ids.insert(id, ()).is_some() {
                id = id.wrapping_add(1).max(1);
            }
            self.ids[idx as usize] = id;
        }
        generation.write_ids(&self.ids)?;
        drop(std::mem::take(&mut self.used_ids));

        // Redirects: follow chains to a concept; loops and dead ends break.
        let redirect_map: HashMap<u64, u64> = self.redirects.iter().copied().collect();
        let mut alias_rows: Vec<(u32, u32)> = Vec::new();
        let mut alias_targets: HashMap<u64, u32> = HashMap::new();
        for (alias_idx, &(from, to)) in self.redirects.iter().enumerate() {
            if self.title_map.contains_key(&from) || alias_targets.contains_key(&from) {
                // A title that is also an article, or a duplicate alias.
                self.stats.broken_redirects += 1;
                continue;
            }
            let mut key = to;
            let mut target = None;
            for _ in 0..MAX_REDIRECT_HOPS {
                if let Some(&idx) = self.title_map.get(&key) {
                    target = Some(idx);
                    break;
                }
                match redirect_map.get(&key) {
                    Some(&next) if next != key => key = next,
                    _ => break,
                }
            }
            match target {
                Some(idx) => {
                    alias_rows.push((idx, alias_idx as u32));
                    alias_targets.insert(from, idx);
                }
                None => self.stats.broken_redirects += 1,
            }
        }
        drop(redirect_map);
        self.stats.redirects += self.redirects.len() as u64;

        // Names: every title and alias, by key.
        let mut names: Vec<(u64, u32)> = self.title_map.iter().map(|(&k, &v)| (k, v)).collect();
        names.extend(alias_targets.iter().map(|(&k, &v)| (k, v)));
        generation.write_names(names)?;

        self.write_dictionary(generation, &alias_targets, threads)?;

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
        drop(alias_rows);

        // Links: resolve, de-duplicate per concept, write out-links, count in-degrees.
        self.links
            .flush()
            .map_err(|e| BuildError::io(&self.links_path, e))?;
        let links_file =
            File::open(&self.links_path).map_err(|e| BuildError::io(&self.links_path, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, links_file);
        let mut out_links = generation.out_links(n)?;
        let mut current: u32 = 0;
        let mut row: Vec<u32> = Vec::new();
        let mut rec = [0u8; 12];
        let flush_rows = |upto: u32,
                          row: &mut Vec<u32>,
                          current: &mut u32,
                          out: &mut OutLinksWriter|
         -> Result<(), BuildError> {
            while *current < upto {
                row.sort_unstable();
                row.dedup();
                out.push_row(row)?;
                row.clear();
                *current += 1;
            }
            Ok(())
        };
        for _ in 0..self.link_count {
            reader
                .read_exact(&mut rec)
                .map_err(|e| BuildError::io(&self.links_path, e))?;
            let src = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
            let key = u64::from_le_bytes(rec[4..12].try_into().unwrap_or_default());
            flush_rows(src, &mut row, &mut current, &mut out_links)?;
            match self.title_map.get(&key).or_else(|| alias_targets.get(&key)) {
                Some(&dst) if dst != src => row.push(dst),
                Some(_) => {}
                None => self.stats.red_links += 1,
            }
        }
        flush_rows(n as u32, &mut row, &mut current, &mut out_links)?;
        drop(reader);
        let counts = out_links.finish()?;
        let _ = std::fs::remove_file(&self.links_path);
        self.stats.links = counts.links;
        self.stats.max_in_degree = counts.max_in_degree;

        self.write_summary_links(generation, &alias_targets)?;
        self.stats.concepts = n as u64;
        self.stats.categories = self.categories.len();
        self.concepts.finish()?;
        for table in [self.bodies, self.categories, self.aliases] {
            table.finish()?;
        }
        self.concept_categories.finish()?;
        Ok(self.stats)
    }
}

/// Every concept's plain text, spilled during reading (removed at the end).
pub(crate) const TEXTS_TMP: &str = "texts.tmp";
pub(crate) const HAS_LINKS: u32 = 1;
pub(crate) const HELD_OUT: u32 = 2;

/// Reads the spilled texts in order: `(concept, flags, text)`; flag
/// [`HAS_LINKS`]: its source gave it links; [`HELD_OUT`]: it is held out
/// of the mention dictionary.
pub(crate) struct TextSpill {
    reader: BufReader<File>,
    path: PathBuf,
}

impl TextSpill {
    pub(crate) fn open(dir: &Path) -> Result<Self, BuildError> {
        let path = dir.join(TEXTS_TMP);
        let file = File::open(&path).map_err(|e| BuildError::io(&path, e))?;
        Ok(TextSpill {
            reader: BufReader::with_capacity(1 << 20, file),
            path,
        })
    }

    /// The next record, or `None` at the end.
    pub(crate) fn next_text(&mut self) -> Result<Option<(u32, u32, String)>, BuildError> {
        let mut head = [0u8; 12];
        match self.reader.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(BuildError::io(&self.path, e)),
        }
        let word = |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let mut bytes = vec![0u8; word(8) as usize];
        self.reader
            .read_exact(&mut bytes)
            .map_err(|e| BuildError::io(&self.path, e))?;
        // Written from a `String` by this build.
        let text = String::from_utf8(bytes).unwrap_or_default();
        Ok(Some((word(0), word(4), text)))
    }

    /// Up to `max_bytes` of records (at least one), or empty at the end.
    pub(crate) fn next_batch(
        &mut self,
        max_bytes: usize,
    ) -> Result<Vec<(u32, u32, String)>, BuildError> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < max_bytes {
            match self.next_text()? {
                Some(r) => {
                    bytes += r.2.len() + 12;
                    batch.push(r);
                }
                None => break,
            }
        }
        Ok(batch)
    }
}

/// Runs `f` over `items` on up to `threads` threads, results in order.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

impl Collector {
    /// Builds the mention dictionary: names (titles and resolved aliases),
    /// resolved anchors, then the documents that have links, counted for
    /// link probabilities.
    fn write_dictionary(
        &mut self,
        generation: &GenerationWriter,
        alias_targets: &HashMap<u64, u32>,
        threads: usize,
    ) -> Result<(), BuildError> {
        let mut dictionary = std::mem::take(&mut self.dictionary);
        for (phrase, alias) in std::mem::take(&mut self.alias_phrases) {
            if let Some(&idx) = alias_targets.get(&alias) {
                dictionary.add_name(&phrase, idx);
            }
        }
        // In any order: the dictionary orders candidates by count, then
        // concept, so the result does not depend on it (and no sorted copy
        // of a table with one entry per anchor and target is made).
        for ((phrase, target), n) in std::mem::take(&mut self.anchor_links) {
            let resolved = self
                .title_map
                .get(&target)
                .or_else(|| alias_targets.get(&target));
            if let Some(&idx) = resolved {
                dictionary.add_link(phrase, idx, n);
            }
        }
        self.texts
            .flush()
            .map_err(|e| BuildError::io(&self.texts_path, e))?;
        let mut spill = TextSpill::open(&self.scratch_dir)?;
        loop {
            let batch = spill.next_batch(8 << 20)?;
            if batch.is_empty() {
                break;
            }
            let found = parallel_map(&batch, threads, |(_, flags, text)| {
                let counted = *flags == HAS_LINKS;
                let mut out = Vec::new();
                if counted {
                    dictionary.phrases_in(text, &mut out);
                }
                (counted, out)
            });
            for (counted, phrases) in found {
                if counted {
                    dictionary.add_occurrences(&phrases);
                }
            }
        }
        let (bytes, stats) = dictionary.finish()?;
        self.stats.mention_phrases = stats.phrases;
        self.stats.mention_documents = stats.documents;
        self.stats.mention_phrases_pruned = stats.pruned_phrases;
        generation.write_mentions(&bytes)?;
        Ok(())
    }

    /// Resolves the spilled summary links; unresolved ones are dropped (the
    /// text stays, without a link).
    fn write_summary_links(
        &mut self,
        generation: &GenerationWriter,
        alias_targets: &HashMap<u64, u32>,
    ) -> Result<(), BuildError> {
        let path = self.summary_links_path.clone();
        self.summary_links
            .flush()
            .map_err(|e| BuildError::io(&path, e))?;
        let file = File::open(&path).map_err(|e| BuildError::io(&path, e))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut out = generation.summary_links()?;
        let mut current = 0u32;
        let mut row: Vec<u32> = Vec::new();
        let mut rec = [0u8; 20];
        for _ in 0..self.summary_link_count {
            reader
                .read_exact(&mut rec)
                .map_err(|e| BuildError::io(&path, e))?;
            let word = |i: usize| u32::from_le_bytes([rec[i], rec[i + 1], rec[i + 2], rec[i + 3]]);
            let (src, start, end) = (word(0), word(4), word(8));
            let key = u64::from_le_bytes(rec[12..20].try_into().unwrap_or_default());
            while current < src {
                out.push_row(row.drain(..))?;
                current += 1;
            }
            if let Some(&dst) = self.title_map.get(&key).or_else(|| alias_targets.get(&key)) {
                row.extend([start, end, dst]);
            }
        }
        while (current as usize) < self.ids.len() {
            out.push_row(row.drain(..))?;
            current += 1;
        }
        out.finish()?;
        drop(reader);
        let _ = std::fs::remove_file(&path);
        Ok(())
    }
}

/// Computes the top related concepts of every concept on `threads`
/// threads and writes them with their scores, in blocks written in order
/// as they are done (memory: a few blocks, not every concept's answer).
fn write_related(generation: &GenerationWriter, threads: usize) -> Result<(), BuildError> {
    let out = generation.read_out_links()?;
    let inn = generation.read_in_links()?;
    let n = out.len();
    let blocks = n.div_ceil(RELATED_BLOCK);
    let threads = threads.clamp(1, blocks.max(1));
    let mut related = generation.related()?;
    let logs = kenning_graph::DegreeLogs::new(&out, &inn);
    let (job_tx, job_rx) = bounded::<usize>(threads);
    let (row_tx, row_rx) = bounded::<(usize, Vec<Vec<kenning_graph::Related>>)>(threads);
    let written = std::thread::scope(|scope| -> Result<usize, BuildError> {
        scope.spawn(move || {
            for block in 0..blocks {
                if job_tx.send(block).is_err() {
                    return;
                }
            }
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (out, inn, logs) = (&out, &inn, &logs);
                let (job_rx, row_tx) = (job_rx.clone(), row_tx.clone());
                scope.spawn(move || {
                    let mut finder = kenning_graph::RelatedFinder::new(
                        out,
                        inn,
                        logs,
                        kenning_graph::RelatedWeights::default(),
                    );
                    for block in job_rx {
                        let range = block * RELATED_BLOCK..((block + 1) * RELATED_BLOCK).min(n);
                        let rows = range
                            .map(|a| finder.top_k(a as u32, RELATED_PER_CONCEPT))
                            .collect();
                        if row_tx.send((block, rows)).is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop((job_rx, row_tx));
        // Blocks arrive out of order by at most the blocks in flight.
        let mut waiting = std::collections::BTreeMap::new();
        let mut written = 0;
        let mut next = 0;
        let mut result = Ok(());
        for (block, rows) in row_rx.iter() {
            waiting.insert(block, rows);
            while let Some(rows) = waiting.remove(&next) {
                for row in rows {
                    result = result.and_then(|()| related.push_row(&row).map_err(BuildError::from));
                    written += 1;
                }
                next += 1;
            }
            if result.is_err() {
                break;
            }
        }
        // Unblocks the workers (their sends fail) before they are joined.
        drop(row_rx);
        for w in workers {
            // A panicked worker shows as a short count below.
            let _ = w.join();
        }
        result.map(|()| written)
    })?;
    if written != n {
        return Err(BuildError::Internal(
            "a related-concepts thread panicked".into(),
        ));
    }
    related.finish()?;
    Ok(())
}

/// Concepts per unit of work when finding related concepts.
const RELATED_BLOCK: usize = 2048;

/// Related concepts stored per concept.
const RELATED_PER_CONCEPT: usize = 10;

/// The current time as RFC 3339 UTC, without a date library.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm, re-derived here).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_model::Namespaces;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_816), (2026, 12, 29));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn namespaces_default_is_english() {
        assert_eq!(Namespaces::default().id_of("Category"), Some(14));
    }
}
