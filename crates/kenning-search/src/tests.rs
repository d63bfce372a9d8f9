//! Index-level tests on a small hand-made corpus.

use std::path::Path;

use crate::{Document, IndexWriter, Query, SearchError, SearchIndex, SearchResults};

struct Doc {
    key: u64,
    kind: &'static str,
    title: &'static str,
    aliases: &'static [&'static str],
    summary: &'static str,
    popularity: f32,
}

const DOCS: &[Doc] = &[
    Doc {
        key: 1,
        kind: "concept",
        title: "Soviet Union",
        aliases: &["USSR", "Union of Soviet Socialist Republics"],
        summary: "The Soviet Union was a federal socialist state in Eurasia from 1922 to 1991.",
        popularity: 0.9,
    },
    Doc {
        key: 2,
        kind: "concept",
        title: "Foreign relations of the Soviet Union",
        aliases: &[],
        summary: "The foreign relations of the Soviet Union took many forms between 1917 and 1991.",
        popularity: 0.3,
    },
    Doc {
        key: 3,
        kind: "concept",
        title: "Union",
        aliases: &["Unions"],
        summary: "A union is a joining of several things.",
        popularity: 0.1,
    },
    Doc {
        key: 4,
        kind: "concept",
        title: "Onion",
        aliases: &[],
        summary: "The onion is a vegetable of the genus Allium.",
        popularity: 0.2,
    },
    Doc {
        key: 5,
        kind: "concept",
        title: "Photosynthesis",
        aliases: &[],
        summary: "Photosynthesis is the process by which plants use light and chlorophyll to make sugar.",
        popularity: 0.6,
    },
    Doc {
        key: 6,
        kind: "concept",
        title: "Chlorophyll",
        aliases: &[],
        summary: "Chlorophyll is a green pigment found in plants; it absorbs light for photosynthesis.",
        popularity: 0.5,
    },
    Doc {
        key: 7,
        kind: "course",
        title: "History of the Soviet Union",
        aliases: &[],
        summary: "A course on the Soviet Union from the revolution to its dissolution.",
        popularity: 0.0,
    },
    Doc {
        key: 8,
        kind: "concept",
        title: "Áedán mac Gabráin",
        aliases: &[],
        summary: "Áedán mac Gabráin was king of Dál Riata.",
        popularity: 0.1,
    },
    Doc {
        key: 9,
        kind: "concept",
        title: "History of Afghanistan",
        aliases: &[],
        summary: "The history of Afghanistan as a state began in 1747.",
        popularity: 0.4,
    },
    Doc {
        key: 10,
        kind: "concept",
        title: "C++",
        aliases: &[],
        summary: "C++ is a programming language.",
        popularity: 0.4,
    },
    Doc {
        key: 11,
        kind: "concept",
        title: "C",
        aliases: &[],
        summary: "C is the third letter of the alphabet.",
        popularity: 0.9,
    },
    Doc {
        key: 12,
        kind: "concept",
        title: "French fries",
        aliases: &[],
        summary: "French fries are deep-fried strips of potato.",
        popularity: 0.3,
    },
    Doc {
        key: 13,
        kind: "concept",
        title: "House of Habsburg",
        aliases: &[],
        summary: "The House of Habsburg was a European dynasty.",
        popularity: 0.2,
    },
    Doc {
        key: 14,
        kind: "concept",
        title: "French language",
        aliases: &[],
        summary: "French is a Romance language.",
        popularity: 0.9,
    },
];

impl Doc {
    fn document(&self) -> Document<'static> {
        Document {
            key: self.key,
            kind: self.kind,
            title: self.title,
            aliases: self.aliases,
            summary: self.summary,
            body: "",
            popularity: self.popularity,
            names_in: &[],
        }
    }
}

fn build(dir: &Path) -> SearchIndex {
    let mut w = IndexWriter::create(dir, 20_000_000, 1).unwrap();
    for d in DOCS {
        w.add(&d.document()).unwrap();
    }
    w.finish().unwrap();
    SearchIndex::open(dir).unwrap()
}

fn with_index(f: impl FnOnce(&SearchIndex)) {
    let tmp = tempfile::tempdir().unwrap();
    let idx = build(&tmp.path().join("search"));
    f(&idx);
}

