//! Categories, the institution's ontology's (`graph-theory`) and the
//! wiki's (`Lake_Tessel`): `/category/{name}` for people (breadcrumb,
//! summary, parents, subcategories with their sizes, every concept a page
//! at a time, the records about them with their full lists at
//! `/category/{name}/{plural}`) and `/api/v1/categories/{name}`,
//! `…/concepts` and `…/records` as JSON.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use kenning_engine::{
    CategoryLink, CategoryPage, LinkedConcept, ListPage, OntologyPlace, RecordRef,
};

use crate::AppState;
use crate::concept_page::institution_section;
use crate::error::{ApiError, HttpError, PageError};
use crate::html::{self, Shell, escape, url_encode};
use crate::lists::{self as full_lists, plural_slug};
use crate::messages::{Messages, Msg};
use crate::page_parts;
use crate::params::Params;
use crate::record_types;

/// Concepts on one page of a category.
const PAGE_SIZE: usize = 50;

/// Concepts in one API answer unless `limit` says otherwise.
const API_LIMIT: usize = 20;

fn no_category(name: &str) -> HttpError {
    HttpError::NotFound(format!(
        "there is no category `{name}`; categories are listed from the home page"
    ))
}

fn category_name(name: Result<Path<String>, PathRejection>) -> Result<String, HttpError> {
    crate::pages::path_value(name)
}

/// A category's page address.
pub(crate) fn category_url(name: &str) -> String {
    kenning_engine::category_path(name)
}

/// `GET /api/v1/categories/{name}`.
pub(crate) async fn api_category(
    State(state): State<AppState>,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<CategoryPage>, ApiError> {
    let name = category_name(name)?;
    let page = state
        .answer(|engine| engine.category(&name))
        .ok_or_else(|| no_category(&name))?;
    Ok(Json(page))
}

/// `GET /api/v1/categories/{name}/concepts?limit=&offset=`.
pub(crate) async fn api_category_concepts(
    State(state): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<LinkedConcept>>, ApiError> {
    let name = category_name(name)?;
    let params = Params::parse(raw.as_deref());
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.category_concepts(&name, offset, limit))
        .ok_or_else(|| no_category(&name))?;
    Ok(Json(list))
}

/// A breadcrumb of categories, each linked (the last one too when
/// `link_last`).
pub(crate) fn breadcrumb(b: &mut String, path: &[CategoryLink], link_last: bool) {
    b.push_str("<nav class=\"breadcrumb\" aria-label=\"Subjects\"><ol>");
    for (i, c) in path.iter().enumerate() {
        if i + 1 == path.len() && !link_last {
            let _ = write!(
                b,
                "<li><span aria-current=\"page\">{}</span></li>",
                escape(&c.title)
            );
        } else {
            let _ = write!(
                b,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&category_url(&c.name)),
                escape(&c.title)
            );
        }
    }
    b.push_str("</ol></nav>\n");
}

/// The concept page's section on where the concept sits in the ontology.
pub(crate) fn places_section(b: &mut String, places: &[OntologyPlace], m: &Messages) {
    if places.is_empty() {
        return;
    }
    let _ = writeln!(
        b,
        "<section id=\"subjects\">\n<h2>{}</h2>",
        m.html(Msg::Subjects)
    );
    for place in places {
        breadcrumb(b, &place.path, true);
        if !place.cluster.is_empty() {
            let _ = writeln!(
                b,
                "<p class=\"cluster-label\">{}</p>\n<ul class=\"chips\">",
                m.html(Msg::SameCluster)
            );
            for c in &place.cluster {
                page_parts::concept_item(b, c.id, &c.title);
            }
            b.push_str("</ul>\n");
        }
    }
    b.push_str("</section>\n");
}

