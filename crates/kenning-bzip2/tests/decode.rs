//! The decoder against the reference implementation (libbzip2's Rust port,
//! through the `bzip2` crate): real dumps, every block size, edge-case
//! inputs, and damaged data that must fail without a panic.

use std::io::{Read, Write};

use kenning_bzip2::{BlockChain, Bz2BlockDecoder, Bz2Decoder, Bz2Error, decode_all};
use proptest::prelude::*;

fn compress(data: &[u8], level: u32) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(level));
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn reference(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Decodes through a sliding window, as `kenning-dump` does for files.
fn decode_windowed(data: &[u8], window: usize) -> Result<Vec<u8>, Bz2Error> {
    let mut decoder = Bz2Decoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + window).min(data.len());
        if !decoder.decode_block(&data[start..end], &mut out)? {
            return Ok(out);
        }
        start += decoder.take_consumed();
    }
}

#[test]
fn real_dumps_decode_as_the_reference_does() {
    let Some(data) = kenning_testdata::shared_data(
        &[
            "wiki/ltgwiki-20170901-pages-articles.xml.bz2",
            "wiki/wikidump-simplewiki.xml.bz2",
        ],
        "real bzip2 dumps",
    ) else {
        return;
    };
    for name in [
        "wiki/ltgwiki-20170901-pages-articles.xml.bz2",
        "wiki/wikidump-simplewiki.xml.bz2",
        "wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
    ] {
        let packed = std::fs::read(data.join(name)).unwrap();
        let want = reference(&packed);
        assert!(!want.is_empty(), "{name}");
        assert!(decode_all(&packed).unwrap() == want, "{name}");
        assert!(
            decode_windowed(&packed, Bz2Decoder::WINDOW).unwrap() == want,
            "{name} windowed"
        );
    }
}

/// Text with long runs, a skewed alphabet and every byte value.
fn awkward(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match x % 10 {
            0 => out.extend(std::iter::repeat_n(
                (x >> 8) as u8,
                (x >> 16) as usize % 700,
            )),
            1..=2 => out.push((x >> 24) as u8),
            _ => out.extend_from_slice(b"the quick brown fox "),
        }
    }
    out.truncate(len);
    out
}

#[test]
fn every_level_and_several_streams_decode() {
    let text = awkward(2_500_000, 7);
    for level in 1..=9 {
        let packed = compress(&text, level);
        assert!(decode_all(&packed).unwrap() == text, "level {level}");
    }
    // Streams end to end, including an empty one.
    let mut packed = compress(b"first ", 9);
    packed.extend(compress(b"", 9));
    packed.extend(compress(&text[..300_000], 1));
    let mut want = b"first ".to_vec();
    want.extend_from_slice(&text[..300_000]);
    assert!(decode_all(&packed).unwrap() == want);
    // More than one window of compressed data, so the window slides.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let noise: Vec<u8> = (0..5_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    let packed = compress(&noise, 9);
    assert!(packed.len() > Bz2Decoder::WINDOW);
    assert!(decode_windowed(&packed, Bz2Decoder::WINDOW).unwrap() == noise);
    assert_eq!(decode_all(&compress(b"", 1)).unwrap(), b"");
    assert_eq!(decode_all(b"").unwrap(), b"");
}

#[test]
fn edge_inputs_decode() {
    for data in [
        vec![0u8; 1],
        vec![0u8; 1_000_000],
        vec![b'a'; 255 + 4],
        vec![b'a'; 256 + 4],
        (0..=255u8).collect(),
        (0..=255u8).cycle().take(2_000_000).collect(),
        b"abababababababababab".repeat(50_000),
    ] {
        for level in [1, 9] {
            let packed = compress(&data, level);
            assert!(decode_all(&packed).unwrap() == data, "{} bytes", data.len());
        }
    }
}

#[test]
fn bad_data_is_an_error_with_its_offset() {
    let text = awkward(400_000, 3);
    let packed = compress(&text, 1);
    assert!(matches!(
        decode_all(b"<mediawiki>"),
        Err(Bz2Error::NotBzip2 { offset: 0 })
    ));
    let mut trailing = packed.clone();
    trailing.extend_from_slice(b"junk");
    assert!(matches!(
        decode_all(&trailing),
        Err(Bz2Error::NotBzip2 { offset }) if offset == packed.len() as u64
    ));
    for cut in [4, 10, 100, packed.len() / 2, packed.len() - 1] {
        let err = decode_all(&packed[..cut]).unwrap_err();
        assert!(
            matches!(err, Bz2Error::Truncated { .. }),
            "cut at {cut}: {err}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }
    let mut flipped = packed.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    let err = decode_all(&flipped).unwrap_err();
    assert!(
        matches!(err, Bz2Error::Corrupt { .. } | Bz2Error::Checksum { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("corrupt"), "{err}");
}

/// Workers decode blocks wherever the magic was found, which may be
/// inside another block: every bit position must give an error or a
/// checked block, never a panic.
#[test]
fn decoding_at_any_bit_never_panics() {
    let packed = compress(&awkward(300_000, 5), 1);
    let mut decoder = Bz2BlockDecoder::new();
    let mut out = Vec::new();
    let mut decoded = 0;
    for bit in (0..packed.len() as u64 * 8).step_by(61) {
        out.clear();
        if decoder.decode_at(&packed, bit, 900_000, &mut out).is_ok() {
            decoded += 1;
        } else {
            assert!(out.is_empty());
        }
    }
    // Only real block starts decode, and 61 does not divide them all.
    assert!(decoded <= 3, "{decoded}");
    // The chain from the start finds the real blocks and the stream CRC.
    let mut chain = BlockChain::new();
    let mut all = Vec::new();
    while let Some((bit, max_len)) = chain.next_block(&packed).unwrap() {
        let end = decoder.decode_at(&packed, bit, max_len, &mut all).unwrap();
        chain.block_done(end);
    }
    assert!(all == awkward(300_000, 5));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_data_round_trips(
        data in proptest::collection::vec(prop_oneof![Just(b'x'), Just(b'y'), any::<u8>()], 0..5000),
        level in 1u32..=9,
    ) {
        prop_assert_eq!(decode_all(&compress(&data, level)).unwrap(), data);
    }

    /// Damage anywhere: an error or (rarely, a flip the CRC cannot see in
    /// padding bits) the right bytes, never a panic or wrong bytes.
    #[test]
    fn damaged_data_never_panics(
        seed in any::<u64>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let text = awkward(20_000, seed);
        let mut packed = compress(&text, 1);
        for (at, mask) in flips {
            let i = at.index(packed.len());
            packed[i] ^= mask;
        }
        if truncate {
            packed.truncate(cut.index(packed.len()));
        }
        if let Ok(got) = decode_all(&packed) {
            prop_assert!(got == text || got.is_empty() || text.starts_with(&got));
        }
    }
}
