//! `kenning-eval`: measures concept detection. Not part of `cargo test`;
//! `bench/wikify.sh` runs every part and EVALUATION.md holds the results.
//!
//! - `holdout`: Wikipedia as gold. Builds a snapshot in which a fixed 10%
//!   of the articles contribute nothing to the mention dictionary, links
//!   their plain text and compares with the links their authors made.
//! - `elevant`: entity-linking benchmarks in ELEVANT's JSONL, InKB,
//!   restricted to gold entities the snapshot has.
//! - `graphai`: overlap of the top concepts with EPFL Graph's own output.
//! - `speed`: throughput and latency.
//! - `courses`: an institution's courses: coverage, a sample to
//!   hand-check, related courses against labelled prerequisite pairs.
//!
//! `KENNING_EVAL_MIN_SCORE`, `KENNING_EVAL_TITLE_PRIOR` and
//! `KENNING_EVAL_UNAMBIGUOUS` override the full linker's score threshold,
//! title-match prior and unambiguous commonness (for tuning);
//! `KENNING_EVAL_NAMES_NEED_EVIDENCE=1` turns on
//! `LinkerOptions::names_need_evidence` (off for the primary language).
//! `KENNING_EVAL_ERRORS=FILE` makes `elevant` write the full linker's
//! errors there as TSV: `wrong` (benchmark, words, predicted concept, gold
//! concept on that span or `-`) and `missed` (benchmark, words, `-`, gold
//! concept) for gold spans with no prediction. Each command reports the
//! full linker beside the prior-only baseline (each mention's most common
//! concept) measured in the same run.

#![forbid(unsafe_code)]

mod courses;
mod metrics;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use kenning_build::{BuildOptions, BuildProgress, Source, held_out};
use kenning_dump::{ConceptsReader, ExtractedReader, MediaWikiReader, extracted_files, open_input};
use kenning_engine::{Engine, LinkerOptions, Strategy, WikifyOptions, WikifyResult};
use kenning_model::{NS_MAIN, PageId};
use kenning_store::ConceptIdx;
use serde_json::Value;

use crate::metrics::{Counts, overlaps};

#[derive(Debug, Parser)]
#[command(name = "kenning-eval", about = "Measure kenning's concept detection")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Wikipedia as gold: hold out a fixed share of the articles from the
    /// mention dictionary, link their text, compare with their links.
    Holdout {
        /// A MediaWiki dump (with links in its wikitext).
        #[arg(long)]
        dump: Option<PathBuf>,
        /// Concepts JSONL with `links` (gold per article only: no spans).
        #[arg(long)]
        concepts: Option<PathBuf>,
        /// Share of articles held out, in percent.
        #[arg(long, default_value_t = 10)]
        percent: u32,
        /// Folder for the evaluation snapshot (replaced).
        #[arg(long)]
        work: PathBuf,
    },
    /// ELEVANT benchmarks (InKB, restricted to entities in the snapshot).
    Elevant {
        /// The snapshot folder.
        #[arg(long)]
        snapshot: PathBuf,
        /// Benchmark files (`*.benchmark.jsonl`).
        files: Vec<PathBuf>,
    },
    /// Overlap@10/@20 with EPFL Graph's wikify output.
    Graphai {
        /// The snapshot folder.
        #[arg(long)]
        snapshot: PathBuf,
        /// The `linking/graphai` data folder.
        #[arg(long)]
        data: PathBuf,
    },
    /// Throughput (MB/s on one core) and latency of 2 KB abstracts.
    Speed {
        /// The snapshot folder.
        #[arg(long)]
        snapshot: PathBuf,
        /// WikiExtractor output whose texts are linked.
        #[arg(long)]
        extracted: PathBuf,
        /// Megabytes of text for the throughput run.
        #[arg(long, default_value_t = 20)]
        megabytes: usize,
    },
    /// Courses: coverage, top concepts of a sample, related courses
    /// against labelled prerequisite pairs.
    Courses {
        /// The snapshot folder (built with the courses as records).
        #[arg(long)]
        snapshot: PathBuf,
        /// The records JSONL the courses came from.
        #[arg(long)]
        records: PathBuf,
        /// The course dependencies CSV (`CourseCode1`, `CourseCode2`).
        #[arg(long)]
        dependencies: PathBuf,
        /// Courses in the hand-checking sample.
        #[arg(long, default_value_t = 30)]
        sample: usize,
        /// Seed of the sample.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Hand verdicts on the sample's concepts, a TSV of `course id`,
        /// `concept title`, `yes` or `no`, and a note: the precision of the
        /// judged top three is printed, and what has no verdict is marked.
        #[arg(long)]
        verdicts: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Holdout {
            dump,
            concepts,
            percent,
            work,
        } => holdout(dump, concepts, percent, &work),
        Command::Elevant { snapshot, files } => elevant(&snapshot, &files),
        Command::Graphai { snapshot, data } => graphai(&snapshot, &data),
        Command::Speed {
            snapshot,
            extracted,
            megabytes,
        } => speed(&snapshot, &extracted, megabytes),
        Command::Courses {
            snapshot,
            records,
            dependencies,
            sample,
            seed,
            verdicts,
        } => courses::courses(&courses::CoursesRun {
            snapshot: &snapshot,
            records: &records,
            dependencies: &dependencies,
            sample,
            seed,
            verdicts: verdicts.as_deref(),
        }),
    }
}

