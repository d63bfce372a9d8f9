//! The record page: one of the institution's records (a course, a person,
//! a publication, a unit, …), laid out like a concept page.
//!
//! Sections, in reading order: type label, title; the text with the
//! concepts it mentions linked; Concepts (with scores, or inherited from
//! linked records); Fields; Relations (the explicit links, both ways,
//! grouped by what they mean); Related records per type; Source (the
//! record's own URL, type, id, language); About this result (the notice and
//! which fields were generated).

use std::borrow::Cow;
use std::fmt::Write as _;

use kenning_engine::{RecordPage, RecordRelation};
use kenning_records::FieldValue;

use crate::ServerConfig;
use crate::html::{self, Shell, escape, is_web_url};
use crate::lists::related_records_url;
use crate::page_parts::{
    TextLink, capitalised, join, linked_paragraphs, notice, scored_item, scored_item_with_note,
    type_label,
};
use crate::record_types;

/// Entries shown per type under "Related".
const TOP_RELATED: usize = 10;

/// A score for people: two decimals, or a dash when it is not a number.
fn shown(score: f32) -> String {
    if score.is_finite() {
        format!("{score:.2}")
    } else {
        "–".to_owned()
    }
}

/// Whether `lang` may go in a `lang` attribute: a plausible language tag
/// that says something (not `und`).
fn usable_lang(lang: &str) -> bool {
    !lang.is_empty()
        && lang.len() <= 35
        && lang != "und"
        && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The whole HTML page of `record`.
pub(crate) fn render(record: &RecordPage, config: &ServerConfig) -> String {
    let mut b = String::with_capacity(8192 + record.text.len() * 2);
    let types = &config.record_types;
    let label = record_types::label(types, &record.kind);
    let code_field = record_types::code_field(types, &record.kind);
    b.push_str("<article class=\"concept record\">\n<header class=\"concept-header\">\n");
    let _ = write!(b, "<p class=\"type-label\">{}", escape(&label));
    if let Some(FieldValue::Text(code)) = record.fields.get(code_field)
        && !code.trim().is_empty()
    {
        let _ = write!(b, " · <span class=\"code\">{}</span>", escape(code.trim()));
    }
    b.push_str("</p>\n");
    let _ = writeln!(b, "<h1>{}</h1>", escape(&record.title));
    b.push_str("</header>\n");

    let has_text = !record.text.trim().is_empty();
    if has_text {
        text_section(&mut b, record);
    }
    concepts_section(&mut b, record);
    let rows = record_types::field_rows(&record.fields, types.get(&record.kind), code_field);
    fields_section(&mut b, &rows);
    relations_section(&mut b, &record.relations);
    related_section(&mut b, record, types);
    source_section(&mut b, record, &label);

    b.push_str("<section id=\"about\" class=\"about\">\n<h2>About this result</h2>\n");
    let _ = writeln!(b, "<p>{}</p>", escape(&notice(config)));
    // Only what this page shows: the generated parts it has, and the
    // institution's own parts it has.
    let generated: Vec<&str> = record
        .generated_fields
        .iter()
        .copied()
        .filter(|f| match *f {
            "annotations" => !record.annotations.is_empty(),
            "concepts" => !record.concepts.is_empty(),
            "related" => record.related.values().any(|r| !r.is_empty()),
            _ => true,
        })
        .collect();
    let mut own = vec!["title"];
    if has_text {
        own.push("text");
    }
    if !rows.is_empty() || record.fields.get(code_field).is_some() {
        own.push("fields");
    }
    if !record.relations.is_empty() {
        own.push("relations");
    }
    b.push_str("<p class=\"generated\">");
    if !generated.is_empty() {
        b.push_str("Generated automatically from the record and the wiki: ");
        join(&mut b, &generated, |b, f| {
            let _ = write!(b, "{}", escape(field_name(f)));
        });
        b.push_str(". ");
    }
    let own = match own.as_slice() {
        [one] => format!("The {one} is"),
        [init @ .., last] => format!("The {} and the {last} are", init.join(", the ")),
        [] => unreachable!("the title is always there"),
    };
    let _ = writeln!(b, "{own} the institution's own.</p>");
    b.push_str("</section>\n</article>");

    html::page(
        &Shell {
            title: &record.title,
            query: "",
            header_search: true,
            body_class: "record-page",
            ..Shell::default()
        },
        &b,
    )
}

/// The text, its concept mentions linked (the score on hover); not called
/// for a record without text.
fn text_section(b: &mut String, record: &RecordPage) {
    b.push_str("<section id=\"text\" class=\"summary\">\n<h2>Description</h2>\n");
    {
        let links = record
            .annotations
            .iter()
            .map(|a| TextLink {
                start: a.byte_start,
                end: a.byte_end,
                id: a.concept.id,
                title: Cow::Owned(format!("{} (score {})", a.concept.title, shown(a.score))),
            })
            .collect();
        let paragraphs = linked_paragraphs(&record.text, links);
        match record.lang.as_deref().filter(|l| usable_lang(l)) {
            Some(lang) => {
                let _ = write!(b, "<div lang=\"{}\">\n{paragraphs}</div>\n", escape(lang));
            }
            None => b.push_str(&paragraphs),
        }
    }
    b.push_str("</section>\n");
}

/// The concepts the record is about, best first; nothing when it has none.
fn concepts_section(b: &mut String, record: &RecordPage) {
    if record.concepts.is_empty() {
        return;
    }
    b.push_str("<section id=\"concepts\">\n<h2>Concepts</h2>\n");
    {
        if record.concepts_inherited {
            b.push_str(
                "<p class=\"count\">Inherited from linked records: this record's own text names \
                 no concept, so it takes the concepts of the records it is linked with.</p>\n",
            );
        }
        b.push_str("<ol class=\"related\">\n");
        for c in &record.concepts {
            let from = if c.fields.is_empty() {
                String::new()
            } else {
                format!("from {}", c.fields.join(", "))
            };
            scored_item_with_note(
                b,
                &format!("/concept/{}", c.id),
                &c.title,
                "Relevance",
                c.score,
                &from,
            );
        }
        b.push_str("</ol>\n");
    }
    b.push_str("</section>\n");
}

/// The other fields ([`record_types::field_rows`]): labelled, language
/// variants on one line, web addresses linked.
fn fields_section(b: &mut String, rows: &[record_types::FieldRow<'_>]) {
    if rows.is_empty() {
        return;
    }
    b.push_str("<section id=\"fields\">\n<h2>Details</h2>\n<dl class=\"facts\">\n");
    for row in rows {
        let _ = write!(b, "<dt>{}</dt><dd>", escape(&row.label));
        for (i, (lang, value)) in row.values.iter().enumerate() {
            if i > 0 {
                b.push_str("<br>");
            }
            let text = value.to_string();
            let shown = if matches!(value, FieldValue::Text(_)) && is_web_url(text.trim()) {
                format!(
                    "<a href=\"{u}\" rel=\"nofollow noopener noreferrer\">{u}</a>",
                    u = escape(text.trim())
                )
            } else {
                escape(&text).to_string()
            };
            match lang {
                Some(lang) => {
                    let _ = write!(
                        b,
                        "<span lang=\"{lang}\">{shown}</span> <span class=\"lang\">({})</span>",
                        escape(language_name(lang))
                    );
                }
                None => b.push_str(&shown),
            }
        }
        b.push_str("</dd>\n");
    }
    b.push_str("</dl>\n</section>\n");
}

/// A language's English name, or its code when not known here.
fn language_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "it" => "Italian",
        "rm" => "Romansh",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "nl" => "Dutch",
        "zh" => "Chinese",
        "ja" => "Japanese",
        "ru" => "Russian",
        "ar" => "Arabic",
        other => other,
    }
}

