//! One bzip2 block: from its bits to its bytes.
//!
//! The stages, in the order the decoder undoes them:
//! 1. Huffman-coded symbols, with the table switching every 50 symbols;
//! 2. runs of the front symbol written as RUNA/RUNB digits (bijective
//!    base 2) and move-to-front indices, giving the BWT's last column;
//! 3. the inverse Burrows–Wheeler transform, a walk through a permutation;
//! 4. the first run-length stage: four equal bytes and then a count.

use crate::bits::BitReader;
use crate::huffman::{HuffmanTable, MAX_LEN};

const RUN_A: u16 = 0;
const RUN_B: u16 = 1;
/// Symbols per Huffman group before the next selector applies.
const GROUP_SIZE: u32 = 50;
/// Selectors kept; extras (the field allows 32767) are read and ignored,
/// as the reference decoder does since 1.0.8.
const MAX_SELECTORS: usize = 18_002;

/// Scratch memory for decoding blocks, reused from block to block.
pub(crate) struct BlockDecoder {
    tables: Vec<HuffmanTable>,
    selectors: Vec<u8>,
    /// The BWT's last column, then (reused) the inverse transform's output.
    column: Vec<u8>,
    /// How often each byte occurs in the column.
    counts: [u32; 256],
    /// Inverse-transform links: `next << 8 | byte`.
    links: Vec<u32>,
    /// Where the inverse transform's segments start and end, and their bytes.
    starts: Vec<usize>,
    ends: Vec<usize>,
    pieces: Vec<Vec<u8>>,
}

/// What a block header says before its data.
pub(crate) struct BlockHeader {
    pub(crate) crc: u32,
    pub(crate) randomised: bool,
    pub(crate) orig_ptr: u32,
}

impl BlockDecoder {
    pub(crate) fn new() -> Self {
        BlockDecoder {
            tables: (0..6).map(|_| HuffmanTable::new()).collect(),
            selectors: Vec::new(),
            column: Vec::new(),
            counts: [0; 256],
            links: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            pieces: Vec::new(),
        }
    }

