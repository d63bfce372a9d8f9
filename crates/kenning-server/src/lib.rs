//! The HTTP layer of kenning: HTML pages for people, a JSON API for
//! programs, both over one shared [`Engine`].
//!
//! This crate owns the routes (the contract in `DESIGN.md`), how answers
//! are rendered (hand-written HTML with one escaping function, JSON through
//! serde), the OpenAPI document that describes the JSON, request limits,
//! security headers, and request metrics. It deliberately computes
//! nothing about concepts: every question goes to the engine, on the
//! blocking thread pool (`spawn_blocking`), so the async workers never wait
//! on memory-mapped pages.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | home page: search box (search-as-you-type), snapshot figures |
//! | `GET /search?q=&types=&page=` | result page: highlighted snippets, type filter, pagination |
//! | `GET /concept/{id}` | concept page |
//! | `GET /wiki/{Title}` | 302 to the concept page of the title (wiki title rules, redirects) |
//! | `GET /{type}/{id}` | record page (course, person, publication, unit, …): its text with the concepts it mentions, its concepts, fields, relations both ways, related records |
//! | `GET /api/v1/search?q=&types=&limit=&offset=` | search results as JSON |
//! | `GET /api/v1/suggest?q=&limit=` | title suggestions as JSON |
//! | `GET /api/v1/concepts/{id}`, `GET /api/v1/concepts?title=` | a concept as JSON |
//! | `GET /api/v1/concepts/{id}/related` | `{"items":[{id,title,score}]}` |
//! | `GET /api/v1/records/{type}/{id}` | a record as JSON (what its page shows) |
//! | `PUT /api/v1/records/{type}/{id}` | stores a record (body: one records-JSONL object; `type`/`id` optional, else equal to the address): 201 + `Location` when new, 200 when replaced; bearer token |
//! | `DELETE /api/v1/records/{type}/{id}` | deletes a record: 204, 404 when absent; bearer token |
//! | `POST /api/v1/wikify` | `{"text","min_score"?,"prior_only"?}` → the concepts the text mentions, with offsets and scores |
//! | `GET /wikify`, `POST /wikify` | concept detection for people: paste a text, see it annotated |
//! | `GET /api/openapi.json` | the OpenAPI 3.0 description of the JSON API |
//! | `GET /healthz`, `GET /metrics` | health as JSON, Prometheus metrics |
//! | `GET /static/{file}` | the stylesheet, script and icon, compiled in |
//!
//! Errors are `{"error":{"code","message"}}` under `/api/` and friendly
//! HTML pages elsewhere, with the same status. Record writes need
//! `Authorization: Bearer <token>` equal to [`ServerConfig::api_token`]
//! (401 with `WWW-Authenticate: Bearer` when missing or wrong; 403 when the
//! server has no token or its engine is read-only). The site's own first
//! path segments (`api`, `concept`, `search`, `static`, `wiki`:
//! [`kenning_records::RESERVED_KINDS`]) are never record types, and static
//! routes take priority over `/{type}/{id}`. Limits: queries of at most
//! 512 bytes (longer ones are refused with 400), at most 100 results per
//! answer (larger `limit`s are clamped), results no deeper than 10 000,
//! request bodies of at most 1 MiB (413), except on the wikify routes:
//! bodies of at most 4 MiB there (a text grows when JSON-escaped or
//! form-encoded) holding a text of at most 1 MiB (413 with a message saying
//! to split it).

mod api;
mod concept_page;
mod error;
mod html;
mod metrics;
mod pages;
mod params;
mod record_page;
mod records;
mod search;
mod static_files;
mod wikify;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use kenning_engine::Engine;

use crate::error::HttpError;
use crate::metrics::Metrics;

/// Largest accepted request body, in bytes (but see
/// [`MAX_WIKIFY_BODY_BYTES`]).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Largest accepted request body on the wikify routes, in bytes: room for
/// a text of [`kenning_engine::MAX_WIKIFY_BYTES`] once JSON-escaped or
/// form-encoded. The text itself is then checked against that limit.
pub const MAX_WIKIFY_BODY_BYTES: usize = 4 << 20;

/// The routes that take a text to wikify (and the larger body limit).
const WIKIFY_ROUTES: [&str; 2] = ["/api/v1/wikify", "/wikify"];

/// The Content-Security-Policy of every response: no inline scripts or
/// styles, nothing from other origins, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// How the server presents itself.
#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    /// The institution named in the notice of every concept page
    /// ("Please make sure to verify the information with {institution}'s
    /// official sources."); `None` names no institution.
    pub institution: Option<String>,
    /// Replaces the whole "About this result" notice.
    pub notice: Option<String>,
    /// The bearer token that `PUT` and `DELETE /api/v1/records/{type}/{id}`
    /// require; `None` turns the write API off (403).
    pub api_token: Option<String>,
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    engine: Arc<Engine>,
    config: Arc<ServerConfig>,
    metrics: Arc<Metrics>,
    /// Concepts in the snapshot (for `/metrics`).
    concepts: u64,
}

