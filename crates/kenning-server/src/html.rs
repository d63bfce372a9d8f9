//! HTML building blocks: the one escaping function, URL encoding, and the
//! page shell every HTML page is wrapped in.
//!
//! Every string that comes from a dump or a request goes through
//! [`escape`] before it reaches the output, in text and in attribute
//! values alike (all five of `& < > " '` are replaced, so the same
//! function is safe in both places). Pages carry no inline script or
//! style: the Content-Security-Policy forbids them.

use std::fmt::{self, Display, Write as _};

use crate::messages::{Messages, Msg};
use crate::params::MAX_QUERY_BYTES;

/// `text` made safe for HTML text and for quoted attribute values.
///
/// Use it with `write!`/`format!`: `write!(out, "<p>{}</p>", escape(title))`.
pub(crate) fn escape(text: &str) -> Escaped<'_> {
    Escaped(text)
}

/// A string that escapes itself when displayed (see [`escape`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Escaped<'a>(&'a str);

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        // A byte scan: the five are ASCII, so their positions are char
        // boundaries (a char pattern decodes every character instead).
        while let Some(pos) = rest
            .bytes()
            .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
        {
            f.write_str(&rest[..pos])?;
            f.write_str(match rest.as_bytes()[pos] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[pos + 1..];
        }
        f.write_str(rest)
    }
}

/// Percent-encodes `text` for a URL query value or path segment: every byte
/// but ASCII letters, digits and `-._~` is encoded. The result still goes
/// through [`escape`] when it is put in an attribute.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether `url` may be put in an `href`: only absolute `http`/`https`
/// URLs from a dump are linked (no `javascript:` and the like).
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What the page shell needs besides the body.
#[derive(Debug, Default)]
pub(crate) struct Shell<'a> {
    /// The `<title>`, before the brand.
    pub(crate) title: &'a str,
    /// The query to prefill the header's search box with.
    pub(crate) query: &'a str,
    /// Whether the header shows a search box (the home page has its own).
    pub(crate) header_search: bool,
    /// The class of `<body>`, for per-page styles.
    pub(crate) body_class: &'a str,
    /// The language of the page's content (`<html lang>`); English when
    /// `None`.
    pub(crate) lang: Option<&'a str>,
    /// The same page in other languages: `(language, URL)`, for
    /// `<link rel="alternate" hreflang>`.
    pub(crate) alternates: &'a [(String, String)],
    /// The language the reader chose with `?lang=`, which the header's
    /// search box carries to the search page.
    pub(crate) keep_lang: Option<&'a str>,
}

/// The brand shown in the header and in every `<title>`.
pub(crate) const BRAND: &str = "kenning";

/// Wraps `body` (already HTML) in the page shell: head, header with the
/// brand, a search box and the site's links (Wikify), main, footer.
pub(crate) fn page(shell: &Shell<'_>, body: &str) -> String {
    let m = Messages::new(shell.lang);
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">",
        escape(shell.lang.unwrap_or("en"))
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if shell.title.is_empty() {
        let _ = writeln!(out, "<title>{BRAND}</title>");
    } else {
        let _ = writeln!(out, "<title>{} · {BRAND}</title>", escape(shell.title));
    }
    for (lang, url) in shell.alternates {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">",
            escape(lang),
            escape(url)
        );
    }
    out.push_str("<link rel=\"stylesheet\" href=\"/static/style.css\">\n");
    out.push_str("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n");
    out.push_str("<script src=\"/static/search.js\" defer></script>\n");
    let _ = writeln!(
        out,
        "</head>\n<body class=\"{}\">",
        escape(shell.body_class)
    );
    out.push_str("<header class=\"site-header\">\n<div class=\"wrap header-row\">\n");
    let _ = writeln!(out, "<a class=\"brand\" href=\"/\">{BRAND}</a>");
    if shell.header_search {
        out.push_str(&search_form_in(
            shell.query,
            "header-search",
            false,
            &m,
            shell.keep_lang,
        ));
    }
    out.push_str("<nav class=\"site-nav\" aria-label=\"Site\">");
    let current = if shell.body_class == "wikify" {
        " aria-current=\"page\""
    } else {
        ""
    };
    let _ = write!(
        out,
        "<a href=\"/wikify\"{current} title=\"{}\">{}</a>",
        m.html(Msg::NavWikifyTitle),
        m.html(Msg::NavWikify)
    );
    out.push_str("</nav>\n</div>\n</header>\n<main class=\"wrap\">\n");
    out.push_str(body);
    out.push_str("\n</main>\n<footer class=\"site-footer\"><div class=\"wrap\">");
    let _ = write!(
        out,
        "{} · <a href=\"/api\">{}</a></div></footer>\n</body>\n</html>\n",
        m.html(Msg::FooterGenerated),
        m.html(Msg::FooterApi)
    );
    out
}

/// A search form that submits to `/search`; `search.js` adds suggestions
/// to every input with `data-suggest`.
pub(crate) fn search_form(query: &str, class: &str, autofocus: bool) -> String {
    search_form_in(query, class, autofocus, &Messages::english(), None)
}

/// [`search_form`] with its words in `m`'s language, carrying the
/// language the reader chose (`keep_lang`) to the search page.
pub(crate) fn search_form_in(
    query: &str,
    class: &str,
    autofocus: bool,
    m: &Messages,
    keep_lang: Option<&str>,
) -> String {
    let autofocus = if autofocus { " autofocus" } else { "" };
    let keep = keep_lang
        .map(|l| {
            format!(
                "<input type=\"hidden\" name=\"lang\" value=\"{}\">",
                escape(l)
            )
        })
        .unwrap_or_default();
    format!(
        "<form class=\"search-form {class}\" action=\"/search\" method=\"get\" role=\"search\">\
         <div class=\"search-box\">\
         <input type=\"search\" name=\"q\" value=\"{query}\" placeholder=\"{placeholder}\" \
         aria-label=\"{label}\" autocomplete=\"off\" spellcheck=\"false\" maxlength=\"{MAX_QUERY_BYTES}\" data-suggest{autofocus}>\
         </div>{keep}\
         <button type=\"submit\">{button}</button>\
         </form>\n",
        class = escape(class),
        query = escape(query),
        placeholder = m.html(Msg::SearchPlaceholder),
        label = m.html(Msg::SearchLabel),
        button = m.html(Msg::SearchButton),
    )
}

/// A friendly error page.
pub(crate) fn error_page(status: u16, heading: &str, message: &str) -> String {
    let body = format!(
        "<article class=\"error-page\">\n<p class=\"type-label\">Error {status}</p>\n\
         <h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">Back to the home page</a></p>\n</article>",
        escape(heading),
        escape(message),
    );
    page(
        &Shell {
            title: heading,
            query: "",
            header_search: true,
            body_class: "error",
            ..Shell::default()
        },
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        let s = escape("<script>alert('x' & \"y\")</script>").to_string();
        assert_eq!(
            s,
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(escape("plain – text").to_string(), "plain – text");
        assert_eq!(escape("").to_string(), "");
    }

    #[test]
    fn url_encodes_reserved_and_non_ascii_bytes() {
        assert_eq!(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(url_encode("Merrowby_Halt-1.~"), "Merrowby_Halt-1.~");
    }

    #[test]
    fn only_web_urls_are_linked() {
        assert!(is_web_url("https://wiki.example.org/wiki/X"));
        assert!(is_web_url("HTTP://x"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("//evil.example"));
        assert!(!is_web_url("ht"));
    }
}