    /// Decodes the block whose header (after the magic) is `header`,
    /// appending its bytes to `out`. `max_len` is the stream's block size.
    pub(crate) fn decode(
        &mut self,
        bits: &mut BitReader<'_>,
        header: &BlockHeader,
        max_len: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), &'static str> {
        let n = self.read_column(bits, max_len)?;
        let orig = header.orig_ptr as usize;
        if orig >= n {
            return Err("the BWT origin is past the block's end");
        }
        self.inverse_bwt(n, orig)?;
        expand_runs(&self.column[..n], out);
        Ok(())
    }

    /// Reads tables and symbols into `column`; returns the block length.
    fn read_column(
        &mut self,
        bits: &mut BitReader<'_>,
        max_len: usize,
    ) -> Result<usize, &'static str> {
        // The bytes in use: 16 groups of 16.
        let mut used = [0u8; 256];
        let mut n_used = 0usize;
        let groups = bits.bits(16);
        for g in 0..16 {
            if groups & (0x8000 >> g) != 0 {
                let members = bits.bits(16);
                for m in 0..16 {
                    if members & (0x8000 >> m) != 0 {
                        used[n_used] = (g * 16 + m) as u8;
                        n_used += 1;
                    }
                }
            }
        }
        if n_used == 0 {
            return Err("the block uses no byte values");
        }
        let alphabet = n_used + 2;

        let n_groups = bits.bits(3) as usize;
        if !(2..=6).contains(&n_groups) {
            return Err("the number of Huffman tables is not 2 to 6");
        }
        let n_selectors = bits.bits(15) as usize;
        if n_selectors == 0 {
            return Err("the block has no selectors");
        }
        // Selectors, move-to-front coded in unary.
        let mut order = [0u8, 1, 2, 3, 4, 5];
        self.selectors.clear();
        for _ in 0..n_selectors {
            let mut j = 0usize;
            while bits.bit() {
                j += 1;
                if j >= n_groups {
                    return Err("a selector names a table that does not exist");
                }
            }
            let t = order[j];
            order.copy_within(0..j, 1);
            order[0] = t;
            if self.selectors.len() < MAX_SELECTORS {
                self.selectors.push(t);
            }
        }
        if bits.overran() {
            return Err("truncated");
        }

        // Code lengths, delta coded.
        let mut lengths = [0u8; 258];
        for table in &mut self.tables[..n_groups] {
            let mut len = bits.bits(5) as i32;
            for l in &mut lengths[..alphabet] {
                loop {
                    if !(1..=MAX_LEN as i32).contains(&len) {
                        return Err("a Huffman code length is outside 1 to 20");
                    }
                    if !bits.bit() {
                        break;
                    }
                    if bits.bit() {
                        len -= 1;
                    } else {
                        len += 1;
                    }
                }
                *l = len as u8;
            }
            table.build(&lengths[..alphabet])?;
        }
        if bits.overran() {
            return Err("truncated");
        }

        // Symbols → the BWT's last column. The reader is copied into a
        // local so its state can live in registers through the loop.
        let mut local = bits.clone();
        let result = self.read_symbols(&mut local, &used[..n_used], alphabet, max_len);
        *bits = local;
        result
    }

    /// Reads Huffman-coded symbols until the end-of-block symbol, undoing
    /// the runs and the move-to-front; returns the block length.
    fn read_symbols(
        &mut self,
        bits: &mut BitReader<'_>,
        used: &[u8],
        alphabet: usize,
        max_len: usize,
    ) -> Result<usize, &'static str> {
        let end_of_block = (alphabet - 1) as u16;
        if self.column.len() < max_len {
            self.column.resize(max_len, 0);
        }
        let column = &mut self.column[..max_len];
        let counts = &mut self.counts;
        *counts = [0; 256];
        let mut mtf = [0u8; 256];
        mtf[..used.len()].copy_from_slice(used);
        let mut n = 0usize;
        let mut run = 0usize;
        let mut run_weight = 1usize;
        let mut selector = 0usize;
        let mut left_in_group = 0u32;
        let mut table = &self.tables[0];
        loop {
            if left_in_group == 0 {
                let Some(&t) = self.selectors.get(selector) else {
                    return Err("the block has more symbols than its selectors cover");
                };
                selector += 1;
                table = &self.tables[usize::from(t)];
                left_in_group = GROUP_SIZE;
            }
            left_in_group -= 1;
            let sym = table.decode(bits)?;
            if sym == RUN_A || sym == RUN_B {
                // Bijective base-2 digits, least significant first.
                run += run_weight << sym;
                run_weight <<= 1;
                if run > max_len {
                    return Err("a run is longer than the block");
                }
                continue;
            }
            if run > 0 {
                let end = n + run;
                if end > max_len {
                    return Err("the block is longer than its stream's block size");
                }
                column[n..end].fill(mtf[0]);
                counts[usize::from(mtf[0])] += run as u32;
                n = end;
                run = 0;
                run_weight = 1;
            }
            if sym == end_of_block {
                break;
            }
            let index = usize::from(sym - 1);
            let byte = mtf[index];
            move_to_front(&mut mtf, index);
            let Some(slot) = column.get_mut(n) else {
                return Err("the block is longer than its stream's block size");
            };
            *slot = byte;
            counts[usize::from(byte)] += 1;
            n += 1;
        }
        if bits.overran() {
            return Err("truncated");
        }
        Ok(n)
    }

    /// Inverts the transform of `column[..n]` in place.
    ///
    /// The text is the walk of `n` steps, from row `orig`, through a
    /// permutation of the block's positions: one dependent load per byte,
    /// each a likely cache miss once a block outgrows the L2 cache. A
    /// single walk waits on memory most of the time, so the walk is cut at
    /// [`SEGMENTS`] marked positions and [`LANES`] segments are walked at
    /// once; their loads overlap. The segments are then joined in walk
    /// order.
    ///
    /// The permutation is one cycle unless the text is a word repeated
    /// `k` times: its rotations are then equal in groups of `k`, and the
    /// permutation is `k` cycles of the word's length. The walk goes round
    /// the origin's cycle `k` times, as the reference decoder's does. So
    /// the segments are joined only round the origin's cycle (those on
    /// other cycles, at most `n` bytes in all, are dropped), and that
    /// cycle's bytes are repeated up to `n`. Any column gives a
    /// permutation, so any column decodes to `n` bytes, right or wrong;
    /// the block CRC tells which.
    fn inverse_bwt(&mut self, n: usize, orig: usize) -> Result<(), &'static str> {
        let column = &mut self.column[..n];
        // Where each byte's rows start in the sorted first column.
        let mut start = [0u32; 256];
        let mut sum = 0u32;
        for (s, &c) in start.iter_mut().zip(&self.counts) {
            *s = sum;
            sum += c;
        }
        // Row `j` (sorted rotations) starts with byte `b`, the last byte of
        // row `i`, and the text goes on from row `j` to row `i`. Each link
        // holds the next row and the byte its own row starts with, so the
        // walk from the text's row `orig` reads the text in order, and the
        // links are written with plain stores and no random reads.
        if self.links.len() < n {
            self.links.resize(n, 0);
        }
        let links = &mut self.links[..n];
        for (i, &b) in column.iter().enumerate() {
            let slot = &mut start[usize::from(b)];
            let j = *slot as usize;
            *slot += 1;
            links[j] = (i as u32) << 8 | u32::from(b);
        }
        if n < SEGMENTS * 1024 {
            let mut at = orig;
            for out in column.iter_mut() {
                let link = links[at];
                *out = link as u8;
                at = next_of(link);
            }
            return Ok(());
        }

        // Segment 0 starts where the text does; the others at evenly
        // spaced positions, each marked in its link.
        let starts = &mut self.starts;
        starts.clear();
        starts.push(orig);
        starts.extend(
            (1..SEGMENTS)
                .map(|i| i * n / SEGMENTS)
                .filter(|&s| s != orig),
        );
        for &s in starts.iter() {
            links[s] |= MARK;
        }
        let segs = starts.len();
        self.pieces.resize_with(segs, Vec::new);
        for piece in &mut self.pieces[..segs] {
            piece.clear();
            piece.reserve(2 * n / segs);
        }
        self.ends.clear();
        self.ends.resize(segs, usize::MAX);

        let mut walked = 0usize;
        let mut next_seg = 0usize;
        let mut lanes = [(0usize, usize::MAX); LANES];
        let links = &*links;
        let pieces = &mut self.pieces[..segs];
        // Starts a lane on the next segment: emits the marked position's
        // own byte, so that meeting a mark afterwards means "stop".
        let begin = |lane: &mut (usize, usize),
                     next_seg: &mut usize,
                     walked: &mut usize,
                     pieces: &mut [Vec<u8>]| {
            if *next_seg == segs {
                *lane = (0, usize::MAX);
                return;
            }
            let seg = *next_seg;
            *next_seg += 1;
            let link = links[starts[seg]];
            pieces[seg].push(link as u8);
            *walked += 1;
            *lane = (next_of(link), seg);
        };
        for lane in &mut lanes {
            begin(lane, &mut next_seg, &mut walked, pieces);
        }
        let mut active = lanes.iter().filter(|l| l.1 != usize::MAX).count();
        while active > 0 {
            for lane in &mut lanes {
                let (at, seg) = *lane;
                if seg == usize::MAX {
                    continue;
                }
                let link = links[at];
                if link & MARK != 0 {
                    self.ends[seg] = at;
                    begin(lane, &mut next_seg, &mut walked, pieces);
                    if lane.1 == usize::MAX {
                        active -= 1;
                    }
                    continue;
                }
                pieces[seg].push(link as u8);
                walked += 1;
                lane.0 = next_of(link);
            }
            if walked > n {
                return Err(WALK_INCONSISTENT);
            }
        }

        // Join: each segment ends where the next one starts, and the
        // segments from the origin's back to it are the origin's cycle.
        // Every piece holds at least its first byte, so the loop ends.
        let mut seg = 0;
        let mut len = 0;
        loop {
            let piece = &pieces[seg];
            let Some(to) = column.get_mut(len..len + piece.len()) else {
                return Err(WALK_INCONSISTENT);
            };
            to.copy_from_slice(piece);
            len += piece.len();
            match starts.iter().position(|&s| s == self.ends[seg]) {
                Some(0) => break,
                Some(next) => seg = next,
                None => return Err(WALK_INCONSISTENT),
            }
        }
        // A cycle shorter than the block: the text is a word repeated (or,
        // in crafted data, the start of one), and the walk of `n` steps
        // goes round the cycle again and again.
        repeat_prefix(column, len);
        Ok(())
    }
}

