//! The few inline templates whose text real leads show. Every other template
//! (infoboxes, hatnotes, citations, pronunciation, parser functions) is
//! removed with its content.
//!
//! | template | shows |
//! |---|---|
//! | `{{lang\|xx\|text}}`, `{{transl\|xx\|text}}` | the last positional argument |
//! | `{{lang-xx\|text}}` | its first argument |
//! | `{{nowrap\|x}}`, `{{nobr\|x}}`, `{{nobreak\|x}}`, `{{j\|x}}`, `{{small\|x}}`, `{{large\|x}}`, `{{big\|x}}`, `{{smallcaps\|x}}`, `{{sic\|x}}`, `{{math\|x}}`, `{{mvar\|x}}`, `{{abbr\|x\|…}}`, `{{nihongo\|x\|…}}`, `{{visible anchor\|x}}`, `{{unicode\|x}}` | its first argument |
//! | `{{convert\|5\|km\|…}}`, `{{cvt\|…}}` | `5 km`; ranges `{{convert\|5\|to\|10\|km}}` as `5 to 10 km`, `5–10 km` |
//! | `{{'}}`, `{{ndash}}`, `{{mdash}}`, `{{snd}}`, `{{nbsp}}` | `'`, `–`, `—`, ` – `, no-break space |

/// How a kept template shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inline {
    /// The n-th positional argument (1-based).
    Arg(usize),
    /// The last positional argument.
    LastArg,
    /// A quantity: number and unit as written.
    Convert,
    /// Fixed text.
    Literal(&'static str),
}

const FIRST_ARG: &[&str] = &[
    "nowrap",
    "nobr",
    "nobreak",
    "j",
    "small",
    "large",
    "big",
    "smallcaps",
    "sic",
    "math",
    "mvar",
    "abbr",
    "nihongo",
    "visible anchor",
    "unicode",
];

/// The rule for a template called `name` (already [`normalize_name`]d).
pub(crate) fn inline_rule(name: &str) -> Option<Inline> {
    Some(match name {
        "lang" | "transl" => Inline::LastArg,
        "convert" | "cvt" => Inline::Convert,
        "'" => Inline::Literal("'"),
        "ndash" | "en dash" => Inline::Literal("\u{2013}"),
        "mdash" | "em dash" => Inline::Literal("\u{2014}"),
        "snd" | "spaced ndash" | "spaced en dash" => Inline::Literal(" \u{2013} "),
        "nbsp" => Inline::Literal("\u{A0}"),
        _ if name.starts_with("lang-") && name.len() > 5 => Inline::Arg(1),
        _ if FIRST_ARG.contains(&name) => Inline::Arg(1),
        _ => return None,
    })
}

/// A template name as written → lower-case, `_` as space, trimmed, without
/// `Template:`/`subst:` prefixes. `None` if too long to be one we keep.
pub(crate) fn normalize_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > 40 {
        return None;
    }
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    for prefix in ["subst:", "safesubst:", "template:"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest.trim_start().to_owned();
        }
    }
    Some(name)
}

/// Words that make `{{convert}}`'s second argument a range.
const RANGE_WORDS: &[&str] = &["to", "and", "or", "by", "x", "×", "+/-", "±", "-", "–"];

/// The text `{{convert}}` shows, from its positional arguments as plain text.
pub(crate) fn convert_text(args: &[String]) -> Option<String> {
    let number = args.first().filter(|a| !a.is_empty())?;
    let mut out = number.clone();
    let unit = match args.get(1) {
        Some(word) if RANGE_WORDS.contains(&word.as_str()) && args.len() >= 4 => {
            if word == "-" || word == "–" {
                out.push('\u{2013}');
            } else {
                out.push(' ');
                out.push_str(word);
                out.push(' ');
            }
            out.push_str(&args[2]);
            &args[3]
        }
        Some(unit) => unit,
        None => return Some(out),
    };
    if !unit.is_empty() {
        out.push(' ');
        out.push_str(unit);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        assert_eq!(
            normalize_name(" Template:Lang-fr ").as_deref(),
            Some("lang-fr")
        );
        assert_eq!(
            normalize_name("Visible_anchor").as_deref(),
            Some("visible anchor")
        );
        assert_eq!(inline_rule("lang-fr"), Some(Inline::Arg(1)));
        assert_eq!(inline_rule("lang-"), None);
        assert_eq!(inline_rule("lang"), Some(Inline::LastArg));
        assert_eq!(inline_rule("infobox country"), None);
    }

    #[test]
    fn convert_shows_number_and_unit() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            convert_text(&args(&["5", "km", "mi"])).as_deref(),
            Some("5 km")
        );
        assert_eq!(
            convert_text(&args(&["5", "to", "10", "km"])).as_deref(),
            Some("5 to 10 km")
        );
        assert_eq!(
            convert_text(&args(&["5", "-", "10", "km"])).as_deref(),
            Some("5–10 km")
        );
        assert_eq!(convert_text(&args(&["7"])).as_deref(), Some("7"));
        assert_eq!(convert_text(&args(&[])), None);
    }
}
