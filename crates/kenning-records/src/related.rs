//! Related records through the concepts they share.

/// How many of a concept's records (its strongest) take part in one
/// related-records question, by default.
pub const DEFAULT_MAX_FAN_OUT: usize = 1000;

/// One detected concept of one record, with its score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordConcept {
    /// The record's index (dense: `0..number of records`).
    pub record: u32,
    /// The concept's id.
    pub concept: u32,
    /// How strongly the record is about the concept (> 0; usually in `(0, 1]`).
    pub score: f32,
}

/// A record with a score in `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredRecord {
    /// The record's index.
    pub record: u32,
    /// The score.
    pub score: f32,
}

/// The records of one type most related to a record, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedOfKind {
    /// The type, as the caller numbered types.
    pub kind: u32,
    /// At most `k` records, by score descending, then index ascending.
    pub records: Vec<ScoredRecord>,
    /// How many records of this type are related, `k` or more.
    pub total: usize,
}

/// Record→concept edges indexed both ways: each record's concepts, and
/// each concept's records (the inverted index).
///
/// Related records of `r`: for every record `s` sharing a concept with
/// `r`,
///
/// ```text
/// related(r, s) = Σ over shared concepts c of w(c) × score(r, c) × score(s, c)
///                 ─────────────────────────────────────────────────────────
///                          (‖r‖ + PROFILE_PRIOR) × (‖s‖ + PROFILE_PRIOR)
/// ```
///
/// in `[0, 1]`, where `‖r‖` is the length of `r`'s vector of concept
/// scores. It is the cosine of the two records' concept profiles with two
/// changes:
///
/// - a shared concept counts by its rarity among the records,
///   `w(c) = ln(1 + N / n(c)) / ln(1 + N)` in `(0, 1]` (`N` records with a
///   concept, `n(c)` of them with `c`), so sharing *Concrete* says more than
///   sharing *Mathematics*;
/// - [`PROFILE_PRIOR`] is added to each length, so a record with little
///   evidence (one weak concept) is not a perfect match for every record
///   that shares it, and more shared evidence comes closer to 1.
///
/// Dividing by the lengths keeps a record with many concepts from being
/// related to everything. Against the 492 labelled prerequisite pairs of
/// EPFL's 2019 courses (EVALUATION.md), recall@10 is 0.561 with this
/// score and 0.530 with the plain sum of products that EPFL Graph Search
/// uses.
///
/// Fan-out bound: a concept that a great many records have (a "stop
/// concept" such as *Research*) would make every question touch all of
/// them. Each concept takes part with only its `max_fan_out` strongest
/// records (by score, ties by index), so a question costs at most
/// `concepts of r × max_fan_out` steps. A record outside a concept's
/// strongest ones still gets that concept's contribution from the records
/// inside, so relatedness is not quite symmetric for such concepts.
#[derive(Clone, Debug)]
pub struct SharedConcepts {
    /// Per record (dense), offsets into `by_record`.
    record_offsets: Vec<usize>,
    /// (concept, score), each record's sorted by concept.
    by_record: Vec<(u32, f32)>,
    /// Distinct concepts, sorted; `concept_offsets[i]..[i + 1]` in `by_concept`.
    concepts: Vec<u32>,
    concept_offsets: Vec<usize>,
    /// (record, score), each concept's sorted by score descending, then record.
    by_concept: Vec<(u32, f32)>,
    /// Per record, `‖r‖ + PROFILE_PRIOR`.
    profile_lengths: Vec<f64>,
    /// `N`, the records with a concept.
    with_concepts: usize,
    max_fan_out: usize,
}

/// Added to the length of each record's concept profile when two records
/// are compared (see [`SharedConcepts`]). On EPFL's labelled course pairs
/// (`bench/related_sweep.py`), values from 0.1 to 1 give recall@10
/// between 0.549 and 0.561; 0.5 gave the most.
pub const PROFILE_PRIOR: f64 = 0.5;

