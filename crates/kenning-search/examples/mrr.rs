//! MRR@10 of query files (`query<TAB>answer title` per line) against an
//! index folder, for tuning the ranking without the `kenning` binary.
//!
//! ```text
//! cargo run --release -p kenning-search --example mrr -- INDEX_DIR queries-typos.tsv [more.tsv …]
//! ```
//! `bench/search_quality.py` writes the query files to `bench/out/search-quality/`.

use kenning_search::{Query, SearchIndex};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: mrr INDEX_DIR QUERIES.tsv...");
    let index = SearchIndex::open(std::path::Path::new(&dir)).unwrap();
    let verbose = std::env::var_os("MRR_VERBOSE").is_some();
    for file in args {
        let text = std::fs::read_to_string(&file).unwrap();
        let (mut n, mut sum, mut first) = (0usize, 0.0f64, 0usize);
        for line in text.lines() {
            let Some((q, answer)) = line.split_once('\t') else {
                continue;
            };
            let r = index.search(&Query::new(q)).unwrap();
            let rank = r.hits.iter().position(|h| h.title == answer);
            n += 1;
            if let Some(p) = rank {
                sum += 1.0 / (p + 1) as f64;
                first += usize::from(p == 0);
            }
            if verbose && rank != Some(0) {
                let top = r.hits.first().map(|h| h.title.as_str()).unwrap_or("-");
                println!("  miss {q:?} -> {answer:?} at {rank:?}, first {top:?}");
            }
        }
        println!(
            "{file}: {n} queries, MRR@10 {:.4}, first {:.1}%",
            sum / n as f64,
            100.0 * first as f64 / n as f64
        );
    }
}
