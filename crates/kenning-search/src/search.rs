//! Reading an index: [`SearchIndex`] (opening one on disk or building one
//! in memory) and [`search`](SearchIndex::search), from the query text to
//! a ranked page of hits. The pieces it puts together live beside it:
//! query words' alternatives in `typo`, what a match is worth in
//! `ranking` (the numbers in `weight`), hits and snippets in `hits`;
//! search-as-you-type in `suggest`.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur,
    Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, Index, ReloadPolicy, Score, Searcher, SegmentReader, Term};

use crate::Document;
use crate::analysis::{self, ANALYZER_NAME, Word, truncate};
use crate::error::{SearchError, engine};
use crate::hits::{self, Matcher};
use crate::kind_counts::KindCounts;
use crate::query::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, MAX_QUERY_WORDS, Query, SearchResults};
use crate::ranking::{self, Demotion, Rank, boosted, postings};
use crate::schema::{EXACT_ALIAS, EXACT_TITLE, Fields, Manifest, TEXTS, term};
use crate::typo::{self, FuzzyCache};
use crate::weight;

/// A read-only index, memory-mapped. `Send + Sync`: share one (in an
/// `Arc`) across all threads; every method takes `&self`.
pub struct SearchIndex {
    dir: PathBuf,
    pub(crate) searcher: Searcher,
    /// The [`TEXTS`] file: memory-mapped, or held for an in-memory index.
    pub(crate) texts: OwnedBytes,
    pub(crate) fields: Fields,
    pub(crate) kinds: Vec<String>,
    kind_ids: HashMap<String, u64>,
    pub(crate) analyzer: TextAnalyzer,
    pub(crate) fuzzy_cache: FuzzyCache,
    /// The names fields of the index's other languages.
    languages: Vec<crate::languages::LanguageField>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("documents", &self.searcher.num_docs())
            .field("kinds", &self.kinds)
            .finish_non_exhaustive()
    }
}

/// Decompressed blocks of stored documents kept (LRU, per segment): every
/// hit reads one block (about 4 KB, see the writer), so this holds the
/// texts of a few thousand recent hits in about 8 MB.
const DOCSTORE_CACHE_BLOCKS: usize = 2048;

