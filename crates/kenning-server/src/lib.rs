//! The HTTP layer of kenning: HTML pages for people, a JSON API for
//! programs, both over one shared [`Engine`].
//!
//! This crate owns the routes, how answers are rendered (hand-written
//! HTML with one escaping function, JSON through serde), the OpenAPI
//! document that describes the JSON, connections (how many, how slow:
//! [`ConnectionLimits`]), request limits, security headers, and request
//! metrics. It deliberately computes nothing about concepts: every
//! question goes to the engine. Reads whose cost the request's limits
//! bound are answered on the serving thread; heavy work (wikify of a
//! posted text, record writes, which wait on fsync) goes to the blocking
//! thread pool, at most [`ServerConfig::max_heavy_requests`] at once.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | home page: search box (search-as-you-type), snapshot figures |
//! | `GET /search?q=&types=&page=&lang=` | result page: highlighted snippets, type filter, pagination |
//! | `GET /concept/{id}?lang=` | concept page, in the reader's language (`lang`, else `Accept-Language`) when the concept has a page in it |
//! | `GET /wiki/{Title}` | 302 to the concept page of the title (wiki title rules, redirects) |
//! | `GET /{type}/{id}` | record page (course, person, publication, unit, …): its text with the concepts it mentions, its concepts, fields, relations both ways, related records |
//! | `GET /api/v1/search?q=&types=&limit=&offset=&lang=` | search results as JSON |
//! | `GET /api/v1/suggest?q=&limit=&lang=` | title suggestions as JSON |
//! | `GET /api/v1/concepts/{id}?lang=`, `GET /api/v1/concepts?title=` | a concept as JSON (`titles` and `languages` when the build had several) |
//! | `GET /api/v1/concepts/{id}/related` | `{"items":[{id,title,score}]}` |
//! | `GET /api/v1/records/{type}/{id}` | a record as JSON (what its page shows) |
//! | `PUT /api/v1/records/{type}/{id}` | stores a record (body: one records-JSONL object; `type`/`id` optional, else equal to the address): 201 + `Location` when new, 200 when replaced; bearer token |
//! | `DELETE /api/v1/records/{type}/{id}` | deletes a record: 204, 404 when absent; bearer token |
//! | `POST /api/v1/wikify` | `{"text","min_score"?,"prior_only"?,"lang"?}` → the concepts the text mentions, with offsets and scores, in the text's language (given, else detected) |
//! | `GET /wikify`, `POST /wikify` | concept detection for people: paste a text, see it annotated |
//! | `GET /api/openapi.json` | the OpenAPI 3.0 description of the JSON API |
//! | `GET /api` | the API documented for people, rendered from that description: every route with its parameters, bodies and an example request and response |
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
//! [`MAX_QUERY_BYTES`](kenning_engine::MAX_QUERY_BYTES) bytes (longer ones
//! are refused with 400), at most [`MAX_LIMIT`](kenning_engine::MAX_LIMIT)
//! results per answer (larger `limit`s are clamped), results no deeper than
//! [`MAX_OFFSET`](kenning_engine::MAX_OFFSET),
//! request bodies of at most 1 MiB (413), except on the wikify routes:
//! bodies of at most 4 MiB there (a text grows when JSON-escaped or
//! form-encoded) holding a text of at most 1 MiB (413 with a message saying
//! to split it). Request targets over [`MAX_URI_BYTES`] get a 414 and
//! heads over [`MAX_HEADER_BYTES`] or [`MAX_HEADERS`] a 431, with the
//! same error bodies; heavy requests past the bound get a 503 with
//! `Retry-After` (record writes after waiting their turn up to 5 s); a
//! write that finds the disk full gets a 507 (`insufficient_storage`), and
//! `/healthz` reports the live records store's state (`live_records`).

#![forbid(unsafe_code)]

mod api;
mod api_docs;
mod categories;
mod concept_page;
mod connections;
mod error;
mod generations;
mod html;
mod language;
mod lists;
mod messages;
mod metrics;
mod page_parts;
mod pages;
mod params;
mod record_page;
mod record_types;
mod records;
mod search;
mod static_files;
mod wikify;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use kenning_engine::{Engine, EngineError};
use tokio::sync::Semaphore;

