//! MediaWiki XML exports (schema 0.9 to 0.11).
//!
//! The export format is a small, regular subset of XML: a `<mediawiki>`
//! root, one `<siteinfo>`, then `<page>` elements whose text content is
//! escaped. This reader exploits that: it finds each `<page>…</page>` with
//! a byte search, checks it is UTF-8, and pulls the few fields it needs,
//! which is several times faster than a general XML parser and gives
//! errors that say what a person can fix.

use std::io::BufRead;
use std::path::PathBuf;

use kenning_model::{Case, Namespaces, PageId};
use memchr::memmem;

use crate::DumpError;
use crate::input::{Input, read_error};

/// What `<siteinfo>` says about the wiki.
#[derive(Clone, Debug, Default)]
pub struct SiteInfo {
    /// `<sitename>`, e.g. "Wikipedia".
    pub sitename: String,
    /// `<dbname>`, e.g. "enwiki".
    pub dbname: String,
    /// `<base>`: the URL of the main page.
    pub base: Option<String>,
    /// `<generator>`, e.g. "MediaWiki 1.27.0-wmf.22".
    pub generator: String,
    /// The export schema version from the root element, e.g. "0.10".
    pub schema_version: String,
    /// The `xml:lang` attribute of the root element as written (`"en"`,
    /// `"ltg"`), `None` when absent or empty. Old exports wrote `"en"`
    /// whatever the wiki: [`language`](Self::language) trusts it last.
    pub xml_lang: Option<String>,
    /// `<case>` of the wiki.
    pub case: Case,
    /// The namespace table, local names included.
    pub namespaces: Namespaces,
}

impl SiteInfo {
    /// The URL of an article on the wiki, built from `<base>`:
    /// `https://en.wikipedia.org/wiki/Main_Page` gives
    /// `https://en.wikipedia.org/wiki/Foreign_relations_of_the_Soviet_Union`.
    pub fn article_url(&self, full_title: &str) -> Option<String> {
        let base = self.base.as_deref()?;
        let prefix = &base[..base.rfind('/')? + 1];
        Some(format!("{prefix}{}", encode_title_for_url(full_title)))
    }

    /// Which language edition the dump is: a language code such as `en`,
    /// `zh-yue` or `be-x-old` (the codes of
    /// [`LangLink::lang`](crate::LangLink::lang) and of interlanguage link
    /// prefixes), or `None` when nothing in the head says.
    ///
    /// The first of these that gives a well-formed code (lowercase ASCII
    /// letters and `-`, starting and ending with a letter, 2 to 12 bytes)
    /// is the answer:
    ///
    /// 1. the database name, read by [`wiki_language`](crate::wiki_language),
    ///    when it names a Wikipedia edition: `enwiki` → `en`, `zh_yuewiki`
    ///    → `zh-yue`; `commonswiki`, or `starwarswiki` on a wiki outside
    ///    Wikimedia, names no language and falls through;
    /// 2. the host of `<base>` when it is `{code}.wikipedia.org` (or the
    ///    mobile `{code}.m.wikipedia.org`): schemas before 0.7 have no
    ///    `<dbname>`, and `http://de.wikipedia.org/wiki/Wikipedia:Hauptseite`
    ///    gives `de`;
    /// 3. [`xml_lang`](Self::xml_lang), lower-cased.
    ///
    /// The wiki's own name comes before `xml:lang` because old exports
    /// (those of 2010, for one) wrote `xml:lang="en"` for every wiki, the
    /// French one included. `xml:lang` is what is left for wikis that are
    /// not Wikipedias (a Fandom wiki, Commons: its content language).
    pub fn language(&self) -> Option<String> {
        crate::wiki_language(self.dbname.trim())
            .filter(|code| kenning_model::is_wikipedia_language(code))
            .map(std::borrow::Cow::into_owned)
            .or_else(|| self.base.as_deref().and_then(wikipedia_host_language))
            .or_else(|| {
                let lang = self.xml_lang.as_deref()?.trim().to_ascii_lowercase();
                kenning_model::is_language_code(&lang).then_some(lang)
            })
    }
}

/// The language of a URL on `{code}.wikipedia.org` or
/// `{code}.m.wikipedia.org` (any scheme, port or path; the host in any
/// case). Hosts that are no language's Wikipedia (`www`, `test`, `meta`,
/// and the others [`wiki_language`](crate::wiki_language) refuses) give
/// `None`.
fn wikipedia_host_language(url: &str) -> Option<String> {
    let url = url.trim();
    let after_scheme = match url.find("//") {
        Some(i) if i == 0 || url[..i].ends_with(':') => &url[i + 2..],
        _ => return None,
    };
    // Byte searches: a `char` one here made LLVM stop inlining the page
    // reader's (`closed_element`) and cost it 0.3% of its instructions.
    let bytes = after_scheme.as_bytes();
    let authority_end = bytes
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(bytes.len());
    let host_start = bytes[..authority_end]
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |at| at + 1);
    let host_end = bytes[host_start..authority_end]
        .iter()
        .position(|&b| b == b':')
        .map_or(authority_end, |colon| host_start + colon);
    let host = &after_scheme[host_start..host_end];
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let subdomain = host.strip_suffix(".wikipedia.org")?;
    let code = subdomain.strip_suffix(".m").unwrap_or(subdomain);
    if code == "www" || !kenning_model::is_language_code(code) {
        return None;
    }
    // Through the database name, which knows the wikis that are no
    // language's (`test.wikipedia.org` is `testwiki`).
    let dbname: String = code
        .chars()
        .map(|c| if c == '-' { '_' } else { c })
        .chain("wiki".chars())
        .collect();
    crate::wiki_language(&dbname).map(|c| c.into_owned())
}

