//! Spotting, disambiguation and scoring.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::capitals::{capitalised_by_spelling, in_capitals, is_acronym_title};
use crate::dictionary::{MentionDictionary, Phrase};
use crate::names::{
    LinkedName, a_name_ending_with, capital_says_name, repeated_names, title_cased,
    written_as_date, written_as_full_name,
};
use crate::overlap::{MaskTable, intersection_size};
use crate::phrase::{PhraseHasher, Token, Tokens, for_each_ngram, token_hash};

/// A hasher for integer keys (concept indices, phrase keys): one
/// multiply, no per-call seed. Keys come from our own data, and every map
/// lives for one call.
#[derive(Default)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<IntHasher>>;

/// What the linker needs to know about the graph.
pub trait ConceptGraph {
    /// Number of concepts (for relatedness).
    fn concept_count(&self) -> usize;
    /// Appends the concepts linking to `concept`, ascending, to `out`.
    fn in_links(&self, concept: u32, out: &mut Vec<u32>);
    /// A short text about `concept` (its summary), for context similarity.
    fn description(&self, concept: u32) -> &str;
    /// The concept's title, when known: a word in capitals gets the
    /// title-match prior only for a concept whose title is in capitals
    /// too. `None` (the default) skips that check.
    fn title(&self, _concept: u32) -> Option<&str> {
        None
    }
}

/// How candidates are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Commonness, coherence with the other mentions and context
    /// similarity, weighted.
    #[default]
    Full,
    /// The most common concept of each spotted phrase, scored by its
    /// commonness: the baseline the full strategy is measured against.
    PriorOnly,
}

/// Thresholds and weights of the linker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkerOptions {
    /// How candidates are chosen.
    pub strategy: Strategy,
    /// Spots whose phrase is linked in fewer of the documents it occurs
    /// in are dropped. Lower than the dictionary's floor (see
    /// [`MentionDictionary::floors`](crate::MentionDictionary::floors))
    /// has no effect: those phrases were left out.
    pub min_link_probability: f32,
    /// Candidates less common than this for their phrase are ignored
    /// (lower than the dictionary's floor has no effect either).
    pub min_commonness: f32,
    /// Candidates considered per spot, most common first.
    pub max_candidates: usize,
    /// Annotations scoring below this are dropped.
    pub min_score: f32,
    /// Mentions per coherence window (long texts are handled window by
    /// window, so the cost stays linear).
    pub window_mentions: usize,
    /// Context concepts per window that candidates are compared with.
    pub context_concepts: usize,
    /// Weight of the link probability in the final score.
    pub weight_link_probability: f32,
    /// Weight of commonness.
    pub weight_commonness: f32,
    /// Weight of coherence.
    pub weight_coherence: f32,
    /// Weight of context similarity.
    pub weight_context: f32,
    /// The link probability given to a name (a title or redirect) that no
    /// document ever used as a link: its concept came from a source
    /// without links, so how often the phrase is a link is unknown. Only
    /// for a mention of several words, or of one written with a capital
    /// letter inside a sentence (or in capitals: "NBC"), so that a
    /// common word that happens to be a title is not linked everywhere.
    pub title_prior: f32,
    /// A spot whose most common candidate has at least this commonness
    /// (or that has one candidate) is unambiguous: its chosen concept
    /// needs no support from the other mentions, and its link
    /// probability stands in for coherence (a measured one only, not the
    /// title-match prior).
    pub unambiguous_commonness: f32,
    /// A name that no counted document holds (it occurs in no text with
    /// links: a dictionary of names only, such as another language's from
    /// Wikidata's labels) has no measured link probability either: it
    /// gets the title-match prior when written as a name and is not
    /// linked otherwise, instead of counting as always linked. Off for the
    /// primary dictionary, whose figures were measured without it.
    pub names_need_evidence: bool,
}

impl Default for LinkerOptions {
    fn default() -> Self {
        LinkerOptions {
            strategy: Strategy::Full,
            min_link_probability: 0.03,
            min_commonness: 0.02,
            max_candidates: 5,
            min_score: 0.45,
            window_mentions: 60,
            context_concepts: 24,
            weight_link_probability: 0.25,
            weight_commonness: 0.3,
            weight_coherence: 0.3,
            weight_context: 0.15,
            title_prior: 0.3,
            unambiguous_commonness: 0.9,
            names_need_evidence: false,
        }
    }
}

