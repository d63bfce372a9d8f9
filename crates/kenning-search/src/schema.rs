//! The index's fields and the small manifest kept beside tantivy's files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Term;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::ANALYZER_NAME;
use crate::error::SearchError;
use crate::languages::LanguageField;

/// Version of the on-disk layout (schema, analyzer, manifest). Bump on any
/// change that makes an old index answer differently.
pub(crate) const FORMAT_VERSION: u32 = 3;

/// File name of the manifest, beside tantivy's own `meta.json`.
pub(crate) const MANIFEST: &str = "kenning-search.json";

/// File name of the snippet texts, beside tantivy's files: per document,
/// at the offset in its [`Fields::text_at`], one lz4-compressed record of
/// its summary and body, each cut to [`SNIPPET_TEXT_BYTES`] (the record
/// layout is in the `texts` module). Written in order, never merged:
/// tantivy's document store, which merges rewrite whole, holds only titles,
/// aliases and this offset.
pub(crate) const TEXTS: &str = "kenning-texts.dat";

/// Bytes of a summary, and of a body, kept for snippets (cut at a character
/// boundary); the index still finds words past it.
pub(crate) const SNIPPET_TEXT_BYTES: usize = 16 * 1024;

/// Prefix of exact-match keys of titles in [`Fields::exact`].
pub(crate) const EXACT_TITLE: &str = "t ";
/// Prefix of exact-match keys of aliases in [`Fields::exact`].
pub(crate) const EXACT_ALIAS: &str = "a ";

/// Handles of every field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Caller's key: fast (returned in hits, tie-break), indexed (later deletes).
    pub(crate) key: Field,
    /// Index into the manifest's kind table: fast (kind factor), indexed (filter).
    pub(crate) kind: Field,
    /// Popularity prior in [0, 1]: fast.
    pub(crate) popularity: Field,
    /// Exact-match keys `t <key>` / `a <key>` (raw, untokenised).
    pub(crate) exact: Field,
    /// Title and aliases, analysed (BM25, frequencies, no positions).
    pub(crate) name: Field,
    /// Summary, analysed (its text for snippets is in [`TEXTS`]).
    pub(crate) summary: Field,
    /// Body, analysed (its text for snippets is in [`TEXTS`]).
    pub(crate) body: Field,
    /// Title, stored only.
    pub(crate) title: Field,
    /// Aliases, stored only (multi-valued).
    pub(crate) alias: Field,
    /// Offset of the document's summary and body in [`TEXTS`], stored only.
    pub(crate) text_at: Field,
}

impl Fields {
    /// The schema, with a names field for each of `languages` (see the
    /// `languages` module).
    pub(crate) fn schema(languages: &[String]) -> (Schema, Fields, Vec<LanguageField>) {
        let mut b = Schema::builder();
        let analysed = || {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fields = Fields {
            key: b.add_u64_field("key", FAST | INDEXED),
            kind: b.add_u64_field("kind", FAST | INDEXED),
            popularity: b.add_f64_field("popularity", FAST),
            exact: b.add_text_field("exact", STRING),
            name: b.add_text_field("name", analysed()),
            summary: b.add_text_field("summary", analysed()),
            body: b.add_text_field("body", analysed()),
            title: b.add_text_field("title", STORED),
            alias: b.add_text_field("alias", STORED),
            text_at: b.add_u64_field("text_at", STORED),
        };
        let languages = crate::languages::add_fields(&mut b, languages);
        (b.build(), fields, languages)
    }

    /// Looks the fields up in an opened index's schema.
    pub(crate) fn from_schema(schema: &Schema, dir: &Path) -> Result<Fields, SearchError> {
        let get = |name: &str| {
            schema.get_field(name).map_err(|_| SearchError::NotAnIndex {
                path: dir.to_path_buf(),
                reason: format!("field {name:?} missing"),
            })
        };
        Ok(Fields {
            key: get("key")?,
            kind: get("kind")?,
            popularity: get("popularity")?,
            exact: get("exact")?,
            name: get("name")?,
            summary: get("summary")?,
            body: get("body")?,
            title: get("title")?,
            alias: get("alias")?,
            text_at: get("text_at")?,
        })
    }
}

/// The term `text` of `field`.
pub(crate) fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// `kenning-search.json`: what tantivy's files do not say.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) format: u32,
    /// Kind names; a document's `kind` field is an index into this table.
    pub(crate) kinds: Vec<String>,
    /// Documents added.
    pub(crate) documents: u64,
}

impl Manifest {
    pub(crate) fn read(dir: &Path) -> Result<Manifest, SearchError> {
        let path = dir.join(MANIFEST);
        let bytes = fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                SearchError::NotAnIndex {
                    path: dir.to_path_buf(),
                    reason: format!("no {MANIFEST} (unfinished build?)"),
                }
            } else {
                SearchError::Io {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_slice(&bytes).map_err(|e| SearchError::NotAnIndex {
                path: dir.to_path_buf(),
                reason: format!("{MANIFEST}: {e}"),
            })?;
        if version.format != FORMAT_VERSION {
            return Err(SearchError::Version {
                path: dir.to_path_buf(),
                found: version.format,
                expected: FORMAT_VERSION,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| SearchError::NotAnIndex {
            path: dir.to_path_buf(),
            reason: format!("{MANIFEST}: {e}"),
        })
    }

    /// Writes the manifest durably: temporary file, sync, rename, sync folder.
    pub(crate) fn write(&self, dir: &Path) -> Result<(), SearchError> {
        let io = |path: PathBuf| move |source| SearchError::Io { path, source };
        let tmp = dir.join(format!("{MANIFEST}.tmp"));
        let path = dir.join(MANIFEST);
        let json = serde_json::to_vec_pretty(self).map_err(crate::error::engine)?;
        let mut f = fs::File::create(&tmp).map_err(io(tmp.clone()))?;
        f.write_all(&json).map_err(io(tmp.clone()))?;
        f.sync_all().map_err(io(tmp.clone()))?;
        drop(f);
        fs::rename(&tmp, &path).map_err(io(path.clone()))?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}
