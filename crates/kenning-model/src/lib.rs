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
pub use interwiki::{
    SISTER_PROJECTS, is_interwiki_prefix, is_language_code, is_wikipedia_language,
};
pub use namespaces::{Case, NS_CATEGORY, NS_FILE, NS_MAIN, NS_TEMPLATE, Namespaces};
pub use title::LinkTarget;

/// A page id as the dump gives it (`<page><id>`): the id a concept is known
/// by outside the snapshot, in its URL (`/concept/{id}`) and as `id` in the
/// JSON API. Concept ids are page ids.
///
/// It is not a concept's position in a snapshot (`kenning_store::ConceptIdx`):
/// ids are sparse and chosen by the wiki, positions run over `0..len`. The
/// snapshot finds one from the other (`Snapshot::find_id`, `ConceptView::id`).
///
/// In with [`PageId::new`] (or `From<u32>`), out with [`PageId::get`];
/// [`Display`](std::fmt::Display) and [`FromStr`](std::str::FromStr) write
/// and read the plain number, as URLs do. The default is 0 (no wiki page
/// has it), for records filled in field by field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct PageId(u32);

impl PageId {
    /// The page id `id`.
    pub const fn new(id: u32) -> PageId {
        PageId(id)
    }

    /// The plain number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl From<u32> for PageId {
    fn from(id: u32) -> PageId {
        PageId(id)
    }
}

impl From<PageId> for u32 {
    fn from(id: PageId) -> u32 {
        id.0
    }
}

impl std::fmt::Display for PageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for PageId {
    type Err = std::num::ParseIntError;

    /// Reads the plain decimal number (as `u32` does).
    fn from_str(s: &str) -> Result<PageId, Self::Err> {
        s.parse().map(PageId)
    }
}
