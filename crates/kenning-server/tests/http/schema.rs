//! Checking answers against the OpenAPI document: documented statuses and
//! content types, `$ref`s, and a small JSON Schema validator.

use serde_json::Value;

use crate::fixtures::Reply;

/// Checks that `reply` (to `method uri`, of path `template`) has the
/// expected status, that the document lists that status for the operation,
/// and that the body has a documented content type and, when JSON, matches
/// its schema.
pub(crate) fn check_documented(
    spec: &Value,
    template: &str,
    method: &str,
    uri: &str,
    reply: &Reply,
    expected: u16,
) {
    assert_eq!(reply.status.as_u16(), expected, "{uri}: {}", reply.body);
    let status = expected.to_string();
    let operation = &spec["paths"][template][method];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the OpenAPI document"
    );
    let response = resolve(spec, &operation["responses"][&status]);
    assert!(
        response.is_object(),
        "{method} {template}: status {status} is not documented"
    );
    let content_type = reply
        .content_type()
        .split(';')
        .next()
        .unwrap()
        .trim()
        .to_owned();
    match response.get("content") {
        None => assert!(reply.body.is_empty(), "{uri}: undocumented body"),
        Some(content) => {
            let media = &content[&content_type];
            assert!(
                media.is_object(),
                "{uri}: content type {content_type} is not documented"
            );
            if content_type == "application/json" {
                let errors = validate(spec, &media["schema"], &reply.json(), "$");
                assert!(
                    errors.is_empty(),
                    "{method} {uri} does not match its schema:\n{}\n{}",
                    errors.join("\n"),
                    reply.body
                );
            }
        }
    }
}

/// Follows `$ref` (to anything in the document) until it is not one.
pub(crate) fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        node = spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {reference}"));
    }
    node
}

pub(crate) fn check_refs(spec: &Value, node: &Value, at: &str) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                assert!(
                    spec.pointer(r.trim_start_matches('#')).is_some(),
                    "{at}: dangling {r}"
                );
            }
            for (k, v) in map {
                check_refs(spec, v, &format!("{at}.{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_refs(spec, v, at)),
        _ => {}
    }
}

/// A small JSON Schema (OpenAPI 3.0 dialect) validator: `$ref`, `type`,
/// `nullable`, `enum`, `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`/`maxItems`, `minimum`/`maximum`. Returns every error.
pub(crate) fn validate(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(spec, schema);
    let mut errors = Vec::new();
    if value.is_null() && schema["nullable"] == Value::Bool(true) {
        return errors;
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let ok = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            other => panic!("unknown type {other}"),
        };
        if !ok {
            errors.push(format!("{at}: expected {kind}, got {value}"));
            return errors;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(n) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|min| n < min)
        {
            errors.push(format!("{at}: {n} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|max| n > max)
        {
            errors.push(format!("{at}: {n} is above the maximum"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{at}: missing required {name}"));
            }
        }
        for (name, v) in object {
            let path = format!("{at}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(property) => errors.extend(validate(spec, property, v, &path)),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{path}: not allowed")),
                    Some(extra @ Value::Object(_)) => {
                        errors.extend(validate(spec, extra, v, &path))
                    }
                    _ => {}
                },
            }
        }
    }
    if let Some(items) = value.as_array() {
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| (items.len() as u64) < min)
        {
            errors.push(format!("{at}: fewer than minItems"));
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| items.len() as u64 > max)
        {
            errors.push(format!("{at}: more than maxItems"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                errors.extend(validate(spec, item_schema, item, &format!("{at}[{i}]")));
            }
        }
    }
    errors
}
