//! Full lists behind the cut ones: the JSON pages (`limit`/`offset`,
//! `{"total", "items"}`) and the pages for people (`?page=`), on the
//! example wiki with its records.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;

use crate::fixtures::{assert_json_error, concept_id, get, records_app, records_engine, tiny_app};

/// Every item of a JSON list, fetched `limit` at a time, and the totals
/// each page gave.
async fn all_items(app: &axum::Router, uri: &str, limit: usize) -> (Vec<Value>, BTreeSet<u64>) {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let (mut items, mut totals) = (Vec::new(), BTreeSet::new());
    loop {
        let reply = get(
            app,
            &format!("{uri}{sep}limit={limit}&offset={}", items.len()),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        let v = reply.json();
        totals.insert(v["total"].as_u64().unwrap());
        let page = v["items"].as_array().unwrap().clone();
        let done = page.len() < limit;
        items.extend(page);
        if done {
            return (items, totals);
        }
    }
}

#[tokio::test]
async fn links_here_pages_through_every_concept_that_links_here() {
    let engine = records_engine();
    let app = records_app();
    let lake = concept_id(&engine, "Lake Tessel");
    let page = engine.concept(lake).unwrap();
    assert!(page.in_link_count > 2, "the example needs a few in-links");
    let (items, totals) = all_items(&app, &format!("/api/v1/concepts/{lake}/links-here"), 2).await;
    assert_eq!(totals, BTreeSet::from([page.in_link_count as u64]));
    assert_eq!(items.len(), page.in_link_count);
    let ids: BTreeSet<u64> = items.iter().map(|c| c["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "an entry twice: {items:?}");
    // The list starts as the page's does.
    for (item, top) in items.iter().zip(&page.in_links_top) {
        assert_eq!(item["id"], top.id);
        assert_eq!(item["title"], top.title.as_str());
    }
    // One answer with the whole list, and past its end.
    let whole = get(
        &app,
        &format!("/api/v1/concepts/{lake}/links-here?limit=100"),
    )
    .await
    .json();
    assert_eq!(whole["items"].as_array().unwrap(), &items);
    let past = get(
        &app,
        &format!("/api/v1/concepts/{lake}/links-here?offset=9999"),
    )
    .await
    .json();
    assert_eq!(past["total"], page.in_link_count);
    assert!(past["items"].as_array().unwrap().is_empty());

    // The page for people lists them all, numbered.
    let html = get(&app, &format!("/concept/{lake}/links-here")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.body.contains("<h1>What links to Lake Tessel</h1>"),
        "{}",
        html.body
    );
    assert!(
        html.body
            .contains(&format!("1–{n} of {n} concepts", n = page.in_link_count)),
        "{}",
        html.body
    );
    for item in &items {
        assert!(
            html.body
                .contains(&format!("<a href=\"/concept/{}\">", item["id"])),
            "{item}: {}",
            html.body
        );
    }
    assert!(
        html.body
            .contains(&format!("<a href=\"/concept/{lake}\">← Lake Tessel</a>"))
    );

    // Errors: an unknown concept, a bad id, a bad page.
    assert_json_error(
        &get(&app, "/api/v1/concepts/999999/links-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_json_error(
        &get(&app, "/api/v1/concepts/x/links-here").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(
            &app,
            &format!("/api/v1/concepts/{lake}/links-here?offset=-1"),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_eq!(
        get(&app, &format!("/concept/{lake}/links-here?page=0"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, "/concept/999999/links-here").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_concepts_records_page_through_in_the_pages_order() {
    let engine = records_engine();
    let app = records_app();
    let lake = concept_id(&engine, "Lake Tessel");
    let groups = engine.concept(lake).unwrap().records;
    assert!(!groups.is_empty());
    let mut every = 0;
    for group in &groups {
        let uri = format!("/api/v1/concepts/{lake}/records?type={}", group.kind);
        let (items, totals) = all_items(&app, &uri, 1).await;
        assert_eq!(
            totals,
            BTreeSet::from([group.count as u64]),
            "{}",
            group.kind
        );
        assert_eq!(items.len(), group.count, "{}", group.kind);
        assert!(items.iter().all(|r| r["type"] == group.kind.as_str()));
        for (item, top) in items.iter().zip(&group.items) {
            assert_eq!(item["id"], top.id.as_str());
            assert_eq!(item["url"], top.url.as_str());
        }
        every += group.count;
    }
    // Without a type: every record about the concept.
    let (all, _) = all_items(&app, &format!("/api/v1/concepts/{lake}/records"), 3).await;
    assert_eq!(all.len(), every);

    // The page for people: one type, all of it.
    let html = get(&app, &format!("/concept/{lake}/courses")).await;
    assert_eq!(html.status, StatusCode::OK, "{}", html.body);
    assert!(
        html.body.contains("<h1>Courses about Lake Tessel</h1>"),
        "{}",
        html.body
    );
    assert!(
        html.body.contains("<a href=\"/course/GEO-210(b)\">"),
        "{}",
        html.body
    );
    assert!(
        !html.body.contains("<a href=\"/publication/"),
        "{}",
        html.body
    );
    let people = get(&app, &format!("/concept/{lake}/publications")).await;
    assert!(
        people.body.contains("<a href=\"/publication/2026-001\">"),
        "{}",
        people.body
    );

    // Errors: a type the site does not have, a list no page has.
    let bogus = get(&app, &format!("/api/v1/concepts/{lake}/records?type=bogus")).await;
    assert_json_error(&bogus, StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        bogus.body.contains("unknown record type `bogus`"),
        "{}",
        bogus.body
    );
    assert_eq!(
        get(&app, &format!("/concept/{lake}/bogus")).await.status,
        StatusCode::NOT_FOUND
    );
    // A site without records has no record lists.
    let tiny = tiny_app();
    assert_json_error(
        &get(&tiny, "/api/v1/concepts/1/records?type=course").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
}

#[tokio::test]
async fn a_records_related_records_and_concepts_page_through() {
    let engine = records_engine();
    let app = records_app();
    let record = engine.record("course", "HIST-150").unwrap();
    assert!(
        !record.related.is_empty(),
        "the example course has related records"
    );
    for (kind, shown) in &record.related {
        let total = record.related_totals[kind];
        assert!(total >= shown.len());
        let uri = format!("/api/v1/records/course/HIST-150/related?type={kind}");
        let (items, totals) = all_items(&app, &uri, 1).await;
        assert_eq!(totals, BTreeSet::from([total as u64]), "{kind}");
        assert_eq!(items.len(), total, "{kind}");
        for (item, top) in items.iter().zip(shown) {
            assert_eq!(item["id"], top.id.as_str());
        }
    }
    let (concepts, totals) = all_items(&app, "/api/v1/records/course/HIST-150/concepts", 2).await;
    assert_eq!(totals, BTreeSet::from([record.concepts.len() as u64]));
    let ids: Vec<u64> = concepts.iter().map(|c| c["id"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = record.concepts.iter().map(|c| u64::from(c.id)).collect();
    assert_eq!(ids, expected);

    // The related list for people, from an id that needs encoding.
    let person = engine.record("person", "brandt, helga m.").unwrap();
    let kind = person
        .related
        .keys()
        .next()
        .expect("the person has related records");
    let url = format!(
        "/person/brandt,%20helga%20m./related/{}",
        if kind == "person" {
            "people".to_owned()
        } else {
            format!("{kind}s")
        }
    );
    let html = get(&app, &url).await;
    assert_eq!(html.status, StatusCode::OK, "{url}: {}", html.body);
    assert!(
        html.body.contains("related to Helga M. Brandt</h1>"),
        "{}",
        html.body
    );

    // Errors.
    assert_json_error(
        &get(&app, "/api/v1/records/course/HIST-150/related").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_json_error(
        &get(&app, "/api/v1/records/course/NOPE/related?type=course").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_json_error(
        &get(&app, "/api/v1/records/course/NOPE/concepts").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(
        get(&app, "/course/NOPE/related/courses").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/course/HIST-150/related/bogus").await.status,
        StatusCode::NOT_FOUND
    );
    // The site's own routes are never records.
    let api = get(&app, "/api/x/related/courses").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(
        api.content_type().starts_with("application/json"),
        "{}",
        api.body
    );
}
