//! Writing a generation's files: one typed writer per part of the
//! snapshot, and typed read-backs of what a later phase of a build needs
//! from an earlier one. Callers never name a file of the snapshot.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use kenning_graph::{Csr, Related};
use kenning_model::PageId;

use crate::adjacency::{AdjacencyWriter, OutLinksWriter, read_csr, write_inverse};
use crate::columns::{ColumnWriter, StrTable, StrTableStream, StrTableWriter};
use crate::{ConceptIdx, Meta, Snapshot, StoreError, StoredOntology, files};

/// The files of a generation being written, handed out by
/// [`Publisher::generation`](crate::Publisher::generation).
///
/// Each part of the snapshot has its writer here (string tables, columns,
/// adjacencies, the in-link inversion, the related lists, the records
/// files, the manifest); a writer creates (truncates) its files, so
/// writing a part again replaces it. What a build needs back from a part
/// already written is read through the `read_…` methods, the string tables
/// through [`summaries`](Self::summaries) and
/// [`stream_summaries`](Self::stream_summaries), and the whole generation
/// (once its manifest is written) through [`snapshot`](Self::snapshot).
#[derive(Debug)]
pub struct GenerationWriter {
    dir: PathBuf,
}

/// The strings of one concept, as [`ConceptsWriter::push`] stores them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConceptStrings<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its lead summary.
    pub summary: &'a str,
    /// The URL of the original article, empty when unknown.
    pub url: &'a str,
    /// The revision timestamp, empty when unknown.
    pub timestamp: &'a str,
}

/// Writes the string tables that hold a row per concept (titles,
/// summaries, URLs, timestamps), one concept at a time in concept order.
#[derive(Debug)]
pub struct ConceptsWriter {
    titles: StrTableWriter,
    summaries: StrTableWriter,
    urls: StrTableWriter,
    timestamps: StrTableWriter,
}

impl ConceptsWriter {
    /// Appends the next concept; returns its index.
    pub fn push(&mut self, concept: &ConceptStrings<'_>) -> Result<ConceptIdx, StoreError> {
        let idx = self.titles.push(concept.title)?;
        self.summaries.push(concept.summary)?;
        self.urls.push(concept.url)?;
        self.timestamps.push(concept.timestamp)?;
        Ok(ConceptIdx::new(idx as u32))
    }

    /// Concepts written so far.
    pub fn len(&self) -> u64 {
        self.titles.len()
    }

    /// Whether no concept was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Flushes and syncs every table.
    pub fn finish(self) -> Result<(), StoreError> {
        for table in [self.titles, self.summaries, self.urls, self.timestamps] {
            table.finish()?;
        }
        Ok(())
    }
}

/// Writes every concept's related concepts, best first, with their scores
/// (the related adjacency and its parallel column of `f32` bits).
#[derive(Debug)]
pub struct RelatedWriter {
    related: AdjacencyWriter,
    scores: ColumnWriter,
}

impl RelatedWriter {
    /// Appends the next concept's related concepts.
    pub fn push_row(&mut self, row: &[Related]) -> Result<(), StoreError> {
        for r in row {
            self.scores.push_u32(r.score.to_bits())?;
        }
        self.related.push_row(row.iter().map(|r| r.idx))
    }

    /// Flushes and syncs the files.
    pub fn finish(self) -> Result<(), StoreError> {
        self.related.finish()?;
        self.scores.finish()
    }
}

impl GenerationWriter {
    pub(crate) fn new(dir: PathBuf) -> Self {
        GenerationWriter { dir }
    }

    /// The generation's folder, for messages.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The folder for a build's own temporary files. They are not part of
    /// the snapshot: whoever creates one removes it before publishing.
    pub fn scratch_dir(&self) -> &Path {
        &self.dir
    }

    /// The per-concept string tables.
    pub fn concepts(&self) -> Result<ConceptsWriter, StoreError> {
        Ok(ConceptsWriter {
            titles: StrTableWriter::create(&self.dir, files::TITLES)?,
            summaries: StrTableWriter::create(&self.dir, files::SUMMARIES)?,
            urls: StrTableWriter::create(&self.dir, files::URLS)?,
            timestamps: StrTableWriter::create(&self.dir, files::TIMESTAMPS)?,
        })
    }

