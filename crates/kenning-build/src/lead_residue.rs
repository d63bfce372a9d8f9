//! What is not the article's prose at the start of a plain text.
//!
//! Plain-text exports of Wikipedia (Wikispeedia's concepts, most text
//! dumps) keep what the page rendered before its first paragraph: the
//! infobox as lines of "Key: value" or aligned columns, the taxobox ranks,
//! image captions (written twice, around "Enlarge"), photo credits,
//! coordinates, "featured article" and "SOS Children" banners, hatnotes.
//! This module owns recognising those pieces; [`crate::plain`] decides
//! where the lead starts. Everything here is pure text in, verdict out.
//!
//! The unit of judgement is a *logical line*: the lines of a block joined
//! where the text was soft-wrapped (the next word would not have fitted on
//! the line, see [`Wrap`]), so a wrapped paragraph is one unit and each
//! infobox row is its own.

use std::borrow::Cow;
use std::collections::HashMap;

/// What kind of residue a logical line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Residue {
    /// "This is a featured article. Click here …", "SOS Children works in …",
    /// "CAPTION: …", "Enlarge", the "Retrieved from …" footer and other
    /// page furniture.
    Banner,
    /// Taxonomy ranks ("Kingdom: Animalia") and taxobox headings.
    Taxobox,
    /// "Photographed by …", "Art by …", "Courtesy of …".
    Credit,
    /// "Image:Map.svg", "File:…".
    File,
    /// Medical infobox codes ("ICD-10 …", "OMIM …").
    Codes,
    /// Geographic coordinates on their own.
    Coordinates,
    /// A footnote of the infobox ("^1 …", "¹ …").
    Footnote,
    /// A horizontal rule ("_____").
    Rule,
    /// One infobox row "Key: value".
    Field,
    /// Several "Key: value" pairs run together on one line.
    Fields,
    /// A hatnote ("This article is about …", "For other uses, see …").
    Hatnote,
    /// A caption repeated from a line before it.
    Repeat,
    /// The article's title on a line of its own.
    Title,
}

impl Residue {
    /// Residue that may stand at the top of the block holding the first
    /// paragraph (a banner or a credit above it) and is simply dropped;
    /// any other residue in a block makes the whole block residue.
    pub(crate) fn is_prefix(self) -> bool {
        matches!(
            self,
            Self::Banner
                | Self::Credit
                | Self::File
                | Self::Rule
                | Self::Hatnote
                | Self::Repeat
                | Self::Title
        )
    }
}

/// Words of `s`.
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// What closes a sentence after its full stop: brackets and quotes.
const CLOSERS: &[char] = &[')', ']', '"', '\'', '”', '’', '»'];

/// `s` without a footnote mark at its end (`^12`, `[12]`, `^[12]`).
fn strip_footnote_mark(s: &str) -> &str {
    if let Some(body) = s.strip_suffix(']') {
        if let Some(open) = body.rfind('[') {
            let digits = &body[open + 1..];
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                let before = &s[..open];
                return before.strip_suffix('^').unwrap_or(before);
            }
        }
        return s;
    }
    let without_digits = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if without_digits.len() < s.len()
        && let Some(before) = without_digits.strip_suffix('^')
    {
        return before;
    }
    s
}

/// Ends with `.`, `!` or `?`, allowing closing brackets, quotes and
/// footnote marks after it.
pub(crate) fn ends_sentence(s: &str) -> bool {
    let mut s = s;
    loop {
        let t = strip_footnote_mark(s.trim_end())
            .trim_end()
            .trim_end_matches(CLOSERS);
        if t == s {
            break;
        }
        s = t;
    }
    s.ends_with(['.', '!', '?'])
}