/// Spaces become underscores and bytes that are not safe in a URL path are
/// percent-encoded, as MediaWiki writes its own links.
pub(crate) fn encode_title_for_url(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for b in title.bytes() {
        match b {
            b' ' => out.push('_'),
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'!'
            | b'$'
            | b'('
            | b')'
            | b'*'
            | b','
            | b';'
            | b':'
            | b'@'
            | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One page of the dump (its last revision).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WikiPage {
    /// The full title, with its namespace prefix (`Category:Physics`).
    pub title: String,
    /// The namespace id.
    pub ns: i32,
    /// The page id.
    pub id: PageId,
    /// `<redirect title=…>`: the full title the page redirects to.
    pub redirect: Option<String>,
    /// The revision id.
    pub revision_id: Option<u64>,
    /// The revision timestamp, as written (`2016-05-01T12:00:00Z`).
    pub timestamp: Option<String>,
    /// The wikitext, unescaped.
    pub text: String,
    /// Where the page starts in the decompressed XML.
    pub offset: u64,
}

/// Streams the pages of a MediaWiki XML export, holding one page at a time.
pub struct MediaWikiReader {
    input: Box<dyn BufRead + Send>,
    path: PathBuf,
    /// Bytes read but not yet consumed; `buf[0]` is at `buf_offset`.
    buf: Vec<u8>,
    start: usize,
    buf_offset: u64,
    eof: bool,
    finished: bool,
    siteinfo: SiteInfo,
}

impl std::fmt::Debug for MediaWikiReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaWikiReader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A page larger than this is refused, so memory stays bounded.
const MAX_PAGE_BYTES: usize = 512 << 20;

/// The read buffer keeps at most this much memory between pages: a larger
/// page grows it, and it shrinks back once the page is parsed.
const KEEP_BUFFER_BYTES: usize = 16 << 20;

impl MediaWikiReader {
    /// Reads the root element and `<siteinfo>`; fails if the input is not a
    /// MediaWiki export.
    pub fn new(input: Input) -> Result<Self, DumpError> {
        let mut reader = MediaWikiReader {
            input: input.reader,
            path: input.path,
            buf: Vec::with_capacity(1 << 20),
            start: 0,
            buf_offset: 0,
            eof: false,
            finished: false,
            siteinfo: SiteInfo::default(),
        };
        reader.read_header()?;
        Ok(reader)
    }

    /// What `<siteinfo>` said (defaults when the dump has none).
    pub fn siteinfo(&self) -> &SiteInfo {
        &self.siteinfo
    }

    fn err(&self, offset: u64, message: impl Into<String>) -> DumpError {
        DumpError::Xml {
            path: self.path.clone(),
            offset,
            message: message.into(),
        }
    }

    fn pos(&self) -> u64 {
        self.buf_offset + self.start as u64
    }

    /// Reads more bytes; false at the end of the input.
    fn fill(&mut self) -> Result<bool, DumpError> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.buf_offset += self.start as u64;
            self.start = 0;
        }
        let chunk = match self.input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) => return Err(read_error(&self.path, e)),
        };
        if chunk.is_empty() {
            self.eof = true;
            return Ok(false);
        }
        let n = chunk.len();
        self.buf.extend_from_slice(chunk);
        self.input.consume(n);
        Ok(true)
    }

    /// Skips whitespace, reading more as needed; false at end of input.
    fn skip_whitespace(&mut self) -> Result<bool, DumpError> {
        loop {
            while self.start < self.buf.len() && self.buf[self.start].is_ascii_whitespace() {
                self.start += 1;
            }
            if self.start < self.buf.len() {
                return Ok(true);
            }
            if !self.fill()? {
                return Ok(false);
            }
        }
    }

    /// Finds `needle` at or after `self.start + from`, reading more as
    /// needed; returns its index in `buf`.
    fn find(&mut self, needle: &[u8], limit: usize) -> Result<Option<usize>, DumpError> {
        let mut searched = self.start;
        loop {
            if let Some(i) = memmem::find(&self.buf[searched..], needle) {
                return Ok(Some(searched + i));
            }
            searched = self
                .buf
                .len()
                .saturating_sub(needle.len() - 1)
                .max(self.start);
            if self.buf.len() - self.start > limit {
                return Ok(None);
            }
            let before = self.start;
            if !self.fill()? {
                return Ok(None);
            }
            // `fill` may have compacted the buffer.
            searched -= before - self.start;
        }
    }

    fn starts_with(&mut self, prefix: &[u8]) -> Result<bool, DumpError> {
        while self.buf.len() - self.start < prefix.len() {
            if !self.fill()? {
                break;
            }
        }
        Ok(self.buf[self.start..].starts_with(prefix))
    }

    fn read_header(&mut self) -> Result<(), DumpError> {
        if !self.skip_whitespace()? {
            return Err(DumpError::Empty {
                path: self.path.clone(),
            });
        }
        if self.starts_with(b"\xEF\xBB\xBF")? {
            self.start += 3;
        }
        // The XML declaration and comments before the root.
        loop {
            self.skip_whitespace()?;
            if self.starts_with(b"<?")? {
                let end = self.find(b"?>", 1 << 16)?;
                let end =
                    end.ok_or_else(|| self.err(self.pos(), "unterminated XML declaration"))?;
                self.start = end + 2;
            } else if self.starts_with(b"<!--")? {
                let end = self.find(b"-->", 1 << 20)?;
                let end = end.ok_or_else(|| self.err(self.pos(), "unterminated comment"))?;
                self.start = end + 3;
            } else {
                break;
            }
        }
        if !self.starts_with(b"<")? {
            return Err(self.err(
                self.pos(),
                "not XML: expected a MediaWiki XML export (<mediawiki …>)",
            ));
        }
        // Entity declarations (billion laughs, external entities) are never
        // expanded: the reader knows only XML's five named references.
        // Refusing the declaration says so instead of calling the file
        // something it may be.
        if self.starts_with(b"<!DOCTYPE")? || self.starts_with(b"<!doctype")? {
            return Err(self.err(
                self.pos(),
                "DOCTYPE declarations are not supported (a MediaWiki export has none)",
            ));
        }
        if !self.starts_with(b"<mediawiki")? {
            return Err(self.err(
                self.pos(),
                "not a MediaWiki XML export: the root element is not <mediawiki>",
            ));
        }
        let tag_end = self
            .find(b">", 1 << 16)?
            .ok_or_else(|| self.err(self.pos(), "unterminated <mediawiki> tag"))?;
        let tag = String::from_utf8_lossy(&self.buf[self.start..tag_end]).into_owned();
        // One call site for both: a second one made LLVM compile
        // `unescape`, which every page's text goes through, to 8% more
        // instructions.
        let [schema_version, xml_lang] = ["version", "xml:lang"].map(|name| attribute(&tag, name));
        let schema_version = schema_version.unwrap_or_default();
        let xml_lang = xml_lang.filter(|lang| !lang.trim().is_empty());
        self.start = tag_end + 1;
        self.skip_whitespace()?;
        if self.starts_with(b"<siteinfo")? {
            let offset = self.pos();
            let end = self
                .find(b"</siteinfo>", 64 << 20)?
                .ok_or_else(|| self.err(offset, "truncated: <siteinfo> is never closed"))?;
            let block =
                std::str::from_utf8(&self.buf[self.start..end]).map_err(|e| DumpError::Utf8 {
                    path: self.path.clone(),
                    offset: offset + e.valid_up_to() as u64,
                })?;
            self.siteinfo = parse_siteinfo(block);
            self.start = end + "</siteinfo>".len();
        } else {
            self.siteinfo.namespaces = Namespaces::english();
        }
        self.siteinfo.schema_version = schema_version;
        self.siteinfo.xml_lang = xml_lang;
        Ok(())
    }

    /// The next page, `None` after `</mediawiki>`.
    pub fn next_page(&mut self) -> Option<Result<WikiPage, DumpError>> {
        if self.finished {
            return None;
        }
        let result = self.read_page();
        if !matches!(result, Ok(Some(_))) {
            self.finished = true;
        }
        result.transpose()
    }

    fn read_page(&mut self) -> Result<Option<WikiPage>, DumpError> {
        if !self.skip_whitespace()? {
            return Err(self.err(self.pos(), "truncated: the file ends before </mediawiki>"));
        }
        if self.starts_with(b"</mediawiki>")? {
            self.start += "</mediawiki>".len();
            if self.skip_whitespace()? {
                return Err(self.err(self.pos(), "unexpected content after </mediawiki>"));
            }
            return Ok(None);
        }
        if !(self.starts_with(b"<page>")? || self.starts_with(b"<page ")?) {
            let found: String =
                String::from_utf8_lossy(&self.buf[self.start..self.buf.len().min(self.start + 40)])
                    .chars()
                    .take_while(|&c| c != '\n')
                    .collect();
            return Err(self.err(
                self.pos(),
                format!("expected <page> or </mediawiki>, found {found:?}"),
            ));
        }
        let offset = self.pos();
        let Some(end) = self.find(b"</page>", MAX_PAGE_BYTES)? else {
            return Err(if self.eof {
                self.err(
                    offset,
                    "truncated: the file ends inside the <page> that starts",
                )
            } else {
                self.err(offset, "a page larger than 512 MiB starts")
            });
        };
        let block = match std::str::from_utf8(&self.buf[self.start..end]) {
            Ok(block) => block,
            Err(e) => {
                return Err(DumpError::Utf8 {
                    path: self.path.clone(),
                    offset: offset + e.valid_up_to() as u64,
                });
            }
        };
        let page = parse_page(block, offset).map_err(|m| self.err(offset, m))?;
        self.start = end + "</page>".len();
        self.shrink_buffer();
        Ok(Some(page))
    }

    /// Gives back the memory a page larger than [`KEEP_BUFFER_BYTES`] made
    /// the buffer grow to (keeping the bytes not read yet), so that one
    /// huge page does not hold its size for the rest of the dump.
    fn shrink_buffer(&mut self) {
        if self.buf.capacity() <= KEEP_BUFFER_BYTES {
            return;
        }
        self.buf.drain(..self.start);
        self.buf_offset += self.start as u64;
        self.start = 0;
        self.buf.shrink_to(KEEP_BUFFER_BYTES.max(self.buf.len()));
    }
}

