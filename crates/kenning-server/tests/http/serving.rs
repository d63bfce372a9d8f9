//! Serving: metrics, security headers, static files, body limits, a real
//! socket, and startup time.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};

use crate::fixtures::{
    assert_json_error, build_snapshot, examples_dir, get, id_of, scratch, send, tiny_app,
};

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
