//! Interlanguage links of real pages from `../shared/data/`: 140 English
//! Wikipedia pages of 2012, which still wrote their links to other
//! languages inline, and the whole Latgalian Wikipedia of 2017, where a
//! few pages still did.
//!
//! The counts asserted were measured independently with a Python script:
//! `xml.etree` reads each page's text, comments and `<includeonly>`
//! sections (not shown on the page itself) are cut, and a regular
//! expression finds every `[[prefix:title]]` whose prefix (trimmed, lower
//! case) is a language code of `kenning_model`'s table other than `w`;
//! the `#fragment` is cut, `_` and white space runs made one space, the
//! ends trimmed, empty titles skipped and the first link to each language
//! kept. The data README's "118 pages link to French, 110 to German, 96 to
//! Italian, 103 to Spanish" agrees.
//!
//! Skipped with a note when the data is absent, unless
//! `KENNING_REQUIRE_DATA` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kenning_dump::{MediaWikiReader, open_input};
use kenning_wikitext::{LanguageLink, extract};

/// The file `needed` of the shared data, if it is there (else the test
/// is skipped, by `kenning-testdata`'s rule).
fn shared_data(needed: &str) -> Option<PathBuf> {
    kenning_testdata::shared_data(&[needed], "the language link test").map(|dir| dir.join(needed))
}

/// Every page's title and language links, read with the dump's own
/// namespaces.
fn language_links(path: &Path) -> Vec<(String, Vec<LanguageLink>)> {
    let reader = MediaWikiReader::new(open_input(path, 1).unwrap()).unwrap();
    let ns = reader.siteinfo().namespaces.clone();
    reader
        .map(|page| {
            let page = page.unwrap();
            let e = extract(&page.text, &ns);
            (page.title, e.language_links)
        })
        .collect()
}

/// How many pages link to each language.
fn pages_per_language(pages: &[(String, Vec<LanguageLink>)]) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for (_, links) in pages {
        for l in links {
            *counts.entry(l.lang.as_str()).or_default() += 1;
        }
    }
    counts
}

fn link(lang: &str, title: &str) -> LanguageLink {
    LanguageLink {
        lang: lang.into(),
        title: title.into(),
    }
}

#[test]
fn english_pages_of_2012_link_to_other_languages() {
    let Some(path) = shared_data("multilingual/yago3/en_wikitest.xml") else {
        return;
    };
    let pages = language_links(&path);
    assert_eq!(pages.len(), 140);
    let counts = pages_per_language(&pages);
    for (lang, want) in [
        ("fr", 118),
        ("de", 110),
        ("it", 96),
        ("es", 103),
        ("lv", 37),
    ] {
        assert_eq!(counts.get(lang), Some(&want), "{lang}");
    }
    assert_eq!(counts.get("en"), None);
    assert_eq!(pages.iter().filter(|(_, l)| !l.is_empty()).count(), 132);
    assert_eq!(pages.iter().map(|(_, l)| l.len()).sum::<usize>(), 4668);

    let merkel = &pages
        .iter()
        .find(|(title, _)| title == "Angela Merkel")
        .unwrap()
        .1;
    assert_eq!(merkel.len(), 107);
    for want in [
        link("de", "Angela Merkel"),
        link("fr", "Angela Merkel"),
        link("lv", "Angela Merkele"),
        link("ru", "Меркель, Ангела"),
    ] {
        assert!(merkel.contains(&want), "{want:?}");
    }
}

#[test]
fn the_latgalian_wikipedia_of_2017_has_a_few_left() {
    let Some(path) = shared_data("wiki/ltgwiki-20170901-pages-articles.xml.bz2") else {
        return;
    };
    let pages = language_links(&path);
    assert_eq!(pages.len(), 2004);
    let counts = pages_per_language(&pages);
    for (lang, want) in [("en", 8), ("fr", 9), ("de", 5), ("lv", 7), ("ru", 8)] {
        assert_eq!(counts.get(lang), Some(&want), "{lang}");
    }
    // Mostly templates and categories linking to their counterparts; the
    // main page's `[[en:]]`, `[[fr:]]`… name no page and do not count.
    assert_eq!(pages.iter().filter(|(_, l)| !l.is_empty()).count(), 36);
    assert_eq!(pages.iter().map(|(_, l)| l.len()).sum::<usize>(), 588);
}
