//! Search and suggestions through the snapshot's full-text index.

use kenning_records::{COURSE, PERSON, PUBLICATION, UNIT};
use kenning_search::{Hit, MAX_LIMIT, Query, SearchIndex};
use kenning_store::ConceptIdx;

use crate::engine::{SearchHit, SearchPage, SearchRequest};
use crate::records::Derived;
use crate::{Engine, EngineError};

/// Ranking factor of each type: concepts first, then the institution's
/// records, the way Graph Search ranks its result types (courses, then
/// units and people, then publications, whose texts are long and match
/// many queries). Every type of [`kenning_records::RECORD_TYPES`] has
/// one; a type not listed gets [`OTHER_RECORD_FACTOR`].
pub const KIND_FACTORS: &[(&str, f32)] = &[
    ("concept", 1.0),
    (COURSE, 0.9),
    (UNIT, 0.85),
    (PERSON, 0.8),
    (PUBLICATION, 0.7),
];

/// Ranking factor of a record type not in [`KIND_FACTORS`].
pub const OTHER_RECORD_FACTOR: f32 = 0.75;

impl Engine {
    /// Searches concepts and records: title and alias matches first, then
    /// text; concepts weighted by popularity, records by their type's
    /// factor ([`KIND_FACTORS`]); typo tolerant. Records written live since
    /// the build are searched in a small in-memory index and merged by
    /// score; the snapshot's copies of records replaced or deleted since
    /// are skipped.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, EngineError> {
        let Some(index) = self.search_index() else {
            return Ok(SearchPage {
                query: request.query.clone(),
                total: 0,
                items: Vec::new(),
            });
        };
        let kinds: Vec<&str> = request.types.iter().map(String::as_str).collect();
        let view = self.records.search_view();
        let factors = self.kind_factors(index, view.live_index());
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let live = view.live_index();
        // With live writes, the snapshot's hits lose stale entries and gain
        // the live index's: both lists are merged from their start.
        let merge = live.is_some() || view.has_stale();
        let (offset, need) = if merge {
            (0, request.offset.saturating_add(limit))
        } else {
            (request.offset, limit)
        };
        let query = |offset: usize, limit: usize| Query {
            text: &request.query,
            kinds: &kinds,
            limit,
            offset,
            kind_factors: &factors,
        };
        let (mut total, mut items) =
            fetch_hits(index, &query, offset, need, |h| self.hit(h, true, &view))?;
        if let Some(live) = live {
            let (live_total, hits) =
                fetch_hits(live, &query, 0, need, |h| self.hit(h, false, &view))?;
            total += live_total;
            items.extend(hits);
        }
        if merge {
            // Stable: equal scores keep the snapshot's hits first.
            items.sort_by(|a, b| b.score.total_cmp(&a.score));
            items = items.into_iter().skip(request.offset).take(limit).collect();
        }
        Ok(SearchPage {
            query: request.query.clone(),
            total,
            items,
        })
    }

    /// Titles that start with what was typed (the last word as a prefix),
    /// for search-as-you-type.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<SearchHit>, EngineError> {
        let Some(index) = self.search_index() else {
            return Ok(Vec::new());
        };
        let limit = limit.clamp(1, MAX_LIMIT);
        let view = self.records.search_view();
        let mut hits: Vec<SearchHit> = index
            .suggest(prefix, limit)?
            .into_iter()
            .filter_map(|h| self.hit(h, true, &view))
            .collect();
        if let Some(live) = view.live_index() {
            let extra = live.suggest(prefix, limit)?;
            hits.extend(extra.into_iter().filter_map(|h| self.hit(h, false, &view)));
            hits.sort_by(|a, b| b.score.total_cmp(&a.score));
            hits.truncate(limit);
        }
        Ok(hits)
    }

    fn kind_factors<'a>(
        &self,
        index: &'a SearchIndex,
        live: Option<&'a SearchIndex>,
    ) -> Vec<(&'a str, f32)> {
        let mut factors: Vec<(&str, f32)> = KIND_FACTORS.to_vec();
        for kind in index
            .kinds()
            .iter()
            .chain(live.into_iter().flat_map(|l| l.kinds()))
        {
            if !factors.iter().any(|(k, _)| k == kind) {
                factors.push((kind.as_str(), OTHER_RECORD_FACTOR));
            }
        }
        factors
    }

    fn hit(&self, hit: Hit, from_snapshot: bool, view: &Derived) -> Option<SearchHit> {
        let snapshot = self.snapshot();
        if hit.kind != "concept" {
            let r = self.records.hit(hit.key, from_snapshot, view)?;
            return Some(SearchHit {
                kind: r.kind,
                id: r.id,
                title: r.title,
                snippet: hit.snippet,
                highlights: hit.highlights,
                matched_alias: hit.matched_alias,
                score: hit.score,
                url: r.url,
            });
        }
        if !from_snapshot || hit.key >= snapshot.len() as u64 {
            return None;
        }
        let id = snapshot.concept(ConceptIdx::new(hit.key as u32)).id();
        Some(SearchHit {
            kind: hit.kind,
            id: id.to_string(),
            title: hit.title,
            snippet: hit.snippet,
            highlights: hit.highlights,
            matched_alias: hit.matched_alias,
            score: hit.score,
            url: format!("/concept/{id}"),
        })
    }

    fn search_index(&self) -> Option<&SearchIndex> {
        self.search.as_ref()
    }
}

/// The hits ranked from `offset` on that `accept` keeps, until `n` are
/// kept or the hits run out (fetched in pages of at most the index's page
/// size), and the total less the hits `accept` refused on the way.
fn fetch_hits<'q>(
    index: &SearchIndex,
    query: &dyn Fn(usize, usize) -> Query<'q>,
    offset: usize,
    n: usize,
    accept: impl Fn(Hit) -> Option<SearchHit>,
) -> Result<(usize, Vec<SearchHit>), EngineError> {
    let mut kept = Vec::with_capacity(n.min(4 * MAX_LIMIT));
    let mut at = offset;
    let mut refused = 0;
    loop {
        let want = n.saturating_sub(kept.len()).clamp(1, MAX_LIMIT);
        let page = index.search(&query(at, want))?;
        let got = page.hits.len();
        at += got;
        for h in page.hits {
            match accept(h) {
                Some(hit) => kept.push(hit),
                None => refused += 1,
            }
        }
        if got < want || kept.len() >= n || at >= page.total {
            return Ok((page.total.saturating_sub(refused), kept));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KIND_FACTORS;

    #[test]
    fn every_usual_record_type_has_a_factor() {
        for kind in kenning_records::RECORD_TYPES {
            assert!(KIND_FACTORS.iter().any(|(k, _)| k == kind), "{kind}");
        }
    }
}
