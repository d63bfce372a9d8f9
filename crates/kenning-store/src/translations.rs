//! A concept's pages in the build's other languages: for each concept, the
//! language editions besides the primary one that have a page joined to
//! it, with that page's title and lead.
//!
//! Languages are numbered by their position in
//! [`Meta::languages`](crate::Meta::languages); 0 is the primary language,
//! whose title and summary are the concept's own and never appear here.
//! On disk: the adjacency [`files::TRANSLATIONS`] (per concept, its
//! language numbers in increasing order) and two string tables,
//! [`files::TRANSLATION_TITLES`] and [`files::TRANSLATION_SUMMARIES`],
//! whose entry `i` belongs to the adjacency's value `i`. A generation
//! without any translation has none of these files.
//!
//! This module does not decide which page joins which concept (the build
//! does, from interlanguage links and Wikidata).

use std::path::{Path, PathBuf};

use crate::StoreError;
use crate::adjacency::{AdjacencyWriter, MappedAdjacency};
use crate::columns::{StrTable, StrTableWriter};
use crate::layout::{ConceptIdx, files};

/// Scratch tables of the pages as they arrive, before they are sorted.
const SCRATCH_TITLES: &str = "translation_titles.tmp";
const SCRATCH_SUMMARIES: &str = "translation_summaries.tmp";

/// One page of a concept in another language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation<'a> {
    /// Its language's position in [`Meta::languages`](crate::Meta::languages).
    pub language: u32,
    /// The page's title in that language.
    pub title: &'a str,
    /// The page's lead, as plain text (empty when it had none).
    pub summary: &'a str,
}

/// What [`TranslationsWriter::finish`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TranslationCounts {
    /// Pages kept: one per concept and language.
    pub pages: u64,
    /// Concepts with at least one page in another language.
    pub concepts: u64,
}

/// Collects pages joined to concepts, in any order, and writes them sorted
/// by concept and language on [`finish`](Self::finish). Titles and leads
/// go to scratch tables on disk as they come (created with the first
/// page); memory holds 12 bytes per page.
#[derive(Debug)]
pub struct TranslationsWriter {
    dir: PathBuf,
    scratch: PathBuf,
    /// Titles and leads in arrival order, once a page came.
    tables: Option<(StrTableWriter, StrTableWriter)>,
    /// `(concept, language, arrival)` per page.
    rows: Vec<(u32, u32, u32)>,
}

impl TranslationsWriter {
    pub(crate) fn create(dir: &Path, scratch: &Path) -> Result<Self, StoreError> {
        Ok(TranslationsWriter {
            dir: dir.to_owned(),
            scratch: scratch.to_owned(),
            tables: None,
            rows: Vec::new(),
        })
    }

    /// Adds `concept`'s page in `language` (not 0). When a concept gets
    /// two pages in one language, the first added is kept.
    pub fn add(
        &mut self,
        concept: ConceptIdx,
        language: u32,
        title: &str,
        summary: &str,
    ) -> Result<(), StoreError> {
        let (titles, summaries) = match &mut self.tables {
            Some(tables) => tables,
            None => self.tables.insert((
                StrTableWriter::create(&self.scratch, SCRATCH_TITLES)?,
                StrTableWriter::create(&self.scratch, SCRATCH_SUMMARIES)?,
            )),
        };
        let arrival = titles.push(title)?;
        summaries.push(summary)?;
        let arrival = u32::try_from(arrival).map_err(|_| StoreError::Invalid {
            path: self.scratch.join(SCRATCH_TITLES),
            message: "more than 2^32 pages in other languages".into(),
        })?;
        self.rows.push((concept.get(), language, arrival));
        Ok(())
    }

    /// Pages added so far (before duplicates are dropped).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no page was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the files for a generation of `concepts` concepts (none when
    /// no page was added) and removes the scratch tables.
    pub fn finish(mut self, concepts: usize) -> Result<TranslationCounts, StoreError> {
        let Some((titles, summaries)) = self.tables.take() else {
            return Ok(TranslationCounts::default());
        };
        titles.finish()?;
        summaries.finish()?;
        let invalid = |message: String| StoreError::Invalid {
            path: self.dir.join(format!("{}.off", files::TRANSLATIONS)),
            message,
        };
        if let Some(&(c, l, _)) = self
            .rows
            .iter()
            .find(|&&(c, l, _)| c as usize >= concepts || l == 0)
        {
            return Err(invalid(format!(
                "a page for concept {c} in language {l}, in a generation of {concepts} concepts (language 0 is the primary one)"
            )));
        }
        self.rows.sort_unstable();
        self.rows.dedup_by_key(|&mut (c, l, _)| (c, l));
        let titles = StrTable::open(&self.scratch, SCRATCH_TITLES)?;
        let summaries = StrTable::open(&self.scratch, SCRATCH_SUMMARIES)?;
        let mut index = AdjacencyWriter::create(&self.dir, files::TRANSLATIONS)?;
        let mut out_titles = StrTableWriter::create(&self.dir, files::TRANSLATION_TITLES)?;
        let mut out_summaries = StrTableWriter::create(&self.dir, files::TRANSLATION_SUMMARIES)?;
        let mut at = 0;
        for c in 0..concepts as u32 {
            let start = at;
            while at < self.rows.len() && self.rows[at].0 == c {
                let arrival = self.rows[at].2 as usize;
                out_titles.push(titles.get(arrival))?;
                out_summaries.push(summaries.get(arrival))?;
                at += 1;
            }
            index.push_row(self.rows[start..at].iter().map(|&(_, l, _)| l))?;
        }
        index.finish()?;
        out_titles.finish()?;
        out_summaries.finish()?;
        drop((titles, summaries));
        StrTable::remove(&self.scratch, SCRATCH_TITLES);
        StrTable::remove(&self.scratch, SCRATCH_SUMMARIES);
        let mut translated: Vec<u32> = self.rows.iter().map(|&(c, _, _)| c).collect();
        translated.dedup();
        Ok(TranslationCounts {
            pages: self.rows.len() as u64,
            concepts: translated.len() as u64,
        })
    }
}

