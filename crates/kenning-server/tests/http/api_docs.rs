//! `GET /api`: the API documentation page, rendered from the OpenAPI
//! document; and the examples of that document, which the page shows:
//! every operation has them, they match their schemas, and the example
//! requests get the example responses' status from a server over the
//! example data of the repository.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kenning_build::Source;
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};
use serde_json::Value;

use crate::fixtures::{
    TOKEN, attribute, build_with, examples_dir, get, id_of, scratch, send, tiny_app,
};
use crate::schema::{check_documented, resolve, validate};

/// Where the page's example requests are sent.
const EXAMPLE_SERVER: &str = "http://127.0.0.1:8080";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Every operation of the document: (path, method, operation).
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((path.clone(), method.to_owned(), op.clone()));
            }
        }
    }
    out
}

/// A body's example: its media type and value.
type Example<'a> = (&'a str, &'a Value);

/// The example of a parameter, header or media type: its `example`, its
/// first `examples` value, or its schema's `example`.
fn example_of<'a>(spec: &'a Value, node: &'a Value) -> Option<&'a Value> {
    if let Some(e) = node.get("example").filter(|e| !e.is_null()) {
        return Some(e);
    }
    if let Some(first) = node
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|m| m.values().next())
    {
        return resolve(spec, first).get("value").filter(|v| !v.is_null());
    }
    resolve(spec, &node["schema"])
        .get("example")
        .filter(|e| !e.is_null())
}

/// The parameters of an operation, resolved (path item's, then its own).
fn parameters<'a>(spec: &'a Value, path: &str, op: &'a Value) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = Vec::new();
    let item = &spec["paths"][path];
    for p in item["parameters"].as_array().into_iter().flatten() {
        out.push(resolve(spec, p));
    }
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(spec, p);
        match out
            .iter()
            .position(|q| q["name"] == p["name"] && q["in"] == p["in"])
        {
            Some(i) => out[i] = p,
            None => out.push(p),
        }
    }
    out
}

/// A parameter's example as typed in a URL.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Percent-encoding as the page does it: all but ASCII letters, digits
/// and `-._~`.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The example response of an operation: the first success status (2xx,
/// then 3xx) without a body or with an example body, and that example
/// (with its media type) when there is one. `None` when there is none.
fn example_response<'a>(spec: &'a Value, op: &'a Value) -> Option<(u16, Option<Example<'a>>)> {
    let mut successes: Vec<(&String, &Value)> = op["responses"]
        .as_object()?
        .iter()
        .filter(|(s, _)| s.starts_with('2') || s.starts_with('3'))
        .collect();
    successes.sort_by_key(|(s, _)| s.as_str());
    for (status, response) in successes {
        let response = resolve(spec, response);
        let status: u16 = status.parse().ok()?;
        match response.get("content").and_then(Value::as_object) {
            None => return Some((status, None)),
            Some(content) => {
                if let Some(found) = content
                    .iter()
                    .find_map(|(media, m)| example_of(spec, m).map(|e| (media.as_str(), e)))
                {
                    return Some((status, Some(found)));
                }
            }
        }
    }
    None
}