    /// Category names, each once; a concept's categories point into it.
    pub fn categories(&self) -> Result<StrTableWriter, StoreError> {
        StrTableWriter::create(&self.dir, files::CATEGORIES)
    }

    /// The category graph, for the `categories` categories written through
    /// [`categories`](Self::categories) (finished, as the concepts'
    /// categories must be): `edges` (child, parent) in any order (repeats
    /// and self-links dropped), the leads of categories' own pages
    /// (category, text), one [`category_flags`] byte per category, and how
    /// many concepts each category has (`members`, as the concepts'
    /// categories list them). Writes the parents, their inverse (children),
    /// the members (the concepts' categories inverted), the summaries, the
    /// flags and the categories' order by name.
    ///
    /// [`category_flags`]: crate::category_flags
    pub fn write_category_graph(
        &self,
        categories: usize,
        mut edges: Vec<(u32, u32)>,
        mut summaries: Vec<(u32, String)>,
        flags: &[u8],
        members: &[u32],
    ) -> Result<(), StoreError> {
        let n = categories as u32;
        if flags.len() != categories
            || members.len() != categories
            || edges.iter().any(|&(c, p)| c >= n || p >= n)
            || summaries.iter().any(|&(c, _)| c >= n)
        {
            return Err(StoreError::Invalid {
                path: self.dir.join(files::CATEGORY_PARENTS),
                message: format!("a category graph that names categories past {categories}"),
            });
        }
        edges.retain(|(c, p)| c != p);
        edges.sort_unstable();
        edges.dedup();
        let mut parents = AdjacencyWriter::create(&self.dir, files::CATEGORY_PARENTS)?;
        let mut children = vec![0u32; categories];
        for &(_, p) in &edges {
            children[p as usize] += 1;
        }
        let mut at = 0;
        for c in 0..n {
            let start = at;
            while at < edges.len() && edges[at].0 == c {
                at += 1;
            }
            parents.push_row(edges[start..at].iter().map(|&(_, p)| p))?;
        }
        parents.finish()?;
        write_inverse(
            &self.dir,
            files::CATEGORY_PARENTS,
            files::CATEGORY_CHILDREN,
            &children,
        )?;
        write_inverse(
            &self.dir,
            files::CONCEPT_CATEGORIES,
            files::CATEGORY_MEMBERS,
            members,
        )?;
        let names = StrTable::open(&self.dir, files::CATEGORIES)?;
        let mut order: Vec<u32> = (0..n).collect();
        order.sort_by(|&a, &b| names.get(a as usize).cmp(names.get(b as usize)));
        let mut column = ColumnWriter::create(&self.dir.join(files::CATEGORY_ORDER))?;
        for i in order {
            column.push_u32(i)?;
        }
        column.finish()?;
        summaries.sort_by_key(|(c, _)| *c);
        summaries.dedup_by_key(|(c, _)| *c);
        let mut table = StrTableWriter::create(&self.dir, files::CATEGORY_SUMMARIES)?;
        let mut next = summaries.iter().peekable();
        for c in 0..n {
            match next.next_if(|(k, _)| *k == c) {
                Some((_, text)) => table.push(text)?,
                None => table.push("")?,
            };
        }
        table.finish()?;
        write_synced(&self.dir.join(files::CATEGORY_FLAGS), flags)
    }

    /// Pages of other languages joined to concepts, in any order (see
    /// [`TranslationsWriter`](crate::TranslationsWriter)).
    pub fn translations(&self) -> Result<crate::TranslationsWriter, StoreError> {
        crate::TranslationsWriter::create(&self.dir, self.scratch_dir())
    }

    /// Each concept's categories (indices of [`categories`](Self::categories)).
    pub fn concept_categories(&self) -> Result<AdjacencyWriter, StoreError> {
        AdjacencyWriter::create(&self.dir, files::CONCEPT_CATEGORIES)
    }

    /// Alias strings (redirects); a concept's aliases point into it.
    pub fn aliases(&self) -> Result<StrTableWriter, StoreError> {
        StrTableWriter::create(&self.dir, files::ALIASES)
    }

