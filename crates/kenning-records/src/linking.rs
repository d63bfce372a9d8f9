//! Which texts of a record concept detection reads, and how much a concept
//! found in each counts: the record's `title`, the listed fields (by
//! default `keywords`) and its `text`.
//!
//! This module only picks the texts out of a record and names them; the
//! linker (`kenning_linker::link_fields`) detects the concepts. The build
//! and the engine use the same [`FieldWeights`] (the build writes it into
//! the snapshot), so a record written live is linked as a built one is.

use serde::{Deserialize, Serialize};

use crate::{FieldValue, Record};

/// Weight of a concept found in a record's title.
pub const TITLE_WEIGHT: f32 = 1.0;
/// Weight of a concept found in a record's `keywords` field.
pub const KEYWORDS_WEIGHT: f32 = 0.85;
/// Weight of a concept found in a record's text.
pub const TEXT_WEIGHT: f32 = 0.7;
/// Weight of a field named without one (`--link-field content`).
pub const DEFAULT_FIELD_WEIGHT: f32 = 0.6;
/// The field read by default beside the title and text.
pub const KEYWORDS: &str = "keywords";
/// The number of the title field.
pub const TITLE_FIELD: usize = 0;
/// The number of the text field (annotations are offsets in it).
pub const TEXT_FIELD: usize = 1;
/// Pieces of a field tried as names whole: at most this many words.
const MAX_WHOLE_WORDS: usize = 6;
/// Items taken from one field (a keywords list); the rest are ignored.
const MAX_ITEMS: usize = 64;
/// Fields a record can be linked on, title and text included (a mask of
/// them fits in a `u32`).
pub const MAX_LINKED_FIELDS: usize = 32;

/// One field of records to link, with its weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldWeight {
    /// The field's name in `fields` (`keywords`, `content`, …).
    pub name: String,
    /// How much a concept found in it counts, in `[0, 1]`.
    pub weight: f32,
}

/// The fields of records that concept detection reads besides the title and
/// the text, in order; every record is linked on `title` (weight
/// [`TITLE_WEIGHT`]), these fields, and `text` ([`TEXT_WEIGHT`]).
///
/// Field numbers, used by masks ([`FieldWeights::names_of`]): 0 is the
/// title, 1 the text, then these fields in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldWeights {
    fields: Vec<FieldWeight>,
}

impl Default for FieldWeights {
    /// `keywords` with weight [`KEYWORDS_WEIGHT`].
    fn default() -> FieldWeights {
        FieldWeights {
            fields: vec![FieldWeight {
                name: KEYWORDS.to_owned(),
                weight: KEYWORDS_WEIGHT,
            }],
        }
    }
}

/// A text of a record to link: one of its fields, or one item of a listed
/// field (one keyword).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldText<'r> {
    /// The field's number (see [`FieldWeights`]).
    pub field: usize,
    /// The text.
    pub text: &'r str,
    /// The field's weight.
    pub weight: f32,
    /// Short enough to be tried as one name whole (a title, one keyword).
    pub whole: bool,
}

impl FieldWeights {
    /// The default fields with `specs` applied, each `NAME` or
    /// `NAME=WEIGHT` (`content=0.6`): a new name is added, a known one
    /// (`keywords`) gets the weight given. An error says which spec is
    /// wrong and why.
    pub fn with_specs<S: AsRef<str>>(specs: &[S]) -> Result<FieldWeights, String> {
        let mut weights = FieldWeights::default();
        for spec in specs {
            let spec = spec.as_ref();
            let (name, weight) = match spec.split_once('=') {
                Some((name, w)) => {
                    let weight: f32 = w.trim().parse().map_err(|_| {
                        format!("--link-field {spec:?}: the weight {w:?} is not a number")
                    })?;
                    (name.trim(), weight)
                }
                None => (spec.trim(), DEFAULT_FIELD_WEIGHT),
            };
            if name.is_empty() {
                return Err(format!("--link-field {spec:?}: no field name"));
            }
            if !(0.0..=1.0).contains(&weight) {
                return Err(format!(
                    "--link-field {spec:?}: the weight must be between 0 and 1"
                ));
            }
            if ["title", "text"].contains(&name) {
                return Err(format!(
                    "--link-field {spec:?}: a record's title and text are always linked \
                     (weights {TITLE_WEIGHT} and {TEXT_WEIGHT})"
                ));
            }
            let full = weights.fields.len() + 2 >= MAX_LINKED_FIELDS;
            match weights.fields.iter_mut().find(|f| f.name == name) {
                Some(f) => f.weight = weight,
                None if full => {
                    return Err(format!(
                        "--link-field {spec:?}: at most {} fields can be linked",
                        MAX_LINKED_FIELDS - 2
                    ));
                }
                None => weights.fields.push(FieldWeight {
                    name: name.to_owned(),
                    weight,
                }),
            }
        }
        Ok(weights)
    }