/// The error of an index whose reading panicked inside tantivy.
fn damaged(dir: &Path) -> SearchError {
    SearchError::NotAnIndex {
        path: dir.to_path_buf(),
        reason: "the index is damaged: reading it failed".into(),
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (written by [`IndexWriter`](crate::IndexWriter)).
    /// Memory-maps the files; takes a few milliseconds whatever the size.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        // tantivy may panic on a damaged file as it loads it (see
        // `guarded`): that is an index this crate cannot open.
        std::panic::catch_unwind(|| Self::open_unguarded(dir)).unwrap_or_else(|_| Err(damaged(dir)))
    }

    fn open_unguarded(dir: &Path) -> Result<Self, SearchError> {
        let manifest = Manifest::read(dir)?;
        let files = crate::read_only::ReadOnlyDirectory::open(dir).map_err(|e| {
            SearchError::NotAnIndex {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            }
        })?;
        let index = Index::open(files).map_err(|e| SearchError::NotAnIndex {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        index
            .tokenizers()
            .register(ANALYZER_NAME, analysis::analyzer());
        let not_an_index = |e: &dyn fmt::Display| SearchError::NotAnIndex {
            path: dir.to_path_buf(),
            reason: format!("{TEXTS}: {e}"),
        };
        // Straight from the folder: tantivy's managed view of it checks a
        // footer that only its own files have.
        let texts = MmapDirectory::open(dir)
            .map_err(|e| not_an_index(&e))?
            .open_read(Path::new(TEXTS))
            .map_err(|e| not_an_index(&e))?
            .read_bytes()
            .map_err(|e| not_an_index(&e))?;
        SearchIndex::from_index(index, manifest.kinds, texts, dir)
    }

    /// A small index held in memory, searchable at once, ranked exactly as
    /// an index on disk. For documents that change between builds (records
    /// written through the API): build a new one when they change. Meant
    /// for thousands of documents; one thread writes it.
    pub fn in_memory<'a>(
        docs: impl IntoIterator<Item = Document<'a>>,
    ) -> Result<Self, SearchError> {
        let (index, kinds, texts) = crate::writer::in_memory(docs)?;
        let texts = OwnedBytes::new(texts);
        SearchIndex::from_index(index, kinds, texts, Path::new("(in memory)"))
    }

    fn from_index(
        index: Index,
        kinds: Vec<String>,
        texts: OwnedBytes,
        dir: &Path,
    ) -> Result<Self, SearchError> {
        let fields = Fields::from_schema(&index.schema(), dir)?;
        let languages = crate::languages::from_schema(&index.schema());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOCSTORE_CACHE_BLOCKS)
            .try_into()
            .map_err(engine)?;
        let searcher = reader.searcher();
        let kind_ids = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u64))
            .collect();
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            searcher,
            texts,
            fields,
            kinds,
            kind_ids,
            analyzer: analysis::analyzer(),
            fuzzy_cache: Mutex::new(HashMap::new()),
            languages,
        })
    }

    /// Documents in the index.
    pub fn documents(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The kinds present in the index, in order of first appearance.
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// Full-text search, ranked as the crate documentation says: BM25 over
    /// names (weighted up), summary and body, name coverage, typo
    /// tolerance, × popularity prior and kind factor; an exact match of the
    /// whole query with a title, then with an alias, first.
    ///
    /// Never fails for the query's content: an empty or punctuation-only
    /// query gives no hits and a total of 0. A damaged index is an error
    /// ([`SearchError::NotAnIndex`]), never a panic.
    pub fn search(&self, q: &Query<'_>) -> Result<SearchResults, SearchError> {
        self.guarded(|| self.search_unguarded(q))
    }

    /// Runs `read` over the index, turning a panic inside tantivy into an
    /// error. tantivy checks the files' footers when it opens them, not
    /// every block it reads later: a damaged block (a flipped byte in a
    /// document store) can make it index out of bounds. Nothing is shared
    /// across the unwind but the read-only index, so it stays usable.
    pub(crate) fn guarded<T>(
        &self,
        read: impl FnOnce() -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
            .unwrap_or_else(|_| Err(damaged(&self.dir)))
    }

    fn search_unguarded(&self, q: &Query<'_>) -> Result<SearchResults, SearchError> {
        let mut analyzer = self.analyzer.clone();
        let text = truncate(q.text, MAX_QUERY_BYTES);
        let all = analysis::words(&mut analyzer, text);
        let (whole, parts) = split_words(&all);
        if whole.is_empty() {
            // No text and some kinds: every document of those kinds.
            if q.text.trim().is_empty() && !q.kinds.is_empty() {
                return self.browse(q, &mut analyzer);
            }
            return Ok(SearchResults::default());
        }
        let mut words = typo::query_words(&self.searcher, &self.fields, &self.fuzzy_cache, &whole)?;
        let parts = if q.typos {
            typo::respace(&self.searcher, self.fields.name, &whole, &words, parts)?
        } else {
            for w in &mut words {
                w.fuzzy.clear();
                w.fuzzy_df.clear();
            }
            parts
        };
        let f = self.fields;
        let context_words = path_context_words(&mut analyzer, text, whole.len());

        // Words found in most texts ("the", "of") are matched in names only
        // when the query has other words: their BM25 weight in long texts is
        // near zero, and scoring them costs a pass over most documents.
        let n = self.searcher.num_docs() as f64;
        let common = |field: Field, w: &str| -> Result<bool, SearchError> {
            let df = self.searcher.doc_freq(&term(field, w)).map_err(engine)?;
            Ok(df as f64 > weight::COMMON_SHARE * n)
        };
        let mut texts: Vec<(&str, f32, [bool; 2])> = Vec::new();
        // One-letter words ("John F Kennedy") count little next to longer ones.
        let has_long = words.iter().any(|w| w.text.chars().nth(2).is_some());
        for (i, w) in words.iter().enumerate() {
            let mut factor = if has_long && w.text.chars().nth(1).is_none() {
                weight::SHORT
            } else {
                1.0
            };
            if i < context_words {
                factor *= weight::PATH_CONTEXT;
            }
            texts.push((
                &w.text,
                factor,
                [common(f.summary, &w.text)?, common(f.body, &w.text)?],
            ));
        }
        for p in &parts {
            texts.push((p, weight::PART, [common(f.summary, p)?, common(f.body, p)?]));
        }
        // Per field: a word common in summaries is dropped there only when
        // another word is rare in summaries (likewise for bodies), so a
        // one-word query still matches texts in a small index whose bodies
        // are empty.
        let any_rare = [
            texts.iter().any(|(_, _, c)| !c[0]),
            texts.iter().any(|(_, _, c)| !c[1]),
        ];
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        // When every word of the query is known (found as typed), the
        // documents found only through typos go below those holding a
        // query word as typed. A query with an unknown word ("quantm")
        // has a typo in it: then the fuzzy matches are what it asks for,
        // and rank by their score like the rest.
        let mut demotion = Demotion::default();
        let demote = words.iter().all(|w| w.known) && words.iter().any(|w| !w.fuzzy.is_empty());
        for (i, &(text, factor, common)) in texts.iter().enumerate() {
            let mut alts: Vec<Box<dyn TQuery>> =
                vec![boosted(term(f.name, text), weight::NAME * factor)];
            let mut searched = vec![f.name];
            if !(any_rare[0] && common[0]) {
                alts.push(boosted(term(f.summary, text), weight::SUMMARY * factor));
                searched.push(f.summary);
            }
            if !(any_rare[1] && common[1]) {
                alts.push(boosted(term(f.body, text), weight::BODY * factor));
                searched.push(f.body);
            }
            if demote && words.get(i).is_none_or(|w| w.known) {
                demotion
                    .literal
                    .extend(searched.into_iter().map(|field| term(field, text)));
            }
            if demote && let Some(w) = words.get(i) {
                demotion
                    .fuzzy
                    .extend(w.fuzzy.iter().map(|(t, _)| term(f.name, t)));
            }
            if let Some(w) = words.get(i) {
                ranking::push_fuzzy(&self.searcher, f.name, &mut alts, w);
                // The word in each language's names, stemmed as that
                // language is; the reader's language weighs more.
                for l in &self.languages {
                    let Some(stem) = crate::languages::query_term(l, &w.text) else {
                        continue;
                    };
                    let favour = if q.lang == Some(l.code.as_str()) {
                        crate::languages::READER_LANGUAGE
                    } else {
                        1.0
                    };
                    alts.push(boosted(
                        term(l.field, &stem),
                        weight::NAME * factor * favour,
                    ));
                }
            }
            clauses.push((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(alts, weight::TIE)),
            ));
            // Name coverage: a constant per query word found in a name (its
            // idf, less for a fuzzy match), whatever the name's length, so
            // that a name holding more of the query outranks a shorter one.
            // Words common in texts ("and", "of") are nearly stop words.
            let factor = if (any_rare[0] || any_rare[1]) && common[1] {
                factor * weight::COVER_COMMON
            } else {
                factor
            };
            let cover = ranking::cover_clause(&self.searcher, f.name, text, factor, words.get(i))?;
            if let Some(c) = cover {
                clauses.push((Occur::Should, c));
            }
        }
        let text_query: Box<dyn TQuery> = Box::new(BooleanQuery::new(clauses));
        let kind_counts = if q.count_kinds {
            self.count_kinds(&*text_query)?
        } else {
            Vec::new()
        };
        let query = self.with_kind_filter(text_query, q.kinds);

        let key = analysis::exact_key(&all);
        let factors = self.kind_factor_table(q.kind_factors);
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset;
        // Names, then summaries, then bodies: a document found through a
        // fuzzy name term most often holds a query word in its name or
        // summary, whose postings are short, and `Demotion::typo_only`
        // stops once every document is settled.
        demotion.literal.sort_by_key(|t| {
            [f.name, f.summary, f.body]
                .iter()
                .position(|&field| field == t.field())
        });
        let demotion = demote.then(|| Arc::new(demotion));
        let run = |demotion: Option<Arc<Demotion>>, limit: usize, offset: usize| {
            self.run(
                &*query,
                &key,
                Arc::clone(&factors),
                limit,
                offset,
                weight::POPULARITY,
                demotion,
            )
        };
        // Demoting only moves the typo-only documents down, keeping every
        // order else: when the first hits ranked without it hold enough
        // documents found as typed, those are the page, in that order.
        // Checking a window of hits costs far less than finding every
        // typo-only document, which only a query whose first hits are
        // mostly typos still pays.
        let (total, top) = match demotion {
            Some(d) if offset + limit <= MAX_LIMIT && limit > 0 => {
                let window = (offset + limit) * DEMOTION_WINDOW;
                let (total, ranked) = run(None, window, 0)?;
                let typo = d.typo_only_among(&self.searcher, &ranked);
                let literal = typo.iter().filter(|t| !**t).count();
                if literal >= offset + limit || ranked.len() < window {
                    // Every match is in the window, or enough found as
                    // typed: the demoted order of the window is the answer.
                    let (mut first, mut then): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
                    for (hit, typo) in ranked.into_iter().zip(typo) {
                        if typo {
                            then.push(hit)
                        } else {
                            first.push(hit)
                        }
                    }
                    first.extend(then);
                    let page = first.into_iter().skip(offset).take(limit).collect();
                    (total, page)
                } else {
                    run(Some(d), limit, offset)?
                }
            }
            demotion => run(demotion, limit, offset)?,
        };
        let corrected = if q.typos {
            typo::correction(&whole, &words)
        } else {
            None
        };

        let matcher = Matcher::new(&words, &parts, false);
        let mut hits = Vec::with_capacity(top.len());
        for (rank, addr) in top {
            let c = hits::load(&self.searcher, &self.fields, addr, rank)?;
            let alias = hits::matched_alias(&c, &key, &matcher, words.len(), &mut analyzer);
            hits.push(hits::finish(
                &self.texts,
                &self.kinds,
                c,
                alias,
                &matcher,
                &mut analyzer,
            ));
        }
        Ok(SearchResults {
            total,
            hits,
            corrected,
            kind_counts,
        })
    }

    /// Every document of `q.kinds` (the query has no text), the most
    /// popular first, then by key (the order records were added in); the
    /// snippet is the start of the summary.
    fn browse(
        &self,
        q: &Query<'_>,
        analyzer: &mut TextAnalyzer,
    ) -> Result<SearchResults, SearchError> {
        let kind_counts = if q.count_kinds {
            self.count_kinds(&AllQuery)?
        } else {
            Vec::new()
        };
        // A constant score, for the prior and the kind factor to order by.
        let every: Box<dyn TQuery> = Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0));
        let query = self.with_kind_filter(every, q.kinds);
        let factors = self.kind_factor_table(q.kind_factors);
        let limit = q.limit.min(MAX_LIMIT);
        let (total, top) = self.run(
            &*query,
            "",
            factors,
            limit,
            q.offset,
            weight::POPULARITY,
            None,
        )?;
        let matcher = Matcher::new(&[], &[], false);
        let mut hits = Vec::with_capacity(top.len());
        for (rank, addr) in top {
            let c = hits::load(&self.searcher, &self.fields, addr, rank)?;
            hits.push(hits::finish(
                &self.texts,
                &self.kinds,
                c,
                None,
                &matcher,
                analyzer,
            ));
        }
        Ok(SearchResults {
            total,
            hits,
            corrected: None,
            kind_counts,
        })
    }

    /// The matches of `query` per kind, kinds without matches left out.
    fn count_kinds(&self, query: &dyn TQuery) -> Result<Vec<(String, usize)>, SearchError> {
        let counts = self
            .searcher
            .search(
                query,
                &KindCounts {
                    kinds: self.kinds.len(),
                },
            )
            .map_err(engine)?;
        Ok(self
            .kinds
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.clone(), n))
            .collect())
    }

    /// Runs `query`: total count and the page `offset..offset+limit` by
    /// (exact tier, found as typed, score × (1 + pop_weight × popularity)
    /// × kind factor, key). Without a `demotion`, every document counts as
    /// found as typed.
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    pub(crate) fn run(
        &self,
        query: &dyn TQuery,
        exact_key: &str,
        factors: Arc<Vec<f32>>,
        limit: usize,
        offset: usize,
        pop_weight: f32,
        demotion: Option<Arc<Demotion>>,
    ) -> Result<(usize, Vec<(Rank, DocAddress)>), SearchError> {
        let f = self.fields;
        let title_term = Term::from_field_text(f.exact, &format!("{EXACT_TITLE}{exact_key}"));
        let alias_term = Term::from_field_text(f.exact, &format!("{EXACT_ALIAS}{exact_key}"));
        let tweak = move |seg: &SegmentReader| {
            let ff = seg.fast_fields();
            let pop = ff.f64("popularity").ok();
            let kind = ff.u64("kind").ok();
            let key = ff.u64("key").ok();
            let exact_title = postings(seg, f.exact, &title_term);
            let exact_alias = postings(seg, f.exact, &alias_term);
            let typo_only = demotion
                .as_ref()
                .map(|d| d.typo_only(seg))
                .unwrap_or_default();
            let factors = Arc::clone(&factors);
            move |doc: DocId, score: Score| {
                let p = pop.as_ref().and_then(|c| c.first(doc)).unwrap_or(0.0) as f32;
                let k = kind.as_ref().and_then(|c| c.first(doc)).unwrap_or(0) as usize;
                let factor = factors.get(k).copied().unwrap_or(1.0);
                let tier = if exact_title.binary_search(&doc).is_ok() {
                    2
                } else if exact_alias.binary_search(&doc).is_ok() {
                    1
                } else {
                    0
                };
                let key = key.as_ref().and_then(|c| c.first(doc)).unwrap_or(u64::MAX);
                let score = score * (1.0 + pop_weight * p) * factor;
                let literal = typo_only.is_empty() || typo_only.binary_search(&doc).is_err();
                Rank(
                    Rank::tier(tier, literal),
                    score,
                    Reverse(key),
                    Reverse(k as u64),
                )
            }
        };
        if limit == 0 || offset > MAX_OFFSET {
            let total = self.searcher.search(query, &Count).map_err(engine)?;
            return Ok((total, Vec::new()));
        }
        let collector = TopDocs::with_limit(limit)
            .and_offset(offset)
            .tweak_score(tweak);
        self.searcher
            .search(query, &(Count, collector))
            .map_err(engine)
    }

    fn with_kind_filter(&self, query: Box<dyn TQuery>, kinds: &[&str]) -> Box<dyn TQuery> {
        if kinds.is_empty() {
            return query;
        }
        let ids: Vec<u64> = kinds
            .iter()
            .filter_map(|k| self.kind_ids.get(*k).copied())
            .collect();
        if ids.is_empty() {
            return Box::new(EmptyQuery);
        }
        let filter: Vec<(Occur, Box<dyn TQuery>)> = ids
            .into_iter()
            .map(|id| {
                let q: Box<dyn TQuery> = Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.kind, id),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(filter)),
                    0.0,
                )),
            ),
        ]))
    }

    pub(crate) fn kind_factor_table(&self, kind_factors: &[(&str, f32)]) -> Arc<Vec<f32>> {
        let mut table = vec![1.0f32; self.kinds.len()];
        for (k, factor) in kind_factors {
            if let Some(&id) = self.kind_ids.get(*k)
                && factor.is_finite()
            {
                table[id as usize] = factor.max(0.0);
            }
        }
        Arc::new(table)
    }
}