/// The parts of an annotation's score, each in `[0, 1]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScoreParts {
    /// How often the phrase is a link where it occurs.
    pub link_probability: f32,
    /// How often the phrase links to this concept among its links.
    pub commonness: f32,
    /// Weighted relatedness to the other mentions' likely concepts.
    pub coherence: f32,
    /// Share of the concept's description words found in the text.
    pub context: f32,
    /// The link probability is the title-match prior
    /// ([`LinkerOptions::title_prior`]): the phrase is a name never used
    /// as a link written as a name, or the last word of a person's name
    /// ("Maxwell" for James Clerk Maxwell), rarely a link, written with a
    /// capital.
    pub title_prior: bool,
    /// The spot is unambiguous and this is its most common candidate, so
    /// the link probability stood in for coherence in the score.
    pub unambiguous: bool,
    /// The mention repeats part of a whole name linked earlier in the
    /// text ("Fermi" after "Enrico Fermi", "WTO" after "World Trade
    /// Organization"): it takes that name's concept and its score.
    pub repeats_name: bool,
}

/// One linked mention.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// Byte offsets in the text.
    pub byte_start: usize,
    /// Byte offset just past the mention.
    pub byte_end: usize,
    /// Offsets in Unicode code points.
    pub start: usize,
    /// Code-point offset just past the mention.
    pub end: usize,
    /// The chosen concept.
    pub concept: u32,
    /// The final score, in `[0, 1]`.
    pub score: f32,
    /// What the score is made of.
    pub parts: ScoreParts,
    /// Candidates that were considered.
    pub candidates: usize,
    /// The best other candidate and its score, when there was one.
    pub runner_up: Option<(u32, f32)>,
}

/// A concept the text talks about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConceptWeight {
    /// The concept.
    pub concept: u32,
    /// Combined evidence of its annotations (noisy-or), in `[0, 1]`.
    pub score: f32,
    /// Number of annotations.
    pub mentions: usize,
}

/// The result of linking one text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wikified {
    /// Annotations in text order, not overlapping.
    pub annotations: Vec<Annotation>,
    /// The concepts, best first.
    pub concepts: Vec<ConceptWeight>,
}

/// Links text to concepts with a dictionary and a graph.
#[derive(Debug)]
pub struct Linker<'a, G> {
    dictionary: MentionDictionary<'a>,
    graph: &'a G,
    options: LinkerOptions,
}

/// A spotted phrase with its candidates.
struct Spot {
    first: usize,
    last: usize,
    link_probability: f32,
    /// `link_probability` is the title-match prior.
    title_prior: bool,
    /// Written as a whole name ("Enrico Fermi") or a name's last word
    /// ("Maxwell"), the spot's title-match prior stands in for coherence.
    name_stands_alone: bool,
    /// `(concept, commonness)`, most common first.
    candidates: Vec<(u32, f32)>,
}

/// Per-call memo: every concept's in-link list fetched once (ranges of
/// one arena) and context scores.
#[derive(Default)]
struct Memo {
    in_links: FastMap<u32, (usize, usize)>,
    arena: Vec<u32>,
    context: FastMap<u32, f32>,
    masks: MaskTable,
}

impl Memo {
    /// The in-links of `concept`, fetched from the graph the first time.
    fn in_links<G: ConceptGraph>(&mut self, graph: &G, concept: u32) -> (usize, usize) {
        let arena = &mut self.arena;
        // (Fetched in-link lists stay in the arena for the whole call.)
        *self.in_links.entry(concept).or_insert_with(|| {
            let start = arena.len();
            graph.in_links(concept, arena);
            (start, arena.len())
        })
    }
}

/// One window's relatedness of each distinct candidate to each context
/// concept: row `rows[candidate]` of `values`, in context order.
#[derive(Default)]
struct Relatedness {
    rows: FastMap<u32, usize>,
    values: Vec<f32>,
}

/// Context concepts whose in-link lists are longer than this are compared
/// pair by pair (galloping) instead of going into the window's merged list.
const MERGE_MAX_IN_LINKS: usize = 4096;

impl<'a, G: ConceptGraph> Linker<'a, G> {
    /// A linker over `dictionary` and `graph`.
    pub fn new(dictionary: MentionDictionary<'a>, graph: &'a G, options: LinkerOptions) -> Self {
        Linker {
            dictionary,
            graph,
            options,
        }
    }

    /// The options in use.
    pub fn options(&self) -> &LinkerOptions {
        &self.options
    }

