//! Slugs: the ids EPFL Graph gives its categories (`graph-theory`), made
//! from display names so `category_tree.txt` can be joined to the JSON.

/// The slug of a display name: lower case, common Latin accents folded
/// (`é` → `e`, `ß` → `ss`), every run of other characters that are not
/// ASCII letters or digits one `-`, none leading or trailing.
///
/// `"Graph theory"` → `graph-theory`; `"Client–server model"` →
/// `client-server-model`; `"École Polytechnique"` → `ecole-polytechnique`.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut separator_pending = false;
    for lower in name.chars().flat_map(char::to_lowercase) {
        if lower.is_ascii_alphanumeric() {
            push_letter(&mut slug, &mut separator_pending, lower);
        } else if let Some(letters) = latin_letters_of(lower) {
            for letter in letters.chars() {
                push_letter(&mut slug, &mut separator_pending, letter);
            }
        } else if !is_combining_mark(lower) {
            // Never a leading `-`; a trailing one is never written because
            // it is only written before the next letter.
            separator_pending = !slug.is_empty();
        }
    }
    slug
}

/// Appends a letter, after the `-` a run of separators left pending.
fn push_letter(slug: &mut String, separator_pending: &mut bool, letter: char) {
    if *separator_pending {
        slug.push('-');
        *separator_pending = false;
    }
    slug.push(letter);
}

/// The plain ASCII letters of a lower-case accented Latin letter, or
/// `None` for anything else.
fn latin_letters_of(letter: char) -> Option<&'static str> {
    let letters = match letter {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ł' | 'ľ' | 'ļ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ß' => "ss",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(letters)
}

/// A combining diacritical mark (U+0300–U+036F), as in a decomposed `é`
/// (`e` + U+0301): dropped, so the letter it sits on stays one word.
fn is_combining_mark(character: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&character)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lower_case_and_runs_of_other_characters_become_one_hyphen() {
        assert_eq!(slug_of("Graph theory"), "graph-theory");
        assert_eq!(slug_of("2D computer graphics"), "2d-computer-graphics");
        assert_eq!(
            slug_of("Power (social and political)"),
            "power-social-and-political"
        );
        assert_eq!(
            slug_of("Document-oriented_databases"),
            "document-oriented-databases"
        );
        assert_eq!(slug_of("  --Hello,   world!--  "), "hello-world");
        assert_eq!(slug_of("Client–server model"), "client-server-model");
        assert_eq!(slug_of("C++ & C#"), "c-c");
    }

    #[test]
    fn latin_accents_are_folded() {
        assert_eq!(
            slug_of("École Polytechnique Fédérale de Lausanne"),
            "ecole-polytechnique-federale-de-lausanne"
        );
        assert_eq!(slug_of("Zürich"), "zurich");
        assert_eq!(slug_of("Schrödinger logic"), "schrodinger-logic");
        assert_eq!(slug_of("Straße"), "strasse");
        assert_eq!(slug_of("Ærøskøbing"), "aeroskobing");
        // Decomposed: e + combining acute.
        assert_eq!(slug_of("Ecole\u{301} normale"), "ecole-normale");
    }

    #[test]
    fn nothing_to_keep_gives_an_empty_slug() {
        assert_eq!(slug_of(""), "");
        assert_eq!(slug_of(" -_- "), "");
        assert_eq!(slug_of("数学"), "");
        assert_eq!(slug_of("数学 logic"), "logic");
    }

    proptest! {
        #[test]
        fn slugs_are_lower_ascii_words_joined_by_single_hyphens(name in "\\PC{0,40}") {
            let slug = slug_of(&name);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
            prop_assert!(!slug.contains("--"));
            prop_assert_eq!(slug_of(&slug), slug.clone());
        }
    }
}
