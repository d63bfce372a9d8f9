//! Reads the real records files in `../shared/data/institution/records/`
//! (the EPFL Graph registry sample, EPFL courses, ETH publications) and
//! checks them against the counts in the data's README and, for the
//! registry sample, against the upstream edge list. Skipped (with a note)
//! where the data is absent, unless `KENNING_REQUIRE_DATA` is set.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use kenning_records::{
    Direction, FieldValue, Record, RecordConcept, RecordStore, RecordsReader, Relations,
    SharedConcepts, read_records,
};
use proptest::prelude::*;

fn data() -> Option<PathBuf> {
    kenning_testdata::shared_data(&["institution/records"], "real-records tests")
}

fn records_file(data: &Path, name: &str) -> PathBuf {
    data.join("institution/records").join(name)
}

fn read(data: &Path, name: &str) -> Vec<Record> {
    read_records(&records_file(data, name)).unwrap_or_else(|e| panic!("{e}"))
}

fn count_by<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item.to_owned()).or_insert(0) += 1;
    }
    counts
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(k, n)| (k.to_owned(), n)).collect()
}

fn rel_counts(records: &[Record]) -> BTreeMap<String, usize> {
    count_by(
        records
            .iter()
            .flat_map(|r| r.links.iter().map(|l| l.rel.as_str())),
    )
}

/// Every link of every record shows from both ends, to an existing record.
fn assert_links_resolve_both_ways(records: &[Record], relations: &Relations) {
    for r in records {
        let outgoing: Vec<_> = relations.outgoing(&r.kind, &r.id).collect();
        assert_eq!(outgoing.len(), r.links.len(), "{}", r.path());
        for (link, relation) in r.links.iter().zip(&outgoing) {
            assert_eq!(
                (relation.rel, relation.kind, relation.id),
                (link.rel.as_str(), link.kind.as_str(), link.id.as_str())
            );
            assert!(relation.exists, "{} → {}/{}", r.path(), link.kind, link.id);
            assert!(
                relations
                    .incoming(&link.kind, &link.id)
                    .any(|back| back.rel == link.rel
                        && back.kind == r.kind
                        && back.id == r.id
                        && back.direction == Direction::Incoming),
                "{}/{} does not see {} --{}-->",
                link.kind,
                link.id,
                r.path(),
                link.rel
            );
        }
    }
}

#[test]
fn registry_sample_counts_and_all_61_edges_both_ways() {
    let Some(data) = data() else { return };
    let records = read(&data, "epfl-registry-sample.jsonl");
    assert_eq!(
        count_by(records.iter().map(|r| r.kind.as_str())),
        counts(&[
            ("course", 23),
            ("person", 9),
            ("publication", 26),
            ("unit", 8)
        ])
    );
    assert_eq!(
        rel_counts(&records),
        counts(&[
            ("authored_by", 15),
            ("member_of", 9),
            ("parent_unit", 7),
            ("taught_by", 30)
        ])
    );
    let relations = Relations::from_records(&records);
    assert_eq!(relations.record_count(), 66);
    assert_eq!(relations.link_count(), 61);
    assert_eq!(relations.missing_link_count(), 0);
    assert_links_resolve_both_ways(&records, &relations);

    // The upstream edge list, an independent source: every edge is there,
    // both ways, with the relation its context maps to.
    let upstream = data.join(
        "institution/epfl-graph-fixtures/graphregistry-sample-epfl/sample_epfl_edge_list.json",
    );
    let Ok(text) = std::fs::read_to_string(&upstream) else {
        eprintln!(
            "note: {} is absent; edge cross-check skipped",
            upstream.display()
        );
        return;
    };
    let edges: serde_json::Value = serde_json::from_str(&text).unwrap();
    let edges = edges["edge_list"].as_array().unwrap();
    assert_eq!(edges.len(), 61);
    let text_of = |edge: &serde_json::Value, key: &str| edge[key].as_str().unwrap().to_owned();
    let mut seen = HashSet::new();
    for edge in edges {
        let (from_kind, from_id) = (
            text_of(edge, "from_type").to_lowercase(),
            text_of(edge, "from_id"),
        );
        let (to_kind, to_id) = (
            text_of(edge, "to_type").to_lowercase(),
            text_of(edge, "to_id"),
        );
        let rel = match text_of(edge, "context").as_str() {
            "teacher" => "taught_by",
            "authorship" => "authored_by",
            "accreditation" => "member_of",
            "affiliation" => "parent_unit",
            other => panic!("unexpected edge context {other:?}"),
        };
        let out = relations
            .outgoing(&from_kind, &from_id)
            .find(|r| r.rel == rel && r.kind == to_kind && r.id == to_id)
            .unwrap_or_else(|| {
                panic!("{from_kind}/{from_id} --{rel}--> {to_kind}/{to_id} missing")
            });
        assert!(out.exists);
        let back = relations
            .incoming(&to_kind, &to_id)
            .find(|r| r.rel == rel && r.kind == from_kind && r.id == from_id)
            .unwrap_or_else(|| panic!("{to_kind}/{to_id} does not see {from_kind}/{from_id}"));
        assert!(back.exists);
        seen.insert((from_kind, from_id, rel, to_kind, to_id));
    }
    assert_eq!(seen.len(), 61, "the 61 upstream edges are distinct");

    // Display names from both ends.
    let course = records
        .iter()
        .find(|r| r.kind == "course" && !r.links.is_empty())
        .unwrap();
    let teacher = relations.outgoing(&course.kind, &course.id).next().unwrap();
    assert_eq!(teacher.label(), "taught by");
    let teaches: Vec<String> = relations
        .incoming(teacher.kind, teacher.id)
        .map(|r| r.label())
        .collect();
    assert!(teaches.iter().all(|l| l == "teaches"), "{teaches:?}");
    let sub_units = relations
        .incoming("unit", "STI")
        .filter(|r| r.label() == "sub-units")
        .count();
    assert!(sub_units > 0, "STI has sub-units in the sample");
}

