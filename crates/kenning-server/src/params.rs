//! Request parameters: parsing and limits.
//!
//! Limits (documented in the OpenAPI file too):
//! - a query (`q`) longer than [`MAX_QUERY_BYTES`] bytes is refused (400),
//!   not truncated: a truncated query would silently answer another question;
//! - `limit` above [`MAX_LIMIT`] is clamped to it, 0 is raised to 1;
//! - `offset` above [`MAX_OFFSET`] and `page` beyond the same depth are
//!   refused (400); deep pages are of no use to people or programs;
//! - at most [`MAX_TYPES`] types in a filter, each a short lower-case word.

use crate::error::HttpError;

/// Longest accepted query in bytes, most results in one answer, deepest
/// result that can be asked for: the search index's own limits
/// (`kenning-search`, re-exported by the engine), so the server refuses
/// exactly what the index would cut.
pub(crate) use kenning_engine::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES};
/// Most types in a type filter.
pub(crate) const MAX_TYPES: usize = 16;

/// The query-string parameters of a request, in order.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a raw query string (`a=1&b=x+y`); never fails: bad percent
    /// escapes and invalid UTF-8 are kept as replacement characters.
    pub(crate) fn parse(raw: Option<&str>) -> Params {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Params(pairs)
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query text `q`: `None` when absent, an error when too long.
    /// Surrounding whitespace is removed.
    pub(crate) fn query(&self) -> Result<Option<String>, HttpError> {
        match self.get("q") {
            None => Ok(None),
            Some(q) if q.len() > MAX_QUERY_BYTES => Err(HttpError::BadRequest(format!(
                "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
                q.len()
            ))),
            Some(q) => Ok(Some(q.trim().to_owned())),
        }
    }

    /// A non-negative integer parameter, or `default` when absent or empty.
    pub(crate) fn number(&self, name: &str, default: usize) -> Result<usize, HttpError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) => v.parse::<usize>().map_err(|_| {
                HttpError::BadRequest(format!("parameter `{name}` must be a non-negative integer"))
            }),
        }
    }

    /// A yes-or-no parameter: `true`/`1`/`yes` or `false`/`0`/`no` (any
    /// case); `false` when absent or empty.
    pub(crate) fn flag(&self, name: &str) -> Result<bool, HttpError> {
        match self
            .get(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("" | "false" | "0" | "no") => Ok(false),
            Some("true" | "1" | "yes") => Ok(true),
            Some(_) => Err(HttpError::BadRequest(format!(
                "parameter `{name}` must be true or false"
            ))),
        }
    }

    /// `limit`, clamped to `1..=MAX_LIMIT`.
    pub(crate) fn limit(&self, default: usize) -> Result<usize, HttpError> {
        Ok(self.number("limit", default)?.clamp(1, MAX_LIMIT))
    }

    /// `offset`, at most [`MAX_OFFSET`].
    pub(crate) fn offset(&self) -> Result<usize, HttpError> {
        let offset = self.number("offset", 0)?;
        if offset > MAX_OFFSET {
            return Err(HttpError::BadRequest(format!(
                "parameter `offset` must be at most {MAX_OFFSET}"
            )));
        }
        Ok(offset)
    }

    /// `page` (from 1), such that the page starts at most at [`MAX_OFFSET`].
    pub(crate) fn page(&self, page_size: usize) -> Result<usize, HttpError> {
        let last = MAX_OFFSET / page_size + 1;
        match self.number("page", 1)? {
            p if (1..=last).contains(&p) => Ok(p),
            _ => Err(HttpError::BadRequest(format!(
                "parameter `page` must be from 1 to {last}"
            ))),
        }
    }

    /// The type filter: `types=concept,course` or `types=concept&types=course`;
    /// empty means every type.
    pub(crate) fn types(&self) -> Result<Vec<String>, HttpError> {
        let mut types: Vec<String> = Vec::new();
        for value in self.all("types") {
            for t in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let valid = t.len() <= 32
                    && t.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                    });
                if !valid {
                    return Err(HttpError::BadRequest(
                        "a type is a lower-case word of at most 32 letters, digits, `_` or `-`"
                            .to_owned(),
                    ));
                }
                if !types.iter().any(|x| x == t) {
                    types.push(t.to_owned());
                }
            }
        }
        if types.len() > MAX_TYPES {
            return Err(HttpError::BadRequest(format!(
                "at most {MAX_TYPES} types can be asked for"
            )));
        }
        Ok(types)
    }
}

/// A concept id from a path segment.
pub(crate) fn concept_id(segment: &str) -> Result<u32, HttpError> {
    segment
        .parse::<u32>()
        .map_err(|_| HttpError::BadRequest(format!("`{segment}` is not a concept id (a number)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_limits_parameters() {
        let p = Params::parse(Some(
            "q=+lake%20tessel+&limit=500&offset=20&types=concept,course&types=concept&page=2",
        ));
        assert_eq!(p.query().unwrap().as_deref(), Some("lake tessel"));
        assert_eq!(p.limit(10).unwrap(), 100);
        assert_eq!(p.offset().unwrap(), 20);
        assert_eq!(p.page(10).unwrap(), 2);
        assert_eq!(p.types().unwrap(), ["concept", "course"]);

        let p = Params::parse(Some("limit=0&offset=10001&page=0&types=%3Cb%3E"));
        assert_eq!(p.limit(10).unwrap(), 1);
        assert!(p.offset().is_err());
        assert!(p.page(10).is_err());
        assert!(p.types().is_err());

        assert!(Params::parse(Some("limit=-1")).limit(10).is_err());
        assert!(Params::parse(Some("exact=TRUE")).flag("exact").unwrap());
        assert!(Params::parse(Some("exact=1")).flag("exact").unwrap());
        assert!(!Params::parse(Some("exact=no")).flag("exact").unwrap());
        assert!(!Params::parse(None).flag("exact").unwrap());
        assert!(Params::parse(Some("exact=maybe")).flag("exact").is_err());
        assert!(
            Params::parse(Some(&format!("q={}", "a".repeat(513))))
                .query()
                .is_err()
        );
        assert_eq!(Params::parse(None).query().unwrap(), None);
        assert_eq!(
            Params::parse(Some("q=%FF%zz")).query().unwrap().as_deref(),
            Some("\u{fffd}%zz")
        );
    }

    #[test]
    fn concept_ids_are_numbers() {
        assert_eq!(concept_id("42").unwrap(), 42);
        assert!(concept_id("abc").is_err());
        assert!(concept_id("-1").is_err());
        assert!(concept_id("99999999999").is_err());
    }
}