/// The explicit relations, grouped by label in order of first appearance;
/// links to absent records are shown, unlinked and marked missing.
fn relations_section(b: &mut String, relations: &[RecordRelation]) {
    if relations.is_empty() {
        return;
    }
    let mut groups: Vec<(&str, Vec<&RecordRelation>)> = Vec::new();
    for r in relations {
        match groups.iter_mut().find(|(label, _)| *label == r.label) {
            Some((_, items)) => items.push(r),
            None => groups.push((&r.label, vec![r])),
        }
    }
    b.push_str("<section id=\"relations\">\n<h2>Relations</h2>\n<dl class=\"facts relations\">\n");
    for (label, items) in groups {
        let _ = write!(
            b,
            "<dt>{}</dt><dd><ul class=\"relation-list\">",
            escape(&capitalised(label))
        );
        for r in items {
            let kind = type_label(&r.kind);
            match (&r.title, r.exists) {
                (Some(title), true) => {
                    let _ = write!(
                        b,
                        "<li><a href=\"{}\">{}</a> <span class=\"kind\">{}</span></li>",
                        escape(&r.url),
                        escape(title),
                        escape(&kind)
                    );
                }
                _ => {
                    let _ = write!(
                        b,
                        "<li class=\"missing\"><span class=\"missing-record\">{} {}</span> \
                         <span class=\"kind\">missing: not in the records</span></li>",
                        escape(&kind),
                        escape(&r.id)
                    );
                }
            }
        }
        b.push_str("</ul></dd>\n");
    }
    b.push_str("</dl>\n</section>\n");
}

