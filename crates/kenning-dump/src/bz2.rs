//! Multistream bzip2 decoded in parallel.
//!
//! Wikipedia's `…-multistream.xml.bz2` dumps are many bzip2 streams laid end
//! to end (about a hundred pages each). Every stream starts byte-aligned with
//! `BZh` + level + the block magic, so the file can be cut there and the
//! pieces decoded independently. A planner thread finds the cuts (from the
//! index file if there is one, else by scanning for the magic), worker
//! threads decode pieces, and the reader hands the bytes out in file order.
//!
//! A scan can find the magic inside compressed data by chance. Such a false
//! cut makes the piece before it end mid-stream; the reader notices the
//! failed decode and decodes that piece again together with the next ones,
//! discarding their separately decoded (garbage) output.
//!
//! Memory is bounded: at most `window` pieces are decoded ahead of the
//! reader.
//!
//! This module also holds the one-thread reader ([`SequentialBz2Reader`]:
//! any bzip2 data, through a sliding window of the file). Single streams
//! on several threads are `bz2_blocks`' job.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use kenning_bzip2::{Bz2Decoder, Bz2Error};
use memmap2::Mmap;

use crate::input::CorruptInput;
use crate::lines::{CappedLine, read_capped_line};

/// `BZh` is followed by the level digit and then this block magic (π).
const BLOCK_MAGIC: [u8; 6] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
/// Aim for pieces of about this many compressed bytes.
const PIECE_LEN: usize = 1 << 20;
/// How many following pieces a failed piece may be merged with.
const MAX_MERGE: usize = 16;

fn is_stream_start(data: &[u8], at: usize) -> bool {
    data.len() >= at + 10
        && &data[at..at + 3] == b"BZh"
        && (b'1'..=b'9').contains(&data[at + 3])
        && data[at + 4..at + 10] == BLOCK_MAGIC
}

/// Whether the file holds a second stream within its first 64 MiB.
pub(crate) fn looks_multistream(file: &File) -> io::Result<bool> {
    // SAFETY: the map is read-only and dropped before returning. Bytes of
    // the dump that change while it is mapped are wrong bytes, which
    // decoding reports (stream and block CRCs). A dump *truncated* while
    // mapped is worse: touching a page past its new end raises SIGBUS,
    // which kills the process. That is accepted because the file is the
    // user's own input, and changing or truncating a dump during a build
    // is documented as unsupported (README, `--dump`); nothing short of
    // copying the file could guard against it.
    let map = unsafe { Mmap::map(file)? };
    let head = &map[..map.len().min(64 << 20)];
    Ok(memchr::memmem::find_iter(head, b"BZh").any(|at| at > 0 && is_stream_start(head, at)))
}

/// One piece of the file: compressed bytes `start..end`, in order `seq`.
#[derive(Clone, Copy, Debug)]
struct Piece {
    seq: usize,
    start: usize,
    end: usize,
}

type Decoded = (Piece, Result<Vec<u8>, Bz2Error>);

/// A `Read` over the decompressed bytes of a multistream bzip2 file.
pub(crate) struct ParallelBz2Reader {
    map: Arc<Mmap>,
    /// Pieces as the planner made them, in order (kept until consumed).
    results: Receiver<Decoded>,
    /// Decoded pieces that arrived before their turn.
    pending: HashMap<usize, Decoded>,
    /// Returns one token per consumed piece to the planner.
    tokens: SyncSender<()>,
    /// The next piece sequence number to hand out.
    next_seq: usize,
    /// Pieces with a lower sequence number were merged into an earlier one.
    skip_below: usize,
    current: Vec<u8>,
    pos: usize,
    consumed: Arc<AtomicU64>,
    threads: Vec<JoinHandle<()>>,
    done: bool,
}

impl ParallelBz2Reader {
    pub(crate) fn new(
        file: File,
        index: Option<PathBuf>,
        threads: usize,
        consumed: Arc<AtomicU64>,
    ) -> io::Result<Self> {
        Self::with_piece_len(file, index, threads, consumed, PIECE_LEN)
    }

