//! The OpenAPI document against every response the server gives.

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::fixtures::{
    TOKEN, WIKIFY_TEXT, app_with, app_without_dictionary, concept_id, form, get, id_of, post,
    post_json, records_app, records_engine, send, tiny_app, writable_app, write_request,
};
use crate::schema::{check_documented, check_refs, resolve, validate};

#[tokio::test]
async fn openapi_document_matches_every_response() {
    let app = tiny_app();
    let spec: Value = get(&app, "/api/openapi.json").await.json();
    assert_eq!(
        spec["openapi"].as_str().unwrap().split('.').next(),
        Some("3")
    );
    let id = id_of("Merrowby");

    // (path template, request, expected status)
    let long_query = "q".repeat(513);
    let requests: Vec<(&str, String, u16)> = vec![
        ("/api/v1/search", "/api/v1/search?q=merrowby".into(), 200),
        (
            "/api/v1/search",
            "/api/v1/search?q=lake+tesel&limit=1000&offset=1".into(),
            200,
        ),
        ("/api/v1/search", "/api/v1/search?q=".into(), 200),
        ("/api/v1/search", "/api/v1/search".into(), 400),
        (
            "/api/v1/search",
            format!("/api/v1/search?q={long_query}"),
            400,
        ),
        (
            "/api/v1/search",
            "/api/v1/search?q=x&offset=10001".into(),
            400,
        ),
        ("/api/v1/suggest", "/api/v1/suggest?q=merr".into(), 200),
        ("/api/v1/suggest", "/api/v1/suggest?q=".into(), 200),
        ("/api/v1/suggest", "/api/v1/suggest?q=x&limit=x".into(), 400),
        (
            "/api/v1/concepts",
            "/api/v1/concepts?title=merrowby".into(),
            200,
        ),
        (
            "/api/v1/concepts",
            "/api/v1/concepts?title=Nowhere".into(),
            404,
        ),
        ("/api/v1/concepts", "/api/v1/concepts".into(), 400),
        (
            "/api/v1/concepts/{id}",
            format!("/api/v1/concepts/{id}"),
            200,
        ),
        (
            "/api/v1/concepts/{id}",
            "/api/v1/concepts/999999".into(),
            404,
        ),
        ("/api/v1/concepts/{id}", "/api/v1/concepts/abc".into(), 400),
        (
            "/api/v1/concepts/{id}/related",
            format!("/api/v1/concepts/{id}/related"),
            200,
        ),
        (
            "/api/v1/concepts/{id}/related",
            "/api/v1/concepts/999999/related".into(),
            404,
        ),
        (
            "/api/v1/concepts/{id}/related",
            "/api/v1/concepts/x/related".into(),
            400,
        ),
        (
            "/api/v1/concepts/{id}/links-here",
            format!("/api/v1/concepts/{id}/links-here?limit=2&offset=1"),
            200,
        ),
        (
            "/api/v1/concepts/{id}/links-here",
            "/api/v1/concepts/999999/links-here".into(),
            404,
        ),
        (
            "/api/v1/concepts/{id}/links-here",
            format!("/api/v1/concepts/{id}/links-here?limit=x"),
            400,
        ),
        (
            "/api/v1/concepts/{id}/records",
            format!("/api/v1/concepts/{id}/records"),
            200,
        ),
        (
            "/api/v1/concepts/{id}/records",
            "/api/v1/concepts/999999/records".into(),
            404,
        ),
        (
            "/api/v1/concepts/{id}/records",
            format!("/api/v1/concepts/{id}/records?type=course"),
            400,
        ),
        ("/api/openapi.json", "/api/openapi.json".into(), 200),
        ("/healthz", "/healthz".into(), 200),
        ("/metrics", "/metrics".into(), 200),
        (
            "/api/v1/categories/{name}",
            "/api/v1/categories/lakes-and-rivers".into(),
            200,
        ),
        (
            "/api/v1/categories/{name}",
            "/api/v1/categories/nowhere".into(),
            404,
        ),
        (
            "/api/v1/categories/{name}",
            "/api/v1/categories/%FF".into(),
            400,
        ),
        (
            "/api/v1/categories/{name}/concepts",
            "/api/v1/categories/tesselmark/concepts?limit=2&offset=1".into(),
            200,
        ),
        (
            "/api/v1/categories/{name}/concepts",
            "/api/v1/categories/nowhere/concepts".into(),
            404,
        ),
        (
            "/api/v1/categories/{name}/concepts",
            "/api/v1/categories/tesselmark/concepts?limit=x".into(),
            400,
        ),
        ("/category/{name}", "/category/tesselmark".into(), 200),
        ("/category/{name}", "/category/nowhere".into(), 404),
        (
            "/category/{name}",
            "/category/tesselmark?page=0".into(),
            400,
        ),
        ("/", "/".into(), 200),
        ("/wikify", "/wikify".into(), 200),
        ("/search", "/search?q=lake&types=concept&page=1".into(), 200),
        ("/search", "/search?page=0".into(), 400),
        ("/concept/{id}", format!("/concept/{id}"), 200),
        ("/concept/{id}", "/concept/999999".into(), 404),
        ("/concept/{id}", "/concept/x".into(), 400),
        ("/wiki/{title}", "/wiki/Merrowby_Halt".into(), 302),
        ("/wiki/{title}", "/wiki/Nowhere".into(), 404),
        ("/wiki/{title}", format!("/wiki/{long_query}"), 400),
        ("/static/{file}", "/static/style.css".into(), 200),
        ("/static/{file}", "/static/search.js".into(), 200),
        ("/static/{file}", "/static/favicon.svg".into(), 200),
        ("/static/{file}", "/static/x.txt".into(), 404),
    ];

    let mut exercised: BTreeSet<(String, &str, String)> = BTreeSet::new();
    for (template, uri, expected) in &requests {
        let reply = get(&app, uri).await;
        check_documented(&spec, template, "get", uri, &reply, *expected);
        exercised.insert(((*template).to_owned(), "get", expected.to_string()));
    }

    // Requests with a body: (app, path, content type, body, expected status).
    // Their bodies must match the documented request schema too.
    let no_dictionary = app_without_dictionary();
    let json = "application/json";
    let form_type = "application/x-www-form-urlencoded";
    let too_long = "x".repeat(kenning_engine::MAX_WIKIFY_BYTES + 1);
    let posts: Vec<(&Router, &str, &str, String, u16)> = vec![
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": WIKIFY_TEXT }).to_string(),
            200,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "Ida Varrow and Lake Tessel", "min_score": 0, "prior_only": true })
                .to_string(),
            200,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "" }).to_string(),
            200,
        ),
        (&app, "/api/v1/wikify", json, "{".to_owned(), 400),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "x", "min_score": 2 }).to_string(),
            400,
        ),
        (
            &app,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": too_long }).to_string(),
            413,
        ),
        (
            &no_dictionary,
            "/api/v1/wikify",
            json,
            serde_json::json!({ "text": "Lake Tessel" }).to_string(),
            503,
        ),
        (&app, "/wikify", form_type, form(&[("text", WIKIFY_TEXT)]), 200),
        (
            &app,
            "/wikify",
            form_type,
            form(&[("text", "x"), ("min_score", "x")]),
            400,
        ),
        (&app, "/wikify", form_type, form(&[("text", &too_long)]), 413),
        (
            &no_dictionary,
            "/wikify",
            form_type,
            form(&[("text", "Lake Tessel")]),
            503,
        ),
    ];
    for (app, path, content_type, body, expected) in posts {
        let reply = post(app, path, content_type, body.clone()).await;
        check_documented(&spec, path, "post", path, &reply, expected);
        exercised.insert((path.to_owned(), "post", expected.to_string()));
        let request_body = resolve(&spec, &spec["paths"][path]["post"]["requestBody"]);
        let media = &request_body["content"][content_type];
        assert!(
            media.is_object(),
            "{path}: {content_type} is not documented"
        );
        if expected == 200 {
            let sent: Value = if content_type == json {
                serde_json::from_str(&body).unwrap()
            } else {
                form_urlencoded::parse(body.as_bytes())
                    .map(|(k, v)| (k.into_owned(), Value::from(v.into_owned())))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            let errors = validate(&spec, &media["schema"], &sent, "$");
            assert!(
                errors.is_empty(),
                "{path}: {body} does not match: {errors:?}"
            );
        }
    }
    // Bodies over the limit, on every JSON route that documents a 413.
    for (template, uri, expected) in &requests {
        let documented = &spec["paths"][*template]["get"]["responses"]["413"];
        if *expected != 200 || !documented.is_object() {
            continue;
        }
        let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
        let request = Request::get(uri.as_str())
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big))
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        let schema = &resolve(&spec, documented)["content"]["application/json"]["schema"];
        assert!(
            validate(&spec, schema, &reply.json(), "$").is_empty(),
            "{uri}"
        );
        exercised.insert(((*template).to_owned(), "get", "413".to_owned()));
    }

    // Records: pages and JSON over a snapshot with records, writes on a
    // writable copy of it.
    let records = records_app();
    let lake = concept_id(&records_engine(), "Lake Tessel");
    let record_gets: Vec<(&str, String, u16)> = vec![
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/GEO-210(b)".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/person/brandt,%20helga%20m.".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/XSS-1".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/NOPE".into(),
            404,
        ),
        (
            "/api/v1/records/{type}/{id}",
            "/api/v1/records/course/%FF".into(),
            400,
        ),
        (
            "/api/v1/records/{type}/{id}/related",
            "/api/v1/records/course/HIST-150/related?type=course&limit=5".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}/related",
            "/api/v1/records/course/NOPE/related?type=course".into(),
            404,
        ),
        (
            "/api/v1/records/{type}/{id}/related",
            "/api/v1/records/course/HIST-150/related".into(),
            400,
        ),
        (
            "/api/v1/records/{type}/{id}/concepts",
            "/api/v1/records/course/HIST-150/concepts?limit=1".into(),
            200,
        ),
        (
            "/api/v1/records/{type}/{id}/concepts",
            "/api/v1/records/course/NOPE/concepts".into(),
            404,
        ),
        (
            "/api/v1/records/{type}/{id}/concepts",
            "/api/v1/records/course/HIST-150/concepts?offset=x".into(),
            400,
        ),
        (
            "/api/v1/concepts/{id}/records",
            format!("/api/v1/concepts/{lake}/records?type=course&limit=1"),
            200,
        ),
        (
            "/concept/{id}/{list}",
            format!("/concept/{lake}/links-here?page=1"),
            200,
        ),
        (
            "/concept/{id}/{list}",
            format!("/concept/{lake}/courses"),
            200,
        ),
        ("/concept/{id}/{list}", format!("/concept/{lake}/nope"), 404),
        ("/concept/{id}/{list}", "/concept/x/courses".into(), 400),
        (
            "/{type}/{id}/related/{list}",
            "/course/HIST-150/related/courses".into(),
            200,
        ),
        (
            "/{type}/{id}/related/{list}",
            "/course/NOPE/related/courses".into(),
            404,
        ),
        (
            "/{type}/{id}/related/{list}",
            "/course/HIST-150/related/courses?page=0".into(),
            400,
        ),
        ("/{type}/{id}", "/course/GEO-210(b)".into(), 200),
        ("/{type}/{id}", "/course/NOPE".into(), 404),
        ("/{type}/{id}", "/course/%FF".into(), 400),
        (
            "/api/v1/concepts/{id}",
            format!("/api/v1/concepts/{lake}"),
            200,
        ),
        ("/healthz", "/healthz".into(), 200),
        (
            "/api/v1/categories/{name}/records",
            "/api/v1/categories/tesselmark/records?type=course&limit=2".into(),
            200,
        ),
        (
            "/api/v1/categories/{name}/records",
            "/api/v1/categories/tesselmark/records?type=nope".into(),
            400,
        ),
        (
            "/api/v1/categories/{name}/records",
            "/api/v1/categories/nowhere/records".into(),
            404,
        ),
        (
            "/category/{name}/{list}",
            "/category/tesselmark/courses".into(),
            200,
        ),
        (
            "/category/{name}/{list}",
            "/category/tesselmark/nopes".into(),
            404,
        ),
        (
            "/category/{name}/{list}",
            "/category/tesselmark/courses?page=0".into(),
            400,
        ),
    ];
    for (template, uri, expected) in &record_gets {
        let reply = get(&records, uri).await;
        check_documented(&spec, template, "get", uri, &reply, *expected);
        exercised.insert(((*template).to_owned(), "get", expected.to_string()));
    }
    // Bodies over the limit on the record lists.
    for (template, uri, expected) in &record_gets {
        let documented = &spec["paths"][*template]["get"]["responses"]["413"];
        if *expected != 200 || !template.ends_with("/related") && !template.ends_with("/concepts") {
            continue;
        }
        assert!(documented.is_object(), "{template}");
        let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
        let request = Request::get(uri.as_str())
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big))
            .unwrap();
        let reply = send(&records, request).await;
        check_documented(&spec, template, "get", uri, &reply, 413);
        exercised.insert(((*template).to_owned(), "get", "413".to_owned()));
    }
    let big = vec![b'x'; kenning_server::MAX_BODY_BYTES + 1];
    let request = Request::get("/api/v1/records/course/GEO-210(b)")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let reply = send(&records, request).await;
    check_documented(
        &spec,
        "/api/v1/records/{type}/{id}",
        "get",
        "/api/v1/records/course/GEO-210(b)",
        &reply,
        413,
    );
    exercised.insert((
        "/api/v1/records/{type}/{id}".to_owned(),
        "get",
        "413".to_owned(),
    ));

    let (writable, writer) = writable_app("records-openapi");
    let off = app_with(writable);
    let template = "/api/v1/records/{type}/{id}";
    let new = serde_json::json!({
        "title": "Ice on the lake", "text": "Lake Tessel in winter.", "lang": "en",
        "fields": {"credits": 2, "tags": ["a", "b"], "optional": null},
        "links": [{"rel": "taught_by", "type": "person", "id": "brandt, helga m."}]
    });
    let full = serde_json::json!({"type": "course", "id": "ICE-1", "title": "Ice on the lake, again", "url": "https://courses.example.edu/ICE-1"});
    let too_big =
        serde_json::json!({"title": "T", "text": "x".repeat(kenning_server::MAX_BODY_BYTES)});
    let untitled = serde_json::json!({"text": "x"});
    // (app, method, path, token, body, expected status)
    type Write<'a> = (
        &'a Router,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a Value>,
        u16,
    );
    let writes: Vec<Write<'_>> = vec![
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            Some(&new),
            201,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            Some(&full),
            200,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&untitled),
            400,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            None,
            Some(&new),
            401,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some("nope"),
            Some(&new),
            401,
        ),
        (
            &off,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&new),
            403,
        ),
        (
            &writer,
            "put",
            "/api/v1/records/course/ICE-2",
            Some(TOKEN),
            Some(&too_big),
            413,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            None,
            None,
            401,
        ),
        (
            &off,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            403,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            204,
        ),
        (
            &writer,
            "delete",
            "/api/v1/records/course/ICE-1",
            Some(TOKEN),
            None,
            404,
        ),
    ];
    for (app, method, uri, token, body, expected) in writes {
        let body_text = body.map(Value::to_string).unwrap_or_default();
        let reply = send(
            app,
            write_request(&method.to_uppercase(), uri, token, body_text),
        )
        .await;
        check_documented(&spec, template, method, uri, &reply, expected);
        exercised.insert((template.to_owned(), method, expected.to_string()));
        if let (Some(body), 200 | 201) = (body, expected) {
            let request_body = resolve(&spec, &spec["paths"][template][method]["requestBody"]);
            let schema = &request_body["content"]["application/json"]["schema"];
            let errors = validate(&spec, schema, body, "$");
            assert!(
                errors.is_empty(),
                "{uri}: {body} does not match: {errors:?}"
            );
        }
        if expected == 401 {
            assert!(reply.header("www-authenticate").starts_with("Bearer"));
        }
        let operation = &spec["paths"][template][method];
        assert_eq!(
            operation["security"][0]["bearer"],
            serde_json::json!([]),
            "{method}"
        );
    }
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    // Every documented path is served, and every documented status but 500
    // was seen. A record write's 503 (past the bound on heavy requests)
    // and 507 (a full disk) need a held request and a full file system:
    // tests/hardening.rs sees them, over a real socket and on a tmpfs.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, _) in operation["responses"].as_object().unwrap() {
                let elsewhere = path == "/api/v1/records/{type}/{id}"
                    && (method == "put" || method == "delete")
                    && (status == "503" || status == "507");
                if status != "500" && !elsewhere {
                    assert!(
                        exercised.contains(&(path.clone(), method.as_str(), status.clone())),
                        "{method} {path} {status} was not exercised"
                    );
                }
            }
        }
    }
    // Every schema is well formed for this validator (all $refs resolve).
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        check_refs(&spec, schema, name);
    }
    // The validator itself rejects what it should.
    let page = get(&app, &format!("/api/v1/concepts/{id}")).await.json();
    let concept_schema = serde_json::json!({"$ref": "#/components/schemas/ConceptPage"});
    let mut broken = page.clone();
    broken["id"] = Value::from("1");
    broken["unexpected"] = Value::from(1);
    broken.as_object_mut().unwrap().remove("title");
    broken["timeline"][0]["year"] = Value::from(1.5);
    let errors = validate(&spec, &concept_schema, &broken, "$");
    assert_eq!(errors.len(), 4, "{errors:?}");

    // The wikify schema takes a runner-up (the example wiki has no
    // ambiguous phrase, so real answers carry none) and rejects what is off.
    let wikify_schema = serde_json::json!({"$ref": "#/components/schemas/WikifyResult"});
    let mut result = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({ "text": WIKIFY_TEXT }),
    )
    .await
    .json();
    result["annotations"][0]["runner_up"] =
        serde_json::json!({"id": 5, "title": "Merrowby Ferry", "score": 0.25});
    assert_eq!(
        validate(&spec, &wikify_schema, &result, "$"),
        Vec::<String>::new()
    );
    result["annotations"][0]["runner_up"] = serde_json::json!({"id": 5});
    result["annotations"][0]["score"] = Value::from(1.5);
    result["annotations"][0]["parts"]
        .as_object_mut()
        .unwrap()
        .remove("coherence");
    result["concepts"][0]["mentions"] = Value::from(0);
    let errors = validate(&spec, &wikify_schema, &result, "$");
    assert_eq!(errors.len(), 5, "{errors:?}");
}

