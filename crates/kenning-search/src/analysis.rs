//! Text analysis: the one tokenizer used for indexing, queries, exact-match
//! keys and snippets, so the four always agree.
//!
//! Words are maximal runs of alphanumeric characters (Unicode), lower-cased
//! and folded to ASCII where a folding exists (`Ærø` → `aero`, `straße` →
//! `strasse`); combining marks inside a word are dropped (`e\u{301}` → `e`).
//! Everything else separates words. Three small additions:
//!
//! - CJK ideographs, kana and hangul syllables are one word each (there are
//!   no spaces to split on; single characters are the language-neutral unit);
//! - a word written in CamelCase also yields its parts at the same position
//!   (`AfghanistanHistory` → `afghanistanhistory`, `afghanistan`, `history`),
//!   so old CamelCase redirects and run-together words still match;
//! - a trailing `+`/`++`/`#` after a letter stays in the word (`C++`, `C#`,
//!   `F#`), so those names do not collapse into one-letter words.
//!
//! No stemming and no stop words: the index is language-neutral.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Name under which the analyzer is registered in the index.
pub(crate) const ANALYZER_NAME: &str = "kenning";

/// Words of this many bytes or more (after folding) are dropped.
pub(crate) const MAX_WORD_BYTES: usize = 80;

/// The analyzer: [`WordTokenizer`] → lower case → ASCII folding → drop long words.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .build()
}

/// One analysed word with its byte range in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Normalised text (lower case, folded).
    pub(crate) text: String,
    /// Byte range in the analysed text.
    pub(crate) from: usize,
    pub(crate) to: usize,
    /// A CamelCase part of the previous whole word (same position).
    pub(crate) part: bool,
}

/// Runs the analyzer over `text`.
pub(crate) fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for_each_word(analyzer, text, |word, from, to, part| {
        out.push(Word {
            text: word.to_owned(),
            from,
            to,
            part,
        });
        true
    });
    out
}

/// Runs the analyzer over `text`, calling `f(normalised word, from, to,
/// part)` for each word (nothing is allocated per word) until it returns
/// false.
pub(crate) fn for_each_word(
    analyzer: &mut TextAnalyzer,
    text: &str,
    mut f: impl FnMut(&str, usize, usize, bool) -> bool,
) {
    let mut stream = analyzer.token_stream(text);
    let mut last_position = usize::MAX;
    while stream.advance() {
        let t = stream.token();
        let part = t.position == last_position;
        last_position = t.position;
        if !f(&t.text, t.offset_from, t.offset_to, part) {
            return;
        }
    }
}

/// The words of `text` as [`for_each_word`] finds them, in the same order
/// with the same ranges, found faster, except that a word of `n` bytes may
/// be skipped when bit `min(n, 127)` of `lengths` is clear (pass
/// `u128::MAX` for every word). Text between ASCII whitespace that is plain
/// ASCII (no `+`, `#` or CamelCase) is split and lower-cased by one byte
/// loop; anything else goes through the analyzer. For scanning stored
/// texts at query time (snippets), where the analyzer's per-word work
/// dominated.
///
/// Splitting at ASCII whitespace changes nothing: no word, CamelCase part
/// or `C++` suffix spans whitespace, and the suffix rule only asks whether
/// an alphanumeric character follows.
pub(crate) fn for_each_word_fast(
    analyzer: &mut TextAnalyzer,
    text: &str,
    lengths: u128,
    mut f: impl FnMut(&str, usize, usize, bool) -> bool,
) {
    let b = text.as_bytes();
    let mut lower = String::new();
    // Words of the current chunk, reported once the chunk is known plain.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let chunk = at;
        let mut plain = true;
        let mut prev_lower = false;
        let mut word_from = usize::MAX;
        pending.clear();
        while at < b.len() {
            let c = b[at];
            match BYTE_CLASS[c as usize] {
                SPACE => break,
                LOWER | OTHER_ALNUM => {
                    if c.is_ascii_uppercase() && prev_lower {
                        plain = false;
                    }
                    prev_lower = c.is_ascii_lowercase();
                    if word_from == usize::MAX {
                        word_from = at;
                    }
                }
                SPECIAL => {
                    plain = false;
                    prev_lower = false;
                    if word_from != usize::MAX {
                        pending.push((word_from, at));
                        word_from = usize::MAX;
                    }
                }
                _ => {
                    prev_lower = false;
                    if word_from != usize::MAX {
                        pending.push((word_from, at));
                        word_from = usize::MAX;
                    }
                }
            }
            at += 1;
        }
        if word_from != usize::MAX {
            pending.push((word_from, at));
        }
        if plain {
            for &(from, to) in &pending {
                let n = to - from;
                if n >= MAX_WORD_BYTES || lengths & (1u128 << n.min(127)) == 0 {
                    continue;
                }
                lower.clear();
                lower.push_str(&text[from..to]);
                lower.make_ascii_lowercase();
                if !f(&lower, from, to, false) {
                    return;
                }
            }
        } else {
            let mut go_on = true;
            for_each_word(analyzer, &text[chunk..at], |w, from, to, part| {
                go_on = f(w, chunk + from, chunk + to, part);
                go_on
            });
            if !go_on {
                return;
            }
        }
        // Skip the whitespace run.
        while at < b.len() && BYTE_CLASS[b[at] as usize] == SPACE {
            at += 1;
        }
    }
}

