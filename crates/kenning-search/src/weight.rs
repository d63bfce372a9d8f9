//! Ranking weights, tuned with `bench/search_quality.py` (navigational
//! queries: redirects, titles with typos) and the Wikispeedia tests.
//!
//! Per query word: BM25 in each field × the field's weight, the best field
//! counting fully and the others by `TIE`; plus a name-coverage constant.
//! The sum is multiplied by the popularity prior and the kind factor.
//!
//! Every tuned number of search, typo tolerance and suggestions is here;
//! the code that applies them is in `search`, `typo`, `ranking`, and
//! `suggest`. This module imports nothing.

pub(crate) const NAME: f32 = 3.0;
pub(crate) const SUMMARY: f32 = 1.0;
pub(crate) const BODY: f32 = 0.4;
pub(crate) const TIE: f32 = 0.2;
/// Name coverage: a constant per query word found in a name, × the
/// word's idf in names, whatever the name's length (BM25 alone favours
/// short names: "Jordan" over "Foreign relations of Jordan" for
/// "foreign relations of jordan").
pub(crate) const COVER: f32 = 3.0;
/// ... for a fuzzy match, and at distance 2 a further factor.
pub(crate) const FUZZY_COVER: f32 = 0.7;
pub(crate) const FUZZY_COVER_2: f32 = 0.7;
/// ... for a fuzzy match of a word that is found as typed somewhere.
pub(crate) const COVER_KNOWN: f32 = 0.3;
/// ... for a word common in bodies (see `COMMON_SHARE`).
pub(crate) const COVER_COMMON: f32 = 0.2;
/// Popularity prior: score × (1 + POPULARITY × popularity). A tie
/// breaker more than a force: at 1.0 the navigational MRR@10 drops by
/// 4 to 10 points, hubs beating the exact sub-topic page ("Germany" for
/// "transport in germany").
pub(crate) const POPULARITY: f32 = 0.3;
/// A name term at edit distance 1 / 2 of a query word, relative to what
/// the query word itself would score in the same document.
pub(crate) const FUZZY_1: f32 = 0.5;
pub(crate) const FUZZY_2: f32 = 0.3;
/// Fuzzy weight factor when the query word is itself known (found in a
/// name or a text): it is more likely meant as typed.
pub(crate) const FUZZY_KNOWN: f32 = 0.5;
/// Words found nowhere (typos) reach edit distance 2 from this many
/// characters; known words stay at distance 1.
pub(crate) const D2_UNKNOWN: usize = 5;
/// Most fuzzy expansions per query word (closest, then most frequent).
pub(crate) const FUZZY_TERMS: usize = 24;
/// CamelCase parts and re-spaced words of the query (they are guesses).
pub(crate) const PART: f32 = 0.7;
/// One-letter query words next to longer ones.
pub(crate) const SHORT: f32 = 0.3;
/// Words before the last `/` of a query ("Archaeology/Broch",
/// "Astronomy/History"): the path's context, while its last segment
/// names the topic, as in MediaWiki subpage titles and typed paths.
pub(crate) const PATH_CONTEXT: f32 = 0.5;
/// A word in more than this share of the summaries (bodies) is "common":
/// matched there only when the query has something rarer.
pub(crate) const COMMON_SHARE: f64 = 0.25;
/// Most prefix expansions of the last word in `suggest` (most frequent).
pub(crate) const PREFIX_TERMS: usize = 64;
/// Most dictionary terms scanned for one prefix.
pub(crate) const PREFIX_SCAN: usize = 50_000;
/// `suggest`: a completed word equal to the typed prefix counts more.
pub(crate) const PREFIX_WHOLE: f32 = 1.5;
/// `suggest`: weight of popularity (score × (1 + SUGGEST_POP × p)): a
/// prefix says little, popularity says which completion is likely.
pub(crate) const SUGGEST_POP: f32 = 3.0;
