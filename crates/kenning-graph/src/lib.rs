//! The concept graph's algorithms.
//!
//! This crate owns what the link graph *means*: compressed-sparse-row
//! adjacency ([`Csr`]), the Milne–Witten relatedness of two concepts from
//! the links they share, the top-k related concepts of every concept
//! ([`RelatedFinder`]), and a popularity prior from in-degrees.
//!
//! It is pure: adjacency in (plain vectors), numbers out. It deliberately
//! does not read snapshots, spawn threads or know about titles; the build
//! pipeline feeds it and parallelises over concepts.

#![forbid(unsafe_code)]

mod related;

pub use related::{DegreeLogs, Related, RelatedFinder, RelatedWeights, milne_witten};

/// Compressed-sparse-row adjacency: the targets of row `i` are
/// `targets[offsets[i]..offsets[i + 1]]`, sorted and without duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Csr {
    /// `len() + 1` offsets into `targets`, non-decreasing, starting at 0.
    pub offsets: Vec<u64>,
    /// Row targets, concatenated.
    pub targets: Vec<u32>,
}

impl Csr {
    /// Builds adjacency from rows (each row is sorted and de-duplicated here).
    pub fn from_rows<I, R>(rows: I) -> Csr
    where
        I: IntoIterator<Item = R>,
        R: IntoIterator<Item = u32>,
    {
        let mut csr = Csr {
            offsets: vec![0],
            targets: Vec::new(),
        };
        for row in rows {
            let start = csr.targets.len();
            csr.targets.extend(row);
            csr.targets[start..].sort_unstable();
            let mut keep = start;
            for i in start..csr.targets.len() {
                if i == start || csr.targets[i] != csr.targets[keep - 1] {
                    csr.targets[keep] = csr.targets[i];
                    keep += 1;
                }
            }
            csr.targets.truncate(keep);
            csr.offsets.push(csr.targets.len() as u64);
        }
        csr
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets of row `i`.
    pub fn row(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.targets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The transpose: row `j` lists every `i` whose row holds `j`, sorted.
    pub fn transpose(&self) -> Csr {
        let n = self.len();
        let mut degree = vec![0u64; n + 1];
        for &t in &self.targets {
            degree[t as usize + 1] += 1;
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let offsets = degree.clone();
        let mut fill = degree;
        let mut targets = vec![0u32; self.targets.len()];
        for i in 0..n as u32 {
            for &t in self.row(i) {
                targets[fill[t as usize] as usize] = i;
                fill[t as usize] += 1;
            }
        }
        Csr { offsets, targets }
    }
}

/// A popularity prior in `[0, 1]` from in-degrees: `ln(1 + d) / ln(1 + max)`,
/// the normalised log-degree Graph Search multiplies its scores by.
pub fn popularity(in_degree: u64, max_in_degree: u64) -> f32 {
    if max_in_degree == 0 {
        return 0.0;
    }
    ((1.0 + in_degree as f64).ln() / (1.0 + max_in_degree as f64).ln()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_unique() {
        let g = Csr::from_rows(vec![vec![2, 1, 2], vec![], vec![0]]);
        assert_eq!(g.row(0), &[1, 2]);
        assert!(g.row(1).is_empty());
        assert_eq!(g.row(2), &[0]);
        let t = g.transpose();
        assert_eq!(t.row(0), &[2]);
        assert_eq!(t.row(1), &[0]);
        assert_eq!(t.row(2), &[0]);
        assert_eq!(t.transpose(), g);
    }

    #[test]
    fn popularity_is_normalised() {
        assert_eq!(popularity(0, 0), 0.0);
        assert_eq!(popularity(0, 10), 0.0);
        assert!((popularity(10, 10) - 1.0).abs() < 1e-6);
        assert!(popularity(3, 10) < popularity(4, 10));
    }
}