fn keys(idx: &SearchIndex, text: &str) -> Vec<u64> {
    idx.search(&Query::new(text))
        .unwrap()
        .hits
        .iter()
        .map(|h| h.key)
        .collect()
}

#[test]
fn index_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SearchIndex>();
    check::<IndexWriter>();
}

#[test]
fn exact_title_ranks_first_even_when_less_popular() {
    with_index(|idx| {
        assert_eq!(keys(idx, "union")[0], 3);
        assert_eq!(keys(idx, "Foreign relations of the Soviet Union")[0], 2);
        assert_eq!(keys(idx, "  soviet-UNION! ")[0], 1);
        assert_eq!(keys(idx, "aedan mac gabrain")[0], 8);
        assert_eq!(keys(idx, "C++")[0], 10);
        assert_eq!(keys(idx, "c")[0], 11);
    });
}

#[test]
fn exact_alias_ranks_first_and_is_reported() {
    with_index(|idx| {
        let r = idx.search(&Query::new("ussr")).unwrap();
        assert_eq!(r.hits[0].key, 1);
        assert_eq!(r.hits[0].matched_alias.as_deref(), Some("USSR"));
        let r = idx
            .search(&Query::new("union of soviet socialist republics"))
            .unwrap();
        assert_eq!(r.hits[0].key, 1);
        assert_eq!(
            r.hits[0].matched_alias.as_deref(),
            Some("Union of Soviet Socialist Republics")
        );
        let r = idx.search(&Query::new("Soviet Union")).unwrap();
        assert_eq!(r.hits[0].matched_alias, None);
    });
}

#[test]
fn typos_find_names_but_do_not_drown_exact_words() {
    with_index(|idx| {
        assert_eq!(keys(idx, "photosynthsis")[0], 5);
        assert_eq!(keys(idx, "chlorophyl")[0], 6);
        assert_eq!(keys(idx, "sovjet union")[0], 1);
        // "union" is a known word: the exact "Union" beats "Onion".
        let k = keys(idx, "union");
        let union = k.iter().position(|&x| x == 3).unwrap();
        let onion = k.iter().position(|&x| x == 4);
        assert!(onion.is_none_or(|o| o > union));
        // Distance 2 for long words.
        assert_eq!(keys(idx, "photosyntesys")[0], 5);
    });
}

#[test]
fn names_covering_more_of_the_query_beat_popular_short_ones() {
    with_index(|idx| {
        // "Soviet Union" is popular and short; the query names the other.
        assert_eq!(keys(idx, "fojeign relations of the soviet union")[0], 2);
        assert_eq!(keys(idx, "habsburg house")[0], 13);
    });
}

#[test]
fn misplaced_spaces_are_repaired() {
    with_index(|idx| {
        assert_eq!(keys(idx, "frenchfries")[0], 12);
        assert_eq!(keys(idx, "Houseo f Habsburg")[0], 13);
        assert_eq!(keys(idx, "french fr ies")[0], 12);
    });
}

#[test]
fn camel_case_queries_find_spaced_titles() {
    with_index(|idx| {
        assert_eq!(keys(idx, "AfghanistanHistory")[0], 9);
    });
}

#[test]
fn kind_filter_and_factors() {
    with_index(|idx| {
        let q = Query {
            kinds: &["course"],
            ..Query::new("soviet union")
        };
        let r = idx.search(&q).unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].key, 7);
        assert_eq!(r.hits[0].kind, "course");
        let q = Query {
            kinds: &["concept"],
            ..Query::new("soviet union")
        };
        assert!(
            idx.search(&q)
                .unwrap()
                .hits
                .iter()
                .all(|h| h.kind == "concept")
        );
        let q = Query {
            kinds: &["nope"],
            ..Query::new("soviet union")
        };
        assert_eq!(idx.search(&q).unwrap().total, 0);
        // A large factor lifts the course above non-exact concepts, not
        // above the exact title.
        let q = Query {
            kind_factors: &[("course", 100.0)],
            ..Query::new("soviet union")
        };
        let k: Vec<u64> = idx.search(&q).unwrap().hits.iter().map(|h| h.key).collect();
        assert_eq!(&k[..2], &[1, 7]);
        let q = Query {
            kind_factors: &[("course", 0.0)],
            ..Query::new("soviet union")
        };
        // A factor of 0 puts the course last of the documents holding a
        // query word as typed; Onion, found only as a typo of "union",
        // stays below.
        let hits = idx.search(&q).unwrap().hits;
        let k: Vec<u64> = hits.iter().map(|h| h.key).collect();
        assert_eq!(&k[k.len() - 2..], &[7, 4], "{k:?}");
    });
}

