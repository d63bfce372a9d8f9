//! Whole lists behind the cut ones: what links to a concept, a concept's
//! records of one type, a record's related records of one type and its
//! concepts, as JSON (`limit`/`offset`, answering `{"total", "items"}`)
//! and as pages for people (`?page=`, [`PAGE_SIZE`] a page).
//!
//! Pages show the first few entries of each list with its total and a
//! link here; the order is the same, so the full list starts where the
//! cut one did.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use kenning_engine::{Engine, LinkedConcept, ListPage, RecordConceptScore, RecordRef};
use kenning_records::RESERVED_KINDS;

use crate::AppState;
use crate::api::no_concept;
use crate::error::{ApiError, HttpError, PageError};
use crate::html::{self, Shell, escape, url_encode};
use crate::page_parts::{self, plural_label, scored_item};
use crate::params::{self, Params};
use crate::record_types;
use crate::records::{no_record, record_key};

/// Entries on one page of a full list.
pub(crate) const PAGE_SIZE: usize = 50;

/// Entries in one API answer unless `limit` says otherwise.
const API_LIMIT: usize = 20;

/// The path segment naming a type's list: `course` → `courses`,
/// `person` → `people` (the plural label in lower case, `-` for spaces).
pub(crate) fn plural_slug(kind: &str) -> String {
    plural_label(kind).to_lowercase().replace(' ', "-")
}

/// The record type whose list `slug` names, among the site's types.
pub(crate) fn kind_of_slug(engine: &Engine, slug: &str) -> Option<String> {
    engine
        .types()
        .into_iter()
        .map(|t| t.kind)
        .find(|k| !RESERVED_KINDS.contains(&k.as_str()) && plural_slug(k) == slug)
}

/// The address of a concept's full list of `kind` records.
pub(crate) fn concept_records_url(id: u32, kind: &str) -> String {
    format!("/concept/{id}/{}", url_encode(&plural_slug(kind)))
}

/// The address of a record's full list of related `kind` records.
pub(crate) fn related_records_url(record_url: &str, kind: &str) -> String {
    format!("{record_url}/related/{}", url_encode(&plural_slug(kind)))
}

/// `type`, when given, must be one of the site's record types.
pub(crate) fn record_type_param(
    state: &AppState,
    params: &Params,
) -> Result<Option<String>, HttpError> {
    let Some(kind) = params.get("type").map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let known = state.answer(Engine::types);
    if known
        .iter()
        .any(|t| t.kind == kind && !RESERVED_KINDS.contains(&kind))
    {
        return Ok(Some(kind.to_owned()));
    }
    let has: Vec<&str> = known
        .iter()
        .map(|t| t.kind.as_str())
        .filter(|k| !RESERVED_KINDS.contains(k))
        .collect();
    Err(HttpError::BadRequest(format!(
        "unknown record type `{kind}`: this site has {}",
        if has.is_empty() {
            "no records".to_owned()
        } else {
            has.join(", ")
        }
    )))
}

/// `GET /api/v1/concepts/{id}/links-here?limit=&offset=`.
pub(crate) async fn api_links_here(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<LinkedConcept>>, ApiError> {
    let id = params::concept_id(&crate::pages::path_value(id)?)?;
    let params = Params::parse(raw.as_deref());
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.links_here(id, offset, limit))
        .ok_or_else(|| no_concept(id))?;
    Ok(Json(list))
}

/// `GET /api/v1/concepts/{id}/records?type=&limit=&offset=`.
pub(crate) async fn api_concept_records(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<RecordRef>>, ApiError> {
    let id = params::concept_id(&crate::pages::path_value(id)?)?;
    let params = Params::parse(raw.as_deref());
    let kind = record_type_param(&state, &params)?;
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.concept_records(id, kind.as_deref(), offset, limit))
        .ok_or_else(|| no_concept(id))?;
    Ok(Json(list))
}

/// `GET /api/v1/records/{type}/{id}/related?type=&limit=&offset=`.
pub(crate) async fn api_record_related(
    State(state): State<AppState>,
    key: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<RecordRef>>, ApiError> {
    let (kind, id) = record_key(key)?;
    let params = Params::parse(raw.as_deref());
    let of_kind = record_type_param(&state, &params)?.ok_or_else(|| {
        HttpError::BadRequest("parameter `type` (the related records' type) is required".into())
    })?;
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.record_related(&kind, &id, &of_kind, offset, limit))
        .ok_or_else(|| no_record(&kind, &id))?;
    Ok(Json(list))
}

