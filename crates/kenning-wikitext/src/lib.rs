//! Wikitext → plain data.
//!
//! This crate owns the reading of one page's wikitext (`<text>` of a dump):
//! its lead summary as clean plain text, the whole page as plain text, the
//! links to articles with their anchor text and byte offsets, the
//! categories, the interlanguage links written in the page and the
//! redirect target. [`extract`] does it all in three linear passes:
//!
//! 1. *preprocess*: comments, `<ref>`s and other extension tags removed,
//!    `<nowiki>`/`<math>` made literal, HTML formatting tags dropped;
//! 2. *scan*: tokens, with brackets (`{{ }}`, `[[ ]]`, `[url ]`, `{| |}`)
//!    matched on an explicit stack;
//! 3. *emit*: one walk over the tokens writing the text, skipping what is
//!    removed by jumping to its matching token.
//!
//! It never fails, never panics and takes linear time on any input: bad
//! markup is data (an unclosed `{{` is dropped and the text after it kept,
//! an unclosed comment runs to the end of the page).
//!
//! It deliberately does not expand templates (it has no template
//! definitions): every template is removed except a short documented list of
//! inline ones whose text leads show (`{{lang}}`, `{{nowrap}}`,
//! `{{convert}}`, …, see the `templates` module). It does not render
//! tables, image captions or references, does not resolve links (it
//! normalises their titles with [`kenning_model::Namespaces`] only), does no
//! IO and knows nothing of dumps.

#![forbid(unsafe_code)]

mod emit;
mod preprocess;
mod redirect;
mod scan;
mod sink;
mod swar;
mod templates;

use std::cell::RefCell;

use kenning_model::Namespaces;

/// Buffers the passes reuse from page to page on each thread: the
/// pass-1 text and the tokens (saves two page-sized allocations per page).
/// Nothing in them outlives a call to [`extract`].
#[derive(Default)]
struct Scratch {
    clean: String,
    tokens: Vec<scan::Token>,
}

impl Scratch {
    /// Buffers larger than this many bytes are freed after the page that
    /// needed them, so one huge page does not pin its memory on a thread.
    const KEEP_BYTES: usize = 1 << 20;

    fn trim(&mut self) {
        if self.clean.capacity() > Self::KEEP_BYTES {
            self.clean = String::new();
        }
        if self.tokens.capacity() * std::mem::size_of::<scan::Token>() > Self::KEEP_BYTES {
            self.tokens = Vec::new();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What [`extract`] reads out of one page's wikitext.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extract {
    /// The redirect target as written (between `[[` and `]]`, before any
    /// `|`) if the page is a redirect.
    pub redirect: Option<String>,
    /// The lead summary: clean plain text of what comes before the first
    /// section heading (or, if that is empty, the first paragraph of the
    /// first section); paragraphs joined with `"\n"`.
    pub lead: String,
    /// The whole page as plain text: the lead, then every section, each
    /// heading on its own line; paragraphs separated by `"\n\n"`.
    pub text: String,
    /// Links to articles (namespace 0), in document order.
    pub links: Vec<WikiLink>,
    /// Category names (normalised, sort keys dropped), in document order,
    /// each once.
    pub categories: Vec<String>,
    /// The interlanguage links written in the page (`[[fr:Titre]]`), which
    /// are not in [`text`](Self::text): the first one to each language, in
    /// document order. Empty (and unallocated) for most pages of today's
    /// dumps, whose links between languages live in Wikidata.
    pub language_links: Vec<LanguageLink>,
}

/// An interlanguage link: `[[fr:Titre]]` says the page is about the same
/// thing as `Titre` on the French Wikipedia.
///
/// It is a link whose prefix is a language code (`fr`, `zh-yue`,
/// `simple`, …, see [`kenning_model::is_interwiki_prefix`]; not a sister
/// project's prefix such as `wikt`, nor `w`) and which does not begin with
/// `:` (`[[:fr:Titre]]` is a link shown in the text, to a page of another
/// wiki). MediaWiki shows one link per language, the first; a page's
/// language links are found in its text and in its tables (an infobox left
/// open to the end of the page still holds them), not in template
/// arguments, references or file captions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageLink {
    /// The language code: the prefix lower-cased (`[[FR:X]]` → `fr`).
    pub lang: String,
    /// The title on that language's wiki, never empty: the target as
    /// written, with HTML entities and `%XX` escapes decoded, the
    /// `#fragment` dropped, `_` and runs of white space made one space,
    /// and the ends trimmed. Its first letter is left as written: the
    /// other wiki's case rules decide what it means.
    pub title: String,
}

/// A link to an article, as it appears in [`Extract::text`].
#[derive(Clone, Debug, PartialEq)]
pub struct WikiLink {
    /// The normalised title of the target article (`#fragment` dropped).
    pub target: String,
    /// Byte offset in [`Extract::text`] of the anchor, the visible text:
    /// the label, or the target as written, plus the link trail
    /// (`[[Bolshevik]]s` → `Bolsheviks`). [`Extract::anchor`] reads it.
    pub start: usize,
    /// Byte offset just past the anchor.
    pub end: usize,
    /// The link is in the lead (and its anchor in [`Extract::lead`]).
    pub in_lead: bool,
    /// Where the anchor is in [`Extract::lead`], for links in the lead:
    /// `&lead[a..b]` is the same text as `&text[start..end]`.
    pub lead_range: Option<(usize, usize)>,
}

impl Extract {
    /// The anchor of one of this page's links: its visible text.
    pub fn anchor(&self, link: &WikiLink) -> &str {
        self.text.get(link.start..link.end).unwrap_or("")
    }
}

/// Reads one page's wikitext. `namespaces` tells which link prefixes are
/// namespaces (files, categories, their localised names) and how titles are
/// normalised.
pub fn extract(wikitext: &str, namespaces: &Namespaces) -> Extract {
    let (redirect, body) = match redirect::parse_redirect(wikitext) {
        Some((target, end)) => (Some(target.to_owned()), &wikitext[end..]),
        None => (None, wikitext),
    };
    let emitted = SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let Scratch { clean, tokens } = &mut *scratch;
        preprocess::preprocess_into(body, clean);
        scan::scan_into(clean, tokens);
        let emitted = emit::emit(clean, tokens, namespaces);
        scratch.trim();
        emitted
    });
    let text = emitted.text;

    let (lead_start, lead_end) = lead_range(&text, emitted.first_heading, &emitted.headings);
    // Defensive: the sink never leaves whitespace at a paragraph's edges.
    let lead_start = lead_end - text[lead_start..lead_end].trim_start().len();
    let lead_end = lead_start + text[lead_start..lead_end].trim_end().len();
    let lead = text[lead_start..lead_end].replace("\n\n", "\n");
    // The lead joins paragraphs with one newline instead of two: each
    // "\n\n" before an anchor shifts it left by one. Links come in text
    // order, so the pairs are counted once, incrementally (linear time).
    let mut counted_to = lead_start;
    let mut shift = 0;
    let links = emitted
        .links
        .into_iter()
        .map(|l| {
            let in_lead = l.start >= lead_start && l.end <= lead_end;
            let lead_range = in_lead.then(|| {
                if l.start > counted_to {
                    shift += count_paragraph_breaks(&text[counted_to..l.start]);
                    counted_to = l.start;
                }
                (l.start - lead_start - shift, l.end - lead_start - shift)
            });
            WikiLink {
                in_lead,
                lead_range,
                target: l.target,
                start: l.start,
                end: l.end,
            }
        })
        .collect();
    Extract {
        redirect,
        lead,
        links,
        categories: emitted.categories,
        language_links: emitted.language_links,
        text,
    }
}

