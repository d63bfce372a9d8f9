//! Concept detection over a record's fields (a course's title, its
//! keywords, its description), each with a weight.
//!
//! A short field that *is* a name (a keyword "Thermodynamics", a title
//! "Artificial neural networks") is matched whole against the mention
//! dictionary, plural or not, whatever its link probability: its author
//! chose it as a topic. The names inside a short field are taken too
//! ("Probabilities and statistics" names Probability and Statistics; a
//! single word only when it is specific), and the names of several words
//! inside a long one. Every field is also linked as text by the
//! [`Linker`]. A concept's evidence per field is its best score there,
//! times the field's weight; its score for the record is the noisy-or of
//! its fields', and the record's concept list says which fields each came
//! from.
//!
//! It knows nothing of record formats: the caller says which texts are
//! which field (see `kenning-records` for the usual mapping).

use std::collections::HashMap;

use crate::dictionary::Phrase;
use crate::linker::{Annotation, ConceptGraph, Linker};
use crate::phrase::{Tokens, for_each_ngram, token_hash};

/// One text of a record to link: a field, or one item of a field (a
/// keyword).
#[derive(Clone, Copy, Debug)]
pub struct RecordField<'t> {
    /// The field's number, below 32, reported back as a bit of
    /// [`FieldConcept::fields`] (several texts can share one: the items of
    /// a keywords list).
    pub field: usize,
    /// Its text.
    pub text: &'t str,
    /// How much a concept found in it counts, in `[0, 1]`.
    pub weight: f32,
    /// Whether the whole text is tried as one name first (a title, one
    /// keyword), not only linked as running text.
    pub whole: bool,
}

/// A concept of a record, with the fields it was found in.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldConcept {
    /// The concept.
    pub concept: u32,
    /// Noisy-or of the fields' weighted scores, in `[0, 1]`.
    pub score: f32,
    /// The fields it was found in: bit `n` for field number `n`.
    pub fields: u32,
}

/// What [`link_fields`] found.
#[derive(Clone, Debug, Default)]
pub struct FieldLinks {
    /// The record's concepts, best first (ties by concept).
    pub concepts: Vec<FieldConcept>,
    /// The annotations of the running-text linking, with the number of the
    /// field they are in (offsets within that text).
    pub annotations: Vec<(usize, Annotation)>,
}

/// Score of a field that is, whole, a phrase of the dictionary: a floor
/// for being named outright, plus the candidate's commonness.
fn whole_match_score(commonness: f32) -> f32 {
    0.6 + 0.4 * commonness.clamp(0.0, 1.0)
}

/// Links every field of a record; see the module's documentation.
pub fn link_fields<G: ConceptGraph>(
    linker: &Linker<'_, G>,
    fields: &[RecordField<'_>],
) -> FieldLinks {
    // Per concept: per field, the best score seen, with the field's weight.
    let mut best: HashMap<u32, Vec<(usize, f32, f32)>> = HashMap::new();
    let mut note = |concept: u32, field: &RecordField<'_>, score: f32| {
        let entry = best.entry(concept).or_default();
        let weight = field.weight.clamp(0.0, 1.0);
        match entry.iter_mut().find(|(f, _, _)| *f == field.field) {
            Some((_, s, w)) => {
                *s = s.max(score);
                *w = w.max(weight);
            }
            None => entry.push((field.field, score, weight)),
        }
    };
    let mut annotations = Vec::new();
    for field in fields.iter().filter(|f| f.field < 32) {
        let text = field.text.trim();
        if text.is_empty() {
            continue;
        }
        if field.whole {
            let variants = [Some(text.to_owned()), singular(text)];
            let found = variants.iter().flatten().find_map(|v| {
                let phrase = linker.dictionary().get_text(v)?;
                let total = phrase.total().max(1) as f32;
                let (concept, count) = phrase.candidates().next()?;
                Some((concept, count as f32 / total))
            });
            if let Some((concept, commonness)) = found {
                note(concept, field, whole_match_score(commonness));
            }
        }
        let min_words = if field.whole { 1 } else { 2 };
        for (concept, score) in names_within(linker, text, min_words) {
            note(concept, field, score);
        }
        let linked = linker.link(field.text);
        for a in &linked.annotations {
            note(a.concept, field, a.score);
        }
        // Short fields are linked again in the singular: "neural networks"
        // finds "Neural network". Offsets differ, so only concepts count.
        if field.whole
            && let Some(variant) = singular(field.text)
        {
            for a in linker.link(&variant).annotations {
                note(a.concept, field, a.score);
            }
        }
        annotations.extend(linked.annotations.into_iter().map(|a| (field.field, a)));
    }
    let mut concepts: Vec<FieldConcept> = best
        .into_iter()
        .map(|(concept, per_field)| {
            let miss: f32 = per_field
                .iter()
                .map(|&(_, s, w)| 1.0 - w * s.clamp(0.0, 1.0))
                .product();
            FieldConcept {
                concept,
                score: 1.0 - miss,
                fields: per_field.iter().fold(0, |mask, &(f, _, _)| mask | 1 << f),
            }
        })
        .collect();
    concepts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    FieldLinks {
        concepts,
        annotations,
    }
}

