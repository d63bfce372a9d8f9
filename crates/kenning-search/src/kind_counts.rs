//! How many matching documents each kind has: a collector over the
//! `kind` fast field, for the type filter's counts ("Courses (12)").
//! Needs no scores, so it costs one pass over the matches.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts matches per kind number (the manifest's kind table).
pub(crate) struct KindCounts {
    /// Kinds in the index's table.
    pub(crate) kinds: usize,
}

pub(crate) struct SegmentKindCounts {
    column: Option<Column<u64>>,
    counts: Vec<usize>,
}

impl Collector for KindCounts {
    type Fruit = Vec<usize>;
    type Child = SegmentKindCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentKindCounts> {
        Ok(SegmentKindCounts {
            column: reader.fast_fields().u64("kind").ok(),
            counts: vec![0; self.kinds],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<usize>>) -> tantivy::Result<Vec<usize>> {
        let mut total = vec![0; self.kinds];
        for counts in fruits {
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentKindCounts {
    type Fruit = Vec<usize>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let kind = self.column.as_ref().and_then(|c| c.first(doc));
        if let Some(count) = kind.and_then(|k| self.counts.get_mut(k as usize)) {
            *count += 1;
        }
    }

    fn harvest(self) -> Vec<usize> {
        self.counts
    }
}