impl Iterator for MediaWikiReader {
    type Item = Result<WikiPage, DumpError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_page()
    }
}

/// The content of the first `<name>…</name>` (or `<name attr…>…</name>`)
/// in `block`, not unescaped; `Some("")` for `<name/>`. A start tag without
/// its end tag counts as absent: see [`closed_element`] where that matters.
fn element<'a>(block: &'a str, name: &str) -> Option<(&'a str, &'a str, usize)> {
    closed_element(block, name).ok().flatten()
}

/// Like [`element`], but a start tag without its end tag (`<text>…</txet>`,
/// or no `</text>` before the page ends) is an error: the content would
/// otherwise be lost without a word.
fn closed_element<'a>(
    block: &'a str,
    name: &str,
) -> Result<Option<(&'a str, &'a str, usize)>, String> {
    let unclosed = || format!("a <page> whose <{name}> is never closed by </{name}>");
    let mut from = 0;
    while let Some(i) = block[from..].find('<').map(|i| i + from) {
        let rest = &block[i + 1..];
        if let Some(after) = rest.strip_prefix(name) {
            let next = after.chars().next();
            if matches!(next, Some('>' | ' ' | '/' | '\t' | '\n' | '\r')) {
                let tag_end = i + 1 + name.len() + after.find('>').ok_or_else(unclosed)?;
                let tag = &block[i..=tag_end];
                if tag.ends_with("/>") {
                    return Ok(Some((tag, "", tag_end + 1)));
                }
                let close = format!("</{name}>");
                let content_end = memmem::find(&block.as_bytes()[tag_end + 1..], close.as_bytes())
                    .ok_or_else(unclosed)?
                    + tag_end
                    + 1;
                return Ok(Some((
                    tag,
                    &block[tag_end + 1..content_end],
                    content_end + close.len(),
                )));
            }
        }
        from = i + 1;
    }
    Ok(None)
}

