//! Pass 2: tokens and bracket matching in one scan.
//!
//! Openers (`{{`, `{{{`, `[[`, `[http://…`, `{|`) go on an explicit stack;
//! a closer matches the nearest opener of its kind, and openers of other
//! kinds above it are given up (an unclosed `[[` inside a template does not
//! keep the template open). Every token is pushed once and popped at most
//! once, so the scan is linear whatever the nesting.

use crate::swar;

/// Marks a token with no partner (an opener never closed, a stray closer).
pub(crate) const NONE: u32 = u32::MAX;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Plain text.
    Text,
    /// `{{` (template) or `{{{` (template parameter): `width` braces.
    BraceOpen { width: u8 },
    /// `}}` or `}}}`.
    BraceClose,
    /// `[[`.
    LinkOpen,
    /// `]]`.
    LinkClose,
    /// `[` + URL: an external link. The URL is `src[start + 1..end]`.
    ExtOpen,
    /// The `]` of an external link.
    ExtClose,
    /// `{|` at the start of a line.
    TableOpen,
    /// `|}` at the start of a line (or where a table is given up).
    TableClose,
    /// `|` (argument separator in templates and links).
    Pipe,
    /// A line break.
    Newline,
    /// Leading `=`s of a heading line.
    HeadingOpen,
    /// Trailing `=`s of a heading line.
    HeadingClose,
    /// Leading `*#:;` of a list or indented line.
    ListMarker,
    /// `----` horizontal rule.
    Rule,
    /// `''`, `'''`, `'''''`…: `count` apostrophes.
    Quotes { count: u8 },
    /// Markup that matched nothing and shows nothing (`]]` with no `[[`).
    Stray,
}

/// One token: a kind, its byte range in the pass-1 text and, for brackets,
/// the index of the matching token (or [`NONE`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) partner: u32,
}

/// Which kind of opener a stack entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Brace,
    Link,
    Ext,
    Table,
}

struct Scanner<'a> {
    src: &'a [u8],
    tokens: Vec<Token>,
    stack: Vec<(Open, u32)>,
    /// Number of stack entries of each [`Open`] kind.
    open_count: [usize; 4],
    /// Where the pending heading's closing `=`s start, if a heading is open.
    heading_close: Option<(usize, usize)>,
}

/// Tokenises `src` (the output of pass 1).
#[cfg(test)]
pub(crate) fn scan(src: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    scan_into(src, &mut tokens);
    tokens
}

/// Tokenises `src` into `tokens` (emptied first; its allocation is reused
/// from page to page).
///
/// Never inlined: inlined into [`extract`](crate::extract), as LLVM chose
/// once `emit` grew past its own inlining threshold, the scan compiled to
/// 4% more instructions.
#[inline(never)]
pub(crate) fn scan_into(src: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    tokens.reserve(src.len() / 16 + 4);
    let mut s = Scanner {
        src: src.as_bytes(),
        tokens: std::mem::take(tokens),
        stack: Vec::new(),
        open_count: [0; 4],
        heading_close: None,
    };
    s.run();
    *tokens = s.tokens;
}

/// Bytes that may start markup; everything else is text.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let specials = b"{}[]|'\n=";
    while k < specials.len() {
        table[specials[k] as usize] = true;
        k += 1;
    }
    table
};

fn is_special(b: u8) -> bool {
    SPECIAL[b as usize]
}

/// End of the text that starts at `i`: the next [`SPECIAL`] byte, found
/// eight bytes at a time.
fn text_end(src: &[u8], mut i: usize) -> usize {
    while let Some(w) = swar::word_at(src, i) {
        // `| 0x20` folds `[` onto `{` and `]` onto `}`.
        let folded = w | swar::splat(0x20);
        let marks = swar::equal(folded, b'{')
            | swar::equal(folded, b'}')
            | swar::equal(w, b'|')
            | swar::equal(w, b'\'')
            | swar::equal(w, b'\n')
            | swar::equal(w, b'=');
        if marks != 0 {
            return i + swar::first_mark(marks);
        }
        i += 8;
    }
    while src.get(i).is_some_and(|&b| !is_special(b)) {
        i += 1;
    }
    i
}

