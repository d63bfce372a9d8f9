//! One line of kenning's ontology JSONL: one category.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};

use crate::{Category, ConceptRef, OntologyError};

/// A line as written, before its checks. Unknown fields are refused so a
/// misspelt one (`"parnets"`) is caught.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryLine {
    id: String,
    name: String,
    #[serde(default)]
    parents: Vec<String>,
    #[serde(default)]
    anchor: Option<String>,
    #[serde(default)]
    concepts: Vec<ConceptItem>,
}

/// An item of `concepts`: a title (a string) or a page id (a non-negative
/// integer).
#[derive(Debug)]
struct ConceptItem(ConceptRef);

impl<'de> Deserialize<'de> for ConceptItem {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ConceptItemVisitor)
    }
}

/// Reads a [`ConceptItem`].
struct ConceptItemVisitor;

impl Visitor<'_> for ConceptItemVisitor {
    type Value = ConceptItem;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a concept title (a string) or page id (a non-negative integer)")
    }

    fn visit_str<E: de::Error>(self, title: &str) -> Result<ConceptItem, E> {
        Ok(ConceptItem(ConceptRef::Title(title.to_owned())))
    }

    fn visit_string<E: de::Error>(self, title: String) -> Result<ConceptItem, E> {
        Ok(ConceptItem(ConceptRef::Title(title)))
    }

    fn visit_u64<E: de::Error>(self, page_id: u64) -> Result<ConceptItem, E> {
        Ok(ConceptItem(ConceptRef::PageId(page_id)))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<ConceptItem, E> {
        match u64::try_from(number) {
            Ok(page_id) => Ok(ConceptItem(ConceptRef::PageId(page_id))),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(number), &self)),
        }
    }
}

