//! The shape of names and dates in running text: which spots are written
//! as a whole name ("Enrico Fermi", "Bank of England", "T. S. Eliot") or
//! as a date ("April 14", "1947"), whether a title is a person's name
//! ending with a given word, and which later words repeat part of a name
//! linked earlier ("Fermi", "WTO", "U.N.").

use std::collections::HashMap;

use crate::capitals::{capitalised_by_spelling, in_capitals};
use crate::linker::FastMap;
use crate::phrase::{PhraseHasher, Token};

/// Small words that may stand inside a name without a capital ("Bank
/// of England", "Ludwig van Beethoven"). Sorted (a test checks).
const NAME_CONNECTIVES: &[&str] = &[
    "and", "da", "de", "del", "der", "di", "du", "for", "la", "le", "of", "the", "van", "von",
];

/// Whether `word` starts with a capital and is not all capitals: how a
/// name's words are written in running text ("Fermi", not "FERMI" or
/// "physics").
pub(crate) fn title_cased(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

fn connective(word: &str) -> bool {
    word.len() <= 3 && NAME_CONNECTIVES.binary_search(&word).is_ok()
}

/// Words that make a name of the one that follows without being part of
/// it ("Mr Clinton"), besides titles of office. Sorted.
const HONORIFICS: &[&str] = &["dame", "dr", "lady", "mr", "mrs", "ms", "prof", "sir", "st"];

/// A single capital letter: an initial ("T. S. Eliot", "F.C.").
fn initial(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
}

/// A word of a name: title-cased, or an initial.
fn name_word(word: &str) -> bool {
    title_cased(word) || initial(word)
}

/// Whether tokens `first..=last` of `text` are written as a whole name:
/// several words, each title-cased, an initial or (not first or last) a
/// connective, one title-cased at least.
pub(crate) fn written_as_full_name(
    text: &str,
    tokens: &[Token],
    first: usize,
    last: usize,
) -> bool {
    if last <= first {
        return false;
    }
    let word = |i: usize| &text[tokens[i].start..tokens[i].end];
    name_word(word(first))
        && name_word(word(last))
        && (first + 1..last).all(|i| name_word(word(i)) || connective(word(i)))
        && (first..=last).any(|i| title_cased(word(i)))
}

/// Whether `title` is a name of two or three title-cased words (no
/// connective, no qualifier) whose last word is `word`: a person's name
/// and its surname ("James Clerk Maxwell", "Maxwell").
pub(crate) fn a_name_ending_with(title: &str, word: &str) -> bool {
    let Some(rest) = title
        .strip_suffix(word)
        .and_then(|rest| rest.strip_suffix(' '))
    else {
        return false;
    };
    let words = rest.split(' ').count() + 1;
    (2..=3).contains(&words)
        && rest.split(' ').all(|w| name_word(w.trim_end_matches('.')))
        && name_word(word)
}

/// The months, lower case, in order.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether tokens `first..=last` of `text` are written as a date rather
/// than a concept: a month with or without its day ("May", "April 14",
/// "14 April"), a century ("5th century"), or a year ("1947", "1990s").
pub(crate) fn written_as_date(text: &str, tokens: &[Token], first: usize, last: usize) -> bool {
    let word = |i: usize| &text[tokens[i].start..tokens[i].end];
    let digits = |w: &str, most: usize| w.len() <= most && w.bytes().all(|b| b.is_ascii_digit());
    let month = |w: &str| MONTHS.iter().any(|m| m.eq_ignore_ascii_case(w));
    let ordinal = |w: &str| {
        let n = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        !n.is_empty() && digits(n, 2) && matches!(&w[n.len()..], "st" | "nd" | "rd" | "th")
    };
    let year = |w: &str| {
        let n = w.strip_suffix('s').unwrap_or(w);
        n.len() >= 3 && digits(n, 4)
    };
    match last - first {
        0 => month(word(first)) || year(word(first)),
        1 => {
            let (a, b) = (word(first), word(last));
            (month(a) && digits(b, 2))
                || (digits(a, 2) && month(b))
                || (ordinal(a)
                    && (b.eq_ignore_ascii_case("century") || b.eq_ignore_ascii_case("millennium")))
        }
        _ => false,
    }
}

/// Whether a capital on token `i` says it is a name: it does not start a
/// sentence and spelling does not explain it (`capitals`).
pub(crate) fn capital_says_name(text: &str, tokens: &[Token], i: usize) -> bool {
    let sentence_start = text[..tokens[i].start]
        .trim_end()
        .chars()
        .last()
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '"' | '\n'));
    !sentence_start && !capitalised_by_spelling(&text[tokens[i].start..tokens[i].end])
}