/// Non-overlapping `"\n\n"` pairs in `s`, as `str::replace` would find
/// them. Counting a prefix in pieces gives the same total because a piece
/// never ends inside a pair: pieces end where a link anchor starts.
fn count_paragraph_breaks(s: &str) -> usize {
    s.matches("\n\n").count()
}

/// The byte range of the lead in `text`: everything before the first
/// heading, or, if that is blank, the first paragraph after it that is not
/// itself a heading.
fn lead_range(
    text: &str,
    first_heading: Option<usize>,
    headings: &[emit::Heading],
) -> (usize, usize) {
    let before = first_heading.unwrap_or(text.len()).min(text.len());
    let lead = text[..before].trim_end();
    let Some(first) = headings.first().filter(|_| lead.is_empty()) else {
        return (0, lead.len());
    };
    let mut heading = headings[1..].iter().peekable();
    let mut pos = first.end;
    while pos < text.len() {
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start_matches('\n').len();
        let start = pos + skipped;
        let end = text[start..].find("\n\n").map_or(text.len(), |p| start + p);
        while heading.next_if(|h| h.start < start).is_some() {}
        match heading.peek() {
            // A subsection right at the start of the first section.
            Some(h) if h.start == start && h.level > first.level => pos = end,
            // The first section ends with no text of its own.
            Some(h) if h.start == start => break,
            _ => return (start, end),
        }
    }
    (0, 0)
}

/// The redirect target as written between `[[` and `]]` (before any `|`)
/// if the page is a redirect: `#REDIRECT [[Target]]` in any case, with or
/// without a space or colon after the keyword, in the localised spellings
/// `#WEITERLEITUNG`, `#REDIRECTION`, `#PĀRADRESĒT`, `#REDIRECCIÓN`,
/// `#RINVIA` and a few more.
pub fn redirect_target(wikitext: &str) -> Option<&str> {
    redirect::parse_redirect(wikitext).map(|(target, _)| target)
}

/// The first sentence of a lead: up to and including the `.` of the first
/// `". "` that is followed by an upper-case letter, within the first line;
/// the whole first line if there is no such boundary. Leading and trailing
/// whitespace are not included.
pub fn first_sentence(lead: &str) -> &str {
    let line = lead.trim_start();
    let line = line.split('\n').next().unwrap_or("");
    let mut search = 0;
    while let Some(p) = line[search..].find(". ") {
        let dot = search + p;
        if line[dot + 2..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
        {
            return &line[..=dot];
        }
        search = dot + 2;
    }
    line.trim_end()
}

#[cfg(test)]
mod tests;
