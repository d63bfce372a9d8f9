//! The wiki's category graph as the build records it, checked against the
//! Latgalian Wikipedia read here independently (a plain scan of the XML for
//! `[[Kategoreja:…]]` and `[[Category:…]]` lines): every category page's
//! parents and every article's categories (skipped without the data).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_store::{Snapshot, category_flags};

/// (namespace, title without prefix, wikitext) of every page.
fn pages(xml: &str) -> Vec<(u32, String, String)> {
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#039;", "'")
            .replace("&amp;", "&")
    };
    let between = |s: &str, open: &str, close: &str| -> Option<String> {
        let a = s.find(open)? + open.len();
        let b = a + s[a..].find(close)?;
        Some(s[a..b].to_owned())
    };
    xml.split("<page>")
        .skip(1)
        .filter_map(|p| {
            let title = unescape(&between(p, "<title>", "</title>")?);
            let ns: u32 = between(p, "<ns>", "</ns>")?.parse().ok()?;
            let text = p
                .find("<text")
                .and_then(|i| between(&p[i..], ">", "</text>"))
                .map(|t| unescape(&t))
                .unwrap_or_default();
            let bare = title
                .split_once(':')
                .filter(|_| ns != 0)
                .map_or(title.clone(), |(_, t)| t.to_owned());
            Some((ns, bare, text))
        })
        .collect()
}

/// The category names a page's text puts it in, normalised as MediaWiki
/// does (spaces for underscores, runs of spaces, first letter upper case).
fn categories_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in [
        "[[Kategoreja:",
        "[[Category:",
        "[[kategoreja:",
        "[[category:",
    ] {
        for (i, _) in text.match_indices(prefix) {
            let rest = &text[i + prefix.len()..];
            let Some(end) = rest.find("]]") else { continue };
            let name = rest[..end].split('|').next().unwrap_or("");
            // MediaWiki drops directional marks from titles.
            let name: String = name
                .replace('_', " ")
                .chars()
                .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
                .collect();
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut chars = name.chars();
            let Some(first) = chars.next() else { continue };
            out.insert(first.to_uppercase().chain(chars).collect());
        }
    }
    out
}

#[test]
fn ltgwiki_category_graph_matches_its_pages() {
    let Some(data) = kenning_testdata::shared_data(
        &["wiki/ltgwiki-20170901-pages-articles.xml.bz2"],
        "category graph test",
    ) else {
        return;
    };
    let file = data.join("wiki/ltgwiki-20170901-pages-articles.xml.bz2");
    let mut xml = String::new();
    bzip2::read::BzDecoder::new(std::fs::File::open(&file).unwrap())
        .read_to_string(&mut xml)
        .unwrap();
    let pages = pages(&xml);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let options = BuildOptions {
        out: out.clone(),
        sources: vec![Source::Dump(file)],
        threads: 2,
        records: Vec::new(),
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    build(&options, &Arc::new(BuildProgress::default())).unwrap();
    let s = Snapshot::open(&out).unwrap();
    let by_name: BTreeMap<&str, u32> = (0..s.category_count() as u32)
        .map(|i| (s.category(i).unwrap().name(), i))
        .collect();

    // Every category page: a category with its page, and its parents.
    let category_pages: Vec<&(u32, String, String)> =
        pages.iter().filter(|(ns, _, _)| *ns == 14).collect();
    assert_eq!(category_pages.len(), 539, "the README's count");
    let mut links = 0;
    for (_, name, text) in &category_pages {
        let &i = by_name
            .get(name.as_str())
            .unwrap_or_else(|| panic!("no category {name}"));
        let c = s.category(i).unwrap();
        assert!(c.flags() & category_flags::HAS_PAGE != 0, "{name}");
        let parents: BTreeSet<String> = c
            .parents()
            .map(|p| s.category(p).unwrap().name().to_owned())
            .collect();
        let mut expected = categories_in(text);
        expected.remove(name.as_str());
        assert_eq!(parents, expected, "parents of {name}");
        links += parents.len();
    }
    assert_eq!(s.meta().stats.category_links, links as u64);

    // Every article's categories, as its text lists them.
    let mut checked = 0;
    for (ns, title, text) in &pages {
        if *ns != 0 || text.trim_start().to_lowercase().starts_with("#redirect") {
            continue;
        }
        let Some(idx) = s.find_title(title) else {
            continue;
        };
        let got: BTreeSet<String> = s.concept(idx).categories().map(str::to_owned).collect();
        assert_eq!(got, categories_in(text), "categories of {title}");
        checked += 1;
    }
    assert!(checked > 850, "{checked} articles checked");
}
