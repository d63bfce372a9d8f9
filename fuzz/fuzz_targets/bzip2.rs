//! The bzip2 decoder on arbitrary bytes: never panics, and the windowed
//! decoder (as `kenning-dump` drives it) agrees with the one-shot one.
#![no_main]

use kenning_bzip2::{Bz2Decoder, decode_all};
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
});
