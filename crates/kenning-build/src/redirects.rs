//! Redirects resolved once every title is known: chains followed to a
//! concept, loops and dead ends broken; and the names (titles, then the
//! aliases that resolved) that link targets are resolved through.

use std::collections::HashMap;

use kenning_store::{ConceptIdx, Stats};

/// Redirect chains longer than this are treated as broken.
const MAX_REDIRECT_HOPS: usize = 8;

/// Every title key that names a concept.
#[derive(Debug)]
pub(crate) struct Names {
    /// Title key of each concept's title → the concept.
    titles: HashMap<u64, u32>,
    /// Title key of each alias that resolved → its concept.
    aliases: HashMap<u64, u32>,
}

impl Names {
    /// The concept a title key names: a title first, else an alias.
    pub(crate) fn resolve(&self, key: u64) -> Option<u32> {
        self.titles
            .get(&key)
            .or_else(|| self.aliases.get(&key))
            .copied()
    }

    /// The concept an alias's title key resolved to.
    pub(crate) fn alias(&self, key: u64) -> Option<u32> {
        self.aliases.get(&key).copied()
    }

    /// Every title and alias key with its concept, in no order.
    pub(crate) fn entries(&self) -> Vec<(u64, ConceptIdx)> {
        let entry = |(&k, &v): (&u64, &u32)| (k, ConceptIdx::new(v));
        let mut names: Vec<(u64, ConceptIdx)> = self.titles.iter().map(entry).collect();
        names.extend(self.aliases.iter().map(entry));
        names
    }
}

/// Resolves `redirects` (`(alias key, target key)`, in the order of the
/// alias table) against the concepts' `titles`. Returns the names and the
/// `(concept, alias index)` of every alias that resolved. A redirect whose
/// title is also a concept's or an earlier alias's, or that leads to no
/// concept within [`MAX_REDIRECT_HOPS`], counts as broken.
pub(crate) fn resolve_redirects(
    titles: HashMap<u64, u32>,
    redirects: &[(u64, u64)],
    stats: &mut Stats,
) -> (Names, Vec<(u32, u32)>) {
    let redirect_map: HashMap<u64, u64> = redirects.iter().copied().collect();
    let mut alias_rows: Vec<(u32, u32)> = Vec::new();
    let mut alias_targets: HashMap<u64, u32> = HashMap::new();
    for (alias_idx, &(from, to)) in redirects.iter().enumerate() {
        if titles.contains_key(&from) || alias_targets.contains_key(&from) {
            // A title that is also an article, or a duplicate alias.
            stats.broken_redirects += 1;
            continue;
        }
        let mut key = to;
        let mut target = None;
        for _ in 0..MAX_REDIRECT_HOPS {
            if let Some(&idx) = titles.get(&key) {
                target = Some(idx);
                break;
            }
            match redirect_map.get(&key) {
                Some(&next) if next != key => key = next,
                _ => break,
            }
        }
        match target {
            Some(idx) => {
                alias_rows.push((idx, alias_idx as u32));
                alias_targets.insert(from, idx);
            }
            None => stats.broken_redirects += 1,
        }
    }
    stats.redirects += redirects.len() as u64;
    let names = Names {
        titles,
        aliases: alias_targets,
    };
    (names, alias_rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_resolve_and_loops_break() {
        // Concepts 1 and 2; 10 → 1; 11 → 10 → 1; 12 ↔ 13; 14 → 2 twice;
        // 2 → 1 is a title, so broken.
        let titles = HashMap::from([(1, 0), (2, 1)]);
        let redirects = [
            (10, 1),
            (11, 10),
            (12, 13),
            (13, 12),
            (14, 2),
            (14, 1),
            (2, 1),
        ];
        let mut stats = Stats::default();
        let (names, rows) = resolve_redirects(titles, &redirects, &mut stats);
        assert_eq!(rows, [(0, 0), (0, 1), (1, 4)]);
        assert_eq!((stats.redirects, stats.broken_redirects), (7, 4));
        assert_eq!(names.resolve(11), Some(0));
        assert_eq!(names.resolve(2), Some(1));
        assert_eq!((names.alias(14), names.alias(2)), (Some(1), None));
        assert_eq!(names.resolve(12), None);
        let mut entries: Vec<(u64, u32)> = names
            .entries()
            .into_iter()
            .map(|(key, idx)| (key, idx.get()))
            .collect();
        entries.sort_unstable();
        assert_eq!(entries, [(1, 0), (2, 1), (10, 0), (11, 0), (14, 1)]);
    }
}
