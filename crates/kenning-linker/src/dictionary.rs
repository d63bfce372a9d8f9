//! The mention dictionary: phrase → candidate concepts, link probability.
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
//! payload  per phrase, LEB128 varints: n << 2 | total flag << 1 | prefix
//!          flag (prefix: some longer phrase starts with this one), linked
//!          docs, docs, the total count when the total flag is set (else
//!          it is the sum of the counts stored), n × (concept, count),
//!          candidates by count, most common first
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
//! spots), candidates less common than the commonness floor (the linker
//! ignores them; the total count stored keeps the others' commonness
//! exact), candidates past the 16 most common, and prefix keys that lead
//! only to phrases not stored. Both floors are in the header.

use std::collections::HashSet;

use crate::LinkerError;
use crate::linker::LinkerOptions;
use crate::phrase::{KeyMap, MAX_PHRASE_TOKENS, PhraseHasher, PhraseKey, token_hashes};

const MAGIC: &[u8; 4] = b"KNMD";
const VERSION: u32 = 3;
const HEADER: usize = 64;
/// Filter bits per prefix key.
const FILTER_BITS_PER_KEY: usize = 10;
const SLOT: usize = 12;
const EMPTY: u64 = u64::MAX;
/// Candidates kept per phrase, most common first.
const MAX_CANDIDATES: usize = 16;

/// What the builder knows of a phrase.
#[derive(Debug, Default)]
struct Entry {
    linked_docs: u32,
    docs: u32,
    candidates: Vec<(u32, u32)>,
}

/// A key the builder knows: a phrase, a prefix of a longer phrase, or
/// both. One map holds both roles so that spotting looks a key up once.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Key of the phrase without its last token (0 for one token).
    parent: u64,
    /// Index in `DictionaryBuilder::entries`, or [`NOT_A_PHRASE`].
    entry: u32,
    /// Some longer phrase starts with this key.
    prefix: bool,
}

const NOT_A_PHRASE: u32 = u32::MAX;

/// The builder's keys, frozen for spotting: linear probing over a plain
/// array at most half full, with the two flags beside it. Counting
/// occurrences looks up every n-gram of every text; a hash map of nodes
/// made that a fifth of a build.
#[derive(Debug)]
struct SpotTable {
    /// Keys (never 0: phrase keys are at least 1), 0 for an empty slot.
    keys: Vec<u64>,
    /// [`PHRASE`](Self::PHRASE) and [`PREFIX`](Self::PREFIX) per slot.
    flags: Vec<u8>,
    mask: usize,
}

impl SpotTable {
    const PHRASE: u8 = 1;
    const PREFIX: u8 = 2;

    /// The phrases that have candidates (the only ones written, so the
    /// only ones worth counting) and the prefixes that lead to them.
    fn new(nodes: &KeyMap<Node>, entries: &[Entry]) -> Self {
        // Sized for the phrases with candidates and their prefixes (at
        // most `MAX_PHRASE_TOKENS` keys each), not for every key known.
        let phrases = entries.iter().filter(|e| !e.candidates.is_empty()).count();
        let keys = nodes.len().min(phrases * MAX_PHRASE_TOKENS);
        let slots = (keys * 2).next_power_of_two().max(16);
        let mut table = SpotTable {
            keys: vec![0; slots],
            flags: vec![0; slots],
            mask: slots - 1,
        };
        for (&key, node) in nodes {
            let Some(entry) = entries.get(node.entry as usize) else {
                continue;
            };
            if entry.candidates.is_empty() {
                continue;
            }
            table.mark(key, Self::PHRASE);
            let mut p = node.parent;
            while p != 0 && table.mark(p, Self::PREFIX) {
                p = nodes.get(&p).map_or(0, |n| n.parent);
            }
        }
        table
    }