/// The full linker (with the thresholds the environment may override,
/// for tuning) and the prior-only baseline.
fn strategies() -> [(&'static str, LinkerOptions); 2] {
    let default = LinkerOptions::default();
    let knob = |name: &str, value: f32| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(value)
    };
    let full = LinkerOptions {
        min_score: knob("KENNING_EVAL_MIN_SCORE", default.min_score),
        title_prior: knob("KENNING_EVAL_TITLE_PRIOR", default.title_prior),
        unambiguous_commonness: knob("KENNING_EVAL_UNAMBIGUOUS", default.unambiguous_commonness),
        names_need_evidence: knob("KENNING_EVAL_NAMES_NEED_EVIDENCE", 0.0) > 0.0,
        ..default
    };
    [
        ("kenning", full),
        (
            "prior-only",
            LinkerOptions {
                strategy: Strategy::PriorOnly,
                ..default
            },
        ),
    ]
}

fn holdout(
    dump: Option<PathBuf>,
    concepts: Option<PathBuf>,
    percent: u32,
    work: &Path,
) -> Result<()> {
    let source = match (&dump, &concepts) {
        (Some(d), None) => Source::Dump(d.clone()),
        (None, Some(c)) => Source::Concepts(c.clone()),
        _ => bail!("give exactly one of --dump or --concepts"),
    };
    let options = BuildOptions {
        out: work.to_owned(),
        sources: vec![source],
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        records: Vec::new(),
        holdout_percent: percent,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    kenning_build::build(&options, &Arc::new(BuildProgress::default()))
        .context("building the evaluation snapshot")?;
    let engine = Engine::open(work)?;
    let snapshot = engine.snapshot();
    // Per strategy: per-mention counts, per-article micro counts, sum of
    // per-article F1 (macro), articles.
    let mut results: Vec<(Counts, Counts, f64, usize)> = vec![Default::default(); 2];
    let mut gold_mentions = 0usize;
    let mut articles = 0usize;
    let mut judge =
        |text: &str, concept: ConceptIdx, gold: &[(usize, usize, ConceptIdx)], spans: bool| {
            let gold_targets: Vec<ConceptIdx> = sorted_unique(gold.iter().map(|g| g.2));
            if gold_targets.is_empty() {
                return;
            }
            articles += 1;
            gold_mentions += gold.len();
            for (i, (_, options)) in strategies().iter().enumerate() {
                let result = engine.wikify_tuned(text, *options);
                let predicted: Vec<(usize, usize, ConceptIdx)> = result
                    .annotations
                    .iter()
                    .filter_map(|a| {
                        let idx = snapshot.find_id(PageId::new(a.concept.id))?;
                        (idx != concept).then_some((a.byte_start, a.byte_end, idx))
                    })
                    .collect();
                let r = &mut results[i];
                if spans {
                    // Wikipedia links a concept once, at its first mention:
                    // so are the predictions compared.
                    let mut seen = std::collections::HashSet::new();
                    let first: Vec<(usize, usize, ConceptIdx)> = predicted
                        .iter()
                        .copied()
                        .filter(|p| seen.insert(p.2))
                        .collect();
                    r.0.add(metrics::mention_counts(&first, gold));
                }
                let targets = sorted_unique(predicted.iter().map(|p| p.2));
                let c = metrics::set_counts(&targets, &gold_targets);
                r.2 += c.f1();
                r.1.add(c);
                r.3 += 1;
            }
        };
    if let Some(path) = &dump {
        let mut reader = MediaWikiReader::new(open_input(path, 1)?)?;
        let ns = reader.siteinfo().namespaces.clone();
        while let Some(page) = reader.next_page() {
            let page = page?;
            if page.ns != NS_MAIN || page.redirect.is_some() {
                continue;
            }
            let Some(concept) = snapshot.lookup(&page.title) else {
                continue;
            };
            if !held_out(snapshot.concept(concept).title(), percent) {
                continue;
            }
            let extract = kenning_wikitext::extract(&page.text, &ns);
            let gold: Vec<(usize, usize, ConceptIdx)> = extract
                .links
                .iter()
                .filter_map(|l| Some((l.start, l.end, snapshot.lookup(&l.target)?)))
                .filter(|g| g.2 != concept)
                .collect();
            judge(&extract.text, concept, &gold, true);
        }
    }
    if let Some(path) = &concepts {
        for record in ConceptsReader::new(open_input(path, 1)?) {
            let record = record?;
            let Some(concept) = snapshot.lookup(&record.title) else {
                continue;
            };
            if !held_out(snapshot.concept(concept).title(), percent) {
                continue;
            }
            let gold: Vec<(usize, usize, ConceptIdx)> = record
                .links
                .iter()
                .flatten()
                .filter_map(|t| Some((0, 0, snapshot.lookup(t)?)))
                .filter(|g| g.2 != concept)
                .collect();
            judge(&record.text, concept, &gold, false);
        }
    }
    let name = dump.clone().or(concepts).unwrap_or_default();
    println!(
        "## Held-out articles: {} ({}% of {} concepts), {} gold links\n",
        articles,
        percent,
        snapshot.len(),
        gold_mentions
    );
    println!("source: {}\n", name.display());
    println!(
        "| linker | mention P | mention R | mention F1 | article P (micro) | article R | article F1 | article F1 (macro) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (i, (label, _)) in strategies().iter().enumerate() {
        let (m, a, macro_f1, n) = &results[i];
        let mention = if dump.is_some() {
            format!("{:.3} | {:.3} | {:.3}", m.precision(), m.recall(), m.f1())
        } else {
            "– | – | –".to_owned()
        };
        println!(
            "| {label} | {mention} | {:.3} | {:.3} | {:.3} | {:.3} |",
            a.precision(),
            a.recall(),
            a.f1(),
            macro_f1 / (*n).max(1) as f64
        );
    }
    Ok(())
}

fn sorted_unique(items: impl Iterator<Item = ConceptIdx>) -> Vec<ConceptIdx> {
    let mut v: Vec<ConceptIdx> = items.collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn elevant(snapshot_dir: &Path, files: &[PathBuf]) -> Result<()> {
    use std::io::Write;
    let engine = Engine::open(snapshot_dir)?;
    let snapshot = engine.snapshot();
    let mut errors = match std::env::var_os("KENNING_EVAL_ERRORS") {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(&path)
                .with_context(|| format!("cannot create {}", Path::new(&path).display()))?,
        )),
        None => None,
    };
    println!(
        "| benchmark | docs | gold QIDs | in snapshot | kenning P | R | F1 | prior-only P | R | F1 | F1 ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut total = [Counts::default(), Counts::default()];
    let (mut all_gold, mut all_kept) = (0usize, 0usize);
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let mut counts = [Counts::default(), Counts::default()];
        let (mut docs, mut gold_qids, mut kept) = (0usize, 0usize, 0usize);
        for (n, line) in text.lines().enumerate() {
            let doc: Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not JSON", file.display(), n + 1))?;
            let Some(body) = doc["text"].as_str() else {
                continue;
            };
            docs += 1;
            let eval_span = doc["evaluation_span"]
                .as_array()
                .and_then(|a| Some((a.first()?.as_u64()? as usize, a.get(1)?.as_u64()? as usize)));
            // Gold in the snapshot, and spans to ignore (NIL, unknown,
            // not in the snapshot, optional).
            let mut gold: Vec<(usize, usize, ConceptIdx)> = Vec::new();
            let mut ignored: Vec<(usize, usize)> = Vec::new();
            for label in doc["labels"].as_array().into_iter().flatten() {
                let span = label["span"].as_array();
                let Some((s, e)) = span.and_then(|a| {
                    Some((a.first()?.as_u64()? as usize, a.get(1)?.as_u64()? as usize))
                }) else {
                    continue;
                };
                let qid = label["entity_id"].as_str().unwrap_or("");
                let optional = label["optional"].as_bool().unwrap_or(false);
                let is_qid = qid.starts_with('Q');
                if is_qid && !optional {
                    gold_qids += 1;
                }
                let found = is_qid
                    .then(|| {
                        label["name"]
                            .as_str()
                            .and_then(|name| snapshot.lookup(name))
                    })
                    .flatten();
                match found {
                    Some(idx) if !optional => gold.push((s, e, idx)),
                    _ => ignored.push((s, e)),
                }
            }
            kept += gold.len();
            for (i, (_, options)) in strategies().iter().enumerate() {
                let result: WikifyResult = engine.wikify_tuned(body, *options);
                let predicted: Vec<(usize, usize, ConceptIdx)> = result
                    .annotations
                    .iter()
                    .filter(|a| eval_span.is_none_or(|(s, e)| a.start >= s && a.end <= e))
                    .filter(|a| metrics::is_judged((a.start, a.end), &gold, &ignored))
                    .filter_map(|a| {
                        Some((a.start, a.end, snapshot.find_id(PageId::new(a.concept.id))?))
                    })
                    .collect();
                counts[i].add(metrics::exact_counts(&predicted, &gold));
                if i == 0
                    && let Some(out) = errors.as_mut()
                {
                    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
                    let surface = |s: usize, e: usize| -> String {
                        body.chars()
                            .skip(s)
                            .take(e - s)
                            .collect::<String>()
                            .replace(['\t', '\n'], " ")
                    };
                    let title = |c: ConceptIdx| snapshot.concept(c).title().to_owned();
                    let at = |list: &[(usize, usize, ConceptIdx)], s: usize, e: usize| {
                        list.iter()
                            .find(|x| x.0 == s && x.1 == e)
                            .map_or("-".to_owned(), |x| title(x.2))
                    };
                    for &(s, e, c) in predicted.iter().filter(|p| !gold.contains(p)) {
                        let gold_there = at(&gold, s, e);
                        writeln!(
                            out,
                            "wrong\t{name}\t{}\t{}\t{gold_there}",
                            surface(s, e),
                            title(c)
                        )?;
                    }
                    for &(s, e, c) in gold.iter().filter(|g| !predicted.contains(g)) {
                        if at(&predicted, s, e) == "-" {
                            writeln!(out, "missed\t{name}\t{}\t-\t{}", surface(s, e), title(c))?;
                        }
                    }
                }
            }
        }
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .trim_end_matches(".benchmark.jsonl");
        println!(
            "| {name} | {docs} | {gold_qids} | {kept} | {} | {} | {} |",
            counts[0].row(),
            counts[1].row(),
            ratio(counts[0].f1(), counts[1].f1())
        );
        all_gold += gold_qids;
        all_kept += kept;
        for i in 0..2 {
            total[i].add(counts[i]);
        }
    }
    println!(
        "| **all** | | {all_gold} | {all_kept} | {} | {} | {} |",
        total[0].row(),
        total[1].row(),
        ratio(total[0].f1(), total[1].f1())
    );
    if let Some(mut out) = errors {
        out.flush().context("cannot write the errors file")?;
    }
    Ok(())
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "–".into()
    }
}

