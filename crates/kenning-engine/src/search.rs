//! Search and suggestions through the snapshot's full-text index.

use kenning_search::{Hit, Query, SearchIndex};

use crate::engine::{SearchHit, SearchPage, SearchRequest};
use crate::{Engine, EngineError};

/// Results per page at most.
pub(crate) const MAX_LIMIT: usize = 100;

impl Engine {
    /// Searches concepts (and, later, records): title and alias matches
    /// first, then text, weighted by popularity; typo tolerant.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, EngineError> {
        let Some(index) = self.search_index() else {
            return Ok(SearchPage {
                query: request.query.clone(),
                total: 0,
                items: Vec::new(),
            });
        };
        let kinds: Vec<&str> = request.types.iter().map(String::as_str).collect();
        let query = Query {
            text: &request.query,
            kinds: &kinds,
            limit: request.limit.clamp(1, MAX_LIMIT),
            offset: request.offset,
            kind_factors: &[],
        };
        let results = index
            .search(&query)
            .map_err(|e| EngineError::Search(e.to_string()))?;
        Ok(SearchPage {
            query: request.query.clone(),
            total: results.total,
            items: results
                .hits
                .into_iter()
                .filter_map(|h| self.hit(h))
                .collect(),
        })
    }

    /// Titles that start with what was typed (the last word as a prefix),
    /// for search-as-you-type.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<SearchHit>, EngineError> {
        let Some(index) = self.search_index() else {
            return Ok(Vec::new());
        };
        let hits = index
            .suggest(prefix, limit.clamp(1, MAX_LIMIT))
            .map_err(|e| EngineError::Search(e.to_string()))?;
        Ok(hits.into_iter().filter_map(|h| self.hit(h)).collect())
    }

    fn hit(&self, hit: Hit) -> Option<SearchHit> {
        let snapshot = self.snapshot();
        if hit.kind != "concept" || hit.key >= snapshot.len() as u64 {
            return None;
        }
        let id = snapshot.concept(hit.key as u32).id();
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
