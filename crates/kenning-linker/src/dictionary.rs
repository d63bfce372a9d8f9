//! The mention dictionary: phrase → candidate concepts, link probability.
//!
//! [`DictionaryBuilder`] (`builder`) collects phrases, candidates and
//! counts and writes one flat byte buffer; [`MentionDictionary`]
//! (`reader`) reads that buffer in place. The layout both agree on, its
//! constants and its encoding helpers are in `format`, which imports
//! neither. Spotting phrases in a text (every n-gram whose key the
//! dictionary knows) is `phrase::for_each_ngram`, shared with the linker.

mod builder;
mod format;
mod reader;

#[cfg(test)]
mod tests;

pub use builder::{DictionaryBuilder, DictionaryStats};
pub use reader::{MentionDictionary, Phrase};
