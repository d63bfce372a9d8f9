//! The engine's integration tests (one binary). Records through the
//! engine: pages, concept sections, search, and live writes that are
//! durable, visible, and survive a reopen and a rebuild, built from the
//! example wiki and the example records (original text); and concept pages
//! of a real wiki (`../shared/data`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kenning_build::{BuildOptions, BuildProgress, Source, build};
use kenning_engine::{Engine, RecordWrite, SearchRequest};
use kenning_records::Record;
use kenning_store::ConceptIdx;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn build_example(out: &Path) {
    let options = BuildOptions {
        out: out.to_owned(),
        sources: vec![Source::Dump(examples().join("tiny-wiki.xml"))],
        records: vec![examples().join("tiny-records.jsonl")],
        threads: 2,
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    build(&options, &Arc::new(BuildProgress::default())).unwrap();
}

fn search(engine: &Engine, q: &str, types: &[&str]) -> Vec<(String, String)> {
    engine
        .search(&SearchRequest {
            query: q.into(),
            types: types.iter().map(|t| t.to_string()).collect(),
            limit: 20,
            ..Default::default()
        })
        .unwrap()
        .items
        .into_iter()
        .map(|h| (h.kind, h.id))
        .collect()
}

fn key(kind: &str, id: &str) -> (String, String) {
    (kind.to_owned(), id.to_owned())
}

fn course(id: &str, title: &str, text: &str) -> Record {
    Record::from_json(
        &serde_json::json!({"type": "course", "id": id, "title": title, "text": text,
            "links": [{"rel": "taught_by", "type": "person", "id": "100003"}]})
        .to_string(),
        "test",
    )
    .unwrap()
}

#[test]
fn record_pages_show_concepts_relations_and_related_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    let engine = Engine::open(&out).unwrap();
    assert!(!engine.records_writable());
    assert_eq!(engine.stats().records, 10);

    let page = engine.record("course", "ENV-220").unwrap();
    assert_eq!(page.title, "Lakes and rivers of the Tessel basin");
    assert_eq!(page.page_url, "/course/ENV-220");
    let titles: Vec<&str> = page.concepts.iter().map(|c| c.title.as_str()).collect();
    assert!(titles.contains(&"Lake Tessel"), "{titles:?}");
    assert!(titles.contains(&"Merrowby Ferry"), "{titles:?}");
    // Annotations point at their words, in bytes and in characters.
    for a in &page.annotations {
        assert!(!page.text[a.byte_start..a.byte_end].is_empty());
        assert_eq!(page.text[..a.byte_start].chars().count(), a.start, "{a:?}");
    }
    let teachers: Vec<_> = page
        .relations
        .iter()
        .filter(|r| r.rel == "taught_by")
        .map(|r| (r.direction, r.id.as_str(), r.title.as_deref()))
        .collect();
    assert_eq!(
        teachers,
        [
            ("outgoing", "100002", Some("Mara Keel")),
            ("outgoing", "100001", Some("Oskar Lindqvist"))
        ]
    );
    // From the other end: the person teaches two courses and wrote a paper.
    let person = engine.record("person", "100001").unwrap();
    let mut incoming: Vec<(&str, &str)> = person
        .relations
        .iter()
        .filter(|r| r.direction == "incoming")
        .map(|r| (r.label.as_str(), r.id.as_str()))
        .collect();
    incoming.sort();
    assert_eq!(incoming.len(), 3, "{incoming:?}");
    assert!(incoming.iter().any(|&(_, id)| id == "2025-017"));
    // Its own text names no concept: it inherits those of its courses.
    assert!(person.concepts_inherited);
    assert!(!person.concepts.is_empty());
    // Related courses share concepts: the history course shares the lake.
    let related = page.related.get("course").expect("related courses");
    assert!(related.iter().any(|r| r.id == "HIST-101"), "{related:?}");
    assert!(related.iter().all(|r| r.score > 0.0 && r.score <= 1.0));
    // A link to a unit that does not exist is shown as missing.
    let unit = engine.record("unit", "ENV").unwrap();
    let parent = unit
        .relations
        .iter()
        .find(|r| r.rel == "parent_unit")
        .unwrap();
    assert!(!parent.exists);
    assert_eq!(parent.title, None);

    assert!(engine.record("course", "NOPE").is_none());
    assert!(engine.record("concept", "1").is_none());

    // Concept pages list the records about them, per type.
    let lake = engine.find_title("Lake Tessel").unwrap();
    let concept = engine.concept(lake).unwrap();
    let courses = concept.records.iter().find(|g| g.kind == "course").unwrap();
    assert!(courses.items.iter().any(|r| r.id == "ENV-220"));
    assert_eq!(courses.count, courses.items.len());

    // Search covers records; the type filter keeps one type.
    let hits = search(&engine, "festivals", &[]);
    assert!(hits.contains(&key("course", "CULT-310")), "{hits:?}");
    let hits = search(&engine, "Lake Tessel", &["publication"]);
    assert_eq!(hits, [key("publication", "2025-017")]);
    // A concept named exactly as the query comes first.
    assert_eq!(search(&engine, "Lake Tessel", &[])[0].0, "concept");
}

