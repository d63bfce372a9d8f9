//! Pass 3: walks the tokens once and writes plain text, links and
//! categories. What is removed is skipped by jumping to its matching token;
//! what is shown from inside a construct (a link label, a kept template's
//! argument) is walked with an explicit frame stack, never by recursion.

use std::collections::HashSet;

use kenning_model::{
    LinkTarget, NS_CATEGORY, NS_FILE, Namespaces, SISTER_PROJECTS, decode_html_entities,
};

use crate::LanguageLink;
use crate::scan::{Kind, NONE, Token};
use crate::sink::Sink;
use crate::templates::{Inline, convert_text, inline_rule, normalize_name};

/// Namespace -2: `[[Media:x.ogg]]` links straight to a file.
const NS_MEDIA: i32 = -2;

/// A link found while writing, offsets in the text.
#[derive(Debug)]
pub(crate) struct FoundLink {
    pub(crate) target: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Everything pass 3 produces.
#[derive(Debug)]
pub(crate) struct Emitted {
    pub(crate) text: String,
    pub(crate) links: Vec<FoundLink>,
    pub(crate) categories: Vec<String>,
    pub(crate) language_links: Vec<LanguageLink>,
    /// Offset in `text` of the first section heading, if any.
    pub(crate) first_heading: Option<usize>,
    /// Byte ranges and levels of the section headings in `text`.
    pub(crate) headings: Vec<Heading>,
}

/// A section heading in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Heading {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// 2 for `== X ==`.
    pub(crate) level: usize,
}

/// What to do when a frame's tokens are done.
#[derive(Debug)]
enum Exit {
    Nothing,
    /// End of a link label: add the trail, then record the link if it has a
    /// target.
    Link {
        target: Option<String>,
        close_end: usize,
    },
}

/// A range of tokens being shown from inside a construct.
#[derive(Debug)]
struct Frame {
    /// First token index after the range.
    end: usize,
    /// Where to continue afterwards.
    resume: usize,
    exit: Exit,
}

struct Emitter<'a> {
    src: &'a str,
    /// Byte offsets of every `&` in `src`: text without one needs no
    /// entity decoding (most text runs; found once, with SIMD, instead of
    /// looking for `&` in every run).
    ampersands: Vec<usize>,
    tokens: &'a [Token],
    ns: &'a Namespaces,
    sink: Sink,
    frames: Vec<Frame>,
    /// Labels of links being written (links inside them are not recorded).
    open_links: usize,
    /// Text before this byte offset was already written as a link trail.
    skip_until: usize,
    links: Vec<FoundLink>,
    categories: Vec<String>,
    seen_categories: HashSet<String>,
    /// The first link to each language (few: a linear search finds one).
    language_links: Vec<LanguageLink>,
    first_heading: Option<usize>,
    heading_start: Option<(usize, usize)>,
    headings: Vec<Heading>,
}

/// Runs pass 3 over the tokens of `src`.
pub(crate) fn emit(src: &str, tokens: &[Token], ns: &Namespaces) -> Emitted {
    let mut e = Emitter {
        src,
        ampersands: memchr::memchr_iter(b'&', src.as_bytes()).collect(),
        tokens,
        ns,
        sink: Sink::with_capacity(src.len() / 2),
        frames: Vec::new(),
        open_links: 0,
        skip_until: 0,
        links: Vec::new(),
        categories: Vec::new(),
        seen_categories: HashSet::new(),
        language_links: Vec::new(),
        first_heading: None,
        heading_start: None,
        headings: Vec::new(),
    };
    e.run();
    let text = e.sink.into_string();
    let len = text.len();
    e.links.retain(|l| l.end <= len);
    Emitted {
        text,
        links: e.links,
        categories: e.categories,
        language_links: e.language_links,
        first_heading: e.first_heading.map(|h| h.min(len)),
        headings: e
            .headings
            .into_iter()
            .filter(|h| h.start < h.end && h.end <= len)
            .collect(),
    }
}

impl<'a> Emitter<'a> {
    fn run(&mut self) {
        let mut i = 0;
        loop {
            while let Some(frame) = self.frames.last() {
                if i < frame.end {
                    break;
                }
                let Some(frame) = self.frames.pop() else {
                    break;
                };
                i = frame.resume;
                self.exit(frame.exit);
            }
            let Some(&token) = self.tokens.get(i) else {
                break;
            };
            i = self.token(i, token);
        }
    }