/// `GET /api/v1/records/{type}/{id}/concepts?limit=&offset=`.
pub(crate) async fn api_record_concepts(
    State(state): State<AppState>,
    key: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<RecordConceptScore>>, ApiError> {
    let (kind, id) = record_key(key)?;
    let params = Params::parse(raw.as_deref());
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.record_concepts(&kind, &id, offset, limit))
        .ok_or_else(|| no_record(&kind, &id))?;
    Ok(Json(list))
}

/// The page number asked for, and the offset it starts at.
fn page_of(params: &Params) -> Result<(usize, usize), HttpError> {
    let page = params.page(PAGE_SIZE)?;
    Ok((page, (page - 1) * PAGE_SIZE))
}

/// `GET /concept/{id}/{list}?page=`: `links-here`, or the records of one
/// type (`courses`, `people`, …).
pub(crate) async fn concept_list_page(
    State(state): State<AppState>,
    key: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let (id, list) = record_key(key)?;
    let id = params::concept_id(&id)?;
    let params = Params::parse(raw.as_deref());
    let (page, offset) = page_of(&params)?;
    let concept = state
        .answer(|engine| engine.concept(id))
        .ok_or_else(|| no_concept(id))?;
    let back = format!("/concept/{id}");
    let mut b = String::with_capacity(8192);
    if list == "links-here" {
        let found = state
            .answer(|engine| engine.links_here(id, offset, PAGE_SIZE))
            .ok_or_else(|| no_concept(id))?;
        let heading = format!("What links to {}", concept.title);
        let what = ("concept", "concepts", "the most linked-to first");
        open_list(
            &mut b,
            &heading,
            &back,
            &concept.title,
            &found,
            offset,
            what,
        );
        for c in &found.items {
            page_parts::concept_item(&mut b, c.id, &c.title);
        }
        close_list(&mut b, &found, page, |n| list_url(&back, "links-here", n));
        return Ok(Html(list_shell(&heading, &b)));
    }
    let kind = state
        .answer(|engine| kind_of_slug(engine, &list))
        .ok_or_else(|| {
            HttpError::NotFound(format!("there is no list `{list}` on a concept page"))
        })?;
    let found = state
        .answer(|engine| engine.concept_records(id, Some(&kind), offset, PAGE_SIZE))
        .ok_or_else(|| no_concept(id))?;
    let types = &state.config.record_types;
    let label = record_types::plural(types, &kind);
    let heading = format!("{label} about {}", concept.title);
    let noun = record_types::label(types, &kind).to_lowercase();
    let nouns = label.to_lowercase();
    let what = (noun.as_str(), nouns.as_str(), "the most relevant first");
    open_list(
        &mut b,
        &heading,
        &back,
        &concept.title,
        &found,
        offset,
        what,
    );
    for r in &found.items {
        scored_item(&mut b, &r.url, &r.title, "Relevance", r.score);
    }
    close_list(&mut b, &found, page, |n| {
        list_url(&back, &plural_slug(&kind), n)
    });
    Ok(Html(list_shell(&heading, &b)))
}