/// The most related records of each type.
fn related_section(b: &mut String, record: &RecordPage, types: &record_types::RecordTypes) {
    if record.related.values().all(Vec::is_empty) {
        return;
    }
    b.push_str("<section id=\"related-records\">\n<h2>Related</h2>\n");
    for (kind, items) in &record.related {
        if items.is_empty() {
            continue;
        }
        let total = record
            .related_totals
            .get(kind)
            .copied()
            .unwrap_or(items.len())
            .max(items.len());
        let _ = writeln!(
            b,
            "<h3 class=\"related-kind\">{} ({total})</h3>\n<ol class=\"related\">",
            escape(&record_types::plural(types, kind))
        );
        let shown = items.len().min(TOP_RELATED);
        for r in &items[..shown] {
            scored_item(b, &r.url, &r.title, "Relatedness", r.score);
        }
        b.push_str("</ol>\n");
        if shown < total {
            let _ = writeln!(
                b,
                "<p class=\"more\">The {shown} most related of {total}. <a href=\"{}\">All {total} {}</a></p>",
                escape(&related_records_url(&record.page_url, kind)),
                escape(&record_types::plural(types, kind).to_lowercase())
            );
        }
    }
    b.push_str("</section>\n");
}

/// The record's own URL, its type and id, language, and the JSON.
fn source_section(b: &mut String, record: &RecordPage, label: &str) {
    b.push_str("<section id=\"source\">\n<h2>Source</h2>\n<dl class=\"facts\">\n");
    match &record.url {
        Some(url) if is_web_url(url) => {
            let _ = writeln!(
                b,
                "<dt>At the institution</dt><dd><a href=\"{u}\" rel=\"nofollow noopener noreferrer\">{u}</a></dd>",
                u = escape(url)
            );
        }
        Some(url) => {
            let _ = writeln!(b, "<dt>At the institution</dt><dd>{}</dd>", escape(url));
        }
        None => b.push_str(
            "<dt>At the institution</dt><dd class=\"empty\">no address given by the records</dd>\n",
        ),
    }
    let _ = writeln!(b, "<dt>Type</dt><dd>{}</dd>", escape(label));
    let _ = writeln!(b, "<dt>Id</dt><dd>{}</dd>", escape(&record.id));
    if let Some(lang) = record.lang.as_deref().filter(|l| usable_lang(l)) {
        let _ = writeln!(
            b,
            "<dt>Language</dt><dd>{}</dd>",
            escape(language_name(lang))
        );
    }
    if record.live {
        b.push_str("<dt>Updated</dt><dd>written through the API since the last build</dd>\n");
    }
    let _ = writeln!(
        b,
        "<dt>Data</dt><dd><a href=\"/api/v1/records{}\" type=\"application/json\">JSON</a></dd>",
        escape(&record.page_url)
    );
    b.push_str("</dl>\n</section>\n");
}

