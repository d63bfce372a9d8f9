//! Several language editions in one build.
//!
//! Each source has a language: a dump's own (its `<dbname>`, `<base>` or
//! `xml:lang`, see `SiteInfo::language`) unless the command line says
//! otherwise; other sources (WikiExtractor, concepts JSONL) take the
//! primary language, the first source's. The primary edition's pages are
//! the concepts. A page of another edition is *joined* to the concept it is
//! the same subject as, and becomes that concept's title and lead in its
//! language (a translation), found through, in this order:
//!
//! 1. a `--langlinks` row of its own wiki (its page id → the primary title);
//! 2. a `--langlinks` row of the primary wiki, a Wikidata item's
//!    sitelinks, or an inline `[[fr:…]]` link on a primary page (its
//!    title → the primary concept);
//! 3. its own inline link to the primary language (`[[en:…]]`).
//!
//! A page that none of them joins is a concept of its own in its language
//! (counted as `unjoined`; its id in the upper half of the 32-bit range,
//! see [`foreign_id`]), its links resolved through its language's titles
//! ([`LanguageTitles`]).
//!
//! A Wikidata item with a primary page also names its concept in the
//! build's other languages (its labels and aliases there), including
//! languages named with `--languages` that have no dump: the label is the
//! concept's title in a language where no page joined it.
//!
//! This module owns the languages' numbering (the primary one is 0, the
//! others in the order their sources come), the identity tables and the
//! per-language figures. It does not decide what a page's title or lead
//! is (the workers do) nor how translations are stored (`kenning-store`).

use std::collections::HashMap;
use std::path::Path;

use kenning_dump::{LanglinksReader, MediaWikiReader, WikidataReader, open_input, wiki_language};
use kenning_model::PageId;
use kenning_store::{LanguageMeta, title_key};

use crate::progress::Phase;
use crate::{BuildError, BuildProgress, LanguageOptions, Source};

/// The languages of a build, primary first, and each source's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LanguagePlan {
    /// Language codes; empty when no source said its language.
    pub(crate) codes: Vec<String>,
    /// Language number of each source, parallel to the build's sources.
    pub(crate) of_source: Vec<u32>,
}

impl LanguagePlan {
    /// The number of language `code`, if the build has it.
    pub(crate) fn number(&self, code: &str) -> Option<u32> {
        self.codes.iter().position(|c| c == code).map(|i| i as u32)
    }
}

/// Finds each source's language: an override from `overrides`, else a
/// dump's own (read from its `<siteinfo>`), else the primary one. Sources
/// of the primary language must all come before any other language's.
///
/// A build with one dump and nothing to join is not opened twice (opening
/// a compressed dump costs its decoder's memory): its plan is empty, and
/// [`one_language`] names its language once the dump is read.
pub(crate) fn plan(options: &crate::BuildOptions) -> Result<LanguagePlan, BuildError> {
    let (sources, overrides) = (&options.sources, &options.languages.sources);
    let dumps = sources
        .iter()
        .filter(|s| matches!(s, Source::Dump(_)))
        .count();
    let joining = !options.languages.langlinks.is_empty() || !options.languages.wikidata.is_empty();
    let named = &options.languages.named;
    if dumps <= 1 && overrides.is_empty() && !joining && named.is_empty() {
        return Ok(LanguagePlan {
            codes: Vec::new(),
            of_source: vec![0; sources.len()],
        });
    }
    let mut said: Vec<Option<String>> = Vec::with_capacity(sources.len());
    for source in sources {
        let path = source.path();
        let given = overrides
            .iter()
            .rev()
            .find(|(p, _)| p == path)
            .map(|(_, code)| code.clone());
        let language = match (given, source) {
            (Some(code), _) => Some(code),
            (None, Source::Dump(path)) => {
                // One thread: only the head is read, no need to decode ahead.
                let reader = MediaWikiReader::new(open_input(path, 1)?)?;
                reader.siteinfo().language()
            }
            (None, _) => None,
        };
        said.push(language);
    }
    let Some(primary) = said.iter().flatten().chain(named).next().cloned() else {
        return Ok(LanguagePlan {
            codes: Vec::new(),
            of_source: vec![0; sources.len()],
        });
    };
    let mut plan = LanguagePlan {
        codes: vec![primary],
        of_source: Vec::with_capacity(sources.len()),
    };
    let mut other_seen: Option<usize> = None;
    for (i, language) in said.iter().enumerate() {
        let n = match language {
            None => 0,
            Some(code) => match plan.number(code) {
                Some(n) => n,
                None => {
                    plan.codes.push(code.clone());
                    (plan.codes.len() - 1) as u32
                }
            },
        };
        if n == 0 {
            if let Some(j) = other_seen {
                return Err(BuildError::Languages(format!(
                    "{} is in the primary language ({}) but comes after {}, in {}: give the primary language's sources first",
                    sources[i].path().display(),
                    plan.codes[0],
                    sources[j].path().display(),
                    plan.codes[plan.of_source[j] as usize],
                )));
            }
        } else if other_seen.is_none() {
            other_seen = Some(i);
        }
        plan.of_source.push(n);
    }
    for code in named {
        if plan.number(code).is_none() {
            plan.codes.push(code.clone());
        }
    }
    Ok(plan)
}

