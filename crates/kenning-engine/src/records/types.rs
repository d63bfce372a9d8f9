//! What the records answer: the public types of a record's page, a
//! concept's records and a write's outcome. Plain serialisable data; how
//! they are filled is in `pages` and the parent module.

use std::collections::BTreeMap;

use kenning_records::{Fields, Link};
use serde::Serialize;

use crate::engine::LinkedConcept;

/// A record in a list: its type, id, title, page and score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordRef {
    /// `course`, `person`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id within its type.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page on this site.
    pub url: String,
    /// Relatedness, or how strongly it is about a concept, in `[0, 1]`.
    pub score: f32,
}

/// A concept a record is about.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordConceptScore {
    /// The concept's id.
    pub id: u32,
    /// Its title.
    pub title: String,
    /// How strongly the record is about it, in `[0, 1]`.
    pub score: f32,
    /// The record's fields it was found in (`title`, `keywords`, `text`,
    /// …), in field order; empty when inherited from linked records.
    pub fields: Vec<String>,
}

/// A concept mention detected in a record's text.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordAnnotation {
    /// Start in Unicode code points.
    pub start: usize,
    /// End in code points (exclusive).
    pub end: usize,
    /// Start in UTF-8 bytes.
    pub byte_start: usize,
    /// End in bytes (exclusive).
    pub byte_end: usize,
    /// The concept.
    pub concept: LinkedConcept,
    /// The linker's score.
    pub score: f32,
}

/// An explicit relation of a record, seen from the record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecordRelation {
    /// The relation as the data names it (`taught_by`), whichever end holds it.
    pub rel: String,
    /// As read from this record: `taught by`, or `teaches` for the inverse.
    pub label: String,
    /// `outgoing` when this record holds the link, `incoming` otherwise.
    pub direction: &'static str,
    /// The other record's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The other record's id.
    pub id: String,
    /// The other record's title, when it exists.
    pub title: Option<String>,
    /// The other record's page.
    pub url: String,
    /// Whether the other record exists (links to absent records are kept).
    pub exists: bool,
}

/// A record as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct RecordPage {
    /// `course`, `person`, `publication`, `unit`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The id within its type.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text (concepts were detected in it).
    pub text: String,
    /// The record's own URL, when it has one.
    pub url: Option<String>,
    /// The text's language, when known.
    pub lang: Option<String>,
    /// The other fields, as imported.
    pub fields: Fields,
    /// The links this record holds, as imported.
    pub links: Vec<Link>,
    /// This record's page on this site.
    pub page_url: String,
    /// Concept mentions in `text`, in order.
    pub annotations: Vec<RecordAnnotation>,
    /// The concepts the record is about, best first.
    pub concepts: Vec<RecordConceptScore>,
    /// The concepts come from the records it is linked with (it has no
    /// text of its own that names any).
    pub concepts_inherited: bool,
    /// Explicit relations, both directions.
    pub relations: Vec<RecordRelation>,
    /// The most related records of each type (shared concepts).
    pub related: BTreeMap<String, Vec<RecordRef>>,
    /// How many records of each type are related in all (the full lists
    /// behind `related`).
    pub related_totals: BTreeMap<String, usize>,
    /// Written through the API since the last build.
    pub live: bool,
    /// Which fields were generated automatically.
    pub generated_fields: Vec<&'static str>,
}

/// The records of one type that are about a concept.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConceptRecords {
    /// The type.
    #[serde(rename = "type")]
    pub kind: String,
    /// How many records of this type are about the concept.
    pub count: usize,
    /// The strongest of them.
    pub items: Vec<RecordRef>,
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordWrite {
    /// A new record.
    Created,
    /// It replaced the record with the same type and id.
    Replaced,
}