    fn with_piece_len(
        file: File,
        index: Option<PathBuf>,
        threads: usize,
        consumed: Arc<AtomicU64>,
        piece_len: usize,
    ) -> io::Result<Self> {
        // SAFETY: read-only map of a file we opened; a dump truncated
        // while mapped raises SIGBUS: see `looks_multistream` for why that
        // is accepted.
        let map = Arc::new(unsafe { Mmap::map(&file)? });
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        let workers = threads.max(1);
        let window = workers * 3;
        let (token_tx, token_rx) = sync_channel::<()>(window);
        for _ in 0..window {
            token_tx.send(()).expect("receiver alive");
        }
        let (piece_tx, piece_rx) = sync_channel::<Piece>(workers);
        let piece_rx = Arc::new(std::sync::Mutex::new(piece_rx));
        let (result_tx, result_rx) = sync_channel::<Decoded>(window + workers);
        let mut handles = Vec::new();
        {
            let map = map.clone();
            handles.push(std::thread::spawn(move || {
                plan(&map, index, piece_len, &token_rx, &piece_tx);
            }));
        }
        for _ in 0..workers {
            let map = map.clone();
            let piece_rx = piece_rx.clone();
            let result_tx = result_tx.clone();
            handles.push(std::thread::spawn(move || {
                loop {
                    let piece = match piece_rx.lock() {
                        Ok(rx) => match rx.recv() {
                            Ok(p) => p,
                            Err(_) => return,
                        },
                        Err(_) => return,
                    };
                    let out = decode_streams(&map[piece.start..piece.end]);
                    if result_tx.send((piece, out)).is_err() {
                        return;
                    }
                }
            }));
        }
        Ok(ParallelBz2Reader {
            map,
            results: result_rx,
            pending: HashMap::new(),
            tokens: token_tx,
            next_seq: 0,
            skip_below: 0,
            current: Vec::new(),
            pos: 0,
            consumed,
            threads: handles,
            done: false,
        })
    }

    /// Waits for the piece `seq` (or learns there are no more pieces).
    fn wait_for(&mut self, seq: usize) -> Option<Decoded> {
        loop {
            if let Some(d) = self.pending.remove(&seq) {
                return Some(d);
            }
            match self.results.recv() {
                Ok(d) if d.0.seq == seq => return Some(d),
                Ok(d) if d.0.seq < self.skip_below => {
                    let _ = self.tokens.send(());
                }
                Ok(d) => {
                    self.pending.insert(d.0.seq, d);
                }
                Err(_) => return None,
            }
        }
    }

    /// Loads the next piece's bytes into `current`; false at the end.
    fn advance(&mut self) -> io::Result<bool> {
        while !self.done {
            let seq = self.next_seq.max(self.skip_below);
            let Some((piece, result)) = self.wait_for(seq) else {
                self.done = true;
                break;
            };
            let _ = self.tokens.send(());
            self.next_seq = seq + 1;
            let bytes = match result {
                Ok(bytes) => bytes,
                Err(first_error) => self.recover(piece, first_error)?,
            };
            self.consumed.store(piece.end as u64, Ordering::Relaxed);
            if !bytes.is_empty() {
                self.current = bytes;
                self.pos = 0;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A piece failed to decode: either a false cut ended it mid-stream, or
    /// the file is damaged. Decode it again joined with the following
    /// pieces; if no join decodes, the file is corrupt at the piece's start.
    fn recover(&mut self, piece: Piece, first_error: Bz2Error) -> io::Result<Vec<u8>> {
        for _ in 0..MAX_MERGE {
            let Some((next, _)) = self.wait_for(self.next_seq) else {
                break;
            };
            let _ = self.tokens.send(());
            self.next_seq = next.seq + 1;
            self.skip_below = self.next_seq;
            let end = next.end;
            if let Ok(bytes) = decode_streams(&self.map[piece.start..end]) {
                self.consumed.store(end as u64, Ordering::Relaxed);
                return Ok(bytes);
            }
        }
        Err(corrupt(first_error.shifted(piece.start as u64)))
    }
}

impl Read for ParallelBz2Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.current.len() && !self.advance()? {
            return Ok(0);
        }
        Ok(hand_out(&self.current, &mut self.pos, buf))
    }
}

impl Drop for ParallelBz2Reader {
    fn drop(&mut self) {
        stop_pool(&mut self.results, &mut self.tokens, &mut self.threads);
    }
}

/// Copies the next bytes of `current` from `pos` into `buf`.
pub(crate) fn hand_out(current: &[u8], pos: &mut usize, buf: &mut [u8]) -> usize {
    let n = buf.len().min(current.len() - *pos);
    buf[..n].copy_from_slice(&current[*pos..*pos + n]);
    *pos += n;
    n
}

/// A decoding error as the `io::Error` that `read_error` turns into
/// `DumpError::Compression` (file, offset, message).
pub(crate) fn corrupt(e: Bz2Error) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        CorruptInput {
            format: "bzip2",
            offset: e.offset(),
            message: e.to_string(),
        },
    )
}

/// Stops a decoding pool: dropping the results receiver and the token
/// sender stops the planner and the workers at their next send; they are
/// joined so no thread outlives the reader.
pub(crate) fn stop_pool<T>(
    results: &mut Receiver<T>,
    tokens: &mut SyncSender<()>,
    threads: &mut Vec<JoinHandle<()>>,
) {
    let (_tx, rx) = sync_channel(1);
    drop(std::mem::replace(results, rx));
    let (tx, _rx) = sync_channel(1);
    drop(std::mem::replace(tokens, tx));
    for handle in threads.drain(..) {
        let _ = handle.join();
    }
}

