//! The engine: one snapshot, many questions.

use std::path::Path;

use kenning_model::PageId;
use kenning_store::{ConceptIdx, ConceptView, Snapshot};
use serde::Serialize;

use crate::EngineError;
use crate::categories::{Categories, OntologyPlace};
use crate::languages::ConceptLanguages;
use crate::live_store::LiveStoreHealth;
use crate::records::{ConceptRecords, LiveAccess, LiveSource, RecordPage, RecordWrite, Records};
use crate::timeline::{TimelineEntry, timeline};
use crate::wiki_categories::WikiCategories;

/// A concept as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ConceptPage {
    /// The page id (from the dump, or derived from the title).
    pub id: u32,
    /// The title.
    pub title: String,
    /// The lead summary as plain text.
    pub summary: String,
    /// The language of `title` and `summary` (a code such as `en`), when
    /// the build said its sources' languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The language of `summary` when it is not `language`'s: the
    /// concept is named in the language asked for (a Wikidata label) but
    /// has no page there, so its summary is the primary one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_language: Option<String>,
    /// Its title in each language it has a page in: `{code: title}`
    /// (empty when the build said no language).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub titles: std::collections::BTreeMap<String, String>,
    /// The languages it has a page in, the primary one first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The original article's URL, when the source gives one.
    pub url: Option<String>,
    /// This concept's page on this site.
    pub page_url: String,
    /// Other titles that lead here (redirects).
    pub aliases: Vec<String>,
    /// Category names.
    pub categories: Vec<String>,
    /// The summary's dated sentences, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Links inside the summary, to other concepts' pages.
    pub summary_links: Vec<SummaryLink>,
    /// The most related concepts, best first.
    pub related: Vec<RelatedConcept>,
    /// How many concepts link here.
    pub in_link_count: usize,
    /// The most linked-to of the concepts that link here.
    pub in_links_top: Vec<LinkedConcept>,
    /// How many concepts this one links to.
    pub out_link_count: usize,
    /// The revision time of the source article (as the dump gives it).
    pub revision_timestamp: Option<String>,
    /// Which fields were generated automatically rather than copied.
    pub generated_fields: Vec<&'static str>,
    /// The institution's records about this concept, per type.
    pub records: Vec<ConceptRecords>,
    /// Where it sits in the institution's ontology: a breadcrumb of
    /// categories and the other concepts of its cluster, per place.
    pub ontology: Vec<OntologyPlace>,
}

/// A link in a summary: `summary[start..end]` links to `id`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SummaryLink {
    /// Byte offset where the anchor starts.
    pub start: usize,
    /// Byte offset just past the anchor.
    pub end: usize,
    /// The target concept's id.
    pub id: u32,
    /// The target concept's title.
    pub title: String,
}

/// A related concept.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RelatedConcept {
    /// Its id.
    pub id: u32,
    /// Its title.
    pub title: String,
    /// Relatedness in `[0, 1]`.
    pub score: f32,
}

/// A concept in a list of links.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LinkedConcept {
    /// Its id.
    pub id: u32,
    /// Its title.
    pub title: String,
}

/// What the search box asks.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    /// The query text.
    pub query: String,
    /// Types to keep (`concept`, `course`, …); empty keeps all.
    pub types: Vec<String>,
    /// Results per page (at most [`crate::MAX_LIMIT`]).
    pub limit: usize,
    /// Results to skip.
    pub offset: usize,
    /// Only the words as typed: no typo tolerance.
    pub exact: bool,
    /// Count the results of each type, whatever `types` keeps
    /// ([`SearchPage::type_counts`]).
    pub count_types: bool,
    /// The reader's language: a concept's names in it weigh more.
    pub lang: Option<String>,
}

/// How many things of one type: in a snapshot, or among a search's results.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TypeCount {
    /// `concept`, `course`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// How many.
    pub count: usize,
}

