//! Concept detection over the snapshot: the linker with the snapshot's
//! mention dictionary of the text's language and its in-links.

use kenning_linker::{ConceptGraph, Linker, LinkerOptions, MentionDictionary, Strategy};
use kenning_store::{ConceptIdx, Snapshot};
use serde::Serialize;

use crate::engine::{Engine, LinkedConcept};
use crate::text_language::{TextLanguage, text_language};

/// Texts longer than this are refused (the HTTP API answers 413).
pub const MAX_WIKIFY_BYTES: usize = 1 << 20;

/// How to detect concepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WikifyOptions {
    /// Annotations scoring below this are dropped (default 0.45).
    pub min_score: f32,
    /// Use only commonness (the prior-only baseline).
    pub prior_only: bool,
}

impl Default for WikifyOptions {
    fn default() -> Self {
        WikifyOptions {
            min_score: LinkerOptions::default().min_score,
            prior_only: false,
        }
    }
}

/// The concepts a text talks about.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WikifyResult {
    /// The language the text was linked in (its dictionary), when the
    /// snapshot says its languages; concepts are titled in it where they
    /// have a title there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Whether `language` was detected from the text rather than given
    /// (or the primary one).
    pub language_detected: bool,
    /// Mentions in text order.
    pub annotations: Vec<WikifyAnnotation>,
    /// Concepts, best first.
    pub concepts: Vec<WikifyConcept>,
}

/// One mention linked to a concept.
#[derive(Clone, Debug, Serialize)]
pub struct WikifyAnnotation {
    /// Offset in Unicode code points.
    pub start: usize,
    /// Code-point offset just past the mention.
    pub end: usize,
    /// UTF-8 byte offset.
    pub byte_start: usize,
    /// UTF-8 byte offset just past the mention.
    pub byte_end: usize,
    /// The mention as written.
    pub text: String,
    /// The concept.
    pub concept: LinkedConcept,
    /// Final score in `[0, 1]`.
    pub score: f32,
    /// What the score is made of.
    pub parts: WikifyScoreParts,
    /// How many candidates were weighed.
    pub candidates: usize,
    /// The best other candidate, when there was one.
    pub runner_up: Option<WikifyRunnerUp>,
}

/// The parts of a score, each in `[0, 1]`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct WikifyScoreParts {
    /// How often the phrase is a link where it occurs.
    pub link_probability: f32,
    /// How often the phrase links to this concept among its links.
    pub commonness: f32,
    /// Relatedness to the other mentions' concepts.
    pub coherence: f32,
    /// Share of the concept's summary words found in the text.
    pub context: f32,
    /// The link probability is the title-match prior: the phrase is a
    /// title or redirect that no document of the wiki uses as a link (its
    /// concept came from a source without links), or a person's surname,
    /// rarely a link, written as a name.
    pub title_prior: bool,
    /// Only one concept fits the phrase (or one nearly always), so its
    /// link probability stood in for coherence in the score.
    pub unambiguous: bool,
    /// The mention repeats part of a whole name linked earlier in the
    /// text ("Fermi" after "Enrico Fermi", "WTO" after "World Trade
    /// Organization"): it has that name's concept and score.
    pub repeats_name: bool,
}

/// A candidate that lost.
#[derive(Clone, Debug, Serialize)]
pub struct WikifyRunnerUp {
    /// Its id.
    pub id: u32,
    /// Its title.
    pub title: String,
    /// Its score.
    pub score: f32,
}

/// A concept of the text with its weight.
#[derive(Clone, Debug, Serialize)]
pub struct WikifyConcept {
    /// Its id.
    pub id: u32,
    /// Its title.
    pub title: String,
    /// Combined evidence of its mentions, in `[0, 1]`.
    pub score: f32,
    /// How many mentions.
    pub mentions: usize,
}

/// The linker's options for `options`.
fn linker_options(options: WikifyOptions) -> LinkerOptions {
    LinkerOptions {
        min_score: options.min_score,
        strategy: if options.prior_only {
            Strategy::PriorOnly
        } else {
            Strategy::Full
        },
        ..LinkerOptions::default()
    }
}

/// The snapshot as the linker sees it: the linker numbers concepts with
/// plain `u32` indices, the snapshot's [`ConceptIdx`] unwrapped (in with
/// [`ConceptIdx::new`], out with [`ConceptIdx::get`]).
pub(crate) struct SnapshotGraph<'a>(pub(crate) &'a Snapshot);

impl ConceptGraph for SnapshotGraph<'_> {
    fn concept_count(&self) -> usize {
        self.0.len()
    }
    fn in_links(&self, concept: u32, out: &mut Vec<u32>) {
        out.extend(
            self.0
                .concept(ConceptIdx::new(concept))
                .in_links()
                .map(ConceptIdx::get),
        );
    }
    fn description(&self, concept: u32) -> &str {
        self.0.concept(ConceptIdx::new(concept)).summary()
    }
    fn title(&self, concept: u32) -> Option<&str> {
        Some(self.0.concept(ConceptIdx::new(concept)).title())
    }
}

