//! Why a request failed, and how that is shown: as
//! `{"error":{"code","message"}}` to programs ([`ApiError`]) and as a
//! friendly page to people ([`PageError`]), with the same status either way.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::html;

/// The challenge of a 401: the write API takes a bearer token.
pub(crate) const BEARER_CHALLENGE: &str = "Bearer realm=\"kenning\"";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpError {
    /// The request is malformed (bad id, bad number, query too long, …).
    BadRequest(String),
    /// Nothing is there.
    NotFound(String),
    /// The request needs credentials it did not carry, or carried wrong
    /// ones (answered with `WWW-Authenticate: Bearer`).
    Unauthorized(String),
    /// The request is understood but will not be carried out here (record
    /// writes are turned off); the message says how to turn them on.
    Forbidden(String),
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// The request (its body, or the text in it) is larger than the
    /// server accepts; the message says the limit.
    PayloadTooLarge(String),
    /// The request target (path and query) is longer than the server
    /// accepts.
    UriTooLong(String),
    /// The request's headers are larger, or more, than the server accepts.
    HeadersTooLarge(String),
    /// The snapshot cannot answer this kind of question (for example, it
    /// has no mention dictionary); the message says what to do.
    Unavailable(String),
    /// The server is at its bound on requests of this kind; answered with
    /// `Retry-After`.
    Busy(String),
    /// The live records store is out of disk space: nothing was written.
    InsufficientStorage(String),
    /// The shared records database is out of reach: nothing was written;
    /// answered with `Retry-After`.
    RecordsUnavailable(String),
    /// The engine failed; the message is for the log, not for the client.
    Internal(String),
}

impl HttpError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::NotFound(_) => StatusCode::NOT_FOUND,
            HttpError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            HttpError::Forbidden(_) => StatusCode::FORBIDDEN,
            HttpError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            HttpError::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            HttpError::Unavailable(_) | HttpError::Busy(_) | HttpError::RecordsUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            HttpError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code of the JSON error.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            HttpError::BadRequest(_) => "bad_request",
            HttpError::NotFound(_) => "not_found",
            HttpError::Unauthorized(_) => "unauthorized",
            HttpError::Forbidden(_) => "forbidden",
            HttpError::MethodNotAllowed => "method_not_allowed",
            HttpError::PayloadTooLarge(_) => "payload_too_large",
            HttpError::UriTooLong(_) => "uri_too_long",
            HttpError::HeadersTooLarge(_) => "headers_too_large",
            HttpError::Unavailable(_) => "unavailable",
            HttpError::Busy(_) => "busy",
            HttpError::InsufficientStorage(_) => "insufficient_storage",
            HttpError::RecordsUnavailable(_) => "records_unavailable",
            HttpError::Internal(_) => "internal",
        }
    }

    /// The message shown to the client.
    pub(crate) fn message(&self) -> String {
        match self {
            HttpError::BadRequest(m)
            | HttpError::NotFound(m)
            | HttpError::Unauthorized(m)
            | HttpError::Forbidden(m)
            | HttpError::PayloadTooLarge(m)
            | HttpError::UriTooLong(m)
            | HttpError::HeadersTooLarge(m)
            | HttpError::Unavailable(m)
            | HttpError::Busy(m)
            | HttpError::InsufficientStorage(m)
            | HttpError::RecordsUnavailable(m) => m.clone(),
            HttpError::MethodNotAllowed => "this method is not allowed here".to_owned(),
            HttpError::Internal(_) => "the server could not answer this request".to_owned(),
        }
    }

    /// A body larger than `limit` bytes.
    pub(crate) fn body_too_large(limit: usize) -> HttpError {
        HttpError::PayloadTooLarge(format!("the request body is larger than {limit} bytes"))
    }

    pub(crate) fn heading(&self) -> &'static str {
        match self {
            HttpError::BadRequest(_) => "Bad request",
            HttpError::NotFound(_) => "Not found",
            HttpError::Unauthorized(_) => "Not authorised",
            HttpError::Forbidden(_) => "Not allowed",
            HttpError::MethodNotAllowed => "Method not allowed",
            HttpError::PayloadTooLarge(_) => "Request too large",
            HttpError::UriTooLong(_) => "Address too long",
            HttpError::HeadersTooLarge(_) => "Headers too large",
            HttpError::Unavailable(_) => "Not available",
            HttpError::Busy(_) => "Busy",
            HttpError::InsufficientStorage(_) => "Out of disk space",
            HttpError::RecordsUnavailable(_) => "Records unavailable",
            HttpError::Internal(_) => "Something went wrong",
        }
    }

    fn log(&self) {
        match self {
            HttpError::Internal(detail) => eprintln!("kenning-server: internal error: {detail}"),
            HttpError::InsufficientStorage(detail) | HttpError::RecordsUnavailable(detail) => {
                eprintln!("kenning-server: record write refused: {detail}");
            }
            _ => {}
        }
    }

    /// The JSON rendering.
    pub(crate) fn into_json(self) -> Response {
        self.log();
        #[derive(Serialize)]
        struct Body<'a> {
            error: Detail<'a>,
        }
        #[derive(Serialize)]
        struct Detail<'a> {
            code: &'a str,
            message: String,
        }
        let body = Body {
            error: Detail {
                code: self.code(),
                message: self.message(),
            },
        };
        let response = (self.status(), axum::Json(body)).into_response();
        self.challenge(response)
    }

    /// Adds `WWW-Authenticate` to the response of a 401, and
    /// `Retry-After` to that of a write the records database could not take.
    fn challenge(&self, mut response: Response) -> Response {
        match self {
            HttpError::Unauthorized(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(BEARER_CHALLENGE),
                );
            }
            HttpError::RecordsUnavailable(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            }
            _ => {}
        }
        response
    }

    /// The HTML rendering.
    pub(crate) fn into_page(self) -> Response {
        self.log();
        let status = self.status();
        let html = html::error_page(status.as_u16(), self.heading(), &self.message());
        let response = (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response();
        self.challenge(response)
    }
}

/// An error answered as JSON (API routes).
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) HttpError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

impl From<HttpError> for ApiError {
    fn from(e: HttpError) -> Self {
        ApiError(e)
    }
}

/// An error answered as an HTML page (pages for people).
#[derive(Debug)]
pub(crate) struct PageError(pub(crate) HttpError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}

impl From<HttpError> for PageError {
    fn from(e: HttpError) -> Self {
        PageError(e)
    }
}