impl AppState {
    /// Answers `question` at once, on the thread that serves the request:
    /// for reads whose cost is bounded by the request's limits (pages,
    /// search, suggestions: well under a millisecond to a few
    /// milliseconds). Handing them to the blocking pool costs two thread
    /// switches per request; measured on 2 cores, search went from 3,950
    /// to 4,500 requests/s and its p99 from 13 to 6 ms at 16 connections.
    pub(crate) fn answer<T>(&self, question: impl FnOnce(&Engine) -> T) -> T {
        question(&self.engine)
    }

    /// Runs `question` against the engine on the blocking thread pool: for
    /// work that may take long (wikify of a large text) or waits on the
    /// disk (record writes), so that it never holds up other requests.
    pub(crate) async fn ask<T, F>(&self, question: F) -> Result<T, HttpError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> T + Send + 'static,
    {
        let engine = Arc::clone(&self.engine);
        tokio::task::spawn_blocking(move || question(&engine))
            .await
            .map_err(|e| HttpError::Internal(format!("engine task failed: {e}")))
    }
}

/// The whole site as a router, ready to serve (or to call in-process in
/// tests with `tower::ServiceExt::oneshot`).
pub fn app(engine: Arc<Engine>, config: ServerConfig) -> Router {
    let wikify_body = DefaultBodyLimit::max(MAX_WIKIFY_BODY_BYTES);
    let routes: [(&'static str, MethodRouter<AppState>); 17] = [
        ("/", get(pages::home)),
        ("/search", get(search::results_page)),
        ("/concept/{id}", get(pages::concept)),
        ("/wiki/{*title}", get(pages::wiki)),
        // Routes whose first segment is static (`/concept/…`, `/wiki/…`,
        // `/static/…`, `/api/…`) take priority over this one.
        ("/{type}/{id}", get(records::page)),
        (
            "/wikify",
            get(wikify::page).post(wikify::submit).layer(wikify_body),
        ),
        ("/api/v1/search", get(search::api_search)),
        ("/api/v1/suggest", get(search::api_suggest)),
        ("/api/v1/concepts", get(api::concept_by_title)),
        ("/api/v1/concepts/{id}", get(api::concept)),
        ("/api/v1/concepts/{id}/related", get(api::related)),
        (
            "/api/v1/records/{type}/{id}",
            get(records::api_get)
                .put(records::api_put)
                .delete(records::api_delete),
        ),
        ("/api/v1/wikify", post(wikify::api).layer(wikify_body)),
        ("/api/openapi.json", get(api::openapi)),
        ("/healthz", get(api::health)),
        ("/metrics", get(metrics::handler)),
        ("/static/{file}", get(static_files::handler)),
    ];
    let patterns: Vec<&'static str> = routes.iter().map(|(p, _)| *p).collect();
    let metrics = Arc::new(Metrics::new(&patterns));
    let concepts = engine.stats().concepts;
    let state = AppState {
        engine,
        config: Arc::new(config),
        metrics: Arc::clone(&metrics),
        concepts,
    };

    let mut router = Router::new();
    for (pattern, handler) in routes {
        router = router.route(pattern, handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(refuse_large_bodies))
        .layer(middleware::from_fn_with_state(metrics, metrics::record))
        .layer(middleware::map_response(security_headers))
        .with_state(state)
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then finishes the
/// requests in flight. Prints the URL to stderr once listening.
pub async fn serve(
    engine: Arc<Engine>,
    config: ServerConfig,
    addr: SocketAddr,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    eprintln!("kenning: serving http://{local}/ (Ctrl-C to stop)");
    axum::serve(listener, app(engine, config))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    eprintln!("kenning: stopped");
    Ok(())
}

/// [`serve`] on a multi-threaded Tokio runtime of its own, for callers
/// that are not async (the command line): blocks until shut down.
pub fn serve_blocking(
    engine: Arc<Engine>,
    config: ServerConfig,
    addr: SocketAddr,
) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kenning-server")
        .build()?
        .block_on(serve(engine, config, addr))
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Whether errors for `uri` are answered as JSON rather than HTML.
fn wants_json(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

fn answer_error(uri: &Uri, error: HttpError) -> Response {
    if wants_json(uri) {
        error.into_json()
    } else {
        error.into_page()
    }
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    answer_error(
        &uri,
        HttpError::NotFound("there is nothing at this address".to_owned()),
    )
}

async fn method_not_allowed(uri: Uri) -> Response {
    answer_error(&uri, HttpError::MethodNotAllowed)
}

/// Refuses requests that announce a body larger than [`MAX_BODY_BYTES`]
/// ([`MAX_WIKIFY_BODY_BYTES`] on the wikify routes); routes that read
/// bodies are bounded by `DefaultBodyLimit` as well.
async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    let wikify = WIKIFY_ROUTES.contains(&request.uri().path());
    let limit = if wikify {
        MAX_WIKIFY_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        let error = if wikify {
            wikify::body_too_large()
        } else {
            HttpError::body_too_large(limit)
        };
        return answer_error(request.uri(), error);
    }
    next.run(request).await
}

/// Adds the security headers to every response.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
