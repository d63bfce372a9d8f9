//! The reader's language: `?lang=` when given, else the first language of
//! the request's `Accept-Language` that the snapshot has, else the
//! snapshot's primary one.
//!
//! Pages and the concept API take it; the chrome of the pages (headings,
//! buttons, the notice) stays in English for now.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;

use crate::error::HttpError;
use crate::params::Params;

/// The request's `Accept-Language` header, if it has one in ASCII (only
/// that header is copied out of the request, not all of them).
#[derive(Debug, Default)]
pub(crate) struct AcceptLanguage(pub(crate) Option<String>);

impl<S: Sync> FromRequestParts<S> for AcceptLanguage {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(AcceptLanguage(
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ))
    }
}

/// Most entries of an `Accept-Language` header that are looked at.
const MAX_ACCEPTED: usize = 16;

/// The language a request asks for: `?lang=`, which must be a language
/// code (a code the snapshot lacks is still taken: the page then says it
/// is shown in the primary language), else the first language of
/// `Accept-Language` that the snapshot has (`has`).
pub(crate) fn requested(
    params: &Params,
    accept: &AcceptLanguage,
    has: impl Fn(&str) -> bool,
) -> Result<Option<String>, HttpError> {
    if let Some(lang) = params.get("lang") {
        let lang = lang.trim().to_ascii_lowercase();
        if !kenning_model::is_language_code(&lang) {
            return Err(HttpError::BadRequest(format!(
                "`lang` must be a language code such as `en`, `fr` or `zh-yue`, not {lang:?}"
            )));
        }
        return Ok(Some(lang));
    }
    let Some(header) = accept.0.as_deref() else {
        return Ok(None);
    };
    Ok(accepted(header)
        .into_iter()
        .find_map(|tag| match_tag(&tag, &has)))
}

/// The language tags of an `Accept-Language` header, most wanted first
/// (by `q`, then in the header's order), lower-cased; `*` and `q=0` left
/// out.
fn accepted(header: &str) -> Vec<String> {
    let mut tags: Vec<(String, f32)> = header
        .split(',')
        .take(MAX_ACCEPTED)
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && q > 0.0).then_some((tag, q))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(tag, _)| tag).collect()
}

/// The snapshot language a tag names: itself, or its primary subtag
/// (`fr-ch` → `fr`).
fn match_tag(tag: &str, has: impl Fn(&str) -> bool) -> Option<String> {
    let primary = tag.split('-').next().unwrap_or(tag);
    [tag, primary]
        .into_iter()
        .find(|t| has(t))
        .map(str::to_owned)
}

/// The name of a language in that language, for the language switcher;
/// the code itself for the ones not listed.
pub(crate) fn native_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "es" => "Español",
        "pt" => "Português",
        "nl" => "Nederlands",
        "rm" => "Rumantsch",
        "ltg" => "Latgaļu",
        "lv" => "Latviešu",
        "pl" => "Polski",
        "ru" => "Русский",
        "zh" => "中文",
        "ja" => "日本語",
        _ => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    fn ask(query: &str, header: Option<&str>) -> Result<Option<String>, HttpError> {
        let available = langs(&["en", "de", "fr"]);
        requested(
            &Params::parse(Some(query)),
            &AcceptLanguage(header.map(str::to_owned)),
            |code| available.iter().any(|a| a == code),
        )
    }

    #[test]
    fn the_query_wins_then_the_header_by_quality() {
        assert_eq!(ask("lang=de", Some("fr")).unwrap().as_deref(), Some("de"));
        assert_eq!(ask("lang=FR", None).unwrap().as_deref(), Some("fr"));
        // A code the snapshot lacks is kept: the page says what it shows.
        assert_eq!(ask("lang=it", None).unwrap().as_deref(), Some("it"));
        assert_eq!(
            ask("", Some("it;q=0.9, fr-CH, de;q=0.95"))
                .unwrap()
                .as_deref(),
            Some("fr")
        );
        assert_eq!(
            ask("", Some("it, *;q=0.5, de;q=0")).unwrap().as_deref(),
            None
        );
        assert_eq!(ask("", None).unwrap(), None);
    }

    #[test]
    fn a_lang_that_is_not_a_code_is_a_bad_request() {
        for bad in ["lang=", "lang=%3Cscript%3E", "lang=english-language-please"] {
            assert!(
                matches!(ask(bad, None), Err(HttpError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
