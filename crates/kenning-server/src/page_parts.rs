//! Pieces the concept page and the record page share: the "About this
//! result" notice, scored lists, text with concept links, comma-separated
//! lists, and the labels of record types.
//!
//! Both page modules build on these; neither imports the other.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::ServerConfig;
use crate::html::escape;
use crate::messages::{Messages, Msg};

/// The "About this result" notice for `config`, in English.
pub(crate) fn notice(config: &ServerConfig) -> String {
    notice_in(config, &Messages::english())
}

/// The "About this result" notice for `config`: the configured one as
/// written, else the default in `m`'s language, naming the institution
/// when there is one.
pub(crate) fn notice_in(config: &ServerConfig, m: &Messages) -> String {
    if let Some(notice) = &config.notice {
        return notice.clone();
    }
    match &config.institution {
        Some(institution) => m
            .with("notice-institution", &[("institution", institution)])
            .into_owned(),
        None => m.get(Msg::Notice).to_owned(),
    }
}

/// A record type for people, in the singular: `course` → `Course`,
/// `research_group` → `Research group`.
pub(crate) fn type_label(kind: &str) -> String {
    capitalised(&kind.replace(['_', '-'], " "))
}

/// A record type for people, in the plural: `course` → `Courses`,
/// `person` → `People`, `category` → `Categories`; any other type its
/// label and an `s` (`publication` → `Publications`), or `ies` for a `y`
/// after a consonant (`facility` → `Facilities`).
pub(crate) fn plural_label(kind: &str) -> String {
    match kind {
        "concept" => "Concepts".to_owned(),
        kenning_records::PERSON => "People".to_owned(),
        other => {
            let label = type_label(other);
            let mut end = label.chars().rev();
            match (end.next(), end.next()) {
                (Some('y'), Some(c)) if !"aeiou".contains(c) => {
                    format!("{}ies", &label[..label.len() - 1])
                }
                _ => format!("{label}s"),
            }
        }
    }
}

/// `text` with its first letter in upper case.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A score in `[0, 1]` (anything else shown as 0).
pub(crate) fn unit_score(score: f32) -> f32 {
    if score.is_finite() {
        score.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One entry of a scored list (`<ol class="related">`): a link to `href`
/// (a path on this site, or `#` when it is not one), a meter and the score
/// in percent; `what` names the score on hover.
/// A list entry linking to concept `id` titled `title`.
pub(crate) fn concept_item(b: &mut String, id: u32, title: &str) {
    let _ = writeln!(
        b,
        "<li><a href=\"/concept/{id}\">{}</a></li>",
        escape(title)
    );
}

pub(crate) fn scored_item(b: &mut String, href: &str, title: &str, what: &str, score: f32) {
    scored_item_with_note(b, href, title, what, score, "");
}

/// [`scored_item`] with a short note after the score (`from title,
/// keywords`), left out when empty.
pub(crate) fn scored_item_with_note(
    b: &mut String,
    href: &str,
    title: &str,
    what: &str,
    score: f32,
    note: &str,
) {
    let href = if href.starts_with('/') && !href.starts_with("//") {
        href
    } else {
        "#"
    };
    let score = unit_score(score);
    let percent = (score * 100.0).round();
    let _ = writeln!(
        b,
        "<li><a href=\"{href}\">{title}</a>\
         <meter min=\"0\" max=\"1\" value=\"{score:.3}\" title=\"{what} {percent}%\">{percent}%</meter>\
         <span class=\"score\">{percent}%</span>{note}</li>",
        href = escape(href),
        title = escape(title),
        what = escape(what),
        note = if note.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"from\">{}</span>", escape(note))
        },
    );
}

/// Writes `items` separated by commas.
pub(crate) fn join<T>(b: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            b.push_str(", ");
        }
        each(b, item);
    }
}

/// A link in a text: `text[start..end]` links to concept `id`, and `title`
/// is shown on hover.
#[derive(Debug)]
pub(crate) struct TextLink<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) id: u32,
    pub(crate) title: Cow<'a, str>,
}

