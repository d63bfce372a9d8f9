//! Concept detection over texts of any size: where to cut a long text into
//! pieces the linker takes whole ([`piece_end`]: after a paragraph when
//! there is one, never inside a character), how to move a piece's
//! annotations to offsets over the whole text ([`WikifyResult::shift`]),
//! and how to merge the pieces' concepts ([`ConceptTally`], the same
//! noisy-or the linker applies within a text).
//!
//! A text that fits in one piece ([`MAX_WIKIFY_BYTES`]) is one piece, so it
//! gets exactly the answer of [`Engine::wikify`]. It owns no IO: the
//! command line streams its input through these.

use std::collections::HashMap;

use crate::engine::Engine;
use crate::wikify::{MAX_WIKIFY_BYTES, WikifyConcept, WikifyOptions, WikifyResult};

/// Where the next piece of `buf` ends: the longest prefix of at most
/// `limit` bytes that ends after a blank line, else after a line end, else
/// after a sentence's end (`.`, `!` or `?` then a space), else after a
/// space, else at the last character boundary. When `buf` is the end of the
/// input (`at_end`) and fits, all of it. Never 0 for a non-empty `buf`
/// (a limit below 4 is raised to 4, so a character always fits), and
/// always a UTF-8 character boundary of valid text.
///
/// The caller gives at least `limit` bytes unless the input ends sooner.
pub fn piece_end(buf: &[u8], limit: usize, at_end: bool) -> usize {
    let limit = limit.max(4);
    if buf.len() <= limit && at_end {
        return buf.len();
    }
    let window = &buf[..buf.len().min(limit)];
    if let Some(i) = memchr::memmem::rfind(window, b"\n\n") {
        return i + 2;
    }
    if let Some(i) = memchr::memrchr(b'\n', window) {
        return i + 1;
    }
    let sentence_end = window
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'!' | b'?') && w[1] == b' ');
    if let Some(i) = sentence_end {
        return i + 2;
    }
    if let Some(i) = memchr::memrchr2(b' ', b'\t', window) {
        return i + 1;
    }
    char_boundary_before(window)
}