    /// Handles the token at `i`; returns the next index.
    fn token(&mut self, i: usize, t: Token) -> usize {
        let matched = t.partner != NONE && (t.partner as usize) > i;
        match t.kind {
            Kind::Text => self.text(t.start, t.end),
            Kind::Newline => self.sink.push('\n'),
            Kind::Quotes { count } => {
                // `''''` is an apostrophe then bold; longer runs likewise.
                if count == 4 || count > 5 {
                    self.sink.push('\'');
                }
            }
            Kind::Pipe => {}
            Kind::Stray => self.sink.mark_removed(),
            Kind::ListMarker => self.sink.list_line(),
            Kind::Rule => self.sink.paragraph_break(),
            Kind::HeadingOpen => {
                if self.frames.is_empty() {
                    if self.first_heading.is_none() {
                        self.first_heading = Some(self.sink.len());
                    }
                    let start = self.sink.break_paragraph_now();
                    self.heading_start = Some((start, t.end - t.start));
                } else {
                    self.sink.paragraph_break();
                }
            }
            Kind::HeadingClose => {
                self.sink.fence();
                if let Some((start, level)) = self.heading_start.take() {
                    self.headings.push(Heading {
                        start,
                        end: self.sink.len(),
                        level,
                    });
                }
                self.sink.paragraph_break();
            }
            Kind::BraceOpen { width } if matched => {
                return self.template(i, width);
            }
            Kind::LinkOpen if matched => return self.link(i),
            Kind::ExtOpen if matched => {
                let close = t.partner as usize;
                if self.tokens[i + 1..close]
                    .iter()
                    .all(|t| t.kind == Kind::Text && self.src[t.start..t.end].trim().is_empty())
                {
                    // `[http://x]` shows a footnote number: dropped.
                    self.sink.mark_removed();
                    return close + 1;
                }
                self.frames.push(Frame {
                    end: close,
                    resume: close + 1,
                    exit: Exit::Nothing,
                });
            }
            Kind::ExtOpen => self.text(t.start + 1, t.end),
            Kind::TableOpen if matched => {
                // The table is not text, but MediaWiki still puts the page
                // in the categories named inside it and shows its language
                // links (an infobox table left open to the end of the page
                // holds them all).
                self.page_links_within(i + 1, t.partner as usize);
                self.sink.mark_removed();
                return t.partner as usize + 1;
            }
            Kind::BraceOpen { .. } | Kind::LinkOpen | Kind::TableOpen => self.sink.mark_removed(),
            Kind::BraceClose | Kind::LinkClose | Kind::ExtClose | Kind::TableClose => {}
        }
        i + 1
    }

    fn exit(&mut self, exit: Exit) {
        match exit {
            Exit::Nothing => {}
            Exit::Link { target, close_end } => self.finish_link(target, close_end),
        }
    }

    /// Writes `src[start..end]` (minus any part already written as a trail).
    fn text(&mut self, start: usize, end: usize) {
        let start = start.max(self.skip_until);
        if start < end
            && let Some(raw) = self.src.get(start..end)
        {
            let next_amp = self.ampersands.partition_point(|&a| a < start);
            if self.ampersands.get(next_amp).is_some_and(|&a| a < end) {
                self.sink.push_str(&decode_html_entities(raw));
            } else {
                self.sink.push_str(raw);
            }
        }
    }

    /// Index of the first top-level pipe in tokens `from..close`, or `close`.
    fn first_pipe(&self, from: usize, close: usize) -> usize {
        let mut j = from;
        while j < close {
            let t = self.tokens[j];
            if t.kind == Kind::Pipe {
                return j;
            }
            j = self.skip(j);
        }
        close
    }

    /// Next sibling of token `j`: past its partner if it opens a construct.
    fn skip(&self, j: usize) -> usize {
        let t = self.tokens[j];
        let opens = matches!(
            t.kind,
            Kind::BraceOpen { .. } | Kind::LinkOpen | Kind::ExtOpen | Kind::TableOpen
        );
        if opens && t.partner != NONE && t.partner as usize > j {
            t.partner as usize + 1
        } else {
            j + 1
        }
    }

