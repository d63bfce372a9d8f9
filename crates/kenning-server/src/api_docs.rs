//! `GET /api`: the documentation of the API for people, an HTML page
//! rendered from the OpenAPI document the server serves
//! ([`OPENAPI`](crate::api::OPENAPI), placeholders filled).
//!
//! This module owns reading that document in its own order (an ordered
//! tree parsed by serde_json, so that paths, parameters and examples come
//! out as written) and turning it into a page: a table of contents, then
//! for every path and method its summary and description, parameters,
//! request body, responses, an example request (a `curl` command built
//! from the document's `example` values) and an example response, then the
//! schemas the bodies use. Nothing here names an endpoint: whatever the
//! document holds is shown, and an operation without an example says so
//! on the page (the HTTP tests fail on it). The page is rendered once, at
//! the first request, since the document never changes while serving.
//! The ordered tree is in `ordered_json`, the example requests and
//! responses in `examples`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::response::Html;

mod examples;
mod ordered_json;

use self::examples::{example_request, example_response};
#[cfg(test)]
use self::ordered_json::SHORT_OBJECT;
use self::ordered_json::{NULL, Node};
use crate::api::OPENAPI;
use crate::html::{self, Shell, escape};

/// Where the example requests are sent: the address `kenning serve`
/// listens on unless told otherwise.
const EXAMPLE_SERVER: &str = "http://127.0.0.1:8080";

/// The shell variable the example requests read a bearer token from (the
/// variable the server reads its token from, too).
const TOKEN_VARIABLE: &str = "$KENNING_API_TOKEN";

/// The methods a path item may hold, in the order they are shown.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// How many `$ref`s are followed in a row before giving up (a loop).
const MAX_REFS: usize = 16;

/// How deep inline objects are unfolded in a table of properties.
const MAX_DEPTH: usize = 4;

/// `GET /api`.
pub(crate) async fn page() -> Html<&'static str> {
    static PAGE: OnceLock<String> = OnceLock::new();
    Html(PAGE.get_or_init(|| render(&OPENAPI)).as_str())
}

/// The whole page for the OpenAPI document `document` (JSON text).
fn render(document: &str) -> String {
    let body = match serde_json::from_str::<Node>(document) {
        Ok(root) => body(&Doc { root }),
        Err(error) => format!(
            "<article class=\"api-docs\">\n<h1>API</h1>\n<p class=\"api-missing\">The OpenAPI \
             document could not be read ({}). It is at \
             <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>\n</article>",
            escape(&error.to_string())
        ),
    };
    html::page(
        &Shell {
            title: "API",
            query: "",
            header_search: true,
            body_class: "api",
            ..Shell::default()
        },
        &body,
    )
}

/// The OpenAPI document, read.
struct Doc {
    root: Node,
}

impl Doc {
    /// `node`, its `$ref` followed until it is not one (or null when a
    /// reference leads nowhere).
    fn resolve<'a>(&'a self, mut node: &'a Node) -> &'a Node {
        for _ in 0..MAX_REFS {
            match node.get("$ref").as_str() {
                Some(reference) => node = self.pointer(reference),
                None => return node,
            }
        }
        &NULL
    }