    /// Adds `flag` to `key` (inserting it); false if it had the flag.
    fn mark(&mut self, key: u64, flag: u8) -> bool {
        let mut i = self.home(key);
        while self.keys[i] != 0 && self.keys[i] != key {
            i = (i + 1) & self.mask;
        }
        self.keys[i] = key;
        let had = self.flags[i] & flag != 0;
        self.flags[i] |= flag;
        !had
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // Phrase keys are well mixed already.
        (key ^ (key >> 32)) as usize & self.mask
    }

    /// The flags of `key`, 0 when it is unknown.
    #[inline]
    fn get(&self, key: u64) -> u8 {
        let mut i = self.home(key);
        loop {
            match self.keys[i] {
                k if k == key => return self.flags[i],
                0 => return 0,
                _ => i = (i + 1) & self.mask,
            }
        }
    }
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
#[derive(Debug)]
pub struct DictionaryBuilder {
    /// Every phrase and every prefix of one.
    nodes: KeyMap<Node>,
    /// The phrases' counts and candidates, indexed by `Node::entry`.
    entries: Vec<Entry>,
    /// The phrases with candidates, frozen for spotting: made by the
    /// first [`phrases_in`](Self::phrases_in), dropped by any change to
    /// which phrases have candidates.
    spotting: std::sync::OnceLock<SpotTable>,
    documents: u64,
    min_link_probability: f32,
    min_commonness: f32,
}

impl Default for DictionaryBuilder {
    fn default() -> Self {
        let o = LinkerOptions::default();
        Self::with_floors(o.min_link_probability, o.min_commonness)
    }
}

/// Sizes of a built dictionary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DictionaryStats {
    /// Phrases stored (with at least one candidate).
    pub phrases: u64,
    /// Candidate (phrase, concept) pairs stored.
    pub candidates: u64,
    /// Phrases with candidates left out: link probability below the floor.
    pub pruned_phrases: u64,
    /// Candidates left out: less common than the floor, or past the 16
    /// most common (of the phrases stored).
    pub pruned_candidates: u64,
    /// Prefix keys that are not phrases (in the filter).
    pub prefix_keys: u64,
    /// Documents over which link probabilities were counted.
    pub documents: u64,
    /// Size of the built buffer.
    pub bytes: u64,
}

/// `linked / max(docs, linked)`, 0 when never linked: the one formula of
/// link probability, for pruning and for reading.
fn link_probability(linked: u32, docs: u32) -> f32 {
    if linked == 0 {
        return 0.0;
    }
    linked as f32 / docs.max(linked) as f32
}

impl DictionaryBuilder {
    /// An empty builder that leaves out what the linker's default options
    /// would never use (see [`with_floors`](Self::with_floors)).
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder that leaves out phrases whose link probability is
    /// below `min_link_probability` and candidates whose commonness is
    /// below `min_commonness` (the most common candidate is always kept).
    /// A linker reading the dictionary with lower thresholds than these
    /// cannot find what was left out; 0 and 0 keep everything.
    pub fn with_floors(min_link_probability: f32, min_commonness: f32) -> Self {
        DictionaryBuilder {
            nodes: KeyMap::default(),
            entries: Vec::new(),
            spotting: std::sync::OnceLock::new(),
            documents: 0,
            min_link_probability,
            min_commonness,
        }
    }

    fn entry(&mut self, phrase: &PhraseKey) -> &mut Entry {
        // A phrase seen before (most anchors are) has its prefixes already.
        if let Some(node) = self.nodes.get(&phrase.key)
            && node.entry != NOT_A_PHRASE
        {
            return &mut self.entries[node.entry as usize];
        }
        self.spotting.take();
        let mut parent = 0;
        for &p in &phrase.prefixes {
            self.nodes
                .entry(p)
                .or_insert(Node {
                    parent,
                    entry: NOT_A_PHRASE,
                    prefix: false,
                })
                .prefix = true;
            parent = p;
        }
        let node = self.nodes.entry(phrase.key).or_insert(Node {
            parent,
            entry: NOT_A_PHRASE,
            prefix: false,
        });
        if node.entry == NOT_A_PHRASE {
            node.entry =
                u32::try_from(self.entries.len()).expect("more than 4 billion distinct phrases");
            self.entries.push(Entry::default());
        }
        &mut self.entries[node.entry as usize]
    }