pub use crate::connections::ConnectionLimits;
use crate::error::HttpError;
use crate::generations::{Served, ServedSlot};
use crate::metrics::Metrics;
pub use crate::record_types::{FieldLabels, RecordTypeConfig, RecordTypes};

/// Largest accepted request body, in bytes (but see
/// [`MAX_WIKIFY_BODY_BYTES`]).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Largest accepted request body on the wikify routes, in bytes: room for
/// a text of [`kenning_engine::MAX_WIKIFY_BYTES`] once JSON-escaped or
/// form-encoded. The text itself is then checked against that limit.
pub const MAX_WIKIFY_BODY_BYTES: usize = 4 << 20;

/// The routes that take a text to wikify (and the larger body limit).
const WIKIFY_ROUTES: [&str; 2] = ["/api/v1/wikify", "/wikify"];

/// Where records are written (`PUT`/`DELETE` below it).
const RECORD_WRITES: &str = "/api/v1/records/";

/// Longest request target (path and query) answered, in bytes; longer
/// ones get a 414. (hyper refuses targets over 65,534 bytes itself, with
/// an empty 414.)
pub const MAX_URI_BYTES: usize = 8 << 10;

/// Largest request head answered (names and values of all headers), in
/// bytes; larger ones get a 431. hyper's own buffer is larger, so every
/// head up to it gets the JSON or HTML error.
pub const MAX_HEADER_BYTES: usize = 32 << 10;

/// Most headers in a request; more get a 431. hyper parses up to
/// 256, so the refusal is ours, with a body.
pub const MAX_HEADERS: usize = 100;

/// Headers hyper parses before it refuses a request itself (empty 431).
const HYPER_MAX_HEADERS: usize = 256;

/// How long a record write waits for its turn when the server is at its
/// bound on heavy requests, before it is answered 503.
const WRITE_TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a client is asked to wait before retrying when the server is
/// at its bound on heavy requests (the `Retry-After` header, in seconds).
const RETRY_AFTER_SECONDS: u64 = 1;

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
    /// require; `None` turns the write API off (403). Surrounding white
    /// space is not part of the token, and a blank token is no token.
    pub api_token: Option<String>,
    /// Bounds on connections (how many, how slow).
    pub connections: ConnectionLimits,
    /// Heavy requests (wikify of a text, record writes) carried out at
    /// once; past it they are answered 503 with `Retry-After`. `None`:
    /// twice the number of cores (at least 4).
    pub max_heavy_requests: Option<usize>,
    /// How pages name each record type and its fields, and which field is
    /// its code (`record_types` in the config file); types not listed get
    /// the defaults ([`RecordTypeConfig`]).
    pub record_types: RecordTypes,
    /// How often to look for a newer generation of the snapshot (a build
    /// published one) and swap to it between requests; `None` never
    /// looks. See the `generations` module.
    pub watch_generations: Option<std::time::Duration>,
}

impl ServerConfig {
    /// The token, trimmed; `None` when absent or blank.
    fn token(&self) -> Option<String> {
        self.api_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// The bound on heavy requests in force.
    fn heavy_requests(&self) -> usize {
        self.max_heavy_requests.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            (2 * cores).max(4)
        })
    }
}

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    /// The engine served now (replaced when a newer generation is
    /// published).
    served: Arc<ServedSlot>,
    config: Arc<ServerConfig>,
    metrics: Arc<Metrics>,
}

