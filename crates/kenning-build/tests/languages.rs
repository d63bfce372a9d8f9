//! Several language editions in one build: the example wiki with its
//! French edition (inline interlanguage links both ways), `--langlinks`
//! and `--wikidata` files written here, the errors that stop a build whose
//! languages cannot be joined, and YAGO's English and German test dumps.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildError, BuildOptions, BuildProgress, LanguageOptions, Source, build};
use kenning_store::{LanguageMeta, Snapshot};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn options(out: &Path, sources: Vec<Source>, languages: LanguageOptions) -> BuildOptions {
    BuildOptions {
        out: out.to_owned(),
        sources,
        threads: 2,
        records: Vec::new(),
        holdout_percent: 0,
        languages,
        ontologies: Vec::new(),
        record_fields: Default::default(),
    }
}

fn run(options: &BuildOptions) -> Result<Snapshot, BuildError> {
    build(options, &Arc::new(BuildProgress::default()))?;
    Ok(Snapshot::open(&options.out).unwrap())
}

/// `(language code, title, summary)` of each translation of `title`.
fn translations(s: &Snapshot, title: &str) -> Vec<(String, String, String)> {
    let idx = s
        .find_title(title)
        .unwrap_or_else(|| panic!("no concept {title}"));
    s.concept(idx)
        .translations()
        .map(|t| {
            (
                s.language_code(t.language).unwrap().to_owned(),
                t.title.to_owned(),
                t.summary.to_owned(),
            )
        })
        .collect()
}

/// A language's figures; in another language than the primary one, every
/// joined page names its concept there (`named`).
fn figures(code: &str, pages: u64, joined: u64, unjoined: u64, links: [u64; 3]) -> LanguageMeta {
    LanguageMeta {
        named: if code == "en" { 0 } else { joined },
        code: code.to_owned(),
        pages,
        joined,
        unjoined,
        links_read: links[0],
        links_joined: links[1],
        links_dangling: links[2],
    }
}

#[test]
fn the_example_wiki_and_its_french_edition_make_one_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let english = examples().join("tiny-wiki.xml");
    let french = examples().join("tiny-wiki-fr.xml");
    let s = run(&options(
        &tmp.path().join("snap"),
        vec![Source::Dump(english), Source::Dump(french)],
        LanguageOptions::default(),
    ))
    .unwrap();
    // The joined French pages are no concepts of their own; the one with
    // no English counterpart is.
    assert_eq!(s.len(), 14);
    assert_eq!(
        s.meta().languages,
        [
            // 4 English concepts have a French page.
            figures("en", 13, 4, 0, [0, 0, 0]),
            // 3 French pages join by their own [[en:…]] link, one (the
            // festival) by the English page's [[fr:…]] link; the harbour
            // names an English page that does not exist.
            figures("fr", 5, 4, 1, [1, 1, 0]),
        ]
    );
    let ferry = translations(&s, "Merrowby Ferry");
    assert_eq!(ferry.len(), 1);
    assert_eq!(
        (ferry[0].0.as_str(), ferry[0].1.as_str()),
        ("fr", "Bac de Merrowby")
    );
    assert!(
        ferry[0].2.starts_with("Le bac de Merrowby est un bac"),
        "{}",
        ferry[0].2
    );
    assert_eq!(
        translations(&s, "Merrowby Lantern Festival")[0].1,
        "Fête des lanternes de Merrowby"
    );
    assert!(translations(&s, "Ida Varrow").is_empty());
    // The French page with no English counterpart: a French concept, with
    // an id no English page can have, whose links (to French titles) are
    // resolved among the French pages.
    let port = s.concept(s.find_title("Port de pêche de Merrowby").unwrap());
    assert!(port.id().get() >= 1 << 31, "{}", port.id().get());
    assert_eq!(s.language_code(port.language()), Some("fr"));
    assert!(port.summary().starts_with("Le port de pêche de Merrowby"));
    let mut linked: Vec<&str> = port.out_links().map(|i| s.concept(i).title()).collect();
    linked.sort_unstable();
    assert_eq!(linked, ["Merrowby", "Merrowby Ferry"]);
    // English concepts stay English.
    assert_eq!(s.concept(s.find_title("Merrowby").unwrap()).language(), 0);
    // A title in French finds its concept, as the wiki writes links to it.
    let ferry = s.find_title("Merrowby Ferry");
    assert_eq!(s.find_title("Bac de Merrowby"), ferry);
    assert_eq!(s.lookup("bac_de_Merrowby"), ferry);
    assert_eq!(
        s.lookup("Fête des lanternes de Merrowby"),
        s.find_title("Merrowby Lantern Festival")
    );
    // The English side is as it is alone: same titles and summaries.
    let idx = s.find_title("Merrowby").unwrap();
    assert_eq!(s.concept(idx).title(), "Merrowby");
    assert!(
        s.concept(idx)
            .summary()
            .starts_with("Merrowby is a small town")
    );
}