    /// The listed fields as stored (`meta.json`): no default added, weights
    /// clamped to `[0, 1]`, names past [`MAX_LINKED_FIELDS`] or repeated,
    /// or naming the title or text, dropped.
    pub fn from_stored(stored: impl IntoIterator<Item = (String, f32)>) -> FieldWeights {
        let mut fields: Vec<FieldWeight> = Vec::new();
        for (name, weight) in stored {
            if fields.len() + 2 >= MAX_LINKED_FIELDS
                || ["title", "text"].contains(&name.as_str())
                || fields.iter().any(|f| f.name == name)
            {
                continue;
            }
            let weight = if weight.is_finite() {
                weight.clamp(0.0, 1.0)
            } else {
                0.0
            };
            fields.push(FieldWeight { name, weight });
        }
        FieldWeights { fields }
    }

    /// The listed fields as `(name, weight)` pairs, for storing.
    pub fn to_stored(&self) -> Vec<(String, f32)> {
        self.fields
            .iter()
            .map(|f| (f.name.clone(), f.weight))
            .collect()
    }

    /// The listed fields (without title and text), in order.
    pub fn fields(&self) -> &[FieldWeight] {
        &self.fields
    }

    /// The name of field number `field` (`title`, `text`, then the listed
    /// fields).
    pub fn name(&self, field: usize) -> Option<&str> {
        match field {
            0 => Some("title"),
            1 => Some("text"),
            n => self.fields.get(n - 2).map(|f| f.name.as_str()),
        }
    }

    /// The number of the field named `name`.
    pub fn number(&self, name: &str) -> Option<usize> {
        match name {
            "title" => Some(0),
            "text" => Some(1),
            _ => self
                .fields
                .iter()
                .position(|f| f.name == name)
                .map(|i| i + 2),
        }
    }

    /// The names of the fields in `mask` (bit n for field number n), in
    /// reading order: the title, the listed fields, the text.
    pub fn names_of(&self, mask: u32) -> Vec<&str> {
        let order = std::iter::once(TITLE_FIELD)
            .chain(2..MAX_LINKED_FIELDS)
            .chain([TEXT_FIELD]);
        order
            .filter(|&n| mask & (1 << n) != 0)
            .filter_map(|n| self.name(n))
            .collect()
    }

