//! What a search asks and what it answers: [`Query`], [`SearchResults`],
//! [`Hit`], and the limits on queries, pages and offsets (defined here
//! once; the engine and the server re-export them). Plain data: the index
//! that answers is in `search`.

/// Queries are cut to this many bytes (at a character boundary) before
/// analysis.
pub const MAX_QUERY_BYTES: usize = 512;
/// Only the first this-many words of a query are used.
pub const MAX_QUERY_WORDS: usize = 32;
/// Most hits returned by one call; larger limits are lowered to this.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; beyond it a page is empty (the total is still counted).
pub const MAX_OFFSET: usize = 10_000;

/// What to search for. `Query::new(text)` sets the defaults.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The user's text. Cut to [`MAX_QUERY_BYTES`] bytes and
    /// [`MAX_QUERY_WORDS`] words; punctuation is ignored. Empty (or only
    /// white space) with [`kinds`](Query::kinds): every document of those
    /// kinds, the most popular first, then in the order they were added.
    pub text: &'a str,
    /// Kinds to return (`"concept"`, `"course"`, ...); empty means all.
    pub kinds: &'a [&'a str],
    /// Hits per page, at most [`MAX_LIMIT`]; 0 only counts.
    pub limit: usize,
    /// Hits to skip (pagination), at most [`MAX_OFFSET`].
    pub offset: usize,
    /// Per-kind score multipliers; kinds not listed get 1.
    pub kind_factors: &'a [(&'a str, f32)],
    /// Typo tolerance (fuzzy matches, misplaced spaces); off, only the
    /// words as typed (and their CamelCase parts) match.
    pub typos: bool,
    /// Count the matches of each kind, whatever [`kinds`](Query::kinds)
    /// keeps ([`SearchResults::kind_counts`]): one more pass over them.
    pub count_kinds: bool,
    /// The reader's language (a code such as `fr`): a word found in the
    /// document's names in that language weighs more (indexes written
    /// with [`IndexWriter::create_in_languages`](crate::IndexWriter::create_in_languages)).
    pub lang: Option<&'a str>,
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
            typos: true,
            count_kinds: false,
            lang: None,
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
    /// The query as typo tolerance read it, when a word of it is found
    /// nowhere as typed (`quantm mechnics` → `quantum mechanics`): the
    /// hits are for this. Words as analysed (lower case, no punctuation).
    pub corrected: Option<String>,
    /// With [`Query::count_kinds`]: the matches of each kind present in
    /// the index, whatever the kind filter, in the index's kind order
    /// (kinds without matches left out).
    pub kind_counts: Vec<(String, usize)>,
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
