//! Extraction alone, on one thread: the dump's pages are read into memory
//! (XML parsing, timed once), then `extract` is timed over all of them
//! (best of five passes). Reading plus the best pass is what WikiExtractor
//! does for each page (it also writes its output, which this does not).
//!
//! `cargo run --release -p kenning-wikitext --example speed -- DUMP`

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: speed DUMP");
        std::process::exit(2);
    };
    let started = Instant::now();
    let pages: Vec<String> = kenning_dump::open_input(path.as_ref(), 1)
        .and_then(kenning_dump::MediaWikiReader::new)
        .map(|reader| reader.filter_map(Result::ok).map(|p| p.text).collect())
        .unwrap_or_else(|e| {
            eprintln!("speed: {e}");
            std::process::exit(1);
        });
    let read = started.elapsed().as_secs_f64();
    let xml_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let bytes: usize = pages.iter().map(String::len).sum();
    let ns = kenning_model::Namespaces::english();
    let mut best = f64::MAX;
    let mut check = 0usize;
    for _ in 0..5 {
        let started = Instant::now();
        for text in &pages {
            let e = kenning_wikitext::extract(text, &ns);
            check += e.text.len() + e.links.len();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{} pages, {bytes} bytes of wikitext: extract best {best:.3} s ({:.1} MB/s); \
         reading the XML {read:.3} s; read + extract {:.3} s = {:.1} MB/s of the file (check {check})",
        pages.len(),
        bytes as f64 / best / 1e6,
        read + best,
        xml_bytes as f64 / (read + best) / 1e6,
    );
}