    /// The source text of tokens `from..to` if they are all plain text
    /// (newlines allowed).
    fn plain(&self, from: usize, to: usize) -> Option<&'a str> {
        let ok = self.tokens[from..to]
            .iter()
            .all(|t| matches!(t.kind, Kind::Text | Kind::Newline));
        if !ok {
            return None;
        }
        let start = self.tokens.get(from).map_or(0, |t| t.start);
        let end = self.tokens.get(to).map_or(self.src.len(), |t| t.start);
        if from == to {
            return Some("");
        }
        self.src.get(start..end)
    }

    /// `{{…}}` at `i`: removed, or shown if it is one of the kept inline
    /// templates. Returns the next index.
    fn template(&mut self, i: usize, width: u8) -> usize {
        let close = self.tokens[i].partner as usize;
        let skip = close + 1;
        if width != 2 {
            self.sink.mark_removed();
            return skip;
        }
        let name_end = self.first_pipe(i + 1, close);
        let rule = self
            .plain(i + 1, name_end)
            .and_then(normalize_name)
            .and_then(|name| inline_rule(&name));
        let Some(rule) = rule else {
            self.sink.mark_removed();
            return skip;
        };
        // Top-level argument ranges (between pipes).
        let mut args = Vec::new();
        let mut start = name_end + 1;
        let mut j = start;
        while j < close {
            if self.tokens[j].kind == Kind::Pipe {
                args.push((start, j));
                start = j + 1;
            }
            j = self.skip(j);
        }
        if name_end < close {
            args.push((start, close));
        }
        let positional: Vec<(usize, usize)> = args
            .into_iter()
            .filter(|&(a, b)| !self.is_named(a, b))
            .collect();
        let chosen = match rule {
            Inline::Literal(text) => {
                self.sink.push_str(text);
                return skip;
            }
            Inline::Convert => {
                let values: Vec<String> = positional
                    .iter()
                    .map(|&(a, b)| {
                        self.plain(a, b)
                            .map(|s| decode_html_entities(s.trim()).into_owned())
                    })
                    .take_while(Option::is_some)
                    .flatten()
                    .collect();
                match convert_text(&values) {
                    Some(text) => self.sink.push_str(&text),
                    None => self.sink.mark_removed(),
                }
                return skip;
            }
            Inline::Arg(n) => positional.get(n - 1).copied(),
            Inline::LastArg => positional.last().copied(),
        };
        match chosen {
            Some((a, b)) => {
                self.frames.push(Frame {
                    end: b,
                    resume: skip,
                    exit: Exit::Nothing,
                });
                a
            }
            None => {
                self.sink.mark_removed();
                skip
            }
        }
    }

    /// Whether the argument in tokens `from..to` is named (`key=value`).
    fn is_named(&self, from: usize, to: usize) -> bool {
        let mut j = from;
        while j < to {
            let t = self.tokens[j];
            if t.kind == Kind::Text && self.src[t.start..t.end].contains('=') {
                return true;
            }
            j = self.skip(j);
        }
        false
    }

    /// Records the links among tokens `from..to` (nested at any depth)
    /// that belong to the page rather than to its text, categories and
    /// language links, as [`link`](Self::link) would, writing nothing.
    fn page_links_within(&mut self, from: usize, to: usize) {
        for j in from..to.min(self.tokens.len()) {
            let t = self.tokens[j];
            if t.kind != Kind::LinkOpen || t.partner == NONE || t.partner as usize <= j {
                continue;
            }
            let close = t.partner as usize;
            let pipe = self.first_pipe(j + 1, close);
            let Some(raw) = self.plain(j + 1, pipe) else {
                continue;
            };
            match self.ns.parse_link(raw) {
                Some(LinkTarget::Page {
                    ns: NS_CATEGORY,
                    escaped: false,
                    title,
                }) => {
                    if let Some(name) = self.ns.normalize_in(NS_CATEGORY, &title)
                        && self.seen_categories.insert(name.clone())
                    {
                        self.categories.push(name);
                    }
                }
                Some(LinkTarget::Interwiki {
                    escaped: false,
                    prefix,
                    title,
                }) if !SISTER_PROJECTS.contains(&prefix.as_str()) => {
                    self.language_link(prefix, title);
                }
                _ => {}
            }
        }
    }

    /// Records a language link (`lang` lower-cased, `title` normalised by
    /// [`Namespaces::parse_link`]) unless its title is empty, the page
    /// already links to that language, or the prefix is `w`, which names
    /// Wikipedia itself rather than a language. Out of line: most pages
    /// of today's dumps have no language links, and `link` stays small.
    #[cold]
    #[inline(never)]
    fn language_link(&mut self, lang: String, title: String) {
        // Codes are short: compared byte by byte rather than through a
        // `memcmp` call each (pages of 2012 link to a hundred languages).
        let seen = |l: &LanguageLink| {
            l.lang.len() == lang.len() && l.lang.bytes().zip(lang.bytes()).all(|(a, b)| a == b)
        };
        if title.is_empty() || lang == "w" || self.language_links.iter().any(seen) {
            return;
        }
        self.language_links.push(LanguageLink { lang, title });
    }

    /// `[[…]]` at `i`. Returns the next index.
    fn link(&mut self, i: usize) -> usize {
        let close = self.tokens[i].partner as usize;
        let close_end = self.tokens[close].end;
        let pipe = self.first_pipe(i + 1, close);
        let raw_target = self.plain(i + 1, pipe).unwrap_or("");
        let mut parsed = if raw_target.is_empty() {
            None
        } else {
            self.ns.parse_link(raw_target)
        };
        // Mutable only so that a language link's strings are moved out.
        let record = match &mut parsed {
            Some(LinkTarget::Page {
                ns: NS_FILE | NS_MEDIA,
                escaped: false,
                ..
            }) => {
                self.sink.mark_removed();
                return close + 1;
            }
            Some(LinkTarget::Page {
                ns: NS_CATEGORY,
                escaped: false,
                title,
            }) => {
                if let Some(name) = self.ns.normalize_in(NS_CATEGORY, title)
                    && self.seen_categories.insert(name.clone())
                {
                    self.categories.push(name);
                }
                self.sink.mark_removed();
                return close + 1;
            }
            Some(LinkTarget::Interwiki {
                escaped: false,
                prefix,
                title,
            }) if !SISTER_PROJECTS.contains(&prefix.as_str()) => {
                // A language link: dropped from the text, recorded.
                // Sister-project links stay inline.
                self.language_link(std::mem::take(prefix), std::mem::take(title));
                self.sink.mark_removed();
                return close + 1;
            }
            Some(LinkTarget::Page { ns: 0, title, .. }) if self.open_links == 0 => {
                Some(title.clone())
            }
            _ => None,
        };
        if parsed.is_none() && pipe == close && self.plain(i + 1, close).is_none() {
            // Not a link MediaWiki would make (`[[{{x}}]]`): show what is inside.
            self.frames.push(Frame {
                end: close,
                resume: close + 1,
                exit: Exit::Nothing,
            });
            return i + 1;
        }
        if record.is_some() {
            self.sink.open_anchor();
        }
        let label_empty = pipe < close
            && self
                .plain(pipe + 1, close)
                .is_some_and(|s| s.trim().is_empty());
        if pipe < close && !label_empty {
            self.open_links += 1;
            self.frames.push(Frame {
                end: close,
                resume: close + 1,
                exit: Exit::Link {
                    target: record,
                    close_end,
                },
            });
            return pipe + 1;
        }
        let shown = if pipe < close {
            pipe_trick(raw_target, &parsed)
        } else {
            let t = raw_target.trim();
            t.strip_prefix(':').unwrap_or(t)
        };
        self.sink.push_str(&decode_html_entities(shown));
        self.open_links += 1;
        self.finish_link(record, close_end);
        close + 1
    }

    /// Writes the link trail after `close_end`, closes the anchor and records
    /// the link.
    fn finish_link(&mut self, target: Option<String>, close_end: usize) {
        self.open_links = self.open_links.saturating_sub(1);
        let rest = self.src.get(close_end..).unwrap_or("");
        let trail_len = rest
            .char_indices()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(rest.len(), |(k, _)| k);
        if trail_len > 0 && close_end >= self.skip_until {
            self.sink.push_str(&rest[..trail_len]);
            self.skip_until = close_end + trail_len;
        }
        if let Some(target) = target
            && let Some((start, end)) = self.sink.close_anchor()
        {
            self.links.push(FoundLink { target, start, end });
        }
    }
}

/// What `[[target|]]` shows: no namespace or interwiki prefix, no trailing
/// `(…)`, nothing after a comma.
fn pipe_trick<'a>(raw: &'a str, parsed: &Option<LinkTarget>) -> &'a str {
    let mut s = raw.trim();
    s = s.strip_prefix(':').unwrap_or(s);
    let prefixed = matches!(parsed, Some(LinkTarget::Page { ns, .. }) if *ns != 0)
        || matches!(parsed, Some(LinkTarget::Interwiki { .. }));
    if prefixed && let Some((_, rest)) = s.split_once(':') {
        s = rest.trim_start();
    }
    if let Some(open) = s.rfind(" (")
        && s.ends_with(')')
    {
        s = &s[..open];
    } else if let Some((before, _)) = s.split_once(", ") {
        s = before;
    }
    s.trim()
}