impl Engine {
    /// Whether this snapshot has a mention dictionary.
    pub fn can_wikify(&self) -> bool {
        MentionDictionary::from_bytes(self.snapshot().mention_bytes()).is_ok()
    }

    /// Detects the concepts `text` talks about, in the language detected
    /// among the snapshot's (see [`Engine::wikify_in`]).
    pub fn wikify(&self, text: &str, options: WikifyOptions) -> WikifyResult {
        self.wikify_in(text, None, options)
    }

    /// Detects the concepts `text`, written in `lang`, talks about: with
    /// the mention dictionary of `lang` when the snapshot has one, else of
    /// the language detected among those it has (without `lang`), else of
    /// the primary one; [`WikifyResult::language`] says which. Texts over
    /// [`MAX_WIKIFY_BYTES`] are cut there (front ends refuse them first).
    pub fn wikify_in(
        &self,
        text: &str,
        lang: Option<&str>,
        options: WikifyOptions,
    ) -> WikifyResult {
        let language = text_language(self.snapshot(), text, lang);
        self.link_in(text, language, linker_options(options))
    }

    /// The language [`Engine::wikify_in`] links `text` in, given `lang`:
    /// its code, when the snapshot says its languages, and whether it was
    /// detected. Front ends that cut a long text into pieces ask once and
    /// give it for every piece.
    pub fn text_language(&self, text: &str, lang: Option<&str>) -> (Option<String>, bool) {
        let language = text_language(self.snapshot(), text, lang);
        let code = self.snapshot().language_code(language.number);
        (code.map(str::to_owned), language.detected)
    }

    /// The languages a text can be linked in (each with a mention
    /// dictionary), the primary one first; empty when the snapshot says
    /// no language.
    pub fn wikify_languages(&self) -> Vec<String> {
        let s = self.snapshot();
        (0..s.meta().languages.len() as u32)
            .filter(|&n| s.mention_bytes_in(n).is_some())
            .filter_map(|n| s.language_code(n).map(str::to_owned))
            .collect()
    }

    /// [`Engine::wikify`] with every threshold and weight of the linker
    /// given, in the primary language: for measuring and tuning
    /// (`kenning-eval`).
    pub fn wikify_tuned(&self, text: &str, linker_options: LinkerOptions) -> WikifyResult {
        let primary = TextLanguage {
            number: 0,
            detected: false,
        };
        self.link_in(text, primary, linker_options)
    }

    fn link_in(
        &self,
        text: &str,
        language: TextLanguage,
        linker_options: LinkerOptions,
    ) -> WikifyResult {
        let snapshot = self.snapshot();
        let bytes = snapshot
            .mention_bytes_in(language.number)
            .unwrap_or_else(|| snapshot.mention_bytes());
        let Ok(dictionary) = MentionDictionary::from_bytes(bytes) else {
            return WikifyResult::default();
        };
        // Another language's names may have been counted in no text (a
        // language named by Wikidata only): low-prior names there.
        let linker_options = LinkerOptions {
            names_need_evidence: language.number != 0,
            ..linker_options
        };
        let text = &text[..text.floor_char_boundary(MAX_WIKIFY_BYTES)];
        let graph = SnapshotGraph(snapshot);
        let linked = Linker::new(dictionary, &graph, linker_options).link(text);
        // Concepts titled in the text's language where they have a title
        // there.
        let concept = |idx: u32| {
            let view = snapshot.concept(ConceptIdx::new(idx));
            let title = (language.number != 0)
                .then(|| view.translations().find(|t| t.language == language.number))
                .flatten()
                .map_or(view.title(), |t| t.title);
            LinkedConcept {
                id: view.id().get(),
                title: title.to_owned(),
            }
        };
        WikifyResult {
            language: snapshot.language_code(language.number).map(str::to_owned),
            language_detected: language.detected,
            annotations: linked
                .annotations
                .iter()
                .map(|a| WikifyAnnotation {
                    start: a.start,
                    end: a.end,
                    byte_start: a.byte_start,
                    byte_end: a.byte_end,
                    text: text[a.byte_start..a.byte_end].to_owned(),
                    concept: concept(a.concept),
                    score: a.score,
                    parts: WikifyScoreParts {
                        link_probability: a.parts.link_probability,
                        commonness: a.parts.commonness,
                        coherence: a.parts.coherence,
                        context: a.parts.context,
                        title_prior: a.parts.title_prior,
                        unambiguous: a.parts.unambiguous,
                        repeats_name: a.parts.repeats_name,
                    },
                    candidates: a.candidates,
                    runner_up: a.runner_up.map(|(idx, score)| {
                        let c = concept(idx);
                        WikifyRunnerUp {
                            id: c.id,
                            title: c.title,
                            score,
                        }
                    }),
                })
                .collect(),
            concepts: linked
                .concepts
                .iter()
                .map(|c| {
                    let LinkedConcept { id, title } = concept(c.concept);
                    WikifyConcept {
                        id,
                        title,
                        score: c.score,
                        mentions: c.mentions,
                    }
                })
                .collect(),
        }
    }
}