    /// The mention dictionary in use.
    pub fn dictionary(&self) -> MentionDictionary<'a> {
        self.dictionary
    }

    /// Finds the concepts `text` talks about.
    pub fn link(&self, text: &str) -> Wikified {
        let tokens: Vec<Token> = Tokens::new(text).collect();
        let hashes: Vec<u64> = tokens
            .iter()
            .map(|t| token_hash(&text[t.start..t.end]))
            .collect();
        let spots = self.spot(text, &tokens, &hashes);
        let o = &self.options;
        let mut memo = Memo::default();
        let terms = if o.strategy == Strategy::Full && o.weight_context > 0.0 {
            term_set(text, &tokens)
        } else {
            FastSet::default()
        };
        // Each annotation with the first and last token of its spot.
        let mut chosen: Vec<((usize, usize), Annotation)> = Vec::with_capacity(spots.len());
        let mut related = Relatedness::default();
        for window in spots.chunks(o.window_mentions.max(1)) {
            let context = match o.strategy {
                Strategy::Full => self.context_of(window),
                Strategy::PriorOnly => Vec::new(),
            };
            if o.strategy == Strategy::Full && o.weight_coherence > 0.0 {
                self.relate(window, &context, &mut memo, &mut related);
            }
            for (i, spot) in window.iter().enumerate() {
                if let Some(a) =
                    self.choose(spot, i, &context, &related, &terms, &mut memo, &tokens)
                {
                    chosen.push(((spot.first, spot.last), a));
                }
            }
        }
        if o.strategy == Strategy::Full {
            link_repeats(text, &tokens, &hashes, &mut chosen);
        }
        let mut annotations: Vec<Annotation> = chosen.into_iter().map(|(_, a)| a).collect();
        fill_char_offsets(text, &mut annotations);
        let concepts = concept_weights(&annotations);
        Wikified {
            annotations,
            concepts,
        }
    }

    /// Longest known phrases, left to right, that pass the thresholds.
    fn spot(&self, text: &str, tokens: &[Token], hashes: &[u64]) -> Vec<Spot> {
        let o = &self.options;
        // Longest acceptable match starting at each token, with its link
        // probability and where that comes from.
        let mut best: Vec<Option<(usize, Phrase<'a>, f32, Evidence)>> = vec![None; tokens.len()];
        let d = &self.dictionary;
        for_each_ngram(
            hashes,
            |key| d.probe(key),
            |first, end, _, p: Phrase<'a>| {
                let (lp, evidence) = link_probability(p, o, self.graph, text, tokens, first, end);
                if lp < o.min_link_probability {
                    return;
                }
                if end - first == 1
                    && !worth_spotting(&text[tokens[first].start..tokens[first].end])
                {
                    return;
                }
                best[first] = Some((end, p, lp, evidence));
            },
        );
        let mut spots = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let Some((end, p, link_probability, evidence)) = best[i] else {
                i += 1;
                continue;
            };
            let total = p.total().max(1) as f32;
            let candidates: Vec<(u32, f32)> = p
                .candidates()
                .map(|(c, n)| (c, n as f32 / total))
                .filter(|&(_, cm)| cm >= o.min_commonness)
                .take(o.max_candidates.max(1))
                .collect();
            // Dates are not concepts of the text (Wikipedia stopped
            // linking them in 2008): "May", "April 14", "1947".
            if !candidates.is_empty() && !written_as_date(text, tokens, i, end - 1) {
                spots.push(Spot {
                    first: i,
                    last: end - 1,
                    link_probability,
                    title_prior: evidence != Evidence::Measured,
                    name_stands_alone: evidence == Evidence::Surname
                        || written_as_full_name(text, tokens, i, end - 1),
                    candidates,
                });
            }
            i = end;
        }
        spots
    }

    /// The likely concepts of a window's spots, weighted by confidence:
    /// `(spot index, concept, weight)`.
    fn context_of(&self, window: &[Spot]) -> Vec<(usize, u32, f32)> {
        let mut ctx: Vec<(usize, u32, f32)> = window
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (c, cm) = s.candidates[0];
                (i, c, s.link_probability.sqrt() * cm)
            })
            .collect();
        ctx.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        let mut seen = HashSet::new();
        ctx.retain(|&(_, c, _)| seen.insert(c));
        ctx.truncate(self.options.context_concepts.max(1));
        ctx
    }

    /// Fills `related` with the Milne–Witten relatedness of every distinct
    /// candidate of `window` to every context concept. The context
    /// concepts' in-link lists (up to 32 of them; unless the table is
    /// dense, each at most [`MERGE_MAX_IN_LINKS`] long) go into one table
    /// of (linking concept → bit set of context concepts), so each
    /// candidate's overlaps with all of them come from one pass over its
    /// in-links; the other lists are intersected pair by pair.
    fn relate(
        &self,
        window: &[Spot],
        context: &[(usize, u32, f32)],
        memo: &mut Memo,
        related: &mut Relatedness,
    ) {
        related.rows.clear();
        related.values.clear();
        let ranges: Vec<(usize, usize)> = context
            .iter()
            .map(|&(_, c, _)| memo.in_links(self.graph, c))
            .collect();
        let table = &mut memo.masks;
        let n = self.graph.concept_count();
        // Dense when the concepts are few against the in-links to hold;
        // then every list goes into the table, whatever its length.
        let all: usize = ranges.iter().take(32).map(|&(s, e)| e - s).sum();
        let dense = n <= all.saturating_mul(4);
        let merge = |j: usize, len: usize| j < 32 && (dense || len <= MERGE_MAX_IN_LINKS);
        let mut single: Vec<usize> = Vec::new();
        let mut merged = 0usize;
        for (j, &(s, e)) in ranges.iter().enumerate() {
            if merge(j, e - s) {
                merged += e - s;
            } else {
                single.push(j);
            }
        }
        table.reset(merged, n);
        for (j, &(s, e)) in ranges.iter().enumerate() {
            if merge(j, e - s) {
                for &l in &memo.arena[s..e] {
                    table.insert(l, 1 << j);
                }
            }
        }
        let mut overlap = vec![0usize; context.len()];
        for spot in window {
            for &(a, _) in &spot.candidates {
                if related.rows.contains_key(&a) {
                    continue;
                }
                related.rows.insert(a, related.values.len());
                let (s, e) = memo.in_links(self.graph, a);
                let la = &memo.arena[s..e];
                overlap.iter_mut().for_each(|o| *o = 0);
                memo.masks.for_each_common(la, |mut m| {
                    while m != 0 {
                        overlap[m.trailing_zeros() as usize] += 1;
                        m &= m - 1;
                    }
                });
                for &j in &single {
                    let (cs, ce) = ranges[j];
                    overlap[j] = intersection_size(la, &memo.arena[cs..ce]);
                }
                for (j, &(cs, ce)) in ranges.iter().enumerate() {
                    let r = kenning_graph::milne_witten(la.len(), ce - cs, overlap[j], n);
                    related.values.push(r);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn choose(
        &self,
        spot: &Spot,
        index: usize,
        context: &[(usize, u32, f32)],
        related: &Relatedness,
        terms: &FastSet<u64>,
        memo: &mut Memo,
        tokens: &[Token],
    ) -> Option<Annotation> {
        let o = &self.options;
        let mut scored: Vec<(u32, f32, ScoreParts)> = Vec::with_capacity(spot.candidates.len());
        // A title-match prior is a guess, not a measure: it does not
        // stand in for coherence, unless the spot is written as a whole
        // name or a name's last word, which rarely mean anything else.
        let unambiguous = (!spot.title_prior || spot.name_stands_alone)
            && (spot.candidates.len() == 1 || spot.candidates[0].1 >= o.unambiguous_commonness);
        for (rank, &(concept, commonness)) in spot.candidates.iter().enumerate() {
            let mut parts = ScoreParts {
                link_probability: spot.link_probability,
                commonness,
                title_prior: spot.title_prior,
                unambiguous: unambiguous && rank == 0,
                ..ScoreParts::default()
            };
            let score = match o.strategy {
                Strategy::PriorOnly => commonness,
                Strategy::Full => {
                    if o.weight_coherence > 0.0 {
                        parts.coherence = coherence(concept, index, context, related);
                    }
                    if o.weight_context > 0.0 {
                        parts.context = self.context_similarity(concept, terms, memo);
                    }
                    let coherence = if parts.unambiguous {
                        parts.coherence.max(parts.link_probability)
                    } else {
                        parts.coherence
                    };
                    o.weight_link_probability * parts.link_probability
                        + o.weight_commonness * parts.commonness
                        + o.weight_coherence * coherence
                        + o.weight_context * parts.context
                }
            };
            scored.push((concept, score, parts));
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let (concept, score, parts) = *scored.first()?;
        if score < o.min_score {
            return None;
        }
        Some(Annotation {
            byte_start: tokens[spot.first].start,
            byte_end: tokens[spot.last].end,
            start: 0,
            end: 0,
            concept,
            score: score.clamp(0.0, 1.0),
            parts,
            candidates: scored.len(),
            runner_up: scored.get(1).map(|&(c, s, _)| (c, s.clamp(0.0, 1.0))),
        })
    }

    fn context_similarity(&self, concept: u32, terms: &FastSet<u64>, memo: &mut Memo) -> f32 {
        if let Some(&s) = memo.context.get(&concept) {
            return s;
        }
        let description = self.graph.description(concept);
        let description = &description[..description.floor_char_boundary(600)];
        let mut seen = FastSet::default();
        let mut hits = 0usize;
        for t in Tokens::new(description) {
            let word = &description[t.start..t.end];
            if !is_content_word(word) {
                continue;
            }
            let key = single_key(word);
            if seen.insert(key) && terms.contains(&key) {
                hits += 1;
            }
            if seen.len() >= 40 {
                break;
            }
        }
        let s = if seen.is_empty() {
            0.0
        } else {
            hits as f32 / seen.len() as f32
        };
        memo.context.insert(concept, s);
        s
    }
}

/// Weighted mean relatedness of `concept` to the context concepts of the
/// other spots (those with another phrase), from the window's table.
fn coherence(
    concept: u32,
    index: usize,
    context: &[(usize, u32, f32)],
    related: &Relatedness,
) -> f32 {
    let row = related
        .rows
        .get(&concept)
        .map(|&r| &related.values[r..r + context.len()]);
    let mut sum = 0.0f32;
    let mut weights = 0.0f32;
    for (j, &(other, c, w)) in context.iter().enumerate() {
        if other == index {
            continue;
        }
        weights += w;
        if c == concept {
            sum += w;
            continue;
        }
        sum += w * row.map_or(0.0, |r| r[j]);
    }
    if weights > 0.0 { sum / weights } else { 0.0 }
}

/// Adds, in text order, the later mentions that repeat part of a whole
/// name linked earlier ([`repeated_names`]), each linked to that name's
/// concept with its score. `chosen` holds each annotation with the first
/// and last token of its spot, in text order.
fn link_repeats(
    text: &str,
    tokens: &[Token],
    hashes: &[u64],
    chosen: &mut Vec<((usize, usize), Annotation)>,
) {
    let mut covered = vec![false; tokens.len()];
    let mut names = Vec::new();
    for (n, &((first, last), _)) in chosen.iter().enumerate() {
        covered[first..=last].iter_mut().for_each(|c| *c = true);
        if written_as_full_name(text, tokens, first, last) {
            names.push(LinkedName {
                first,
                last,
                annotation: n,
            });
        }
    }
    if names.is_empty() {
        return;
    }
    let repeats = repeated_names(text, tokens, hashes, &covered, &names);
    if repeats.is_empty() {
        return;
    }
    for r in repeats {
        let source = &chosen[r.annotation].1;
        let a = Annotation {
            byte_start: tokens[r.first].start,
            byte_end: tokens[r.last].end,
            start: 0,
            end: 0,
            concept: source.concept,
            score: source.score,
            parts: ScoreParts {
                repeats_name: true,
                ..source.parts
            },
            candidates: 1,
            runner_up: None,
        };
        chosen.push(((r.first, r.last), a));
    }
    chosen.sort_by_key(|&((first, _), _)| first);
}

/// Where a spot's link probability comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evidence {
    /// Counted in the documents with links.
    Measured,
    /// The title-match prior: a name that no document uses as a link,
    /// written as a name.
    TitleMatch,
    /// The title-match prior: the last word of a person's name, written
    /// with a capital, more often left unlinked than linked.
    Surname,
}

/// The link probability the linker uses for a spot of tokens
/// `first..end`, and where it comes from (see
/// [`LinkerOptions::title_prior`]). A single word is written as a name
/// when it is in capitals and its concept's title is too (an acronym), or
/// has a capital inside a sentence that spelling does not explain
/// (`capitals`). A word written with a capital (inside a sentence or
/// opening one) that is the last of its most common concept's title, a
/// person's name ("Maxwell", James Clerk Maxwell), gets the prior
/// whatever its measured link probability: a surname is rarely linked
/// where it occurs, since the name is linked once, in full.
fn link_probability<G: ConceptGraph>(
    p: Phrase<'_>,
    o: &LinkerOptions,
    graph: &G,
    text: &str,
    tokens: &[Token],
    first: usize,
    end: usize,
) -> (f32, Evidence) {
    let unmeasured = o.names_need_evidence && p.is_name() && !p.is_anchored() && p.docs() == 0;
    let measured = if unmeasured {
        0.0
    } else {
        p.link_probability()
    };
    if measured >= o.title_prior {
        return (measured, Evidence::Measured);
    }
    let word = &text[tokens[first].start..tokens[first].end];
    let top_title = || p.candidates().next().and_then(|(c, _)| graph.title(c));
    if end - first == 1
        && title_cased(word)
        && top_title().is_some_and(|t| a_name_ending_with(t, word))
        && !capitalised_by_spelling(word)
    {
        return (o.title_prior, Evidence::Surname);
    }
    if p.is_anchored() || !p.is_name() {
        return (measured, Evidence::Measured);
    }
    let written_as_name = end - first > 1 || {
        if in_capitals(word) {
            top_title().is_none_or(is_acronym_title)
        } else {
            word.chars().next().is_some_and(char::is_uppercase)
                && capital_says_name(text, tokens, first)
        }
    };
    if written_as_name {
        (o.title_prior, Evidence::TitleMatch)
    } else {
        (measured, Evidence::Measured)
    }
}

/// A single token worth spotting on its own: not one character and not
/// only digits of one or two.
fn worth_spotting(token: &str) -> bool {
    let chars = token.chars().count();
    chars > 1 && !(chars <= 2 && token.bytes().all(|b| b.is_ascii_digit()))
}

/// Words that carry meaning for context similarity: four characters or
/// more, not only digits.
fn is_content_word(word: &str) -> bool {
    word.len() >= 4 && !word.bytes().all(|b| b.is_ascii_digit())
}

fn single_key(word: &str) -> u64 {
    let mut h = PhraseHasher::new();
    h.push(word);
    h.key()
}

fn term_set(text: &str, tokens: &[Token]) -> FastSet<u64> {
    tokens
        .iter()
        .map(|t| &text[t.start..t.end])
        .filter(|w| is_content_word(w))
        .map(single_key)
        .collect()
}

/// Sets `start`/`end` (code points) from the byte offsets, in one pass.
fn fill_char_offsets(text: &str, annotations: &mut [Annotation]) {
    let (mut byte, mut chars) = (0usize, 0usize);
    for a in annotations.iter_mut() {
        chars += text[byte..a.byte_start].chars().count();
        a.start = chars;
        chars += text[a.byte_start..a.byte_end].chars().count();
        a.end = chars;
        byte = a.byte_end;
    }
}

/// Per concept: noisy-or of its annotations' scores, best first.
fn concept_weights(annotations: &[Annotation]) -> Vec<ConceptWeight> {
    let mut by: HashMap<u32, (f32, usize)> = HashMap::new();
    for a in annotations {
        let e = by.entry(a.concept).or_insert((1.0, 0));
        e.0 *= 1.0 - a.score.clamp(0.0, 1.0);
        e.1 += 1;
    }
    let mut out: Vec<ConceptWeight> = by
        .into_iter()
        .map(|(concept, (miss, mentions))| ConceptWeight {
            concept,
            score: 1.0 - miss,
            mentions,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DictionaryBuilder, phrase_key};

    /// Concepts: 0 Mercury (planet), 1 Mercury (element), 2 Venus,
    /// 3 Mars, 4 Thermometer, 5 Solar System.
    struct Toy;
    const IN: [&[u32]; 6] = [&[2, 3, 5], &[4], &[0, 3, 5], &[0, 2, 5], &[1], &[0, 2, 3]];
    impl ConceptGraph for Toy {
        fn concept_count(&self) -> usize {
            6
        }
        fn in_links(&self, concept: u32, out: &mut Vec<u32>) {
            out.extend_from_slice(IN[concept as usize]);
        }
        fn description(&self, concept: u32) -> &str {
            [
                "Mercury is the smallest planet of the Solar System.",
                "Mercury is a chemical element, a liquid metal used in thermometers.",
                "Venus is the second planet from the Sun.",
                "Mars is the fourth planet from the Sun.",
                "A thermometer measures temperature.",
                "The Solar System is the Sun and the planets.",
            ][concept as usize]
        }
    }

    fn dictionary() -> Vec<u8> {
        let mut b = DictionaryBuilder::new();
        let k = |s: &str| phrase_key(s).unwrap();
        for (i, name) in [
            "Mercury (planet)",
            "Mercury (element)",
            "Venus",
            "Mars",
            "Thermometer",
            "Solar System",
        ]
        .iter()
        .enumerate()
        {
            b.add_name(&k(name), i as u32);
        }
        // "mercury" links to the element more often than to the planet.
        b.add_phrase(&k("Mercury"));
        b.add_link(k("Mercury").key, 1, 6);
        b.add_link(k("Mercury").key, 0, 4);
        for _ in 0..10 {
            b.add_linked_document(k("Mercury").key);
        }
        b.add_phrase(&k("the planet"));
        b.add_link(k("the planet").key, 3, 1);
        for _ in 0..20 {
            let mut found = Vec::new();
            b.phrases_in("the planet", &mut found);
            b.add_occurrences(&found);
        }
        b.finish().unwrap().0
    }

    #[test]
    fn coherence_picks_the_planet_among_planets() {
        let bytes = dictionary();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &Toy, LinkerOptions::default());
        let text = "Mercury, Venus and Mars orbit in the Solar System.";
        let w = linker.link(text);
        let first = &w.annotations[0];
        assert_eq!((first.byte_start, first.byte_end, first.concept), (0, 7, 0));
        assert!(first.parts.coherence > 0.3, "{first:?}");
        assert_eq!(first.runner_up.map(|r| r.0), Some(1));
        let spans: Vec<&str> = w
            .annotations
            .iter()
            .map(|a| &text[a.byte_start..a.byte_end])
            .collect();
        assert_eq!(spans, ["Mercury", "Venus", "Mars", "Solar System"]);
        // "the planet" is linked in 1 of 20 documents: below the threshold.
        assert!(!spans.contains(&"the planet"));

        let prior = Linker::new(
            d,
            &Toy,
            LinkerOptions {
                strategy: Strategy::PriorOnly,
                ..LinkerOptions::default()
            },
        );
        assert_eq!(prior.link(text).annotations[0].concept, 1);
        let w = linker.link("Mercury fills the thermometer.");
        assert_eq!(w.annotations[0].concept, 1);
    }

    /// Concepts named but never used as links, for the title-match prior:
    /// 0 "Ai" (a sloth), 1 "NBC", 2 "January", 3 "Lausanne".
    struct Named(bool);
    impl ConceptGraph for Named {
        fn concept_count(&self) -> usize {
            4
        }
        fn in_links(&self, _: u32, _: &mut Vec<u32>) {}
        fn description(&self, _: u32) -> &str {
            ""
        }
        fn title(&self, concept: u32) -> Option<&str> {
            self.0
                .then(|| ["Ai", "NBC", "January", "Lausanne"][concept as usize])
        }
    }

    /// Concepts: 0 Enrico Fermi, 1 James Clerk Maxwell, 2 April 14.
    struct People;
    impl ConceptGraph for People {
        fn concept_count(&self) -> usize {
            3
        }
        fn in_links(&self, _: u32, _: &mut Vec<u32>) {}
        fn description(&self, _: u32) -> &str {
            ""
        }
        fn title(&self, concept: u32) -> Option<&str> {
            Some(["Enrico Fermi", "James Clerk Maxwell", "April 14"][concept as usize])
        }
    }

    #[test]
    fn whole_names_stand_alone_surnames_and_repeats_follow_and_dates_are_left() {
        let mut b = DictionaryBuilder::new();
        for (i, name) in ["Enrico Fermi", "James Clerk Maxwell", "April 14"]
            .iter()
            .enumerate()
        {
            b.add_name(&phrase_key(name).unwrap(), i as u32);
        }
        // The names occur in 20 documents, never as links; "Maxwell"
        // links to him in one of them.
        // "April 14" is a link wherever it occurs: a date all the same.
        let april = phrase_key("April 14").unwrap();
        b.add_phrase(&april);
        b.add_link(april.key, 2, 20);
        let maxwell = phrase_key("Maxwell").unwrap();
        b.add_phrase(&maxwell);
        b.add_linked_document(maxwell.key);
        b.add_link(maxwell.key, 1, 1);
        for _ in 0..20 {
            let mut found = Vec::new();
            b.add_linked_document(april.key);
            b.phrases_in("enrico fermi maxwell april 14", &mut found);
            b.add_occurrences(&found);
        }
        let bytes = b.finish().unwrap().0;
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &People, LinkerOptions::default());
        let found = |text: &str| -> Vec<(String, u32, bool, bool)> {
            linker
                .link(text)
                .annotations
                .iter()
                .map(|a| {
                    (
                        text[a.byte_start..a.byte_end].to_owned(),
                        a.concept,
                        a.parts.title_prior,
                        a.parts.repeats_name,
                    )
                })
                .collect()
        };
        let text = "Enrico Fermi came on April 14. Later, Fermi left.";
        assert_eq!(
            found(text),
            [
                ("Enrico Fermi".to_owned(), 0, true, false),
                ("Fermi".to_owned(), 0, true, true)
            ]
        );
        assert!(linker.link(text).annotations[0].parts.unambiguous);
        // A surname written with a capital gets the title-match prior,
        // opening a sentence too; in lower case it is no name.
        assert_eq!(
            found("In 1857 Maxwell wrote."),
            [("Maxwell".to_owned(), 1, true, false)]
        );
        assert_eq!(
            found("Maxwell wrote."),
            [("Maxwell".to_owned(), 1, true, false)]
        );
        assert!(found("in 1857 maxwell wrote.").is_empty());
        // The baseline neither repeats names nor links dates.
        let prior = Linker::new(
            d,
            &People,
            LinkerOptions {
                strategy: Strategy::PriorOnly,
                min_score: 0.0,
                ..LinkerOptions::default()
            },
        );
        let spots: Vec<&str> = prior
            .link(text)
            .annotations
            .iter()
            .map(|a| &text[a.byte_start..a.byte_end])
            .collect();
        assert_eq!(spots, ["Enrico Fermi"]);
    }

    #[test]
    fn names_counted_in_no_text_need_evidence_when_asked() {
        // A dictionary of names only: no text was counted.
        let mut b = DictionaryBuilder::new();
        for (i, name) in ["Ai", "NBC", "Jazz", "Lausanne"].iter().enumerate() {
            b.add_name(&phrase_key(name).unwrap(), i as u32);
        }
        let bytes = b.finish().unwrap().0;
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let text = "In jazz the city of Lausanne hosted nbc.";
        let spans = |names_need_evidence: bool| -> Vec<(String, bool)> {
            let options = LinkerOptions {
                min_score: 0.0,
                names_need_evidence,
                ..LinkerOptions::default()
            };
            let w = Linker::new(d, &Named(true), options).link(text);
            w.annotations
                .iter()
                .map(|a| {
                    (
                        text[a.byte_start..a.byte_end].to_owned(),
                        a.parts.title_prior,
                    )
                })
                .collect()
        };
        // Without: every name counts as always linked, lower case or not.
        let all = spans(false);
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all.iter().all(|(_, prior)| !prior));
        // With: only the one written as a name, at the title-match prior.
        assert_eq!(spans(true), [("Lausanne".to_owned(), true)]);
    }

    #[test]
    fn the_title_prior_needs_a_name_written_as_one() {
        let mut b = DictionaryBuilder::new();
        for (i, name) in ["Ai", "NBC", "January", "Lausanne"].iter().enumerate() {
            b.add_name(&phrase_key(name).unwrap(), i as u32);
        }
        // Each occurs in 50 documents and is never a link there.
        for _ in 0..50 {
            let mut found = Vec::new();
            b.phrases_in("ai nbc january lausanne", &mut found);
            b.add_occurrences(&found);
        }
        let bytes = b.finish().unwrap().0;
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let options = LinkerOptions {
            min_score: 0.0,
            ..LinkerOptions::default()
        };
        let text = "In January the city of Lausanne hosted NBC to talk about AI.";
        let spans = |graph: &Named| -> Vec<String> {
            let linker = Linker::new(d, graph, options);
            let w = linker.link(text);
            assert!(w.annotations.iter().all(|a| a.parts.title_prior));
            w.annotations
                .iter()
                .map(|a| text[a.byte_start..a.byte_end].to_owned())
                .collect()
        };
        // A month's capital is spelling; "AI" is not the sloth "Ai".
        assert_eq!(spans(&Named(true)), ["Lausanne", "NBC"]);
        // Without titles, capitals alone decide.
        assert_eq!(spans(&Named(false)), ["Lausanne", "NBC", "AI"]);
    }

    #[test]
    fn offsets_count_code_points() {
        let bytes = dictionary();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &Toy, LinkerOptions::default());
        let text = "Über «Venus» — und Mars";
        let w = linker.link(text);
        let venus = &w.annotations[0];
        assert_eq!(&text[venus.byte_start..venus.byte_end], "Venus");
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            chars[venus.start..venus.end].iter().collect::<String>(),
            "Venus"
        );
        assert_eq!(w.concepts.len(), 2);
        assert!(w.concepts.iter().all(|c| c.score > 0.0 && c.score <= 1.0));
    }

    #[test]
    fn bad_input_is_answered() {
        let bytes = dictionary();
        let d = MentionDictionary::from_bytes(&bytes).unwrap();
        let linker = Linker::new(d, &Toy, LinkerOptions::default());
        assert_eq!(linker.link(""), Wikified::default());
        let long = "x".repeat(1 << 20);
        assert!(linker.link(&long).annotations.is_empty());
        let garbage: String = (0..100_000u32)
            .filter_map(|i| char::from_u32(i.wrapping_mul(7919) % 0x3_0000))
            .collect();
        let _ = linker.link(&garbage);
    }
}