fn graphai(snapshot_dir: &Path, data: &Path) -> Result<()> {
    let engine = Engine::open(snapshot_dir)?;
    let snapshot = engine.snapshot();
    println!(
        "| text | EPFL concepts | of them in snapshot | kenning concepts | overlap@10 | overlap@20 | overlap@10, EPFL's top 10 in snapshot |"
    );
    println!("|---|---|---|---|---|---|---|");
    for name in ["schreier", "skills"] {
        let input = data.join(format!("api-requests/0-simple/{name}.json"));
        let output = data.join(format!("api-requests/4-wikified/{name}.json"));
        let input: Value = serde_json::from_str(
            &std::fs::read_to_string(&input)
                .with_context(|| format!("cannot read {}", input.display()))?,
        )?;
        let output: Value = serde_json::from_str(
            &std::fs::read_to_string(&output)
                .with_context(|| format!("cannot read {}", output.display()))?,
        )?;
        let text = input["raw_text"].as_str().unwrap_or("");
        let mut theirs: Vec<(f64, String)> = output
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((
                    r["MixedScore"].as_f64()?,
                    r["PageTitle"].as_str()?.replace('_', " "),
                ))
            })
            .collect();
        theirs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let theirs: Vec<String> = theirs.into_iter().map(|(_, t)| t).collect();
        let theirs_idx: Vec<Option<ConceptIdx>> =
            theirs.iter().map(|t| snapshot.lookup(t)).collect();
        let present = theirs_idx.iter().flatten().count();
        let ours: Vec<ConceptIdx> = engine
            .wikify(text, WikifyOptions::default())
            .concepts
            .iter()
            .filter_map(|c| snapshot.find_id(PageId::new(c.id)))
            .collect();
        let present_top: Vec<ConceptIdx> = theirs_idx.iter().flatten().copied().take(10).collect();
        println!(
            "| {name} | {} | {present} | {} | {:.2} | {:.2} | {:.2} |",
            theirs.len(),
            ours.len(),
            overlaps(&ours, &theirs_idx, 10),
            overlaps(&ours, &theirs_idx, 20),
            {
                let k = present_top.len().max(1);
                let top: Vec<ConceptIdx> = ours.iter().copied().take(k).collect();
                present_top.iter().filter(|c| top.contains(c)).count() as f64 / k as f64
            }
        );
    }
    Ok(())
}

