//! Strings from a hostile dump and from requests, escaped everywhere.

use std::sync::Arc;

use axum::http::{StatusCode, header};
use kenning_server::{ServerConfig, app};

use crate::fixtures::{get, hostile_engine};

#[tokio::test]
async fn strings_from_the_dump_and_the_request_are_escaped() {
    let engine = hostile_engine();
    let app = app(Arc::clone(&engine), ServerConfig::default());
    let script_id = engine
        .find_title("<script>alert(1)</script>")
        .expect("the <script> page from JSONL");
    let script = engine.concept(script_id).unwrap();
    assert!(script.summary.contains("<img src=x onerror=alert(1)>"));
    let quote_id = engine
        .find_title("Quote \"onmouseover=alert(1) x='y' & co")
        .expect("the quote page");
    let harmless_id = engine.find_title("Harmless page").unwrap();
    let quote = engine.concept(quote_id).unwrap();
    // The dump's markup really reaches the pages (else this test proves nothing).
    assert!(
        quote.summary.contains("<img src=x onerror=alert(1)>"),
        "{}",
        quote.summary
    );
    assert!(
        quote.summary.contains("<script>alert(6)</script>"),
        "{}",
        quote.summary
    );

    // Markup that must never appear as such, and attribute break-outs.
    let dangerous = ["<script", "<img", "<svg", "<b>", "\"onmouseover", "x='y'"];
    let uris = [
        "/".to_owned(),
        format!("/concept/{quote_id}"),
        format!("/concept/{harmless_id}"),
        format!("/concept/{script_id}"),
        "/search?q=script".into(),
        "/search?q=quote".into(),
        "/search?q=harmless".into(),
        "/search?q=img".into(),
        "/search?q=alert".into(),
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E".into(),
        "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&types=concept".into(),
        "/search?q=x%27y%27&types=concept&page=2".into(),
        "/search?q=x&types=%3Cscript%3E".into(),
        "/wiki/%22onmouseover=alert(1)%20x='y'%3Cimg%20src=x%20onerror=alert(1)%3E".into(),
        "/concept/%3Cimg%20src=x%20onerror=alert(1)%3E".into(),
        "/concept/%22onmouseover=alert(1)%20x='y'".into(),
        "/static/%3Cscript%3E".into(),
        "/nowhere/%3Cscript%3Ealert(1)%3C%2Fscript%3E".into(),
    ];
    for uri in &uris {
        let reply = get(&app, uri).await;
        assert!(
            reply.content_type().starts_with("text/html"),
            "{uri}: {}",
            reply.content_type()
        );
        // The only script element is the page's own.
        let body = reply
            .body
            .replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in dangerous {
            assert!(
                !body.contains(needle),
                "{uri} holds {needle:?} unescaped:\n{body}"
            );
        }
    }

    // The page titled `<script>…` is reachable by its title, and its title
    // is shown escaped.
    let reply = get(&app, "/wiki/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(
        reply.headers[header::LOCATION],
        format!("/concept/{script_id}").as_str()
    );
    let page = get(&app, &format!("/concept/{script_id}")).await.body;
    assert!(
        page.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "{page}"
    );

    let page = get(&app, &format!("/concept/{quote_id}")).await.body;
    let escaped_title = "Quote &quot;onmouseover=alert(1) x=&#39;y&#39; &amp; co";
    assert!(
        page.contains(&format!("<h1>{escaped_title}</h1>")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<title>{escaped_title} · kenning</title>")),
        "{page}"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(6)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&quot;quotes&quot; &amp; &#39;apostrophes&#39;"),
        "{page}"
    );
    assert!(
        page.contains(
            "<li><a href=\"/category/Evil_%22cat%22_%26_more\">Evil &quot;cat&quot; &amp; more</a></li>"
        ),
        "{page}"
    );
    // The category's own page, reached through that link.
    let category = get(&app, "/category/Evil_%22cat%22_%26_more").await;
    assert_eq!(category.status, 200, "{}", category.body);
    assert!(
        category
            .body
            .contains("<h1>Evil &quot;cat&quot; &amp; more</h1>"),
        "{}",
        category.body
    );
    assert!(!category.body.contains("\"cat\""), "{}", category.body);
    let harmless = get(&app, &format!("/concept/{harmless_id}")).await.body;
    assert!(
        harmless.contains(&format!(
            "<a href=\"/concept/{quote_id}\" title=\"{escaped_title}\">"
        )),
        "{harmless}"
    );
    let results = get(&app, "/search?q=quote").await.body;
    assert!(
        results.contains(&format!("{escaped_title}</a>")),
        "{results}"
    );
    assert!(
        get(&app, "/")
            .await
            .body
            .contains("Hostile &lt;b&gt;Wiki&lt;/b&gt;")
    );
}
