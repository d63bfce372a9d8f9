//! When a capital letter says a word is a name, for the title-match prior:
//! English writes some words with a capital whatever they stand for
//! (months, days, nationalities, titles of office before a name), so a
//! capital there says nothing; and a word in capitals is an acronym,
//! which names a concept only if that concept's title is an acronym too
//! ("NBC", but not "Ai" for "AI").

/// Words English spells with a capital letter wherever they stand: a
/// capital inside a sentence does not make them a name. Lower case,
/// sorted (a test checks).
const CAPITALISED_BY_SPELLING: &[&str] = &[
    "african",
    "american",
    "april",
    "arab",
    "arabic",
    "archbishop",
    "asian",
    "august",
    "australian",
    "austrian",
    "belgian",
    "bishop",
    "brazilian",
    "british",
    "canadian",
    "captain",
    "cardinal",
    "chairman",
    "chancellor",
    "chinese",
    "colonel",
    "commissioner",
    "czech",
    "danish",
    "december",
    "director",
    "duke",
    "dutch",
    "egyptian",
    "emperor",
    "english",
    "european",
    "february",
    "finnish",
    "french",
    "friday",
    "general",
    "german",
    "governor",
    "greek",
    "hungarian",
    "indian",
    "iranian",
    "iraqi",
    "irish",
    "israeli",
    "italian",
    "january",
    "japanese",
    "judge",
    "july",
    "june",
    "king",
    "korean",
    "lieutenant",
    "lord",
    "march",
    "mayor",
    "mexican",
    "minister",
    "monday",
    "norwegian",
    "november",
    "october",
    "pakistani",
    "palestinian",
    "polish",
    "pope",
    "portuguese",
    "premier",
    "president",
    "prime",
    "prince",
    "princess",
    "professor",
    "queen",
    "romanian",
    "russian",
    "saturday",
    "scottish",
    "secretary",
    "senator",
    "september",
    "serbian",
    "spanish",
    "sunday",
    "swedish",
    "swiss",
    "syrian",
    "thursday",
    "tuesday",
    "turkish",
    "ukrainian",
    "wednesday",
    "welsh",
];

/// Whether `word`'s capital comes from spelling, not from its being a
/// name (see [`CAPITALISED_BY_SPELLING`]).
pub(crate) fn capitalised_by_spelling(word: &str) -> bool {
    word.len() <= 16
        && CAPITALISED_BY_SPELLING
            .binary_search(&word.to_lowercase().as_str())
            .is_ok()
}

/// Whether `word` is written in capitals: two characters or more, a
/// letter among them, none lower case ("NBC", "AI", "G8"; not "42").
pub(crate) fn in_capitals(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_alphabetic)
        && !word.chars().any(char::is_lowercase)
}

/// Whether a concept titled `title` is written as an acronym: its title
/// without a qualifier in parentheses has no lower-case letter ("NBC",
/// "AIDS", "NATO (alliance)"; not "Ai", "Nato").
pub(crate) fn is_acronym_title(title: &str) -> bool {
    let base = title.split(" (").next().unwrap_or(title);
    in_capitals(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_lower_case() {
        assert!(CAPITALISED_BY_SPELLING.windows(2).all(|w| w[0] < w[1]));
        assert!(
            CAPITALISED_BY_SPELLING
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        );
    }

    #[test]
    fn spelling_capitals_and_acronyms() {
        assert!(capitalised_by_spelling("January"));
        assert!(capitalised_by_spelling("French"));
        assert!(capitalised_by_spelling("President"));
        assert!(!capitalised_by_spelling("Lausanne"));
        assert!(in_capitals("NBC") && in_capitals("G8") && in_capitals("AI"));
        assert!(!in_capitals("Ai") && !in_capitals("A") && !in_capitals("42"));
        assert!(is_acronym_title("NBC") && is_acronym_title("NATO (alliance)"));
        assert!(!is_acronym_title("Ai") && !is_acronym_title("Nato"));
    }
}
