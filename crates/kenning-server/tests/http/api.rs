//! Every route's status and content type, and the concepts API.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::fixtures::{assert_json_error, get, id_of, send, tiny_app};

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
