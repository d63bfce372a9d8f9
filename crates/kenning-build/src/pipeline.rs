//! The build's order of work: records checked, then every source read
//! (one reader thread, N workers, the collector on this thread), then
//! linking, concept detection, related concepts, records linked to
//! concepts, the search index, and the publish; each phase timed for
//! `meta.json`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crossbeam_channel::bounded;
use kenning_dump::SiteInfo;
use kenning_model::Case;
use kenning_store::{FORMAT_VERSION, GenerationWriter, Meta, Publisher, SiteMeta, SourceMeta};

use crate::budget::{Budget, CloseOnDrop};
use crate::collector::{Collector, RowBatch};
use crate::languages::{Interlanguage, LanguagePlan};
use crate::process::process;
use crate::progress::Phase;
use crate::sources::{Batch, IN_FLIGHT_BYTES_PER_THREAD, read_sources};
use crate::timestamp::rfc3339_now;
use crate::{BuildError, BuildOptions, BuildProgress, BuildReport, Source};

pub(crate) fn run(
    options: &BuildOptions,
    progress: &Arc<BuildProgress>,
) -> Result<BuildReport, BuildError> {
    check_sources(&options.sources)?;
    let started = Instant::now();
    // Records and ontologies first: a bad line should stop the build
    // before the sources are read, not hours later.
    let records = crate::records::read_all(&options.records)?;
    // Ontologies are checked now and read again when matched, so that
    // they hold no memory while the sources are read.
    drop(crate::ontology::read_all(&options.ontologies)?);
    let threads = options.threads.max(1);
    let plan = crate::languages::plan(options)?;
    let interlanguage =
        crate::languages::read_interlanguage(&options.languages, &plan, threads, progress)?;
    let publisher = Publisher::begin(&options.out)?;
    let generation = publisher.generation();
    let budget = Budget::new(threads as u64 * IN_FLIGHT_BYTES_PER_THREAD);
    let Read {
        mut collector,
        sources,
        site,
    } = read_and_collect(
        options,
        &plan,
        interlanguage,
        generation,
        threads,
        &budget,
        progress,
    )?;
    for w in collector.take_warnings() {
        progress.warn(w);
    }
    if collector.concept_count() == 0 {
        return Err(BuildError::NoConcepts);
    }
    let mut languages = collector.finish_languages(generation, threads)?;
    if plan.codes.is_empty()
        && let Some(code) = site.as_deref().and_then(SiteInfo::language)
    {
        languages = crate::languages::one_language(code, collector.concept_count() as u64);
    }
    let mut phases = vec![("reading".to_owned(), started.elapsed().as_secs_f64())];
    let mut lap = Instant::now();
    let mut phase_done = |name: &str, phases: &mut Vec<(String, f64)>| {
        phases.push((name.to_owned(), lap.elapsed().as_secs_f64()));
        lap = Instant::now();
    };
    progress.set_phase(Phase::Linking);
    let mut stats = crate::linking::link(collector.finish(generation)?, generation, threads)?;
    phase_done("linking", &mut phases);
    progress.set_phase(Phase::Detecting);
    crate::detect::detect_missing_links(generation, threads, &mut stats)?;
    phase_done("detecting", &mut phases);
    progress.set_phase(Phase::Relating);
    crate::related::write_related(generation, threads)?;
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
        record_fields: (!records.is_empty()).then(|| options.record_fields.to_stored()),
        languages,
        // Listed when the generation is published.
        files: Default::default(),
    };
    // Written once so the generation can be read back for records and
    // indexing, and again with the final figures.
    generation.write_meta(&meta)?;
    if !options.ontologies.is_empty() {
        let ontology = crate::ontology::read_all(&options.ontologies)?;
        if let Some(w) = crate::ontology::store(generation, &ontology, &mut meta.stats)? {
            progress.warn(w);
        }
        phase_done("ontology", &mut phases);
    }
    if !records.is_empty() {
        progress.set_phase(Phase::Records);
        crate::records::link_records(
            generation,
            &records,
            &options.record_fields,
            threads,
            &mut meta.stats,
        )?;
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

/// Refuses a build without sources or with a source that does not exist.
fn check_sources(sources: &[Source]) -> Result<(), BuildError> {
    if sources.is_empty() {
        return Err(BuildError::NoSources);
    }
    for source in sources {
        let path = source.path();
        if !path.exists() {
            return Err(kenning_dump::DumpError::Io {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            }
            .into());
        }
    }
    Ok(())
}

/// What reading every source leaves.
struct Read {
    /// The collector, every row applied.
    collector: Collector,
    /// What was read from each source.
    sources: Vec<SourceMeta>,
    /// The wiki of the first dump read, if any.
    site: Option<Arc<SiteInfo>>,
}

/// Reads every source: the reader thread sends batches of items to
/// `threads` workers, which turn them into rows for the collector, on
/// this thread, to apply in source order.
fn read_and_collect(
    options: &BuildOptions,
    plan: &LanguagePlan,
    interlanguage: Interlanguage,
    generation: &GenerationWriter,
    threads: usize,
    budget: &Budget,
    progress: &Arc<BuildProgress>,
) -> Result<Read, BuildError> {
    let (item_tx, item_rx) = bounded::<Batch>(threads * 4);
    let (row_tx, row_rx) = bounded::<RowBatch>(threads * 4);
    let mut collector = Collector::new(generation, options.holdout_percent, interlanguage)?;
    let (read_result, collect_result) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            read_sources(
                &options.sources,
                &plan.of_source,
                threads,
                item_tx,
                budget,
                progress,
            )
        });
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
                            language: batch.language,
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
            let _close = CloseOnDrop(budget);
            collector.consume(row_rx, budget, progress)
        };
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(BuildError::Internal("the reader thread panicked".into())));
        (read, collected)
    });
    let (sources, site) = read_result?;
    collect_result?;
    Ok(Read {
        collector,
        sources,
        site,
    })
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