/// Byte classes of [`for_each_word_fast`].
const SPACE: u8 = 0;
const LOWER: u8 = 1;
const OTHER_ALNUM: u8 = 2;
const SEPARATOR: u8 = 3;
/// `+`, `#` and every non-ASCII byte: the chunk goes to the analyzer.
const SPECIAL: u8 = 4;

const BYTE_CLASS: [u8; 256] = {
    let mut t = [SPECIAL; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_whitespace() {
            SPACE
        } else if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_alphanumeric() {
            OTHER_ALNUM
        } else if b == b'+' || b == b'#' {
            SPECIAL
        } else {
            SEPARATOR
        };
        c += 1;
    }
    t
};

/// The exact-match key of a name or query: its whole words joined by one
/// space (case, diacritics and punctuation ignored), cut to a bounded length.
pub(crate) fn exact_key(words: &[Word]) -> String {
    const MAX_KEY_BYTES: usize = 240;
    let mut key = String::new();
    for w in words.iter().filter(|w| !w.part) {
        if key.len() + w.text.len() + 1 > MAX_KEY_BYTES {
            break;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&w.text);
    }
    key
}

/// `s` cut to at most `max` bytes at a character boundary (a query before
/// it is analysed, a text before it is stored for snippets).
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// Splits text into words; see the module documentation.
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    token: Token,
    /// Byte loops for ASCII text (off only to test them against the
    /// general path).
    ascii_fast_path: bool,
}

impl Default for WordTokenizer {
    fn default() -> Self {
        WordTokenizer {
            token: Token::default(),
            ascii_fast_path: true,
        }
    }
}

pub(crate) struct WordStream<'a> {
    text: &'a str,
    cursor: usize,
    token: &'a mut Token,
    /// CamelCase parts of the last whole word still to emit.
    parts: Vec<(usize, usize)>,
    next_part: usize,
    ascii_fast_path: bool,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            cursor: 0,
            token: &mut self.token,
            parts: Vec::new(),
            next_part: 0,
            ascii_fast_path: self.ascii_fast_path,
        }
    }
}

/// Ideographs, kana and hangul: one word per character.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xAC00..=0xD7AF     // hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B–G
}

/// Combining marks that may sit inside a word; dropped from its text.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_cjk(c)) || is_mark(c)
}

