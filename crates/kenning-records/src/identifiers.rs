//! Identifiers: what a person types to find one record (its id, a course
//! code) and the table that finds records by them.
//!
//! A record's codes are the text values of its code fields: the fields
//! the caller names ([`DEFAULT_CODE_FIELDS`], `course_code`, unless told
//! otherwise). Not every `*_code` field is a code people type: a course's
//! `section_code` (`IN`, `SV`) is shared by hundreds of courses and would
//! put them all first for the word "in". Its identifiers are its codes,
//! and its id unless the id is only digits: a numeric id (a publication's
//! `456066`) is a database key nobody types, and would put a record
//! before the concept when someone searches for a year.
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

/// The code fields when none are named: a course's code.
pub const DEFAULT_CODE_FIELDS: &[&str] = &["course_code"];

impl Record {
    /// The record's codes: the non-blank text values of `code_fields`, in
    /// their order.
    pub fn codes<'a, S: AsRef<str>>(
        &'a self,
        code_fields: &'a [S],
    ) -> impl Iterator<Item = &'a str> + 'a {
        code_fields
            .iter()
            .filter_map(|name| self.code_value(name.as_ref()))
    }

    /// The code a page shows beside the title: the first of
    /// [`codes`](Record::codes).
    pub fn code<S: AsRef<str>>(&self, code_fields: &[S]) -> Option<&str> {
        code_fields
            .iter()
            .find_map(|name| self.code_value(name.as_ref()))
    }

    /// Field `name`'s text, trimmed, when it has one.
    fn code_value(&self, name: &str) -> Option<&str> {
        match self.fields.get(name) {
            Some(FieldValue::Text(t)) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        }
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
    /// The table of `records`, each given with its position, their codes
    /// read from `code_fields`.
    pub fn new<'a, S: AsRef<str>>(
        records: impl IntoIterator<Item = (u32, &'a Record)>,
        code_fields: &[S],
    ) -> IdentifierTable {
        let mut keys = Vec::new();
        for (at, record) in records {
            let id = Some(record.id.as_str()).filter(|id| !id.chars().all(|c| c.is_ascii_digit()));
            for text in id.into_iter().chain(record.codes(code_fields)) {
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
    fn codes_are_the_code_fields_named() {
        let mut r = course("123", Some(" CS-456 "));
        r.fields.insert("unit_code", FieldValue::Text("IC".into()));
        r.fields
            .insert("section_code", FieldValue::Text("IN".into()));
        r.fields.insert("code", FieldValue::Integer(7));
        r.fields.insert("zip_code", FieldValue::Text("  ".into()));
        assert_eq!(r.codes(DEFAULT_CODE_FIELDS).collect::<Vec<_>>(), ["CS-456"]);
        let named = ["unit_code", "code", "zip_code", "course_code"];
        assert_eq!(r.codes(&named).collect::<Vec<_>>(), ["IC", "CS-456"]);
        assert_eq!(r.code(&named), Some("IC"));
        assert_eq!(course("1", None).code(DEFAULT_CODE_FIELDS), None);
        // A section code shared by many courses is no identifier unless named.
        let table = IdentifierTable::new([(0, &r)], DEFAULT_CODE_FIELDS);
        assert!(table.exact("in").is_empty());
        assert_eq!(table.exact("cs456"), [0]);
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
        let table = IdentifierTable::new(
            records.iter().enumerate().map(|(i, r)| (i as u32, r)),
            DEFAULT_CODE_FIELDS,
        );
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
