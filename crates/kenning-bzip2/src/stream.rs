//! Streams and the blocks inside them.

use crate::Bz2Error;
use crate::bits::BitReader;
use crate::block::{BlockDecoder, BlockHeader};
use crate::crc::block_crc;

/// The 48 bits that start every block (the digits of π).
pub const BLOCK_MAGIC: u64 = 0x3141_5926_5359;
/// The 48 bits that end every stream (the digits of √π).
const END_MAGIC: u64 = 0x1772_4538_5090;

/// Decodes bzip2 data block by block.
///
/// The decoder is fed the same growing-or-sliding window of input on every
/// call: it remembers its bit position in that window, and
/// [`Bz2Decoder::take_consumed`] lets the caller drop the bytes before it.
/// A window must hold at least [`Bz2Decoder::WINDOW`] bytes past the
/// position unless it reaches the end of the data, so that a whole block
/// is always present.
pub struct Bz2Decoder {
    /// Stream structure, at bit positions of the caller's window.
    chain: BlockChain,
    /// Bytes the caller has dropped, for absolute offsets in errors.
    dropped: u64,
    block: Bz2BlockDecoder,
}

impl std::fmt::Debug for Bz2Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bz2Decoder")
            .field("position", &self.position())
            .field("in_stream", &self.chain.stream.is_some())
            .finish()
    }
}

impl Default for Bz2Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Bz2Decoder {
    /// Input a call needs past the position unless the data ends sooner: a
    /// block of 900 kB encodes to at most 20 bits per symbol plus tables,
    /// under 2.3 MB.
    pub const WINDOW: usize = 4 << 20;

    /// A decoder at the start of the data.
    pub fn new() -> Self {
        Bz2Decoder {
            chain: BlockChain::new(),
            dropped: 0,
            block: Bz2BlockDecoder::new(),
        }
    }

    /// Whole bytes of the window already decoded. They are forgotten: the
    /// caller must drop them from the front of its window before the next
    /// call.
    pub fn take_consumed(&mut self) -> usize {
        let bytes = self.chain.next_bit / 8;
        self.chain.next_bit -= bytes * 8;
        self.dropped += bytes;
        bytes as usize
    }

    /// Input bytes decoded so far, counted from the first byte ever given.
    pub fn position(&self) -> u64 {
        self.dropped + self.chain.next_bit / 8
    }

    /// Decodes the next block of `window` and appends its bytes to `out`.
    /// Returns `Ok(false)` when the window ends, cleanly, after the last
    /// stream; streams laid end to end decode as one.
    pub fn decode_block(&mut self, window: &[u8], out: &mut Vec<u8>) -> Result<bool, Bz2Error> {
        let shift = |e: Bz2Error| e.shifted(self.dropped);
        let Some((bit, max_len)) = self.chain.next_block(window).map_err(shift)? else {
            return Ok(false);
        };
        let end = self
            .block
            .decode_at(window, bit, max_len, out)
            .map_err(shift)?;
        self.chain.block_done(end);
        Ok(true)
    }
}

/// Where a block ends, and its CRC: what [`Bz2BlockDecoder::decode_at`]
/// returns and [`BlockChain::block_done`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockEnd {
    /// The bit just past the block.
    pub bit: u64,
    /// The block's CRC (already checked against its bytes).
    pub crc: u32,
}

/// Decodes single blocks at given bit positions: for decoding the blocks
/// of one stream on several threads. Any block found by the 48-bit magic
/// `0x314159265359` can be decoded on its own; [`BlockChain`] then says
/// which of them are real and checks the stream CRCs.
pub struct Bz2BlockDecoder {
    block: BlockDecoder,
}

impl std::fmt::Debug for Bz2BlockDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bz2BlockDecoder").finish_non_exhaustive()
    }
}

impl Default for Bz2BlockDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Bz2BlockDecoder {
    /// A decoder with empty scratch memory (it grows to about 8 MB).
    pub fn new() -> Self {
        Bz2BlockDecoder {
            block: BlockDecoder::new(),
        }
    }

