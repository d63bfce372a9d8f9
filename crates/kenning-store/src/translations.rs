//! A concept's pages in the build's other languages: for each concept, the
//! language editions besides the primary one that have a page joined to
//! it, with that page's title and lead.
//!
//! Languages are numbered by their position in
//! [`Meta::languages`](crate::Meta::languages); 0 is the primary language,
//! whose title and summary are the concept's own and never appear here.
//! On disk: the adjacency [`files::TRANSLATIONS`] (per concept, its
//! language numbers in increasing order) and three string tables,
//! [`files::TRANSLATION_TITLES`], [`files::TRANSLATION_SUMMARIES`] and
//! [`files::TRANSLATION_NAMES`], whose entry `i` belongs to the
//! adjacency's value `i`. A generation without any translation has none of
//! these files.
//!
//! A concept has at most one entry per language. When several are added
//! (a page, then a Wikidata label; two pages), the first added gives the
//! title and, when it has one, the lead; the others' titles and every
//! entry's names become the entry's other names.
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
const SCRATCH_NAMES: &str = "translation_names.tmp";

/// One page of a concept in another language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation<'a> {
    /// Its language's position in [`Meta::languages`](crate::Meta::languages).
    pub language: u32,
    /// The page's title in that language.
    pub title: &'a str,
    /// The page's lead, as plain text (empty when it had none, or when
    /// the concept has only a name in that language).
    pub summary: &'a str,
    /// Its other names there, one per line (see [`Translation::names`]).
    pub names_lines: &'a str,
}

impl<'a> Translation<'a> {
    /// Its other names in that language (Wikidata aliases and labels, a
    /// second page's title), never its title.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.names_lines.split('\n').filter(|n| !n.is_empty())
    }
}

/// What [`TranslationsWriter::finish`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TranslationCounts {
    /// Entries kept: one per concept and language.
    pub pages: u64,
    /// Concepts with at least one entry in another language.
    pub concepts: u64,
    /// Concepts with an entry in each language, by language number (0,
    /// the primary one, is always 0).
    pub per_language: Vec<u64>,
}

/// Collects pages joined to concepts, in any order, and writes them sorted
/// by concept and language on [`finish`](Self::finish). Titles, leads and
/// names go to scratch tables on disk as they come (created with the
/// first page); memory holds 12 bytes per page.
#[derive(Debug)]
pub struct TranslationsWriter {
    dir: PathBuf,
    scratch: PathBuf,
    /// Titles, leads and names in arrival order, once a page came.
    tables: Option<[StrTableWriter; 3]>,
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