impl SharedConcepts {
    /// Indexes `edges`. An edge whose score is not a positive finite number
    /// is ignored; the same (record, concept) twice keeps the higher score.
    /// `max_fan_out` (at least 1) bounds how many records of one concept a
    /// question looks at.
    pub fn new(edges: &[RecordConcept], max_fan_out: usize) -> SharedConcepts {
        let mut edges: Vec<RecordConcept> = edges
            .iter()
            .copied()
            .filter(|e| e.score.is_finite() && e.score > 0.0)
            .collect();
        // By record, concept, score descending: the first of a run is the one kept.
        edges.sort_unstable_by(|a, b| {
            (a.record, a.concept)
                .cmp(&(b.record, b.concept))
                .then(b.score.total_cmp(&a.score))
        });
        edges.dedup_by(|later, first| {
            later.record == first.record && later.concept == first.concept
        });

        let records = edges.last().map_or(0, |e| e.record as usize + 1);
        let mut record_offsets = vec![0; records + 1];
        for e in &edges {
            record_offsets[e.record as usize + 1] += 1;
        }
        for i in 0..records {
            record_offsets[i + 1] += record_offsets[i];
        }
        let by_record: Vec<(u32, f32)> = edges.iter().map(|e| (e.concept, e.score)).collect();
        let profile_lengths = record_offsets
            .windows(2)
            .map(|w| {
                let squares: f64 = by_record[w[0]..w[1]]
                    .iter()
                    .map(|&(_, s)| f64::from(s) * f64::from(s))
                    .sum();
                squares.sqrt() + PROFILE_PRIOR
            })
            .collect();
        let with_concepts = record_offsets.windows(2).filter(|w| w[1] > w[0]).count();

        edges.sort_unstable_by(|a, b| {
            a.concept
                .cmp(&b.concept)
                .then(b.score.total_cmp(&a.score))
                .then(a.record.cmp(&b.record))
        });
        let mut concepts = Vec::new();
        let mut concept_offsets = vec![0];
        for (i, e) in edges.iter().enumerate() {
            if concepts.last() != Some(&e.concept) {
                if i > 0 {
                    concept_offsets.push(i);
                }
                concepts.push(e.concept);
            }
        }
        if !edges.is_empty() {
            concept_offsets.push(edges.len());
        }
        let by_concept = edges.iter().map(|e| (e.record, e.score)).collect();
        SharedConcepts {
            record_offsets,
            by_record,
            concepts,
            concept_offsets,
            by_concept,
            profile_lengths,
            with_concepts,
            max_fan_out: max_fan_out.max(1),
        }
    }