/// The limits the served document states are the ones the server applies:
/// the constants of `kenning-search` (re-exported by the engine), filled
/// into the document's placeholders, and the last `/search` page the
/// server accepts.
#[tokio::test]
async fn openapi_limits_are_the_constants() {
    use kenning_engine::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES};

    let app = tiny_app();
    let reply = get(&app, "/api/openapi.json").await;
    assert!(!reply.body.contains("{{"), "a placeholder is left unfilled");
    let spec = reply.json();
    let param = |path: &str, name: &str| -> Value {
        spec["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| resolve(&spec, p))
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path}: no parameter {name}"))
            .clone()
    };
    let description = |p: &Value| p["description"].as_str().unwrap().to_owned();

    for (path, name) in [
        ("/api/v1/search", "q"),
        ("/api/v1/suggest", "q"),
        ("/api/v1/concepts", "title"),
        ("/search", "q"),
    ] {
        let p = param(path, name);
        assert_eq!(p["schema"]["maxLength"], MAX_QUERY_BYTES, "{path} {name}");
        assert!(
            description(&p).contains(&format!("at most {MAX_QUERY_BYTES} bytes")),
            "{path} {name}: {p}"
        );
    }
    for path in ["/api/v1/search", "/api/v1/suggest"] {
        let limit = param(path, "limit");
        assert!(
            description(&limit).contains(&format!("clamped to 1..{MAX_LIMIT}.")),
            "{path}: {limit}"
        );
    }
    let offset = param("/api/v1/search", "offset");
    assert_eq!(offset["schema"]["maximum"], MAX_OFFSET);
    assert!(description(&offset).contains(&format!("at most {MAX_OFFSET}.")));
    let info = spec["info"]["description"].as_str().unwrap();
    for limit in [
        format!("q at most {MAX_QUERY_BYTES} bytes"),
        format!("limit clamped to 1..{MAX_LIMIT},"),
        format!("offset at most {MAX_OFFSET},"),
    ] {
        assert!(info.contains(&limit), "{limit:?} not in {info:?}");
    }

    // The last page of `/search` the document gives is the last one served.
    let page = param("/search", "page");
    let last = page["schema"]["maximum"].as_u64().unwrap();
    assert!(description(&page).contains(&format!("from 1 to {last}.")));
    let status = |page: u64| {
        let app = app.clone();
        async move {
            get(&app, &format!("/search?q=merrowby&page={page}"))
                .await
                .status
        }
    };
    assert_eq!(status(last).await, StatusCode::OK);
    assert_eq!(status(last + 1).await, StatusCode::BAD_REQUEST);
}
