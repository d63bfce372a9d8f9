//! The HTTP layer end to end, in process: snapshots built from small wikis,
//! requests sent to the router with `tower::ServiceExt::oneshot` (and a few
//! over a real socket).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use kenning_build::{BuildOptions, BuildProgress, Source};
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};
use serde_json::Value;
use tower::ServiceExt;

// ---------------------------------------------------------------- fixtures

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Builds a snapshot of `xml` into `out` (replacing what is there).
fn build_snapshot(xml: &Path, out: &Path) {
    build_from(vec![Source::Dump(xml.to_owned())], out);
}

fn build_from(sources: Vec<Source>, out: &Path) {
    build_with_records(sources, Vec::new(), out);
}

fn build_with_records(sources: Vec<Source>, records: Vec<PathBuf>, out: &Path) {
    let options = BuildOptions {
        out: out.to_owned(),
        sources,
        threads: 1,
        records,
        holdout_percent: 0,
    };
    kenning_build::build(&options, &Arc::new(BuildProgress::default()))
        .expect("build the test snapshot");
}

/// A snapshot folder under Cargo's per-test-binary scratch folder (kept
/// between runs, rebuilt once per run; nothing left in the system temp).
fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kenning-server-{name}"))
}

/// The engine over the example wiki, built once per test run.
fn tiny_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = scratch("tiny-wiki");
            build_snapshot(&examples_dir().join("tiny-wiki.xml"), &out);
            Arc::new(Engine::open(&out).expect("open the test snapshot"))
        })
        .clone()
}