impl WordStream<'_> {
    fn emit(&mut self, from: usize, to: usize, new_position: bool) {
        self.token.text.clear();
        let word = &self.text[from..to];
        if word.is_ascii() {
            self.token.text.push_str(word);
        } else {
            self.token
                .text
                .extend(word.chars().filter(|&c| !is_mark(c)));
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        if new_position {
            self.token.position = self.token.position.wrapping_add(1);
        }
    }

    /// CamelCase boundaries of `text[from..to]`: a lower-case letter followed
    /// by an upper-case one. Fills `self.parts` when there are two or more parts.
    fn split_camel(&mut self, from: usize, to: usize) {
        self.parts.clear();
        self.next_part = 0;
        let mut start = from;
        let mut prev_lower = false;
        for (i, c) in self.text[from..to].char_indices() {
            if is_mark(c) {
                continue;
            }
            if prev_lower && c.is_uppercase() {
                self.parts.push((start, from + i));
                start = from + i;
            }
            prev_lower = c.is_lowercase();
        }
        if self.parts.is_empty() {
            return;
        }
        self.parts.push((start, to));
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next_part < self.parts.len() {
            let (from, to) = self.parts[self.next_part];
            self.next_part += 1;
            self.emit(from, to, false);
            return true;
        }
        let bytes = self.text.len();
        // ASCII fast path: skip spaces and punctuation byte by byte.
        let b = self.text.as_bytes();
        while self.cursor < bytes
            && b[self.cursor] < 0x80
            && !b[self.cursor].is_ascii_alphanumeric()
        {
            self.cursor += 1;
        }
        let mut iter = self.text[self.cursor..].char_indices();
        // Skip to the first alphanumeric character.
        let (start, first) = loop {
            match iter.next() {
                None => {
                    self.cursor = bytes;
                    return false;
                }
                Some((i, c)) if c.is_alphanumeric() => break (self.cursor + i, c),
                Some(_) => {}
            }
        };
        if is_cjk(first) {
            let end = start + first.len_utf8();
            self.cursor = end;
            self.parts.clear();
            self.emit(start, end, true);
            return true;
        }
        let mut end = bytes;
        let mut last = first;
        // ASCII fast path: a run of ASCII letters and digits that ends at
        // the text's end or at an ASCII byte is a whole word.
        let mut j = start + first.len_utf8();
        if first.is_ascii() {
            while j < bytes && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
        }
        if self.ascii_fast_path && first.is_ascii() && (j == bytes || b[j] < 0x80) {
            end = j;
            last = char::from(b[j - 1]);
        } else {
            for (i, c) in iter {
                if !is_word_char(c) {
                    end = self.cursor + i;
                    break;
                }
                last = c;
            }
        }
        // `C++`, `C#`: keep a short run of '+' or one '#' after a letter when
        // nothing alphanumeric follows.
        if last.is_alphabetic() {
            let rest = &self.text[end..];
            let keep = if rest.starts_with("++") {
                2
            } else if rest.starts_with('+') || rest.starts_with('#') {
                1
            } else {
                0
            };
            if keep > 0
                && !rest[keep..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                end += keep;
            }
        }
        self.cursor = end;
        self.split_camel(start, end);
        self.emit(start, end, true);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "é".repeat(300);
        let t = truncate(&s, crate::MAX_QUERY_BYTES);
        assert!(t.len() <= crate::MAX_QUERY_BYTES && t.len().is_multiple_of(2));
        assert_eq!(truncate("abc", 10), "abc");
    }

    proptest! {
        /// The ASCII byte loops find exactly the words the general path finds.
        #[test]
        fn ascii_fast_path_changes_nothing(text in "([a-zA-Z0-9 .,+#'-]|é|ü|\\u{0301}|中|Ω){0,60}") {
            let mut slow = TextAnalyzer::builder(WordTokenizer { token: Token::default(), ascii_fast_path: false })
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
                .build();
            prop_assert_eq!(words(&mut analyzer(), &text), words(&mut slow, &text));
        }
    }

    fn scanned(text: &str, fast: bool) -> Vec<(String, usize, usize, bool)> {
        let mut out = Vec::new();
        let push = |w: &str, from, to, part| {
            out.push((w.to_owned(), from, to, part));
            true
        };
        if fast {
            for_each_word_fast(&mut analyzer(), text, u128::MAX, push);
        } else {
            for_each_word(&mut analyzer(), text, push);
        }
        out
    }

    proptest! {
        /// The fast scanner finds exactly the analyzer's words, ranges and parts.
        #[test]
        fn fast_scan_changes_nothing(text in "([a-zA-Z0-9 .,+#'\n\t-]|é|ü|\\u{0301}|中|Ω|–){0,80}") {
            prop_assert_eq!(scanned(&text, true), scanned(&text, false));
        }
    }

    #[test]
    fn fast_scan_on_mixed_text() {
        for text in [
            "AfghanistanHistory and C++ or C# in Zürich, the B-52's X+Y",
            "  leading  and\ttrailing\n ",
            "ÆRØ straße e\u{301}tude 中文 naïve",
            &"a".repeat(79),
            &format!("{} b", "a".repeat(80)),
            "",
        ] {
            assert_eq!(scanned(text, true), scanned(text, false), "{text:?}");
        }
    }

    #[test]
    fn fast_scan_skips_only_unwanted_lengths() {
        let text = "one three seven elevenwords Zürich";
        let mut got = Vec::new();
        for_each_word_fast(&mut analyzer(), text, 1 << 5, |w, _, _, _| {
            got.push(w.to_owned());
            true
        });
        // Five-byte words, and the analyzer's words (non-ASCII chunk) all.
        assert_eq!(got, ["three", "seven", "zurich"]);
    }

    fn texts(s: &str) -> Vec<(String, bool)> {
        let mut a = analyzer();
        words(&mut a, s)
            .into_iter()
            .map(|w| (w.text, w.part))
            .collect()
    }

    fn plain(s: &str) -> Vec<String> {
        texts(s).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn lower_cases_folds_and_splits_on_punctuation() {
        assert_eq!(plain("Hello, World!"), ["hello", "world"]);
        assert_eq!(plain("Ærøskøbing — Straße"), ["aeroskobing", "strasse"]);
        assert_eq!(plain("Áedán mac Gabráin"), ["aedan", "mac", "gabrain"]);
        assert_eq!(plain("Cafe\u{301} au lait"), ["cafe", "au", "lait"]);
        assert_eq!(plain("Союз Советских"), ["союз", "советских"]);
        assert_eq!(plain("1939–1945"), ["1939", "1945"]);
        assert_eq!(plain("  ...  "), Vec::<String>::new());
    }

    #[test]
    fn camel_case_yields_parts_at_the_same_position() {
        assert_eq!(
            texts("AfghanistanHistory x"),
            [
                ("afghanistanhistory".to_string(), false),
                ("afghanistan".to_string(), true),
                ("history".to_string(), true),
                ("x".to_string(), false)
            ]
        );
        assert_eq!(plain("USSR"), ["ussr"]);
    }

    #[test]
    fn keeps_plus_and_sharp_after_letters() {
        assert_eq!(plain("C++ and C# or F#."), ["c++", "and", "c#", "or", "f#"]);
        assert_eq!(plain("a+b 1+1"), ["a", "b", "1", "1"]);
    }

    #[test]
    fn cjk_is_one_word_per_character() {
        assert_eq!(plain("東京都 Tokyo"), ["東", "京", "都", "tokyo"]);
    }

    #[test]
    fn offsets_point_into_the_source() {
        let mut a = analyzer();
        let s = "Foo, Ærø bar";
        for w in words(&mut a, s) {
            assert!(s.is_char_boundary(w.from) && s.is_char_boundary(w.to));
        }
        let w = words(&mut a, s);
        assert_eq!(&s[w[1].from..w[1].to], "Ærø");
    }

    #[test]
    fn exact_key_ignores_case_accents_punctuation_and_parts() {
        let mut a = analyzer();
        let k1 = exact_key(&words(&mut a, "Foreign relations of the Soviet Union"));
        let k2 = exact_key(&words(&mut a, "  foreign RELATIONS of the soviet-union!"));
        assert_eq!(k1, k2);
        assert_eq!(exact_key(&words(&mut a, "ÉcoleNormale")), "ecolenormale");
    }
}
