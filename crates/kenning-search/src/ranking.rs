//! Scoring: what a match is worth. The sort key of a hit ([`Rank`]: exact
//! tier, then score, then key), the weighted term queries every clause is
//! made of, the weight of each fuzzy alternative of a query word, and the
//! name-coverage clause. The numbers are in `weight`; which alternatives a
//! word has is `typo`'s business; the popularity prior and the kind factor
//! are applied as the index collects hits (`SearchIndex::run`).

use std::cmp::Reverse;

use tantivy::query::{
    BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use crate::error::{SearchError, engine};
use crate::schema::term;
use crate::typo::{QWord, is_variant};
use crate::weight;

/// Sort key of a hit: its tier ([`Rank::tier`]: the exact tier, 2 title, 1
/// alias, 0 none, times two, plus 1 for a document holding a query word as
/// typed and 0 for one found only through typo tolerance, [`Demotion`]),
/// final score, then smaller key first, then smaller kind first (keys are
/// the caller's and may repeat across kinds).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) struct Rank(
    pub(crate) u8,
    pub(crate) f32,
    pub(crate) Reverse<u64>,
    pub(crate) Reverse<u64>,
);

impl Rank {
    /// The first field of a rank: `exact` (2 title, 1 alias, 0 none) and
    /// whether the document holds a query word as typed, in one byte so
    /// that hits compare on four fields.
    pub(crate) fn tier(exact: u8, literal: bool) -> u8 {
        exact * 2 + u8::from(literal)
    }

    /// The exact tier alone: 2 title, 1 alias, 0 none.
    pub(crate) fn exact(&self) -> u8 {
        self.0 / 2
    }
}

pub(crate) fn boosted(t: Term, boost: f32) -> Box<dyn TQuery> {
    let q = Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// Sorted documents of one segment holding `term` (few: exact-match keys).
pub(crate) fn postings(seg: &SegmentReader, field: Field, term: &Term) -> Vec<DocId> {
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

/// What puts documents found only through typo tolerance below every
/// document that holds a query word as typed: the terms of the query's
/// words as typed (in every field the query searches them) and the fuzzy
/// alternatives of its words (names).
///
/// Used only when every word of the query is known: a word found nowhere
/// or in a handful of texts (`quantm`) is itself a typo, and the odd text
/// that repeats it, or another word of the query found in some text, must
/// not outrank the documents its correction finds.
#[derive(Debug, Default)]
pub(crate) struct Demotion {
    pub(crate) literal: Vec<Term>,
    pub(crate) fuzzy: Vec<Term>,
}

impl Demotion {
    /// Sorted documents of one segment that hold a fuzzy alternative and
    /// no literal term. Costs the postings of the fuzzy terms (name terms:
    /// short lists) and one skip through each literal term's postings.
    /// Which of `hits` (matches of the query) hold no literal term, that
    /// is, were found only through typo tolerance: a flag per hit. Costs one
    /// skip through each literal term's postings per segment of the hits,
    /// names first, stopping once every hit is settled.
    pub(crate) fn typo_only_among(
        &self,
        searcher: &Searcher,
        hits: &[(Rank, DocAddress)],
    ) -> Vec<bool> {
        let mut typo = vec![false; hits.len()];
        if self.literal.is_empty() {
            return typo;
        }
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_unstable_by_key(|&i| (hits[i].1.segment_ord, hits[i].1.doc_id));
        for group in order.chunk_by(|&a, &b| hits[a].1.segment_ord == hits[b].1.segment_ord) {
            let seg = searcher.segment_reader(hits[group[0]].1.segment_ord);
            let mut pending: Vec<usize> = group.to_vec();
            self.keep_unmatched(seg, &mut pending, |&i| hits[i].1.doc_id);
            for i in pending {
                typo[i] = true;
            }
        }
        typo
    }

    /// Sorted documents of one segment that hold a fuzzy alternative and
    /// no literal term: every typo-only document, for a search whose first
    /// hits hold too few documents found as typed. Costs the postings of
    /// the fuzzy terms (name terms: short lists) and skips through the
    /// literal terms' postings.
    pub(crate) fn typo_only(&self, seg: &SegmentReader) -> Vec<DocId> {
        if self.literal.is_empty() {
            return Vec::new();
        }
        let mut pending: Vec<DocId> = Vec::new();
        for t in &self.fuzzy {
            pending.extend(postings(seg, t.field(), t));
        }
        pending.sort_unstable();
        pending.dedup();
        self.keep_unmatched(seg, &mut pending, |&doc| doc);
        pending
    }

    /// Removes from `pending` (in increasing document order, `doc` giving
    /// each one's document in `seg`) those that hold a literal term. Most
    /// are settled by the first terms (names, then summaries), and the work
    /// stops when none is left.
    fn keep_unmatched<T>(
        &self,
        seg: &SegmentReader,
        pending: &mut Vec<T>,
        doc: impl Fn(&T) -> DocId,
    ) {
        for t in &self.literal {
            if pending.is_empty() {
                break;
            }
            let Ok(inv) = seg.inverted_index(t.field()) else {
                continue;
            };
            let Ok(Some(mut p)) = inv.read_postings(t, IndexRecordOption::Basic) else {
                continue;
            };
            pending.retain(|item| {
                let d = doc(item);
                let at = if p.doc() >= d { p.doc() } else { p.seek(d) };
                at != d
            });
        }
    }
}

/// Pushes the fuzzy alternatives of `w` (name field): each term is scored
/// by BM25 scaled so that it earns about `FUZZY_d` of what the query word
/// itself would earn in the same place.
pub(crate) fn push_fuzzy(
    searcher: &Searcher,
    name: Field,
    alts: &mut Vec<Box<dyn TQuery>>,
    w: &QWord,
) {
    let n = searcher.num_docs() as f32;
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
        alts.push(boosted(term(name, t), weight::NAME * base * scale));
    }
}

/// The name-coverage clause of one query word (or part): see `search`.
pub(crate) fn cover_clause(
    searcher: &Searcher,
    name: Field,
    text: &str,
    factor: f32,
    word: Option<&QWord>,
) -> Result<Option<Box<dyn TQuery>>, SearchError> {
    let f = name;
    let n = searcher.num_docs() as f32;
    let idf = |df: u32| {
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    };
    let name_df = match word {
        Some(w) => w.name_df,
        None => searcher.doc_freq(&term(f, text)).map_err(engine)? as u32,
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
