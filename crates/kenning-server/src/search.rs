//! Search: the result page for people, search and suggestions as JSON.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use kenning_engine::{SearchHit, SearchPage, SearchRequest};
use kenning_records::RECORD_TYPES;
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, HttpError, PageError};
use crate::html::{self, Shell, escape, is_web_url, url_encode};
use crate::page_parts;
use crate::params::{MAX_OFFSET, Params};

/// Results per page on `/search`, and the API's default `limit`.
const PAGE_SIZE: usize = 10;
/// The last page of `/search`: the one that starts at [`MAX_OFFSET`] at
/// the latest (what [`Params::page`] accepts).
pub(crate) const LAST_PAGE: usize = MAX_OFFSET / PAGE_SIZE + 1;
/// Suggestions by default.
const SUGGEST_LIMIT: usize = 8;

/// Asks the engine, or answers an empty page for an empty query.
fn run_search(state: &AppState, request: SearchRequest) -> Result<SearchPage, HttpError> {
    if request.query.is_empty() {
        return Ok(SearchPage {
            query: request.query,
            total: 0,
            items: Vec::new(),
        });
    }
    state
        .answer(|engine| engine.search(&request))
        .map_err(|e| HttpError::Internal(format!("search: {e}")))
}

/// `GET /api/v1/search?q=&types=&limit=&offset=`.
pub(crate) async fn api_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
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
    };
    Ok(Json(run_search(&state, request)?))
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
    let items = state
        .answer(|engine| engine.suggest(&query, limit))
        .map_err(|e| HttpError::Internal(format!("suggest: {e}")))?;
    Ok(Json(Suggestions { query, items }))
}

/// `GET /search?q=&types=&page=`.
pub(crate) async fn results_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let params = Params::parse(raw.as_deref());
    let query = params.query()?.unwrap_or_default();
    let types = params.types()?;
    let page = params.page(PAGE_SIZE)?;
    let offset = (page - 1) * PAGE_SIZE;
    let request = SearchRequest {
        query: query.clone(),
        types: types.clone(),
        limit: PAGE_SIZE,
        offset,
    };
    let results = run_search(&state, request)?;
    let has_records = state.answer(|engine| engine.stats().records > 0);

    let mut b = String::with_capacity(8192);
    b.push_str("<h1 class=\"visually-hidden\">Search results</h1>\n");
    b.push_str("<div class=\"results-form\">\n");
    b.push_str(&html::search_form(&query, "page-search", query.is_empty()));
    b.push_str("</div>\n");
    let found: Vec<&str> = results.items.iter().map(|h| h.kind.as_str()).collect();
    type_filter(&mut b, &query, &types, has_records, &found);

    if query.is_empty() {
        let what = if has_records {
            "the concepts and the records"
        } else {
            "the concepts"
        };
        let _ = writeln!(
            b,
            "<p class=\"result-count\">Type a few words to search {what}.</p>"
        );
    } else if results.total == 0 {
        let _ = writeln!(
            b,
            "<p class=\"result-count\">No results for “{}”.</p>",
            escape(&query)
        );
    } else if results.items.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"result-count\">No more results. <a href=\"{}\">Back to the first page</a>.</p>",
            escape(&search_url(&query, &types, 1))
        );
    } else {
        let _ = writeln!(
            b,
            "<p class=\"result-count\">Results {}–{} of {} for “{}”</p>",
            offset + 1,
            offset + results.items.len(),
            results.total,
            escape(&query)
        );
        let _ = writeln!(b, "<ol class=\"results\" start=\"{}\">", offset + 1);
        for hit in &results.items {
            result_item(&mut b, hit);
        }
        b.push_str("</ol>\n");
        pagination(&mut b, &query, &types, page, results.total);
    }

    let title = if query.is_empty() {
        "Search".to_owned()
    } else {
        format!("{query} – Search")
    };
    Ok(Html(html::page(
        &Shell {
            title: &title,
            query: "",
            header_search: false,
            body_class: "search",
        },
        &b,
    )))
}

/// The page URL of a search (not yet escaped for HTML).
fn search_url(query: &str, types: &[String], page: usize) -> String {
    let mut url = format!("/search?q={}", url_encode(query));
    if !types.is_empty() {
        let _ = write!(url, "&types={}", url_encode(&types.join(",")));
    }
    if page > 1 {
        let _ = write!(url, "&page={page}");
    }
    url
}

/// "All types" plus one link per type: concepts, the record types when
/// the snapshot has records, and any other type a result on this page or
/// the filter names.
fn type_filter(
    b: &mut String,
    query: &str,
    selected: &[String],
    has_records: bool,
    found: &[&str],
) {
    let mut offered: Vec<&str> = vec!["concept"];
    // The engine does not list the types it holds: the usual record types
    // are offered, and any other once a result or the filter names it.
    if has_records {
        offered.extend(RECORD_TYPES);
    }
    for t in found
        .iter()
        .copied()
        .chain(selected.iter().map(String::as_str))
    {
        if !offered.contains(&t) {
            offered.push(t);
        }
    }
    let offered: Vec<(String, String)> = offered
        .into_iter()
        .map(|t| (t.to_owned(), page_parts::plural_label(t)))
        .collect();
    b.push_str("<ul class=\"type-filter\" aria-label=\"Filter by type\">\n");
    let all_current = selected.is_empty();
    filter_link(b, "All types", &search_url(query, &[], 1), all_current);
    for (t, name) in &offered {
        let current = selected.len() == 1 && &selected[0] == t;
        filter_link(
            b,
            name,
            &search_url(query, std::slice::from_ref(t), 1),
            current,
        );
    }
    b.push_str("</ul>\n");
}

