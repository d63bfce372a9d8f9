//! The namespace table of one wiki.

use std::collections::HashMap;

/// Namespace 0: articles. Its pages become concepts.
pub const NS_MAIN: i32 = 0;
/// Namespace 6: files and images.
pub const NS_FILE: i32 = 6;
/// Namespace 10: templates.
pub const NS_TEMPLATE: i32 = 10;
/// Namespace 14: categories.
pub const NS_CATEGORY: i32 = 14;

/// How a wiki treats the case of a title's first letter (`<namespace case=…>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Case {
    /// `first-letter`: the first letter is upper-cased (Wikipedia's default).
    #[default]
    FirstLetter,
    /// `case-sensitive`: titles are kept as written (Wiktionary).
    Sensitive,
}

/// The namespaces of one wiki: ids, their local names and every alias that
/// MediaWiki accepts in a link (canonical English names always work).
#[derive(Clone, Debug)]
pub struct Namespaces {
    /// Lower-cased, space-normalised name or alias → namespace id.
    by_name: HashMap<String, i32>,
    /// Namespace id → the name used for display (the local name).
    names: HashMap<i32, String>,
    /// Namespace id → case rule.
    case: HashMap<i32, Case>,
}

/// MediaWiki's canonical English namespace names, valid on every wiki.
const CANONICAL: &[(i32, &str)] = &[
    (-2, "Media"),
    (-1, "Special"),
    (1, "Talk"),
    (2, "User"),
    (3, "User talk"),
    (4, "Project"),
    (5, "Project talk"),
    (6, "File"),
    (7, "File talk"),
    (8, "MediaWiki"),
    (9, "MediaWiki talk"),
    (10, "Template"),
    (11, "Template talk"),
    (12, "Help"),
    (13, "Help talk"),
    (14, "Category"),
    (15, "Category talk"),
    (828, "Module"),
    (829, "Module talk"),
];

/// Aliases MediaWiki accepts everywhere.
const ALIASES: &[(i32, &str)] = &[(6, "Image"), (7, "Image talk"), (4, "WP"), (4, "Wikipedia")];

impl Default for Namespaces {
    fn default() -> Self {
        Self::english()
    }
}

impl Namespaces {
    /// An empty table that still knows the canonical names and aliases.
    pub fn new() -> Self {
        let mut ns = Namespaces {
            by_name: HashMap::new(),
            names: HashMap::new(),
            case: HashMap::new(),
        };
        for &(id, name) in CANONICAL {
            ns.by_name.insert(key(name), id);
            ns.names.insert(id, name.to_owned());
        }
        for &(id, name) in ALIASES {
            ns.by_name.insert(key(name), id);
        }
        ns.names.insert(0, String::new());
        ns
    }

    /// The table of an English MediaWiki with default settings.
    pub fn english() -> Self {
        Self::new()
    }

    /// Declares a namespace as `<siteinfo>` lists it: its local name becomes
    /// the display name and is recognised in links, beside the canonical one.
    pub fn insert(&mut self, id: i32, local_name: &str, case: Case) {
        let name = collapse_spaces(local_name);
        if id != 0 && !name.is_empty() {
            self.by_name.insert(key(&name), id);
        }
        self.names.insert(id, name);
        self.case.insert(id, case);
    }

    /// Adds one more name (an alias) for a namespace.
    pub fn insert_alias(&mut self, id: i32, alias: &str) {
        let name = collapse_spaces(alias);
        if !name.is_empty() {
            self.by_name.insert(key(&name), id);
        }
    }

    /// The namespace whose name or alias is `prefix` (any case, `_` = space).
    pub fn id_of(&self, prefix: &str) -> Option<i32> {
        self.by_name.get(&key(&collapse_spaces(prefix))).copied()
    }

    /// The display (local) name of a namespace, `""` for articles.
    pub fn name(&self, id: i32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The case rule of a namespace (first-letter unless `<siteinfo>` says otherwise).
    pub fn case(&self, id: i32) -> Case {
        self.case.get(&id).copied().unwrap_or_default()
    }

    /// Every name and alias known for namespace `id`, lower-cased.
    pub fn names_of(&self, id: i32) -> impl Iterator<Item = &str> {
        self.by_name
            .iter()
            .filter(move |&(_, &v)| v == id)
            .map(|(k, _)| k.as_str())
    }

    /// Every namespace with its display name, sorted by id.
    pub fn declared(&self) -> Vec<(i32, &str)> {
        let mut v: Vec<(i32, &str)> = self.names.iter().map(|(&id, n)| (id, n.as_str())).collect();
        v.sort_unstable();
        v
    }

    /// The full title of a page: `"Category:Physics"` for (14, "Physics").
    pub fn full_title(&self, id: i32, title: &str) -> String {
        match self.name(id) {
            Some(n) if !n.is_empty() => format!("{n}:{title}"),
            _ => title.to_owned(),
        }
    }
}

fn key(name: &str) -> String {
    name.to_lowercase()
}

/// `_` → space, runs of whitespace → one space, trimmed.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == '_' || c.is_whitespace() || c == '\u{200E}' || c == '\u{200F}' {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_local_names_resolve() {
        let mut ns = Namespaces::new();
        ns.insert(14, "Kategoreja", Case::FirstLetter);
        assert_eq!(ns.id_of("kategoreja"), Some(14));
        assert_eq!(ns.id_of("Category"), Some(14));
        assert_eq!(ns.id_of("image"), Some(6));
        assert_eq!(ns.id_of("User_talk"), Some(3));
        assert_eq!(ns.name(14), Some("Kategoreja"));
        assert_eq!(ns.full_title(14, "Fizika"), "Kategoreja:Fizika");
        assert_eq!(ns.id_of("Nonsense"), None);
    }
}