fn speed(snapshot_dir: &Path, extracted: &Path, megabytes: usize) -> Result<()> {
    let engine = Engine::open(snapshot_dir)?;
    let mut texts: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    'files: for file in extracted_files(extracted)? {
        for doc in ExtractedReader::new(open_input(&file, 1)?) {
            let doc = doc?;
            bytes += doc.text.len();
            texts.push(doc.text);
            if bytes >= megabytes << 20 {
                break 'files;
            }
        }
    }
    let options = WikifyOptions::default();
    // Throughput, one thread.
    let started = Instant::now();
    let mut annotations = 0usize;
    for t in &texts {
        annotations += engine.wikify(t, options).annotations.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "throughput: {} articles, {:.1} MB in {seconds:.2} s on one thread = {:.2} MB/s per core ({annotations} annotations)",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / seconds
    );
    // Latency of 2 KB abstracts: the first 2,000 bytes of each article.
    let abstracts: Vec<&str> = texts
        .iter()
        .filter(|t| t.len() >= 2000)
        .map(|t| &t[..t.floor_char_boundary(2000)])
        .take(2000)
        .collect();
    for a in abstracts.iter().take(50) {
        engine.wikify(a, options);
    }
    let mut micros: Vec<f64> = abstracts
        .iter()
        .map(|a| {
            let t = Instant::now();
            engine.wikify(a, options);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p) as usize] / 1000.0;
    println!(
        "latency of {} abstracts of 2 KB: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        micros.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let dict = engine
        .snapshot()
        .generation_dir()
        .join(kenning_store::files::MENTIONS);
    let stats = &engine.snapshot().meta().stats;
    println!(
        "dictionary: {} bytes, {} phrases ({} more left out: link probability below the floor), {} documents counted, {} concepts, {} links",
        std::fs::metadata(&dict).map(|m| m.len()).unwrap_or(0),
        stats.mention_phrases,
        stats.mention_phrases_pruned,
        stats.mention_documents,
        stats.concepts,
        stats.links
    );
    Ok(())
}
