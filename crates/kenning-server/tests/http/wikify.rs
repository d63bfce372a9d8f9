//! The wikify API and the wikify page.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::fixtures::{
    WIKIFY_TEXT, app_with, app_without_dictionary, assert_json_error, form, get, hostile_engine,
    id_of, post, post_json, send, tiny_app, tiny_engine,
};

#[tokio::test]
async fn wikify_api_links_mentions_with_code_point_and_byte_offsets() {
    let app = tiny_app();
    let reply = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type().starts_with("application/json"));
    let v = reply.json();

    // The same shape and values as the engine (and so `kenning wikify --json`).
    let expected = tiny_engine().wikify(WIKIFY_TEXT, kenning_engine::WikifyOptions::default());
    let expected: Value = serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(v, expected);

    let annotations = v["annotations"].as_array().unwrap();
    let chars: Vec<char> = WIKIFY_TEXT.chars().collect();
    let mut titles = Vec::new();
    for a in annotations {
        let (start, end) = (
            a["start"].as_u64().unwrap() as usize,
            a["end"].as_u64().unwrap() as usize,
        );
        let (byte_start, byte_end) = (
            a["byte_start"].as_u64().unwrap() as usize,
            a["byte_end"].as_u64().unwrap() as usize,
        );
        let text = a["text"].as_str().unwrap();
        assert_eq!(&WIKIFY_TEXT[byte_start..byte_end], text, "{a}");
        assert_eq!(chars[start..end].iter().collect::<String>(), text, "{a}");
        // Ü, é, — and 🌊 come before every mention: 2 + 2 + 3 + 4 bytes
        // for 4 code points.
        assert_eq!(byte_start - start, 1 + 1 + 2 + 3, "{a}");
        for part in ["link_probability", "commonness", "coherence", "context"] {
            let p = a["parts"][part].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p), "{part} in {a}");
        }
        assert!(
            a["score"].as_f64().unwrap()
                >= f64::from(kenning_engine::WikifyOptions::default().min_score),
            "{a}"
        );
        assert!(a["candidates"].as_u64().unwrap() >= 1, "{a}");
        assert!(a.get("runner_up").is_some(), "{a}");
        titles.push(a["concept"]["title"].as_str().unwrap().to_owned());
    }
    for title in ["Merrowby", "Lake Tessel", "Kettle Island", "Ida Varrow"] {
        assert!(titles.iter().any(|t| t == title), "{title} in {titles:?}");
    }
    let lake = annotations
        .iter()
        .find(|a| a["text"] == "Lake Tessel")
        .unwrap();
    assert_eq!(lake["concept"]["id"], id_of("Lake Tessel"));
    let at = WIKIFY_TEXT.find("Lake Tessel").unwrap();
    assert_eq!(lake["byte_start"], at);
    assert_eq!(lake["start"], WIKIFY_TEXT[..at].chars().count());
    assert_eq!(lake["end"], WIKIFY_TEXT[..at].chars().count() + 11);

    // The concepts, best first, with their mention counts.
    let concepts = v["concepts"].as_array().unwrap();
    assert!(!concepts.is_empty());
    let scores: Vec<f64> = concepts
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let lake_concept = concepts
        .iter()
        .find(|c| c["id"] == id_of("Lake Tessel"))
        .unwrap();
    assert_eq!(lake_concept["title"], "Lake Tessel");
    assert_eq!(lake_concept["mentions"], 1);

    // Options: a high minimum score keeps fewer mentions; prior only works.
    let strict = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT, "min_score": 0.99 }),
    )
    .await
    .json();
    assert!(strict["annotations"].as_array().unwrap().len() < annotations.len());
    let prior = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT, "prior_only": true, "min_score": null }),
    )
    .await;
    assert_eq!(prior.status, StatusCode::OK, "{}", prior.body);
    assert!(!prior.json()["annotations"].as_array().unwrap().is_empty());

    // Empty text, and text that names nothing: empty lists, not errors.
    for text in ["", "zzz qqq xxx", "\u{0}\u{fffd}"] {
        let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
        assert_eq!(reply.status, StatusCode::OK, "{text:?}");
        assert_eq!(
            reply.json(),
            serde_json::json!({"language": "en", "language_detected": false, "annotations": [], "concepts": []})
        );
    }
    // Any content type is read as JSON (curl -d sends form-urlencoded).
    let reply = post(
        &app,
        "/api/v1/wikify",
        "application/x-www-form-urlencoded",
        r#"{"text":"Lake Tessel"}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Counted in the metrics under its route.
    let metrics = get(&app, "/metrics").await.body;
    assert!(
        metrics.lines().any(|l| l
            .starts_with("kenning_http_requests_total{route=\"/api/v1/wikify\",status=\"200\"} ")),
        "{metrics}"
    );
}