#[test]
fn live_writes_are_durable_visible_and_survive_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    {
        let engine = Engine::open_writable(&out).unwrap();
        assert!(engine.records_writable());
        let new = course(
            "NEW-1",
            "Lanterns and lighthouses",
            "Why Merrowby Lighthouse and the Merrowby Lantern Festival share a history.",
        );
        assert_eq!(
            engine.put_record(new.clone()).unwrap().0,
            RecordWrite::Created
        );
        assert_eq!(engine.put_record(new).unwrap().0, RecordWrite::Replaced);
        // The page shows it at once, with its concepts and its teacher.
        let page = engine.record("course", "NEW-1").unwrap();
        assert!(page.live);
        assert!(
            page.concepts
                .iter()
                .any(|c| c.title == "Merrowby Lighthouse")
        );
        let teacher = engine.record("person", "100003").unwrap();
        assert!(teacher.relations.iter().any(|r| r.id == "NEW-1"));
        // The teacher has no text: it inherits, now from the new course too.
        assert!(teacher.concepts_inherited);
        assert!(
            teacher
                .concepts
                .iter()
                .any(|c| c.title == "Merrowby Lighthouse"),
            "{:?}",
            teacher.concepts
        );
        // Replace an imported record, delete another.
        engine
            .put_record(course(
                "CULT-310",
                "Winter markets",
                "The Smokehouse in winter.",
            ))
            .unwrap();
        assert!(engine.delete_record("course", "HIST-101").unwrap());
        assert!(!engine.delete_record("course", "HIST-101").unwrap());
        assert!(!engine.delete_record("course", "NEVER").unwrap());
        engine.settle_records().unwrap();
        let hits = search(&engine, "lanterns lighthouses", &["course"]);
        assert!(hits.contains(&key("course", "NEW-1")), "{hits:?}");
        // The snapshot's copies of replaced and deleted records are gone.
        assert!(!search(&engine, "festivals food", &[]).contains(&key("course", "CULT-310")));
        assert!(search(&engine, "winter markets", &[]).contains(&key("course", "CULT-310")));
        assert!(!search(&engine, "history of Merrowby", &[]).contains(&key("course", "HIST-101")));
        assert!(engine.record("course", "HIST-101").is_none());
        // Pages of one hit each, merged from both indexes, make up the
        // whole list in the same order.
        let request = |limit: usize, offset: usize| SearchRequest {
            query: "Merrowby".into(),
            types: Vec::new(),
            limit,
            offset,
            ..Default::default()
        };
        let all = engine.search(&request(100, 0)).unwrap();
        assert!(all.items.iter().any(|h| h.id == "NEW-1"));
        let paged: Vec<String> = (0..all.items.len())
            .map(|i| engine.search(&request(1, i)).unwrap().items[0].url.clone())
            .collect();
        let whole: Vec<String> = all.items.iter().map(|h| h.url.clone()).collect();
        assert_eq!(paged, whole);
        assert_eq!(all.total, all.items.len());
        let lighthouse = engine.find_title("Merrowby Lighthouse").unwrap();
        let sections = engine.concept(lighthouse).unwrap().records;
        let courses = sections.iter().find(|g| g.kind == "course").unwrap();
        assert!(courses.items.iter().any(|r| r.id == "NEW-1"));
        assert!(!courses.items.iter().any(|r| r.id == "HIST-101"));
        // Invalid records are refused with the field named.
        let mut bad = course("BAD-1", "Bad", "");
        bad.title = " ".into();
        let err = engine.put_record(bad).unwrap_err().to_string();
        assert!(err.contains("title"), "{err}");
    }
    // Reopened (read-only, as the CLI does): every write is there.
    let check = |engine: &Engine| {
        assert!(engine.record("course", "NEW-1").is_some());
        assert!(engine.record("course", "HIST-101").is_none());
        assert_eq!(
            engine.record("course", "CULT-310").unwrap().title,
            "Winter markets"
        );
        assert_eq!(engine.stats().records, 10);
    };
    check(&Engine::open(&out).unwrap());
    // A rebuild publishes a new snapshot; live writes stay on top of it.
    build_example(&out);
    check(&Engine::open(&out).unwrap());

    // A read-only engine refuses writes.
    let engine = Engine::open(&out).unwrap();
    assert!(engine.put_record(course("X-1", "X", "")).is_err());
}

