//! Link targets: from what an editor wrote to a canonical title.
//!
//! It owns MediaWiki's title rules as a link target meets them (decoding,
//! fragments, spaces, namespace and interwiki prefixes, first-letter
//! case). The tables it consults live beside it: the namespace names in
//! `namespaces`, the interwiki prefixes in `interwiki`, the named HTML
//! entities in `entities`.

use crate::entities::decode_html_entities;
use crate::interwiki::is_interwiki_prefix;
use crate::namespaces::{Case, Namespaces, collapse_spaces};

/// Where a wiki link points once normalised with MediaWiki's title rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page of this wiki.
    Page {
        /// The namespace id (0 for articles).
        ns: i32,
        /// The title without its namespace prefix, normalised.
        title: String,
        /// The link began with `:` (`[[:Category:X]]` links to a category
        /// page instead of putting the page in it).
        escaped: bool,
    },
    /// A page on another wiki: `[[fr:Paris]]`, `[[wikt:word]]`.
    Interwiki {
        /// The lower-cased prefix.
        prefix: String,
        /// The rest, as written.
        title: String,
        /// The link began with `:` (an inline interwiki link rather than a
        /// language link).
        escaped: bool,
    },
}

/// Characters MediaWiki never allows in a title.
fn is_illegal(c: char) -> bool {
    matches!(c, '<' | '>' | '[' | ']' | '{' | '}' | '|') || c.is_control()
}

impl Namespaces {
    /// Normalises a link target the way MediaWiki does: HTML entities and
    /// `%XX` escapes decoded, the `#fragment` dropped, `_` and runs of
    /// whitespace made one space, a namespace prefix recognised by any of its
    /// names, interwiki prefixes told apart, and the first letter upper-cased
    /// where the namespace says so. `None` for targets that name no page:
    /// empty, a bare `#section`, or holding characters no title may hold.
    pub fn parse_link(&self, raw: &str) -> Option<LinkTarget> {
        if is_plain_title(raw) {
            // Most links: nothing to decode, collapse or recognise.
            let mut title = raw.to_owned();
            if self.case(0) == Case::FirstLetter {
                title[..1].make_ascii_uppercase();
            }
            return Some(LinkTarget::Page {
                ns: 0,
                title,
                escaped: false,
            });
        }
        self.parse_link_general(raw)
    }

    fn parse_link_general(&self, raw: &str) -> Option<LinkTarget> {
        let decoded = decode_html_entities(raw);
        let decoded = percent_decode(&decoded);
        let without_fragment = match decoded.find('#') {
            Some(i) => &decoded[..i],
            None => &decoded[..],
        };
        let mut s = collapse_spaces(without_fragment);
        let mut escaped = false;
        if let Some(rest) = s.strip_prefix(':') {
            escaped = true;
            s = rest.trim_start().to_owned();
        }
        if s.is_empty() || s.chars().any(is_illegal) {
            return None;
        }
        let (ns, rest) = match s.split_once(':') {
            Some((prefix, rest)) => {
                let prefix = prefix.trim();
                if let Some(id) = self.id_of(prefix) {
                    (id, rest.trim())
                } else if is_interwiki_prefix(prefix) {
                    return Some(LinkTarget::Interwiki {
                        prefix: prefix.to_lowercase(),
                        title: rest.trim().to_owned(),
                        escaped,
                    });
                } else {
                    (0, s.as_str())
                }
            }
            None => (0, s.as_str()),
        };
        if rest.is_empty() {
            return None;
        }
        let title = match self.case(ns) {
            Case::FirstLetter => upper_first(rest),
            Case::Sensitive => rest.to_owned(),
        };
        Some(LinkTarget::Page { ns, title, escaped })
    }

    /// Splits a page's full title as `<title>` gives it (`"Category:Physics"`)
    /// into its title without the prefix, given the page's `<ns>`.
    pub fn strip_prefix<'a>(&self, ns: i32, full_title: &'a str) -> &'a str {
        if ns == 0 {
            return full_title;
        }
        match full_title.split_once(':') {
            Some((prefix, rest)) if self.id_of(prefix) == Some(ns) => rest.trim_start(),
            _ => full_title,
        }
    }

    /// Normalises a title that names a page of namespace `ns` directly, with
    /// no prefix (a category name, a redirect's `title=` attribute stripped
    /// of its prefix, a JSONL title).
    pub fn normalize_in(&self, ns: i32, raw: &str) -> Option<String> {
        let s = collapse_spaces(&decode_html_entities(raw));
        if s.is_empty() || s.chars().any(is_illegal) {
            return None;
        }
        Some(match self.case(ns) {
            Case::FirstLetter => upper_first(&s),
            Case::Sensitive => s,
        })
    }
}

