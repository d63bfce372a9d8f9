//! Search: the result page for people, search and suggestions as JSON.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use kenning_engine::{Engine, SearchHit, SearchPage, SearchRequest, TypeCount};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, HttpError, PageError};
use crate::html::{self, Shell, escape, is_web_url, url_encode};
use crate::language::{self, AcceptLanguage};
use crate::messages::Messages;
use crate::page_parts;
use crate::params::{MAX_OFFSET, Params};
use crate::record_types::{self, RecordTypes};

/// Results per page on `/search`, and the API's default `limit`.
const PAGE_SIZE: usize = 10;
/// The last page of `/search`: the one that starts at [`MAX_OFFSET`] at
/// the latest (what [`Params::page`] accepts).
pub(crate) const LAST_PAGE: usize = MAX_OFFSET / PAGE_SIZE + 1;
/// Suggestions by default.
const SUGGEST_LIMIT: usize = 8;

/// Asks the engine, or answers an empty page for an empty query. Types
/// the site does not have are refused first. Concepts are titled in the
/// reader's language (`?lang=`, else `Accept-Language`) when they have a
/// page in it.
fn run_search(
    state: &AppState,
    mut request: SearchRequest,
    params: &Params,
    accept: &AcceptLanguage,
) -> Result<(SearchPage, Option<String>), HttpError> {
    check_types(state, &request.types)?;
    state.answer(|engine| {
        let lang = language::requested(params, accept, |c| engine.has_language(c))?;
        // No words and no type: nothing asked. No words and a type: every
        // record (or concept) of that type, to browse.
        if request.query.is_empty() && request.types.is_empty() {
            let page = SearchPage {
                query: std::mem::take(&mut request.query),
                total: 0,
                corrected: None,
                type_counts: Vec::new(),
                items: Vec::new(),
            };
            return Ok((page, lang));
        }
        request.lang.clone_from(&lang);
        let mut page = engine
            .search(&request)
            .map_err(|e| HttpError::Internal(format!("search: {e}")))?;
        if let Some(lang) = &lang {
            engine.hits_in(&mut page.items, lang);
        }
        Ok((page, lang))
    })
}

/// A 400 naming the types of `types` the site does not have, and those
/// it has.
fn check_types(state: &AppState, types: &[String]) -> Result<(), HttpError> {
    if types.is_empty() {
        return Ok(());
    }
    let known = state.answer(Engine::types);
    let unknown: Vec<String> = types
        .iter()
        .filter(|t| !known.iter().any(|k| &k.kind == *t))
        .map(|t| format!("`{t}`"))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let has: Vec<&str> = known.iter().map(|k| k.kind.as_str()).collect();
    Err(HttpError::BadRequest(format!(
        "unknown type {}: this site has {}",
        unknown.join(", "),
        has.join(", ")
    )))
}

/// `GET /api/v1/search?q=&types=&limit=&offset=&exact=&counts=`.
pub(crate) async fn api_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Json<SearchPage>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let query = params
        .query()?
        .ok_or_else(|| HttpError::BadRequest("parameter `q` is required".to_owned()))?;
    let request = SearchRequest {
        query,
        types: params.types()?,
        limit: params.limit(PAGE_SIZE)?,
        offset: params.offset()?,
        exact: params.flag("exact")?,
        count_types: params.flag("counts")?,
        lang: None,
    };
    Ok(Json(run_search(&state, request, &params, &accept)?.0))
}

/// What `/api/v1/suggest` answers.
#[derive(Debug, Serialize)]
pub(crate) struct Suggestions {
    query: String,
    items: Vec<SearchHit>,
}

/// `GET /api/v1/suggest?q=&limit=`: titles for what is being typed.
pub(crate) async fn api_suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Json<Suggestions>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let query = params
        .query()?
        .ok_or_else(|| HttpError::BadRequest("parameter `q` is required".to_owned()))?;
    let limit = params.limit(SUGGEST_LIMIT)?;
    if query.is_empty() {
        return Ok(Json(Suggestions {
            query,
            items: Vec::new(),
        }));
    }
    let items = state.answer(|engine| {
        let lang = language::requested(&params, &accept, |c| engine.has_language(c))?;
        let mut items = engine
            .suggest(&query, limit)
            .map_err(|e| HttpError::Internal(format!("suggest: {e}")))?;
        if let Some(lang) = lang {
            engine.hits_in(&mut items, &lang);
        }
        Ok::<_, HttpError>(items)
    })?;
    Ok(Json(Suggestions { query, items }))
}