/// Words that open English sentences without being names ("Then Bush
/// spoke"): one of them before a word does not make the two one name.
/// Sorted.
const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "after",
    "although",
    "an",
    "and",
    "as",
    "at",
    "because",
    "before",
    "both",
    "but",
    "by",
    "for",
    "from",
    "however",
    "if",
    "in",
    "later",
    "meanwhile",
    "now",
    "on",
    "since",
    "so",
    "that",
    "the",
    "then",
    "this",
    "though",
    "to",
    "under",
    "when",
    "where",
    "while",
    "with",
    "yet",
];

fn sentence_opener(word: &str) -> bool {
    word.len() <= 9
        && SENTENCE_OPENERS
            .binary_search(&word.to_lowercase().as_str())
            .is_ok()
}

fn honorific(word: &str) -> bool {
    word.len() <= 4
        && HONORIFICS
            .binary_search(&word.to_lowercase().as_str())
            .is_ok()
}

/// The most initials an acronym written with full stops is read over.
const MAX_INITIALS: usize = 8;

/// A linked name that later words may repeat: the tokens of its
/// annotation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LinkedName {
    pub(crate) first: usize,
    pub(crate) last: usize,
    /// Its annotation, by index.
    pub(crate) annotation: usize,
}

/// A later mention repeating part of a linked name: its tokens and the
/// name's annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Repeat {
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) annotation: usize,
}

