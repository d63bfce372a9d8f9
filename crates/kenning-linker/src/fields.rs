//! Concept detection over a record's fields (a course's title, its
//! keywords, its description), each with a weight.
//!
//! A short field that *is* a name (a keyword "Thermodynamics", a title
//! "Artificial neural networks") is matched whole against the mention
//! dictionary, plural or not, whatever its link probability: its author
//! chose it as a topic. Every field is also linked as text by the
//! [`Linker`]. A concept's evidence per field is its best score there,
//! times the field's weight; its score for the record is the noisy-or of
//! its fields', and the record's concept list says which fields each came
//! from.
//!
//! It knows nothing of record formats: the caller says which texts are
//! which field (see `kenning-records` for the usual mapping).

use std::collections::HashMap;

use crate::linker::{Annotation, ConceptGraph, Linker};

/// One field of a record to link.
#[derive(Clone, Copy, Debug)]
pub struct RecordField<'t> {
    /// The field's name, reported back (`"title"`, `"keywords"`, `"text"`).
    pub name: &'t str,
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
    /// Indices into the fields given, of the fields it was found in, in
    /// order.
    pub fields: Vec<usize>,
}

/// What [`link_fields`] found.
#[derive(Clone, Debug, Default)]
pub struct FieldLinks {
    /// The record's concepts, best first (ties by concept).
    pub concepts: Vec<FieldConcept>,
    /// The annotations of the running-text linking, with the index of the
    /// field they are in (offsets within that field's text).
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
    // Per concept: per field, the best score seen.
    let mut best: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
    let mut note = |concept: u32, field: usize, score: f32| {
        let entry = best.entry(concept).or_default();
        match entry.iter_mut().find(|(f, _)| *f == field) {
            Some((_, s)) => *s = s.max(score),
            None => entry.push((field, score)),
        }
    };
    let mut annotations = Vec::new();
    for (i, field) in fields.iter().enumerate() {
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
                note(concept, i, whole_match_score(commonness));
            }
        }
        let linked = linker.link(field.text);
        for a in &linked.annotations {
            note(a.concept, i, a.score);
        }
        // Short fields are linked again in the singular: "neural networks"
        // finds "Neural network". Offsets differ, so only concepts count.
        if field.whole
            && let Some(variant) = singular(field.text)
        {
            for a in linker.link(&variant).annotations {
                note(a.concept, i, a.score);
            }
        }
        annotations.extend(linked.annotations.into_iter().map(|a| (i, a)));
    }
    let mut concepts: Vec<FieldConcept> = best
        .into_iter()
        .map(|(concept, mut per_field)| {
            per_field.sort_by_key(|&(f, _)| f);
            let miss: f32 = per_field
                .iter()
                .map(|&(f, s)| 1.0 - (fields[f].weight.clamp(0.0, 1.0) * s.clamp(0.0, 1.0)))
                .product();
            FieldConcept {
                concept,
                score: 1.0 - miss,
                fields: per_field.into_iter().map(|(f, _)| f).collect(),
            }
        })
        .collect();
    concepts.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    FieldLinks {
        concepts,
        annotations,
    }
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
                name: "title",
                text: "Artificial neural networks",
                weight: 1.0,
                whole: true,
            },
            RecordField {
                name: "keywords",
                text: "Probabilities",
                weight: 0.8,
                whole: true,
            },
            RecordField {
                name: "text",
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
        assert_eq!(network.fields, [0]);
        // The keyword "Probabilities" matches the name whole.
        let probability = by_concept[&2];
        assert_eq!(probability.fields, [1]);
        assert!((probability.score - 0.8).abs() < 1e-6, "{probability:?}");
        assert!(!by_concept.contains_key(&4), "{found:?}");
        assert!(network.score > 0.45, "{network:?}");
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