/// What one results page shows: the words, the type filter, whether typo
/// tolerance is off; every link of the page keeps them.
struct Shown<'a> {
    query: &'a str,
    types: &'a [String],
    exact: bool,
    /// How the config names record types.
    labels: &'a RecordTypes,
    /// The language the reader chose with `?lang=`, kept in the page's
    /// links.
    lang: Option<&'a str>,
    /// The page's words, in the reader's language.
    m: Messages,
}

impl Shown<'_> {
    /// The URL of page `page` of this search (not yet escaped for HTML).
    fn url(&self, page: usize) -> String {
        self.url_of(self.types, self.exact, page)
    }

    /// The URL of page `page` of this query with `types` and `exact`.
    fn url_of(&self, types: &[String], exact: bool, page: usize) -> String {
        let mut url = search_url(self.query, types, exact, page);
        if let Some(lang) = self.lang {
            let _ = write!(url, "&lang={}", url_encode(lang));
        }
        url
    }
}

/// `GET /search?q=&types=&page=&exact=`.
pub(crate) async fn results_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Html<String>, PageError> {
    let params = Params::parse(raw.as_deref());
    let query = params.query()?.unwrap_or_default();
    let types = params.types()?;
    let page = params.page(PAGE_SIZE)?;
    let exact = params.flag("exact")?;
    let offset = (page - 1) * PAGE_SIZE;
    let request = SearchRequest {
        query: query.clone(),
        types: types.clone(),
        limit: PAGE_SIZE,
        offset,
        exact,
        count_types: true,
        lang: None,
    };
    let (results, lang) = run_search(&state, request, &params, &accept)?;
    let m = Messages::new(lang.as_deref());
    let shown = Shown {
        query: &query,
        types: &types,
        exact,
        labels: &state.config.record_types,
        // Only an explicit `?lang=` is carried in links: a browser's
        // Accept-Language comes with every request anyway.
        lang: params.get("lang").and(lang.as_deref()),
        m,
    };

    let browsing = query.is_empty() && !types.is_empty();
    let names: Vec<String> = types
        .iter()
        .map(|t| record_types::plural(shown.labels, t).to_lowercase())
        .collect();
    let mut b = String::with_capacity(8192);
    if browsing {
        let _ = writeln!(b, "<h1>All {}</h1>", escape(&names.join(", ")));
    } else {
        let _ = writeln!(
            b,
            "<h1 class=\"visually-hidden\">{}</h1>",
            escape(&m.with("search-results", &[]))
        );
    }
    b.push_str("<div class=\"results-form\">\n");
    b.push_str(&html::search_form_in(
        &query,
        "page-search",
        query.is_empty() && !browsing,
        &m,
        shown.lang,
    ));
    b.push_str("</div>\n");
    if !query.is_empty() || browsing {
        type_filter(&mut b, &shown, &results.type_counts);
    }
    correction_note(&mut b, &shown, results.corrected.as_deref());

    let from = (offset + 1).to_string();
    let to = (offset + results.items.len()).to_string();
    if browsing && !results.items.is_empty() {
        let total = crate::pages::thousands(results.total as u64);
        let _ = writeln!(
            b,
            "<p class=\"result-count\">{}</p>",
            escape(&m.with(
                "search-browse-count",
                &[("from", &from), ("to", &to), ("total", &total)]
            ))
        );
        let _ = writeln!(b, "<ol class=\"results\" start=\"{}\">", offset + 1);
        for hit in &results.items {
            result_item(&mut b, hit, shown.labels);
        }
        b.push_str("</ol>\n");
        pagination(&mut b, &shown, page, results.total);
    } else if query.is_empty() && !browsing {
        let has_records = state.answer(|engine| engine.stats().records > 0);
        let hint = if has_records {
            "search-hint-records"
        } else {
            "search-hint"
        };
        let _ = writeln!(
            b,
            "<p class=\"result-count\">{}</p>",
            escape(&m.with(hint, &[]))
        );
    } else if results.total == 0 {
        let _ = writeln!(
            b,
            "<p class=\"result-count\">{}</p>",
            escape(&m.with("search-none", &[("query", &query)]))
        );
    } else if results.items.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"result-count\">{} <a href=\"{}\">{}</a>.</p>",
            escape(&m.with("search-no-more", &[])),
            escape(&shown.url(1)),
            escape(&m.with("search-back-to-first", &[]))
        );
    } else {
        let total = results.total.to_string();
        let _ = writeln!(
            b,
            "<p class=\"result-count\">{}</p>",
            escape(&m.with(
                "search-count",
                &[
                    ("from", &from),
                    ("to", &to),
                    ("total", &total),
                    ("query", &query)
                ]
            ))
        );
        let _ = writeln!(b, "<ol class=\"results\" start=\"{}\">", offset + 1);
        for hit in &results.items {
            result_item(&mut b, hit, shown.labels);
        }
        b.push_str("</ol>\n");
        pagination(&mut b, &shown, page, results.total);
    }

    let title = if browsing {
        format!("All {}", names.join(", "))
    } else if query.is_empty() {
        m.with("search-title", &[]).into_owned()
    } else {
        m.with("search-title-query", &[("query", &query)])
            .into_owned()
    };
    Ok(Html(html::page(
        &Shell {
            title: &title,
            query: "",
            header_search: false,
            body_class: "search",
            lang: lang.as_deref(),
            ..Shell::default()
        },
        &b,
    )))
}

