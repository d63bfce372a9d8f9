//! What the tests share: snapshots built once per run (the example wiki,
//! a hostile wiki, the example wiki without its mention dictionary, the
//! example wiki with records), apps over them, and request helpers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use kenning_build::{BuildOptions, BuildProgress, Source};
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};
use serde_json::Value;
use tower::ServiceExt;

// ---------------------------------------------------------------- fixtures

pub(crate) fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Builds a snapshot of `xml` into `out` (replacing what is there).
pub(crate) fn build_snapshot(xml: &Path, out: &Path) {
    build_from(vec![Source::Dump(xml.to_owned())], out);
}

fn build_from(sources: Vec<Source>, out: &Path) {
    build_with_records(sources, Vec::new(), out);
}

pub(crate) fn build_with_records(sources: Vec<Source>, records: Vec<PathBuf>, out: &Path) {
    build_with(sources, records, Vec::new(), out);
}

pub(crate) fn build_with(
    sources: Vec<Source>,
    records: Vec<PathBuf>,
    ontologies: Vec<PathBuf>,
    out: &Path,
) {
    build_in_languages(sources, records, ontologies, Default::default(), out);
}

fn build_in_languages(
    sources: Vec<Source>,
    records: Vec<PathBuf>,
    ontologies: Vec<PathBuf>,
    languages: kenning_build::LanguageOptions,
    out: &Path,
) {
    let options = BuildOptions {
        out: out.to_owned(),
        sources,
        threads: 1,
        records,
        holdout_percent: 0,
        languages,
        ontologies,
        record_fields: Default::default(),
    };
    kenning_build::build(&options, &Arc::new(BuildProgress::default()))
        .expect("build the test snapshot");
}

/// A snapshot folder under Cargo's per-test-binary scratch folder (kept
/// between runs, rebuilt once per run; nothing left in the system temp).
pub(crate) fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kenning-server-{name}"))
}

/// The engine over the example wiki and its example ontology, built once
/// per test run.
pub(crate) fn tiny_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = scratch("tiny-wiki");
            let examples = examples_dir();
            build_with(
                vec![Source::Dump(examples.join("tiny-wiki.xml"))],
                Vec::new(),
                vec![examples.join("tiny-ontology.jsonl")],
                &out,
            );
            Arc::new(Engine::open(&out).expect("open the test snapshot"))
        })
        .clone()
}

pub(crate) fn tiny_app() -> Router {
    app(tiny_engine(), ServerConfig::default())
}

/// The example wiki with its French edition joined to it, built once per
/// test run.
pub(crate) fn bilingual_app() -> Router {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| {
            let out = scratch("tiny-wiki-en-fr");
            let examples = examples_dir();
            build_from(
                vec![
                    Source::Dump(examples.join("tiny-wiki.xml")),
                    Source::Dump(examples.join("tiny-wiki-fr.xml")),
                ],
                &out,
            );
            Arc::new(Engine::open(&out).expect("open the test snapshot"))
        })
        .clone();
    app(engine, ServerConfig::default())
}

/// The example wiki, its French edition and the example Wikidata items,
/// which also name concepts in German (a language without a dump), built
/// once per test run.
pub(crate) fn trilingual_app() -> Router {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| {
            let out = scratch("tiny-wiki-en-fr-de");
            let examples = examples_dir();
            build_in_languages(
                vec![
                    Source::Dump(examples.join("tiny-wiki.xml")),
                    Source::Dump(examples.join("tiny-wiki-fr.xml")),
                ],
                Vec::new(),
                Vec::new(),
                kenning_build::LanguageOptions {
                    wikidata: vec![examples.join("tiny-wikidata.json")],
                    named: vec!["de".into()],
                    ..Default::default()
                },
                &out,
            );
            Arc::new(Engine::open(&out).expect("open the test snapshot"))
        })
        .clone();
    app(engine, ServerConfig::default())
}

/// A wiki out to inject markup. Wikitext in an XML export is escaped once
/// more, as in real dumps: `&lt;img …&gt;` in the XML is `<img …>` in the
/// wikitext and in the summary. The page titled `<script>alert(1)</script>`
/// is not a valid MediaWiki title (`<` and `>` are forbidden), so the build
/// skips it; `Quote "onmouseover=…` is valid and carries quotes and
/// apostrophes into attributes, and its lead carries the markup.
const HOSTILE_WIKI: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Hostile &lt;b&gt;Wiki&lt;/b&gt;</sitename>
    <base>https://hostile.example.org/wiki/Main_Page</base>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
  <page>
    <title>&lt;script&gt;alert(1)&lt;/script&gt;</title>
    <ns>0</ns>
    <id>1</id>
    <revision>
      <id>101</id>
      <timestamp>2026-01-02T09:07:00Z</timestamp>
      <text xml:space="preserve">'''Script''' is a page whose lead holds &lt;img src=x onerror=alert(1)&gt; in 1999, and links to [[Harmless page]].</text>
    </revision>
  </page>
  <page>
    <title>Quote "onmouseover=alert(1) x='y' &amp; co</title>
    <ns>0</ns>
    <id>3</id>
    <revision>
      <id>103</id>
      <timestamp>2026-01-02T09:07:00Z</timestamp>
      <text xml:space="preserve">'''Quote''' holds &lt;img src=x onerror=alert(1)&gt; and &amp;lt;script&amp;gt;alert(5)&amp;lt;/script&amp;gt; in 1999, and links to [[Harmless page|the &lt;b&gt;harmless&lt;/b&gt; page]]. &lt;script&gt;alert(6)&lt;/script&gt; It says "quotes" &amp; 'apostrophes'.

