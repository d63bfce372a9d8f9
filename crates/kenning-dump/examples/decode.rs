//! Decompresses a dump through kenning's input layer and discards the bytes:
//! the decoding share of a build, to compare with `lbzip2 -dc`.
//!
//! `cargo run --release -p kenning-dump --example decode -- DUMP [THREADS]`

use std::io::Read;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: decode DUMP [THREADS]");
        std::process::exit(2);
    };
    let threads = args.next().and_then(|t| t.parse().ok()).unwrap_or(1);
    let started = Instant::now();
    let mut input = match kenning_dump::open_input(path.as_ref(), threads) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("decode: {e}");
            std::process::exit(1);
        }
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match input.reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => {
                eprintln!("decode: {path}: {e}");
                std::process::exit(1);
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{total} bytes ({:?}) in {secs:.2} s, {:.1} MB/s, {threads} thread(s)",
        input.compression,
        total as f64 / secs / 1e6
    );
}
