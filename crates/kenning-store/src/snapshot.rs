//! Reading a published snapshot.

use std::path::{Path, PathBuf};

use kenning_model::{Case, Namespaces, PageId};

use crate::StoreError;
use crate::adjacency::MappedAdjacency;
use crate::columns::{Mapped, StrTable, U32Column, U64Column, title_key};
use crate::layout::{CURRENT, ConceptIdx, FORMAT_VERSION, files};
use crate::meta::{Meta, SiteMeta};

/// An open snapshot: memory-mapped, read-only, cheap to share across threads.
#[derive(Debug)]
pub struct Snapshot {
    dir: PathBuf,
    meta: Meta,
    namespaces: Namespaces,
    ids: U32Column,
    id_order: U32Column,
    titles: StrTable,
    summaries: StrTable,
    urls: StrTable,
    timestamps: StrTable,
    name_keys: U64Column,
    name_targets: U32Column,
    aliases: StrTable,
    concept_aliases: MappedAdjacency,
    categories: StrTable,
    concept_categories: MappedAdjacency,
    category_parents: MappedAdjacency,
    category_children: MappedAdjacency,
    category_members: MappedAdjacency,
    category_order: U32Column,
    category_summaries: StrTable,
    category_flags: Mapped,
    out_links: MappedAdjacency,
    in_links: MappedAdjacency,
    summary_links: MappedAdjacency,
    related: MappedAdjacency,
    related_scores: U32Column,
    mentions: Mapped,
    /// The other languages' mention dictionaries, by language number (the
    /// primary one's place is `None`: it is `mentions`).
    mentions_in: Vec<Option<Mapped>>,
    translations: Option<crate::translations::Translations>,
    /// Each concept's language number, when some concept is not of the
    /// primary language.
    concept_languages: Option<U32Column>,
    /// The generation's folder, with a shared lock on it while this is
    /// open, so that a build's clean-up leaves it alone (`None` where the
    /// system has no such locks).
    _hold: Option<std::fs::File>,
}

/// Takes a shared lock on a generation's folder, telling builds it is in
/// use. Best effort: a system without folder locks serves all the same.
fn hold_generation(generation: &Path) -> Option<std::fs::File> {
    let folder = std::fs::File::open(generation).ok()?;
    folder.lock_shared().ok()?;
    Some(folder)
}

/// Maps the mention dictionaries of a generation's other languages, where
/// the build wrote one.
fn open_language_mentions(
    generation: &Path,
    meta: &Meta,
) -> Result<Vec<Option<Mapped>>, StoreError> {
    let mut out = Vec::with_capacity(meta.languages.len());
    for (i, language) in meta.languages.iter().enumerate() {
        let path = generation.join(files::mentions_in(&language.code));
        // A code is a language code, but a damaged manifest could say
        // anything: never look outside the generation.
        let plain = language
            .code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        out.push(if i > 0 && plain && path.exists() {
            Some(Mapped::open(&path)?)
        } else {
            None
        });
    }
    Ok(out)
}

impl Snapshot {
    /// Opens the live generation of the snapshot folder `dir`.
    pub fn open(dir: &Path) -> Result<Snapshot, StoreError> {
        Snapshot::open_generation(&Snapshot::live_generation(dir)?)
    }

    /// The folder of the generation that `dir/CURRENT` names (the live
    /// one; a build that publishes changes it).
    pub fn live_generation(dir: &Path) -> Result<PathBuf, StoreError> {
        let current = dir.join(CURRENT);
        match std::fs::read_to_string(&current) {
            Ok(name) => Ok(dir.join(name.trim())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Missing {
                path: dir.to_owned(),
            }),
            Err(e) => Err(StoreError::io(&current, e)),
        }
    }

