//! The mention dictionary's sources: names (titles, aliases, a title
//! without its qualifier) and anchors gathered while the sources are read,
//! resolved to concepts once titles and redirects are known; link
//! probabilities counted over the spilled plain text of every document
//! whose source gave it links.

use std::collections::HashMap;
use std::path::Path;

use kenning_linker::{DictionaryBuilder, DictionaryStats, PhraseKey, phrase_key};
use kenning_store::GenerationWriter;

use crate::BuildError;
use crate::languages::LanguageTitles;
use crate::parallel::parallel_map;
use crate::process::unqualified;
use crate::redirects::Names;
use crate::text_spill::{LANGUAGES_FILE, TextSpill, TextSpillReader};

/// What the mention dictionary is built from, gathered page by page.
#[derive(Debug, Default)]
pub(crate) struct Mentions {
    /// Titles' names and anchor phrases with their linked documents.
    dictionary: DictionaryBuilder,
    /// `(anchor phrase, target title key)` → documents linking it so.
    anchor_links: HashMap<(u64, u64), u32>,
    /// `(phrase, alias title key)` of every alias, added once resolved.
    alias_phrases: Vec<(PhraseKey, u64)>,
}

/// The phrases a title is known by: itself and, when it has one, itself
/// without its qualifier (`Mercury (planet)` → `Mercury`), unless the
/// qualifier says it is a disambiguation page (`Economy (disambiguation)`
/// does not name "Economy").
fn name_phrases(title: &str) -> impl Iterator<Item = PhraseKey> + '_ {
    let base = unqualified(title);
    let full = phrase_key(title);
    let short = (base.len() != title.len() && !title.ends_with(" (disambiguation)"))
        .then(|| phrase_key(base))
        .flatten();
    full.into_iter().chain(short)
}