    /// What a local reference (`#/components/schemas/X`) points at.
    fn pointer(&self, reference: &str) -> &Node {
        let Some(path) = reference.strip_prefix("#/") else {
            return &NULL;
        };
        path.split('/').fold(&self.root, |node, part| {
            let part = part.replace("~1", "/").replace("~0", "~");
            match node {
                Node::Array(items) => part
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&NULL),
                _ => node.get(&part),
            }
        })
    }

    /// Every operation, in the order of the document, with its anchor.
    fn operations(&self) -> Vec<Operation<'_>> {
        let mut operations = Vec::new();
        let mut anchors: Vec<String> = Vec::new();
        for (path, item) in self.root.get("paths").members() {
            let item = self.resolve(item);
            for method in METHODS {
                let op = item.get(method);
                if !matches!(op, Node::Object(_)) {
                    continue;
                }
                let base = match op.text("operationId") {
                    "" => format!("op-{method}-{}", anchor_part(path)),
                    id => format!("op-{}", anchor_part(id)),
                };
                let mut anchor = base.clone();
                let mut n = 2;
                while anchors.contains(&anchor) {
                    anchor = format!("{base}-{n}");
                    n += 1;
                }
                anchors.push(anchor.clone());
                operations.push(Operation {
                    method,
                    path,
                    item,
                    op,
                    anchor,
                });
            }
        }
        operations
    }

    /// The parameters of an operation, resolved: the path item's, then
    /// the operation's (which replace those of the same name and place).
    fn parameters<'a>(&'a self, o: &Operation<'a>) -> Vec<&'a Node> {
        let mut out: Vec<&Node> = Vec::new();
        for p in o.item.get("parameters").items() {
            out.push(self.resolve(p));
        }
        for p in o.op.get("parameters").items() {
            let p = self.resolve(p);
            let same = |q: &&Node| q.text("name") == p.text("name") && q.text("in") == p.text("in");
            match out.iter().position(same) {
                Some(i) => out[i] = p,
                None => out.push(p),
            }
        }
        out
    }

    /// The security schemes an operation needs (the first alternative it
    /// lists, or the document's), with their names.
    fn security<'a>(&'a self, op: &'a Node) -> Vec<(&'a str, &'a Node)> {
        let requirements = match op.get("security") {
            Node::Array(items) => items,
            _ => self.root.get("security").items(),
        };
        let schemes = self.root.get("components").get("securitySchemes");
        requirements
            .first()
            .map(|requirement| {
                requirement
                    .members()
                    .iter()
                    .map(|(name, _)| (name.as_str(), self.resolve(schemes.get(name))))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The example of a parameter or a header: its `example`, its first
    /// `examples` value, or its schema's `example`.
    fn example_of<'a>(&'a self, node: &'a Node) -> Option<&'a Node> {
        let own = node.get("example");
        if !own.is_null() {
            return Some(own);
        }
        if let Some((_, first)) = node.get("examples").members().first() {
            let value = self.resolve(first).get("value");
            if !value.is_null() {
                return Some(value);
            }
        }
        let schema = self.resolve(node.get("schema")).get("example");
        (!schema.is_null()).then_some(schema)
    }
}

/// One method of one path.
struct Operation<'a> {
    /// Lower case, as in the document.
    method: &'static str,
    path: &'a str,
    /// The path item (for its parameters).
    item: &'a Node,
    op: &'a Node,
    /// The id of its section on the page.
    anchor: String,
}

/// `text` made fit for an id: ASCII letters, digits, `-` and `_`; every
/// other run of characters a single `-`.
fn anchor_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "root".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The anchor of a schema of `components/schemas`.
fn schema_anchor(name: &str) -> String {
    format!("schema-{}", anchor_part(name))
}

// --------------------------------------------------------------- prose

/// A description as HTML: escaped, `code` spans between backticks.
fn inline(text: &str) -> String {
    let mut parts: Vec<String> = text.split('`').map(str::to_owned).collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of backticks: the last one is a backtick.
        let last = parts.pop().unwrap_or_default();
        if let Some(before) = parts.last_mut() {
            before.push('`');
            before.push_str(&last);
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            let _ = write!(out, "{}", escape(part));
        }
    }
    out
}

/// A description as paragraphs (blank lines separate them).
fn paragraphs(b: &mut String, text: &str, class: &str) {
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let _ = writeln!(b, "<p class=\"{class}\">{}</p>", inline(paragraph));
    }
}

/// The method as a badge.
fn method_badge(method: &str) -> String {
    format!(
        "<span class=\"api-method api-method-{method}\">{}</span>",
        method.to_ascii_uppercase()
    )
}

