//! Worker side: one source item in, one row for the collector out.

use std::sync::Arc;

use kenning_dump::{ConceptRecord, ExtractedDoc, SiteInfo, WikiPage};
use kenning_linker::{PhraseKey, phrase_key};
use kenning_model::{LinkTarget, NS_CATEGORY, NS_MAIN, Namespaces, PageId};

use crate::anchors::TextWords;
use crate::plain::{self, Layout};

/// An item read from a source, with what is needed to interpret it.
#[derive(Debug)]
pub(crate) enum Item {
    Wiki(WikiPage, Arc<SiteInfo>),
    Extracted(ExtractedDoc),
    Concept(ConceptRecord, Arc<Namespaces>),
}

/// What the collector stores for an item.
#[derive(Debug)]
pub(crate) enum Row {
    Concept(ConceptRow),
    /// A redirect; `target` is `None` when it points outside the articles.
    Redirect {
        title: String,
        target: Option<String>,
    },
    /// A category's own page: its parents (`[[Category:…]]` on it), the
    /// lead of its text, and whether it says `__HIDDENCAT__`.
    CategoryPage {
        name: String,
        parents: Vec<String>,
        summary: String,
        hidden: bool,
    },
    Skipped,
    /// A page whose title is not a valid title: skipped, with a warning.
    InvalidTitle {
        title: String,
        id: Option<PageId>,
    },
    /// Extraction panicked.
    Failed {
        title: String,
        id: Option<PageId>,
        message: String,
    },
}

#[derive(Debug, Default)]
pub(crate) struct ConceptRow {
    pub(crate) id: Option<PageId>,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) url: String,
    pub(crate) timestamp: String,
    pub(crate) categories: Vec<String>,
    /// Normalised titles of linked articles, in order, with repeats.
    pub(crate) links: Vec<String>,
    /// The start of the article's plain text, for the full-text index.
    pub(crate) body: String,
    /// Links in the summary: byte range in `summary` and normalised target.
    pub(crate) summary_links: Vec<(u32, u32, String)>,
    /// Other names (JSONL `aliases`), normalised.
    pub(crate) aliases: Vec<String>,
    /// Inline interlanguage links, `(language, title)`, one per language.
    pub(crate) language_links: Vec<(String, String)>,
    /// The phrase of each link's anchor (parallel to `links`; `None` when
    /// the anchor has no words). Links without anchor text (concepts
    /// JSONL) use the target's title without its qualifier.
    pub(crate) anchors: Vec<Option<PhraseKey>>,
    /// The plain text (at most [`TEXT_BYTES`]), for link probabilities
    /// and for linking sources that have no links.
    pub(crate) text: String,
}

/// Text kept per concept for the mention dictionary and for linking.
pub(crate) const TEXT_BYTES: usize = 64 << 10;

/// A title without its trailing qualifier: `Mercury (planet)` → `Mercury`.
pub(crate) fn unqualified(title: &str) -> &str {
    match title
        .strip_suffix(')')
        .and_then(|t| t.rfind(" (").map(|i| &title[..i]))
    {
        Some(base) if !base.trim().is_empty() => base,
        _ => title,
    }
}

/// Processes one item; a panic in extraction becomes a `Failed` row.
pub(crate) fn process(item: Item) -> Row {
    let (title, id) = match &item {
        Item::Wiki(p, _) => (p.title.clone(), Some(p.id)),
        Item::Extracted(d) => (d.title.clone(), d.id.map(PageId::new)),
        Item::Concept(c, _) => (c.title.clone(), c.id.map(PageId::new)),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_item(item))) {
        Ok(row) => row,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "extraction panicked".to_owned());
            Row::Failed { title, id, message }
        }
    }
}

fn process_item(item: Item) -> Row {
    match item {
        Item::Wiki(page, site) => wiki_row(page, &site),
        Item::Extracted(doc) => Row::Concept(ConceptRow {
            id: doc.id.map(PageId::new),
            body: cut_at_word(&doc.text, BODY_BYTES),
            text: truncate(&doc.text, TEXT_BYTES).to_owned(),
            summary: plain::lead(&doc.text, &doc.title, Layout::LinePerParagraph),
            url: doc.url.unwrap_or_default(),
            title: doc.title,
            ..ConceptRow::default()
        }),
        Item::Concept(record, ns) => concept_row(record, &ns),
    }
}

