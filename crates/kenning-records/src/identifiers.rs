//! Identifiers: what a person types to find one record (its id, a course
//! code) and the table that finds records by them.
//!
//! A record's codes are the text values of its fields named `code` or
//! ending in `_code` (`course_code`, `unit_code`): the convention of the
//! institutions' exports, so no setting is needed. Its identifiers are its
//! id and its codes.
//!
//! Identifiers are compared by their [`identifier_key`]: letters and
//! digits only, lower case, so that `CS-456`, `cs456`, `CS 456` and
//! `cs-456` are one key. It owns neither search nor ranking: the engine
//! puts exact matches first and completes prefixes in suggestions.

use crate::record::{FieldValue, Record};

/// Identifiers longer than this (in bytes, once normalised) are not
/// identifiers but text, and are not kept.
pub const MAX_IDENTIFIER_BYTES: usize = 64;

/// The normalised form of an identifier or of a query: its letters and
/// digits, lower-cased, everything else dropped. Empty when `text` has no
/// letter or digit, or normalises to more than [`MAX_IDENTIFIER_BYTES`].
pub fn identifier_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len().min(MAX_IDENTIFIER_BYTES));
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        key.extend(c.to_lowercase());
        if key.len() > MAX_IDENTIFIER_BYTES {
            return String::new();
        }
    }
    key
}

/// Whether a field holds a code: it is named `code` or ends in `_code`.
pub fn is_code_field(name: &str) -> bool {
    name == "code" || name.ends_with("_code")
}

impl Record {
    /// The record's codes ([`is_code_field`] fields with a non-blank text
    /// value), in field-name order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().filter_map(|(name, value)| match value {
            FieldValue::Text(t) if is_code_field(name) && !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
    }

    /// The code a page shows beside the title: the first of
    /// [`codes`](Record::codes).
    pub fn code(&self) -> Option<&str> {
        self.codes().next()
    }
}

/// Records by identifier: the keys of every record's id and codes, each
/// with a position chosen by the caller (where the record is kept). Built
/// once, read by any number of threads.
#[derive(Clone, Debug, Default)]
pub struct IdentifierTable {
    /// `(key, position)`, sorted, without repeats.
    keys: Vec<(String, u32)>,
}

impl IdentifierTable {
    /// The table of `records`, each given with its position.
    pub fn new<'a>(records: impl IntoIterator<Item = (u32, &'a Record)>) -> IdentifierTable {
        let mut keys = Vec::new();
        for (at, record) in records {
            let id = Some(record.id.as_str()).filter(|id| !id.chars().all(|c| c.is_ascii_digit()));
            for text in id.into_iter().chain(record.codes()) {
                let key = identifier_key(text);
                if !key.is_empty() {
                    keys.push((key, at));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        IdentifierTable { keys }
    }

    /// Number of keys (a record has one per distinct identifier).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table has no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Positions of the records with an identifier whose key is `key`'s,
    /// in position order.
    pub fn exact(&self, text: &str) -> Vec<u32> {
        let key = identifier_key(text);
        if key.is_empty() {
            return Vec::new();
        }
        let start = self
            .keys
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let mut out: Vec<u32> = self.keys[start..]
            .iter()
            .take_while(|(k, _)| *k == key)
            .map(|&(_, at)| at)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Positions of the records with an identifier whose key starts with
    /// `text`'s (exact matches first, then in key order), at most `limit`
    /// of them, each once.
    pub fn prefixed(&self, text: &str, limit: usize) -> Vec<u32> {
        let key = identifier_key(text);
        if key.is_empty() || limit == 0 {
            return Vec::new();
        }
        let start = self
            .keys
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let mut out: Vec<u32> = Vec::with_capacity(limit);
        for (k, at) in &self.keys[start..] {
            if !k.starts_with(&key) || out.len() >= limit {
                break;
            }
            if !out.contains(at) {
                out.push(*at);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(id: &str, code: Option<&str>) -> Record {
        let mut r = Record {
            kind: "course".into(),
            id: id.into(),
            title: format!("Course {id}"),
            ..Record::default()
        };
        if let Some(code) = code {
            r.fields
                .insert("course_code", FieldValue::Text(code.into()));
        }
        r
    }

    #[test]
    fn keys_ignore_case_spaces_and_hyphens() {
        for spelling in ["CS-456", "cs456", "CS 456", "cs-456", " Cs_456 ", "CS–456"] {
            assert_eq!(identifier_key(spelling), "cs456", "{spelling}");
        }
        assert_eq!(identifier_key("Économie-101"), "économie101");
        assert_eq!(identifier_key("--- "), "");
        assert_eq!(identifier_key(&"x".repeat(65)), "");
        assert_eq!(identifier_key(&"x".repeat(64)).len(), 64);
    }

    #[test]
    fn codes_are_the_code_fields() {
        let mut r = course("123", Some(" CS-456 "));
        r.fields.insert("unit_code", FieldValue::Text("IC".into()));
        r.fields.insert("code", FieldValue::Integer(7));
        r.fields
            .insert("barcode_text", FieldValue::Text("no".into()));
        r.fields.insert("zip_code", FieldValue::Text("  ".into()));
        assert_eq!(r.codes().collect::<Vec<_>>(), ["CS-456", "IC"]);
        assert_eq!(r.code(), Some("CS-456"));
        assert_eq!(course("1", None).code(), None);
        assert!(is_code_field("course_code") && is_code_field("code"));
        assert!(!is_code_field("codex") && !is_code_field("barcode"));
    }

    #[test]
    fn finds_records_by_id_and_code() {
        let records = [
            course("CS-456", Some("CS-456")),
            course("CS-450", None),
            course("77", Some("MATH-101")),
            course("CS-4", None),
            course("1984", None),
        ];
        let table = IdentifierTable::new(records.iter().enumerate().map(|(i, r)| (i as u32, r)));
        assert_eq!(table.len(), 4);
        for q in ["CS-456", "cs456", "CS 456", "cs-456"] {
            assert_eq!(table.exact(q), [0], "{q}");
        }
        assert_eq!(table.exact("math 101"), [2]);
        assert!(table.exact("77").is_empty() && table.exact("1984").is_empty());
        assert!(table.exact("CS-45").is_empty());
        assert!(table.exact("").is_empty());
        assert_eq!(table.prefixed("CS-45", 10), [1, 0]);
        assert_eq!(table.prefixed("cs4", 10), [3, 1, 0]);
        assert_eq!(table.prefixed("cs4", 2), [3, 1]);
        assert!(table.prefixed("xyz", 10).is_empty());
        assert!(table.prefixed("cs", 0).is_empty());
    }
}
