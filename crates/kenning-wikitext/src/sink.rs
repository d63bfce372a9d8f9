//! The plain-text output: whitespace normalised as it is written, so byte
//! offsets taken while writing stay valid in the finished text.

use crate::swar;

/// Whitespace seen since the last written character, strongest kind wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    None,
    Space,
    Line,
    Paragraph,
}

/// Accumulates plain text. Whitespace is held back until the next visible
/// character decides what it becomes (nothing at the start, one space inside
/// a paragraph, `"\n"` between lines of a list, `"\n\n"` between paragraphs),
/// so the text never starts or ends with whitespace.
#[derive(Debug)]
pub(crate) struct Sink {
    out: String,
    pending: Pending,
    /// A newline is pending: a second one (only whitespace between) makes a
    /// paragraph break.
    newline_pending: bool,
    /// The current line began with a list marker: its newline ends a line
    /// rather than joining the next one with a space.
    in_list_line: bool,
    /// Markup was removed since the last written character: spaces and
    /// punctuation it leaves behind (`word <ref/>.`, `(; born`) are tidied.
    removed: bool,
    /// Nothing before this offset may be taken back (it belongs to a link
    /// anchor whose offsets are recorded).
    protect: usize,
    /// Offset of the first character of the anchor being written, if any.
    anchor: Option<AnchorState>,
}

#[derive(Clone, Copy, Debug)]
enum AnchorState {
    /// Opened, no character written yet.
    Waiting,
    /// Started at this offset.
    At(usize),
}

