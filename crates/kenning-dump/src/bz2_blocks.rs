//! One bzip2 stream decoded in parallel, block by block.
//!
//! A single stream (Wikipedia's `…-pages-articles.xml.bz2` without
//! "multistream") cannot be cut at stream starts, but its blocks can be
//! decoded independently once found: every block starts with the 48-bit
//! magic `0x314159265359`, at any bit offset. A planner thread scans the
//! file for the magic at all eight bit offsets, workers decode a block at
//! each place found, and the reader walks the real chain of blocks from
//! the start of the file ([`BlockChain`]: headers, end-of-stream markers,
//! stream CRCs), taking each block's bytes from the worker that decoded it
//! at exactly that position. A chance match of the magic inside compressed
//! data is simply never asked for; a block nobody decoded (none should be
//! missed) is decoded on the reading thread.
//!
//! Memory is bounded: at most `3 × threads` blocks (≤ 900 kB each before
//! the final run-length stage) are decoded ahead of the reader.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use kenning_bzip2::{BLOCK_MAGIC, BlockChain, BlockEnd, Bz2BlockDecoder, Bz2Error};
use memmap2::Mmap;

use crate::bz2::{corrupt, hand_out, stop_pool};

/// Blocks are decoded speculatively with the largest block size; the
/// chain checks each stream's CRC.
const MAX_BLOCK: usize = 900_000;
/// The planner scans this many bytes for magics at a time.
const SCAN_CHUNK: usize = 1 << 20;

type Decoded = (u64, Result<(Vec<u8>, BlockEnd), Bz2Error>);

/// A `Read` over the decompressed bytes of bzip2 data, its blocks decoded
/// on `threads` threads.
pub(crate) struct BlockParallelBz2Reader {
    map: Arc<Mmap>,
    chain: BlockChain,
    /// Decoded blocks by sequence number, in the planner's order.
    results: Receiver<(usize, Decoded)>,
    pending: HashMap<usize, Decoded>,
    tokens: SyncSender<()>,
    next_seq: usize,
    local: Bz2BlockDecoder,
    current: Vec<u8>,
    pos: usize,
    done: bool,
    consumed: Arc<AtomicU64>,
    threads: Vec<JoinHandle<()>>,
}

impl BlockParallelBz2Reader {
    pub(crate) fn new(file: &File, threads: usize, consumed: Arc<AtomicU64>) -> io::Result<Self> {
        // SAFETY: a read-only map of a file we opened. Bytes changed under
        // us are wrong bytes, which the CRCs report; a dump truncated while
        // mapped raises SIGBUS when a page past its new end is touched,
        // which kills the process. Accepted (the file is the user's input,
        // and changing a dump during a build is documented as
        // unsupported): see `bz2::looks_multistream`.
        let map = Arc::new(unsafe { Mmap::map(file)? });
        Ok(Self::over(map, threads, consumed, find_block_starts))
    }

