//! Reading a mention dictionary in place: [`MentionDictionary::from_bytes`]
//! checks the header and sizes of the built form described in `format`,
//! and look-ups read the slots, the prefix filter and the payload without
//! copying. A damaged buffer gives an error or wrong answers, never a
//! panic. Building one is `builder`'s business.

use super::format::{
    HEADER, MAGIC, MAX_CANDIDATES, SLOT, VERSION, filter_bits, filter_word, get_u32, get_varint,
    home_slot, link_probability,
};
use crate::LinkerError;

/// A built dictionary, read in place from its bytes.
#[derive(Clone, Copy, Debug)]
pub struct MentionDictionary<'a> {
    slots: &'a [u8],
    filter: &'a [u8],
    payload: &'a [u8],
    home: u64,
    documents: u64,
    phrases: u64,
    min_link_probability: f32,
    min_commonness: f32,
}

/// One phrase's entry.
#[derive(Clone, Copy, Debug)]
pub struct Phrase<'a> {
    name: bool,
    anchored: bool,
    linked_docs: u32,
    docs: u32,
    total: u64,
    len: usize,
    /// The candidates' varints.
    candidates: &'a [u8],
}

impl<'a> Phrase<'a> {
    /// Documents in which the phrase is a link (names count as one).
    pub fn linked_docs(&self) -> u32 {
        self.linked_docs
    }
    /// Documents (among those counted) in which the phrase occurs.
    pub fn docs(&self) -> u32 {
        self.docs
    }
    /// How often the phrase is a link where it occurs, in `[0, 1]`.
    pub fn link_probability(&self) -> f32 {
        link_probability(self.linked_docs, self.docs)
    }
    /// Whether the phrase is a name: a title or a redirect (its own
    /// concept's, or the unqualified form of one).
    pub fn is_name(&self) -> bool {
        self.name
    }
    /// Whether some document links the phrase (as anchor text), beyond
    /// its being a name. A name that is not anchored has no measured link
    /// probability: only names' own count of one each.
    pub fn is_anchored(&self) -> bool {
        self.anchored
    }
    /// Number of candidates stored.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether there are no candidates (never, for a stored phrase).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// `(concept, count)`, most common first.
    pub fn candidates(&self) -> impl Iterator<Item = (u32, u32)> + 'a {
        let bytes = self.candidates;
        let mut pos = 0;
        (0..self.len)
            .map_while(move |_| Some((get_u32(bytes, &mut pos)?, get_u32(bytes, &mut pos)?)))
    }
    /// Sum of the counts of the (up to 16) most common candidates,
    /// including those too rare to be stored: commonness is a count
    /// divided by this.
    pub fn total(&self) -> u64 {
        self.total
    }
}

impl<'a> MentionDictionary<'a> {
    /// Reads a dictionary written by [`DictionaryBuilder::finish`](crate::DictionaryBuilder::finish).
    pub fn from_bytes(bytes: &'a [u8]) -> Result<Self, LinkerError> {
        if bytes.len() < HEADER {
            return Err(LinkerError::Corrupt("shorter than its header"));
        }
        let version = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if &bytes[..4] != MAGIC || version != VERSION {
            return Err(LinkerError::Version {
                found: if &bytes[..4] == MAGIC { version } else { 0 },
                expected: VERSION,
            });
        }
        let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        let f32_at = |i: usize| f32::from_le_bytes(bytes[i..i + 4].try_into().unwrap_or([0; 4]));
        let slots = u64_at(8);
        let home = u64_at(16);
        let words = u64_at(24);
        let payload = u64_at(32);
        let size = |n: u64, each: usize| usize::try_from(n).ok()?.checked_mul(each);
        let slots_end = size(slots, SLOT).and_then(|s| s.checked_add(HEADER));
        let filter_end = slots_end.and_then(|s| s.checked_add(size(words, 8)?));
        let end = filter_end.and_then(|s| s.checked_add(size(payload, 1)?));
        let (Some(slots_end), Some(filter_end), Some(end)) = (slots_end, filter_end, end) else {
            return Err(LinkerError::Corrupt("sizes do not match the header"));
        };
        if end != bytes.len()
            || home == 0
            || home >= slots
            || words == 0
            || words > u64::from(u32::MAX)
        {
            return Err(LinkerError::Corrupt("sizes do not match the header"));
        }
        Ok(MentionDictionary {
            slots: &bytes[HEADER..slots_end],
            filter: &bytes[slots_end..filter_end],
            payload: &bytes[filter_end..],
            home,
            documents: u64_at(40),
            phrases: u64_at(48),
            min_link_probability: f32_at(56),
            min_commonness: f32_at(60),
        })
    }