/// The figures of a build in one language, `code` (the language of its
/// only dump), with `pages` concepts.
pub(crate) fn one_language(code: String, pages: u64) -> Vec<LanguageMeta> {
    vec![LanguageMeta {
        code,
        pages,
        ..LanguageMeta::default()
    }]
}

/// Reads the build's `--langlinks` and `--wikidata` files into the
/// identity tables.
pub(crate) fn read_interlanguage(
    options: &LanguageOptions,
    plan: &LanguagePlan,
    threads: usize,
    progress: &BuildProgress,
) -> Result<Interlanguage, BuildError> {
    let mut tables = Interlanguage::new(plan.clone());
    let given = options.langlinks.len() + options.wikidata.len();
    if given > 0 && plan.codes.is_empty() {
        return Err(BuildError::Languages(
            "--langlinks and --wikidata join dumps of several languages, but no source says its language: give MediaWiki dumps, a source's language with --dump CODE=FILE, or the build's languages with --languages en,fr".into(),
        ));
    }
    for (path, code) in &options.langlinks {
        let code = match code {
            Some(code) => Some(code.clone()),
            None => path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split_once("wiki-"))
                .and_then(|(prefix, _)| {
                    wiki_language(&format!("{prefix}wiki")).map(|c| c.into_owned())
                }),
        };
        let number = match &code {
            None => 0,
            Some(code) => plan.number(code).ok_or_else(|| {
                BuildError::Languages(format!(
                    "{}: the langlinks of the {code} wiki, but no source of the build is in {code} (the build's languages: {}); say which wiki it is with --langlinks CODE=FILE",
                    path.display(),
                    plan.codes.join(", ")
                ))
            })?,
        };
        tables.read_langlinks(path, number, threads, progress)?;
    }
    for path in &options.wikidata {
        tables.read_wikidata(path, threads, progress)?;
    }
    Ok(tables)
}

