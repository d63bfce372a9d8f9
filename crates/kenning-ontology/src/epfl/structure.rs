//! `ontology_structure.json`: one JSON object nested without field names.
//! A key whose value is an object is a category (its slug) holding its
//! children; a key whose value is a list is a cluster of the enclosing
//! category (its id) holding concept titles.
//!
//! Walked straight from the parser in document order (a `serde_json::Value`
//! would sort the keys), to a bounded depth.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::{Cluster, ConceptRef, OntologyError};

/// Categories may nest this many levels (a root is level 1); a deeper one
/// is refused.
pub(super) const MAX_CATEGORY_LEVELS: usize = 64;

/// A category as the JSON gives it: its slug and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WalkedCategory {
    /// The key (`graph-theory`).
    pub(super) slug: String,
    /// The enclosing category (an index of the list), none for a root.
    pub(super) parent: Option<usize>,
}

/// The whole JSON: categories in document order (parents first, depth
/// first) and the clusters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Structure {
    pub(super) categories: Vec<WalkedCategory>,
    pub(super) clusters: Vec<Cluster>,
}

/// Reads the JSON; `what` names it in errors.
pub(super) fn read_structure(json: &[u8], what: &str) -> Result<Structure, OntologyError> {
    let mut walk = Walk::default();
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let parsed = Children {
        walk: &mut walk,
        enclosing: None,
        level: 1,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    match parsed {
        Ok(()) => Ok(Structure {
            categories: walk.categories,
            clusters: walk.clusters,
        }),
        // A rule broken inside the walk stopped the parser with an error
        // of its own; the rule is what to tell.
        Err(error) => Err(match walk.broken_rule {
            Some(reason) => OntologyError::invalid(what, reason),
            None => OntologyError::from_serde(what.to_owned(), error),
        }),
    }
}

/// What the walk has read so far.
#[derive(Debug, Default)]
struct Walk {
    categories: Vec<WalkedCategory>,
    clusters: Vec<Cluster>,
    /// Each slug read, with its category's index.
    index_of_slug: HashMap<String, usize>,
    /// The rule the walk stopped at, if it did.
    broken_rule: Option<String>,
}

impl Walk {
    /// Remembers why the walk stops and returns the parser error that
    /// stops it.
    fn refuse<E: de::Error>(&mut self, reason: String) -> E {
        let error = E::custom(&reason);
        self.broken_rule = Some(reason);
        error
    }

    /// `under graph-theory`, or `at the top level`.
    fn place(&self, enclosing: Option<usize>) -> String {
        match enclosing {
            Some(index) => format!("under {}", self.categories[index].slug),
            None => "at the top level".to_owned(),
        }
    }
}

/// The object of a category's children (or the top-level object).
struct Children<'w> {
    walk: &'w mut Walk,
    enclosing: Option<usize>,
    /// The level of the categories in it (a root is level 1).
    level: usize,
}

impl<'de> DeserializeSeed<'de> for Children<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Children<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object of categories and clusters")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            map.next_value_seed(Entry {
                walk: &mut *self.walk,
                key,
                enclosing: self.enclosing,
                level: self.level,
            })?;
        }
        Ok(())
    }
}

/// The value of one key: a category (an object) or a cluster (a list).
struct Entry<'w> {
    walk: &'w mut Walk,
    key: String,
    enclosing: Option<usize>,
    level: usize,
}

impl Entry<'_> {
    /// The error for a value that is neither an object nor a list.
    fn refuse_kind<E: de::Error>(self, kind: &str) -> E {
        let place = self.walk.place(self.enclosing);
        let key = self.key;
        self.walk.refuse(format!(
            "\"{key}\" {place} holds {kind}, neither a category (an object) nor a cluster (a list of titles)"
        ))
    }
}