/// The end of `window`, moved back to the start of a character that the
/// window cuts (its lead byte says how long it is), unless that would
/// leave nothing.
fn char_boundary_before(window: &[u8]) -> usize {
    let n = window.len();
    for p in (n.saturating_sub(4)..n).rev() {
        let lead = window[p];
        if lead & 0xC0 != 0x80 {
            let len = match lead {
                0x00..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            return if p + len > n && p > 0 { p } else { n };
        }
    }
    n
}

impl WikifyResult {
    /// Moves the annotations of a piece that starts `bytes` bytes and
    /// `chars` code points into the whole text.
    pub fn shift(&mut self, bytes: usize, chars: usize) {
        for a in &mut self.annotations {
            a.byte_start += bytes;
            a.byte_end += bytes;
            a.start += chars;
            a.end += chars;
        }
    }
}

/// The concepts of a text's pieces merged into the text's: per concept,
/// the noisy-or of the pieces' scores (which is the noisy-or of all its
/// mentions' scores, as in one piece) and the sum of its mentions.
#[derive(Debug, Default)]
pub struct ConceptTally {
    /// Per concept id: (title, product of (1 - score), mentions).
    by_id: HashMap<u32, (String, f64, usize)>,
}

impl ConceptTally {
    /// Adds one piece's concepts.
    pub fn add(&mut self, concepts: &[WikifyConcept]) {
        for c in concepts {
            let e = self
                .by_id
                .entry(c.id)
                .or_insert_with(|| (c.title.clone(), 1.0, 0));
            e.1 *= 1.0 - f64::from(c.score.clamp(0.0, 1.0));
            e.2 += c.mentions;
        }
    }

    /// The text's concepts, best first (ties by id).
    pub fn finish(self) -> Vec<WikifyConcept> {
        let mut out: Vec<WikifyConcept> = self
            .by_id
            .into_iter()
            .map(|(id, (title, miss, mentions))| WikifyConcept {
                id,
                title,
                score: (1.0 - miss) as f32,
                mentions,
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        out
    }
}

impl Engine {
    /// Detects the concepts of a text of any size: pieces of at most
    /// [`MAX_WIKIFY_BYTES`] cut by [`piece_end`], offsets over the whole
    /// text, concepts merged, every piece in the language of `lang` or,
    /// without it, the one detected at the text's start. A text of one
    /// piece gets exactly [`Engine::wikify_in`]'s answer.
    pub fn wikify_long(
        &self,
        text: &str,
        lang: Option<&str>,
        options: WikifyOptions,
    ) -> WikifyResult {
        if text.len() <= MAX_WIKIFY_BYTES {
            return self.wikify_in(text, lang, options);
        }
        let (code, detected) = self.text_language(text, lang);
        let mut all = WikifyResult {
            language: code.clone(),
            language_detected: detected,
            ..WikifyResult::default()
        };
        let mut tally = ConceptTally::default();
        let (mut at, mut chars) = (0, 0);
        while at < text.len() {
            let rest = &text[at..];
            let end = piece_end(rest.as_bytes(), MAX_WIKIFY_BYTES, true);
            let piece = &rest[..end];
            let mut result = self.wikify_in(piece, code.as_deref(), options);
            result.shift(at, chars);
            tally.add(&result.concepts);
            all.annotations.append(&mut result.annotations);
            at += end;
            chars += piece.chars().count();
        }
        all.concepts = tally.finish();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cuts_after_the_last_paragraph_that_fits() {
        let text = b"one two.\n\nthree four.\n\nfive six seven";
        assert_eq!(piece_end(text, 30, false), 23);
        assert_eq!(&text[..23], b"one two.\n\nthree four.\n\n");
        // All of it when it fits and nothing follows; a cut when more follows.
        assert_eq!(piece_end(text, 100, true), text.len());
        assert_eq!(piece_end(b"a b.\n\nc", 100, false), 6);
    }

    #[test]
    fn falls_back_to_lines_sentences_spaces_and_characters() {
        assert_eq!(piece_end(b"ab\ncd ef", 7, false), 3);
        assert_eq!(piece_end(b"Ab cd. Ef gh", 10, false), 7);
        assert_eq!(piece_end(b"abc def ghi", 9, false), 8);
        // "é" is two bytes: a cut at 5 would split the second one.
        let word = "aééé".as_bytes();
        assert_eq!(piece_end(word, 4, false), 3);
        assert!(std::str::from_utf8(&word[..piece_end(word, 4, false)]).is_ok());
        // A limit below one character's length still moves forward.
        assert_eq!(piece_end("😀😀".as_bytes(), 1, false), 4);
    }

    #[test]
    fn tally_is_the_noisy_or_of_the_pieces() {
        let c = |id, score, mentions| WikifyConcept {
            id,
            title: format!("c{id}"),
            score,
            mentions,
        };
        let mut tally = ConceptTally::default();
        tally.add(&[c(1, 0.5, 1), c(2, 0.9, 2)]);
        tally.add(&[c(1, 0.5, 3)]);
        let merged = tally.finish();
        assert_eq!(merged[0].id, 2);
        assert!((merged[0].score - 0.9).abs() < 1e-6);
        assert_eq!(merged[1].id, 1);
        assert!((merged[1].score - 0.75).abs() < 1e-6);
        assert_eq!(merged[1].mentions, 4);
    }

    proptest! {
        /// Cutting a text again and again covers it exactly, with pieces
        /// that are valid UTF-8, non-empty and within the limit.
        #[test]
        fn pieces_cover_the_text(text in "[a-zé😀 .\n]{0,300}", limit in 1usize..40) {
            let bytes = text.as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                let end = piece_end(&bytes[at..], limit, true);
                prop_assert!(end > 0);
                prop_assert!(end <= limit.max(4));
                prop_assert!(std::str::from_utf8(&bytes[at..at + end]).is_ok());
                at += end;
            }
            prop_assert_eq!(at, bytes.len());
        }
    }
}
