//! The institution's records: courses, people, publications, units, and
//! any other type an institution keeps.
//!
//! This crate owns the [`Record`] (type, id, title, text, url, lang,
//! [`Fields`], typed [`Link`]s: the records JSONL schema), and four things
//! done with records:
//!
//! - **Import**: [`RecordsReader`] streams a records JSONL file and checks
//!   every line: required fields present and of the right JSON type, `type`,
//!   `id` and `title` non-empty, `type` and `id` usable as the URL path
//!   `/{type}/{id}`, links well-formed, no unknown keys. An error names the
//!   file, the line and the field on one line
//!   (`records.jsonl:12: field "links[0].rel": expected a string, found a number`).
//!   *The first bad line stops the import*: a records file is the
//!   institution's data of record, and skipping a line would silently drop
//!   a course or a person. For the same reason a file with no record is an
//!   error, and so is a `(type, id)` seen twice in one file (the message
//!   names both lines). Across files, or through the store, a later record
//!   with the same `(type, id)` replaces the earlier one.
//! - **Relations**: [`Relations`] indexes the typed links of all records
//!   from both ends (a course's teachers, a person's courses), with display
//!   names for the inverse direction ([`relation_label`]) while the data
//!   keeps the raw `rel`. A link to a record that does not exist is counted
//!   and listed, never fatal.
//! - **Related records**: [`SharedConcepts`] scores records by the concepts
//!   they share (the cosine of their concept profiles, each shared concept
//!   weighted by its rarity, damped for records with little evidence; top k
//!   per type, bounded fan-out per concept).
//! - **What is linked**: [`FieldWeights`] picks the texts of a record that
//!   concept detection reads (title, `keywords` and any field named, text)
//!   with a weight each.
//! - **Identifiers**: [`IdentifierTable`] finds records by their id and
//!   codes (`course_code`, or the fields named) however they are typed (`CS-456`, `cs456`,
//!   `CS 456`: [`identifier_key`]).
//! - **Live updates**: [`RecordStore`], an ACID file of records by
//!   `(type, id)`; every write is synced before the call returns.
//!
//! It deliberately does not detect concepts in a record's texts (that is the
//! linker's job: this crate takes record→concept edges as numbers), know
//! concept titles or the wiki side, index records for search, or render
//! pages. It takes records and edges in and gives plain data out; only the
//! reader and the store do IO.

#![forbid(unsafe_code)]

mod detected;
mod error;
mod identifiers;
mod linking;
mod reader;
mod record;
mod related;
mod relations;
mod store;

pub use detected::DetectedConcepts;
pub use error::RecordsError;
pub use identifiers::{DEFAULT_CODE_FIELDS, IdentifierTable, MAX_IDENTIFIER_BYTES, identifier_key};
pub use linking::{
    DEFAULT_FIELD_WEIGHT, FieldText, FieldWeight, FieldWeights, KEYWORDS, KEYWORDS_WEIGHT,
    MAX_LINKED_FIELDS, TEXT_FIELD, TEXT_WEIGHT, TITLE_FIELD, TITLE_WEIGHT,
};
pub use reader::{MAX_LINE_BYTES, RecordsReader, read_records};
pub use record::{
    COURSE, FieldValue, Fields, Link, PERSON, PUBLICATION, RECORD_TYPES, RESERVED_KINDS, Record,
    UNIT, record_path,
};
pub use related::{
    DEFAULT_MAX_FAN_OUT, INHERITED_WEIGHT, MAX_INHERITED, PROFILE_PRIOR, RecordConcept,
    RelatedOfKind, ScoredRecord, SharedConcepts, inherit_concepts,
};
pub use relations::{Direction, MissingLink, Relation, Relations, relation_label};
pub use store::{RecordStore, STORE_FORMAT_VERSION, StoredRecords};
