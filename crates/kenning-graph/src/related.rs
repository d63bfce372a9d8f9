//! Related concepts: shared in-links, shared out-links, direct links.

use crate::Csr;

/// Milne–Witten relatedness of two concepts from the sizes of their link
/// sets `a` and `b`, their overlap and the number of concepts `n`:
/// `1 − (ln max(a,b) − ln overlap) / (ln n − ln min(a,b))`, clipped to
/// `[0, 1]`; 0 without overlap.
pub fn milne_witten(a: usize, b: usize, overlap: usize, n: usize) -> f32 {
    if overlap == 0 || a == 0 || b == 0 || n < 2 {
        return 0.0;
    }
    let (max, min) = (a.max(b) as f64, a.min(b) as f64);
    let denom = (n as f64).ln() - min.ln();
    if denom <= 0.0 {
        return 1.0;
    }
    let d = (max.ln() - (overlap as f64).ln()) / denom;
    (1.0 - d).clamp(0.0, 1.0) as f32
}

/// How the parts of a relatedness score are weighted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelatedWeights {
    /// Shared in-links (co-citation).
    pub shared_in: f32,
    /// Shared out-links (coupling).
    pub shared_out: f32,
    /// A direct link: full weight when mutual, half when one way.
    pub direct: f32,
}

impl Default for RelatedWeights {
    fn default() -> Self {
        RelatedWeights {
            shared_in: 0.45,
            shared_out: 0.35,
            direct: 0.2,
        }
    }
}

/// One related concept and its score in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Related {
    /// The related concept.
    pub idx: u32,
    /// The relatedness.
    pub score: f32,
}

/// The natural logarithms of every concept's in- and out-degree, computed
/// once and shared by the [`RelatedFinder`]s of all threads: scoring a
/// candidate then reads one entry instead of two rows' offsets and
/// computing two logarithms.
#[derive(Clone, Debug)]
pub struct DegreeLogs {
    /// `[ln in-degree, ln out-degree]` per concept (−∞ for degree 0).
    logs: Vec<[f64; 2]>,
    ln_n: f64,
}

impl DegreeLogs {
    /// The logarithms of the degrees in `out` and its transpose `inn`.
    pub fn new(out: &Csr, inn: &Csr) -> Self {
        let ln = |d: usize| (d as f64).ln();
        DegreeLogs {
            logs: (0..out.len() as u32)
                .map(|c| [ln(inn.row(c).len()), ln(out.row(c).len())])
                .collect(),
            ln_n: ln(out.len()),
        }
    }
}

/// [`milne_witten`] from the logarithms of the set sizes: the same
/// arithmetic on the same values, so the same result to the bit.
fn milne_witten_logs(ln_a: f64, ln_b: f64, overlap: u32, ln_n: f64) -> f32 {
    // ln 0 = −∞: an empty set; ln n < ln 2: fewer than two concepts.
    if overlap == 0 || ln_a == f64::NEG_INFINITY || ln_b == f64::NEG_INFINITY || ln_n < 2f64.ln() {
        return 0.0;
    }
    let (ln_max, ln_min) = if ln_a >= ln_b {
        (ln_a, ln_b)
    } else {
        (ln_b, ln_a)
    };
    let denom = ln_n - ln_min;
    if denom <= 0.0 {
        return 1.0;
    }
    let d = (ln_max - f64::from(overlap).ln()) / denom;
    (1.0 - d).clamp(0.0, 1.0) as f32
}

/// Neighbours followed per concept and per hop.
const FAN_OUT: usize = 256;
const _: () = assert!(FAN_OUT <= u16::MAX as usize, "shared counts are 16-bit");

/// Finds the top-k related concepts of any concept. Holds scratch space
/// sized to the graph, so keep one per thread and reuse it.
#[derive(Debug)]
pub struct RelatedFinder<'g> {
    out: &'g Csr,
    inn: &'g Csr,
    logs: &'g DegreeLogs,
    weights: RelatedWeights,
    /// Neighbours followed per concept and per hop; bounds the work on hubs.
    fan_out: usize,
    /// Per concept: in-links shared with the concept asked about, then
    /// out-links shared (side by side: one cache line per candidate). A
    /// count is at most the fan-out (rows have no repeats, so a concept is
    /// counted once per first-hop neighbour), so 16 bits hold it.
    shared: Vec<[u16; 2]>,
    touched: Vec<u32>,
    /// Scratch: every candidate's score, reused across calls.
    scored: Vec<Related>,
}

impl<'g> RelatedFinder<'g> {
    /// A finder over out-links `out`, their transpose `inn` and the
    /// logarithms of their degrees. Rows must be sorted and free of
    /// repeats (as [`Csr`] promises).
    pub fn new(out: &'g Csr, inn: &'g Csr, logs: &'g DegreeLogs, weights: RelatedWeights) -> Self {
        let n = out.len();
        RelatedFinder {
            out,
            inn,
            logs,
            weights,
            fan_out: FAN_OUT,
            shared: vec![[0; 2]; n],
            touched: Vec::new(),
            scored: Vec::new(),
        }
    }

