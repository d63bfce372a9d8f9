//! Plain-text snippets around the matched words, with highlight ranges.

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis;

/// Longest excerpt taken from the source text, in bytes (ellipses excluded).
pub(crate) const SNIPPET_BYTES: usize = 200;

/// Most matches considered when choosing the window (bounds the work on
/// long texts full of one common word).
const MAX_MATCHES: usize = 400;

/// A snippet: plain text with whitespace collapsed, and the byte ranges of
/// the matched words in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Snippet {
    pub(crate) text: String,
    pub(crate) highlights: Vec<(usize, usize)>,
}

/// A matched word of a text: its byte range and the query word it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) query_word: usize,
}

/// Bytes read past a text's first match, at most: a window holding more of
/// the query's words further on is given up (a lead names its topic early,
/// and a summary is mostly scanned in full otherwise, for a word it lacks).
const SCAN_PAST_FIRST_MATCH: usize = 4 * SNIPPET_BYTES;

/// The words of `text` that `query_word` matches (it gives the index of the
/// query word a text word matches, if any: below `whole_words` for the
/// query's words, above for their CamelCase parts and re-spacings), in
/// order, at most [`MAX_MATCHES`]. Words whose byte length has no bit in
/// `lengths` (bit `min(n, 127)` for `n` bytes) are known not to match and
/// may be skipped unasked. Scans the text once without keeping its words,
/// and stops a window's length after the point where every query word has
/// been seen (the window [`make`] would choose is then complete: it prefers
/// the most distinct words, then the earliest), and at the latest
/// [`SCAN_PAST_FIRST_MATCH`] bytes after the first match.
pub(crate) fn matches(
    analyzer: &mut TextAnalyzer,
    text: &str,
    whole_words: usize,
    lengths: u128,
    query_word: impl Fn(&str) -> Option<usize>,
) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    let mut seen: Vec<bool> = vec![false; whole_words];
    let mut missing = whole_words;
    let mut stop_after = usize::MAX;
    analysis::for_each_word_fast(analyzer, text, lengths, |word, from, to, _part| {
        if from > stop_after {
            return false;
        }
        if let Some(q) = query_word(word) {
            if out.is_empty() {
                stop_after = to + SCAN_PAST_FIRST_MATCH;
            }
            out.push(Match {
                from,
                to,
                query_word: q,
            });
            if let Some(s) = seen.get_mut(q)
                && !*s
            {
                *s = true;
                missing -= 1;
                if missing == 0 {
                    stop_after = stop_after.min(to + SNIPPET_BYTES);
                }
            }
        }
        out.len() < MAX_MATCHES
    });
    out
}

/// Builds the snippet of `text` around `matches` (as [`matches`] finds
/// them; parts and the whole word they belong to may both match, ranges are
/// merged). The window holds as many distinct query words as possible; with
/// no match, the snippet is the start of the text and has no highlights.
/// Returns `None` when nothing matches and `lead_if_none` is false.
pub(crate) fn make(text: &str, matches: &[Match], lead_if_none: bool) -> Option<Snippet> {
    if matches.is_empty() {
        if !lead_if_none {
            return None;
        }
        let end = cut_end(text, 0, SNIPPET_BYTES);
        return Some(render(text, 0, end, &[]));
    }
    // Best window: most distinct query words, then most matches, earliest.
    let mut best = (0usize, 0usize, 0usize, 0usize); // (distinct, count, i, j)
    let mut seen: Vec<usize> = Vec::new();
    for i in 0..matches.len() {
        seen.clear();
        let start = matches[i].from;
        let mut j = i;
        while j < matches.len() && matches[j].to - start <= SNIPPET_BYTES {
            if !seen.contains(&matches[j].query_word) {
                seen.push(matches[j].query_word);
            }
            j += 1;
        }
        let j = j.max(i + 1); // a single word longer than the window
        let score = (seen.len(), j - i);
        if score > (best.0, best.1) {
            best = (score.0, score.1, i, j);
        }
    }
    let (_, _, i, j) = best;
    let first = matches[i].from;
    let last = matches[j - 1].to;
    // Spend about a third of the slack on context before the first match.
    let slack = SNIPPET_BYTES.saturating_sub(last - first);
    let start = word_start_at_or_after(text, first.saturating_sub(slack / 3)).min(first);
    let end = cut_end(text, start, SNIPPET_BYTES).max(last.min(text.len()));
    let ranges: Vec<(usize, usize)> = matches[i..j]
        .iter()
        .map(|m| (m.from, m.to))
        .filter(|&(f, t)| f >= start && t <= end)
        .collect();
    Some(render(text, start, end, &ranges))
}

/// The first position at or after `at` where a word starts (an
/// alphanumeric character not preceded by one), or `text.len()`.
fn word_start_at_or_after(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    let mut previous_alnum = text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    for (k, c) in text[at..].char_indices() {
        let alnum = c.is_alphanumeric();
        if alnum && !previous_alnum {
            return at + k;
        }
        previous_alnum = alnum;
    }
    text.len()
}

/// End of an excerpt starting at `start` of at most `max` bytes, cut after
/// a whole word when the text goes on.
fn cut_end(text: &str, start: usize, max: usize) -> usize {
    if text.len() - start <= max {
        return text.len();
    }
    let mut end = start + max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Back up to the last non-alphanumeric boundary, unless that loses too much.
    let slice = &text[start..end];
    match slice.rfind(|c: char| !c.is_alphanumeric()) {
        Some(k) if k > max / 2 => start + k,
        _ => end,
    }
}