#[test]
fn epfl_courses_counts_and_links() {
    let Some(data) = data() else { return };
    let records = read(&data, "epfl-courses-2019.jsonl");
    assert_eq!(records.len(), 1506);
    assert!(records.iter().all(|r| r.kind == "course"));
    assert_eq!(
        rel_counts(&records),
        counts(&[
            ("benefits_from", 112),
            ("depends_on", 109),
            ("prepares_for", 40)
        ])
    );
    assert!(
        records
            .iter()
            .all(|r| r.fields.get("catalogue_year") == Some(&FieldValue::Integer(2019)))
    );
    let relations = Relations::from_records(&records);
    assert_eq!(relations.link_count(), 261);
    assert_eq!(relations.missing_link_count(), 0);
    assert_links_resolve_both_ways(&records, &relations);
    // Ids such as `EE-390(c)` make valid paths.
    let odd = records.iter().find(|r| r.id.contains('(')).unwrap();
    assert!(odd.path().starts_with("/course/") && odd.path().ends_with(')'));
}

#[test]
fn eth_publications_counts_and_links() {
    let Some(data) = data() else { return };
    let records = read(&data, "eth-publications.jsonl");
    assert_eq!(
        count_by(records.iter().map(|r| r.kind.as_str())),
        counts(&[("person", 19_063), ("publication", 4_811), ("unit", 281)])
    );
    assert_eq!(
        rel_counts(&records),
        counts(&[
            ("affiliated_with", 5_808),
            ("authored_by", 37_005),
            ("headed_by", 127),
            ("parent_unit", 276)
        ])
    );
    let relations = Relations::from_records(&records);
    assert_eq!(relations.record_count(), 24_155);
    assert_eq!(relations.link_count(), 43_216);
    assert_eq!(relations.missing_link_count(), 0);
    assert_links_resolve_both_ways(&records, &relations);

    // Author order is kept; the author sees the publication.
    let authors: Vec<&str> = relations
        .outgoing("publication", "456066")
        .filter(|r| r.rel == "authored_by")
        .map(|r| r.id)
        .collect();
    assert_eq!(authors[0], "meier, claudio i.");
    let by_meier: Vec<_> = relations.incoming("person", "meier, claudio i.").collect();
    assert!(
        by_meier
            .iter()
            .any(|r| r.id == "456066" && r.label() == "author of")
    );
    let person = records
        .iter()
        .find(|r| r.id == "meier, claudio i.")
        .unwrap();
    assert_eq!(person.path(), "/person/meier,%20claudio%20i.");
}

#[test]
fn all_files_together_later_records_replace_earlier_ones() {
    let Some(data) = data() else { return };
    let mut relations = Relations::new();
    let mut keys = HashSet::new();
    let mut total = 0;
    for name in [
        "epfl-registry-sample.jsonl",
        "epfl-courses-2019.jsonl",
        "eth-publications.jsonl",
    ] {
        for record in RecordsReader::open(&records_file(&data, name)).unwrap() {
            let record = record.unwrap();
            keys.insert((record.kind.clone(), record.id.clone()));
            relations.insert(&record);
            total += 1;
        }
    }
    assert_eq!(total, 25_727);
    // 15 registry courses are also 2019 courses; the 2019 version wins,
    // with its own links (the registry's `taught_by` links of those go).
    assert_eq!(keys.len(), 25_712);
    assert_eq!(relations.record_count(), 25_712);
    assert_eq!(relations.link_count(), 43_518);
    assert_eq!(relations.missing_link_count(), 0);
}

