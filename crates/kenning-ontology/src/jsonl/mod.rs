//! kenning's ontology JSONL: one category a line,
//! `{"id": "graph-theory", "name": "Graph theory", "parents": ["discrete-mathematics"], "anchor": "Graph theory", "concepts": ["Planar graph", 15263]}`.

mod line;
mod order;

use crate::{Ontology, OntologyError};

use order::NumberedCategory;

/// The longest line read, in bytes (16 MiB); a longer one is refused.
const MAX_LINE_BYTES: usize = 16 << 20;

/// Reads kenning's ontology JSONL: one JSON object a line, one category
/// each; blank lines are skipped and a leading byte-order mark ignored.
///
/// Each line holds `id` and `name` (non-empty strings), and optionally
/// `parents` (ids, defined on any line; none or empty for a root),
/// `anchor` (the title of the category's article) and `concepts` (titles
/// as strings, page ids as non-negative integers). Categories come out
/// parents first, otherwise in the order of their lines; there are no
/// clusters.
///
/// # Errors
///
/// Naming the line (1-based) where there is one:
/// [`OntologyError::Json`] for a line that is not JSON;
/// [`OntologyError::Shape`] for a missing, unknown or mistyped field;
/// [`OntologyError::Invalid`] for a line that is not UTF-8, longer than
/// 16 MiB or not an object, an empty `id`, `name`, `anchor` or title, a
/// parent named twice by one line, and, once every line is read, a
/// duplicate id (both lines named), a parent no line defines, or a
/// category its own ancestor (the cycle named).
pub fn read_jsonl(text: &[u8]) -> Result<Ontology, OntologyError> {
    read_jsonl_named(text, "ontology.jsonl")
}

