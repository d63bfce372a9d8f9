//! Counting true and false positives.

/// True positives, false positives, false negatives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) tp: usize,
    pub(crate) fp: usize,
    pub(crate) fn_: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
    pub(crate) fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub(crate) fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub(crate) fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
    /// `P | R | F1` for a Markdown row.
    pub(crate) fn row(&self) -> String {
        format!(
            "{:.3} | {:.3} | {:.3}",
            self.precision(),
            self.recall(),
            self.f1()
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Mentions: a prediction is right when it overlaps a gold link to the
/// same concept (each gold link counts once).
pub(crate) fn mention_counts<C: Copy + PartialEq>(
    predicted: &[(usize, usize, C)],
    gold: &[(usize, usize, C)],
) -> Counts {
    let mut used = vec![false; gold.len()];
    let mut c = Counts::default();
    for &(s, e, concept) in predicted {
        let hit = gold
            .iter()
            .enumerate()
            .find(|(i, g)| !used[*i] && g.2 == concept && s < g.1 && g.0 < e);
        match hit {
            Some((i, _)) => {
                used[i] = true;
                c.tp += 1;
            }
            None => c.fp += 1,
        }
    }
    c.fn_ = used.iter().filter(|u| !**u).count();
    c
}

/// Whether a prediction at `span` is judged: it is, unless it overlaps a
/// label the benchmark asks to ignore (NIL, optional, outside the
/// snapshot) and is not on a gold mention's exact span. A prediction of
/// "Russia" in "Nizhny Novgorod, Russia" is judged when "Russia" is a gold
/// mention, even though the whole phrase is an ignored label.
pub(crate) fn is_judged<C>(
    span: (usize, usize),
    gold: &[(usize, usize, C)],
    ignored: &[(usize, usize)],
) -> bool {
    let (start, end) = span;
    gold.iter().any(|&(s, e, _)| (s, e) == span)
        || !ignored.iter().any(|&(s, e)| start < e && s < end)
}

/// Exact spans and concepts.
pub(crate) fn exact_counts<C: PartialEq>(
    predicted: &[(usize, usize, C)],
    gold: &[(usize, usize, C)],
) -> Counts {
    let tp = predicted.iter().filter(|p| gold.contains(p)).count();
    Counts {
        tp,
        fp: predicted.len() - tp,
        fn_: gold.len() - tp,
    }
}

/// Sets of concepts (both sorted and unique).
pub(crate) fn set_counts<C: Ord>(predicted: &[C], gold: &[C]) -> Counts {
    let tp = predicted
        .iter()
        .filter(|c| gold.binary_search(c).is_ok())
        .count();
    Counts {
        tp,
        fp: predicted.len() - tp,
        fn_: gold.len() - tp,
    }
}

/// `|ours[..k] ∩ theirs[..k]| / k`, where `theirs` may name concepts the
/// snapshot lacks (`None`, never matched).
pub(crate) fn overlaps<C: PartialEq>(ours: &[C], theirs: &[Option<C>], k: usize) -> f64 {
    let top = &ours[..k.min(ours.len())];
    let hits = theirs
        .iter()
        .take(k)
        .flatten()
        .filter(|c| top.contains(c))
        .count();
    hits as f64 / k as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predictions_on_gold_spans_are_judged_inside_ignored_labels() {
        // "Nizhny Novgorod, Russia": the whole phrase is ignored, "Russia"
        // (17..23) is gold.
        let gold = [(17, 23, 5)];
        let ignored = [(0, 23)];
        assert!(is_judged((17, 23), &gold, &ignored));
        assert!(!is_judged((0, 15), &gold, &ignored));
        assert!(!is_judged((7, 23), &gold, &ignored));
        assert!(is_judged((30, 35), &gold, &ignored));
        // Right and wrong concepts on the gold span both count.
        let predicted = [(17, 23, 5), (0, 15, 9)];
        let judged: Vec<_> = predicted
            .into_iter()
            .filter(|p| is_judged((p.0, p.1), &gold, &ignored))
            .collect();
        let c = exact_counts(&judged, &gold);
        assert_eq!((c.tp, c.fp, c.fn_), (1, 0, 0));
    }

    #[test]
    fn counting() {
        let gold = [(0, 5, 1), (10, 15, 2)];
        let c = mention_counts(&[(0, 4, 1), (10, 15, 3), (20, 25, 4)], &gold);
        assert_eq!((c.tp, c.fp, c.fn_), (1, 2, 1));
        let c = exact_counts(&[(0, 5, 1), (10, 14, 2)], &gold);
        assert_eq!((c.tp, c.fp, c.fn_), (1, 1, 1));
        let c = set_counts(&[1, 2, 3], &[2, 3, 4, 5]);
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert_eq!(overlaps(&[1, 2, 3], &[Some(3), None, Some(9)], 2), 0.0);
        assert_eq!(
            overlaps(&[1, 2, 3], &[Some(3), None, Some(2)], 3),
            2.0 / 3.0
        );
    }
}