/// How long a record write waits for a newer generation's engine to take
/// the live store over before it is answered 503.
const HANDOVER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl AppState {
    /// Answers `question` at once, on the thread that serves the request:
    /// for reads whose cost is bounded by the request's limits (pages,
    /// search, suggestions: well under a millisecond to a few
    /// milliseconds). Handing them to the blocking pool costs two thread
    /// switches per request; measured on 2 cores, search went from 3,950
    /// to 4,500 requests/s and its p99 from 13 to 6 ms at 16 connections.
    pub(crate) fn answer<T>(&self, question: impl FnOnce(&Engine) -> T) -> T {
        question(&self.served.current().engine)
    }

    /// Newer generations swapped in and refused so far.
    pub(crate) fn generation_counts(&self) -> (u64, u64) {
        self.served.counts()
    }

    /// What is served now: the engine and what is cached about it.
    pub(crate) fn served(&self) -> Arc<Served> {
        self.served.current()
    }

    /// Runs `question` against the engine on the blocking thread pool: for
    /// work that may take long (wikify of a large text) or waits on the
    /// disk (record writes), so that it never holds up other requests.
    pub(crate) async fn ask<T, F>(&self, question: F) -> Result<T, HttpError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> T + Send + 'static,
    {
        let served = self.served.current();
        tokio::task::spawn_blocking(move || question(&served.engine))
            .await
            .map_err(|e| HttpError::Internal(format!("engine task failed: {e}")))
    }

    /// Runs the record write `write` as [`AppState::ask`] does; when the
    /// engine it reached was just replaced by a newer generation's (which
    /// took the live store over), runs it again on the new one.
    pub(crate) async fn ask_write<T, F>(
        &self,
        write: F,
    ) -> Result<Result<T, EngineError>, HttpError>
    where
        T: Send + 'static,
        F: Fn(&Engine) -> Result<T, EngineError> + Send + 'static,
    {
        let slot = Arc::clone(&self.served);
        tokio::task::spawn_blocking(move || {
            let deadline = std::time::Instant::now() + HANDOVER_WAIT;
            loop {
                let served = slot.current();
                match write(&served.engine) {
                    Err(EngineError::Retired) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    other => return other,
                }
            }
        })
        .await
        .map_err(|e| HttpError::Internal(format!("engine task failed: {e}")))
    }
}