/// Records are linked on their title, their keywords, the fields named at
/// build time and their text; each concept says where it was found, and
/// records written live are linked as the build linked the others.
#[test]
fn records_are_linked_on_title_keywords_and_named_fields() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let options = BuildOptions {
        out: out.clone(),
        sources: vec![Source::Dump(examples().join("tiny-wiki.xml"))],
        records: vec![examples().join("tiny-records.jsonl")],
        threads: 2,
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: kenning_records::FieldWeights::with_specs(&["syllabus=0.5"]).unwrap(),
    };
    build(&options, &Arc::new(BuildProgress::default())).unwrap();
    let fields_of = |page: &kenning_engine::RecordPage, title: &str| {
        page.concepts
            .iter()
            .find(|c| c.title == title)
            .map(|c| (c.fields.clone(), c.score))
    };
    let engine = Engine::open_writable(&out).unwrap();
    // A built record: what its text names comes "from text".
    let page = engine.record("course", "ENV-220").unwrap();
    let (fields, _) = fields_of(&page, "Lake Tessel").unwrap();
    assert!(fields.contains(&"text".to_owned()), "{fields:?}");

    // A live record whose text names nothing: its title, a keyword and the
    // named field each bring one concept, weighted by where it was found.
    let record = Record::from_json(
        &serde_json::json!({"type": "course", "id": "NEW-9", "title": "Merrowby Lighthouse",
            "text": "A course without names.",
            "fields": {"keywords": "weather; lake tessel; ", "syllabus": "Smokehouse",
                       "notes": "Kettle Island"}})
        .to_string(),
        "test",
    )
    .unwrap();
    engine.put_record(record).unwrap();
    let page = engine.record("course", "NEW-9").unwrap();
    let (title, title_score) = fields_of(&page, "Merrowby Lighthouse").unwrap();
    let (keywords, keyword_score) = fields_of(&page, "Lake Tessel").unwrap();
    let (syllabus, syllabus_score) = fields_of(&page, "Smokehouse").unwrap();
    assert_eq!(
        (title, keywords, syllabus),
        (
            vec!["title".into()],
            vec!["keywords".into()],
            vec!["syllabus".into()]
        )
    );
    assert!(title_score > keyword_score && keyword_score > syllabus_score);
    // A field not named at build time is not read.
    assert!(
        fields_of(&page, "Kettle Island").is_none(),
        "{:?}",
        page.concepts
    );
    assert!(page.annotations.is_empty(), "{:?}", page.annotations);
    // The concept page lists the record (once the refresh has run).
    engine.settle_records().unwrap();
    let lake = engine.find_title("Lake Tessel").unwrap();
    let sections = engine.concept(lake).unwrap().records;
    let courses = sections.iter().find(|g| g.kind == "course").unwrap();
    assert!(courses.items.iter().any(|r| r.id == "NEW-9"), "{courses:?}");
    drop(engine);

    // Reopened, the live record is linked the same way again.
    let engine = Engine::open(&out).unwrap();
    let page = engine.record("course", "NEW-9").unwrap();
    assert_eq!(fields_of(&page, "Smokehouse").unwrap().0, ["syllabus"]);
}

#[test]
fn a_second_writer_is_refused_and_readers_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    build_example(&out);
    let writer = Engine::open_writable(&out).unwrap();
    writer
        .put_record(course("NEW-2", "Rowing", "Merrowby Rowing Club"))
        .unwrap();
    assert!(Engine::open_writable(&out).is_err());
    let reader = Engine::open(&out).unwrap();
    assert!(reader.note().is_some_and(|n| n.contains("not shown")));
    assert!(reader.record("course", "NEW-2").is_none());
    assert!(reader.record("course", "ENV-220").is_some());
}

/// `../shared/data`, or `None` (with a note) where it is absent, unless
/// `KENNING_REQUIRE_DATA` is set.
fn shared_data() -> Option<PathBuf> {
    kenning_testdata::shared_data(&[], "real-data test")
}

/// "What links here" shows the most linked-to entries first (ties by
/// position): on a real wiki, for its hubs (more in-links than are shown),
/// the page's entries equal a full sort of all in-links.
#[test]
fn what_links_here_lists_the_most_linked_entries_of_hubs() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        out: dir.path().to_owned(),
        sources: vec![Source::Dump(
            data.join("wiki/ltgwiki-20170901-pages-articles.xml.bz2"),
        )],
        records: Vec::new(),
        threads: 2,
        holdout_percent: 0,
        languages: Default::default(),
        ontologies: Vec::new(),
        record_fields: Default::default(),
    };
    build(&options, &Arc::new(BuildProgress::default())).unwrap();
    let snapshot = kenning_store::Snapshot::open(dir.path()).unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let mut hubs: Vec<ConceptIdx> = (0..snapshot.len() as u32).map(ConceptIdx::new).collect();
    hubs.sort_by_key(|&i| std::cmp::Reverse(snapshot.concept(i).in_links().count()));
    hubs.truncate(5);
    assert!(
        snapshot.concept(hubs[4]).in_links().count() > 10,
        "ltgwiki has hubs"
    );
    for hub in hubs {
        let c = snapshot.concept(hub);
        let mut expected: Vec<ConceptIdx> = c.in_links().collect();
        expected.sort_by_key(|&i| (std::cmp::Reverse(snapshot.concept(i).in_links().count()), i));
        let expected: Vec<u32> = expected
            .iter()
            .take(10)
            .map(|&i| snapshot.concept(i).id().get())
            .collect();
        let page = engine.concept(c.id().get()).unwrap();
        let shown: Vec<u32> = page.in_links_top.iter().map(|l| l.id).collect();
        assert_eq!(shown, expected, "{}", c.title());
        assert_eq!(page.in_link_count, c.in_links().count());
    }
}
