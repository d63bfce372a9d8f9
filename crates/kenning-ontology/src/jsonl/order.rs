//! The checks that need every line: ids unique, parents defined, no
//! category its own ancestor; and the order parents-first.

use std::collections::HashMap;

use crate::{Category, OntologyError};

/// A category and the 1-based number of the line it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NumberedCategory {
    pub(super) line: usize,
    pub(super) category: Category,
}

/// Where the depth-first walk is with a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    NotYet,
    /// On the walk's stack: its ancestors are being placed.
    Open,
    Placed,
}

/// The categories ordered so that every parent comes before its children,
/// after checking that ids are unique, every parent is defined and no
/// category is its own ancestor; `what` names the text in errors.
///
/// The order follows the lines: each category comes as early as its line
/// allows, right after those of its ancestors not yet placed (placed in
/// turn the same way, parents in the order listed). Lines already in a
/// parents-first order keep their order.
pub(super) fn check_and_order(
    numbered: Vec<NumberedCategory>,
    what: &str,
) -> Result<Vec<Category>, OntologyError> {
    let mut index_of_id: HashMap<&str, usize> = HashMap::with_capacity(numbered.len());
    for (index, entry) in numbered.iter().enumerate() {
        if let Some(&first) = index_of_id.get(entry.category.id.as_str()) {
            return Err(OntologyError::invalid(
                what,
                format!(
                    "duplicate category id \"{}\" (lines {} and {})",
                    entry.category.id, numbered[first].line, entry.line
                ),
            ));
        }
        index_of_id.insert(&entry.category.id, index);
    }
    let mut parents_of: Vec<Vec<usize>> = Vec::with_capacity(numbered.len());
    for entry in &numbered {
        let mut parents = Vec::with_capacity(entry.category.parents.len());
        for parent in &entry.category.parents {
            let Some(&parent_index) = index_of_id.get(parent.as_str()) else {
                return Err(OntologyError::invalid(
                    what,
                    format!(
                        "line {}: category \"{}\" names parent \"{parent}\", which no line defines",
                        entry.line, entry.category.id
                    ),
                ));
            };
            parents.push(parent_index);
        }
        parents_of.push(parents);
    }
    let order = parents_first_order(&parents_of).map_err(|cycle| {
        let path: Vec<&str> = cycle
            .iter()
            .map(|&index| numbered[index].category.id.as_str())
            .collect();
        OntologyError::invalid(
            what,
            format!(
                "category \"{}\" is its own ancestor ({})",
                path[0],
                path.join(" → ")
            ),
        )
    })?;
    let mut slots: Vec<Option<Category>> = numbered
        .into_iter()
        .map(|entry| Some(entry.category))
        .collect();
    Ok(order
        .into_iter()
        .filter_map(|index| slots[index].take())
        .collect())
}