    /// Adds `concept`'s page in `language` (not 0), or only its name
    /// there (`summary` empty), with its other `names` there. When a
    /// concept gets two entries in one language, the first added gives
    /// the title (see the module's documentation).
    pub fn add(
        &mut self,
        concept: ConceptIdx,
        language: u32,
        title: &str,
        summary: &str,
        names: &[&str],
    ) -> Result<(), StoreError> {
        let [titles, summaries, names_table] = match &mut self.tables {
            Some(tables) => tables,
            None => self.tables.insert([
                StrTableWriter::create(&self.scratch, SCRATCH_TITLES)?,
                StrTableWriter::create(&self.scratch, SCRATCH_SUMMARIES)?,
                StrTableWriter::create(&self.scratch, SCRATCH_NAMES)?,
            ]),
        };
        let arrival = titles.push(title)?;
        summaries.push(summary)?;
        names_table.push(&one_per_line(names))?;
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

    /// Writes the files for a generation of `concepts` concepts and
    /// `languages` languages (none when no page was added) and removes
    /// the scratch tables.
    pub fn finish(
        mut self,
        concepts: usize,
        languages: usize,
    ) -> Result<TranslationCounts, StoreError> {
        let Some(tables) = self.tables.take() else {
            return Ok(TranslationCounts::default());
        };
        for table in tables {
            table.finish()?;
        }
        let invalid = |message: String| StoreError::Invalid {
            path: self.dir.join(format!("{}.off", files::TRANSLATIONS)),
            message,
        };
        if let Some(&(c, l, _)) = self
            .rows
            .iter()
            .find(|&&(c, l, _)| c as usize >= concepts || l == 0 || l as usize >= languages)
        {
            return Err(invalid(format!(
                "a page for concept {c} in language {l}, in a generation of {concepts} concepts and {languages} languages (language 0 is the primary one)"
            )));
        }
        // By concept, language, then arrival: each entry's rows in the
        // order they were added.
        self.rows.sort_unstable();
        let titles = StrTable::open(&self.scratch, SCRATCH_TITLES)?;
        let summaries = StrTable::open(&self.scratch, SCRATCH_SUMMARIES)?;
        let names = StrTable::open(&self.scratch, SCRATCH_NAMES)?;
        let mut index = AdjacencyWriter::create(&self.dir, files::TRANSLATIONS)?;
        let mut out_titles = StrTableWriter::create(&self.dir, files::TRANSLATION_TITLES)?;
        let mut out_summaries = StrTableWriter::create(&self.dir, files::TRANSLATION_SUMMARIES)?;
        let mut out_names = StrTableWriter::create(&self.dir, files::TRANSLATION_NAMES)?;
        let mut counts = TranslationCounts {
            per_language: vec![0; languages],
            ..TranslationCounts::default()
        };
        let mut at = 0;
        let mut row_languages = Vec::new();
        for c in 0..concepts as u32 {
            row_languages.clear();
            while at < self.rows.len() && self.rows[at].0 == c {
                let l = self.rows[at].1;
                let mut end = at;
                while end < self.rows.len() && self.rows[end].0 == c && self.rows[end].1 == l {
                    end += 1;
                }
                let group = &self.rows[at..end];
                let title = titles.get(group[0].2 as usize);
                let summary = group
                    .iter()
                    .map(|r| summaries.get(r.2 as usize))
                    .find(|s| !s.is_empty())
                    .unwrap_or("");
                let mut other: Vec<&str> = Vec::new();
                for (i, r) in group.iter().enumerate() {
                    let arrival = r.2 as usize;
                    let own = (i > 0).then(|| titles.get(arrival));
                    for name in own.into_iter().chain(names.get(arrival).split('\n')) {
                        if !name.is_empty() && name != title && !other.contains(&name) {
                            other.push(name);
                        }
                    }
                }
                out_titles.push(title)?;
                out_summaries.push(summary)?;
                out_names.push(&one_per_line(&other))?;
                row_languages.push(l);
                counts.per_language[l as usize] += 1;
                at = end;
            }
            counts.pages += row_languages.len() as u64;
            counts.concepts += u64::from(!row_languages.is_empty());
            index.push_row(row_languages.iter().copied())?;
        }
        index.finish()?;
        out_titles.finish()?;
        out_summaries.finish()?;
        out_names.finish()?;
        drop((titles, summaries, names));
        for table in [SCRATCH_TITLES, SCRATCH_SUMMARIES, SCRATCH_NAMES] {
            StrTable::remove(&self.scratch, table);
        }
        Ok(counts)
    }
}

/// Names as one string, one per line (a name never holds a line break;
/// one that does is cut there).
fn one_per_line(names: &[&str]) -> String {
    let mut out = String::new();
    for name in names {
        let name = name.split(['\n', '\r']).next().unwrap_or("");
        if name.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(name);
    }
    out
}

/// The translations of a snapshot, memory-mapped.
#[derive(Debug)]
pub(crate) struct Translations {
    index: MappedAdjacency,
    titles: StrTable,
    summaries: StrTable,
    names: StrTable,
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
        let names = StrTable::open(generation, files::TRANSLATION_NAMES)?;
        for (name, table) in [
            (files::TRANSLATION_TITLES, &titles),
            (files::TRANSLATION_SUMMARIES, &summaries),
            (files::TRANSLATION_NAMES, &names),
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
            names,
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
                names_lines: self.names.get(i),
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
        w.add(ConceptIdx::new(2), 2, "Deutschland", "Ein Staat.", &[])
            .unwrap();
        w.add(ConceptIdx::new(2), 1, "Allemagne", "Un État.", &[])
            .unwrap();
        w.add(ConceptIdx::new(0), 1, "Chat", "", &[]).unwrap();
        w.add(ConceptIdx::new(2), 1, "Allemagne (pays)", "Plus tard.", &[])
            .unwrap();
        // A label with aliases, after the page: names only.
        w.add(
            ConceptIdx::new(2),
            2,
            "Deutschland",
            "",
            &["BRD", "Deutschland", "Bundes\nrepublik"],
        )
        .unwrap();
        assert_eq!(w.len(), 5);
        let counts = w.finish(3, 3).unwrap();
        assert_eq!((counts.pages, counts.concepts), (3, 2));
        assert_eq!(counts.per_language, [0, 2, 1]);
        let t = Translations::open(&dir, 3, 3).unwrap().unwrap();
        let of = |c| t.of(ConceptIdx::new(c)).collect::<Vec<_>>();
        assert_eq!(
            of(0),
            [Translation {
                language: 1,
                title: "Chat",
                summary: "",
                names_lines: "",
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
        assert_eq!(two[0].names().collect::<Vec<_>>(), ["Allemagne (pays)"]);
        assert_eq!(two[1].summary, "Ein Staat.");
        assert_eq!(two[1].names().collect::<Vec<_>>(), ["BRD", "Bundes"]);
        // The scratch tables are gone.
        assert_eq!(std::fs::read_dir(&scratch).unwrap().count(), 0);
    }

    #[test]
    fn without_pages_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
        assert_eq!(w.finish(3, 2).unwrap(), TranslationCounts::default());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        assert!(Translations::open(tmp.path(), 3, 1).unwrap().is_none());
    }

    #[test]
    fn a_page_past_the_concepts_or_in_the_primary_language_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        for (concept, language) in [(5, 1), (0, 0), (0, 2)] {
            let mut w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
            w.add(ConceptIdx::new(concept), language, "T", "", &[])
                .unwrap();
            assert!(matches!(w.finish(3, 2), Err(StoreError::Invalid { .. })));
        }
    }

    #[test]
    fn a_language_past_the_list_is_left_out_when_read() {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
        w.add(ConceptIdx::new(0), 4, "T", "", &[]).unwrap();
        w.finish(1, 5).unwrap();
        let short = Translations::open(tmp.path(), 1, 2).unwrap().unwrap();
        assert_eq!(short.of(ConceptIdx::new(0)).count(), 0);
        let long = Translations::open(tmp.path(), 1, 5).unwrap().unwrap();
        assert_eq!(long.of(ConceptIdx::new(0)).count(), 1);
    }

    proptest::proptest! {
        /// Whatever is added in whatever order: one entry per concept and
        /// language, titled by the first added, its names every other title
        /// and name once, never its title, never empty, never a line break.
        #[test]
        fn one_entry_per_concept_and_language_with_every_name_once(
            adds in proptest::collection::vec(
                (0u32..4, 1u32..3, "[a-c]{0,2}", "[xy]?", proptest::collection::vec("[a-c\n]{0,2}", 0..3)),
                0..24,
            )
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let mut w = TranslationsWriter::create(tmp.path(), tmp.path()).unwrap();
            for (c, l, title, summary, names) in &adds {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                w.add(ConceptIdx::new(*c), *l, title, summary, &names).unwrap();
            }
            let counts = w.finish(4, 3).unwrap();
            let t = Translations::open(tmp.path(), 4, 3);
            let t = match t.unwrap() {
                Some(t) => t,
                None => {
                    proptest::prop_assert!(adds.is_empty());
                    return Ok(());
                }
            };
            let mut entries = 0;
            for c in 0..4u32 {
                let mut seen = Vec::new();
                for e in t.of(ConceptIdx::new(c)) {
                    entries += 1;
                    proptest::prop_assert!(!seen.contains(&e.language));
                    seen.push(e.language);
                    let group: Vec<_> = adds
                        .iter()
                        .filter(|(ac, al, ..)| *ac == c && *al == e.language)
                        .collect();
                    proptest::prop_assert_eq!(e.title, group[0].2.as_str());
                    let names: Vec<&str> = e.names().collect();
                    for n in &names {
                        proptest::prop_assert!(!n.is_empty() && !n.contains('\n') && *n != e.title);
                        proptest::prop_assert_eq!(names.iter().filter(|m| *m == n).count(), 1);
                    }
                    // Every other title is a name, unless it is the title.
                    for (_, _, title, _, _) in &group[1..] {
                        proptest::prop_assert!(
                            title.is_empty() || title == e.title || names.contains(&title.as_str())
                        );
                    }
                }
            }
            proptest::prop_assert_eq!(entries as u64, counts.pages);
        }
    }
}