fn wiki_row(page: WikiPage, site: &SiteInfo) -> Row {
    let ns = &site.namespaces;
    let bare_title = ns.strip_prefix(page.ns, &page.title);
    if page.ns == NS_CATEGORY {
        let Some(name) = ns.normalize_in(NS_CATEGORY, bare_title) else {
            return Row::Skipped;
        };
        let extract = kenning_wikitext::extract(&page.text, ns);
        return Row::CategoryPage {
            name,
            parents: extract.categories,
            summary: extract.lead,
            hidden: page.text.contains("__HIDDENCAT__"),
        };
    }
    if page.ns != NS_MAIN {
        return Row::Skipped;
    }
    let Some(title) = ns.normalize_in(NS_MAIN, bare_title) else {
        return Row::InvalidTitle {
            title: page.title,
            id: Some(page.id),
        };
    };
    // A redirect: `<redirect title=…>` (0.5+) or the `#REDIRECT` text.
    let redirect = page
        .redirect
        .clone()
        .or_else(|| kenning_wikitext::redirect_target(&page.text).map(str::to_owned));
    if let Some(target) = redirect {
        return match ns.parse_link(&target) {
            Some(LinkTarget::Page {
                ns: NS_MAIN,
                title: target,
                ..
            }) => Row::Redirect {
                title,
                target: Some(target),
            },
            _ => Row::Redirect {
                title,
                target: None,
            },
        };
    }
    let extract = kenning_wikitext::extract(&page.text, ns);
    let summary_links = extract
        .links
        .iter()
        .filter_map(|l| {
            l.lead_range
                .map(|(a, b)| (a as u32, b as u32, l.target.clone()))
        })
        .collect();
    let anchors = extract
        .links
        .iter()
        .map(|l| phrase_key(extract.anchor(l)))
        .collect();
    let body = cut_at_word(&extract.text, BODY_BYTES);
    // The text itself, cut in place (no copy of a whole page), and its
    // memory given back: the row may wait in the pipeline a while.
    let mut text = extract.text;
    if text.len() > TEXT_BYTES {
        text.truncate(text.floor_char_boundary(TEXT_BYTES));
        text.shrink_to_fit();
    }
    Row::Concept(ConceptRow {
        id: Some(page.id),
        anchors,
        text,
        url: site.article_url(&page.title).unwrap_or_default(),
        timestamp: page.timestamp.unwrap_or_default(),
        summary_links,
        body,
        summary: extract.lead,
        categories: extract.categories,
        language_links: extract
            .language_links
            .into_iter()
            .map(|l| (l.lang, l.title))
            .collect(),
        links: extract.links.into_iter().map(|l| l.target).collect(),
        title,
        aliases: Vec::new(),
    })
}

/// A title outside MediaWiki's rules: whitespace collapsed, control
/// characters refused.
fn free_title(raw: &str) -> Option<String> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty() && !title.chars().any(char::is_control)).then_some(title)
}

/// Text indexed per concept beyond its title and summary, in bytes.
const BODY_BYTES: usize = 2000;

/// `s` cut to at most `max` bytes, at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// `s` whole when it has at most `max` bytes; else cut after its last
/// whole word within `max` bytes (or at a character boundary for a word
/// longer than half of it), with `…` in place of the rest, so that a
/// snippet taken near the end of the cut text ends on a word and says it
/// was cut.
fn cut_at_word(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let end = s.floor_char_boundary(max);
    let head = &s[..end];
    let head = if s[end..].starts_with(char::is_alphanumeric) {
        match head.rfind(|c: char| !c.is_alphanumeric()) {
            Some(k) if k >= max / 2 => &head[..k],
            _ => head,
        }
    } else {
        head
    };
    let head = head.trim_end_matches(|c: char| !c.is_alphanumeric());
    format!("{head}…")
}

fn concept_row(record: ConceptRecord, ns: &Namespaces) -> Row {
    // JSONL titles are not bound by MediaWiki's rules: characters a wiki
    // title may not hold (`<`, `[`, `|`, …) are kept as written.
    let Some(title) = ns
        .normalize_in(NS_MAIN, &record.title)
        .or_else(|| free_title(&record.title))
    else {
        return Row::InvalidTitle {
            title: record.title,
            id: record.id.map(PageId::new),
        };
    };
    let summary = match record.summary {
        Some(s) if !s.trim().is_empty() => s.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => plain::lead(&record.text, &record.title, Layout::Blocks),
    };
    let normalize_all = |v: Vec<String>| -> Vec<String> {
        v.iter()
            .filter_map(|t| ns.normalize_in(NS_MAIN, t))
            .collect()
    };
    let links = normalize_all(record.links.unwrap_or_default());
    let anchors = if links.is_empty() {
        Vec::new()
    } else {
        // The whole text: a link may sit anywhere in it.
        let words = TextWords::new(&record.text);
        links.iter().map(|t| words.anchor(t)).collect()
    };
    Row::Concept(ConceptRow {
        id: record.id.map(PageId::new),
        anchors,
        text: truncate(&record.text, TEXT_BYTES).to_owned(),
        summary,
        url: record.url.unwrap_or_default(),
        timestamp: String::new(),
        categories: record
            .categories
            .iter()
            .filter_map(|c| ns.normalize_in(NS_CATEGORY, c))
            .collect(),
        links,
        aliases: normalize_all(record.aliases),
        summary_links: Vec::new(),
        body: cut_at_word(&record.text, BODY_BYTES),
        title,
        language_links: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn bodies_are_cut_after_a_word() {
        use super::cut_at_word;
        assert_eq!(cut_at_word("short", 10), "short");
        assert_eq!(cut_at_word("behind a single door", 14), "behind a…");
        assert_eq!(cut_at_word("behind a single door", 15), "behind a single…");
        assert_eq!(cut_at_word("behind a single, door", 17), "behind a single…");
        assert_eq!(cut_at_word("abcdefghijklmnop qr", 8), "abcdefgh…");
        assert_eq!(cut_at_word("été été été", 9), "été…");
        assert_eq!(cut_at_word("été été été", 11), "été été…");
    }

    use super::*;

    #[test]
    fn a_concept_row_keeps_only_the_memory_of_its_cut_text() {
        let paragraph = "Plain words with a [[Link]] in them.\n\n";
        let text = paragraph.repeat(8 * TEXT_BYTES / paragraph.len());
        let page = WikiPage {
            title: "Big".into(),
            ns: NS_MAIN,
            id: PageId::new(1),
            text,
            ..WikiPage::default()
        };
        let site = Arc::new(SiteInfo::default());
        let Row::Concept(row) = process(Item::Wiki(page, site)) else {
            panic!("not a concept");
        };
        assert!(
            row.text.capacity() <= TEXT_BYTES,
            "{} bytes held for {} bytes of text",
            row.text.capacity(),
            row.text.len()
        );
    }
}
