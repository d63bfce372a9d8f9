//! Decodes a `.bz2` file in memory with this crate and with the reference
//! decoder (libbzip2's Rust port, through the `bzip2` crate), one thread
//! each, best of `RUNS` passes, and checks that both give the same bytes.
//!
//! `cargo run --release -p kenning-bzip2 --example decode_speed -- FILE [RUNS]`

use std::io::Read;
use std::time::Instant;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let out = f();
        best = best.min(started.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: decode_speed FILE [RUNS]");
        std::process::exit(2);
    };
    let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let packed = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("decode_speed: {path}: {e}");
        std::process::exit(1);
    });
    let (ours, ours_out) = best_of(runs, || kenning_bzip2::decode_all(&packed));
    let ours_out = ours_out.unwrap_or_else(|e| {
        eprintln!("decode_speed: {path}: {e} (at byte {})", e.offset());
        std::process::exit(1);
    });
    let (reference, reference_out) = best_of(runs, || {
        let mut out = Vec::with_capacity(ours_out.len());
        bzip2::read::MultiBzDecoder::new(&packed[..])
            .read_to_end(&mut out)
            .map(|_| out)
    });
    let same = reference_out.is_ok_and(|r| r == ours_out);
    let mb = ours_out.len() as f64 / 1e6;
    println!(
        "{path}: {:.1} MB out; kenning-bzip2 {ours:.3} s ({:.1} MB/s); libbz2-rs {reference:.3} s ({:.1} MB/s); \
         ratio {:.2}; identical output: {same}",
        mb,
        mb / ours,
        mb / reference,
        reference / ours
    );
    if !same {
        std::process::exit(1);
    }
}