/// The category of one line; `what` names the line in errors
/// (`ontology.jsonl line 12`).
///
/// Refuses a line that is not a JSON object, lacks `id` or `name`, has an
/// unknown field or a field of the wrong type, or whose `id`, `name`,
/// `anchor` or a title is empty (or only spaces), or whose `parents`
/// names one id twice.
pub(super) fn read_category_line(line: &str, what: &str) -> Result<Category, OntologyError> {
    // Derived structs would also take a JSON list of their fields in order.
    if !line.trim_start().starts_with('{') {
        return Err(OntologyError::invalid(what, "not a JSON object"));
    }
    let written: CategoryLine = serde_json::from_str(line)
        .map_err(|error| OntologyError::from_serde(what.to_owned(), error))?;
    let refuse = |reason: String| Err(OntologyError::invalid(what, reason));
    for (field, value) in [("id", &written.id), ("name", &written.name)] {
        if value.trim().is_empty() {
            return refuse(format!("\"{field}\" is empty"));
        }
    }
    if written
        .anchor
        .as_ref()
        .is_some_and(|anchor| anchor.trim().is_empty())
    {
        return refuse(format!(
            "category \"{}\" has an empty \"anchor\"",
            written.id
        ));
    }
    for (position, parent) in written.parents.iter().enumerate() {
        if written.parents[..position].contains(parent) {
            return refuse(format!(
                "category \"{}\" names parent \"{parent}\" twice",
                written.id
            ));
        }
    }
    let mut concepts = Vec::with_capacity(written.concepts.len());
    for (position, ConceptItem(concept)) in written.concepts.into_iter().enumerate() {
        if let ConceptRef::Title(title) = &concept
            && title.trim().is_empty()
        {
            return refuse(format!(
                "category \"{}\": concept {} is an empty title",
                written.id,
                position + 1
            ));
        }
        concepts.push(concept);
    }
    Ok(Category {
        id: written.id,
        name: written.name,
        parents: written.parents,
        anchor: written.anchor,
        concepts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Result<Category, OntologyError> {
        read_category_line(line, "ontology.jsonl line 7")
    }

    fn message(line: &str) -> String {
        read(line).unwrap_err().to_string()
    }

    #[test]
    fn every_field() {
        let category = read(
            r#"{"id": "graph-theory", "name": "Graph theory", "parents": ["discrete-mathematics"], "anchor": "Graph theory", "concepts": ["Planar graph", 15263, 0]}"#,
        )
        .unwrap();
        assert_eq!(
            category,
            Category {
                id: "graph-theory".into(),
                name: "Graph theory".into(),
                parents: vec!["discrete-mathematics".into()],
                anchor: Some("Graph theory".into()),
                concepts: vec![
                    ConceptRef::Title("Planar graph".into()),
                    ConceptRef::PageId(15263),
                    ConceptRef::PageId(0),
                ],
            }
        );
    }

    #[test]
    fn optional_fields_default_to_a_root_without_anchor_or_concepts() {
        let category = read(r#"{"name": "Mathematics", "id": "mathematics"}"#).unwrap();
        assert!(category.parents.is_empty());
        assert_eq!(category.anchor, None);
        assert!(category.concepts.is_empty());
        let null_anchor = read(r#"{"id": "a", "name": "A", "anchor": null}"#).unwrap();
        assert_eq!(null_anchor.anchor, None);
    }

    #[test]
    fn titles_with_escapes_are_read_as_written() {
        let category = read(
            r#"{"id": "a", "name": "A \"quoted\"", "concepts": ["Gödel's_theorem", "\u00e9"]}"#,
        )
        .unwrap();
        assert_eq!(category.name, "A \"quoted\"");
        assert_eq!(
            category.concepts,
            vec![
                ConceptRef::Title("Gödel's_theorem".into()),
                ConceptRef::Title("é".into())
            ]
        );
    }

    #[test]
    fn required_fields_must_be_there_and_not_empty() {
        let missing = read(r#"{"id": "a"}"#).unwrap_err();
        assert!(matches!(missing, OntologyError::Shape { .. }), "{missing}");
        assert!(
            missing
                .to_string()
                .starts_with("ontology.jsonl line 7: missing field `name`")
        );
        assert!(message(r#"{"name": "A"}"#).contains("missing field `id`"));
        assert_eq!(
            message(r#"{"id": " ", "name": "A"}"#),
            "ontology.jsonl line 7: \"id\" is empty"
        );
        assert_eq!(
            message(r#"{"id": "a", "name": ""}"#),
            "ontology.jsonl line 7: \"name\" is empty"
        );
        assert_eq!(
            message(r#"{"id": "a", "name": "A", "anchor": ""}"#),
            "ontology.jsonl line 7: category \"a\" has an empty \"anchor\""
        );
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_refused() {
        assert!(
            message(r#"{"id": "a", "name": "A", "parnets": []}"#)
                .contains("unknown field `parnets`")
        );
        assert!(message(r#"{"id": 3, "name": "A"}"#).contains("invalid type"));
        assert!(message(r#"{"id": "a", "name": "A", "parents": "b"}"#).contains("invalid type"));
        assert!(message(r#"{"id": "a", "name": "A", "parents": null}"#).contains("invalid type"));
        assert!(message(r#"{"id": "a", "name": "A", "anchor": 5}"#).contains("invalid type"));
    }

    #[test]
    fn concepts_are_titles_or_non_negative_integers() {
        let negative = message(r#"{"id": "a", "name": "A", "concepts": [-3]}"#);
        assert!(
            negative.contains("invalid value: integer `-3`"),
            "{negative}"
        );
        assert!(
            message(r#"{"id": "a", "name": "A", "concepts": [1.5]}"#)
                .contains("invalid type: floating point")
        );
        assert!(
            message(r#"{"id": "a", "name": "A", "concepts": [true]}"#)
                .contains("invalid type: boolean")
        );
        assert!(
            message(r#"{"id": "a", "name": "A", "concepts": [["x"]]}"#)
                .contains("invalid type: sequence")
        );
        assert!(
            message(r#"{"id": "a", "name": "A", "concepts": [null]}"#)
                .contains("invalid type: null")
        );
        // Past u64: serde_json reads it as a float.
        assert!(
            message(r#"{"id": "a", "name": "A", "concepts": [18446744073709551616]}"#)
                .contains("floating point")
        );
        assert_eq!(
            message(r#"{"id": "a", "name": "A", "concepts": ["x", "  "]}"#),
            "ontology.jsonl line 7: category \"a\": concept 2 is an empty title"
        );
    }

    #[test]
    fn a_parent_named_twice_is_refused() {
        assert_eq!(
            message(r#"{"id": "a", "name": "A", "parents": ["b", "c", "b"]}"#),
            "ontology.jsonl line 7: category \"a\" names parent \"b\" twice"
        );
    }

    #[test]
    fn lines_that_are_not_one_json_object_are_refused() {
        assert_eq!(
            message(r#"["a", "A"]"#),
            "ontology.jsonl line 7: not a JSON object"
        );
        assert_eq!(message("42"), "ontology.jsonl line 7: not a JSON object");
        let cut = read(r#"{"id": "a", "name": "A""#).unwrap_err();
        assert!(matches!(cut, OntologyError::Json { .. }), "{cut}");
        let trailing = read(r#"{"id": "a", "name": "A"} {"#).unwrap_err();
        assert!(matches!(trailing, OntologyError::Json { .. }), "{trailing}");
        assert!(
            trailing
                .to_string()
                .starts_with("ontology.jsonl line 7: not valid JSON: trailing characters")
        );
    }
}