/// A logical line of running text: at least six words and a sentence end;
/// a long line (20 words or more) may instead hold a sentence end inside
/// it, or be mostly lower-case words (a paragraph cut off before its
/// full stop).
pub(crate) fn is_sentence(u: &str) -> bool {
    let n = word_count(u);
    if n < 6 {
        return false;
    }
    if ends_sentence(u) {
        return true;
    }
    if n < 20 {
        return false;
    }
    // A sentence end inside: two letters, `.`/`!`/`?`, a space, a capital.
    let mut w = [' '; 5];
    let mut inner_end = false;
    for c in u.chars() {
        w = [w[1], w[2], w[3], w[4], c];
        if matches!(w[2], '.' | '!' | '?')
            && w[3] == ' '
            && w[4].is_uppercase()
            && w[1].is_alphabetic()
            && w[0].is_alphabetic()
        {
            inner_end = true;
            break;
        }
    }
    inner_end
        || u.split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
            .count()
            * 2
            >= n
}

/// The byte length of a list marker with its space at the start of `u`
/// (`* `, `• `, `+ `, `- `, `1. `, `2) ` …), or 0.
pub(crate) fn bullet_len(u: &str) -> usize {
    for mark in ["* ", "• ", "+ ", "· ", "– ", "- "] {
        if u.starts_with(mark) {
            return mark.len();
        }
    }
    let b = u.as_bytes();
    let digits = b.iter().take(2).take_while(|c| c.is_ascii_digit()).count();
    if digits >= 1
        && b.len() > digits + 1
        && matches!(b[digits], b'.' | b')')
        && b[digits + 1] == b' '
    {
        return digits + 2;
    }
    0
}

/// `s` lower-cased, at most its first 80 characters (enough for every
/// prefix tested here).
fn lower_start(s: &str) -> String {
    s.chars().take(80).flat_map(char::to_lowercase).collect()
}

const BANNERS: &[&str] = &[
    "this is a featured article",
    "this is a featured list",
    "this is a featured portal",
    "this is a featured picture",
    "click here",
    "click on ",
    "sos children works",
    "sos children has",
    "sos children helps",
    "sos children played",
    "for more information see sos children",
    "this article is currently undergoing",
    "caption:",
    "how to read a taxobox",
    "this page may contain",
    "this page contains",
    "this article may contain",
    "note: this page may contain",
    "note: this article may contain",
    "the title of this article",
    "without proper rendering support",
    "retrieved from",
    "this reference article is mainly selected",
];

fn is_banner(u: &str) -> bool {
    let l = lower_start(u);
    l == "enlarge" || BANNERS.iter().any(|b| l.starts_with(b))
}

const RANKS: &[&str] = &[
    "Kingdom",
    "Subkingdom",
    "Superkingdom",
    "Domain",
    "Phylum",
    "Subphylum",
    "Superphylum",
    "Division",
    "Subdivision",
    "Superdivision",
    "Class",
    "Subclass",
    "Superclass",
    "Infraclass",
    "Order",
    "Suborder",
    "Superorder",
    "Infraorder",
    "Family",
    "Subfamily",
    "Superfamily",
    "Tribe",
    "Subtribe",
    "Genus",
    "Subgenus",
    "Species",
    "Subspecies",
    "Section",
    "Clade",
    "Unranked",
];

const TAXOBOX_HEADINGS: &[&str] = &[
    "Scientific classification",
    "Conservation status",
    "Binomial name",
    "Trinomial name",
];

/// A taxobox line: a heading, a line starting with a rank, or three or
/// more ranks run together ("Kingdom: Animalia Phylum: Chordata Class: …").
fn is_taxobox(u: &str) -> bool {
    if TAXOBOX_HEADINGS.contains(&u) {
        return true;
    }
    if RANKS
        .iter()
        .any(|r| u.strip_prefix(r).is_some_and(|rest| rest.starts_with(':')))
    {
        return true;
    }
    if !u.contains(": ") {
        return false;
    }
    let mut found: Vec<&str> = Vec::new();
    let mut words = u.split(' ').peekable();
    while let Some(w) = words.next() {
        if words.peek().is_none() {
            break;
        }
        if let Some(rank) = w.strip_suffix(':')
            && RANKS.contains(&rank)
            && !found.contains(&rank)
        {
            found.push(rank);
        }
    }
    found.len() >= 3
}

