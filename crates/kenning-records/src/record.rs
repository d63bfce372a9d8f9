//! The record itself, its fields and links, and the checks every record
//! passes (from a JSONL line, an API body, or a caller's hands).

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::RecordsError;

/// Longest `type` accepted, in bytes.
const MAX_KIND_BYTES: usize = 64;
/// Longest `id` accepted, in bytes.
const MAX_ID_BYTES: usize = 512;
/// Longest link `rel` accepted, in bytes.
const MAX_REL_BYTES: usize = 64;

/// Types that would shadow the server's own first path segment
/// (`/concept/{id}`, `/category/{name}`, `/wiki/{title}`, `/api/…`, `/search`, `/static/{file}`),
/// so `/{type}/{id}` could not address them.
pub const RESERVED_KINDS: &[&str] = &["api", "category", "concept", "search", "static", "wiki"];

/// The `course` record type.
pub const COURSE: &str = "course";
/// The `person` record type.
pub const PERSON: &str = "person";
/// The `publication` record type.
pub const PUBLICATION: &str = "publication";
/// The `unit` record type.
pub const UNIT: &str = "unit";

/// The record types an institution's records usually hold (Graph
/// Search's), in alphabetical order; any other type is accepted too. The
/// server's search filter offers these whenever the snapshot has records,
/// and the engine gives each its own search ranking factor
/// (`kenning_engine::KIND_FACTORS`).
pub const RECORD_TYPES: &[&str] = &[COURSE, PERSON, PUBLICATION, UNIT];

/// One of the institution's records: a course, a person, a publication, a
/// unit, or any other type the institution has.
///
/// Addressed by `(kind, id)`, which is also its URL path `/{kind}/{id}`.
/// Serialises to exactly the records JSONL schema
/// (`{"type", "id", "title", "text", "url"?, "lang"?, "fields", "links"}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The record's type (JSON `type`): lowercase ASCII letters, digits,
    /// `_` and `-`, starting with a letter, e.g. `course`.
    pub kind: String,
    /// The record's id within its type, e.g. `CS-250`; no `/`, `\`, `?`,
    /// `#`, `%` or control characters, not `.` or `..`.
    pub id: String,
    /// The record's title (non-empty).
    pub title: String,
    /// Free text about the record, the input of concept detection
    /// (empty when the source has none).
    pub text: String,
    /// The record's page at the institution.
    pub url: Option<String>,
    /// Language of `title` and `text` as given (`en`, `fr`, `und`, …).
    pub lang: Option<String>,
    /// Everything else the institution knows about the record.
    pub fields: Fields,
    /// Typed links to other records, in the source's order (author order
    /// of a publication, for instance).
    pub links: Vec<Link>,
}

/// A typed link from one record to another: `{"rel", "type", "id"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// The relation, as the data names it: `taught_by`, `authored_by`,
    /// `member_of`, `parent_unit`, … (ASCII letters, digits, `_`, `-`).
    pub rel: String,
    /// The target record's type.
    pub kind: String,
    /// The target record's id.
    pub id: String,
}

/// A record's named values, sorted by name, each name once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    sorted: Vec<(String, FieldValue)>,
}

/// One field's value. JSON `null` fields are left out; objects are refused.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A string.
    Text(String),
    /// A whole number that fits in 64 bits.
    Integer(i64),
    /// Any other number.
    Number(f64),
    /// `true` or `false`.
    Boolean(bool),
    /// A list of values (strings, numbers, booleans; no nested lists).
    List(Vec<FieldValue>),
}

impl Fields {
    /// No fields.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.sorted
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| &self.sorted[i].1)
    }

    /// Sets a field, replacing the value it had.
    pub fn insert(&mut self, name: impl Into<String>, value: FieldValue) {
        let name = name.into();
        match self.sorted.binary_search_by(|(n, _)| n.cmp(&name)) {
            Ok(i) => self.sorted[i].1 = value,
            Err(i) => self.sorted.insert(i, (name, value)),
        }
    }

    /// Removes a field, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<FieldValue> {
        let i = self
            .sorted
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()?;
        Some(self.sorted.remove(i).1)
    }

    /// The fields in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &FieldValue)> {
        self.sorted.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

