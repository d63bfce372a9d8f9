//! Reading an index: [`SearchIndex`], [`Query`], [`Hit`].

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery,
    Occur, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, DocSet, Index, ReloadPolicy, Score, Searcher, SegmentReader, TERMINATED,
    TantivyDocument, Term,
};

use crate::Document;
use crate::analysis::{self, ANALYZER_NAME, Word};
use crate::error::{SearchError, engine};
use crate::schema::{EXACT_ALIAS, EXACT_TITLE, Fields, Manifest, TEXTS};
use crate::{snippet, texts};

/// Queries are cut to this many bytes (at a character boundary) before
/// analysis.
pub const MAX_QUERY_BYTES: usize = 512;
/// Only the first this-many words of a query are used.
pub const MAX_QUERY_WORDS: usize = 32;
/// Most hits returned by one call; larger limits are lowered to this.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; beyond it a page is empty (the total is still counted).
pub const MAX_OFFSET: usize = 10_000;

/// Ranking weights, tuned with `bench/search_quality.py` (navigational
/// queries: redirects, titles with typos) and the Wikispeedia tests.
///
/// Per query word: BM25 in each field × the field's weight, the best field
/// counting fully and the others by `TIE`; plus a name-coverage constant.
/// The sum is multiplied by the popularity prior and the kind factor.
mod weight {
    pub(super) const NAME: f32 = 3.0;
    pub(super) const SUMMARY: f32 = 1.0;
    pub(super) const BODY: f32 = 0.4;
    pub(super) const TIE: f32 = 0.2;
    /// Name coverage: a constant per query word found in a name, × the
    /// word's idf in names, whatever the name's length (BM25 alone favours
    /// short names: "Jordan" over "Foreign relations of Jordan" for
    /// "foreign relations of jordan").
    pub(super) const COVER: f32 = 3.0;
    /// ... for a fuzzy match, and at distance 2 a further factor.
    pub(super) const FUZZY_COVER: f32 = 0.7;
    pub(super) const FUZZY_COVER_2: f32 = 0.7;
    /// ... for a fuzzy match of a word that is found as typed somewhere.
    pub(super) const COVER_KNOWN: f32 = 0.3;
    /// ... for a word common in bodies (see `COMMON_SHARE`).
    pub(super) const COVER_COMMON: f32 = 0.2;
    /// Popularity prior: score × (1 + POPULARITY × popularity). A tie
    /// breaker more than a force: at 1.0 the navigational MRR@10 drops by
    /// 4 to 10 points, hubs beating the exact sub-topic page ("Germany" for
    /// "transport in germany").
    pub(super) const POPULARITY: f32 = 0.3;
    /// A name term at edit distance 1 / 2 of a query word, relative to what
    /// the query word itself would score in the same document.
    pub(super) const FUZZY_1: f32 = 0.5;
    pub(super) const FUZZY_2: f32 = 0.3;
    /// Fuzzy weight factor when the query word is itself known (found in a
    /// name or a text): it is more likely meant as typed.
    pub(super) const FUZZY_KNOWN: f32 = 0.5;
    /// Words found nowhere (typos) reach edit distance 2 from this many
    /// characters; known words stay at distance 1.
    pub(super) const D2_UNKNOWN: usize = 5;
    /// Most fuzzy expansions per query word (closest, then most frequent).
    pub(super) const FUZZY_TERMS: usize = 24;
    /// CamelCase parts and re-spaced words of the query (they are guesses).
    pub(super) const PART: f32 = 0.7;
    /// One-letter query words next to longer ones.
    pub(super) const SHORT: f32 = 0.3;
    /// Words before the last `/` of a query ("Archaeology/Broch",
    /// "Astronomy/History"): the path's context, while its last segment
    /// names the topic, as in MediaWiki subpage titles and typed paths.
    pub(super) const PATH_CONTEXT: f32 = 0.5;
    /// A word in more than this share of the summaries (bodies) is "common":
    /// matched there only when the query has something rarer.
    pub(super) const COMMON_SHARE: f64 = 0.25;
    /// Most prefix expansions of the last word in `suggest` (most frequent).
    pub(super) const PREFIX_TERMS: usize = 64;
    /// Most dictionary terms scanned for one prefix.
    pub(super) const PREFIX_SCAN: usize = 50_000;
    /// `suggest`: a completed word equal to the typed prefix counts more.
    pub(super) const PREFIX_WHOLE: f32 = 1.5;
    /// `suggest`: weight of popularity (score × (1 + SUGGEST_POP × p)): a
    /// prefix says little, popularity says which completion is likely.
    pub(super) const SUGGEST_POP: f32 = 3.0;
}