    /// Decodes the block whose magic starts at bit `bit` of `data`, at
    /// most `max_len` bytes before the final run-length stage (the
    /// stream's level × 100 000), and appends its bytes to `out` once its
    /// CRC matched. On error `out` is as it was.
    pub fn decode_at(
        &mut self,
        data: &[u8],
        bit: u64,
        max_len: usize,
        out: &mut Vec<u8>,
    ) -> Result<BlockEnd, Bz2Error> {
        let start = bit / 8;
        let mut bits = BitReader::at(data, bit);
        let magic = u64::from(bits.bits(24)) << 24 | u64::from(bits.bits(24));
        let crc = bits.bits(32);
        if bits.overran() {
            return Err(Bz2Error::Truncated { offset: start });
        }
        if magic != BLOCK_MAGIC {
            return Err(Bz2Error::Corrupt {
                offset: start,
                what: "no block marker where a block must start",
            });
        }
        let header = BlockHeader {
            crc,
            randomised: bits.bit(),
            orig_ptr: bits.bits(24),
        };
        if header.randomised {
            return Err(Bz2Error::Randomised { offset: start });
        }
        let before = out.len();
        let decoded = self.block.decode(&mut bits, &header, max_len, out);
        if bits.overran() {
            out.truncate(before);
            return Err(Bz2Error::Truncated { offset: start });
        }
        if let Err(what) = decoded {
            out.truncate(before);
            return Err(Bz2Error::Corrupt {
                offset: start,
                what,
            });
        }
        if block_crc(&out[before..]) != header.crc {
            out.truncate(before);
            return Err(Bz2Error::Checksum {
                offset: start,
                what: "block",
            });
        }
        Ok(BlockEnd {
            bit: bits.position(),
            crc: header.crc,
        })
    }
}

/// The structure of bzip2 data around its blocks: stream headers, the
/// end-of-stream markers and the stream CRCs that combine the block CRCs.
/// It walks the data from the start, one real block at a time; the blocks
/// themselves may have been decoded elsewhere, earlier.
#[derive(Clone, Debug, Default)]
pub struct BlockChain {
    /// Where the next header, block or end marker starts.
    next_bit: u64,
    /// Inside a stream: its block size and running combined CRC.
    stream: Option<(usize, u32)>,
}

impl BlockChain {
    /// At the start of the data.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads past stream headers and end-of-stream markers (checking each
    /// stream's CRC) up to the next block: its bit position and its
    /// stream's block size, or `None` at the clean end of `data`.
    pub fn next_block(&mut self, data: &[u8]) -> Result<Option<(u64, usize)>, Bz2Error> {
        let mut bits = BitReader::at(data, self.next_bit);
        loop {
            let start = bits.position() / 8;
            let (max_len, combined) = match self.stream {
                Some(s) => s,
                None => {
                    if bits.at_end() {
                        self.next_bit = bits.position();
                        return Ok(None);
                    }
                    let header = bits.bits(32);
                    let level = header.wrapping_sub(u32::from_be_bytes(*b"BZh0"));
                    if !(1..=9).contains(&level) {
                        return Err(if bits.overran() {
                            Bz2Error::Truncated { offset: start }
                        } else {
                            Bz2Error::NotBzip2 { offset: start }
                        });
                    }
                    let s = (level as usize * 100_000, 0);
                    self.stream = Some(s);
                    self.next_bit = bits.position();
                    s
                }
            };
            let magic = u64::from(bits.bits(24)) << 24 | u64::from(bits.bits(24));
            if magic == BLOCK_MAGIC {
                return Ok(Some((self.next_bit, max_len)));
            }
            let crc = bits.bits(32);
            if bits.overran() {
                return Err(Bz2Error::Truncated { offset: start });
            }
            if magic != END_MAGIC {
                return Err(Bz2Error::Corrupt {
                    offset: start,
                    what: "no block or end-of-stream marker where one must be",
                });
            }
            if crc != combined {
                return Err(Bz2Error::Checksum {
                    offset: start,
                    what: "stream",
                });
            }
            bits.align();
            self.stream = None;
            self.next_bit = bits.position();
        }
    }

    /// Records the block that [`next_block`](Self::next_block) pointed at
    /// as decoded, ending at `end.bit` with CRC `end.crc`.
    pub fn block_done(&mut self, end: BlockEnd) {
        if let Some((max_len, combined)) = self.stream {
            self.stream = Some((max_len, combined.rotate_left(1) ^ end.crc));
        }
        self.next_bit = end.bit;
    }
}

/// Decodes all of `data`: one or more whole bzip2 streams.
pub fn decode_all(data: &[u8]) -> Result<Vec<u8>, Bz2Error> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4));
    let mut decoder = Bz2Decoder::new();
    while decoder.decode_block(data, &mut out)? {}
    Ok(out)
}