const CREDIT_WORDS: &[&str] = &[
    "photographed",
    "photograph",
    "photo",
    "picture",
    "painting",
    "portrait",
    "drawing",
    "image",
    "engraving",
    "illustration",
    "art",
    "pencils",
    "inks",
    "cover art",
    "artwork",
];

/// A credit at the start of `u`: "Photographed by …", "Art by …",
/// "Photo taken by …", "Courtesy of …".
fn credit_at(u: &str) -> bool {
    // Every credit starts with one of these letters.
    if !u.starts_with(|c: char| "acdeipACDEIP".contains(c)) {
        return false;
    }
    let l = lower_start(u);
    if ["courtesy of", "photo:", "photo credit"]
        .iter()
        .any(|p| l.starts_with(p))
    {
        return true;
    }
    CREDIT_WORDS.iter().any(|w| {
        let Some(mut rest) = l.strip_prefix(w) else {
            return false;
        };
        if rest.starts_with(" taken ") {
            rest = &rest[" taken".len()..];
        }
        rest.starts_with(" courtesy") || rest == " by" || rest.starts_with(" by ")
    })
}

/// A credit at the start of `u` or of one of its sentences.
fn is_credit(u: &str) -> bool {
    credit_at(u) || u.match_indices(". ").any(|(i, _)| credit_at(&u[i + 2..]))
}

fn is_file(u: &str) -> bool {
    let l = lower_start(u);
    ["image:", "file:", "media:"].iter().any(|p| {
        l.strip_prefix(p)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| !c.is_whitespace())
    })
}