/// What to search for. `Query::new(text)` sets the defaults.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The user's text. Cut to [`MAX_QUERY_BYTES`] bytes and
    /// [`MAX_QUERY_WORDS`] words; punctuation is ignored.
    pub text: &'a str,
    /// Kinds to return (`"concept"`, `"course"`, ...); empty means all.
    pub kinds: &'a [&'a str],
    /// Hits per page, at most [`MAX_LIMIT`]; 0 only counts.
    pub limit: usize,
    /// Hits to skip (pagination), at most [`MAX_OFFSET`].
    pub offset: usize,
    /// Per-kind score multipliers; kinds not listed get 1.
    pub kind_factors: &'a [(&'a str, f32)],
}

impl<'a> Query<'a> {
    /// A query for `text`: all kinds, first 10 hits, no kind factors.
    pub fn new(text: &'a str) -> Self {
        Query {
            text,
            kinds: &[],
            limit: 10,
            offset: 0,
            kind_factors: &[],
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Documents matching the query (all pages).
    pub total: usize,
    /// The requested page, best first.
    pub hits: Vec<Hit>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The key given in [`Document::key`](crate::Document::key).
    pub key: u64,
    /// The document's kind.
    pub kind: String,
    /// The document's title.
    pub title: String,
    /// Relevance: BM25 (names weighted up) plus name coverage, × (1 + 0.3 ×
    /// popularity) × kind factor (see the crate documentation).
    /// Hits are ordered by exact match of the whole query with a title, then
    /// with an alias, then by this score (then by key), so an exact match
    /// comes first even when its score is lower.
    pub score: f32,
    /// Plain-text excerpt (whitespace collapsed, `…` where cut) of the
    /// summary, or of the body when the summary has no matched word, around
    /// the matched words; at most about 200 bytes.
    pub snippet: String,
    /// Byte ranges of matched words within `snippet`, sorted, disjoint.
    pub highlights: Vec<(usize, usize)>,
    /// The alias the query matched, when it matched an alias better than the title.
    pub matched_alias: Option<String>,
}

/// A read-only index, memory-mapped. `Send + Sync`: share one (in an
/// `Arc`) across all threads; every method takes `&self`.
pub struct SearchIndex {
    dir: PathBuf,
    searcher: Searcher,
    /// The [`TEXTS`] file: memory-mapped, or held for an in-memory index.
    texts: OwnedBytes,
    fields: Fields,
    kinds: Vec<String>,
    kind_ids: HashMap<String, u64>,
    analyzer: TextAnalyzer,
    fuzzy_cache: Mutex<HashMap<String, Arc<Expansion>>>,
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

/// One analysed query word.
#[derive(Debug)]
struct QWord {
    text: String,
    /// Documents whose names contain the word.
    name_df: u32,
    /// The word is a name word, or found in a few texts: likely meant as typed.
    known: bool,
    /// Name terms within the allowed edit distance, with their distance.
    fuzzy: Vec<(String, u8)>,
    /// Document frequency of each fuzzy term.
    fuzzy_df: Vec<u32>,
}

/// Fuzzy expansion of a word (cached per index).
#[derive(Debug)]
struct Expansion {
    name_df: u32,
    known: bool,
    terms: Vec<(String, u8, u32)>,
}

/// A word found in one summary or body per this many documents (at least
/// one), or in a name, is "known": probably meant as typed, so its fuzzy
/// matches weigh less and reach distance 1 only.
const KNOWN_TEXT_PER_DOCS: u64 = 20_000;

/// Decompressed blocks of stored documents kept (LRU, per segment): every
/// hit reads one block (about 4 KB, see the writer), so this holds the
/// texts of a few thousand recent hits in about 8 MB.
const DOCSTORE_CACHE_BLOCKS: usize = 2048;

/// Words whose fuzzy expansion is kept; the cache is emptied when full.
const FUZZY_CACHE_ENTRIES: usize = 16_384;

/// How a query word matched a text word (for snippets and matched aliases).
struct Matcher<'q> {
    /// Query word index by term (the word itself and its fuzzy expansions).
    terms: HashMap<&'q str, usize>,
    /// Last word as a prefix (`suggest`): (prefix, word index).
    prefix: Option<(&'q str, usize)>,
    /// Query words: the indices `text` returns below this are words, the
    /// others parts.
    whole_words: usize,
    /// Bit `n` set when a term has `n` bytes (bit 127 for 127 or more), or
    /// every bit from the prefix's length on: most text words are refused
    /// by their length before hashing.
    lengths: u128,
}

impl<'q> Matcher<'q> {
    fn new(words: &'q [QWord], parts: &'q [String], last_is_prefix: bool) -> Self {
        let mut terms = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            terms.entry(w.text.as_str()).or_insert(i);
            for (t, _) in &w.fuzzy {
                terms.entry(t.as_str()).or_insert(i);
            }
        }
        for (k, p) in parts.iter().enumerate() {
            terms.entry(p.as_str()).or_insert(words.len() + k);
        }
        let prefix = if last_is_prefix {
            words.last().map(|w| (w.text.as_str(), words.len() - 1))
        } else {
            None
        };
        let mut lengths = terms.keys().fold(0u128, |m, t| m | length_bit(t.len()));
        if let Some((p, _)) = prefix {
            lengths |= !(length_bit(p.len()) - 1);
        }
        Matcher {
            terms,
            prefix,
            whole_words: words.len(),
            lengths,
        }
    }

    fn word(&self, w: &Word) -> Option<usize> {
        self.text(&w.text)
    }

    /// The query word a normalised text word matches.
    fn text(&self, word: &str) -> Option<usize> {
        if self.lengths & length_bit(word.len()) == 0 {
            return None;
        }
        if let Some(&i) = self.terms.get(word) {
            return Some(i);
        }
        match self.prefix {
            Some((p, i)) if word.starts_with(p) => Some(i),
            _ => None,
        }
    }
}

/// The error of an index whose reading panicked inside tantivy.
fn damaged(dir: &Path) -> SearchError {
    SearchError::NotAnIndex {
        path: dir.to_path_buf(),
        reason: "the index is damaged: reading it failed".into(),
    }
}

/// The bit of [`Matcher::lengths`] for a word of `len` bytes.
fn length_bit(len: usize) -> u128 {
    1u128 << len.min(127)
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
    fn guarded<T>(&self, read: impl FnOnce() -> Result<T, SearchError>) -> Result<T, SearchError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
            .unwrap_or_else(|_| Err(damaged(&self.dir)))
    }

    fn search_unguarded(&self, q: &Query<'_>) -> Result<SearchResults, SearchError> {
        let mut analyzer = self.analyzer.clone();
        let text = truncate(q.text, MAX_QUERY_BYTES);
        let all = analysis::words(&mut analyzer, text);
        let (whole, parts) = split_words(&all);
        if whole.is_empty() {
            return Ok(SearchResults::default());
        }
        let words = self.query_words(&whole)?;
        let parts = self.respace(&whole, &words, parts)?;
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
        for (i, &(text, factor, common)) in texts.iter().enumerate() {
            let mut alts: Vec<Box<dyn TQuery>> =
                vec![boosted(term(f.name, text), weight::NAME * factor)];
            if !(any_rare[0] && common[0]) {
                alts.push(boosted(term(f.summary, text), weight::SUMMARY * factor));
            }
            if !(any_rare[1] && common[1]) {
                alts.push(boosted(term(f.body, text), weight::BODY * factor));
            }
            if let Some(w) = words.get(i) {
                self.push_fuzzy(&mut alts, w);
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
            let cover = self.cover_clause(text, factor, words.get(i))?;
            if let Some(c) = cover {
                clauses.push((Occur::Should, c));
            }
        }
        let text_query: Box<dyn TQuery> = Box::new(BooleanQuery::new(clauses));
        let query = self.with_kind_filter(text_query, q.kinds);

        let key = analysis::exact_key(&all);
        let factors = self.kind_factor_table(q.kind_factors);
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset;
        let (total, top) = self.run(&*query, &key, factors, limit, offset, weight::POPULARITY)?;

        let matcher = Matcher::new(&words, &parts, false);
        let mut hits = Vec::with_capacity(top.len());
        for (rank, addr) in top {
            let c = self.load(addr, rank)?;
            let alias = matched_alias(&c, &key, &matcher, words.len(), &mut analyzer);
            hits.push(self.finish(c, alias, &matcher, &mut analyzer));
        }
        Ok(SearchResults { total, hits })
    }

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
            let mut words = self.query_words(complete)?;
            words.push(QWord {
                text: last[0].to_string(),
                name_df: 0,
                known: true,
                fuzzy: Vec::new(),
                fuzzy_df: Vec::new(),
            });
            words
        } else {
            self.query_words(&whole)?
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
                self.push_fuzzy(&mut alts, w);
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
        let (_, top) = self.run(&query, &key, factors, candidates, 0, weight::SUGGEST_POP)?;
        let matcher = Matcher::new(&words, &[], last_is_prefix);
        let mut ranked = Vec::with_capacity(top.len());
        for (order, (rank, addr)) in top.into_iter().enumerate() {
            let c = self.load(addr, rank)?;
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
                    matched_alias(&c, &key, &matcher, words.len(), &mut analyzer),
                )
            };
            ranked.push((c.rank.0, starts, order, c, alias));
        }
        ranked.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then(a.2.cmp(&b.2)));
        Ok(ranked
            .into_iter()
            .take(limit)
            .map(|(_, _, _, c, alias)| self.finish(c, alias, &matcher, &mut analyzer))
            .collect())
    }

    /// Runs `query`: total count and the page `offset..offset+limit` by
    /// (exact tier, score × (1 + pop_weight × popularity) × kind factor, key).
    #[allow(clippy::type_complexity)]
    fn run(
        &self,
        query: &dyn TQuery,
        exact_key: &str,
        factors: Arc<Vec<f32>>,
        limit: usize,
        offset: usize,
        pop_weight: f32,
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
                Rank(tier, score, Reverse(key), Reverse(k as u64))
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

    /// Reads a document's stored fields.
    fn load(&self, addr: DocAddress, rank: Rank) -> Result<Candidate, SearchError> {
        let f = self.fields;
        let doc: TantivyDocument = self.searcher.doc(addr).map_err(engine)?;
        let title = doc
            .get_first(f.title)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let aliases = doc
            .get_all(f.alias)
            .filter_map(|v| v.as_str())
            .map(str::to_string)
            .collect();
        let text_at = doc
            .get_first(f.text_at)
            .and_then(|v| v.as_u64())
            .unwrap_or(u64::MAX);
        Ok(Candidate {
            rank,
            title,
            aliases,
            text_at,
        })
    }

    /// Turns a candidate into a hit: kind name and snippet.
    fn finish(
        &self,
        c: Candidate,
        matched_alias: Option<String>,
        matcher: &Matcher<'_>,
        analyzer: &mut TextAnalyzer,
    ) -> Hit {
        // Snippets look at the first 16 KB of the summary and of the body.
        let texts = texts::read(&self.texts, c.text_at);
        let (summary, body) = (texts.summary(), texts.body());
        let found = |text: &str, analyzer: &mut TextAnalyzer| {
            snippet::matches(analyzer, text, matcher.whole_words, matcher.lengths, |w| {
                matcher.text(w)
            })
        };
        let s = match snippet::make(summary, &found(summary, analyzer), false) {
            Some(s) => s,
            None => match snippet::make(body, &found(body, analyzer), false) {
                Some(s) => s,
                None if !summary.trim().is_empty() => {
                    snippet::make(summary, &[], true).unwrap_or_default()
                }
                None => snippet::make(body, &[], true).unwrap_or_default(),
            },
        };
        let Rank(_, score, Reverse(key), Reverse(kind)) = c.rank;
        Hit {
            key,
            kind: self.kinds.get(kind as usize).cloned().unwrap_or_default(),
            title: c.title,
            score,
            snippet: s.text,
            highlights: s.highlights,
            matched_alias,
        }
    }

    /// Query words with their fuzzy expansions in the name field.
    fn query_words(&self, whole: &[&str]) -> Result<Vec<QWord>, SearchError> {
        let mut out: Vec<QWord> = Vec::with_capacity(whole.len());
        for &w in whole {
            if out.iter().any(|q| q.text == w) {
                continue;
            }
            let e = self.expansion(w)?;
            out.push(QWord {
                text: w.to_string(),
                name_df: e.name_df,
                known: e.known,
                fuzzy: e.terms.iter().map(|(t, d, _)| (t.clone(), *d)).collect(),
                fuzzy_df: e.terms.iter().map(|(_, _, df)| *df).collect(),
            });
        }
        Ok(out)
    }

    /// The fuzzy expansion of `word`, from the cache or computed.
    fn expansion(&self, word: &str) -> Result<Arc<Expansion>, SearchError> {
        let cache = |c: &Mutex<HashMap<String, Arc<Expansion>>>| {
            c.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(word)
                .cloned()
        };
        if let Some(e) = cache(&self.fuzzy_cache) {
            return Ok(e);
        }
        let e = Arc::new(self.fuzzy_terms(word)?);
        let mut c = self.fuzzy_cache.lock().unwrap_or_else(|e| e.into_inner());
        if c.len() >= FUZZY_CACHE_ENTRIES {
            c.clear();
        }
        c.insert(word.to_string(), Arc::clone(&e));
        Ok(e)
    }

    /// Name terms within edit distance 1 of `word` (4 characters or more),
    /// or 2 when it has 8 characters or more and is not itself a name word;
    /// closest then most frequent first, the word itself excluded.
    fn fuzzy_terms(&self, word: &str) -> Result<Expansion, SearchError> {
        let df = |field: Field| -> Result<u32, SearchError> {
            let n = self.searcher.doc_freq(&term(field, word)).map_err(engine)?;
            Ok(n.min(u64::from(u32::MAX)) as u32)
        };
        let name_df = df(self.fields.name)?;
        let in_texts = df(self.fields.summary)?.saturating_add(df(self.fields.body)?);
        let known = name_df > 0 || in_texts >= self.known_text_docs();
        let chars = word.chars().count();
        let distance: u8 = match (chars, known) {
            (0..=3, _) => {
                return Ok(Expansion {
                    name_df,
                    known,
                    terms: Vec::new(),
                });
            }
            // A known word is rarely a two-letter typo of another, and
            // distance 2 costs several times more than distance 1.
            (_, true) => 1,
            (4, false) => 1,
            (n, false) if n < weight::D2_UNKNOWN => 1,
            _ => 2,
        };
        let fq = FuzzyTermQuery::new(term(self.fields.name, word), distance, true);
        let dfa = fq.automaton().map_err(engine)?;
        let mut found: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.name).map_err(engine)?;
            let mut stream = inv.terms().search(&dfa).into_stream().map_err(engine)?;
            while stream.advance() {
                *found.entry(stream.key().to_vec()).or_default() += stream.value().doc_freq;
            }
        }
        let mut terms: Vec<(String, u8, u32)> = found
            .into_iter()
            .filter_map(|(k, df)| {
                let t = String::from_utf8(k).ok()?;
                if t == word {
                    return None;
                }
                let d = osa_distance(word, &t).min(u32::from(distance)) as u8;
                Some((t, d.max(1), df))
            })
            .collect();
        terms.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        terms.truncate(weight::FUZZY_TERMS);
        Ok(Expansion {
            name_df,
            known,
            terms,
        })
    }

    /// Pushes the fuzzy alternatives of `w` (name field): each term is scored
    /// by BM25 scaled so that it earns about `FUZZY_d` of what the query word
    /// itself would earn in the same place.
    fn push_fuzzy(&self, alts: &mut Vec<Box<dyn TQuery>>, w: &QWord) {
        let n = self.searcher.num_docs() as f32;
        let idf = |df: u32| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        };
        for ((t, d), &df) in w.fuzzy.iter().zip(&w.fuzzy_df) {
            // A known word is probably meant as typed, unless the name term
            // is the same word with another ending.
            let known = if w.known && !is_variant(&w.text, t) {
                weight::FUZZY_KNOWN
            } else {
                1.0
            };
            // Scale to the query word's idf; an unknown word gets the term's own.
            let scale = if w.name_df > 0 {
                (idf(w.name_df) / idf(df)).min(1.0) * known
            } else {
                known
            };
            let base = if *d <= 1 {
                weight::FUZZY_1
            } else {
                weight::FUZZY_2
            };
            alts.push(boosted(
                term(self.fields.name, t),
                weight::NAME * base * scale,
            ));
        }
    }

    fn known_text_docs(&self) -> u32 {
        (self.searcher.num_docs() / KNOWN_TEXT_PER_DOCS).clamp(1, u64::from(u32::MAX)) as u32
    }

    /// The name-coverage clause of one query word (or part): see `search`.
    fn cover_clause(
        &self,
        text: &str,
        factor: f32,
        word: Option<&QWord>,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        let f = self.fields.name;
        let n = self.searcher.num_docs() as f32;
        let idf = |df: u32| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        };
        let name_df = match word {
            Some(w) => w.name_df,
            None => self.searcher.doc_freq(&term(f, text)).map_err(engine)? as u32,
        };
        let mut alts: Vec<Box<dyn TQuery>> = Vec::new();
        let constant = |t: &str, value: f32| -> Box<dyn TQuery> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term(f, t), IndexRecordOption::Basic)),
                value,
            ))
        };
        if name_df > 0 {
            alts.push(constant(text, weight::COVER * factor * idf(name_df)));
        }
        if let Some(w) = word {
            for ((t, d), &df) in w.fuzzy.iter().zip(&w.fuzzy_df) {
                let by_distance = if *d <= 1 { 1.0 } else { weight::FUZZY_COVER_2 };
                // A word found as typed (in names or texts) gets less
                // coverage from names that merely resemble it.
                let known = if w.known && !is_variant(&w.text, t) {
                    weight::COVER_KNOWN
                } else {
                    1.0
                };
                let i = by_distance * known * idf(df);
                alts.push(constant(
                    t,
                    weight::COVER * weight::FUZZY_COVER * factor * i,
                ));
            }
        }
        Ok(match alts.len() {
            0 => None,
            1 => alts.pop(),
            _ => Some(Box::new(DisjunctionMaxQuery::new(alts))),
        })
    }

    /// Extra query words for misplaced spaces, added to the CamelCase
    /// `parts`: an unknown word that splits into two name words
    /// ("frenchfries"), two neighbours that join into a name word
    /// ("afro asiatic"), or that split elsewhere into two name words
    /// ("houseo f" → "house of"). Only the first 12 words are looked at.
    fn respace(
        &self,
        whole: &[&str],
        words: &[QWord],
        mut parts: Vec<String>,
    ) -> Result<Vec<String>, SearchError> {
        let unknown = |w: &str| words.iter().any(|q| q.text == w && q.name_df == 0);
        let add = |p: String, parts: &mut Vec<String>| {
            if !parts.contains(&p) && !whole.contains(&p.as_str()) {
                parts.push(p);
            }
        };
        let whole = &whole[..whole.len().min(12)];
        for w in whole {
            // Short unknown words are typos more often than two words.
            if unknown(w)
                && w.chars().count() >= 8
                && let Some((a, b)) = self.word_break(w)?
            {
                add(a, &mut parts);
                add(b, &mut parts);
            }
        }
        for pair in whole.windows(2) {
            let joined = format!("{}{}", pair[0], pair[1]);
            if joined.len() > 40 {
                continue;
            }
            let df = self
                .searcher
                .doc_freq(&term(self.fields.name, &joined))
                .map_err(engine)?;
            if df > 0 {
                add(joined, &mut parts);
            } else if (unknown(pair[0]) || unknown(pair[1]))
                && let Some((a, b)) = self.word_break(&joined)?
                && a != pair[0]
            {
                add(a, &mut parts);
                add(b, &mut parts);
            }
        }
        Ok(parts)
    }

    /// Splits an unknown word into two name words (each of two characters
    /// or more), the split whose rarer half is most frequent.
    fn word_break(&self, word: &str) -> Result<Option<(String, String)>, SearchError> {
        let chars = word.chars().count();
        if !(5..=40).contains(&chars) {
            return Ok(None);
        }
        let df = |t: &str| -> Result<u64, SearchError> {
            self.searcher
                .doc_freq(&term(self.fields.name, t))
                .map_err(engine)
        };
        let mut best: Option<(u64, usize)> = None;
        for (k, (i, _)) in word.char_indices().enumerate() {
            if k < 2 || chars - k < 2 {
                continue;
            }
            let (a, b) = word.split_at(i);
            let score = df(a)?.min(df(b)?);
            if score > 0 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, i));
            }
        }
        Ok(best.map(|(_, i)| (word[..i].to_string(), word[i..].to_string())))
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

    fn kind_factor_table(&self, kind_factors: &[(&str, f32)]) -> Arc<Vec<f32>> {
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

/// Sort key of a hit: exact tier (2 title, 1 alias, 0 none), final score,
/// then smaller key first, then smaller kind first (keys are the caller's
/// and may repeat across kinds).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Rank(u8, f32, Reverse<u64>, Reverse<u64>);

/// Aliases looked at per hit to find the one that matched (a concept can
/// have hundreds of redirects).
const MAX_ALIAS_SCAN: usize = 1000;

/// A document being turned into a hit.
struct Candidate {
    rank: Rank,
    title: String,
    aliases: Vec<String>,
    /// Offset of the summary and body in the [`TEXTS`] file.
    text_at: u64,
}

/// The alias the query matched when it matched an alias better than the
/// title: the exactly equal alias for an exact alias hit, else the alias
/// covering the most query words, if it covers more than the title.
fn matched_alias(
    c: &Candidate,
    query_key: &str,
    matcher: &Matcher<'_>,
    query_words: usize,
    analyzer: &mut TextAnalyzer,
) -> Option<String> {
    let mut key_of = |name: &str| analysis::exact_key(&analysis::words(analyzer, name));
    match c.rank.0 {
        2 => return None,
        1 => {
            return c
                .aliases
                .iter()
                .take(MAX_ALIAS_SCAN)
                .find(|a| key_of(a) == query_key)
                .cloned();
        }
        _ => {}
    }
    let mut coverage = |name: &str| {
        let mut seen: Vec<usize> = analysis::words(analyzer, name)
            .iter()
            .filter_map(|w| matcher.word(w))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let mut best = coverage(&c.title);
    let mut found = None;
    for alias in c.aliases.iter().take(MAX_ALIAS_SCAN) {
        if best >= query_words {
            break;
        }
        let cov = coverage(alias);
        if cov > best {
            best = cov;
            found = Some(alias.clone());
        }
    }
    found
}

/// Whole words (first [`MAX_QUERY_WORDS`]) and, separately, the CamelCase
/// parts of those words (deduplicated, not themselves whole words).
fn split_words(all: &[Word]) -> (Vec<&str>, Vec<String>) {
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

/// `s` cut to at most `max` bytes at a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn boosted(t: Term, boost: f32) -> Box<dyn TQuery> {
    let q = Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// Sorted documents of one segment holding `term` (few: exact-match keys).
fn postings(seg: &SegmentReader, field: Field, term: &Term) -> Vec<DocId> {
    let mut docs = Vec::new();
    let Ok(inv) = seg.inverted_index(field) else {
        return docs;
    };
    if let Ok(Some(mut p)) = inv.read_postings(term, IndexRecordOption::Basic) {
        let mut d = p.doc();
        while d != TERMINATED {
            docs.push(d);
            d = p.advance();
        }
    }
    docs
}

/// Whether name term `t` is query word `w` with another ending (plural,
/// inflection: `astronomers`/`astronomer`, `allotrope`/`allotropy`): they
/// share all but the last character of the shorter, and at least 4.
fn is_variant(w: &str, t: &str) -> bool {
    let shared = w.chars().zip(t.chars()).take_while(|(a, b)| a == b).count();
    let shorter = w.chars().count().min(t.chars().count());
    shared >= 4 && shared + 1 >= shorter
}

/// Optimal-string-alignment distance (Levenshtein with adjacent
/// transpositions), on characters.
pub(crate) fn osa_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0u32; m + 1];
    let mut prev: Vec<u32> = (0..=m as u32).collect();
    let mut cur = vec![0u32; m + 1];
    for i in 1..=n {
        cur[0] = i as u32;
        for j in 1..=m {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_share_all_but_the_ending() {
        assert!(is_variant("astronomers", "astronomer"));
        assert!(is_variant("allotrope", "allotropy"));
        assert!(is_variant("union", "unions"));
        assert!(!is_variant("anova", "anoa"));
        assert!(!is_variant("cat", "cats"));
        assert!(!is_variant("soviet", "sovjet"));
    }

    #[test]
    fn osa() {
        assert_eq!(osa_distance("soviet", "soviet"), 0);
        assert_eq!(osa_distance("soviet", "sovjet"), 1);
        assert_eq!(osa_distance("soviet", "osviet"), 1);
        assert_eq!(osa_distance("soviet", "sovit"), 1);
        assert_eq!(osa_distance("soviet", "sovieto"), 1);
        assert_eq!(osa_distance("abcd", "badc"), 2);
        assert_eq!(osa_distance("", "abc"), 3);
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "é".repeat(300);
        let t = truncate(&s, MAX_QUERY_BYTES);
        assert!(t.len() <= MAX_QUERY_BYTES && t.len().is_multiple_of(2));
        assert_eq!(truncate("abc", 10), "abc");
    }
}
