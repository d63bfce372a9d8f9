//! Full-text search over concepts and records.
//!
//! This crate owns the search index of a snapshot: [`IndexWriter`] streams
//! [`Document`]s (a key, a kind, a title, aliases, a summary, a body and a
//! popularity prior) into a folder in bounded memory, and [`SearchIndex`]
//! opens that folder read-only (memory-mapped) — or
//! [`SearchIndex::in_memory`] builds a small one in memory, whole, for
//! documents that change between builds — and answers
//! [`search`](SearchIndex::search) and [`suggest`](SearchIndex::suggest)
//! with [`Hit`]s that carry a highlighted snippet.
//!
//! Ranking (measured with `bench/search_quality.py`; the weights and why
//! are in `weight.rs`):
//!
//! - BM25 over names (title and aliases, one field, weighted up), summary
//!   and body, the best field of each query word counting most, plus a
//!   bonus per query word found in a name, so that a name holding more of
//!   the query outranks a shorter one;
//! - typos: each query word of 4 characters or more also matches names
//!   within edit distance 1, or 2 when it has 5 characters or more and is
//!   found nowhere as typed (a known word is rarely a two-letter slip of
//!   another, and distance 2 costs several times more), at a reduced weight
//!   that never beats the word itself; misplaced spaces (`frenchfries`,
//!   `houseo f`) and CamelCase (`AfghanistanHistory`) add the words they hide;
//! - when every query word is known (a name word, or found in texts), a
//!   document found only through a typo ranks below every document that
//!   holds a query word as typed (`paris` lists the documents holding
//!   "Paris" before Parish); a word found nowhere as typed is reported
//!   corrected ([`SearchResults::corrected`]); [`Query::typos`] off keeps
//!   to the words as typed;
//! - the sum is multiplied by `1 + 0.3 × popularity` (a tie breaker: a
//!   stronger prior makes hubs beat the exact sub-topic page) and by the
//!   query's factor for the document's kind;
//! - an exact match of the whole query with a title, then with an alias
//!   (case, diacritics and punctuation ignored), ranks first whatever the
//!   scores;
//! - a query with no words and some kinds lists every document of those
//!   kinds, the most popular first (a type's full list); matches can be
//!   counted per kind ([`Query::count_kinds`]);
//! - words before the last `/` of a query (`Archaeology/Broch`) weigh half:
//!   the last segment of a path names the topic.
//!
//! Text is analysed the same way for indexing, queries, exact matches and
//! snippets: Unicode words (CJK one character each), lower case, ASCII
//! folding, CamelCase words also split into their parts, no stemming and no
//! stop words, so the index is language-neutral. An index written in
//! several languages ([`IndexWriter::create_in_languages`]) also keeps
//! each other language's names ([`Document::names_in`]) in a field of its
//! own, stemmed as that language is where tantivy has a stemmer; a query
//! word matches them stemmed the same way, and weighs more in the reader's
//! language ([`Query::lang`]). Words found in more than a
//! quarter of the summaries (bodies) are matched there only when the query
//! has rarer words (they weigh nearly nothing and cost a pass over most
//! documents).
//!
//! Limits: queries are cut to [`MAX_QUERY_BYTES`] bytes and
//! [`MAX_QUERY_WORDS`] words, pages to [`MAX_LIMIT`] hits, offsets to
//! [`MAX_OFFSET`]. A query never fails because of its text.
//!
//! The engine inside is tantivy; none of its types appear in this API.
//!
//! It deliberately does not decide what is indexed (the build pipeline
//! chooses texts, truncates bodies and computes popularity), does not map
//! keys to URLs or concept ids (the caller's keys come back untouched),
//! and does not update an index in place: an index is written once, by one
//! `IndexWriter`, and read by any number of threads.

#![forbid(unsafe_code)]

mod analysis;
mod error;
mod hits;
mod kind_counts;
mod languages;
mod query;
mod ranking;
mod read_only;
mod schema;
mod search;
mod snippet;
mod suggest;
mod texts;
mod typo;
mod weight;
mod writer;

#[cfg(test)]
mod tests;

pub use error::SearchError;
pub use query::{
    Hit, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, MAX_QUERY_WORDS, Query, SearchResults,
};
pub use search::SearchIndex;
pub use writer::{Document, IndexWriter, MAX_THREADS, MIN_MEMORY_PER_THREAD, TEXT_SUMMARY_CHARS};
