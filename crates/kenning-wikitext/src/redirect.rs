//! `#REDIRECT [[Target]]` in its localised spellings.

/// Redirect keywords (after `#`), lower-case. MediaWiki accepts the English
/// one on every wiki beside the local ones.
const KEYWORDS: &[&str] = &[
    "redirect",
    "weiterleitung",
    "redirection",
    "pāradresēt",
    "redirección",
    "rinvia",
    "rinvio",
    "redirecionamento",
    "doorverwijzing",
    "przekieruj",
    "перенаправление",
    "перенаправлення",
    "omdirigering",
    "uudelleenohjaus",
    "ohjaus",
    "yönlendirme",
    "átirányítás",
    "転送",
    "リダイレクト",
    "重定向",
];

/// The redirect target as written and the byte offset just past its `]]`.
pub(crate) fn parse_redirect(wikitext: &str) -> Option<(&str, usize)> {
    let start = wikitext.len() - wikitext.trim_start_matches(['\u{FEFF}']).trim_start().len();
    let rest = wikitext[start..].strip_prefix('#')?;
    KEYWORDS
        .iter()
        .filter_map(|k| strip_prefix_ignore_case(rest, k))
        .find_map(|after| link_after_keyword(wikitext, after))
}

/// The `[[Target]]` after a keyword: the target and where the link ends.
fn link_after_keyword<'a>(wikitext: &str, after_keyword: &'a str) -> Option<(&'a str, usize)> {
    let after = after_keyword.trim_start();
    let after = after.strip_prefix(':').unwrap_or(after).trim_start();
    let inner = after.strip_prefix("[[")?;
    let end = inner
        .find([']', '|', '\n', '[', '{', '}'])
        .unwrap_or(inner.len());
    let target = inner[..end].trim();
    if target.is_empty() || !inner[end..].starts_with([']', '|']) {
        return None;
    }
    let close = inner[end..].find("]]").map_or(inner.len(), |p| end + p + 2);
    Some((target, wikitext.len() - inner.len() + close))
}

/// `s` without `prefix`, compared case-insensitively (Unicode).
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let mut rest = s.char_indices();
    for p in prefix.chars() {
        let (_, c) = rest.next()?;
        if c != p && !c.to_lowercase().eq(p.to_lowercase()) {
            return None;
        }
    }
    Some(rest.next().map_or("", |(i, _)| &s[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(s: &str) -> Option<&str> {
        parse_redirect(s).map(|(t, _)| t)
    }

    #[test]
    fn keywords_in_any_case_and_language() {
        assert_eq!(target("#REDIRECT [[Foo bar]]"), Some("Foo bar"));
        assert_eq!(target("#redirect[[Foo]]"), Some("Foo"));
        assert_eq!(target("  #Redirect: [[Foo#Sec|x]]"), Some("Foo#Sec"));
        assert_eq!(target("#WEITERLEITUNG [[Berlin]]"), Some("Berlin"));
        assert_eq!(target("#REDIRECTION [[Paris]]"), Some("Paris"));
        assert_eq!(target("#PĀRADRESĒT [[Rēzekne]]"), Some("Rēzekne"));
        assert_eq!(target("#pāradresēt[[Rēzekne]]"), Some("Rēzekne"));
        assert_eq!(target("#REDIRECCIÓN [[Madrid]]"), Some("Madrid"));
        assert_eq!(target("#RINVIA [[Roma]]"), Some("Roma"));
    }

    #[test]
    fn not_redirects() {
        assert_eq!(target("Text #REDIRECT [[Foo]]"), None);
        assert_eq!(target("#REDIRECT Foo"), None);
        assert_eq!(target("#REDIRECT [[]]"), None);
        assert_eq!(target("#REDIRECT [[Foo"), None);
        assert_eq!(target("#REDIRECTS [[Foo]]"), None);
    }

    #[test]
    fn consumed_ends_after_the_link() {
        let s = "#REDIRECT [[Foo]] {{R from move}}";
        let (_, end) = parse_redirect(s).unwrap();
        assert_eq!(&s[end..], " {{R from move}}");
    }
}
