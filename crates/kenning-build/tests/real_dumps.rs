//! Builds snapshots from the real dumps in `../shared/data` and checks them
//! against the counts published in its README and against leads verified by
//! reading the wikitext. Skipped (with a note) where the data is absent.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_model::PageId;
use kenning_store::{ConceptIdx, Snapshot};

fn data() -> Option<PathBuf> {
    kenning_testdata::shared_data(&[], "real-data tests")
}

fn build_from(sources: Vec<Source>, threads: usize) -> (tempfile::TempDir, Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let progress = Arc::new(BuildProgress::default());
    let options = BuildOptions {
        out: out.clone(),
        sources,
        threads,
        records: Vec::new(),
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    build(&options, &progress).unwrap_or_else(|e| panic!("build failed: {e}"));
    let snapshot = Snapshot::open(&out).unwrap();
    (dir, snapshot)
}

/// Markup that must never survive into a summary.
const RESIDUE: &[&str] = &["{{", "}}", "[[", "]]", "<ref", "|", "&nbsp;", "'''"];

fn assert_clean_summaries(name: &str, snapshot: &Snapshot) {
    for i in 0..snapshot.len() as u32 {
        let c = snapshot.concept(ConceptIdx::new(i));
        for r in RESIDUE {
            assert!(
                !c.summary().contains(r),
                "{name}: summary of {:?} contains {r:?}: {:?}",
                c.title(),
                c.summary()
            );
        }
    }
}

/// (file, ns-0 articles, ns-0 redirects) as `data/README.md` lists them.
const DUMPS: &[(&str, u64, u64)] = &[
    (
        "wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
        106,
        99,
    ),
    ("wiki/enwiki-table-markup.xml.bz2", 5, 0),
    ("wiki/wikidump-simplewiki.xml.bz2", 6, 0),
    ("wiki/w2v-enwiki-sample.xml.bz2", 2, 1),
    ("wiki/wikidump-enwiki-articles-partial.xml", 4, 3),
    ("wiki/ltgwiki-20170901-pages-articles.xml.bz2", 903, 147),
    ("wiki/pico8_pages_current.xml", 209, 15),
    (
        "wiki/aawiki-2026-format-sample/aawiki-20260101-pages-meta-current.xml.bz2",
        1,
        1,
    ),
];

#[test]
fn every_real_dump_matches_the_published_counts() {
    let Some(data) = data() else { return };
    for &(file, articles, redirects) in DUMPS {
        let (_dir, snapshot) = build_from(vec![Source::Dump(data.join(file))], 2);
        let stats = &snapshot.meta().stats;
        assert_eq!(stats.concepts, articles, "{file}: articles");
        assert_eq!(stats.redirects, redirects, "{file}: redirects");
        assert_eq!(stats.pages_failed, 0, "{file}: failed pages");
        assert_clean_summaries(file, &snapshot);
        // Every concept's summary is non-empty unless its article is (nearly) empty.
        let empty = (0..snapshot.len() as u32)
            .filter(|&i| snapshot.concept(ConceptIdx::new(i)).summary().is_empty())
            .count();
        assert!(
            empty * 10 <= snapshot.len().max(10),
            "{file}: {empty} empty summaries"
        );
    }
}

#[test]
fn complete_wikis_link_up() {
    let Some(data) = data() else { return };
    let (_d, ltg) = build_from(
        vec![Source::Dump(
            data.join("wiki/ltgwiki-20170901-pages-articles.xml.bz2"),
        )],
        2,
    );
    let s = &ltg.meta().stats;
    // README: only about 39% of ltgwiki's article links resolve.
    let resolved = s.links as f64 / (s.links + s.red_links) as f64;
    assert!(
        (0.25..0.6).contains(&resolved),
        "ltgwiki resolved share {resolved}"
    );
    assert!(
        ltg.meta()
            .site
            .namespaces
            .iter()
            .any(|(id, n)| *id == 14 && n == "Kategoreja")
    );
    assert!(s.categories > 100);

    let (_d, pico) = build_from(
        vec![Source::Dump(data.join("wiki/pico8_pages_current.xml"))],
        2,
    );
    let s = &pico.meta().stats;
    // README: about 98% of PICO-8's article links resolve.
    let resolved = s.links as f64 / (s.links + s.red_links) as f64;
    assert!(resolved > 0.9, "pico8 resolved share {resolved}");
    // In- and out-links are two views of the same edges.
    let out_total: usize = (0..pico.len() as u32)
        .map(|i| pico.concept(ConceptIdx::new(i)).out_links().count())
        .sum();
    let in_total: usize = (0..pico.len() as u32)
        .map(|i| pico.concept(ConceptIdx::new(i)).in_links().count())
        .sum();
    assert_eq!(out_total, in_total);
    assert_eq!(out_total as u64, s.links);
    for i in 0..pico.len() as u32 {
        for j in pico.concept(ConceptIdx::new(i)).out_links() {
            assert!(pico.concept(j).in_links().any(|k| k.get() == i));
        }
    }
}

/// `expected_leads.tsv`: `file<TAB>title<TAB>first sentence`, written by
/// reading each article's wikitext.
#[test]
fn real_leads_match_their_first_sentence() {
    let Some(data) = data() else { return };
    let table = include_str!("../../kenning-wikitext/tests/expected_leads.tsv");
    let mut snapshots: Vec<(String, tempfile::TempDir, Snapshot)> = Vec::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut cols = line.splitn(3, '\t');
        let (file, title, expected) = (
            cols.next().unwrap(),
            cols.next().unwrap(),
            cols.next().unwrap(),
        );
        if !snapshots.iter().any(|(f, _, _)| f == file) {
            let path = std::fs::read_dir(data.join("wiki"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_name().unwrap().to_string_lossy() == file)
                .unwrap_or_else(|| panic!("{file} not in data/wiki"));
            let (dir, snapshot) = build_from(vec![Source::Dump(path)], 1);
            snapshots.push((file.to_owned(), dir, snapshot));
        }
        let snapshot = &snapshots.iter().find(|(f, _, _)| f == file).unwrap().2;
        let idx = snapshot
            .find_title(title)
            .unwrap_or_else(|| panic!("{file}: no concept {title:?}"));
        let lead = snapshot.concept(idx).summary();
        let got = kenning_wikitext::first_sentence(lead);
        if got != expected {
            failures.push(format!(
                "{file} / {title}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} leads checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} leads differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn extracted_and_concepts_sources() {
    let Some(data) = data() else { return };
    let (_d, s) = build_from(
        vec![Source::Extracted(data.join("enwiki-2015-extracted"))],
        2,
    );
    assert_eq!(s.meta().stats.concepts, 12_980);
    let anarchism = s.concept(s.find_title("Anarchism").unwrap());
    assert_eq!(anarchism.id(), PageId::new(12));
    assert!(
        anarchism
            .summary()
            .starts_with("Anarchism is a political philosophy that advocates stateless societies")
    );
    assert!(!anarchism.summary().contains("Etymology and terminology."));

    let (_d, w) = build_from(
        vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
        2,
    );
    let stats = &w.meta().stats;
    assert_eq!(stats.concepts, 4_604);
    // README: 119,882 links, no dangling targets. 110 of them are
    // self-links (an article linking to itself), which the graph drops.
    // The 17 articles without links get theirs from concept detection.
    assert_eq!(stats.links, 119_882 - 110 + stats.detected_links);
    assert!(stats.detected_concepts <= 17, "{stats:?}");
    assert_eq!(stats.red_links, 0);
    let c = w.concept(w.find_title("Áedán mac Gabráin").unwrap());
    assert!(
        c.summary()
            .starts_with("Áedán mac Gabráin was king of Dál Riata"),
        "{}",
        c.summary()
    );
    assert_eq!(
        c.categories().next(),
        Some(
            "Subject.History.British History.British History 1500 and before including Roman Britain"
        )
    );
    // Ids are stable: derived from the title, the same in every build.
    let (_d, again) = build_from(
        vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
        1,
    );
    assert_eq!(
        again
            .concept(again.find_title("Áedán mac Gabráin").unwrap())
            .id(),
        c.id()
    );
}

/// Splits a dump into Wikipedia's multistream layout (header stream, one
/// stream per `per` pages, footer stream) and writes the index too.
fn multistream(xml: &[u8], per: usize, out: &Path, index: Option<&Path>) {
    let text = std::str::from_utf8(xml).unwrap();
    let mut cuts: Vec<usize> = text.match_indices("<page>").map(|(i, _)| i).collect();
    let footer = text.rfind("</mediawiki>").unwrap();
    let header = cuts[0];
    cuts = cuts.into_iter().step_by(per).collect();
    cuts.push(footer);
    let mut packed = Vec::new();
    let mut lines = String::new();
    let compress = |data: &[u8]| {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    packed.extend(compress(&xml[..header]));
    for w in cuts.windows(2) {
        let offset = packed.len();
        for (i, _) in text[w[0]..w[1]].match_indices("<page>") {
            let page = &text[w[0] + i..];
            let id = &page[page.find("<id>").unwrap() + 4..page.find("</id>").unwrap()];
            let title = &page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()];
            lines.push_str(&format!("{offset}:{id}:{title}\n"));
        }
        packed.extend(compress(&xml[w[0]..w[1]]));
    }
    packed.extend(compress(&xml[footer..]));
    std::fs::write(out, packed).unwrap();
    if let Some(index) = index {
        std::fs::write(index, lines).unwrap();
    }
}

#[test]
fn multistream_with_and_without_index_equals_plain() {
    let Some(data) = data() else { return };
    let file = data.join(DUMPS[0].0);
    let mut xml = Vec::new();
    bzip2::read::MultiBzDecoder::new(std::fs::File::open(&file).unwrap())
        .read_to_end(&mut xml)
        .unwrap();
    let (_d, plain) = build_from(vec![Source::Dump(file)], 2);

    let dir = tempfile::tempdir().unwrap();
    let with_index = dir.path().join("x-multistream.xml.bz2");
    multistream(
        &xml,
        10,
        &with_index,
        Some(&dir.path().join("x-multistream-index.txt")),
    );
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = bare_dir.path().join("y-multistream.xml.bz2");
    multistream(&xml, 10, &bare, None);
    for path in [with_index, bare] {
        let (_d, s) = build_from(vec![Source::Dump(path.clone())], 2);
        assert_eq!(
            s.meta().sources[0].compression,
            "bzip2multistream",
            "{}",
            path.display()
        );
        assert_eq!(s.meta().stats, plain.meta().stats, "{}", path.display());
        for i in 0..s.len() as u32 {
            assert_eq!(
                s.concept(ConceptIdx::new(i)).summary(),
                plain.concept(ConceptIdx::new(i)).summary()
            );
        }
    }
}

#[test]
fn builds_are_deterministic_whatever_the_thread_count() {
    let Some(data) = data() else { return };
    let file = data.join("wiki/ltgwiki-20170901-pages-articles.xml.bz2");
    let (_a, one) = build_from(vec![Source::Dump(file.clone())], 1);
    let (_b, four) = build_from(vec![Source::Dump(file)], 4);
    assert_eq!(one.meta().stats, four.meta().stats);
    for name in [
        "titles.dat",
        "summaries.dat",
        "out_links.u32",
        "in_links.u32",
        "name_keys.u64",
    ] {
        let a = std::fs::read(one.generation_dir().join(name)).unwrap();
        let b = std::fs::read(four.generation_dir().join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 4 threads");
    }
}

/// Wikispeedia (links without anchor text) plus WikiExtractor articles (no
/// links at all), as the serving benchmarks use: the mention dictionary is
/// built from titles and links, and the extracted articles get their links
/// from concept detection.
#[test]
fn concept_detection_fills_sources_without_links() {
    let Some(data) = data() else { return };
    let (_d, s) = build_from(
        vec![
            Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz")),
            Source::Extracted(data.join("enwiki-2015-extracted")),
        ],
        2,
    );
    let stats = &s.meta().stats;
    assert_eq!(stats.concepts, 16_442);
    assert!(stats.mention_phrases > 10_000, "{stats:?}");
    // Link probabilities are counted over the documents that have links:
    // the 4,587 Wikispeedia articles with at least one link.
    assert_eq!(stats.mention_documents, 4_587);
    // Most extracted-only articles mention some known concept.
    assert!(stats.detected_concepts > 10_000, "{stats:?}");
    assert!(stats.links > 119_772 + stats.detected_links / 2);

    // An extracted-only article: linked summary, out-links, related concepts.
    let c = s.concept(s.find_title("Foreign relations of Russia").unwrap());
    let linked: Vec<&str> = c
        .summary_links()
        .map(|(a, b, _)| &c.summary()[a..b])
        .collect();
    assert!(linked.contains(&"Soviet Union"), "{linked:?}");
    for (a, b, target) in c.summary_links() {
        assert_ne!(target, c.idx());
        assert!(a < b && b <= c.summary().len());
    }
    assert!(c.out_links().count() > 20);
    let related: Vec<&str> = c.related().map(|(r, _)| s.concept(r).title()).collect();
    assert!(related.contains(&"Russia"), "{related:?}");
    // Wikispeedia articles keep their own links; Russia gains in-links
    // from detected mentions.
    let russia = s.concept(s.find_title("Russia").unwrap());
    assert!(russia.in_links().any(|i| i == c.idx()));
}

/// The EPFL Graph registry sample and the 2019 EPFL courses over the
/// Wikispeedia concepts: every record imported, every link counted (the
/// figures of data/README.md, section 7), and the course descriptions
/// linked to concepts. (The registry sample's 61 links on both records'
/// pages are checked through the server, in kenning-server's tests.)
#[test]
fn institution_records_are_imported_and_linked() {
    let Some(data) = data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let records = data.join("institution/records");
    let options = BuildOptions {
        out: out.clone(),
        sources: vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
        records: vec![
            records.join("epfl-registry-sample.jsonl"),
            records.join("epfl-courses-2019.jsonl"),
        ],
        threads: 2,
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    let report = build(&options, &Arc::new(BuildProgress::default())).unwrap();
    let s = &report.meta.stats;
    // 66 + 1,506 records, 15 course ids in both files: the later file's
    // record replaces the earlier, links and all. Expected figures from the
    // files themselves, with that rule.
    let mut links = std::collections::HashMap::new();
    for file in ["epfl-registry-sample.jsonl", "epfl-courses-2019.jsonl"] {
        for line in std::fs::read_to_string(records.join(file)).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let n = v["links"].as_array().map_or(0, Vec::len) as u64;
            links.insert((v["type"].to_string(), v["id"].to_string()), n);
        }
    }
    assert_eq!(s.records, links.len() as u64);
    assert_eq!(s.records, 66 + 1_506 - 15, "{s:?}");
    assert_eq!(s.record_links, links.values().sum::<u64>(), "{s:?}");
    // The sample's people still exist, so no link dangles.
    assert_eq!(s.record_missing_links, 0, "{s:?}");
    // Course descriptions talk about concepts Wikispeedia has.
    let generation = &report.generation;
    let lines = std::fs::read_to_string(generation.join("record_concepts.jsonl")).unwrap();
    let recs = std::fs::read_to_string(generation.join("records.jsonl")).unwrap();
    let (mut courses, mut linked) = (0, 0);
    for (record, concepts) in recs.lines().zip(lines.lines()) {
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        let concepts: serde_json::Value = serde_json::from_str(concepts).unwrap();
        if record["type"] == "course" && !record["text"].as_str().unwrap().is_empty() {
            courses += 1;
            linked += usize::from(!concepts["concepts"].as_array().unwrap().is_empty());
        }
    }
    assert_eq!(lines.lines().count(), s.records as usize);
    // Wikispeedia is 4,604 general-knowledge articles chosen for
    // schoolchildren; EPFL's course descriptions are technical. 558 of
    // 1,513 courses had concepts when this was written (inherited ones
    // included); a drop below a third means detection broke.
    assert!(
        linked * 3 >= courses,
        "only {linked} of {courses} courses have concepts"
    );
}
