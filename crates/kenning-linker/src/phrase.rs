//! Tokens and phrase keys: the one definition of "the same phrase" that
//! build time and query time share.
//!
//! A token is a maximal run of alphanumeric characters; everything else
//! (spaces, punctuation, symbols) separates tokens. A phrase key is a
//! 64-bit hash of the sequence of its lower-cased tokens (each token hashed
//! on its own, then combined in order), so "Alan Turing", "alan  turing"
//! and "Alan-Turing" are the same phrase.

/// Phrases longer than this many tokens are not kept or spotted.
pub const MAX_PHRASE_TOKENS: usize = 8;

/// One token: a byte range of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// The tokens of a text, in order.
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// Tokens of `text`.
    pub fn new(text: &'a str) -> Self {
        Tokens { text, pos: 0 }
    }
}

/// ASCII letters and digits, by byte.
static ASCII_ALNUM: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

impl Tokens<'_> {
    /// The next token and, when `HASH`, its [`token_hash`] (else 0).
    #[inline]
    fn advance<const HASH: bool>(&mut self) -> Option<(Token, u64)> {
        let bytes = self.text.as_bytes();
        // Skip separators; ASCII fast path, chars otherwise.
        let mut i = self.pos;
        let start = loop {
            let &b = bytes.get(i)?;
            if b < 0x80 {
                if ASCII_ALNUM[usize::from(b)] {
                    break i;
                }
                i += 1;
            } else {
                let c = self.text[i..].chars().next().unwrap_or(' ');
                if c.is_alphanumeric() {
                    break i;
                }
                i += c.len_utf8();
            }
        };
        let mut end = start;
        let mut ascii = true;
        while let Some(&b) = bytes.get(end) {
            if b < 0x80 {
                if !ASCII_ALNUM[usize::from(b)] {
                    break;
                }
                end += 1;
            } else {
                let c = self.text[end..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    break;
                }
                ascii = false;
                end += c.len_utf8();
            }
        }
        self.pos = end;
        let hash = match (HASH, ascii) {
            (false, _) => 0,
            (true, true) => ascii_alnum_hash(&bytes[start..end]),
            (true, false) => token_hash_unicode(&self.text[start..end]),
        };
        Some((Token { start, end }, hash))
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.advance::<false>().map(|(t, _)| t)
    }
}

/// The [`token_hash`] of every token of `text`, in order, appended to
/// `out`: one pass over the bytes.
pub(crate) fn token_hashes(text: &str, out: &mut Vec<u64>) {
    let mut tokens = Tokens::new(text);
    while let Some((_, hash)) = tokens.advance::<true>() {
        out.push(hash);
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The hash of one token: of its lower-cased UTF-8 bytes, eight at a time.
#[inline]
pub(crate) fn token_hash(token: &str) -> u64 {
    if token
        .bytes()
        .all(|b| b < 0x80 && ASCII_ALNUM[usize::from(b)])
    {
        ascii_alnum_hash(token.as_bytes())
    } else {
        token_hash_unicode(token)
    }
}

/// [`token_hash`] of ASCII letters and digits: lower-casing is one OR per
/// eight bytes (for these bytes, upper case is exactly "0x40 set, 0x20
/// clear").
#[inline]
fn ascii_alnum_hash(bytes: &[u8]) -> u64 {
    hash_words::<true>(bytes)
}

/// [`token_hash`] of any other token: the same hash of its lower-cased
/// bytes, through a buffer.
#[cold]
fn token_hash_unicode(token: &str) -> u64 {
    hash_words::<false>(token.to_lowercase().as_bytes())
}

/// The hash of `bytes` taken eight at a time (the last word padded with
/// zeros), each word lower-cased first when `LOWER_ASCII_ALNUM` (only
/// right for ASCII letters and digits; a no-op on lower-case ones).
#[inline]
fn hash_words<const LOWER_ASCII_ALNUM: bool>(bytes: &[u8]) -> u64 {
    const LOWER: u64 = 0x4040_4040_4040_4040;
    let mut h = FNV_OFFSET ^ bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        let mut w = u64::from_le_bytes(w);
        if LOWER_ASCII_ALNUM {
            w |= (w & LOWER) >> 1;
        }
        h = (h ^ w).wrapping_mul(GOLDEN);
    }
    h ^ (h >> 32)
}

/// Builds a phrase key one token at a time, from the tokens' hashes: an
/// n-gram extends its prefix's state with one multiply, so spotting every
/// n-gram of a text hashes each token's bytes once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PhraseHasher {
    state: u64,
    tokens: usize,
}

