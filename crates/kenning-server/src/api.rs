//! The JSON API (besides search): concepts, related concepts, health, and
//! the OpenAPI document that describes it all.

use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kenning_engine::{ConceptPage, RelatedConcept, StatsPage};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, HttpError};
use crate::language::{self, AcceptLanguage};
use crate::pages::path_value;
use crate::params::{self, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, Params};
use crate::search::LAST_PAGE;

/// The OpenAPI 3.0 description of the JSON API as written: the limits a
/// request is held to stand as placeholders (`{{MAX_QUERY_BYTES}}`,
/// `{{MAX_LIMIT}}`, `{{MAX_OFFSET}}`, `{{LAST_PAGE}}`), so that the
/// document cannot disagree with the constants the server applies.
const OPENAPI_TEMPLATE: &str = include_str!("openapi.json");

/// The OpenAPI document served: [`OPENAPI_TEMPLATE`] filled (once, at the
/// first request for it). `/api` renders its documentation page from it.
pub(crate) static OPENAPI: LazyLock<String> = LazyLock::new(|| {
    let limits = [
        ("MAX_QUERY_BYTES", MAX_QUERY_BYTES),
        ("MAX_LIMIT", MAX_LIMIT),
        ("MAX_OFFSET", MAX_OFFSET),
        ("LAST_PAGE", LAST_PAGE),
    ];
    let mut doc = OPENAPI_TEMPLATE.to_owned();
    for (name, value) in limits {
        // A quoted placeholder is a schema bound (`"maximum": "{{..}}"`)
        // and becomes a number; one within a text, the number written out.
        let placeholder = format!("{{{{{name}}}}}");
        doc = doc
            .replace(&format!("\"{placeholder}\""), &value.to_string())
            .replace(&placeholder, &value.to_string());
    }
    doc
});

/// `GET /api/v1/concepts/{id}`.
pub(crate) async fn concept(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Json<ConceptPage>, ApiError> {
    let id = params::concept_id(&path_value(id)?)?;
    let query = Params::parse(raw.as_deref());
    let page = state.answer(|engine| {
        let requested = language::requested(&query, &accept, |c| engine.has_language(c))?;
        Ok::<_, HttpError>(engine.concept_in(id, requested.as_deref()))
    })?;
    Ok(Json(page.ok_or_else(|| no_concept(id))?))
}

/// `GET /api/v1/concepts?title=`: the concept a title (or alias) names.
pub(crate) async fn concept_by_title(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Json<ConceptPage>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let title = params
        .get("title")
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if title.is_empty() {
        return Err(HttpError::BadRequest("parameter `title` is required".to_owned()).into());
    }
    if title.len() > MAX_QUERY_BYTES {
        return Err(HttpError::BadRequest(format!(
            "a title is at most {MAX_QUERY_BYTES} bytes long"
        ))
        .into());
    }
    // In the language asked for, else in the title's own language.
    let page = state.answer(|engine| {
        let requested = language::requested(&params, &accept, |c| engine.has_language(c))?;
        Ok::<_, HttpError>(engine.find_title_in(&title).and_then(|(id, titled)| {
            engine.concept_in(id, requested.as_deref().or(titled.as_deref()))
        }))
    })?;
    let page =
        page.ok_or_else(|| HttpError::NotFound(format!("no concept is titled `{title}`")))?;
    Ok(Json(page))
}

/// The related concepts of one concept.
#[derive(Debug, Serialize)]
pub(crate) struct RelatedList {
    items: Vec<RelatedConcept>,
}

/// `GET /api/v1/concepts/{id}/related`.
pub(crate) async fn related(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<RelatedList>, ApiError> {
    let id = params::concept_id(&path_value(id)?)?;
    let items = state
        .answer(move |engine| engine.related(id))
        .ok_or_else(|| no_concept(id))?;
    Ok(Json(RelatedList { items }))
}

pub(crate) fn no_concept(id: u32) -> HttpError {
    HttpError::NotFound(format!("there is no concept with id {id}"))
}

/// What `/healthz` says.
#[derive(Debug, Serialize)]
pub(crate) struct Health {
    status: &'static str,
    version: &'static str,
    /// Seconds since the Unix epoch, now.
    time: u64,
    /// The generation of the snapshot served (`gen-…`, as `DIR/CURRENT`
    /// names it once the server has picked it up).
    generation: String,
    stats: StatsPage,
    /// The live records store: where (`backend`: `file` or `postgresql`)
    /// and its state (`ok`, `failing` with the last write's error,
    /// `unavailable` with the database's error, `read_only` or `none`).
    live_records: kenning_engine::LiveStoreHealth,
}

/// `GET /healthz`: the engine answers, and what it serves.
pub(crate) async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let served = state.served();
    let (stats, live_records) = (served.engine.stats(), served.engine.live_store_health());
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(Json(Health {
        // The snapshot always answers; a failing store, or a database out
        // of reach, makes writes fail.
        status: if matches!(live_records.state, "failing" | "unavailable") {
            "degraded"
        } else {
            "ok"
        },
        live_records,
        version: env!("CARGO_PKG_VERSION"),
        time,
        generation: served.generation.clone(),
        stats,
    }))
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI.as_str(),
    )
        .into_response()
}