/// How many hits per hit of the page a search ranks before demoting the
/// typo-only ones (see `search_unguarded`).
const DEMOTION_WINDOW: usize = 3;

/// Whole words (first [`MAX_QUERY_WORDS`]) and, separately, the CamelCase
/// parts of those words (deduplicated, not themselves whole words).
pub(crate) fn split_words(all: &[Word]) -> (Vec<&str>, Vec<String>) {
    let mut whole: Vec<&str> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut count = 0;
    for w in all {
        if !w.part {
            count += 1;
            if count > MAX_QUERY_WORDS {
                break;
            }
            whole.push(&w.text);
        } else if !parts.contains(&w.text) {
            parts.push(w.text.clone());
        }
    }
    // One-letter parts ("iPhone", "AbacuS") are noise.
    parts.retain(|p| p.chars().nth(1).is_some() && !whole.contains(&p.as_str()));
    (whole, parts)
}

/// How many of the query's first `words` whole words come before its last
/// `/` when a word follows it too (0 otherwise).
fn path_context_words(analyzer: &mut TextAnalyzer, text: &str, words: usize) -> usize {
    let Some(slash) = text.rfind('/') else {
        return 0;
    };
    let count = |t: &str, analyzer: &mut TextAnalyzer| {
        analysis::words(analyzer, t)
            .iter()
            .filter(|w| !w.part)
            .count()
    };
    let (head, tail) = (
        count(&text[..slash], analyzer),
        count(&text[slash + 1..], analyzer),
    );
    if head == 0 || tail == 0 {
        return 0;
    }
    head.min(words)
}