#[test]
fn typo_only_matches_rank_below_real_matches() {
    with_index(|idx| {
        // "union" is a known word: Onion (a typo of it, a title) comes
        // after every document holding "union", even one that holds it
        // only in its summary.
        let k = keys(idx, "union");
        assert_eq!(k.last(), Some(&4), "{k:?}");
        assert!(k.len() > 2, "{k:?}");
        let r = idx.search(&Query::new("union")).unwrap();
        assert_eq!(r.corrected, None);
        // Pages agree with the whole list, whether the first page was
        // ranked with the demotion or found not to need it.
        for q in ["union", "onion", "soviet union", "plants"] {
            let all: Vec<u64> = idx
                .search(&Query {
                    limit: 100,
                    ..Query::new(q)
                })
                .unwrap()
                .hits
                .iter()
                .map(|h| h.key)
                .collect();
            let mut paged: Vec<u64> = Vec::new();
            for offset in (0..all.len()).step_by(2) {
                let page = idx
                    .search(&Query {
                        limit: 2,
                        offset,
                        ..Query::new(q)
                    })
                    .unwrap();
                paged.extend(page.hits.iter().map(|h| h.key));
            }
            assert_eq!(paged, all, "{q}");
        }
        // "onion" is known too: only Onion holds it, the names holding
        // "union" (its typo) follow.
        let k = keys(idx, "onion");
        assert_eq!(k[0], 4, "{k:?}");
        assert!(k[1..].contains(&3), "{k:?}");
        // No word known as typed: the typo matches are all there is, and
        // the answer says what was searched for.
        let r = idx.search(&Query::new("sovjet unoin")).unwrap();
        assert_eq!(r.hits[0].key, 1, "{r:?}");
        assert_eq!(r.corrected.as_deref(), Some("soviet union"));
        // A word found as typed is never corrected.
        let r = idx.search(&Query::new("sovjet union")).unwrap();
        assert_eq!(r.corrected.as_deref(), Some("soviet union"));
        let r = idx.search(&Query::new("soviet union")).unwrap();
        assert_eq!(r.corrected, None);
        // As typed only: no typo matches, no correction.
        let q = Query {
            typos: false,
            ..Query::new("sovjet unoin")
        };
        let r = idx.search(&q).unwrap();
        assert_eq!((r.total, r.corrected.as_deref()), (0, None), "{r:?}");
        let q = Query {
            typos: false,
            ..Query::new("union")
        };
        let k: Vec<u64> = idx.search(&q).unwrap().hits.iter().map(|h| h.key).collect();
        assert!(!k.contains(&4), "{k:?}");
    });
}

#[test]
fn kinds_are_counted_whatever_the_filter() {
    with_index(|idx| {
        let q = Query {
            kinds: &["course"],
            count_kinds: true,
            ..Query::new("soviet union")
        };
        let r = idx.search(&q).unwrap();
        assert_eq!(r.total, 1);
        let all = idx.search(&Query::new("soviet union")).unwrap();
        assert!(all.kind_counts.is_empty());
        let concepts = r
            .kind_counts
            .iter()
            .find(|(k, _)| k == "concept")
            .map(|(_, n)| *n);
        assert_eq!(concepts, Some(all.total - 1), "{:?}", r.kind_counts);
        assert!(r.kind_counts.contains(&("course".to_owned(), 1)));
        let sum: usize = r.kind_counts.iter().map(|(_, n)| n).sum();
        assert_eq!(sum, all.total);
    });
}

#[test]
fn pagination_is_consistent() {
    with_index(|idx| {
        let all = idx
            .search(&Query {
                limit: 100,
                ..Query::new("the soviet union of plants")
            })
            .unwrap();
        assert!(all.total >= 5);
        assert_eq!(all.hits.len(), all.total);
        let mut paged = Vec::new();
        for page in 0..10 {
            let r = idx
                .search(&Query {
                    limit: 2,
                    offset: page * 2,
                    ..Query::new("the soviet union of plants")
                })
                .unwrap();
            assert_eq!(r.total, all.total);
            paged.extend(r.hits);
        }
        assert_eq!(paged, all.hits);
        let r = idx
            .search(&Query {
                limit: 0,
                ..Query::new("soviet")
            })
            .unwrap();
        assert!(r.hits.is_empty() && r.total > 0);
    });
}

