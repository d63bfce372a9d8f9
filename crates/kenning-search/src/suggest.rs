//! Search-as-you-type: [`SearchIndex::suggest`], names that start with
//! what is being typed (the last word as a prefix, expanded to the most
//! frequent name terms it begins), reranked so that names starting with
//! the typed text come first. It runs on the same index, query words and
//! ranking as `search`.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, Query as TQuery};

use crate::analysis::{self, truncate};
use crate::error::{SearchError, engine};
use crate::hits::{self, MAX_ALIAS_SCAN, Matcher};
use crate::query::{Hit, MAX_LIMIT, MAX_QUERY_BYTES};
use crate::ranking::{self, boosted};
use crate::schema::term;
use crate::search::{SearchIndex, split_words};
use crate::typo::{self, QWord};
use crate::weight;

impl SearchIndex {
    /// Search-as-you-type: documents whose title or an alias has words
    /// starting with the typed words, the last one as a prefix (unless the
    /// text ends with a space or punctuation) and the others as whole words
    /// (or within edit distance, as in [`search`](Self::search)); best
    /// first: an exact match, then names that start with the typed text,
    /// then by name match and popularity. `limit` is at most [`MAX_LIMIT`].
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        self.guarded(|| self.suggest_unguarded(prefix, limit))
    }

    fn suggest_unguarded(&self, prefix: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        let mut analyzer = self.analyzer.clone();
        let text = truncate(prefix, MAX_QUERY_BYTES);
        let all = analysis::words(&mut analyzer, text);
        let (whole, _) = split_words(&all);
        if whole.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let last_is_prefix = all.last().is_some_and(|w| w.to == text.len());
        // The words typed in full get fuzzy expansions; the last one, when
        // still being typed, prefix expansions instead.
        let words = if last_is_prefix {
            let (complete, last) = whole.split_at(whole.len() - 1);
            let mut words =
                typo::query_words(&self.searcher, &self.fields, &self.fuzzy_cache, complete)?;
            words.push(QWord {
                text: last[0].to_string(),
                name_df: 0,
                known: true,
                nowhere: false,
                fuzzy: Vec::new(),
                fuzzy_df: Vec::new(),
            });
            words
        } else {
            typo::query_words(&self.searcher, &self.fields, &self.fuzzy_cache, &whole)?
        };
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let n = words.len();
        for (i, w) in words.iter().enumerate() {
            let mut alts: Vec<Box<dyn TQuery>> = Vec::new();
            if i + 1 == n && last_is_prefix {
                let expansions = self.prefix_terms(&w.text)?;
                for t in &expansions {
                    let b = if *t == w.text {
                        weight::PREFIX_WHOLE
                    } else {
                        1.0
                    };
                    alts.push(boosted(term(f.name, t), b));
                }
            } else {
                alts.push(boosted(term(f.name, &w.text), 1.0));
                ranking::push_fuzzy(&self.searcher, f.name, &mut alts, w);
            }
            if alts.is_empty() {
                return Ok(Vec::new());
            }
            clauses.push((
                Occur::Must,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(alts, 0.0)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let key = analysis::exact_key(&all);
        let factors = self.kind_factor_table(&[]);
        // Rank a few more than asked by name match × popularity, then
        // rerank with "a name starts with the typed text".
        let candidates = (limit * 3).clamp(24, 3 * MAX_LIMIT);
        let (_, top) = self.run(
            &query,
            &key,
            factors,
            candidates,
            0,
            weight::SUGGEST_POP,
            None,
        )?;
        let matcher = Matcher::new(&words, &[], last_is_prefix);
        let mut ranked = Vec::with_capacity(top.len());
        for (order, (rank, addr)) in top.into_iter().enumerate() {
            let c = hits::load(&self.searcher, &self.fields, addr, rank)?;
            let mut starts_with = |name: &str| {
                analysis::exact_key(&analysis::words(&mut analyzer, name)).starts_with(&key)
            };
            let (starts, alias) = if starts_with(&c.title) {
                (true, None)
            } else if let Some(a) = c
                .aliases
                .iter()
                .take(MAX_ALIAS_SCAN)
                .find(|a| starts_with(a))
            {
                (true, Some(a.clone()))
            } else {
                (
                    false,
                    hits::matched_alias(&c, &key, &matcher, words.len(), &mut analyzer),
                )
            };
            ranked.push((c.rank.exact(), starts, order, c, alias));
        }
        ranked.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then(a.2.cmp(&b.2)));
        Ok(ranked
            .into_iter()
            .take(limit)
            .map(|(_, _, _, c, alias)| {
                hits::finish(&self.texts, &self.kinds, c, alias, &matcher, &mut analyzer)
            })
            .collect())
    }

    /// The most frequent name terms starting with `prefix`.
    fn prefix_terms(&self, prefix: &str) -> Result<Vec<String>, SearchError> {
        let mut found: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.name).map_err(engine)?;
            let mut stream = inv
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(engine)?;
            let mut scanned = 0;
            while stream.advance() && scanned < weight::PREFIX_SCAN {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                *found.entry(stream.key().to_vec()).or_default() += stream.value().doc_freq;
                scanned += 1;
            }
        }
        let mut terms: Vec<(Vec<u8>, u32)> = found.into_iter().collect();
        // The prefix itself (a whole word) first, then most frequent.
        terms.sort_by_key(|(t, df)| (t.as_slice() != prefix.as_bytes(), Reverse(*df)));
        terms.truncate(weight::PREFIX_TERMS);
        Ok(terms
            .into_iter()
            .filter_map(|(t, _)| String::from_utf8(t).ok())
            .collect())
    }
}
