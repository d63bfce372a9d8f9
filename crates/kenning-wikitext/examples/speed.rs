//! Extraction alone, on one thread, streaming: each page is read from the
//! dump (XML parsing), extracted, and dropped, as WikiExtractor does (it
//! also writes its output, which this does not). Three passes over the
//! file; the best is reported.
//!
//! `cargo run --release -p kenning-wikitext --example speed -- DUMP`

use std::time::Instant;

const PASSES: usize = 3;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: speed DUMP");
        std::process::exit(2);
    };
    let xml_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let ns = kenning_model::Namespaces::english();
    let mut best = f64::MAX;
    let (mut pages, mut bytes, mut check) = (0usize, 0usize, 0usize);
    for _ in 0..PASSES {
        (pages, bytes, check) = (0, 0, 0);
        let started = Instant::now();
        let reader = kenning_dump::open_input(path.as_ref(), 1)
            .and_then(kenning_dump::MediaWikiReader::new)
            .unwrap_or_else(|e| {
                eprintln!("speed: {e}");
                std::process::exit(1);
            });
        for page in reader.filter_map(Result::ok) {
            let e = kenning_wikitext::extract(&page.text, &ns);
            pages += 1;
            bytes += page.text.len();
            check += e.text.len() + e.links.len();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{pages} pages, {bytes} bytes of wikitext: read + extract, streaming, best of {PASSES}: \
         {best:.3} s = {:.1} MB/s of the file (check {check})",
        xml_bytes as f64 / best / 1e6,
    );
}
