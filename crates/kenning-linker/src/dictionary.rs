//! The mention dictionary: phrase → candidate concepts, link probability.
//!
//! Built form (all integers little-endian):
//!
//! ```text
//! header   "KNMD", version u32, slot count u64 (a power of two),
//!          payload words u64, documents u64, phrases u64
//! slots    slot count × (key u64, payload word u32 or u32::MAX, flags u32)
//!          open addressing, linear probing, key 0 = empty;
//!          flag 1 = some longer phrase starts with this one
//! payload  per phrase: linked docs u32, docs u32, n u32, n × (concept u32, count u32)
//!          candidates by count, most common first
//! ```

use std::collections::{HashMap, HashSet};

use crate::LinkerError;
use crate::phrase::{MAX_PHRASE_TOKENS, PhraseHasher, PhraseKey, Token, Tokens};

const MAGIC: &[u8; 4] = b"KNMD";
const VERSION: u32 = 1;
const HEADER: usize = 40;
const SLOT: usize = 16;
const NO_PAYLOAD: u32 = u32::MAX;
const FLAG_PREFIX: u32 = 1;
/// Candidates kept per phrase, most common first.
const MAX_CANDIDATES: usize = 16;

#[derive(Debug, Default)]
struct Entry {
    linked_docs: u32,
    docs: u32,
    candidates: Vec<(u32, u32)>,
}

/// Collects phrases, candidates and counts, then writes the dictionary.
///
/// The usual order: [`add_name`](Self::add_name) for titles and
/// redirects, [`add_phrase`](Self::add_phrase) and
/// [`add_link`](Self::add_link) for every link's anchor,
/// [`add_linked_document`](Self::add_linked_document) once per document
/// and distinct anchor, then [`phrases_in`](Self::phrases_in) over the
/// text of every document that has links, feeding the result to
/// [`add_occurrences`](Self::add_occurrences), and finally
/// [`finish`](Self::finish).
#[derive(Debug, Default)]
pub struct DictionaryBuilder {
    phrases: HashMap<u64, Entry>,
    prefixes: HashSet<u64>,
    documents: u64,
}

/// Sizes of a built dictionary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DictionaryStats {
    /// Phrases with at least one candidate.
    pub phrases: u64,
    /// Candidate (phrase, concept) pairs kept.
    pub candidates: u64,
    /// Documents over which link probabilities were counted.
    pub documents: u64,
    /// Size of the built buffer.
    pub bytes: u64,
}

impl DictionaryBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    fn entry(&mut self, phrase: &PhraseKey) -> &mut Entry {
        for &p in &phrase.prefixes {
            self.prefixes.insert(p);
        }
        self.phrases.entry(phrase.key).or_default()
    }

    /// A name of `concept` (its title or a redirect to it): one candidate
    /// count and one linked document, so a name that is never linked
    /// still has evidence.
    pub fn add_name(&mut self, phrase: &PhraseKey, concept: u32) {
        let e = self.entry(phrase);
        e.linked_docs = e.linked_docs.saturating_add(1);
        add_count(&mut e.candidates, concept, 1);
    }

    /// Makes `phrase` known (an anchor seen in some link), before its
    /// target is resolved.
    pub fn add_phrase(&mut self, phrase: &PhraseKey) {
        self.entry(phrase);
    }

    /// `count` links with the anchor phrase `phrase` (made known with
    /// [`add_phrase`](Self::add_phrase)) to `concept`.
    pub fn add_link(&mut self, phrase: u64, concept: u32, count: u32) {
        if let Some(e) = self.phrases.get_mut(&phrase) {
            add_count(&mut e.candidates, concept, count);
        }
    }

    /// One document links this phrase (to anything); call once per
    /// document and distinct phrase.
    pub fn add_linked_document(&mut self, phrase: u64) {
        if let Some(e) = self.phrases.get_mut(&phrase) {
            e.linked_docs = e.linked_docs.saturating_add(1);
        }
    }

    /// The distinct known phrases that occur in `text` (every n-gram, not
    /// only the longest), appended to `out`. Safe to call from many
    /// threads at once.
    pub fn phrases_in(&self, text: &str, out: &mut Vec<u64>) {
        let start = out.len();
        let tokens: Vec<Token> = Tokens::new(text).collect();
        for_each_ngram(
            text,
            &tokens,
            |key| {
                let phrase = self.phrases.contains_key(&key).then_some(());
                (phrase, self.prefixes.contains(&key))
            },
            |_, _, key, ()| out.push(key),
        );
        let mut found = out.split_off(start);
        found.sort_unstable();
        found.dedup();
        out.append(&mut found);
    }

    /// One more document in which link probability is counted, holding
    /// the given distinct phrases (from [`phrases_in`](Self::phrases_in)).
    pub fn add_occurrences(&mut self, phrases: &[u64]) {
        self.documents += 1;
        for key in phrases {
            if let Some(e) = self.phrases.get_mut(key) {
                e.docs = e.docs.saturating_add(1);
            }
        }
    }

    /// Writes the dictionary.
    pub fn finish(self) -> (Vec<u8>, DictionaryStats) {
        let mut keys: Vec<u64> = self
            .phrases
            .iter()
            .filter(|(_, e)| !e.candidates.is_empty())
            .map(|(&k, _)| k)
            .collect();
        for &p in &self.prefixes {
            if self.phrases.get(&p).is_none_or(|e| e.candidates.is_empty()) {
                keys.push(p);
            }
        }
        keys.sort_unstable();
        let slots = (keys.len() * 2).next_power_of_two().max(8);
        let mask = slots - 1;
        let mut table = vec![(0u64, NO_PAYLOAD, 0u32); slots];
        let mut payload: Vec<u32> = Vec::new();
        let mut stats = DictionaryStats {
            documents: self.documents,
            ..DictionaryStats::default()
        };
        for &key in &keys {
            let mut word = NO_PAYLOAD;
            if let Some(e) = self.phrases.get(&key).filter(|e| !e.candidates.is_empty()) {
                let mut cands = e.candidates.clone();
                cands.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                cands.truncate(MAX_CANDIDATES);
                word = payload.len() as u32;
                payload.push(e.linked_docs);
                payload.push(e.docs);
                payload.push(cands.len() as u32);
                for (c, n) in &cands {
                    payload.push(*c);
                    payload.push(*n);
                }
                stats.phrases += 1;
                stats.candidates += cands.len() as u64;
            }
            let flags = if self.prefixes.contains(&key) {
                FLAG_PREFIX
            } else {
                0
            };
            let mut i = key as usize & mask;
            while table[i].0 != 0 {
                i = (i + 1) & mask;
            }
            table[i] = (key, word, flags);
        }
        let mut out = Vec::with_capacity(HEADER + slots * SLOT + payload.len() * 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(slots as u64).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.documents.to_le_bytes());
        out.extend_from_slice(&stats.phrases.to_le_bytes());
        for (key, word, flags) in table {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&word.to_le_bytes());
            out.extend_from_slice(&flags.to_le_bytes());
        }
        for w in payload {
            out.extend_from_slice(&w.to_le_bytes());
        }
        stats.bytes = out.len() as u64;
        (out, stats)
    }
}