fn tiny_app() -> Router {
    app(tiny_engine(), ServerConfig::default())
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

fn hostile_engine() -> Arc<Engine> {
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
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
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

async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn assert_json_error(reply: &Reply, status: StatusCode, code: &str) {
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

fn id_of(title: &str) -> u32 {
    tiny_engine()
        .find_title(title)
        .unwrap_or_else(|| panic!("no concept {title}"))
}

// ------------------------------------------------------------------- tests

#[tokio::test]
async fn every_route_answers_with_its_status_and_content_type() {
    let app = tiny_app();
    let merrowby = id_of("Merrowby");
    let cases: Vec<(String, StatusCode, &str)> = vec![
        ("/".into(), StatusCode::OK, "text/html"),
        ("/search?q=merrowby".into(), StatusCode::OK, "text/html"),
        ("/search".into(), StatusCode::OK, "text/html"),
        (format!("/concept/{merrowby}"), StatusCode::OK, "text/html"),
        ("/concept/999999".into(), StatusCode::NOT_FOUND, "text/html"),
        ("/concept/abc".into(), StatusCode::BAD_REQUEST, "text/html"),
        ("/wiki/Merrowby".into(), StatusCode::FOUND, ""),
        (
            "/wiki/No_such_page".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (
            "/api/v1/search?q=lake".into(),
            StatusCode::OK,
            "application/json",
        ),
        (
            "/api/v1/suggest?q=mer".into(),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/concepts/{merrowby}"),
            StatusCode::OK,
            "application/json",
        ),
        (
            "/api/v1/concepts?title=Merrowby".into(),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/concepts/{merrowby}/related"),
            StatusCode::OK,
            "application/json",
        ),
        (
            "/api/openapi.json".into(),
            StatusCode::OK,
            "application/json",
        ),
        ("/healthz".into(), StatusCode::OK, "application/json"),
        ("/metrics".into(), StatusCode::OK, "text/plain"),
        ("/static/style.css".into(), StatusCode::OK, "text/css"),
        (
            "/static/search.js".into(),
            StatusCode::OK,
            "text/javascript",
        ),
        (
            "/static/favicon.svg".into(),
            StatusCode::OK,
            "image/svg+xml",
        ),
        (
            "/static/nothing.css".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        ("/no/such/page".into(), StatusCode::NOT_FOUND, "text/html"),
        (
            "/api/v1/nothing".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
    ];
    for (uri, status, content_type) in cases {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, status, "{uri}: {}", reply.body);
        assert!(
            reply.content_type().starts_with(content_type),
            "{uri}: {}",
            reply.content_type()
        );
    }

    let health = get(&app, "/healthz").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["stats"]["concepts"], 13);

    // HEAD works wherever GET does; other methods are refused in the right format.
    let head = send(&app, Request::head("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(head.status, StatusCode::OK);
    let post = send(
        &app,
        Request::post("/api/v1/search?q=x")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_json_error(&post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let post = send(&app, Request::post("/").body(Body::empty()).unwrap()).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(post.content_type().starts_with("text/html"));
}

#[tokio::test]
async fn concept_page_shows_what_the_seed_shows_and_more() {
    let app = tiny_app();
    let id = id_of("Merrowby");
    let page = get(&app, &format!("/concept/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    for needle in [
        "<p class=\"type-label\">Concept</p>",
        "<h1>Merrowby</h1>",
        "<h2>Summary</h2>",
        "Merrowby is a small town on the northern shore of",
        "<h2>Timeline</h2>",
        "<span class=\"year\">1871</span>",
        "<h2>Related concepts</h2>",
        "<meter",
        "<h2>What links here</h2>",
        "<h2>Categories</h2>",
        "<h2>Source</h2>",
        "href=\"https://wiki.example.org/wiki/Merrowby\"",
        "<time datetime=\"2026-01-02T09:07:00Z\">2026-01-02 09:07 UTC</time>",
        "<h2>About this result</h2>",
        "This page is automatically generated and may contain information that is not correct, complete, \
         up-to-date, or relevant to your search query. The same applies to every other page on this website.",
        "Generated automatically from the source:",
        "id=\"institution-sections\"",
    ] {
        assert!(html.contains(needle), "missing {needle:?} in\n{html}");
    }
    // The default notice names no institution.
    assert!(!html.contains("official sources"));
    // Years appear in chronological order in the timeline.
    let timeline = &html
        [html.find("<h2>Timeline</h2>").unwrap()..html.find("<h2>Related concepts</h2>").unwrap()];
    assert!(
        timeline.contains("in 1887 the town received its charter"),
        "{timeline}"
    );
    let years: Vec<usize> = ["1642", "1871", "1903", "1911"]
        .iter()
        .map(|y| timeline.find(y).unwrap())
        .collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]), "{timeline}");

    // Summary links go to other concept pages.
    let summary =
        &html[html.find("<h2>Summary</h2>").unwrap()..html.find("<h2>Timeline</h2>").unwrap()];
    let lake = id_of("Lake Tessel");
    assert!(
        summary.contains(&format!(
            "<a href=\"/concept/{lake}\" title=\"Lake Tessel\">Lake Tessel</a>"
        )),
        "{summary}"
    );
    let station = id_of("Merrowby railway station");
    assert!(summary.contains(&format!(
        "<a href=\"/concept/{station}\" title=\"Merrowby railway station\">railway</a>"
    )));
    assert!(
        summary.matches("<p>").count() >= 3,
        "three paragraphs: {summary}"
    );

    // Related concepts link to their pages, at most ten.
    let concept = tiny_engine().concept(id).unwrap();
    assert!(!concept.related.is_empty());
    let related = &html[html.find("<h2>Related concepts</h2>").unwrap()
        ..html.find("<h2>What links here</h2>").unwrap()];
    assert!(related.contains(&format!("<a href=\"/concept/{}\">", concept.related[0].id)));
    assert!(related.matches("<li>").count() <= 10);

    // Works without JavaScript: no inline script or style at all.
    assert!(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style"));
    assert!(html.contains("<script src=\"/static/search.js\" defer></script>"));
}

#[tokio::test]
async fn notice_names_the_institution_or_is_replaced() {
    let id = id_of("Merrowby");
    let epfl = app(
        tiny_engine(),
        ServerConfig {
            institution: Some("EPFL & Co".into()),
            notice: None,
            ..Default::default()
        },
    );
    let html = get(&epfl, &format!("/concept/{id}")).await.body;
    assert!(html.contains("The same applies to every other page on this website. Please make sure to verify the information with EPFL &amp; Co&#39;s official sources."), "{html}");

    let custom = app(
        tiny_engine(),
        ServerConfig {
            institution: Some("EPFL".into()),
            notice: Some("Check <everything>.".into()),
            ..Default::default()
        },
    );
    let html = get(&custom, &format!("/concept/{id}")).await.body;
    assert!(html.contains("<p>Check &lt;everything&gt;.</p>"));
    assert!(!html.contains("automatically generated and may contain"));
}

#[tokio::test]
async fn wiki_titles_redirect_to_concept_pages() {
    let app = tiny_app();
    let station = id_of("Merrowby railway station");
    for title in [
        "Merrowby_Halt",
        "Merrowby%20Station",
        "merrowby_railway_station",
    ] {
        let reply = get(&app, &format!("/wiki/{title}")).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{title}");
        assert_eq!(
            reply.header("location"),
            format!("/concept/{station}"),
            "{title}"
        );
    }
    let market = id_of("Market Hall (Merrowby)");
    let reply = get(&app, "/wiki/Market_Hall_(Merrowby)").await;
    assert_eq!(reply.header("location"), format!("/concept/{market}"));

    let missing = get(&app, "/wiki/Tessel_Canal").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("No concept is titled “Tessel Canal”"));
    assert!(missing.body.contains("href=\"/search?q=Tessel%20Canal\""));
}

#[tokio::test]
async fn concepts_api() {
    let app = tiny_app();
    let id = id_of("Merrowby");
    let by_id = get(&app, &format!("/api/v1/concepts/{id}")).await.json();
    assert_eq!(by_id["id"], id);
    assert_eq!(by_id["title"], "Merrowby");
    assert_eq!(by_id["url"], "https://wiki.example.org/wiki/Merrowby");
    let timeline = by_id["timeline"].as_array().unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e["text"].as_str().unwrap().contains("1887")),
        "{timeline:?}"
    );
    assert!(
        timeline
            .iter()
            .all(|e| e["year"].is_i64() && e["text"].is_string())
    );
    assert_eq!(by_id["page_url"], format!("/concept/{id}"));

    let by_title = get(&app, "/api/v1/concepts?title=merrowby").await;
    assert_eq!(by_title.status, StatusCode::OK);
    assert_eq!(by_title.json(), by_id);
    let station = get(&app, "/api/v1/concepts?title=Merrowby_Halt")
        .await
        .json();
    assert_eq!(station["title"], "Merrowby railway station");

    let related = get(&app, &format!("/api/v1/concepts/{id}/related"))
        .await
        .json();
    let items = related["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(items, by_id["related"].as_array().unwrap());
    for item in items {
        assert!(item["id"].is_u64() && item["title"].is_string() && item["score"].is_number());
    }

    assert_json_error(
        &get(&app, "/api/v1/concepts/999999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts/abc").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts/-1").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts/abc/related").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts/999999/related").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts?title=Tessel+Canal").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn search_api_and_result_page() {
    let app = tiny_app();
    let reply = get(&app, "/api/v1/search?q=merrowby&limit=5").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let v = reply.json();
    assert_eq!(v["query"], "merrowby");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() <= 5);
    assert!(v["total"].as_u64().unwrap() >= items.len() as u64);
    let first = &items[0];
    assert_eq!(first["type"], "concept");
    assert_eq!(first["title"], "Merrowby");
    assert_eq!(first["id"], id_of("Merrowby").to_string());
    assert_eq!(first["url"], format!("/concept/{}", id_of("Merrowby")));
    for item in items {
        assert!(item["id"].is_string() && item["snippet"].is_string() && item["score"].is_number());
    }

    // Limits: limit clamped, deep offsets and long queries refused.
    let clamped = get(&app, "/api/v1/search?q=lake&limit=100000").await;
    assert_eq!(clamped.status, StatusCode::OK);
    assert!(clamped.json()["items"].as_array().unwrap().len() <= 100);
    let long = format!("/api/v1/search?q={}", "a".repeat(513));
    assert_json_error(
        &get(&app, &long).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_eq!(
        get(&app, &format!("/api/v1/search?q={}", "a".repeat(512)))
            .await
            .status,
        StatusCode::OK
    );
    assert_json_error(
        &get(&app, "/api/v1/search?q=x&offset=10001").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/search?q=x&limit=ten").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/search").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/search?q=x&types=%3Cb%3E").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let empty = get(&app, "/api/v1/search?q=").await.json();
    assert_eq!(empty["total"], 0);

    // Type filter: only concepts exist, so an unknown type finds nothing.
    let concepts = get(&app, "/api/v1/search?q=lake&types=concept")
        .await
        .json();
    assert!(concepts["total"].as_u64().unwrap() > 0);
    let courses = get(&app, "/api/v1/search?q=lake&types=course").await.json();
    assert_eq!(courses["total"], 0, "{courses}");

    // The result page: highlighted snippets, type filter, pagination.
    let page = get(&app, "/search?q=merrowby").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<mark>"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "<a href=\"/concept/{}\">Merrowby</a>",
        id_of("Merrowby")
    )));
    assert!(page.body.contains("class=\"type-filter\""));
    assert!(page.body.contains("value=\"merrowby\""));
    let total = get(&app, "/api/v1/search?q=merrowby").await.json()["total"]
        .as_u64()
        .unwrap();
    if total > 10 {
        assert!(page.body.contains("rel=\"next\""));
        let second = get(&app, "/search?q=merrowby&page=2").await;
        assert!(
            second.body.contains("rel=\"prev\"")
                && second.body.contains("<ol class=\"results\" start=\"11\">")
        );
    }
    let beyond = get(&app, "/search?q=merrowby&page=900").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.body.contains("No more results"));
    assert_eq!(
        get(&app, "/search?q=x&page=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/search?q=x&page=99999").await.status,
        StatusCode::BAD_REQUEST
    );
    let nothing = get(&app, "/search?q=zzzzqqqq").await;
    assert!(
        nothing.body.contains("No results for “zzzzqqqq”"),
        "{}",
        nothing.body
    );
}

#[tokio::test]
async fn suggestions_for_search_as_you_type() {
    let app = tiny_app();
    let v = get(&app, "/api/v1/suggest?q=merr&limit=3").await.json();
    assert_eq!(v["query"], "merr");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() <= 3, "{v}");
    assert!(
        items
            .iter()
            .all(|i| i["title"].as_str().unwrap().starts_with("Merrowby")),
        "{v}"
    );
    let empty = get(&app, "/api/v1/suggest?q=").await.json();
    assert_eq!(empty["items"], Value::Array(Vec::new()));
    assert_json_error(
        &get(&app, "/api/v1/suggest").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );

    // The home page has the box the script enhances, and works without it.
    let home = get(&app, "/").await.body;
    assert!(
        home.contains("action=\"/search\"")
            && home.contains("name=\"q\"")
            && home.contains("data-suggest")
    );
    assert!(home.contains("13</span> <span class=\"what\">concepts"));
    let script = get(&app, "/static/search.js").await.body;
    assert!(
        script.contains("/api/v1/suggest")
            && script.contains("ArrowDown")
            && !script.contains("innerHTML")
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = tiny_app();
    let id = id_of("Lake Tessel");
    for _ in 0..3 {
        get(&app, &format!("/concept/{id}")).await;
    }
    get(&app, "/concept/999999").await;
    get(&app, "/nowhere").await;
    let metrics = get(&app, "/metrics").await;
    assert!(metrics.content_type().starts_with("text/plain"));
    let text = &metrics.body;
    for line in [
        "kenning_http_requests_total{route=\"/concept/{id}\",status=\"200\"} 3",
        "kenning_http_requests_total{route=\"/concept/{id}\",status=\"404\"} 1",
        "kenning_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
        "kenning_http_request_duration_seconds_bucket{route=\"/concept/{id}\",le=\"+Inf\"} 4",
        "kenning_http_request_duration_seconds_count{route=\"/concept/{id}\"} 4",
        "kenning_http_request_duration_seconds_count{route=\"/api/v1/search\"} 0",
        "# TYPE kenning_http_request_duration_seconds histogram",
        "kenning_snapshot_concepts 13",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    // Every sample line is `name{labels} number` or `name number`.
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let value = l.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{l}");
    }
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = tiny_app();
    let id = id_of("Merrowby");
    for uri in [
        "/".to_owned(),
        format!("/concept/{id}"),
        "/concept/abc".into(),
        "/wiki/Merrowby".into(),
        "/api/v1/concepts/1".into(),
        "/api/v1/nothing".into(),
        "/static/style.css".into(),
        "/static/../Cargo.toml".into(),
        "/metrics".into(),
        "/wikify".into(),
        "/api/v1/wikify".into(),
    ] {
        let reply = get(&app, &uri).await;
        assert_eq!(
            reply.header("content-security-policy"),
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            "{uri}"
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(reply.header("referrer-policy"), "no-referrer", "{uri}");
    }
}

#[tokio::test]
async fn static_files_cannot_be_escaped() {
    let app = tiny_app();
    for uri in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/static/%2fetc%2fpasswd",
        "/static/style.css/..",
        "/static/",
        "/static/.",
        "/static/STYLE.CSS",
        "/static/%ff",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!reply.body.contains("[package]"), "{uri}");
    }
    let css = get(&app, "/static/style.css").await;
    assert!(css.body.contains("--measure") && css.header("cache-control").contains("max-age"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = tiny_app();
    let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
    let request = Request::get("/api/v1/search?q=x")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    assert_json_error(
        &send(&app, request).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    let request = Request::get("/")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.content_type().starts_with("text/html"));
    let small = Request::get("/api/v1/search?q=x")
        .body(Body::from(vec![b'x'; 1000]))
        .unwrap();
    assert_eq!(send(&app, small).await.status, StatusCode::OK);
}

#[tokio::test]
async fn strings_from_the_dump_and_the_request_are_escaped() {
    let engine = hostile_engine();
    let app = app(Arc::clone(&engine), ServerConfig::default());
    let script_id = engine
        .find_title("<script>alert(1)</script>")
        .expect("the <script> page from JSONL");
    let script = engine.concept(script_id).unwrap();
    assert!(script.summary.contains("<img src=x onerror=alert(1)>"));
    let quote_id = engine
        .find_title("Quote \"onmouseover=alert(1) x='y' & co")
        .expect("the quote page");
    let harmless_id = engine.find_title("Harmless page").unwrap();
    let quote = engine.concept(quote_id).unwrap();
    // The dump's markup really reaches the pages (else this test proves nothing).
    assert!(
        quote.summary.contains("<img src=x onerror=alert(1)>"),
        "{}",
        quote.summary
    );
    assert!(
        quote.summary.contains("<script>alert(6)</script>"),
        "{}",
        quote.summary
    );

    // Markup that must never appear as such, and attribute break-outs.
    let dangerous = ["<script", "<img", "<svg", "<b>", "\"onmouseover", "x='y'"];
    let uris = [
        "/".to_owned(),
        format!("/concept/{quote_id}"),
        format!("/concept/{harmless_id}"),
        format!("/concept/{script_id}"),
        "/search?q=script".into(),
        "/search?q=quote".into(),
        "/search?q=harmless".into(),
        "/search?q=img".into(),
        "/search?q=alert".into(),
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E".into(),
        "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&types=concept".into(),
        "/search?q=x%27y%27&types=concept&page=2".into(),
        "/search?q=x&types=%3Cscript%3E".into(),
        "/wiki/%22onmouseover=alert(1)%20x='y'%3Cimg%20src=x%20onerror=alert(1)%3E".into(),
        "/concept/%3Cimg%20src=x%20onerror=alert(1)%3E".into(),
        "/concept/%22onmouseover=alert(1)%20x='y'".into(),
        "/static/%3Cscript%3E".into(),
        "/nowhere/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
    ];
    for uri in &uris {
        let reply = get(&app, uri).await;
        assert!(
            reply.content_type().starts_with("text/html"),
            "{uri}: {}",
            reply.content_type()
        );
        // The only script element is the page's own.
        let body = reply
            .body
            .replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in dangerous {
            assert!(
                !body.contains(needle),
                "{uri} holds {needle:?} unescaped:\n{body}"
            );
        }
    }

    // The page titled `<script>…` is reachable by its title, and its title
    // is shown escaped.
    let reply = get(&app, "/wiki/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(
        reply.headers[header::LOCATION],
        format!("/concept/{script_id}").as_str()
    );
    let page = get(&app, &format!("/concept/{script_id}")).await.body;
    assert!(
        page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{page}"
    );

    let page = get(&app, &format!("/concept/{quote_id}")).await.body;
    let escaped_title = "Quote &quot;onmouseover=alert(1) x=&#39;y&#39; &amp; co";
    assert!(
        page.contains(&format!("<h1>{escaped_title}</h1>")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<title>{escaped_title} · kenning</title>")),
        "{page}"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(6)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&quot;quotes&quot; &amp; &#39;apostrophes&#39;"),
        "{page}"
    );
    assert!(
        page.contains("<li>Evil &quot;cat&quot; &amp; more</li>"),
        "{page}"
    );
    let harmless = get(&app, &format!("/concept/{harmless_id}")).await.body;
    assert!(
        harmless.contains(&format!(
            "<a href=\"/concept/{quote_id}\" title=\"{escaped_title}\">"
        )),
        "{harmless}"
    );
    let results = get(&app, "/search?q=quote").await.body;
    assert!(
        results.contains(&format!("{escaped_title}</a>")),
        "{results}"
    );
    assert!(
        get(&app, "/")
            .await
            .body
            .contains("Hostile &lt;b&gt;Wiki&lt;/b&gt;")
    );
}

#[tokio::test]
async fn openapi_document_matches_every_response() {
    let app = tiny_app();
    let spec: Value = get(&app, "/api/openapi.json").await.json();
    assert_eq!(
        spec["openapi"].as_str().unwrap().split('.').next(),
        Some("3")
    );
    let id = id_of("Merrowby");

    // (path template, request, expected status)
    let long_query = "q".repeat(513);
    let requests: Vec<(&str, String, u16)> = vec![
        ("/api/v1/search", "/api/v1/search?q=merrowby".into(), 200),
        (
            "/api/v1/search",
            "/api/v1/search?q=lake+tesel&limit=1000&offset=1".into(),
            200,
        ),
        ("/api/v1/search", "/api/v1/search?q=".into(), 200),
        ("/api/v1/search", "/api/v1/search".into(), 400),
        (
            "/api/v1/search",
            format!("/api/v1/search?q={long_query}"),
            400,
        ),
        (
            "/api/v1/search",
            "/api/v1/search?q=x&offset=10001".into(),
            400,
        ),
        ("/api/v1/suggest", "/api/v1/suggest?q=merr".into(), 200),
        ("/api/v1/suggest", "/api/v1/suggest?q=".into(), 200),
        ("/api/v1/suggest", "/api/v1/suggest?q=x&limit=x".into(), 400),
        (
            "/api/v1/concepts",
            "/api/v1/concepts?title=merrowby".into(),
            200,
        ),
        (
            "/api/v1/concepts",
            "/api/v1/concepts?title=Nowhere".into(),
            404,
        ),
        ("/api/v1/concepts", "/api/v1/concepts".into(), 400),
        (
            "/api/v1/concepts/{id}",
            format!("/api/v1/concepts/{id}"),
            200,
        ),
        (
            "/api/v1/concepts/{id}",
            "/api/v1/concepts/999999".into(),
            404,
        ),
        ("/api/v1/concepts/{id}", "/api/v1/concepts/abc".into(), 400),
        (
            "/api/v1/concepts/{id}/related",
            format!("/api/v1/concepts/{id}/related"),
            200,
        ),
        (
            "/api/v1/concepts/{id}/related",
            "/api/v1/concepts/999999/related".into(),
            404,
        ),
        (
            "/api/v1/concepts/{id}/related",
            "/api/v1/concepts/x/related".into(),
            400,
        ),
        ("/api/openapi.json", "/api/openapi.json".into(), 200),
        ("/healthz", "/healthz".into(), 200),
        ("/metrics", "/metrics".into(), 200),
        ("/", "/".into(), 200),
        ("/wikify", "/wikify".into(), 200),
        ("/search", "/search?q=lake&types=concept&page=1".into(), 200),
        ("/search", "/search?page=0".into(), 400),
        ("/concept/{id}", format!("/concept/{id}"), 200),
        ("/concept/{id}", "/concept/999999".into(), 404),
        ("/concept/{id}", "/concept/x".into(), 400),
        ("/wiki/{title}", "/wiki/Merrowby_Halt".into(), 302),
        ("/wiki/{title}", "/wiki/Nowhere".into(), 404),
        ("/wiki/{title}", format!("/wiki/{long_query}"), 400),
        ("/static/{file}", "/static/style.css".into(), 200),
        ("/static/{file}", "/static/search.js".into(), 200),
        ("/static/{file}", "/static/favicon.svg".into(), 200),
        ("/static/{file}", "/static/x.txt".into(), 404),
    ];

    let mut exercised: BTreeSet<(String, &str, String)> = BTreeSet::new();
    for (template, uri, expected) in &requests {
        let reply = get(&app, uri).await;
        check_documented(&spec, template, "get", uri, &reply, *expected);
        exercised.insert(((*template).to_owned(), "get", expected.to_string()));
    }

    // Requests with a body: (app, path, content type, body, expected status).
    // Their bodies must match the documented request schema too.
    let no_dictionary = app_without_dictionary();
    let json = "application/json";
    let form_type = "application/x-www-form-urlencoded";
    let too_long = "x".repeat(kenning_engine::MAX_WIKIFY_BYTES + 1);
    let posts: Vec<(&Router, &str, &str, String, u16)> = vec![
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": WIKIFY_TEXT }).to_string(),
            200,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "Ida Varrow and Lake Tessel", "min_score": 0, "prior_only": true })
                .to_string(),
            200,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "" }).to_string(),
            200,
        ),
        (&app, "/api/v1/wikify", json, "{".to_owned(), 400),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "x", "min_score": 2 }).to_string(),
            400,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": too_long }).to_string(),
            413,
        ),
        (
            &no_dictionary,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "Lake Tessel" }).to_string(),
            503,
        ),
        (&app, "/wikify", form_type, form(&[("text", WIKIFY_TEXT)]), 200),
        (
            &app,
            "/wikify",
            form_type,
            form(&[("text", "x"), ("min_score", "x")]),
            400,
        ),
        (&app, "/wikify", form_type, form(&[("text", &too_long)]), 413),
        (
            &no_dictionary,
            "/wikify",
            form_type,
            form(&[("text", "Lake Tessel")]),
            503,
        ),
    ];
    for (app, path, content_type, body, expected) in posts {
        let reply = post(app, path, content_type, body.clone()).await;
        check_documented(&spec, path, "post", path, &reply, expected);
        exercised.insert((path.to_owned(), "post", expected.to_string()));
        let request_body = resolve(&spec, &spec["paths"][path]["post"]["requestBody"]);
        let media = &request_body["content"][content_type];
        assert!(
            media.is_object(),
            "{path}: {content_type} is not documented"
        );
        if expected == 200 {
            let sent: Value = if content_type == json {
                serde_json::from_str(&body).unwrap()
            } else {
                form_urlencoded::parse(body.as_bytes())
                    .map(|(k, v)| (k.into_owned(), Value::from(v.into_owned())))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            let errors = validate(&spec, &media["schema"], &sent, "$");
            assert!(
                errors.is_empty(),
                "{path}: {body} does not match: {errors:?}"
            );
        }
    }
    // Bodies over the limit, on every JSON route that documents a 413.
    for (template, uri, expected) in &requests {
        let documented = &spec["paths"][*template]["get"]["responses"]["413"];
        if *expected != 200 || !documented.is_object() {
            continue;
        }
        let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
        let request = Request::get(uri.as_str())
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big))
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        let schema = &resolve(&spec, documented)["content"]["application/json"]["schema"];
        assert!(
            validate(&spec, schema, &reply.json(), "$").is_empty(),
            "{uri}"
        );
        exercised.insert(((*template).to_owned(), "get", "413".to_owned()));
    }

    // Records: pages and JSON over a snapshot with records, writes on a
    // writable copy of it.
    let records = records_app();
    let lake = concept_id(&records_engine(), "Lake Tessel");
    let record_gets: Vec<(&str, String, u16)> = vec![
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/GEO-210(b)".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/person/brandt,%20helga%20m.".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/XSS-1".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/NOPE".into(),
            404,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/%FF".into(),
            400,
        ),
        ("/{type}/{id}", "/course/GEO-210(b)".into(), 200),
        ("/{type}/{id}", "/course/NOPE".into(), 404),
        ("/{type}/{id}", "/course/%FF".into(), 400),
        (
            "/api/v1/concepts/{id}",
            format!("/api/v1/concepts/{lake}"),
            200,
        ),
        ("/healthz", "/healthz".into(), 200),
    ];
    for (template, uri, expected) in &record_gets {
        let reply = get(&records, uri).await;
        check_documented(&spec, template, "get", uri, &reply, *expected);
        exercised.insert(((*template).to_owned(), "get", expected.to_string()));
    }
    let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
    let request = Request::get("/api/v1/records/course/GEO-210(b)")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let reply = send(&records, request).await;
    check_documented(
        &spec,
        "/api/v1/records/{type}/{id}",
        "get",
        "/api/v1/records/course/GEO-210(b)",
        &reply,
        413,
    );
    exercised.insert((
        "/api/v1/records/{type}/{id}".to_owned(),
        "get",
        "413".to_owned(),
    ));

    let (writable, writer) = writable_app("records-openapi");
    let off = app_with(writable);
    let template = "/api/v1/records/{type}/{id}";
    let new = serde_json::json!({
        "title": "Ice on the lake", "text": "Lake Tessel in winter.", "lang": "en",
        "fields": {"credits": 2, "tags": ["a", "b"], "optional": null},
        "links": [{"rel": "taught_by", "type": "person", "id": "brandt, helga m."}]
    });
    let full = serde_json::json!({"type": "course", "id": "ICE-1", "title": "Ice on the lake, again", "url": "https://courses.example.edu/ICE-1"});
    let too_big =
        serde_json::json!({"title": "T", "text": "x".repeat(kenning_server::MAX_BODY_BYTES)});
    let untitled = serde_json::json!({"text": "x"});
    // (app, method, path, token, body, expected status)
    type Write<'a> = (
        &'a Router,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a Value>,
        u16,
    );
    let writes: Vec<Write<'_>> = vec![
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            Some(&new),
            201,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            Some(&full),
            200,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&untitled),
            400,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            None,
            Some(&new),
            401,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some("nope"),
            Some(&new),
            401,
        ),
        (
            &off,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&new),
            403,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&too_big),
            413,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            None,
            None,
            401,
        ),
        (
            &off,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            403,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            204,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            404,
        ),
    ];
    for (app, method, uri, token, body, expected) in writes {
        let body_text = body.map(Value::to_string).unwrap_or_default();
        let reply = send(
            app,
            write_request(&method.to_uppercase(), uri, token, body_text),
        )
        .await;
        check_documented(&spec, template, method, uri, &reply, expected);
        exercised.insert((template.to_owned(), method, expected.to_string()));
        if let (Some(body), 200 | 201) = (body, expected) {
            let request_body = resolve(&spec, &spec["paths"][template][method]["requestBody"]);
            let schema = &request_body["content"]["application/json"]["schema"];
            let errors = validate(&spec, schema, body, "$");
            assert!(
                errors.is_empty(),
                "{uri}: {body} does not match: {errors:?}"
            );
        }
        if expected == 401 {
            assert!(reply.header("www-authenticate").starts_with("Bearer"));
        }
        let operation = &spec["paths"][template][method];
        assert_eq!(
            operation["security"][0]["bearer"],
            serde_json::json!([]),
            "{method}"
        );
    }
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every documented path is served, and every documented status but 500
    // was seen. A record write's 503 (past the bound on heavy requests)
    // and 507 (a full disk) need a held request and a full file system:
    // tests/hardening.rs sees them, over a real socket and on a tmpfs.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, _) in operation["responses"].as_object().unwrap() {
                let elsewhere = path == "/api/v1/records/{type}/{id}"
                    && (method == "put" || method == "delete")
                    && (status == "503" || status == "507");
                if status != "500" && !elsewhere {
                    assert!(
                        exercised.contains(&(path.clone(), method.as_str(), status.clone())),
                        "{method} {path} {status} was not exercised"
                    );
                }
            }
        }
    }
    // Every schema is well formed for this validator (all $refs resolve).
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        check_refs(&spec, schema, name);
    }
    // The validator itself rejects what it should.
    let page = get(&app, &format!("/api/v1/concepts/{id}")).await.json();
    let concept_schema = serde_json::json!({"$ref": "#/components/schemas/ConceptPage"});
    let mut broken = page.clone();
    broken["id"] = Value::from("1");
    broken["unexpected"] = Value::from(1);
    broken.as_object_mut().unwrap().remove("title");
    broken["timeline"][0]["year"] = Value::from(1.5);
    let errors = validate(&spec, &concept_schema, &broken, "$");
    assert_eq!(errors.len(), 4, "{errors:?}");

    // The wikify schema takes a runner-up (the example wiki has no
    // ambiguous phrase, so real answers carry none) and rejects what is off.
    let wikify_schema = serde_json::json!({"$ref": "#/components/schemas/WikifyResult"});
    let mut result = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT }),
    )
    .await
    .json();
    result["annotations"][0]["runner_up"] =
        serde_json::json!({"id": 5, "title": "Merrowby Ferry", "score": 0.25});
    assert_eq!(
        validate(&spec, &wikify_schema, &result, "$"),
        Vec::<String>::new()
    );
    result["annotations"][0]["runner_up"] = serde_json::json!({"id": 5});
    result["annotations"][0]["score"] = Value::from(1.5);
    result["annotations"][0]["parts"]
        .as_object_mut()
        .unwrap()
        .remove("coherence");
    result["concepts"][0]["mentions"] = Value::from(0);
    let errors = validate(&spec, &wikify_schema, &result, "$");
    assert_eq!(errors.len(), 5, "{errors:?}");
}