#[tokio::test]
async fn wikify_api_refuses_what_it_cannot_answer() {
    let app = tiny_app();
    let limit = kenning_engine::MAX_WIKIFY_BYTES;

    // 1 MiB is accepted; 1 MiB + 1 byte is refused with a message saying
    // the limit and what to do, although the body is under the body limit.
    let text = "x".repeat(limit);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let text = "x".repeat(limit + 1);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains(&limit.to_string()) && message.contains("split"),
        "{message}"
    );
    // Non-ASCII text is measured in bytes: 2 bytes a character here.
    let text = "é".repeat(limit / 2 + 1);
    let reply = post_json(&app, "/api/v1/wikify", &serde_json::json!({ "text": text })).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // The limit is on the decoded text: 1 MiB of line breaks written as
    // 2 MiB of `\n` escapes (over the 1 MiB of other routes) is accepted.
    let escaped = format!("{{\"text\": \"{}\"}}", "\\n".repeat(limit));
    assert!(escaped.len() > kenning_server::MAX_BODY_BYTES);
    let reply = post(&app, "/api/v1/wikify", "application/json", escaped).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Bodies over the route's body limit, announced or not.
    let huge = vec![b' '; kenning_server::MAX_WIKIFY_BODY_BYTES + 1];
    let request = Request::post("/api/v1/wikify")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge.clone()))
        .unwrap();
    let reply = send(&app, request).await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("split")
    );
    // Unannounced (no Content-Length): the route's body limit stops it.
    let reply = send(
        &app,
        Request::post("/api/v1/wikify")
            .body(Body::from(huge))
            .unwrap(),
    )
    .await;
    assert_json_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("split")
    );

    // Malformed requests: 400 with a message that says what was wrong.
    for (body, needle) in [
        ("", "EOF"),
        ("not json", "not a JSON object"),
        ("{\"text\": \"x\"", "EOF"),
        ("{\"text\": 42}", "invalid type"),
        ("{}", "missing field `text`"),
        ("{\"txt\": \"Lake Tessel\"}", "unknown field `txt`"),
        ("{\"text\": \"x\", \"min_score\": 1.5}", "min_score"),
        ("{\"text\": \"x\", \"min_score\": -0.1}", "min_score"),
        ("{\"text\": \"x\", \"min_score\": \"high\"}", "invalid type"),
        ("{\"text\": \"x\", \"prior_only\": \"yes\"}", "invalid type"),
        ("[\"x\"]", "not a JSON object"),
        ("\"x\"", "not a JSON object"),
    ] {
        let reply = post(&app, "/api/v1/wikify", "application/json", body).await;
        assert_json_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(needle), "{body}: {message}");
    }
    let invalid_utf8 = post(
        &app,
        "/api/v1/wikify",
        "application/json",
        &b"{\"text\": \"\xff\"}"[..],
    )
    .await;
    assert_json_error(&invalid_utf8, StatusCode::BAD_REQUEST, "bad_request");

    // Only POST.
    assert_json_error(
        &get(&app, "/api/v1/wikify").await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );

    // A snapshot without a mention dictionary says to rebuild.
    let old = app_without_dictionary();
    let reply = post_json(
        &old,
        "/api/v1/wikify",
        &serde_json::json!({ "text": "Lake Tessel" }),
    )
    .await;
    assert_json_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rebuild")
    );

    let metrics = get(&app, "/metrics").await.body;
    for status in ["200", "400", "405", "413"] {
        assert!(
            metrics.lines().any(|l| l.starts_with(&format!(
                "kenning_http_requests_total{{route=\"/api/v1/wikify\",status=\"{status}\"}} "
            ))),
            "{status}: {metrics}"
        );
    }
}

