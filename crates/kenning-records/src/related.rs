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
/// `r`, `x = Σ over shared concepts c of score(r, c) × score(s, c)`
/// (EPFL Graph Search's formula), squashed to `[0, 1]` by `1 − e^(−x)`,
/// which keeps the order of `x`, stays near `x` for weak overlaps, and
/// saturates smoothly for many strong ones (one shared concept at 0.9 and
/// 0.9 gives 0.56; three such give 0.91).
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
    max_fan_out: usize,
}

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
        let by_record = edges.iter().map(|e| (e.concept, e.score)).collect();

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
            for &(other, score) in &postings[..postings.len().min(self.max_fan_out)] {
                if other != record {
                    hits.push((other, f64::from(c.score) * f64::from(score)));
                }
            }
        }
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
                scored.push((kind, squash(sum), other));
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

/// `1 − e^(−x)`: `[0, ∞)` onto `[0, 1]` (1 only by rounding), order kept.
fn squash(x: f64) -> f32 {
    (-(-x).exp_m1()) as f32
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

    #[test]
    fn sums_products_of_shared_concepts_and_squashes() {
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
        let expect = |x: f64| (1.0 - (-x).exp()) as f32;
        assert_eq!(related.len(), 2);
        assert_eq!(related[0].kind, 0);
        let courses = &related[0].records;
        assert_eq!(courses.iter().map(|r| r.record).collect::<Vec<_>>(), [1, 2]);
        assert!((courses[0].score - expect(0.9 * 0.8 + 0.5 * 0.5)).abs() < 1e-6);
        assert!((courses[1].score - expect(0.5)).abs() < 1e-6);
        assert_eq!(related[1].kind, 1);
        assert_eq!(related[1].records[0].record, 3);
        assert!((related[1].records[0].score - expect(0.09)).abs() < 1e-6);
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
        // Record 0 itself is among the five strongest (score 1.0) and skipped.
        assert_eq!(got, [100, 99, 98, 97]);
        assert_eq!(index.records_of(7).len(), 101, "counts are not bounded");
    }

    #[test]
    fn squash_is_monotone_into_the_unit_interval() {
        assert_eq!(squash(0.0), 0.0);
        let mut last = 0.0;
        for i in 1..2000 {
            let s = squash(f64::from(i) * 0.05);
            assert!(s >= last && s <= 1.0, "{i}: {s} after {last}");
            last = s;
        }
        assert!(squash(1e-3) > 0.0);
        assert_eq!(squash(1e9), 1.0);
    }
}
