//! Reading wiki sources as a stream of pages.
//!
//! This crate owns the *formats*: MediaWiki XML exports (schema 0.9 to 0.11)
//! with their `<siteinfo>`, WikiExtractor's `<doc>` output, concepts
//! JSONL, and the two sources of links between languages: Wikimedia's
//! `langlinks` SQL dumps (rows `(ll_from, ll_lang, ll_title)`) and
//! Wikidata's JSON dumps (each item's sitelinks, labels and aliases); and
//! the *containers*: plain files, gzip, bzip2, and multistream bzip2 whose
//! streams it decodes in parallel (guided by the `-index.txt` file when
//! there is one).
//!
//! It deliberately does not interpret wikitext (that is `kenning-wikitext`),
//! resolve titles across pages or wikis, or keep anything beyond the page
//! (row, entity) being read: memory stays bounded by the largest one,
//! whatever the dump's size.
//!
//! Every error names the file and the position (byte offset in the
//! decompressed stream, or line number) where reading stopped.

#![deny(clippy::undocumented_unsafe_blocks)]

mod bz2;
mod bz2_blocks;
mod concepts;
mod error;
mod extracted;
mod input;
mod langlinks;
mod lines;
mod wikidata;
mod xml;

pub use concepts::{ConceptRecord, ConceptsReader};
pub use error::DumpError;
pub use extracted::{ExtractedDoc, ExtractedReader, extracted_files};
pub use input::{Compression, Input, open_input};
pub use langlinks::{LangLink, LanglinksReader};
pub use wikidata::{WikidataEntity, WikidataReader, wiki_language};
pub use xml::{MediaWikiReader, SiteInfo, WikiPage};
