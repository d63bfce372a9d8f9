//! Building an index: [`IndexWriter`] and [`Document`].

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tantivy::indexer::NoMergePolicy;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexSettings, TantivyDocument};

use crate::analysis::{self, ANALYZER_NAME};
use crate::error::{SearchError, engine};
use crate::schema::{EXACT_ALIAS, EXACT_TITLE, FORMAT_VERSION, Fields, Manifest, TEXTS};
use crate::texts;

/// Memory each indexing thread needs at least (the engine's minimum arena).
pub const MIN_MEMORY_PER_THREAD: usize = 15_000_000;

/// Most indexing threads used, whatever is asked.
pub const MAX_THREADS: usize = 8;

/// Block size of the document store (compressed with lz4 per block).
const DOCSTORE_BLOCK_BYTES: usize = 4096;

/// Segments are merged into groups of at most this many documents by
/// [`IndexWriter::finish`]: one segment for any index up to this size.
const MERGE_GROUP_DOCS: u64 = 4_000_000;

/// One thing to index: a concept or a record.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The caller's id (concept index, record key); returned in [`Hit::key`](crate::Hit::key).
    pub key: u64,
    /// Type of the thing: `"concept"`, `"course"`, `"person"`, ... Used by
    /// the type filter and the per-type factor of [`Query`](crate::Query).
    pub kind: &'a str,
    /// Display title; searched as a name.
    pub title: &'a str,
    /// Other names (redirects); searched like the title.
    pub aliases: &'a [&'a str],
    /// Short text (a lead); searched, and the source of snippets.
    pub summary: &'a str,
    /// More text, searched with a low weight and kept for snippets when
    /// the summary has no match. May be empty; the caller truncates it (a
    /// few KB is plenty for ranking and keeps the index small). Snippets
    /// see the first 16 KB of the summary and of the body.
    pub body: &'a str,
    /// Prior in [0, 1] (e.g. normalised log in-degree), multiplied into
    /// the score as `1 + 0.3 × popularity` (and weighs more in `suggest`).
    /// Out-of-range values are clamped; NaN is 0.
    pub popularity: f32,
    /// `(language code, name)`: names in the index's other languages
    /// (see [`IndexWriter::create_in_languages`]), also searched with that
    /// language's stemming; a language the index was not created with is
    /// ignored. Give them in `aliases` too: they are searched as names
    /// there.
    pub names_in: &'a [(&'a str, &'a str)],
}

/// Characters of a text that [`Document::from_text`] makes the summary
/// (the snippet's usual source).
pub const TEXT_SUMMARY_CHARS: usize = 400;