    /// The entry of a known phrase.
    fn entry_mut(&mut self, phrase: u64) -> Option<&mut Entry> {
        let node = self.nodes.get(&phrase)?;
        self.entries.get_mut(node.entry as usize)
    }

    /// A name of `concept` (its title or a redirect to it): one candidate
    /// count and one linked document, so a name that is never linked
    /// still has evidence.
    pub fn add_name(&mut self, phrase: &PhraseKey, concept: u32) {
        let e = self.entry(phrase);
        e.linked_docs = e.linked_docs.saturating_add(1);
        let first = e.candidates.is_empty();
        add_count(&mut e.candidates, concept, 1);
        if first {
            self.spotting.take();
        }
    }

    /// Makes `phrase` known (an anchor seen in some link), before its
    /// target is resolved.
    pub fn add_phrase(&mut self, phrase: &PhraseKey) {
        self.entry(phrase);
    }

    /// `count` links with the anchor phrase `phrase` (made known with
    /// [`add_phrase`](Self::add_phrase)) to `concept`.
    pub fn add_link(&mut self, phrase: u64, concept: u32, count: u32) {
        if let Some(e) = self.entry_mut(phrase) {
            let first = e.candidates.is_empty();
            add_count(&mut e.candidates, concept, count);
            if first {
                // A phrase with candidates is spotted from now on.
                self.spotting.take();
            }
        }
    }

    /// One document links this phrase (to anything); call once per
    /// document and distinct phrase.
    pub fn add_linked_document(&mut self, phrase: u64) {
        if let Some(e) = self.entry_mut(phrase) {
            e.linked_docs = e.linked_docs.saturating_add(1);
        }
    }