    /// Documents over which link probabilities were counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Number of phrases with candidates.
    pub fn phrase_count(&self) -> u64 {
        self.phrases
    }

    /// The link-probability and commonness floors below which phrases and
    /// candidates were left out at build time.
    pub fn floors(&self) -> (f32, f32) {
        (self.min_link_probability, self.min_commonness)
    }

    /// The payload offset of `key`, if stored.
    #[inline]
    fn slot(&self, key: u64) -> Option<usize> {
        let mut i = home_slot(key, self.home);
        while let Some(s) = self.slots.get(i * SLOT..i * SLOT + SLOT) {
            let k = u64::from_le_bytes(s[..8].try_into().unwrap_or([0; 8]));
            if k >= key {
                return (k == key).then(|| u32::from_le_bytes([s[8], s[9], s[10], s[11]]) as usize);
            }
            i += 1;
        }
        None
    }

    /// Whether `key` is a phrase and whether a longer phrase continues it.
    #[inline]
    pub(crate) fn probe(&self, key: u64) -> (Option<Phrase<'a>>, bool) {
        let Some(mut pos) = self.slot(key) else {
            return (None, self.maybe_prefix(key));
        };
        let bytes = self.payload;
        let Some(head) = get_varint(bytes, &mut pos) else {
            return (None, false);
        };
        let prefix = head & 1 == 1;
        let explicit = head & 2 == 2;
        let name = head & 4 == 4;
        let anchored = head & 8 == 8;
        let len = usize::try_from(head >> 4).unwrap_or(0).min(MAX_CANDIDATES);
        let phrase = (|| {
            let linked_docs = get_u32(bytes, &mut pos)?;
            let docs = get_u32(bytes, &mut pos)?;
            let total = if explicit {
                get_varint(bytes, &mut pos)?
            } else {
                let mut p = pos;
                let mut sum = 0u64;
                for _ in 0..len {
                    get_varint(bytes, &mut p)?;
                    sum = sum.saturating_add(get_varint(bytes, &mut p)?);
                }
                sum
            };
            Some(Phrase {
                name,
                anchored,
                linked_docs,
                docs,
                total,
                len,
                candidates: bytes.get(pos..)?,
            })
        })()
        .filter(|p| p.len > 0);
        (phrase, prefix)
    }

    /// Whether the filter holds `key` (a prefix key that is not a phrase,
    /// or, rarely, a false positive).
    #[inline]
    fn maybe_prefix(&self, key: u64) -> bool {
        let words = self.filter.len() / 8;
        let i = filter_word(key, words) * 8;
        let Some(w) = self.filter.get(i..i + 8) else {
            return false;
        };
        let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        let bits = filter_bits(key);
        w & bits == bits
    }

    /// The entry of a phrase key.
    pub fn get(&self, key: u64) -> Option<Phrase<'a>> {
        self.probe(key).0
    }

    /// The entry of a phrase written as text.
    pub fn get_text(&self, text: &str) -> Option<Phrase<'a>> {
        crate::phrase_key(text).and_then(|p| self.get(p.key))
    }
}