fn is_codes(u: &str) -> bool {
    if let Some(rest) = u.strip_prefix("ICD-") {
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
    }
    ["OMIM", "DiseasesDB", "MedlinePlus", "eMedicine", "MeSH"]
        .iter()
        .any(|p| {
            u.strip_prefix(p)
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
}

/// "Coordinates …", or a line of coordinates with fewer than three words
/// around them.
fn is_coordinates(u: &str) -> bool {
    if lower_start(u).starts_with("coordinates") {
        return true;
    }
    if !u.contains('°') {
        return false;
    }
    let wordy = u
        .split_whitespace()
        .filter(|t| {
            !t.contains('°')
                && t.as_bytes()
                    .windows(2)
                    .any(|w| w[0].is_ascii_alphabetic() && w[1].is_ascii_alphabetic())
        })
        .count();
    wordy < 3
}

fn is_footnote(u: &str) -> bool {
    let mut cs = u.chars();
    let (Some(a), Some(b)) = (cs.next(), cs.next()) else {
        return false;
    };
    (a == '^' && b.is_ascii_digit()) || ("¹²³⁴⁵⁶⁷⁸⁹⁰".contains(a) && b.is_whitespace())
}

fn is_rule(u: &str) -> bool {
    u.chars().all(|c| "_-=*~·•".contains(c)) && u.chars().count() >= 3
}

fn key_word_ok(w: &str) -> bool {
    let w = w.strip_suffix("(s)").unwrap_or(w);
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_alphanumeric() || "_'’/&.-".contains(c))
}

/// One infobox row: a short capitalised key of at most four words, a colon
/// and the value ("Population: 2,497", "Genre(s): Sitcom"); a long line
/// ending in a full stop is prose that happens to start with a key.
fn is_field(u: &str) -> bool {
    let Some(i) = u.find(':') else {
        return false;
    };
    if i == 0
        || u[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace())
    {
        return false;
    }
    let key = &u[..i];
    if !key.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let words: Vec<&str> = key.split(' ').collect();
    if words.len() > 4 || !words.iter().all(|w| key_word_ok(w)) {
        return false;
    }
    !(word_count(u) >= 12 && ends_sentence(u))
}

/// `u` with bracketed asides removed (innermost first, three levels).
fn without_parentheses(u: &str) -> String {
    let mut s = u.to_owned();
    for _ in 0..3 {
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(open) = rest.find('(') {
            let after = &rest[open + 1..];
            match after.find(['(', ')']) {
                Some(close) if after[close..].starts_with(')') => {
                    out.push_str(&rest[..open]);
                    out.push(' ');
                    rest = &after[close + 1..];
                }
                _ => {
                    out.push_str(&rest[..=open]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        s = out;
    }
    s
}

/// Several "Key: value" pairs on one line, keys making at least one word
/// in five (outside brackets, so a lead's "(Greek: …; Latin: …)" does
/// not count).
fn is_fields(u: &str) -> bool {
    if u.matches(':').nth(1).is_none() {
        return false;
    }
    let bare = without_parentheses(u);
    let tokens: Vec<&str> = bare.split_whitespace().collect();
    let keys = tokens
        .iter()
        .take(tokens.len().saturating_sub(1))
        .filter(|t| {
            t.chars().count() >= 2
                && t.strip_suffix(':').is_some_and(|k| {
                    k.chars()
                        .all(|c| c.is_alphanumeric() || "_'’()/-".contains(c))
                })
        })
        .count();
    keys >= 2 && keys * 5 >= tokens.len()
}

/// The kind of infobox residue a logical line is, if it is one. A list
/// item is only ever a banner or a credit: lists of "term: meaning" are
/// prose.
pub(crate) fn residue(u: &str) -> Option<Residue> {
    let bullet = bullet_len(u);
    if bullet > 0 {
        let item = &u[bullet..];
        return if is_banner(item) {
            Some(Residue::Banner)
        } else if is_credit(item) {
            Some(Residue::Credit)
        } else {
            None
        };
    }
    type Check = fn(&str) -> bool;
    let checks: [(Check, Residue); 10] = [
        (is_banner, Residue::Banner),
        (is_taxobox, Residue::Taxobox),
        (is_credit, Residue::Credit),
        (is_file, Residue::File),
        (is_codes, Residue::Codes),
        (is_coordinates, Residue::Coordinates),
        (is_footnote, Residue::Footnote),
        (is_rule, Residue::Rule),
        (is_field, Residue::Field),
        (is_fields, Residue::Fields),
    ];
    checks
        .iter()
        .find(|(check, _)| check(u))
        .map(|&(_, kind)| kind)
}

/// A hatnote: a short line (under 40 words) pointing the reader to other
/// articles. Only used on blank-line separated text: in WikiExtractor's
/// output hatnotes are gone and "This article is about …" starts real
/// leads.
pub(crate) fn is_hatnote(u: &str) -> bool {
    let words: Vec<&str> = u.split_whitespace().take(40).collect();
    if words.len() >= 40 {
        return false;
    }
    if words.len() >= 3
        && words[0] == "For"
        && ["other", "the", "a", "an", "more", "information"].contains(&words[1])
        && words[2..]
            .iter()
            .any(|w| w.trim_matches(|c| ".,;:()".contains(c)) == "see")
    {
        return true;
    }
    if words.len() >= 2 && words[0] == "See" && words.iter().skip(1).take(24).any(|w| *w == "for") {
        return true;
    }
    let starts = [
        "Not to be confused with",
        "This article is about",
        "This article covers",
        "This article describes",
        "This article deals with",
        "Distinguish from",
    ];
    if starts.iter().any(|p| u.starts_with(p)) {
        return true;
    }
    if u.starts_with('"') {
        // `"Plum" is also a nickname for …`
        if let Some((j, (byte, _))) = u
            .char_indices()
            .enumerate()
            .skip(1)
            .find(|(_, (_, c))| *c == '"')
        {
            let rest = &u[byte + 1..];
            if (2..=61).contains(&j)
                && [" is also", " was also", " may also"]
                    .iter()
                    .any(|p| rest.starts_with(p))
            {
                return true;
            }
        }
    }
    u.contains("may also refer to") || u.contains("redirects here") || u.contains("redirect here")
}

/// The words of a line, lower-cased, as sorted hashes (for [`alike`]).
pub(crate) type Tokens = Vec<u64>;

/// The lower-cased words of a line (runs of letters, digits and `_`),
/// hashed and sorted.
pub(crate) fn tokens(line: &str) -> Tokens {
    let mut out = Vec::new();
    hash_words(line, |h| {
        out.push(h);
        true
    });
    out.sort_unstable();
    out
}

/// The hash of a line's first word (as in [`tokens`]), if it has one.
fn first_token(line: &str) -> Option<u64> {
    let mut first = None;
    hash_words(line, |h| {
        first = Some(h);
        false
    });
    first
}

/// Calls `each` with the hash of every lower-cased word of `line` in
/// order, while it returns true.
fn hash_words(line: &str, mut each: impl FnMut(u64) -> bool) {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h = SEED;
    let mut in_word = false;
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            let l = c.to_ascii_lowercase();
            h = (h ^ u64::from(u32::from(l))).wrapping_mul(0x0100_0000_01b3);
            in_word = true;
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                h = (h ^ u64::from(u32::from(l))).wrapping_mul(0x0100_0000_01b3);
            }
            in_word = true;
        } else if in_word {
            if !each(h) {
                return;
            }
            h = SEED;
            in_word = false;
        }
    }
    if in_word {
        each(h);
    }
}

/// How much of two groups of lines is the same words: the shared words
/// (with repeats) and the words of the larger group. Captions are written
/// twice, sometimes with a word changed ("harbor"/"harbour") or wrapped
/// differently.
fn similarity(a: &[Tokens], b: &[Tokens]) -> (usize, usize) {
    let (na, nb) = (
        a.iter().map(Vec::len).sum::<usize>(),
        b.iter().map(Vec::len).sum::<usize>(),
    );
    let larger = na.max(nb);
    // At least four words in five shared is out of reach: say none.
    if na == 0 || nb == 0 || na.min(nb) * 5 < larger * 4 {
        return (0, larger.max(1));
    }
    fn merged(g: &[Tokens]) -> Cow<'_, [u64]> {
        if let [one] = g {
            Cow::Borrowed(one.as_slice())
        } else {
            let mut all: Vec<u64> = g.iter().flatten().copied().collect();
            all.sort_unstable();
            Cow::Owned(all)
        }
    }
    let (x, y) = (merged(a), merged(b));
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (common, larger)
}

/// At least four words in five shared.
fn shared_enough((common, larger): (usize, usize)) -> bool {
    common * 5 >= larger * 4
}

/// Whether two groups of lines (given as [`tokens`]) are the same text,
/// give or take a word: a caption written twice.
pub(crate) fn alike(a: &[Tokens], b: &[Tokens]) -> bool {
    shared_enough(similarity(a, b))
}

/// Blocks longer than this are not searched for repeated captions.
const MAX_CAPTION_SEARCH_LINES: usize = 1000;

/// The lines of a block without its image captions: a caption written
/// before and after an "Enlarge" line (the copies may differ by a word or
/// be wrapped differently), and any group of up to 12 lines repeated right
/// after itself (starting with the same word). When an "Enlarge" has no
/// copy around it to say where the caption stops, the whole block is taken
/// for a caption.
pub(crate) fn remove_captions<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let t: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
    let n = t.len();
    // Words of each line, computed when first needed.
    let mut toks: Vec<Tokens> = vec![Vec::new(); n];
    let mut known = vec![false; n];
    let mut need = |toks: &mut Vec<Tokens>, range: std::ops::Range<usize>| {
        for i in range {
            if !known[i] {
                toks[i] = tokens(t[i]);
                known[i] = true;
            }
        }
    };
    let mut keep = vec![true; n];
    for k in 0..n {
        if t[k] != "Enlarge" {
            continue;
        }
        keep[k] = false;
        let mut best: Option<(f64, usize, usize, usize)> = None;
        need(&mut toks, k.saturating_sub(20)..n.min(k + 21));
        for g in 1..=k.min(20) {
            for g2 in 1..=20 {
                if k + g2 >= n {
                    break;
                }
                let sim = similarity(&toks[k - g..k], &toks[k + 1..k + 1 + g2]);
                if !shared_enough(sim) {
                    continue;
                }
                let score = sim.0 as f64 / sim.1 as f64;
                if best.is_none_or(|(s, sum, _, _)| (score, g + g2) > (s, sum)) {
                    best = Some((score, g + g2, g, g2));
                }
            }
        }
        match best {
            Some((_, _, g, g2)) => keep[k - g..=k + g2].iter_mut().for_each(|x| *x = false),
            None => return Vec::new(),
        }
    }
    if n <= MAX_CAPTION_SEARCH_LINES {
        let firsts: Vec<Option<u64>> = t.iter().map(|l| first_token(l)).collect();
        for g in (1..=12).rev() {
            for i in 0..(n + 1).saturating_sub(2 * g) {
                if firsts[i].is_none() || firsts[i] != firsts[i + g] {
                    continue;
                }
                need(&mut toks, i..i + 2 * g);
                if alike(&toks[i..i + g], &toks[i + g..i + 2 * g]) {
                    keep[i..i + 2 * g].iter_mut().for_each(|x| *x = false);
                }
            }
        }
    }
    lines
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| *l)
        .collect()
}

