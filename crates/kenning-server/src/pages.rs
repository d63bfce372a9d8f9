//! Pages for people: home, concept page, and `/wiki/{Title}` redirects.

use std::fmt::Write as _;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use kenning_engine::{Engine, LinkedConcept};

use crate::AppState;
use crate::concept_page;
use crate::error::{HttpError, PageError};
use crate::html::{self, Shell, escape, url_encode};
use crate::language::{self, AcceptLanguage};
use crate::params::{self, MAX_QUERY_BYTES, Params};
use crate::record_types;

/// What the home page offers to start with, drawn from the snapshot once.
#[derive(Debug)]
pub(crate) struct HomeExamples {
    /// The most linked-to concepts.
    concepts: Vec<LinkedConcept>,
    /// A record's code and title.
    code: Option<(String, String)>,
    /// The categories to browse from (finding the wiki's walks every
    /// category: done once).
    subjects: Vec<kenning_engine::CategoryChild>,
}

/// Concepts the home page suggests.
const EXAMPLE_CONCEPTS: usize = 6;

impl HomeExamples {
    fn find(engine: &Engine) -> HomeExamples {
        HomeExamples {
            concepts: engine.most_linked(EXAMPLE_CONCEPTS),
            code: engine
                .coded_records(1)
                .into_iter()
                .next()
                .map(|(r, code)| (code, r.title)),
            subjects: engine.category_entry_points(),
        }
    }
}

/// `a`, `a and b`, `a, b and c` (with `last` for "and").
fn listed(items: &[String], last_word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {last_word} {last}", init.join(", ")),
    }
}

/// `GET /`: the search box, what the site holds (each type with its count,
/// a link to browse it), and example searches drawn from the snapshot.
pub(crate) async fn home(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let (stats, types) = state.answer(|engine| (engine.stats(), engine.types()));
    let served = state.served();
    let examples = served
        .home_examples
        .get_or_init(|| HomeExamples::find(&served.engine));
    let labels = &state.config.record_types;
    let mut b = String::with_capacity(4096);
    b.push_str("<section class=\"home-hero\">\n");
    let _ = writeln!(b, "<h1>{}</h1>", html::BRAND);
    let wiki = if stats.site.trim().is_empty() {
        format!("{} concepts", thousands(stats.concepts))
    } else {
        format!("the concepts of {}", stats.site.trim())
    };
    let record_kinds: Vec<String> = types
        .iter()
        .filter(|t| !kenning_records::RESERVED_KINDS.contains(&t.kind.as_str()))
        .map(|t| record_types::plural(labels, &t.kind).to_lowercase())
        .collect();
    let institution = state
        .config
        .institution
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let tagline = match (institution, record_kinds.is_empty()) {
        (Some(who), false) => format!(
            "The {} of {who}, linked through {wiki}",
            listed(&record_kinds, "and")
        ),
        (None, false) => format!(
            "The {}, linked through {wiki}",
            listed(&record_kinds, "and")
        ),
        (Some(who), true) => format!("Search {wiki}, for {who}"),
        (None, true) => format!("Search {wiki}"),
    };
    let _ = writeln!(b, "<p class=\"tagline\">{}</p>", escape(&tagline));
    b.push_str(&html::search_form("", "home-search", true));

    // Example searches: well-linked concepts, and a record's code.
    if !examples.concepts.is_empty() || examples.code.is_some() {
        b.push_str("<p class=\"examples\">Try ");
        let mut links: Vec<String> = examples
            .concepts
            .iter()
            .map(|c| {
                format!(
                    "<a href=\"/search?q={}\">{}</a>",
                    escape(&url_encode(&c.title)),
                    escape(&c.title)
                )
            })
            .collect();
        if let Some((code, title)) = &examples.code {
            links.push(format!(
                "<a href=\"/search?q={}\" title=\"{}\">{}</a>",
                escape(&url_encode(code)),
                escape(title),
                escape(code)
            ));
        }
        b.push_str(&listed(&links, "or"));
        b.push_str("</p>\n");
    }

    // What there is, each type a way in: its list, the most linked first.
    b.push_str("<h2 class=\"visually-hidden\">Browse</h2>\n<ul class=\"stats\">\n");
    for t in types.iter().filter(|t| t.count > 0) {
        let what = if t.kind == "concept" {
            "concepts".to_owned()
        } else {
            record_types::plural(labels, &t.kind).to_lowercase()
        };
        let _ = writeln!(
            b,
            "<li><a href=\"/search?types={}\"><span class=\"figure\">{}</span> <span class=\"what\">{}</span></a></li>",
            escape(&url_encode(&t.kind)),
            thousands(t.count as u64),
            escape(&what)
        );
    }
    for (figure, what) in [
        (stats.redirects, "aliases"),
        (stats.links, "links"),
        (stats.categories, "wiki categories"),
    ] {
        if figure > 0 {
            let _ = writeln!(
                b,
                "<li><span class=\"figure\">{}</span> <span class=\"what\">{what}</span></li>",
                thousands(figure)
            );
        }
    }
    b.push_str("</ul>\n");
    // Subjects to browse: the ontology's top categories, else the wiki's.
    let subjects = &examples.subjects;
    if !subjects.is_empty() {
        b.push_str("<section class=\"subjects\">\n<h2>Browse by subject</h2>\n<ul class=\"subcategories\">\n");
        for c in subjects.iter().filter(|c| c.concept_count > 0) {
            let _ = writeln!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"count\">{} concepts</span></li>",
                escape(&crate::categories::category_url(&c.name)),
                escape(&c.title),
                thousands(c.concept_count as u64)
            );
        }
        b.push_str("</ul>\n</section>\n");
    }
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
            ..Shell::default()
        },
        &b,
    )))
}

/// `GET /concept/{id}?lang=`: in the language asked for (`?lang=`, else
/// `Accept-Language`), when the concept has a page in it.
pub(crate) async fn concept(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    accept: AcceptLanguage,
) -> Result<Html<String>, PageError> {
    let id = params::concept_id(&path_value(id)?)?;
    let query = Params::parse(raw.as_deref());
    let (page, requested) = state.answer(|engine| {
        let requested = language::requested(&query, &accept, |c| engine.has_language(c))?;
        let page = engine.concept_in(id, requested.as_deref());
        Ok::<_, HttpError>((page, requested))
    })?;
    let page =
        page.ok_or_else(|| HttpError::NotFound(format!("There is no concept with id {id}.")))?;
    // Only an explicit `?lang=` is marked when the concept lacks it: a
    // browser's Accept-Language is a wish, not a question.
    let asked = query.get("lang").and(requested.as_deref());
    Ok(Html(concept_page::render(&page, &state.config, asked)))
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
    match state.answer(|engine| engine.find_title_in(&title)) {
        // A title in another language leads to the page in that language.
        Some((id, lang)) => {
            let location = match lang {
                Some(lang) => format!("/concept/{id}?lang={}", url_encode(&lang)),
                None => format!("/concept/{id}"),
            };
            Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
        }
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
                    ..Shell::default()
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
pub(crate) fn thousands(n: u64) -> String {
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
