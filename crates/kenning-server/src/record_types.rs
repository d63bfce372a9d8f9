//! How pages name the institution's record types and their fields: the
//! `record_types` of the config file, and the defaults when it says
//! nothing.
//!
//! ```json
//! {"record_types": {"course": {"label": "Course", "plural": "Courses",
//!   "fields": {"course_code": "Code", "credits_2025": "Credits"},
//!   "code_field": "course_code"}}}
//! ```
//!
//! Fields named in `fields` come first, in the order written, under their
//! labels; the others follow in name order, their names made readable:
//! `_` as spaces, a year suffix in brackets (`study_periods_2019` →
//! "Study periods (2019)"), and the language variants of one field
//! (`name`, `name_en`, `name_fr`) on one line, each value marked with its
//! language. The code field (`course_code` unless `code_field` says
//! otherwise) is shown beside the type, not among the fields.

use std::collections::BTreeMap;
use std::fmt;

use kenning_records::{DEFAULT_CODE_FIELDS, FieldValue, Fields};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de};

use crate::page_parts;

/// How pages name one record type (`record_types.{type}` in the config).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordTypeConfig {
    /// The type's name for one record ("Course").
    pub label: Option<String>,
    /// The type's name for several ("Courses").
    pub plural: Option<String>,
    /// Field labels, in the order the page shows them.
    #[serde(default)]
    pub fields: FieldLabels,
    /// The field that holds the record's code, shown beside its type and
    /// searched however it is spelt (`course_code` when absent).
    pub code_field: Option<String>,
}

/// Field name → label, in the order written (a JSON object read in order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldLabels(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for FieldLabels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = FieldLabels;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of field names and their labels")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldLabels, A::Error> {
                let mut labels: Vec<(String, String)> = Vec::new();
                while let Some((name, label)) = map.next_entry::<String, String>()? {
                    if labels.iter().any(|(n, _)| *n == name) {
                        return Err(de::Error::custom(format!("field `{name}` is named twice")));
                    }
                    labels.push((name, label));
                }
                Ok(FieldLabels(labels))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// The record types of the config, by type.
pub type RecordTypes = BTreeMap<String, RecordTypeConfig>;

/// A type's name for one record: the config's label, else the default.
pub(crate) fn label(types: &RecordTypes, kind: &str) -> String {
    types
        .get(kind)
        .and_then(|t| t.label.clone())
        .unwrap_or_else(|| page_parts::type_label(kind))
}

/// A type's name for several: the config's plural, else the default.
pub(crate) fn plural(types: &RecordTypes, kind: &str) -> String {
    types
        .get(kind)
        .and_then(|t| t.plural.clone())
        .unwrap_or_else(|| page_parts::plural_label(kind))
}

/// The field holding a record's code for `kind`.
pub(crate) fn code_field<'a>(types: &'a RecordTypes, kind: &str) -> &'a str {
    types
        .get(kind)
        .and_then(|t| t.code_field.as_deref())
        .unwrap_or(DEFAULT_CODE_FIELDS[0])
}

/// Every code field of the config, then the default, for the engine's
/// identifier search (a hit shows the first its record has, so the
/// config's come first).
pub(crate) fn code_fields(types: &RecordTypes) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let named = types.values().filter_map(|t| t.code_field.as_deref());
    for f in named.chain(DEFAULT_CODE_FIELDS.iter().copied()) {
        if !fields.iter().any(|x| x == f) {
            fields.push(f.to_owned());
        }
    }
    fields
}

/// One line of a record's fields: a label and its values, each with the
/// language it is in when the field says so.
#[derive(Debug, PartialEq)]
pub(crate) struct FieldRow<'a> {
    pub(crate) label: String,
    pub(crate) values: Vec<Member<'a>>,
}

/// A value of a field line, with the language its field says it is in.
type Member<'a> = (Option<&'a str>, &'a FieldValue);

/// Two-letter language suffixes grouped as variants of one field.
const LANGUAGES: &[&str] = &[
    "en", "fr", "de", "it", "rm", "es", "pt", "nl", "zh", "ja", "ru", "ar",
];

/// `name` split into its base and language (`name_fr` → `name`, `fr`).
fn language_variant(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('_') {
        Some((base, lang)) if !base.is_empty() && LANGUAGES.contains(&lang) => (base, Some(lang)),
        _ => (name, None),
    }
}

/// A field name made readable: `_` as spaces, first letter capitalised,
/// a trailing year in brackets.
pub(crate) fn humanised(name: &str) -> String {
    let (base, year) = match name.rsplit_once('_') {
        Some((base, year))
            if !base.is_empty() && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (base, Some(year))
        }
        _ => (name, None),
    };
    let words = base.replace(['_', '-'], " ");
    let words = page_parts::capitalised(words.trim());
    match year {
        Some(year) => format!("{words} ({year})"),
        None => words,
    }
}

