//! `category_tree.txt`: EPFL Graph's display names and anchor articles,
//! one category a line, nested by indentation (4 spaces a level):
//!
//! ```text
//! Academic disciplines                    [Academic_discipline]
//!     Formal sciences                     [Formal_science]
//!         Logic                           [Logic]{A summary.}{A longer one.}
//! ```
//!
//! Read leniently: it only names categories the JSON defines, so a line
//! that cannot be read is skipped, never an error.

use super::slug::slug_of;

/// One readable line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TreeEntry {
    /// The display name, as written (`Graph theory`).
    pub(super) name: String,
    /// The slug of the name (`graph-theory`), to join with the JSON's ids.
    pub(super) slug: String,
    /// The anchor article's title, underscores as spaces (`Graph theory`).
    pub(super) anchor: Option<String>,
    /// The entry this one is indented under (an index of the list).
    pub(super) parent: Option<usize>,
}

/// Columns one level of indentation takes.
const COLUMNS_PER_LEVEL: usize = 4;

/// The entries of `category_tree.txt`, in the file's order.
///
/// A line's level is its indentation in columns (a tab counts as 4) over
/// 4, rounded down; its parent is the nearest entry above it with a lower
/// level (none when there is none, so a line indented too deep hangs under
/// the deepest entry open). The name is what comes before the first `[`,
/// trimmed; the anchor what lies between it and the next `]`; whatever
/// follows (EPFL's `{summary}{description}`) is ignored. A line without a
/// `[` is a name without an anchor. Blank lines, lines whose name is empty
/// and lines whose `[` is never closed are skipped.
pub(super) fn parse_category_tree(text: &str) -> Vec<TreeEntry> {
    let mut entries: Vec<TreeEntry> = Vec::new();
    // (level, entry index) of the entries a deeper line may hang under.
    let mut open: Vec<(usize, usize)> = Vec::new();
    for line in text.lines() {
        let (columns, rest) = split_indentation(line);
        let Some((name, anchor)) = name_and_anchor(rest) else {
            continue;
        };
        let level = columns / COLUMNS_PER_LEVEL;
        while open
            .last()
            .is_some_and(|&(open_level, _)| open_level >= level)
        {
            open.pop();
        }
        let parent = open.last().map(|&(_, index)| index);
        open.push((level, entries.len()));
        entries.push(TreeEntry {
            slug: slug_of(name),
            name: name.to_owned(),
            anchor,
            parent,
        });
    }
    entries
}

/// The indentation of a line in columns (space 1, tab 4) and the rest.
fn split_indentation(line: &str) -> (usize, &str) {
    let mut columns = 0usize;
    for (offset, character) in line.char_indices() {
        match character {
            ' ' => columns = columns.saturating_add(1),
            '\t' => columns = columns.saturating_add(COLUMNS_PER_LEVEL),
            _ => return (columns, &line[offset..]),
        }
    }
    (columns, "")
}

/// The name and anchor of an unindented line, `None` when it is blank or
/// malformed (no name, or a `[` never closed).
fn name_and_anchor(rest: &str) -> Option<(&str, Option<String>)> {
    let (name, anchor) = match rest.split_once('[') {
        None => (rest.trim(), None),
        Some((name, after_bracket)) => {
            let (anchor, _rest) = after_bracket.split_once(']')?;
            let anchor = anchor.replace('_', " ");
            let anchor = anchor.trim();
            (name.trim(), (!anchor.is_empty()).then(|| anchor.to_owned()))
        }
    };
    (!name.is_empty()).then_some((name, anchor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (name, anchor, parent's name) of every entry, to compare briefly.
    fn outline(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let entries = parse_category_tree(text);
        entries
            .iter()
            .map(|entry| {
                let parent = entry.parent.map(|index| entries[index].name.clone());
                (entry.name.clone(), entry.anchor.clone(), parent)
            })
            .collect()
    }

    fn row(
        name: &str,
        anchor: Option<&str>,
        parent: Option<&str>,
    ) -> (String, Option<String>, Option<String>) {
        (name.into(), anchor.map(Into::into), parent.map(Into::into))
    }

    #[test]
    fn names_anchors_and_parents_come_from_indentation() {
        let text = "\
Academic disciplines                    [Academic_discipline]
    Formal sciences                     [Formal_science]
        Mathematics                     [Mathematics]{Summary.}{Longer [text].}
            Graph theory                [Graph_theory]
        Logic                           [Logic]
    Natural sciences                    [Natural_science]
";
        assert_eq!(
            outline(text),
            vec![
                row("Academic disciplines", Some("Academic discipline"), None),
                row(
                    "Formal sciences",
                    Some("Formal science"),
                    Some("Academic disciplines")
                ),
                row("Mathematics", Some("Mathematics"), Some("Formal sciences")),
                row("Graph theory", Some("Graph theory"), Some("Mathematics")),
                row("Logic", Some("Logic"), Some("Formal sciences")),
                row(
                    "Natural sciences",
                    Some("Natural science"),
                    Some("Academic disciplines")
                ),
            ]
        );
        let entries = parse_category_tree(text);
        assert_eq!(entries[3].slug, "graph-theory");
    }

    #[test]
    fn a_tab_counts_as_four_spaces_and_crlf_is_read() {
        let text = "Root [Root]\r\n\tChild [Child_page]\r\n    \tGrandchild\r\n";
        assert_eq!(
            outline(text),
            vec![
                row("Root", Some("Root"), None),
                row("Child", Some("Child page"), Some("Root")),
                row("Grandchild", None, Some("Child")),
            ]
        );
    }

    #[test]
    fn lines_without_bracket_have_no_anchor_and_blank_lines_are_skipped() {
        let text = "\n   \nRoot\n\n    Leaf    []\n";
        assert_eq!(
            outline(text),
            vec![row("Root", None, None), row("Leaf", None, Some("Root"))]
        );
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let text = "Root [Root]\n    [Nameless]\n    Unclosed [Anchor\n    Kept [Kept]\n";
        assert_eq!(
            outline(text),
            vec![
                row("Root", Some("Root"), None),
                row("Kept", Some("Kept"), Some("Root"))
            ]
        );
    }

    #[test]
    fn odd_indentation_rounds_down_and_jumps_hang_under_the_deepest_open_entry() {
        let text = "A\n            Deep\n      Six\n  Two\n";
        assert_eq!(
            outline(text),
            vec![
                row("A", None, None),
                row("Deep", None, Some("A")),
                row("Six", None, Some("A")),
                row("Two", None, None),
            ]
        );
    }

    proptest! {
        #[test]
        fn any_text_is_read_without_panicking(text in "[ \t\r\n\\[\\]{}_a-zA-Zé–]{0,300}") {
            let entries = parse_category_tree(&text);
            for (index, entry) in entries.iter().enumerate() {
                prop_assert!(entry.parent.is_none_or(|parent| parent < index));
                prop_assert!(!entry.name.is_empty());
            }
        }

        #[test]
        fn any_string_is_read_without_panicking(text in "\\PC{0,300}") {
            let _ = parse_category_tree(&text);
        }
    }
}
