//! The builder and the reader together: what is built is read back
//! (round trips, pruning, the prefix filter), and damaged buffers are
//! refused or answered, never a panic.

use std::collections::HashSet;

use super::builder::add_count;
use super::format::{HEADER, MAX_CANDIDATES};
use super::{DictionaryBuilder, MentionDictionary};
use crate::{LinkerError, PhraseKey, phrase_key};

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