impl Sink {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Sink {
            out: String::with_capacity(capacity),
            pending: Pending::None,
            newline_pending: false,
            in_list_line: false,
            removed: false,
            protect: 0,
            anchor: None,
        }
    }

    /// The text written so far (pending whitespace not included).
    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.out
    }

    /// Byte length of the text written so far.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// Finishes and returns the text.
    pub(crate) fn into_string(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out
    }

    /// Records that markup was dropped here.
    pub(crate) fn mark_removed(&mut self) {
        self.removed = true;
    }

    /// A line break that is kept as `"\n"` (list items).
    pub(crate) fn line_break(&mut self) {
        self.pending = self.pending.max(Pending::Line);
    }

    /// Starts a list line: its end is a line break.
    pub(crate) fn list_line(&mut self) {
        self.line_break();
        self.in_list_line = true;
    }

    /// A paragraph break that is held until the next character.
    pub(crate) fn paragraph_break(&mut self) {
        self.pending = Pending::Paragraph;
        self.newline_pending = false;
        self.in_list_line = false;
    }

    /// Writes a paragraph break now (unless at the start) and returns the
    /// offset where the next paragraph begins.
    pub(crate) fn break_paragraph_now(&mut self) -> usize {
        if !self.out.is_empty() {
            let trimmed = self.out.trim_end().len().max(self.protect);
            self.out.truncate(trimmed);
            self.out.push_str("\n\n");
        }
        self.protect = self.out.len();
        self.pending = Pending::None;
        self.newline_pending = false;
        self.in_list_line = false;
        self.removed = false;
        self.out.len()
    }

    /// Nothing written so far may be taken back by later tidying.
    pub(crate) fn fence(&mut self) {
        self.protect = self.out.len();
    }

    /// Starts a link anchor: its start is the offset of the next character.
    pub(crate) fn open_anchor(&mut self) {
        self.anchor = Some(AnchorState::Waiting);
    }

    /// Ends the anchor: its byte range, `None` if nothing was written.
    pub(crate) fn close_anchor(&mut self) -> Option<(usize, usize)> {
        match self.anchor.take() {
            Some(AnchorState::At(start)) if start < self.out.len() => {
                self.protect = self.out.len();
                Some((start, self.out.len()))
            }
            _ => None,
        }
    }

    /// Writes text (HTML entities already decoded).
    pub(crate) fn push_str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Fast path: with nothing pending, plain runs joined by single
            // spaces are written as they are, in one copy (what `push`
            // would write character by character). A space may start the
            // span only after a plain character.
            if self.pending == Pending::None
                && !self.removed
                && !matches!(self.anchor, Some(AnchorState::Waiting))
            {
                let from = if bytes[i] != b' ' {
                    Some(i)
                } else if self
                    .out
                    .as_bytes()
                    .last()
                    .is_some_and(|&b| b != b' ' && b != b'\n')
                {
                    Some(i + 1)
                } else {
                    None
                };
                if let Some(from) = from {
                    let span = plain_span(&s[from..]);
                    if span > 0 {
                        let end = from + span;
                        self.out.push_str(&s[i..end]);
                        i = end;
                        continue;
                    }
                }
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            self.push(c);
            i += c.len_utf8();
        }
    }

    /// Writes one character.
    pub(crate) fn push(&mut self, c: char) {
        if c == '\n' {
            if self.in_list_line {
                self.in_list_line = false;
                self.pending = self.pending.max(Pending::Line);
                self.newline_pending = true;
            } else if self.newline_pending {
                self.pending = Pending::Paragraph;
            } else {
                self.newline_pending = true;
                self.pending = self.pending.max(Pending::Space);
            }
            return;
        }
        if c.is_whitespace() && c != '\u{A0}' || c.is_control() && c != crate::preprocess::REMOVED {
            self.pending = self.pending.max(Pending::Space);
            return;
        }
        if c == '|' {
            return;
        }
        if c == '\u{A0}'
            && (self.out.is_empty() || self.out.ends_with('\n') || self.pending >= Pending::Line)
        {
            // A no-break space is kept inside text, not at a line's start.
            self.pending = self.pending.max(Pending::Space);
            return;
        }
        if c == crate::preprocess::REMOVED {
            self.removed = true;
            return;
        }
        if self.pending == Pending::None {
            // Never let text recreate markup it came out of.
            if matches!(c, '{' | '}' | '[' | ']') && self.out.ends_with(c) {
                return;
            }
            if c == '\'' && self.out.ends_with("''") {
                return;
            }
        }
        if self.removed && self.tidy_punctuation(c) {
            return;
        }
        self.flush_pending(c);
        if let Some(AnchorState::Waiting) = self.anchor {
            self.anchor = Some(AnchorState::At(self.out.len()));
        }
        self.out.push(c);
        self.removed = false;
    }

    /// After removed markup: drops what it leaves behind. Returns true if
    /// `c` itself is dropped.
    fn tidy_punctuation(&mut self, c: char) -> bool {
        let last = self.out.chars().next_back();
        let last_at = self
            .out
            .len()
            .saturating_sub(last.map_or(0, char::len_utf8));
        if last_at < self.protect || self.anchor.is_some() {
            return false;
        }
        match (last, c) {
            // `({{IPA|…}}; born …` → `(born …`
            (Some('(' | ',' | ';' | ':'), ';' | ',') => {
                self.pending = Pending::None;
                true
            }
            // `({{IPA|…}})` → nothing; `(born 1900; {{…}})` → `(born 1900)`
            (Some('('), ')') => {
                self.out.truncate(last_at);
                let trimmed = self.out.trim_end_matches(' ').len().max(self.protect);
                self.out.truncate(trimmed);
                self.pending = if self.out.is_empty() {
                    Pending::None
                } else {
                    Pending::Space
                };
                true
            }
            (Some(';' | ','), ')') => {
                self.out.truncate(last_at);
                false
            }
            _ => false,
        }
    }

    /// Drops no-break spaces left at the end of a line.
    fn trim_line_end(&mut self) {
        let keep = self.out.trim_end().len().max(self.protect);
        self.out.truncate(keep);
    }

    fn flush_pending(&mut self, next: char) {
        let mut pending = std::mem::replace(&mut self.pending, Pending::None);
        if let Some(AnchorState::At(_)) = self.anchor {
            // An anchor stays on one line: the lead (which joins paragraphs
            // differently) must still contain it as written.
            pending = pending.min(Pending::Space);
        }
        self.newline_pending = false;
        if self.out.is_empty() {
            return;
        }
        match pending {
            Pending::None => {}
            Pending::Space => {
                let after_removal = self.removed
                    && (matches!(next, ',' | '.' | ';' | ':' | ')') || self.out.ends_with('('));
                if !after_removal && !self.out.ends_with([' ', '\n']) {
                    self.out.push(' ');
                }
            }
            Pending::Line => {
                self.trim_line_end();
                if !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                self.protect = self.out.len();
            }
            Pending::Paragraph => {
                self.trim_line_end();
                if !self.out.ends_with("\n\n") {
                    if !self.out.ends_with('\n') {
                        self.out.push('\n');
                    }
                    self.out.push('\n');
                }
                self.protect = self.out.len();
            }
        }
    }
}