fn add_count(candidates: &mut Vec<(u32, u32)>, concept: u32, count: u32) {
    match candidates.iter_mut().find(|(c, _)| *c == concept) {
        Some((_, n)) => *n = n.saturating_add(count),
        None => candidates.push((concept, count)),
    }
}

/// Calls `found(first token, last token + 1, key, entry)` for every n-gram of
/// `tokens` that `lookup` says is a phrase, extending each start only
/// while `lookup` says some phrase continues.
pub(crate) fn for_each_ngram<T>(
    text: &str,
    tokens: &[Token],
    mut lookup: impl FnMut(u64) -> (Option<T>, bool),
    mut found: impl FnMut(usize, usize, u64, T),
) {
    for i in 0..tokens.len() {
        let mut hasher = PhraseHasher::new();
        for (j, t) in tokens.iter().enumerate().skip(i).take(MAX_PHRASE_TOKENS) {
            hasher.push(&text[t.start..t.end]);
            let key = hasher.key();
            let (phrase, prefix) = lookup(key);
            if let Some(p) = phrase {
                found(i, j + 1, key, p);
            }
            if !prefix {
                break;
            }
        }
    }
}

/// A built dictionary, read in place from its bytes.
#[derive(Clone, Copy, Debug)]
pub struct MentionDictionary<'a> {
    slots: &'a [u8],
    payload: &'a [u8],
    mask: usize,
    documents: u64,
    phrases: u64,
}

/// One phrase's entry.
#[derive(Clone, Copy, Debug)]
pub struct Phrase<'a> {
    words: &'a [u8],
}

fn word(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([
        bytes[4 * i],
        bytes[4 * i + 1],
        bytes[4 * i + 2],
        bytes[4 * i + 3],
    ])
}

impl<'a> Phrase<'a> {
    /// Documents in which the phrase is a link (names count as one).
    pub fn linked_docs(&self) -> u32 {
        word(self.words, 0)
    }
    /// Documents (among those counted) in which the phrase occurs.
    pub fn docs(&self) -> u32 {
        word(self.words, 1)
    }
    /// How often the phrase is a link where it occurs, in `[0, 1]`.
    pub fn link_probability(&self) -> f32 {
        let linked = self.linked_docs();
        if linked == 0 {
            return 0.0;
        }
        linked as f32 / self.docs().max(linked) as f32
    }
    /// Number of candidates.
    pub fn len(&self) -> usize {
        word(self.words, 2) as usize
    }
    /// Whether there are no candidates (never, for a stored phrase).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `(concept, count)`, most common first.
    pub fn candidates(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + 'a {
        let words = self.words;
        (0..self.len()).map(move |i| (word(words, 3 + 2 * i), word(words, 4 + 2 * i)))
    }
    /// Sum of the candidates' counts.
    pub fn total(&self) -> u64 {
        self.candidates().map(|(_, n)| u64::from(n)).sum()
    }
}