/// A document's distinct `(anchor phrase, target, index of a link so)`,
/// sorted, from its links' targets and anchors (parallel).
fn anchor_pairs(targets: &[u64], anchors: &[Option<PhraseKey>]) -> Vec<(u64, u64, usize)> {
    let mut pairs: Vec<(u64, u64, usize)> = targets
        .iter()
        .zip(anchors)
        .enumerate()
        .filter_map(|(i, (&target, a))| a.as_ref().map(|p| (p.key, target, i)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|&mut (phrase, target, _)| (phrase, target));
    pairs
}

impl Mentions {
    /// Concept `idx`'s title names it.
    pub(crate) fn add_title(&mut self, title: &str, idx: u32) {
        for phrase in name_phrases(title) {
            self.dictionary.add_name(&phrase, idx);
        }
    }

    /// The alias `alias` (title key `key`) names whatever it resolves to.
    pub(crate) fn add_alias(&mut self, alias: &str, key: u64) {
        self.alias_phrases
            .extend(name_phrases(alias).map(|p| (p, key)));
    }

    /// One document's anchors: the phrase of each link (`None` when it
    /// has no words) and the link's target title key, parallel. Each
    /// `(phrase, target)` pair and each phrase counts once per document.
    pub(crate) fn add_anchors(&mut self, targets: &[u64], anchors: &[Option<PhraseKey>]) {
        let mut pairs = anchor_pairs(targets, anchors);
        for &(phrase, target, _) in &pairs {
            *self.anchor_links.entry((phrase, target)).or_default() += 1;
        }
        pairs.dedup_by_key(|&mut (phrase, _, _)| phrase);
        for &(key, _, i) in &pairs {
            if let Some(phrase) = &anchors[i] {
                self.dictionary.add_phrase(phrase);
                self.dictionary.add_linked_document(key);
            }
        }
    }

    /// Builds the dictionary and writes it into `generation`: names
    /// (titles and resolved aliases), resolved anchors, then the spilled
    /// texts of the documents that have links (and are not held out),
    /// counted for link probabilities.
    pub(crate) fn write(
        self,
        generation: &GenerationWriter,
        names: &Names,
        threads: usize,
    ) -> Result<DictionaryStats, BuildError> {
        let Mentions {
            mut dictionary,
            anchor_links,
            alias_phrases,
        } = self;
        for (phrase, alias) in alias_phrases {
            if let Some(idx) = names.alias(alias) {
                dictionary.add_name(&phrase, idx);
            }
        }
        // In any order: the dictionary orders candidates by count, then
        // concept, so the result does not depend on it (and no sorted copy
        // of a table with one entry per anchor and target is made).
        for ((phrase, target), n) in anchor_links {
            if let Some(idx) = names.resolve(target) {
                dictionary.add_link(phrase, idx, n);
            }
        }
        let mut texts = TextSpillReader::open(generation.scratch_dir())?;
        loop {
            let batch = texts.next_batch(8 << 20)?;
            if batch.is_empty() {
                break;
            }
            let found = parallel_map(&batch, threads, |t| {
                let counted = t.has_links && !t.held_out;
                let mut out = Vec::new();
                if counted {
                    dictionary.phrases_in(&t.text, &mut out);
                }
                (counted, out)
            });
            for (counted, phrases) in found {
                if counted {
                    dictionary.add_occurrences(&phrases);
                }
            }
        }
        let (bytes, stats) = dictionary.finish()?;
        generation.write_mentions(&bytes)?;
        Ok(stats)
    }
}

/// The mention dictionaries of the build's other languages: each
/// concept's names there (a joined page's title, Wikidata labels and
/// aliases) and the anchors of that language's pages (joined or not), all
/// pointing to the same concepts. A link's target is found among the
/// language's pages (joined to a concept, or concepts of their own),
/// through its redirects; link probabilities are counted over the
/// language's pages that have links (spilled to disk as they come). A
/// language without a dump has names only, which the linker weighs as
/// low-prior names (`LinkerOptions::names_need_evidence`).
#[derive(Debug, Default)]
pub(crate) struct LanguageMentions {
    /// By language number; the primary one's place stays `None`.
    builders: Vec<Option<DictionaryBuilder>>,
    /// The concepts by their title in each language, and its redirects.
    titles: LanguageTitles,
    /// `(language, anchor phrase, target title key)` → documents linking
    /// it so.
    anchor_links: HashMap<(u32, u64, u64), u32>,
    /// The texts of the pages with links, once one came.
    texts: Option<TextSpill>,
    /// Where the texts are spilled.
    scratch_dir: std::path::PathBuf,
}

impl LanguageMentions {
    /// Collects in memory, spilling texts to `scratch_dir`.
    pub(crate) fn new(scratch_dir: &Path) -> Self {
        LanguageMentions {
            scratch_dir: scratch_dir.to_owned(),
            ..LanguageMentions::default()
        }
    }

    fn builder(&mut self, language: u32) -> Option<&mut DictionaryBuilder> {
        let l = language as usize;
        if l == 0 {
            return None;
        }
        if self.builders.len() <= l {
            self.builders.resize_with(l + 1, || None);
        }
        Some(self.builders[l].get_or_insert_with(DictionaryBuilder::new))
    }

    /// `name` names concept `idx` in language `language` (not 0).
    pub(crate) fn add_name(&mut self, language: u32, name: &str, idx: u32) {
        if let Some(builder) = self.builder(language) {
            for phrase in name_phrases(name) {
                builder.add_name(&phrase, idx);
            }
        }
    }

    /// A page of language `language` (not 0) titled `title`, concept
    /// `idx` (joined to it, or a concept of its own; its title names it),
    /// with its links' target title keys and anchors (parallel, as
    /// [`Mentions::add_anchors`] takes them) and its plain text. Its text
    /// is spilled when it has links.
    pub(crate) fn add_page(
        &mut self,
        language: u32,
        title: &str,
        idx: u32,
        targets: &[u64],
        anchors: &[Option<PhraseKey>],
        text: &str,
    ) -> Result<(), BuildError> {
        if language == 0 {
            return Ok(());
        }
        self.titles.add_title(language, title, idx);
        self.add_name(language, title, idx);
        if targets.is_empty() {
            return Ok(());
        }
        let mut pairs = anchor_pairs(targets, anchors);
        for &(phrase, target, _) in &pairs {
            *self
                .anchor_links
                .entry((language, phrase, target))
                .or_default() += 1;
        }
        pairs.dedup_by_key(|&mut (phrase, _, _)| phrase);
        if let Some(builder) = self.builder(language) {
            for &(key, _, i) in &pairs {
                if let Some(phrase) = &anchors[i] {
                    builder.add_phrase(phrase);
                    builder.add_linked_document(key);
                }
            }
        }
        let texts = match &mut self.texts {
            Some(t) => t,
            None => self
                .texts
                .insert(TextSpill::create_named(&self.scratch_dir, LANGUAGES_FILE)?),
        };
        texts.push(language, true, false, text)
    }

    /// A redirect of language `language` from `title` to `target`.
    pub(crate) fn add_redirect(&mut self, language: u32, title: &str, target: &str) {
        if language != 0 {
            self.titles.add_redirect(language, title, target);
        }
    }

    /// Builds each language's dictionary (anchors resolved, link
    /// probabilities counted over its spilled texts) and writes it into
    /// `generation` (`codes` names the languages by number); hands over
    /// the languages' titles, for their links.
    pub(crate) fn write(
        mut self,
        generation: &GenerationWriter,
        codes: &[String],
        threads: usize,
    ) -> Result<LanguageTitles, BuildError> {
        let anchor_links = std::mem::take(&mut self.anchor_links);
        for ((language, phrase, target), n) in anchor_links {
            let found = self.titles.resolve(language, target);
            if let (Some(idx), Some(Some(builder))) =
                (found, self.builders.get_mut(language as usize))
            {
                builder.add_link(phrase, idx, n);
            }
        }
        let scratch = generation.scratch_dir();
        if let Some(texts) = self.texts.take() {
            texts.finish()?;
            let mut reader = TextSpillReader::open_named(scratch, LANGUAGES_FILE)?;
            loop {
                let batch = reader.next_batch(8 << 20)?;
                if batch.is_empty() {
                    break;
                }
                let builders = &self.builders;
                let found = parallel_map(&batch, threads, |t| {
                    let mut out = Vec::new();
                    if let Some(Some(b)) = builders.get(t.concept as usize) {
                        b.phrases_in(&t.text, &mut out);
                    }
                    (t.concept, out)
                });
                for (language, phrases) in found {
                    if let Some(Some(b)) = self.builders.get_mut(language as usize) {
                        b.add_occurrences(&phrases);
                    }
                }
            }
            drop(reader);
            TextSpill::remove_named(scratch, LANGUAGES_FILE);
        }
        for (l, builder) in self.builders.into_iter().enumerate() {
            let (Some(builder), Some(code)) = (builder, codes.get(l)) else {
                continue;
            };
            let (bytes, _) = builder.finish()?;
            generation.write_mentions_in(code, &bytes)?;
        }
        Ok(self.titles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_named_with_and_without_its_qualifier() {
        let names: Vec<PhraseKey> = name_phrases("Mercury (planet)").collect();
        assert_eq!(
            names,
            [
                phrase_key("Mercury (planet)").unwrap(),
                phrase_key("Mercury").unwrap()
            ]
        );
        let names: Vec<PhraseKey> = name_phrases("Economy (disambiguation)").collect();
        assert_eq!(names, [phrase_key("Economy (disambiguation)").unwrap()]);
    }
}