/// What a generated field is called on the page.
fn field_name(field: &str) -> &str {
    match field {
        "annotations" => "the concept links in the text",
        "concepts" => "the concepts",
        "related" => "related records",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use kenning_engine::{
        LinkedConcept, RecordAnnotation, RecordConceptScore, RecordRef, RecordRelation,
    };
    use kenning_records::{Fields, Link};

    use super::*;
    use crate::page_parts::plural_label;

    #[test]
    fn labels() {
        assert_eq!(type_label("course"), "Course");
        assert_eq!(type_label("research_group"), "Research group");
        assert_eq!(plural_label("course"), "Courses");
        assert_eq!(plural_label("person"), "People");
        assert_eq!(plural_label("publication"), "Publications");
        assert_eq!(plural_label("unit"), "Units");
        assert_eq!(plural_label("lab"), "Labs");
        assert_eq!(plural_label("x"), "Xs");
        assert!(usable_lang("en") && usable_lang("de-CH"));
        assert!(!usable_lang("und") && !usable_lang("e\"n") && !usable_lang(""));
    }

    fn evil_record(evil: &str) -> RecordPage {
        let text = format!("{evil} about Lake Tessel <img src=x onerror=alert(1)>");
        let at = text.find("Lake Tessel").unwrap();
        let fields: Fields = [
            ("note", FieldValue::Text(evil.to_owned())),
            ("empty", FieldValue::Text("  ".to_owned())),
            (
                "list",
                FieldValue::List(vec![
                    FieldValue::Text(evil.to_owned()),
                    FieldValue::Integer(3),
                ]),
            ),
        ]
        .into_iter()
        .collect();
        let reference = RecordRef {
            kind: "person".to_owned(),
            id: evil.to_owned(),
            title: evil.to_owned(),
            url: "javascript:alert(2)".to_owned(),
            score: f32::NAN,
        };
        RecordPage {
            kind: "course".to_owned(),
            id: evil.to_owned(),
            title: evil.to_owned(),
            text: text.clone(),
            url: Some("javascript:alert(3)".to_owned()),
            lang: Some(evil.to_owned()),
            fields,
            links: vec![Link {
                rel: "taught_by".to_owned(),
                kind: "person".to_owned(),
                id: evil.to_owned(),
            }],
            page_url: "/course/x".to_owned(),
            annotations: vec![RecordAnnotation {
                start: at,
                end: at + 11,
                byte_start: at,
                byte_end: at + 11,
                concept: LinkedConcept {
                    id: 2,
                    title: evil.to_owned(),
                },
                score: 0.5,
            }],
            concepts: vec![RecordConceptScore {
                id: 2,
                title: evil.to_owned(),
                score: 0.5,
                fields: vec![evil.to_owned()],
            }],
            concepts_inherited: true,
            relations: vec![
                RecordRelation {
                    rel: "taught_by".to_owned(),
                    label: evil.to_owned(),
                    direction: "outgoing",
                    kind: "person".to_owned(),
                    id: evil.to_owned(),
                    title: Some(evil.to_owned()),
                    url: "/person/x".to_owned(),
                    exists: true,
                },
                RecordRelation {
                    rel: "taught_by".to_owned(),
                    label: evil.to_owned(),
                    direction: "outgoing",
                    kind: "person".to_owned(),
                    id: evil.to_owned(),
                    title: None,
                    url: "/person/y".to_owned(),
                    exists: false,
                },
            ],
            related: BTreeMap::from([(evil.to_owned(), vec![reference])]),
            related_totals: BTreeMap::from([(evil.to_owned(), 3)]),
            live: true,
            generated_fields: vec!["annotations", "<b>"],
        }
    }

    /// Every field of a hostile record, rendered: no markup survives, and
    /// `javascript:` URLs are shown but never linked.
    #[test]
    fn every_field_is_escaped() {
        let evil = "<script>alert(1)</script>\"'&";
        let config = ServerConfig {
            institution: Some(evil.to_owned()),
            ..ServerConfig::default()
        };
        let html = render(&evil_record(evil), &config)
            .replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in [
            "<script",
            "<img",
            "<b>",
            "javascript:alert(2)",
            "href=\"javascript:",
            "\"'",
        ] {
            assert!(!html.contains(needle), "{needle:?} in\n{html}");
        }
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";
        assert!(html.contains(&format!("<h1>{escaped}</h1>")), "{html}");
        assert!(html.contains(&format!(
            "<a href=\"/concept/2\" title=\"{escaped} (score 0.50)\">Lake Tessel</a>"
        )));
        assert!(html.contains("<dd>javascript:alert(3)</dd>"));
        assert!(html.contains(&format!("<dt>List</dt><dd>{escaped}, 3</dd>")));
        assert!(!html.contains("<dt>Empty</dt>"));
        assert!(html.contains("Inherited from linked records"));
        assert!(html.contains("class=\"missing\""));
        assert!(html.contains("<a href=\"#\">"));
        // The language is not a tag: not put in an attribute.
        assert!(!html.contains("<div lang="));
    }
}
