//! Link targets: from what an editor wrote to a canonical title.

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

/// Whether `prefix` (any case) is an interwiki prefix: a Wikipedia language
/// code or a sister project. Such links point outside the wiki.
pub fn is_interwiki_prefix(prefix: &str) -> bool {
    let p = prefix.trim().to_ascii_lowercase();
    LANGUAGES.binary_search(&p.as_str()).is_ok()
        || SISTER_PROJECTS.binary_search(&p.as_str()).is_ok()
}

/// Interwiki prefixes of Wikimedia's sister projects (Wiktionary,
/// Wikibooks, Commons, … and their short forms), sorted. Their links point
/// outside the wiki like language links ([`is_interwiki_prefix`]), but
/// `kenning-wikitext` keeps their text inline where it drops language links.
pub const SISTER_PROJECTS: &[&str] = &[
    "commons",
    "meta",
    "mw",
    "species",
    "wikibooks",
    "wikidata",
    "wikimedia",
    "wikinews",
    "wikiquote",
    "wikisource",
    "wikispecies",
    "wikiversity",
    "wikivoyage",
    "wikt",
    "wiktionary",
];

/// Language codes of Wikipedia editions, and `w` (Wikipedia itself),
/// sorted: the interwiki prefixes that are not [`SISTER_PROJECTS`].
const LANGUAGES: &[&str] = &[
    "aa",
    "ab",
    "ace",
    "af",
    "ak",
    "als",
    "am",
    "an",
    "ang",
    "ar",
    "arc",
    "arz",
    "as",
    "ast",
    "av",
    "ay",
    "az",
    "ba",
    "bar",
    "bat-smg",
    "bcl",
    "be",
    "be-tarask",
    "be-x-old",
    "bg",
    "bh",
    "bi",
    "bjn",
    "bm",
    "bn",
    "bo",
    "bpy",
    "br",
    "bs",
    "bug",
    "bxr",
    "ca",
    "cbk-zam",
    "cdo",
    "ce",
    "ceb",
    "ch",
    "cho",
    "chr",
    "chy",
    "ckb",
    "co",
    "cr",
    "crh",
    "cs",
    "csb",
    "cu",
    "cv",
    "cy",
    "da",
    "de",
    "diq",
    "dsb",
    "dv",
    "dz",
    "ee",
    "el",
    "eml",
    "en",
    "eo",
    "es",
    "et",
    "eu",
    "ext",
    "fa",
    "ff",
    "fi",
    "fiu-vro",
    "fj",
    "fo",
    "fr",
    "frp",
    "frr",
    "fur",
    "fy",
    "ga",
    "gag",
    "gan",
    "gd",
    "gl",
    "glk",
    "gn",
    "got",
    "gu",
    "gv",
    "ha",
    "hak",
    "haw",
    "he",
    "hi",
    "hif",
    "ho",
    "hr",
    "hsb",
    "ht",
    "hu",
    "hy",
    "hz",
    "ia",
    "id",
    "ie",
    "ig",
    "ii",
    "ik",
    "ilo",
    "io",
    "is",
    "it",
    "iu",
    "ja",
    "jbo",
    "jv",
    "ka",
    "kaa",
    "kab",
    "kbd",
    "kg",
    "ki",
    "kj",
    "kk",
    "kl",
    "km",
    "kn",
    "ko",
    "koi",
    "kr",
    "krc",
    "ks",
    "ksh",
    "ku",
    "kv",
    "kw",
    "ky",
    "la",
    "lad",
    "lb",
    "lbe",
    "lez",
    "lg",
    "li",
    "lij",
    "lmo",
    "ln",
    "lo",
    "lt",
    "ltg",
    "lv",
    "map-bms",
    "mdf",
    "mg",
    "mh",
    "mhr",
    "mi",
    "mk",
    "ml",
    "mn",
    "mo",
    "mr",
    "mrj",
    "ms",
    "mt",
    "mus",
    "mwl",
    "my",
    "myv",
    "mzn",
    "na",
    "nah",
    "nap",
    "nds",
    "nds-nl",
    "ne",
    "new",
    "ng",
    "nl",
    "nn",
    "no",
    "nov",
    "nrm",
    "nso",
    "nv",
    "ny",
    "oc",
    "om",
    "or",
    "os",
    "pa",
    "pag",
    "pam",
    "pap",
    "pcd",
    "pdc",
    "pfl",
    "pi",
    "pih",
    "pl",
    "pms",
    "pnb",
    "pnt",
    "ps",
    "pt",
    "qu",
    "rm",
    "rmy",
    "rn",
    "ro",
    "roa-rup",
    "roa-tara",
    "ru",
    "rue",
    "rw",
    "sa",
    "sah",
    "sc",
    "scn",
    "sco",
    "sd",
    "se",
    "sg",
    "sh",
    "si",
    "simple",
    "sk",
    "sl",
    "sm",
    "sn",
    "so",
    "sq",
    "sr",
    "srn",
    "ss",
    "st",
    "stq",
    "su",
    "sv",
    "sw",
    "szl",
    "ta",
    "te",
    "tet",
    "tg",
    "th",
    "ti",
    "tk",
    "tl",
    "tn",
    "to",
    "tpi",
    "tr",
    "ts",
    "tt",
    "tum",
    "tw",
    "ty",
    "udm",
    "ug",
    "uk",
    "ur",
    "uz",
    "ve",
    "vec",
    "vep",
    "vi",
    "vls",
    "vo",
    "w",
    "wa",
    "war",
    "wo",
    "wuu",
    "xal",
    "xh",
    "xmf",
    "yi",
    "yo",
    "za",
    "zea",
    "zh",
    "zh-classical",
    "zh-min-nan",
    "zh-yue",
    "zu",
];