    /// Each concept's aliases (indices of [`aliases`](Self::aliases)).
    pub fn concept_aliases(&self) -> Result<AdjacencyWriter, StoreError> {
        AdjacencyWriter::create(&self.dir, files::CONCEPT_ALIASES)
    }

    /// Writes every concept's page id, in concept order, and the concepts
    /// in page-id order (for look-ups by id). Refuses an id given twice.
    pub fn write_ids(&self, ids: &[PageId]) -> Result<(), StoreError> {
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.sort_unstable_by_key(|&i| ids[i as usize]);
        if let Some(pair) = order
            .windows(2)
            .find(|w| ids[w[0] as usize] == ids[w[1] as usize])
        {
            return Err(StoreError::Invalid {
                path: self.dir.join(files::IDS),
                message: format!(
                    "concepts {} and {} have the same page id {}",
                    pair[0], pair[1], ids[pair[0] as usize]
                ),
            });
        }
        let mut ids_column = ColumnWriter::create(&self.dir.join(files::IDS))?;
        for &id in ids {
            ids_column.push_u32(id.get())?;
        }
        ids_column.finish()?;
        let mut order_column = ColumnWriter::create(&self.dir.join(files::ID_ORDER))?;
        for i in order {
            order_column.push_u32(i)?;
        }
        order_column.finish()
    }

    /// Writes the names table: the [`title_key`](crate::title_key) of every
    /// title and alias with the concept it names, sorted here.
    pub fn write_names(&self, mut names: Vec<(u64, ConceptIdx)>) -> Result<(), StoreError> {
        names.sort_unstable();
        let mut keys = ColumnWriter::create(&self.dir.join(files::NAME_KEYS))?;
        let mut targets = ColumnWriter::create(&self.dir.join(files::NAME_TARGETS))?;
        for &(k, v) in &names {
            keys.push_u64(k)?;
            targets.push_u32(v.get())?;
        }
        keys.finish()?;
        targets.finish()
    }

    /// Each concept's out-links; finishing the writer also writes the
    /// in-links. Writing them again (after concept detection) replaces
    /// both.
    pub fn out_links(&self, concepts: usize) -> Result<OutLinksWriter, StoreError> {
        OutLinksWriter::create(&self.dir, concepts)
    }

    /// The links in each concept's summary: a row of `start, end, target`
    /// triples (byte offsets in the summary, the target concept).
    pub fn summary_links(&self) -> Result<AdjacencyWriter, StoreError> {
        AdjacencyWriter::create(&self.dir, files::SUMMARY_LINKS)
    }

    /// Every concept's related concepts.
    pub fn related(&self) -> Result<RelatedWriter, StoreError> {
        Ok(RelatedWriter {
            related: AdjacencyWriter::create(&self.dir, files::RELATED)?,
            scores: ColumnWriter::create(&self.dir.join(files::RELATED_SCORES))?,
        })
    }

    /// Writes the mention dictionary (`kenning-linker`'s bytes).
    pub fn write_mentions(&self, bytes: &[u8]) -> Result<(), StoreError> {
        write_synced(&self.dir.join(files::MENTIONS), bytes)
    }

    /// Writes each concept's language number (`languages[i]` for concept
    /// `i`), unless every one is the primary language's (0).
    pub fn write_concept_languages(&self, languages: &[u32]) -> Result<(), StoreError> {
        if languages.iter().all(|&l| l == 0) {
            return Ok(());
        }
        let mut column = ColumnWriter::create(&self.dir.join(files::CONCEPT_LANGUAGES))?;
        for &l in languages {
            column.push_u32(l)?;
        }
        column.finish()?;
        Ok(())
    }

    /// Writes the mention dictionary of the build's language `code`, not
    /// the primary one.
    pub fn write_mentions_in(&self, code: &str, bytes: &[u8]) -> Result<(), StoreError> {
        write_synced(&self.dir.join(files::mentions_in(code)), bytes)
    }

    /// Writes the manifest (again, when it was written before).
    pub fn write_meta(&self, meta: &Meta) -> Result<(), StoreError> {
        write_synced(&self.dir.join(files::META), meta.to_json().as_bytes())
    }

    /// Writes the imported records, one records-JSONL line each.
    pub fn write_records(&self, lines: impl Iterator<Item = String>) -> Result<(), StoreError> {
        write_lines(&self.dir.join(files::RECORDS), lines)
    }

