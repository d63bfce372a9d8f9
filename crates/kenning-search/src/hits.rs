//! Turning ranked documents into hits: their stored fields
//! ([`Candidate`]), which query word a text word is ([`Matcher`]), the
//! alias the query matched, and the snippet. The order is decided before
//! (`ranking`, `SearchIndex::run`); nothing here changes it.

use std::cmp::Reverse;
use std::collections::HashMap;

use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::analysis::{self, Word};
use crate::error::{SearchError, engine};
use crate::query::Hit;
use crate::ranking::Rank;
use crate::schema::Fields;
use crate::typo::QWord;
use crate::{snippet, texts};

/// How a query word matched a text word (for snippets and matched aliases).
pub(crate) struct Matcher<'q> {
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
    pub(crate) fn new(words: &'q [QWord], parts: &'q [String], last_is_prefix: bool) -> Self {
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

/// The bit of [`Matcher::lengths`] for a word of `len` bytes.
fn length_bit(len: usize) -> u128 {
    1u128 << len.min(127)
}

/// Aliases looked at per hit to find the one that matched (a concept can
/// have hundreds of redirects).
pub(crate) const MAX_ALIAS_SCAN: usize = 1000;

/// A document being turned into a hit.
pub(crate) struct Candidate {
    pub(crate) rank: Rank,
    pub(crate) title: String,
    pub(crate) aliases: Vec<String>,
    /// Offset of the summary and body in the [`TEXTS`] file.
    text_at: u64,
}

/// Reads a document's stored fields.
pub(crate) fn load(
    searcher: &Searcher,
    fields: &Fields,
    addr: DocAddress,
    rank: Rank,
) -> Result<Candidate, SearchError> {
    let f = fields;
    let doc: TantivyDocument = searcher.doc(addr).map_err(engine)?;
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
pub(crate) fn finish(
    texts_file: &[u8],
    kinds: &[String],
    c: Candidate,
    matched_alias: Option<String>,
    matcher: &Matcher<'_>,
    analyzer: &mut TextAnalyzer,
) -> Hit {
    // Snippets look at the first 16 KB of the summary and of the body; the
    // body is decompressed only when the summary holds no query word.
    let texts = texts::read(texts_file, c.text_at);
    let summary = texts.summary();
    let found = |text: &str, analyzer: &mut TextAnalyzer| {
        snippet::matches(analyzer, text, matcher.whole_words, matcher.lengths, |w| {
            matcher.text(w)
        })
    };
    let s = match snippet::make(&summary, &found(&summary, analyzer), false) {
        Some(s) => s,
        None => {
            let body = texts.body(&summary);
            match snippet::make(&body, &found(&body, analyzer), false) {
                Some(s) => s,
                None if !summary.trim().is_empty() => {
                    snippet::make(&summary, &[], true).unwrap_or_default()
                }
                None => snippet::make(&body, &[], true).unwrap_or_default(),
            }
        }
    };
    let Rank(_, score, Reverse(key), Reverse(kind)) = c.rank;
    Hit {
        key,
        kind: kinds.get(kind as usize).cloned().unwrap_or_default(),
        title: c.title,
        score,
        snippet: s.text,
        highlights: s.highlights,
        matched_alias,
    }
}

/// The alias the query matched when it matched an alias better than the
/// title: the exactly equal alias for an exact alias hit, else the alias
/// covering the most query words, if it covers more than the title.
pub(crate) fn matched_alias(
    c: &Candidate,
    query_key: &str,
    matcher: &Matcher<'_>,
    query_words: usize,
    analyzer: &mut TextAnalyzer,
) -> Option<String> {
    let mut key_of = |name: &str| analysis::exact_key(&analysis::words(analyzer, name));
    match c.rank.exact() {
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