impl<'a> Document<'a> {
    /// A document with no aliases and no popularity prior from one text:
    /// its first [`TEXT_SUMMARY_CHARS`] characters (to the end of a word)
    /// become the summary and the rest the body. For records, which have a
    /// title and a text and nothing else.
    pub fn from_text(key: u64, kind: &'a str, title: &'a str, text: &'a str) -> Document<'a> {
        let cut = text
            .char_indices()
            .nth(TEXT_SUMMARY_CHARS)
            .map_or(text.len(), |(i, _)| i);
        let cut = text[cut..]
            .find(char::is_whitespace)
            .map_or(text.len(), |j| cut + j);
        Document {
            key,
            kind,
            title,
            aliases: &[],
            summary: &text[..cut],
            body: &text[cut..],
            popularity: 0.0,
            names_in: &[],
        }
    }
}

/// Builds an index in a folder, streaming, in bounded memory.
///
/// Documents are buffered per indexing thread up to the memory budget, then
/// written out as segments; [`finish`](Self::finish) commits, merges the
/// segments into one (one per four million documents) and writes the
/// manifest. An index whose `finish` did not complete cannot be opened.
///
/// Summaries and bodies for snippets go to a file of their own, written
/// sequentially, not to the engine's document store: merging segments
/// rewrites the store through memory maps, which would make the build's
/// resident memory grow with the whole index.
pub struct IndexWriter {
    dir: PathBuf,
    index: Index,
    writer: tantivy::IndexWriter<TantivyDocument>,
    texts: BufWriter<fs::File>,
    texts_len: u64,
    texts_scratch: Vec<u8>,
    fields: Fields,
    /// The names fields of the index's other languages.
    language_fields: Vec<crate::languages::LanguageField>,
    analyzer: TextAnalyzer,
    kinds: Vec<String>,
    kind_ids: HashMap<String, u64>,
    documents: u64,
}

impl fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexWriter")
            .field("dir", &self.dir)
            .field("kinds", &self.kinds)
            .field("documents", &self.documents)
            .finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Starts an index in `dir`, which must be empty or not exist yet (it is
    /// created).
    ///
    /// `memory_budget_bytes` is shared by the indexing threads; each needs
    /// at least [`MIN_MEMORY_PER_THREAD`], so the thread count is lowered to
    /// fit the budget (and the budget raised to one thread's minimum when it
    /// is smaller). `threads` is clamped to `1..=`[`MAX_THREADS`]. With one
    /// thread the document order, hence tie order, is the insertion order;
    /// ties are broken by key anyway, so results do not depend on it.
    pub fn create(
        dir: &Path,
        memory_budget_bytes: usize,
        threads: usize,
    ) -> Result<Self, SearchError> {
        Self::create_in_languages(dir, memory_budget_bytes, threads, &[])
    }

    /// [`create`](Self::create), with a names field for each language of
    /// `languages` (codes such as `fr`): documents' [`Document::names_in`]
    /// in them are analysed with that language's stemmer where tantivy has
    /// one, and a query can favour one ([`Query::lang`](crate::Query::lang)).
    pub fn create_in_languages(
        dir: &Path,
        memory_budget_bytes: usize,
        threads: usize,
        languages: &[String],
    ) -> Result<Self, SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        if fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(SearchError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        let budget = memory_budget_bytes.max(MIN_MEMORY_PER_THREAD);
        let threads = threads
            .clamp(1, MAX_THREADS)
            .min(budget / MIN_MEMORY_PER_THREAD)
            .max(1);
        let (schema, fields, language_fields) = Fields::schema(languages);
        let index = Index::builder()
            .schema(schema)
            .settings(IndexSettings {
                // Hits read a handful of documents each: small blocks mean
                // less to decompress per hit, for a slightly larger store.
                docstore_blocksize: DOCSTORE_BLOCK_BYTES,
                ..IndexSettings::default()
            })
            .create_in_dir(dir)
            .map_err(engine)?;
        index
            .tokenizers()
            .register(ANALYZER_NAME, analysis::analyzer());
        crate::languages::register(&index, &language_fields);
        // Per-thread arenas are bounded by the engine; keep below its maximum.
        let budget = budget.min(threads * 2_000_000_000);
        let writer = index
            .writer_with_num_threads(threads, budget)
            .map_err(engine)?;
        // Merge once at the end instead of repeatedly while indexing.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let texts_path = dir.join(TEXTS);
        let texts = fs::File::create(&texts_path).map_err(|source| SearchError::Io {
            path: texts_path,
            source,
        })?;
        Ok(IndexWriter {
            dir: dir.to_path_buf(),
            index,
            writer,
            texts: BufWriter::with_capacity(1 << 20, texts),
            texts_len: 0,
            texts_scratch: Vec::new(),
            fields,
            language_fields,
            analyzer: analysis::analyzer(),
            kinds: Vec::new(),
            kind_ids: HashMap::new(),
            documents: 0,
        })
    }

    /// Adds one document. Documents become searchable after [`finish`](Self::finish).
    pub fn add(&mut self, doc: &Document<'_>) -> Result<(), SearchError> {
        let text_at = self.texts_len;
        self.texts_len += texts::append(
            &mut self.texts,
            &mut self.texts_scratch,
            doc.summary,
            doc.body,
        )
        .map_err(|source| self.texts_error(source))?;
        let mut d = convert(
            self.fields,
            &mut self.analyzer,
            &mut self.kinds,
            &mut self.kind_ids,
            doc,
            text_at,
        );
        for (code, name) in doc.names_in {
            if let Some(l) = self.language_fields.iter().find(|l| l.code == *code) {
                d.add_text(l.field, *name);
            }
        }
        self.writer.add_document(d).map_err(engine)?;
        self.documents += 1;
        Ok(())
    }

    /// Writes the documents added so far into segments of their own and
    /// frees the memory that indexed them, so that documents added after
    /// it never share a segment with them (they are merged by
    /// [`finish`](Self::finish) as usual). The build calls it between its
    /// large kind (concepts) and the small ones (records, categories): the
    /// small ones then cannot push a large segment's term table past its
    /// next doubling, so the build's peak memory is the large kind's.
    pub fn flush(&mut self) -> Result<(), SearchError> {
        self.writer.commit().map_err(engine)?;
        Ok(())
    }

    /// Documents added so far.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Commits, merges the segments (into one per four million documents),
    /// waits for the merges, removes the files they made obsolete and
    /// writes the manifest that makes the folder an index.
    pub fn finish(mut self) -> Result<(), SearchError> {
        self.texts
            .flush()
            .and_then(|()| self.texts.get_ref().sync_all())
            .map_err(|source| self.texts_error(source))?;
        self.writer.commit().map_err(engine)?;
        // Segment metas are tracked objects: while one is alive, the garbage
        // collector keeps its files. Keep only ids past this block.
        let groups = {
            let mut metas = self.index.searchable_segment_metas().map_err(engine)?;
            // Largest first, then fill groups up to MERGE_GROUP_DOCS.
            metas.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
            let mut groups: Vec<(u64, Vec<tantivy::index::SegmentId>)> = Vec::new();
            for m in &metas {
                let n = u64::from(m.num_docs());
                match groups
                    .iter_mut()
                    .find(|(docs, _)| docs + n <= MERGE_GROUP_DOCS)
                {
                    Some((docs, ids)) => {
                        *docs += n;
                        ids.push(m.id());
                    }
                    None => groups.push((n, vec![m.id()])),
                }
            }
            groups
        };
        let merges: Vec<_> = groups
            .into_iter()
            .filter(|(_, ids)| ids.len() > 1)
            .map(|(_, ids)| self.writer.merge(&ids))
            .collect();
        for m in merges {
            m.wait().map_err(engine)?;
        }
        self.writer.garbage_collect_files().wait().map_err(engine)?;
        self.writer.wait_merging_threads().map_err(engine)?;
        Manifest {
            format: FORMAT_VERSION,
            kinds: self.kinds,
            documents: self.documents,
        }
        .write(&self.dir)
    }

    fn texts_error(&self, source: std::io::Error) -> SearchError {
        SearchError::Io {
            path: self.dir.join(TEXTS),
            source,
        }
    }
}

/// A document as the engine stores it; a kind seen for the first time is
/// numbered in order of appearance.
fn convert(
    f: Fields,
    analyzer: &mut TextAnalyzer,
    kinds: &mut Vec<String>,
    kind_ids: &mut HashMap<String, u64>,
    doc: &Document<'_>,
    text_at: u64,
) -> TantivyDocument {
    let kind = match kind_ids.get(doc.kind) {
        Some(&k) => k,
        None => {
            let k = kinds.len() as u64;
            kinds.push(doc.kind.to_string());
            kind_ids.insert(doc.kind.to_string(), k);
            k
        }
    };
    let popularity = if doc.popularity.is_nan() {
        0.0
    } else {
        doc.popularity.clamp(0.0, 1.0)
    };
    let mut d = TantivyDocument::default();
    d.add_u64(f.key, doc.key);
    d.add_u64(f.kind, kind);
    d.add_f64(f.popularity, f64::from(popularity));
    d.add_text(f.title, doc.title);
    d.add_text(f.name, doc.title);
    let title_key = analysis::exact_key(&analysis::words(analyzer, doc.title));
    if !title_key.is_empty() {
        d.add_text(f.exact, format!("{EXACT_TITLE}{title_key}"));
    }
    for alias in doc.aliases {
        d.add_text(f.alias, *alias);
        d.add_text(f.name, *alias);
        let key = analysis::exact_key(&analysis::words(analyzer, alias));
        if !key.is_empty() && key != title_key {
            d.add_text(f.exact, format!("{EXACT_ALIAS}{key}"));
        }
    }
    d.add_text(f.summary, doc.summary);
    d.add_text(f.body, doc.body);
    d.add_u64(f.text_at, text_at);
    d
}

/// Builds a small index in memory from `docs`, searchable at once; for
/// documents that change between builds (records written through the API),
/// rebuilt whole when they change. One thread, one segment. Meant for
/// thousands of documents, not millions. Returns the index, the kind names
/// and the snippet texts (the [`TEXTS`] file's bytes).
pub(crate) fn in_memory<'a>(
    docs: impl IntoIterator<Item = Document<'a>>,
) -> Result<(Index, Vec<String>, Vec<u8>), SearchError> {
    let (schema, fields, _) = Fields::schema(&[]);
    let index = Index::create_in_ram(schema);
    index
        .tokenizers()
        .register(ANALYZER_NAME, analysis::analyzer());
    let mut writer: tantivy::IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(1, MIN_MEMORY_PER_THREAD)
        .map_err(engine)?;
    let mut analyzer = analysis::analyzer();
    let mut kinds = Vec::new();
    let mut kind_ids = HashMap::new();
    let (mut texts, mut scratch) = (Vec::new(), Vec::new());
    for doc in docs {
        let text_at = texts.len() as u64;
        texts::append(&mut texts, &mut scratch, doc.summary, doc.body).map_err(engine)?;
        let d = convert(
            fields,
            &mut analyzer,
            &mut kinds,
            &mut kind_ids,
            &doc,
            text_at,
        );
        writer.add_document(d).map_err(engine)?;
    }
    writer.commit().map_err(engine)?;
    writer.wait_merging_threads().map_err(engine)?;
    Ok((index, kinds, texts))
}