/// Every index once, each after its parents, by an iterative depth-first
/// walk from each index in turn. On a cycle, the indices of the cycle
/// instead, from the category found to be its own ancestor through its
/// parent, grandparent and on, back to it (`a → b → a`).
fn parents_first_order(parents_of: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let mut visits = vec![Visit::NotYet; parents_of.len()];
    let mut order = Vec::with_capacity(parents_of.len());
    // (category, how many of its parents have been looked at).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..parents_of.len() {
        if visits[start] != Visit::NotYet {
            continue;
        }
        visits[start] = Visit::Open;
        stack.push((start, 0));
        while let Some((category, parents_seen)) = stack.last_mut() {
            let category = *category;
            let Some(&parent) = parents_of[category].get(*parents_seen) else {
                visits[category] = Visit::Placed;
                order.push(category);
                stack.pop();
                continue;
            };
            *parents_seen += 1;
            match visits[parent] {
                Visit::NotYet => {
                    visits[parent] = Visit::Open;
                    stack.push((parent, 0));
                }
                Visit::Open => {
                    let from = stack
                        .iter()
                        .position(|&(open, _)| open == parent)
                        .unwrap_or(0);
                    let mut cycle: Vec<usize> =
                        stack[from..].iter().map(|&(open, _)| open).collect();
                    cycle.push(parent);
                    return Err(cycle);
                }
                Visit::Placed => {}
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(lines: &[(usize, &str, &[&str])]) -> Vec<NumberedCategory> {
        lines
            .iter()
            .map(|&(line, id, parents)| NumberedCategory {
                line,
                category: Category {
                    id: id.into(),
                    name: id.to_uppercase(),
                    parents: parents.iter().map(|&parent| parent.into()).collect(),
                    anchor: None,
                    concepts: Vec::new(),
                },
            })
            .collect()
    }

    fn ids(lines: &[(usize, &str, &[&str])]) -> Result<Vec<String>, String> {
        check_and_order(numbered(lines), "ontology.jsonl")
            .map(|categories| categories.into_iter().map(|category| category.id).collect())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn parents_first_order_keeps_lines_already_in_order() {
        let lines: &[(usize, &str, &[&str])] = &[
            (1, "a", &[]),
            (2, "b", &["a"]),
            (3, "c", &[]),
            (4, "d", &["b", "c"]),
        ];
        assert_eq!(ids(lines).unwrap(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn parents_defined_later_are_moved_before_their_children() {
        let lines: &[(usize, &str, &[&str])] = &[
            (1, "leaf", &["middle"]),
            (2, "other", &[]),
            (4, "middle", &["root", "second-root"]),
            (5, "root", &[]),
            (6, "second-root", &[]),
        ];
        assert_eq!(
            ids(lines).unwrap(),
            ["root", "second-root", "middle", "leaf", "other"]
        );
    }

    #[test]
    fn shared_ancestors_are_placed_once() {
        let lines: &[(usize, &str, &[&str])] = &[
            (1, "x", &["p", "q"]),
            (2, "p", &["r"]),
            (3, "q", &["r"]),
            (4, "r", &[]),
        ];
        assert_eq!(ids(lines).unwrap(), ["r", "p", "q", "x"]);
    }

    #[test]
    fn duplicate_ids_name_both_lines() {
        let lines: &[(usize, &str, &[&str])] = &[(2, "x", &[]), (5, "y", &[]), (9, "x", &[])];
        assert_eq!(
            ids(lines).unwrap_err(),
            "ontology.jsonl: duplicate category id \"x\" (lines 2 and 9)"
        );
    }

    #[test]
    fn a_parent_no_line_defines_is_named_with_its_line() {
        let lines: &[(usize, &str, &[&str])] = &[(1, "a", &[]), (3, "x", &["a", "y"])];
        assert_eq!(
            ids(lines).unwrap_err(),
            "ontology.jsonl: line 3: category \"x\" names parent \"y\", which no line defines"
        );
    }

    #[test]
    fn cycles_are_named() {
        let two: &[(usize, &str, &[&str])] = &[(1, "a", &["b"]), (2, "b", &["a"])];
        assert_eq!(
            ids(two).unwrap_err(),
            "ontology.jsonl: category \"a\" is its own ancestor (a → b → a)"
        );
        let own_parent: &[(usize, &str, &[&str])] = &[(1, "a", &[]), (2, "s", &["a", "s"])];
        assert_eq!(
            ids(own_parent).unwrap_err(),
            "ontology.jsonl: category \"s\" is its own ancestor (s → s)"
        );
        let below_a_root: &[(usize, &str, &[&str])] = &[
            (1, "leaf", &["c"]),
            (2, "c", &["d"]),
            (3, "d", &["root", "e"]),
            (4, "e", &["c"]),
            (5, "root", &[]),
        ];
        assert_eq!(
            ids(below_a_root).unwrap_err(),
            "ontology.jsonl: category \"c\" is its own ancestor (c → d → e → c)"
        );
    }

    #[test]
    fn a_long_chain_needs_no_recursion() {
        // Each line's parent is on the next line: the walk goes 200,000 deep.
        let count = 200_000;
        let names: Vec<String> = (0..count).map(|index| format!("c{index}")).collect();
        let chain: Vec<NumberedCategory> = (0..count)
            .map(|index| NumberedCategory {
                line: index + 1,
                category: Category {
                    id: names[index].clone(),
                    name: names[index].clone(),
                    parents: names.get(index + 1).cloned().into_iter().collect(),
                    anchor: None,
                    concepts: Vec::new(),
                },
            })
            .collect();
        let ordered = check_and_order(chain, "ontology.jsonl").unwrap();
        assert_eq!(ordered.len(), count);
        assert_eq!(ordered[0].id, format!("c{}", count - 1));
        assert_eq!(ordered[count - 1].id, "c0");
    }
}
