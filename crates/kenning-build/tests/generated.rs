//! Builds from dumps the tests write themselves (MediaWiki XML export text,
//! concepts JSONL, records JSONL), so they need no shared data: redirect
//! chains and loops, duplicate titles, every published count against one
//! computed by hand, byte-identical generations whatever the thread count,
//! and snapshots damaged file by file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_engine::Engine;
use kenning_store::{Snapshot, Stats};

/// Writing generated sources.
mod generate {
    use std::fmt::Write;

    const HEAD: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Generated Wiki</sitename>
    <dbname>generatedwiki</dbname>
    <base>https://generated.example/wiki/Main_Page</base>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"#;

    /// `s` escaped for XML character data.
    pub(crate) fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    /// A MediaWiki XML export being written, page by page.
    #[derive(Debug, Default)]
    pub(crate) struct Dump {
        pages: String,
        pub(crate) count: usize,
    }

    impl Dump {
        /// A page of namespace `ns`; `title` as the dump writes it (with
        /// its namespace prefix).
        pub(crate) fn page(&mut self, ns: i32, title: &str, id: u32, text: &str) -> &mut Self {
            self.count += 1;
            let _ = write!(
                self.pages,
                "  <page>\n    <title>{}</title>\n    <ns>{ns}</ns>\n    <id>{id}</id>\n    \
                 <revision>\n      <id>{}</id>\n      <timestamp>2025-03-04T05:06:07Z</timestamp>\n      \
                 <model>wikitext</model>\n      <format>text/x-wiki</format>\n      \
                 <text bytes=\"{}\" xml:space=\"preserve\">{}</text>\n    </revision>\n  </page>\n",
                escape(title),
                1000 + id,
                text.len(),
                escape(text)
            );
            self
        }

        /// An article (namespace 0).
        pub(crate) fn article(&mut self, title: &str, id: u32, text: &str) -> &mut Self {
            self.page(0, title, id, text)
        }

        /// A redirect page of namespace 0, written the way dumps since
        /// schema 0.5 do: `<redirect title=…/>` and the `#REDIRECT` text.
        pub(crate) fn redirect(&mut self, title: &str, id: u32, target: &str) -> &mut Self {
            self.count += 1;
            let _ = write!(
                self.pages,
                "  <page>\n    <title>{}</title>\n    <ns>0</ns>\n    <id>{id}</id>\n    \
                 <redirect title=\"{}\" />\n    <revision>\n      <id>{}</id>\n      \
                 <timestamp>2025-03-04T05:06:07Z</timestamp>\n      \
                 <text xml:space=\"preserve\">{}</text>\n    </revision>\n  </page>\n",
                escape(title),
                escape(target),
                1000 + id,
                escape(&format!("#REDIRECT [[{target}]]"))
            );
            self
        }

        /// The whole export.
        pub(crate) fn xml(&self) -> String {
            format!("{HEAD}{}</mediawiki>\n", self.pages)
        }
    }

    /// One line of concepts JSONL.
    pub(crate) fn concept_line(
        title: &str,
        text: &str,
        links: &[&str],
        aliases: &[&str],
        categories: &[&str],
    ) -> String {
        serde_json::json!({
            "title": title,
            "text": text,
            "links": links,
            "aliases": aliases,
            "categories": categories,
        })
        .to_string()
            + "\n"
    }

    /// A small deterministic generator (xorshift64*), so that a large
    /// dump is the same in every run.
    #[derive(Debug)]
    pub(crate) struct Rng(u64);

    impl Rng {
        pub(crate) fn new(seed: u64) -> Self {
            Rng(seed | 1)
        }
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }
}

use generate::{Dump, Rng, concept_line};

/// A build's result: the folder holding the snapshot (kept alive), the
/// snapshot folder and the published generation.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    generation: PathBuf,
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Builds `sources` (and `records`) into `out` with `threads` threads, on
/// another thread: a build that has not finished within a minute fails the
/// test rather than hanging it.
fn build_into(out: &Path, sources: Vec<Source>, records: Vec<PathBuf>, threads: usize) -> PathBuf {
    let options = BuildOptions {
        out: out.to_owned(),
        sources,
        records,
        threads,
        holdout_percent: 0,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = build(&options, &Arc::new(BuildProgress::default()));
        let _ = tx.send(result.map(|r| r.generation).map_err(|e| e.to_string()));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(generation)) => generation,
        Ok(Err(e)) => panic!("build failed: {e}"),
        Err(_) => panic!("the build did not finish within 60 s (a redirect loop followed forever?)"),
    }
}