/// Checks that `reply` (to `method uri`, of path `template`) has the
/// expected status, that the document lists that status for the operation,
/// and that the body has a documented content type and, when JSON, matches
/// its schema.
fn check_documented(
    spec: &Value,
    template: &str,
    method: &str,
    uri: &str,
    reply: &Reply,
    expected: u16,
) {
    assert_eq!(reply.status.as_u16(), expected, "{uri}: {}", reply.body);
    let status = expected.to_string();
    let operation = &spec["paths"][template][method];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the OpenAPI document"
    );
    let response = resolve(spec, &operation["responses"][&status]);
    assert!(
        response.is_object(),
        "{method} {template}: status {status} is not documented"
    );
    let content_type = reply
        .content_type()
        .split(';')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    match response.get("content") {
        None => assert!(reply.body.is_empty(), "{uri}: undocumented body"),
        Some(content) => {
            let media = &content[&content_type];
            assert!(
                media.is_object(),
                "{uri}: content type {content_type} is not documented"
            );
            if content_type == "application/json" {
                let errors = validate(spec, &media["schema"], &reply.json(), "$");
                assert!(
                    errors.is_empty(),
                    "{method} {uri} does not match its schema:\n{}\n{}",
                    errors.join("\n"),
                    reply.body
                );
            }
        }
    }
}