    /// The reader over `map`, finding candidate block starts with `find`
    /// (tests give it false ones).
    fn over(
        map: Arc<Mmap>,
        threads: usize,
        consumed: Arc<AtomicU64>,
        find: fn(&[u8], usize, usize, &mut Vec<u64>),
    ) -> Self {
        let workers = threads.max(1);
        let window = workers * 3;
        let (token_tx, token_rx) = sync_channel::<()>(window);
        for _ in 0..window {
            token_tx.send(()).expect("receiver alive");
        }
        let (piece_tx, piece_rx) = sync_channel::<(usize, u64)>(workers);
        let piece_rx = Arc::new(Mutex::new(piece_rx));
        let (result_tx, result_rx) = sync_channel(window + workers);
        let mut handles = Vec::new();
        {
            let map = map.clone();
            handles.push(std::thread::spawn(move || {
                let mut seq = 0;
                let mut found = Vec::new();
                let mut from = 0;
                while from < map.len() {
                    let to = (from + SCAN_CHUNK).min(map.len());
                    found.clear();
                    find(&map, from, to, &mut found);
                    for &bit in &found {
                        if token_rx.recv().is_err() || piece_tx.send((seq, bit)).is_err() {
                            return;
                        }
                        seq += 1;
                    }
                    from = to;
                }
            }));
        }
        for _ in 0..workers {
            let map = map.clone();
            let piece_rx = piece_rx.clone();
            let result_tx = result_tx.clone();
            handles.push(std::thread::spawn(move || {
                let mut decoder = Bz2BlockDecoder::new();
                loop {
                    let next = match piece_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, bit)) = next else { return };
                    let mut out = Vec::new();
                    let result = decoder
                        .decode_at(&map, bit, MAX_BLOCK, &mut out)
                        .map(|end| (out, end));
                    if result_tx.send((seq, (bit, result))).is_err() {
                        return;
                    }
                }
            }));
        }
        BlockParallelBz2Reader {
            map,
            chain: BlockChain::new(),
            results: result_rx,
            pending: HashMap::new(),
            tokens: token_tx,
            next_seq: 0,
            local: Bz2BlockDecoder::new(),
            current: Vec::new(),
            pos: 0,
            done: false,
            consumed,
            threads: handles,
        }
    }

    /// The decoded block with sequence number `seq`, or `None` when the
    /// planner has no more.
    fn take(&mut self, seq: usize) -> Option<Decoded> {
        loop {
            if let Some(d) = self.pending.remove(&seq) {
                return Some(d);
            }
            match self.results.recv() {
                Ok((s, d)) if s == seq => return Some(d),
                Ok((s, d)) => {
                    self.pending.insert(s, d);
                }
                Err(_) => return None,
            }
        }
    }

    /// The bytes of the block at `bit`: decoded by a worker if one was
    /// started there, else here. Candidates before `bit` were chance
    /// matches inside earlier blocks and are dropped.
    fn block_at(&mut self, bit: u64, max_len: usize) -> Result<(Vec<u8>, BlockEnd), Bz2Error> {
        while let Some((at, result)) = self.take(self.next_seq) {
            if at > bit {
                self.pending.insert(self.next_seq, (at, result));
                break;
            }
            self.next_seq += 1;
            let _ = self.tokens.send(());
            if at == bit {
                return result;
            }
        }
        let mut out = Vec::new();
        let end = self.local.decode_at(&self.map, bit, max_len, &mut out)?;
        Ok((out, end))
    }

    fn advance(&mut self) -> Result<bool, Bz2Error> {
        while !self.done {
            let Some((bit, max_len)) = self.chain.next_block(&self.map)? else {
                self.done = true;
                break;
            };
            let (bytes, end) = self.block_at(bit, max_len)?;
            self.chain.block_done(end);
            self.consumed.store(end.bit / 8, Ordering::Relaxed);
            if !bytes.is_empty() {
                self.current = bytes;
                self.pos = 0;
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Read for BlockParallelBz2Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.current.len() && !self.advance().map_err(corrupt)? {
            return Ok(0);
        }
        Ok(hand_out(&self.current, &mut self.pos, buf))
    }
}

impl Drop for BlockParallelBz2Reader {
    fn drop(&mut self) {
        stop_pool(&mut self.results, &mut self.tokens, &mut self.threads);
    }
}

/// Bit positions, ascending, of the block magic starting in bytes
/// `from..to` of `data`, at any of the eight bit offsets. For each offset
/// the magic fixes the four whole bytes after its first byte; those are
/// found with `memmem`, then the whole 48 bits are checked.
pub(crate) fn find_block_starts(data: &[u8], from: usize, to: usize, out: &mut Vec<u64>) {
    let first = out.len();
    for shift in 0..8u32 {
        // The magic at bit `shift` of a 64-bit big-endian window.
        let window = BLOCK_MAGIC << (16 - shift);
        let needle = ((window >> 24) as u32).to_be_bytes();
        let lo = (from + 1).min(data.len());
        let hi = (to + 5).min(data.len());
        for at in memchr::memmem::find_iter(&data[lo..hi], &needle) {
            let p = lo + at - 1;
            if p < from || p >= to {
                continue;
            }
            let mut bytes = [0u8; 8];
            let end = (p + 8).min(data.len());
            bytes[..end - p].copy_from_slice(&data[p..end]);
            let w = u64::from_be_bytes(bytes);
            if (w >> (16 - shift)) & 0xFFFF_FFFF_FFFF == BLOCK_MAGIC {
                out.push(p as u64 * 8 + u64::from(shift));
            }
        }
    }
    out[first..].sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::CorruptInput;
    use std::io::Write;

    fn compress(data: &[u8], level: u32) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(level));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    /// Text that compresses, in several 100 kB blocks at level 1.
    fn text(len: usize) -> Vec<u8> {
        let mut x: u64 = 7;
        let words = [
            "the ", "quick ", "brown ", "fox ", "jumps\n", "over ", "lazy ", "dogs. ",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.extend_from_slice(words[(x >> 61) as usize].as_bytes());
            if x.is_multiple_of(7) {
                out.extend_from_slice(&(x % 1000).to_string().into_bytes());
            }
        }
        out.truncate(len);
        out
    }

    fn map_of(bytes: &[u8]) -> Arc<Mmap> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bz2");
        std::fs::write(&path, bytes).unwrap();
        // SAFETY: a read-only map of a file this test just wrote in its own
        // temporary folder; nothing else writes or truncates it.
        Arc::new(unsafe { Mmap::map(&File::open(&path).unwrap()).unwrap() })
    }

    fn read_with(
        packed: &[u8],
        find: fn(&[u8], usize, usize, &mut Vec<u64>),
    ) -> io::Result<Vec<u8>> {
        let mut reader = BlockParallelBz2Reader::over(map_of(packed), 2, Arc::default(), find);
        let mut out = Vec::new();
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn finds_every_block_of_a_stream() {
        let plain = text(2_000_000);
        let packed = compress(&plain, 1);
        let mut starts = Vec::new();
        find_block_starts(&packed, 0, packed.len(), &mut starts);
        assert!(starts.len() >= 3, "{starts:?}");
        // The first block follows the 4-byte header; the chain agrees on
        // every other one.
        assert_eq!(starts[0], 32);
        let mut chain = BlockChain::new();
        let mut decoder = Bz2BlockDecoder::new();
        let mut seen = Vec::new();
        let mut out = Vec::new();
        while let Some((bit, max_len)) = chain.next_block(&packed).unwrap() {
            seen.push(bit);
            let end = decoder.decode_at(&packed, bit, max_len, &mut out).unwrap();
            chain.block_done(end);
        }
        assert_eq!(out, plain);
        for bit in seen {
            assert!(starts.contains(&bit), "block at bit {bit} not found");
        }
        // Chunked scans find the same starts.
        let mut chunked = Vec::new();
        let mut from = 0;
        while from < packed.len() {
            find_block_starts(&packed, from, (from + 1000).min(packed.len()), &mut chunked);
            from += 1000;
        }
        assert_eq!(chunked, starts);
    }

    #[test]
    fn parallel_blocks_decode_one_stream_and_several() {
        let plain = text(2_000_000);
        let mut packed = compress(&plain, 1);
        assert_eq!(read_with(&packed, find_block_starts).unwrap(), plain);
        packed.extend(compress(b"and a second stream", 9));
        let mut want = plain.clone();
        want.extend_from_slice(b"and a second stream");
        assert_eq!(read_with(&packed, find_block_starts).unwrap(), want);
    }

    /// Chance matches of the magic inside blocks, and blocks the scan
    /// missed, still give the right bytes.
    #[test]
    fn false_and_missing_starts_are_harmless() {
        fn every_other_and_bogus(data: &[u8], from: usize, to: usize, out: &mut Vec<u64>) {
            let first = out.len();
            find_block_starts(data, from, to, out);
            let real: Vec<u64> = out.drain(first..).collect();
            for (i, bit) in real.into_iter().enumerate() {
                if i.is_multiple_of(2) {
                    out.push(bit);
                }
                out.push(bit + 12_345);
            }
        }
        let plain = text(2_000_000);
        let packed = compress(&plain, 1);
        assert_eq!(read_with(&packed, every_other_and_bogus).unwrap(), plain);
    }

    #[test]
    fn damage_is_an_error_with_its_offset() {
        let plain = text(1_000_000);
        let packed = compress(&plain, 1);
        let cut = &packed[..packed.len() - 500];
        let err = read_with(cut, find_block_starts).unwrap_err();
        let inner = err
            .into_inner()
            .unwrap()
            .downcast::<CorruptInput>()
            .unwrap();
        assert!(inner.message.contains("truncated"), "{}", inner.message);
        let mut flipped = packed.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x04;
        assert!(read_with(&flipped, find_block_starts).is_err());
    }
}