/// A French edition whose pages carry no interlanguage link.
const FRENCH: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">
  <siteinfo><sitename>Wiki</sitename><dbname>frwiki</dbname><case>first-letter</case>
    <namespaces><namespace key="0" case="first-letter" /></namespaces></siteinfo>
  <page><title>Merrowby</title><ns>0</ns><id>501</id><revision><id>1</id><text>'''Merrowby''' est une ville.</text></revision></page>
  <page><title>Lac Tessel</title><ns>0</ns><id>502</id><revision><id>2</id><text>Le '''lac Tessel''' est un lac.</text></revision></page>
  <page><title>Bac de Merrowby</title><ns>0</ns><id>503</id><revision><id>3</id><text>Le '''bac''' traverse le lac.</text></revision></page>
  <page><title>Île Kettle</title><ns>0</ns><id>504</id><revision><id>4</id><text>L''''île Kettle''' est une île.</text></revision></page>
  <page><title>Smokehouse</title><ns>0</ns><id>505</id><revision><id>5</id><text>Le '''Smokehouse''' est le phare.</text></revision></page>
</mediawiki>
"#;

#[test]
fn langlinks_of_either_wiki_and_wikidata_items_join_pages_without_inline_links() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("frwiki-pages.xml");
    std::fs::write(&dump, FRENCH).unwrap();
    // The English wiki's langlinks (page 5 is Merrowby Ferry), and the
    // French wiki's (page 502 links to English "Tessel Lake", a redirect).
    let en_links = tmp.path().join("en-langlinks.sql");
    std::fs::write(
        &en_links,
        "INSERT INTO `langlinks` VALUES (5,'fr','Bac de Merrowby'),(5,'de','Fähre'),(999,'fr','Nulle part'),(7,'fr','Smokehouse');\n",
    )
    .unwrap();
    let fr_links = tmp.path().join("frwiki-20260101-langlinks.sql");
    std::fs::write(
        &fr_links,
        "INSERT INTO `langlinks` VALUES (502,'en','Tessel_Lake'),(502,'de','Tesselsee');\n",
    )
    .unwrap();
    let wikidata = tmp.path().join("items.json");
    std::fs::write(
        &wikidata,
        concat!(
            "[\n",
            r#"{"id":"Q1","type":"item","sitelinks":{"enwiki":{"site":"enwiki","title":"Merrowby"},"frwiki":{"site":"frwiki","title":"Merrowby"}}},"#,
            "\n",
            r#"{"id":"Q2","type":"item","sitelinks":{"frwiki":{"site":"frwiki","title":"Île Kettle"}}}"#,
            "\n]\n"
        ),
    )
    .unwrap();
    let s = run(&options(
        &tmp.path().join("snap"),
        vec![
            Source::Dump(examples().join("tiny-wiki.xml")),
            Source::Dump(dump),
        ],
        LanguageOptions {
            sources: Vec::new(),
            langlinks: vec![(en_links, None), (fr_links, None)],
            wikidata: vec![wikidata],
            named: Vec::new(),
        },
    ))
    .unwrap();
    assert_eq!(translations(&s, "Merrowby Ferry")[0].1, "Bac de Merrowby");
    assert_eq!(translations(&s, "Lake Tessel")[0].1, "Lac Tessel");
    assert_eq!(translations(&s, "Merrowby")[0].1, "Merrowby");
    // Q2 has no English page: Île Kettle stays out.
    assert!(translations(&s, "Kettle Island").is_empty());
    // The lighthouse's French page is titled like another English
    // concept: its title keeps naming that concept.
    assert_eq!(translations(&s, "Merrowby Lighthouse")[0].1, "Smokehouse");
    let smokehouse = s.find_title("Smokehouse").unwrap();
    assert_eq!(s.concept(smokehouse).title(), "Smokehouse");
    assert_eq!(s.find_title("Lac Tessel"), s.find_title("Lake Tessel"));
    let fr = &s.meta().languages[1];
    // Read: the English rows to "Bac de Merrowby", "Nulle part" and
    // "Smokehouse", the French row of page 502, Q1's French sitelink, and
    // the English festival page's inline [[fr:…]] link; two of those six
    // name pages this French dump does not have.
    assert_eq!(
        (
            fr.pages,
            fr.joined,
            fr.unjoined,
            fr.links_read,
            fr.links_joined
        ),
        (5, 4, 1, 6, 4)
    );
    assert_eq!(fr.links_dangling, 2);
}