/// Cuts the file into pieces of about `piece_len` bytes at stream starts
/// and sends them to the workers, one per token received.
fn plan(
    map: &[u8],
    index: Option<PathBuf>,
    piece_len: usize,
    tokens: &Receiver<()>,
    pieces: &SyncSender<Piece>,
) {
    let starts: Box<dyn Iterator<Item = usize>> = match index.and_then(|p| read_index(&p).ok()) {
        Some(offsets) => Box::new(offsets.into_iter().filter(|&o| o > 0 && o < map.len())),
        None => Box::new(
            memchr::memmem::find_iter(map, b"BZh").filter(|&at| at > 0 && is_stream_start(map, at)),
        ),
    };
    let mut seq = 0;
    let mut start = 0;
    let send = |start: usize, end: usize, seq: &mut usize| -> bool {
        if tokens.recv().is_err() {
            return false;
        }
        let ok = pieces
            .send(Piece {
                seq: *seq,
                start,
                end,
            })
            .is_ok();
        *seq += 1;
        ok
    };
    for cut in starts {
        if cut <= start || cut - start < piece_len {
            continue;
        }
        if !send(start, cut, &mut seq) {
            return;
        }
        start = cut;
    }
    if start < map.len() {
        send(start, map.len(), &mut seq);
    }
}

/// Longest line of a multistream index, in bytes: `offset:page_id:title`,
/// where a title is at most 255 bytes and each number at most 20 digits.
const MAX_INDEX_LINE_BYTES: usize = 4 << 10;

/// The stream offsets listed in a Wikipedia multistream index
/// (`offset:page_id:title` lines; plain or bzip2). A line over
/// [`MAX_INDEX_LINE_BYTES`] is an error (`file:line: line over N bytes`),
/// found without reading more of it; the index is only a guide, so the
/// caller then finds the stream starts by scanning the dump instead.
fn read_index(path: &std::path::Path) -> io::Result<Vec<usize>> {
    let file = File::open(path)?;
    let mut reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "bz2") {
        Box::new(BufReader::new(SequentialBz2Reader::new(
            file,
            Arc::default(),
        )))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut offsets = Vec::new();
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        match read_capped_line(&mut reader, &mut line, MAX_INDEX_LINE_BYTES)? {
            CappedLine::End => break,
            CappedLine::TooLong => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}:{}: line over {MAX_INDEX_LINE_BYTES} bytes",
                        path.display(),
                        number + 1
                    ),
                ));
            }
            CappedLine::Line => number += 1,
        }
        let Some(colon) = memchr::memchr(b':', &line) else {
            continue;
        };
        let Some(offset) = std::str::from_utf8(&line[..colon])
            .ok()
            .and_then(|o| o.parse::<usize>().ok())
        else {
            continue;
        };
        if offsets.last() != Some(&offset) {
            offsets.push(offset);
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    Ok(offsets)
}

/// Decodes one or more whole bzip2 streams laid end to end. Fails if the
/// data ends inside a stream or is damaged.
fn decode_streams(input: &[u8]) -> Result<Vec<u8>, Bz2Error> {
    kenning_bzip2::decode_all(input)
}