impl<N: Into<String>> FromIterator<(N, FieldValue)> for Fields {
    /// Collects fields; a name given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = (N, FieldValue)>>(iter: I) -> Fields {
        let mut fields = Fields::new();
        for (name, value) in iter {
            fields.insert(name, value);
        }
        fields
    }
}

impl fmt::Display for FieldValue {
    /// The value as a page shows it: lists joined with `, `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(s) => f.write_str(s),
            FieldValue::Integer(n) => write!(f, "{n}"),
            FieldValue::Number(x) => write!(f, "{x}"),
            FieldValue::Boolean(b) => write!(f, "{b}"),
            FieldValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
        }
    }
}

impl Record {
    /// Parses and checks one record from its JSON text (one line of a
    /// records file, or an API request body). `origin` names the text in
    /// errors (`"request body"`); errors carry no line number.
    pub fn from_json(json: &str, origin: &str) -> Result<Record, RecordsError> {
        parse_line(json, origin, 0)
    }

    /// The record as one line of records JSONL (no trailing newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a record always serialises")
    }

    /// The record's path on the site: `/{kind}/{id}`, the id
    /// percent-encoded where a URL path needs it.
    pub fn path(&self) -> String {
        record_path(&self.kind, &self.id)
    }

    /// Checks what [`Record::from_json`] checks, for a record built in code.
    /// `origin` names the record in errors.
    pub fn check(&self, origin: &str) -> Result<(), RecordsError> {
        let err = |field: String, problem: String| RecordsError::Field {
            file: origin.to_owned(),
            line: 0,
            field,
            problem,
        };
        check_kind(&self.kind).map_err(|p| err("type".into(), p))?;
        check_id(&self.id).map_err(|p| err("id".into(), p))?;
        if self.title.trim().is_empty() {
            return Err(err("title".into(), "empty".into()));
        }
        for (name, value) in self.fields.iter() {
            if name.is_empty() {
                return Err(err("fields".into(), "a field has an empty name".into()));
            }
            if let FieldValue::List(items) = value
                && items.iter().any(|v| matches!(v, FieldValue::List(_)))
            {
                return Err(err(
                    format!("fields.{name}"),
                    "lists may not hold lists".into(),
                ));
            }
            let numbers = match value {
                FieldValue::List(items) => items.as_slice(),
                one => std::slice::from_ref(one),
            };
            if numbers
                .iter()
                .any(|v| matches!(v, FieldValue::Number(x) if !x.is_finite()))
            {
                return Err(err(
                    format!("fields.{name}"),
                    "not a finite number (JSON has none)".into(),
                ));
            }
        }
        for (i, link) in self.links.iter().enumerate() {
            check_rel(&link.rel).map_err(|p| err(format!("links[{i}].rel"), p))?;
            check_kind(&link.kind).map_err(|p| err(format!("links[{i}].type"), p))?;
            check_id(&link.id).map_err(|p| err(format!("links[{i}].id"), p))?;
        }
        Ok(())
    }
}

