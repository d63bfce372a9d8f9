//! Canonical Huffman decoding tables, as bzip2 assigns its codes: shorter
//! codes first, symbols of one length in symbol order.

use crate::bits::BitReader;

/// Longest code bzip2 allows.
pub(crate) const MAX_LEN: usize = 20;
/// Codes up to this length decode with one table look-up.
const FAST_BITS: u32 = 10;
/// A fast-table entry for a prefix that needs the long-code path.
const SLOW: u16 = u16::MAX;

/// Decoding table of one Huffman group.
pub(crate) struct HuffmanTable {
    /// Indexed by the next `FAST_BITS` bits: `symbol << 5 | length`, or
    /// [`SLOW`].
    fast: [u16; 1 << FAST_BITS],
    /// First code of each length, and how many codes have it.
    first: [u32; MAX_LEN + 1],
    count: [u32; MAX_LEN + 1],
    /// Where each length's symbols start in `symbols`.
    offset: [u16; MAX_LEN + 1],
    /// Symbols ordered by code.
    symbols: [u16; 258],
}

impl HuffmanTable {
    pub(crate) fn new() -> Self {
        HuffmanTable {
            fast: [SLOW; 1 << FAST_BITS],
            first: [0; MAX_LEN + 1],
            count: [0; MAX_LEN + 1],
            offset: [0; MAX_LEN + 1],
            symbols: [0; 258],
        }
    }

    /// Builds the table for code `lengths` (each 1..=20, at most 258).
    /// Fails when the lengths describe more codes than fit (an
    /// over-subscribed code); an incomplete code is accepted, and its
    /// unused bit patterns fail when met.
    pub(crate) fn build(&mut self, lengths: &[u8]) -> Result<(), &'static str> {
        debug_assert!(lengths.len() <= 258);
        self.count = [0; MAX_LEN + 1];
        for &l in lengths {
            self.count[usize::from(l)] += 1;
        }
        let mut left: i64 = 1;
        for len in 1..=MAX_LEN {
            left = (left << 1) - i64::from(self.count[len]);
            if left < 0 {
                return Err("over-subscribed Huffman code lengths");
            }
        }
        let mut code = 0u32;
        let mut at = 0u16;
        for len in 1..=MAX_LEN {
            self.first[len] = code;
            self.offset[len] = at;
            code = (code + self.count[len]) << 1;
            at += self.count[len] as u16;
        }
        let mut next = self.offset;
        for (sym, &l) in lengths.iter().enumerate() {
            let l = usize::from(l);
            self.symbols[usize::from(next[l])] = sym as u16;
            next[l] += 1;
        }
        self.fast.fill(SLOW);
        for len in 1..=FAST_BITS as usize {
            let spread = 1usize << (FAST_BITS as usize - len);
            for k in 0..self.count[len] {
                let sym = self.symbols[usize::from(self.offset[len]) + k as usize];
                let code = (self.first[len] + k) as usize;
                let entry = sym << 5 | len as u16;
                self.fast[code * spread..(code + 1) * spread].fill(entry);
            }
        }
        Ok(())
    }

    /// Decodes one symbol.
    #[inline(always)]
    pub(crate) fn decode(&self, bits: &mut BitReader<'_>) -> Result<u16, &'static str> {
        let window = bits.peek20();
        let entry = self.fast[(window >> (20 - FAST_BITS)) as usize];
        if entry != SLOW {
            bits.consume(u32::from(entry & 31));
            return Ok(entry >> 5);
        }
        let (sym, len) = self.decode_long(window)?;
        bits.consume(len);
        Ok(sym)
    }

    /// Codes longer than `FAST_BITS`: rare symbols, one length at a time.
    #[cold]
    #[inline(never)]
    fn decode_long(&self, window: u32) -> Result<(u16, u32), &'static str> {
        for len in FAST_BITS as usize + 1..=MAX_LEN {
            let code = window >> (MAX_LEN - len);
            let k = code.wrapping_sub(self.first[len]);
            if k < self.count[len] {
                let sym = self.symbols[usize::from(self.offset[len]) + k as usize];
                return Ok((sym, len as u32));
            }
        }
        Err("a bit pattern that is no Huffman code")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Canonical codes of `lengths`, computed the naive way.
    fn codes(lengths: &[u8]) -> Vec<(u32, u8)> {
        let mut out = vec![(0, 0); lengths.len()];
        let mut code = 0u32;
        for len in 1..=MAX_LEN as u8 {
            for (s, &l) in lengths.iter().enumerate() {
                if l == len {
                    out[s] = (code, len);
                    code += 1;
                }
            }
            code <<= 1;
        }
        out
    }

    fn roundtrip(lengths: &[u8]) {
        let mut t = HuffmanTable::new();
        t.build(lengths).unwrap();
        let codes = codes(lengths);
        // Write every symbol's code, in a scrambled order, into one bit string.
        let order: Vec<usize> = (0..lengths.len())
            .map(|i| (i * 7 + 3) % lengths.len())
            .collect();
        let mut bytes = Vec::new();
        let (mut acc, mut n) = (0u64, 0u32);
        for &s in &order {
            let (c, l) = codes[s];
            acc = acc << l | u64::from(c);
            n += u32::from(l);
            while n >= 8 {
                bytes.push((acc >> (n - 8)) as u8);
                n -= 8;
            }
        }
        if n > 0 {
            bytes.push((acc << (8 - n)) as u8);
        }
        let mut r = BitReader::at(&bytes, 0);
        for &s in &order {
            assert_eq!(t.decode(&mut r).unwrap(), s as u16);
        }
    }

    #[test]
    fn decodes_short_and_long_codes() {
        roundtrip(&[1, 2, 3, 3]);
        // A complete code with lengths up to 20 (a Fibonacci-like skew).
        let mut lengths: Vec<u8> = (1..=19).collect();
        lengths.push(20);
        lengths.push(20);
        roundtrip(&lengths);
        let flat = vec![8u8; 256];
        roundtrip(&flat);
    }

    #[test]
    fn rejects_over_subscribed_and_unused_codes() {
        let mut t = HuffmanTable::new();
        assert!(t.build(&[1, 1, 1]).is_err());
        // Incomplete: only `0` and `10` exist; `11…` is no code.
        t.build(&[1, 2]).unwrap();
        let data = [0xFF; 4];
        let mut r = BitReader::at(&data, 0);
        assert!(t.decode(&mut r).is_err());
    }
}