/// A schema's type for a table cell (HTML): a link to a named schema,
/// `array of …`, a type with its format, `or null` when nullable.
fn type_label(doc: &Doc, schema: &Node, depth: usize) -> String {
    if let Some(reference) = schema.get("$ref").as_str() {
        if let Some(name) = reference.strip_prefix("#/components/schemas/")
            && !name.contains('/')
        {
            return format!(
                "<a href=\"#{}\">{}</a>",
                escape(&schema_anchor(name)),
                escape(name)
            );
        }
        if depth >= MAX_REFS {
            return "any".to_owned();
        }
        return type_label(doc, doc.resolve(schema), depth + 1);
    }
    let kind = schema.text("type");
    let mut label = match kind {
        "array" if depth < MAX_REFS => {
            format!(
                "array of {}",
                type_label(doc, schema.get("items"), depth + 1)
            )
        }
        "" if !schema.get("properties").members().is_empty() => "object".to_owned(),
        "" => "any".to_owned(),
        kind => escape(kind).to_string(),
    };
    if let Some(format) = schema.get("format").as_str() {
        let _ = write!(label, " ({})", escape(format));
    }
    if schema.get("nullable").is_true() {
        label.push_str(" or null");
    }
    label
}

/// What a schema allows besides its type, for a description cell (HTML):
/// its values, default (unless `description` already gives one), bounds,
/// length and pattern.
fn constraints(doc: &Doc, schema: &Node, description: &str) -> String {
    let schema = doc.resolve(schema);
    let mut out = Vec::new();
    let values = schema.get("enum").items();
    if !values.is_empty() {
        let list: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.plain())))
            .collect();
        out.push(format!("One of {}.", list.join(", ")));
    }
    let default = schema.get("default");
    if !default.is_null() && !description.to_lowercase().contains("default") {
        out.push(format!(
            "Default <code>{}</code>.",
            escape(&default.plain())
        ));
    }
    let bounds = [
        ("minimum", "At least"),
        ("maximum", "At most"),
        ("minLength", "Characters: at least"),
        ("maxLength", "Characters: at most"),
        ("minItems", "Items: at least"),
        ("maxItems", "Items: at most"),
    ];
    for (key, words) in bounds {
        let bound = schema.get(key);
        if !bound.is_null() {
            out.push(format!("{words} {}.", escape(&bound.plain())));
        }
    }
    if let Some(pattern) = schema.get("pattern").as_str() {
        out.push(format!("Pattern <code>{}</code>.", escape(pattern)));
    }
    if out.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"api-constraints\">{}</span>", out.join(" "))
    }
}

// ---------------------------------------------------------------- page

/// The page's article: header, contents, operations, schemas.
fn body(doc: &Doc) -> String {
    let root = &doc.root;
    let info = root.get("info");
    let operations = doc.operations();
    let mut b = String::with_capacity(96 << 10);

    b.push_str("<article class=\"api-docs\">\n<header class=\"api-header\">\n");
    b.push_str("<p class=\"type-label\">API</p>\n");
    let title = match info.text("title") {
        "" => "The API".to_owned(),
        title => format!("The {title} API"),
    };
    let _ = writeln!(b, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        b,
        "<p class=\"api-meta\">Version {} · OpenAPI {} · \
         <a href=\"/api/openapi.json\">the OpenAPI document</a> (JSON, for programs and code \
         generators)</p>",
        escape(info.text("version")),
        escape(root.text("openapi")),
    );
    paragraphs(&mut b, info.text("description"), "api-lede");
    let _ = writeln!(
        b,
        "<p class=\"api-lede\">The examples send their requests to <code>{EXAMPLE_SERVER}</code>, \
         where <code>kenning serve</code> listens unless told otherwise: put your server's \
         address instead. Their answers come from the example wiki of the repository \
         (<code>examples/</code>), shortened where long.</p>"
    );
    let schemes = root.get("components").get("securitySchemes").members();
    if !schemes.is_empty() {
        b.push_str(
            "<section id=\"authentication\" class=\"api-auth-schemes\">\n\
             <h2>Authentication</h2>\n<dl>\n",
        );
        for (name, scheme) in schemes {
            let scheme = doc.resolve(scheme);
            let kind = match (scheme.text("type"), scheme.text("scheme")) {
                ("http", "") => "HTTP".to_owned(),
                ("http", how) => format!("HTTP {how}"),
                (kind, _) => kind.to_owned(),
            };
            let _ = writeln!(
                b,
                "<dt><code>{}</code> ({})</dt><dd>{}</dd>",
                escape(name),
                escape(&kind),
                inline(scheme.text("description")),
            );
        }
        b.push_str("</dl>\n</section>\n");
    }
    b.push_str("</header>\n");

    let (api, other): (Vec<&Operation<'_>>, Vec<&Operation<'_>>) =
        operations.iter().partition(|o| o.path.starts_with("/api/"));
    let groups = [
        ("json-api", "JSON API", api),
        ("other-routes", "Pages and other routes", other),
    ];

    // Contents.
    b.push_str(
        "<nav class=\"api-toc\" aria-labelledby=\"api-toc-title\">\n\
         <h2 id=\"api-toc-title\">Contents</h2>\n",
    );
    for (id, heading, ops) in &groups {
        if ops.is_empty() {
            continue;
        }
        let _ = writeln!(b, "<h3><a href=\"#{id}\">{heading}</a></h3>\n<ul>");
        for o in ops {
            let _ = writeln!(
                b,
                "<li><a href=\"#{}\">{} <code class=\"api-path\">{}</code></a>\
                 <span class=\"api-toc-summary\">{}</span></li>",
                escape(&o.anchor),
                method_badge(o.method),
                escape(o.path),
                inline(o.op.text("summary")),
            );
        }
        b.push_str("</ul>\n");
    }
    if !root.get("components").get("schemas").members().is_empty() {
        b.push_str("<h3><a href=\"#schemas\">Schemas</a></h3>\n");
    }
    b.push_str("</nav>\n");

    for (id, heading, ops) in &groups {
        if ops.is_empty() {
            continue;
        }
        let _ = writeln!(
            b,
            "<section class=\"api-group\" id=\"{id}\" aria-labelledby=\"{id}-title\">\n\
             <h2 id=\"{id}-title\">{heading}</h2>"
        );
        for o in ops {
            operation(&mut b, doc, o);
        }
        b.push_str("</section>\n");
    }
    schemas(&mut b, doc);
    b.push_str("</article>");
    b
}