/// The page URL of a search (not yet escaped for HTML).
fn search_url(query: &str, types: &[String], exact: bool, page: usize) -> String {
    let mut url = format!("/search?q={}", url_encode(query));
    if !types.is_empty() {
        let _ = write!(url, "&types={}", url_encode(&types.join(",")));
    }
    if exact {
        url.push_str("&exact=true");
    }
    if page > 1 {
        let _ = write!(url, "&page={page}");
    }
    url
}

/// "Showing results for …" when typo tolerance read the query as other
/// words, with a link to the words as typed; when they were asked for as
/// typed, a link back to typo tolerance.
fn correction_note(b: &mut String, shown: &Shown<'_>, corrected: Option<&str>) {
    let m = &shown.m;
    if shown.exact {
        let tolerant = shown.url_of(shown.types, false, 1);
        let _ = writeln!(
            b,
            "<p class=\"correction\">{} <a href=\"{}\">{}</a></p>",
            escape(&m.with("search-as-typed", &[])),
            escape(&tolerant),
            escape(&m.with("search-allow-typos", &[]))
        );
        return;
    }
    let Some(corrected) = corrected else {
        return;
    };
    let as_typed = shown.url_of(shown.types, true, 1);
    // The corrected words are emphasised: they go in after escaping.
    const WORDS: &str = "\u{1}";
    let showing = escape(&m.with("search-showing", &[("corrected", WORDS)]))
        .to_string()
        .replace(WORDS, &format!("<em>{}</em>", escape(corrected)));
    let _ = writeln!(
        b,
        "<p class=\"correction\">{showing} <a href=\"{}\">{}</a></p>",
        escape(&as_typed),
        escape(&m.with("search-only-for", &[("query", shown.query)]))
    );
}

/// "All types" plus one link per type found, each with its count of
/// results; the type asked for is shown even when nothing was found.
fn type_filter(b: &mut String, shown: &Shown<'_>, counts: &[TypeCount]) {
    let all: usize = counts.iter().map(|c| c.count).sum();
    let mut offered: Vec<(&str, usize)> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.kind.as_str(), c.count))
        .collect();
    for t in shown.types {
        if !offered.iter().any(|(k, _)| k == t) {
            offered.push((t, 0));
        }
    }
    let _ = writeln!(
        b,
        "<ul class=\"type-filter\" aria-label=\"{}\">",
        escape(&shown.m.with("search-filter-by-type", &[]))
    );
    let link = |types: &[String]| shown.url_of(types, shown.exact, 1);
    // Browsing (no words): one type at a time, there is no "all".
    if !shown.query.is_empty() {
        let all_types = shown.m.with("search-all-types", &[]);
        filter_link(b, &all_types, all, &link(&[]), shown.types.is_empty());
    }
    for (t, count) in offered {
        let current = shown.types.len() == 1 && shown.types[0] == t;
        let label = record_types::plural(shown.labels, t);
        filter_link(b, &label, count, &link(&[t.to_owned()]), current);
    }
    b.push_str("</ul>\n");
}

