//! The examples of the API page: an operation's example request as a
//! `curl` command and its example response as it would come over the
//! wire, both from the OpenAPI document's `example` values.

use axum::http::StatusCode;
use std::fmt::Write as _;

use super::ordered_json::Node;
use super::{Doc, EXAMPLE_SERVER, Operation, TOKEN_VARIABLE};
use crate::html::url_encode;

/// A body's example: the media type's `example`, its first `examples`
/// value, or its schema's `example`.
fn media_example<'a>(doc: &'a Doc, media: &'a Node) -> Option<&'a Node> {
    doc.example_of(media)
}

/// An example response, as it would come over the wire.
#[derive(Debug)]
pub(super) struct ExampleResponse {
    pub(super) text: String,
    pub(super) has_body: bool,
}

/// The example response of an operation: the first success (2xx, then
/// 3xx) that has no body or whose body has an example. `Err` says what is
/// missing.
pub(super) fn example_response(doc: &Doc, op: &Node) -> Result<ExampleResponse, String> {
    let mut successes: Vec<(&str, &Node)> = op
        .get("responses")
        .members()
        .iter()
        .filter(|(status, _)| status.starts_with('2') || status.starts_with('3'))
        .map(|(status, response)| (status.as_str(), response))
        .collect();
    successes.sort_by_key(|(status, _)| *status);
    if successes.is_empty() {
        return Err("the document lists no successful response".to_owned());
    }
    for (status, response) in successes {
        let response = doc.resolve(response);
        let reason = status
            .parse::<u16>()
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .and_then(|code| code.canonical_reason())
            .unwrap_or("");
        let mut text = format!("HTTP/1.1 {status} {reason}").trim_end().to_owned();
        for (name, header) in response.get("headers").members() {
            if let Some(value) = doc.example_of(doc.resolve(header)) {
                let _ = write!(text, "\n{name}: {}", value.plain());
            }
        }
        let content = response.get("content").members();
        if content.is_empty() {
            return Ok(ExampleResponse {
                text,
                has_body: false,
            });
        }
        for (media, body) in content {
            let Some(example) = media_example(doc, body) else {
                continue;
            };
            let shown = match example {
                Node::String(s) if !is_json(media) => s.clone(),
                other => other.pretty(),
            };
            let _ = write!(text, "\nContent-Type: {media}\n\n{shown}");
            return Ok(ExampleResponse {
                text,
                has_body: true,
            });
        }
    }
    Err("the document gives no example body of a successful response".to_owned())
}

/// Whether a media type is JSON (`application/json`, `…+json`).
fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json")
}

/// `text` quoted for a POSIX shell.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The example request of an operation as a `curl` command (lines joined
/// by `\`): the path with its parameters' examples, the query parameters
/// that are required or have an example, the token when one is needed,
/// and the body's example. `Err` names what has no example.
pub(super) fn example_request(
    doc: &Doc,
    o: &Operation<'_>,
    without_body: bool,
) -> Result<String, String> {
    let mut path = o.path.to_owned();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut missing = Vec::new();
    for p in doc.parameters(o) {
        let name = p.text("name");
        let place = p.text("in");
        let required = p.get("required").is_true() || place == "path";
        match (place, doc.example_of(p)) {
            ("path", Some(value)) => {
                path = path.replace(&format!("{{{name}}}"), &url_encode(&value.plain()));
            }
            ("query", Some(value)) => {
                query.push(format!(
                    "{}={}",
                    url_encode(name),
                    url_encode(&value.plain())
                ));
            }
            ("header", Some(value)) => headers.push(format!("{name}: {}", value.plain())),
            (_, None) if required => missing.push(format!("the parameter {name}")),
            _ => {}
        }
    }

    let request_body = doc.resolve(o.op.get("requestBody"));
    let mut body = None;
    if let Node::Object(_) = request_body {
        body = request_body
            .get("content")
            .members()
            .iter()
            .find_map(|(media, content)| media_example(doc, content).map(|e| (media, e)));
        if body.is_none() && request_body.get("required").is_true() {
            missing.push("the request body".to_owned());
        }
    }
    if !missing.is_empty() {
        return Err(missing.join(" and "));
    }

    let mut url = format!("{EXAMPLE_SERVER}{path}");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    let method = o.method.to_ascii_uppercase();
    let mut first = "curl".to_owned();
    if without_body {
        first.push_str(" -i");
    }
    match method.as_str() {
        "GET" => {}
        "HEAD" => first.push_str(" --head"),
        "POST" if body.is_some() => {}
        _ => {
            let _ = write!(first, " -X {method}");
        }
    }
    let _ = write!(first, " {}", shell_quote(&url));
    let mut lines = vec![first];

    for (_, scheme) in doc.security(o.op) {
        match (scheme.text("type"), scheme.text("scheme")) {
            ("http", how) if how.eq_ignore_ascii_case("bearer") => {
                lines.push(format!("-H \"Authorization: Bearer {TOKEN_VARIABLE}\""));
            }
            ("http", how) if how.eq_ignore_ascii_case("basic") => {
                lines.push("-u 'user:password'".to_owned());
            }
            ("apiKey", _) if scheme.text("in") == "header" => {
                lines.push(format!(
                    "-H \"{}: {TOKEN_VARIABLE}\"",
                    scheme.text("name").replace(['"', '$', '`', '\\'], "")
                ));
            }
            _ => {}
        }
    }
    for header in headers {
        lines.push(format!("-H {}", shell_quote(&header)));
    }
    if let Some((media, example)) = body {
        if media == "application/x-www-form-urlencoded" && matches!(example, Node::Object(_)) {
            for (name, value) in example.members() {
                lines.push(format!(
                    "--data-urlencode {}",
                    shell_quote(&format!("{name}={}", value.plain()))
                ));
            }
        } else {
            lines.push(format!(
                "-H {}",
                shell_quote(&format!("Content-Type: {media}"))
            ));
            let data = match example {
                Node::String(s) if !is_json(media) => s.clone(),
                other => other.compact(),
            };
            lines.push(format!("--data-binary {}", shell_quote(&data)));
        }
    }
    Ok(lines.join(" \\\n  "))
}
