//! Pass 1: what MediaWiki strips before it parses anything else. Comments,
//! `<ref>`s and other extension tags whose content never shows in running
//! text are removed; `<nowiki>` and `<math>` content is kept but escaped so
//! later passes read it as plain text; HTML formatting tags are dropped with
//! their content kept; behaviour switches (`__NOTOC__`) disappear.
//!
//! Every search for a closing tag is cached per tag name, so unclosed tags
//! repeated any number of times cost linear time in total.

/// What happens to an element recognised by its tag name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TagRule {
    /// Removed with its content (`<ref>`, `<gallery>`, …).
    RemoveWithContent,
    /// Content kept literally, never parsed (`<nowiki>`, `<math>`).
    Literal,
    /// Becomes a word boundary (`<br>`).
    Space,
    /// The tag goes, the content stays (`<small>`, `<span>`, …).
    Strip,
}

/// Tag names with a rule, lower-case. Anything else is left as text.
const TAGS: &[(&str, TagRule)] = &[
    ("ref", TagRule::RemoveWithContent),
    ("references", TagRule::RemoveWithContent),
    ("gallery", TagRule::RemoveWithContent),
    ("timeline", TagRule::RemoveWithContent),
    ("imagemap", TagRule::RemoveWithContent),
    ("score", TagRule::RemoveWithContent),
    ("syntaxhighlight", TagRule::RemoveWithContent),
    ("source", TagRule::RemoveWithContent),
    ("pre", TagRule::RemoveWithContent),
    ("graph", TagRule::RemoveWithContent),
    ("mapframe", TagRule::RemoveWithContent),
    ("maplink", TagRule::RemoveWithContent),
    ("templatedata", TagRule::RemoveWithContent),
    ("templatestyles", TagRule::RemoveWithContent),
    ("inputbox", TagRule::RemoveWithContent),
    ("categorytree", TagRule::RemoveWithContent),
    ("includeonly", TagRule::RemoveWithContent),
    ("hiero", TagRule::RemoveWithContent),
    ("indicator", TagRule::RemoveWithContent),
    ("section", TagRule::RemoveWithContent),
    ("nowiki", TagRule::Literal),
    ("math", TagRule::Literal),
    ("chem", TagRule::Literal),
    ("ce", TagRule::Literal),
    ("br", TagRule::Space),
    ("noinclude", TagRule::Strip),
    ("onlyinclude", TagRule::Strip),
    ("poem", TagRule::Strip),
    ("b", TagRule::Strip),
    ("i", TagRule::Strip),
    ("u", TagRule::Strip),
    ("s", TagRule::Strip),
    ("small", TagRule::Strip),
    ("big", TagRule::Strip),
    ("sup", TagRule::Strip),
    ("sub", TagRule::Strip),
    ("span", TagRule::Strip),
    ("div", TagRule::Strip),
    ("center", TagRule::Strip),
    ("abbr", TagRule::Strip),
    ("font", TagRule::Strip),
    ("em", TagRule::Strip),
    ("strong", TagRule::Strip),
    ("tt", TagRule::Strip),
    ("code", TagRule::Strip),
    ("var", TagRule::Strip),
    ("kbd", TagRule::Strip),
    ("samp", TagRule::Strip),
    ("cite", TagRule::Strip),
    ("q", TagRule::Strip),
    ("dfn", TagRule::Strip),
    ("del", TagRule::Strip),
    ("ins", TagRule::Strip),
    ("mark", TagRule::Strip),
    ("strike", TagRule::Strip),
    ("blockquote", TagRule::Strip),
    ("p", TagRule::Strip),
    ("hr", TagRule::Space),
    ("ol", TagRule::Strip),
    ("ul", TagRule::Strip),
    ("li", TagRule::Space),
    ("dl", TagRule::Strip),
    ("dt", TagRule::Space),
    ("dd", TagRule::Space),
    ("table", TagRule::Strip),
    ("tr", TagRule::Space),
    ("td", TagRule::Space),
    ("th", TagRule::Space),
    ("caption", TagRule::Strip),
    ("tbody", TagRule::Strip),
    ("thead", TagRule::Strip),
    ("ruby", TagRule::Strip),
    ("rb", TagRule::Strip),
    ("rp", TagRule::Strip),
    ("rt", TagRule::Strip),
    ("bdi", TagRule::Strip),
    ("bdo", TagRule::Strip),
    ("wbr", TagRule::Strip),
    ("data", TagRule::Strip),
    ("time", TagRule::Strip),
    ("h1", TagRule::Strip),
    ("h2", TagRule::Strip),
    ("h3", TagRule::Strip),
    ("h4", TagRule::Strip),
    ("h5", TagRule::Strip),
    ("h6", TagRule::Strip),
];

/// Left where content was removed, so that the text written later can
/// tidy the space and punctuation around it; the output never contains it.
pub(crate) const REMOVED: char = '\u{1}';

/// Longest tag name in [`TAGS`].
const MAX_TAG_NAME: usize = 15;