    /// The distinct phrases with candidates that occur in `text` (every
    /// n-gram, not only the longest), appended to `out`; phrases without
    /// candidates are never written, so their occurrences are not looked
    /// for. Safe to call from many threads at once.
    pub fn phrases_in(&self, text: &str, out: &mut Vec<u64>) {
        let table = self
            .spotting
            .get_or_init(|| SpotTable::new(&self.nodes, &self.entries));
        let start = out.len();
        let mut hashes = Vec::new();
        token_hashes(text, &mut hashes);
        for_each_ngram(
            &hashes,
            |key| {
                let flags = table.get(key);
                (
                    (flags & SpotTable::PHRASE != 0).then_some(()),
                    flags & SpotTable::PREFIX != 0,
                )
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
            if let Some(e) = self.entry_mut(*key) {
                e.docs = e.docs.saturating_add(1);
            }
        }
    }

    /// Writes the dictionary.
    ///
    /// Fails with [`LinkerError::TooLarge`] when a phrase's payload would
    /// start past 4 GiB: offsets are 32-bit (English Wikipedia needs a few
    /// hundred MB).
    pub fn finish(self) -> Result<(Vec<u8>, DictionaryStats), LinkerError> {
        self.finish_within(u64::from(u32::MAX))
    }

    /// [`finish`](Self::finish) with the largest payload offset as a
    /// parameter, so the limit can be tested without 4 GiB of phrases.
    fn finish_within(self, max_offset: u64) -> Result<(Vec<u8>, DictionaryStats), LinkerError> {
        let mut stats = DictionaryStats {
            documents: self.documents,
            ..DictionaryStats::default()
        };
        // The phrases kept, and the prefixes that lead to them.
        let mut kept: Vec<u64> = Vec::new();
        let mut needed: HashSet<u64> = HashSet::new();
        for (&key, node) in &self.nodes {
            let Some(e) = self.entries.get(node.entry as usize) else {
                continue;
            };
            if e.candidates.is_empty() {
                continue;
            }
            if link_probability(e.linked_docs, e.docs) < self.min_link_probability {
                stats.pruned_phrases += 1;
                continue;
            }
            kept.push(key);
            let mut p = node.parent;
            while p != 0 && needed.insert(p) {
                p = self.nodes.get(&p).map_or(0, |n| n.parent);
            }
        }
        let mut keys = kept;
        keys.sort_unstable();
        let only_prefixes: Vec<u64> = {
            let kept: HashSet<u64> = keys.iter().copied().collect();
            let mut v: Vec<u64> = needed
                .iter()
                .filter(|k| !kept.contains(k))
                .copied()
                .collect();
            v.sort_unstable();
            v
        };
        let words = (only_prefixes.len() * FILTER_BITS_PER_KEY)
            .div_ceil(64)
            .max(1);
        let mut filter = vec![0u64; words];
        for &k in &only_prefixes {
            filter[filter_word(k, words)] |= filter_bits(k);
        }
        stats.prefix_keys = only_prefixes.len() as u64;

        let mut payload: Vec<u8> = Vec::new();
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(keys.len());
        let mut cands: Vec<(u32, u32)> = Vec::new();
        for &key in &keys {
            let offset = u32::try_from(payload.len())
                .ok()
                .filter(|&o| u64::from(o) <= max_offset)
                .ok_or(LinkerError::TooLarge { limit: max_offset })?;
            entries.push((key, offset));
            let prefix = u64::from(needed.contains(&key));
            let Some(e) = self
                .nodes
                .get(&key)
                .and_then(|n| self.entries.get(n.entry as usize))
            else {
                continue;
            };
            cands.clear();
            cands.extend_from_slice(&e.candidates);
            cands.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let all = cands.len();
            cands.truncate(MAX_CANDIDATES);
            let total: u64 = cands.iter().map(|&(_, n)| u64::from(n)).sum();
            // The same arithmetic as the linker's commonness.
            let denominator = total.max(1) as f32;
            let floor = self.min_commonness;
            let mut first = true;
            cands.retain(|&(_, n)| std::mem::take(&mut first) || n as f32 / denominator >= floor);
            let stored: u64 = cands.iter().map(|&(_, n)| u64::from(n)).sum();
            let explicit = total != stored;
            put_varint(
                &mut payload,
                (cands.len() as u64) << 2 | u64::from(explicit) << 1 | prefix,
            );
            put_varint(&mut payload, u64::from(e.linked_docs));
            put_varint(&mut payload, u64::from(e.docs));
            if explicit {
                put_varint(&mut payload, total);
            }
            for &(c, n) in &cands {
                put_varint(&mut payload, u64::from(c));
                put_varint(&mut payload, u64::from(n));
            }
            stats.phrases += 1;
            stats.candidates += cands.len() as u64;
            stats.pruned_candidates += (all - cands.len()) as u64;
        }

        // At most 90% of the home slots are used; keys ascend, each in
        // the first free slot at or after its home; the last slot is empty.
        let home = (keys.len() as u64 * 10).div_ceil(9).max(1);
        let mut table: Vec<(u64, u32)> = vec![(EMPTY, 0); home as usize + 1];
        let mut next = 0usize;
        for (key, offset) in entries {
            let at = home_slot(key, home).max(next);
            if at + 1 >= table.len() {
                table.resize(at + 2, (EMPTY, 0));
            }
            table[at] = (key, offset);
            next = at + 1;
        }

        let mut out = Vec::with_capacity(HEADER + table.len() * SLOT + words * 8 + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(table.len() as u64).to_le_bytes());
        out.extend_from_slice(&home.to_le_bytes());
        out.extend_from_slice(&(words as u64).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.documents.to_le_bytes());
        out.extend_from_slice(&stats.phrases.to_le_bytes());
        out.extend_from_slice(&self.min_link_probability.to_le_bytes());
        out.extend_from_slice(&self.min_commonness.to_le_bytes());
        for (key, offset) in table {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&offset.to_le_bytes());
        }
        for w in filter {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&payload);
        stats.bytes = out.len() as u64;
        Ok((out, stats))
    }
}