impl Scanner<'_> {
    fn push(&mut self, kind: Kind, start: usize, end: usize) -> u32 {
        if kind == Kind::Text
            && let Some(last) = self.tokens.last_mut()
            && last.kind == Kind::Text
            && last.end == start
        {
            last.end = end;
            return (self.tokens.len() - 1) as u32;
        }
        self.tokens.push(Token {
            kind,
            start,
            end,
            partner: NONE,
        });
        (self.tokens.len() - 1) as u32
    }

    fn open(&mut self, open: Open, kind: Kind, start: usize, end: usize) {
        let idx = self.push(kind, start, end);
        self.stack.push((open, idx));
        self.open_count[open as usize] += 1;
    }

    fn pair(&mut self, opener: u32, kind: Kind, start: usize, end: usize) {
        if opener as usize >= self.tokens.len() {
            self.push(Kind::Stray, start, end);
            return;
        }
        let idx = self.push(kind, start, end);
        self.tokens[opener as usize].partner = idx;
        self.tokens[idx as usize].partner = opener;
    }

    /// Pops entries above the nearest opener of kind `open` (giving them up)
    /// and returns that opener's token, still on the stack. The caller has
    /// checked that there is one.
    fn unwind_to(&mut self, open: Open) -> u32 {
        while let Some(&(top, idx)) = self.stack.last() {
            if top == open {
                return idx;
            }
            self.give_up();
        }
        NONE
    }

    /// Pops the top entry without a match. A table given up is closed here
    /// (its content is removed either way).
    fn give_up(&mut self) {
        if let Some((top, idx)) = self.stack.pop() {
            self.open_count[top as usize] -= 1;
            if top == Open::Table {
                let pos = self.tokens.last().map_or(0, |t| t.end);
                self.pair(idx, Kind::TableClose, pos, pos);
            }
        }
    }

    fn pop(&mut self) {
        if let Some((top, _)) = self.stack.pop() {
            self.open_count[top as usize] -= 1;
        }
    }

    fn run(&mut self) {
        let len = self.src.len();
        let mut i = 0;
        self.line_start(&mut i);
        while i < len {
            let b = self.src[i];
            if !is_special(b) {
                let end = text_end(self.src, i);
                self.push(Kind::Text, i, end);
                i = end;
                continue;
            }
            match b {
                b'{' => self.braces_open(&mut i),
                b'}' => self.braces_close(&mut i),
                b'[' => self.brackets_open(&mut i),
                b']' => self.brackets_close(&mut i),
                b'|' => {
                    self.push(Kind::Pipe, i, i + 1);
                    i += 1;
                }
                b'\'' => {
                    let n = self.run_of(i, b'\'');
                    if n == 1 {
                        self.push(Kind::Text, i, i + 1);
                    } else {
                        let count = n.min(255) as u8;
                        self.push(Kind::Quotes { count }, i, i + n);
                    }
                    i += n;
                }
                b'\n' => {
                    if let Some(&(Open::Ext, _)) = self.stack.last() {
                        self.pop();
                    }
                    self.heading_close = None;
                    self.push(Kind::Newline, i, i + 1);
                    i += 1;
                    self.line_start(&mut i);
                }
                b'=' => match self.heading_close {
                    Some((at, end)) if at == i => {
                        self.push(Kind::HeadingClose, i, end);
                        self.heading_close = None;
                        i = end;
                    }
                    _ => {
                        self.push(Kind::Text, i, i + 1);
                        i += 1;
                    }
                },
                _ => {
                    self.push(Kind::Text, i, i + 1);
                    i += 1;
                }
            }
        }
        while !self.stack.is_empty() {
            self.give_up();
        }
    }

    fn run_of(&self, i: usize, b: u8) -> usize {
        self.src[i..].iter().take_while(|&&c| c == b).count()
    }

    /// Line-start syntax at `*i`: headings, tables, lists, rules.
    fn line_start(&mut self, i: &mut usize) {
        let src = self.src;
        if src.get(*i) == Some(&b'=') && self.heading(i) {
            return;
        }
        let markers = src[*i..]
            .iter()
            .take_while(|b| matches!(b, b'*' | b'#' | b':' | b';'))
            .count();
        if markers > 0 {
            self.push(Kind::ListMarker, *i, *i + markers);
            *i += markers;
        }
        let ws = src[*i..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let at = *i + ws;
        let rest = &src[at..];
        if rest.starts_with(b"{|") {
            if ws > 0 {
                self.push(Kind::Text, *i, at);
            }
            self.open(Open::Table, Kind::TableOpen, at, at + 2);
            *i = at + 2;
        } else if rest.starts_with(b"|}") && self.open_count[Open::Table as usize] > 0 {
            let brace_on_top = matches!(self.stack.last(), Some((Open::Brace, _)));
            if !(brace_on_top && rest.get(2) == Some(&b'}')) {
                if ws > 0 {
                    self.push(Kind::Text, *i, at);
                }
                let opener = self.unwind_to(Open::Table);
                self.pop();
                self.pair(opener, Kind::TableClose, at, at + 2);
                *i = at + 2;
            }
        } else if markers == 0 && ws == 0 && rest.starts_with(b"----") {
            let n = self.run_of(at, b'-');
            self.push(Kind::Rule, at, at + n);
            *i = at + n;
        }
    }

    /// A heading line starting at `*i` (which holds `=`): pushes its opener
    /// and notes where its closer is. False if the line is no heading.
    fn heading(&mut self, i: &mut usize) -> bool {
        let src = self.src;
        let line_end = src[*i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |p| *i + p);
        let line = &src[*i..line_end];
        let trimmed_len = line.len()
            - line
                .iter()
                .rev()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | 1))
                .count();
        let line = &line[..trimmed_len];
        let lead = line.iter().take_while(|&&b| b == b'=').count();
        if lead == line.len() {
            return false;
        }
        let trail = line.iter().rev().take_while(|&&b| b == b'=').count();
        let level = lead.min(trail).min(6);
        if level == 0 {
            return false;
        }
        self.push(Kind::HeadingOpen, *i, *i + level);
        let close_at = *i + line.len() - level;
        self.heading_close = Some((close_at, close_at + level));
        *i += level;
        true
    }

    fn braces_open(&mut self, i: &mut usize) {
        let n = self.run_of(*i, b'{');
        if n == 1 {
            self.push(Kind::Text, *i, *i + 1);
            *i += 1;
            return;
        }
        // 2s, ending in a 3 when the run is odd: `{{{{{1}}}}}` is a
        // template whose name is a parameter.
        let mut pos = *i;
        let mut left = n;
        while left > 0 {
            let width = if left == 3 { 3 } else { 2 };
            self.open(
                Open::Brace,
                Kind::BraceOpen { width },
                pos,
                pos + width as usize,
            );
            pos += width as usize;
            left -= width as usize;
        }
        *i += n;
    }

    fn braces_close(&mut self, i: &mut usize) {
        let n = self.run_of(*i, b'}');
        let mut pos = *i;
        let end = *i + n;
        while end - pos >= 2 && self.open_count[Open::Brace as usize] > 0 {
            let opener = self.unwind_to(Open::Brace);
            let Some(&Token {
                kind: Kind::BraceOpen { width },
                ..
            }) = self.tokens.get(opener as usize)
            else {
                break;
            };
            let width = if width == 3 && end - pos >= 3 {
                3
            } else {
                if width == 3 {
                    // `{{{x}}`: a template after a stray `{`.
                    let t = &mut self.tokens[opener as usize];
                    t.start += 1;
                    t.kind = Kind::BraceOpen { width: 2 };
                }
                2
            };
            self.pop();
            self.pair(opener, Kind::BraceClose, pos, pos + width);
            pos += width;
        }
        self.push_unmatched(pos, end);
        *i = end;
    }

    /// What is left of a closing run once openers are matched: one
    /// character is text, more are stray markup.
    fn push_unmatched(&mut self, pos: usize, end: usize) {
        match end - pos {
            0 => {}
            1 => {
                self.push(Kind::Text, pos, end);
            }
            _ => {
                self.push(Kind::Stray, pos, end);
            }
        }
    }

    fn brackets_open(&mut self, i: &mut usize) {
        let n = self.run_of(*i, b'[');
        if n == 1 {
            if let Some(url_len) = url_len(&self.src[*i + 1..]) {
                self.open(Open::Ext, Kind::ExtOpen, *i, *i + 1 + url_len);
                *i += 1 + url_len;
            } else {
                self.push(Kind::Text, *i, *i + 1);
                *i += 1;
            }
            return;
        }
        let link_at = *i + n - 2;
        if n > 2 {
            self.push(Kind::Text, *i, link_at);
        }
        self.open(Open::Link, Kind::LinkOpen, link_at, link_at + 2);
        *i += n;
    }

    fn brackets_close(&mut self, i: &mut usize) {
        let n = self.run_of(*i, b']');
        let mut pos = *i;
        let end = *i + n;
        loop {
            let left = end - pos;
            if left == 0 {
                break;
            }
            if let Some(&(Open::Ext, opener)) = self.stack.last() {
                self.pop();
                self.pair(opener, Kind::ExtClose, pos, pos + 1);
                pos += 1;
            } else if left >= 2 && self.open_count[Open::Link as usize] > 0 {
                let opener = self.unwind_to(Open::Link);
                self.pop();
                self.pair(opener, Kind::LinkClose, pos, pos + 2);
                pos += 2;
            } else {
                break;
            }
        }
        self.push_unmatched(pos, end);
        *i = end;
    }
}