/// Decodes HTML character references: the named entities editors use in
/// wikitext (`&nbsp;` becomes U+00A0), and decimal or hexadecimal numeric
/// references. Unknown or malformed references are left as written.
pub fn decode_html_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        match decode_one(tail) {
            Some((c, used)) => {
                out.push(c);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Decodes the reference at the start of `s` (which starts with `&`):
/// the character and the number of bytes consumed.
fn decode_one(s: &str) -> Option<(char, usize)> {
    let end = s[1..].bytes().take(33).position(|b| b == b';')? + 1;
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        let i = ENTITIES
            .binary_search_by(|(name, _)| name.cmp(&body))
            .ok()?;
        ENTITIES[i].1
    };
    Some((c, end + 1))
}

/// Named entities, sorted by name (byte order).
const ENTITIES: &[(&str, char)] = &[
    ("AElig", 'Æ'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Agrave", 'À'),
    ("Alpha", 'Α'),
    ("Aring", 'Å'),
    ("Atilde", 'Ã'),
    ("Auml", 'Ä'),
    ("Beta", 'Β'),
    ("Ccedil", 'Ç'),
    ("Chi", 'Χ'),
    ("Dagger", '‡'),
    ("Delta", 'Δ'),
    ("ETH", 'Ð'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Egrave", 'È'),
    ("Epsilon", 'Ε'),
    ("Eta", 'Η'),
    ("Euml", 'Ë'),
    ("Gamma", 'Γ'),
    ("Iacute", 'Í'),
    ("Icirc", 'Î'),
    ("Igrave", 'Ì'),
    ("Iota", 'Ι'),
    ("Iuml", 'Ï'),
    ("Kappa", 'Κ'),
    ("Lambda", 'Λ'),
    ("Mu", 'Μ'),
    ("Ntilde", 'Ñ'),
    ("Nu", 'Ν'),
    ("OElig", 'Œ'),
    ("Oacute", 'Ó'),
    ("Ocirc", 'Ô'),
    ("Ograve", 'Ò'),
    ("Omega", 'Ω'),
    ("Omicron", 'Ο'),
    ("Oslash", 'Ø'),
    ("Otilde", 'Õ'),
    ("Ouml", 'Ö'),
    ("Phi", 'Φ'),
    ("Pi", 'Π'),
    ("Prime", '″'),
    ("Psi", 'Ψ'),
    ("Rho", 'Ρ'),
    ("Scaron", 'Š'),
    ("Sigma", 'Σ'),
    ("THORN", 'Þ'),
    ("Tau", 'Τ'),
    ("Theta", 'Θ'),
    ("Uacute", 'Ú'),
    ("Ucirc", 'Û'),
    ("Ugrave", 'Ù'),
    ("Upsilon", 'Υ'),
    ("Uuml", 'Ü'),
    ("Xi", 'Ξ'),
    ("Yacute", 'Ý'),
    ("Yuml", 'Ÿ'),
    ("Zeta", 'Ζ'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("acute", '´'),
    ("aelig", 'æ'),
    ("agrave", 'à'),
    ("alefsym", 'ℵ'),
    ("alpha", 'α'),
    ("amp", '&'),
    ("and", '∧'),
    ("ang", '∠'),
    ("apos", '\''),
    ("aring", 'å'),
    ("asymp", '≈'),
    ("atilde", 'ã'),
    ("auml", 'ä'),
    ("bdquo", '„'),
    ("beta", 'β'),
    ("brvbar", '¦'),
    ("bull", '•'),
    ("cap", '∩'),
    ("ccedil", 'ç'),
    ("cedil", '¸'),
    ("cent", '¢'),
    ("chi", 'χ'),
    ("circ", 'ˆ'),
    ("clubs", '♣'),
    ("cong", '≅'),
    ("copy", '©'),
    ("crarr", '↵'),
    ("cup", '∪'),
    ("curren", '¤'),
    ("dArr", '⇓'),
    ("dagger", '†'),
    ("darr", '↓'),
    ("deg", '°'),
    ("delta", 'δ'),
    ("diams", '♦'),
    ("divide", '÷'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("egrave", 'è'),
    ("empty", '∅'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("epsilon", 'ε'),
    ("equiv", '≡'),
    ("eta", 'η'),
    ("eth", 'ð'),
    ("euml", 'ë'),
    ("euro", '€'),
    ("exist", '∃'),
    ("fnof", 'ƒ'),
    ("forall", '∀'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("frasl", '⁄'),
    ("gamma", 'γ'),
    ("ge", '≥'),
    ("gt", '>'),
    ("hArr", '⇔'),
    ("harr", '↔'),
    ("hearts", '♥'),
    ("hellip", '…'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iexcl", '¡'),
    ("igrave", 'ì'),
    ("image", 'ℑ'),
    ("infin", '∞'),
    ("int", '∫'),
    ("iota", 'ι'),
    ("iquest", '¿'),
    ("isin", '∈'),
    ("iuml", 'ï'),
    ("kappa", 'κ'),
    ("lArr", '⇐'),
    ("lambda", 'λ'),
    ("lang", '⟨'),
    ("laquo", '«'),
    ("larr", '←'),
    ("lceil", '⌈'),
    ("ldquo", '“'),
    ("le", '≤'),
    ("lfloor", '⌊'),
    ("lowast", '∗'),
    ("loz", '◊'),
    ("lrm", '\u{200E}'),
    ("lsaquo", '‹'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("macr", '¯'),
    ("mdash", '—'),
    ("micro", 'µ'),
    ("middot", '·'),
    ("minus", '−'),
    ("mu", 'μ'),
    ("nabla", '∇'),
    ("nbsp", '\u{A0}'),
    ("ndash", '–'),
    ("ne", '≠'),
    ("ni", '∋'),
    ("not", '¬'),
    ("notin", '∉'),
    ("nsub", '⊄'),
    ("ntilde", 'ñ'),
    ("nu", 'ν'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("oelig", 'œ'),
    ("ograve", 'ò'),
    ("oline", '‾'),
    ("omega", 'ω'),
    ("omicron", 'ο'),
    ("oplus", '⊕'),
    ("or", '∨'),
    ("ordf", 'ª'),
    ("ordm", 'º'),
    ("oslash", 'ø'),
    ("otilde", 'õ'),
    ("otimes", '⊗'),
    ("ouml", 'ö'),
    ("para", '¶'),
    ("part", '∂'),
    ("permil", '‰'),
    ("perp", '⊥'),
    ("phi", 'φ'),
    ("pi", 'π'),
    ("piv", 'ϖ'),
    ("plusmn", '±'),
    ("pound", '£'),
    ("prime", '′'),
    ("prod", '∏'),
    ("prop", '∝'),
    ("psi", 'ψ'),
    ("quot", '"'),
    ("rArr", '⇒'),
    ("radic", '√'),
    ("rang", '⟩'),
    ("raquo", '»'),
    ("rarr", '→'),
    ("rceil", '⌉'),
    ("rdquo", '”'),
    ("real", 'ℜ'),
    ("reg", '®'),
    ("rfloor", '⌋'),
    ("rho", 'ρ'),
    ("rlm", '\u{200F}'),
    ("rsaquo", '›'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("scaron", 'š'),
    ("sdot", '⋅'),
    ("sect", '§'),
    ("shy", '\u{AD}'),
    ("sigma", 'σ'),
    ("sigmaf", 'ς'),
    ("sim", '∼'),
    ("spades", '♠'),
    ("sub", '⊂'),
    ("sube", '⊆'),
    ("sum", '∑'),
    ("sup", '⊃'),
    ("sup1", '¹'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("supe", '⊇'),
    ("szlig", 'ß'),
    ("tau", 'τ'),
    ("there4", '∴'),
    ("theta", 'θ'),
    ("thetasym", 'ϑ'),
    ("thinsp", '\u{2009}'),
    ("thorn", 'þ'),
    ("tilde", '˜'),
    ("times", '×'),
    ("trade", '™'),
    ("uArr", '⇑'),
    ("uacute", 'ú'),
    ("uarr", '↑'),
    ("ucirc", 'û'),
    ("ugrave", 'ù'),
    ("uml", '¨'),
    ("upsih", 'ϒ'),
    ("upsilon", 'υ'),
    ("uuml", 'ü'),
    ("weierp", '℘'),
    ("xi", 'ξ'),
    ("yacute", 'ý'),
    ("yen", '¥'),
    ("yuml", 'ÿ'),
    ("zeta", 'ζ'),
    ("zwj", '\u{200D}'),
    ("zwnj", '\u{200C}'),
];

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
    fn tables_are_sorted() {
        assert!(LANGUAGES.windows(2).all(|w| w[0] < w[1]));
        assert!(SISTER_PROJECTS.windows(2).all(|w| w[0] < w[1]));
        assert!(!LANGUAGES.iter().any(|l| SISTER_PROJECTS.contains(l)));
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
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
    fn entities() {
        assert_eq!(decode_html_entities("a&nbsp;b"), "a\u{A0}b");
        assert_eq!(decode_html_entities("&#8211;&#x2014;&amp;"), "–—&");
        assert_eq!(
            decode_html_entities("AT&T &bogus; &#xZZ;"),
            "AT&T &bogus; &#xZZ;"
        );
        assert_eq!(decode_html_entities("&#0;"), "&#0;");
    }

    #[test]
    fn strip_prefix_uses_local_names() {
        let mut ns = Namespaces::english();
        ns.insert(14, "Kategoreja", Case::FirstLetter);
        assert_eq!(ns.strip_prefix(14, "Kategoreja:Fizika"), "Fizika");
        assert_eq!(ns.strip_prefix(0, "Star Wars: X"), "Star Wars: X");
    }
}
