//! The bzip2 decoder on arbitrary bytes: never panics, the windowed
//! decoder (as `kenning-dump` drives it) agrees with the one-shot one, and
//! single blocks decode (or fail cleanly) at any bit position.
//!
//! Seeds (small streams whose blocks are a word repeated, see
//! `fuzz/make_bzip2_seeds.py`) are in `fuzz/seeds/bzip2`:
//! `cargo +nightly fuzz run bzip2 fuzz/corpus/bzip2 fuzz/seeds/bzip2`.
#![no_main]

use kenning_bzip2::{Bz2BlockDecoder, Bz2Decoder, decode_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = decode_all(data);
    let mut decoder = Bz2Decoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    let windowed = loop {
        let end = (start + Bz2Decoder::WINDOW).min(data.len());
        match decoder.decode_block(&data[start..end], &mut out) {
            Ok(true) => start += decoder.take_consumed(),
            Ok(false) => break Ok(out),
            Err(e) => break Err(e),
        }
    };
    assert_eq!(whole, windowed);
    // Block decoding at arbitrary bit positions, as the parallel reader's
    // workers do at every place the block magic was found.
    let mut blocks = Bz2BlockDecoder::new();
    for bit in (0..data.len() as u64 * 8).step_by(37).take(64) {
        let mut out = Vec::new();
        if blocks.decode_at(data, bit, 900_000, &mut out).is_err() {
            assert!(out.is_empty());
        }
    }
});