/// [`read_jsonl`], with `what` naming the text in errors
/// (`{what} line 12`).
pub(crate) fn read_jsonl_named(text: &[u8], what: &str) -> Result<Ontology, OntologyError> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut numbered = Vec::new();
    for (index, bytes) in text.split(|&byte| byte == b'\n').enumerate() {
        let line_number = index + 1;
        let line_what = || format!("{what} line {line_number}");
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.len() > MAX_LINE_BYTES {
            return Err(OntologyError::invalid(
                line_what(),
                format!("longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        let line = std::str::from_utf8(bytes).map_err(|error| {
            OntologyError::invalid(
                line_what(),
                format!("not UTF-8 (byte {} of the line)", error.valid_up_to() + 1),
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        numbered.push(NumberedCategory {
            line: line_number,
            category: line::read_category_line(line, &line_what())?,
        });
    }
    Ok(Ontology {
        categories: order::check_and_order(numbered, what)?,
        clusters: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, ConceptRef};
    use proptest::prelude::*;

    fn message(text: &[u8]) -> String {
        read_jsonl(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_categories_parents_first_skipping_blank_lines() {
        let text = b"\xEF\xBB\xBF{\"id\": \"graph-theory\", \"name\": \"Graph theory\", \"parents\": [\"mathematics\"], \"anchor\": \"Graph theory\", \"concepts\": [\"Planar graph\", 15263]}\r\n\
            \n   \n\
            {\"id\": \"mathematics\", \"name\": \"Mathematics\"}\n";
        let ontology = read_jsonl(text).unwrap();
        assert_eq!(
            ontology,
            Ontology {
                categories: vec![
                    Category {
                        id: "mathematics".into(),
                        name: "Mathematics".into(),
                        parents: vec![],
                        anchor: None,
                        concepts: vec![],
                    },
                    Category {
                        id: "graph-theory".into(),
                        name: "Graph theory".into(),
                        parents: vec!["mathematics".into()],
                        anchor: Some("Graph theory".into()),
                        concepts: vec![
                            ConceptRef::Title("Planar graph".into()),
                            ConceptRef::PageId(15263)
                        ],
                    },
                ],
                clusters: vec![],
            }
        );
    }

    #[test]
    fn empty_text_is_an_empty_ontology() {
        assert_eq!(read_jsonl(b"").unwrap(), Ontology::default());
        assert_eq!(read_jsonl(b"\n\n  \r\n").unwrap(), Ontology::default());
    }

    #[test]
    fn line_errors_name_the_line() {
        let text = b"{\"id\": \"a\", \"name\": \"A\"}\n\n{\"id\": \"b\"\n";
        let error = read_jsonl(text).unwrap_err();
        assert!(matches!(error, OntologyError::Json { .. }), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("ontology.jsonl line 3: not valid JSON"),
            "{error}"
        );
        assert!(
            message(b"{\"id\": \"a\", \"name\": \"A\", \"nmae\": 1}")
                .starts_with("ontology.jsonl line 1: unknown field `nmae`")
        );
        assert!(
            message(b"{\"id\": \"a\", \"id\": \"b\", \"name\": \"A\"}")
                .contains("duplicate field `id`")
        );
    }

    #[test]
    fn text_not_utf8_is_refused_naming_the_line() {
        let text = b"{\"id\": \"a\", \"name\": \"A\"}\n{\"id\": \"b\", \"name\": \"\xFF\"}\n";
        assert_eq!(
            message(text),
            "ontology.jsonl line 2: not UTF-8 (byte 22 of the line)"
        );
    }

    #[test]
    fn lines_over_16_mib_are_refused() {
        let mut text = b"{\"id\": \"a\", \"name\": \"A\"}\n".to_vec();
        text.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES + 1));
        assert_eq!(
            message(&text),
            format!("ontology.jsonl line 2: longer than {MAX_LINE_BYTES} bytes")
        );
    }

    #[test]
    fn whole_text_rules_name_ids_and_lines() {
        let missing = b"{\"id\": \"a\", \"name\": \"A\"}\n\n{\"id\": \"x\", \"name\": \"X\", \"parents\": [\"y\"]}";
        assert_eq!(
            message(missing),
            "ontology.jsonl: line 3: category \"x\" names parent \"y\", which no line defines"
        );
        let duplicate = b"{\"id\": \"x\", \"name\": \"X\"}\n{\"id\": \"x\", \"name\": \"Y\"}";
        assert_eq!(
            message(duplicate),
            "ontology.jsonl: duplicate category id \"x\" (lines 1 and 2)"
        );
        let cycle = b"{\"id\": \"a\", \"name\": \"A\", \"parents\": [\"b\"]}\n{\"id\": \"b\", \"name\": \"B\", \"parents\": [\"a\"]}";
        assert_eq!(
            message(cycle),
            "ontology.jsonl: category \"a\" is its own ancestor (a → b → a)"
        );
    }

    /// A category of a generated forest: parents are among the earlier
    /// categories, so the list is already parents-first.
    fn forest() -> impl Strategy<Value = Vec<Category>> {
        let concept = prop_oneof![
            "\\PC{1,12}"
                .prop_filter("a title", |title| !title.trim().is_empty())
                .prop_map(ConceptRef::Title),
            any::<u64>().prop_map(ConceptRef::PageId),
        ];
        let text = "\\PC{1,16}".prop_filter("not blank", |text: &String| !text.trim().is_empty());
        let shape = (
            text.clone(),
            proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
            proptest::option::of(text),
            proptest::collection::vec(concept, 0..4),
        );
        proptest::collection::vec(shape, 0..24).prop_map(|shapes| {
            let mut categories: Vec<Category> = Vec::with_capacity(shapes.len());
            for (position, (name, parent_picks, anchor, concepts)) in shapes.into_iter().enumerate()
            {
                let mut parents: Vec<String> = Vec::new();
                if position > 0 {
                    for pick in parent_picks {
                        let parent = categories[pick.index(position)].id.clone();
                        if !parents.contains(&parent) {
                            parents.push(parent);
                        }
                    }
                }
                categories.push(Category {
                    id: format!("{}-{position}", crate::slug_of(&name)),
                    name,
                    parents,
                    anchor,
                    concepts,
                });
            }
            categories
        })
    }

    /// The categories as JSONL, one line each, fields in a fixed order.
    fn write_jsonl(categories: &[Category]) -> String {
        let mut text = String::new();
        for category in categories {
            let concepts: Vec<serde_json::Value> = category
                .concepts
                .iter()
                .map(|concept| match concept {
                    ConceptRef::Title(title) => serde_json::Value::from(title.as_str()),
                    ConceptRef::PageId(page_id) => serde_json::Value::from(*page_id),
                })
                .collect();
            let line = serde_json::json!({
                "id": category.id,
                "name": category.name,
                "parents": category.parents,
                "anchor": category.anchor,
                "concepts": concepts,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        text
    }

    proptest! {
        #[test]
        fn a_forest_written_as_jsonl_reads_back_the_same(categories in forest()) {
            let text = write_jsonl(&categories);
            let read = read_jsonl(text.as_bytes()).unwrap();
            prop_assert_eq!(read, Ontology { categories, clusters: vec![] });
        }

        #[test]
        fn shuffled_lines_read_back_parents_first(
            shuffled in forest().prop_flat_map(|categories| Just(categories).prop_shuffle())
        ) {
            let read = read_jsonl(write_jsonl(&shuffled).as_bytes()).unwrap();
            let mut placed = std::collections::HashSet::new();
            for category in &read.categories {
                prop_assert!(category.parents.iter().all(|parent| placed.contains(parent)));
                placed.insert(category.id.clone());
            }
            let mut expected = shuffled.clone();
            let mut got = read.categories.clone();
            expected.sort_by(|a, b| a.id.cmp(&b.id));
            got.sort_by(|a, b| a.id.cmp(&b.id));
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn arbitrary_bytes_never_panic(text in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_jsonl(&text);
        }

        #[test]
        fn json_like_text_never_panics(
            text in "(\\{\"(id|name|parents|anchor|concepts|x)\": ?(\"[a-c]{0,2}\"|\\[(\"[a-c]\"|-?[0-9]{1,3}|1\\.5|null|,)*\\]|null|7|\\{\\}),? ?\\}?\r?\n?){0,12}"
        ) {
            let _ = read_jsonl(text.as_bytes());
        }
    }
}