/// Spaces before the first character.
pub(crate) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Where the text of a list item starts (its wrapped lines align there).
fn content_indent(line: &str) -> usize {
    let spaces = indent(line);
    let rest = &line[spaces..];
    for mark in ["* ", "• ", "+ ", "· ", "– ", "- "] {
        if rest.starts_with(mark) {
            return spaces + mark.chars().count();
        }
    }
    spaces
}

/// Whether `t` holds three spaces in a row (a table row's columns).
fn has_three_spaces(t: &str) -> bool {
    let mut run = 0;
    for b in t.bytes() {
        run = if b == b' ' { run + 1 } else { 0 };
        if run == 3 {
            return true;
        }
    }
    false
}

/// How many lines at the start of a text are measured for [`Wrap`].
const MEASURED_LINES: usize = 300;

/// How the text was wrapped: the width of its lines and the indentation
/// of its paragraphs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wrap {
    /// The column text was wrapped at; `usize::MAX` when it was not.
    pub(crate) width: usize,
    /// The indentation of the body's paragraphs: the most common one among
    /// long lines (or lines of six words and more when the text is not
    /// wrapped).
    pub(crate) body_indent: usize,
}

impl Wrap {
    /// Measures a text: the width is the longest line length shared by at
    /// least one line in fifty (and two lines), capped by the 90th
    /// percentile, among lines of two words or more that are not table
    /// rows (a short text with no shared length: its longest line), over
    /// the first 300 lines (tables further down would over-estimate it).
    /// Under-estimating it only joins a few infobox rows; over-estimating
    /// it would split paragraphs.
    pub(crate) fn of(text: &str) -> Self {
        let lines: Vec<&str> = text.split('\n').take(MEASURED_LINES).collect();
        let lens: Vec<usize> = lines.iter().map(|l| l.trim_end().chars().count()).collect();
        // The lengths of the lines that may be wrapped, sorted.
        let mut measured: Vec<usize> = lines
            .iter()
            .zip(&lens)
            .filter(|(l, _)| {
                let t = l.trim();
                t.contains(char::is_whitespace) && !has_three_spaces(t)
            })
            .map(|(_, &len)| len)
            .collect();
        measured.sort_unstable();
        let least = (measured.len() / 50).max(2);
        // The longest length shared by `least` lines.
        let shared = measured
            .chunk_by(|a, b| a == b)
            .rev()
            .find(|run| run.len() >= least)
            .map(|run| run[0]);
        let width = shared
            .map(|w| w.min(measured[measured.len() * 9 / 10]))
            .or_else(|| measured.last().copied())
            .unwrap_or(usize::MAX);
        // The body's lines: the long ones of wrapped text, else those with
        // a few words.
        let mut indents: HashMap<usize, usize> = HashMap::new();
        for (l, &len) in lines.iter().zip(&lens) {
            let body = if width == usize::MAX {
                l.split_whitespace().nth(5).is_some()
            } else {
                len >= width * 3 / 4 && !l.trim().is_empty()
            };
            if body {
                *indents.entry(indent(l)).or_default() += 1;
            }
        }
        let body_indent = indents
            .into_iter()
            .max_by_key(|&(i, c)| (c, std::cmp::Reverse(i)))
            .map_or(0, |(i, _)| i);
        Self { width, body_indent }
    }