    /// A record's concepts with their scores, by concept id.
    pub fn concepts_of(&self, record: u32) -> impl ExactSizeIterator<Item = RecordConcept> + '_ {
        let r = record as usize;
        let slice = match (self.record_offsets.get(r), self.record_offsets.get(r + 1)) {
            (Some(&start), Some(&end)) => &self.by_record[start..end],
            _ => &[],
        };
        slice.iter().map(move |&(concept, score)| RecordConcept {
            record,
            concept,
            score,
        })
    }

    /// All records that have a concept, by score descending, then index
    /// (the fan-out bound does not apply here: a concept page can count them all).
    pub fn records_of(&self, concept: u32) -> impl ExactSizeIterator<Item = ScoredRecord> + '_ {
        self.postings(concept)
            .iter()
            .map(|&(record, score)| ScoredRecord { record, score })
    }

    fn postings(&self, concept: u32) -> &[(u32, f32)] {
        match self.concepts.binary_search(&concept) {
            Ok(i) => &self.by_concept[self.concept_offsets[i]..self.concept_offsets[i + 1]],
            Err(_) => &[],
        }
    }

    /// The `k` records of each type most related to `record`, types in
    /// ascending order (types with no related record are left out).
    /// `kinds[i]` is the type of record `i`; records past its end are
    /// ignored. The record itself is never among them.
    pub fn related(&self, record: u32, kinds: &[u32], k: usize) -> Vec<RelatedOfKind> {
        if k == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(u32, f64)> = Vec::new();
        for c in self.concepts_of(record) {
            let postings = self.postings(c.concept);
            let weighted = f64::from(c.score) * self.rarity(postings.len());
            for &(other, score) in &postings[..postings.len().min(self.max_fan_out)] {
                if other != record {
                    hits.push((other, weighted * f64::from(score)));
                }
            }
        }
        let length = |r: u32| self.profile_lengths.get(r as usize).copied().unwrap_or(1.0);
        let mine = length(record);
        // Sum each record's products in a fixed order, so scores are reproducible.
        hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut scored: Vec<(u32, f32, u32)> = Vec::new(); // (kind, score, record)
        let mut i = 0;
        while i < hits.len() {
            let other = hits[i].0;
            let mut sum = 0.0;
            while i < hits.len() && hits[i].0 == other {
                sum += hits[i].1;
                i += 1;
            }
            if let Some(&kind) = kinds.get(other as usize) {
                let score = (sum / (mine * length(other))).clamp(0.0, 1.0) as f32;
                scored.push((kind, score, other));
            }
        }
        scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut related: Vec<RelatedOfKind> = Vec::new();
        for (kind, score, record) in scored {
            match related.last_mut() {
                Some(group) if group.kind == kind => {
                    if group.records.len() < k {
                        group.records.push(ScoredRecord { record, score });
                    }
                    group.total += 1;
                }
                _ => related.push(RelatedOfKind {
                    kind,
                    records: vec![ScoredRecord { record, score }],
                    total: 1,
                }),
            }
        }
        related
    }

    /// `w(c)` of a concept that `n` records have, in `(0, 1]`.
    fn rarity(&self, n: usize) -> f64 {
        if n == 0 || self.with_concepts == 0 {
            return 1.0;
        }
        let records = self.with_concepts as f64;
        ((records / n as f64).ln_1p() / records.ln_1p()).min(1.0)
    }
}

/// How much of a linked record's concept score a record inherits.
pub const INHERITED_WEIGHT: f32 = 0.5;

/// The most concepts a record inherits.
pub const MAX_INHERITED: usize = 20;