/// Fills all of `data` with copies of `data[..period]`.
fn repeat_prefix(data: &mut [u8], period: usize) {
    // Doubling keeps `filled` a multiple of `period` until the last copy.
    let mut filled = period;
    while filled < data.len() {
        let copy = filled.min(data.len() - filled);
        data.copy_within(..copy, filled);
        filled += copy;
    }
}

/// Moves `list[index]` to the front. Most indices are small: those move
/// within one 64- or 128-bit word instead of through `memmove`.
#[inline(always)]
fn move_to_front(list: &mut [u8; 256], index: usize) {
    if index < 8 {
        let head: &mut [u8; 8] = (&mut list[..8]).try_into().expect("eight bytes");
        let word = u64::from_le_bytes(*head);
        // Bytes 0..=index rotate by one; the rest stay.
        let moved = u64::MAX >> (56 - 8 * index);
        let rotated = (word << 8 | (word >> (8 * index)) & 0xFF) & moved;
        *head = (rotated | word & !moved).to_le_bytes();
    } else if index < 16 {
        // The same within sixteen bytes.
        let head: &mut [u8; 16] = (&mut list[..16]).try_into().expect("sixteen bytes");
        let word = u128::from_le_bytes(*head);
        let moved = u128::MAX >> (120 - 8 * index);
        let rotated = (word << 8 | (word >> (8 * index)) & 0xFF) & moved;
        *head = (rotated | word & !moved).to_le_bytes();
    } else {
        let byte = list[index];
        list.copy_within(0..index, 1);
        list[0] = byte;
    }
}