/// Follows `$ref` (to anything in the document) until it is not one.
fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        node = spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {reference}"));
    }
    node
}

fn check_refs(spec: &Value, node: &Value, at: &str) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                assert!(
                    spec.pointer(r.trim_start_matches('#')).is_some(),
                    "{at}: dangling {r}"
                );
            }
            for (k, v) in map {
                check_refs(spec, v, &format!("{at}.{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_refs(spec, v, at)),
        _ => {}
    }
}

/// A small JSON Schema (OpenAPI 3.0 dialect) validator: `$ref`, `type`,
/// `nullable`, `enum`, `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`/`maxItems`, `minimum`/`maximum`. Returns every error.
fn validate(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(spec, schema);
    let mut errors = Vec::new();
    if value.is_null() && schema["nullable"] == Value::Bool(true) {
        return errors;
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let ok = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            other => panic!("unknown type {other}"),
        };
        if !ok {
            errors.push(format!("{at}: expected {kind}, got {value}"));
            return errors;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(n) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|min| n < min)
        {
            errors.push(format!("{at}: {n} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|max| n > max)
        {
            errors.push(format!("{at}: {n} is above the maximum"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{at}: missing required {name}"));
            }
        }
        for (name, v) in object {
            let path = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => errors.extend(validate(spec, property, v, &path)),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{path}: not allowed")),
                    Some(extra @ Value::Object(_)) => {
                        errors.extend(validate(spec, extra, v, &path))
                    }
                    _ => {}
                },
            }
        }
    }
    if let Some(items) = value.as_array() {
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| (items.len() as u64) < min)
        {
            errors.push(format!("{at}: fewer than minItems"));
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| items.len() as u64 > max)
        {
            errors.push(format!("{at}: more than maxItems"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                errors.extend(validate(spec, item_schema, item, &format!("{at}[{i}]")));
            }
        }
    }
    errors
}

/// A request over a real socket, as bytes, and the whole answer.
async fn raw_http(addr: std::net::SocketAddr, request: &str) -> String {
    use std::io::{Read, Write};
    let request = request.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn serves_over_a_real_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = tiny_app();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let health = raw_http(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(health.starts_with("HTTP/1.1 200 OK"), "{health}");
    assert!(health.contains("\"status\":\"ok\""));
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/../../../etc/passwd",
    ] {
        let answer = raw_http(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
        assert!(
            !answer.contains("[package]") && !answer.contains("root:"),
            "{path}"
        );
    }
    let too_big = raw_http(
        addr,
        &format!("POST /api/v1/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 2 << 20),
    )
    .await;
    assert!(too_big.starts_with("HTTP/1.1 413"), "{too_big}");
    server.abort();
}

#[test]
fn startup_is_fast() {
    let out = scratch("startup");
    build_snapshot(&examples_dir().join("tiny-wiki.xml"), &out);
    let started = Instant::now();
    let engine = Arc::new(Engine::open(&out).unwrap());
    let _router = app(engine, ServerConfig::default());
    let elapsed = started.elapsed();
    eprintln!("Engine::open + app on the example wiki: {elapsed:?}");
    assert!(elapsed.as_secs_f64() < 1.0, "{elapsed:?}");
}

// ------------------------------------------------------------------ wikify

/// Text that mentions concepts of the example wiki, after characters of
/// two, three and four UTF-8 bytes (so code points, UTF-16 units and bytes
/// all differ).
const WIKIFY_TEXT: &str = "Über den Sée — 🌊 the ferry from Merrowby crosses Lake Tessel to \
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

async fn post(app: &Router, uri: &str, content_type: &str, body: impl Into<Body>) -> Reply {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    send(app, request).await
}

async fn post_json(app: &Router, uri: &str, body: &Value) -> Reply {
    post(app, uri, "application/json", body.to_string()).await
}

/// A form-urlencoded body.
fn form(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[tokio::test]
async fn wikify_api_links_mentions_with_code_point_and_byte_offsets() {
    let app = tiny_app();
    let reply = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type().starts_with("application/json"));
    let v = reply.json();

    // The same shape and values as the engine (and so `kenning wikify --json`).
    let expected = tiny_engine().wikify(WIKIFY_TEXT, kenning_engine::WikifyOptions::default());
    let expected: Value = serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(v, expected);

    let annotations = v["annotations"].as_array().unwrap();
    let chars: Vec<char> = WIKIFY_TEXT.chars().collect();
    let mut titles = Vec::new();
    for a in annotations {
        let (start, end) = (
            a["start"].as_u64().unwrap() as usize,
            a["end"].as_u64().unwrap() as usize,
        );
        let (byte_start, byte_end) = (
            a["byte_start"].as_u64().unwrap() as usize,
            a["byte_end"].as_u64().unwrap() as usize,
        );
        let text = a["text"].as_str().unwrap();
        assert_eq!(&WIKIFY_TEXT[byte_start..byte_end], text, "{a}");
        assert_eq!(chars[start..end].iter().collect::<String>(), text, "{a}");
        // Ü, é, — and 🌊 come before every mention: 2 + 2 + 3 + 4 bytes
        // for 4 code points.
        assert_eq!(byte_start - start, 1 + 1 + 2 + 3, "{a}");
        for part in ["link_probability", "commonness", "coherence", "context"] {
            let p = a["parts"][part].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p), "{part} in {a}");
        }
        assert!(
            a["score"].as_f64().unwrap()
                >= f64::from(kenning_engine::WikifyOptions::default().min_score),
            "{a}"
        );
        assert!(a["candidates"].as_u64().unwrap() >= 1, "{a}");
        assert!(a.get("runner_up").is_some(), "{a}");
        titles.push(a["concept"]["title"].as_str().unwrap().to_owned());
    }
    for title in ["Merrowby", "Lake Tessel", "Kettle Island", "Ida Varrow"] {
        assert!(titles.iter().any(|t| t == title), "{title} in {titles:?}");
    }
    let lake = annotations
        .iter()
        .find(|a| a["text"] == "Lake Tessel")
        .unwrap();
    assert_eq!(lake["concept"]["id"], id_of("Lake Tessel"));
    let at = WIKIFY_TEXT.find("Lake Tessel").unwrap();
    assert_eq!(lake["byte_start"], at);
    assert_eq!(lake["start"], WIKIFY_TEXT[..at].chars().count());
    assert_eq!(lake["end"], WIKIFY_TEXT[..at].chars().count() + 11);

    // The concepts, best first, with their mention counts.
    let concepts = v["concepts"].as_array().unwrap();
    assert!(!concepts.is_empty());
    let scores: Vec<f64> = concepts
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let lake_concept = concepts
        .iter()
        .find(|c| c["id"] == id_of("Lake Tessel"))
        .unwrap();
    assert_eq!(lake_concept["title"], "Lake Tessel");
    assert_eq!(lake_concept["mentions"], 1);

    // Options: a high minimum score keeps fewer mentions; prior only works.
    let strict = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT, "min_score": 0.99 }),
    )
    .await
    .json();
    assert!(strict["annotations"].as_array().unwrap().len() < annotations.len());
    let prior = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT, "prior_only": true, "min_score": null }),
    )
    .await;
    assert_eq!(prior.status, StatusCode::OK, "{}", prior.body);
    assert!(!prior.json()["annotations"].as_array().unwrap().is_empty());

    // Empty text, and text that names nothing: empty lists, not errors.
    for text in ["", "zzz qqq xxx", "\u{0}\u{fffd}"] {
        let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
        assert_eq!(reply.status, StatusCode::OK, "{text:?}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"annotations": [], "concepts": []})
        );
    }
    // Any content type is read as JSON (curl -d sends form-urlencoded).
    let reply = post(
        &app,
        "/api/v1/wikify",
        "application/x-www-form-urlencoded",
        r#"{"text":"Lake Tessel"}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Counted in the metrics under its route.
    let metrics = get(&app, "/metrics").await.body;
    assert!(
        metrics.lines().any(|l| l
            .starts_with("kenning_http_requests_total{route=\"/api/v1/wikify\",status=\"200\"} ")),
        "{metrics}"
    );
}