/// `GET /category/{name}?page=`.
pub(crate) async fn page(
    State(state): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let name = category_name(name)?;
    let params = Params::parse(raw.as_deref());
    let page = params.page(PAGE_SIZE)?;
    let offset = (page - 1) * PAGE_SIZE;
    let category = state
        .answer(|engine| engine.category(&name))
        .ok_or_else(|| no_category(&name))?;
    let concepts = state
        .answer(|engine| engine.category_concepts(&name, offset, PAGE_SIZE))
        .ok_or_else(|| no_category(&name))?;
    let mut b = String::with_capacity(16 * 1024);
    b.push_str("<article class=\"category\">\n");
    let path: Vec<CategoryLink> = category
        .path
        .iter()
        .zip(&category.path_titles)
        .map(|(name, title)| CategoryLink {
            name: name.clone(),
            title: title.clone(),
        })
        .collect();
    breadcrumb(&mut b, &path, false);
    let _ = writeln!(
        b,
        "<p class=\"type\">Category</p>\n<h1>{}</h1>",
        escape(&category.title)
    );
    if !category.summary.is_empty() {
        b.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
        for para in category
            .summary
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
        {
            let _ = writeln!(b, "<p>{}</p>", escape(para.trim()));
        }
        if let Some(a) = &category.anchor {
            let _ = writeln!(
                b,
                "<p class=\"more\">From the article <a href=\"/concept/{}\">{}</a>.</p>",
                a.id,
                escape(&a.title)
            );
        }
        b.push_str("</section>\n");
    }
    if category.parents.len() > 1 {
        b.push_str("<section id=\"parents\">\n<h2>Parent categories</h2>\n<ul class=\"chips\">\n");
        for p in &category.parents {
            let _ = writeln!(
                b,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&category_url(&p.name)),
                escape(&p.title)
            );
        }
        b.push_str("</ul>\n</section>\n");
    }
    if !category.children.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"subcategories\">\n<h2>Subcategories ({})</h2>\n<ul class=\"subcategories\">",
            category.children.len()
        );
        for c in &category.children {
            let _ = writeln!(
                b,
                "<li><a href=\"{}\">{}</a> <span class=\"count\">{} {}</span></li>",
                escape(&category_url(&c.name)),
                escape(&c.title),
                c.concept_count,
                if c.concept_count == 1 {
                    "concept"
                } else {
                    "concepts"
                }
            );
        }
        b.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        b,
        "<section id=\"concepts\">\n<h2>Concepts ({})</h2>",
        concepts.total
    );
    if concepts.total == 0 {
        b.push_str(
            "<p class=\"count\">None of this category's concepts is in this snapshot.</p>\n",
        );
    } else if concepts.items.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"count\">{} concepts; this page is past the end.</p>",
            concepts.total
        );
    } else {
        let _ = writeln!(
            b,
            "<p class=\"count\">{}–{} of {}{}, the most linked-to first.</p>\n<ol class=\"related\" start=\"{}\">",
            offset + 1,
            offset + concepts.items.len(),
            concepts.total,
            if category.kind == "ontology" {
                ", with its subcategories'"
            } else {
                ""
            },
            offset + 1
        );
        for c in &concepts.items {
            page_parts::concept_item(&mut b, c.id, &c.title);
        }
        b.push_str("</ol>\n");
    }
    let last = concepts
        .total
        .div_ceil(PAGE_SIZE)
        .min(crate::params::MAX_OFFSET / PAGE_SIZE + 1);
    let base = category_url(&category.name);
    page_parts::pagination(&mut b, "Concept pages", page, last, |n| {
        if n > 1 {
            format!("{base}?page={n}")
        } else {
            base.clone()
        }
    });
    b.push_str("</section>\n");
    // The institution's records about the category's concepts, per type.
    for group in &category.records {
        let plural = record_types::plural(&state.config.record_types, &group.kind);
        let all = format!("{base}/{}", url_encode(&plural_slug(&group.kind)));
        institution_section(&mut b, group, &plural, &all);
    }
    b.push_str(if category.kind == "ontology" {
        "<aside class=\"notice\" id=\"about\">\n<h2>About this result</h2>\n<p>This category comes from the institution's ontology, given to the build; its summary is the lead of its anchor article, and its concepts are those of the ontology found in this snapshot, with those of its subcategories.</p>\n</aside>\n"
    } else {
        "<aside class=\"notice\" id=\"about\">\n<h2>About this result</h2>\n<p>This category comes from the wiki: its parents and subcategories are those its pages name, its concepts the articles in it; its summary is its own page's lead, or else the lead of the article of the same name.</p>\n</aside>\n"
    });
    b.push_str("</article>\n");
    Ok(Html(html::page(
        &Shell {
            title: &category.title,
            query: "",
            header_search: true,
            body_class: "category-page",
            ..Shell::default()
        },
        &b,
    )))
}

/// `GET /api/v1/categories/{name}/records?type=&limit=&offset=`.
pub(crate) async fn api_category_records(
    State(state): State<AppState>,
    name: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ListPage<RecordRef>>, ApiError> {
    let name = category_name(name)?;
    let params = Params::parse(raw.as_deref());
    let kind = full_lists::record_type_param(&state, &params)?;
    let (limit, offset) = (params.limit(API_LIMIT)?, params.offset()?);
    let list = state
        .answer(|engine| engine.category_records(&name, kind.as_deref(), offset, limit))
        .ok_or_else(|| no_category(&name))?;
    Ok(Json(list))
}

/// `GET /category/{name}/{list}?page=`: the records of one type (`courses`,
/// `people`, …) about a category's concepts, 50 a page.
pub(crate) async fn records_page(
    State(state): State<AppState>,
    key: Result<Path<(String, String)>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let (name, list) = crate::records::record_key(key)?;
    let params = Params::parse(raw.as_deref());
    let category = state
        .answer(|engine| engine.category(&name))
        .ok_or_else(|| no_category(&name))?;
    let kind = state
        .answer(|engine| full_lists::kind_of_slug(engine, &list))
        .ok_or_else(|| {
            HttpError::NotFound(format!("there is no list `{list}` on a category page"))
        })?;
    let types = &state.config.record_types;
    let label = record_types::plural(types, &kind);
    let heading = format!("{label} about {}", category.title);
    let noun = record_types::label(types, &kind).to_lowercase();
    let nouns = label.to_lowercase();
    let back = category_url(&category.name);
    let html = full_lists::records_list(
        &params,
        &heading,
        (&back, &category.title),
        (
            noun.as_str(),
            nouns.as_str(),
            "the most about its concepts first",
        ),
        &format!("{back}/{}", url_encode(&plural_slug(&kind))),
        |offset, limit| {
            state
                .answer(|engine| engine.category_records(&name, Some(&kind), offset, limit))
                .unwrap_or(ListPage {
                    total: 0,
                    items: Vec::new(),
                })
        },
    )?;
    Ok(Html(html))
}