/// Walk segments the inverse transform is cut into, and how many are
/// walked at once.
const SEGMENTS: usize = 64;
const LANES: usize = 8;
/// Set in the link of a position where a segment starts. Links use 28
/// bits: a position (< 2^20) and a byte.
const MARK: u32 = 1 << 31;
/// The segments cover each position at most once and join into a cycle
/// for any column; this error stands in for a panic should they not.
const WALK_INCONSISTENT: &str = "the inverse transform's segments do not join up";

#[inline]
fn next_of(link: u32) -> usize {
    ((link >> 8) & 0xF_FFFF) as usize
}

/// Undoes the first run-length stage: after four equal bytes comes a count
/// of further copies (0–255).
fn expand_runs(data: &[u8], out: &mut Vec<u8>) {
    out.reserve(data.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 3 < data.len() {
        let b = data[i];
        if data[i + 1] != b {
            i += 1;
            continue;
        }
        if data[i + 2] != b || data[i + 3] != b {
            i += 1;
            continue;
        }
        out.extend_from_slice(&data[copied..i + 4]);
        match data.get(i + 4) {
            Some(&extra) => {
                out.resize(out.len() + usize::from(extra), b);
                i += 5;
            }
            None => i += 4,
        }
        copied = i;
    }
    out.extend_from_slice(&data[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The run-length stage as a byte-at-a-time state machine.
    fn expand_slow(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut last, mut same) = (None, 0);
        for &b in data {
            if same == 4 {
                out.extend(std::iter::repeat_n(last.unwrap(), usize::from(b)));
                (last, same) = (None, 0);
                continue;
            }
            out.push(b);
            if Some(b) == last {
                same += 1;
            } else {
                (last, same) = (Some(b), 1);
            }
        }
        out
    }

    #[test]
    fn move_to_front_matches_a_rotation() {
        let start: [u8; 256] = std::array::from_fn(|i| (i as u8).wrapping_mul(97));
        for index in 0..256 {
            let mut got = start;
            move_to_front(&mut got, index);
            let mut want = start;
            want[..=index].rotate_right(1);
            assert_eq!(got, want, "index {index}");
        }
    }

    fn expand(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        expand_runs(data, &mut out);
        out
    }

    #[test]
    fn runs_expand_after_four_equal_bytes() {
        assert_eq!(expand(b"abbbb\x03c"), b"abbbbbbbc");
        assert_eq!(expand(b"dddd\x00e"), b"dddde");
        assert_eq!(expand(b"xxxx"), b"xxxx");
        // The byte after a run is a count even when it equals the run's byte.
        let mut want = vec![b'y'; 4 + usize::from(b'y')];
        want.push(1);
        assert_eq!(expand(b"yyyyy\x01"), want);
    }

    /// Inverts the transform of `column` with the decoder's walk.
    fn inverse(decoder: &mut BlockDecoder, column: &[u8], orig: usize) -> Vec<u8> {
        decoder.column = column.to_vec();
        decoder.counts = [0; 256];
        for &b in column {
            decoder.counts[usize::from(b)] += 1;
        }
        decoder.inverse_bwt(column.len(), orig).unwrap();
        decoder.column[..column.len()].to_vec()
    }

    /// The inverse transform as a plain walk of `column.len()` steps from
    /// `orig`, whatever the permutation's cycles, with the rows' order
    /// from a sort.
    fn inverse_slow(column: &[u8], orig: usize) -> Vec<u8> {
        let mut rows: Vec<usize> = (0..column.len()).collect();
        rows.sort_by_key(|&i| (column[i], i));
        let mut at = orig;
        let mut out = Vec::with_capacity(column.len());
        for _ in 0..column.len() {
            at = rows[at];
            out.push(column[at]);
        }
        out
    }

    /// The transform of `word` repeated `copies` times, and the row of
    /// the text (one of `copies` equal rows: `extra` picks which). Its
    /// rotations are `word`'s, each `copies` times over, so its last
    /// column is `word`'s with each byte repeated.
    fn transform_of_repeated(word: &[u8], copies: usize, extra: usize) -> (Vec<u8>, usize) {
        let rotation = |r: usize| [&word[r..], &word[..r]].concat();
        let mut rotations: Vec<usize> = (0..word.len()).collect();
        rotations.sort_by_key(|&r| rotation(r));
        let column = rotations
            .iter()
            .flat_map(|&r| std::iter::repeat_n(word[(r + word.len() - 1) % word.len()], copies))
            .collect();
        let row = rotations.iter().position(|&r| rotation(r) == word).unwrap();
        (column, row * copies + extra % copies)
    }

    #[test]
    fn a_repeated_word_inverts_to_itself() {
        let mut decoder = BlockDecoder::new();
        for word in [&b"a"[..], b"abc", b"aaaa\xfb", b"abab", b"banana"] {
            let copies = 70_000usize.div_ceil(word.len());
            for extra in [0, 1, copies - 1] {
                let (column, orig) = transform_of_repeated(word, copies, extra);
                let got = inverse(&mut decoder, &column, orig);
                assert!(got == word.repeat(copies), "{word:?} x {copies}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// A permutation of many cycles, as a word repeated gives: the
        /// walk goes round the origin's cycle once per copy.
        #[test]
        fn repeated_words_invert_to_themselves(
            word in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 1..=64),
            more in any::<usize>(),
            extra in any::<usize>(),
        ) {
            // Long enough for the segmented walk, at most a block (900 000).
            let fewest = (SEGMENTS * 1024).div_ceil(word.len());
            let copies = fewest + more % (900_000 / word.len() - fewest + 1);
            let (column, orig) = transform_of_repeated(&word, copies, extra);
            let got = inverse(&mut BlockDecoder::new(), &column, orig);
            prop_assert!(got == word.repeat(copies));
        }

        /// Any column is a permutation of some cycles: the segmented walk
        /// reads what a plain walk of the block's length reads.
        #[test]
        fn any_column_inverts_as_a_plain_walk_does(
            seed in any::<u64>(),
            alphabet in 1u64..=256,
            len in 1usize..150_000,
            orig in any::<prop::sample::Index>(),
        ) {
            let mut x = seed | 1;
            let column: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x >> 32) % alphabet) as u8
                })
                .collect();
            let orig = orig.index(len);
            let got = inverse(&mut BlockDecoder::new(), &column, orig);
            prop_assert!(got == inverse_slow(&column, orig));
        }
    }

    proptest! {
        #[test]
        fn run_expansion_matches_the_state_machine(
            data in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(0u8), Just(3u8)], 0..200),
        ) {
            prop_assert_eq!(expand(&data), expand_slow(&data));
        }
    }
}