#[test]
fn snippets_highlight_query_words() {
    with_index(|idx| {
        let r = idx.search(&Query::new("chlorophyll light")).unwrap();
        assert!(!r.hits.is_empty());
        for h in &r.hits {
            assert!(!h.highlights.is_empty(), "{h:?}");
            for &(f, t) in &h.highlights {
                let w = h.snippet[f..t].to_lowercase();
                assert!(w == "chlorophyll" || w == "light", "{w}");
            }
        }
    });
}

#[test]
fn empty_and_punctuation_queries_give_nothing() {
    with_index(|idx| {
        for q in ["", "   ", "?!.,;", "—–-"] {
            let r = idx.search(&Query::new(q)).unwrap();
            assert_eq!(r.total, 0);
            assert!(r.hits.is_empty());
            assert!(idx.suggest(q, 10).unwrap().is_empty());
        }
        let long = "soviet union ".repeat(1000);
        assert_eq!(keys(idx, &long)[0], 1);
        assert_eq!(idx.suggest(&long, 10).unwrap()[0].key, 1);
    });
}

#[test]
fn suggest_completes_the_last_word() {
    with_index(|idx| {
        let titles = |p: &str| -> Vec<String> {
            idx.suggest(p, 5)
                .unwrap()
                .into_iter()
                .map(|h| h.title)
                .collect()
        };
        assert_eq!(titles("sov")[0], "Soviet Union");
        assert_eq!(
            titles("foreign rel")[0],
            "Foreign relations of the Soviet Union"
        );
        assert_eq!(titles("photo")[0], "Photosynthesis");
        assert_eq!(titles("uni")[0], "Soviet Union");
        assert_eq!(titles("union")[0], "Union");
        assert!(titles("zzz").is_empty());
        // A finished word (trailing space) is not a prefix.
        assert!(!titles("photo ").contains(&"Photosynthesis".to_string()));
        let h = &idx.suggest("uss", 5).unwrap()[0];
        assert_eq!((h.key, h.matched_alias.as_deref()), (1, Some("USSR")));
    });
}