/// The whole site as a router, ready to serve (or to call in-process in
/// tests with `tower::ServiceExt::oneshot`).
pub fn app(engine: Arc<Engine>, mut config: ServerConfig) -> Router {
    config.api_token = config.token();
    // The code fields are the engine's identifiers; a failure (the
    // in-memory index of live records) keeps the defaults, and is said.
    if let Err(e) = engine.set_code_fields(record_types::code_fields(&config.record_types)) {
        eprintln!("kenning: warning: the record code fields were not applied: {e}");
    }
    let wikify_body = DefaultBodyLimit::max(MAX_WIKIFY_BODY_BYTES);
    let routes: Vec<(&'static str, MethodRouter<AppState>)> = vec![
        ("/", get(pages::home)),
        ("/search", get(search::results_page)),
        ("/concept/{id}", get(pages::concept)),
        ("/wiki/{*title}", get(pages::wiki)),
        ("/category/{name}", get(categories::page)),
        ("/category/{name}/{list}", get(categories::records_page)),
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
            "/api/v1/concepts/{id}/links-here",
            get(lists::api_links_here),
        ),
        (
            "/api/v1/concepts/{id}/records",
            get(lists::api_concept_records),
        ),
        ("/concept/{id}/{list}", get(lists::concept_list_page)),
        (
            "/{type}/{id}/related/{list}",
            get(lists::record_related_page),
        ),
        (
            "/api/v1/records/{type}/{id}",
            get(records::api_get)
                .put(records::api_put)
                .delete(records::api_delete),
        ),
        (
            "/api/v1/records/{type}/{id}/related",
            get(lists::api_record_related),
        ),
        (
            "/api/v1/records/{type}/{id}/concepts",
            get(lists::api_record_concepts),
        ),
        ("/api/v1/categories/{name}", get(categories::api_category)),
        (
            "/api/v1/categories/{name}/concepts",
            get(categories::api_category_concepts),
        ),
        (
            "/api/v1/categories/{name}/records",
            get(categories::api_category_records),
        ),
        ("/api/v1/wikify", post(wikify::api).layer(wikify_body)),
        ("/api/openapi.json", get(api::openapi)),
        ("/api", get(api_docs::page)),
        ("/healthz", get(api::health)),
        ("/metrics", get(metrics::handler)),
        ("/static/{file}", get(static_files::handler)),
    ];
    let patterns: Vec<&'static str> = routes.iter().map(|(p, _)| *p).collect();
    let metrics = Arc::new(Metrics::new(&patterns));
    let heavy = Arc::new(Semaphore::new(config.heavy_requests().max(1)));
    let served = Arc::new(ServedSlot::new(Served::new(engine)));
    if let Some(every) = config.watch_generations {
        let code_fields = record_types::code_fields(&config.record_types);
        generations::watch(&served, every, move |engine| {
            if let Err(e) = engine.set_code_fields(code_fields.clone()) {
                eprintln!("kenning: warning: the record code fields were not applied: {e}");
            }
        });
    }
    let state = AppState {
        served,
        config: Arc::new(config),
        metrics: Arc::clone(&metrics),
    };

    let mut router = Router::new();
    for (pattern, handler) in routes {
        router = router.route(pattern, handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(heavy, bound_heavy_work))
        .layer(middleware::from_fn(refuse_large_bodies))
        .layer(middleware::from_fn(refuse_large_heads))
        .layer(middleware::from_fn_with_state(metrics, metrics::record))
        .layer(middleware::map_response(security_headers))
        .with_state(state)
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then finishes the
/// requests in flight. Prints the URL to stderr once listening.
/// Connections are bounded by [`ServerConfig::connections`].
pub async fn serve(
    engine: Arc<Engine>,
    config: ServerConfig,
    addr: SocketAddr,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    eprintln!("kenning: serving http://{local}/ (Ctrl-C to stop)");
    serve_on(listener, engine, config, shutdown_signal()).await;
    eprintln!("kenning: stopped");
    Ok(())
}

/// Serves `app` on a bound `listener` until `shutdown` resolves (tests
/// bind port 0 and stop the server by resolving `shutdown`).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    engine: Arc<Engine>,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let limits = config.connections;
    connections::serve_connections(listener, app(engine, config), limits, shutdown).await;
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
///
/// Record writes are left to their handler, which checks the credentials
/// before it reads the body: a client without them learns nothing more
/// than 401.
async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    if is_record_write(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
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

/// Refuses request targets over [`MAX_URI_BYTES`] (414) and heads over
/// [`MAX_HEADER_BYTES`] or [`MAX_HEADERS`] (431), with the usual JSON or
/// HTML error body.
async fn refuse_large_heads(request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let error = if target > MAX_URI_BYTES {
        HttpError::UriTooLong(format!(
            "the address is {target} bytes long; at most {MAX_URI_BYTES} are accepted"
        ))
    } else if header_bytes > MAX_HEADER_BYTES || headers.len() > MAX_HEADERS {
        HttpError::HeadersTooLarge(format!(
            "the request has {} headers of {header_bytes} bytes; at most {MAX_HEADERS} headers \
             of {MAX_HEADER_BYTES} bytes in all are accepted",
            headers.len()
        ))
    } else {
        return next.run(request).await;
    };
    answer_error(request.uri(), error)
}

/// Whether a request is heavy work: wikify of a submitted text, or a
/// record write.
fn is_heavy(method: &Method, path: &str) -> bool {
    (method == Method::POST && WIKIFY_ROUTES.contains(&path)) || is_record_write(method, path)
}

/// Whether a request writes a record (`PUT` or `DELETE` of one).
fn is_record_write(method: &Method, path: &str) -> bool {
    (method == Method::PUT || method == Method::DELETE) && path.starts_with(RECORD_WRITES)
}

/// Carries out at most [`ServerConfig::max_heavy_requests`] heavy requests
/// at once. Past it, a wikify request is answered 503 with `Retry-After` at
/// once; a record write waits its turn, first come first served, for at
/// most [`WRITE_TURN_WAIT`], then gets the same answer. Either way before
/// the body is read, so waiting or refused requests cost no memory.
/// (Writes are carried out one at a time per server anyway, and with a
/// shared database they mostly wait on it: refusing them at once turned a
/// burst of parallel writes into errors.)
async fn bound_heavy_work(
    axum::extract::State(heavy): axum::extract::State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    if !is_heavy(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let permit = if is_record_write(request.method(), request.uri().path()) {
        match tokio::time::timeout(WRITE_TURN_WAIT, heavy.acquire_owned()).await {
            Ok(Ok(permit)) => Some(permit),
            _ => None,
        }
    } else {
        heavy.try_acquire_owned().ok()
    };
    let Some(_permit) = permit else {
        let mut response = answer_error(
            request.uri(),
            HttpError::Busy(
                "the server is at its limit of requests of this kind; retry in a moment".into(),
            ),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        return response;
    };
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