/// The shorter forms a name is repeated by later in a text: its last
/// words ("Fermi", "Suu Kyi") when it has no "of"/"and"/"for"/"the"; its
/// first words when several ("Federal Reserve"), or one followed by
/// initials only ("Chelsea F.C."); its initials ("WTO", "U.N."). Keys
/// are phrase keys (lower-cased), initials are upper-case strings.
fn short_forms(
    text: &str,
    tokens: &[Token],
    hashes: &[u64],
    name: LinkedName,
    mut form: impl FnMut(u64, usize),
    mut initials: impl FnMut(String),
) {
    let word = |i: usize| &text[tokens[i].start..tokens[i].end];
    let span = name.first..=name.last;
    let titled: Vec<usize> = span.clone().filter(|&i| title_cased(word(i))).collect();
    let phrase = |from: usize, to: usize| {
        let mut h = PhraseHasher::new();
        for &x in &hashes[from..=to] {
            h.push_hash(x);
        }
        h.key()
    };
    let organisation = span
        .clone()
        .any(|i| matches!(word(i), "of" | "and" | "for" | "the"));
    if !organisation {
        for from in name.first + 1..=name.last {
            if title_cased(word(from)) && (from..=name.last).all(|i| name_word(word(i))) {
                form(phrase(from, name.last), name.last - from + 1);
            }
        }
    }
    for to in name.first..name.last {
        if !title_cased(word(to)) {
            continue;
        }
        let words = (name.first..=to).filter(|&i| title_cased(word(i))).count();
        let rest_initials = (to + 1..=name.last).all(|i| initial(word(i)));
        if words >= 2 || (words == 1 && rest_initials && title_cased(word(name.first))) {
            form(phrase(name.first, to), to - name.first + 1);
        }
    }
    if titled.len() >= 2 {
        let letters: String = titled
            .iter()
            .filter_map(|&i| word(i).chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        initials(letters);
    }
}

/// Later mentions that repeat part of a name linked earlier (see
/// [`short_forms`]), on tokens no annotation covers (`covered`), written
/// as a name and not inside a longer one: each repeats the latest name
/// before it that has this form. `names` are in text order.
pub(crate) fn repeated_names(
    text: &str,
    tokens: &[Token],
    hashes: &[u64],
    covered: &[bool],
    names: &[LinkedName],
) -> Vec<Repeat> {
    let mut repeats = Vec::new();
    if names.is_empty() {
        return repeats;
    }
    let word = |i: usize| &text[tokens[i].start..tokens[i].end];
    // Only spaces between tokens `i` and `i + 1`.
    let adjacent = |i: usize| {
        i + 1 < tokens.len()
            && text[tokens[i].end..tokens[i + 1].start]
                .chars()
                .all(|c| c == ' ')
    };
    let mut forms: FastMap<u64, usize> = FastMap::default();
    let mut longest = 0usize;
    let mut acronyms: HashMap<String, usize> = HashMap::new();
    let mut next = 0usize;
    let mut i = 0usize;
    while i < tokens.len() {
        while next < names.len() && names[next].last < i {
            let name = names[next];
            short_forms(
                text,
                tokens,
                hashes,
                name,
                |key, len| {
                    forms.insert(key, name.annotation);
                    longest = longest.max(len);
                },
                |letters| {
                    acronyms.insert(letters, name.annotation);
                },
            );
            next += 1;
        }
        if covered[i] || (forms.is_empty() && acronyms.is_empty()) {
            i += 1;
            continue;
        }
        let w = word(i);
        // Most words are in lower case: no name starts there.
        if !w.chars().next().is_some_and(char::is_uppercase) {
            i += 1;
            continue;
        }
        let after_name = i > 0 && adjacent(i - 1) && {
            let before = word(i - 1);
            name_word(before)
                && !honorific(before)
                && !capitalised_by_spelling(before)
                && (capital_says_name(text, tokens, i - 1) || !sentence_opener(before))
        };
        let mut found = None;
        if title_cased(w) && !after_name {
            let mut h = PhraseHasher::new();
            for j in i..tokens.len().min(i + longest) {
                if covered[j] || !name_word(word(j)) || (j > i && !adjacent(j - 1)) {
                    break;
                }
                h.push_hash(hashes[j]);
                let continues = adjacent(j) && name_word(word(j + 1));
                if let Some(&a) = forms.get(&h.key())
                    && !continues
                {
                    found = Some((j, a));
                }
            }
        } else if in_capitals(w) && w.len() <= 6 && !after_name {
            if let Some(&a) = acronyms.get(w) {
                found = Some((i, a));
            }
        } else if initial(w) && !after_name {
            // "U.N.": initials joined by full stops (a few: a text of
            // initials alone is not searched again from each of them).
            let mut letters = String::from(w);
            let mut last = i;
            while last - i < MAX_INITIALS
                && last + 1 < tokens.len()
                && &text[tokens[last].end..tokens[last + 1].start] == "."
                && initial(word(last + 1))
                && !covered[last + 1]
            {
                last += 1;
                letters.push_str(word(last));
            }
            if last > i
                && let Some(&a) = acronyms.get(&letters)
            {
                found = Some((last, a));
            }
        }
        match found {
            Some((last, annotation)) => {
                repeats.push(Repeat {
                    first: i,
                    last,
                    annotation,
                });
                i = last + 1;
            }
            None => i += 1,
        }
    }
    repeats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase::Tokens;

    #[test]
    fn the_word_lists_are_sorted() {
        for list in [NAME_CONNECTIVES, HONORIFICS, SENTENCE_OPENERS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn whole_names() {
        let full = |text: &str| {
            let tokens: Vec<Token> = Tokens::new(text).collect();
            written_as_full_name(text, &tokens, 0, tokens.len() - 1)
        };
        assert!(full("Enrico Fermi"));
        assert!(full("Bank of England"));
        assert!(!full("Fermi"));
        assert!(!full("ENRICO FERMI"));
        assert!(!full("quantum physics"));
        assert!(!full("Bank of"));
        assert!(full("T. S. Eliot"));
        assert!(!full("U.S."));
    }

    fn tokens(text: &str) -> Vec<Token> {
        Tokens::new(text).collect()
    }

    #[test]
    fn dates() {
        let date = |text: &str| {
            let t = tokens(text);
            written_as_date(text, &t, 0, t.len() - 1)
        };
        for d in [
            "May",
            "April 14",
            "14 April",
            "5th century",
            "1947",
            "1990s",
        ] {
            assert!(date(d), "{d}");
        }
        for d in [
            "Mayor",
            "April Fools",
            "42",
            "100 years",
            "Clinton",
            "5th Avenue",
        ] {
            assert!(!date(d), "{d}");
        }
    }

    #[test]
    fn surnames_of_names() {
        assert!(a_name_ending_with("James Clerk Maxwell", "Maxwell"));
        assert!(a_name_ending_with("Michael Faraday", "Faraday"));
        assert!(!a_name_ending_with("Maxwell", "Maxwell"));
        assert!(!a_name_ending_with("Bank of England", "England"));
        assert!(!a_name_ending_with("Mercury (planet)", "Mercury"));
        assert!(!a_name_ending_with("Michael Faraday", "Michael"));
    }

    /// The repeats found in `text` after linking the whole names
    /// `linked` (exact substrings), as `(repeat, name)` strings.
    fn repeats(text: &str, linked: &[&str]) -> Vec<(String, String)> {
        let t = tokens(text);
        let hashes: Vec<u64> = t
            .iter()
            .map(|x| crate::phrase::token_hash(&text[x.start..x.end]))
            .collect();
        let mut covered = vec![false; t.len()];
        let mut names = Vec::new();
        for (n, name) in linked.iter().enumerate() {
            let at = text.find(name).unwrap();
            let first = t.iter().position(|x| x.start == at).unwrap();
            let last = t.iter().rposition(|x| x.end == at + name.len()).unwrap();
            covered[first..=last].iter_mut().for_each(|c| *c = true);
            names.push(LinkedName {
                first,
                last,
                annotation: n,
            });
        }
        names.sort_by_key(|n| n.first);
        repeated_names(text, &t, &hashes, &covered, &names)
            .into_iter()
            .map(|r| {
                (
                    text[t[r.first].start..t[r.last].end].to_owned(),
                    linked[r.annotation].to_owned(),
                )
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn later_words_repeat_a_name() {
        assert_eq!(
            repeats(
                "Enrico Fermi came. Later, Fermi left; Mr Fermi wrote.",
                &["Enrico Fermi"]
            ),
            pairs(&[("Fermi", "Enrico Fermi"), ("Fermi", "Enrico Fermi")])
        );
        assert_eq!(
            repeats(
                "The World Trade Organization met. The WTO agreed.",
                &["World Trade Organization"]
            ),
            pairs(&[("WTO", "World Trade Organization")])
        );
        assert_eq!(
            repeats(
                "The United Nations voted. The U.N. said so.",
                &["United Nations"]
            ),
            pairs(&[("U.N", "United Nations")])
        );
        assert_eq!(
            repeats(
                "The Federal Reserve System acts. The Federal Reserve said.",
                &["Federal Reserve System"]
            ),
            pairs(&[("Federal Reserve", "Federal Reserve System")])
        );
    }

    #[test]
    fn a_long_run_of_initials_is_read_in_linear_time() {
        let text = format!("The United Nations met. {}", "U.".repeat(200_000));
        let started = std::time::Instant::now();
        let found = repeats(&text, &["United Nations"]);
        assert!(found.iter().all(|(r, _)| r.starts_with("U.N") || r == "U"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn repeats_stay_within_their_name() {
        // Before the name, inside another name, as another name's part,
        // or the last word of an organisation: not repeats.
        assert!(repeats("Fermi wrote. Enrico Fermi came.", &["Enrico Fermi"]).is_empty());
        assert!(
            repeats(
                "Bill Clinton spoke. Hillary Clinton too.",
                &["Bill Clinton"]
            )
            .is_empty()
        );
        assert!(
            repeats(
                "Bill Clinton spoke at Clinton Foundation.",
                &["Bill Clinton"]
            )
            .is_empty()
        );
        assert!(
            repeats(
                "The Bank of England met. England won.",
                &["Bank of England"]
            )
            .is_empty()
        );
        // The latest name with the form wins.
        assert_eq!(
            repeats(
                "George Bush met Laura Bush. Then Bush spoke.",
                &["George Bush", "Laura Bush"]
            ),
            pairs(&[("Bush", "Laura Bush")])
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::phrase::{Tokens, token_hash};
    use proptest::prelude::*;

    proptest! {
        /// Whatever the text and whichever spans are linked names,
        /// repeats come in text order, after their name, on uncovered
        /// tokens, and the shape checks never panic.
        #[test]
        fn repeats_follow_their_names_on_free_tokens(
            text in "([A-Z][a-z]{0,5}|[a-z]{1,5}|U|N|WTO|of|\\.|,| ){0,40}",
            picks in proptest::collection::vec((0usize..40, 0usize..4), 0..6),
        ) {
            let tokens: Vec<Token> = Tokens::new(&text).collect();
            let hashes: Vec<u64> = tokens.iter().map(|t| token_hash(&text[t.start..t.end])).collect();
            let mut covered = vec![false; tokens.len()];
            let mut names: Vec<LinkedName> = Vec::new();
            if !tokens.is_empty() {
                for (n, &(at, len)) in picks.iter().enumerate() {
                    let first = at % tokens.len();
                    let last = (first + len).min(tokens.len() - 1);
                    if covered[first..=last].iter().any(|&c| c) {
                        continue;
                    }
                    covered[first..=last].iter_mut().for_each(|c| *c = true);
                    let _ = written_as_date(&text, &tokens, first, last);
                    if written_as_full_name(&text, &tokens, first, last) {
                        names.push(LinkedName { first, last, annotation: n });
                    }
                }
            }
            names.sort_by_key(|n| n.first);
            let repeats = repeated_names(&text, &tokens, &hashes, &covered, &names);
            let mut after = 0;
            for r in &repeats {
                prop_assert!(r.first >= after && r.first <= r.last);
                prop_assert!((r.first..=r.last).all(|i| !covered[i]));
                let name = names.iter().find(|n| n.annotation == r.annotation).unwrap();
                prop_assert!(name.last < r.first);
                after = r.last + 1;
            }
        }
    }
}