    /// Opens one generation folder directly, published or not (the build
    /// reads back what it wrote before publishing it).
    pub fn open_generation(generation: &Path) -> Result<Snapshot, StoreError> {
        let hold = hold_generation(generation);
        let generation = generation.to_owned();
        let meta = Meta::read(&generation)?;
        if meta.format != FORMAT_VERSION {
            return Err(StoreError::Version {
                path: generation,
                found: meta.format,
                expected: FORMAT_VERSION,
            });
        }
        let g = generation.as_path();
        let ids = U32Column::open(&g.join(files::IDS))?;
        let n = ids.len();
        let aliases = StrTable::open(g, files::ALIASES)?;
        let categories = StrTable::open(g, files::CATEGORIES)?;
        let snapshot = Snapshot {
            namespaces: namespaces_of(&meta.site),
            id_order: U32Column::open(&g.join(files::ID_ORDER))?,
            titles: StrTable::open(g, files::TITLES)?,
            summaries: StrTable::open(g, files::SUMMARIES)?,
            urls: StrTable::open(g, files::URLS)?,
            timestamps: StrTable::open(g, files::TIMESTAMPS)?,
            name_keys: U64Column::open(&g.join(files::NAME_KEYS))?,
            name_targets: U32Column::open(&g.join(files::NAME_TARGETS))?,
            concept_aliases: MappedAdjacency::open(g, files::CONCEPT_ALIASES, n, aliases.len())?,
            aliases,
            concept_categories: MappedAdjacency::open(
                g,
                files::CONCEPT_CATEGORIES,
                n,
                categories.len(),
            )?,
            category_parents: MappedAdjacency::open(
                g,
                files::CATEGORY_PARENTS,
                categories.len(),
                categories.len(),
            )?,
            category_children: MappedAdjacency::open(
                g,
                files::CATEGORY_CHILDREN,
                categories.len(),
                categories.len(),
            )?,
            category_members: MappedAdjacency::open(
                g,
                files::CATEGORY_MEMBERS,
                categories.len(),
                n,
            )?,
            category_order: U32Column::open(&g.join(files::CATEGORY_ORDER))?,
            category_summaries: StrTable::open(g, files::CATEGORY_SUMMARIES)?,
            category_flags: Mapped::open(&g.join(files::CATEGORY_FLAGS))?,
            categories,
            out_links: MappedAdjacency::open(g, files::OUT_LINKS, n, n)?,
            in_links: MappedAdjacency::open(g, files::IN_LINKS, n, n)?,
            // Offsets and targets; both are checked as triples are read.
            summary_links: MappedAdjacency::open(g, files::SUMMARY_LINKS, n, usize::MAX)?,
            related: MappedAdjacency::open(g, files::RELATED, n, n)?,
            related_scores: U32Column::open(&g.join(files::RELATED_SCORES))?,
            mentions: Mapped::open(&g.join(files::MENTIONS))?,
            mentions_in: open_language_mentions(g, &meta)?,
            translations: crate::translations::Translations::open(g, n, meta.languages.len())?,
            concept_languages: {
                let path = g.join(files::CONCEPT_LANGUAGES);
                if path.exists() {
                    Some(U32Column::open(&path)?)
                } else {
                    None
                }
            },
            ids,
            meta,
            dir: generation,
            _hold: hold,
        };
        // Every column's length against the one it must equal, so the
        // error names the file that disagrees.
        let lengths = [
            (format!("{}.off", files::TITLES), snapshot.titles.len(), n),
            (
                format!("{}.off", files::SUMMARIES),
                snapshot.summaries.len(),
                n,
            ),
            (format!("{}.off", files::URLS), snapshot.urls.len(), n),
            (
                format!("{}.off", files::TIMESTAMPS),
                snapshot.timestamps.len(),
                n,
            ),
            (files::ID_ORDER.to_owned(), snapshot.id_order.len(), n),
            (
                files::NAME_TARGETS.to_owned(),
                snapshot.name_targets.len(),
                snapshot.name_keys.len(),
            ),
            (
                format!("{}.off", files::CATEGORY_SUMMARIES),
                snapshot.category_summaries.len(),
                snapshot.categories.len(),
            ),
            (
                files::CATEGORY_ORDER.to_owned(),
                snapshot.category_order.len(),
                snapshot.categories.len(),
            ),
            (
                files::CATEGORY_FLAGS.to_owned(),
                snapshot.category_flags.bytes().len(),
                snapshot.categories.len(),
            ),
            (
                files::RELATED_SCORES.to_owned(),
                snapshot.related_scores.len(),
                snapshot.related.values.len(),
            ),
            (
                files::CONCEPT_LANGUAGES.to_owned(),
                snapshot
                    .concept_languages
                    .as_ref()
                    .map_or(n, U32Column::len),
                n,
            ),
        ];
        for (file, len, expected) in lengths {
            if len != expected {
                return Err(StoreError::Corrupt {
                    path: snapshot.dir.join(file),
                    message: format!(
                        "{len} entries where {expected} were expected ({} has {n} concepts, {} {} names)",
                        files::IDS,
                        files::NAME_KEYS,
                        snapshot.name_keys.len()
                    ),
                });
            }
        }
        if !snapshot.summary_links.values.len().is_multiple_of(3) {
            return Err(StoreError::Corrupt {
                path: snapshot.dir.join(format!("{}.u32", files::SUMMARY_LINKS)),
                message: "not a whole number of (start, end, target) triples".into(),
            });
        }
        Ok(snapshot)
    }