/// Builds the XML `dump` (and, after it, the concepts JSONL `concepts`).
fn build_dump(dump: &Dump, concepts: Option<&str>, threads: usize) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = vec![Source::Dump(write(dir.path(), "dump.xml", &dump.xml()))];
    if let Some(lines) = concepts {
        sources.push(Source::Concepts(write(
            dir.path(),
            "concepts.jsonl",
            lines,
        )));
    }
    let out = dir.path().join("snap");
    let generation = build_into(&out, sources, Vec::new(), threads);
    Built {
        _dir: dir,
        out,
        generation,
    }
}

fn titles<'a>(s: &'a Snapshot, idx: impl Iterator<Item = u32>) -> Vec<&'a str> {
    let mut v: Vec<&str> = idx.map(|i| s.concept(i).title()).collect();
    v.sort_unstable();
    v
}

// ---------------------------------------------------------------------------
// Redirect chains and loops
// ---------------------------------------------------------------------------

#[test]
fn redirect_chains_resolve_to_the_article_and_loops_break() {
    let mut dump = Dump::default();
    dump.article(
        "Cedar",
        1,
        "'''Cedar''' is a tree. Its wood goes to [[Dock]].",
    )
    .article(
        "Dock",
        2,
        "'''Dock''' takes wood from [[Alder]], from [[Birch]] and from [[Cedar]]; \
         never from [[Xylem]], [[Yew]], [[Zelkova]] or [[Marsh]].",
    )
    // A → B → C.
    .redirect("Alder", 10, "Birch")
    .redirect("Birch", 11, "Cedar")
    // A loop of two, a self-redirect, a redirect to a missing page.
    .redirect("Xylem", 12, "Yew")
    .redirect("Yew", 13, "Xylem")
    .redirect("Zelkova", 14, "Zelkova")
    .redirect("Marsh", 15, "Nowhere at all");
    let built = build_dump(&dump, None, 2);
    let s = Snapshot::open(&built.out).unwrap();
    let cedar = s.lookup("Cedar").unwrap();
    let dock = s.lookup("Dock").unwrap();
    assert_eq!(s.lookup("Alder"), Some(cedar));
    assert_eq!(s.lookup("Birch"), Some(cedar));
    assert_eq!(s.lookup("alder"), Some(cedar), "first-letter case");
    let mut aliases: Vec<&str> = s.concept(cedar).aliases().collect();
    aliases.sort_unstable();
    assert_eq!(aliases, ["Alder", "Birch"]);
    for broken in ["Xylem", "Yew", "Zelkova", "Marsh", "Nowhere at all"] {
        assert_eq!(s.lookup(broken), None, "{broken}");
    }
    // Dock's links to Alder, Birch and Cedar are one link to Cedar; its
    // links to the four broken redirects are red links.
    assert_eq!(titles(&s, s.concept(dock).out_links()), ["Cedar"]);
    assert_eq!(titles(&s, s.concept(cedar).in_links()), ["Dock"]);
    let stats = &s.meta().stats;
    assert_eq!(
        (
            stats.redirects,
            stats.broken_redirects,
            stats.links,
            stats.red_links
        ),
        (6, 4, 2, 4),
        "{stats:?}"
    );
    // The engine answers the same through the redirects.
    let engine = Engine::open(&built.out).unwrap();
    let id = s.concept(cedar).id();
    assert_eq!(engine.find_title("Alder"), Some(id));
    assert_eq!(engine.find_title("Yew"), None);
    let page = engine.concept(id).unwrap();
    assert_eq!(page.in_link_count, 1);
    let mut aliases = page.aliases.clone();
    aliases.sort_unstable();
    assert_eq!(aliases, ["Alder", "Birch"]);
}