/// `text` as paragraphs (split at line breaks), its links as links to
/// concept pages. Links that overlap an earlier one or do not fall on
/// character boundaries are left out; the text is kept.
pub(crate) fn linked_paragraphs(summary: &str, links: Vec<TextLink<'_>>) -> String {
    let mut links: Vec<TextLink<'_>> = links
        .into_iter()
        .filter(|l| {
            l.start < l.end
                && l.end <= summary.len()
                && summary.is_char_boundary(l.start)
                && summary.is_char_boundary(l.end)
        })
        .collect();
    links.sort_by_key(|l| (l.start, l.end));

    let mut paragraphs: Vec<String> = vec![String::new()];
    let text = |paragraphs: &mut Vec<String>, piece: &str| {
        for (i, line) in piece.split('\n').enumerate() {
            if i > 0 {
                paragraphs.push(String::new());
            }
            let _ = write!(
                paragraphs.last_mut().expect("never empty"),
                "{}",
                escape(line)
            );
        }
    };
    let mut at = 0;
    for link in links {
        if link.start < at {
            continue;
        }
        text(&mut paragraphs, &summary[at..link.start]);
        let anchor = summary[link.start..link.end].replace('\n', " ");
        let _ = write!(
            paragraphs.last_mut().expect("never empty"),
            "<a href=\"/concept/{}\" title=\"{}\">{}</a>",
            link.id,
            escape(&link.title),
            escape(&anchor)
        );
        at = link.end;
    }
    text(&mut paragraphs, &summary[at..]);

    let mut out = String::with_capacity(summary.len() * 2);
    for p in paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        let _ = writeln!(out, "<p>{p}</p>");
    }
    out
}

/// Previous, a window of page numbers with the first and the last, next,
/// in a `<nav>` named `label`; `url` gives the (unescaped) address of a
/// page. Nothing when there is one page.
pub(crate) fn pagination(
    b: &mut String,
    label: &str,
    page: usize,
    last: usize,
    url: impl Fn(usize) -> String,
) {
    pagination_in(b, [label, "Previous", "Next"], page, last, url);
}

/// [`pagination`] with its words given: `[label, previous, next]`.
pub(crate) fn pagination_in(
    b: &mut String,
    [label, previous, next]: [&str; 3],
    page: usize,
    last: usize,
    url: impl Fn(usize) -> String,
) {
    if last <= 1 {
        return;
    }
    let _ = writeln!(
        b,
        "<nav class=\"pagination\" aria-label=\"{}\">",
        escape(label)
    );
    if page > 1 {
        let _ = writeln!(
            b,
            "<a href=\"{}\" rel=\"prev\">{}</a>",
            escape(&url(page - 1)),
            escape(previous)
        );
    }
    let window = page.saturating_sub(2).max(1)..=(page + 2).min(last);
    let mut numbers: Vec<usize> = vec![1];
    numbers.extend(window);
    numbers.push(last);
    numbers.dedup();
    let mut previous = 0;
    for n in numbers {
        if n > previous + 1 {
            b.push_str("<span class=\"gap\">…</span>\n");
        }
        if n == page {
            let _ = writeln!(
                b,
                "<span class=\"current\" aria-current=\"page\">{n}</span>"
            );
        } else {
            let _ = writeln!(b, "<a href=\"{}\">{n}</a>", escape(&url(n)));
        }
        previous = n;
    }
    if page < last {
        let _ = writeln!(
            b,
            "<a href=\"{}\" rel=\"next\">{}</a>",
            escape(&url(page + 1)),
            escape(next)
        );
    }
    b.push_str("</nav>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_labels() {
        for (kind, plural) in [
            ("concept", "Concepts"),
            ("person", "People"),
            ("course", "Courses"),
            ("category", "Categories"),
            ("facility", "Facilities"),
            ("key", "Keys"),
            ("research_group", "Research groups"),
            ("y", "Ys"),
        ] {
            assert_eq!(plural_label(kind), plural, "{kind}");
        }
    }

    #[test]
    fn notice_wording() {
        let mut config = ServerConfig::default();
        assert!(
            notice(&config).starts_with("This page is automatically generated and may contain"),
            "{}",
            notice(&config)
        );
        assert!(notice(&config).ends_with("every other page on this website."));
        config.institution = Some("EPFL".to_owned());
        assert!(
            notice(&config).ends_with(
                "Please make sure to verify the information with EPFL's official sources."
            )
        );
        let french = notice_in(&config, &Messages::new(Some("fr")));
        assert!(french.ends_with("sources officielles de EPFL."), "{french}");
        config.notice = Some("Custom.".to_owned());
        assert_eq!(notice(&config), "Custom.");
        assert_eq!(notice_in(&config, &Messages::new(Some("fr"))), "Custom.");
    }
}