impl<'de> DeserializeSeed<'de> for Entry<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entry<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a category (an object) or a cluster (a list of titles)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let Entry {
            walk,
            key,
            enclosing,
            level,
        } = self;
        let place = walk.place(enclosing);
        if key.is_empty() {
            return Err(walk.refuse(format!("a category {place} has an empty key")));
        }
        if level > MAX_CATEGORY_LEVELS {
            return Err(walk.refuse(format!(
                "category \"{key}\" {place} is nested deeper than {MAX_CATEGORY_LEVELS} levels"
            )));
        }
        if let Some(&first) = walk.index_of_slug.get(&key) {
            let first_place = walk.place(walk.categories[first].parent);
            return Err(walk.refuse(format!(
                "category \"{key}\" appears twice ({first_place} and {place})"
            )));
        }
        let index = walk.categories.len();
        walk.index_of_slug.insert(key.clone(), index);
        walk.categories.push(WalkedCategory {
            slug: key,
            parent: enclosing,
        });
        Children {
            walk,
            enclosing: Some(index),
            level: level + 1,
        }
        .visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Entry {
            walk,
            key,
            enclosing,
            ..
        } = self;
        let Some(category_index) = enclosing else {
            return Err(walk.refuse(format!(
                "\"{key}\" at the top level is a list, but only categories (objects) may be there"
            )));
        };
        let category = walk.categories[category_index].slug.clone();
        let mut concepts = Vec::new();
        let mut position = 0usize;
        while let Some(title) = seq.next_element_seed(Title {
            walk: &mut *walk,
            cluster: &key,
            category: &category,
            position,
        })? {
            position += 1;
            if let Some(title) = title {
                concepts.push(ConceptRef::Title(title));
            }
        }
        walk.clusters.push(Cluster {
            id: key,
            category,
            concepts,
        });
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.refuse_kind("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.refuse_kind("true or false"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.refuse_kind("null"))
    }
}

/// One item of a cluster: a title (trimmed; `None` when empty).
struct Title<'w, 'k> {
    walk: &'w mut Walk,
    cluster: &'k str,
    category: &'k str,
    /// 0-based position in the list.
    position: usize,
}

impl Title<'_, '_> {
    /// The error for an item that is not a string.
    fn refuse_kind<E: de::Error>(self, kind: &str) -> E {
        let reason = format!(
            "cluster {} under {} is not a list of titles (item {} is {kind})",
            self.cluster,
            self.category,
            self.position + 1
        );
        self.walk.refuse(reason)
    }
}

impl<'de> DeserializeSeed<'de> for Title<'_, '_> {
    type Value = Option<String>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Title<'_, '_> {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a concept title (a string)")
    }