// ---------------------------------------------------------------------------
// Duplicate titles: the first one wins
// ---------------------------------------------------------------------------

#[test]
fn the_first_of_duplicate_titles_wins_within_and_across_sources() {
    let mut dump = Dump::default();
    dump.article("Harbour", 1, "'''Harbour''' first text, from the dump. See [[Pier]].")
        .article("Pier", 2, "'''Pier''' is part of the [[Harbour]].")
        // The same title again, and once more as the wiki normalises it.
        .article("Harbour", 3, "'''Harbour''' second text, also from the dump. See [[Pier]].")
        .article("harbour", 4, "'''harbour''' third text, lower case. See [[Pier]].");
    let concepts = concept_line(
        "Harbour",
        "Harbour fourth text, from the concepts file.",
        &["Pier"],
        &[],
        &[],
    ) + &concept_line(
        "Pier",
        "Pier second text, from the concepts file.",
        &["Harbour"],
        &[],
        &[],
    ) + &concept_line(
        "Lighthouse",
        "Lighthouse stands at the end of the pier.",
        &["Pier"],
        &[],
        &[],
    );
    let built = build_dump(&dump, Some(&concepts), 1);
    let s = Snapshot::open(&built.out).unwrap();
    let stats = &s.meta().stats;
    assert_eq!((stats.concepts, stats.duplicate_titles), (3, 4), "{stats:?}");
    let harbour = s.concept(s.lookup("Harbour").unwrap());
    assert!(
        harbour.summary().contains("first text"),
        "{:?}",
        harbour.summary()
    );
    assert_eq!(harbour.id(), 1);
    let pier = s.concept(s.lookup("Pier").unwrap());
    assert!(pier.summary().contains("part of the Harbour"), "{:?}", pier.summary());
    assert_eq!(pier.id(), 2);
    // The later duplicates' links were dropped with them: Harbour links
    // to Pier once, from its first text.
    assert_eq!(titles(&s, harbour.in_links()), ["Pier"]);
    assert_eq!(titles(&s, pier.in_links()), ["Harbour", "Lighthouse"]);
}

// ---------------------------------------------------------------------------
// The published counts
// ---------------------------------------------------------------------------

/// A dump whose every count is known (worked out in the comments), plus a
/// concepts JSONL file read after it.
fn counted_sources() -> (Dump, String) {
    let mut dump = Dump::default();
    // Articles. Links are counted as distinct resolved pairs without
    // self-links; red links per occurrence.
    dump.article(
        "Apple",
        1,
        "'''Apple''' is a fruit, like the [[Banana]] and the [[banana]] (the \
         same link twice), the [[Cherry|cherries]] and [[Apple]] itself \
         (a self-link). [[Nowhere]] and [[Nowhere]] are red links.\n\n\
         [[Category:Fruit]]\n[[Category:Red things]]",
    ) // Apple→Banana, Apple→Cherry; 2 red.
    .article(
        "Banana",
        2,
        "'''Banana''' goes in a [[fruit salad]] with a [[Date]]. [[Category:Fruit]]",
    ) // Banana→Apple (through the redirect); Date is red: 1 red.
    .article(
        "Cherry",
        3,
        "'''Cherry''' is close to the [[Banana]] but not to [[Loop one]]. \
         [[Category:Fruit]]",
    ) // Cherry→Banana; Loop one is a broken redirect: 1 red.
    .article(
        "Elder (plant)",
        4,
        "'''Elder''' is a shrub near the [[Apple]] trees.",
    ) // Elder→Apple.
    // Another page with Banana's title: a duplicate title, ignored.
    .article("Banana", 40, "A second Banana that links to [[Elder (plant)]].")
    // Apple's page id again: kept under a new id.
    .article("Fig", 1, "'''Fig''' grows beside the [[Apple]].") // Fig→Apple.
    // Redirects: one good, five broken.
    .redirect("Fruit salad", 20, "Apple")
    .redirect("Loop one", 21, "Loop two")
    .redirect("Loop two", 22, "Loop one")
    .redirect("Dead end", 23, "Nothing here")
    .redirect("To a category", 24, "Category:Fruit")
    .redirect("Cherry", 25, "Banana") // also an article's title
    // Category pages: Fruit is also in use; Vegetables only has its page.
    .page(14, "Category:Fruit", 30, "Things that are fruit.")
    .page(14, "Category:Vegetables", 31, "Things that are not fruit.")
    // Skipped: other namespaces and an invalid title.
    .page(1, "Talk:Apple", 50, "Is an apple a [[Banana]]?")
    .page(2, "User:Gardener", 51, "I grow [[Apple]]s.")
    .page(10, "Template:Infobox fruit", 52, "{{{name}}}")
    .article("Bad [title]", 53, "Square brackets are not allowed in titles.");
    // One concept, one alias (a redirect), one link and one red link, a
    // new category and one in use; then a duplicate of a dump title.
    let concepts = concept_line(
        "Grape",
        "Grape grows on a vine.",
        &["Apple", "Kiwi"],
        &["Vine fruit"],
        &["Fruit", "Berries"],
    ) + &concept_line("Apple", "Apple again.", &["Grape"], &[], &[]);
    (dump, concepts)
}

