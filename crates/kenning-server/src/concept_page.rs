//! The concept page: the product's face.
//!
//! Sections, in reading order: type label, title, aliases; Summary (with
//! its links to other concepts); Timeline; Related concepts; What links
//! here; Categories; Source; the institution's sections (one per record
//! type: the courses, people, … about this concept); About this result
//! (the notice and which fields were generated).

use std::fmt::Write as _;

use std::borrow::Cow;

use kenning_engine::{ConceptPage, ConceptRecords, SummaryLink};

use crate::ServerConfig;
use crate::html::{self, Shell, escape, is_web_url, url_encode};
use crate::language::native_name;
use crate::lists::concept_records_url;
use crate::messages::{Messages, Msg};
use crate::page_parts::{TextLink, join, linked_paragraphs, notice_in, scored_item};
use crate::record_types;

/// The whole HTML page of `concept`, which the reader asked for in
/// `requested` (when they asked for a language).
pub(crate) fn render(
    concept: &ConceptPage,
    config: &ServerConfig,
    requested: Option<&str>,
) -> String {
    let m = Messages::new(concept.language.as_deref());
    let mut b = String::with_capacity(8192 + concept.summary.len() * 2);
    b.push_str("<article class=\"concept\">\n<header class=\"concept-header\">\n");
    let _ = writeln!(
        b,
        "<p class=\"type-label\">{}</p>",
        m.html(Msg::TypeConcept)
    );
    let _ = writeln!(b, "<h1>{}</h1>", escape(&concept.title));
    if !concept.aliases.is_empty() {
        let _ = write!(b, "<p class=\"aliases\">{} ", m.html(Msg::AlsoKnownAs));
        join(&mut b, &concept.aliases, |b, a| {
            let _ = write!(b, "<span>{}</span>", escape(a));
        });
        b.push_str("</p>\n");
    }
    language_switcher(&mut b, concept, requested, &m);
    b.push_str("</header>\n");

    // A summary in another language than the page's says which.
    let summary_lang = concept
        .summary_language
        .as_deref()
        .map(|code| format!(" lang=\"{}\"", escape(code)))
        .unwrap_or_default();
    let _ = writeln!(
        b,
        "<section id=\"summary\" class=\"summary\">\n<h2>{}</h2>",
        m.html(Msg::Summary)
    );
    if !summary_lang.is_empty() {
        let _ = write!(b, "<div{summary_lang}>");
    }
    if concept.summary.trim().is_empty() {
        let _ = writeln!(b, "<p class=\"empty\">{}</p>", m.html(Msg::NoSummary));
    } else {
        b.push_str(&summary_html(&concept.summary, &concept.summary_links));
    }
    if !summary_lang.is_empty() {
        b.push_str("</div>");
    }
    b.push_str("</section>\n");

    if !concept.timeline.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"timeline\">\n<h2>{}</h2>\n<ol class=\"timeline\">",
            m.html(Msg::Timeline)
        );
        for entry in &concept.timeline {
            let year = if entry.year < 0 {
                format!("{} BC", -entry.year)
            } else {
                entry.year.to_string()
            };
            let _ = writeln!(
                b,
                "<li><span class=\"year\">{}</span><span class=\"event\">{}</span></li>",
                escape(&year),
                escape(&entry.text)
            );
        }
        b.push_str("</ol>\n</section>\n");
    }

    // Sections with nothing to show are left out.
    // A reader who chose a language keeps it from concept to concept.
    let keep = requested
        .map(|l| format!("?lang={}", url_encode(l)))
        .unwrap_or_default();
    if !concept.related.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"related\">\n<h2>{}</h2>\n<ol class=\"related\">",
            m.html(Msg::RelatedConcepts)
        );
        let relatedness = m.get(Msg::Relatedness);
        for r in &concept.related {
            scored_item(
                &mut b,
                &format!("/concept/{}{keep}", r.id),
                &r.title,
                relatedness,
                r.score,
            );
        }
        b.push_str("</ol>\n</section>\n");
    }

    let n = concept.in_link_count;
    if n > 0 {
        let _ = writeln!(
            b,
            "<section id=\"links-here\">\n<h2>{}</h2>",
            m.html(Msg::WhatLinksHere)
        );
        let _ = writeln!(
            b,
            "<p class=\"count\">{}{}</p>",
            escape(&m.count("links-here-count", n)),
            if concept.in_links_top.len() < n {
                m.html(Msg::LinksHereMost).to_string()
            } else {
                ":".to_owned()
            }
        );
        b.push_str("<ul class=\"link-list\">\n");
        for l in &concept.in_links_top {
            let _ = writeln!(
                b,
                "<li><a href=\"/concept/{}{keep}\">{}</a></li>",
                l.id,
                escape(&l.title)
            );
        }
        b.push_str("</ul>\n");
        if concept.in_links_top.len() < n {
            let _ = writeln!(
                b,
                "<p class=\"more\"><a href=\"/concept/{}/links-here\">{}</a></p>",
                concept.id,
                escape(&m.count("links-here-all", n))
            );
        }
        b.push_str("</section>\n");
    }

    crate::categories::places_section(&mut b, &concept.ontology, &m);

    if !concept.categories.is_empty() {
        let _ = writeln!(
            b,
            "<section id=\"categories\">\n<h2>{}</h2>\n<ul class=\"chips\">",
            m.html(Msg::Categories)
        );
        for c in &concept.categories {
            let _ = writeln!(
                b,
                "<li><a href=\"{}\">{}</a></li>",
                escape(&kenning_engine::wiki_category_path(c)),
                escape(c)
            );
        }
        b.push_str("</ul>\n</section>\n");
    }

    let _ = writeln!(
        b,
        "<section id=\"source\">\n<h2>{}</h2>\n<dl class=\"facts\">",
        m.html(Msg::Source)
    );
    let original = m.html(Msg::OriginalArticle);
    match &concept.url {
        Some(url) if is_web_url(url) => {
            let _ = writeln!(
                b,
                "<dt>{original}</dt><dd><a href=\"{u}\" rel=\"nofollow noopener noreferrer\">{u}</a></dd>",
                u = escape(url)
            );
        }
        Some(url) => {
            let _ = writeln!(b, "<dt>{original}</dt><dd>{}</dd>", escape(url));
        }
        None => {
            let _ = writeln!(
                b,
                "<dt>{original}</dt><dd class=\"empty\">{}</dd>",
                m.html(Msg::NotGiven)
            );
        }
    }
    if let Some(ts) = &concept.revision_timestamp {
        let _ = writeln!(
            b,
            "<dt>{}</dt><dd><time datetime=\"{}\">{}</time></dd>",
            m.html(Msg::Revision),
            escape(ts),
            escape(&readable_timestamp(ts))
        );
    }
    let _ = writeln!(b, "<dt>{}</dt><dd>{}</dd>", m.html(Msg::PageId), concept.id);
    let _ = writeln!(
        b,
        "<dt>{}</dt><dd>{}</dd>",
        m.html(Msg::LinksOut),
        concept.out_link_count
    );
    let _ = writeln!(
        b,
        "<dt>{}</dt><dd><a href=\"/api/v1/concepts/{}\" type=\"application/json\">JSON</a></dd>",
        m.html(Msg::Data),
        concept.id
    );
    b.push_str("</dl>\n</section>\n");

    // The institution's records about this concept, one section per type;
    // the container stays empty (and hidden) when there are none.
    b.push_str("<div id=\"institution-sections\" class=\"institution-sections\">");
    for group in &concept.records {
        let plural = record_types::plural(&config.record_types, &group.kind);
        let all = concept_records_url(concept.id, &group.kind);
        institution_section(&mut b, group, &plural, &all);
    }
    b.push_str("</div>\n");

    let _ = writeln!(
        b,
        "<section id=\"about\" class=\"about\">\n<h2>{}</h2>",
        m.html(Msg::AboutThisResult)
    );
    let _ = writeln!(b, "<p>{}</p>", escape(&notice_in(config, &m)));
    // Only the generated parts this page shows.
    let generated: Vec<&str> = concept
        .generated_fields
        .iter()
        .copied()
        .filter(|f| match *f {
            "summary" => !concept.summary.trim().is_empty(),
            "timeline" => !concept.timeline.is_empty(),
            "related" => !concept.related.is_empty(),
            "summary_links" => !concept.summary_links.is_empty(),
            "records" => !concept.records.is_empty(),
            _ => true,
        })
        .collect();
    if !generated.is_empty() {
        let _ = write!(
            b,
            "<p class=\"generated\">{} ",
            m.html(Msg::GeneratedFromSource)
        );
        join(&mut b, &generated, |b, f| match Msg::field(f) {
            Some(msg) => b.push_str(m.html(msg)),
            None => {
                let _ = write!(b, "{}", escape(f));
            }
        });
        b.push_str(".</p>\n");
    }
    b.push_str("</section>\n</article>");

    let alternates: Vec<(String, String)> = if concept.languages.len() > 1 {
        concept
            .languages
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    format!("/concept/{}?lang={}", concept.id, url_encode(l)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    html::page(
        &Shell {
            title: &concept.title,
            query: "",
            header_search: true,
            body_class: "concept-page",
            lang: concept.language.as_deref(),
            alternates: &alternates,
            keep_lang: requested,
        },
        &b,
    )
}

/// The concept's languages, each a link to its page in it (the one shown
/// marked), and a note when the reader asked for a language the concept
/// has no page in.
fn language_switcher(b: &mut String, concept: &ConceptPage, requested: Option<&str>, m: &Messages) {
    let shown = concept.language.as_deref();
    if let (Some(asked), Some(shown)) = (requested, shown)
        && asked != shown
    {
        let _ = writeln!(
            b,
            "<p class=\"language-note\">{}</p>",
            escape(&m.with(
                "language-note",
                &[("asked", native_name(asked)), ("shown", native_name(shown))]
            ))
        );
    }
    if let (Some(summary), Some(shown)) = (concept.summary_language.as_deref(), shown)
        && summary != shown
    {
        let _ = writeln!(
            b,
            "<p class=\"language-note\">{}</p>",
            escape(&m.with(
                "summary-note",
                &[
                    ("asked", native_name(shown)),
                    ("shown", native_name(summary))
                ]
            ))
        );
    }
    if concept.languages.len() < 2 {
        return;
    }
    let _ = write!(
        b,
        "<nav class=\"languages\" aria-label=\"{}\"><ul>",
        m.html(Msg::Languages)
    );
    for code in &concept.languages {
        let title = concept.titles.get(code).map_or("", String::as_str);
        let name = native_name(code);
        if Some(code.as_str()) == shown {
            let _ = write!(
                b,
                "<li><strong aria-current=\"true\" lang=\"{}\">{}</strong></li>",
                escape(code),
                escape(name)
            );
        } else {
            let _ = write!(
                b,
                "<li><a href=\"/concept/{}?lang={}\" hreflang=\"{}\" lang=\"{}\" title=\"{}\">{}</a></li>",
                concept.id,
                escape(&url_encode(code)),
                escape(code),
                escape(code),
                escape(title),
                escape(name)
            );
        }
    }
    b.push_str("</ul></nav>\n");
}

/// One type's records about a concept or a category: "Courses (23)", the
/// strongest entries with their scores, and a link to `all` of them.
pub(crate) fn institution_section(b: &mut String, group: &ConceptRecords, plural: &str, all: &str) {
    let _ = write!(
        b,
        "\n<section id=\"records-{kind}\" class=\"records\">\n<h2>{label} ({count})</h2>\n\
         <ol class=\"related\">\n",
        kind = escape(&group.kind),
        label = escape(plural),
        count = group.count,
    );
    for r in &group.items {
        scored_item(b, &r.url, &r.title, "Relevance", r.score);
    }
    b.push_str("</ol>\n");
    if group.items.len() < group.count {
        let _ = writeln!(
            b,
            "<p class=\"more\">The {} most relevant of {}. <a href=\"{}\">All {} {}</a></p>",
            group.items.len(),
            group.count,
            escape(all),
            group.count,
            escape(&plural.to_lowercase()),
        );
    }
    b.push_str("</section>\n");
}

/// `2026-01-02T09:07:00Z` as `2026-01-02 09:07 UTC`; anything else as given.
pub(crate) fn readable_timestamp(ts: &str) -> String {
    let b = ts.as_bytes();
    let shaped = b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if shaped {
        format!("{} {} UTC", &ts[..10], &ts[11..16])
    } else {
        ts.to_owned()
    }
}

/// The summary as paragraphs (split at line breaks), its links as links to
/// concept pages. Links that overlap an earlier one or do not fall on
/// character boundaries are left out; the text is kept.
pub(crate) fn summary_html(summary: &str, links: &[SummaryLink]) -> String {
    let links: Vec<TextLink<'_>> = links
        .iter()
        .map(|l| TextLink {
            start: l.start,
            end: l.end,
            id: l.id,
            title: Cow::Borrowed(&l.title),
        })
        .collect();
    linked_paragraphs(summary, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(start: usize, end: usize, id: u32, title: &str) -> SummaryLink {
        SummaryLink {
            start,
            end,
            id,
            title: title.to_owned(),
        }
    }

    #[test]
    fn summary_links_and_paragraphs() {
        let s = "Merrowby lies on Lake Tessel.\n\nIt has a <b>ferry</b>.";
        let html = summary_html(
            s,
            &[
                link(17, 28, 2, "Lake Tessel"),
                link(40, 52, 5, "Merrowby Ferry"),
            ],
        );
        assert_eq!(
            html,
            "<p>Merrowby lies on <a href=\"/concept/2\" title=\"Lake Tessel\">Lake Tessel</a>.</p>\n\
             <p>It has a <a href=\"/concept/5\" title=\"Merrowby Ferry\">&lt;b&gt;ferry&lt;/b&gt;</a>.</p>\n"
        );
    }

    #[test]
    fn bad_summary_links_are_skipped() {
        let s = "Zürich – x";
        // 2 is inside "ü"; the second overlaps the first; the third is empty.
        let html = summary_html(
            s,
            &[
                link(0, 2, 1, "a"),
                link(0, 7, 2, "b"),
                link(1, 5, 3, "c"),
                link(8, 8, 4, "d"),
            ],
        );
        assert_eq!(
            html,
            "<p><a href=\"/concept/2\" title=\"b\">Zürich</a> – x</p>\n"
        );
    }

    /// Every field of a hostile concept, rendered: no markup survives, and
    /// a `javascript:` source URL is shown but not linked.
    #[test]
    fn every_field_is_escaped() {
        use kenning_engine::{
            CategoryLink, LinkedConcept, OntologyPlace, RelatedConcept, TimelineEntry,
        };
        let evil = "<script>alert(1)</script>\"'&";
        let summary = format!("{evil} holds <img src=x onerror=alert(1)> in 1999.");
        let concept = ConceptPage {
            id: 7,
            title: evil.to_owned(),
            summary: summary.clone(),
            language: Some(evil.to_owned()),
            summary_language: Some(evil.to_owned()),
            titles: [
                (evil.to_owned(), evil.to_owned()),
                ("en".to_owned(), evil.to_owned()),
            ]
            .into_iter()
            .collect(),
            languages: vec!["en".to_owned(), evil.to_owned()],
            url: Some("javascript:alert(3)".to_owned()),
            page_url: "/concept/7".to_owned(),
            aliases: vec![evil.to_owned()],
            categories: vec![evil.to_owned()],
            timeline: vec![TimelineEntry {
                year: 1999,
                text: summary.clone(),
            }],
            summary_links: vec![link(0, evil.len(), 8, evil)],
            related: vec![RelatedConcept {
                id: 8,
                title: evil.to_owned(),
                score: f32::NAN,
            }],
            in_link_count: 1,
            in_links_top: vec![LinkedConcept {
                id: 8,
                title: evil.to_owned(),
            }],
            out_link_count: 1,
            revision_timestamp: Some(evil.to_owned()),
            generated_fields: vec!["summary", "<b>"],
            records: Vec::new(),
            ontology: vec![OntologyPlace {
                path: vec![CategoryLink {
                    name: evil.to_owned(),
                    title: evil.to_owned(),
                }],
                cluster: vec![LinkedConcept {
                    id: 9,
                    title: evil.to_owned(),
                }],
            }],
        };
        let config = ServerConfig {
            institution: Some(evil.to_owned()),
            notice: None,
            ..Default::default()
        };
        let html = render(&concept, &config, Some(evil))
            .replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in ["<script", "<img", "<b>", "href=\"javascript:", "\"'"] {
            assert!(!html.contains(needle), "{needle:?} in\n{html}");
        }
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";
        assert!(html.contains(&format!("<h1>{escaped}</h1>")));
        assert!(html.contains(&format!(
            "<a href=\"/concept/8\" title=\"{escaped}\">{escaped}</a>"
        )));
        assert!(html.contains("<dd>javascript:alert(3)</dd>"));
        assert!(html.contains("value=\"0.000\""));
        // The language switcher and the alternates are escaped too.
        assert!(html.contains("hreflang=\"en\""), "{html}");
        assert!(html.contains(&format!("<html lang=\"{escaped}\">")));
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            readable_timestamp("2026-01-02T09:07:00Z"),
            "2026-01-02 09:07 UTC"
        );
        assert_eq!(readable_timestamp("yesterday"), "yesterday");
    }
}