/// Whether a field's value shows anything.
pub(crate) fn is_empty_value(value: &FieldValue) -> bool {
    match value {
        FieldValue::Text(s) => s.trim().is_empty(),
        FieldValue::List(items) => items.iter().all(is_empty_value),
        _ => false,
    }
}

/// The lines of a record's fields as its page shows them: the config's
/// fields first in its order, then the others by name; language variants
/// on one line; empty values and the code field left out.
pub(crate) fn field_rows<'a>(
    fields: &'a Fields,
    config: Option<&RecordTypeConfig>,
    code_field: &str,
) -> Vec<FieldRow<'a>> {
    let configured = config.map(|c| c.fields.0.as_slice()).unwrap_or_default();
    let label_of = |name: &str| configured.iter().find(|(n, _)| n == name).map(|(_, l)| l);
    // Group by base name (a configured field is its own group).
    let mut groups: Vec<(String, Vec<Member<'a>>)> = Vec::new();
    for (name, value) in fields.iter() {
        if name == code_field || is_empty_value(value) {
            continue;
        }
        let (base, lang) = if label_of(name).is_some() {
            (name, None)
        } else {
            language_variant(name)
        };
        match groups.iter_mut().find(|(b, _)| b == base) {
            Some((_, members)) => members.push((lang, value)),
            None => groups.push((base.to_owned(), vec![(lang, value)])),
        }
    }
    // Configured first, in the config's order; then by base name.
    let rank = |base: &str| {
        configured
            .iter()
            .position(|(n, _)| n == base)
            .unwrap_or(usize::MAX)
    };
    groups.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then(a.0.cmp(&b.0)));
    groups
        .into_iter()
        .map(|(base, mut members)| {
            // The value without a language first, then by language.
            members.sort_by(|a, b| a.0.is_some().cmp(&b.0.is_some()).then(a.0.cmp(&b.0)));
            let label = label_of(&base).cloned().unwrap_or_else(|| humanised(&base));
            FieldRow {
                label,
                values: members,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(s.to_owned())
    }

    #[test]
    fn names_are_made_readable() {
        assert_eq!(humanised("study_periods_2019"), "Study periods (2019)");
        assert_eq!(humanised("credits"), "Credits");
        assert_eq!(humanised("exam-type"), "Exam type");
        assert_eq!(humanised("_2019"), "2019");
    }

    #[test]
    fn language_variants_share_a_line_and_the_code_is_left_out() {
        let fields: Fields = [
            ("course_code", text("CS-456")),
            ("name_fr", text("Réseaux de neurones")),
            ("name", text("Neural networks")),
            ("name_en", text("Neural networks (en)")),
            ("study_periods_2019", text("Master semestre 1")),
            ("note", text("  ")),
            ("credits", FieldValue::Integer(4)),
        ]
        .into_iter()
        .collect();
        let rows = field_rows(&fields, None, "course_code");
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Credits", "Name", "Study periods (2019)"]);
        let name = &rows[1];
        assert_eq!(
            name.values
                .iter()
                .map(|(lang, v)| (*lang, v.to_string()))
                .collect::<Vec<_>>(),
            [
                (None, "Neural networks".to_owned()),
                (Some("en"), "Neural networks (en)".to_owned()),
                (Some("fr"), "Réseaux de neurones".to_owned()),
            ]
        );
    }

    #[test]
    fn the_config_names_and_orders_fields() {
        let config: RecordTypeConfig = serde_json::from_str(
            r#"{"label": "Cours", "fields": {"study_periods_2019": "Semestre", "name_fr": "Nom", "credits": "Crédits"}, "code_field": "code"}"#,
        )
        .unwrap();
        assert_eq!(config.label.as_deref(), Some("Cours"));
        let fields: Fields = [
            ("credits", FieldValue::Integer(4)),
            ("name_fr", text("Réseaux")),
            ("study_periods_2019", text("MA1")),
            ("zeta", text("z")),
            ("code", text("X-1")),
            ("course_code", text("CS-456")),
        ]
        .into_iter()
        .collect();
        let rows = field_rows(&fields, Some(&config), "code");
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Semestre", "Nom", "Crédits", "Course code", "Zeta"]
        );
        // A field named in the config keeps its own name, no language split.
        assert_eq!(rows[1].values[0].0, None);

        let types: RecordTypes = BTreeMap::from([("course".to_owned(), config)]);
        assert_eq!(label(&types, "course"), "Cours");
        assert_eq!(plural(&types, "course"), "Courses");
        assert_eq!(label(&types, "person"), "Person");
        assert_eq!(code_field(&types, "course"), "code");
        assert_eq!(code_field(&types, "person"), "course_code");
        assert_eq!(code_fields(&types), ["code", "course_code"]);
        let twice = serde_json::from_str::<RecordTypeConfig>(r#"{"fields": {"a": "A", "a": "B"}}"#);
        assert!(twice.unwrap_err().to_string().contains("named twice"));
        let unknown = serde_json::from_str::<RecordTypeConfig>(r#"{"lable": "x"}"#);
        assert!(unknown.is_err());
    }
}