#[tokio::test]
async fn wikify_api_refuses_what_it_cannot_answer() {
    let app = tiny_app();
    let limit = kenning_engine::MAX_WIKIFY_BYTES;

    // 1 MiB is accepted; 1 MiB + 1 byte is refused with a message saying
    // the limit and what to do, although the body is under the body limit.
    let text = "x".repeat(limit);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let text = "x".repeat(limit + 1);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains(&limit.to_string()) && message.contains("split"),
        "{message}"
    );
    // Non-ASCII text is measured in bytes: 2 bytes a character here.
    let text = "é".repeat(limit / 2 + 1);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // The limit is on the decoded text: 1 MiB of line breaks written as
    // 2 MiB of `\n` escapes (over the 1 MiB of other routes) is accepted.
    let escaped = format!("{{\"text\": \"{}\"}}", "\\n".repeat(limit));
    assert!(escaped.len() > kenning_server::MAX_BODY_BYTES);
    let reply = post(&app, "/api/v1/wikify", "application/json", escaped).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Bodies over the route's body limit, announced or not.
    let huge = vec![b' '; kenning_server::MAX_WIKIFY_BODY_BYTES + 1];
    let request = Request::post("/api/v1/wikify")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge.clone()))
        .unwrap();
    let reply = send(&app, request).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("split")
    );
    // Unannounced (no Content-Length): the route's body limit stops it.
    let reply = send(
        &app,
        Request::post("/api/v1/wikify")
            .body(Body::from(huge))
            .unwrap(),
    )
    .await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("split")
    );

    // Malformed requests: 400 with a message that says what was wrong.
    for (body, needle) in [
        ("", "EOF"),
        ("not json", "not a JSON object"),
        ("{\"text\": \"x\"", "EOF"),
        ("{\"text\": 42}", "invalid type"),
        ("{}", "missing field `text`"),
        ("{\"txt\": \"Lake Tessel\"}", "unknown field `txt`"),
        ("{\"text\": \"x\", \"min_score\": 1.5}", "min_score"),
        ("{\"text\": \"x\", \"min_score\": -0.1}", "min_score"),
        ("{\"text\": \"x\", \"min_score\": \"high\"}", "invalid type"),
        ("{\"text\": \"x\", \"prior_only\": \"yes\"}", "invalid type"),
        ("[\"x\"]", "not a JSON object"),
        ("\"x\"", "not a JSON object"),
    ] {
        let reply = post(&app, "/api/v1/wikify", "application/json", body).await;
        assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(needle), "{body}: {message}");
    }
    let invalid_utf8 = post(
        &app,
        "/api/v1/wikify",
        "application/json",
        &b"{\"text\": \"\xff\"}"[..],
    )
    .await;
    assert_json_error(&invalid_utf8, StatusCode::BAD_REQUEST, "bad_request");

    // Only POST.
    assert_json_error(
        &get(&app, "/api/v1/wikify").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );

    // A snapshot without a mention dictionary says to rebuild.
    let old = app_without_dictionary();
    let reply = post_json(
        &old,
        "/api/v1/wikify",
        &serde_json::json!({ "text": "Lake Tessel" }),
    )
    .await;
    assert_json_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rebuild")
    );

    let metrics = get(&app, "/metrics").await.body;
    for status in ["200", "400", "405", "413"] {
        assert!(
            metrics.lines().any(|l| l.starts_with(&format!(
                "kenning_http_requests_total{{route=\"/api/v1/wikify\",status=\"{status}\"}} "
            ))),
            "{status}: {metrics}"
        );
    }
}

fn app_without_dictionary() -> Router {
    app(engine_without_dictionary(), ServerConfig::default())
}

#[tokio::test]
async fn wikify_page_annotates_a_pasted_text() {
    let app = tiny_app();

    // Every page links to the wikify page; it shows a form that works
    // without JavaScript.
    let home = get(&app, "/").await.body;
    assert!(home.contains("<a href=\"/wikify\""), "{home}");
    let page = get(&app, "/wikify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    for needle in [
        "<form class=\"wikify-form\" action=\"/wikify\" method=\"post\"",
        "<textarea id=\"wikify-text\" name=\"text\"",
        "name=\"min_score\"",
        "<button type=\"submit\">Find concepts</button>",
        "How to read the scores",
        "<a href=\"/wikify\" aria-current=\"page\"",
        "<link rel=\"stylesheet\" href=\"/static/style.css\">",
    ] {
        assert!(
            page.body.contains(needle),
            "missing {needle:?} in\n{}",
            page.body
        );
    }
    assert!(!page.body.contains("class=\"wikified\""));
    assert!(!page.body.contains("<script>") && !page.body.contains("style="));

    // Submitting the form: the text with its mentions linked, their
    // scores on hover, and the table of concepts.
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("min_score", "")]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let html = &reply.body;
    let lake = id_of("Lake Tessel");
    let annotated = &html[html.find("<div class=\"wikified\">").unwrap()..];
    let annotated = &annotated[..annotated.find("</div>").unwrap()];
    assert!(
        annotated.starts_with("<div class=\"wikified\">Über den Sée — 🌊 the "),
        "{annotated}"
    );
    let link_start = annotated.find("<a class=\"mention level-").unwrap();
    assert!(link_start > 0);
    let lake_link = annotated
        .split("<a ")
        .find(|a| a.contains(&format!("href=\"/concept/{lake}\"")))
        .unwrap_or_else(|| panic!("no link to Lake Tessel in {annotated}"));
    assert!(lake_link.contains(">Lake Tessel</a>"), "{lake_link}");
    assert!(
        lake_link.contains("title=\"Lake Tessel\nscore 0.")
            && lake_link.contains("link probability")
            && lake_link.contains("commonness")
            && lake_link.contains("coherence")
            && lake_link.contains("context"),
        "{lake_link}"
    );
    // The text between the mentions is kept, line break included.
    assert!(annotated.contains(" crosses "), "{annotated}");
    assert!(annotated.contains(";\n"), "{annotated}");
    let count = tiny_engine()
        .wikify(WIKIFY_TEXT, kenning_engine::WikifyOptions::default())
        .annotations
        .len();
    assert_eq!(annotated.matches("<a class=\"mention").count(), count);
    let table = &html[html.find("<table class=\"wikify-concepts\">").unwrap()..];
    assert!(
        table.contains(&format!("<a href=\"/concept/{lake}\">Lake Tessel</a>")),
        "{table}"
    );
    assert!(table.contains("<meter min=\"0\" max=\"1\""));
    // The text stays in the form for another try.
    assert!(html.contains(
        "name=\"text\" rows=\"10\" required placeholder=\"Paste or type a text…\">\nÜber den Sée"
    ));
    // The links lead to concept pages.
    assert_eq!(
        get(&app, &format!("/concept/{lake}")).await.status,
        StatusCode::OK
    );

    // Options from the form.
    let strict = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("min_score", "0.99")]),
    )
    .await;
    assert_eq!(strict.status, StatusCode::OK);
    assert!(strict.body.contains("value=\"0.99\"") && !strict.body.contains(" checked>"));
    assert!(strict.body.matches("<a class=\"mention").count() < count);
    let prior = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("prior_only", "on")]),
    )
    .await;
    assert_eq!(prior.status, StatusCode::OK);
    assert!(prior.body.contains(" checked>") && prior.body.contains("<a class=\"mention"));

    // An empty form asks for a text.
    let empty = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        "text=",
    )
    .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Paste or type a text above"));

    // Bad minimum score: 400, the form again with the text kept.
    let bad = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", "Lake Tessel"), ("min_score", "much")]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.content_type().starts_with("text/html"));
    assert!(
        bad.body.contains("role=\"alert\"") && bad.body.contains("“much”"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains(">\nLake Tessel</textarea>"));

    // Too long: a friendly 413 page with the form, the text not echoed.
    let long = "x".repeat(kenning_engine::MAX_WIKIFY_BYTES + 1);
    let too_long = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", &long)]),
    )
    .await;
    assert_eq!(too_long.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_long.content_type().starts_with("text/html"));
    assert!(
        too_long.body.contains("Request too large")
            && too_long.body.contains("split it into smaller pieces")
            && too_long.body.contains("action=\"/wikify\""),
        "{}",
        &too_long.body[..2000.min(too_long.body.len())]
    );
    assert!(too_long.body.len() < 20_000);
    let huge = vec![b'x'; kenning_server::MAX_WIKIFY_BODY_BYTES + 1];
    let request = Request::post("/wikify")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.content_type().starts_with("text/html"));
    assert!(reply.body.contains("split"), "{}", reply.body);

    // Without a mention dictionary: the page says so; submitting is a 503.
    let old = app_without_dictionary();
    let page = get(&old, "/wikify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("no mention dictionary"));
    let reply = post(
        &old,
        "/wikify",
        "application/x-www-form-urlencoded",
        "text=Lake+Tessel",
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("rebuild"), "{}", reply.body);

    let metrics = get(&app, "/metrics").await.body;
    for status in ["200", "400", "413"] {
        assert!(
            metrics.lines().any(|l| l.starts_with(&format!(
                "kenning_http_requests_total{{route=\"/wikify\",status=\"{status}\"}} "
            ))),
            "{status}: {metrics}"
        );
    }
}

#[tokio::test]
async fn wikify_page_escapes_what_is_typed_and_what_the_dump_says() {
    let app = tiny_app();
    let typed =
        "<script>alert(1)</script> \"><img src=x onerror=alert(2)> Lake Tessel & 'Kettle Island'";
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[
            ("text", typed),
            ("min_score", "\"><script>alert(3)</script>"),
        ]),
    )
    .await;
    // The minimum score is not a number: the form again, escaped.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", typed)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    assert!(
        html.contains(&format!("href=\"/concept/{}\"", id_of("Lake Tessel"))),
        "{html}"
    );
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;";
    assert_eq!(
        html.matches(escaped).count(),
        2,
        "textarea and annotated text: {html}"
    );
    assert!(html.contains("&amp; &#39;"), "{html}");

    // The hostile wiki: titles with quotes and markup in the hover text.
    let engine = hostile_engine();
    let hostile = app_with(Arc::clone(&engine));
    let mut bodies = vec![html.clone()];
    for text in [
        typed.to_owned(),
        "See the quote page, the harmless page and Harmless page.".to_owned(),
        format!("{typed} the quote page"),
    ] {
        for min_score in ["", "0", "\"><script>alert(3)</script>"] {
            let reply = post(
                &hostile,
                "/wikify",
                "application/x-www-form-urlencoded",
                form(&[("text", &text), ("min_score", min_score)]),
            )
            .await;
            bodies.push(reply.body);
        }
    }
    let linked = bodies
        .iter()
        .filter(|b| b.contains("<a class=\"mention"))
        .count();
    assert!(linked >= 2, "the hostile wiki links nothing");
    for body in &bodies {
        let body = body.replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in ["<script", "<img", "<b>", "\"onmouseover", "x='y'"] {
            assert!(!body.contains(needle), "{needle:?} unescaped in\n{body}");
        }
    }
}

fn app_with(engine: Arc<Engine>) -> Router {
    app(engine, ServerConfig::default())
}

// ----------------------------------------------------------------- records

/// The token of the apps that take record writes.
const TOKEN: &str = "s3cret-token";

/// A hostile record's title, text and field.
const EVIL: &str = "<script>alert(\"r\")</script> & 'co'";

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
            "fields": {"credits": 3, "semester": "spring", "tags": ["field work", "water"], "note": ""},
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
    build_with_records(
        vec![Source::Dump(examples_dir().join("tiny-wiki.xml"))],
        vec![records],
        &out,
    );
    out
}

/// The example wiki with records, read-only, built once per test run.
fn records_engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let out = build_records_snapshot("records");
            Arc::new(Engine::open(&out).expect("open the records snapshot"))
        })
        .clone()
}

fn records_app() -> Router {
    app(records_engine(), ServerConfig::default())
}