#[test]
fn languages_that_cannot_be_joined_stop_the_build_with_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let english = examples().join("tiny-wiki.xml");
    let french = examples().join("tiny-wiki-fr.xml");
    // The primary language's sources first.
    let late = options(
        &tmp.path().join("a"),
        vec![
            Source::Dump(english.clone()),
            Source::Dump(french.clone()),
            Source::Concepts(examples().join("tiny-concepts.jsonl")),
        ],
        LanguageOptions::default(),
    );
    let message = run(&late).unwrap_err().to_string();
    assert!(message.contains("tiny-concepts.jsonl"), "{message}");
    assert!(
        message.contains("primary language's sources first"),
        "{message}"
    );
    // Unless the late source says it is French.
    let said = options(
        &tmp.path().join("b"),
        late.sources.clone(),
        LanguageOptions {
            sources: vec![(examples().join("tiny-concepts.jsonl"), "fr".to_owned())],
            ..LanguageOptions::default()
        },
    );
    let s = run(&said).unwrap();
    assert_eq!(s.meta().languages[1].code, "fr");
    // Langlinks of a wiki the build has no dump of.
    let links = tmp.path().join("dewiki-latest-langlinks.sql");
    std::fs::write(
        &links,
        "INSERT INTO `langlinks` VALUES (1,'en','Merrowby');\n",
    )
    .unwrap();
    let german = options(
        &tmp.path().join("c"),
        vec![Source::Dump(english.clone()), Source::Dump(french)],
        LanguageOptions {
            langlinks: vec![(links.clone(), None)],
            ..LanguageOptions::default()
        },
    );
    let message = run(&german).unwrap_err().to_string();
    assert!(message.contains("dewiki-latest-langlinks.sql"), "{message}");
    assert!(message.contains("--langlinks CODE=FILE"), "{message}");
    // Interlanguage files for sources that say no language.
    let unsaid = options(
        &tmp.path().join("d"),
        vec![Source::Concepts(examples().join("tiny-concepts.jsonl"))],
        LanguageOptions {
            langlinks: vec![(links, None)],
            ..LanguageOptions::default()
        },
    );
    let message = run(&unsaid).unwrap_err().to_string();
    assert!(message.contains("no source says its language"), "{message}");
    // Nothing was published by the failed builds.
    assert!(Snapshot::open(&tmp.path().join("a")).is_err());
}