/// The value of `name="…"` in a start tag, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name).map(|i| i + from) {
        let before_ok = i > 0 && tag.as_bytes()[i - 1].is_ascii_whitespace();
        let rest = tag[i + name.len()..].trim_start();
        if before_ok && let Some(rest) = rest.strip_prefix('=') {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &rest[1..];
                let end = value.find(quote)?;
                return Some(unescape(&value[..end]));
            }
        }
        from = i + name.len();
    }
    None
}

/// Decodes XML's five named references and numeric character references.
pub(crate) fn unescape(s: &str) -> String {
    let Some(first) = memchr::memchr(b'&', s.as_bytes()) else {
        return s.to_owned();
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut rest = &s[first..];
    while let Some(i) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let semi = rest.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = semi.and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The fields of `<siteinfo>`; those of the root element are left empty.
fn parse_siteinfo(block: &str) -> SiteInfo {
    let text = |name: &str| {
        element(block, name).map(|(_, content, _)| unescape(content).trim().to_owned())
    };
    let case = match text("case").as_deref() {
        Some("case-sensitive") => Case::Sensitive,
        _ => Case::FirstLetter,
    };
    let mut namespaces = Namespaces::new();
    let mut rest = block;
    while let Some((tag, content, used)) = element(rest, "namespace") {
        if let Some(key) = attribute(tag, "key").and_then(|k| k.parse::<i32>().ok()) {
            let ns_case = match attribute(tag, "case").as_deref() {
                Some("case-sensitive") => Case::Sensitive,
                Some(_) => Case::FirstLetter,
                None => case,
            };
            namespaces.insert(key, &unescape(content), ns_case);
        }
        rest = &rest[used..];
    }
    SiteInfo {
        sitename: text("sitename").unwrap_or_default(),
        dbname: text("dbname").unwrap_or_default(),
        base: text("base").filter(|b| !b.is_empty()),
        generator: text("generator").unwrap_or_default(),
        schema_version: String::new(),
        xml_lang: None,
        case,
        namespaces,
    }
}

fn parse_page(block: &str, offset: u64) -> Result<WikiPage, String> {
    let title = element(block, "title").ok_or("a <page> without <title>")?.1;
    let bytes = block.as_bytes();
    let first_revision = memmem::find(bytes, b"<revision").unwrap_or(block.len());
    let head = &block[..first_revision];
    // The last revision (history dumps hold several). Found forwards: the
    // reverse search is not vectorised and ran over the whole text. Text
    // holds no `<` (it is escaped), so every match is a tag.
    let mut revision_at = first_revision;
    while let Some(next) = bytes
        .get(revision_at + 1..)
        .and_then(|rest| memmem::find(rest, b"<revision"))
    {
        revision_at += 1 + next;
    }
    let id = element(head, "id")
        .ok_or("a <page> without <id>")?
        .1
        .trim()
        .parse::<PageId>()
        .map_err(|_| "a <page> whose <id> is not a number")?;
    let ns = match element(head, "ns") {
        Some((_, n, _)) => n
            .trim()
            .parse::<i32>()
            .map_err(|_| "a <page> whose <ns> is not a number")?,
        None => 0,
    };
    let redirect = element(head, "redirect").and_then(|(tag, _, _)| attribute(tag, "title"));
    let revision = &block[revision_at..];
    let revision_id = element(revision, "id").and_then(|(_, v, _)| v.trim().parse().ok());
    let timestamp = element(revision, "timestamp").map(|(_, v, _)| v.trim().to_owned());
    let text = match closed_element(revision, "text")? {
        Some((_, content, _)) => unescape(content),
        None => String::new(),
    };
    Ok(WikiPage {
        title: unescape(title),
        ns,
        id,
        redirect,
        revision_id,
        timestamp,
        text,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Compression;
    use std::sync::Arc;

    fn reader(xml: &str) -> Result<MediaWikiReader, DumpError> {
        MediaWikiReader::new(Input::from_bytes(xml.as_bytes().to_vec(), "test.xml"))
    }

    const HEAD: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="ltg">
  <siteinfo>
    <sitename>Vikipedeja</sitename>
    <dbname>ltgwiki</dbname>
    <base>https://ltg.wikipedia.org/wiki/Suokumuo_Puslopa</base>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Kategoreja</namespace>
    </namespaces>
  </siteinfo>
"#;

    #[test]
    fn reads_siteinfo_and_pages() {
        let xml = format!(
            "{HEAD}  <page>\n    <title>Daugpiļs</title>\n    <ns>0</ns>\n    <id>7</id>\n    <revision>\n      <id>99</id>\n      <timestamp>2017-08-01T10:00:00Z</timestamp>\n      <text xml:space=\"preserve\">'''D''' &amp;amp; [[R&#363;ga]] &lt;ref&gt;x&lt;/ref&gt;</text>\n    </revision>\n  </page>\n  <page><title>Kategoreja:Piļsāta</title><ns>14</ns><id>8</id><redirect title=\"Kategoreja:X &amp; Y\" /><revision><id>1</id><text bytes=\"0\" /></revision></page>\n</mediawiki>\n"
        );
        let mut r = reader(&xml).unwrap();
        let si = r.siteinfo().clone();
        assert_eq!(si.dbname, "ltgwiki");
        assert_eq!(si.schema_version, "0.10");
        assert_eq!(si.namespaces.id_of("Kategoreja"), Some(14));
        assert_eq!(
            si.article_url("Daugpiļs ūdiņs").as_deref(),
            Some("https://ltg.wikipedia.org/wiki/Daugpi%C4%BCs_%C5%ABdi%C5%86s")
        );
        let p = r.next().unwrap().unwrap();
        assert_eq!(p.title, "Daugpiļs");
        assert_eq!((p.ns, p.id.get(), p.revision_id), (0, 7, Some(99)));
        assert_eq!(p.timestamp.as_deref(), Some("2017-08-01T10:00:00Z"));
        assert_eq!(p.text, "'''D''' &amp; [[Rūga]] <ref>x</ref>");
        let c = r.next().unwrap().unwrap();
        assert_eq!(c.ns, 14);
        assert_eq!(c.redirect.as_deref(), Some("Kategoreja:X & Y"));
        assert_eq!(c.text, "");
        assert!(r.next().is_none());
    }

    /// The head of an export: a root element with `xml:lang` (none when
    /// `None`), then a `<siteinfo>` holding `fields`.
    fn head(xml_lang: Option<&str>, fields: &str) -> String {
        let lang = xml_lang.map_or(String::new(), |l| format!(" xml:lang=\"{l}\""));
        format!(
            "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.6/\" version=\"0.6\"{lang}>\n  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    {fields}\n    <case>first-letter</case>\n  </siteinfo>\n</mediawiki>\n"
        )
    }

    fn language_of(xml: &str) -> (Option<String>, Option<String>) {
        let r = reader(xml).unwrap();
        (r.siteinfo().xml_lang.clone(), r.siteinfo().language())
    }

    #[test]
    fn the_language_of_a_dump() {
        let some = |s: &str| Some(s.to_owned());
        // The database name first, `xml:lang` kept as written.
        assert_eq!(language_of(&valid_dump()), (some("ltg"), some("ltg")));
        assert_eq!(
            language_of(&head(Some("zh-yue"), "<dbname>zh_yuewiki</dbname>")),
            (some("zh-yue"), some("zh-yue"))
        );
        // A 2010 export of the German Wikipedia: no <dbname>, and
        // `xml:lang="en"` as every export then wrote.
        assert_eq!(
            language_of(&head(
                Some("en"),
                "<base>http://de.wikipedia.org/wiki/Wikipedia:Hauptseite</base>"
            )),
            (some("en"), some("de"))
        );
        assert_eq!(
            language_of(&head(
                Some("en"),
                "<dbname>frwiki</dbname><base>http://en.wikipedia.org/wiki/Main_Page</base>"
            ))
            .1,
            some("fr")
        );
        // Commons is no language's Wikipedia: its content language.
        assert_eq!(
            language_of(&head(
                Some("en"),
                "<dbname>commonswiki</dbname><base>https://commons.wikimedia.org/wiki/Main_Page</base>"
            ))
            .1,
            some("en")
        );
        // A wiki off Wikipedia: `xml:lang`, lower-cased.
        assert_eq!(
            language_of(&head(
                Some("PT-BR"),
                "<dbname>pico8</dbname><base>http:///x.consul/wiki/Pico-8_Wikia</base>"
            )),
            (some("PT-BR"), some("pt-br"))
        );
        // Nothing says, or what says is not a code.
        assert_eq!(language_of(&head(None, "")), (None, None));
        assert_eq!(language_of(&head(Some(""), "")), (None, None));
        assert_eq!(language_of(&head(Some("en_US"), "")).1, None);
        assert_eq!(
            language_of("<mediawiki version=\"0.3\" xml:lang=\"sv\">\n</mediawiki>\n"),
            (some("sv"), some("sv"))
        );
    }

    #[test]
    fn the_language_rules_in_order() {
        let site = |dbname: &str, base: Option<&str>, xml_lang: Option<&str>| SiteInfo {
            dbname: dbname.to_owned(),
            base: base.map(str::to_owned),
            xml_lang: xml_lang.map(str::to_owned),
            ..SiteInfo::default()
        };
        let language = |dbname, base, xml_lang| site(dbname, base, xml_lang).language();
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            language("enwiki", Some("https://de.wikipedia.org/"), Some("fr")),
            some("en")
        );
        assert_eq!(language("be_x_oldwiki", None, None), some("be-x-old"));
        assert_eq!(language("simplewiki", None, Some("en")), some("simple"));
        // Database names that name no language fall through.
        for dbname in [
            "commonswiki",
            "enwiktionary",
            "wikidatawiki",
            "abcdefghijklmwiki",
            "",
        ] {
            assert_eq!(language(dbname, None, Some("en")), some("en"), "{dbname}");
        }
        for (base, want) in [
            (
                "http://de.wikipedia.org/wiki/Wikipedia:Hauptseite",
                Some("de"),
            ),
            ("https://fr.m.wikipedia.org/wiki/Wikip%C3%A9dia", Some("fr")),
            ("//zh-yue.wikipedia.org/wiki/", Some("zh-yue")),
            ("https://EN.Wikipedia.ORG:443/wiki/Main_Page", Some("en")),
            ("https://ltg.wikipedia.org./wiki/X", Some("ltg")),
            ("https://ltg.wikipedia.org?title=X", Some("ltg")),
            ("https://www.wikipedia.org/", None),
            ("https://test.wikipedia.org/wiki/Main_Page", None),
            ("https://m.wikipedia.org/", None),
            ("https://de.wikibooks.org/wiki/Hauptseite", None),
            ("https://de.wikipedia.org.evil.example/wiki/X", None),
            ("https://x.y.wikipedia.org/", None),
            ("https://en.wikipedia.com/", None),
            ("de.wikipedia.org/wiki/X", None),
            ("https://example.org/de.wikipedia.org/", None),
            ("https://a1.wikipedia.org/", None),
            ("", None),
        ] {
            assert_eq!(language("", Some(base), None).as_deref(), want, "{base}");
            assert_eq!(
                language("", Some(base), Some("sv")).as_deref(),
                Some(want.unwrap_or("sv")),
                "{base}"
            );
        }
        for (xml_lang, want) in [
            ("en", Some("en")),
            (" De ", Some("de")),
            ("zh-Hans", Some("zh-hans")),
            ("be-tarask", Some("be-tarask")),
            ("x", None),
            ("en_US", None),
            ("en-", None),
            ("-en", None),
            ("de1", None),
            ("abcdefghijklm", None),
            ("zh-classical", Some("zh-classical")),
            ("fr\u{301}", None),
        ] {
            assert_eq!(
                language("", None, Some(xml_lang)).as_deref(),
                want,
                "{xml_lang:?}"
            );
        }
    }

    #[test]
    fn the_last_revision_of_a_history_page_is_read() {
        let rev = |id: u32, text: &str| {
            format!(
                "<revision><id>{id}</id><timestamp>2020-01-0{id}T00:00:00Z</timestamp>{text}</revision>"
            )
        };
        let xml = format!(
            "{HEAD}  <page><title>A</title><ns>0</ns><id>1</id>{}{}{}</page>\n  <page><title>B</title><ns>0</ns><id>2</id>{}</page>\n</mediawiki>\n",
            rev(1, "<text>first &lt;revision&gt;</text>"),
            rev(2, ""),
            rev(3, "<text>third</text>"),
            rev(4, "<text>only</text>"),
        );
        let mut r = reader(&xml).unwrap();
        let a = r.next().unwrap().unwrap();
        assert_eq!(
            (a.id.get(), a.revision_id, a.text.as_str()),
            (1, Some(3), "third")
        );
        assert_eq!(a.timestamp.as_deref(), Some("2020-01-03T00:00:00Z"));
        let b = r.next().unwrap().unwrap();
        assert_eq!(
            (b.id.get(), b.revision_id, b.text.as_str()),
            (2, Some(4), "only")
        );
        assert!(r.next().is_none());
    }

    #[test]
    fn truncated_inside_a_page() {
        let xml = format!("{HEAD}  <page><title>A</title><ns>0</ns><id>1</id><revision><text>abc");
        let mut r = reader(&xml).unwrap();
        let e = r.next().unwrap().unwrap_err().to_string();
        assert!(e.contains("truncated") && e.contains("test.xml"), "{e}");
        assert!(r.next().is_none());
    }

    #[test]
    fn truncated_between_pages() {
        let xml = format!("{HEAD}  <page><title>A</title><ns>0</ns><id>1</id></page>\n");
        let mut r = reader(&xml).unwrap();
        assert!(r.next().unwrap().is_ok());
        let e = r.next().unwrap().unwrap_err().to_string();
        assert!(e.contains("before </mediawiki>"), "{e}");
    }

    #[test]
    fn not_xml_and_not_mediawiki() {
        let e = reader("hello world").unwrap_err().to_string();
        assert!(e.contains("not XML"), "{e}");
        let e = reader("<?xml version=\"1.0\"?>\n<html><body/></html>")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not a MediaWiki XML export") && e.contains("byte 22"),
            "{e}"
        );
        assert!(matches!(reader("  \n"), Err(DumpError::Empty { .. })));
    }

    #[test]
    fn a_text_that_is_never_closed_is_an_error_not_an_empty_page() {
        let page = "<page><title>A</title><ns>0</ns><id>1</id><revision><id>5</id>";
        let at = HEAD.len() + 2;
        for text in ["<text>abc</txet>", "<text xml:space=\"preserve\">abc"] {
            let xml = format!("{HEAD}  {page}{text}</revision></page>\n</mediawiki>\n");
            let mut r = reader(&xml).unwrap();
            let e = r.next().unwrap().map(|p| p.text).map_err(|e| e.to_string());
            assert_eq!(
                e,
                Err(format!(
                    "test.xml: a <page> whose <text> is never closed by </text> at byte {at}"
                )),
                "{text}"
            );
            assert!(r.next().is_none());
        }
        // An empty text is written `<text … />` and is no error.
        let xml = format!("{HEAD}  {page}<text bytes=\"0\" /></revision></page>\n</mediawiki>\n");
        assert_eq!(reader(&xml).unwrap().next().unwrap().unwrap().text, "");
    }

    #[test]
    fn a_huge_page_does_not_pin_its_size_in_the_read_buffer() {
        let big = "x".repeat(3 * KEEP_BUFFER_BYTES);
        let xml = format!(
            "{HEAD}  <page><title>A</title><ns>0</ns><id>1</id><revision><text>{big}</text></revision></page>\n  <page><title>B</title><ns>0</ns><id>2</id><revision><text>small</text></revision></page>\n</mediawiki>\n"
        );
        let mut r = reader(&xml).unwrap();
        assert_eq!(r.next().unwrap().unwrap().text.len(), big.len());
        assert!(
            r.buf.capacity() <= KEEP_BUFFER_BYTES,
            "{} bytes kept after the page",
            r.buf.capacity()
        );
        let b = r.next().unwrap().unwrap();
        assert_eq!((b.title.as_str(), b.text.as_str()), ("B", "small"));
        assert!(r.next().is_none());
    }

    #[test]
    fn a_doctype_is_refused_as_such() {
        for doctype in [
            "<!DOCTYPE mediawiki [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>",
            "<!DOCTYPE mediawiki SYSTEM \"file:///etc/passwd\">",
            "<!doctype mediawiki>",
        ] {
            let xml = format!("<?xml version=\"1.0\"?>\n{doctype}\n{HEAD}</mediawiki>\n");
            let e = reader(&xml).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(
                e,
                Err(
                    "test.xml: DOCTYPE declarations are not supported (a MediaWiki export has none) at byte 22"
                        .to_owned()
                ),
                "{doctype}"
            );
        }
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let mut xml =
            format!("{HEAD}  <page><title>A</title><ns>0</ns><id>1</id><revision><text>ab")
                .into_bytes();
        let at = xml.len();
        xml.extend_from_slice(b"\xff</text></revision></page></mediawiki>");
        let mut r = MediaWikiReader::new(Input {
            reader: Box::new(std::io::Cursor::new(xml)),
            compression: Compression::None,
            file_len: 0,
            consumed: Arc::default(),
            path: "bad.xml".into(),
        })
        .unwrap();
        match r.next().unwrap() {
            Err(DumpError::Utf8 { offset, .. }) => assert_eq!(offset, at as u64),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unescape_leaves_unknown_references() {
        assert_eq!(
            unescape("a &amp;nbsp; &#x41;&#66; &bogus; & b"),
            "a &nbsp; AB &bogus; & b"
        );
    }

    /// Reads every page of `bytes` as the `xml_dump` fuzz target does: the
    /// reader either refuses the input or hands out pages until the end or
    /// an error naming the file, without panicking.
    fn read_everything(bytes: &[u8]) {
        let input = Input {
            reader: Box::new(std::io::Cursor::new(bytes.to_vec())),
            compression: Compression::None,
            file_len: bytes.len() as u64,
            consumed: Arc::default(),
            path: "test.xml".into(),
        };
        let Ok(reader) = MediaWikiReader::new(input) else {
            return;
        };
        let _ = reader.siteinfo().article_url("Main Page");
        for page in reader {
            if let Err(e) = page {
                assert!(e.to_string().contains("test.xml"), "{e}");
                break;
            }
        }
    }

    fn valid_dump() -> String {
        format!(
            "{HEAD}  <page>\n    <title>Daugpiļs</title>\n    <ns>0</ns>\n    <id>7</id>\n    <revision>\n      <id>99</id>\n      <timestamp>2017-08-01T10:00:00Z</timestamp>\n      <text xml:space=\"preserve\">'''D''' &amp;amp; [[R&#363;ga]]</text>\n    </revision>\n  </page>\n  <page><title>Kategoreja:X</title><ns>14</ns><id>8</id><redirect title=\"Kategoreja:Y\" /><revision><id>1</id><text bytes=\"0\" /></revision></page>\n</mediawiki>\n"
        )
    }

    proptest::proptest! {
        /// Damaged dumps (bytes flipped, cut short, pieces of markup
        /// inserted) and arbitrary bytes never make the reader panic.
        #[test]
        fn damaged_dumps_never_panic(
            flips in proptest::collection::vec((proptest::num::usize::ANY, 1u8..=255), 0..6),
            cut in proptest::option::of(proptest::num::usize::ANY),
            insert in proptest::option::of((proptest::num::usize::ANY, 0usize..8)),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut bytes = valid_dump().into_bytes();
            for &(at, x) in &flips {
                let at = at % bytes.len();
                bytes[at] ^= x;
            }
            if let Some((at, piece)) = insert {
                let pieces = ["<page>", "</page>", "<text>", "</text>", "&#", "<title/>", "<![CDATA[", "</mediawiki>"];
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, pieces[piece].bytes());
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            read_everything(&bytes);
            read_everything(&noise);
            let mut headed = HEAD.as_bytes().to_vec();
            headed.extend_from_slice(&noise);
            read_everything(&headed);
        }

        /// Whatever the head says, the language is a well-formed code,
        /// and the database name of a language's Wikipedia decides it.
        #[test]
        fn the_language_is_always_a_code(
            dbname in "[a-z_]{0,6}(wiki)?|[a-zA-Z0-9 _:.-]{0,16}",
            base in proptest::option::of("(https?:)?//[a-zA-Z0-9.:@-]{0,24}(/[a-z]{0,4})?|[ -~]{0,30}"),
            xml_lang in proptest::option::of("[a-zA-Z_-]{0,14}|[ -~]{0,14}"),
        ) {
            let site = SiteInfo { dbname: dbname.clone(), base, xml_lang, ..SiteInfo::default() };
            let language = site.language();
            if let Some(code) = &language {
                proptest::prop_assert!(kenning_model::is_language_code(code), "{code:?}");
            }
            if let Some(code) = crate::wiki_language(&dbname).filter(|c| kenning_model::is_wikipedia_language(c)) {
                proptest::prop_assert_eq!(language.as_deref(), Some(&*code));
            }
        }
    }
}