/// A title as the wikis store it: spaces for `_`, trimmed, single spaces,
/// first letter in capitals (every Wikipedia capitalises it).
pub(crate) fn wiki_title(title: &str) -> String {
    let spaced = title.replace('_', " ");
    let mut words = spaced.split_whitespace();
    let mut out = String::with_capacity(spaced.len());
    if let Some(first) = words.next() {
        let mut chars = first.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
    out
}

/// The key of a title in any language, after [`wiki_title`].
fn key(title: &str) -> u64 {
    title_key(&wiki_title(title))
}

/// The concepts of the build's other languages by their title there: the
/// pages joined to a concept and the concepts of their own, and each
/// language's redirects, for that language's links.
#[derive(Debug, Default)]
pub(crate) struct LanguageTitles {
    /// `(language, title key)` → concept.
    titles: HashMap<(u32, u64), u32>,
    /// `(language, redirect's title key)` → its target's title key.
    redirects: HashMap<(u32, u64), u64>,
}

impl LanguageTitles {
    /// The page titled `title` in `language` is concept `idx`.
    pub(crate) fn add_title(&mut self, language: u32, title: &str, idx: u32) {
        self.titles.insert((language, title_key(title)), idx);
    }

    /// A redirect of `language` from `title` to `target`.
    pub(crate) fn add_redirect(&mut self, language: u32, title: &str, target: &str) {
        self.redirects
            .insert((language, title_key(title)), title_key(target));
    }

    /// The concept a link of `language` to title key `key` names,
    /// following one redirect.
    pub(crate) fn resolve(&self, language: u32, key: u64) -> Option<u32> {
        self.titles.get(&(language, key)).copied().or_else(|| {
            let to = self.redirects.get(&(language, key))?;
            self.titles.get(&(language, *to)).copied()
        })
    }
}

/// The first page id a concept of language `code` (not the primary one)
/// that has no primary counterpart is given a try at: in the upper half
/// of the 32-bit range, where no primary concept's id is (dump page ids
/// and the ids derived from titles are below 2^31), from its own page id
/// (else its title) in its language. The caller moves up from it past ids
/// already given.
pub(crate) fn foreign_id(code: &str, page_id: Option<PageId>, title: &str) -> u32 {
    let own = match page_id {
        Some(id) => format!("{code}:{}", id.get()),
        None => format!("{code}:{title}"),
    };
    (1 << 31) | (title_key(&own) >> 33) as u32
}

/// The id after `id` in the upper half (wrapping to its start).
pub(crate) fn next_foreign_id(id: u32) -> u32 {
    if id == u32::MAX { 1 << 31 } else { id + 1 }
}

/// What an interlanguage link names in the primary edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A concept already read.
    Concept(u32),
    /// A primary title (its key).
    Title(u64),
    /// A primary page id.
    Page(PageId),
}

/// The identity tables and the per-language figures.
#[derive(Debug, Default)]
pub(crate) struct Interlanguage {
    plan: LanguagePlan,
    /// `(language, key of a title there)` → the primary subject.
    by_title: HashMap<(u32, u64), Target>,
    /// `(language, page id there)` → key of the primary title.
    by_page: HashMap<(u32, u32), u64>,
    /// Wikidata's names of items with a primary page, in the build's other
    /// languages.
    labels: Vec<WikidataNames>,
    figures: Vec<LanguageMeta>,
}

/// An item's names in one of the build's other languages.
#[derive(Debug)]
pub(crate) struct WikidataNames {
    /// The key of its primary page's title.
    pub(crate) primary: u64,
    /// The language's number.
    pub(crate) language: u32,
    /// Its label (or, without one, its first alias), then its aliases.
    pub(crate) names: Vec<Box<str>>,
}

impl Interlanguage {
    pub(crate) fn new(plan: LanguagePlan) -> Self {
        let figures = plan
            .codes
            .iter()
            .map(|code| LanguageMeta {
                code: code.clone(),
                ..LanguageMeta::default()
            })
            .collect();
        Interlanguage {
            plan,
            figures,
            ..Interlanguage::default()
        }
    }

    /// The number of `code` among the build's languages.
    pub(crate) fn number(&self, code: &str) -> Option<u32> {
        self.plan.number(code)
    }

    fn add_title(&mut self, language: u32, title_key: u64, target: Target) {
        if let std::collections::hash_map::Entry::Vacant(e) =
            self.by_title.entry((language, title_key))
        {
            e.insert(target);
            self.figures[language as usize].links_read += 1;
        }
    }

    /// A primary page's inline link to its page in `lang`.
    pub(crate) fn add_inline(&mut self, concept: u32, lang: &str, title: &str) {
        if let Some(l) = self.number(lang).filter(|&l| l != 0) {
            self.add_title(l, key(title), Target::Concept(concept));
        }
    }

