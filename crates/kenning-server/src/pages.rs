//! Pages for people: home, concept page, and `/wiki/{Title}` redirects.

use std::fmt::Write as _;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::concept_page;
use crate::error::{HttpError, PageError};
use crate::html::{self, Shell, escape, url_encode};
use crate::params::{self, MAX_QUERY_BYTES};

/// `GET /`.
pub(crate) async fn home(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let stats = state.answer(|engine| engine.stats());
    let mut b = String::with_capacity(4096);
    b.push_str("<section class=\"home-hero\">\n");
    let _ = writeln!(b, "<h1>{}</h1>", html::BRAND);
    let _ = writeln!(
        b,
        "<p class=\"tagline\">Search the concepts of {}</p>",
        escape(&stats.site)
    );
    b.push_str(&html::search_form("", "home-search", true));
    b.push_str("<ul class=\"stats\">\n");
    let mut figures = vec![
        (stats.concepts, "concepts"),
        (stats.redirects, "aliases"),
        (stats.links, "links"),
        (stats.categories, "categories"),
    ];
    if stats.records > 0 {
        figures.push((stats.records, "records"));
    }
    for (figure, what) in figures {
        let _ = writeln!(
            b,
            "<li><span class=\"figure\">{}</span> <span class=\"what\">{what}</span></li>",
            thousands(figure)
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<p class=\"built\">Snapshot built {}</p>",
        escape(&concept_page::readable_timestamp(&stats.built_at))
    );
    b.push_str("</section>");
    Ok(Html(html::page(
        &Shell {
            title: "",
            query: "",
            header_search: false,
            body_class: "home",
        },
        &b,
    )))
}

/// `GET /concept/{id}`.
pub(crate) async fn concept(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, PageError> {
    let id = params::concept_id(&path_value(id)?)?;
    let page = state
        .answer(move |engine| engine.concept(id))
        .ok_or_else(|| HttpError::NotFound(format!("There is no concept with id {id}.")))?;
    Ok(Html(concept_page::render(&page, &state.config)))
}

/// `GET /wiki/{Title}`: a 302 to the concept page of the title, matched as
/// the wiki matches titles (underscores for spaces, first-letter case,
/// redirects); a 404 page offering a search otherwise.
pub(crate) async fn wiki(
    State(state): State<AppState>,
    title: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let title = path_value(title)?;
    if title.len() > MAX_QUERY_BYTES {
        return Err(HttpError::BadRequest(format!(
            "a title is at most {MAX_QUERY_BYTES} bytes long"
        ))
        .into());
    }
    match state.answer(|engine| engine.find_title(&title)) {
        Some(id) => Ok((
            StatusCode::FOUND,
            [(header::LOCATION, format!("/concept/{id}"))],
        )
            .into_response()),
        None => {
            let shown = title.replace('_', " ");
            let body = format!(
                "<article class=\"error-page\">\n<p class=\"type-label\">Error 404</p>\n\
                 <h1>No concept is titled “{t}”</h1>\n\
                 <p><a href=\"/search?q={q}\">Search for “{t}”</a> instead.</p>\n</article>",
                t = escape(&shown),
                q = escape(&url_encode(&shown)),
            );
            let page = html::page(
                &Shell {
                    title: "Not found",
                    query: &shown,
                    header_search: true,
                    body_class: "error",
                },
                &body,
            );
            Ok((StatusCode::NOT_FOUND, Html(page)).into_response())
        }
    }
}

/// A path parameter, or a 400 when it cannot be decoded.
pub(crate) fn path_value(value: Result<Path<String>, PathRejection>) -> Result<String, HttpError> {
    value
        .map(|Path(v)| v)
        .map_err(|_| HttpError::BadRequest("the address could not be decoded".to_owned()))
}

/// `12345` as `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
