//! Building a mention dictionary: [`DictionaryBuilder`] collects phrases,
//! candidates and counts (with a frozen table for spotting phrases in
//! texts), leaves out what the linker would never use, and writes the
//! built form described in `format`. Reading it is `reader`'s business.

use std::collections::HashSet;

use super::format::{
    EMPTY, FILTER_BITS_PER_KEY, HEADER, MAGIC, MAX_CANDIDATES, SLOT, VERSION, filter_bits,
    filter_word, home_slot, link_probability, put_varint,
};
use crate::LinkerError;
use crate::linker::LinkerOptions;
use crate::phrase::{KeyMap, MAX_PHRASE_TOKENS, PhraseKey, for_each_ngram, token_hashes};

/// What the builder knows of a phrase.
#[derive(Debug, Default)]
struct Entry {
    linked_docs: u32,
    docs: u32,
    /// How many of `linked_docs` are names ([`DictionaryBuilder::add_name`]):
    /// a phrase whose linked documents are all names was never an anchor.
    names: u32,
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
        e.names = e.names.saturating_add(1);
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
            // A name is kept whatever its link probability: the linker
            // may match it whole (a record's keyword) or, when it was
            // never an anchor, by its title-match prior.
            if e.names == 0 && link_probability(e.linked_docs, e.docs) < self.min_link_probability {
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
            let name = u64::from(e.names > 0);
            let anchored = u64::from(e.linked_docs > e.names);
            put_varint(
                &mut payload,
                (cands.len() as u64) << 4
                    | anchored << 3
                    | name << 2
                    | u64::from(explicit) << 1
                    | prefix,
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

pub(super) fn add_count(candidates: &mut Vec<(u32, u32)>, concept: u32, count: u32) {
    match candidates.iter_mut().find(|(c, _)| *c == concept) {
        Some((_, n)) => *n = n.saturating_add(count),
        None => candidates.push((concept, count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase_key;

    fn key(s: &str) -> PhraseKey {
        phrase_key(s).unwrap()
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
}