/// A writable engine on a snapshot folder of its own (one writer per
/// folder), and an app that takes writes with [`TOKEN`].
fn writable_app(name: &str) -> (Arc<Engine>, Router) {
    let out = build_records_snapshot(name);
    let engine = Arc::new(Engine::open_writable(&out).expect("open the records snapshot writable"));
    let config = ServerConfig {
        api_token: Some(TOKEN.to_owned()),
        ..ServerConfig::default()
    };
    (Arc::clone(&engine), app(engine, config))
}

fn concept_id(engine: &Engine, title: &str) -> u32 {
    engine
        .find_title(title)
        .unwrap_or_else(|| panic!("no concept {title}"))
}

/// A write request with `Authorization: Bearer {token}` when given.
fn write_request(
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

async fn put_record(app: &Router, uri: &str, token: Option<&str>, body: &Value) -> Reply {
    send(app, write_request("PUT", uri, token, body.to_string())).await
}

async fn delete_record(app: &Router, uri: &str, token: Option<&str>) -> Reply {
    send(app, write_request("DELETE", uri, token, Body::empty())).await
}

/// The relations of a record's JSON as `(direction, rel, type, id, exists)`.
fn relations_of(record: &Value) -> BTreeSet<(String, String, String, String, bool)> {
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

fn relation(
    direction: &str,
    rel: &str,
    kind: &str,
    id: &str,
    exists: bool,
) -> (String, String, String, String, bool) {
    (direction.into(), rel.into(), kind.into(), id.into(), exists)
}

/// The `href` of the first link whose text is `text`.
fn href_of<'a>(html: &'a str, text: &str) -> &'a str {
    let end = html
        .find(&format!("\">{text}</a>"))
        .unwrap_or_else(|| panic!("no link {text:?} in\n{html}"));
    let start = html[..end].rfind("href=\"").unwrap() + 6;
    &html[start..end]
}

/// `html` without the one script element every page has.
fn without_page_script(html: &str) -> String {
    html.replace("<script src=\"/static/search.js\" defer></script>", "")
}