/// One page of search results.
#[derive(Clone, Debug, Serialize)]
pub struct SearchPage {
    /// The query as understood.
    pub query: String,
    /// How many results match in all.
    pub total: usize,
    /// The query as typo tolerance read it, when a word of it is found
    /// nowhere as typed (`quantm mechnics` → `quantum mechanics`).
    pub corrected: Option<String>,
    /// With [`SearchRequest::count_types`]: the results of each type
    /// found, whatever the type filter keeps (records replaced or deleted
    /// since the build still count until the next build); else empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub type_counts: Vec<TypeCount>,
    /// This page's results, best first.
    pub items: Vec<SearchHit>,
}

/// One search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    /// `concept`, `course`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The id within its type, as a string.
    pub id: String,
    /// The title.
    pub title: String,
    /// A record's code (`CS-456`, from its `course_code` or other
    /// `*_code` field); `None` for concepts and records without one.
    pub code: Option<String>,
    /// A plain-text excerpt around the matched words.
    pub snippet: String,
    /// Byte ranges of matched words within `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// The alias that matched, when it was an alias rather than the title.
    pub matched_alias: Option<String>,
    /// The ranking score.
    pub score: f32,
    /// The result's page on this site.
    pub url: String,
}

/// What `stats` reports.
#[derive(Clone, Debug, Serialize)]
pub struct StatsPage {
    /// Concepts.
    pub concepts: u64,
    /// Redirects.
    pub redirects: u64,
    /// Resolved links.
    pub links: u64,
    /// Categories.
    pub categories: u64,
    /// Links to missing concepts.
    pub red_links: u64,
    /// The wiki's name.
    pub site: String,
    /// When the snapshot was built.
    pub built_at: String,
    /// The institution's records (live writes included).
    pub records: u64,
    /// Explicit links between records.
    pub record_links: u64,
    /// Explicit links to records that do not exist.
    pub record_missing_links: u64,
}

/// Entries shown in "what links here" and similar lists.
const TOP_LINKS: usize = 10;

/// One snapshot opened for answering.
///
/// Its questions and answers name concepts by page id as a plain `u32`,
/// the number of their URL (`/concept/{id}`) and of the JSON API
/// ([`kenning_model::PageId::get`]); concept indices
/// ([`ConceptIdx`]) stay inside, except for [`Engine::popularity`] and
/// [`Engine::snapshot`].
#[derive(Debug)]
pub struct Engine {
    /// The snapshot folder (the one holding `CURRENT`).
    dir: std::path::PathBuf,
    snapshot: std::sync::Arc<Snapshot>,
    pub(crate) search: Option<kenning_search::SearchIndex>,
    pub(crate) records: Records,
    pub(crate) categories: Categories,
    pub(crate) wiki_categories: WikiCategories,
    max_in_degree: u64,
}

/// A generation opened, all but its records.
struct OpenedSnapshot {
    snapshot: std::sync::Arc<Snapshot>,
    search: Option<kenning_search::SearchIndex>,
    categories: Categories,
    max_in_degree: u64,
}

impl OpenedSnapshot {
    fn open(snapshot: std::sync::Arc<Snapshot>) -> Result<OpenedSnapshot, EngineError> {
        let max_in_degree = snapshot.meta().stats.max_in_degree;
        let search_dir = snapshot.generation_dir().join(kenning_store::files::SEARCH);
        let search = if search_dir.is_dir() {
            let open = kenning_search::SearchIndex::open(&search_dir);
            Some(open.map_err(|source| EngineError::SearchIndex {
                path: search_dir.clone(),
                source,
            })?)
        } else {
            None
        };
        let categories = match snapshot.ontology()? {
            Some(ontology) => Categories::new(ontology, &snapshot),
            None => Categories::default(),
        };
        Ok(OpenedSnapshot {
            snapshot,
            search,
            categories,
            max_in_degree,
        })
    }