    /// The code of language number `language` of the build (0 is the
    /// primary language); `None` past the list or when no source said its
    /// language.
    pub fn language_code(&self, language: u32) -> Option<&str> {
        self.meta
            .languages
            .get(language as usize)
            .map(|l| l.code.as_str())
    }

    /// The generation folder that was opened.
    pub fn generation_dir(&self) -> &Path {
        &self.dir
    }

    /// The mention dictionary's bytes (memory-mapped; read them with
    /// `kenning_linker::MentionDictionary::from_bytes`).
    pub fn mention_bytes(&self) -> &[u8] {
        self.mentions.bytes()
    }

    /// The mention dictionary of language number `language`: the primary
    /// one for 0, that language's names for another (`None` when it has
    /// none).
    pub fn mention_bytes_in(&self, language: u32) -> Option<&[u8]> {
        if language == 0 {
            return Some(self.mentions.bytes());
        }
        self.mentions_in
            .get(language as usize)?
            .as_ref()
            .map(Mapped::bytes)
    }

    /// The number of language `code` in [`Meta::languages`].
    pub fn language_number(&self, code: &str) -> Option<u32> {
        self.meta
            .languages
            .iter()
            .position(|l| l.code == code)
            .map(|i| i as u32)
    }

    /// The number of language `code` when the snapshot has a mention
    /// dictionary in it (texts in it can be linked in it).
    pub fn dictionary_language(&self, code: &str) -> Option<u32> {
        self.language_number(code)
            .filter(|&n| self.mention_bytes_in(n).is_some())
    }

    /// The manifest.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The wiki's namespaces, for normalising titles the way the build did.
    pub fn namespaces(&self) -> &Namespaces {
        &self.namespaces
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the snapshot holds no concept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A concept by index. Panics if `idx >= len()`.
    pub fn concept(&self, idx: ConceptIdx) -> ConceptView<'_> {
        assert!(idx.index() < self.len(), "concept index out of range");
        ConceptView {
            snapshot: self,
            idx,
        }
    }

    /// The concept with page id `id`.
    pub fn find_id(&self, id: PageId) -> Option<ConceptIdx> {
        let (mut lo, mut hi) = (0, self.id_order.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let idx = self.id_order.get(mid);
            if idx as usize >= self.ids.len() {
                // A damaged id order: no answer rather than a wrong one.
                return None;
            }
            match self.ids.get(idx as usize).cmp(&id.get()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(ConceptIdx::new(idx)),
            }
        }
        None
    }

    /// How many categories the sources name (category pages, and
    /// categories of concepts and of category pages).
    pub fn category_count(&self) -> usize {
        self.categories.len()
    }

    /// The category at position `i` (`0..category_count()`).
    pub fn category(&self, i: u32) -> Option<CategoryView<'_>> {
        ((i as usize) < self.categories.len()).then_some(CategoryView { s: self, i })
    }

    /// The category named `name` (without the namespace, as the wiki
    /// normalises names: `Lake Tessel`).
    pub fn find_category(&self, name: &str) -> Option<u32> {
        let len = self.category_order.len();
        let name_at = |k: usize| self.categories.get(self.category_order.get(k) as usize);
        let at = partition_point(len, |k| name_at(k) < name);
        (at < len && name_at(at) == name).then(|| self.category_order.get(at))
    }

    /// The institution's ontology, when the build had one, checked
    /// against this snapshot's concepts. Read from its file at each call:
    /// keep what it returns.
    pub fn ontology(&self) -> Result<Option<crate::StoredOntology>, StoreError> {
        crate::ontology::read(self.generation_dir(), self.len())
    }

    /// The concept an exact, normalised title names: its own title, one of
    /// its aliases (a redirect answers with its target) or its title in
    /// another language of the build (when no concept's own title or alias
    /// is that title: the primary language wins).
    pub fn find_title(&self, title: &str) -> Option<ConceptIdx> {
        let key = title_key(title);
        let first = partition_point(self.name_keys.len(), |i| self.name_keys.get(i) < key);
        (first..self.name_keys.len())
            .take_while(|&i| self.name_keys.get(i) == key)
            .map(|i| self.name_targets.get(i))
            .filter(|&idx| (idx as usize) < self.len())
            .map(ConceptIdx::new)
            .find(|&idx| {
                let c = self.concept(idx);
                c.title() == title
                    || c.aliases().any(|a| a == title)
                    || c.translations().any(|t| t.title == title)
            })
    }

    /// Resolves what a person typed (`foreign_relations of the soviet union`,
    /// `Category:…` excluded) to a concept: the title is normalised with the
    /// wiki's rules, then looked up among titles and aliases.
    pub fn lookup(&self, typed: &str) -> Option<ConceptIdx> {
        match self.namespaces.parse_link(typed) {
            Some(kenning_model::LinkTarget::Page { ns: 0, title, .. }) => self.find_title(&title),
            _ => self.find_title(typed.trim()),
        }
    }
}

