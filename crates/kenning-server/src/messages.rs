//! The page chrome in the reader's language: headings, labels, notices and
//! buttons, from Fluent message catalogs (`messages/{en,fr,de}.ftl`,
//! embedded in the binary) rather than strings in code.
//!
//! English is complete and the fallback: a language without a catalog,
//! or a message its catalog lacks, is written in English. The catalogs
//! are parsed once, on first use, and every message without arguments is
//! formatted then (a page asks for thirty of them: looking them up must
//! cost no formatting); a catalog that does not parse is a bug caught by
//! the tests, and would fall back to English, never fail a page.
//!
//! The concept page, the search page and the page shell are translated
//! so far; the other pages are written in English.

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The catalogs: language code and Fluent source, English first.
const CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../messages/en.ftl")),
    ("fr", include_str!("../messages/fr.ftl")),
    ("de", include_str!("../messages/de.ftl")),
];

/// One parsed catalog.
type Bundle = FluentBundle<FluentResource>;

/// The messages that take no argument, by name: formatted once per
/// language, so a page's thirty look-ups are array reads (and a misspelt
/// message is a compile error).
macro_rules! plain_messages {
    ($($name:ident => $id:literal,)*) => {
        /// A message that takes no argument.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Msg {
            $(
                #[doc = $id]
                $name,
            )*
        }

        impl Msg {
            /// Every message, in declaration order (`as usize` indexes it).
            const ALL: &'static [Msg] = &[$(Msg::$name),*];

            /// Its id in the catalogs.
            pub(crate) fn id(self) -> &'static str {
                match self {
                    $(Msg::$name => $id,)*
                }
            }
        }
    };
}

plain_messages! {
    NavWikify => "nav-wikify",
    NavWikifyTitle => "nav-wikify-title",
    FooterGenerated => "footer-generated",
    FooterApi => "footer-api",
    SearchPlaceholder => "search-placeholder",
    SearchLabel => "search-label",
    SearchButton => "search-button",
    TypeConcept => "type-concept",
    AlsoKnownAs => "also-known-as",
    Summary => "summary",
    NoSummary => "no-summary",
    Timeline => "timeline",
    RelatedConcepts => "related-concepts",
    Relatedness => "relatedness",
    Relevance => "relevance",
    WhatLinksHere => "what-links-here",
    LinksHereMost => "links-here-most",
    Categories => "categories",
    Subjects => "subjects",
    SameCluster => "same-cluster",
    Source => "source",
    OriginalArticle => "original-article",
    NotGiven => "not-given",
    Revision => "revision",
    PageId => "page-id",
    LinksOut => "links-out",
    Data => "data",
    Languages => "languages",
    AboutThisResult => "about-this-result",
    Notice => "notice",
    GeneratedFromSource => "generated-from-source",
    FieldSummary => "field-summary",
    FieldTimeline => "field-timeline",
    FieldRelated => "field-related",
    FieldSummaryLinks => "field-summary_links",
    FieldInLinks => "field-in_links",
    FieldRecords => "field-records",
}

impl Msg {
    /// The name of a generated field (`summary`, `summary_links`, …) on
    /// the page, when it has one.
    pub(crate) fn field(field: &str) -> Option<Msg> {
        Some(match field {
            "summary" => Msg::FieldSummary,
            "timeline" => Msg::FieldTimeline,
            "related" => Msg::FieldRelated,
            "summary_links" => Msg::FieldSummaryLinks,
            "in_links" => Msg::FieldInLinks,
            "records" => Msg::FieldRecords,
            _ => return None,
        })
    }
}

/// A catalog, parsed, with its messages that take no argument formatted,
/// as text and as HTML (indexed by [`Msg`]; `None` where this catalog
/// lacks one).
struct Catalog {
    code: &'static str,
    bundle: Bundle,
    plain: Vec<Option<(String, String)>>,
}

/// Every catalog, parsed, in [`CATALOGS`]' order.
static BUNDLES: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .filter_map(|&(code, source)| {
            let bundle = bundle(code, source)?;
            let plain = Msg::ALL
                .iter()
                .map(|m| {
                    let pattern = bundle.get_message(m.id())?.value()?;
                    let mut errors = Vec::new();
                    let text = bundle.format_pattern(pattern, None, &mut errors);
                    errors
                        .is_empty()
                        .then(|| (text.to_string(), crate::html::escape(&text).to_string()))
                })
                .collect();
            Some(Catalog {
                code,
                bundle,
                plain,
            })
        })
        .collect()
});

/// The ids of the messages a catalog defines (`id = …` at a line's start).
#[cfg(test)]
fn message_ids(source: &'static str) -> impl Iterator<Item = &'static str> {
    source
        .lines()
        .filter(|l| !l.starts_with([' ', '#']) && !l.trim().is_empty())
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()))
}