/// Where the next closing tag of one name is, as far as known.
#[derive(Clone, Copy, Debug)]
enum CloseCache {
    Unknown,
    /// Searched from `from`: the first `</name>` at or after it spans `at`.
    Found {
        from: usize,
        at: (usize, usize),
    },
    /// Searched from `from`: there is none after it.
    Absent {
        from: usize,
    },
}

/// Pass 1 over `src`, as a new string.
#[cfg(test)]
pub(crate) fn preprocess(src: &str) -> String {
    let mut out = String::new();
    preprocess_into(src, &mut out);
    out
}

/// Runs pass 1 over `src`, writing into `out` (emptied first; its
/// allocation is reused from page to page).
pub(crate) fn preprocess_into(src: &str, out: &mut String) {
    let bytes = src.as_bytes();
    out.clear();
    out.reserve(src.len());
    let mut cache = vec![CloseCache::Unknown; TAGS.len()];
    let mut copied = 0; // src[copied..i] is still to be copied
    let mut i = 0;
    while let Some(found) = memchr::memchr2(b'<', b'_', &bytes[i..]) {
        // Nothing else starts what this pass removes.
        i += found;
        match bytes[i] {
            b'<' => {
                if let Some(next) = handle_angle(src, i, out, &mut copied, &mut cache) {
                    i = next;
                    copied = next;
                } else {
                    i += 1;
                }
            }
            b'_' if bytes.get(i + 1) == Some(&b'_') => {
                if let Some(len) = behaviour_switch(&bytes[i..]) {
                    out.push_str(&src[copied..i]);
                    i += len;
                    copied = i;
                } else {
                    i += 2;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&src[copied..]);
}

/// `__NOTOC__` and the like: `__`, 2 to 40 ASCII capitals, `__`.
fn behaviour_switch(s: &[u8]) -> Option<usize> {
    let word = s[2..]
        .iter()
        .take(41)
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    ((2..=40).contains(&word) && s[2 + word..].starts_with(b"__")).then_some(word + 4)
}

/// Handles the `<` at `i`. Returns where scanning continues if something was
/// written or dropped (having flushed `src[copied..i]`), `None` if the `<`
/// is plain text.
fn handle_angle(
    src: &str,
    i: usize,
    out: &mut String,
    copied: &mut usize,
    cache: &mut [CloseCache],
) -> Option<usize> {
    let bytes = src.as_bytes();
    if bytes[i..].starts_with(b"<!--") {
        out.push_str(&src[*copied..i]);
        return Some(skip_comment(src, i, out));
    }
    let closing = bytes.get(i + 1) == Some(&b'/');
    let name_start = i + 1 + usize::from(closing);
    let name_len = bytes[name_start.min(bytes.len())..]
        .iter()
        .take(MAX_TAG_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || name_len > MAX_TAG_NAME {
        return None;
    }
    let name_end = name_start + name_len;
    match bytes.get(name_end) {
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') => {}
        Some(_) => return None,
    }
    let name = &src[name_start..name_end];
    let tag = TAGS
        .iter()
        .position(|(t, _)| t.eq_ignore_ascii_case(name))?;
    let rule = TAGS[tag].1;
    out.push_str(&src[*copied..i]);
    let Some(tag_end) = find_tag_end(bytes, name_end) else {
        // A broken tag: never let `<ref` show, keep what follows.
        return Some(name_end);
    };
    let self_closing = bytes[tag_end - 2] == b'/';
    if closing || self_closing {
        match rule {
            TagRule::Space => out.push(' '),
            TagRule::RemoveWithContent => out.push(REMOVED),
            TagRule::Literal | TagRule::Strip => {}
        }
        return Some(tag_end);
    }
    match rule {
        TagRule::Strip => Some(tag_end),
        TagRule::Space => {
            out.push(' ');
            Some(tag_end)
        }
        TagRule::RemoveWithContent | TagRule::Literal => {
            match find_close(src, tag_end, tag, cache) {
                Some((close_start, close_end)) => {
                    if rule == TagRule::Literal {
                        escape_literal(&src[tag_end..close_start], out);
                    } else {
                        out.push(REMOVED);
                    }
                    Some(close_end)
                }
                None => Some(tag_end),
            }
        }
    }
}

/// The end (exclusive) of the tag whose name ends at `from`: just past its
/// `>`. Gives up at the next `<`, so scans never overlap much.
fn find_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from..];
    let at = rest.iter().position(|&b| b == b'>' || b == b'<')?;
    (rest[at] == b'>').then_some(from + at + 1)
}

/// Skips the comment starting at `i`; returns where scanning continues. An
/// unclosed comment runs to the end. A comment alone on its line takes the
/// line with it, as MediaWiki does.
fn skip_comment(src: &str, i: usize, out: &mut String) -> usize {
    let bytes = src.as_bytes();
    let Some(rel) = find_bytes(&bytes[i + 4..], b"-->") else {
        return bytes.len();
    };
    let end = i + 4 + rel + 3;
    let before = out.trim_end_matches([' ', '\t']);
    let alone_before = before.is_empty() || before.ends_with('\n');
    let spaces_after = bytes[end..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if alone_before && !before.is_empty() && bytes.get(end + spaces_after) == Some(&b'\n') {
        let keep = before.len();
        out.truncate(keep);
        return end + spaces_after + 1;
    }
    end
}

/// Finds the `</name>` closing tag `TAGS[tag]` at or after `from`, using and
/// updating the cache.
fn find_close(
    src: &str,
    from: usize,
    tag: usize,
    cache: &mut [CloseCache],
) -> Option<(usize, usize)> {
    match cache[tag] {
        CloseCache::Found { from: f, at } if f <= from && from <= at.0 => return Some(at),
        CloseCache::Absent { from: f } if f <= from => return None,
        _ => {}
    }
    let name = TAGS[tag].0.as_bytes();
    let bytes = src.as_bytes();
    let mut pos = from;
    let found = loop {
        let Some(rel) = find_bytes(&bytes[pos..], b"</") else {
            break None;
        };
        let start = pos + rel;
        let name_end = start + 2 + name.len();
        if bytes.len() >= name_end && bytes[start + 2..name_end].eq_ignore_ascii_case(name) {
            let ws = bytes[name_end..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if bytes.get(name_end + ws) == Some(&b'>') {
                break Some((start, name_end + ws + 1));
            }
        }
        pos = start + 2;
    };
    cache[tag] = match found {
        Some(at) => CloseCache::Found { from, at },
        None => CloseCache::Absent { from },
    };
    found
}

/// Writes literal content so that no later pass reads markup in it.
/// Entities stay as they are: MediaWiki decodes them in `<nowiki>` too.
fn escape_literal(content: &str, out: &mut String) {
    for c in content.chars() {
        let line_start = out.is_empty() || out.ends_with('\n');
        match c {
            '*' | '#' | ':' | ';' | '-' | ' ' if line_start => {
                out.push_str("&#");
                out.push_str(&u32::from(c).to_string());
                out.push(';');
            }
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '|' => out.push_str("&#124;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '=' => out.push_str("&#61;"),
            '_' => out.push_str("&#95;"),
            c => out.push(c),
        }
    }
}

/// First occurrence of `needle` in `hay`.
pub(crate) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut pos = 0;
    while let Some(rel) = hay[pos..].iter().position(|&b| b == first) {
        let at = pos + rel;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        pos = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_removed_and_unclosed_ones_run_to_the_end() {
        assert_eq!(preprocess("a<!-- x -->b"), "ab");
        assert_eq!(preprocess("a<!-- x"), "a");
        assert_eq!(preprocess("a\n<!-- x -->\nb"), "a\nb");
        assert_eq!(preprocess("<!-- <ref>x</ref> -->y"), "y");
    }

    #[test]
    fn refs_in_every_form_are_removed() {
        assert_eq!(preprocess("a<ref>x [[y]]</ref>."), "a\u{1}.");
        assert_eq!(preprocess("a<ref name=\"n\"/>."), "a\u{1}.");
        assert_eq!(preprocess("a<ref name=n />."), "a\u{1}.");
        assert_eq!(preprocess("a<REF group=g>x</Ref >."), "a\u{1}.");
        assert_eq!(
            preprocess("a<references/>b<references>x</references>"),
            "a\u{1}b\u{1}"
        );
        assert_eq!(preprocess("a<ref>b"), "ab");
        assert_eq!(preprocess("a<ref name=\"b"), "a name=\"b");
    }

    #[test]
    fn extension_blocks_are_removed() {
        let removed = |s: &str| preprocess(s).replace(REMOVED, "");
        assert_eq!(removed("a<gallery>\nF.jpg|x\n</gallery>b"), "ab");
        assert_eq!(
            removed("a<syntaxhighlight lang=c>{{x}}</syntaxhighlight>b"),
            "ab"
        );
        assert_eq!(removed("a<timeline>x</timeline><pre>y</pre>b"), "ab");
    }

    #[test]
    fn nowiki_and_math_are_literal() {
        assert_eq!(
            preprocess("<nowiki>[[x]]</nowiki>"),
            "&#91;&#91;x&#93;&#93;"
        );
        assert_eq!(preprocess("<math>a+b</math>"), "a+b");
        assert_eq!(preprocess("a<nowiki/>b"), "ab");
        assert_eq!(preprocess("<nowiki>&nbsp;*</nowiki>"), "&nbsp;*");
        assert_eq!(preprocess("<nowiki>* a</nowiki>"), "&#42; a");
    }

    #[test]
    fn formatting_tags_are_stripped() {
        assert_eq!(
            preprocess("<small>a</small> <span style=\"x\">b</span>"),
            "a b"
        );
        assert_eq!(preprocess("a<br>b<br/>c<br />d"), "a b c d");
        assert_eq!(preprocess("a < b > c"), "a < b > c");
        assert_eq!(preprocess("<unknown>x"), "<unknown>x");
    }

    #[test]
    fn behaviour_switches_are_removed() {
        assert_eq!(preprocess("__NOTOC__a__TOC__"), "a");
        assert_eq!(preprocess("snake__case__x"), "snake__case__x");
    }
}