/// The example request of an operation: the address (path and query),
/// and the body's media type and example. `Err` names what is missing.
fn example_request<'a>(
    spec: &'a Value,
    path: &str,
    op: &'a Value,
) -> Result<(String, Option<Example<'a>>), Vec<String>> {
    let mut uri = path.to_owned();
    let mut query = Vec::new();
    let mut missing = Vec::new();
    for p in parameters(spec, path, op) {
        let name = p["name"].as_str().unwrap();
        let place = p["in"].as_str().unwrap();
        let required = p["required"] == true || place == "path";
        match (place, example_of(spec, p)) {
            ("path", Some(v)) => uri = uri.replace(&format!("{{{name}}}"), &encode(&plain(v))),
            ("query", Some(v)) => query.push(format!("{}={}", encode(name), encode(&plain(v)))),
            (_, None) if required => missing.push(format!("parameter {name}")),
            _ => {}
        }
    }
    let request_body = resolve(spec, &op["requestBody"]);
    let mut body = None;
    if let Some(content) = request_body.get("content").and_then(Value::as_object) {
        body = content
            .iter()
            .find_map(|(media, m)| example_of(spec, m).map(|e| (media.as_str(), e)));
        if body.is_none() && request_body["required"] == true {
            missing.push("request body".to_owned());
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    Ok((uri, body))
}

/// Fails when an operation of the OpenAPI document has no example request
/// or no example response, or when an example does not match its schema.
/// A new endpoint must come with its examples (`example` on its required
/// parameters, its request body and a successful response).
#[tokio::test]
async fn every_operation_in_the_openapi_document_has_examples() {
    let app = tiny_app();
    let spec = get(&app, "/api/openapi.json").await.json();
    let mut lacking = Vec::new();
    let mut wrong = Vec::new();
    for (path, method, op) in operations(&spec) {
        let at = format!("{} {path}", method.to_uppercase());
        match example_request(&spec, &path, &op) {
            Err(missing) => lacking.push(format!("{at}: no example of {}", missing.join(", "))),
            Ok((_, Some((media, body)))) => {
                let schema = &resolve(&spec, &op["requestBody"])["content"][media]["schema"];
                if media == "application/x-www-form-urlencoded" {
                    assert!(body.is_object(), "{at}: a form is an object of fields");
                }
                let errors = validate(&spec, schema, body, "$");
                if !errors.is_empty() {
                    wrong.push(format!("{at}: request body example: {errors:?}"));
                }
            }
            Ok(_) => {}
        }
        for p in parameters(&spec, &path, &op) {
            if let Some(example) = example_of(&spec, p) {
                let errors = validate(&spec, &p["schema"], example, "$");
                if !errors.is_empty() {
                    wrong.push(format!("{at}: parameter {}: {errors:?}", p["name"]));
                }
            }
        }
        match example_response(&spec, &op) {
            None => lacking.push(format!("{at}: no example of a successful response")),
            Some((status, Some((media, body)))) => {
                let response = resolve(&spec, &op["responses"][status.to_string()]);
                let schema = &response["content"][media]["schema"];
                let errors = validate(&spec, schema, body, "$");
                if !errors.is_empty() {
                    wrong.push(format!("{at}: {status} example: {errors:?}"));
                }
            }
            Some((_, None)) => {}
        }
    }
    // Examples given on named schemas match them too.
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            let errors = validate(&spec, schema, example, "$");
            if !errors.is_empty() {
                wrong.push(format!("schema {name}: example: {errors:?}"));
            }
        }
    }
    assert!(
        lacking.is_empty(),
        "operations without examples (add `example` to openapi.json):\n{}",
        lacking.join("\n")
    );
    assert!(
        wrong.is_empty(),
        "examples that do not match their schemas:\n{}",
        wrong.join("\n")
    );
}

/// The sections of the page, one per operation: (id, HTML).
fn op_sections(page: &str) -> Vec<(String, &str)> {
    page.split("<section class=\"api-op\" id=\"")
        .skip(1)
        .map(|s| {
            let id = s[..s.find('"').unwrap()].to_owned();
            let end = s.find("</section>").unwrap();
            (id, &s[..end])
        })
        .collect()
}

#[tokio::test]
async fn api_page_documents_every_operation_with_an_example() {
    let app = tiny_app();
    let reply = get(&app, "/api").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.content_type().starts_with("text/html"),
        "{}",
        reply.content_type()
    );
    // As strict as every page: no inline script or style.
    assert!(
        reply
            .header("content-security-policy")
            .contains("script-src 'self'")
    );
    let page = reply.body;
    assert!(!page.contains("style="), "inline style");
    assert_eq!(page.matches("<script").count(), 1, "only search.js");
    assert!(page.contains("<title>API · kenning</title>"));
    assert!(
        page.contains("<a href=\"/api/openapi.json\">"),
        "raw document"
    );
    assert!(!page.contains("api-missing"), "an example is missing");

    let spec = get(&app, "/api/openapi.json").await.json();
    let operations = operations(&spec);
    let sections = op_sections(&page);
    assert_eq!(sections.len(), operations.len());
    // Every path is named, and every operation has its section (in the
    // contents too) with an example request and an example response.
    for (path, _, _) in &operations {
        assert!(
            page.contains(&format!(
                "<code class=\"api-path\">{}</code>",
                attribute(path)
            )),
            "{path} is not on the page"
        );
    }
    let mut seen = BTreeSet::new();
    for (path, method, op) in &operations {
        let heading = format!(
            "<span class=\"api-method api-method-{method}\">{}</span> \
             <code class=\"api-path\">{}</code></h3>",
            method.to_uppercase(),
            attribute(path)
        );
        let (id, section) = sections
            .iter()
            .find(|(_, s)| s.contains(&heading))
            .unwrap_or_else(|| panic!("no section for {method} {path}"));
        assert!(seen.insert(id.clone()), "{id} twice");
        assert!(
            page.contains(&format!("<a href=\"#{id}\">")),
            "{id} not in the contents"
        );
        assert!(
            section.contains("<pre class=\"api-example api-example-request\"><code>curl "),
            "{method} {path}: no example request"
        );
        assert!(
            section.contains("<pre class=\"api-example api-example-response\"><code>HTTP/1.1 "),
            "{method} {path}: no example response"
        );
        if let Some(summary) = op["summary"].as_str() {
            let start: String = summary.chars().take_while(|&c| c != '`').collect();
            assert!(
                section.contains(&attribute(&start)),
                "{method} {path}: no summary"
            );
        }
        // The parameters, with where they go and whether they are needed.
        for p in parameters(&spec, path, op) {
            let name = p["name"].as_str().unwrap();
            let place = p["in"].as_str().unwrap();
            assert!(
                section.contains(&format!(
                    "<tr><td><code>{}</code></td><td>{place}</td><td>",
                    attribute(name)
                )),
                "{method} {path}: parameter {name}"
            );
        }
        if op.get("requestBody").is_some() {
            assert!(section.contains("<h4>Request body</h4>"), "{method} {path}");
        }
    }
    // The example of a JSON answer is pretty-printed JSON.
    let (_, search) = sections.iter().find(|(id, _)| id == "op-search").unwrap();
    assert!(
        search.contains("Content-Type: application/json\n\n{\n  &quot;query&quot;: "),
        "{search}"
    );
    // Every link within the page leads to an id on it.
    for anchor in page.split("href=\"#").skip(1) {
        let id = &anchor[..anchor.find('"').unwrap()];
        assert!(
            page.contains(&format!(" id=\"{id}\"")),
            "#{id} leads nowhere"
        );
    }
    // Every page's footer links here.
    let lake = id_of("Lake Tessel");
    for uri in [
        "/".to_owned(),
        format!("/concept/{lake}"),
        "/wikify".into(),
        "/api".into(),
    ] {
        let body = get(&app, &uri).await.body;
        let footer = &body[body.find("<footer").unwrap()..];
        assert!(
            footer.contains("<a href=\"/api\">API</a>"),
            "{uri}: {footer}"
        );
        assert!(!footer.contains("openapi.json"), "{uri}");
    }
    // The wikify page names the API by its page too.
    assert!(
        get(&app, "/wikify")
            .await
            .body
            .contains("(see the <a href=\"/api\">API</a>)")
    );
    // Only GET.
    let post = send(&app, Request::post("/api").body(Body::empty()).unwrap()).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// A writable server over the example data of the repository (the wiki,
