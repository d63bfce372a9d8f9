//! The mention dictionary's built form, shared by the builder (which
//! writes it) and the reader (which reads it in place): the layout, its
//! constants, and the encoding helpers both sides use. It imports neither.
//!
//! Built form (all integers little-endian):
//!
//! ```text
//! header   "KNMD", version u32, slot count u64, home slots u64,
//!          filter words u64, payload bytes u64, documents u64,
//!          phrases u64, link-probability floor f32, commonness floor f32
//! slots    slot count × (key u64, payload offset u32), one per phrase;
//!          keys ascending; a key's home slot is (key × home slots) >> 64,
//!          and each key sits in the first free slot at or after its home
//!          (so positions ascend with keys); empty slots hold u64::MAX,
//!          and the last slot is always empty
//! filter   filter words × u64: a blocked Bloom filter (one word per key,
//!          4 bits) of the prefix keys that are not phrases
//! payload  per phrase, LEB128 varints: n << 4 | anchored flag << 3 |
//!          name flag << 2 | total flag << 1 | prefix flag (prefix: some
//!          longer phrase starts with this one; name: it is a title or
//!          redirect; anchored: some document links it, not only names),
//!          linked docs, docs, the total count when the total flag is set
//!          (else it is the sum of the counts stored), n × (concept,
//!          count), candidates by count, most common first
//! ```
//!
//! "Does a longer phrase continue this one?" is answered exactly for a
//! phrase (its flag) and by the filter for any other key: a false positive
//! (about 2% at 10 bits per key) only costs the spotter one more look-up,
//! since every phrase found that way has all its prefixes really flagged.
//!
//! A look-up starts at the key's home slot and reads on while the stored
//! keys are smaller: as in linear probing with the keys kept in order
//! ("ordered hash table"), a miss stops at the first larger key, so at the
//! 90% load used here a look-up reads about five slots (60 bytes) in
//! expectation.
//!
//! What is not stored, because the linker would never use it: phrases
//! whose link probability is below the floor (the linker drops such
//! spots) unless they are names, candidates less common than the commonness floor (the linker
//! ignores them; the total count stored keeps the others' commonness
//! exact), candidates past the 16 most common, and prefix keys that lead
//! only to phrases not stored. Both floors are in the header.

pub(super) const MAGIC: &[u8; 4] = b"KNMD";
pub(super) const VERSION: u32 = 4;
pub(super) const HEADER: usize = 64;
/// Filter bits per prefix key.
pub(super) const FILTER_BITS_PER_KEY: usize = 10;
pub(super) const SLOT: usize = 12;
pub(super) const EMPTY: u64 = u64::MAX;
/// Candidates kept per phrase, most common first.
pub(super) const MAX_CANDIDATES: usize = 16;

/// `linked / max(docs, linked)`, 0 when never linked: the one formula of
/// link probability, for pruning and for reading.
pub(super) fn link_probability(linked: u32, docs: u32) -> f32 {
    if linked == 0 {
        return 0.0;
    }
    linked as f32 / docs.max(linked) as f32
}

/// The slot where the search for `key` starts, in `0..home`; ascending
/// with the key.
#[inline]
pub(super) fn home_slot(key: u64, home: u64) -> usize {
    ((u128::from(key) * u128::from(home)) >> 64) as usize
}

/// The filter word of `key` (from its low half; the home slot comes from
/// the high bits).
#[inline]
pub(super) fn filter_word(key: u64, words: usize) -> usize {
    (((key & 0xffff_ffff) * words as u64) >> 32) as usize
}

/// The 4 filter bits of `key` in its word (from bits 40..64).
#[inline]
pub(super) fn filter_bits(key: u64) -> u64 {
    (1 << ((key >> 40) & 63))
        | (1 << ((key >> 46) & 63))
        | (1 << ((key >> 52) & 63))
        | (1 << (key >> 58))
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The LEB128 varint at `*pos`, moving past it; `None` when the bytes
/// end first or it is longer than a u64.
#[inline]
pub(super) fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0u32;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift >= 64 {
            return None;
        }
    }
}

pub(super) fn get_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    u32::try_from(get_varint(bytes, pos)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn varints_round_trip(values in proptest::collection::vec(proptest::num::u64::ANY, 0..50)) {
            let mut buf = Vec::new();
            for &v in &values {
                put_varint(&mut buf, v);
            }
            let mut pos = 0;
            for &v in &values {
                proptest::prop_assert_eq!(get_varint(&buf, &mut pos), Some(v));
            }
            proptest::prop_assert_eq!(pos, buf.len());
            proptest::prop_assert_eq!(get_varint(&buf, &mut pos), None);
        }
    }
}