fn filter_link(b: &mut String, label: &str, count: usize, url: &str, current: bool) {
    if current {
        let _ = writeln!(
            b,
            "<li><span class=\"current\" aria-current=\"true\">{} <span class=\"count\">{count}</span></span></li>",
            escape(label)
        );
    } else {
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{} <span class=\"count\">{count}</span></a></li>",
            escape(url),
            escape(label)
        );
    }
}

fn result_item(b: &mut String, hit: &SearchHit, labels: &RecordTypes) {
    // Only this site's own pages and web URLs are linked.
    let href = if (hit.url.starts_with('/') && !hit.url.starts_with("//")) || is_web_url(&hit.url) {
        hit.url.as_str()
    } else {
        "#"
    };
    b.push_str("<li class=\"result\">\n");
    let _ = write!(
        b,
        "<p class=\"result-type\">{}",
        escape(&record_types::label(labels, &hit.kind))
    );
    if let Some(code) = &hit.code {
        let _ = write!(b, " · <span class=\"code\">{}</span>", escape(code));
    }
    b.push_str("</p>\n");
    let _ = writeln!(
        b,
        "<h2><a href=\"{}\">{}</a></h2>",
        escape(href),
        escape(&hit.title)
    );
    if let Some(alias) = &hit.matched_alias {
        let _ = writeln!(
            b,
            "<p class=\"matched-alias\">Also known as {}</p>",
            escape(alias)
        );
    }
    if !hit.snippet.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"snippet\">{}</p>",
            highlighted(&hit.snippet, &hit.highlights)
        );
    }
    b.push_str("</li>\n");
}

/// `snippet` escaped, with the byte ranges of `highlights` in `<mark>`;
/// ranges that overlap an earlier one or split a character are ignored.
pub(crate) fn highlighted(snippet: &str, highlights: &[(usize, usize)]) -> String {
    let mut ranges: Vec<(usize, usize)> = highlights
        .iter()
        .copied()
        .filter(|&(s, e)| s < e && snippet.is_char_boundary(s) && snippet.is_char_boundary(e))
        .collect();
    ranges.sort_unstable();
    let mut out = String::with_capacity(snippet.len() + ranges.len() * 13);
    let mut at = 0;
    for (start, end) in ranges {
        if start < at {
            continue;
        }
        let _ = write!(
            out,
            "{}<mark>{}</mark>",
            escape(&snippet[at..start]),
            escape(&snippet[start..end])
        );
        at = end;
    }
    let _ = write!(out, "{}", escape(&snippet[at..]));
    out
}