#[tokio::test]
async fn wikify_page_annotates_a_pasted_text() {
    let app = tiny_app();

    // Every page links to the wikify page; it shows a form that works
    // without JavaScript.
    let home = get(&app, "/").await.body;
    assert!(home.contains("<a href=\"/wikify\""), "{home}");
    let page = get(&app, "/wikify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    for needle in [
        "<form class=\"wikify-form\" action=\"/wikify\" method=\"post\"",
        "<textarea id=\"wikify-text\" name=\"text\"",
        "name=\"min_score\"",
        "<button type=\"submit\">Find concepts</button>",
        "How to read the scores",
        "<a href=\"/wikify\" aria-current=\"page\"",
        "<link rel=\"stylesheet\" href=\"/static/style.css\">",
    ] {
        assert!(
            page.body.contains(needle),
            "missing {needle:?} in\n{}",
            page.body
        );
    }
    assert!(!page.body.contains("class=\"wikified\""));
    assert!(!page.body.contains("<script>") && !page.body.contains("style="));

    // Submitting the form: the text with its mentions linked to their
    // explanations (on hover too), and the tables of concepts and mentions.
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("min_score", "")]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let html = &reply.body;
    let lake = id_of("Lake Tessel");
    let annotated = &html[html.find("<div class=\"wikified\">").unwrap()..];
    let annotated = &annotated[..annotated.find("</div>").unwrap()];
    assert!(
        annotated.starts_with("<div class=\"wikified\">Über den Sée — 🌊 the "),
        "{annotated}"
    );
    let link_start = annotated.find("<a class=\"mention level-").unwrap();
    assert!(link_start > 0);
    let lake_link = annotated
        .split("<a ")
        .find(|a| a.contains(">Lake Tessel</a>"))
        .unwrap_or_else(|| panic!("no link on Lake Tessel in {annotated}"));
    // It leads to its explanation, which names the concept and links to it.
    let row = attribute(lake_link, "href");
    assert!(row.starts_with("#m-"), "{lake_link}");
    let row = mention_row(html, &row[1..]);
    assert!(
        row.contains(&format!("<a href=\"/concept/{lake}\">Lake Tessel</a>")),
        "{row}"
    );
    assert!(
        row.contains("link probability") && row.contains("commonness"),
        "{row}"
    );
    assert!(
        lake_link.contains("title=\"Lake Tessel\nscore 0.")
            && lake_link.contains("link probability")
            && lake_link.contains("commonness")
            && lake_link.contains("coherence")
            && lake_link.contains("context"),
        "{lake_link}"
    );
    check_mention_links(html);
    // The text between the mentions is kept, line break included.
    assert!(annotated.contains(" crosses "), "{annotated}");
    assert!(annotated.contains(";\n"), "{annotated}");
    let count = tiny_engine()
        .wikify(WIKIFY_TEXT, kenning_engine::WikifyOptions::default())
        .annotations
        .len();
    assert_eq!(annotated.matches("<a class=\"mention").count(), count);
    let table = &html[html.find("<table class=\"wikify-concepts\">").unwrap()..];
    assert!(
        table.contains(&format!("<a href=\"/concept/{lake}\">Lake Tessel</a>")),
        "{table}"
    );
    assert!(table.contains("<meter min=\"0\" max=\"1\""));
    // The text stays in the form for another try.
    assert!(html.contains(
        "name=\"text\" rows=\"10\" required placeholder=\"Paste or type a text…\">\nÜber den Sée"
    ));
    // The concepts' links lead to concept pages.
    assert_eq!(
        get(&app, &format!("/concept/{lake}")).await.status,
        StatusCode::OK
    );

    // Options from the form.
    let strict = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("min_score", "0.99")]),
    )
    .await;
    assert_eq!(strict.status, StatusCode::OK);
    assert!(strict.body.contains("value=\"0.99\"") && !strict.body.contains(" checked>"));
    assert!(strict.body.matches("<a class=\"mention").count() < count);
    let prior = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", WIKIFY_TEXT), ("prior_only", "on")]),
    )
    .await;
    assert_eq!(prior.status, StatusCode::OK);
    assert!(prior.body.contains(" checked>") && prior.body.contains("<a class=\"mention"));

    // An empty form asks for a text.
    let empty = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        "text=",
    )
    .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Paste or type a text above"));

    // Bad minimum score: 400, the form again with the text kept.
    let bad = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", "Lake Tessel"), ("min_score", "much")]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.content_type().starts_with("text/html"));
    assert!(
        bad.body.contains("role=\"alert\"") && bad.body.contains("“much”"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains(">\nLake Tessel</textarea>"));

    // Too long: a friendly 413 page with the form, the text not echoed.
    let long = "x".repeat(kenning_engine::MAX_WIKIFY_BYTES + 1);
    let too_long = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", &long)]),
    )
    .await;
    assert_eq!(too_long.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_long.content_type().starts_with("text/html"));
    assert!(
        too_long.body.contains("Request too large")
            && too_long.body.contains("split it into smaller pieces")
            && too_long.body.contains("action=\"/wikify\""),
        "{}",
        &too_long.body[..2000.min(too_long.body.len())]
    );
    assert!(too_long.body.len() < 20_000);
    let huge = vec![b'x'; kenning_server::MAX_WIKIFY_BODY_BYTES + 1];
    let request = Request::post("/wikify")
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.content_type().starts_with("text/html"));
    assert!(reply.body.contains("split"), "{}", reply.body);

    // Without a mention dictionary: the page says so; submitting is a 503.
    let old = app_without_dictionary();
    let page = get(&old, "/wikify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("no mention dictionary"));
    let reply = post(
        &old,
        "/wikify",
        "application/x-www-form-urlencoded",
        "text=Lake+Tessel",
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("rebuild"), "{}", reply.body);

    let metrics = get(&app, "/metrics").await.body;
    for status in ["200", "400", "413"] {
        assert!(
            metrics.lines().any(|l| l.starts_with(&format!(
                "kenning_http_requests_total{{route=\"/wikify\",status=\"{status}\"}} "
            ))),
            "{status}: {metrics}"
        );
    }
}

