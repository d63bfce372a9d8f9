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
use kenning_model::PageId;
use kenning_store::{ConceptIdx, Snapshot, Stats};

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

/// A build's result: the folder holding the snapshot (kept alive) and the
/// snapshot folder.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
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
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = build(&options, &Arc::new(BuildProgress::default()));
        let _ = tx.send(result.map(|r| r.generation).map_err(|e| e.to_string()));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(generation)) => generation,
        Ok(Err(e)) => panic!("build failed: {e}"),
        Err(_) => {
            panic!("the build did not finish within 60 s (a redirect loop followed forever?)")
        }
    }
}

/// Builds the XML `dump` (and, after it, the concepts JSONL `concepts`).
fn build_dump(dump: &Dump, concepts: Option<&str>, threads: usize) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = vec![Source::Dump(write(dir.path(), "dump.xml", &dump.xml()))];
    if let Some(lines) = concepts {
        sources.push(Source::Concepts(write(dir.path(), "concepts.jsonl", lines)));
    }
    let out = dir.path().join("snap");
    build_into(&out, sources, Vec::new(), threads);
    Built { _dir: dir, out }
}

fn titles(s: &Snapshot, idx: impl Iterator<Item = ConceptIdx>) -> Vec<&str> {
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
    let id = s.concept(cedar).id().get();
    assert_eq!(engine.find_title("Alder"), Some(id));
    assert_eq!(engine.find_title("Yew"), None);
    let page = engine.concept(id).unwrap();
    assert_eq!(page.in_link_count, 1);
    let mut aliases = page.aliases.clone();
    aliases.sort_unstable();
    assert_eq!(aliases, ["Alder", "Birch"]);
}

// ---------------------------------------------------------------------------
// Anchors of JSONL links: the words that carry them
// ---------------------------------------------------------------------------

#[test]
fn jsonl_links_are_carried_by_the_words_their_text_uses() {
    let lines = [
        concept_line("Russia", "Russia is a country.", &[], &[], &[]),
        concept_line(
            "Bill Clinton",
            "Bill Clinton was a president.",
            &[],
            &[],
            &[],
        ),
        concept_line(
            "Vodka",
            "Russian vodka is clear. Russian distillers and Clinton liked it.",
            &["Russia", "Bill Clinton"],
            &[],
            &[],
        ),
        concept_line("Kvass", "Kvass is drunk in Russia.", &["Russia"], &[], &[]),
    ]
    .concat();
    let built = build_dump(&Dump::default(), Some(&lines), 1);
    let s = Snapshot::open(&built.out).unwrap();
    let d = kenning_linker::MentionDictionary::from_bytes(s.mention_bytes()).unwrap();
    let resolve = |phrase: &str| -> Vec<&str> {
        let p = d
            .get_text(phrase)
            .unwrap_or_else(|| panic!("{phrase} is no phrase"));
        p.candidates()
            .map(|(c, _)| s.concept(ConceptIdx::new(c)).title())
            .collect()
    };
    // Vodka's text says "Russian" and "Clinton", never the titles.
    assert_eq!(resolve("Russian"), ["Russia"]);
    assert_eq!(resolve("Clinton"), ["Bill Clinton"]);
    // Kvass's text has the title: the title carries its link, and
    // Vodka's does not (a name counts as one linked document).
    let russia = d.get_text("Russia").unwrap();
    assert_eq!(russia.linked_docs(), 1 + 1);
}

// ---------------------------------------------------------------------------
// Duplicate titles: the first one wins
// ---------------------------------------------------------------------------

