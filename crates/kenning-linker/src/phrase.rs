//! Tokens and phrase keys: the one definition of "the same phrase" that
//! build time and query time share.
//!
//! A token is a maximal run of alphanumeric characters; everything else
//! (spaces, punctuation, symbols) separates tokens. A phrase key is a
//! 64-bit hash of the lower-cased tokens joined by one space, so
//! "Alan Turing", "alan  turing" and "Alan-Turing" are the same phrase.

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

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        // Skip separators; ASCII fast path, chars otherwise.
        let mut i = self.pos;
        let start = loop {
            if i >= bytes.len() {
                self.pos = i;
                return None;
            }
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
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
        while end < bytes.len() {
            let b = bytes[end];
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                end += 1;
            } else {
                let c = self.text[end..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    break;
                }
                end += c.len_utf8();
            }
        }
        self.pos = end;
        Some(Token { start, end })
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Builds a phrase key one token at a time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PhraseHasher {
    state: u64,
    tokens: usize,
}

impl PhraseHasher {
    pub(crate) fn new() -> Self {
        PhraseHasher {
            state: FNV_OFFSET,
            tokens: 0,
        }
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.state = (self.state ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }

    /// Appends one token (its text as written; it is lower-cased here).
    pub(crate) fn push(&mut self, token: &str) {
        if self.tokens > 0 {
            self.byte(b' ');
        }
        self.tokens += 1;
        if !token.is_ascii() {
            // Rare: lower-case the whole token char by char.
            return self.push_unicode(token);
        }
        for &b in token.as_bytes() {
            self.byte(b.to_ascii_lowercase());
        }
    }

    #[cold]
    fn push_unicode(&mut self, token: &str) {
        let mut buf = [0u8; 4];
        for c in token.chars() {
            for l in c.to_lowercase() {
                for &b in l.encode_utf8(&mut buf).as_bytes() {
                    self.byte(b);
                }
            }
        }
    }

    pub(crate) fn tokens(&self) -> usize {
        self.tokens
    }

    /// The key of the phrase so far: never 0 or `u64::MAX` (the
    /// dictionary uses them for "no prefix" and "empty slot").
    pub(crate) fn key(&self) -> u64 {
        let mut z = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
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