/// A catalog parsed into a bundle; `None` when it does not parse.
fn bundle(code: &str, source: &str) -> Option<Bundle> {
    let resource = FluentResource::try_new(source.to_owned()).ok()?;
    let mut bundle = FluentBundle::new_concurrent(vec![code.parse().ok()?]);
    // Placeables are plain words and numbers inside HTML that is escaped
    // afterwards: no bidi isolation marks around them.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).ok()?;
    Some(bundle)
}

/// The chrome of one page, in one language.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Messages {
    /// Position in [`BUNDLES`] of the page's language (0, English, when it
    /// has no catalog).
    at: usize,
}

impl Messages {
    /// The messages for `lang` (`None`: English).
    pub(crate) fn new(lang: Option<&str>) -> Messages {
        let at = lang
            .and_then(|lang| BUNDLES.iter().position(|c| c.code == lang))
            .unwrap_or(0);
        Messages { at }
    }

    /// English.
    pub(crate) fn english() -> Messages {
        Messages { at: 0 }
    }

    /// Message `msg` (English when this language lacks it; its id when
    /// English does too, which the tests rule out).
    pub(crate) fn get(&self, msg: Msg) -> &'static str {
        self.plain(msg).map_or(msg.id(), |(text, _)| text)
    }

    /// Message `msg` escaped for HTML text and attributes, once, when the
    /// catalogs were read (see [`get`](Self::get)).
    pub(crate) fn html(&self, msg: Msg) -> &'static str {
        self.plain(msg).map_or(msg.id(), |(_, html)| html)
    }

    fn plain(&self, msg: Msg) -> Option<&'static (String, String)> {
        [self.at, 0].into_iter().find_map(|at| {
            BUNDLES
                .get(at)
                .and_then(|c| c.plain.get(msg as usize))
                .and_then(Option::as_ref)
        })
    }

    /// Message `id` with a number `$count`, for plurals.
    pub(crate) fn count(&self, id: &str, count: usize) -> Cow<'static, str> {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(id, Some(&args))
    }

    /// Message `id` with text arguments.
    pub(crate) fn with(&self, id: &str, args: &[(&'static str, &str)]) -> Cow<'static, str> {
        let mut fluent = FluentArgs::new();
        for &(name, value) in args {
            fluent.set(name, FluentValue::from(value.to_owned()));
        }
        self.format(id, Some(&fluent))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Cow<'static, str> {
        // This language's catalog, then English's.
        for at in [self.at, 0] {
            let Some(Catalog { bundle, .. }) = BUNDLES.get(at) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if errors.is_empty() {
                return Cow::Owned(text.into_owned());
            }
        }
        Cow::Owned(id.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a catalog.
    fn ids(source: &'static str) -> Vec<&'static str> {
        message_ids(source).collect()
    }

    #[test]
    fn every_plain_message_is_in_english_without_arguments() {
        let english = Messages::english();
        for &m in Msg::ALL {
            assert_ne!(
                english.get(m),
                m.id(),
                "{m:?} is not in en.ftl or takes arguments"
            );
        }
    }

    #[test]
    fn every_catalog_parses_and_has_every_english_message() {
        assert_eq!(BUNDLES.len(), CATALOGS.len(), "a catalog does not parse");
        let english = ids(CATALOGS[0].1);
        assert!(english.len() > 30, "{english:?}");
        for &(code, source) in &CATALOGS[1..] {
            let theirs = ids(source);
            for id in &english {
                assert!(theirs.contains(id), "{code}.ftl lacks {id}");
            }
            for id in &theirs {
                assert!(
                    english.contains(id),
                    "{code}.ftl has {id}, which en.ftl lacks"
                );
            }
        }
    }

    #[test]
    fn messages_in_a_language_with_plurals_and_arguments() {
        let fr = Messages::new(Some("fr"));
        assert_eq!(fr.get(Msg::Summary), "Résumé");
        assert_eq!(fr.count("links-here-count", 1), "1 concept mène ici");
        assert_eq!(fr.count("links-here-count", 3), "3 concepts mènent ici");
        let en = Messages::new(None);
        assert_eq!(en.count("links-here-count", 1), "1 concept links here");
        assert_eq!(en.count("links-here-count", 0), "0 concepts link here");
        assert_eq!(
            Messages::new(Some("de")).with(
                "language-note",
                &[("asked", "Français"), ("shown", "English")]
            ),
            "Keine Seite auf Français für diesen Begriff: angezeigt auf English."
        );
        // No catalog: English; no such message: its id.
        assert_eq!(Messages::new(Some("ltg")).get(Msg::Summary), "Summary");
        // Escaped once for HTML.
        assert_eq!(fr.get(Msg::OriginalArticle), "Article d'origine");
        assert_eq!(fr.html(Msg::OriginalArticle), "Article d&#39;origine");
        assert_eq!(
            Messages::english().count("no-such-message", 1),
            "no-such-message"
        );
        assert_eq!(Msg::field("summary_links"), Some(Msg::FieldSummaryLinks));
        assert_eq!(Msg::field("nothing"), None);
        for &m in Msg::ALL {
            if let Some(field) = m.id().strip_prefix("field-") {
                assert_eq!(Msg::field(field), Some(m), "{field}");
            }
        }
    }
}
