//! The concept page, its notice, and the redirects from wiki titles.

use axum::http::StatusCode;
use kenning_server::{ServerConfig, app};

use crate::fixtures::{get, id_of, tiny_app, tiny_engine};

#[tokio::test]
async fn concept_page_shows_what_the_seed_shows_and_more() {
    let app = tiny_app();
    let id = id_of("Merrowby");
    let page = get(&app, &format!("/concept/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    for needle in [
        "<p class=\"type-label\">Concept</p>",
        "<h1>Merrowby</h1>",
        "<h2>Summary</h2>",
        "Merrowby is a small town on the northern shore of",
        "<h2>Timeline</h2>",
        "<span class=\"year\">1871</span>",
        "<h2>Related concepts</h2>",
        "<meter",
        "<h2>What links here</h2>",
        "<h2>Categories</h2>",
        "<h2>Source</h2>",
        "href=\"https://wiki.example.org/wiki/Merrowby\"",
        "<time datetime=\"2026-01-02T09:07:00Z\">2026-01-02 09:07 UTC</time>",
        "<h2>About this result</h2>",
        "This page is automatically generated and may contain information that is not correct, complete, \
         up-to-date, or relevant to your search query. The same applies to every other page on this website.",
        "Generated automatically from the source:",
        "id=\"institution-sections\"",
    ] {
        assert!(html.contains(needle), "missing {needle:?} in\n{html}");
    }
    // The default notice names no institution.
    assert!(!html.contains("official sources"));
    // Years appear in chronological order in the timeline.
    let timeline = &html
        [html.find("<h2>Timeline</h2>").unwrap()..html.find("<h2>Related concepts</h2>").unwrap()];
    assert!(
        timeline.contains("in 1887 the town received its charter"),
        "{timeline}"
    );
    let years: Vec<usize> = ["1642", "1871", "1903", "1911"]
        .iter()
        .map(|y| timeline.find(y).unwrap())
        .collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]), "{timeline}");

    // Summary links go to other concept pages.
    let summary =
        &html[html.find("<h2>Summary</h2>").unwrap()..html.find("<h2>Timeline</h2>").unwrap()];
    let lake = id_of("Lake Tessel");
    assert!(
        summary.contains(&format!(
            "<a href=\"/concept/{lake}\" title=\"Lake Tessel\">Lake Tessel</a>"
        )),
        "{summary}"
    );
    let station = id_of("Merrowby railway station");
    assert!(summary.contains(&format!(
        "<a href=\"/concept/{station}\" title=\"Merrowby railway station\">railway</a>"
    )));
    assert!(
        summary.matches("<p>").count() >= 3,
        "three paragraphs: {summary}"
    );

    // Related concepts link to their pages, at most ten.
    let concept = tiny_engine().concept(id).unwrap();
    assert!(!concept.related.is_empty());
    let related = &html[html.find("<h2>Related concepts</h2>").unwrap()
        ..html.find("<h2>What links here</h2>").unwrap()];
    assert!(related.contains(&format!("<a href=\"/concept/{}\">", concept.related[0].id)));
    assert!(related.matches("<li>").count() <= 10);

    // Works without JavaScript: no inline script or style at all.
    assert!(!html.contains("<script>") && !html.contains("style=") && !html.contains("<style"));
    assert!(html.contains("<script src=\"/static/search.js\" defer></script>"));
}

#[tokio::test]
async fn notice_names_the_institution_or_is_replaced() {
    let id = id_of("Merrowby");
    let epfl = app(
        tiny_engine(),
        ServerConfig {
            institution: Some("EPFL & Co".into()),
            notice: None,
            ..Default::default()
        },
    );
    let html = get(&epfl, &format!("/concept/{id}")).await.body;
    assert!(html.contains("The same applies to every other page on this website. Please make sure to verify the information with EPFL &amp; Co&#39;s official sources."), "{html}");

    let custom = app(
        tiny_engine(),
        ServerConfig {
            institution: Some("EPFL".into()),
            notice: Some("Check <everything>.".into()),
            ..Default::default()
        },
    );
    let html = get(&custom, &format!("/concept/{id}")).await.body;
    assert!(html.contains("<p>Check &lt;everything&gt;.</p>"));
    assert!(!html.contains("automatically generated and may contain"));
}

#[tokio::test]
async fn wiki_titles_redirect_to_concept_pages() {
    let app = tiny_app();
    let station = id_of("Merrowby railway station");
    for title in [
        "Merrowby_Halt",
        "Merrowby%20Station",
        "merrowby_railway_station",
    ] {
        let reply = get(&app, &format!("/wiki/{title}")).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{title}");
        assert_eq!(
            reply.header("location"),
            format!("/concept/{station}"),
            "{title}"
        );
    }
    let market = id_of("Market Hall (Merrowby)");
    let reply = get(&app, "/wiki/Market_Hall_(Merrowby)").await;
    assert_eq!(reply.header("location"), format!("/concept/{market}"));

    let missing = get(&app, "/wiki/Tessel_Canal").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("No concept is titled “Tessel Canal”"));
    assert!(missing.body.contains("href=\"/search?q=Tessel%20Canal\""));
}
