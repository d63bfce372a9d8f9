//! Prints the hits of queries against an index folder, for tuning.
//!
//! ```text
//! cargo run --release -p kenning-search --example query -- DIR/gen-…/search "query" ["query" …]
//! ```
//! A query starting with `>` is run through `suggest` instead.

use kenning_search::{Query, SearchIndex};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: query INDEX_DIR QUERY...");
    let index = SearchIndex::open(std::path::Path::new(&dir)).unwrap();
    for q in args {
        let hits = if let Some(prefix) = q.strip_prefix('>') {
            index.suggest(prefix, 10).unwrap()
        } else {
            let r = index.search(&Query::new(&q)).unwrap();
            println!("{q:?}: {} matches", r.total);
            r.hits
        };
        for h in hits {
            println!(
                "  {:>9.3}  {}{}",
                h.score,
                h.title,
                h.matched_alias
                    .map(|a| format!(" (as {a:?})"))
                    .unwrap_or_default()
            );
        }
    }
}