#[test]
fn open_rejects_what_is_not_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        SearchIndex::open(tmp.path()),
        Err(SearchError::NotAnIndex { .. })
    ));
    // Unfinished build: no manifest.
    let dir = tmp.path().join("unfinished");
    let mut w = IndexWriter::create(&dir, 20_000_000, 1).unwrap();
    w.add(&Document {
        title: "x",
        kind: "concept",
        ..Document::default()
    })
    .unwrap();
    drop(w);
    assert!(matches!(
        SearchIndex::open(&dir),
        Err(SearchError::NotAnIndex { .. })
    ));
    // Not empty.
    assert!(matches!(
        IndexWriter::create(&dir, 20_000_000, 1),
        Err(SearchError::NotEmpty { .. })
    ));
    // Other format version.
    let dir = tmp.path().join("old");
    build(&dir);
    let manifest = dir.join(crate::schema::MANIFEST);
    let text = std::fs::read_to_string(&manifest).unwrap();
    let format = format!("\"format\": {}", crate::schema::FORMAT_VERSION);
    assert!(text.contains(&format), "{text}");
    std::fs::write(&manifest, text.replace(&format, "\"format\": 999")).unwrap();
    let err = SearchIndex::open(&dir).unwrap_err();
    assert!(
        matches!(err, SearchError::Version { found: 999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("rebuild"));
    // The snippet texts file missing.
    let dir = tmp.path().join("no-texts");
    build(&dir);
    std::fs::remove_file(dir.join(crate::schema::TEXTS)).unwrap();
    let err = SearchIndex::open(&dir).unwrap_err();
    assert!(matches!(err, SearchError::NotAnIndex { .. }), "{err}");
    assert!(err.to_string().contains(crate::schema::TEXTS), "{err}");
}

#[test]
fn texts_stay_out_of_the_merged_document_store() {
    // Merging segments rewrites tantivy's document store through memory
    // maps; summaries and bodies live in their own file so that the store,
    // and what a merge maps, stays small.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("search");
    let text: String = (0..600).map(|i| format!("word{i} ")).collect();
    // Several segments (small budget, two threads), merged by finish.
    let mut w = IndexWriter::create(&dir, 2 * crate::MIN_MEMORY_PER_THREAD, 2).unwrap();
    for key in 0..2_000u64 {
        let title = format!("Title {key}");
        w.add(&Document {
            key,
            kind: "concept",
            title: &title,
            summary: &text[..(key as usize % 500) * 4],
            body: &text,
            ..Document::default()
        })
        .unwrap();
    }
    w.finish().unwrap();
    let size = |suffix: &str| -> u64 {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
            .map(|e| e.metadata().unwrap().len())
            .sum()
    };
    let raw = 2_000 * text.len() as u64;
    let (store, texts) = (size(".store"), size(crate::schema::TEXTS));
    assert!(texts > 0);
    assert!(store * 20 < raw, "store {store} B for {raw} B of text");
    // And the snippets still come from those texts.
    let idx = SearchIndex::open(&dir).unwrap();
    let hits = idx.search(&Query::new("word599")).unwrap();
    assert_eq!(hits.total, 2_000);
    assert!(
        hits.hits[0].snippet.contains("word599"),
        "{:?}",
        hits.hits[0]
    );
}

#[test]
fn documents_on_both_sides_of_a_flush_are_found_with_their_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("search");
    let mut w = IndexWriter::create(&dir, 2 * crate::MIN_MEMORY_PER_THREAD, 2).unwrap();
    let (first, second) = DOCS.split_at(DOCS.len() / 2);
    for d in first {
        w.add(&d.document()).unwrap();
    }
    w.flush().unwrap();
    w.flush().unwrap(); // nothing new: harmless
    for d in second {
        w.add(&d.document()).unwrap();
    }
    assert_eq!(w.documents(), DOCS.len() as u64);
    w.finish().unwrap();
    let flushed = SearchIndex::open(&dir).unwrap();
    let whole = tmp.path().join("whole");
    let whole = build(&whole);
    for d in DOCS {
        let query = Query::new(d.title);
        let (a, b) = (
            flushed.search(&query).unwrap(),
            whole.search(&query).unwrap(),
        );
        assert!(
            a.hits.iter().any(|h| h.key == d.key && h.kind == d.kind),
            "{} not found after a flush",
            d.title
        );
        let seen = |hits: &[crate::Hit]| -> Vec<(u64, String, String)> {
            hits.iter()
                .map(|h| (h.key, h.kind.clone(), h.snippet.clone()))
                .collect()
        };
        assert_eq!(seen(&a.hits), seen(&b.hits), "{}", d.title);
    }
}

#[test]
fn ties_are_broken_by_key_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for threads in [1, 2] {
        let dir = tmp.path().join(format!("t{threads}"));
        let mut w = IndexWriter::create(&dir, 40_000_000, threads).unwrap();
        for key in (0..200u64).rev() {
            w.add(&Document {
                key,
                kind: "concept",
                title: "same title",
                summary: "same",
                ..Document::default()
            })
            .unwrap();
        }
        w.finish().unwrap();
        // Merged into one segment, the merged-away files removed.
        let stores = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "store")
            })
            .count();
        assert_eq!(stores, 1, "threads {threads}");
        let idx = SearchIndex::open(&dir).unwrap();
        let r = idx
            .search(&Query {
                limit: 5,
                ..Query::new("same title")
            })
            .unwrap();
        assert_eq!(r.total, 200);
        results.push(r.hits.iter().map(|h| h.key).collect::<Vec<_>>());
    }
    assert_eq!(results[0], [0, 1, 2, 3, 4]);
    assert_eq!(results[0], results[1]);
}