/// `/{kind}/{id}` with the id percent-encoded outside the URL path's
/// unreserved and sub-delimiter characters (so `meier, claudio i.` becomes
/// `meier,%20claudio%20i.`).
pub fn record_path(kind: &str, id: &str) -> String {
    let mut path = String::with_capacity(kind.len() + id.len() + 2);
    path.push('/');
    path.push_str(kind);
    path.push('/');
    for &b in id.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            );
        if keep {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

// ---------------------------------------------------------------- checks

/// A record or link type: `[a-z][a-z0-9_-]*`, not reserved.
fn check_kind(kind: &str) -> Result<(), String> {
    if kind.is_empty() {
        return Err("empty".into());
    }
    if kind.len() > MAX_KIND_BYTES {
        return Err(format!("longer than {MAX_KIND_BYTES} bytes"));
    }
    if !kind.as_bytes()[0].is_ascii_lowercase() {
        return Err(format!("{kind:?} must start with a lowercase ASCII letter"));
    }
    if let Some(c) = kind
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'))
    {
        return Err(format!(
            "{kind:?} contains {c:?}; a type is lowercase ASCII letters, digits, '_' and '-'"
        ));
    }
    if RESERVED_KINDS.contains(&kind) {
        return Err(format!(
            "{kind:?} is reserved (its URL /{kind}/… belongs to the site itself)"
        ));
    }
    Ok(())
}

/// A record id: non-empty, no characters that break the path `/{type}/{id}`.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("empty".into());
    }
    if id.len() > MAX_ID_BYTES {
        return Err(format!("longer than {MAX_ID_BYTES} bytes"));
    }
    if id == "." || id == ".." {
        return Err(format!("{id:?} cannot be a URL path segment"));
    }
    if id.trim() != id {
        return Err(format!("{id:?} starts or ends with white space"));
    }
    if let Some(c) = id
        .chars()
        .find(|&c| c.is_control() || matches!(c, '/' | '\\' | '?' | '#' | '%'))
    {
        return Err(format!(
            "{id:?} contains {c:?}, which cannot appear in a record URL /{{type}}/{{id}}"
        ));
    }
    Ok(())
}

/// A relation name: `[A-Za-z0-9_-]+`.
fn check_rel(rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err("empty".into());
    }
    if rel.len() > MAX_REL_BYTES {
        return Err(format!("longer than {MAX_REL_BYTES} bytes"));
    }
    if let Some(c) = rel
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        return Err(format!(
            "{rel:?} contains {c:?}; a relation is ASCII letters, digits, '_' and '-'"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- parsing

/// The keys a record object may have.
const RECORD_KEYS: &[&str] = &[
    "type", "id", "title", "text", "url", "lang", "fields", "links",
];
/// The keys a link object may have.
const LINK_KEYS: &[&str] = &["rel", "type", "id"];

/// Parses and checks one line (already known to be UTF-8).
pub(crate) fn parse_line(text: &str, file: &str, line: u64) -> Result<Record, RecordsError> {
    let value: Value = serde_json::from_str(text).map_err(|e| RecordsError::Json {
        file: file.to_owned(),
        line,
        message: json_message(&e),
    })?;
    let Value::Object(mut object) = value else {
        return Err(RecordsError::Json {
            file: file.to_owned(),
            line,
            message: format!("expected a JSON object, found {}", json_kind(&value)),
        });
    };
    let err = |field: &str, problem: String| RecordsError::Field {
        file: file.to_owned(),
        line,
        field: field.to_owned(),
        problem,
    };
    // Report unknown keys first in name order, so the message is stable.
    let mut unknown: Vec<&String> = object
        .keys()
        .filter(|k| !RECORD_KEYS.contains(&k.as_str()))
        .collect();
    unknown.sort();
    if let Some(key) = unknown.first() {
        return Err(err(
            key,
            format!(
                "unknown field (a record has {}; put other values in \"fields\")",
                RECORD_KEYS.join(", ")
            ),
        ));
    }

    let kind = required_string(object.remove("type")).map_err(|p| err("type", p))?;
    check_kind(&kind).map_err(|p| err("type", p))?;
    let id = required_string(object.remove("id")).map_err(|p| err("id", p))?;
    check_id(&id).map_err(|p| err("id", p))?;
    let title = required_string(object.remove("title")).map_err(|p| err("title", p))?;
    if title.trim().is_empty() {
        return Err(err("title", "empty".into()));
    }
    let text = optional_string(object.remove("text"))
        .map_err(|p| err("text", p))?
        .unwrap_or_default();
    let url = optional_string(object.remove("url")).map_err(|p| err("url", p))?;
    let lang = optional_string(object.remove("lang")).map_err(|p| err("lang", p))?;

    let fields = match object.remove("fields") {
        None | Some(Value::Null) => Fields::new(),
        Some(Value::Object(map)) => {
            let mut sorted = Vec::with_capacity(map.len());
            for (name, value) in map {
                if name.is_empty() {
                    return Err(err("fields", "a field has an empty name".into()));
                }
                let path = format!("fields.{name}");
                match field_value(value, &path, true) {
                    Ok(Some(v)) => sorted.push((name, v)),
                    Ok(None) => {}
                    Err((path, problem)) => return Err(err(&path, problem)),
                }
            }
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Fields { sorted }
        }
        Some(other) => {
            return Err(err(
                "fields",
                format!("expected an object, found {}", json_kind(&other)),
            ));
        }
    };

    let links = match object.remove("links") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let mut links = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                links.push(parse_link(item, i).map_err(|(f, p)| err(&f, p))?);
            }
            links
        }
        Some(other) => {
            return Err(err(
                "links",
                format!("expected an array, found {}", json_kind(&other)),
            ));
        }
    };

    Ok(Record {
        kind,
        id,
        title,
        text,
        url,
        lang,
        fields,
        links,
    })
}