/// The result pages' navigation (none for a single page).
fn pagination(b: &mut String, shown: &Shown<'_>, page: usize, total: usize) {
    let last = total.div_ceil(PAGE_SIZE).min(LAST_PAGE);
    let m = &shown.m;
    page_parts::pagination_in(
        b,
        [
            &m.with("pagination-results", &[]),
            &m.with("pagination-previous", &[]),
            &m.with("pagination-next", &[]),
        ],
        page,
        last,
        |n| shown.url(n),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_marked_and_escaped() {
        assert_eq!(
            highlighted("a <b> lake", &[(6, 10)]),
            "a &lt;b&gt; <mark>lake</mark>"
        );
        assert_eq!(
            highlighted("lake lake", &[(5, 9), (0, 4), (2, 6)]),
            "<mark>lake</mark> <mark>lake</mark>"
        );
        assert_eq!(highlighted("é", &[(0, 1), (0, 9)]), "é");
    }

    #[test]
    fn result_items_are_escaped() {
        let evil = "<script>alert(1)</script>\"'";
        let hit = SearchHit {
            kind: evil.to_owned(),
            id: "1".to_owned(),
            title: evil.to_owned(),
            code: Some(evil.to_owned()),
            snippet: format!("{evil} <img src=x onerror=alert(1)>"),
            highlights: vec![(1, 7)],
            matched_alias: Some(evil.to_owned()),
            score: 1.0,
            url: "javascript:alert(1)".to_owned(),
        };
        let mut b = String::new();
        result_item(&mut b, &hit, &RecordTypes::new());
        assert!(
            !b.contains("<script") && !b.contains("<img") && !b.contains("javascript:"),
            "{b}"
        );
        assert!(b.contains("<h2><a href=\"#\">&lt;script&gt;"), "{b}");
        assert!(b.contains("&lt;<mark>script</mark>&gt;"), "{b}");
        let mut b = String::new();
        let types = [evil.to_owned()];
        let shown = Shown {
            query: evil,
            types: &types,
            exact: false,
            labels: &RecordTypes::new(),
            lang: None,
            m: Messages::english(),
        };
        type_filter(&mut b, &shown, &[]);
        correction_note(&mut b, &shown, Some(evil));
        assert!(!b.contains("<script") && !b.contains("\"'"), "{b}");
    }

    #[test]
    fn type_filter_offers_the_types_found_with_their_counts() {
        let count = |kind: &str, count| TypeCount {
            kind: kind.to_owned(),
            count,
        };
        let types = ["course".to_owned()];
        let shown = Shown {
            query: "x",
            types: &types,
            exact: false,
            labels: &RecordTypes::new(),
            lang: None,
            m: Messages::english(),
        };
        let mut b = String::new();
        type_filter(
            &mut b,
            &shown,
            &[count("concept", 40), count("lab", 2), count("person", 0)],
        );
        assert!(
            b.contains("<a href=\"/search?q=x\">All types <span class=\"count\">42</span></a>"),
            "{b}"
        );
        assert!(
            b.contains(
                "<a href=\"/search?q=x&amp;types=concept\">Concepts <span class=\"count\">40</span></a>"
            ),
            "{b}"
        );
        assert!(
            b.contains(">Labs <span class=\"count\">2</span></a>"),
            "{b}"
        );
        assert!(!b.contains("People"), "{b}");
        // The type asked for is there even with no result.
        assert!(
            b.contains(
                "<span class=\"current\" aria-current=\"true\">Courses <span class=\"count\">0</span></span>"
            ),
            "{b}"
        );
    }

    #[test]
    fn corrections_link_to_the_words_as_typed() {
        let shown = Shown {
            query: "quantm mechnics",
            types: &[],
            exact: false,
            labels: &RecordTypes::new(),
            lang: None,
            m: Messages::english(),
        };
        let mut b = String::new();
        correction_note(&mut b, &shown, Some("quantum mechanics"));
        assert!(
            b.contains("Showing results for <em>quantum mechanics</em>."),
            "{b}"
        );
        assert!(
            b.contains("href=\"/search?q=quantm%20mechnics&amp;exact=true\""),
            "{b}"
        );
        let mut b = String::new();
        correction_note(&mut b, &shown, None);
        assert!(b.is_empty(), "{b}");
        let exact = Shown {
            exact: true,
            ..shown
        };
        let mut b = String::new();
        correction_note(&mut b, &exact, None);
        assert!(
            b.contains("<a href=\"/search?q=quantm%20mechnics\">Allow typos</a>"),
            "{b}"
        );
    }

    #[test]
    fn pagination_window() {
        let shown = Shown {
            query: "x",
            types: &[],
            exact: false,
            labels: &RecordTypes::new(),
            lang: None,
            m: Messages::english(),
        };
        let mut b = String::new();
        pagination(&mut b, &shown, 6, 200);
        let labels: Vec<&str> = b
            .lines()
            .filter_map(|l| l.split('>').nth(1))
            .filter_map(|l| l.split('<').next())
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            labels,
            [
                "Previous", "1", "…", "4", "5", "6", "7", "8", "…", "20", "Next"
            ]
        );
        let mut b = String::new();
        pagination(&mut b, &shown, 1, 10);
        assert!(b.is_empty());
    }
}