    fn with_records(self, dir: &Path, records: Records) -> Engine {
        Engine {
            dir: dir.to_owned(),
            snapshot: self.snapshot,
            search: self.search,
            records,
            categories: self.categories,
            wiki_categories: WikiCategories,
            max_in_degree: self.max_in_degree,
        }
    }
}

/// The last component of a generation folder's path.
fn generation_name(generation: &Path) -> String {
    generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Engine {
    /// Opens the live snapshot of the folder `dir`, read-only. Records
    /// written through the API (`dir/live-records.redb`) are shown when
    /// no server has that store open; see [`Engine::note`].
    pub fn open(dir: &Path) -> Result<Engine, EngineError> {
        Engine::open_with(dir, LiveSource::Folder(LiveAccess::Peek))
    }

    /// Opens the live snapshot of `dir` and its live records store (created
    /// if absent) for writing records with [`Engine::put_record`] and
    /// [`Engine::delete_record`]. One process at a time may do this.
    pub fn open_writable(dir: &Path) -> Result<Engine, EngineError> {
        Engine::open_with(dir, LiveSource::Folder(LiveAccess::Hold))
    }

    /// Opens `dir` for a server: as [`Engine::open_writable`], so that the
    /// live records it shows can never go stale behind another process's
    /// writes (a second server on the same folder is refused with an error
    /// saying so); but a folder this process cannot write (a read-only
    /// mount) is served with writes off, showing the live records as they
    /// are at opening, and [`Engine::note`] says so.
    pub fn open_for_serving(dir: &Path) -> Result<Engine, EngineError> {
        Engine::open_with(dir, LiveSource::Folder(LiveAccess::HoldIfWritable))
    }

    /// Opens `dir` for one of several servers that share their live
    /// records through the PostgreSQL database at `database_url`
    /// (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`): kenning's
    /// tables are created or migrated, the database's records laid over
    /// the snapshot's, and a thread follows the other servers' writes.
    /// `DIR/live-records.redb` is not used. The database must be reachable
    /// now; later outages only stop writes.
    pub fn open_shared(dir: &Path, database_url: &str) -> Result<Engine, EngineError> {
        let db = kenning_records_pg::PgRecords::connect(database_url)
            .map_err(EngineError::RecordsDatabase)?;
        Engine::open_with(dir, LiveSource::Database(std::sync::Arc::new(db)))
    }

    /// The shared records database's host, port and name (never its
    /// password), when [`Engine::open_shared`] opened this engine.
    pub fn live_store_target(&self) -> Option<String> {
        self.records.database_target()
    }

    /// Whether the live records are a database shared with other servers
    /// ([`Engine::open_shared`]).
    pub fn records_shared(&self) -> bool {
        self.records.shared()
    }

    /// Applies the other servers' record writes this engine has not seen
    /// yet (a no-op unless [`Engine::records_shared`]). A record read right
    /// after it answers as written through any server. It waits on the
    /// database (a round trip): call it where blocking is fine. While the
    /// database is out of reach, it returns at once.
    pub fn catch_up_records(&self) {
        self.records.catch_up();
    }

    /// Something a user should know about what this engine shows (the live
    /// records store exists but could not be read), if anything.
    pub fn note(&self) -> Option<&str> {
        self.records.note.as_deref()
    }

    fn open_with(dir: &Path, live: LiveSource) -> Result<Engine, EngineError> {
        let snapshot = std::sync::Arc::new(Snapshot::open(dir)?);
        let opened = OpenedSnapshot::open(snapshot)?;
        let records = Records::load(&opened.snapshot, dir, live)?;
        Ok(opened.with_records(dir, records))
    }

    /// The name of the generation this engine serves (`gen-…`).
    pub fn generation(&self) -> String {
        generation_name(self.snapshot.generation_dir())
    }

    /// The folder of the generation `DIR/CURRENT` names now, when it is
    /// another than this engine's (a build published a new one).
    pub fn newer_generation(&self) -> Option<std::path::PathBuf> {
        let live = Snapshot::live_generation(&self.dir).ok()?;
        (live != self.snapshot.generation_dir() && live != self.dir).then_some(live)
    }

    /// Opens the generation folder `generation` (of this engine's snapshot
    /// folder: see [`Engine::newer_generation`]) to replace this engine,
    /// taking its live records over (see the records' hand-over: a
    /// database is shared; `DIR/live-records.redb` moves to the new engine,
    /// and this one's writes fail with [`EngineError::Retired`] from then
    /// on). Reads keep working on this engine until it is dropped; its
    /// files are unmapped then.
    pub fn open_successor(&self, generation: &Path) -> Result<Engine, EngineError> {
        let snapshot = std::sync::Arc::new(Snapshot::open_generation(generation)?);
        let opened = OpenedSnapshot::open(snapshot)?;
        let records = self.records.hand_over(&opened.snapshot, &self.dir)?;
        Ok(opened.with_records(&self.dir, records))
    }

    /// The snapshot underneath.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The popularity prior of a concept in `[0, 1]` (normalised log in-degree).
    pub fn popularity(&self, idx: ConceptIdx) -> f32 {
        kenning_graph::popularity(
            self.snapshot.concept(idx).in_link_count() as u64,
            self.max_in_degree,
        )
    }

    /// The id of the concept a title (or redirect) names, as the wiki
    /// matches titles.
    pub fn find_title(&self, title: &str) -> Option<u32> {
        self.snapshot
            .lookup(title)
            .map(|idx| self.snapshot.concept(idx).id().get())
    }

    /// The page of concept `id`.
    pub fn concept(&self, id: u32) -> Option<ConceptPage> {
        let idx = self.snapshot.find_id(PageId::new(id))?;
        Some(self.page(self.snapshot.concept(idx)))
    }

    /// A concept as lists show it.
    pub(crate) fn linked(&self, idx: ConceptIdx) -> LinkedConcept {
        let c = self.snapshot.concept(idx);
        LinkedConcept {
            id: c.id().get(),
            title: c.title().to_owned(),
        }
    }

    /// The related concepts of concept `id`, best first.
    pub fn related(&self, id: u32) -> Option<Vec<RelatedConcept>> {
        let idx = self.snapshot.find_id(PageId::new(id))?;
        Some(self.related_of(self.snapshot.concept(idx)))
    }

    /// Makes `fields` the record fields that hold a code people type
    /// (`course_code` until told otherwise): a record is found first by
    /// its code however it is spelt, and hits show it. Call it before
    /// serving; it rebuilds the records' identifier table.
    pub fn set_code_fields(&self, fields: Vec<String>) -> Result<(), EngineError> {
        self.records.set_code_fields(fields)
    }

    /// The types of things served, with how many of each: concepts, the
    /// ontology's categories (when the build had an ontology), then the
    /// record types in order of first import (a type whose records were
    /// all deleted is left out).
    pub fn types(&self) -> Vec<TypeCount> {
        let concepts = TypeCount {
            kind: "concept".to_owned(),
            count: self.snapshot.len(),
        };
        let categories = (!self.categories.is_empty()).then(|| TypeCount {
            kind: kenning_store::CATEGORY_KIND.to_owned(),
            count: self.categories.len(),
        });
        std::iter::once(concepts)
            .chain(categories)
            .chain(
                self.records
                    .kind_counts()
                    .into_iter()
                    .map(|(kind, count)| TypeCount { kind, count }),
            )
            .collect()
    }

    /// The snapshot's figures.
    pub fn stats(&self) -> StatsPage {
        let meta = self.snapshot.meta();
        let s = &meta.stats;
        let (record_links, record_missing_links) = self.records.link_counts();
        StatsPage {
            records: self.records.count() as u64,
            record_links: record_links as u64,
            record_missing_links: record_missing_links as u64,
            concepts: s.concepts,
            redirects: s.redirects,
            links: s.links,
            categories: s.categories,
            red_links: s.red_links,
            site: meta.site.sitename.clone(),
            built_at: meta.built_at.clone(),
        }
    }

    /// The page of record `kind`/`id`.
    pub fn record(&self, kind: &str, id: &str) -> Option<RecordPage> {
        self.records.page(&self.snapshot, kind, id)
    }

    /// Whether records can be written ([`Engine::open_writable`]).
    pub fn records_writable(&self) -> bool {
        self.records.writable()
    }

    /// Stores a record durably (synced before this returns), replacing the
    /// one with its type and id, and detects its text's concepts. Its page
    /// shows it at once; search, related records and concept pages within
    /// a moment (a background refresh, well under a second).
    ///
    /// The page answered is the record as written (built under the write
    /// lock, so a concurrent write cannot come between).
    pub fn put_record(
        &self,
        record: kenning_records::Record,
    ) -> Result<(RecordWrite, RecordPage), EngineError> {
        self.records.put(&self.snapshot, record)
    }

    /// The state of the live records store (for `/healthz`).
    pub fn live_store_health(&self) -> LiveStoreHealth {
        self.records.health()
    }

    /// Deletes record `kind`/`id` durably. Whether it existed.
    pub fn delete_record(&self, kind: &str, id: &str) -> Result<bool, EngineError> {
        self.records.delete(kind, id)
    }

    /// Waits until search, related records and concept pages reflect every
    /// record write so far (for tests and benchmarks; normal readers never
    /// need to).
    pub fn settle_records(&self) -> Result<(), EngineError> {
        self.records.settle()
    }

    fn related_of(&self, c: ConceptView<'_>) -> Vec<RelatedConcept> {
        c.related()
            .map(|(idx, score)| {
                let r = self.snapshot.concept(idx);
                RelatedConcept {
                    id: r.id().get(),
                    title: r.title().to_owned(),
                    score,
                }
            })
            .collect()
    }

    pub(crate) fn page(&self, c: ConceptView<'_>) -> ConceptPage {
        let s = &self.snapshot;
        // The most linked-to first: the entries a reader most likely knows;
        // the full list (`links_here`) goes on in the same order.
        let in_links = self.in_links_of(c, 0, TOP_LINKS);
        let summary = c.summary();
        let languages = ConceptLanguages::of(self, c);
        ConceptPage {
            id: c.id().get(),
            title: c.title().to_owned(),
            summary: summary.to_owned(),
            language: languages.titles.first().map(|(code, _)| code.clone()),
            summary_language: None,
            titles: languages.title_map(),
            languages: languages.codes(),
            url: c.url().map(str::to_owned),
            page_url: format!("/concept/{}", c.id()),
            aliases: c.aliases().map(str::to_owned).collect(),
            // Hidden and maintenance categories are for editors.
            categories: c
                .category_indices()
                .filter(|&i| WikiCategories::shown(s, i))
                .filter_map(|i| s.category(i).map(|k| k.name().to_owned()))
                .collect(),
            timeline: timeline(summary),
            summary_links: c
                .summary_links()
                .filter(|&(start, end, _)| {
                    summary.is_char_boundary(start)
                        && summary.is_char_boundary(end)
                        && start < end
                        && end <= summary.len()
                })
                .map(|(start, end, target)| {
                    let t = s.concept(target);
                    SummaryLink {
                        start,
                        end,
                        id: t.id().get(),
                        title: t.title().to_owned(),
                    }
                })
                .collect(),
            related: self.related_of(c),
            in_link_count: in_links.total,
            in_links_top: in_links.items,
            out_link_count: c.out_link_count(),
            revision_timestamp: c.timestamp().map(str::to_owned),
            generated_fields: vec!["summary", "timeline", "related", "summary_links", "records"],
            records: self.records.of_concept(c.idx()),
            ontology: self.categories.places(c.idx(), |idx| self.linked(idx), s),
        }
    }
}