#[test]
fn in_memory_index_ranks_like_the_index_on_disk() {
    let memory = SearchIndex::in_memory(DOCS.iter().map(Doc::document)).unwrap();
    with_index(|disk| {
        assert_eq!(memory.documents(), disk.documents());
        assert_eq!(memory.kinds(), disk.kinds());
        for q in [
            "french",
            "fench fries",
            "habsburg house",
            "c",
            "Afghanistan",
        ] {
            let a = memory.search(&Query::new(q)).unwrap();
            let b = disk.search(&Query::new(q)).unwrap();
            assert_eq!(a.total, b.total, "{q}");
            let hits = |r: &SearchResults| -> Vec<(u64, String)> {
                r.hits.iter().map(|h| (h.key, h.snippet.clone())).collect()
            };
            assert_eq!(hits(&a), hits(&b), "{q}");
        }
    });
    let empty = SearchIndex::in_memory(std::iter::empty()).unwrap();
    assert_eq!(empty.search(&Query::new("french")).unwrap().total, 0);
}

#[test]
fn document_from_text_cuts_the_summary_at_a_word_end() {
    let text = "word ".repeat(200);
    let d = Document::from_text(7, "course", "Title", &text);
    assert_eq!(d.kind, "course");
    assert!(d.summary.len() >= crate::TEXT_SUMMARY_CHARS);
    assert!(d.summary.ends_with("word"));
    assert_eq!(format!("{}{}", d.summary, d.body), text);
    let short = Document::from_text(1, "unit", "T", "é short");
    assert_eq!(short.summary, "é short");
    assert_eq!(short.body, "");
}

#[test]
fn the_last_segment_of_a_path_names_the_topic() {
    let docs = [
        (
            "Archaeology",
            "Archaeology is the study of the human past.",
            0.9,
        ),
        ("Broch", "A broch is an Iron Age drystone roundhouse.", 0.1),
    ];
    let index =
        SearchIndex::in_memory(docs.iter().enumerate().map(|(i, (title, summary, pop))| {
            Document {
                key: i as u64,
                kind: "concept",
                title,
                aliases: &[],
                summary,
                body: "",
                popularity: *pop,
                names_in: &[],
            }
        }))
        .unwrap();
    let first = |q: &str| index.search(&Query::new(q)).unwrap().hits[0].key;
    assert_eq!(first("Archaeology/Broch"), 1);
    assert_eq!(first("archaeology / broch"), 1);
    // Without a path, both words count alike and popularity decides.
    assert_eq!(first("archaeology broch"), 0);
    // A slash at either end is no path.
    assert_eq!(first("/archaeology"), 0);
}

/// A damaged block inside tantivy's files (a flipped byte that the
/// footers checked at opening do not cover) is an error or a plain
/// answer, never a panic: every byte of every segment file flipped in
/// turn, each time searched and suggested.
#[test]
fn damaged_segment_files_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("search");
    drop(build(&dir));
    let segment_files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            !name.starts_with('.') && !name.ends_with(".json") && !name.starts_with("kenning-")
        })
        .collect();
    assert!(!segment_files.is_empty());
    // The default panic hook would print every caught panic.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut panicked = Vec::new();
    for path in &segment_files {
        let original = std::fs::read(path).unwrap();
        for at in 0..original.len() {
            let mut bytes = original.clone();
            bytes[at] ^= 0xff;
            std::fs::write(path, &bytes).unwrap();
            let outcome = std::panic::catch_unwind(|| {
                if let Ok(idx) = SearchIndex::open(&dir) {
                    let _ = idx.search(&Query::new("soviet union"));
                    let _ = idx.suggest("pho", 5);
                }
            });
            if outcome.is_err() {
                panicked.push(format!("{} byte {at}", path.display()));
            }
        }
        std::fs::write(path, &original).unwrap();
    }
    std::panic::set_hook(hook);
    assert!(panicked.is_empty(), "panicked: {panicked:#?}");
}

