//! A concept in the reader's language.
//!
//! A snapshot built from several language editions keeps, per concept, its
//! primary page (the concept's own title and summary) and its pages in the
//! other languages (translations). This module answers which languages the
//! snapshot and each concept have, and gives a concept's page in one of
//! them: that language's title and summary when the concept has a page
//! there, else the primary one (the page then says which language it is
//! in, so a front end can mark it).
//!
//! It does not choose the reader's language (the server does, from
//! `?lang=` and `Accept-Language`), nor translate the page's chrome.

use std::collections::BTreeMap;

use kenning_model::PageId;
use kenning_store::ConceptView;

use crate::engine::{ConceptPage, Engine, SearchHit};
use crate::timeline::timeline;

/// The languages of one concept: its title in each, primary first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ConceptLanguages {
    /// `(language code, title)`, the concept's own language first (the
    /// primary one but for a concept of another language), then the
    /// others in the build's order.
    pub(crate) titles: Vec<(String, String)>,
}

impl ConceptLanguages {
    /// Read from the snapshot (empty when the build said no language).
    pub(crate) fn of(engine: &Engine, c: ConceptView<'_>) -> Self {
        let s = engine.snapshot();
        // Its own language: the primary one, unless it is a page of
        // another language with no primary counterpart.
        let Some(own) = s.language_code(c.language()) else {
            return ConceptLanguages::default();
        };
        let mut titles = vec![(own.to_owned(), c.title().to_owned())];
        titles.extend(c.translations().filter_map(|t| {
            s.language_code(t.language)
                .map(|code| (code.to_owned(), t.title.to_owned()))
        }));
        ConceptLanguages { titles }
    }

    /// As the JSON shows them: `{code: title}`.
    pub(crate) fn title_map(&self) -> BTreeMap<String, String> {
        self.titles.iter().cloned().collect()
    }

    /// The codes, primary first.
    pub(crate) fn codes(&self) -> Vec<String> {
        self.titles.iter().map(|(code, _)| code.clone()).collect()
    }
}

impl Engine {
    /// The concept a typed title names, as [`Engine::find_title`] finds
    /// it, and the language of that title when it is the concept's title
    /// in another language rather than its own title or an alias (a
    /// reader who typed "Bac de Merrowby" reads French).
    pub fn find_title_in(&self, typed: &str) -> Option<(u32, Option<String>)> {
        let s = self.snapshot();
        let idx = s.lookup(typed)?;
        let c = s.concept(idx);
        let own = |t: &str| c.title() == t || c.aliases().any(|a| a == t);
        let lang = match s.namespaces().parse_link(typed) {
            Some(kenning_model::LinkTarget::Page { ns: 0, title, .. }) if !own(&title) => c
                .translations()
                .find(|t| t.title == title)
                .and_then(|t| s.language_code(t.language))
                .map(str::to_owned),
            _ => None,
        };
        Some((c.id().get(), lang))
    }

    /// Whether the snapshot has language `code`.
    pub fn has_language(&self, code: &str) -> bool {
        self.snapshot().language_number(code).is_some()
    }

    /// The page of concept `id` in language `lang`: its title and summary
    /// there when it has a page in it, else the primary ones
    /// ([`ConceptPage::language`] says which). A concept only named there
    /// gets that name as title and keeps the primary summary
    /// ([`ConceptPage::summary_language`] says so). A summary from another
    /// language has no links (they belong to the primary summary), and its
    /// timeline is read from it.
    pub fn concept_in(&self, id: u32, lang: Option<&str>) -> Option<ConceptPage> {
        let s = self.snapshot();
        let c = s.concept(s.find_id(PageId::new(id))?);
        let mut page = self.page(c);
        // No concept has a translation in the primary language: a reader of
        // it (most requests, whose Accept-Language names it) gets the page
        // as it is, without looking up every concept it lists.
        let Some(lang) = lang.filter(|&l| s.language_number(l).is_some_and(|n| n != 0)) else {
            return Some(page);
        };
        // The concepts it lists, titled in that language where they have
        // a title there.
        let title_in = |id: u32| {
            let other = s.concept(s.find_id(PageId::new(id))?);
            other.translation_in(lang).map(|t| t.title.to_owned())
        };
        for r in &mut page.related {
            if let Some(title) = title_in(r.id) {
                r.title = title;
            }
        }
        for l in &mut page.in_links_top {
            if let Some(title) = title_in(l.id) {
                l.title = title;
            }
        }
        if let Some(t) = c.translation_in(lang) {
            page.title = t.title.to_owned();
            page.language = Some(lang.to_owned());
            // A concept named there (a Wikidata label) but with no page
            // keeps the primary summary, marked as such.
            if t.summary.is_empty() {
                page.summary_language = s.language_code(c.language()).map(str::to_owned);
            } else {
                page.summary = t.summary.to_owned();
                page.summary_links.clear();
                page.timeline = timeline(&page.summary);
            }
        }
        Some(page)
    }

    /// `hits` as a reader of `lang` sees them: a concept with a page in
    /// that language is titled and linked in it (a matched alias that is
    /// that title is no longer shown as one).
    pub fn hits_in(&self, hits: &mut [SearchHit], lang: &str) {
        let s = self.snapshot();
        // Nothing has a translation in the primary language.
        if s.language_number(lang).is_none_or(|n| n == 0) {
            return;
        }
        for hit in hits.iter_mut().filter(|h| h.kind == "concept") {
            let Some(idx) = hit
                .id
                .parse()
                .ok()
                .and_then(|id| s.find_id(PageId::new(id)))
            else {
                continue;
            };
            let c = s.concept(idx);
            let Some(t) = c.translation_in(lang) else {
                continue;
            };
            if hit.matched_alias.as_deref() == Some(t.title) {
                hit.matched_alias = None;
            }
            hit.title = t.title.to_owned();
            hit.url = format!("{}?lang={lang}", hit.url);
        }
    }
}