    /// The texts of `record` to link: its title, the listed fields' items,
    /// then its text (as it is, never tried as a name). A field holding a
    /// list gives each item; a string holding `;` gives each piece between
    /// them (a keywords field, `"reinforcement learning; sarsa"`); any
    /// other string is one text. Numbers and booleans are not linked;
    /// empty pieces are left out.
    pub fn texts<'r>(&self, record: &'r Record) -> Vec<FieldText<'r>> {
        let mut out = Vec::new();
        let mut push = |field: usize, text: &'r str, weight: f32| {
            let text = text.trim().trim_end_matches('.').trim();
            if !text.is_empty() {
                out.push(FieldText {
                    field,
                    text,
                    weight,
                    whole: text.split_whitespace().count() <= MAX_WHOLE_WORDS,
                });
            }
        };
        push(TITLE_FIELD, &record.title, TITLE_WEIGHT);
        for (i, f) in self.fields.iter().enumerate() {
            let number = i + 2;
            match record.fields.get(&f.name) {
                Some(FieldValue::Text(s)) if s.contains(';') => s
                    .split(';')
                    .take(MAX_ITEMS)
                    .for_each(|piece| push(number, piece, f.weight)),
                Some(FieldValue::Text(s)) => push(number, s, f.weight),
                Some(FieldValue::List(items)) => {
                    for item in items.iter().take(MAX_ITEMS) {
                        if let FieldValue::Text(s) = item {
                            push(number, s, f.weight);
                        }
                    }
                }
                _ => {}
            }
        }
        // The text as it is: annotations' offsets are counted in it.
        if !record.text.trim().is_empty() {
            out.push(FieldText {
                field: TEXT_FIELD,
                text: &record.text,
                weight: TEXT_WEIGHT,
                whole: false,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fields;

    fn course() -> Record {
        Record {
            kind: "course".into(),
            id: "CS-456".into(),
            title: "Artificial neural networks".into(),
            text: "Deep learning changed computer vision.".into(),
            fields: [
                (
                    "keywords",
                    FieldValue::Text("reinforcement learning; sarsa; ; deep learning.".into()),
                ),
                ("content", FieldValue::Text("Simple perceptrons".into())),
                (
                    "topics",
                    FieldValue::List(vec![
                        FieldValue::Text("Optimisation".into()),
                        FieldValue::Integer(3),
                    ]),
                ),
                ("credits", FieldValue::Integer(6)),
            ]
            .into_iter()
            .collect::<Fields>(),
            ..Record::default()
        }
    }

    #[test]
    fn default_fields_are_title_keywords_and_text() {
        let weights = FieldWeights::default();
        let record = course();
        let texts: Vec<(&str, &str, bool)> = weights
            .texts(&record)
            .iter()
            .map(|t| (weights.name(t.field).unwrap(), t.text, t.whole))
            .collect();
        assert_eq!(
            texts,
            [
                ("title", "Artificial neural networks", true),
                ("keywords", "reinforcement learning", true),
                ("keywords", "sarsa", true),
                ("keywords", "deep learning", true),
                ("text", "Deep learning changed computer vision.", false),
            ]
        );
    }

    #[test]
    fn specs_add_fields_and_change_weights() {
        let weights =
            FieldWeights::with_specs(&["content", "keywords=0.5", "topics = 0.9"]).unwrap();
        let names: Vec<(&str, f32)> = weights
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.weight))
            .collect();
        assert_eq!(
            names,
            [
                ("keywords", 0.5),
                ("content", DEFAULT_FIELD_WEIGHT),
                ("topics", 0.9)
            ]
        );
        let record = course();
        let texts: Vec<&str> = weights.texts(&record).iter().map(|t| t.text).collect();
        assert!(texts.contains(&"Simple perceptrons"), "{texts:?}");
        assert!(texts.contains(&"Optimisation"), "{texts:?}");
        assert_eq!(weights.number("topics"), Some(4));
        assert_eq!(weights.names_of(0b10011), ["title", "topics", "text"]);
        for bad in ["x=2", "x=heavy", "=0.5", "title", "text=0.3"] {
            let e = FieldWeights::with_specs(&[bad]).unwrap_err();
            assert!(e.starts_with("--link-field"), "{e}");
        }
        let many: Vec<String> = (0..40).map(|i| format!("f{i}")).collect();
        assert!(FieldWeights::with_specs(&many).is_err());
    }

    #[test]
    fn stored_weights_are_checked() {
        let weights = FieldWeights::with_specs(&["content=0.5"]).unwrap();
        assert_eq!(FieldWeights::from_stored(weights.to_stored()), weights);
        let odd = FieldWeights::from_stored([
            ("title".to_owned(), 0.5),
            ("a".to_owned(), 7.0),
            ("a".to_owned(), 0.1),
            ("b".to_owned(), f32::NAN),
        ]);
        assert_eq!(
            odd.to_stored(),
            [("a".to_owned(), 1.0), ("b".to_owned(), 0.0)]
        );
    }

    #[test]
    fn weights_round_trip_as_a_json_list() {
        let weights = FieldWeights::with_specs(&["content=0.5"]).unwrap();
        let json = serde_json::to_string(&weights).unwrap();
        assert_eq!(
            json,
            r#"[{"name":"keywords","weight":0.85},{"name":"content","weight":0.5}]"#
        );
        assert_eq!(
            serde_json::from_str::<FieldWeights>(&json).unwrap(),
            weights
        );
    }
}