#[test]
fn an_empty_query_with_kinds_lists_every_document_of_those_kinds() {
    with_index(|idx| {
        let q = Query {
            kinds: &["concept"],
            limit: 100,
            count_kinds: true,
            ..Query::new("  ")
        };
        let r = idx.search(&q).unwrap();
        let concepts = DOCS.iter().filter(|d| d.kind == "concept").count();
        assert_eq!(r.total, concepts);
        assert_eq!(r.hits.len(), concepts);
        assert!(r.hits.iter().all(|h| h.kind == "concept"));
        // The most popular first.
        assert_eq!(r.hits[0].key, 1, "{:?}", r.hits);
        let pops: Vec<f32> = r
            .hits
            .iter()
            .map(|h| DOCS.iter().find(|d| d.key == h.key).unwrap().popularity)
            .collect();
        let scores: Vec<f32> = r.hits.iter().map(|h| h.score).collect();
        assert!(pops.windows(2).all(|w| w[0] >= w[1]), "{pops:?} {scores:?}");
        assert_eq!(
            r.kind_counts.iter().map(|(_, n)| n).sum::<usize>(),
            DOCS.len()
        );
        // Paging walks the same order.
        let page2 = idx
            .search(&Query {
                kinds: &["concept"],
                limit: 3,
                offset: 3,
                ..Query::new("")
            })
            .unwrap();
        let keys: Vec<u64> = page2.hits.iter().map(|h| h.key).collect();
        let all: Vec<u64> = r.hits.iter().map(|h| h.key).collect();
        assert_eq!(keys, all[3..6]);
        // Without kinds, or with punctuation only, nothing.
        assert_eq!(idx.search(&Query::new("")).unwrap().total, 0);
        let q = Query {
            kinds: &["concept"],
            ..Query::new("?!")
        };
        assert_eq!(idx.search(&q).unwrap().total, 0);
    });
}

/// Concepts named in French and German: bridges whose French name holds
/// "ponts" in the plural, and a river and a lake that share a name, the
/// river's in French, the lake's in German (the fields are otherwise
/// alike, so that only the reader's language tells them apart).
fn build_in_languages(dir: &Path) -> SearchIndex {
    let mut w =
        IndexWriter::create_in_languages(dir, 20_000_000, 1, &["fr".into(), "de".into()]).unwrap();
    /// `(key, title, aliases, names in a language)`.
    type NamedDoc = (
        u64,
        &'static str,
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
    );
    let docs: [NamedDoc; 3] = [
        (
            1,
            "Bridges of Merrowby",
            &["Ponts de Merrowby", "Brücken von Merrowby"],
            &[("fr", "Ponts de Merrowby"), ("de", "Brücken von Merrowby")],
        ),
        (
            2,
            "Tessel River",
            &["Tessel", "Tesselfluss"],
            &[("fr", "Tessel"), ("de", "Tesselfluss")],
        ),
        (
            3,
            "Tessel Lake",
            &["Tessel", "Tesselsee"],
            &[("de", "Tessel"), ("fr", "Tesselsee")],
        ),
    ];
    for (key, title, aliases, names_in) in docs {
        w.add(&Document {
            key,
            kind: "concept",
            title,
            aliases,
            summary: "",
            body: "",
            popularity: 0.5,
            names_in,
        })
        .unwrap();
    }
    w.finish().unwrap();
    SearchIndex::open(dir).unwrap()
}

#[test]
fn names_in_a_language_are_stemmed_and_the_readers_language_weighs_more() {
    let tmp = tempfile::tempdir().unwrap();
    let index = build_in_languages(tmp.path());
    // "pont" is found only through the French stemmer ("ponts" → "pont").
    let exact = |text, lang| {
        let r = index
            .search(&Query {
                typos: false,
                lang,
                ..Query::new(text)
            })
            .unwrap();
        r.hits.iter().map(|h| h.key).collect::<Vec<_>>()
    };
    assert_eq!(exact("pont", None), [1]);
    // The same name in two languages: the reader's comes first.
    assert_eq!(exact("Tessel", Some("fr"))[0], 2);
    assert_eq!(exact("Tessel", Some("de"))[0], 3);
}

#[test]
fn an_index_without_languages_has_no_stemming() {
    let tmp = tempfile::tempdir().unwrap();
    let mut w = IndexWriter::create(tmp.path(), 20_000_000, 1).unwrap();
    w.add(&Document {
        key: 1,
        kind: "concept",
        title: "Ponts de Merrowby",
        aliases: &[],
        summary: "",
        body: "",
        popularity: 0.5,
        names_in: &[("fr", "Ponts de Merrowby")],
    })
    .unwrap();
    w.finish().unwrap();
    let index = SearchIndex::open(tmp.path()).unwrap();
    let r = index
        .search(&Query {
            typos: false,
            ..Query::new("pont")
        })
        .unwrap();
    assert!(r.hits.is_empty(), "{r:?}");
}
