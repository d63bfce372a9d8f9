//! The collector: applies the workers' rows in source order, writing every
//! per-concept value straight into the generation and spilling links and
//! texts, and keeps the little that linking needs (a hash-map entry per
//! title and per redirect, a few integers per concept).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use kenning_model::PageId;
use kenning_store::{
    AdjacencyWriter, ConceptIdx, ConceptStrings, ConceptsWriter, GenerationWriter, LanguageMeta,
    Stats, StrTableWriter, TranslationsWriter, category_flags, title_key,
};

use crate::budget::Budget;
use crate::languages::{Interlanguage, LanguageTitles, Target, foreign_id, next_foreign_id};
use crate::mentions::{LanguageMentions, Mentions};
use crate::process::{ConceptRow, Row};
use crate::spill::{LinkRecord, Spill, SpillReader, SummaryLinkRecord};
use crate::text_spill::TextSpill;
use crate::{BuildError, BuildProgress};

/// Rows made from one batch of items, numbered as the batch was.
#[derive(Debug)]
pub(crate) struct RowBatch {
    pub(crate) seq: u64,
    pub(crate) file: Arc<Path>,
    /// The language number of the source the rows come from.
    pub(crate) language: u32,
    pub(crate) rows: Vec<Row>,
    /// The bytes of the batch the rows come from, given back once applied.
    pub(crate) bytes: u64,
}

/// Writes rows in source order and keeps the little that linking needs.
pub(crate) struct Collector {
    ids: Vec<PageId>,
    /// Titles, summaries, URLs and timestamps.
    concepts: ConceptsWriter,
    /// Start of each article's text, for the full-text index (removed
    /// after indexing).
    bodies: StrTableWriter,
    /// Title key → concept index.
    title_map: HashMap<u64, u32>,
    /// Page id → concept index.
    used_ids: HashMap<PageId, u32>,
    /// Rows without an id, resolved after all sources (`(concept, title)`).
    pending_ids: Vec<(u32, u64)>,
    categories: StrTableWriter,
    category_map: HashMap<String, u32>,
    /// (category, parent) from category pages.
    category_edges: Vec<(u32, u32)>,
    /// (category, the lead of its page), for categories with a page.
    category_summaries: Vec<(u32, String)>,
    /// A [`category_flags`] byte per category.
    category_flags: Vec<u8>,
    /// Member concepts per category.
    category_members: Vec<u32>,
    concept_categories: AdjacencyWriter,
    /// Alias strings, in redirect order.
    aliases: StrTableWriter,
    /// `(alias key, target key)` per alias, same order as `aliases`.
    redirects: Vec<(u64, u64)>,
    /// Every link occurrence, in concept order.
    links: Spill<LinkRecord>,
    /// Every summary link, in concept order.
    summary_links: Spill<SummaryLinkRecord>,
    /// Names and anchors for the mention dictionary.
    mentions: Mentions,
    /// Every concept's plain text, for link probabilities and for concept
    /// detection.
    texts: TextSpill,
    /// See [`BuildOptions::holdout_percent`](crate::BuildOptions::holdout_percent).
    holdout_percent: u32,
    stats: Stats,
    /// The file the rows being applied come from.
    file: Arc<Path>,
    /// The first few concepts that came with an id already used:
    /// `id N "title" (file)`, for one warning after the last row.
    duplicate_ids: Vec<String>,
    warnings: Vec<String>,
    /// The language editions and what joins them.
    languages: Interlanguage,
    /// The other languages' names and anchors, for their dictionaries.
    language_mentions: LanguageMentions,
    /// Pages of other languages joined to concepts.
    translations: Option<TranslationsWriter>,
    /// Alias key → target key, made when the first page of another
    /// language needs to follow a redirect of the primary one.
    redirect_keys: Option<HashMap<u64, u64>>,
    /// `(title key, concept)` of every translation: titles in other
    /// languages find their concept by title too.
    translation_names: Vec<(u64, u32)>,
    /// The concepts of other languages (pages with no primary
    /// counterpart): the first one's index (they come after every primary
    /// concept) and each one's language.
    foreign: ForeignConcepts,
    /// The other languages' titles, once their dictionaries are written.
    language_titles: LanguageTitles,
}

/// The concepts of the build's other languages: pages with no counterpart
/// in the primary language, which come after every primary concept.
#[derive(Debug, Default)]
pub(crate) struct ForeignConcepts {
    /// The first one's index (the primary concepts' count).
    pub(crate) first: u32,
    /// Each one's language number, in index order.
    pub(crate) languages: Vec<u32>,
}