#[test]
fn the_first_of_duplicate_titles_wins_within_and_across_sources() {
    let mut dump = Dump::default();
    dump.article(
        "Harbour",
        1,
        "'''Harbour''' first text, from the dump. See [[Pier]].",
    )
    .article("Pier", 2, "'''Pier''' is part of the [[Harbour]].")
    // The same title again, and once more as the wiki normalises it.
    .article(
        "Harbour",
        3,
        "'''Harbour''' second text, also from the dump. See [[Pier]].",
    )
    .article(
        "harbour",
        4,
        "'''harbour''' third text, lower case. See [[Pier]].",
    );
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
    assert_eq!(
        (stats.concepts, stats.duplicate_titles),
        (3, 4),
        "{stats:?}"
    );
    let harbour = s.concept(s.lookup("Harbour").unwrap());
    assert!(
        harbour.summary().contains("first text"),
        "{:?}",
        harbour.summary()
    );
    assert_eq!(harbour.id(), PageId::new(1));
    let pier = s.concept(s.lookup("Pier").unwrap());
    assert!(
        pier.summary().contains("part of the Harbour"),
        "{:?}",
        pier.summary()
    );
    assert_eq!(pier.id(), PageId::new(2));
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
    .article(
        "Banana",
        40,
        "A second Banana that links to [[Elder (plant)]].",
    )
    // Apple's page id again: kept under a new id.
    .article("Fig", 1, "'''Fig''' grows beside the [[Apple]].") // Fig→Apple.
    // Redirects: one good, five broken.
    .redirect("Fruit salad", 20, "Apple")
    .redirect("Loop one", 21, "Loop two")
    .redirect("Loop two", 22, "Loop one")
    .redirect("Dead end", 23, "Nothing here")
    .redirect("To a category", 24, "Category:Fruit")
    .redirect("Cherry", 25, "Banana") // also an article's title
    // Category pages: Fruit is also in use; Vegetables only has its page,
    // which is hidden and names Fruit as its parent.
    .page(14, "Category:Fruit", 30, "Things that are fruit.")
    .page(
        14,
        "Category:Vegetables",
        31,
        "Things that are not fruit.\n[[Category:Fruit]]\n__HIDDENCAT__",
    )
    // Skipped: other namespaces and an invalid title.
    .page(1, "Talk:Apple", 50, "Is an apple a [[Banana]]?")
    .page(2, "User:Gardener", 51, "I grow [[Apple]]s.")
    .page(10, "Template:Infobox fruit", 52, "{{{name}}}")
    .article(
        "Bad [title]",
        53,
        "Square brackets are not allowed in titles.",
    );
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
        // Vegetables → Fruit.
        category_links: 1,
        // Vegetables.
        hidden_categories: 1,
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
        // No ontology.
        ontology_categories: 0,
        ontology_clusters: 0,
        ontology_concepts: 0,
        ontology_concepts_matched: 0,
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
    assert_eq!(s.concept(apple).id(), PageId::new(1));
    assert_ne!(s.concept(s.lookup("Fig").unwrap()).id(), PageId::new(1));
    let total_links: usize = (0..s.len() as u32)
        .map(|i| s.concept(ConceptIdx::new(i)).out_links().count())
        .sum();
    assert_eq!(total_links as u64, stats.links);
}

// ---------------------------------------------------------------------------
// A larger generated wiki: many batches, every kind of source
// ---------------------------------------------------------------------------