/// its extra concepts and its records), as the page's examples assume,
/// taking writes with [`TOKEN`].
fn examples_app() -> axum::Router {
    let out = scratch("api-docs-examples");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let examples = examples_dir();
    build_with(
        vec![
            Source::Dump(examples.join("tiny-wiki.xml")),
            Source::Concepts(examples.join("tiny-concepts.jsonl")),
        ],
        vec![examples.join("tiny-records.jsonl")],
        vec![examples.join("tiny-ontology.jsonl")],
        &out,
    );
    let engine = Arc::new(Engine::open_writable(&out).expect("open the examples snapshot"));
    app(
        engine,
        ServerConfig {
            api_token: Some(TOKEN.to_owned()),
            ..ServerConfig::default()
        },
    )
}

/// The example requests, sent to a server over the repository's example
/// data, get the status of the example response, with a body that matches
/// the document; and the page shows each of them as its `curl` command.
#[tokio::test]
async fn example_requests_get_the_example_responses() {
    let app = examples_app();
    let spec = get(&app, "/api/openapi.json").await.json();
    let page = get(&app, "/api").await.body;
    let sections = op_sections(&page);
    let mut operations = operations(&spec);
    // Deletions last: the other examples read the record they delete.
    operations.sort_by_key(|(_, method, _)| method == "delete");
    for (path, method, op) in &operations {
        let (uri, body) = example_request(&spec, path, op)
            .unwrap_or_else(|missing| panic!("{method} {path}: no example of {missing:?}"));
        let (status, _) = example_response(&spec, op)
            .unwrap_or_else(|| panic!("{method} {path}: no example response"));

        let mut request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(uri.as_str());
        if op.get("security").is_some_and(|s| s[0].is_object()) {
            request = request.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        }
        let request = match body {
            None => request.body(Body::empty()).unwrap(),
            Some((media, example)) => {
                let text = if media == "application/x-www-form-urlencoded" {
                    form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(
                            example
                                .as_object()
                                .unwrap()
                                .iter()
                                .map(|(k, v)| (k.as_str(), plain(v))),
                        )
                        .finish()
                } else {
                    example.to_string()
                };
                request
                    .header(header::CONTENT_TYPE, media)
                    .body(Body::from(text))
                    .unwrap()
            }
        };
        let reply = send(&app, request).await;
        check_documented(&spec, path, method, &uri, &reply, status);

        // The page shows that request.
        let heading = format!(
            "<span class=\"api-method api-method-{method}\">{}</span> \
             <code class=\"api-path\">{}</code></h3>",
            method.to_uppercase(),
            attribute(path)
        );
        let (_, section) = sections.iter().find(|(_, s)| s.contains(&heading)).unwrap();
        let url = attribute(&format!("'{EXAMPLE_SERVER}{uri}'"));
        assert!(
            section.contains(&url),
            "{method} {path}: {url} not in\n{section}"
        );
        let status_line = format!("HTTP/1.1 {status} ");
        assert!(
            section.contains(&status_line),
            "{method} {path}: {status_line}"
        );
    }
}
