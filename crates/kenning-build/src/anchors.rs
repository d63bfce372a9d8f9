//! The anchor text of links given without it. A concepts JSONL line
//! lists the titles it links to, not the words that carry each link, so
//! a link's anchor is taken to be its target's title (without its
//! qualifier). Where that title is not in the text at all, the link must
//! sit on other words, and the usual ones are found: a word derived from
//! a one-word title ("Russian" for Russia, "Japanese" for Japan) or a
//! name's last word ("Clinton" for Bill Clinton).

use std::collections::{HashMap, HashSet};

use kenning_linker::{PhraseKey, Tokens, phrase_key};

use crate::process::unqualified;

/// The words of a text, as the anchors of its links are looked for.
pub(crate) struct TextWords<'a> {
    /// Every word, lower-cased.
    lower: HashSet<String>,
    /// Title-cased words as written, with how often each occurs, unless
    /// the text also writes them in lower case (then they are no names:
    /// "Magnetic" opening a sentence is "magnetic" elsewhere).
    capitalised: HashMap<&'a str, u32>,
    /// The same words by their first four letters, lower-cased: the
    /// [`BUCKET`] most frequent of each, most frequent first.
    by_start: HashMap<String, Vec<(&'a str, u32)>>,
}

/// The most words of one start a derived word is looked for among, so a
/// line of a million look-alike words and links costs a million steps,
/// not a million squared.
const BUCKET: usize = 64;

/// The first four letters of `word`, lower-cased.
fn start(word: &str) -> String {
    word.chars().take(4).collect::<String>().to_lowercase()
}

fn title_cased(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase())
}

impl<'a> TextWords<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut lower = HashSet::new();
        let mut capitalised: HashMap<&str, u32> = HashMap::new();
        let mut uncapitalised = HashSet::new();
        for t in Tokens::new(text) {
            let word = &text[t.start..t.end];
            if title_cased(word) {
                *capitalised.entry(word).or_default() += 1;
            } else if word.chars().next().is_some_and(char::is_lowercase) {
                uncapitalised.insert(word);
            }
            if !lower.contains(word) {
                lower.insert(word.to_lowercase());
            }
        }
        capitalised.retain(|w, _| !uncapitalised.contains(w.to_lowercase().as_str()));
        let mut by_start: HashMap<String, Vec<(&str, u32)>> = HashMap::new();
        for (&w, &n) in &capitalised {
            by_start.entry(start(w)).or_default().push((w, n));
        }
        for bucket in by_start.values_mut() {
            bucket.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            bucket.truncate(BUCKET);
        }
        TextWords {
            lower,
            capitalised,
            by_start,
        }
    }

    fn has(&self, word: &str) -> bool {
        self.lower.contains(&word.to_lowercase())
    }

    /// The phrase that carries a link to `target` in this text.
    pub(crate) fn anchor(&self, target: &str) -> Option<PhraseKey> {
        let base = unqualified(target);
        let words: Vec<&str> = Tokens::new(base).map(|t| &base[t.start..t.end]).collect();
        if words.iter().all(|w| self.has(w)) {
            return phrase_key(base);
        }
        let derived = match words.as_slice() {
            [word] => self.derived_word(word),
            [_, .., last]
                if words.len() <= 3
                    && words.iter().all(|w| title_cased(w))
                    && last.chars().count() >= 4
                    && self.capitalised.contains_key(last) =>
            {
                Some(*last)
            }
            _ => None,
        };
        phrase_key(derived.unwrap_or(base))
    }

    /// The most frequent name-like word of the text that shares the
    /// start of the one-word title `title` (all of it but its last two
    /// letters, and four at least) without being it.
    fn derived_word(&self, title: &str) -> Option<&'a str> {
        let n = title.chars().count();
        if n < 4 {
            return None;
        }
        let stem: String = title
            .chars()
            .take((n - 2).max(4))
            .collect::<String>()
            .to_lowercase();
        let lower_title = title.to_lowercase();
        self.by_start
            .get(&start(title))?
            .iter()
            .find(|(w, _)| {
                let lower = w.to_lowercase();
                lower != lower_title && lower.starts_with(&stem) && w.chars().count() <= n + 4
            })
            .map(|&(w, _)| w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_in_the_text_is_its_own_anchor() {
        let words = TextWords::new("Vodka is drunk in Russia and beyond.");
        assert_eq!(words.anchor("Russia"), phrase_key("Russia"));
        assert_eq!(words.anchor("Mercury (planet)"), phrase_key("Mercury"));
    }

    #[test]
    fn a_line_of_look_alike_words_and_links_takes_linear_time() {
        // 200,000 distinct capitalised words and as many links, all
        // starting alike, none a title in the text.
        let text: String = (0..200_000).map(|i| format!("Abcd{i:x}q ")).collect();
        let words = TextWords::new(&text);
        let started = std::time::Instant::now();
        for i in 0..200_000 {
            let _ = words.anchor(&format!("Abcd{i:x}zz"));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn derived_words_and_last_names_carry_links_whose_title_is_absent() {
        let words = TextWords::new(
            "Russian vodka, as the Russians say. Clinton spoke; later Clinton left. \
             Magnetic stills: magnetic fields.",
        );
        assert_eq!(words.anchor("Russia"), phrase_key("Russian"));
        assert_eq!(words.anchor("Bill Clinton"), phrase_key("Clinton"));
        // "Magnetic" is also written "magnetic": no name, so no anchor.
        assert_eq!(words.anchor("Magnetism"), phrase_key("Magnetism"));
        // Nothing to find: the title is kept.
        assert_eq!(words.anchor("Japan"), phrase_key("Japan"));
        assert_eq!(words.anchor("World War II"), phrase_key("World War II"));
    }
}