#[tokio::test]
async fn record_page_shows_concepts_fields_and_relations_both_ways() {
    let engine = records_engine();
    let app = records_app();
    let lake = concept_id(&engine, "Lake Tessel");

    // The course as JSON: detected concepts, relations (one to an absent person).
    let course = get(&app, "/api/v1/records/course/GEO-210(b)").await;
    assert_eq!(course.status, StatusCode::OK, "{}", course.body);
    let course = course.json();
    assert_eq!(course["type"], "course");
    assert_eq!(course["id"], "GEO-210(b)");
    assert_eq!(course["page_url"], "/course/GEO-210(b)");
    assert_eq!(course["concepts_inherited"], false);
    let concepts: Vec<u64> = course["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(concepts.contains(&u64::from(lake)), "{course}");
    assert!(concepts.len() >= 3, "{course}");
    let annotation = course["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["concept"]["id"] == lake)
        .unwrap_or_else(|| panic!("Lake Tessel is not annotated: {course}"));
    let text = course["text"].as_str().unwrap();
    let (s, e) = (
        annotation["byte_start"].as_u64().unwrap() as usize,
        annotation["byte_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "Lake Tessel");
    assert_eq!(
        relations_of(&course),
        BTreeSet::from([
            relation("outgoing", "taught_by", "person", "brandt, helga m.", true),
            relation("outgoing", "taught_by", "person", "999999", false),
        ])
    );
    let missing = course["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "999999")
        .unwrap();
    assert!(missing["title"].is_null());
    assert_eq!(course["fields"]["credits"], 3);

    // The course page: everything above, for people.
    let page = get(&app, "/course/GEO-210(b)").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.content_type().starts_with("text/html"));
    let html = &page.body;
    for needle in [
        "<p class=\"type-label\">Course</p>",
        "<h1>Shorelines of the north</h1>",
        "<h2>Description</h2>",
        "<div lang=\"en\">",
        "<h2>Concepts</h2>",
        "<h2>Fields</h2>",
        "<dt>Credits</dt><dd>3</dd>",
        "<dt>Tags</dt><dd>field work, water</dd>",
        "<h2>Relations</h2>",
        "<dt>Taught by</dt>",
        "<a href=\"/person/brandt,%20helga%20m.\">Helga M. Brandt</a>",
        "<li class=\"missing\"><span class=\"missing-record\">Person 999999</span>",
        "missing: not in the records",
        "<h2>Related</h2>",
        "<a href=\"https://courses.example.edu/GEO-210b\" rel=\"nofollow noopener noreferrer\">",
        "<a href=\"/api/v1/records/course/GEO-210(b)\" type=\"application/json\">JSON</a>",
        "<h2>About this result</h2>",
        "This page is automatically generated",
        "Generated automatically from the record's text and the wiki: the concept links in the text",
    ] {
        assert!(html.contains(needle), "{needle:?} not in\n{html}");
    }
    assert!(!html.contains("<dt>Note</dt>"), "empty fields are skipped");
    // The mention links to its concept, the score on hover.
    assert!(
        html.contains(&format!(
            "<a href=\"/concept/{lake}\" title=\"Lake Tessel (score "
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<li><a href=\"/concept/{lake}\">Lake Tessel</a><meter"
    )));

    // The person (no text of its own): inherited concepts, and the inverse
    // relations: it teaches both courses and wrote the publication.
    let href = href_of(html, "Helga M. Brandt").to_owned();
    let person_page = get(&app, &href).await;
    assert_eq!(
        person_page.status,
        StatusCode::OK,
        "{href}: {}",
        person_page.body
    );
    let html = &person_page.body;
    for needle in [
        "<p class=\"type-label\">Person</p>",
        "<h1>Helga M. Brandt</h1>",
        "This record has no text.",
        "Inherited from linked records",
        "<dt>Teaches</dt>",
        "<a href=\"/course/GEO-210(b)\">Shorelines of the north</a>",
        "<a href=\"/course/HIST-150\">Lanterns and ledgers</a>",
        "<dt>Author of</dt>",
        "<a href=\"/publication/2026-001\">Ferry logs of a cold lake</a>",
        "<dt>Member of</dt>",
        "<a href=\"/unit/SHORE\">Shoreline Studies Group</a>",
        "<dt>Id</dt><dd>brandt, helga m.</dd>",
    ] {
        assert!(html.contains(needle), "{needle:?} not in\n{html}");
    }
    let person = get(&app, "/api/v1/records/person/brandt%2C%20helga%20m.").await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.body);
    let person = person.json();
    assert_eq!(person["concepts_inherited"], true);
    assert!(!person["concepts"].as_array().unwrap().is_empty());
    assert_eq!(
        relations_of(&person),
        BTreeSet::from([
            relation("outgoing", "member_of", "unit", "SHORE", true),
            relation("incoming", "taught_by", "course", "GEO-210(b)", true),
            relation("incoming", "taught_by", "course", "HIST-150", true),
            relation("incoming", "authored_by", "publication", "2026-001", true),
        ])
    );
    let labels: BTreeSet<&str> = person["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        BTreeSet::from(["author of", "member of", "teaches"])
    );

    // The unit lists its member; every relation link on every page leads
    // to a page that answers.
    let unit = get(&app, "/unit/SHORE").await;
    assert!(unit.body.contains("<dt>Members</dt>"), "{}", unit.body);
    for uri in [
        "/course/GEO-210(b)",
        "/course/GEO-210%28b%29",
        "/person/brandt,%20helga%20m.",
        "/unit/SHORE",
        "/course/HIST-150",
        "/publication/2026-001",
    ] {
        let reply = get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let mut rest = reply.body.as_str();
        while let Some(at) = rest.find("<a href=\"/") {
            rest = &rest[at + 9..];
            let href = &rest[..rest.find('"').unwrap()];
            let first = href.trim_start_matches('/').split('/').next().unwrap();
            if ["course", "person", "unit", "publication"].contains(&first) {
                let followed = get(&app, &href.replace("&amp;", "&")).await;
                assert_eq!(followed.status, StatusCode::OK, "{uri} links to {href}");
            }
        }
    }

    // Related records share concepts: the course and the publication
    // (both about Lake Tessel and the ferry).
    let related = &course["related"];
    assert!(
        related["publication"]
            .as_array()
            .is_some_and(|items| items.iter().any(|r| r["id"] == "2026-001")),
        "{related}"
    );
}

#[tokio::test]
async fn concept_page_lists_the_records_about_it() {
    let engine = records_engine();
    let app = records_app();
    let lake = concept_id(&engine, "Lake Tessel");
    let page = get(&app, &format!("/concept/{lake}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    let section = &html
        [html.find("id=\"institution-sections\"").unwrap()..html.find("id=\"about\"").unwrap()];
    assert!(
        section.contains("<section id=\"records-course\" class=\"records\">"),
        "{section}"
    );
    let courses = engine.concept(lake).unwrap().records;
    let course_group = courses.iter().find(|g| g.kind == "course").unwrap();
    assert!(
        section.contains(&format!("<h2>Courses ({})</h2>", course_group.count)),
        "{section}"
    );
    assert!(
        section.contains("<li><a href=\"/course/GEO-210(b)\">Shorelines of the north</a><meter"),
        "{section}"
    );
    assert!(section.contains("<h2>Publications (1)</h2>"), "{section}");
    assert!(
        section.contains("<a href=\"/publication/2026-001\">"),
        "{section}"
    );
    assert!(section.contains("<h2>Units ("), "{section}");

    let json = get(&app, &format!("/api/v1/concepts/{lake}")).await.json();
    let groups = json["records"].as_array().unwrap();
    let course = groups.iter().find(|g| g["type"] == "course").unwrap();
    assert!(course["count"].as_u64().unwrap() >= 2, "{course}");
    assert!(
        course["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "GEO-210(b)" && r["url"] == "/course/GEO-210(b)"),
        "{course}"
    );

    // A concept no record is about: the container is there, empty.
    let ida = concept_id(&engine, "Ida Varrow");
    let page = get(&app, &format!("/concept/{ida}")).await;
    if engine.concept(ida).unwrap().records.is_empty() {
        assert!(
            page.body
                .contains("<div id=\"institution-sections\" class=\"institution-sections\"></div>")
        );
    }
}

#[tokio::test]
async fn search_finds_records_and_filters_by_type() {
    let app = records_app();
    let v = get(&app, "/api/v1/search?q=shorelines").await.json();
    let hit = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "GEO-210(b)")
        .unwrap_or_else(|| panic!("the course is not found: {v}"));
    assert_eq!(hit["type"], "course");
    assert_eq!(hit["url"], "/course/GEO-210(b)");

    let v = get(&app, "/api/v1/search?q=lake+tessel&types=course")
        .await
        .json();
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{v}");
    assert!(items.iter().all(|h| h["type"] == "course"), "{v}");
    let v = get(&app, "/api/v1/search?q=brandt&types=person")
        .await
        .json();
    assert_eq!(v["items"][0]["id"], "brandt, helga m.", "{v}");
    assert_eq!(v["items"][0]["url"], "/person/brandt,%20helga%20m.");
    let v = get(&app, "/api/v1/search?q=shorelines&types=concept")
        .await
        .json();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["type"] == "concept"),
        "{v}"
    );
    let v = get(
        &app,
        "/api/v1/search?q=lake+tessel&types=course,publication",
    )
    .await
    .json();
    let kinds: BTreeSet<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["course", "publication"]), "{v}");

    // The result page: the record's type, a link to its page, the filter
    // offering the record types.
    let page = get(&app, "/search?q=shorelines").await;
    let html = &page.body;
    assert!(
        html.contains("<p class=\"result-type\">Course</p>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/course/GEO-210(b)\">"), "{html}");
    for (label, kind) in [
        ("Concepts", "concept"),
        ("Courses", "course"),
        ("People", "person"),
        ("Publications", "publication"),
        ("Units", "unit"),
    ] {
        assert!(
            html.contains(&format!(
                "<a href=\"/search?q=shorelines&amp;types={kind}\">{label}</a>"
            )),
            "{label}: {html}"
        );
    }
    let filtered = get(&app, "/search?q=lake+tessel&types=course").await;
    assert!(
        filtered
            .body
            .contains("<span class=\"current\" aria-current=\"true\">Courses</span>"),
        "{}",
        filtered.body
    );
    assert!(
        !filtered
            .body
            .contains("<p class=\"result-type\">Concept</p>")
    );
    // A snapshot without records offers concepts only.
    let plain = get(&tiny_app(), "/search?q=lake").await;
    assert!(!plain.body.contains("Courses"), "{}", plain.body);
    // The home page counts the records.
    let home = get(&app, "/").await;
    assert!(home.body.contains("<span class=\"what\">records</span>"));
    let stats = get(&app, "/healthz").await.json()["stats"].clone();
    assert_eq!(stats["records"], 6, "{stats}");
    assert_eq!(stats["record_missing_links"], 1, "{stats}");
    assert_eq!(stats["record_links"], 5, "{stats}");
}

#[tokio::test]
async fn record_addresses_answer_404_and_never_shadow_the_site() {
    let engine = records_engine();
    let app = records_app();
    let merrowby = concept_id(&engine, "Merrowby");
    let cases: Vec<(String, StatusCode, &str)> = vec![
        ("/course/NOPE-1".into(), StatusCode::NOT_FOUND, "text/html"),
        ("/nosuchtype/x".into(), StatusCode::NOT_FOUND, "text/html"),
        ("/course/%FF".into(), StatusCode::BAD_REQUEST, "text/html"),
        ("/course/a%2Fb".into(), StatusCode::NOT_FOUND, "text/html"),
        (
            "/api/v1/records/course/NOPE-1".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
        (
            "/api/v1/records/course/%FF".into(),
            StatusCode::BAD_REQUEST,
            "application/json",
        ),
        (
            "/api/v1/records/concept/1".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
        // The site's own first segments: never records.
        (
            "/api/nothing".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
        ("/api/v1".into(), StatusCode::NOT_FOUND, "application/json"),
        (format!("/concept/{merrowby}"), StatusCode::OK, "text/html"),
        ("/concept/abc".into(), StatusCode::BAD_REQUEST, "text/html"),
        ("/wiki/Merrowby".into(), StatusCode::FOUND, ""),
        ("/wiki/Lake_Tessel".into(), StatusCode::FOUND, ""),
        ("/search?q=lake".into(), StatusCode::OK, "text/html"),
        ("/static/style.css".into(), StatusCode::OK, "text/css"),
        ("/static/x.txt".into(), StatusCode::NOT_FOUND, "text/html"),
        ("/healthz".into(), StatusCode::OK, "application/json"),
        ("/wikify".into(), StatusCode::OK, "text/html"),
        (
            "/course/GEO-210(b)/x".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
    ];
    for (uri, status, content_type) in cases {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, status, "{uri}: {}", reply.body);
        assert!(
            reply.content_type().starts_with(content_type),
            "{uri}: {}",
            reply.content_type()
        );
    }
    let missing = get(&app, "/course/NOPE-1").await;
    assert!(
        missing
            .body
            .contains("There is no course record with id “NOPE-1”.")
    );
    assert_json_error(
        &get(&app, "/api/v1/records/course/NOPE-1").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Record writes are refused on the HTML page's address.
    let put = send(
        &app,
        write_request("PUT", "/course/HIST-150", Some(TOKEN), "{}"),
    )
    .await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    // The route is counted under its pattern.
    let metrics = get(&app, "/metrics").await.body;
    assert!(metrics.contains("route=\"/{type}/{id}\""), "{metrics}");
}

#[tokio::test]
async fn record_writes_need_a_valid_token() {
    let (engine, app) = writable_app("records-auth");
    let uri = "/api/v1/records/course/NEW-1";
    let body = serde_json::json!({"title": "New course", "text": "Lake Tessel."});
    for (token, what) in [
        (None, "no token"),
        (Some("wrong"), "a wrong token"),
        (Some("s3cret-toke"), "a prefix of the token"),
        (Some("s3cret-token-and-more"), "the token and more"),
    ] {
        let reply = put_record(&app, uri, token, &body).await;
        assert_json_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(
            reply.header("www-authenticate").starts_with("Bearer"),
            "{what}"
        );
        let reply = delete_record(&app, "/api/v1/records/course/HIST-150", token).await;
        assert_json_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // Another scheme, or the token without a scheme.
    for value in [
        format!("Basic {TOKEN}"),
        TOKEN.to_owned(),
        "Bearer".to_owned(),
    ] {
        let request = Request::put(uri)
            .header(header::AUTHORIZATION, value.as_str())
            .body(Body::from(body.to_string()))
            .unwrap();
        let reply = send(&app, request).await;
        assert_json_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    assert!(engine.record("course", "NEW-1").is_none());
    assert!(engine.record("course", "HIST-150").is_some());

    // No token configured: writes are off, whatever the request carries.
    let off = app_with(Arc::clone(&engine));
    for reply in [
        put_record(&off, uri, Some(TOKEN), &body).await,
        put_record(&off, uri, None, &body).await,
        delete_record(&off, "/api/v1/records/course/HIST-150", Some(TOKEN)).await,
    ] {
        assert_json_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("KENNING_API_TOKEN")
        );
    }
    // A token, but a read-only engine.
    let read_only = kenning_server::app(
        records_engine(),
        ServerConfig {
            api_token: Some(TOKEN.to_owned()),
            ..ServerConfig::default()
        },
    );
    let reply = put_record(&read_only, uri, Some(TOKEN), &body).await;
    assert_json_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    assert!(reply.body.contains("KENNING_API_TOKEN"));
    assert!(engine.record("course", "NEW-1").is_none());
}

#[tokio::test]
async fn record_writes_show_at_once_and_in_search_after_settling() {
    let (engine, app) = writable_app("records-writes");
    let lake = concept_id(&engine, "Lake Tessel");
    let uri = "/api/v1/records/course/ICE-9(a)";
    let body = serde_json::json!({
        "title": "Quirkwater ice studies",
        "text": "Measuring the winter ice of Lake Tessel near Kettle Island.",
        "fields": {"credits": 2},
        "links": [{"rel": "taught_by", "type": "person", "id": "brandt, helga m."}]
    });

    // Created: 201, Location, the record as stored.
    let created = put_record(&app, uri, Some(TOKEN), &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.header("location"),
        "/api/v1/records/course/ICE-9(a)"
    );
    let record = created.json();
    assert_eq!(record["type"], "course");
    assert_eq!(record["id"], "ICE-9(a)");
    assert_eq!(record["live"], true);
    assert!(
        record["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == lake),
        "{record}"
    );
    // Its page shows it at once, and so does its teacher's.
    let page = get(&app, "/course/ICE-9(a)").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Quirkwater ice studies</h1>"));
    let teacher = get(&app, "/person/brandt,%20helga%20m.").await;
    assert!(
        teacher
            .body
            .contains("<a href=\"/course/ICE-9(a)\">Quirkwater ice studies</a>"),
        "{}",
        teacher.body
    );
    // Search, related records and concept pages once settled.
    engine.settle_records().unwrap();
    let found = get(&app, "/api/v1/search?q=quirkwater").await.json();
    assert_eq!(found["items"][0]["id"], "ICE-9(a)", "{found}");
    assert_eq!(found["items"][0]["url"], "/course/ICE-9(a)");
    let concept = get(&app, &format!("/concept/{lake}")).await;
    assert!(
        concept.body.contains("<a href=\"/course/ICE-9(a)\">"),
        "{}",
        concept.body
    );

    // Replaced: 200, the new title everywhere; type and id in the body are
    // fine when they match the address.
    let mut changed = body.clone();
    changed["title"] = Value::from("Quirkwater ice studies, revised");
    changed["type"] = Value::from("course");
    changed["id"] = Value::from("ICE-9(a)");
    let replaced = put_record(&app, uri, Some(TOKEN), &changed).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert!(replaced.header("location").is_empty());
    assert_eq!(replaced.json()["title"], "Quirkwater ice studies, revised");
    assert!(
        get(&app, "/course/ICE-9(a)")
            .await
            .body
            .contains("<h1>Quirkwater ice studies, revised</h1>")
    );
    engine.settle_records().unwrap();
    let found = get(&app, "/api/v1/search?q=quirkwater").await.json();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        found["items"][0]["title"],
        "Quirkwater ice studies, revised"
    );

    // Refused bodies: 400 naming the field, nothing stored.
    for (bad, field) in [
        (serde_json::json!({"text": "no title"}), "\"title\""),
        (
            serde_json::json!({"title": "T", "type": "person"}),
            "\"type\"",
        ),
        (serde_json::json!({"title": "T", "id": "OTHER"}), "\"id\""),
        (
            serde_json::json!({"title": "T", "fields": {"a": {"b": 1}}}),
            "\"fields.a\"",
        ),
        (
            serde_json::json!({"title": "T", "links": [{"rel": "taught_by", "type": "person"}]}),
            "\"links[0].id\"",
        ),
        (
            serde_json::json!({"title": "T", "colour": "red"}),
            "\"colour\"",
        ),
        (serde_json::json!([1]), "JSON object"),
    ] {
        let reply = put_record(&app, "/api/v1/records/course/BAD-1", Some(TOKEN), &bad).await;
        assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(field), "{bad}: {message}");
    }
    let reply = send(
        &app,
        write_request(
            "PUT",
            "/api/v1/records/course/BAD-1",
            Some(TOKEN),
            "{\"title\": ",
        ),
    )
    .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    let reply = put_record(
        &app,
        "/api/v1/records/concept/BAD-1",
        Some(TOKEN),
        &serde_json::json!({"title": "T"}),
    )
    .await;
    assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    assert!(reply.body.contains("reserved"), "{}", reply.body);
    assert!(engine.record("course", "BAD-1").is_none());
    // Too large: 413, announced or not.
    let big = serde_json::json!({"title": "T", "text": "x".repeat(kenning_server::MAX_BODY_BYTES)});
    let reply = put_record(&app, "/api/v1/records/course/BIG-1", Some(TOKEN), &big).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let big = big.to_string();
    let mut request = write_request(
        "PUT",
        "/api/v1/records/course/BIG-1",
        Some(TOKEN),
        big.clone(),
    );
    request
        .headers_mut()
        .insert(header::CONTENT_LENGTH, big.len().into());
    let reply = send(&app, request).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(engine.record("course", "BIG-1").is_none());

    // Deleted: 204, then gone everywhere; a second delete is a 404.
    let deleted = delete_record(&app, uri, Some(TOKEN)).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    assert!(deleted.body.is_empty());
    assert_eq!(
        get(&app, "/course/ICE-9(a)").await.status,
        StatusCode::NOT_FOUND
    );
    assert_json_error(&get(&app, uri).await, StatusCode::NOT_FOUND, "not_found");
    assert_json_error(
        &delete_record(&app, uri, Some(TOKEN)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    engine.settle_records().unwrap();
    let found = get(&app, "/api/v1/search?q=quirkwater").await.json();
    assert_eq!(found["total"], 0, "{found}");
    // A record of the build, replaced: search shows the new version only.
    let before = get(&app, "/api/v1/search?q=ledgers").await.json();
    assert_eq!(before["items"][0]["id"], "HIST-150", "{before}");
    let reply = put_record(
        &app,
        "/api/v1/records/course/HIST-150",
        Some(TOKEN),
        &serde_json::json!({"title": "Lanterns and ledgers, revised", "text": "Ledgers of the Merrowby Lantern Festival."}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    engine.settle_records().unwrap();
    let after = get(&app, "/api/v1/search?q=ledgers").await.json();
    let titles: Vec<&str> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["id"] == "HIST-150")
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Lanterns and ledgers, revised"], "{after}");
    // Its old links are gone: the teacher no longer teaches it.
    let teacher = get(&app, "/api/v1/records/person/brandt,%20helga%20m.")
        .await
        .json();
    assert!(
        !relations_of(&teacher).contains(&relation(
            "incoming",
            "taught_by",
            "course",
            "HIST-150",
            true
        )),
        "{teacher}"
    );

    // A record of the build can be deleted too; links to it then show it missing.
    assert_eq!(
        delete_record(&app, "/api/v1/records/unit/SHORE", Some(TOKEN))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let person = get(&app, "/api/v1/records/person/brandt,%20helga%20m.")
        .await
        .json();
    assert!(
        relations_of(&person).contains(&relation("outgoing", "member_of", "unit", "SHORE", false)),
        "{person}"
    );
    // An id with spaces and a comma, written through its encoded address.
    let reply = put_record(
        &app,
        "/api/v1/records/person/doe,%20jane%20(guest)",
        Some(TOKEN),
        &serde_json::json!({"title": "Jane Doe"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.json()["page_url"], "/person/doe,%20jane%20(guest)");
    assert_eq!(
        get(&app, "/person/doe,%20jane%20(guest)").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn hostile_records_are_escaped_everywhere() {
    let engine = records_engine();
    let app = records_app();
    let lake = concept_id(&engine, "Lake Tessel");
    let escaped = "&lt;script&gt;alert(&quot;r&quot;)&lt;/script&gt; &amp; &#39;co&#39;";
    let record = get(&app, "/course/XSS-1").await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.body);
    assert!(
        record.body.contains(&format!("<h1>{escaped}</h1>")),
        "{}",
        record.body
    );
    assert!(
        record.body.contains(&format!("<dd>{escaped}</dd>")),
        "{}",
        record.body
    );
    assert!(
        record.body.contains("<dd>javascript:alert(9)</dd>"),
        "{}",
        record.body
    );
    let mut bodies = vec![record.body];
    bodies.push(get(&app, &format!("/concept/{lake}")).await.body);
    bodies.push(get(&app, "/search?q=alert").await.body);
    bodies.push(get(&app, "/search?q=lake&types=course").await.body);
    assert!(
        bodies[1].contains(&format!("<a href=\"/course/XSS-1\">{escaped}</a>")),
        "{}",
        bodies[1]
    );
    assert!(
        bodies[2].contains("<a href=\"/course/XSS-1\">"),
        "{}",
        bodies[2]
    );
    // A hostile record written live, with markup in its id too.
    let (writer_engine, writer) = writable_app("records-hostile");
    let reply = put_record(
        &writer,
        "/api/v1/records/course/%3Cb%3Ex%22'%26%3Cimg",
        Some(TOKEN),
        &serde_json::json!({"title": EVIL, "text": EVIL, "fields": {EVIL: EVIL}, "url": "javascript:alert(1)",
            "links": [{"rel": "taught_by", "type": "person", "id": EVIL.replace('/', "|").replace('?', "")}]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let location = reply.header("location").to_owned();
    assert!(
        !location.contains('<') && !location.contains('"'),
        "{location}"
    );
    writer_engine.settle_records().unwrap();
    let page_url = reply.json()["page_url"].as_str().unwrap().to_owned();
    let page = get(&writer, &page_url).await;
    assert_eq!(page.status, StatusCode::OK, "{page_url}");
    bodies.push(page.body);
    bodies.push(get(&writer, "/search?q=alert").await.body);
    let person = get(&writer, "/person/brandt,%20helga%20m.").await;
    bodies.push(person.body);
    for body in &bodies {
        let body = without_page_script(body);
        for needle in [
            "<script",
            "<img",
            "<b>",
            "href=\"javascript:",
            "'co'",
            "\"r\"",
        ] {
            assert!(!body.contains(needle), "{needle:?} unescaped in\n{body}");
        }
    }
}

// ------------------------------------------------- records on real data

/// `../shared/data` (or `KENNING_DATA`) when it holds what the real-data
/// tests read; they are skipped (with a note) otherwise, unless
/// `KENNING_REQUIRE_DATA` is set.
fn real_data() -> Option<PathBuf> {
    kenning_testdata::shared_data(
        &[
            "wikispeedia/concepts.jsonl.gz",
            "institution/records/epfl-registry-sample.jsonl",
        ],
        "real-records tests",
    )
}

/// Wikispeedia's concepts with the EPFL Graph registry sample, built once
/// per test run (30–60 s in a dev build), and the sample's lines.
fn registry_engine() -> Option<&'static (Arc<Engine>, Vec<Value>)> {
    static ENGINE: OnceLock<Option<(Arc<Engine>, Vec<Value>)>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let data = real_data()?;
            let records = data.join("institution/records/epfl-registry-sample.jsonl");
            let out = scratch("registry-sample");
            let _ = std::fs::remove_dir_all(&out);
            let started = Instant::now();
            build_with_records(
                vec![Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz"))],
                vec![records.clone()],
                &out,
            );
            eprintln!(
                "built Wikispeedia + registry sample in {:?}",
                started.elapsed()
            );
            let lines = std::fs::read_to_string(&records)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let engine = Engine::open(&out).expect("open the registry snapshot");
            Some((Arc::new(engine), lines))
        })
        .as_ref()
}

/// `text` escaped as the pages escape attribute values.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn real_registry_sample_links_show_on_both_records_pages() {
    let Some((engine, lines)) = registry_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let mut links = 0;
    for record in lines {
        let (kind, id) = (
            record["type"].as_str().unwrap(),
            record["id"].as_str().unwrap(),
        );
        let path = kenning_records::record_path(kind, id);
        let source_json = get(&app, &format!("/api/v1/records{path}")).await;
        assert_eq!(source_json.status, StatusCode::OK, "{path}");
        let source_json = source_json.json();
        let source_html = get(&app, &path).await;
        assert_eq!(source_html.status, StatusCode::OK, "{path}");
        for link in record["links"].as_array().unwrap() {
            links += 1;
            let (rel, to_kind, to_id) = (
                link["rel"].as_str().unwrap(),
                link["type"].as_str().unwrap(),
                link["id"].as_str().unwrap(),
            );
            let target = kenning_records::record_path(to_kind, to_id);
            assert!(
                relations_of(&source_json)
                    .contains(&relation("outgoing", rel, to_kind, to_id, true)),
                "{path} does not show {rel} → {target}: {}",
                source_json["relations"]
            );
            assert!(
                source_html
                    .body
                    .contains(&format!("<a href=\"{}\">", attribute(&target))),
                "the page {path} does not link to {target}"
            );
            let target_json = get(&app, &format!("/api/v1/records{target}")).await;
            assert_eq!(target_json.status, StatusCode::OK, "{target}");
            assert!(
                relations_of(&target_json.json())
                    .contains(&relation("incoming", rel, kind, id, true)),
                "{target} does not show {rel} ← {path}"
            );
            let target_html = get(&app, &target).await.body;
            assert!(
                target_html.contains(&format!("<a href=\"{}\">", attribute(&path))),
                "the page {target} does not link back to {path}"
            );
        }
    }
    assert_eq!(links, 61);
    let stats = engine.stats();
    assert_eq!(
        (
            stats.records,
            stats.record_links,
            stats.record_missing_links
        ),
        (66, 61, 0)
    );
}

#[tokio::test]
async fn real_registry_sample_courses_have_concepts_and_concepts_list_courses() {
    let Some((engine, lines)) = registry_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let courses: Vec<&str> = lines
        .iter()
        .filter(|r| r["type"] == "course")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(courses.len(), 23);
    // Most courses have concepts detected in their own text (the English
    // ones; Wikispeedia is a small English encyclopedia, and a third of
    // these courses are described in French); most others inherit those of
    // their teachers. Every course page lists its concepts.
    let (mut own, mut any) = (0, 0);
    let mut course_concepts: BTreeSet<u64> = BTreeSet::new();
    for id in &courses {
        let path = kenning_records::record_path("course", id);
        let record = get(&app, &format!("/api/v1/records{path}")).await.json();
        let concepts = record["concepts"].as_array().unwrap();
        let inherited = record["concepts_inherited"].as_bool().unwrap();
        if concepts.is_empty() {
            continue;
        }
        any += 1;
        let page = get(&app, &path).await.body;
        let first = &concepts[0];
        assert!(
            page.contains(&format!(
                "<li><a href=\"/concept/{}\">{}</a><meter",
                first["id"],
                attribute(first["title"].as_str().unwrap())
            )),
            "{path} does not list {first}"
        );
        if inherited {
            assert!(page.contains("Inherited from linked records"), "{path}");
        } else {
            own += 1;
            // Its text links the mentions to their concepts.
            assert!(page.contains(" (score 0."), "{path}: no mention linked");
            course_concepts.extend(concepts.iter().map(|c| c["id"].as_u64().unwrap()));
        }
    }
    eprintln!(
        "{own} of {} courses have concepts of their own, {any} have concepts",
        courses.len()
    );
    assert!(own * 2 > courses.len(), "{own} of {}", courses.len());
    assert!(any * 3 >= courses.len() * 2, "{any} of {}", courses.len());

    let mut listing = 0;
    for concept in &course_concepts {
        let page = get(&app, &format!("/concept/{concept}")).await.body;
        if page.contains("<section id=\"records-course\" class=\"records\">") {
            assert!(page.contains("<h2>Courses ("), "{concept}");
            assert!(page.contains("<li><a href=\"/course/"), "{concept}");
            listing += 1;
        }
    }
    eprintln!(
        "{listing} of {} concepts of courses list courses",
        course_concepts.len()
    );
    assert!(listing >= 1);
}
