//! Periodic text against the reference implementation (libbzip2's Rust
//! port, through the `bzip2` crate).
//!
//! When a block's text (after the first run-length stage) is a word
//! repeated `k` times, its rotations are not all distinct and the inverse
//! transform's permutation splits into `k` cycles, one per copy of the
//! word: the text is the walk of the block's length from the origin,
//! going round its cycle `k` times. The inputs here are chosen so that
//! such blocks occur (whole blocks and the last block of a stream; one
//! byte repeated, whose runs become a five-byte word), next to blocks
//! whose length the period does not divide. The blocks are long enough
//! (over 64 Ki bytes) for the decoder's segmented walk.

use std::io::{Read, Write};

use kenning_bzip2::{BlockChain, Bz2BlockDecoder, Bz2Decoder, decode_all};
use proptest::prelude::*;

fn compress(data: &[u8], level: u32) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(level));
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn reference(packed: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(packed)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Decodes block by block as the multi-threaded reader's workers do: each
/// block on its own with [`Bz2BlockDecoder`], the chain of real blocks and
/// the stream CRCs checked by [`BlockChain`].
fn decode_by_blocks(packed: &[u8]) -> Result<Vec<u8>, kenning_bzip2::Bz2Error> {
    let mut chain = BlockChain::new();
    let mut blocks = Bz2BlockDecoder::new();
    let mut out = Vec::new();
    while let Some((bit, max_len)) = chain.next_block(packed)? {
        let end = blocks.decode_at(packed, bit, max_len, &mut out)?;
        chain.block_done(end);
    }
    Ok(out)
}

/// Decodes through [`Bz2Decoder`] with a sliding window, as `kenning-dump`
/// does on one thread.
fn decode_windowed(packed: &[u8]) -> Result<Vec<u8>, kenning_bzip2::Bz2Error> {
    let mut decoder = Bz2Decoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + Bz2Decoder::WINDOW).min(packed.len());
        if !decoder.decode_block(&packed[start..end], &mut out)? {
            return Ok(out);
        }
        start += decoder.take_consumed();
    }
}

/// `len` bytes of `word` repeated.
fn repeated(word: &[u8], len: usize) -> Vec<u8> {
    word.iter().copied().cycle().take(len).collect()
}

/// Bytes from a fixed xorshift sequence.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

/// The block length (before the final run-length stage) the encoder
/// stops at for text without runs: the level × 100 000, less 19.
fn block_limit(level: u32) -> usize {
    level as usize * 100_000 - 19
}

/// Compresses `text` with libbzip2 and checks that every way of decoding
/// gives libbzip2's bytes (which are `text`).
fn check(what: &str, text: &[u8], level: u32) {
    let packed = compress(text, level);
    let want = reference(&packed);
    assert!(want == text, "{what}, level {level}: libbzip2 round trip");
    let whole =
        decode_all(&packed).unwrap_or_else(|e| panic!("{what}, level {level}: decode_all: {e}"));
    assert!(whole == want, "{what}, level {level}: decode_all differs");
    let windowed = decode_windowed(&packed)
        .unwrap_or_else(|e| panic!("{what}, level {level}: Bz2Decoder: {e}"));
    assert!(
        windowed == want,
        "{what}, level {level}: Bz2Decoder differs"
    );
    let by_blocks = decode_by_blocks(&packed)
        .unwrap_or_else(|e| panic!("{what}, level {level}: Bz2BlockDecoder: {e}"));
    assert!(
        by_blocks == want,
        "{what}, level {level}: Bz2BlockDecoder differs"
    );
}

#[test]
fn a_short_word_repeated_decodes() {
    // 99 981 is a multiple of 3: at level 1 every whole block is "abc"
    // (rotated) repeated; at level 9 (899 981) none is. The last block,
    // 90 000 bytes, is periodic at both levels.
    for level in [1, 9] {
        check(
            "abc repeated",
            &repeated(b"abc", 2 * block_limit(level) + 90_000),
            level,
        );
    }
}

#[test]
fn one_byte_repeated_decodes() {
    // Runs of 255 bytes become the five bytes `xxxx` + 251: the blocks are
    // that word repeated. 16 000 runs fill one block at either level;
    // 26 000 runs are one whole block and a short last one at level 1.
    for runs in [16_000, 26_000] {
        for level in [1, 9] {
            check("one byte repeated", &vec![b'x'; 255 * runs], level);
        }
    }
    // A last run shorter than 255: the last block is not periodic.
    check("one byte repeated", &vec![0u8; 255 * 16_000 + 100], 9);
}

#[test]
fn a_long_random_word_repeated_decodes() {
    let word = noise(1000, 11);
    for level in [1, 9] {
        let limit = block_limit(level);
        // A whole block (1000 does not divide it), then a last block of
        // exactly 80 words.
        check(
            "1000 random bytes repeated",
            &repeated(&word, limit + 80_000),
            level,
        );
        // The last block 80 words and a half: not periodic.
        check(
            "1000 random bytes repeated",
            &repeated(&word, limit + 80_500),
            level,
        );
    }
    // Periods that divide level 1's blocks: each whole block is periodic.
    for period in [7, 21, 63] {
        check(
            "a random word repeated",
            &repeated(&noise(period, 3), 350_000),
            1,
        );
    }
}

/// Text for the property test: a word (from a small alphabet, so that it
/// has runs, or any bytes) repeated, or one byte repeated (runs of 255
/// make blocks periodic), or arbitrary bytes.
#[derive(Clone, Debug)]
enum Text {
    Repeated { word: Vec<u8>, len: usize },
    OneByte { byte: u8, len: usize },
    Bytes(Vec<u8>),
}

impl Text {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Text::Repeated { word, len } => repeated(word, *len),
            Text::OneByte { byte, len } => vec![*byte; *len],
            Text::Bytes(bytes) => bytes.clone(),
        }
    }
}

fn text() -> impl Strategy<Value = Text> {
    let byte = prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()];
    prop_oneof![
        // A whole number of words as often as not, so that the last (or
        // only) block is periodic.
        (
            proptest::collection::vec(byte.clone(), 1..=64),
            0usize..400_000,
            any::<bool>()
        )
            .prop_map(|(word, len, whole)| {
                let len = if whole { len - len % word.len() } else { len };
                Text::Repeated { word, len }
            }),
        (any::<u8>(), 0usize..20_000).prop_map(|(byte, runs)| Text::OneByte {
            byte,
            len: runs * 255
        }),
        (any::<u8>(), 0usize..5_000_000).prop_map(|(byte, len)| Text::OneByte { byte, len }),
        proptest::collection::vec(byte, 0..5000).prop_map(Text::Bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn periodic_and_arbitrary_text_decodes_as_libbzip2_does(
        text in text(),
        level in prop_oneof![Just(1u32), Just(9)],
    ) {
        let text = text.bytes();
        let packed = compress(&text, level);
        let want = reference(&packed);
        prop_assert!(want == text);
        prop_assert!(decode_all(&packed).as_deref() == Ok(&want[..]));
        prop_assert!(decode_by_blocks(&packed).as_deref() == Ok(&want[..]));
    }
}