    /// The logical lines of a block: a line continues the previous one when
    /// its first word would not have fitted there (with three columns of
    /// slack) and it is indented like it (or like the text of its list
    /// item). Whitespace is normalised.
    pub(crate) fn units(&self, lines: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut prev: Option<&str> = None;
        for &l in lines {
            let first = l.split_whitespace().next().map_or(0, |w| w.chars().count());
            let soft = prev.is_some_and(|p| {
                p.trim_end().chars().count() + 1 + first + 3 > self.width
                    && (indent(l) == indent(p) || indent(l) == content_indent(p))
            });
            match out.last_mut() {
                Some(last) if soft => {
                    last.push(' ');
                    last.push_str(l.trim());
                }
                _ => out.push(l.trim().to_owned()),
            }
            prev = Some(l);
        }
        out.into_iter()
            .map(|u| {
                let mut one = String::with_capacity(u.len());
                for w in u.split_whitespace() {
                    if !one.is_empty() {
                        one.push(' ');
                    }
                    one.push_str(w);
                }
                one
            })
            .filter(|u| !u.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_their_endings() {
        assert!(is_sentence("The river is long and it floods every spring."));
        assert!(is_sentence("He wrote the book (in 1850)."));
        assert!(is_sentence("It is the largest lake of the region.^3"));
        assert!(is_sentence("The lake is the largest of the region.[2]"));
        assert!(!is_sentence("Born 12 May 1901 in Ulm"));
        assert!(!is_sentence("Seen from the hill."));
        // Long, cut off before its full stop, but running text.
        assert!(is_sentence(
            "The town lies on the east bank of the river and is the seat of the district with a market that has been held there since the middle ages"
        ));
    }

    #[test]
    fn key_value_rows_are_fields() {
        assert_eq!(
            residue("Population: 2,497 (2001 census)"),
            Some(Residue::Field)
        );
        assert_eq!(residue("Genre(s): Sitcom"), Some(Residue::Field));
        assert_eq!(
            residue("Main interests: Logic, Ethics"),
            Some(Residue::Field)
        );
        assert_eq!(
            residue("Seal of the town Capital: Northtown Mayor: Ann Currency: Crown (CRN)"),
            Some(Residue::Fields)
        );
        // A sentence that merely contains a colon stays.
        assert_eq!(
            residue("Among his interests were: rivers, bridges and old maps of the town."),
            None
        );
        assert_eq!(
            residue(
                "Note: the village was rebuilt after the fire and its church was consecrated again in 1702."
            ),
            None
        );
        // Language asides in brackets are not fields.
        assert_eq!(
            residue(
                "Velmora (Latin: Velmoria; Greek: Belmora; Old Norse: Velmur) is a small town in the north."
            ),
            None
        );
    }

    #[test]
    fn bracketed_asides_are_removed_innermost_first() {
        let words = |s: &str| {
            without_parentheses(s)
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words("a (b (c) d) e"), ["a", "e"]);
        assert_eq!(words("a (b e"), ["a", "(b", "e"]);
        assert_eq!(words("a ( ( ) ( ) ) ( b) c)"), ["a", "c)"]);
        // Three levels at most.
        assert_eq!(words("a ((((x)))) b"), ["a", "(", ")", "b"]);
    }

    #[test]
    fn taxobox_ranks() {
        assert_eq!(residue("Kingdom: Animalia"), Some(Residue::Taxobox));
        assert_eq!(residue("Scientific classification"), Some(Residue::Taxobox));
        assert_eq!(
            residue("Kingdom: Plantae Division: Magnoliophyta Class: Liliopsida Order: Poales"),
            Some(Residue::Taxobox)
        );
        // Two ranks in running text are not a taxobox.
        assert_eq!(
            residue(
                "Its place in the Order: Primates and the Class: Mammalia was settled long ago, as the book explains."
            ),
            None
        );
    }

    #[test]
    fn credits_files_coordinates_banners() {
        assert_eq!(
            residue("Photographed by A. Smith (1950)"),
            Some(Residue::Credit)
        );
        assert_eq!(
            residue("A heron at dawn. Photo taken by the author."),
            Some(Residue::Credit)
        );
        assert_eq!(residue("Image:Riverton_map.svg"), Some(Residue::File));
        assert_eq!(
            residue("Coordinates: 51°30′N 0°7′W"),
            Some(Residue::Coordinates)
        );
        assert_eq!(residue("12°30′N 45°10′E"), Some(Residue::Coordinates));
        assert_eq!(
            residue("This is a featured article. Click here for more information."),
            Some(Residue::Banner)
        );
        assert_eq!(
            residue("SOS Children works in Nowhere. For more information see …"),
            Some(Residue::Banner)
        );
        assert_eq!(
            residue("^1 Estimated by the town council, 2004."),
            Some(Residue::Footnote)
        );
        assert_eq!(residue("____________"), Some(Residue::Rule));
        assert_eq!(residue("ICD-10 A 12.3"), Some(Residue::Codes));
        // Prose that names a place's coordinates or a photograph stays.
        assert_eq!(
            residue("Holmby ( 52°10′N 1°02′W) is a village on the old road to the coast."),
            None
        );
        assert_eq!(
            residue("Photography is the craft of recording light on a sensitive surface."),
            None
        );
        // In a list, a "term: meaning" item is prose.
        assert_eq!(
            residue("* Gravimetric: the mass of water over the mass of soil"),
            None
        );
    }

    #[test]
    fn hatnotes() {
        assert!(is_hatnote(
            "This article is about the river. For the town, see Holm (town)."
        ));
        assert!(is_hatnote("For other uses, see Holm (disambiguation)."));
        assert!(is_hatnote("\"Holm\" is also a surname."));
        assert!(!is_hatnote("Holm is a river in the north of the country."));
        // A paragraph that happens to use the words stays prose.
        assert!(!is_hatnote(
            "Holm, in its broadest sense, is the low ground along a river that floods in winter. Most often it means the meadows of the valley, but it may also refer to the small islands of gravel in the river bed that the farmers of the valley used for grazing their sheep."
        ));
    }

    #[test]
    fn captions_around_enlarge_and_repeated_are_removed() {
        let lines = [
            "   The old bridge seen from the",
            "   harbor at dawn.",
            "   Enlarge",
            "   The old bridge seen from the",
            "   harbour at dawn.",
        ];
        assert!(remove_captions(&lines).is_empty());
        let lines = [
            "   A map of the valley.",
            "   A map of the valley.",
            "   Born 1901",
        ];
        assert_eq!(remove_captions(&lines), vec!["   Born 1901"]);
        let prose = ["   The valley is long.", "   It is also very green."];
        assert_eq!(remove_captions(&prose), prose.to_vec());
    }

    #[test]
    fn wrapped_lines_join_and_rows_stay_apart() {
        let para = "   The valley of the river Holm is long and green, and it is known for its\n   old bridges and its mills.";
        let text =
            format!("{para}\n\n{para}\n\n{para}\n\n   Kingdom: Animalia\n   Phylum:  Chordata\n");
        let wrap = Wrap::of(&text);
        assert_eq!(wrap.body_indent, 3);
        let lines: Vec<&str> = para.lines().collect();
        assert_eq!(wrap.units(&lines).len(), 1);
        assert_eq!(
            wrap.units(&["   Kingdom: Animalia", "   Phylum:  Chordata"])
                .len(),
            2
        );
    }
}
