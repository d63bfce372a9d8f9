//! Reads the real interlanguage sources in `../shared/data/multilingual/`:
//! a `langlinks` SQL dump and a Wikidata JSON dump. The counts asserted
//! were measured independently, with a Python script (a regular expression
//! over the SQL rows; `json.loads` of each Wikidata line).
//!
//! Skipped with a note when the data is absent, unless
//! `KENNING_REQUIRE_DATA` is set.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kenning_dump::{
    Compression, LangLink, LanglinksReader, WikidataEntity, WikidataReader, open_input,
    wiki_language,
};

const LANGLINKS: &str = "multilingual/citolytics-langlinks.sql";
const WIKIDATA: &str = "multilingual/wikibrain/testDump.json.bz2";

/// The file `needed` of the shared data, if it is there (else the test
/// is skipped, by `kenning-testdata`'s rule).
fn shared_data(needed: &str) -> Option<PathBuf> {
    kenning_testdata::shared_data(&[needed], "the interlanguage test").map(|dir| dir.join(needed))
}

fn link(from: u32, lang: &str, title: &str) -> LangLink {
    LangLink {
        from,
        lang: lang.into(),
        title: title.into(),
    }
}

fn read_langlinks(path: &Path) -> (Vec<LangLink>, u64) {
    let mut reader = LanglinksReader::new(open_input(path, 1).unwrap());
    let rows = reader.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (rows, reader.skipped())
}

#[test]
fn the_real_langlinks_dump_reads_every_row() {
    let Some(path) = shared_data(LANGLINKS) else {
        return;
    };
    let (rows, skipped) = read_langlinks(&path);
    // 90,551 rows in 4 INSERT statements; one, (16296686,'fr',''), has an
    // empty title.
    assert_eq!(rows.len(), 90_550);
    assert_eq!(skipped, 1);
    assert_eq!(rows[0], link(14928, "aa", "Category:User aa"));
    assert_eq!(rows[rows.len() - 1], link(14640662, "zu", "user:OffsBlink"));
    for want in [
        link(12183007, "aa", "User:تفکر"),
        link(20466, "ab", "Авикипедиа:Автоподтверждённые участники"),
        link(24189928, "an", "Categoría:Plantillas d'usuario"),
        link(2819271, "nap", "Wikipedia:Porta d\"a cummunetà"),
        link(16044600, "zh-yue", "Category:User pl-0"),
    ] {
        assert!(rows.contains(&want), "{want:?}");
    }
    assert!(!rows.iter().any(|r| r.from == 16296686 && r.lang == "fr"));
    // Checksums of the whole table.
    let langs: BTreeSet<&str> = rows.iter().map(|r| r.lang.as_str()).collect();
    let pages: BTreeSet<u32> = rows.iter().map(|r| r.from).collect();
    assert_eq!((langs.len(), pages.len()), (297, 3429));
    assert_eq!(rows.iter().filter(|r| r.lang == "en").count(), 2557);
    assert_eq!(rows.iter().filter(|r| r.lang == "fr").count(), 1823);
    assert_eq!(rows.iter().filter(|r| r.title.contains('\'')).count(), 222);
    assert_eq!(rows.iter().filter(|r| r.title.contains('"')).count(), 4);
    assert_eq!(
        rows.iter().map(|r| u64::from(r.from)).sum::<u64>(),
        1_027_472_535_178
    );
    assert_eq!(rows.iter().map(|r| r.title.len()).sum::<usize>(), 2_320_782);
}

#[test]
fn a_gzipped_langlinks_dump_reads_the_same() {
    use std::io::Write;
    let Some(path) = shared_data(LANGLINKS) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("xxwiki-langlinks.sql.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    encoder.write_all(&std::fs::read(&path).unwrap()).unwrap();
    encoder.finish().unwrap();
    assert_eq!(open_input(&gz, 1).unwrap().compression, Compression::Gzip);
    assert_eq!(read_langlinks(&gz), read_langlinks(&path));
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|&(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
}

fn find<'a>(list: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    list.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn the_real_wikidata_dump_reads_every_item() {
    let Some(path) = shared_data(WIKIDATA) else {
        return;
    };
    for threads in [1, 2] {
        let input = open_input(&path, threads).unwrap();
        let mut reader = WikidataReader::new(input);
        let items = reader.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
        assert_eq!(items.len(), 400);
        assert_eq!(reader.skipped(), 1304, "the properties");
        let has = |e: &WikidataEntity, site: &str| e.sitelinks.iter().any(|(s, _)| s == site);
        let en_fr = items
            .iter()
            .filter(|e| has(e, "enwiki") && has(e, "frwiki"))
            .count();
        assert_eq!(en_fr, 371);
        assert_eq!(items.iter().filter(|e| has(e, "dewiki")).count(), 381);
        // Every sitelink kept is a language Wikipedia (246 to Commons and
        // one to Wikidata are not, nor those to other projects).
        assert_eq!(
            items.iter().map(|e| e.sitelinks.len()).sum::<usize>(),
            36_391
        );
        assert!(
            items
                .iter()
                .flat_map(|e| &e.sitelinks)
                .all(|(s, _)| wiki_language(s).is_some())
        );
        assert_eq!(items.iter().map(|e| e.labels.len()).sum::<usize>(), 39_896);
        assert_eq!(items.iter().map(|e| e.aliases.len()).sum::<usize>(), 3_735);
        for e in &items {
            for list in [&e.sitelinks, &e.labels, &e.aliases] {
                assert!(list.is_sorted_by(|a, b| a.0 <= b.0), "{}", e.id);
            }
        }

        let q42 = items.iter().find(|e| e.id == "Q42").unwrap();
        assert_eq!(find(&q42.sitelinks, "enwiki"), ["Douglas Adams"]);
        assert_eq!(find(&q42.sitelinks, "frwiki"), ["Douglas Adams"]);
        assert_eq!(find(&q42.labels, "en"), ["Douglas Adams"]);
        assert_eq!(
            find(&q42.aliases, "en"),
            ["Douglas Noël Adams", "Douglas Noel Adams", "DNA", "Bop Ad"]
        );
        assert_eq!(find(&q42.aliases, "fr"), ["Douglas Noel Adams"]);

        let q1 = &items[0];
        assert_eq!(q1.id, "Q1");
        assert_eq!(q1.sitelinks.len(), 135, "154 with the 19 Wikiquotes");
        assert_eq!(find(&q1.sitelinks, "enwiki"), ["Universe"]);
        assert_eq!(find(&q1.sitelinks, "frwiki"), ["Univers"]);
        assert_eq!(
            q1.labels
                .iter()
                .filter(|(l, _)| l == "en" || l == "fr")
                .cloned()
                .collect::<Vec<_>>(),
            pairs(&[("en", "universe"), ("fr", "Univers")])
        );
        assert_eq!(find(&q1.aliases, "en"), ["cosmos", "The Universe", "Space"]);

        let last = &items[399];
        assert_eq!(last.id, "Q60");
        assert_eq!(find(&last.sitelinks, "enwiki"), ["New York City"]);
        assert_eq!(find(&last.sitelinks, "frwiki"), ["New York"]);
    }
}