#[test]
fn every_real_record_writes_back_to_itself() {
    let Some(data) = data() else { return };
    for name in [
        "epfl-registry-sample.jsonl",
        "epfl-courses-2019.jsonl",
        "eth-publications.jsonl",
    ] {
        for r in read(&data, name) {
            let again = Record::from_json(&r.to_json(), "round trip").unwrap();
            assert_eq!(again, r, "{name}: {}", r.path());
        }
    }
}

#[test]
fn registry_sample_in_the_store_with_live_updates() {
    let Some(data) = data() else { return };
    let mut records = read(&data, "epfl-registry-sample.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.redb");
    {
        let store = RecordStore::open(&path).unwrap();
        assert_eq!(store.put_all(&records).unwrap(), 0);
    }
    let store = RecordStore::open(&path).unwrap();
    assert_eq!(store.len().unwrap(), 66);
    records.sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    let stored: Vec<Record> = store.iter().unwrap().map(Result::unwrap).collect();
    assert_eq!(stored, records, "key order, every field intact");
    assert_eq!(store.iter_kind("unit").unwrap().count(), 8);

    // A live delete and re-put, applied to the relations as the engine will.
    let mut relations = Relations::from_records(&stored);
    let unit = stored
        .iter()
        .find(|r| r.kind == "unit" && r.id == "STI")
        .unwrap()
        .clone();
    let pointing_at_sti = relations.incoming("unit", "STI").count();
    assert!(store.delete("unit", "STI").unwrap());
    relations.remove("unit", "STI");
    assert_eq!(relations.missing_link_count(), pointing_at_sti);
    assert!(!store.put(&unit).unwrap());
    relations.insert(&store.get("unit", "STI").unwrap().unwrap());
    assert_eq!(relations.missing_link_count(), 0);
}

#[test]
fn related_courses_by_shared_keywords() {
    // No concept detection here: each distinct keyword of the 2019 courses
    // stands in for a concept, scored 1/√(number of the course's keywords).
    let Some(data) = data() else { return };
    let records = read(&data, "epfl-courses-2019.jsonl");
    let mut concept_ids: HashMap<String, u32> = HashMap::new();
    let mut edges = Vec::new();
    let mut keywords_of: Vec<HashSet<u32>> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut mine = HashSet::new();
        if let Some(FieldValue::Text(text)) = r.fields.get("keywords") {
            let words: Vec<String> = text
                .split(';')
                .map(|w| w.trim().to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            for w in &words {
                let next = concept_ids.len() as u32;
                let c = *concept_ids.entry(w.clone()).or_insert(next);
                mine.insert(c);
                edges.push(RecordConcept {
                    record: i as u32,
                    concept: c,
                    score: 1.0 / (words.len() as f32).sqrt(),
                });
            }
        }
        keywords_of.push(mine);
    }
    assert!(concept_ids.len() > 1000, "{} keywords", concept_ids.len());
    let index = SharedConcepts::new(&edges, 50);
    let kinds = vec![0u32; records.len()];
    let mut with_related = 0;
    for i in 0..records.len() as u32 {
        let related = index.related(i, &kinds, 5);
        for group in &related {
            assert!(group.records.len() <= 5);
            for pair in group.records.windows(2) {
                assert!(pair[0].score >= pair[1].score);
            }
            for s in &group.records {
                assert_ne!(s.record, i);
                assert!(s.score > 0.0 && s.score <= 1.0);
                assert!(
                    !keywords_of[i as usize].is_disjoint(&keywords_of[s.record as usize]),
                    "{} and {} share no keyword",
                    records[i as usize].id,
                    records[s.record as usize].id
                );
            }
        }
        with_related += usize::from(!related.is_empty());
    }
    assert!(
        with_related > 500,
        "{with_related} courses have related courses"
    );
}

// ---------------------------------------------------------------- bad lines

/// The registry sample's lines, with line `at` (1-based) replaced.
fn sample_with(data: &Path, at: usize, line: &[u8]) -> Vec<u8> {
    let text = std::fs::read(records_file(data, "epfl-registry-sample.jsonl")).unwrap();
    let mut out = Vec::new();
    for (i, l) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(if i + 1 == at { line } else { l });
    }
    out
}

fn sample_line(data: &Path, at: usize) -> String {
    let text = std::fs::read_to_string(records_file(data, "epfl-registry-sample.jsonl")).unwrap();
    text.lines().nth(at - 1).unwrap().to_owned()
}

