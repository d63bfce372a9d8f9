//! [`SiteInfo::language`] on the heads of real dumps in
//! `../shared/data/`: an English export of 2012 (schema 0.6, no
//! `<dbname>`), a German one of 2013 (schema 0.8, no `<dbname>`) and the
//! Latgalian Wikipedia of 2017 (schema 0.10, `<dbname>ltgwiki</dbname>`).
//! The expected values were read off the files' first lines with `head`.
//!
//! Skipped with a note when the data is absent, unless
//! `KENNING_REQUIRE_DATA` is set.

use std::path::PathBuf;

use kenning_dump::{MediaWikiReader, SiteInfo, open_input};

/// The file `needed` of the shared data, if it is there (else the test
/// is skipped, by `kenning-testdata`'s rule).
fn shared_data(needed: &str) -> Option<PathBuf> {
    kenning_testdata::shared_data(&[needed], "the dump language test").map(|dir| dir.join(needed))
}

/// The `<siteinfo>` of the dump at `needed`, read without reading pages.
fn siteinfo(needed: &str) -> Option<SiteInfo> {
    let path = shared_data(needed)?;
    let reader = MediaWikiReader::new(open_input(&path, 1).unwrap()).unwrap();
    Some(reader.siteinfo().clone())
}

#[test]
fn an_english_export_without_a_database_name_is_english_by_its_base() {
    let Some(site) = siteinfo("multilingual/yago3/en_wikitest.xml") else {
        return;
    };
    assert_eq!(site.schema_version, "0.6");
    assert_eq!(site.dbname, "");
    assert_eq!(
        site.base.as_deref(),
        Some("http://en.wikipedia.org/wiki/Main_Page")
    );
    assert_eq!(site.xml_lang.as_deref(), Some("en"));
    assert_eq!(site.language().as_deref(), Some("en"));
}

#[test]
fn a_german_export_without_a_database_name_is_german_by_its_base() {
    let Some(site) = siteinfo("multilingual/yago3/de_wikitest.xml") else {
        return;
    };
    assert_eq!(site.schema_version, "0.8");
    assert_eq!(site.dbname, "");
    assert_eq!(
        site.base.as_deref(),
        Some("http://de.wikipedia.org/wiki/Wikipedia:Hauptseite")
    );
    assert_eq!(site.xml_lang.as_deref(), Some("de"));
    assert_eq!(site.language().as_deref(), Some("de"));
}

#[test]
fn the_latgalian_wikipedia_is_latgalian_by_its_database_name() {
    let Some(site) = siteinfo("wiki/ltgwiki-20170901-pages-articles.xml.bz2") else {
        return;
    };
    assert_eq!(site.schema_version, "0.10");
    assert_eq!(site.dbname, "ltgwiki");
    assert_eq!(site.xml_lang.as_deref(), Some("ltg"));
    assert_eq!(site.language().as_deref(), Some("ltg"));
}
