//! An ordered JSON tree for the API page: [`Node`] keeps the members of
//! objects in the order the OpenAPI document writes them (serde_json's
//! `Value` sorts them unless a crate-wide feature is turned on), reads
//! them through serde, and prints compact or indented JSON for examples.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The longest object of scalars printed on one line in an example.
pub(super) const SHORT_OBJECT: usize = 64;

/// A JSON value that keeps the order of object members (serde_json's own
/// `Value` sorts them unless a crate feature is turned on).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// What a missing member reads as.
pub(super) static NULL: Node = Node::Null;

impl Node {
    /// The member `key` of an object (the first one), or null.
    pub(super) fn get(&self, key: &str) -> &Node {
        match self {
            Node::Object(members) => members
                .iter()
                .find(|(name, _)| name == key)
                .map_or(&NULL, |(_, value)| value),
            _ => &NULL,
        }
    }

    /// The members of an object, in order; none for anything else.
    pub(super) fn members(&self) -> &[(String, Node)] {
        match self {
            Node::Object(members) => members,
            _ => &[],
        }
    }

    /// The items of an array; none for anything else.
    pub(super) fn items(&self) -> &[Node] {
        match self {
            Node::Array(items) => items,
            _ => &[],
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string member `key`, or "".
    pub(super) fn text(&self, key: &str) -> &str {
        self.get(key).as_str().unwrap_or("")
    }

    pub(super) fn is_true(&self) -> bool {
        matches!(self, Node::Bool(true))
    }

    pub(super) fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// A scalar as a person would type it (a string without quotes, a
    /// list comma-separated); anything else as compact JSON.
    pub(super) fn plain(&self) -> String {
        match self {
            Node::String(s) => s.clone(),
            Node::Number(n) => n.to_string(),
            Node::Bool(b) => b.to_string(),
            Node::Null => "null".to_owned(),
            Node::Array(items) if items.iter().all(Node::is_scalar) => {
                items.iter().map(Node::plain).collect::<Vec<_>>().join(",")
            }
            _ => self.compact(),
        }
    }

    pub(super) fn is_scalar(&self) -> bool {
        !matches!(self, Node::Array(_) | Node::Object(_))
    }

    /// JSON on one line, with a space after `:` and `,`.
    pub(super) fn compact(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, None);
        out
    }

    /// JSON indented by two spaces; arrays of scalars, and small objects
    /// of scalars, stay on one line.
    pub(super) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, Some(0));
        out
    }

    fn write_json(&self, out: &mut String, indent: Option<usize>) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Node::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Node::String(s) => write_json_string(out, s),
            Node::Array(items) => {
                let inline = indent.is_none() || items.iter().all(Node::is_scalar);
                if items.is_empty() || inline {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        item.write_json(out, None);
                    }
                    out.push(']');
                } else {
                    let level = indent.unwrap_or(0);
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        out.push_str(if i > 0 { ",\n" } else { "\n" });
                        push_indent(out, level + 1);
                        item.write_json(out, Some(level + 1));
                    }
                    out.push('\n');
                    push_indent(out, level);
                    out.push(']');
                }
            }
            Node::Object(members) => {
                if members.is_empty() {
                    out.push_str("{}");
                    return;
                }
                if indent.is_some() && members.iter().all(|(_, v)| v.is_scalar()) {
                    let line = self.compact();
                    if line.chars().count() <= SHORT_OBJECT {
                        out.push_str(&line);
                        return;
                    }
                }
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    match indent {
                        None => {
                            if i > 0 {
                                out.push_str(", ");
                            }
                        }
                        Some(level) => {
                            out.push_str(if i > 0 { ",\n" } else { "\n" });
                            push_indent(out, level + 1);
                        }
                    }
                    write_json_string(out, name);
                    out.push_str(": ");
                    value.write_json(out, indent.map(|level| level + 1));
                }
                if let Some(level) = indent {
                    out.push('\n');
                    push_indent(out, level);
                }
                out.push('}');
            }
        }
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// `s` as a JSON string literal.
fn write_json_string(out: &mut String, s: &str) {
    match serde_json::to_string(s) {
        Ok(quoted) => out.push_str(&quoted),
        // Serializing a string cannot fail; keep something readable anyway.
        Err(_) => {
            let _ = write!(out, "\"{s}\"");
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Builds a [`Node`] from whatever serde_json reads, members in order.
struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Node>()? {
            members.push(member);
        }
        Ok(Node::Object(members))
    }
}

// --------------------------------------------------------- the document
