//! The institution's records: record pages, records on concept pages and
//! in search, addresses, and writes.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kenning_server::ServerConfig;
use serde_json::Value;

use crate::fixtures::{
    EVIL, TOKEN, app_with, assert_json_error, concept_id, delete_record, get, put_record,
    records_app, records_engine, relation, relations_of, send, tiny_app, writable_app,
    write_request,
};

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
    // Each concept says which fields it was found in.
    let lake_concept = course["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == lake)
        .unwrap();
    assert_eq!(
        lake_concept["fields"],
        serde_json::json!(["text"]),
        "{course}"
    );
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
        "<p class=\"type-label\">Course · <span class=\"code\">GEO-210</span></p>",
        "<h1>Shorelines of the north</h1>",
        "<h2>Description</h2>",
        "<div lang=\"en\">",
        "<h2>Concepts</h2>",
        "<span class=\"from\">from text</span>",
        "<h2>Details</h2>",
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
        "Generated automatically from the record and the wiki: the concept links in the text",
        "The title, the text, the fields and the relations are the institution's own.",
    ] {
        assert!(html.contains(needle), "{needle:?} not in\n{html}");
    }
    assert!(!html.contains("<dt>Note</dt>"), "empty fields are skipped");
    assert!(
        !html.contains("<dt>Course code</dt>"),
        "the code is in the header"
    );
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
        "Inherited from linked records",
        "<dt>Teaches</dt>",
        "<a href=\"/course/GEO-210(b)\">Shorelines of the north</a>",
        "<a href=\"/course/HIST-150\">Lanterns and ledgers</a>",
        "<dt>Author of</dt>",
        "<a href=\"/publication/2026-001\">Ferry logs of a cold lake</a>",
        "<dt>Member of</dt>",
        "<a href=\"/unit/SHORE\">Shoreline Studies Group</a>",
        "<dt>Id</dt><dd>brandt, helga m.</dd>",
        // Only what the page has: no text, so no description and no
        // concept links; the concepts are inherited.
        "Generated automatically from the record and the wiki: the concepts, related records. \
         The title, the fields and the relations are the institution's own.",
    ] {
        assert!(html.contains(needle), "{needle:?} not in\n{html}");
    }
    assert!(!html.contains("<h2>Description</h2>"), "no empty section");
    assert!(
        !html.contains("This record has no text"),
        "no empty section"
    );
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
        html.contains("<p class=\"result-type\">Course · <span class=\"code\">GEO-210</span></p>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/course/GEO-210(b)\">"), "{html}");
    // The filter offers the types found, each with its count.
    assert!(
        html.contains(
            "<a href=\"/search?q=shorelines&amp;types=course\">Courses <span class=\"count\">1</span></a>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<span class=\"current\" aria-current=\"true\">All types <span class=\"count\">2</span></span>"
        ),
        "{html}"
    );
    assert!(!html.contains("types=person"), "{html}");
    let counted = get(&app, "/api/v1/search?q=lake+tessel&counts=true")
        .await
        .json();
    let sum: u64 = counted["type_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, counted["total"].as_u64().unwrap(), "{counted}");
    assert!(
        get(&app, "/api/v1/search?q=lake+tessel").await.json()["type_counts"].is_null(),
        "type counts only when asked"
    );
    // A type the site does not have: a 400 naming it, as JSON and as a page.
    let bogus = get(&app, "/api/v1/search?q=lake&types=bogus").await;
    assert_json_error(&bogus, StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        bogus.body.contains("unknown type `bogus`"),
        "{}",
        bogus.body
    );
    assert!(
        bogus.body.contains("concept, category, course"),
        "{}",
        bogus.body
    );
    let bogus = get(&app, "/search?q=lake&types=bogus").await;
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST);
    assert!(
        bogus.body.contains("unknown type `bogus`"),
        "{}",
        bogus.body
    );
    assert!(!bogus.body.contains("Boguss"), "{}", bogus.body);
    let filtered = get(&app, "/search?q=lake+tessel&types=course").await;
    assert!(
        filtered.body.contains(
            "<span class=\"current\" aria-current=\"true\">Courses <span class=\"count\">"
        ),
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
    // The home page: what the site holds, each record type a way in, and
    // example searches (well-linked concepts, a course code).
    for needle in [
        "<p class=\"tagline\">The courses, people, units and publications, linked through",
        "<a href=\"/search?types=course\"><span class=\"figure\">3</span> <span class=\"what\">courses</span></a>",
        "<a href=\"/search?types=person\"><span class=\"figure\">1</span> <span class=\"what\">people</span></a>",
        "<a href=\"/search?q=GEO-210\" title=\"Shorelines of the north\">GEO-210</a>",
        "<p class=\"examples\">Try <a href=\"/search?q=",
    ] {
        assert!(
            home.body.contains(needle),
            "{needle:?} not in\n{}",
            home.body
        );
    }
    assert!(
        !home.body.contains(">0</span>"),
        "no zero tiles: {}",
        home.body
    );
    // Browsing a type: every record of it, paged.
    let all = get(&app, "/search?types=course").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("<h1>All courses</h1>"), "{}", all.body);
    assert!(
        all.body.contains("<title>All courses · kenning</title>"),
        "{}",
        all.body
    );
    assert!(all.body.contains("1–3 of 3,"), "{}", all.body);
    assert!(
        all.body.contains(
            "<span class=\"current\" aria-current=\"true\">Courses <span class=\"count\">3</span></span>"
        ),
        "{}",
        all.body
    );
    assert!(
        all.body
            .contains(">People <span class=\"count\">1</span></a>"),
        "{}",
        all.body
    );
    assert_eq!(
        all.body.matches("<li class=\"result\">").count(),
        3,
        "{}",
        all.body
    );
    let v = get(&app, "/api/v1/search?q=&types=course&limit=2")
        .await
        .json();
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 2, "{v}");
    // With an institution, the tagline names it.
    let named = kenning_server::app(
        records_engine(),
        ServerConfig {
            institution: Some("EPFL".into()),
            ..ServerConfig::default()
        },
    );
    let home = get(&named, "/").await.body;
    assert!(
        home.contains("publications of EPFL, linked through"),
        "{home}"
    );
    let stats = get(&app, "/healthz").await.json()["stats"].clone();
    assert_eq!(stats["records"], 6, "{stats}");
    assert_eq!(stats["record_missing_links"], 1, "{stats}");
    assert_eq!(stats["record_links"], 5, "{stats}");
}

