//! Plain data shared by every kenning crate.
//!
//! This crate owns what a *title* is: the MediaWiki namespace table of one wiki
//! ([`Namespaces`]), the normalisation rules that turn what an editor wrote in a
//! link into the canonical title of a page ([`Namespaces::parse_link`]), and the
//! interwiki prefixes that make a link point outside the wiki.
//!
//! It deliberately does no IO, holds no graph and knows nothing about markup
//! beyond a link target: it is the vocabulary the other crates speak.

#![forbid(unsafe_code)]

mod entities;
mod interwiki;
mod namespaces;
mod title;

pub use entities::decode_html_entities;
pub use interwiki::{SISTER_PROJECTS, is_interwiki_prefix};
pub use namespaces::{Case, NS_CATEGORY, NS_FILE, NS_MAIN, NS_TEMPLATE, Namespaces};
pub use title::LinkTarget;

/// A page id as the dump gives it (`<page><id>`); concept ids are page ids.
pub type PageId = u32;