/// The translations of a snapshot, memory-mapped.
#[derive(Debug)]
pub(crate) struct Translations {
    index: MappedAdjacency,
    titles: StrTable,
    summaries: StrTable,
}

impl Translations {
    /// Opens them in `generation`, for `concepts` concepts and `languages`
    /// languages, if the build wrote any; checks that the tables match the
    /// index.
    pub(crate) fn open(
        generation: &Path,
        concepts: usize,
        languages: usize,
    ) -> Result<Option<Self>, StoreError> {
        if !generation
            .join(format!("{}.off", files::TRANSLATIONS))
            .exists()
        {
            return Ok(None);
        }
        let index = MappedAdjacency::open(generation, files::TRANSLATIONS, concepts, languages)?;
        let titles = StrTable::open(generation, files::TRANSLATION_TITLES)?;
        let summaries = StrTable::open(generation, files::TRANSLATION_SUMMARIES)?;
        for (name, table) in [
            (files::TRANSLATION_TITLES, &titles),
            (files::TRANSLATION_SUMMARIES, &summaries),
        ] {
            if table.len() != index.values.len() {
                return Err(StoreError::Corrupt {
                    path: generation.join(format!("{name}.off")),
                    message: format!(
                        "{} entries where {} were expected (one per value of {}.u32)",
                        table.len(),
                        index.values.len(),
                        files::TRANSLATIONS
                    ),
                });
            }
        }
        Ok(Some(Translations {
            index,
            titles,
            summaries,
        }))
    }

    /// `concept`'s pages in other languages, by language number; a
    /// damaged entry (language 0 or past the list) is left out.
    pub(crate) fn of(&self, concept: ConceptIdx) -> impl Iterator<Item = Translation<'_>> + '_ {
        let range = self.index.range(concept.index());
        range
            .map(move |i| Translation {
                language: self.index.values.get(i),
                title: self.titles.get(i),
                summary: self.summaries.get(i),
            })
            .filter(|t| t.language != 0 && t.language < self.index.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_sorted_by_concept_and_language_first_one_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, scratch) = (tmp.path().join("g"), tmp.path().join("s"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&scratch).unwrap();
        let mut w = TranslationsWriter::create(&dir, &scratch).unwrap();
        w.add(ConceptIdx::new(2), 2, "Deutschland", "Ein Staat.")
            .unwrap();
        w.add(ConceptIdx::new(2), 1, "Allemagne", "Un État.")
            .unwrap();
        w.add(ConceptIdx::new(0), 1, "Chat", "").unwrap();
        w.add(ConceptIdx::new(2), 1, "Allemagne (pays)", "Plus tard.")
            .unwrap();
        assert_eq!(w.len(), 4);
        let counts = w.finish(3).unwrap();
        assert_eq!((counts.pages, counts.concepts), (3, 2));
        let t = Translations::open(&dir, 3, 3).unwrap().unwrap();
        let of = |c| t.of(ConceptIdx::new(c)).collect::<Vec<_>>();
        assert_eq!(
            of(0),
            [Translation {
                language: 1,
                title: "Chat",
                summary: ""
            }]
        );
        assert!(of(1).is_empty());
        let two = of(2);
        assert_eq!(
            two.iter()
                .map(|t| (t.language, t.title))
                .collect::<Vec<_>>(),
            [(1, "Allemagne"), (2, "Deutschland")]
        );
        assert_eq!(two[0].summary, "Un État.");
        // The scratch tables are gone.
        assert_eq!(std::fs::read_dir(&scratch).unwrap().count(), 0);
    }

    #[test]
    fn without_pages_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
        assert_eq!(w.finish(3).unwrap(), TranslationCounts::default());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        assert!(Translations::open(tmp.path(), 3, 1).unwrap().is_none());
    }

    #[test]
    fn a_page_past_the_concepts_or_in_the_primary_language_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        for (concept, language) in [(5, 1), (0, 0)] {
            let mut w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
            w.add(ConceptIdx::new(concept), language, "T", "").unwrap();
            assert!(matches!(w.finish(3), Err(StoreError::Invalid { .. })));
        }
    }

    #[test]
    fn a_language_past_the_list_is_left_out_when_read() {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
        w.add(ConceptIdx::new(0), 4, "T", "").unwrap();
        w.finish(1).unwrap();
        let short = Translations::open(tmp.path(), 1, 2).unwrap().unwrap();
        assert_eq!(short.of(ConceptIdx::new(0)).count(), 0);
        let long = Translations::open(tmp.path(), 1, 5).unwrap().unwrap();
        assert_eq!(long.of(ConceptIdx::new(0)).count(), 1);
    }
}
