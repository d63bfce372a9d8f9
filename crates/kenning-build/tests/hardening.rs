//! Builds from small generated inputs that are odd or hostile: duplicate
//! page ids, invalid titles, pages larger than the pipeline's byte budget.
//! No shared data needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_store::Snapshot;

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
    let title_of = |id| snapshot.find_id(id).map(|i| snapshot.concept(i).title());
    assert_eq!(title_of(7), Some("Alpha"));
    assert_eq!(title_of(9), Some("Gamma"));
    let mut ids: Vec<u32> = (0..snapshot.len() as u32)
        .map(|i| snapshot.concept(i).id())
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