fn partition_point(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn namespaces_of(site: &SiteMeta) -> Namespaces {
    let mut ns = Namespaces::new();
    let case = if site.case_sensitive {
        Case::Sensitive
    } else {
        Case::FirstLetter
    };
    for (id, name) in &site.namespaces {
        ns.insert(*id, name, case);
    }
    if site.namespaces.is_empty() && site.case_sensitive {
        ns.insert(0, "", case);
    }
    ns
}

/// One concept of a snapshot, read lazily from the maps.
#[derive(Clone, Copy, Debug)]
pub struct ConceptView<'a> {
    snapshot: &'a Snapshot,
    idx: ConceptIdx,
}

impl<'a> ConceptView<'a> {
    /// Its index in the snapshot.
    pub fn idx(&self) -> ConceptIdx {
        self.idx
    }
    /// Its page id.
    pub fn id(&self) -> PageId {
        PageId::new(self.snapshot.ids.get(self.idx.index()))
    }
    /// Its title.
    pub fn title(&self) -> &'a str {
        self.snapshot.titles.get(self.idx.index())
    }
    /// Its lead summary.
    pub fn summary(&self) -> &'a str {
        self.snapshot.summaries.get(self.idx.index())
    }
    /// Its language's number ([`Snapshot::language_code`] names it): 0,
    /// the primary one, unless it is a page of another language with no
    /// primary counterpart (its title and summary are in that language).
    pub fn language(&self) -> u32 {
        let s = self.snapshot;
        s.concept_languages
            .as_ref()
            .map_or(0, |c| c.get(self.idx.index()))
            .min(s.meta.languages.len().saturating_sub(1) as u32)
    }
    /// Its pages in the build's other languages, by language number
    /// ([`Snapshot::language_code`] names them).
    pub fn translations(&self) -> impl Iterator<Item = crate::Translation<'a>> + 'a {
        let (snapshot, idx) = (self.snapshot, self.idx);
        snapshot.translations.iter().flat_map(move |t| t.of(idx))
    }
    /// Its page in language `code`, when it has one there (never for the
    /// primary language: its own title and summary are that page).
    pub fn translation_in(&self, code: &str) -> Option<crate::Translation<'a>> {
        let s = self.snapshot;
        self.translations()
            .find(|t| s.language_code(t.language) == Some(code))
    }
    /// The URL of the original article, when known.
    pub fn url(&self) -> Option<&'a str> {
        Some(self.snapshot.urls.get(self.idx.index())).filter(|s| !s.is_empty())
    }
    /// The revision timestamp of the article, when known.
    pub fn timestamp(&self) -> Option<&'a str> {
        Some(self.snapshot.timestamps.get(self.idx.index())).filter(|s| !s.is_empty())
    }
    /// Other titles that lead here (redirects).
    pub fn aliases(&self) -> impl Iterator<Item = &'a str> + 'a {
        let s = self.snapshot;
        s.concept_aliases
            .row(self.idx.index())
            .map(move |a| s.aliases.get(a as usize))
    }
    /// Its categories, as positions ([`Snapshot::category`]).
    pub fn category_indices(&self) -> impl Iterator<Item = u32> + 'a {
        self.snapshot.concept_categories.row(self.idx.index())
    }

    /// Its categories.
    pub fn categories(&self) -> impl Iterator<Item = &'a str> + 'a {
        let s = self.snapshot;
        s.concept_categories
            .row(self.idx.index())
            .map(move |c| s.categories.get(c as usize))
    }
    /// Concepts it links to.
    pub fn out_links(&self) -> impl Iterator<Item = ConceptIdx> + 'a {
        self.snapshot
            .out_links
            .row(self.idx.index())
            .map(ConceptIdx::new)
    }
    /// Concepts that link to it.
    pub fn in_links(&self) -> impl Iterator<Item = ConceptIdx> + 'a {
        self.snapshot
            .in_links
            .row(self.idx.index())
            .map(ConceptIdx::new)
    }
    /// How many concepts link to it, without reading them (for a damaged
    /// file, the row's length: it may count links [`in_links`](Self::in_links)
    /// leaves out).
    pub fn in_link_count(&self) -> usize {
        self.snapshot.in_links.range(self.idx.index()).len()
    }
    /// How many concepts it links to, without reading them (as
    /// [`in_link_count`](Self::in_link_count)).
    pub fn out_link_count(&self) -> usize {
        self.snapshot.out_links.range(self.idx.index()).len()
    }
    /// Links in its summary: `(start, end, target)`, byte offsets into
    /// [`ConceptView::summary`], in order, not overlapping. (In a damaged
    /// file, links that are not ranges of the summary or whose target is
    /// not a concept are left out.)
    pub fn summary_links(&self) -> impl Iterator<Item = (usize, usize, ConceptIdx)> + 'a {
        let s = self.snapshot;
        let summary = self.summary();
        let range = s.summary_links.range(self.idx.index());
        let whole = range.start..range.end - (range.end - range.start) % 3;
        whole
            .step_by(3)
            .map(move |j| {
                (
                    s.summary_links.values.get(j) as usize,
                    s.summary_links.values.get(j + 1) as usize,
                    s.summary_links.values.get(j + 2),
                )
            })
            .filter(move |&(a, b, t)| {
                a <= b
                    && summary.is_char_boundary(a)
                    && summary.is_char_boundary(b)
                    && (t as usize) < s.len()
            })
            .map(|(a, b, t)| (a, b, ConceptIdx::new(t)))
    }
    /// Its most related concepts with their scores, best first.
    pub fn related(&self) -> impl Iterator<Item = (ConceptIdx, f32)> + 'a {
        let s = self.snapshot;
        s.related
            .range(self.idx.index())
            .map(move |j| {
                (
                    s.related.values.get(j),
                    f32::from_bits(s.related_scores.get(j)),
                )
            })
            .filter(move |&(r, _)| r < s.related.limit)
            .map(|(r, score)| (ConceptIdx::new(r), score))
    }
}