impl ForeignConcepts {
    /// The language of concept `idx`, when it is one of them.
    pub(crate) fn language_of(&self, idx: u32) -> Option<u32> {
        let i = idx.checked_sub(self.first)?;
        self.languages.get(i as usize).copied()
    }

    /// Every concept's language number, for `n` concepts.
    pub(crate) fn all_languages(&self, n: usize) -> Vec<u32> {
        let mut all = vec![0; n];
        for (i, &l) in self.languages.iter().enumerate() {
            if let Some(slot) = all.get_mut(self.first as usize + i) {
                *slot = l;
            }
        }
        all
    }
}

/// What reading leaves for linking.
pub(crate) struct Collected {
    /// Page id of each concept; 0 for those in `pending_ids`.
    pub(crate) ids: Vec<PageId>,
    /// Every page id given out, with its concept.
    pub(crate) used_ids: HashMap<PageId, u32>,
    /// `(concept, title key)` of the concepts that came without an id or
    /// with one already used.
    pub(crate) pending_ids: Vec<(u32, u64)>,
    /// Title key → concept index.
    pub(crate) title_map: HashMap<u64, u32>,
    /// `(alias key, target key)` per alias, in the alias table's order.
    pub(crate) redirects: Vec<(u64, u64)>,
    pub(crate) links: SpillReader<LinkRecord>,
    pub(crate) summary_links: SpillReader<SummaryLinkRecord>,
    pub(crate) mentions: Mentions,
    pub(crate) stats: Stats,
    /// `(title key, concept)` of every translation and of every concept
    /// of another language.
    pub(crate) translation_names: Vec<(u64, u32)>,
    /// The concepts of the other languages.
    pub(crate) foreign: ForeignConcepts,
    /// The other languages' titles, for those concepts' links.
    pub(crate) language_titles: LanguageTitles,
}

/// Concepts with a reused id named in the warning.
const DUPLICATE_IDS_NAMED: usize = 5;

impl Collector {
    pub(crate) fn new(
        generation: &GenerationWriter,
        holdout_percent: u32,
        languages: Interlanguage,
    ) -> Result<Self, BuildError> {
        let scratch = generation.scratch_dir();
        Ok(Collector {
            ids: Vec::new(),
            concepts: generation.concepts()?,
            bodies: StrTableWriter::create(scratch, crate::index::BODIES)?,
            title_map: HashMap::new(),
            used_ids: HashMap::new(),
            pending_ids: Vec::new(),
            categories: generation.categories()?,
            category_map: HashMap::new(),
            category_edges: Vec::new(),
            category_summaries: Vec::new(),
            category_flags: Vec::new(),
            category_members: Vec::new(),
            concept_categories: generation.concept_categories()?,
            aliases: generation.aliases()?,
            redirects: Vec::new(),
            links: Spill::create(scratch)?,
            summary_links: Spill::create(scratch)?,
            mentions: Mentions::default(),
            texts: TextSpill::create(scratch)?,
            holdout_percent,
            stats: Stats::default(),
            file: Arc::from(Path::new("")),
            duplicate_ids: Vec::new(),
            warnings: Vec::new(),
            languages,
            language_mentions: LanguageMentions::new(scratch),
            translations: Some(generation.translations()?),
            redirect_keys: None,
            translation_names: Vec::new(),
            foreign: ForeignConcepts::default(),
            language_titles: LanguageTitles::default(),
        })
    }

    /// Concepts collected so far.
    pub(crate) fn concept_count(&self) -> usize {
        self.ids.len()
    }

    /// The warnings not handed out yet.
    pub(crate) fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Applies row batches in sequence order, giving each batch's bytes
    /// back to `budget` once applied.
    pub(crate) fn consume(
        &mut self,
        rx: Receiver<RowBatch>,
        budget: &Budget,
        progress: &BuildProgress,
    ) -> Result<(), BuildError> {
        let mut next = 0u64;
        let mut early: HashMap<u64, RowBatch> = HashMap::new();
        let mut last_flush = Instant::now();
        for batch in rx.iter() {
            early.insert(batch.seq, batch);
            while let Some(batch) = early.remove(&next) {
                self.file = batch.file;
                for row in batch.rows {
                    if batch.language == 0 {
                        self.apply(row)?;
                    } else {
                        self.apply_translation(row, batch.language)?;
                    }
                }
                budget.give_back(batch.bytes);
                next += 1;
            }
            if last_flush.elapsed() > Duration::from_millis(500) {
                for w in self.warnings.drain(..) {
                    progress.warn(w);
                }
                last_flush = Instant::now();
            }
        }
        if self.stats.duplicate_ids > 0 {
            let n = self.stats.duplicate_ids;
            let more = if n as usize > self.duplicate_ids.len() {
                ", …"
            } else {
                ""
            };
            self.warnings.push(format!(
                "{n} page{} had a page id that an earlier page already had and got a new one: {}{more}",
                if n == 1 { "" } else { "s" },
                self.duplicate_ids.join(", ")
            ));
        }
        Ok(())
    }

