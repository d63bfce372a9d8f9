//! Concept detection ("wikify"): which concepts does a text talk about?
//!
//! This crate owns four things:
//!
//! - **Phrases** ([`phrase_key`], [`Tokens`]): how text is cut into
//!   tokens and how a run of tokens becomes a 64-bit phrase key
//!   (lower-cased, punctuation as a separator), the same way at build
//!   time and at query time.
//! - **The mention dictionary** ([`DictionaryBuilder`] →
//!   [`MentionDictionary`]): phrase → candidate concepts with counts, and
//!   each phrase's *link probability* (in how many documents it is linked
//!   against in how many it occurs). The built form is one flat byte
//!   buffer (an ordered open-addressing hash table, a filter of prefix
//!   keys, varint payloads) that is read in place, so a memory-mapped
//!   file serves it without loading. What the linker could never use
//!   (phrases and candidates below its default floors) is left out.
//! - **The linker** ([`Linker`]): spot the longest dictionary phrases,
//!   drop those rarely linked, choose among candidates by commonness,
//!   coherence with the other mentions (Milne–Witten relatedness of
//!   in-link sets) and similarity to the context, and report every
//!   annotation with its offsets, its score and the score's parts. A
//!   phrase that is a name (title or redirect) but that no document uses
//!   as a link gets a title-match prior instead of its (unknown) link
//!   probability when it is written as a name, and the explanation says
//!   so: several words, a capital inside a sentence that spelling does
//!   not explain (months, nationalities, titles of office), or an acronym
//!   naming a concept whose title is one too (`capitals`); a word with a
//!   capital whose most common concept is a person it names by surname
//!   ("Maxwell") gets the prior too, and for it, or for a whole name
//!   ("Enrico Fermi"), the prior stands in for coherence. Dates ("April
//!   14", "1947") are not linked. Later words that repeat part of a
//!   whole name linked earlier ("Fermi", "WTO", "U.N.") take its concept
//!   and its score (`names`).
//! - **Record fields** ([`link_fields`]): a record's title, keywords and
//!   text linked with a weight per field, short fields also matched whole
//!   against the names (plural or not), and the names inside them.
//!
//! It is pure: slices and iterators in, plain data out. It deliberately
//! does not read files, know about snapshots, or spawn threads; the graph
//! it needs (in-links, summaries, titles) comes through the
//! [`ConceptGraph`] trait.

#![forbid(unsafe_code)]

mod capitals;
mod dictionary;
mod fields;
mod linker;
mod names;
mod overlap;
mod phrase;

pub use dictionary::{DictionaryBuilder, DictionaryStats, MentionDictionary, Phrase};
pub use fields::{FieldConcept, FieldLinks, RecordField, link_fields, singular};
pub use linker::{
    Annotation, ConceptGraph, ConceptWeight, Linker, LinkerOptions, ScoreParts, Strategy, Wikified,
};
pub use phrase::{MAX_PHRASE_TOKENS, PhraseKey, Token, Tokens, phrase_key};

/// Why a mention dictionary could not be read or built.
#[derive(Debug, thiserror::Error)]
pub enum LinkerError {
    /// The buffer is not a mention dictionary of this version.
    #[error("not a kenning mention dictionary (version {found}, expected {expected})")]
    Version {
        /// Version found in the header (0 when the magic is wrong).
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The buffer is shorter than its header says, or its sizes disagree.
    #[error("mention dictionary is damaged: {0}")]
    Corrupt(&'static str),
    /// The dictionary being built has more payload than its offsets
    /// address.
    #[error(
        "the mention dictionary is too large: its payload passes {limit} bytes, the most its 32-bit offsets address"
    )]
    TooLarge {
        /// The largest payload offset, in bytes.
        limit: u64,
    },
}
