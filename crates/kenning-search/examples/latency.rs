//! Latency of `search` and `suggest` on the real data, one thread.
//!
//! ```text
//! cargo run --release -p kenning-search --example latency
//! ```
//!
//! Indexes Wikispeedia (4,604 articles) and the WikiExtractor articles
//! (12,980), plus 2,400 of the Wikispeedia articles again as "course"
//! records, about 20,000 documents; then times exact titles, titles with
//! one edit, two-word topical queries and prefixes, after one warm-up pass.

#[path = "../tests/common/wikispeedia.rs"]
mod wikispeedia;

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use kenning_search::{Document, Query, SearchIndex};
use wikispeedia::{Article, Rng};

fn extracted(base: &Path) -> Vec<Article> {
    let mut out = Vec::new();
    let mut files: Vec<_> = ["AA", "AB"]
        .iter()
        .flat_map(|d| std::fs::read_dir(base.join(d)).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let mut text = String::new();
        bzip2::read::MultiBzDecoder::new(std::fs::File::open(&f).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        for doc in text.split("</doc>") {
            let Some(start) = doc.find("<doc ") else {
                continue;
            };
            let doc = &doc[start..];
            let Some(head_end) = doc.find('>') else {
                continue;
            };
            let head = &doc[..head_end];
            let Some(t) = head.find("title=\"") else {
                continue;
            };
            let title = head[t + 7..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string();
            let body = &doc[head_end + 1..];
            out.push(Article {
                // WikiExtractor: one paragraph per line after the title.
                summary: body
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && *l != title)
                    .unwrap_or_default()
                    .to_string(),
                body: wikispeedia::truncate(body, 2048).to_string(),
                popularity: 0.0,
                title,
            });
        }
    }
    out
}

/// CPU time of this thread: what a query costs on one core, whatever the
/// other processes on the machine do.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "| {name} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0} |",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        times.len() as f64 / total.as_secs_f64()
    );
}

fn main() {
    let Some(mut articles) = wikispeedia::load() else {
        return;
    };
    let speedia = articles.len();
    let Some(data) = wikispeedia::data_dir() else {
        return;
    };
    let base = data.join("enwiki-2015-extracted");
    articles.extend(extracted(&base));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let t = Instant::now();
    let mut w = wikispeedia::index(&articles, &path, 2);
    for (i, a) in articles.iter().take(2400).enumerate() {
        let title = format!("Course: {}", a.title);
        w.add(&Document {
            key: 10_000_000 + i as u64,
            kind: "course",
            title: &title,
            aliases: &[],
            summary: &a.summary,
            body: "",
            popularity: 0.0,
        })
        .unwrap();
    }
    w.finish().unwrap();
    let build = t.elapsed();
    let size: u64 = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let mut opens = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let idx = SearchIndex::open(&path).unwrap();
        opens.push(t.elapsed());
        drop(idx);
    }
    opens.sort();
    let index = SearchIndex::open(&path).unwrap();
    println!(
        "{} documents ({} Wikispeedia, {} extracted, 2400 courses); built in {:.1} s (2 threads); {:.1} MB on disk; open median {:.2} ms",
        index.documents(),
        speedia,
        articles.len() - speedia,
        build.as_secs_f64(),
        size as f64 / 1e6,
        opens[2].as_secs_f64() * 1e3
    );

    let mut rng = Rng(2024);
    let sample = wikispeedia::sample(articles.len(), 1000, 5);
    let exact: Vec<String> = sample.iter().map(|&i| articles[i].title.clone()).collect();
    let typos: Vec<String> = sample
        .iter()
        .map(|&i| wikispeedia::one_edit(&articles[i].title, &mut rng))
        .collect();
    let words: Vec<&str> = articles
        .iter()
        .flat_map(|a| a.summary.split_whitespace())
        .filter(|w| w.len() > 4 && w.chars().all(char::is_alphabetic))
        .take(200_000)
        .collect();
    let topical: Vec<String> = (0..1000)
        .map(|_| {
            format!(
                "{} {}",
                words[rng.below(words.len())],
                words[rng.below(words.len())]
            )
        })
        .collect();
    let prefixes: Vec<String> = sample
        .iter()
        .map(|&i| {
            let t = &articles[i].title;
            let n = 1 + rng.below(t.len().min(12));
            wikispeedia::truncate(t, n).to_string()
        })
        .collect();

    let cpu = std::env::var_os("KENNING_LATENCY_WALL").is_none();
    let clock = move || {
        if cpu {
            thread_cpu()
        } else {
            Instant::now().elapsed()
        }
    };
    let now = move || (Instant::now(), clock());
    let since =
        move |(wall, c): (Instant, Duration)| if cpu { clock() - c } else { wall.elapsed() };
    let time_search = |index: &SearchIndex, qs: &[String]| -> Vec<Duration> {
        qs.iter()
            .map(|q| {
                let t = now();
                let r = index.search(&Query::new(q)).unwrap();
                std::hint::black_box(r);
                since(t)
            })
            .collect()
    };
    let time_suggest = |index: &SearchIndex, qs: &[String]| -> Vec<Duration> {
        qs.iter()
            .map(|q| {
                let t = now();
                let r = index.suggest(q, 8).unwrap();
                std::hint::black_box(r);
                since(t)
            })
            .collect()
    };
    println!(
        "\ntimes are {} (KENNING_LATENCY_WALL=1 for wall-clock time)",
        if cpu {
            "thread CPU time"
        } else {
            "wall-clock time"
        }
    );
    // Warm-up on another instance: touch the pages once.
    let index = SearchIndex::open(&path).unwrap();
    time_search(&index, &exact);
    time_search(&index, &typos);
    time_search(&index, &topical);
    time_suggest(&index, &prefixes);
    // For profiling: KENNING_LATENCY_ROUNDS=N repeats the rounds.
    let rounds: usize = std::env::var("KENNING_LATENCY_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for _ in 1..rounds {
        let index = SearchIndex::open(&path).unwrap();
        time_search(&index, &exact);
        time_search(&index, &typos);
        time_search(&index, &topical);
        time_suggest(&index, &prefixes);
    }
    let fresh = SearchIndex::open(&path).unwrap();
    for pass in [
        "first pass, fuzzy cache empty",
        "second pass, fuzzy cache warm",
    ] {
        println!("\n| {pass} (one thread) | n | p50 ms | p90 ms | p99 ms | max ms | QPS |");
        println!("|---|---|---|---|---|---|---|");
        let (e, t, w, p) = (
            time_search(&fresh, &exact),
            time_search(&fresh, &typos),
            time_search(&fresh, &topical),
            time_suggest(&fresh, &prefixes),
        );
        let all: Vec<Duration> = e.iter().chain(&t).chain(&w).copied().collect();
        if std::env::var_os("KENNING_LATENCY_SLOWEST").is_some() {
            let mut all: Vec<(Duration, &String)> = e
                .iter()
                .chain(&t)
                .chain(&w)
                .copied()
                .zip(exact.iter().chain(&typos).chain(&topical))
                .collect();
            all.sort_by_key(|b| std::cmp::Reverse(b.0));
            for (d, q) in all.iter().take(15) {
                println!("slow: {:.3} ms {q:?}", d.as_secs_f64() * 1e3);
            }
        }
        report("search: exact titles", e);
        report("search: titles with one edit", t);
        report("search: two summary words", w);
        report("search: all", all);
        report("suggest: title prefixes (limit 8)", p);
    }
}