    fn category(&mut self, name: &str) -> Result<u32, BuildError> {
        if let Some(&i) = self.category_map.get(name) {
            return Ok(i);
        }
        let i = self.categories.push(name)? as u32;
        self.category_map.insert(name.to_owned(), i);
        self.category_members.push(0);
        self.category_flags.push(if is_maintenance(name) {
            category_flags::MAINTENANCE
        } else {
            0
        });
        Ok(i)
    }

    fn apply(&mut self, row: Row) -> Result<(), BuildError> {
        match row {
            Row::Concept(c) => self.add_concept(c)?,
            Row::Redirect {
                title,
                target: Some(target),
            } => {
                self.aliases.push(&title)?;
                let key = title_key(&title);
                self.redirects.push((key, title_key(&target)));
                self.mentions.add_alias(&title, key);
            }
            Row::Redirect { target: None, .. } => {
                // Points outside the articles (a category, another wiki).
                self.stats.redirects += 1;
                self.stats.broken_redirects += 1;
            }
            Row::CategoryPage {
                name,
                parents,
                summary,
                hidden,
            } => {
                let i = self.category(&name)?;
                for parent in &parents {
                    let p = self.category(parent)?;
                    self.category_edges.push((i, p));
                }
                if !summary.is_empty() {
                    self.category_summaries.push((i, summary));
                }
                let flags = &mut self.category_flags[i as usize];
                *flags |= category_flags::HAS_PAGE;
                if hidden {
                    *flags |= category_flags::HIDDEN;
                }
            }
            Row::Skipped => self.stats.pages_skipped += 1,
            Row::InvalidTitle { title, id } => {
                self.stats.pages_skipped += 1;
                let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
                self.warnings.push(format!(
                    "page {title:?}{id} skipped: the title is not a valid title"
                ));
            }
            Row::Failed { title, id, message } => {
                self.stats.pages_failed += 1;
                let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
                self.warnings
                    .push(format!("page {title:?}{id} skipped: {message}"));
            }
        }
        Ok(())
    }

    fn add_concept(&mut self, c: ConceptRow) -> Result<(), BuildError> {
        let key = title_key(&c.title);
        if self.title_map.contains_key(&key) {
            self.stats.duplicate_titles += 1;
            if self.stats.duplicate_titles <= 20 {
                self.warnings.push(format!(
                    "duplicate title {:?}: the first one was kept",
                    c.title
                ));
            }
            return Ok(());
        }
        let idx = self.ids.len() as u32;
        match c.id {
            Some(id) if !self.used_ids.contains_key(&id) => {
                self.used_ids.insert(id, idx);
                self.ids.push(id);
            }
            _ => {
                if let Some(id) = c.id {
                    self.stats.duplicate_ids += 1;
                    if self.duplicate_ids.len() < DUPLICATE_IDS_NAMED {
                        self.duplicate_ids.push(format!(
                            "id {id} {:?} ({})",
                            c.title,
                            self.file.display()
                        ));
                    }
                }
                self.ids.push(PageId::default());
                self.pending_ids.push((idx, key));
            }
        }
        self.title_map.insert(key, idx);
        self.languages.count_page(0, false, false);
        for (lang, title) in &c.language_links {
            self.languages.add_inline(idx, lang, title);
        }
        self.push_texts(&c)?;
        let mut cats: Vec<u32> = Vec::with_capacity(c.categories.len());
        for name in &c.categories {
            let i = self.category(name)?;
            if !cats.contains(&i) {
                cats.push(i);
            }
        }
        for &i in &cats {
            self.category_members[i as usize] += 1;
        }
        self.concept_categories.push_row(cats)?;
        let link_keys: Vec<u64> = c.links.iter().map(|t| title_key(t)).collect();
        for &target in &link_keys {
            self.links.push(&LinkRecord {
                concept: idx,
                target,
            })?;
        }
        for (start, end, target) in &c.summary_links {
            self.summary_links.push(&SummaryLinkRecord {
                concept: idx,
                start: *start,
                end: *end,
                target: title_key(target),
            })?;
        }
        for alias in &c.aliases {
            self.aliases.push(alias)?;
            self.redirects.push((title_key(alias), key));
            self.mentions.add_alias(alias, title_key(alias));
        }
        self.mentions.add_title(&c.title, idx);
        // Anchors, counted once per document.
        let held_out = crate::held_out(&c.title, self.holdout_percent);
        if !held_out {
            self.mentions.add_anchors(&link_keys, &c.anchors);
        }
        self.texts
            .push(idx, !c.links.is_empty(), held_out, &c.text)?;
        Ok(())
    }

