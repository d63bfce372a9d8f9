//! The stylesheet, the search-as-you-type script and the icon, compiled
//! into the binary. A file is found by exact name in a fixed table, so no
//! request can reach anything else (no path traversal by construction).

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{HttpError, PageError};

/// Name, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/style.css"),
    ),
    (
        "search.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/search.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

/// `GET /static/{file}`.
pub(crate) async fn handler(
    name: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    let (_, content_type, bytes) = FILES
        .iter()
        .find(|(n, _, _)| name.as_ref().is_ok_and(|name| *n == name.as_str()))
        .ok_or_else(|| HttpError::NotFound("there is no such file".to_owned()))?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        *bytes,
    )
        .into_response())
}