/// `GET /{type}/{id}/related/{list}?page=`: the records of one type
/// related to a record. Types that name the site's own routes (`api`, …)
/// answer as the fallback does.
pub(crate) async fn record_related_page(
    State(state): State<AppState>,
    uri: Uri,
    key: Result<Path<(String, String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (kind, id, list) = key
        .map(|Path(key)| key)
        .map_err(|_| HttpError::BadRequest("the address could not be decoded".to_owned()))?;
    if RESERVED_KINDS.contains(&kind.as_str()) {
        return Ok(crate::not_found(uri).await);
    }
    let params = Params::parse(raw.as_deref());
    let (page, offset) = page_of(&params)?;
    let record = state
        .answer(|engine| engine.record(&kind, &id))
        .ok_or_else(|| no_record(&kind, &id))?;
    let of_kind = state
        .answer(|engine| kind_of_slug(engine, &list))
        .ok_or_else(|| {
            HttpError::NotFound(format!("there is no list `{list}` on a record page"))
        })?;
    let found = state
        .answer(|engine| engine.record_related(&kind, &id, &of_kind, offset, PAGE_SIZE))
        .ok_or_else(|| no_record(&kind, &id))?;
    let types = &state.config.record_types;
    let label = record_types::plural(types, &of_kind);
    let heading = format!("{label} related to {}", record.title);
    let noun = record_types::label(types, &of_kind).to_lowercase();
    let nouns = label.to_lowercase();
    let what = (noun.as_str(), nouns.as_str(), "the most related first");
    let back = record.page_url.clone();
    let mut b = String::with_capacity(8192);
    open_list(&mut b, &heading, &back, &record.title, &found, offset, what);
    for r in &found.items {
        scored_item(&mut b, &r.url, &r.title, "Relatedness", r.score);
    }
    let base = format!("{back}/related");
    close_list(&mut b, &found, page, |n| {
        list_url(&base, &plural_slug(&of_kind), n)
    });
    Ok(Html(list_shell(&heading, &b)).into_response())
}

/// A whole page of a list of records, scored: `heading`, the way `back`
/// (its address and title), what an entry is (`what`, as [`open_list`]
/// takes it), the list's own address (for its pages) and how to `fetch`
/// a page of it (offset, limit).
pub(crate) fn records_list(
    params: &Params,
    heading: &str,
    back: (&str, &str),
    what: (&str, &str, &str),
    address: &str,
    fetch: impl FnOnce(usize, usize) -> ListPage<RecordRef>,
) -> Result<String, HttpError> {
    let (page, offset) = page_of(params)?;
    let found = fetch(offset, PAGE_SIZE);
    let mut b = String::with_capacity(8192);
    open_list(&mut b, heading, back.0, back.1, &found, offset, what);
    for r in &found.items {
        scored_item(&mut b, &r.url, &r.title, "Relevance", r.score);
    }
    close_list(&mut b, &found, page, |n| {
        if n > 1 {
            format!("{address}?page={n}")
        } else {
            address.to_owned()
        }
    });
    Ok(list_shell(heading, &b))
}

/// `{base}/{list}`, with `?page=n` past the first (not yet escaped).
fn list_url(base: &str, list: &str, page: usize) -> String {
    if page > 1 {
        format!("{base}/{list}?page={page}")
    } else {
        format!("{base}/{list}")
    }
}

/// The heading, the way back, the count and the list's opening tag.
/// `what`: the entry's noun, its plural, and the order.
fn open_list<T>(
    b: &mut String,
    heading: &str,
    back: &str,
    back_title: &str,
    found: &ListPage<T>,
    offset: usize,
    what: (&str, &str, &str),
) {
    let _ = writeln!(
        b,
        "<article class=\"full-list\">\n<p class=\"back\"><a href=\"{}\">← {}</a></p>\n<h1>{}</h1>",
        escape(back),
        escape(back_title),
        escape(heading)
    );
    let (noun, nouns, order) = what;
    let count = if found.total == 1 { noun } else { nouns };
    if found.items.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"count\">{} {}{}.</p>",
            found.total,
            escape(count),
            if found.total > 0 {
                "; this page is past the end"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(
            b,
            "<p class=\"count\">{}–{} of {} {}, {}.</p>",
            offset + 1,
            offset + found.items.len(),
            found.total,
            escape(count),
            escape(order)
        );
    }
    let _ = writeln!(b, "<ol class=\"related\" start=\"{}\">", offset + 1);
}

fn close_list<T>(b: &mut String, found: &ListPage<T>, page: usize, url: impl Fn(usize) -> String) {
    b.push_str("</ol>\n");
    let last = found
        .total
        .div_ceil(PAGE_SIZE)
        .min(crate::params::MAX_OFFSET / PAGE_SIZE + 1);
    page_parts::pagination(b, "List pages", page, last, url);
    b.push_str("</article>\n");
}

fn list_shell(title: &str, body: &str) -> String {
    html::page(
        &Shell {
            title,
            query: "",
            header_search: true,
            body_class: "list-page",
            ..Shell::default()
        },
        body,
    )
}