/// Concepts for a record whose own text gave none (a person without a
/// biography, a unit without a description): those of the records it is
/// linked with (its courses, publications, members), each
/// `(concept, score)` list one neighbour's. A concept's inherited score is
/// the noisy-or of [`INHERITED_WEIGHT`] × its score in each neighbour that
/// has it, so a concept shared by many neighbours weighs more than one
/// seen once, and no score reaches 1. At most [`MAX_INHERITED`], best
/// first, ties by concept.
pub fn inherit_concepts<'a>(
    neighbours: impl IntoIterator<Item = &'a [(u32, f32)]>,
) -> Vec<(u32, f32)> {
    let mut miss: std::collections::HashMap<u32, f64> = std::collections::HashMap::new();
    for concepts in neighbours {
        for &(concept, score) in concepts {
            let p = f64::from((score * INHERITED_WEIGHT).clamp(0.0, 1.0));
            *miss.entry(concept).or_insert(1.0) *= 1.0 - p;
        }
    }
    let mut out: Vec<(u32, f32)> = miss
        .into_iter()
        .map(|(c, m)| (c, (1.0 - m) as f32))
        .filter(|&(_, s)| s > 0.0)
        .collect();
    out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(MAX_INHERITED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(record: u32, concept: u32, score: f32) -> RecordConcept {
        RecordConcept {
            record,
            concept,
            score,
        }
    }

    #[test]
    fn inherited_concepts_accumulate_over_neighbours() {
        let a: &[(u32, f32)] = &[(1, 0.8), (2, 0.4)];
        let b: &[(u32, f32)] = &[(1, 0.8)];
        let got = inherit_concepts([a, b]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        // 1 − (1 − 0.4)² = 0.64: two neighbours about concept 1.
        assert!((got[0].1 - 0.64).abs() < 1e-6, "{got:?}");
        assert!((got[1].1 - 0.2).abs() < 1e-6, "{got:?}");
        assert!(inherit_concepts(std::iter::empty()).is_empty());
        let many: Vec<(u32, f32)> = (0..50).map(|c| (c, 1.0)).collect();
        let got = inherit_concepts([many.as_slice()]);
        assert_eq!(got.len(), MAX_INHERITED);
        assert!(got.iter().all(|&(_, s)| s < 1.0));
    }

    /// The score of the type's doc, written out by hand for the test.
    fn expected(shared: &[(f64, f64, f64)], mine: &[f64], theirs: &[f64]) -> f32 {
        let length = |v: &[f64]| v.iter().map(|s| s * s).sum::<f64>().sqrt() + PROFILE_PRIOR;
        let dot: f64 = shared.iter().map(|(w, a, b)| w * a * b).sum();
        (dot / (length(mine) * length(theirs))) as f32
    }

    #[test]
    fn weighted_shared_concepts_over_profile_lengths() {
        // Records 0, 1, 2 are courses (kind 0), 3 is a person (kind 1).
        let edges = [
            edge(0, 10, 0.9),
            edge(0, 20, 0.5),
            edge(1, 10, 0.8),
            edge(1, 20, 0.5),
            edge(2, 20, 1.0),
            edge(3, 10, 0.1),
            edge(3, 99, 1.0),
        ];
        let kinds = [0, 0, 0, 1];
        let index = SharedConcepts::new(&edges, DEFAULT_MAX_FAN_OUT);
        let related = index.related(0, &kinds, 10);
        // Four records have a concept; 10 and 20 are on three each.
        let w = (1.0f64 + 4.0 / 3.0).ln() / 5.0f64.ln();
        assert_eq!(related.len(), 2);
        assert_eq!(related[0].kind, 0);
        let courses = &related[0].records;
        assert_eq!(courses.iter().map(|r| r.record).collect::<Vec<_>>(), [1, 2]);
        let close = |got: f32, want: f32| assert!((got - want).abs() < 1e-6, "{got} != {want}");
        close(
            courses[0].score,
            expected(&[(w, 0.9, 0.8), (w, 0.5, 0.5)], &[0.9, 0.5], &[0.8, 0.5]),
        );
        close(
            courses[1].score,
            expected(&[(w, 0.5, 1.0)], &[0.9, 0.5], &[1.0]),
        );
        assert_eq!(related[1].kind, 1);
        assert_eq!(related[1].records[0].record, 3);
        close(
            related[1].records[0].score,
            expected(&[(w, 0.9, 0.1)], &[0.9, 0.5], &[0.1, 1.0]),
        );
        // k per type.
        let top1 = index.related(0, &kinds, 1);
        assert_eq!(top1[0].records.len(), 1);
        assert_eq!(top1[1].records.len(), 1);
        // The totals count past k.
        assert_eq!((top1[0].total, top1[1].total), (2, 1));
        assert_eq!(related[0].total, 2);
        assert!(index.related(0, &kinds, 0).is_empty());
        // A record with no concepts, or unknown, has no related records.
        assert!(index.related(42, &kinds, 5).is_empty());
    }

    #[test]
    fn a_rare_shared_concept_counts_more_than_a_common_one() {
        // Record 0 has concepts 1 and 2 equally; record 1 shares the rare
        // concept 1 with it, record 2 shares concept 2, which 20 other
        // records have too.
        let mut edges = vec![
            edge(0, 1, 0.8),
            edge(0, 2, 0.8),
            edge(1, 1, 0.8),
            edge(2, 2, 0.8),
        ];
        edges.extend((3..23).map(|r| edge(r, 2, 0.8)));
        let kinds = vec![0; 23];
        let index = SharedConcepts::new(&edges, DEFAULT_MAX_FAN_OUT);
        let related = &index.related(0, &kinds, 3)[0].records;
        assert_eq!(related[0].record, 1);
        assert!(related[0].score > related[1].score, "{related:?}");
        // Even a concept every record has still counts a little.
        let everywhere = SharedConcepts::new(&[edge(0, 5, 1.0), edge(1, 5, 1.0)], 10);
        assert!(everywhere.related(0, &[0, 0], 1)[0].records[0].score > 0.0);
    }

    #[test]
    fn evidence_brings_scores_closer_to_one() {
        // Three records with the same one concept: the one that has it
        // strongly is closer to record 0 than the one that has it weakly,
        // although all three profiles point the same way.
        let edges = [
            edge(0, 1, 0.9),
            edge(1, 1, 0.9),
            edge(2, 1, 0.2),
            edge(3, 9, 1.0),
        ];
        let kinds = [0; 4];
        let index = SharedConcepts::new(&edges, 10);
        let one = &index.related(0, &kinds, 5)[0].records;
        assert_eq!(one.iter().map(|r| r.record).collect::<Vec<_>>(), [1, 2]);
        assert!(one[0].score > one[1].score);
        // Two records sharing three strong concepts are closer still.
        let many: Vec<_> = (0..2)
            .flat_map(|r| (1..=3).map(move |c| edge(r, c, 0.9)))
            .chain([edge(2, 7, 1.0)])
            .collect();
        let index = SharedConcepts::new(&many, 10);
        let three = index.related(0, &kinds, 5)[0].records[0];
        assert!(three.score > one[0].score && three.score < 1.0, "{three:?}");
    }

    #[test]
    fn bad_scores_and_repeats() {
        let edges = [
            edge(0, 1, f32::NAN),
            edge(0, 2, 0.0),
            edge(0, 3, 0.2),
            edge(0, 3, 0.7),
            edge(1, 3, 1.0),
        ];
        let index = SharedConcepts::new(&edges, 10);
        let concepts: Vec<_> = index.concepts_of(0).collect();
        assert_eq!(concepts, [edge(0, 3, 0.7)]);
        let on3: Vec<u32> = index.records_of(3).map(|r| r.record).collect();
        assert_eq!(on3, [1, 0]);
        assert_eq!(index.records_of(1).len(), 0);
    }

    #[test]
    fn fan_out_bound_keeps_the_strongest_records_of_a_concept() {
        // Concept 7 is on records 1..=100 with rising scores; record 0 asks.
        let mut edges = vec![edge(0, 7, 1.0)];
        for r in 1..=100u32 {
            edges.push(edge(r, 7, r as f32 / 100.0));
        }
        let kinds = vec![0; 101];
        let index = SharedConcepts::new(&edges, 5);
        let related = index.related(0, &kinds, 100);
        let got: Vec<u32> = related[0].records.iter().map(|r| r.record).collect();
        // Record 0 itself is among the five strongest (score 1.0) and
        // skipped; the others come by score, stronger first.
        assert_eq!(got, [100, 99, 98, 97]);
        assert_eq!(index.records_of(7).len(), 101, "counts are not bounded");
    }

    proptest::proptest! {
        /// Scores are in (0, 1], best first, and symmetric while no
        /// concept has more records than the fan-out bound.
        #[test]
        fn scores_are_bounded_ordered_and_symmetric(
            raw in proptest::collection::vec((0u32..12, 0u32..6, 0.01f32..=1.0), 1..60),
        ) {
            let edges: Vec<_> = raw.iter().map(|&(r, c, s)| edge(r, c, s)).collect();
            let index = SharedConcepts::new(&edges, 100);
            let kinds = vec![0u32; 12];
            for r in 0..12u32 {
                for group in index.related(r, &kinds, 12) {
                    for pair in group.records.windows(2) {
                        proptest::prop_assert!(pair[0].score >= pair[1].score);
                    }
                    for s in &group.records {
                        proptest::prop_assert!(s.score > 0.0 && s.score <= 1.0, "{s:?}");
                        let back = index.related(s.record, &kinds, 12);
                        let there = back[0].records.iter().find(|x| x.record == r);
                        proptest::prop_assert!(
                            there.is_some_and(|x| (x.score - s.score).abs() < 1e-6),
                            "{r} -> {s:?}, back {there:?}"
                        );
                    }
                }
            }
        }
    }
}