    /// Writes each record's concepts, one JSON line per line of the
    /// records (the format of [`files::RECORD_CONCEPTS`]).
    pub fn write_record_concepts(
        &self,
        lines: impl Iterator<Item = String>,
    ) -> Result<(), StoreError> {
        write_lines(&self.dir.join(files::RECORD_CONCEPTS), lines)
    }

    /// Writes the ontology with its concepts matched, checked first.
    pub fn write_ontology(&self, ontology: &StoredOntology) -> Result<(), StoreError> {
        let path = self.dir.join(files::ONTOLOGY);
        let concepts = self.snapshot()?.len();
        ontology
            .check(concepts)
            .map_err(|message| StoreError::Invalid {
                path: path.clone(),
                message,
            })?;
        let json = serde_json::to_vec(ontology).map_err(|e| StoreError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_synced(&path, &json)
    }

    /// Writes the report of the ontology's unmatched concepts (lines of
    /// [`files::ONTOLOGY_UNMATCHED`]); returns its path.
    pub fn write_ontology_unmatched(
        &self,
        lines: impl Iterator<Item = String>,
    ) -> Result<PathBuf, StoreError> {
        let path = self.dir.join(files::ONTOLOGY_UNMATCHED);
        write_lines(&path, lines)?;
        Ok(path)
    }

    /// The folder of the full-text index (`kenning-search` writes it),
    /// created empty.
    pub fn search_index_dir(&self) -> Result<PathBuf, StoreError> {
        let dir = self.dir.join(files::SEARCH);
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        Ok(dir)
    }

    /// The out-links as written, in memory.
    pub fn read_out_links(&self) -> Result<Csr, StoreError> {
        read_csr(&self.dir, files::OUT_LINKS)
    }

    /// The in-links as written, in memory.
    pub fn read_in_links(&self) -> Result<Csr, StoreError> {
        read_csr(&self.dir, files::IN_LINKS)
    }

    /// The summary links as written, in memory (rows of triples).
    pub fn read_summary_links(&self) -> Result<Csr, StoreError> {
        read_csr(&self.dir, files::SUMMARY_LINKS)
    }

    /// The mention dictionary's bytes as written.
    pub fn read_mentions(&self) -> Result<Vec<u8>, StoreError> {
        let path = self.dir.join(files::MENTIONS);
        std::fs::read(&path).map_err(|e| StoreError::io(&path, e))
    }

    /// The titles as written, memory-mapped.
    pub fn titles(&self) -> Result<StrTable, StoreError> {
        StrTable::open(&self.dir, files::TITLES)
    }

    /// The summaries as written, memory-mapped.
    pub fn summaries(&self) -> Result<StrTable, StoreError> {
        StrTable::open(&self.dir, files::SUMMARIES)
    }

    /// The summaries as written, for one pass from first to last through
    /// buffers (no mapped pages held).
    pub fn stream_summaries(&self) -> Result<StrTableStream, StoreError> {
        StrTableStream::open(&self.dir, files::SUMMARIES)
    }

    /// The leads of the translations as written, read once in order (one
    /// per translation, concept by concept, as `ConceptView::translations`
    /// lists them); `None` when the build wrote no translation.
    pub fn stream_translation_summaries(&self) -> Result<Option<StrTableStream>, StoreError> {
        if !self
            .dir
            .join(format!("{}.off", files::TRANSLATION_SUMMARIES))
            .exists()
        {
            return Ok(None);
        }
        StrTableStream::open(&self.dir, files::TRANSLATION_SUMMARIES).map(Some)
    }

    /// The generation as written so far, opened for reading: every file
    /// and the manifest must be written.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        Snapshot::open_generation(&self.dir)
    }
}

/// Writes `bytes` to `path` and syncs it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |e| StoreError::io(path, e);
    let mut f = File::create(path).map_err(io)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io)
}