impl PhraseHasher {
    pub(crate) fn new() -> Self {
        PhraseHasher {
            state: 0,
            tokens: 0,
        }
    }

    /// Appends one token by its [`token_hash`].
    #[inline]
    pub(crate) fn push_hash(&mut self, token: u64) {
        // Order matters ("a b" is not "b a"): the state so far is
        // multiplied and rotated before the next token is mixed in.
        self.state = self.state.wrapping_mul(GOLDEN).rotate_left(29) ^ token;
        self.tokens += 1;
    }

    /// Appends one token (its text as written; it is lower-cased here).
    pub(crate) fn push(&mut self, token: &str) {
        self.push_hash(token_hash(token));
    }

    pub(crate) fn tokens(&self) -> usize {
        self.tokens
    }

    /// The key of the phrase so far: never 0 or `u64::MAX` (the
    /// dictionary uses them for "no prefix" and "empty slot").
    #[inline]
    pub(crate) fn key(&self) -> u64 {
        let mut z = self
            .state
            .wrapping_add((self.tokens as u64).wrapping_mul(GOLDEN));
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        z.clamp(1, u64::MAX - 1)
    }
}

/// A phrase's key and the keys of its proper prefixes (for spotting,
/// which extends a match only while some phrase continues it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhraseKey {
    /// The phrase's key.
    pub key: u64,
    /// Keys of the first 1, 2, … `tokens − 1` tokens.
    pub prefixes: Vec<u64>,
}

/// The key of `text` as a phrase; `None` when it has no tokens or more
/// than [`MAX_PHRASE_TOKENS`].
pub fn phrase_key(text: &str) -> Option<PhraseKey> {
    let mut hasher = PhraseHasher::new();
    let mut prefixes = Vec::new();
    for token in Tokens::new(text) {
        if hasher.tokens() > 0 {
            prefixes.push(hasher.key());
        }
        if hasher.tokens() == MAX_PHRASE_TOKENS {
            return None;
        }
        hasher.push(&text[token.start..token.end]);
    }
    (hasher.tokens() > 0).then(|| PhraseKey {
        key: hasher.key(),
        prefixes,
    })
}