/// One operation's section.
fn operation(b: &mut String, doc: &Doc, o: &Operation<'_>) {
    let op = o.op;
    let anchor = escape(&o.anchor);
    let _ = writeln!(
        b,
        "<section class=\"api-op\" id=\"{anchor}\" aria-labelledby=\"{anchor}-title\">\n\
         <h3 id=\"{anchor}-title\">{} <code class=\"api-path\">{}</code></h3>",
        method_badge(o.method),
        escape(o.path),
    );
    paragraphs(b, op.text("summary"), "api-summary");
    paragraphs(b, op.text("description"), "api-description");
    if op.get("deprecated").is_true() {
        b.push_str("<p class=\"api-note\">Deprecated: it may go away.</p>\n");
    }
    let security = doc.security(op);
    if !security.is_empty() {
        let names: Vec<String> = security
            .iter()
            .map(|(name, _)| format!("<a href=\"#authentication\">{}</a>", escape(name)))
            .collect();
        let _ = writeln!(
            b,
            "<p class=\"api-note\">Needs authentication: {}.</p>",
            names.join(" and ")
        );
    }

    let parameters = doc.parameters(o);
    if !parameters.is_empty() {
        b.push_str("<h4>Parameters</h4>\n");
        table_head(b, &["Name", "In", "Required", "Type", "Description"]);
        for p in parameters {
            let required = p.get("required").is_true() || p.text("in") == "path";
            let example = doc
                .example_of(p)
                .map(|e| format!(" Example: <code>{}</code>.", escape(&e.plain())))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}{}{}</td></tr>",
                escape(p.text("name")),
                escape(p.text("in")),
                if required { "yes" } else { "no" },
                type_label(doc, p.get("schema"), 0),
                inline(p.text("description")),
                constraints(doc, p.get("schema"), p.text("description")),
                example,
            );
        }
        table_end(b);
    }

    let request_body = doc.resolve(op.get("requestBody"));
    if let Node::Object(_) = request_body {
        b.push_str("<h4>Request body</h4>\n");
        paragraphs(b, request_body.text("description"), "api-description");
        for (media, content) in request_body.get("content").members() {
            let schema = content.get("schema");
            let _ = writeln!(
                b,
                "<p>{} <code>{}</code>: {}</p>",
                if request_body.get("required").is_true() {
                    "Required,"
                } else {
                    "Optional,"
                },
                escape(media),
                type_label(doc, schema, 0),
            );
            properties(b, doc, schema);
        }
    }

    let responses = op.get("responses").members();
    if !responses.is_empty() {
        b.push_str("<h4>Responses</h4>\n");
        table_head(b, &["Status", "Description", "Body"]);
        for (status, response) in responses {
            let response = doc.resolve(response);
            let mut what = Vec::new();
            for (media, content) in response.get("content").members() {
                what.push(format!(
                    "<code>{}</code> {}",
                    escape(media),
                    type_label(doc, content.get("schema"), 0)
                ));
            }
            let headers: Vec<String> = response
                .get("headers")
                .members()
                .iter()
                .map(|(name, _)| format!("<code>{}</code>", escape(name)))
                .collect();
            if !headers.is_empty() {
                what.push(format!("Headers: {}", headers.join(", ")));
            }
            let _ = writeln!(
                b,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(status),
                inline(response.text("description")),
                if what.is_empty() {
                    "none".to_owned()
                } else {
                    what.join("<br>")
                },
            );
        }
        table_end(b);
    }

    let response = example_response(doc, op);
    let without_body = response.as_ref().is_ok_and(|r| !r.has_body);
    b.push_str("<h4>Example request</h4>\n");
    match example_request(doc, o, without_body) {
        Ok(request) => {
            let _ = writeln!(
                b,
                "<pre class=\"api-example api-example-request\"><code>{}</code></pre>",
                escape(&request)
            );
        }
        Err(missing) => {
            let _ = writeln!(
                b,
                "<p class=\"api-missing\">No example request: the document gives no example \
                 of {}.</p>",
                escape(&missing)
            );
        }
    }
    b.push_str("<h4>Example response</h4>\n");
    match response {
        Ok(response) => {
            let _ = writeln!(
                b,
                "<pre class=\"api-example api-example-response\"><code>{}</code></pre>",
                escape(&response.text)
            );
        }
        Err(missing) => {
            let _ = writeln!(
                b,
                "<p class=\"api-missing\">No example response: {}.</p>",
                escape(&missing)
            );
        }
    }
    b.push_str("</section>\n");
}