/// A link target that [`Namespaces::parse_link`] would only upper-case:
/// printable ASCII without entities, escapes, fragments, underscores,
/// prefixes, characters a title may not hold, or spaces to collapse.
fn is_plain_title(raw: &str) -> bool {
    // One pass: every byte allowed, and no space first, last or after
    // another space (`after_space` starts true to refuse a leading one and
    // an empty title).
    let mut after_space = true;
    for &b in raw.as_bytes() {
        let space = b == b' ';
        if !PLAIN_TITLE_BYTE[usize::from(b)] || (space && after_space) {
            return false;
        }
        after_space = space;
    }
    !after_space
}

/// The bytes [`is_plain_title`] allows: printable ASCII and space, except
/// entity, escape, fragment, underscore, prefix and illegal characters.
static PLAIN_TITLE_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = !matches!(
            b as u8,
            b'&' | b'%' | b'#' | b'_' | b':' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'|'
        );
        b += 1;
    }
    table
};

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            out
        }
        _ => s.to_owned(),
    }
}

/// Decodes `%XX` escapes when the result is valid UTF-8; otherwise leaves
/// the text as it was.
fn percent_decode(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('%') {
        return s.into();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => decoded.into(),
        Err(_) => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcut for plain targets answers what the general rules do.
        #[test]
        fn plain_targets_parse_as_the_general_rules_say(
            raw in "[ -~]{0,12}",
            sensitive: bool,
        ) {
            let mut ns = Namespaces::new();
            if sensitive {
                ns.insert(0, "", Case::Sensitive);
            }
            proptest::prop_assert_eq!(ns.parse_link(&raw), ns.parse_link_general(&raw));
        }
    }

    #[test]
    fn plain_titles_are_single_spaced_printable_ascii() {
        for plain in ["a", "Paris", "A b c", "C++ (language)", "1990s"] {
            assert!(is_plain_title(plain), "{plain:?}");
        }
        for not in [
            "",
            " ",
            " a",
            "a ",
            "a  b",
            "a_b",
            "Category:X",
            "a&amp;",
            "a#b",
            "é",
            "a\tb",
        ] {
            assert!(!is_plain_title(not), "{not:?}");
        }
    }

    fn page(ns: i32, title: &str) -> Option<LinkTarget> {
        Some(LinkTarget::Page {
            ns,
            title: title.to_owned(),
            escaped: false,
        })
    }

    #[test]
    fn mediawiki_title_rules() {
        let ns = Namespaces::english();
        assert_eq!(ns.parse_link("foo_bar"), page(0, "Foo bar"));
        assert_eq!(ns.parse_link("  foo   bar#History"), page(0, "Foo bar"));
        assert_eq!(ns.parse_link("category:Physics"), page(14, "Physics"));
        assert_eq!(ns.parse_link("Image:X.jpg"), page(6, "X.jpg"));
        assert_eq!(ns.parse_link("#Section"), None);
        assert_eq!(ns.parse_link("A|b"), None);
        assert_eq!(ns.parse_link("AT&amp;T"), page(0, "AT&T"));
        assert_eq!(ns.parse_link("C%2B%2B"), page(0, "C++"));
        assert_eq!(
            ns.parse_link("Star Wars: A New Hope"),
            page(0, "Star Wars: A New Hope")
        );
        assert_eq!(
            ns.parse_link(":Category:Physics"),
            Some(LinkTarget::Page {
                ns: 14,
                title: "Physics".into(),
                escaped: true
            })
        );
        assert_eq!(
            ns.parse_link("fr:Paris"),
            Some(LinkTarget::Interwiki {
                prefix: "fr".into(),
                title: "Paris".into(),
                escaped: false
            })
        );
        assert_eq!(ns.parse_link("éclair"), page(0, "Éclair"));
    }

    #[test]
    fn strip_prefix_uses_local_names() {
        let mut ns = Namespaces::english();
        ns.insert(14, "Kategoreja", Case::FirstLetter);
        assert_eq!(ns.strip_prefix(14, "Kategoreja:Fizika"), "Fizika");
        assert_eq!(ns.strip_prefix(0, "Star Wars: X"), "Star Wars: X");
    }
}
