//! Typo tolerance: what else a query word may match in names. Fuzzy
//! expansions (name terms within edit distance 1, or 2 for a word found
//! nowhere as typed; cached per index), misplaced spaces (`frenchfries`,
//! `houseo f`) and the string measures they rest on.
//!
//! It finds the alternatives and does not weigh them: how much a fuzzy
//! match counts is in `ranking`, the numbers in `weight`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::Searcher;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;

use crate::error::{SearchError, engine};
use crate::schema::{Fields, term};
use crate::weight;

/// One analysed query word.
#[derive(Debug)]
pub(crate) struct QWord {
    pub(crate) text: String,
    /// Documents whose names contain the word.
    pub(crate) name_df: u32,
    /// The word is a name word, or found in a few texts: likely meant as typed.
    pub(crate) known: bool,
    /// The word is in no name and no text: the query cannot match it as typed.
    pub(crate) nowhere: bool,
    /// Name terms within the allowed edit distance, with their distance.
    pub(crate) fuzzy: Vec<(String, u8)>,
    /// Document frequency of each fuzzy term.
    pub(crate) fuzzy_df: Vec<u32>,
}

/// Fuzzy expansion of a word (cached per index).
#[derive(Debug)]
pub(crate) struct Expansion {
    name_df: u32,
    known: bool,
    nowhere: bool,
    terms: Vec<(String, u8, u32)>,
}

/// Fuzzy expansions of words, per index.
pub(crate) type FuzzyCache = Mutex<HashMap<String, Arc<Expansion>>>;

/// A word found in one summary or body per this many documents (at least
/// one), or in a name, is "known": probably meant as typed, so its fuzzy
/// matches weigh less and reach distance 1 only.
const KNOWN_TEXT_PER_DOCS: u64 = 20_000;

/// Words whose fuzzy expansion is kept; the cache is emptied when full.
const FUZZY_CACHE_ENTRIES: usize = 16_384;

/// Query words with their fuzzy expansions in the name field.
pub(crate) fn query_words(
    searcher: &Searcher,
    fields: &Fields,
    fuzzy_cache: &FuzzyCache,
    whole: &[&str],
) -> Result<Vec<QWord>, SearchError> {
    let mut out: Vec<QWord> = Vec::with_capacity(whole.len());
    for &w in whole {
        if out.iter().any(|q| q.text == w) {
            continue;
        }
        let e = expansion(searcher, fields, fuzzy_cache, w)?;
        out.push(QWord {
            text: w.to_string(),
            name_df: e.name_df,
            known: e.known,
            nowhere: e.nowhere,
            fuzzy: e.terms.iter().map(|(t, d, _)| (t.clone(), *d)).collect(),
            fuzzy_df: e.terms.iter().map(|(_, _, df)| *df).collect(),
        });
    }
    Ok(out)
}

/// The fuzzy expansion of `word`, from the cache or computed.
fn expansion(
    searcher: &Searcher,
    fields: &Fields,
    fuzzy_cache: &FuzzyCache,
    word: &str,
) -> Result<Arc<Expansion>, SearchError> {
    let cache = |c: &Mutex<HashMap<String, Arc<Expansion>>>| {
        c.lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(word)
            .cloned()
    };
    if let Some(e) = cache(fuzzy_cache) {
        return Ok(e);
    }
    let e = Arc::new(fuzzy_terms(searcher, fields, word)?);
    let mut c = fuzzy_cache.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() >= FUZZY_CACHE_ENTRIES {
        c.clear();
    }
    c.insert(word.to_string(), Arc::clone(&e));
    Ok(e)
}

/// Name terms within edit distance 1 of `word` (4 characters or more),
/// or 2 when it has 8 characters or more and is not itself a name word;
/// closest then most frequent first, the word itself excluded.
fn fuzzy_terms(searcher: &Searcher, fields: &Fields, word: &str) -> Result<Expansion, SearchError> {
    let df = |field: Field| -> Result<u32, SearchError> {
        let n = searcher.doc_freq(&term(field, word)).map_err(engine)?;
        Ok(n.min(u64::from(u32::MAX)) as u32)
    };
    let name_df = df(fields.name)?;
    let in_texts = df(fields.summary)?.saturating_add(df(fields.body)?);
    let known = name_df > 0 || in_texts >= known_text_docs(searcher);
    let nowhere = name_df == 0 && in_texts == 0;
    let chars = word.chars().count();
    let distance: u8 = match (chars, known) {
        (0..=3, _) => {
            return Ok(Expansion {
                name_df,
                known,
                nowhere,
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
    let fq = FuzzyTermQuery::new(term(fields.name, word), distance, true);
    let dfa = fq.automaton().map_err(engine)?;
    let mut found: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(fields.name).map_err(engine)?;
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
        nowhere,
        terms,
    })
}

fn known_text_docs(searcher: &Searcher) -> u32 {
    (searcher.num_docs() / KNOWN_TEXT_PER_DOCS).clamp(1, u64::from(u32::MAX)) as u32
}

/// The query as the typo tolerance read it, when one of its words is
/// found nowhere as typed and has a fuzzy alternative: each such word
/// replaced by its closest (then most frequent) alternative, the others
/// as analysed. `None` when every word is found as typed.
pub(crate) fn correction(whole: &[&str], words: &[QWord]) -> Option<String> {
    let mut changed = false;
    let fixed: Vec<&str> = whole
        .iter()
        .map(|&w| match words.iter().find(|q| q.text == w) {
            Some(q) if q.nowhere && !q.fuzzy.is_empty() => {
                changed = true;
                q.fuzzy[0].0.as_str()
            }
            _ => w,
        })
        .collect();
    changed.then(|| fixed.join(" "))
}

/// Extra query words for misplaced spaces, added to the CamelCase
/// `parts`: an unknown word (found in no name and, in a large index, in
/// next to no text) that splits into two name words
/// ("frenchfries"), two neighbours that join into a name word
/// ("afro asiatic"), or that split elsewhere into two name words
/// ("houseo f" → "house of"). Only the first 12 words are looked at.
pub(crate) fn respace(
    searcher: &Searcher,
    name: Field,
    whole: &[&str],
    words: &[QWord],
    mut parts: Vec<String>,
) -> Result<Vec<String>, SearchError> {
    // A word found as typed (a name word, or in texts) is meant as typed,
    // not two words run together: "generally" is not "gene rally".
    let unknown = |w: &str| words.iter().any(|q| q.text == w && !q.known);
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
            && let Some((a, b)) = word_break(searcher, name, w)?
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
        let df = searcher.doc_freq(&term(name, &joined)).map_err(engine)?;
        if df > 0 {
            add(joined, &mut parts);
        } else if (unknown(pair[0]) || unknown(pair[1]))
            && let Some((a, b)) = word_break(searcher, name, &joined)?
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
fn word_break(
    searcher: &Searcher,
    name: Field,
    word: &str,
) -> Result<Option<(String, String)>, SearchError> {
    let chars = word.chars().count();
    if !(5..=40).contains(&chars) {
        return Ok(None);
    }
    let df =
        |t: &str| -> Result<u64, SearchError> { searcher.doc_freq(&term(name, t)).map_err(engine) };
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

/// Whether name term `t` is query word `w` with another ending (plural,
/// inflection: `astronomers`/`astronomer`, `allotrope`/`allotropy`): they
/// share all but the last character of the shorter, and at least 4.
pub(crate) fn is_variant(w: &str, t: &str) -> bool {
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
}