/// The concepts named by phrases inside a text ("Probabilities and
/// statistics I" names Probability and Statistics): left to right, the
/// longest run of at least `min_words` tokens (as written, or in the
/// singular) that is a concept's name, a title or redirect, is taken, and
/// the search goes on after it. A run that is the whole text is left to
/// the whole match. A single word is taken only when it looks like a topic
/// ([`topical_word`]). Each gets a score of `0.45 + 0.3 × commonness`.
fn names_within<G: ConceptGraph>(
    linker: &Linker<'_, G>,
    text: &str,
    min_words: usize,
) -> Vec<(u32, f32)> {
    let dictionary = linker.dictionary();
    let documents = dictionary.documents().max(1) as f64;
    let words: Vec<&str> = Tokens::new(text).map(|t| &text[t.start..t.end]).collect();
    let written: Vec<u64> = words.iter().map(|w| token_hash(w)).collect();
    let singular: Vec<u64> = words
        .iter()
        .zip(&written)
        .map(|(w, &h)| singular_word(w).map_or(h, |s| token_hash(&s)))
        .collect();
    // The longest name starting at each token, either way of writing it.
    let mut longest: Vec<Option<(usize, Phrase<'_>)>> = vec![None; words.len()];
    let spellings = if singular == written {
        &[&written][..]
    } else {
        &[&written, &singular][..]
    };
    for hashes in spellings {
        for_each_ngram(
            hashes,
            |key| dictionary.probe(key),
            |first, end, _, phrase: Phrase<'_>| {
                let n = end - first;
                if n < min_words || n == words.len() || !phrase.is_name() {
                    return;
                }
                if n == 1 && !topical_word(words[first], &phrase, documents) {
                    return;
                }
                if longest[first].is_none_or(|(e, _)| end > e) {
                    longest[first] = Some((end, phrase));
                }
            },
        );
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some((end, phrase)) = longest[i] else {
            i += 1;
            continue;
        };
        if let Some((concept, count)) = phrase.candidates().next() {
            let commonness = count as f32 / phrase.total().max(1) as f32;
            found.push((concept, 0.45 + 0.3 * commonness.clamp(0.0, 1.0)));
        }
        i = end;
    }
    found
}

/// A single word is taken as a name inside a field when it occurs in at
/// most this share of the documents counted ("optics", "geometry")…
const RARE_WORD_SHARE: f64 = 0.02;
/// …or, more common, when it is a link this often where it occurs
/// ("Switzerland", "medicine"; not "analysis", "product", "density").
const TOPICAL_LINK_PROBABILITY: f32 = 0.05;
/// Words that say what kind of course or work a record is, not what it is
/// about; never taken as names inside a field.
const FORM_WORDS: &[&str] = &[
    "bachelor",
    "course",
    "introduction",
    "laboratory",
    "lecture",
    "master",
    "practical",
    "project",
    "seminar",
    "semester",
    "studio",
    "thesis",
    "workshop",
];

/// Whether a single word of a field is specific enough to be a topic. The
/// thresholds were chosen by reading the 648 single words of EPFL's 2019
/// course titles and keywords that are names of the Wikispeedia +
/// WikiExtractor snapshot, with their document share and link probability.
fn topical_word(word: &str, phrase: &Phrase<'_>, documents: f64) -> bool {
    let share = f64::from(phrase.docs()) / documents;
    let lower = word.to_lowercase();
    let base = singular_word(&lower).unwrap_or_else(|| lower.clone());
    word.chars().count() >= 3
        && !FORM_WORDS.contains(&lower.as_str())
        && !FORM_WORDS.contains(&base.as_str())
        && (share <= RARE_WORD_SHARE || phrase.link_probability() >= TOPICAL_LINK_PROBABILITY)
}

