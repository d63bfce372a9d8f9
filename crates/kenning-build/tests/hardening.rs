//! Builds from small generated inputs that are odd or hostile: duplicate
//! page ids, invalid titles, pages larger than the pipeline's byte budget.
//! No shared data needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_model::PageId;
use kenning_store::{ConceptIdx, Snapshot};

const HEAD: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">
  <siteinfo>
    <sitename>Test</sitename>
    <dbname>testwiki</dbname>
    <base>https://test.example/wiki/Main_Page</base>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"#;

fn page(title: &str, id: u32, text: &str) -> String {
    format!(
        "  <page>\n    <title>{title}</title>\n    <ns>0</ns>\n    <id>{id}</id>\n    <revision>\n      <id>{id}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n      <text xml:space=\"preserve\">{text}</text>\n    </revision>\n  </page>\n"
    )
}

fn write_dump(dir: &Path, name: &str, pages: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{HEAD}{}</mediawiki>\n", pages.concat())).unwrap();
    path
}

fn build_dump(
    dir: &Path,
    out: &str,
    dump: &Path,
    threads: usize,
) -> (Snapshot, Vec<String>, PathBuf) {
    let out = dir.join(out);
    let progress = Arc::new(BuildProgress::default());
    let options = BuildOptions {
        out: out.clone(),
        sources: vec![Source::Dump(dump.to_owned())],
        threads,
        records: Vec::new(),
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    build(&options, &progress).unwrap_or_else(|e| panic!("build failed: {e}"));
    let snapshot = Snapshot::open(&out).unwrap();
    let generation = snapshot.generation_dir().to_owned();
    (snapshot, progress.take_warnings(), generation)
}

#[test]
fn duplicate_page_ids_are_counted_and_named_in_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let dump = write_dump(
        dir.path(),
        "dups.xml",
        &[
            page("Alpha", 7, "Alpha is first."),
            page("Beta", 7, "Beta reuses the id of [[Alpha]]."),
            page("Gamma", 9, "Gamma has its own id."),
            page("Delta", 9, "Delta reuses the id of [[Gamma]]."),
            page("Epsilon", 7, "Epsilon too."),
        ],
    );
    let (snapshot, warnings, _) = build_dump(dir.path(), "snap", &dump, 1);
    let stats = &snapshot.meta().stats;
    assert_eq!(stats.concepts, 5);
    assert_eq!(stats.duplicate_ids, 3);
    let about_ids: Vec<&String> = warnings.iter().filter(|w| w.contains("page id")).collect();
    assert_eq!(about_ids.len(), 1, "{warnings:?}");
    let w = about_ids[0];
    for part in [
        "3 pages",
        "dups.xml",
        "id 7 \"Beta\"",
        "id 9 \"Delta\"",
        "id 7 \"Epsilon\"",
    ] {
        assert!(w.contains(part), "{part:?} not in {w:?}");
    }
    // The first page keeps the id; the others get new, distinct ones.
    let title_of = |id| {
        snapshot
            .find_id(PageId::new(id))
            .map(|i| snapshot.concept(i).title())
    };
    assert_eq!(title_of(7), Some("Alpha"));
    assert_eq!(title_of(9), Some("Gamma"));
    let mut ids: Vec<PageId> = (0..snapshot.len() as u32)
        .map(|i| snapshot.concept(ConceptIdx::new(i)).id())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5);
}

#[test]
fn invalid_titles_are_counted_as_skipped_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let dump = write_dump(
        dir.path(),
        "titles.xml",
        &[
            page("Good", 1, "A good page."),
            page("Bad [title]", 2, "Square brackets are not allowed."),
            page("Worse {title}", 3, "Nor are braces."),
        ],
    );
    let (snapshot, warnings, _) = build_dump(dir.path(), "snap", &dump, 1);
    let stats = &snapshot.meta().stats;
    assert_eq!(stats.concepts, 1);
    assert_eq!((stats.pages_skipped, stats.pages_failed), (2, 0));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"Bad [title]\" (id 2) skipped: the title is not a valid title")),
        "{warnings:?}"
    );
}

/// About `bytes` of wikitext: paragraphs of plain text, each with a link.
fn big_text(bytes: usize) -> String {
    let paragraph = "The ferry crosses the lake to [[Alpha]] twice a day, and the harbour keeps a log of every crossing since the pier was rebuilt.\n\n";
    paragraph.repeat(bytes / paragraph.len() + 1)
}

#[test]
fn pages_larger_than_the_budget_go_through_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    // Larger than the budget of one thread (16 MiB).
    let size = 24 << 20;
    let text = big_text(size);
    let mut pages = vec![page("Alpha", 1, "Alpha is small.")];
    for i in 0..3 {
        pages.push(page(&format!("Big {i}"), 10 + i, &text));
    }
    let dump = write_dump(dir.path(), "big.xml", &pages);
    let progress = Arc::new(BuildProgress::default());
    let options = BuildOptions {
        out: dir.path().join("snap"),
        sources: vec![Source::Dump(dump)],
        threads: 1,
        records: Vec::new(),
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    let report = build(&options, &progress).unwrap_or_else(|e| panic!("build failed: {e}"));
    assert_eq!(report.meta.stats.concepts, 4);
    // One big page at a time: never two of them in flight.
    let peak = report.pages_in_flight_peak;
    assert!(
        peak >= text.len() as u64 && peak < 2 * text.len() as u64,
        "peak {peak} bytes in flight, pages of {} bytes",
        text.len()
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count_with_large_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mut pages = vec![page("Alpha", 1, "Alpha is small.")];
    for i in 0..40 {
        // Mostly small pages, every tenth one larger than a thread's budget.
        let size = if i % 10 == 3 {
            17 << 20
        } else {
            300 + 97 * i as usize
        };
        pages.push(page(&format!("Page {i}"), 10 + i, &big_text(size)));
    }
    let dump = write_dump(dir.path(), "mixed.xml", &pages);
    let (one, _, one_dir) = build_dump(dir.path(), "one", &dump, 1);
    let (three, _, three_dir) = build_dump(dir.path(), "three", &dump, 3);
    assert_eq!(one.meta().stats, three.meta().stats);
    assert_eq!(one.meta().stats.concepts, 41);
    for name in [
        "ids.u32",
        "titles.dat",
        "summaries.dat",
        "out_links.u32",
        "in_links.u32",
        "name_keys.u64",
        "mentions.dict",
    ] {
        let a = std::fs::read(one_dir.join(name)).unwrap();
        let b = std::fs::read(three_dir.join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 3 threads");
    }
}
