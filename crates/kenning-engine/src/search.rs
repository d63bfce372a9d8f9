//! Search and suggestions through the snapshot's full-text index.

use kenning_records::{COURSE, PERSON, PUBLICATION, UNIT};
use kenning_search::{Hit, MAX_LIMIT, Query, SearchIndex};
use kenning_store::{CATEGORY_KIND, ConceptIdx};

use crate::engine::{SearchHit, SearchPage, SearchRequest, TypeCount};
use crate::records::Derived;
use crate::{Engine, EngineError};

/// Ranking factor of each type: concepts first, then the institution's
/// records, the way Graph Search ranks its result types (courses, then
/// units and people, then publications, whose texts are long and match
/// many queries). Every type of [`kenning_records::RECORD_TYPES`] has
/// one; a type not listed gets [`OTHER_RECORD_FACTOR`].
pub const KIND_FACTORS: &[(&str, f32)] = &[
    ("concept", 1.0),
    // Below the concept of the same name ("Graph theory"), above records.
    (CATEGORY_KIND, 0.95),
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
                corrected: None,
                type_counts: Vec::new(),
                items: Vec::new(),
            });
        };
        let kinds: Vec<&str> = request.types.iter().map(String::as_str).collect();
        let view = self.records.search_view();
        let factors = self.kind_factors(index, view.live_index());
        let limit = request.limit.clamp(1, MAX_LIMIT);
        let live = view.live_index();
        // Records whose id or code the query is come first, whatever the
        // text ranking says ("CS-456", "cs456").
        let identified_all: Vec<SearchHit> = self
            .records
            .identified(&view, &request.query, &[], None)
            .into_iter()
            .map(identified_hit)
            .collect();
        let identified: Vec<SearchHit> = identified_all
            .iter()
            .filter(|h| kinds.is_empty() || kinds.contains(&h.kind.as_str()))
            .cloned()
            .collect();
        let is_identified =
            |h: &SearchHit| identified.iter().any(|i| i.kind == h.kind && i.id == h.id);
        // With live writes, the snapshot's hits lose stale entries and gain
        // the live index's: both lists are merged from their start.
        let merge = live.is_some() || view.has_stale() || !identified.is_empty();
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
            typos: !request.exact,
            count_kinds: false,
            lang: request.lang.as_deref(),
        };
        let accept = |h: Hit, from_snapshot: bool| {
            self.hit(h, from_snapshot, &view)
                .filter(|h| !is_identified(h))
        };
        let (mut total, mut items, corrected) =
            fetch_hits(index, &query, offset, need, |h| accept(h, true))?;
        if let Some(live) = live {
            let (live_total, hits, _) = fetch_hits(live, &query, 0, need, |h| accept(h, false))?;
            total += live_total;
            items.extend(hits);
        }
        if merge {
            // Stable: equal scores keep the snapshot's hits first.
            items.sort_by(|a, b| b.score.total_cmp(&a.score));
            let top = items.first().map_or(1.0, |h| h.score);
            total += identified.len();
            items = identified
                .into_iter()
                .map(|h| SearchHit { score: top, ..h })
                .chain(items)
                .skip(request.offset)
                .take(limit)
                .collect();
        }
        let type_counts = if request.count_types {
            let mut counts: Vec<TypeCount> = Vec::new();
            let mut add = |kind: &str, n: usize| match counts.iter_mut().find(|c| c.kind == kind) {
                Some(c) => c.count += n,
                None => counts.push(TypeCount {
                    kind: kind.to_owned(),
                    count: n,
                }),
            };
            for index in std::iter::once(index).chain(live) {
                // Browsing (no words) counts every document of every kind.
                let every: Vec<&str> = if request.query.trim().is_empty() {
                    index.kinds().iter().map(String::as_str).collect()
                } else {
                    Vec::new()
                };
                let all = Query {
                    kinds: &every,
                    limit: 0,
                    count_kinds: true,
                    ..query(0, 0)
                };
                for (kind, n) in index.search(&all)?.kind_counts {
                    add(&kind, n);
                }
            }
            for hit in &identified_all {
                add(&hit.kind, 1);
            }
            counts
        } else {
            Vec::new()
        };
        Ok(SearchPage {
            query: request.query.clone(),
            total,
            corrected,
            type_counts,
            items,
        })
    }

    /// Titles that start with what was typed (the last word as a prefix),
    /// for search-as-you-type. Records whose id or code is what was typed
    /// come first; when it has a digit (`CS-45`), records whose id or code
    /// starts with it too, in code order.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<SearchHit>, EngineError> {
        let Some(index) = self.search_index() else {
            return Ok(Vec::new());
        };
        let limit = limit.clamp(1, MAX_LIMIT);
        let view = self.records.search_view();
        let completes = prefix.chars().any(|c| c.is_ascii_digit()).then_some(limit);
        let identified: Vec<SearchHit> = self
            .records
            .identified(&view, prefix, &[], completes)
            .into_iter()
            .map(identified_hit)
            .collect();
        let mut hits: Vec<SearchHit> = index
            .suggest(prefix, limit)?
            .into_iter()
            .filter_map(|h| self.hit(h, true, &view))
            .collect();
        if let Some(live) = view.live_index() {
            let extra = live.suggest(prefix, limit)?;
            hits.extend(extra.into_iter().filter_map(|h| self.hit(h, false, &view)));
            hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        }
        if !identified.is_empty() {
            let top = hits.first().map_or(1.0, |h| h.score);
            hits.retain(|h| !identified.iter().any(|i| i.kind == h.kind && i.id == h.id));
            hits = identified
                .into_iter()
                .map(|h| SearchHit { score: top, ..h })
                .chain(hits)
                .collect();
        }
        hits.truncate(limit);
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
        if hit.kind == CATEGORY_KIND {
            let c = self.categories.link_at(u32::try_from(hit.key).ok()?)?;
            return from_snapshot.then(|| SearchHit {
                kind: hit.kind,
                url: crate::categories::category_path(&c.name),
                id: c.name,
                title: c.title,
                code: None,
                snippet: hit.snippet,
                highlights: hit.highlights,
                matched_alias: hit.matched_alias,
                score: hit.score,
            });
        }
        if hit.kind != "concept" {
            let (r, code) = self.records.hit(hit.key, from_snapshot, view)?;
            return Some(SearchHit {
                kind: r.kind,
                id: r.id,
                title: r.title,
                code,
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
            code: None,
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

/// A record found by its id or code, as a hit (its score is set by the
/// caller: the best score of the page it heads).
fn identified_hit(
    (_, r, code, text): (u32, crate::RecordRef, Option<String>, String),
) -> SearchHit {
    SearchHit {
        kind: r.kind,
        id: r.id,
        title: r.title,
        code,
        snippet: text,
        highlights: Vec::new(),
        matched_alias: None,
        score: 0.0,
        url: r.url,
    }
}

/// The hits ranked from `offset` on that `accept` keeps, until `n` are
/// kept or the hits run out (fetched in pages of at most the index's page
/// size), the total less the hits `accept` refused on the way, and the
/// query's correction.
fn fetch_hits<'q>(
    index: &SearchIndex,
    query: &dyn Fn(usize, usize) -> Query<'q>,
    offset: usize,
    n: usize,
    accept: impl Fn(Hit) -> Option<SearchHit>,
) -> Result<(usize, Vec<SearchHit>, Option<String>), EngineError> {
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
            return Ok((page.total.saturating_sub(refused), kept, page.corrected));
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