/// The slot where the search for `key` starts, in `0..home`; ascending
/// with the key.
#[inline]
fn home_slot(key: u64, home: u64) -> usize {
    ((u128::from(key) * u128::from(home)) >> 64) as usize
}

/// The filter word of `key` (from its low half; the home slot comes from
/// the high bits).
#[inline]
fn filter_word(key: u64, words: usize) -> usize {
    (((key & 0xffff_ffff) * words as u64) >> 32) as usize
}

/// The 4 filter bits of `key` in its word (from bits 40..64).
#[inline]
fn filter_bits(key: u64) -> u64 {
    (1 << ((key >> 40) & 63))
        | (1 << ((key >> 46) & 63))
        | (1 << ((key >> 52) & 63))
        | (1 << (key >> 58))
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The LEB128 varint at `*pos`, moving past it; `None` when the bytes
/// end first or it is longer than a u64.
#[inline]
fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
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

fn get_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    u32::try_from(get_varint(bytes, pos)?).ok()
}

fn add_count(candidates: &mut Vec<(u32, u32)>, concept: u32, count: u32) {
    match candidates.iter_mut().find(|(c, _)| *c == concept) {
        Some((_, n)) => *n = n.saturating_add(count),
        None => candidates.push((concept, count)),
    }
}

/// Calls `found(first token, last token + 1, key, entry)` for every n-gram of
/// the tokens (given by their [`token_hash`]es) that `lookup` says is a
/// phrase, extending each start only while `lookup` says some phrase
/// continues.
pub(crate) fn for_each_ngram<T>(
    hashes: &[u64],
    mut lookup: impl FnMut(u64) -> (Option<T>, bool),
    mut found: impl FnMut(usize, usize, u64, T),
) {
    for i in 0..hashes.len() {
        let mut hasher = PhraseHasher::new();
        for (j, &h) in hashes.iter().enumerate().skip(i).take(MAX_PHRASE_TOKENS) {
            hasher.push_hash(h);
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
        let len = usize::try_from(head >> 2).unwrap_or(0).min(MAX_CANDIDATES);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase_key;

    fn key(s: &str) -> PhraseKey {
        phrase_key(s).unwrap()
    }

    fn sample() -> Vec<u8> {
        let mut b = DictionaryBuilder::with_floors(0.0, 0.0);
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
        b.finish().unwrap().0
    }

    #[test]
    fn spotting_finds_phrases_with_candidates_and_sees_later_ones() {
        let mut b = DictionaryBuilder::with_floors(0.0, 0.0);
        b.add_name(&key("theory of relativity"), 1);
        b.add_name(&key("relativity"), 2);
        b.add_phrase(&key("and"));
        let text = "The Theory-of relativity, and relativity.";
        let mut found = Vec::new();
        b.phrases_in(text, &mut found);
        let mut expected = vec![key("theory of relativity").key, key("relativity").key];
        expected.sort_unstable();
        // "theory of" is only a prefix; "and" has no candidate yet.
        assert_eq!(found, expected);
        b.add_link(key("and").key, 3, 1);
        found.clear();
        b.phrases_in(text, &mut found);
        assert_eq!(found.len(), 3);
        // Known without candidates, then a name: spotted from then on.
        b.add_phrase(&key("the"));
        b.phrases_in(text, &mut found);
        b.add_name(&key("The"), 4);
        found.clear();
        b.phrases_in(text, &mut found);
        assert_eq!(found.len(), 4);
        assert!(found.contains(&key("AND").key));
        assert!(!found.contains(&key("theory of").key));
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        assert_eq!(d.documents(), 3);
        assert_eq!(d.floors(), (0.0, 0.0));
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
    fn what_the_linker_never_uses_is_left_out() {
        let mut b = DictionaryBuilder::with_floors(0.03, 0.02);
        // "the planet": linked in 1 of 40 documents (2.5% < 3%); its
        // prefix "the" leads nowhere else, so it goes too.
        b.add_phrase(&key("the planet"));
        b.add_link(key("the planet").key, 3, 1);
        b.add_linked_document(key("the planet").key);
        // "mars": 99 links to 1, one to 2 (1% < 2%), one name of 3.
        b.add_phrase(&key("mars"));
        b.add_link(key("mars").key, 1, 99);
        b.add_link(key("mars").key, 2, 1);
        b.add_name(&key("Mars"), 3);
        for _ in 0..10 {
            b.add_linked_document(key("mars").key);
        }
        // "mars rover": kept, so "mars" stays a prefix.
        b.add_name(&key("Mars rover"), 4);
        for _ in 0..40 {
            let mut found = Vec::new();
            b.phrases_in("the planet mars", &mut found);
            b.add_occurrences(&found);
        }
        let (bytes, stats) = b.finish().unwrap();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        assert_eq!(d.floors(), (0.03, 0.02));
        assert!(d.get_text("the planet").is_none());
        // (The filter is empty here, so no false positive either.)
        let (the, prefix) = d.probe(key("the").key);
        assert!(the.is_none() && !prefix);
        let mars = d.get_text("mars").unwrap();
        // Commonness stays count / total of all 16 most common.
        assert_eq!(mars.candidates().collect::<Vec<_>>(), [(1, 99)]);
        assert_eq!(mars.total(), 101);
        assert!(d.probe(key("mars").key).1);
        assert!(d.get_text("mars rover").is_some());
        assert_eq!(
            (
                stats.phrases,
                stats.pruned_phrases,
                stats.candidates,
                stats.pruned_candidates
            ),
            (2, 1, 2, 2)
        );
        assert_eq!(stats.prefix_keys, 0);
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
        // Damaged payload bytes give wrong or missing entries, never a panic.
        let payload_start = bytes.len() - 20;
        for i in payload_start..bytes.len() {
            let mut b = bytes.clone();
            b[i] = 0xff;
            let d = MentionDictionary::from_bytes(&b).unwrap();
            for text in ["mercury", "quick silver", "quick", "mercury planet"] {
                if let Some(p) = d.get_text(text) {
                    let _ = p.candidates().count();
                }
            }
        }
    }

    #[test]
    fn a_payload_past_its_offsets_is_an_error_not_a_panic() {
        let build = |max_offset| {
            let mut b = DictionaryBuilder::with_floors(0.0, 0.0);
            for (i, name) in ["alpha", "beta", "gamma", "delta"].iter().enumerate() {
                b.add_name(&key(name), i as u32);
            }
            b.finish_within(max_offset)
        };
        // Each phrase's payload is 5 bytes here: the fourth starts at 15.
        assert!(build(15).is_ok());
        match build(14) {
            Err(e @ LinkerError::TooLarge { limit: 14 }) => assert_eq!(
                e.to_string(),
                "the mention dictionary is too large: its payload passes 14 bytes, the most its 32-bit offsets address"
            ),
            other => panic!("{:?}", other.map(|(bytes, _)| bytes.len())),
        }
    }

    #[test]
    fn empty_builder_gives_an_empty_dictionary() {
        let (bytes, stats) = DictionaryBuilder::new().finish().unwrap();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        assert_eq!(stats.phrases, 0);
        assert!(d.get_text("anything").is_none());
        assert!(!d.probe(u64::MAX - 1).1);
    }

    #[test]
    fn the_prefix_filter_has_no_false_negatives_and_few_false_positives() {
        let mut b = DictionaryBuilder::with_floors(0.0, 0.0);
        for i in 0..5000 {
            b.add_name(&key(&format!("p{i} q{i}")), i);
        }
        let (bytes, stats) = b.finish().unwrap();
        assert_eq!(stats.prefix_keys, 5000);
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        for i in 0..5000 {
            assert!(d.probe(key(&format!("p{i}")).key).1);
        }
        let false_positives = (0..100_000)
            .filter(|i| d.probe(key(&format!("r{i}")).key).1)
            .count();
        assert!(false_positives < 4_000, "{false_positives} of 100,000");
    }

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

        /// Without floors every phrase comes back with its 16 most
        /// common candidates, prefixes are flagged (no false negatives),
        /// other keys are absent.
        #[test]
        fn built_dictionaries_answer_like_a_map(
            names in proptest::collection::vec(
                (proptest::collection::vec(0u8..12, 1..4), 0u32..2_000_000, 1u32..300), 0..300),
            absent in proptest::collection::vec(proptest::num::u64::ANY, 0..50),
        ) {
            let mut b = DictionaryBuilder::with_floors(0.0, 0.0);
            let mut model: std::collections::HashMap<u64, (PhraseKey, Vec<(u32, u32)>)> = std::collections::HashMap::new();
            for (words, concept, count) in &names {
                let text: Vec<String> = words.iter().map(|w| format!("w{w}")).collect();
                let p = key(&text.join(" "));
                b.add_phrase(&p);
                b.add_link(p.key, *concept, *count);
                let e = model.entry(p.key).or_insert_with(|| (p.clone(), Vec::new()));
                add_count(&mut e.1, *concept, *count);
            }
            let (bytes, stats) = b.finish().unwrap();
            let d = MentionDictionary::from_bytes(&bytes).unwrap();
            proptest::prop_assert_eq!(stats.phrases, model.len() as u64);
            let prefixes: HashSet<u64> =
                model.values().flat_map(|(p, _)| p.prefixes.iter().copied()).collect();
            for (k, (_, cands)) in &model {
                let mut want = cands.clone();
                want.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                want.truncate(MAX_CANDIDATES);
                let total: u64 = want.iter().map(|c| u64::from(c.1)).sum();
                let (got, prefix) = d.probe(*k);
                let got = got.unwrap();
                proptest::prop_assert_eq!(got.candidates().collect::<Vec<_>>(), want);
                proptest::prop_assert_eq!(got.total(), total);
                proptest::prop_assert_eq!(prefix, prefixes.contains(k));
            }
            for p in &prefixes {
                proptest::prop_assert!(d.probe(*p).1);
            }
            for k in absent {
                if !model.contains_key(&k) {
                    // (The prefix answer may be a filter false positive.)
                    proptest::prop_assert!(d.probe(k).0.is_none());
                }
            }
        }
    }

    /// Reads `bytes` as a dictionary and, if they are one, looks up every
    /// key they hold and a few words: what the `mentions` fuzz target does.
    fn read_and_look_up(bytes: &[u8]) {
        let Ok(d) = MentionDictionary::from_bytes(bytes) else {
            return;
        };
        let _ = (d.documents(), d.phrase_count(), d.floors());
        for c in bytes.chunks_exact(8) {
            let key = u64::from_le_bytes(c.try_into().unwrap());
            if let Some(p) = d.get(key) {
                let _ = (p.link_probability(), p.total(), p.candidates().count());
            }
            let _ = d.probe(key);
        }
        for text in ["Mercury", "Mercury (planet)", "the planet", "x"] {
            if let Some(p) = d.get_text(text) {
                let _ = p.candidates().count();
            }
        }
    }

    proptest::proptest! {
        /// Damaged dictionaries (bytes flipped, cut short, inserted) and
        /// arbitrary bytes are refused or answer; nothing panics.
        #[test]
        fn damaged_dictionaries_never_panic(
            flips in proptest::collection::vec((proptest::num::usize::ANY, 1u8..=255), 0..8),
            cut in proptest::option::of(proptest::num::usize::ANY),
            insert in proptest::option::of((proptest::num::usize::ANY, proptest::num::u8::ANY)),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut bytes = sample();
            for &(at, x) in &flips {
                let at = at % bytes.len();
                bytes[at] ^= x;
            }
            if let Some((at, b)) = insert {
                bytes.insert(at % (bytes.len() + 1), b);
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            read_and_look_up(&bytes);
            read_and_look_up(&noise);
            // The header of a real dictionary over arbitrary bytes.
            let mut forged = sample()[..HEADER].to_vec();
            forged.extend_from_slice(&noise);
            read_and_look_up(&forged);
        }
    }
}