    /// Applies a row of a source in another language than the primary one:
    /// a page joined to a concept becomes its translation; anything else is
    /// counted and left out.
    fn apply_translation(&mut self, row: Row, language: u32) -> Result<(), BuildError> {
        let c = match row {
            Row::Concept(c) => c,
            Row::Redirect {
                title,
                target: Some(target),
            } => {
                // Followed by the language's links (its dictionary).
                self.language_mentions
                    .add_redirect(language, &title, &target);
                self.stats.pages_skipped += 1;
                return Ok(());
            }
            Row::Skipped | Row::InvalidTitle { .. } | Row::Redirect { .. } => {
                self.stats.pages_skipped += 1;
                return Ok(());
            }
            Row::CategoryPage { .. } => return Ok(()),
            Row::Failed { .. } => return self.apply(row),
        };
        let found = self
            .languages
            .target_of(language, &c.title, c.id, &c.language_links);
        let concept = found.and_then(|(target, _)| self.concept_of(target));
        self.languages.count_page(
            language,
            concept.is_some(),
            found.is_some_and(|(_, by_link)| by_link),
        );
        let idx = match concept {
            Some(idx) => {
                if let Some(translations) = self.translations.as_mut() {
                    translations.add(ConceptIdx::new(idx), language, &c.title, &c.summary, &[])?;
                }
                idx
            }
            None => self.add_foreign_concept(&c, language)?,
        };
        self.translation_names.push((title_key(&c.title), idx));
        // Its links are anchors of its language.
        let targets: Vec<u64> = c.links.iter().map(|t| title_key(t)).collect();
        self.language_mentions
            .add_page(language, &c.title, idx, &targets, &c.anchors, &c.text)?;
        Ok(())
    }

    /// A new concept's title, lead, URL and timestamp, and its body for
    /// the search index.
    fn push_texts(&mut self, c: &ConceptRow) -> Result<(), BuildError> {
        self.concepts.push(&ConceptStrings {
            title: &c.title,
            summary: &c.summary,
            url: &c.url,
            timestamp: &c.timestamp,
        })?;
        self.bodies.push(&c.body)?;
        Ok(())
    }

    /// Makes a page of language `language` with no primary counterpart a
    /// concept of its own: an id in the upper half of the 32-bit range
    /// (see [`foreign_id`]), its title and lead, its text for search, and
    /// its links (resolved among its language's titles after reading). Its
    /// title is no key of the primary titles (links of the primary pages
    /// never reach it); it finds the concept by title like a translation's
    /// does. Its categories and summary links are left out.
    fn add_foreign_concept(&mut self, c: &ConceptRow, language: u32) -> Result<u32, BuildError> {
        let idx = self.ids.len() as u32;
        if self.foreign.languages.is_empty() {
            self.foreign.first = idx;
        }
        let code = self
            .languages
            .codes()
            .get(language as usize)
            .cloned()
            .unwrap_or_default();
        let mut id = foreign_id(&code, c.id, &c.title);
        while self.used_ids.contains_key(&PageId::new(id)) {
            id = next_foreign_id(id);
        }
        self.used_ids.insert(PageId::new(id), idx);
        self.ids.push(PageId::new(id));
        self.foreign.languages.push(language);
        self.push_texts(c)?;
        self.concept_categories.push_row(Vec::new())?;
        for target in &c.links {
            self.links.push(&LinkRecord {
                concept: idx,
                target: title_key(target),
            })?;
        }
        Ok(idx)
    }

    /// The concept a primary subject is, following one redirect.
    fn concept_of(&mut self, target: Target) -> Option<u32> {
        let key = match target {
            Target::Concept(idx) => return Some(idx),
            Target::Page(id) => return self.used_ids.get(&id).copied(),
            Target::Title(key) => key,
        };
        if let Some(&idx) = self.title_map.get(&key) {
            return Some(idx);
        }
        let redirects = self
            .redirect_keys
            .get_or_insert_with(|| self.redirects.iter().copied().collect());
        self.title_map.get(redirects.get(&key)?).copied()
    }