/// Reads `bytes` as the file `records.jsonl` in a temporary folder: the
/// number of records read and the error's message, with the folder's path
/// taken out.
fn read_file(bytes: &[u8]) -> (usize, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.jsonl");
    std::fs::write(&path, bytes).unwrap();
    let mut n = 0;
    for r in RecordsReader::open(&path).unwrap() {
        match r {
            Ok(_) => n += 1,
            Err(e) => {
                let message = e.to_string();
                let prefix = format!("{}/", dir.path().display());
                return (n, Some(message.replacen(&prefix, "", 1)));
            }
        }
    }
    (n, None)
}

#[test]
fn bad_lines_name_file_line_and_field() {
    let Some(data) = data() else { return };
    let line12 = sample_line(&data, 12);
    let record: serde_json::Value = serde_json::from_str(&line12).unwrap();
    let id = record["id"].as_str().unwrap().to_owned();
    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = record.clone();
        edit(&mut v);
        serde_json::to_vec(&v).unwrap()
    };

    let cases: Vec<(Vec<u8>, String)> = vec![
        (
            with(&|v| v["id"] = 42.into()),
            r#"records.jsonl:12: field "id": expected a string, found a number"#.into(),
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("id");
            }),
            r#"records.jsonl:12: field "id": missing"#.into(),
        ),
        (
            with(&|v| v["type"] = serde_json::Value::Array(vec![])),
            r#"records.jsonl:12: field "type": expected a string, found an array"#.into(),
        ),
        (
            with(&|v| v["links"] = serde_json::json!([{"rel": 1, "type": "person", "id": "1"}])),
            r#"records.jsonl:12: field "links[0].rel": expected a string, found a number"#.into(),
        ),
        (
            with(&|v| v["fields"]["year"] = serde_json::json!({"from": 2020})),
            r#"records.jsonl:12: field "fields.year": expected a string, number, boolean or list, found an object"#.into(),
        ),
        (
            line12.as_bytes()[..40].to_vec(),
            "records.jsonl:12: invalid JSON: EOF while parsing a string at column 40".into(),
        ),
        (
            sample_line(&data, 3).into_bytes(),
            format!(
                "records.jsonl:12: duplicate record {} (first seen at line 3)",
                {
                    let v: serde_json::Value = serde_json::from_str(&sample_line(&data, 3)).unwrap();
                    format!("{}/{}", v["type"].as_str().unwrap(), v["id"].as_str().unwrap())
                }
            ),
        ),
        (
            {
                let mut bytes = line12.clone().into_bytes();
                let at = line12.find(&id).unwrap();
                bytes[at] = 0xFF;
                bytes
            },
            format!(
                "records.jsonl:12: invalid UTF-8 at byte {} of the line",
                line12.find(&id).unwrap()
            ),
        ),
    ];
    for (line, expected) in cases {
        let (read, error) = read_file(&sample_with(&data, 12, &line));
        assert_eq!(error.as_deref(), Some(expected.as_str()));
        assert_eq!(read, 11, "the eleven lines before the bad one were read");
    }
    assert_eq!(
        read_file(b"").1.as_deref(),
        Some("records.jsonl: no records (the file is empty)")
    );
    assert_eq!(read_file(&sample_with(&data, 0, b"")), (66, None));
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = RecordsReader::open(Path::new("/nonexistent/records.jsonl")).unwrap_err();
    assert!(
        e.to_string().starts_with("/nonexistent/records.jsonl: "),
        "{e}"
    );
}

/// One byte of a real record changed to anything: the reader never
/// panics, and a failure is placed on that record's line (or the next,
/// when the byte became a line break).
#[test]
fn a_changed_byte_never_panics_and_is_placed() {
    let Some(data) = data() else { return };
    let lines: Vec<String> = (1..=66).map(|at| sample_line(&data, at)).collect();
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = (0usize..66, any::<prop::sample::Index>(), any::<u8>());
    runner
        .run(&strategy, |(line, at, byte)| {
            let mut bad = lines[line].clone().into_bytes();
            let at = at.index(bad.len());
            bad[at] = byte;
            let mut input = lines[if line == 0 { 1 } else { 0 }].clone().into_bytes();
            input.push(b'\n');
            input.extend_from_slice(&bad);
            input.push(b'\n');
            let mut place = None;
            for r in RecordsReader::new(&input[..], "records.jsonl") {
                if let Err(e) = r {
                    place = Some(e.to_string());
                }
            }
            if let Some(message) = place {
                prop_assert!(
                    message.starts_with("records.jsonl:2: ")
                        || message.starts_with("records.jsonl:3: "),
                    "{}",
                    message
                );
            }
            Ok(())
        })
        .unwrap();
}