/// A category of the wiki's category graph, read in place.
#[derive(Clone, Copy, Debug)]
pub struct CategoryView<'a> {
    s: &'a Snapshot,
    i: u32,
}

impl<'a> CategoryView<'a> {
    /// Its position.
    pub fn index(&self) -> u32 {
        self.i
    }

    /// Its name, without the namespace (`Lake Tessel`).
    pub fn name(&self) -> &'a str {
        self.s.categories.get(self.i as usize)
    }

    /// Its parent categories (positions); the graph may have cycles.
    pub fn parents(&self) -> impl Iterator<Item = u32> + 'a {
        self.s.category_parents.row(self.i as usize)
    }

    /// Its subcategories (positions).
    pub fn children(&self) -> impl Iterator<Item = u32> + 'a {
        self.s.category_children.row(self.i as usize)
    }

    /// Its member concepts, in concept order.
    pub fn members(&self) -> impl Iterator<Item = ConceptIdx> + 'a {
        self.s
            .category_members
            .row(self.i as usize)
            .map(ConceptIdx::new)
    }

    /// How many member concepts it has.
    pub fn member_count(&self) -> usize {
        self.s.category_members.range(self.i as usize).len()
    }

    /// The lead of its own page, empty when it has none.
    pub fn summary(&self) -> &'a str {
        self.s.category_summaries.get(self.i as usize)
    }

    /// Its [`category_flags`](crate::category_flags) bits.
    pub fn flags(&self) -> u8 {
        self.s
            .category_flags
            .bytes()
            .get(self.i as usize)
            .copied()
            .unwrap_or(0)
    }
}