    /// The `k` concepts most related to `a`, best first (ties by index).
    pub fn top_k(&mut self, a: u32, k: usize) -> Vec<Related> {
        let (out, inn) = (self.out, self.inn);
        // Co-citation (0): concepts that share an in-link with `a`;
        // coupling (1): concepts that share an out-link with `a`.
        for (side, first, second) in [(0, inn, out), (1, out, inn)] {
            for &c in spread(first.row(a), self.fan_out) {
                for &b in spread(second.row(c), self.fan_out) {
                    let counts = &mut self.shared[b as usize];
                    if *counts == [0, 0] {
                        self.touched.push(b);
                    }
                    counts[side] += 1;
                }
            }
        }
        // Direct neighbours are candidates even without shared links. Rows
        // are sorted and free of repeats, so a neighbour is listed twice
        // only when it is in both rows: looked up in the out-row, not in
        // `touched` (whose scan made hubs, with their hundreds of thousands
        // of in-links, cost quadratic time).
        for &b in out.row(a) {
            if self.shared[b as usize] == [0, 0] {
                self.touched.push(b);
            }
        }
        for &b in inn.row(a) {
            if self.shared[b as usize] == [0, 0] && out.row(a).binary_search(&b).is_err() {
                self.touched.push(b);
            }
        }
        let w = self.weights;
        let logs = self.logs;
        let [ln_in_a, ln_out_a] = logs.logs[a as usize];
        let scored = &mut self.scored;
        scored.clear();
        for &b in &self.touched {
            if b == a {
                continue;
            }
            let [ln_in_b, ln_out_b] = logs.logs[b as usize];
            let [shared_in, shared_out] = self.shared[b as usize].map(u32::from);
            let si = milne_witten_logs(ln_in_a, ln_in_b, shared_in, logs.ln_n);
            let so = milne_witten_logs(ln_out_a, ln_out_b, shared_out, logs.ln_n);
            let forward = out.row(a).binary_search(&b).is_ok();
            let backward = inn.row(a).binary_search(&b).is_ok();
            let direct = match (forward, backward) {
                (true, true) => 1.0,
                (true, false) | (false, true) => 0.5,
                (false, false) => 0.0,
            };
            let score = w.shared_in * si + w.shared_out * so + w.direct * direct;
            if score > 0.0 {
                scored.push(Related { idx: b, score });
            }
        }
        for &b in &self.touched {
            self.shared[b as usize] = [0, 0];
        }
        self.touched.clear();
        let k = k.min(scored.len());
        if k == 0 {
            return Vec::new();
        }
        let by_score =
            |x: &Related, y: &Related| y.score.total_cmp(&x.score).then(x.idx.cmp(&y.idx));
        scored.select_nth_unstable_by(k - 1, by_score);
        // A fresh vector of exactly `k`: callers keep many of them, and
        // the scratch space holds thousands of candidates.
        let mut top = scored[..k].to_vec();
        top.sort_unstable_by(by_score);
        top
    }
}

/// At most `limit` elements spread evenly over `row` (all of it when short),
/// so hubs cost a bounded amount and the sample is not biased to low ids.
fn spread(row: &[u32], limit: usize) -> impl Iterator<Item = &u32> {
    let step = row.len().div_ceil(limit.max(1)).max(1);
    row.iter().step_by(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milne_witten_from_logs_is_milne_witten_to_the_bit() {
        let ln = |d: usize| (d as f64).ln();
        for n in [0, 1, 2, 3, 10, 1000, 7_000_000] {
            for a in [0, 1, 2, 5, 10, 999, 1000, 5000] {
                for b in [0, 1, 2, 5, 10, 999, 1000, 5000] {
                    for overlap in [0u32, 1, 2, 5, 10, 999] {
                        let want = milne_witten(a, b, overlap as usize, n);
                        let got = milne_witten_logs(ln(a), ln(b), overlap, ln(n));
                        assert_eq!(want.to_bits(), got.to_bits(), "{a} {b} {overlap} {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn milne_witten_bounds() {
        assert_eq!(milne_witten(10, 10, 0, 1000), 0.0);
        assert!((milne_witten(10, 10, 10, 1000) - 1.0).abs() < 1e-6);
        let half = milne_witten(10, 20, 5, 1000);
        assert!(half > 0.0 && half < 1.0);
        assert!(milne_witten(10, 20, 8, 1000) > half);
    }

    /// 0 ↔ 1 link each other and are cited together by 2 and 3;
    /// 4 only links to 0; 200 more concepts link nowhere. So 1 is the most
    /// related to 0.
    #[test]
    fn mutual_and_shared_links_rank_first() {
        let mut rows = vec![vec![1], vec![0], vec![0, 1], vec![0, 1], vec![0], vec![]];
        rows.extend((0..200).map(|_| Vec::new()));
        let out = Csr::from_rows(rows);
        let inn = out.transpose();
        let logs = DegreeLogs::new(&out, &inn);
        let mut f = RelatedFinder::new(&out, &inn, &logs, RelatedWeights::default());
        let r = f.top_k(0, 3);
        assert_eq!(r[0].idx, 1);
        assert!(r.iter().all(|x| x.idx != 0 && x.idx != 5));
        assert!(r.windows(2).all(|w| w[0].score >= w[1].score));
        // The scratch space is clean: the same query gives the same answer.
        assert_eq!(f.top_k(0, 3), r);
        assert!(f.top_k(5, 3).is_empty());
        // The answer holds what it returns, not the candidates looked at.
        assert!(f.top_k(0, 1).capacity() == 1);
    }
}