    /// Adds Wikidata's names of the concepts in the other languages, then
    /// writes the translations and those languages' mention dictionaries,
    /// and returns the languages' figures (empty when no source said its
    /// language).
    pub(crate) fn finish_languages(
        &mut self,
        generation: &GenerationWriter,
        threads: usize,
    ) -> Result<Vec<LanguageMeta>, BuildError> {
        let Some(mut writer) = self.translations.take() else {
            return Err(BuildError::Internal(
                "the translations were written twice".into(),
            ));
        };
        for item in self.languages.take_labels() {
            let Some(idx) = self.concept_of(Target::Title(item.primary)) else {
                continue;
            };
            let Some((label, aliases)) = item.names.split_first() else {
                continue;
            };
            // As a title, a label is written the way the wikis write one
            // (Wikidata writes `lac Tessel`, the wiki `Lac Tessel`); the
            // label as written stays a name.
            let title = crate::languages::wiki_title(label);
            let names: Vec<&str> = std::iter::once(&**label)
                .filter(|l| **l != title)
                .chain(aliases.iter().map(|a| &**a))
                .collect();
            writer.add(ConceptIdx::new(idx), item.language, &title, "", &names)?;
            self.translation_names.push((title_key(&title), idx));
            for name in item.names.iter() {
                self.language_mentions.add_name(item.language, name, idx);
            }
        }
        let codes = self.languages.codes().to_vec();
        let counts = writer.finish(self.ids.len(), codes.len().max(1))?;
        self.language_titles =
            std::mem::take(&mut self.language_mentions).write(generation, &codes, threads)?;
        let languages = std::mem::take(&mut self.languages);
        Ok(languages.finish(counts.concepts, &counts.per_language))
    }

    /// Finishes the files written while reading and hands over what
    /// linking needs.
    pub(crate) fn finish(mut self, generation: &GenerationWriter) -> Result<Collected, BuildError> {
        self.stats.categories = self.categories.len();
        let kept_out = category_flags::HIDDEN | category_flags::MAINTENANCE;
        self.stats.hidden_categories = self
            .category_flags
            .iter()
            .filter(|&&f| f & kept_out != 0)
            .count() as u64;
        let mut edges = std::mem::take(&mut self.category_edges);
        edges.retain(|(c, p)| c != p);
        edges.sort_unstable();
        edges.dedup();
        self.stats.category_links = edges.len() as u64;
        self.concepts.finish()?;
        for table in [self.bodies, self.categories, self.aliases] {
            table.finish()?;
        }
        self.concept_categories.finish()?;
        generation.write_category_graph(
            self.category_flags.len(),
            edges,
            std::mem::take(&mut self.category_summaries),
            &self.category_flags,
            &self.category_members,
        )?;
        self.texts.finish()?;
        Ok(Collected {
            ids: self.ids,
            used_ids: self.used_ids,
            pending_ids: self.pending_ids,
            title_map: self.title_map,
            redirects: self.redirects,
            links: self.links.into_reader()?,
            summary_links: self.summary_links.into_reader()?,
            mentions: self.mentions,
            stats: self.stats,
            translation_names: self.translation_names,
            foreign: self.foreign,
            language_titles: self.language_titles,
        })
    }
}

/// Whether a category named `name` is one editors keep for maintenance
/// (English Wikipedia's usual prefixes), rather than a subject: such
/// categories are flagged and kept out of pages and counts, like hidden
/// ones, even when their page does not say `__HIDDENCAT__`.
fn is_maintenance(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "All articles ",
        "All pages ",
        "Articles containing ",
        "Articles lacking ",
        "Articles needing ",
        "Articles to be ",
        "Articles using ",
        "Articles with ",
        "CS1 ",
        "Commons category ",
        "Pages containing ",
        "Pages using ",
        "Pages with ",
        "Redirects ",
        "Short description ",
        "Use British English",
        "Use dmy dates",
        "Use mdy dates",
        "Webarchive ",
        "Wikipedia ",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod category_tests {
    use super::is_maintenance;

    #[test]
    fn maintenance_categories_by_name() {
        for name in [
            "Articles with short description",
            "All articles with unsourced statements",
            "CS1 maint: archived copy as title",
            "Use dmy dates from May 2020",
            "Wikipedia indefinitely semi-protected pages",
            "Pages using infobox settlement",
        ] {
            assert!(is_maintenance(name), "{name}");
        }
        for name in [
            "Graph theory",
            "Articles of Confederation",
            "Pages of history",
            "Lake Tessel",
        ] {
            assert!(!is_maintenance(name), "{name}");
        }
    }
}