/// A `Read` over the decompressed bytes of bzip2 data read in order from
/// `inner`: one stream or several, on the calling thread.
pub(crate) struct SequentialBz2Reader<R> {
    inner: R,
    /// Compressed bytes read and not yet decoded: `window[start..]`.
    window: Vec<u8>,
    start: usize,
    eof: bool,
    decoder: Bz2Decoder,
    /// The current block's bytes, handed out from `pos`.
    block: Vec<u8>,
    pos: usize,
    done: bool,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> SequentialBz2Reader<R> {
    pub(crate) fn new(inner: R, consumed: Arc<AtomicU64>) -> Self {
        SequentialBz2Reader {
            inner,
            window: Vec::with_capacity(2 * Bz2Decoder::WINDOW),
            start: 0,
            eof: false,
            decoder: Bz2Decoder::new(),
            block: Vec::new(),
            pos: 0,
            done: false,
            consumed,
        }
    }

    /// Makes the window hold a whole block: `Bz2Decoder::WINDOW` bytes
    /// past `start`, or everything up to the end of the input.
    fn fill(&mut self) -> io::Result<()> {
        if self.eof || self.window.len() - self.start >= Bz2Decoder::WINDOW {
            return Ok(());
        }
        self.window.drain(..self.start);
        self.start = 0;
        let want = (2 * Bz2Decoder::WINDOW - self.window.len()) as u64;
        let got = (&mut self.inner).take(want).read_to_end(&mut self.window)?;
        self.eof = (got as u64) < want;
        Ok(())
    }
}

impl<R: Read> Read for SequentialBz2Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.block.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
            self.block.clear();
            self.pos = 0;
            match self
                .decoder
                .decode_block(&self.window[self.start..], &mut self.block)
            {
                Ok(more) => self.done = !more,
                Err(e) => return Err(corrupt(e)),
            }
            self.start += self.decoder.take_consumed();
            self.consumed
                .store(self.decoder.position(), Ordering::Relaxed);
        }
        Ok(hand_out(&self.block, &mut self.pos, buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compress(data: &[u8]) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(1));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    /// A multistream file of `n` streams, with text that compresses badly
    /// so pieces get large enough to be cut.
    fn multistream(n: usize) -> (Vec<u8>, Vec<u8>) {
        let mut plain = Vec::new();
        let mut packed = Vec::new();
        let mut x: u64 = 1;
        for i in 0..n {
            let mut chunk = format!("<stream {i}>").into_bytes();
            for _ in 0..20_000 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                chunk.push(b'a' + (x >> 60) as u8);
            }
            plain.extend_from_slice(&chunk);
            packed.extend_from_slice(&compress(&chunk));
        }
        (plain, packed)
    }

    fn read_all(packed: &[u8], index: Option<PathBuf>) -> io::Result<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bz2");
        std::fs::write(&path, packed).unwrap();
        let file = File::open(&path).unwrap();
        let mut reader = ParallelBz2Reader::with_piece_len(file, index, 2, Arc::default(), 1000)?;
        let mut out = Vec::new();
        reader.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn parallel_decode_equals_input() {
        let (plain, packed) = multistream(24);
        assert_eq!(read_all(&packed, None).unwrap(), plain);
    }

    #[test]
    fn false_cut_is_recovered() {
        let (plain, packed) = multistream(24);
        let mut offsets = stream_offsets(&packed);
        // A cut in the middle of a stream, as a chance match of the magic
        // inside compressed data would make.
        let bogus = offsets[11] + 777;
        offsets.push(bogus);
        offsets.sort_unstable();
        assert!(decode_streams(&packed[offsets[11]..bogus]).is_err());
        assert_eq!(
            read_all(&packed, Some(write_index(&offsets))).unwrap(),
            plain
        );
    }

    #[test]
    fn truncated_file_is_an_error_with_offset() {
        let (_, packed) = multistream(24);
        let cut = &packed[..packed.len() - 1000];
        let err = read_all(cut, None).unwrap_err();
        let inner = err
            .into_inner()
            .unwrap()
            .downcast::<CorruptInput>()
            .unwrap();
        assert!(inner.offset > 0);
    }

    #[test]
    fn corrupt_byte_is_an_error() {
        let (_, mut packed) = multistream(24);
        let at = packed.len() / 3;
        packed[at] ^= 0x55;
        assert!(read_all(&packed, None).is_err());
    }

    fn stream_offsets(packed: &[u8]) -> Vec<usize> {
        memchr::memmem::find_iter(packed, b"BZh")
            .filter(|&o| o > 0 && is_stream_start(packed, o))
            .collect()
    }

    fn write_index(offsets: &[usize]) -> PathBuf {
        let dir = tempfile::tempdir().unwrap().keep();
        let index = dir.join("x-index.txt");
        let mut f = File::create(&index).unwrap();
        for (i, o) in offsets.iter().enumerate() {
            writeln!(f, "{o}:{i}:Title {i}").unwrap();
        }
        index
    }

    #[test]
    fn an_index_line_over_the_cap_is_an_error_naming_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("x-index.txt");
        let long = "t".repeat(MAX_INDEX_LINE_BYTES);
        std::fs::write(&index, format!("10:1:A\n20:2:{long}\n30:3:C\n")).unwrap();
        let e = read_index(&index)
            .map(|o| o.len())
            .map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err(format!(
                "{}:2: line over {MAX_INDEX_LINE_BYTES} bytes",
                index.display()
            ))
        );
        // A line of exactly the cap is read.
        let title = "t".repeat(MAX_INDEX_LINE_BYTES - "20:2:".len());
        std::fs::write(&index, format!("10:1:A\n20:2:{title}\r\n30:3:C")).unwrap();
        assert_eq!(read_index(&index).unwrap(), vec![10, 20, 30]);
    }

    #[test]
    fn index_offsets_are_used() {
        let (plain, packed) = multistream(24);
        let index = write_index(&stream_offsets(&packed));
        assert_eq!(read_all(&packed, Some(index)).unwrap(), plain);
    }
}
