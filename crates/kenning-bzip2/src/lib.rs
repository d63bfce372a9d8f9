//! A bzip2 decoder.
//!
//! This crate owns the bzip2 format on the reading side: stream headers,
//! blocks (Huffman tables, move-to-front, the inverse Burrows–Wheeler
//! transform, the final run-length stage), and the block and stream CRCs.
//! Data made of several streams laid end to end, as Wikipedia's
//! `…-multistream.xml.bz2` dumps are, decodes as one.
//!
//! It works on byte slices and appends to a `Vec<u8>`, one block at a time,
//! so a caller holds at most one block's output (≤ 900 kB before the
//! run-length stage) beyond what it asked for. It deliberately does not
//! compress, read files, or use threads: `kenning-dump` cuts multistream
//! files into pieces and decodes them in parallel with this crate.
//!
//! It exists because decoding is most of the time of a build from a
//! `.bz2` dump: table-driven Huffman decoding and a separate, branch-light
//! run-length stage make it faster than the reference decoder (see
//! BENCHMARKS.md).
//!
//! Blocks written with the "randomised" flag (bzip2 0.9.0 and older, before
//! 1998) are reported as unsupported rather than decoded.

#![forbid(unsafe_code)]

mod bits;
mod block;
mod crc;
mod huffman;
mod stream;

pub use stream::{BLOCK_MAGIC, BlockChain, BlockEnd, Bz2BlockDecoder, Bz2Decoder, decode_all};

/// Why decoding stopped. `Display` says what is wrong; [`Bz2Error::offset`]
/// says where: a byte position in the data given to the decoder (for
/// [`Bz2Decoder`], counted from the first byte it was ever given).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Bz2Error {
    /// The data does not start with a bzip2 stream header (`BZh1`…`BZh9`).
    #[error("not bzip2 data: no `BZh` stream header where a stream must start")]
    NotBzip2 {
        /// Where a stream header was expected.
        offset: u64,
    },
    /// The data ends inside a stream.
    #[error("truncated: the data ends inside a bzip2 block")]
    Truncated {
        /// Start of the block (or stream header) that is cut short.
        offset: u64,
    },
    /// A block's structure is invalid.
    #[error("corrupt bzip2 block: {what}")]
    Corrupt {
        /// Start of the damaged block.
        offset: u64,
        /// What is wrong with it.
        what: &'static str,
    },
    /// A block or stream decoded, but its checksum does not match.
    #[error("corrupt bzip2 data: the {what} CRC does not match")]
    Checksum {
        /// Start of the block, or of the stream's end marker.
        offset: u64,
        /// `block` or `stream`.
        what: &'static str,
    },
    /// A block uses the randomised mode of bzip2 0.9.0 and older.
    #[error("unsupported bzip2 data: a randomised block (bzip2 0.9.0 and older)")]
    Randomised {
        /// Start of the block.
        offset: u64,
    },
}

impl Bz2Error {
    /// The same error with its offset moved by `by` bytes (for data that
    /// was given to the decoder from a later starting point).
    pub fn shifted(self, by: u64) -> Self {
        match self {
            Bz2Error::NotBzip2 { offset } => Bz2Error::NotBzip2 {
                offset: offset + by,
            },
            Bz2Error::Truncated { offset } => Bz2Error::Truncated {
                offset: offset + by,
            },
            Bz2Error::Corrupt { offset, what } => Bz2Error::Corrupt {
                offset: offset + by,
                what,
            },
            Bz2Error::Checksum { offset, what } => Bz2Error::Checksum {
                offset: offset + by,
                what,
            },
            Bz2Error::Randomised { offset } => Bz2Error::Randomised {
                offset: offset + by,
            },
        }
    }

    /// Where the stream header or block that failed starts.
    pub fn offset(&self) -> u64 {
        match *self {
            Bz2Error::NotBzip2 { offset }
            | Bz2Error::Truncated { offset }
            | Bz2Error::Corrupt { offset, .. }
            | Bz2Error::Checksum { offset, .. }
            | Bz2Error::Randomised { offset } => offset,
        }
    }
}