    fn visit_str<E: de::Error>(self, title: &str) -> Result<Self::Value, E> {
        let title = title.trim();
        Ok((!title.is_empty()).then(|| title.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self.refuse_kind("true or false"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self.refuse_kind("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Err(self.refuse_kind("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.refuse_kind("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.refuse_kind("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(json: &str) -> Result<Structure, OntologyError> {
        read_structure(json.as_bytes(), "ontology.json")
    }

    fn message(json: &str) -> String {
        read(json).unwrap_err().to_string()
    }

    fn titles(titles: &[&str]) -> Vec<ConceptRef> {
        titles
            .iter()
            .map(|&title| ConceptRef::Title(title.into()))
            .collect()
    }

    #[test]
    fn objects_are_categories_and_lists_clusters_in_document_order() {
        let structure = read(
            r#"{"root": {"zeta": {"7": ["Z"]}, "alpha": {"leaf": {"2": [" Padded ", "", "  "], "1": []}}, "9": ["R"]},
               "second-root": {}}"#,
        )
        .unwrap();
        let walked = |slug: &str, parent: Option<usize>| WalkedCategory {
            slug: slug.into(),
            parent,
        };
        assert_eq!(
            structure.categories,
            vec![
                walked("root", None),
                walked("zeta", Some(0)),
                walked("alpha", Some(0)),
                walked("leaf", Some(2)),
                walked("second-root", None),
            ]
        );
        let cluster = |id: &str, category: &str, concepts: &[&str]| Cluster {
            id: id.into(),
            category: category.into(),
            concepts: titles(concepts),
        };
        assert_eq!(
            structure.clusters,
            vec![
                cluster("7", "zeta", &["Z"]),
                cluster("2", "leaf", &["Padded"]),
                cluster("1", "leaf", &[]),
                cluster("9", "root", &["R"]),
            ]
        );
    }

    #[test]
    fn cluster_ids_may_repeat_across_categories() {
        let structure = read(r#"{"r": {"a": {"5": ["X"]}, "b": {"5": ["Y", "X"]}}}"#).unwrap();
        let owners: Vec<(&str, &str)> = structure
            .clusters
            .iter()
            .map(|cluster| (cluster.id.as_str(), cluster.category.as_str()))
            .collect();
        assert_eq!(owners, [("5", "a"), ("5", "b")]);
    }

    #[test]
    fn a_slug_seen_twice_is_refused() {
        assert_eq!(
            message(r#"{"r": {"a": {}, "b": {"a": {}}}}"#),
            "ontology.json: category \"a\" appears twice (under r and under b)"
        );
        assert_eq!(
            message(r#"{"r": {}, "r": {}}"#),
            "ontology.json: category \"r\" appears twice (at the top level and at the top level)"
        );
    }

    #[test]
    fn clusters_hold_only_strings() {
        assert_eq!(
            message(r#"{"r": {"graph-theory": {"280": ["Planar graph", 5]}}}"#),
            "ontology.json: cluster 280 under graph-theory is not a list of titles (item 2 is a number)"
        );
        for (item, kind) in [
            ("null", "null"),
            ("true", "true or false"),
            ("[\"x\"]", "a list"),
            ("{}", "an object"),
            ("-1.5", "a number"),
        ] {
            assert_eq!(
                message(&format!(r#"{{"r": {{"1": [{item}]}}}}"#)),
                format!(
                    "ontology.json: cluster 1 under r is not a list of titles (item 1 is {kind})"
                )
            );
        }
    }

    #[test]
    fn values_that_are_neither_object_nor_list_are_refused() {
        assert_eq!(
            message(r#"{"r": {"a": "text"}}"#),
            "ontology.json: \"a\" under r holds a string, neither a category (an object) nor a cluster (a list of titles)"
        );
        assert!(
            message(r#"{"r": 3}"#)
                .starts_with("ontology.json: \"r\" at the top level holds a number")
        );
        assert!(message(r#"{"r": {"a": null}}"#).contains("holds null"));
        assert!(message(r#"{"r": {"a": false}}"#).contains("holds true or false"));
        assert_eq!(
            message(r#"{"12": ["A"]}"#),
            "ontology.json: \"12\" at the top level is a list, but only categories (objects) may be there"
        );
        assert_eq!(
            message(r#"{"r": {"": {}}}"#),
            "ontology.json: a category under r has an empty key"
        );
    }

    #[test]
    fn the_top_level_must_be_one_object() {
        let list = read("[]").unwrap_err();
        assert!(matches!(list, OntologyError::Shape { .. }), "{list}");
        assert!(
            list.to_string()
                .starts_with("ontology.json: invalid type: sequence")
        );
        for text in ["", "{", "{\"r\": {}} x", "{\"r\": {}}{}", "\u{feff}{}"] {
            let error = read(text).unwrap_err();
            assert!(
                matches!(error, OntologyError::Json { .. }),
                "{text}: {error}"
            );
        }
        assert_eq!(read("  {}  \n").unwrap(), Structure::default());
    }

    fn nested(levels: usize) -> String {
        let mut json = String::new();
        for level in 0..levels {
            json.push_str(&format!("{{\"c{level}\": "));
        }
        json.push_str("{\"1\": [\"Deepest\"]}");
        json.push_str(&"}".repeat(levels));
        json
    }

    #[test]
    fn nesting_is_bounded() {
        let deepest_allowed = read(&nested(MAX_CATEGORY_LEVELS)).unwrap();
        assert_eq!(deepest_allowed.categories.len(), MAX_CATEGORY_LEVELS);
        assert_eq!(
            deepest_allowed.clusters[0].category,
            format!("c{}", MAX_CATEGORY_LEVELS - 1)
        );
        assert_eq!(
            message(&nested(MAX_CATEGORY_LEVELS + 1)),
            "ontology.json: category \"c64\" under c63 is nested deeper than 64 levels"
        );
        // Far past serde_json's own limit: still an error, not a crash.
        assert!(read(&nested(100_000)).is_err());
        assert!(read(&"[".repeat(100_000)).is_err());
    }

    /// JSON values of any shape, for the walk's error paths.
    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[a-c ]{0,3}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(6, 64, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::vec(("[a-c1-3]{0,2}", inner), 0..4)
                    .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_read_or_refused_without_panicking(value in any_json()) {
            if let Ok(structure) = read_structure(value.to_string().as_bytes(), "ontology.json") {
                for (index, category) in structure.categories.iter().enumerate() {
                    prop_assert!(category.parent.is_none_or(|parent| parent < index));
                }
            }
        }
    }
}