impl<'a> MentionDictionary<'a> {
    /// Reads a dictionary written by [`DictionaryBuilder::finish`].
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
        let slots = u64_at(8) as usize;
        let words = u64_at(16) as usize;
        if !slots.is_power_of_two()
            || slots
                .checked_mul(SLOT)
                .and_then(|s| s.checked_add(words.checked_mul(4)?))
                .and_then(|s| s.checked_add(HEADER))
                != Some(bytes.len())
        {
            return Err(LinkerError::Corrupt("sizes do not match the header"));
        }
        let payload_start = HEADER + slots * SLOT;
        Ok(MentionDictionary {
            slots: &bytes[HEADER..payload_start],
            payload: &bytes[payload_start..],
            mask: slots - 1,
            documents: u64_at(24),
            phrases: u64_at(32),
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

    /// `(payload word, flags)` of `key`, if stored.
    #[inline]
    fn slot(&self, key: u64) -> Option<(u32, u32)> {
        let mut i = key as usize & self.mask;
        for _ in 0..=self.mask {
            let s = &self.slots[i * SLOT..i * SLOT + SLOT];
            let k = u64::from_le_bytes(s[..8].try_into().unwrap_or([0; 8]));
            if k == key {
                return Some((word(s, 2), word(s, 3)));
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
        None
    }

    /// Whether `key` is a phrase and whether a longer phrase continues it.
    #[inline]
    pub(crate) fn probe(&self, key: u64) -> (Option<Phrase<'a>>, bool) {
        match self.slot(key) {
            None => (None, false),
            Some((w, flags)) => (self.phrase_at(w), flags & FLAG_PREFIX != 0),
        }
    }

    fn phrase_at(&self, w: u32) -> Option<Phrase<'a>> {
        if w == NO_PAYLOAD {
            return None;
        }
        let start = w as usize * 4;
        let n = self
            .payload
            .get(start + 8..start + 12)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)?;
        let end = start.checked_add(12 + n.checked_mul(8)?)?;
        self.payload.get(start..end).map(|words| Phrase { words })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase_key;

    fn key(s: &str) -> PhraseKey {
        phrase_key(s).unwrap()
    }

    fn sample() -> Vec<u8> {
        let mut b = DictionaryBuilder::new();
        b.add_name(&key("Mercury (planet)"), 1);
        b.add_name(&key("Mercury"), 2);
        b.add_link(key("Mercury").key, 1, 3);
        b.add_link(key("Mercury").key, 2, 7);
        b.add_linked_document(key("Mercury").key);
        b.add_phrase(&key("quick silver"));
        b.add_link(key("quick silver").key, 2, 1);
        // A link whose phrase was never made known is ignored.
        b.add_link(key("unknown").key, 2, 1);
        let mut found = Vec::new();
        b.phrases_in("Mercury is quick silver; mercury again.", &mut found);
        assert_eq!(found.len(), 2);
        b.add_occurrences(&found);
        b.add_occurrences(&[key("mercury").key]);
        b.add_occurrences(&[]);
        b.finish().0
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        assert_eq!(d.documents(), 3);
        let m = d.get_text("MERCURY").unwrap();
        assert_eq!(m.candidates().collect::<Vec<_>>(), [(2, 8), (1, 3)]);
        assert_eq!((m.linked_docs(), m.docs()), (2, 2));
        assert_eq!(m.link_probability(), 1.0);
        assert_eq!(m.total(), 11);
        let q = d.get_text("quick silver").unwrap();
        assert_eq!((q.linked_docs(), q.docs()), (0, 1));
        assert_eq!(q.link_probability(), 0.0);
        // "quick" is only a prefix; "mercury planet" is a phrase.
        assert!(d.get_text("quick").is_none());
        assert!(d.probe(key("quick").key).1);
        assert!(d.get_text("mercury planet").is_some());
        assert!(d.get_text("venus").is_none());
    }

    #[test]
    fn damaged_buffers_are_errors() {
        let bytes = sample();
        assert!(MentionDictionary::from_bytes(&bytes[..10]).is_err());
        assert!(MentionDictionary::from_bytes(&bytes[..bytes.len() - 4]).is_err());
        let mut wrong = bytes.clone();
        wrong[0] = b'X';
        assert!(matches!(
            MentionDictionary::from_bytes(&wrong),
            Err(LinkerError::Version { found: 0, .. })
        ));
    }

    #[test]
    fn empty_builder_gives_an_empty_dictionary() {
        let (bytes, stats) = DictionaryBuilder::new().finish();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        assert_eq!(stats.phrases, 0);
        assert!(d.get_text("anything").is_none());
    }
}
