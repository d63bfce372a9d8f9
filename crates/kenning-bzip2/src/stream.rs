//! Streams and the blocks inside them.

use crate::Bz2Error;
use crate::bits::BitReader;
use crate::block::{BlockDecoder, BlockHeader};
use crate::crc::block_crc;

const BLOCK_MAGIC: u64 = 0x3141_5926_5359;
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
    /// Bit position in the caller's window.
    bit: u64,
    /// Bytes the caller has dropped, for absolute offsets in errors.
    dropped: u64,
    /// Inside a stream: its block size and running combined CRC.
    stream: Option<(usize, u32)>,
    block: BlockDecoder,
}

impl std::fmt::Debug for Bz2Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bz2Decoder")
            .field("position", &self.position())
            .field("in_stream", &self.stream.is_some())
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
            bit: 0,
            dropped: 0,
            stream: None,
            block: BlockDecoder::new(),
        }
    }

    /// Whole bytes of the window already decoded. They are forgotten: the
    /// caller must drop them from the front of its window before the next
    /// call.
    pub fn take_consumed(&mut self) -> usize {
        let bytes = self.bit / 8;
        self.bit -= bytes * 8;
        self.dropped += bytes;
        bytes as usize
    }

    /// Input bytes decoded so far, counted from the first byte ever given.
    pub fn position(&self) -> u64 {
        self.dropped + self.bit / 8
    }

    /// Decodes the next block of `window` and appends its bytes to `out`.
    /// Returns `Ok(false)` when the window ends, cleanly, after the last
    /// stream; streams laid end to end decode as one.
    pub fn decode_block(&mut self, window: &[u8], out: &mut Vec<u8>) -> Result<bool, Bz2Error> {
        let mut bits = BitReader::at(window, self.bit);
        loop {
            let start = self.dropped + bits.position() / 8;
            let (max_len, combined) = match self.stream {
                Some(s) => s,
                None => {
                    if bits.at_end() {
                        self.bit = bits.position();
                        return Ok(false);
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
                    s
                }
            };
            let magic = u64::from(bits.bits(24)) << 24 | u64::from(bits.bits(24));
            let crc = bits.bits(32);
            if bits.overran() {
                return Err(Bz2Error::Truncated { offset: start });
            }
            if magic == END_MAGIC {
                if crc != combined {
                    return Err(Bz2Error::Checksum {
                        offset: start,
                        what: "stream",
                    });
                }
                bits.align();
                self.stream = None;
                self.bit = bits.position();
                continue;
            }
            if magic != BLOCK_MAGIC {
                return Err(Bz2Error::Corrupt {
                    offset: start,
                    what: "no block or end-of-stream marker where one must be",
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
            self.stream = Some((max_len, combined.rotate_left(1) ^ header.crc));
            self.bit = bits.position();
            return Ok(true);
        }
    }
}

/// Decodes all of `data`: one or more whole bzip2 streams.
pub fn decode_all(data: &[u8]) -> Result<Vec<u8>, Bz2Error> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4));
    let mut decoder = Bz2Decoder::new();
    while decoder.decode_block(data, &mut out)? {}
    Ok(out)
}