/// The value of the attribute `name` in the start of a tag (`a` without
/// its `<a `), as written (escaped).
fn attribute(tag: &str, name: &str) -> String {
    let start = if tag.starts_with(&format!("{name}=\"")) {
        name.len() + 2
    } else {
        tag.find(&format!(" {name}=\""))
            .map(|i| i + name.len() + 3)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
    };
    let rest = &tag[start..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The row `id` of the table of mentions.
fn mention_row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<tr id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no row {id}"));
    let row = &html[start..];
    &row[..row.find("</tr>").unwrap()]
}

/// Every mention in the annotated text links to a row of the table of
/// mentions that exists, is described by that row's concept and
/// explanation (for screen readers), and every row links back to a
/// mention; every row is linked to.
fn check_mention_links(html: &str) {
    let annotated = &html[html.find("<div class=\"wikified\">").unwrap()..];
    let annotated = &annotated[..annotated.find("</div>").unwrap()];
    let mut linked = std::collections::BTreeSet::new();
    for tag in annotated.split("<a class=\"mention").skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        let href = attribute(tag, "href");
        let id = href.strip_prefix('#').unwrap_or_else(|| panic!("{tag}"));
        let row = mention_row(html, id);
        assert!(row.contains(&format!(" id=\"{id}-to\"")), "{row}");
        assert!(row.contains(&format!(" id=\"{id}-why\">score ")), "{row}");
        assert_eq!(
            attribute(tag, "aria-describedby"),
            format!("{id}-to {id}-why")
        );
        assert!(attribute(tag, "title").contains("score "), "{tag}");
        linked.insert(id.to_owned());
    }
    let table = &html[html.find("<table class=\"wikify-mentions\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr id=\"").skip(1).collect();
    assert_eq!(rows.len(), linked.len(), "rows that no mention links to");
    for row in rows {
        let back = attribute(&row[row.find("<a ").unwrap() + 3..], "href");
        let back = back.strip_prefix('#').unwrap();
        assert!(
            annotated.contains(&format!(" id=\"{back}\" href=\"#")),
            "{back} is no mention"
        );
    }
}

#[tokio::test]
async fn wikify_page_escapes_what_is_typed_and_what_the_dump_says() {
    let app = tiny_app();
    let typed =
        "<script>alert(1)</script> \"><img src=x onerror=alert(2)> Lake Tessel & 'Kettle Island'";
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[
            ("text", typed),
            ("min_score", "\"><script>alert(3)</script>"),
        ]),
    )
    .await;
    // The minimum score is not a number: the form again, escaped.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", typed)]),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    assert!(
        html.contains(&format!("href=\"/concept/{}\"", id_of("Lake Tessel"))),
        "{html}"
    );
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;";
    assert_eq!(
        html.matches(escaped).count(),
        2,
        "textarea and annotated text: {html}"
    );
    assert!(html.contains("&amp; &#39;"), "{html}");

    // The hostile wiki: titles with quotes and markup in the hover text.
    let engine = hostile_engine();
    let hostile = app_with(Arc::clone(&engine));
    let mut bodies = vec![html.clone()];
    for text in [
        typed.to_owned(),
        "See the quote page, the harmless page and Harmless page.".to_owned(),
        format!("{typed} the quote page"),
    ] {
        for min_score in ["", "0", "\"><script>alert(3)</script>"] {
            let reply = post(
                &hostile,
                "/wikify",
                "application/x-www-form-urlencoded",
                form(&[("text", &text), ("min_score", min_score)]),
            )
            .await;
            bodies.push(reply.body);
        }
    }
    let linked = bodies
        .iter()
        .filter(|b| b.contains("<a class=\"mention"))
        .count();
    assert!(linked >= 2, "the hostile wiki links nothing");
    for body in bodies.iter().filter(|b| b.contains("<a class=\"mention")) {
        check_mention_links(body);
    }
    for body in &bodies {
        let body = body.replace("<script src=\"/static/search.js\" defer></script>", "");
        for needle in ["<script", "<img", "<b>", "\"onmouseover", "x='y'"] {
            assert!(!body.contains(needle), "{needle:?} unescaped in\n{body}");
        }
    }
}
