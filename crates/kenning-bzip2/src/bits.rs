//! An MSB-first bit reader over a byte slice.

/// Reads bits most significant first, as bzip2 writes them. Past the end
/// of the slice it reads zeros and remembers that it did: callers bound
/// every loop by the block size, then ask [`BitReader::overran`].
#[derive(Clone)]
pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    /// Next byte of `data` to load; may pass `data.len()` by the padding.
    next: usize,
    /// Unread bits, left-aligned. Bits below the top `count` are either
    /// zero or the stream's own next bits, so loading with OR is exact.
    buf: u64,
    count: u32,
}

impl<'a> BitReader<'a> {
    /// A reader positioned `bit` bits into `data`.
    pub(crate) fn at(data: &'a [u8], bit: u64) -> Self {
        let mut r = BitReader {
            data,
            next: (bit / 8) as usize,
            buf: 0,
            count: 0,
        };
        let skip = (bit % 8) as u32;
        if skip > 0 {
            r.refill();
            r.consume(skip);
        }
        r
    }

    /// Bits read so far, from the start of `data`.
    pub(crate) fn position(&self) -> u64 {
        self.next as u64 * 8 - u64::from(self.count)
    }

    /// Whether more bits were read than `data` holds.
    pub(crate) fn overran(&self) -> bool {
        self.position() > self.data.len() as u64 * 8
    }

    /// Whether every bit of `data` has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.position() >= self.data.len() as u64 * 8
    }

    /// Tops the buffer up to at least 56 bits.
    #[inline]
    pub(crate) fn refill(&mut self) {
        if let Some(word) = self.data.get(self.next..self.next + 8) {
            let word = u64::from_be_bytes(word.try_into().expect("eight bytes"));
            self.buf |= word >> self.count;
            let bytes = (63 - self.count) >> 3;
            self.next += bytes as usize;
            self.count += bytes * 8;
        } else {
            while self.count <= 56 {
                let byte = self.data.get(self.next).copied().unwrap_or(0);
                self.buf |= u64::from(byte) << (56 - self.count);
                self.next += 1;
                self.count += 8;
            }
        }
    }

    /// The next 20 bits without consuming them; needs `count >= 20`.
    #[inline]
    pub(crate) fn peek20(&mut self) -> u32 {
        if self.count < 20 {
            self.refill();
        }
        (self.buf >> 44) as u32
    }

    #[inline]
    pub(crate) fn consume(&mut self, n: u32) {
        debug_assert!(n <= self.count);
        self.buf <<= n;
        self.count -= n;
    }

    /// The next `n` bits (1 ≤ n ≤ 32) as a number.
    #[inline]
    pub(crate) fn bits(&mut self, n: u32) -> u32 {
        debug_assert!((1..=32).contains(&n));
        if self.count < n {
            self.refill();
        }
        let v = (self.buf >> (64 - n)) as u32;
        self.consume(n);
        v
    }

    #[inline]
    pub(crate) fn bit(&mut self) -> bool {
        self.bits(1) == 1
    }

    /// Skips to the next byte boundary.
    pub(crate) fn align(&mut self) {
        let rem = (self.position() % 8) as u32;
        if rem > 0 {
            self.consume(8 - rem);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_msb_first_across_refills() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).collect();
        let mut r = BitReader::at(&data, 0);
        let mut got = Vec::new();
        // Odd widths so reads straddle bytes and refills.
        let mut width = 1;
        let mut read = 0;
        while read + width <= data.len() as u32 * 8 {
            got.push((r.bits(width), width));
            read += width;
            width = width % 13 + 1;
        }
        let mut bit = 0usize;
        for (v, w) in got {
            let mut expect = 0u32;
            for _ in 0..w {
                let b = (data[bit / 8] >> (7 - bit % 8)) & 1;
                expect = expect << 1 | u32::from(b);
                bit += 1;
            }
            assert_eq!(v, expect);
        }
        assert!(!r.overran());
        r.bits(32);
        assert!(r.overran());
    }

    #[test]
    fn starts_mid_byte_and_aligns() {
        let data = [0b1010_1100, 0b0101_0011, 0xFF];
        let mut r = BitReader::at(&data, 3);
        assert_eq!(r.bits(5), 0b01100);
        assert_eq!(r.position(), 8);
        r.bits(2);
        r.align();
        assert_eq!(r.position(), 16);
        assert_eq!(r.bits(8), 0xFF);
        assert!(r.at_end());
    }
}
