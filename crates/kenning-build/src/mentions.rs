//! The mention dictionary's sources: names (titles, aliases, a title
//! without its qualifier) and anchors gathered while the sources are read,
//! resolved to concepts once titles and redirects are known; link
//! probabilities counted over the spilled plain text of every document
//! whose source gave it links.

use std::collections::HashMap;

use kenning_linker::{DictionaryBuilder, DictionaryStats, PhraseKey, phrase_key};
use kenning_store::GenerationWriter;

use crate::BuildError;
use crate::parallel::parallel_map;
use crate::process::unqualified;
use crate::redirects::Names;
use crate::text_spill::TextSpillReader;

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
        let mut pairs: Vec<(u64, u64, usize)> = targets
            .iter()
            .zip(anchors)
            .enumerate()
            .filter_map(|(i, (&target, a))| a.as_ref().map(|p| (p.key, target, i)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|&mut (phrase, target, _)| (phrase, target));
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
/// aliases), all pointing to the same concepts. They have no anchors yet,
/// so the linker weighs their phrases with its title-match prior.
#[derive(Debug, Default)]
pub(crate) struct LanguageMentions {
    /// By language number; the primary one's place stays `None`.
    builders: Vec<Option<DictionaryBuilder>>,
}

impl LanguageMentions {
    /// `name` names concept `idx` in language `language` (not 0).
    pub(crate) fn add_name(&mut self, language: u32, name: &str, idx: u32) {
        let l = language as usize;
        if l == 0 {
            return;
        }
        if self.builders.len() <= l {
            self.builders.resize_with(l + 1, || None);
        }
        let builder = self.builders[l].get_or_insert_with(DictionaryBuilder::new);
        for phrase in name_phrases(name) {
            builder.add_name(&phrase, idx);
        }
    }

    /// Writes each language's dictionary into `generation` (`codes` names
    /// the languages by number).
    pub(crate) fn write(
        self,
        generation: &GenerationWriter,
        codes: &[String],
    ) -> Result<(), BuildError> {
        for (l, builder) in self.builders.into_iter().enumerate() {
            let (Some(builder), Some(code)) = (builder, codes.get(l)) else {
                continue;
            };
            let (bytes, _) = builder.finish()?;
            generation.write_mentions_in(code, &bytes)?;
        }
        Ok(())
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