/// Writes into `dir` a wiki of `articles` articles (links, red links,
/// redirects and chains of them, categories, pages of other namespaces),
/// a concepts JSONL file (some concepts with links, some without, so
/// concept detection runs) and a records JSONL file (courses taught by
/// people, some links to people who do not exist).
fn generated_wiki(dir: &Path, articles: usize, seed: u64) -> (Vec<Source>, Vec<PathBuf>) {
    let mut rng = Rng::new(seed);
    let topic = |i: usize| format!("Topic {i}");
    let words = [
        "river", "harbour", "lantern", "ferry", "granite", "orchard", "weir", "market",
    ];
    let mut dump = Dump::default();
    for i in 0..articles {
        let mut text = format!("'''{}''' is a {} place", topic(i), words[i % words.len()]);
        // Links: mostly to articles, some to missing pages (red links)
        // and some through redirects.
        for _ in 0..1 + rng.below(6) {
            let target = match rng.below(10) {
                0 => format!("Missing {}", rng.below(articles)),
                1 => format!("Alias {}", rng.below(articles / 10 + 1) * 10),
                _ => topic(rng.below(articles)),
            };
            if rng.below(3) == 0 {
                text += &format!(" near the [[{target}|{}]]", words[rng.below(words.len())]);
            } else {
                text += &format!(" near [[{target}]]");
            }
        }
        text += &format!(
            ".\n\nIn {} the {} was rebuilt.\n\n== History ==\nMore about the {}.\n\n[[Category:Group {}]]",
            1800 + rng.below(200),
            words[rng.below(words.len())],
            words[rng.below(words.len())],
            rng.below(40)
        );
        dump.article(&topic(i), 1 + i as u32, &text);
        let id = 1_000_000 + i as u32;
        if i % 10 == 0 {
            // Alias i → Topic, and a chain Alias chain i → Alias i.
            dump.redirect(&format!("Alias {i}"), id, &topic(rng.below(articles)));
            dump.redirect(
                &format!("Alias chain {i}"),
                id + 500_000,
                &format!("Alias {i}"),
            );
        }
        if i % 97 == 0 {
            dump.redirect(
                &format!("Loop {i}"),
                id + 600_000,
                &format!("Loop {i} back"),
            );
            dump.redirect(
                &format!("Loop {i} back"),
                id + 700_000,
                &format!("Loop {i}"),
            );
            dump.page(
                1,
                &format!("Talk:{}", topic(i)),
                id + 800_000,
                "Talk about [[Topic 1]].",
            );
        }
        if i % 50 == 0 {
            dump.page(
                14,
                &format!("Category:Group {}", i / 50),
                id + 900_000,
                "A group.",
            );
        }
    }
    let mut concepts = String::new();
    for i in 0..articles / 10 {
        let text = format!(
            "Entry {i} is about the {} of {} and {}. It was written in {}.",
            words[i % words.len()],
            topic(rng.below(articles)),
            topic(rng.below(articles)),
            1900 + rng.below(100)
        );
        let (a, b) = (topic(rng.below(articles)), topic(rng.below(articles)));
        let links: Vec<&str> = if i % 2 == 0 { vec![&a, &b] } else { vec![] };
        let alias = format!("Entry alias {i}");
        concepts += &concept_line(
            &format!("Entry {i}"),
            &text,
            &links,
            &[&alias],
            &[&format!("Group {}", i % 7)],
        );
    }
    let mut records = String::new();
    let people = articles / 40 + 1;
    for p in 0..people {
        records += &serde_json::json!({
            "type": "person", "id": format!("{}", 100 + p),
            "title": format!("Person {p}"), "text": "",
        })
        .to_string();
        records.push('\n');
    }
    for c in 0..articles / 20 {
        records += &serde_json::json!({
            "type": "course", "id": format!("C-{c}"),
            "title": format!("Course {c}"),
            "text": format!("A course on {} and the {} of {}.", topic(rng.below(articles)),
                words[c % words.len()], topic(rng.below(articles))),
            "fields": {"credits": 1 + c % 5},
            "links": [
                {"rel": "taught_by", "type": "person", "id": format!("{}", 100 + rng.below(people + 2))}
            ],
        })
        .to_string();
        records.push('\n');
    }
    (
        vec![
            Source::Dump(write(dir, "wiki.xml", &dump.xml())),
            Source::Concepts(write(dir, "concepts.jsonl", &concepts)),
        ],
        vec![write(dir, "records.jsonl", &records)],
    )
}

/// Every file under `dir`, as paths relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `meta.json` without what measures the build's run rather than its
/// output: when it finished and how long it and each phase took.
fn meta_without_times(path: &Path) -> serde_json::Value {
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let object = meta.as_object_mut().unwrap();
    for field in ["built_at", "build_seconds", "phase_seconds"] {
        assert!(object.remove(field).is_some(), "meta.json has no {field}");
    }
    // The checksums of the search index's files differ with its segments'
    // random names (compared by what the index answers instead); every
    // other file's must be the same.
    let files = object
        .get_mut("files")
        .and_then(serde_json::Value::as_object_mut)
        .expect("meta.json lists its files");
    files.retain(|name, _| !name.starts_with("search/"));
    assert!(files.contains_key("titles.dat"), "{files:?}");
    meta
}