fn parse_link(value: Value, i: usize) -> Result<Link, (String, String)> {
    let Value::Object(mut object) = value else {
        return Err((
            format!("links[{i}]"),
            format!("expected an object, found {}", json_kind(&value)),
        ));
    };
    let mut unknown: Vec<&String> = object
        .keys()
        .filter(|k| !LINK_KEYS.contains(&k.as_str()))
        .collect();
    unknown.sort();
    if let Some(key) = unknown.first() {
        return Err((
            format!("links[{i}].{key}"),
            "unknown field (a link has rel, type, id)".into(),
        ));
    }
    let at = |name: &str| format!("links[{i}].{name}");
    let rel = required_string(object.remove("rel")).map_err(|p| (at("rel"), p))?;
    check_rel(&rel).map_err(|p| (at("rel"), p))?;
    let kind = required_string(object.remove("type")).map_err(|p| (at("type"), p))?;
    check_kind(&kind).map_err(|p| (at("type"), p))?;
    let id = required_string(object.remove("id")).map_err(|p| (at("id"), p))?;
    check_id(&id).map_err(|p| (at("id"), p))?;
    Ok(Link { rel, kind, id })
}

/// A field's value; `None` for `null`. `top` is false inside a list.
fn field_value(
    value: Value,
    path: &str,
    top: bool,
) -> Result<Option<FieldValue>, (String, String)> {
    Ok(Some(match value {
        Value::Null if top => return Ok(None),
        Value::String(s) => FieldValue::Text(s),
        Value::Bool(b) => FieldValue::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => FieldValue::Integer(i),
            // Past i64 (a u64, or a float): kept as a float, as JSON readers do.
            None => FieldValue::Number(n.as_f64().unwrap_or_default()),
        },
        Value::Array(items) if top => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                // Inside a list `null` is refused, so there is always a value.
                list.extend(field_value(item, &item_path, false)?);
            }
            FieldValue::List(list)
        }
        other => {
            let expected = if top {
                "a string, number, boolean or list"
            } else {
                "a string, number or boolean"
            };
            return Err((
                path.to_owned(),
                format!("expected {expected}, found {}", json_kind(&other)),
            ));
        }
    }))
}

fn required_string(value: Option<Value>) -> Result<String, String> {
    match value {
        None => Err("missing".into()),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("expected a string, found {}", json_kind(&other))),
    }
}

fn optional_string(value: Option<Value>) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("expected a string, found {}", json_kind(&other))),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its "line 1" (a JSONL record is one line).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => format!("{} at column {}", &text[..at], e.column()),
        None => text,
    }
}

// ---------------------------------------------------------------- writing

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 6 + usize::from(self.url.is_some()) + usize::from(self.lang.is_some());
        let mut s = serializer.serialize_struct("Record", len)?;
        s.serialize_field("type", &self.kind)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("text", &self.text)?;
        if let Some(url) = &self.url {
            s.serialize_field("url", url)?;
        }
        if let Some(lang) = &self.lang {
            s.serialize_field("lang", lang)?;
        }
        s.serialize_field("fields", &self.fields)?;
        s.serialize_field("links", &self.links)?;
        s.end()
    }
}