/// Renders `text[start..end]` with whitespace runs collapsed to one space,
/// trimmed, with `…` where the text was cut, mapping `ranges` (sorted
/// source byte ranges) to snippet byte ranges (merged when they overlap).
fn render(text: &str, start: usize, end: usize, ranges: &[(usize, usize)]) -> Snippet {
    let mut ranges: Vec<(usize, usize)> = ranges.to_vec();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (f, t) in ranges {
        match merged.last_mut() {
            Some(last) if f <= last.1 => last.1 = last.1.max(t),
            _ => merged.push((f, t)),
        }
    }
    let mut out = String::with_capacity(end - start + 8);
    if start > 0 {
        out.push('…');
    }
    let mut highlights = Vec::with_capacity(merged.len());
    let mut next = 0; // next range in `merged`
    let mut open: Option<usize> = None;
    let mut pending_space = false;
    for (k, c) in text[start..end].char_indices() {
        let pos = start + k;
        if let Some(s) = open
            && pos >= merged[next].1
        {
            highlights.push((s, out.len()));
            open = None;
            next += 1;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            if !out.is_empty() && !out.ends_with('…') {
                out.push(' ');
            }
            pending_space = false;
        }
        if open.is_none() && next < merged.len() && pos == merged[next].0 {
            open = Some(out.len());
        }
        out.push(c);
    }
    if let Some(s) = open {
        highlights.push((s, out.len()));
    }
    if end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyzer;

    fn snip(text: &str, q: &[&str]) -> Option<Snippet> {
        let mut a = analyzer();
        let found = matches(&mut a, text, q.len(), u128::MAX, |w| {
            q.iter().position(|x| *x == w)
        });
        make(text, &found, true)
    }

    #[test]
    fn scanning_stops_once_every_word_is_in_a_window() {
        let text = format!("alpha beta {} alpha beta", "x ".repeat(2000));
        let mut a = analyzer();
        let q = ["alpha", "beta"];
        let found = matches(&mut a, &text, 2, u128::MAX, |w| {
            q.iter().position(|x| *x == w)
        });
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn scanning_stops_some_way_past_the_first_match() {
        // "zzz" is never seen: the scan still ends SCAN_PAST_FIRST_MATCH
        // bytes after the first match, keeping what it found until then.
        let text = format!(
            "alpha beta {} alpha {} beta",
            "x ".repeat(100),
            "x ".repeat(2000)
        );
        let mut a = analyzer();
        let q = ["alpha", "beta", "zzz"];
        let found = matches(&mut a, &text, 3, u128::MAX, |w| {
            q.iter().position(|x| *x == w)
        });
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[2].from < SCAN_PAST_FIRST_MATCH);
        // Parts (indices from `whole_words` on) are never waited for.
        let text = format!("alpha beta {} alpha beta", "x ".repeat(2000));
        let q = ["alpha", "beta", "alphabeta"];
        let found = matches(&mut a, &text, 2, u128::MAX, |w| {
            q.iter().position(|x| *x == w)
        });
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn a_window_starts_at_a_word() {
        assert_eq!(word_start_at_or_after("alpha beta", 2), 6);
        assert_eq!(word_start_at_or_after("alpha beta", 5), 6);
        assert_eq!(word_start_at_or_after("alpha beta", 6), 6);
        assert_eq!(word_start_at_or_after("alpha beta", 0), 0);
        assert_eq!(word_start_at_or_after("ÆØÅ ÆØÅ", 1), 7);
        assert_eq!(word_start_at_or_after("ab", 1), 2);
    }

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|&(f, t)| &s.text[f..t]).collect()
    }

    #[test]
    fn highlights_matched_words_and_collapses_whitespace() {
        let s = snip("The  Soviet\nUnion was a state.", &["soviet", "union"]).unwrap();
        assert_eq!(s.text, "The Soviet Union was a state.");
        assert_eq!(marked(&s), ["Soviet", "Union"]);
    }

    #[test]
    fn long_text_is_cut_around_the_matches() {
        let text = format!(
            "{} Moscow is the capital. {}",
            "word ".repeat(100),
            "tail ".repeat(100)
        );
        let s = snip(&text, &["moscow", "capital"]).unwrap();
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert!(s.text.len() <= SNIPPET_BYTES + 6);
        assert_eq!(marked(&s), ["Moscow", "capital"]);
    }

    #[test]
    fn prefers_the_window_with_most_distinct_words() {
        let text = format!(
            "alpha {} alpha beta gamma here {}",
            "x ".repeat(150),
            "y ".repeat(150)
        );
        let s = snip(&text, &["alpha", "beta", "gamma"]).unwrap();
        assert_eq!(marked(&s), ["alpha", "beta", "gamma"]);
    }

    #[test]
    fn no_match_gives_the_lead() {
        let s = snip(&"lorem ipsum ".repeat(40), &["zzz"]).unwrap();
        assert!(s.text.starts_with("lorem ipsum"));
        assert!(s.highlights.is_empty());
        assert!(s.text.len() <= SNIPPET_BYTES + 3);
    }

    #[test]
    fn multibyte_text_cuts_on_char_boundaries() {
        let text = "ÆØÅ ".repeat(200);
        let s = snip(&text, &["aeoa"]).unwrap();
        assert!(!s.highlights.is_empty());
        for (f, t) in &s.highlights {
            assert_eq!(&s.text[*f..*t], "ÆØÅ");
        }
    }
}