#[tokio::test]
async fn records_are_found_by_id_and_code_however_typed() {
    let app = records_app();
    // GEO-210(b) has the code GEO-210; HIST-150 only its id.
    for (q, id) in [
        ("GEO-210", "GEO-210(b)"),
        ("geo210", "GEO-210(b)"),
        ("GEO 210", "GEO-210(b)"),
        ("geo-210", "GEO-210(b)"),
        ("GEO-210(b)", "GEO-210(b)"),
        ("hist150", "HIST-150"),
        ("Hist 150", "HIST-150"),
    ] {
        let v = get(&app, &format!("/api/v1/search?q={}", q.replace(' ', "+")))
            .await
            .json();
        assert_eq!(v["items"][0]["id"], id, "{q}: {v}");
        let first = &v["items"][0];
        // Found once, counted once.
        let again = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["id"] == id)
            .count();
        assert_eq!(again, 1, "{q}: {v}");
        assert!(v["total"].as_u64().unwrap() >= 1, "{v}");
        if id == "GEO-210(b)" {
            assert_eq!(first["code"], "GEO-210", "{v}");
            assert!(
                first["snippet"]
                    .as_str()
                    .unwrap()
                    .starts_with("A walking seminar")
            );
        } else {
            assert!(first["code"].is_null(), "{v}");
        }
    }
    // The type filter applies; a second page does not repeat it.
    let v = get(&app, "/api/v1/search?q=geo210&types=person")
        .await
        .json();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["type"] == "person"),
        "{v}"
    );
    let v = get(&app, "/api/v1/search?q=geo210&offset=1").await.json();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != "GEO-210(b)"),
        "{v}"
    );
    // A part of a code is not the code.
    let v = get(&app, "/api/v1/search?q=geo21").await.json();
    assert_ne!(v["items"][0]["id"], "GEO-210(b)", "{v}");
    // Suggestions complete a code being typed.
    for q in ["GEO-2", "geo21", "GEO-210"] {
        let v = get(&app, &format!("/api/v1/suggest?q={q}")).await.json();
        assert_eq!(v["items"][0]["id"], "GEO-210(b)", "{q}: {v}");
        assert_eq!(v["items"][0]["code"], "GEO-210", "{q}: {v}");
    }
    let v = get(&app, "/api/v1/suggest?q=hist-1").await.json();
    assert_eq!(v["items"][0]["id"], "HIST-150", "{v}");
    // The result page shows the code beside the type.
    let page = get(&app, "/search?q=geo+210").await;
    assert!(
        page.body
            .contains("<p class=\"result-type\">Course · <span class=\"code\">GEO-210</span></p>"),
        "{}",
        page.body
    );
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

#[tokio::test]
async fn the_config_names_record_types_fields_and_the_code_field() {
    // An engine of its own: the code fields are the engine's, and the
    // shared one serves the other tests with the default.
    let _ = records_engine();
    let engine =
        Arc::new(kenning_engine::Engine::open(&crate::fixtures::scratch("records")).unwrap());
    let config: kenning_server::RecordTypes = serde_json::from_str(
        r#"{"course": {"label": "Cours", "plural": "Cours",
                       "fields": {"semester": "Semestre", "credits": "Crédits ECTS"},
                       "code_field": "semester"}}"#,
    )
    .unwrap();
    let app = kenning_server::app(
        engine,
        ServerConfig {
            record_types: config,
            ..ServerConfig::default()
        },
    );
    let page = get(&app, "/course/GEO-210(b)").await.body;
    for needle in [
        "<p class=\"type-label\">Cours · <span class=\"code\">spring</span></p>",
        "<dt>Crédits ECTS</dt><dd>3</dd>",
        // The code field named is in the header, not among the details;
        // the default one is an ordinary field now.
        "<dt>Course code</dt><dd>GEO-210</dd>",
    ] {
        assert!(page.contains(needle), "{needle:?} not in\n{page}");
    }
    assert!(!page.contains("<dt>Semestre</dt>"), "{page}");
    // Configured fields first, in the config's order.
    let credits = page.find("<dt>Crédits ECTS</dt>").unwrap();
    let code = page.find("<dt>Course code</dt>").unwrap();
    assert!(credits < code, "{page}");
    // The code field named is searched as an identifier; the default still is.
    let v = get(&app, "/api/v1/search?q=SPRING").await.json();
    assert_eq!(v["items"][0]["id"], "GEO-210(b)", "{v}");
    assert_eq!(v["items"][0]["code"], "spring", "{v}");
    let v = get(&app, "/api/v1/search?q=geo210").await.json();
    assert_eq!(v["items"][0]["id"], "GEO-210(b)", "{v}");
    // Labels everywhere: search chips and results, the concept's section.
    let results = get(&app, "/search?q=shorelines").await.body;
    assert!(
        results.contains(">Cours <span class=\"count\">1</span></a>"),
        "{results}"
    );
    assert!(
        results.contains("<p class=\"result-type\">Cours · "),
        "{results}"
    );
}
