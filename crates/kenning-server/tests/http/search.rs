//! The search API, the result page, and suggestions.

use axum::http::StatusCode;
use serde_json::Value;

use crate::fixtures::{assert_json_error, get, id_of, tiny_app};

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

    // Type filter: only concepts exist, so asking for courses is a 400.
    let concepts = get(&app, "/api/v1/search?q=lake&types=concept")
        .await
        .json();
    assert!(concepts["total"].as_u64().unwrap() > 0);
    let courses = get(&app, "/api/v1/search?q=lake&types=course").await;
    assert_json_error(&courses, StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        courses
            .body
            .contains("unknown type `course`: this site has concept"),
        "{}",
        courses.body
    );

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