/// Calls `found(first token, last token + 1, key, entry)` for every n-gram of
/// the tokens (given by their [`token_hash`]es) that `lookup` says is a
/// phrase, extending each start only while `lookup` says some phrase
/// continues.
pub(crate) fn for_each_ngram<T>(
    hashes: &[u64],
    mut lookup: impl FnMut(u64) -> (Option<T>, bool),
    mut found: impl FnMut(usize, usize, u64, T),
) {
    for i in 0..hashes.len() {
        let mut hasher = PhraseHasher::new();
        for (j, &h) in hashes.iter().enumerate().skip(i).take(MAX_PHRASE_TOKENS) {
            hasher.push_hash(h);
            let key = hasher.key();
            let (phrase, prefix) = lookup(key);
            if let Some(p) = phrase {
                found(i, j + 1, key, p);
            }
            if !prefix {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        Tokens::new(text).map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn tokens_split_on_punctuation_and_keep_offsets() {
        assert_eq!(
            words("Newton's laws (1687) — Ünïcode, x2"),
            ["Newton", "s", "laws", "1687", "Ünïcode", "x2"]
        );
        let t: Vec<Token> = Tokens::new("  ab c").collect();
        assert_eq!(t, [Token { start: 2, end: 4 }, Token { start: 5, end: 6 }]);
        assert!(words("").is_empty());
        assert!(words(" ,;— ").is_empty());
    }

    #[test]
    fn hashing_while_splitting_equals_hashing_each_token() {
        for text in [
            "Newton's laws (1687) — Ünïcode, x2 ÉCOLE straße İstanbul",
            "",
            "  a  ",
            "ÀB cD",
        ] {
            let mut fused = Vec::new();
            token_hashes(text, &mut fused);
            let each: Vec<u64> = words(text).into_iter().map(token_hash).collect();
            assert_eq!(fused, each, "{text}");
        }
    }

    proptest::proptest! {
        /// Splitting and hashing in one pass gives what splitting, then
        /// hashing each token, gives; a token's hash ignores case.
        #[test]
        fn fused_token_hashes_match(text in "[a-zA-Z0-9 .,'éÉßΣσ\u{212A}İ-]{0,60}") {
            let mut fused = Vec::new();
            token_hashes(&text, &mut fused);
            let each: Vec<u64> = words(&text).into_iter().map(token_hash).collect();
            proptest::prop_assert_eq!(&fused, &each);
            for w in words(&text) {
                proptest::prop_assert_eq!(token_hash(w), token_hash(&w.to_lowercase()));
            }
        }
    }

    #[test]
    fn token_hashes_are_hashes_of_the_lower_cased_bytes() {
        assert_eq!(token_hash("ABCdefGHIjk9"), token_hash("abcdefghijk9"));
        // The Kelvin sign lower-cases to an ASCII "k".
        assert_eq!(token_hash("\u{212A}elvin"), token_hash("KELVIN"));
        assert_eq!(token_hash("ÉCOLE"), token_hash("école"));
        let distinct = [
            "a",
            "aa",
            "a0",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefgha",
            "0",
            "00",
        ];
        let hashes: std::collections::HashSet<u64> =
            distinct.iter().map(|t| token_hash(t)).collect();
        assert_eq!(hashes.len(), distinct.len());
    }

    #[test]
    fn keys_ignore_case_spacing_and_punctuation() {
        let k = |s: &str| phrase_key(s).map(|p| p.key);
        assert_eq!(k("Alan Turing"), k("alan  turing"));
        assert_eq!(k("Alan Turing"), k("ALAN-Turing"));
        assert_eq!(k("Émile Zola"), k("émile zola"));
        assert_ne!(k("Alan Turing"), k("Alan"));
        assert_ne!(k("ab c"), k("a bc"));
        assert_eq!(k("  "), None);
    }

    #[test]
    fn prefixes_are_the_keys_of_shorter_phrases() {
        let p = phrase_key("the theory of relativity").unwrap();
        assert_eq!(p.prefixes.len(), 3);
        assert_eq!(p.prefixes[0], phrase_key("The").unwrap().key);
        assert_eq!(p.prefixes[2], phrase_key("the theory of").unwrap().key);
        assert!(phrase_key("a b c d e f g h").is_some());
        assert!(phrase_key("a b c d e f g h i").is_none());
    }
}

/// Hash maps keyed by phrase keys: the keys are hashes already, so they
/// are only mixed once (a multiply and a shift) instead of going through
/// SipHash. Building the dictionary looks up every n-gram of every text
/// twice; SipHash was a tenth of a build's time.
pub(crate) type KeyMap<V> =
    std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hasher of [`KeyMap`]: for `u64` keys only.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not used by u64 keys; kept correct for any other.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_u64(&mut self, key: u64) {
        // FNV's low bits are weaker than its high ones; the map uses both.
        let m = (key ^ (key >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = m ^ (m >> 32);
    }
}
