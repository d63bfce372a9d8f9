//! Eight bytes at a time: byte tests on a `u64` ("SIMD within a
//! register"), for the scans that look for the first byte of a set.

/// `b` in every byte.
pub(crate) const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

const HIGH: u64 = splat(0x80);

/// The high bit of every zero byte of `x` is set. Bytes above a zero byte
/// may be marked too (the borrow runs upwards), so only the lowest mark is
/// exact, which is all the scans use.
#[inline]
pub(crate) fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(splat(1)) & !x & HIGH
}

/// Marks the bytes of `w` equal to `b` (lowest mark exact).
#[inline]
pub(crate) fn equal(w: u64, b: u8) -> u64 {
    zero_bytes(w ^ splat(b))
}

/// Marks the bytes of `w` equal to `b`, every mark exact: no borrow runs
/// between bytes (the low seven bits are added with room for the carry).
#[inline]
pub(crate) fn equal_exact(w: u64, b: u8) -> u64 {
    let x = w ^ splat(b);
    let low_nonzero = (x & !HIGH).wrapping_add(!HIGH);
    !(low_nonzero | x) & HIGH
}

/// Marks the bytes of `w` that are ASCII control characters or space
/// (below 0x21) or not ASCII (0x80 and up); every mark is exact. With
/// every high bit set, subtracting 0x21 borrows nothing across bytes and
/// clears the high bit exactly where the low seven bits are below 0x21.
#[inline]
pub(crate) fn below_graphic_or_high(w: u64) -> u64 {
    (w & HIGH) | (!(w | HIGH).wrapping_sub(splat(0x21)) & HIGH)
}

/// The eight bytes at `at`, if there are eight.
#[inline]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
}

/// Byte index of the lowest mark.
#[inline]
pub(crate) fn first_mark(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_mark_is_the_first_matching_byte() {
        for at in 0..8 {
            for b in 0..=255u8 {
                let mut bytes = [b'x'; 8];
                bytes[at] = b;
                // A zero byte below `at` borrows into the bytes above it.
                let w = u64::from_le_bytes(bytes);
                let eq = equal(w, b'|');
                assert_eq!(eq != 0, b == b'|');
                if b == b'|' {
                    assert_eq!(first_mark(eq), at);
                }
                let exact = equal_exact(w, b' ');
                for (k, &byte) in bytes.iter().enumerate() {
                    let marked = exact & (0x80 << (8 * k)) != 0;
                    assert_eq!(marked, byte == b' ', "{bytes:?} at {k}");
                }
                let low = below_graphic_or_high(w);
                assert_eq!(low != 0, !(0x21..0x80).contains(&b), "{b:#x}");
                if low != 0 {
                    assert_eq!(first_mark(low), at);
                }
            }
        }
        // Every combination of four bytes that sit near a space's value or
        // borrow: exact equality marks exactly the spaces.
        let values = [0x00, 0x1F, 0x20, 0x21, 0xA0];
        for n in 0..values.len().pow(8) {
            let mut bytes = [0u8; 8];
            let mut rest = n;
            for b in &mut bytes {
                *b = values[rest % values.len()];
                rest /= values.len();
            }
            let exact = equal_exact(u64::from_le_bytes(bytes), b' ');
            for (k, &byte) in bytes.iter().enumerate() {
                assert_eq!(exact & (0x80 << (8 * k)) != 0, byte == b' ', "{bytes:?}");
            }
        }
        // Two matches: the lower one is found even though the borrow from
        // it may mark the bytes above.
        let w = u64::from_le_bytes(*b"ab||cd|e");
        assert_eq!(first_mark(equal(w, b'|')), 2);
    }
}