fn filter_link(b: &mut String, label: &str, url: &str, current: bool) {
    if current {
        let _ = writeln!(
            b,
            "<li><span class=\"current\" aria-current=\"true\">{}</span></li>",
            escape(label)
        );
    } else {
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{}</a></li>",
            escape(url),
            escape(label)
        );
    }
}

fn result_item(b: &mut String, hit: &SearchHit) {
    // Only this site's own pages and web URLs are linked.
    let href = if (hit.url.starts_with('/') && !hit.url.starts_with("//")) || is_web_url(&hit.url) {
        hit.url.as_str()
    } else {
        "#"
    };
    b.push_str("<li class=\"result\">\n");
    let _ = writeln!(
        b,
        "<p class=\"result-type\">{}</p>",
        escape(&page_parts::type_label(&hit.kind))
    );
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

/// Previous, a window of page numbers with the first and last, next.
fn pagination(b: &mut String, query: &str, types: &[String], page: usize, total: usize) {
    let last = total.div_ceil(PAGE_SIZE).min(LAST_PAGE);
    if last <= 1 {
        return;
    }
    b.push_str("<nav class=\"pagination\" aria-label=\"Result pages\">\n");
    if page > 1 {
        let _ = writeln!(
            b,
            "<a href=\"{}\" rel=\"prev\">Previous</a>",
            escape(&search_url(query, types, page - 1))
        );
    }
    let window = page.saturating_sub(2).max(1)..=(page + 2).min(last);
    let mut shown: Vec<usize> = vec![1];
    shown.extend(window);
    shown.push(last);
    shown.dedup();
    let mut previous = 0;
    for n in shown {
        if n > previous + 1 {
            b.push_str("<span class=\"gap\">…</span>\n");
        }
        if n == page {
            let _ = writeln!(
                b,
                "<span class=\"current\" aria-current=\"page\">{n}</span>"
            );
        } else {
            let _ = writeln!(
                b,
                "<a href=\"{}\">{n}</a>",
                escape(&search_url(query, types, n))
            );
        }
        previous = n;
    }
    if page < last {
        let _ = writeln!(
            b,
            "<a href=\"{}\" rel=\"next\">Next</a>",
            escape(&search_url(query, types, page + 1))
        );
    }
    b.push_str("</nav>\n");
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
            snippet: format!("{evil} <img src=x onerror=alert(1)>"),
            highlights: vec![(1, 7)],
            matched_alias: Some(evil.to_owned()),
            score: 1.0,
            url: "javascript:alert(1)".to_owned(),
        };
        let mut b = String::new();
        result_item(&mut b, &hit);
        assert!(
            !b.contains("<script") && !b.contains("<img") && !b.contains("javascript:"),
            "{b}"
        );
        assert!(b.contains("<h2><a href=\"#\">&lt;script&gt;"), "{b}");
        assert!(b.contains("&lt;<mark>script</mark>&gt;"), "{b}");
        let mut b = String::new();
        type_filter(&mut b, evil, &[evil.to_owned()], true, &[evil]);
        assert!(!b.contains("<script") && !b.contains("\"'"), "{b}");
    }

    #[test]
    fn type_filter_offers_record_types_when_there_are_records() {
        let mut b = String::new();
        type_filter(&mut b, "x", &[], false, &["concept"]);
        assert!(b.contains(">Concepts</a>") && !b.contains("Courses"), "{b}");
        let mut b = String::new();
        type_filter(
            &mut b,
            "x",
            &["course".to_owned()],
            true,
            &["course", "lab"],
        );
        for label in ["Concepts", "People", "Publications", "Units", "Labs"] {
            assert!(b.contains(&format!(">{label}</a>")), "{label}: {b}");
        }
        assert!(
            b.contains("<span class=\"current\" aria-current=\"true\">Courses</span>"),
            "{b}"
        );
        assert!(b.contains("href=\"/search?q=x&amp;types=person\""), "{b}");
    }

    #[test]
    fn search_urls() {
        assert_eq!(search_url("a&b", &[], 1), "/search?q=a%26b");
        assert_eq!(
            search_url("x", &["concept".to_owned()], 3),
            "/search?q=x&types=concept&page=3"
        );
    }

    #[test]
    fn pagination_window() {
        let mut b = String::new();
        pagination(&mut b, "x", &[], 6, 200);
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
        pagination(&mut b, "x", &[], 1, 10);
        assert!(b.is_empty());
    }
}