/// `text` with English plural words made singular ("neural networks" →
/// "neural network", "probabilities" → "probability"), or `None` when no
/// word changed. Only lower-case endings of words of four letters or more;
/// "-ss", "-us" and "-is" words are left alone ("class", "virus",
/// "analysis").
pub fn singular(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        if let Some(s) = singular_word(word) {
            out.push_str(&s);
            changed = true;
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    changed.then_some(out)
}

fn singular_word(word: &str) -> Option<String> {
    if word.chars().count() < 4 || !word.is_ascii() {
        return None;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix("sses") {
        return Some(format!("{stem}ss"));
    }
    if ["ss", "us", "is"].iter().any(|end| word.ends_with(end)) {
        return None;
    }
    word.strip_suffix('s').map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DictionaryBuilder, LinkerOptions, MentionDictionary, phrase_key};

    /// Concepts: 0 Neural network, 1 Thermodynamics, 2 Probability,
    /// 3 Statistics, 4 Engine.
    struct Graph;
    impl ConceptGraph for Graph {
        fn concept_count(&self) -> usize {
            5
        }
        fn in_links(&self, concept: u32, out: &mut Vec<u32>) {
            out.extend([[1, 2], [0, 4], [3, 0], [2, 1], [1, 3]][concept as usize]);
        }
        fn description(&self, _: u32) -> &str {
            ""
        }
    }

    fn dictionary() -> Vec<u8> {
        let mut b = DictionaryBuilder::new();
        let names = [
            "Neural network",
            "Thermodynamics",
            "Probability",
            "Statistics",
            "Engine",
        ];
        for (i, name) in names.iter().enumerate() {
            b.add_name(&phrase_key(name).unwrap(), i as u32);
        }
        // Common words: linked in few of the documents they occur in.
        for _ in 0..200 {
            let mut found = Vec::new();
            b.phrases_in("the engine of probability and statistics", &mut found);
            b.add_occurrences(&found);
        }
        b.finish().unwrap().0
    }

    #[test]
    fn whole_fields_match_names_in_the_plural_and_weigh_by_field() {
        let bytes = dictionary();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &Graph, LinkerOptions::default());
        let fields = [
            RecordField {
                field: 0,
                text: "Artificial neural networks",
                weight: 1.0,
                whole: true,
            },
            RecordField {
                field: 2,
                text: "Probabilities",
                weight: 0.8,
                whole: true,
            },
            RecordField {
                field: 1,
                text: "An engine of probability.",
                weight: 0.6,
                whole: false,
            },
        ];
        // Running text alone finds nothing: these phrases are rarely links.
        assert!(linker.link(fields[2].text).annotations.is_empty());
        let found = link_fields(&linker, &fields);
        let by_concept: HashMap<u32, &FieldConcept> =
            found.concepts.iter().map(|c| (c.concept, c)).collect();
        // "networks" in the title is found through its singular.
        let network = by_concept[&0];
        assert_eq!(network.fields, 0b1);
        // The keyword "Probabilities" matches the name whole.
        let probability = by_concept[&2];
        assert_eq!(probability.fields, 0b100);
        assert!((probability.score - 0.8).abs() < 1e-6, "{probability:?}");
        assert!(!by_concept.contains_key(&4), "{found:?}");
        assert!(network.score > 0.45, "{network:?}");
    }

    #[test]
    fn names_inside_fields_are_taken_when_specific() {
        // 0 "Heat engine" and 2 "Probability" occur in every counted
        // document and are never links there; 1 "Thermodynamics" and 3
        // "Seminar" occur in none.
        let mut b = DictionaryBuilder::new();
        for (name, concept) in [
            ("Heat engine", 0),
            ("Thermodynamics", 1),
            ("Probability", 2),
            ("Seminar", 3),
        ] {
            b.add_name(&phrase_key(name).unwrap(), concept);
        }
        for _ in 0..200 {
            let mut found = Vec::new();
            b.phrases_in("a heat engine and its probability", &mut found);
            b.add_occurrences(&found);
        }
        let bytes = b.finish().unwrap().0;
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &Graph, LinkerOptions::default());
        let field = |field, text| RecordField {
            field,
            text,
            weight: 1.0,
            whole: field == 0,
        };
        let concepts = |found: FieldLinks| -> Vec<(u32, u32)> {
            found
                .concepts
                .iter()
                .map(|c| (c.concept, c.fields))
                .collect()
        };
        // Running text alone finds neither common phrase.
        assert!(
            linker
                .link("a heat engine and its probability")
                .annotations
                .is_empty()
        );
        // Inside a title: the name of several words is taken; the common
        // single word is not.
        let title = "Heat engines and probability";
        let found = link_fields(&linker, &[field(0, title)]);
        assert_eq!(concepts(found), [(0, 0b1)]);
        // A form word is not a topic, rare as it is.
        let dictionary = linker.dictionary();
        let documents = dictionary.documents() as f64;
        let rare = |word| dictionary.get_text(word).unwrap();
        assert!(topical_word(
            "Thermodynamics",
            &rare("Thermodynamics"),
            documents
        ));
        assert!(!topical_word("Seminar", &rare("Seminar"), documents));
        assert!(!topical_word(
            "probability",
            &rare("probability"),
            documents
        ));
        // In running text, only names of several words are taken so.
        let found = link_fields(&linker, &[field(1, "The heat engines of probability.")]);
        assert_eq!(concepts(found), [(0, 0b10)]);
    }

    #[test]
    fn singular_forms() {
        assert_eq!(
            singular("neural networks").as_deref(),
            Some("neural network")
        );
        assert_eq!(
            singular("Probabilities and statistics I").as_deref(),
            Some("Probability and statistic I")
        );
        assert_eq!(singular("classes").as_deref(), Some("class"));
        assert_eq!(singular("analysis of virus"), None);
        assert_eq!(singular("gas"), None);
        assert_eq!(singular("Ångströms"), None);
        assert_eq!(singular(""), None);
    }
}