fn table_head(b: &mut String, columns: &[&str]) {
    b.push_str("<div class=\"api-table-wrap\">\n<table class=\"api-table\">\n<thead><tr>");
    for column in columns {
        let _ = write!(b, "<th scope=\"col\">{column}</th>");
    }
    b.push_str("</tr></thead>\n<tbody>\n");
}

fn table_end(b: &mut String) {
    b.push_str("</tbody>\n</table>\n</div>\n");
}

/// The table of an object schema's properties (nothing for other
/// schemas): name, type, whether required, description.
fn properties(b: &mut String, doc: &Doc, schema: &Node) {
    let schema = doc.resolve(schema);
    if schema.get("properties").members().is_empty() {
        return;
    }
    table_head(b, &["Name", "Type", "Required", "Description"]);
    property_rows(b, doc, schema, "", 0);
    table_end(b);
}

/// The rows of `schema`'s properties, names after `prefix`; inline
/// objects (not named schemas) are unfolded below their property.
fn property_rows(b: &mut String, doc: &Doc, schema: &Node, prefix: &str, depth: usize) {
    let required = schema.get("required").items();
    for (name, property) in schema.get("properties").members() {
        let is_required = required.iter().any(|r| r.as_str() == Some(name));
        let _ = writeln!(
            b,
            "<tr><td><code>{}{}</code></td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            escape(prefix),
            escape(name),
            type_label(doc, property, 0),
            if is_required { "yes" } else { "no" },
            inline(doc.resolve(property).text("description")),
            constraints(doc, property, doc.resolve(property).text("description")),
        );
        if depth + 1 >= MAX_DEPTH {
            continue;
        }
        // Unfold inline objects, and arrays of them.
        let (inner, suffix) = if property.get("type").as_str() == Some("array") {
            (property.get("items"), "[].")
        } else {
            (property, ".")
        };
        if inner.get("$ref").is_null() && !inner.get("properties").members().is_empty() {
            let prefix = format!("{prefix}{name}{suffix}");
            property_rows(b, doc, inner, &prefix, depth + 1);
        }
    }
}