[[Category:Evil "cat" &amp; more]]</text>
    </revision>
  </page>
  <page>
    <title>Harmless page</title>
    <ns>0</ns>
    <id>2</id>
    <revision>
      <id>102</id>
      <timestamp>2026-01-02T09:07:00Z</timestamp>
      <text xml:space="preserve">A harmless page about &lt;img src=x onerror=alert(1)&gt; that links back to [[Quote "onmouseover=alert(1) x='y' &amp; co|the quote page]] in 2001.</text>
    </revision>
  </page>
</mediawiki>
"#;

const HOSTILE_CONCEPTS: &str = r#"{"title": "<script>alert(1)</script>", "text": "x", "summary": "The page <img src=x onerror=alert(1)> about scripts in 1999.", "links": ["Harmless page"], "categories": ["<b>bold</b>"]}
"#;

pub(crate) fn hostile_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = scratch("hostile-wiki");
            std::fs::create_dir_all(&out).unwrap();
            let xml = out.with_extension("xml");
            std::fs::write(&xml, HOSTILE_WIKI).unwrap();
            // MediaWiki forbids `<` and `>` in titles, so the page titled
            // `<script>alert(1)</script>` comes from concepts JSONL, which
            // is not bound by MediaWiki's rules.
            let jsonl = out.with_extension("jsonl");
            std::fs::write(&jsonl, HOSTILE_CONCEPTS).unwrap();
            build_from(vec![Source::Dump(xml), Source::Concepts(jsonl)], &out);
            Arc::new(Engine::open(&out).expect("open the hostile snapshot"))
        })
        .clone()
}

// ------------------------------------------------------------------ client

#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub(crate) async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 16 << 20).await.unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(crate) async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub(crate) async fn post(
    app: &Router,
    uri: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> Reply {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    send(app, request).await
}

pub(crate) async fn post_json(app: &Router, uri: &str, body: &Value) -> Reply {
    post(app, uri, "application/json", body.to_string()).await
}

/// A form-urlencoded body.
pub(crate) fn form(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

pub(crate) fn assert_json_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        reply.content_type().starts_with("application/json"),
        "{}",
        reply.content_type()
    );
    let v = reply.json();
    assert_eq!(v["error"]["code"], code, "{}", reply.body);
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        reply.body
    );
}

pub(crate) fn id_of(title: &str) -> u32 {
    tiny_engine()
        .find_title(title)
        .unwrap_or_else(|| panic!("no concept {title}"))
}

// ------------------------------------------------------------------ wikify

/// Text that mentions concepts of the example wiki, after characters of
/// two, three and four UTF-8 bytes (so code points, UTF-16 units and bytes
/// all differ).
pub(crate) const WIKIFY_TEXT: &str = "Über den Sée — 🌊 the ferry from Merrowby crosses Lake Tessel to \
     Kettle Island;\nIda Varrow designed the lighthouse.";

/// The example wiki with its mention dictionary emptied, as a snapshot
/// built before concept detection existed would be.
fn engine_without_dictionary() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = scratch("no-dictionary");
            build_snapshot(&examples_dir().join("tiny-wiki.xml"), &out);
            let current = std::fs::read_to_string(out.join("CURRENT")).unwrap();
            std::fs::write(out.join(current.trim()).join("mentions.dict"), b"").unwrap();
            let engine = Engine::open(&out).expect("open the snapshot without dictionary");
            assert!(!engine.can_wikify());
            Arc::new(engine)
        })
        .clone()
}

pub(crate) fn app_without_dictionary() -> Router {
    app(engine_without_dictionary(), ServerConfig::default())
}

pub(crate) fn app_with(engine: Arc<Engine>) -> Router {
    app(engine, ServerConfig::default())
}

// ----------------------------------------------------------------- records

/// The token of the apps that take record writes.
pub(crate) const TOKEN: &str = "s3cret-token";

/// A hostile record's title, text and field.
pub(crate) const EVIL: &str = "<script>alert(\"r\")</script> & 'co'";