// ---------------------------------------------------------------------------
// Byte-identical generations with 1 and 4 threads
// ---------------------------------------------------------------------------

#[test]
fn generations_are_byte_identical_with_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (sources, records) = generated_wiki(dir.path(), 3000, 7);
    let one = build_into(&dir.path().join("one"), sources.clone(), records.clone(), 1);
    let four = build_into(&dir.path().join("four"), sources, records, 4);
    let s = Snapshot::open(&dir.path().join("four")).unwrap();
    let stats = &s.meta().stats;
    // The wiki is what it should be: many batches, every kind of row.
    assert_eq!(stats.concepts, 3000 + 300, "{stats:?}");
    assert!(
        stats.redirects > 600 && stats.broken_redirects >= 62,
        "{stats:?}"
    );
    assert!(
        stats.red_links > 500 && stats.detected_concepts > 50,
        "{stats:?}"
    );
    assert!(
        stats.records > 100 && stats.record_missing_links > 0,
        "{stats:?}"
    );
    drop(s);

    // All of kenning's own files must be identical, `search/` included.
    // Tantivy's segment files cannot be: each indexing thread of tantivy's
    // writer (one per build thread) takes documents from a shared queue
    // into a segment of its own, so with 4 threads which documents share a
    // segment depends on scheduling, and the segments are merged into one
    // in an order that depends on their sizes and on their random ids
    // (`SegmentId` is a `Uuid::new_v4`, which also names the files). The
    // merged segment holds the same documents under other doc ids, so its
    // files differ. For those files the test compares what the index
    // answers instead: the same hits, in the same order, with the same
    // scores, for every title and some words.
    let (one_ids, four_ids) = (segment_ids(&one), segment_ids(&four));
    assert_eq!((one_ids.len(), four_ids.len()), (1, 1), "one segment each");
    let files = canonical_files(&one, &one_ids);
    let four_files = canonical_files(&four, &four_ids);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        four_files.keys().collect::<Vec<_>>(),
        "the generations hold different files"
    );
    let mut differ = Vec::new();
    let mut segment_files = 0;
    for (name, file) in &files {
        let other = &four_files[name];
        let same = match name.as_str() {
            "meta.json" => {
                meta_without_times(&one.join(file)) == meta_without_times(&four.join(other))
            }
            "search/meta.json" => {
                index_meta(&one.join(file), &one_ids) == index_meta(&four.join(other), &four_ids)
            }
            "search/.managed.json" => {
                canonical_json(&one.join(file), &one_ids)
                    == canonical_json(&four.join(other), &four_ids)
            }
            _ if name.starts_with("search/segment0.") => {
                segment_files += 1;
                true
            }
            _ => std::fs::read(one.join(file)).unwrap() == std::fs::read(four.join(other)).unwrap(),
        };
        if !same {
            differ.push(name.clone());
        }
    }
    assert!(
        differ.is_empty(),
        "differ between 1 and 4 threads: {differ:?}"
    );
    assert!(segment_files >= 5, "{files:?}");
    let (a, b) = (
        Engine::open(&dir.path().join("one")).unwrap(),
        Engine::open(&dir.path().join("four")).unwrap(),
    );
    let snapshot = a.snapshot();
    let mut queries: Vec<String> = (0..snapshot.len() as u32)
        .step_by(7)
        .map(|i| snapshot.concept(ConceptIdx::new(i)).title().to_owned())
        .collect();
    queries.extend(
        [
            "harbour",
            "lantern ferry",
            "granit",
            "course",
            "topic 12",
            "entry",
        ]
        .map(String::from),
    );
    for query in &queries {
        let request = kenning_engine::SearchRequest {
            query: query.clone(),
            limit: 20,
            ..Default::default()
        };
        let hits = |e: &Engine| -> Vec<(String, String, u32)> {
            let page = e.search(&request).unwrap();
            page.items
                .into_iter()
                .map(|h| (h.kind, h.id, h.score.to_bits()))
                .collect()
        };
        assert_eq!(
            hits(&a),
            hits(&b),
            "search {query:?} differs between 1 and 4 threads"
        );
        let suggest = |e: &Engine| -> Vec<String> {
            e.suggest(query, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(suggest(&a), suggest(&b), "suggest {query:?}");
    }
}

/// The search index's `meta.json` without the segment ids and the
/// operation stamps (one per commit and merge: more segments to merge
/// with more threads).
fn index_meta(path: &Path, ids: &[String]) -> serde_json::Value {
    let mut meta = canonical_json(path, ids);
    meta.as_object_mut().unwrap().remove("opstamp");
    for segment in meta["segments"].as_array_mut().unwrap() {
        segment.as_object_mut().unwrap().remove("opstamp");
    }
    meta
}

/// The segment ids of the search index of `generation`, in the order its
/// `meta.json` lists them (without hyphens, as in file names).
fn segment_ids(generation: &Path) -> Vec<String> {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(generation.join("search/meta.json")).unwrap(),
    )
    .unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect()
}