#[test]
fn every_published_count_is_the_one_computed_by_hand() {
    let (dump, concepts) = counted_sources();
    let built = build_dump(&dump, Some(&concepts), 2);
    let s = Snapshot::open(&built.out).unwrap();
    let stats = s.meta().stats.clone();
    let expected = Stats {
        // Apple, Banana, Cherry, Elder (plant), Fig, Grape.
        concepts: 6,
        // Six redirect pages and Grape's alias.
        redirects: 7,
        // Loop one, Loop two, Dead end, To a category, Cherry.
        broken_redirects: 5,
        // Apple→Banana, Apple→Cherry, Banana→Apple, Cherry→Banana,
        // Elder→Apple, Fig→Apple, Grape→Apple.
        links: 7,
        // Nowhere ×2, Date, Loop one, Kiwi.
        red_links: 5,
        // Fruit, Red things, Vegetables, Berries.
        categories: 4,
        pages_read: dump.count as u64 + 2,
        // Talk, User, Template, Bad [title].
        pages_skipped: 4,
        pages_failed: 0,
        // The second Banana, the second Apple.
        duplicate_titles: 2,
        // Fig.
        duplicate_ids: 1,
        // Apple: from Banana, Elder, Fig, Grape.
        max_in_degree: 4,
        // Every concept has links of its own: nothing to detect.
        detected_concepts: 0,
        detected_links: 0,
        // No records.
        records: 0,
        record_links: 0,
        record_missing_links: 0,
        record_concepts: 0,
        // Phrases with candidates: the titles Apple, Banana, Cherry,
        // Elder (plant) and its unqualified Elder, Fig, Grape; the aliases
        // Fruit salad and Vine fruit; the anchor "cherries". Other anchors
        // are names already (banana, fruit salad) or name no concept.
        mention_phrases: 10,
        // Link probabilities are counted over the documents with links:
        // all six concepts.
        mention_documents: 6,
        // Every phrase is a link wherever it occurs.
        mention_phrases_pruned: 0,
    };
    assert_eq!(stats, expected);
    // The graph the counts describe.
    let apple = s.lookup("Apple").unwrap();
    assert_eq!(
        titles(&s, s.concept(apple).in_links()),
        ["Banana", "Elder (plant)", "Fig", "Grape"]
    );
    assert_eq!(
        titles(&s, s.concept(apple).out_links()),
        ["Banana", "Cherry"]
    );
    let mut categories: Vec<&str> = s.concept(apple).categories().collect();
    categories.sort_unstable();
    assert_eq!(categories, ["Fruit", "Red things"]);
    assert_eq!(s.lookup("Vine fruit"), s.lookup("Grape"));
    assert_eq!(s.lookup("Fruit salad"), Some(apple));
    assert_eq!(s.concept(apple).id(), 1);
    assert_ne!(s.concept(s.lookup("Fig").unwrap()).id(), 1);
    let total_links: usize = (0..s.len() as u32)
        .map(|i| s.concept(i).out_links().len())
        .sum();
    assert_eq!(total_links as u64, stats.links);
}