/// The section of the named schemas.
fn schemas(b: &mut String, doc: &Doc) {
    let named = doc.root.get("components").get("schemas").members();
    if named.is_empty() {
        return;
    }
    b.push_str(
        "<section class=\"api-group api-schemas\" id=\"schemas\" aria-labelledby=\"schemas-title\">\n\
         <h2 id=\"schemas-title\">Schemas</h2>\n\
         <p class=\"api-lede\">What the bodies above hold, by name.</p>\n",
    );
    for (name, schema) in named {
        let anchor = schema_anchor(name);
        let anchor = escape(&anchor);
        let _ = writeln!(
            b,
            "<section class=\"api-schema\" id=\"{anchor}\" aria-labelledby=\"{anchor}-title\">\n\
             <h3 id=\"{anchor}-title\"><code>{}</code></h3>",
            escape(name)
        );
        let resolved = doc.resolve(schema);
        paragraphs(b, resolved.text("description"), "api-description");
        if resolved.get("properties").members().is_empty() {
            let _ = writeln!(
                b,
                "<p>{}{}</p>",
                type_label(doc, resolved, 0),
                constraints(doc, resolved, resolved.text("description"))
            );
        } else {
            properties(b, doc, resolved);
        }
        b.push_str("</section>\n");
    }
    b.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::examples::shell_quote;
    use super::*;

    fn doc(json: &str) -> Doc {
        Doc {
            root: serde_json::from_str(json).unwrap(),
        }
    }

    #[test]
    fn the_tree_keeps_the_order_of_members_and_prints_json() {
        let node: Node = serde_json::from_str(
            r#"{"z": 1, "a": [1, 2.5, "x\"y"], "m": {"k": null, "b": true}, "e": [], "o": {}}"#,
        )
        .unwrap();
        let names: Vec<&str> = node.members().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["z", "a", "m", "e", "o"]);
        assert_eq!(
            node.compact(),
            r#"{"z": 1, "a": [1, 2.5, "x\"y"], "m": {"k": null, "b": true}, "e": [], "o": {}}"#
        );
        assert_eq!(
            node.pretty(),
            "{\n  \"z\": 1,\n  \"a\": [1, 2.5, \"x\\\"y\"],\n  \"m\": {\"k\": null, \"b\": true},\n  \
             \"e\": [],\n  \"o\": {}\n}"
        );
        let nested: Node = serde_json::from_str(r#"[[0, 4], {"a": 1}, {"b": [1]}]"#).unwrap();
        assert_eq!(
            nested.pretty(),
            "[\n  [0, 4],\n  {\"a\": 1},\n  {\n    \"b\": [1]\n  }\n]"
        );
        let long = Node::Object(vec![(
            "k".to_owned(),
            Node::String("x".repeat(SHORT_OBJECT)),
        )]);
        assert!(long.pretty().starts_with("{\n  \"k\": "));
        assert_eq!(node.get("a").plain(), "1,2.5,x\"y");
        assert!(node.get("missing").is_null());
    }

    #[test]
    fn references_resolve_and_loops_end() {
        let d = doc(
            r##"{"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"},
                 "B": {"type": "string"}, "L": {"$ref": "#/components/schemas/L"},
                 "a/b": {"type": "integer"}}}}"##,
        );
        let a = d.pointer("#/components/schemas/A");
        assert_eq!(d.resolve(a).text("type"), "string");
        assert!(d.resolve(d.pointer("#/components/schemas/L")).is_null());
        assert_eq!(
            d.pointer("#/components/schemas/a~1b").text("type"),
            "integer"
        );
        assert!(d.pointer("http://elsewhere/x").is_null());
    }

    #[test]
    fn inline_code_and_anchors() {
        assert_eq!(inline("a `<b>` & `c"), "a <code>&lt;b&gt;</code> &amp; `c");
        assert_eq!(anchor_part("/api/v1/concepts/{id}"), "api-v1-concepts-id");
        assert_eq!(anchor_part("/"), "root");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    /// A small document in the shape of kenning's, with a hostile title.
    const DOC: &str = r##"{
      "openapi": "3.0.3",
      "info": {"title": "<b>t</b>", "version": "1", "description": "Uses `x`."},
      "paths": {
        "/things/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "example": 7}],
          "get": {
            "operationId": "thing",
            "summary": "A thing",
            "parameters": [
              {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}, "example": "a b"},
              {"name": "n", "in": "query", "schema": {"type": "integer", "default": 3}}
            ],
            "responses": {
              "404": {"description": "No."},
              "200": {"description": "Yes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
            }
          },
          "put": {
            "security": [{"bearer": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}, "example": {"name": "it's"}}}},
            "responses": {"204": {"description": "Stored."}}
          },
          "delete": {
            "responses": {"200": {"description": "Gone.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        }
      },
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The token."}},
        "schemas": {
          "Thing": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "inner": {"type": "object", "properties": {"deep": {"type": "boolean"}}}},
            "example": {"name": "x", "inner": {"deep": true}}
          }
        }
      }
    }"##;

    #[test]
    fn examples_come_from_the_document() {
        let d = doc(DOC);
        let ops = d.operations();
        assert_eq!(
            ops.iter()
                .map(|o| (o.method, o.anchor.as_str()))
                .collect::<Vec<_>>(),
            [
                ("get", "op-thing"),
                ("put", "op-put-things-id"),
                ("delete", "op-delete-things-id")
            ]
        );
        // Path parameters from the path item; optional query parameters
        // only with an example; the schema's example for the body.
        assert_eq!(
            example_request(&d, &ops[0], false).unwrap(),
            "curl 'http://127.0.0.1:8080/things/7?q=a%20b'"
        );
        let get = example_response(&d, ops[0].op).unwrap();
        assert_eq!(
            get.text,
            "HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\n  \"name\": \"x\",\n  \
             \"inner\": {\"deep\": true}\n}"
        );
        let put = example_response(&d, ops[1].op).unwrap();
        assert_eq!(put.text, "HTTP/1.1 204 No Content");
        assert!(!put.has_body);
        assert_eq!(
            example_request(&d, &ops[1], true).unwrap(),
            "curl -i -X PUT 'http://127.0.0.1:8080/things/7' \\\n  \
             -H \"Authorization: Bearer $KENNING_API_TOKEN\" \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             --data-binary '{\"name\": \"it'\\''s\"}'"
        );
        // No example of a body: said so.
        assert!(example_response(&d, ops[2].op).is_err());
    }

    #[test]
    fn the_page_shows_everything_escaped() {
        let page = render(DOC);
        for needle in [
            "<h1>The &lt;b&gt;t&lt;/b&gt; API</h1>",
            "Uses <code>x</code>.",
            "<a href=\"#op-thing\"><span class=\"api-method api-method-get\">GET</span> \
             <code class=\"api-path\">/things/{id}</code></a>",
            "<section class=\"api-op\" id=\"op-thing\"",
            "<td><code>n</code></td><td>query</td><td>no</td><td>integer</td><td> \
             <span class=\"api-constraints\">Default <code>3</code>.</span></td>",
            "<a href=\"#schema-Thing\">Thing</a>",
            "<td><code>inner.deep</code></td>",
            "<section class=\"api-schema\" id=\"schema-Thing\"",
            "Needs authentication: <a href=\"#authentication\">bearer</a>.",
            "<a href=\"/api/openapi.json\">",
            "No example response: the document gives no example body",
        ] {
            assert!(page.contains(needle), "missing {needle:?} in\n{page}");
        }
        assert!(!page.contains("<b>t</b>"));
        assert_eq!(
            page.matches("class=\"api-example api-example-request\"")
                .count(),
            3
        );
        assert_eq!(
            page.matches("class=\"api-example api-example-response\"")
                .count(),
            2
        );
        // An unreadable document: a page that says so, not a panic.
        let broken = render("{\"openapi\": ");
        assert!(broken.contains("could not be read"), "{broken}");
    }
}