/// `id` written as in file names and with hyphens, as in `meta.json`.
fn id_forms(id: &str) -> [String; 2] {
    let h = format!(
        "{}-{}-{}-{}-{}",
        &id[..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..]
    );
    [id.to_owned(), h]
}

/// `text` with each segment id replaced by `segment<position>`.
fn without_segment_ids(text: &str, ids: &[String]) -> String {
    let mut text = text.to_owned();
    for (i, id) in ids.iter().enumerate() {
        for form in id_forms(id) {
            text = text.replace(&form, &format!("segment{i}"));
        }
    }
    text
}

/// Every file of `generation`, keyed by its path with segment ids replaced.
fn canonical_files(
    generation: &Path,
    ids: &[String],
) -> std::collections::BTreeMap<String, PathBuf> {
    files_under(generation)
        .into_iter()
        .map(|f| (without_segment_ids(&f.display().to_string(), ids), f))
        .collect()
}

/// A JSON file of the search index with segment ids replaced; arrays of
/// strings (the file list of `.managed.json`) sorted.
fn canonical_json(path: &Path, ids: &[String]) -> serde_json::Value {
    let text = without_segment_ids(&std::fs::read_to_string(path).unwrap(), ids);
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(list) = value.as_array_mut() {
        list.sort_by_key(|v| v.to_string());
    }
    value
}

// ---------------------------------------------------------------------------
// Damaged snapshots: an error naming the file, or answers; never a panic
// ---------------------------------------------------------------------------

/// What is done to one file.
#[derive(Clone, Copy, Debug)]
enum Damage {
    /// Cut to this many bytes.
    Truncate(usize),
    /// Every bit of the byte at this offset flipped.
    Flip(usize),
}

/// The damages tried on a file of `len` bytes.
fn damages(len: usize) -> Vec<Damage> {
    let mut v = Vec::new();
    if len > 0 {
        v.extend([
            Damage::Truncate(0),
            Damage::Truncate(len / 2),
            Damage::Truncate(len - 1),
        ]);
        v.extend([0, len / 3, len / 2, len - 1].map(Damage::Flip));
    }
    v.dedup_by_key(|d| format!("{d:?}"));
    v
}

/// Reads everything a page or an API answer reads, over every concept.
fn read_all(s: &Snapshot) {
    for i in 0..s.len() as u32 {
        let c = s.concept(ConceptIdx::new(i));
        let (title, summary) = (c.title(), c.summary());
        let _ = (c.url(), c.timestamp(), c.id());
        let _ = s.find_id(c.id());
        let _ = s.lookup(title);
        for alias in c.aliases() {
            let _ = s.lookup(alias);
        }
        let _ = c.categories().count();
        for t in c.out_links().chain(c.in_links()) {
            let _ = s.concept(t).title();
        }
        for (start, end, t) in c.summary_links() {
            let _ = summary.get(start..end);
            let _ = s.concept(t).title();
        }
        for (r, _) in c.related() {
            let _ = s.concept(r).title();
        }
    }
}