/// Length of the leading span that [`Sink::push`] writes unchanged when
/// nothing is pending and a plain character came before: plain runs (see
/// [`plain_run`]) joined by single spaces, starting and ending with a plain
/// character. Found eight bytes at a time across the spaces, so that a
/// sentence is one scan, not one per word.
fn plain_span(s: &str) -> usize {
    plain_prefix::<true>(s)
}

/// Length of the leading run of characters that [`Sink::push`] writes
/// unchanged when nothing is pending: no whitespace, control characters,
/// `|` or brackets and apostrophes (which it may drop).
fn plain_run(s: &str) -> usize {
    plain_prefix::<false>(s)
}

/// [`plain_span`] when `SPACES`, else [`plain_run`]: one scan, the space
/// rules compiled in or out.
fn plain_prefix<const SPACES: bool>(s: &str) -> usize {
    let bytes = s.as_bytes();
    if SPACES && bytes.first() == Some(&b' ') {
        return 0;
    }
    let mut i = 0;
    loop {
        // Eight bytes at a time while they are plain ASCII: no loop exit
        // to mispredict for every word.
        while let Some(w) = swar::word_at(bytes, i) {
            let mut stops = not_plain_ascii(w);
            if SPACES && stops != 0 {
                // A space stops the span only when the byte after it (the
                // next byte of this word, or the first of the next word)
                // may stop it. Marks above the first may be false; a false
                // one only sends its byte to the exact checks below.
                let spaces = swar::equal_exact(w, b' ');
                let next_byte_stops = match bytes.get(i + 8) {
                    Some(&b) if PLAIN_ASCII[usize::from(b)] => 0,
                    _ => 1 << 63,
                };
                stops = (stops & !spaces) | (spaces & ((stops >> 8) | next_byte_stops));
            }
            if stops != 0 {
                i += swar::first_mark(stops);
                break;
            }
            i += 8;
        }
        while let Some(&b) = bytes.get(i)
            && PLAIN_ASCII[usize::from(b)]
        {
            i += 1;
        }
        match bytes.get(i) {
            // A single space between two plain characters (the one before
            // is part of the span: nothing else is passed over).
            Some(b' ') if SPACES && i > 0 && plain_run(&s[i + 1..]) > 0 => i += 1,
            Some(&b) if b >= 0x80 => match s[i..].chars().next() {
                Some(c) if !c.is_whitespace() && !c.is_control() => i += c.len_utf8(),
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// Marks (high bit) the bytes of `w` that are not [`PLAIN_ASCII`]; the
/// lowest mark is the first such byte.
#[inline]
fn not_plain_ascii(w: u64) -> u64 {
    // `| 0x20` folds `[` onto `{` and `]` onto `}`.
    let folded = w | swar::splat(0x20);
    swar::below_graphic_or_high(w)
        | swar::equal(folded, b'{')
        | swar::equal(folded, b'}')
        | swar::equal(w, b'|')
        | swar::equal(w, b'\'')
        | swar::equal(w, 0x7F)
}

/// The ASCII bytes of a plain run, by byte (false for every byte ≥ 0x80,
/// which [`plain_run`] decodes).
static PLAIN_ASCII: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_graphic() && !matches!(c, b'|' | b'{' | b'}' | b'[' | b']' | b'\'');
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn write(parts: &[&str]) -> String {
        let mut sink = Sink::with_capacity(0);
        for part in parts {
            if *part == "<removed>" {
                sink.mark_removed();
            } else {
                sink.push_str(part);
            }
        }
        sink.into_string()
    }

    #[test]
    fn whitespace_collapses_and_is_trimmed() {
        assert_eq!(write(&["  a \t b  \n c  "]), "a b c");
        assert_eq!(write(&["a\n\n\nb"]), "a\n\nb");
        assert_eq!(write(&["a\n  \n b"]), "a\n\nb");
        assert_eq!(write(&["a\u{A0} b"]), "a\u{A0} b");
        assert_eq!(write(&["\u{A0}a\u{A0}\n\n\u{A0}b\u{A0}"]), "a\n\nb");
    }

    #[test]
    fn removal_tidies_spaces_and_parentheses() {
        assert_eq!(write(&["word ", "<removed>", "."]), "word.");
        assert_eq!(write(&["word , x"]), "word , x");
        assert_eq!(write(&["Foo (", "<removed>", ") is"]), "Foo is");
        assert_eq!(write(&["Foo ( ", "<removed>", " ) is"]), "Foo is");
        assert_eq!(
            write(&["Foo (", "<removed>", "; born 1900)"]),
            "Foo (born 1900)"
        );
        assert_eq!(write(&["Foo (b; ", "<removed>", ")"]), "Foo (b)");
        assert_eq!(write(&["Foo ()"]), "Foo ()");
        assert_eq!(write(&["Dari: ", "<removed>", ", x"]), "Dari: x");
        assert_eq!(write(&["a, ", "<removed>", ", b"]), "a, b");
    }

    #[test]
    fn markup_is_never_recreated() {
        assert_eq!(write(&["{", "{", "}", "}", "[", "[", "]", "]"]), "{}[]");
        assert_eq!(write(&["'", "'", "'"]), "''");
        assert_eq!(write(&["a|b"]), "ab");
    }

    /// `plain_run` one byte at a time, through the table only.
    fn plain_run_bytewise(s: &str) -> usize {
        let mut end = 0;
        for (i, c) in s.char_indices() {
            let plain = if c.is_ascii() {
                PLAIN_ASCII[c as usize]
            } else {
                !c.is_whitespace() && !c.is_control()
            };
            if !plain {
                return i;
            }
            end = i + c.len_utf8();
        }
        end
    }

    #[test]
    fn plain_runs_stop_at_every_non_plain_ascii_byte() {
        for b in 0u8..0x80 {
            let mut text = String::from("abcdefghij");
            text.insert(5, char::from(b));
            let want = if PLAIN_ASCII[usize::from(b)] { 11 } else { 5 };
            assert_eq!(plain_run(&text), want, "byte {b:#04x}");
            assert_eq!(plain_run_bytewise(&text), want, "byte {b:#04x}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_run_equals_the_bytewise_scan(
            text in "[a-z!-/:-@\\[-`{-~\u{0}-\u{20}\u{7F}é\u{A0}\u{2028}]{0,40}",
        ) {
            proptest::prop_assert_eq!(plain_run(&text), plain_run_bytewise(&text));
        }

        #[test]
        fn plain_span_is_plain_runs_joined_by_single_spaces(
            text in "[a-z!-/:-@\\[-`{-~\u{0}-\u{20}\u{7F}é\u{A0}\u{2028}]{0,20}([a-z ]{0,3}[a-zé]{0,12}){0,6}",
        ) {
            let mut want = plain_run_bytewise(&text);
            while want > 0
                && text.as_bytes().get(want) == Some(&b' ')
                && plain_run_bytewise(&text[want + 1..]) > 0
            {
                want += 1 + plain_run_bytewise(&text[want + 1..]);
            }
            proptest::prop_assert_eq!(plain_span(&text), want, "{:?}", text);
        }

        /// The fast paths of `push_str` write exactly what pushing the
        /// characters one by one writes, whatever came before.
        #[test]
        fn push_str_equals_pushing_each_char(
            before in "[a -~\n\u{A0}é]{0,6}",
            text in "[a-c  .,;()|'{}\n\u{A0}é\u{1}]{0,40}",
            removed: bool,
            paragraph: bool,
        ) {
            let start = |sink: &mut Sink| {
                for c in before.chars() {
                    sink.push(c);
                }
                if paragraph {
                    sink.break_paragraph_now();
                }
                if removed {
                    sink.mark_removed();
                }
            };
            let mut fast = Sink::with_capacity(0);
            start(&mut fast);
            fast.push_str(&text);
            let mut slow = Sink::with_capacity(0);
            start(&mut slow);
            for c in text.chars() {
                slow.push(c);
            }
            proptest::prop_assert_eq!(fast.as_str(), slow.as_str());
            proptest::prop_assert_eq!(fast.pending, slow.pending);
        }
    }

    #[test]
    fn anchors_start_after_pending_space() {
        let mut sink = Sink::with_capacity(0);
        sink.push_str("see ");
        sink.open_anchor();
        sink.push_str("Paris");
        let (start, end) = sink.close_anchor().unwrap();
        assert_eq!(&sink.as_str()[start..end], "Paris");
        assert_eq!(start, 4);
    }
}
