//! Reads a `langlinks` SQL dump or a Wikidata JSON dump (told by its name)
//! and prints what it holds and how fast it was read.
//!
//! `cargo run --release -p kenning-dump --example interlanguage -- FILE [THREADS]`

use std::time::Instant;

use kenning_dump::{LanglinksReader, WikidataReader, open_input};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: interlanguage FILE.sql[.gz]|FILE.json[.gz|.bz2] [THREADS]");
        std::process::exit(2);
    };
    let threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(1);
    let started = Instant::now();
    let input = match open_input(path.as_ref(), threads) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("interlanguage: {e}");
            std::process::exit(1);
        }
    };
    let consumed = input.consumed.clone();
    let (what, count, skipped, result) = if path.contains(".sql") {
        let mut reader = LanglinksReader::new(input);
        let mut count = 0u64;
        let result = reader.by_ref().try_for_each(|row| row.map(|_| count += 1));
        ("rows", count, reader.skipped(), result)
    } else {
        let mut reader = WikidataReader::new(input);
        let mut count = 0u64;
        let result = reader.by_ref().try_for_each(|e| e.map(|_| count += 1));
        ("items", count, reader.skipped(), result)
    };
    if let Err(e) = result {
        eprintln!("interlanguage: {e}");
        std::process::exit(1);
    }
    let secs = started.elapsed().as_secs_f64();
    let bytes = consumed.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "{count} {what} ({skipped} skipped) from {bytes} file bytes in {secs:.2} s, {:.1} MB/s",
        bytes as f64 / secs / 1e6
    );
}