/// Asks the engine what the server would, over every concept.
fn ask_all(e: &Engine) {
    let s = e.snapshot();
    for i in 0..s.len() as u32 {
        let id = s.concept(ConceptIdx::new(i)).id().get();
        let _ = e.concept(id);
        let _ = e.related(id);
    }
    for query in ["Topic 3", "harbour", "entr"] {
        let request = kenning_engine::SearchRequest {
            query: query.into(),
            limit: 10,
            ..Default::default()
        };
        let _ = e.search(&request);
        let _ = e.suggest(query, 10);
    }
    let _ = e.wikify(
        "The harbour of Topic 1 and Topic 2, near Topic 3.",
        kenning_engine::WikifyOptions::default(),
    );
    let _ = e.stats();
    for c in 0..5 {
        let _ = e.record("course", &format!("C-{c}"));
        let _ = e.record("person", &format!("{}", 100 + c));
    }
}

#[test]
fn damaged_snapshots_fail_naming_the_file_or_answer_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let (sources, records) = generated_wiki(dir.path(), 120, 11);
    let out = dir.path().join("snap");
    let generation = build_into(&out, sources, records, 2);
    // The undamaged snapshot reads through.
    read_all(&Snapshot::open(&out).unwrap());
    ask_all(&Engine::open(&out).unwrap());

    let mut panics = Vec::new();
    let mut outcomes = Vec::new();
    for file in files_under(&generation) {
        let path = generation.join(&file);
        let original = std::fs::read(&path).unwrap();
        for damage in damages(original.len()) {
            let mut bytes = original.clone();
            match damage {
                Damage::Truncate(n) => bytes.truncate(n),
                Damage::Flip(at) => bytes[at] ^= 0xff,
            }
            std::fs::write(&path, &bytes).unwrap();
            // The error of opening the snapshot and of opening an engine
            // on it, `None` where it opened (and answered).
            let result = std::panic::catch_unwind(|| {
                let snapshot = match Snapshot::open(&out) {
                    Ok(s) => {
                        read_all(&s);
                        None
                    }
                    Err(e) => Some(e.to_string()),
                };
                let engine = match Engine::open(&out) {
                    Ok(e) => {
                        ask_all(&e);
                        None
                    }
                    Err(e) => Some(e.to_string()),
                };
                (snapshot, engine)
            });
            match result {
                Ok(errors) => outcomes.push((file.clone(), damage, errors)),
                Err(_) => panics.push(format!("{} {damage:?}", file.display())),
            }
            std::fs::write(&path, &original).unwrap();
        }
    }
    assert!(panics.is_empty(), "panicked: {panics:#?}");
    // An error names the damaged file, or the file that disagrees with it
    // (a column cut short is found as the others' lengths disagree with
    // `ids.u32`); tantivy's errors name the index's folder.
    let mut unclear = Vec::new();
    for (file, damage, errors) in &outcomes {
        let name = file.file_name().unwrap().to_str().unwrap();
        let stem = name.split('.').next().unwrap();
        for error in [&errors.0, &errors.1].into_iter().flatten() {
            let named = if file.starts_with("search") {
                error.contains("/search")
            } else {
                error.contains(stem) || error.contains("ids.u32")
            };
            if !named {
                unclear.push(format!("{} {damage:?}: {error}", file.display()));
            }
        }
    }
    assert!(
        unclear.is_empty(),
        "errors that do not name the file: {unclear:#?}"
    );
    // Damage the format can see is refused: cutting any fixed-size column
    // or table (all but the JSON files and the dictionary) by half fails.
    let opened_half: Vec<_> = outcomes
        .iter()
        .filter(|(f, d, e)| {
            matches!(d, Damage::Truncate(n) if *n > 0)
                && e.0.is_none()
                && [".u32", ".u64", ".off", ".dat"]
                    .iter()
                    .any(|x| f.display().to_string().ends_with(x))
                && !f.starts_with("search")
        })
        .map(|(f, d, _)| format!("{} {d:?}", f.display()))
        .collect();
    assert!(
        opened_half.is_empty(),
        "opened although cut short: {opened_half:#?}"
    );
}