/// URL schemes MediaWiki links externally (`$wgUrlProtocols`, the common ones).
const URL_SCHEMES: &[&[u8]] = &[
    b"http://",
    b"https://",
    b"//",
    b"ftp://",
    b"ftps://",
    b"sftp://",
    b"mailto:",
    b"news:",
    b"irc://",
    b"ircs://",
    b"gopher://",
    b"git://",
    b"svn://",
    b"ssh://",
    b"telnet://",
    b"nntp://",
    b"worldwind://",
    b"urn:",
    b"xmpp:",
    b"sip:",
    b"sips:",
    b"sms:",
    b"tel:",
    b"geo:",
    b"magnet:",
    b"mms://",
    b"bitcoin:",
];

/// Length of the URL at the start of `s` (scheme included), if it is one.
fn url_len(s: &[u8]) -> Option<usize> {
    let scheme = URL_SCHEMES
        .iter()
        .find(|scheme| s.len() > scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme))?;
    let len = s
        .iter()
        .take_while(|&&b| {
            !b.is_ascii_whitespace()
                && !matches!(b, b'[' | b']' | b'<' | b'>' | b'"' | b'{' | b'}' | b'|')
        })
        .count();
    (len > scheme.len()).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_ends_at_the_first_special_byte() {
        for at in 0..20 {
            for b in 0..=255u8 {
                let mut src = vec![b'a'; 20];
                src[at] = b;
                let want = if is_special(b) { at } else { 20 };
                assert_eq!(text_end(&src, 0), want, "byte {b:#x} at {at}");
                assert_eq!(text_end(&src, at.min(3)), want.max(at.min(3)));
            }
        }
    }

    fn kinds(src: &str) -> Vec<Kind> {
        scan(src).iter().map(|t| t.kind).collect()
    }

    fn matched(src: &str) -> Vec<(usize, usize)> {
        let tokens = scan(src);
        tokens
            .iter()
            .enumerate()
            .filter(|(i, t)| t.partner != NONE && (t.partner as usize) > *i)
            .map(|(_, t)| (t.start, tokens[t.partner as usize].end))
            .collect()
    }

    #[test]
    fn nested_templates_match() {
        assert_eq!(matched("{{a|{{b}}}}"), vec![(0, 11), (4, 9)]);
        assert_eq!(matched("{{{1}}}"), vec![(0, 7)]);
        assert_eq!(matched("{{{{{1}}}}}"), vec![(0, 11), (2, 9)]);
        assert_eq!(matched("{{{x}}"), vec![(1, 6)]);
    }

    #[test]
    fn unclosed_link_inside_template_is_given_up() {
        let tokens = scan("{{a|[[b}}");
        assert_eq!(tokens[0].partner as usize, tokens.len() - 1);
        assert_eq!(tokens[3].kind, Kind::LinkOpen);
        assert_eq!(tokens[3].partner, NONE);
    }

    #[test]
    fn file_with_nested_links_matches() {
        assert_eq!(matched("[[F:x|a [[b]]]]"), vec![(0, 15), (8, 13)]);
    }

    #[test]
    fn stray_closers() {
        assert_eq!(
            kinds("a]]b}}"),
            vec![Kind::Text, Kind::Stray, Kind::Text, Kind::Stray]
        );
    }

    #[test]
    fn tables_nest_and_unclosed_ones_close_at_the_end() {
        assert_eq!(matched("{|\n{|\n|}\n|}x"), vec![(0, 11), (3, 8)]);
        let tokens = scan("{|\na");
        assert_ne!(tokens[0].partner, NONE);
    }

    #[test]
    fn headings_lists_and_rules() {
        assert_eq!(
            kinds("== A ==\n* b\n----"),
            vec![
                Kind::HeadingOpen,
                Kind::Text,
                Kind::HeadingClose,
                Kind::Newline,
                Kind::ListMarker,
                Kind::Text,
                Kind::Newline,
                Kind::Rule
            ]
        );
        assert_eq!(kinds("=="), vec![Kind::Text]);
    }

    #[test]
    fn external_links() {
        assert_eq!(
            matched("[http://x.org label] [http://y]"),
            vec![(0, 20), (21, 31)]
        );
        assert_eq!(kinds("[http://x.org\n]")[0], Kind::ExtOpen);
        assert_eq!(scan("[http://x.org\n]")[0].partner, NONE);
        assert_eq!(kinds("[not a link]")[0], Kind::Text);
    }
}