    /// Reads a `langlinks` SQL dump of the wiki in language `file_language`
    /// (a number of the plan), keeping the rows between that wiki and the
    /// build's other languages.
    pub(crate) fn read_langlinks(
        &mut self,
        path: &Path,
        file_language: u32,
        threads: usize,
        progress: &BuildProgress,
    ) -> Result<(), BuildError> {
        progress.set_phase(Phase::Reading(path.display().to_string()));
        let mut rows = LanglinksReader::new(open_input(path, threads)?);
        let primary = self.plan.codes.first().cloned().unwrap_or_default();
        for row in rows.by_ref() {
            let row = row?;
            if file_language == 0 {
                if let Some(l) = self.number(&row.lang).filter(|&l| l != 0) {
                    self.add_title(l, key(&row.title), Target::Page(PageId::new(row.from)));
                }
            } else if row.lang == primary {
                let entry = self.by_page.entry((file_language, row.from));
                if let std::collections::hash_map::Entry::Vacant(e) = entry {
                    e.insert(key(&row.title));
                    self.figures[file_language as usize].links_read += 1;
                }
            }
        }
        Ok(())
    }

    /// Reads a Wikidata JSON dump: an item with a page in the primary
    /// language joins its pages in the build's other languages to it, and
    /// its labels and aliases in those languages are kept as names of it.
    pub(crate) fn read_wikidata(
        &mut self,
        path: &Path,
        threads: usize,
        progress: &BuildProgress,
    ) -> Result<(), BuildError> {
        progress.set_phase(Phase::Reading(path.display().to_string()));
        let Some(primary) = self.plan.codes.first().cloned() else {
            return Ok(());
        };
        for entity in WikidataReader::new(open_input(path, threads)?) {
            let entity = entity?;
            let language_of = |site: &str| wiki_language(site).map(|l| l.into_owned());
            let Some(primary_title) = entity
                .sitelinks
                .iter()
                .find(|(site, _)| language_of(site).as_deref() == Some(primary.as_str()))
                .map(|(_, title)| key(title))
            else {
                continue;
            };
            for (site, title) in &entity.sitelinks {
                let Some(l) = language_of(site)
                    .and_then(|code| self.number(&code))
                    .filter(|&l| l != 0)
                else {
                    continue;
                };
                self.add_title(l, key(title), Target::Title(primary_title));
            }
            for l in 1..self.plan.codes.len() as u32 {
                let code = self.plan.codes[l as usize].as_str();
                let of = |list: &[(String, String)]| {
                    list.iter()
                        .filter(|(lang, _)| lang == code)
                        .map(|(_, name)| name.trim())
                        .filter(|name| !name.is_empty())
                        .map(Box::from)
                        .collect::<Vec<Box<str>>>()
                };
                let mut names = of(&entity.labels);
                names.extend(of(&entity.aliases));
                if !names.is_empty() {
                    self.labels.push(WikidataNames {
                        primary: primary_title,
                        language: l,
                        names,
                    });
                }
            }
        }
        Ok(())
    }

    /// Hands over the Wikidata names read (once: they are no longer held).
    pub(crate) fn take_labels(&mut self) -> Vec<WikidataNames> {
        std::mem::take(&mut self.labels)
    }

    /// The build's language codes, primary first.
    pub(crate) fn codes(&self) -> &[String] {
        &self.plan.codes
    }

    /// What a page of language `language` (not 0) titled `title`, with
    /// page id `id` and inline links `links` (`(lang, title)`), is the same
    /// subject as in the primary edition, if any link says so. The second
    /// value is whether a link read beforehand (not the page's own) said it.
    pub(crate) fn target_of(
        &self,
        language: u32,
        title: &str,
        id: Option<PageId>,
        links: &[(String, String)],
    ) -> Option<(Target, bool)> {
        if let Some(&k) = id.and_then(|id| self.by_page.get(&(language, id.get()))) {
            return Some((Target::Title(k), true));
        }
        if let Some(&t) = self.by_title.get(&(language, key(title))) {
            return Some((t, true));
        }
        let primary = self.plan.codes.first()?;
        links
            .iter()
            .find(|(lang, _)| lang == primary)
            .map(|(_, t)| (Target::Title(key(t)), false))
    }