#[test]
fn yago_english_and_german_test_dumps_join_on_their_one_shared_page() {
    let Some(data) = kenning_testdata::shared_data(
        &[
            "multilingual/yago3/en_wikitest.xml",
            "multilingual/yago3/de_wikitest.xml",
        ],
        "YAGO's English and German test dumps",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let yago = data.join("multilingual/yago3");
    let s = run(&options(
        &tmp.path().join("snap"),
        vec![
            Source::Dump(yago.join("en_wikitest.xml")),
            Source::Dump(yago.join("de_wikitest.xml")),
        ],
        LanguageOptions::default(),
    ))
    .unwrap();
    // Counted independently from the XML: 135 English and 118 German
    // articles (redirects left out); 110 distinct [[de:…]] targets on the
    // English pages, of which only "Angela Merkel" is a German page.
    let langs = &s.meta().languages;
    assert_eq!(langs.len(), 2);
    assert_eq!((langs[0].code.as_str(), langs[0].pages), ("en", 135));
    assert_eq!(
        (
            langs[1].code.as_str(),
            langs[1].pages,
            langs[1].joined,
            langs[1].links_read,
            langs[1].links_dangling
        ),
        ("de", 118, 1, 110, 109)
    );
    // The 117 German pages that join nothing are German concepts.
    assert_eq!(s.len(), 135 + 117);
    let merkel = translations(&s, "Angela Merkel");
    assert_eq!(merkel.len(), 1);
    assert_eq!(merkel[0].1, "Angela Merkel");
    assert!(
        merkel[0].2.starts_with("Angela Dorothea Merkel") && merkel[0].2.contains("Politikerin"),
        "{}",
        merkel[0].2
    );
}

#[test]
fn pignlproc_samples_of_2009_and_2010_build_side_by_side_with_a_language_given() {
    let Some(data) = kenning_testdata::shared_data(
        &[
            "multilingual/pignlproc/enwiki-20090902-pages-articles-sample.xml",
            "multilingual/pignlproc/frwiki-20101103-pages-articles-sample.xml",
        ],
        "pignlproc's English and French samples",
    ) else {
        return;
    };
    let dir = data.join("multilingual/pignlproc");
    let (english, french) = (
        dir.join("enwiki-20090902-pages-articles-sample.xml"),
        dir.join("frwiki-20101103-pages-articles-sample.xml"),
    );
    let tmp = tempfile::tempdir().unwrap();
    let sources = vec![Source::Dump(english), Source::Dump(french.clone())];
    // The French sample calls itself English (xml:lang and <base> both),
    // so read as it says, its pages are English concepts.
    let as_said = run(&options(
        &tmp.path().join("a"),
        sources.clone(),
        LanguageOptions::default(),
    ))
    .unwrap();
    assert_eq!(as_said.meta().languages.len(), 1);
    assert!(as_said.find_title("Antoine Meillet").is_some());
    // Given its language, it is the French edition. Counted from the XML:
    // 2 English articles (the other 2 pages are redirects) linking to
    // Anarchisme and Autisme, and 5 French articles (Amenophis IV is a
    // redirect), none of them on either subject: nothing joins, both links
    // dangle, and the 5 French articles are French concepts.
    let given = run(&options(
        &tmp.path().join("b"),
        sources,
        LanguageOptions {
            sources: vec![(french, "fr".to_owned())],
            ..LanguageOptions::default()
        },
    ))
    .unwrap();
    // The French pages are concepts of their own, in French.
    assert_eq!(given.len(), 7);
    assert_eq!(
        given.meta().languages,
        [
            figures("en", 2, 0, 0, [0, 0, 0]),
            figures("fr", 5, 0, 5, [2, 0, 2]),
        ]
    );
    let meillet = given.concept(given.find_title("Antoine Meillet").unwrap());
    assert_eq!(given.language_code(meillet.language()), Some("fr"));
}

#[test]
fn wikidata_labels_and_aliases_name_concepts_in_languages_without_a_dump() {
    let tmp = tempfile::tempdir().unwrap();
    let wikidata = tmp.path().join("items.json");
    // The ferry has labels and aliases in French and German; the town a
    // French label only; the third item has no English page.
    std::fs::write(
        &wikidata,
        concat!(
            "[\n",
            r#"{"id":"Q1","type":"item","labels":{"fr":{"language":"fr","value":"Bac de Merrowby"},"de":{"language":"de","value":"Merrowby-Fähre"},"it":{"language":"it","value":"Traghetto"}},"aliases":{"fr":[{"language":"fr","value":"Bac du lac"}],"de":[{"language":"de","value":"Fähre über den Tessel"}]},"sitelinks":{"enwiki":{"site":"enwiki","title":"Merrowby Ferry"}}},"#,
            "\n",
            r#"{"id":"Q2","type":"item","labels":{"fr":{"language":"fr","value":"Merrowby (ville)"}},"sitelinks":{"enwiki":{"site":"enwiki","title":"Merrowby"}}},"#,
            "\n",
            r#"{"id":"Q3","type":"item","labels":{"fr":{"language":"fr","value":"Île Kettle"}},"sitelinks":{"frwiki":{"site":"frwiki","title":"Île Kettle"}}}"#,
            "\n]\n"
        ),
    )
    .unwrap();
    let s = run(&options(
        &tmp.path().join("snap"),
        vec![Source::Dump(examples().join("tiny-wiki.xml"))],
        LanguageOptions {
            wikidata: vec![wikidata],
            named: vec!["fr".into(), "de".into()],
            ..LanguageOptions::default()
        },
    ))
    .unwrap();
    let codes: Vec<&str> = s.meta().languages.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(codes, ["en", "fr", "de"]);
    let named: Vec<u64> = s.meta().languages.iter().map(|l| l.named).collect();
    assert_eq!(named, [0, 2, 1]);
    // A label is the title where no page joined, with no lead.
    assert_eq!(
        translations(&s, "Merrowby Ferry"),
        [
            ("fr".into(), "Bac de Merrowby".into(), String::new()),
            ("de".into(), "Merrowby-Fähre".into(), String::new()),
        ]
    );
    let ferry = s.find_title("Merrowby Ferry").unwrap();
    let aliases: Vec<Vec<&str>> = s
        .concept(ferry)
        .translations()
        .map(|t| t.names().collect())
        .collect();
    assert_eq!(aliases, [vec!["Bac du lac"], vec!["Fähre über den Tessel"]]);
    // Labels find their concept by title, like a page's title would.
    assert_eq!(s.find_title("Merrowby-Fähre"), Some(ferry));
    // Each named language has its own mention dictionary.
    assert!(s.mention_bytes_in(1).is_some_and(|b| !b.is_empty()));
    assert!(s.mention_bytes_in(2).is_some_and(|b| !b.is_empty()));
}

#[test]
fn a_page_and_a_label_in_one_language_make_one_title_with_the_label_as_a_name() {
    let tmp = tempfile::tempdir().unwrap();
    let wikidata = tmp.path().join("items.json");
    std::fs::write(
        &wikidata,
        concat!(
            "[\n",
            r#"{"id":"Q1","type":"item","labels":{"fr":{"language":"fr","value":"Le bac"}},"aliases":{"fr":[{"language":"fr","value":"Bac de Merrowby"}]},"sitelinks":{"enwiki":{"site":"enwiki","title":"Merrowby Ferry"}}}"#,
            "\n]\n"
        ),
    )
    .unwrap();
    let s = run(&options(
        &tmp.path().join("snap"),
        vec![
            Source::Dump(examples().join("tiny-wiki.xml")),
            Source::Dump(examples().join("tiny-wiki-fr.xml")),
        ],
        LanguageOptions {
            wikidata: vec![wikidata],
            ..LanguageOptions::default()
        },
    ))
    .unwrap();
    let ferry = s.find_title("Merrowby Ferry").unwrap();
    let fr: Vec<_> = s.concept(ferry).translations().collect();
    assert_eq!(fr.len(), 1);
    // The page's title and lead, the label as another name (the alias is
    // the page's title already).
    assert_eq!(fr[0].title, "Bac de Merrowby");
    assert!(fr[0].summary.starts_with("Le bac de Merrowby"));
    assert_eq!(fr[0].names().collect::<Vec<_>>(), ["Le bac"]);
}

#[test]
fn wikispeedia_concepts_are_named_searched_and_detected_in_french_and_german() {
    let Some(data) = kenning_testdata::shared_data(
        &[
            "wikispeedia/concepts.jsonl.gz",
            "multilingual/wikibrain/testDump.json.bz2",
        ],
        "Wikispeedia's concepts and the Wikidata sample",
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // A course described in French, and the same course in English.
    let records = tmp.path().join("courses.jsonl");
    std::fs::write(
        &records,
        concat!(
            r#"{"type":"course","id":"FR-1","title":"Économie européenne","text":"Le commerce entre la Belgique, l'Allemagne et la France.","lang":"fr"}"#,
            "\n",
            r#"{"type":"course","id":"EN-1","title":"European economy","text":"Trade between Belgium, Germany and France.","lang":"en"}"#,
            "\n"
        ),
    )
    .unwrap();
    let mut build = options(
        &tmp.path().join("snap"),
        vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
        LanguageOptions {
            wikidata: vec![data.join("multilingual/wikibrain/testDump.json.bz2")],
            named: vec!["en".into(), "fr".into(), "de".into()],
            ..LanguageOptions::default()
        },
    );
    build.records = vec![records];
    let s = run(&build).unwrap();
    let langs = &s.meta().languages;
    let named: Vec<(&str, u64)> = langs.iter().map(|l| (l.code.as_str(), l.named)).collect();
    // Counted independently (Python, over both files): 138 Wikispeedia
    // titles are an item's English sitelink with a French label or alias,
    // and 138 with a German one.
    assert_eq!(named, [("en", 0), ("fr", 138), ("de", 138)]);
    let germany = s.find_title("Germany").unwrap();
    assert_eq!(s.find_title("Deutschland"), Some(germany));
    assert_eq!(s.find_title("Allemagne"), Some(germany));
    let t = translations(&s, "Germany");
    assert_eq!(
        t.iter()
            .map(|(l, title, _)| (l.as_str(), title.as_str()))
            .collect::<Vec<_>>(),
        [("fr", "Allemagne"), ("de", "Deutschland")]
    );
    let de = s.concept(germany).translation_in("de").unwrap();
    assert!(de.names().any(|n| n == "Bundesrepublik Deutschland"));
    let germany_id = s.concept(germany).id().get();
    drop(s);

    let engine = kenning_engine::Engine::open(&build.out).unwrap();
    // Search: the names in either language find Germany first.
    for query in ["Deutschland", "Allemagne", "Bundesrepublik Deutschland"] {
        let page = engine
            .search(&kenning_engine::SearchRequest {
                query: query.into(),
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            page.items.first().map(|h| h.id.as_str()),
            Some(germany_id.to_string().as_str()),
            "{query}: {:?}",
            page.items.iter().map(|h| &h.title).collect::<Vec<_>>()
        );
    }
    // Detection in French, asked for or detected.
    let text = "Le vin de Belgique et la bière d'Allemagne.";
    let options = kenning_engine::WikifyOptions::default();
    for lang in [Some("fr"), None] {
        let found = engine.wikify_in(text, lang, options);
        assert_eq!(found.language.as_deref(), Some("fr"));
        assert_eq!(found.language_detected, lang.is_none());
        let mut titles: Vec<&str> = found.concepts.iter().map(|c| c.title.as_str()).collect();
        titles.sort_unstable();
        assert_eq!(titles, ["Allemagne", "Belgique"], "{found:?}");
    }
    // The English dictionary does not know the French names.
    let english = engine.wikify_in(text, Some("en"), options);
    assert!(
        english.concepts.iter().all(|c| c.id != germany_id),
        "{english:?}"
    );
    // A course in French and its English translation: the same concepts.
    let concepts = |id: &str| {
        let mut found: Vec<(u32, String)> = engine
            .record("course", id)
            .unwrap()
            .concepts
            .iter()
            .map(|c| (c.id, c.title.clone()))
            .collect();
        found.sort_unstable();
        found
    };
    // The English one's concepts that have a French name, that is: France
    // is not among the sample's 400 items, so the French text cannot name
    // it.
    let named_in_french: Vec<(u32, String)> = concepts("EN-1")
        .into_iter()
        .filter(|(id, _)| {
            let page = engine.concept_in(*id, Some("fr")).unwrap();
            page.language.as_deref() == Some("fr")
        })
        .collect();
    assert_eq!(named_in_french.len(), 2);
    assert_eq!(concepts("FR-1"), named_in_french);
}

#[test]
fn the_anchors_of_another_languages_pages_are_its_mentions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("snap");
    run(&options(
        &out,
        vec![
            Source::Dump(examples().join("tiny-wiki.xml")),
            Source::Dump(examples().join("tiny-wiki-fr.xml")),
        ],
        LanguageOptions::default(),
    ))
    .unwrap();
    let engine = kenning_engine::Engine::open(&out).unwrap();
    // "procession des lanternes" is no title: only a French page's link
    // to the festival says what it names.
    let text = "La procession des lanternes traverse la ville en hiver.";
    let found = engine.wikify_in(text, Some("fr"), kenning_engine::WikifyOptions::default());
    let festival = &found.annotations[..];
    assert_eq!(festival.len(), 1, "{found:?}");
    assert_eq!(festival[0].text, "procession des lanternes");
    assert_eq!(festival[0].concept.title, "Fête des lanternes de Merrowby");
    assert!(!festival[0].parts.title_prior, "{:?}", festival[0].parts);
    // The English dictionary does not have it.
    let english = engine.wikify_in(text, Some("en"), kenning_engine::WikifyOptions::default());
    assert!(english.annotations.is_empty(), "{english:?}");
}