/// Writes `lines` to `path`, each followed by a newline, and syncs it.
fn write_lines(path: &Path, lines: impl Iterator<Item = String>) -> Result<(), StoreError> {
    let io = |e| StoreError::io(path, e);
    let file = File::create(path).map_err(io)?;
    let mut out = BufWriter::new(file);
    for line in lines {
        out.write_all(line.as_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FORMAT_VERSION, Publisher, Stats, title_key};

    const fn idx(i: u32) -> ConceptIdx {
        ConceptIdx::new(i)
    }

    fn write_rows(mut w: AdjacencyWriter, rows: &[&[u32]]) {
        for row in rows {
            w.push_row(row.iter().copied()).unwrap();
        }
        w.finish().unwrap();
    }

    /// Writes a generation of three concepts through every writer:
    /// `Paris` (id 20) ↔ `France` (id 10), `Seine` (id 30) → `Paris`.
    fn write_three(g: &GenerationWriter) {
        let mut concepts = g.concepts().unwrap();
        for (title, summary) in [
            ("Paris", "Paris is the capital of France."),
            ("France", "France is a country."),
            ("Seine", "The Seine flows through Paris."),
        ] {
            concepts
                .push(&ConceptStrings {
                    title,
                    summary,
                    url: "",
                    timestamp: "2025-01-01T00:00:00Z",
                })
                .unwrap();
        }
        assert_eq!(concepts.len(), 3);
        concepts.finish().unwrap();
        g.write_ids(&[20, 10, 30].map(PageId::new)).unwrap();
        let mut categories = g.categories().unwrap();
        for name in ["Cities", "Places", "Capitals"] {
            categories.push(name).unwrap();
        }
        categories.finish().unwrap();
        // Capitals → Cities → Places → Capitals (a cycle), one repeated
        // edge and one self-link dropped; Places hidden.
        write_rows(g.concept_categories().unwrap(), &[&[0], &[], &[]]);
        g.write_category_graph(
            3,
            vec![(2, 0), (0, 1), (1, 2), (0, 1), (1, 1)],
            vec![(1, "Where things are.".to_owned())],
            &[1, 3, 0],
            &[1, 0, 0],
        )
        .unwrap();
        let mut aliases = g.aliases().unwrap();
        aliases.push("Lutetia").unwrap();
        aliases.finish().unwrap();
        write_rows(g.concept_aliases().unwrap(), &[&[0], &[], &[]]);
        g.write_names(vec![
            (title_key("Seine"), idx(2)),
            (title_key("Paris"), idx(0)),
            (title_key("Lutetia"), idx(0)),
            (title_key("France"), idx(1)),
        ])
        .unwrap();
        let mut out = g.out_links(3).unwrap();
        for row in [&[1][..], &[0], &[0]] {
            out.push_row(row).unwrap();
        }
        let counts = out.finish().unwrap();
        assert_eq!((counts.links, counts.max_in_degree), (3, 2));
        write_rows(
            g.summary_links().unwrap(),
            &[&[24, 30, 1], &[], &[25, 30, 0]],
        );
        let mut related = g.related().unwrap();
        let r = |idx, score| Related { idx, score };
        for row in [&[r(1, 0.5), r(2, 0.25)][..], &[r(0, 0.5)], &[]] {
            related.push_row(row).unwrap();
        }
        related.finish().unwrap();
        g.write_mentions(b"").unwrap();
        g.write_meta(&Meta {
            format: FORMAT_VERSION,
            stats: Stats {
                concepts: 3,
                ..Stats::default()
            },
            ..Meta::default()
        })
        .unwrap();
    }

    #[test]
    fn a_category_graph_with_miscounted_members_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let publisher = Publisher::begin(root.path()).unwrap();
        let g = publisher.generation();
        let mut categories = g.categories().unwrap();
        categories.push("Cities").unwrap();
        categories.finish().unwrap();
        write_rows(g.concept_categories().unwrap(), &[&[0], &[0]]);
        // Two concepts in Cities, counted as one: refused, no panic.
        let e = g
            .write_category_graph(1, Vec::new(), Vec::new(), &[0], &[1])
            .unwrap_err();
        assert!(e.to_string().contains("more values than counted"), "{e}");
        // An edge past the categories.
        let e = g
            .write_category_graph(1, vec![(0, 3)], Vec::new(), &[0], &[2])
            .unwrap_err();
        assert!(e.to_string().contains("past 1"), "{e}");
    }

    #[test]
    fn a_generation_written_reads_back() {
        let root = tempfile::tempdir().unwrap();
        let publisher = Publisher::begin(root.path()).unwrap();
        let g = publisher.generation();
        write_three(g);

        let inn = g.read_in_links().unwrap();
        assert_eq!(
            (inn.row(0), inn.row(1), inn.row(2)),
            (&[1, 2][..], &[0][..], &[][..])
        );
        assert_eq!(g.read_out_links().unwrap().row(2), [0]);
        assert_eq!(g.read_summary_links().unwrap().row(2), [25, 30, 0]);
        assert_eq!(g.summaries().unwrap().get(1), "France is a country.");
        let mut stream = g.stream_summaries().unwrap();
        let mut s = String::new();
        assert!(stream.next_into(&mut s).unwrap());
        assert_eq!(s, "Paris is the capital of France.");

        let snapshot = g.snapshot().unwrap();
        assert_eq!(snapshot.len(), 3);
        assert_eq!(snapshot.find_id(PageId::new(10)), Some(idx(1)));
        assert_eq!(snapshot.find_id(PageId::new(30)), Some(idx(2)));
        assert_eq!(snapshot.find_id(PageId::new(11)), None);
        assert_eq!(snapshot.find_title("Lutetia"), Some(idx(0)));
        assert_eq!(snapshot.find_title("Seine"), Some(idx(2)));
        let paris = snapshot.concept(idx(0));
        assert_eq!(paris.id(), PageId::new(20));
        assert_eq!(paris.aliases().collect::<Vec<_>>(), ["Lutetia"]);
        assert_eq!(paris.categories().collect::<Vec<_>>(), ["Cities"]);
        assert_eq!(snapshot.category_count(), 3);
        let places = snapshot.category(1).unwrap();
        assert_eq!(
            (places.name(), places.summary(), places.flags()),
            ("Places", "Where things are.", 3)
        );
        assert_eq!(places.parents().collect::<Vec<_>>(), [2]);
        assert_eq!(
            snapshot.category(0).unwrap().parents().collect::<Vec<_>>(),
            [1]
        );
        assert_eq!(snapshot.category(2).unwrap().summary(), "");
        assert!(snapshot.category(3).is_none());
        let cities = snapshot.category(0).unwrap();
        assert_eq!(cities.members().collect::<Vec<_>>(), [idx(0)]);
        assert_eq!(cities.member_count(), 1);
        assert_eq!(cities.children().collect::<Vec<_>>(), [2]);
        assert_eq!(places.children().collect::<Vec<_>>(), [0]);
        assert_eq!(snapshot.find_category("Places"), Some(1));
        assert_eq!(snapshot.find_category("Capitals"), Some(2));
        assert_eq!(snapshot.find_category("Towns"), None);
        assert_eq!(paris.in_links().collect::<Vec<_>>(), [idx(1), idx(2)]);
        assert_eq!(
            paris.related().collect::<Vec<_>>(),
            [(idx(1), 0.5), (idx(2), 0.25)]
        );
        assert_eq!(
            paris.summary_links().collect::<Vec<_>>(),
            [(24, 30, idx(1))]
        );
        assert_eq!(
            snapshot.concept(idx(2)).timestamp(),
            Some("2025-01-01T00:00:00Z")
        );
        drop(snapshot);

        g.write_records(["{}".to_owned()].into_iter()).unwrap();
        g.write_record_concepts(std::iter::empty()).unwrap();
        let search = g.search_index_dir().unwrap();
        assert!(search.is_dir());
        let published = publisher.publish().unwrap();
        let snapshot = Snapshot::open(root.path()).unwrap();
        assert_eq!(snapshot.generation_dir(), published);
        assert_eq!(
            std::fs::read_to_string(published.join(files::RECORDS)).unwrap(),
            "{}\n"
        );
        assert_eq!(
            std::fs::read(published.join(files::RECORD_CONCEPTS)).unwrap(),
            b""
        );
    }

    #[test]
    fn page_ids_must_be_unique() {
        let root = tempfile::tempdir().unwrap();
        let publisher = Publisher::begin(root.path()).unwrap();
        let ids = [4, 9, 4].map(PageId::new);
        let e = publisher.generation().write_ids(&ids).unwrap_err();
        assert!(e.to_string().contains("the same page id 4"), "{e}");
    }
}