    /// Counts a page read in `language`: joined (through a link read
    /// beforehand when `by_link`) or not.
    pub(crate) fn count_page(&mut self, language: u32, joined: bool, by_link: bool) {
        let Some(f) = self.figures.get_mut(language as usize) else {
            return;
        };
        f.pages += 1;
        if language == 0 {
            return;
        }
        if joined {
            f.joined += 1;
            if by_link {
                f.links_joined += 1;
            }
        } else {
            f.unjoined += 1;
        }
    }

    /// The figures, with the primary language's `joined` (concepts with a
    /// translation), the others' `named` (concepts with a title in it, by
    /// language number) and every language's dangling links filled in.
    pub(crate) fn finish(mut self, concepts_translated: u64, named: &[u64]) -> Vec<LanguageMeta> {
        if let Some(primary) = self.figures.first_mut() {
            primary.joined = concepts_translated;
        }
        for (f, &n) in self.figures.iter_mut().zip(named).skip(1) {
            f.named = n;
        }
        for f in &mut self.figures {
            f.links_dangling = f.links_read.saturating_sub(f.links_joined);
        }
        self.figures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concepts_of_other_languages_get_ids_in_the_upper_half() {
        let a = foreign_id("fr", Some(PageId::new(105)), "Port");
        assert!(a >= 1 << 31);
        assert_eq!(a, foreign_id("fr", Some(PageId::new(105)), "Autre titre"));
        assert_ne!(a, foreign_id("de", Some(PageId::new(105)), "Port"));
        assert!(foreign_id("fr", None, "Port") >= 1 << 31);
        assert_eq!(next_foreign_id(u32::MAX), 1 << 31);
        assert_eq!(next_foreign_id(1 << 31), (1 << 31) + 1);
    }

    #[test]
    fn links_of_a_language_find_its_titles_through_its_redirects() {
        let mut t = LanguageTitles::default();
        t.add_title(1, "Lac Tessel", 2);
        t.add_redirect(1, "Tessel (lac)", "Lac Tessel");
        assert_eq!(t.resolve(1, title_key("Lac Tessel")), Some(2));
        assert_eq!(t.resolve(1, title_key("Tessel (lac)")), Some(2));
        assert_eq!(t.resolve(2, title_key("Lac Tessel")), None);
    }

    #[test]
    fn titles_are_written_as_the_wikis_store_them() {
        assert_eq!(wiki_title(" chat_domestique "), "Chat domestique");
        assert_eq!(wiki_title("élysée  Palace"), "Élysée Palace");
        assert_eq!(wiki_title(""), "");
    }

    fn plan_of(codes: &[&str]) -> LanguagePlan {
        LanguagePlan {
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            of_source: vec![],
        }
    }

    #[test]
    fn a_page_is_joined_by_its_own_wiki_first_then_by_title_then_by_its_own_link() {
        let mut t = Interlanguage::new(plan_of(&["en", "fr", "de"]));
        t.add_inline(7, "fr", "chat");
        t.add_inline(7, "it", "Gatto"); // not a language of the build
        t.by_page.insert((2, 40), key("Dog"));
        assert_eq!(
            t.target_of(1, "Chat", None, &[]),
            Some((Target::Concept(7), true))
        );
        assert_eq!(
            t.target_of(2, "Hund", Some(PageId::new(40)), &[]),
            Some((Target::Title(key("Dog")), true))
        );
        let own = [("en".to_owned(), "Horse".to_owned())];
        assert_eq!(
            t.target_of(2, "Pferd", None, &own),
            Some((Target::Title(key("Horse")), false))
        );
        assert_eq!(t.target_of(2, "Kuh", None, &[]), None);
        t.count_page(1, true, true);
        t.count_page(2, false, false);
        t.count_page(0, false, false);
        let figures = t.finish(1, &[0, 1, 0]);
        assert_eq!((figures[1].named, figures[2].named), (1, 0));
        assert_eq!(figures[0].pages, 1);
        assert_eq!(figures[0].joined, 1);
        assert_eq!(
            (
                figures[1].links_read,
                figures[1].joined,
                figures[1].links_dangling
            ),
            (1, 1, 0)
        );
        assert_eq!((figures[2].unjoined, figures[2].links_dangling), (1, 0));
    }
}