/// Records about the example wiki (invented here): a course taught by a
/// person (whose id has a comma and spaces) and by someone absent from the
/// records, the person a member of a unit, a second course and a
/// publication by the same person, and a hostile course.
fn records_jsonl() -> String {
    let lines = [
        serde_json::json!({
            "type": "course", "id": "GEO-210(b)", "title": "Shorelines of the north",
            "text": "A walking seminar along Lake Tessel and the Tessel River, from the Merrowby \
                     Lighthouse to Kettle Island, with a crossing on the Merrowby Ferry.",
            "url": "https://courses.example.edu/GEO-210b", "lang": "en",
            "fields": {"credits": 3, "semester": "spring", "tags": ["field work", "water"], "note": "",
                       "course_code": "GEO-210"},
            "links": [
                {"rel": "taught_by", "type": "person", "id": "brandt, helga m."},
                {"rel": "taught_by", "type": "person", "id": "999999"}
            ]
        }),
        serde_json::json!({
            "type": "person", "id": "brandt, helga m.", "title": "Helga M. Brandt", "text": "",
            "fields": {"position": "Lecturer"},
            "links": [{"rel": "member_of", "type": "unit", "id": "SHORE"}]
        }),
        serde_json::json!({
            "type": "unit", "id": "SHORE", "title": "Shoreline Studies Group",
            "text": "Studies Lake Tessel and the harbour of Merrowby."
        }),
        serde_json::json!({
            "type": "course", "id": "HIST-150", "title": "Lanterns and ledgers",
            "text": "The Merrowby Lantern Festival and the Market Hall seen through the town \
                     ledgers kept at the Merrowby Public Library.",
            "links": [{"rel": "taught_by", "type": "person", "id": "brandt, helga m."}]
        }),
        serde_json::json!({
            "type": "publication", "id": "2026-001", "title": "Ferry logs of a cold lake",
            "text": "Reading the winter logs of the Merrowby Ferry on Lake Tessel.",
            "fields": {"year": 2026},
            "links": [{"rel": "authored_by", "type": "person", "id": "brandt, helga m."}]
        }),
        serde_json::json!({
            "type": "course", "id": "XSS-1", "title": EVIL,
            "text": format!("{EVIL} on Lake Tessel <img src=x onerror=alert(1)> \"quoted\""),
            "url": "javascript:alert(9)",
            "fields": {"<b>f</b>": EVIL},
            "links": [{"rel": "x<y", "type": "person", "id": "brandt, helga m."}]
        }),
    ];
    lines
        .iter()
        .filter(|l| l["links"][0]["rel"] != "x<y")
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + &{
            // `x<y` is not a valid relation name: the hostile record links
            // nowhere, its markup is in its title, text, url and field.
            let mut hostile = lines[5].clone();
            hostile.as_object_mut().unwrap().remove("links");
            format!("{hostile}\n")
        }
}

/// Builds the example wiki with [`records_jsonl`] into a fresh folder
/// `name` (any live records store of an earlier run removed).
fn build_records_snapshot(name: &str) -> PathBuf {
    let out = scratch(name);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let records = out.with_extension("records.jsonl");
    std::fs::write(&records, records_jsonl()).unwrap();
    build_with(
        vec![Source::Dump(examples_dir().join("tiny-wiki.xml"))],
        vec![records],
        vec![examples_dir().join("tiny-ontology.jsonl")],
        &out,
    );
    out
}

/// The example wiki with records, read-only, built once per test run.
pub(crate) fn records_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = build_records_snapshot("records");
            Arc::new(Engine::open(&out).expect("open the records snapshot"))
        })
        .clone()
}

pub(crate) fn records_app() -> Router {
    app(records_engine(), ServerConfig::default())
}

/// A writable engine on a snapshot folder of its own (one writer per
/// folder), and an app that takes writes with [`TOKEN`].
pub(crate) fn writable_app(name: &str) -> (Arc<Engine>, Router) {
    let out = build_records_snapshot(name);
    let engine = Arc::new(Engine::open_writable(&out).expect("open the records snapshot writable"));
    let config = ServerConfig {
        api_token: Some(TOKEN.to_owned()),
        ..ServerConfig::default()
    };
    (Arc::clone(&engine), app(engine, config))
}

pub(crate) fn concept_id(engine: &Engine, title: &str) -> u32 {
    engine
        .find_title(title)
        .unwrap_or_else(|| panic!("no concept {title}"))
}

/// A write request with `Authorization: Bearer {token}` when given.
pub(crate) fn write_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(body.into()).unwrap()
}

pub(crate) async fn put_record(
    app: &Router,
    uri: &str,
    token: Option<&str>,
    body: &Value,
) -> Reply {
    send(app, write_request("PUT", uri, token, body.to_string())).await
}

pub(crate) async fn delete_record(app: &Router, uri: &str, token: Option<&str>) -> Reply {
    send(app, write_request("DELETE", uri, token, Body::empty())).await
}

/// The relations of a record's JSON as `(direction, rel, type, id, exists)`.
pub(crate) fn relations_of(record: &Value) -> BTreeSet<(String, String, String, String, bool)> {
    record["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["direction"].as_str().unwrap().to_owned(),
                r["rel"].as_str().unwrap().to_owned(),
                r["type"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
                r["exists"].as_bool().unwrap(),
            )
        })
        .collect()
}

pub(crate) fn relation(
    direction: &str,
    rel: &str,
    kind: &str,
    id: &str,
    exists: bool,
) -> (String, String, String, String, bool) {
    (direction.into(), rel.into(), kind.into(), id.into(), exists)
}

/// `text` escaped as the pages escape text and attribute values.
pub(crate) fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