impl Serialize for Link {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Link", 3)?;
        s.serialize_field("rel", &self.rel)?;
        s.serialize_field("type", &self.kind)?;
        s.serialize_field("id", &self.id)?;
        s.end()
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.sorted.len()))?;
        for (name, value) in &self.sorted {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(s) => serializer.serialize_str(s),
            FieldValue::Integer(n) => serializer.serialize_i64(*n),
            FieldValue::Number(x) => serializer.serialize_f64(*x),
            FieldValue::Boolean(b) => serializer.serialize_bool(*b),
            FieldValue::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Record, String> {
        parse_line(text, "r.jsonl", 7).map_err(|e| e.to_string())
    }

    const COURSE: &str = r#"{"type": "course", "id": "CS-250", "title": "Algorithms", "text": "Sorting.", "url": "https://example.invalid/cs-250", "lang": "en", "fields": {"year": 2025, "keywords": ["graphs", "sorting"], "credits": 6.5, "mandatory": true, "note": null}, "links": [{"rel": "taught_by", "type": "person", "id": "123456"}]}"#;

    #[test]
    fn parses_the_schema_example() {
        let r = parse(COURSE).unwrap();
        assert_eq!(r.kind, "course");
        assert_eq!(r.id, "CS-250");
        assert_eq!(r.title, "Algorithms");
        assert_eq!(r.lang.as_deref(), Some("en"));
        assert_eq!(r.fields.get("year"), Some(&FieldValue::Integer(2025)));
        assert_eq!(r.fields.get("credits"), Some(&FieldValue::Number(6.5)));
        assert_eq!(r.fields.get("note"), None, "null fields are left out");
        let names: Vec<&str> = r.fields.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["credits", "keywords", "mandatory", "year"]);
        assert_eq!(
            r.fields.get("keywords").unwrap().to_string(),
            "graphs, sorting"
        );
        assert_eq!(
            r.links,
            [Link {
                rel: "taught_by".into(),
                kind: "person".into(),
                id: "123456".into()
            }]
        );
        assert_eq!(r.path(), "/course/CS-250");
    }

    #[test]
    fn writes_what_it_reads() {
        let r = parse(COURSE).unwrap();
        let json = r.to_json();
        assert!(json.starts_with(r#"{"type":"course","id":"CS-250","title":"Algorithms""#));
        assert_eq!(parse(&json).unwrap(), r);
        let minimal = parse(r#"{"type":"unit","id":"U1","title":"Lab"}"#).unwrap();
        assert_eq!(
            minimal.to_json(),
            r#"{"type":"unit","id":"U1","title":"Lab","text":"","fields":{},"links":[]}"#
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"id":"1","title":"t"}"#, r#"field "type": missing"#),
            (r#"{"type":"course","title":"t"}"#, r#"field "id": missing"#),
            (
                r#"{"type":"course","id":1,"title":"t"}"#,
                r#"field "id": expected a string, found a number"#,
            ),
            (
                r#"{"type":"course","id":"","title":"t"}"#,
                r#"field "id": empty"#,
            ),
            (
                r#"{"type":"course","id":"a/b","title":"t"}"#,
                r#"field "id": "a/b" contains '/'"#,
            ),
            (
                r#"{"type":"course","id":"..","title":"t"}"#,
                r#"field "id": ".." cannot be"#,
            ),
            (
                r#"{"type":"course","id":" x","title":"t"}"#,
                r#"field "id": " x" starts or ends"#,
            ),
            (
                r#"{"type":"Course","id":"x","title":"t"}"#,
                r#"field "type": "Course" must start"#,
            ),
            (
                r#"{"type":"co urse","id":"x","title":"t"}"#,
                r#"field "type": "co urse" contains ' '"#,
            ),
            (
                r#"{"type":"concept","id":"x","title":"t"}"#,
                r#"field "type": "concept" is reserved"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"  "}"#,
                r#"field "title": empty"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","text":3}"#,
                r#"field "text": expected a string, found a number"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","fields":[]}"#,
                r#"field "fields": expected an object, found an array"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","fields":{"a":{"b":1}}}"#,
                r#"field "fields.a": expected a string, number, boolean or list, found an object"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","fields":{"a":[1,[2]]}}"#,
                r#"field "fields.a[1]": expected a string, number or boolean, found an array"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","fields":{"a":[null]}}"#,
                r#"field "fields.a[0]": expected a string, number or boolean, found null"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":{}}"#,
                r#"field "links": expected an array, found an object"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":["p"]}"#,
                r#"field "links[0]": expected an object, found a string"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":[{"rel":"a","type":"person","id":"1"},{"rel":5,"type":"person","id":"1"}]}"#,
                r#"field "links[1].rel": expected a string, found a number"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":[{"rel":"taught by","type":"person","id":"1"}]}"#,
                r#"field "links[0].rel": "taught by" contains ' '"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":[{"rel":"r","id":"1"}]}"#,
                r#"field "links[0].type": missing"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","links":[{"rel":"r","type":"person","id":"1","weight":2}]}"#,
                r#"field "links[0].weight": unknown field"#,
            ),
            (
                r#"{"type":"course","id":"x","title":"t","titel":"u"}"#,
                r#"field "titel": unknown field"#,
            ),
            (
                r#"[1]"#,
                "invalid JSON: expected a JSON object, found an array",
            ),
            (
                r#"{"type":"course""#,
                "invalid JSON: EOF while parsing an object at column 16",
            ),
        ];
        for (line, expected) in cases {
            let message = parse(line).unwrap_err();
            assert!(
                message.starts_with(&format!("r.jsonl:7: {expected}")),
                "{line}\n  gave     {message}\n  expected r.jsonl:7: {expected}"
            );
        }
    }

    #[test]
    fn ids_with_spaces_and_commas_are_fine() {
        let r = parse(r#"{"type":"person","id":"meier, claudio i.","title":"Claudio I. Meier"}"#)
            .unwrap();
        assert_eq!(r.path(), "/person/meier,%20claudio%20i.");
        let r = parse(r#"{"type":"course","id":"EE-390(c)","title":"Lab"}"#).unwrap();
        assert_eq!(r.path(), "/course/EE-390(c)");
        assert_eq!(record_path("person", "zoë"), "/person/zo%C3%AB");
    }

    #[test]
    fn from_json_and_check_name_the_origin() {
        let e = Record::from_json(r#"{"type":"course","id":"x"}"#, "request body").unwrap_err();
        assert_eq!(e.to_string(), r#"request body: field "title": missing"#);
        let mut r = Record {
            kind: "course".into(),
            id: "x".into(),
            title: "T".into(),
            ..Record::default()
        };
        r.check("put").unwrap();
        r.fields.insert("ratio", FieldValue::Number(f64::NAN));
        let e = r.check("put").unwrap_err().to_string();
        assert!(
            e.starts_with(r#"put: field "fields.ratio": not a finite"#),
            "{e}"
        );
        r.fields.remove("ratio");
        r.links.push(Link {
            rel: "taught_by".into(),
            kind: "person".into(),
            id: "a?b".into(),
        });
        let e = r.check("put").unwrap_err().to_string();
        assert!(
            e.starts_with(r#"put: field "links[0].id": "a?b" contains '?'"#),
            "{e}"
        );
    }

    #[test]
    fn fields_stay_sorted() {
        let mut f: Fields = [
            ("b", FieldValue::Integer(1)),
            ("a", FieldValue::Text("x".into())),
        ]
        .into_iter()
        .collect();
        f.insert("c", FieldValue::Boolean(false));
        f.insert("a", FieldValue::Text("y".into()));
        assert_eq!(
            f.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>(),
            ["a=y", "b=1", "c=false"]
        );
        assert_eq!(f.remove("b"), Some(FieldValue::Integer(1)));
        assert_eq!(f.len(), 2);
    }
}
