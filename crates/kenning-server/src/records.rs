//! The institution's records: the record page for people (`GET
//! /{type}/{id}`), the record as JSON, and the write API (`PUT` and
//! `DELETE /api/v1/records/{type}/{id}`).
//!
//! Writes need `Authorization: Bearer <token>` equal to
//! [`ServerConfig::api_token`](crate::ServerConfig::api_token), compared in
//! constant time; a missing or wrong token is a 401 (with
//! `WWW-Authenticate: Bearer`), and a server without a token, or whose
//! engine was opened read-only, answers 403 saying how to turn writes on.
//! The credentials are checked before the body is read. A `PUT` body is one
//! record in the records JSONL schema; `type` and `id` may be left out (the
//! address gives them) and, when present, must match the address.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use kenning_engine::{Engine, EngineError, RecordPage, RecordWrite};
use kenning_records::{RESERVED_KINDS, Record, record_path};
use serde_json::Value;

use crate::error::{ApiError, HttpError, PageError};
use crate::{AppState, MAX_BODY_BYTES, page_parts, record_page};

/// Why writes are off, and how to turn them on.
const WRITES_OFF: &str = "record writes are turned off on this server: start `kenning serve` with \
     an API token (set KENNING_API_TOKEN, or \"api_token\" in the --config file) to turn them on";

/// What a `PUT` body must be.
const PUT_USAGE: &str = "send one record as a JSON object, as one line of a records file: \
     {\"title\": \"…\", \"text\": \"…\", \"url\"?, \"lang\"?, \"fields\"?: {…}, \"links\"?: \
     [{\"rel\", \"type\", \"id\"}]}; \"type\" and \"id\" may be left out (the address gives them)";

/// The `(type, id)` of a record address, or a 400 when it cannot be decoded.
pub(crate) fn record_key(
    value: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), HttpError> {
    value
        .map(|Path(key)| key)
        .map_err(|_| HttpError::BadRequest("the address could not be decoded".to_owned()))
}

pub(crate) fn no_record(kind: &str, id: &str) -> HttpError {
    HttpError::NotFound(format!("there is no {kind} record with id `{id}`"))
}

/// `GET /{type}/{id}`: the record page. Types that name the site's own
/// routes (`api`, …) are never records: those addresses answer as the
/// fallback does (JSON under `/api/`).
pub(crate) async fn page(
    State(state): State<AppState>,
    uri: Uri,
    key: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, PageError> {
    let (kind, id) = record_key(key)?;
    if RESERVED_KINDS.contains(&kind.as_str()) {
        return Ok(crate::not_found(uri).await);
    }
    catch_up(&state).await?;
    let record = state
        .answer(|engine| engine.record(&kind, &id))
        .ok_or_else(|| {
            HttpError::NotFound(format!(
                "There is no {} record with id “{id}”.",
                page_parts::type_label(&kind).to_lowercase()
            ))
        })?;
    Ok(Html(record_page::render(&record, &state.config)).into_response())
}

/// `GET /api/v1/records/{type}/{id}`: the record as its page shows it.
pub(crate) async fn api_get(
    State(state): State<AppState>,
    key: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    let (kind, id) = record_key(key)?;
    catch_up(&state).await?;
    let record = state
        .answer(|engine| engine.record(&kind, &id))
        .ok_or_else(|| no_record(&kind, &id))?;
    Ok(Json(record))
}

/// With live records shared by several servers, applies the writes made
/// through the others before a record is answered, so that a write
/// acknowledged by any server is read on every one. It waits on the
/// database, so it runs on the blocking pool; a server alone does nothing.
async fn catch_up(state: &AppState) -> Result<(), HttpError> {
    if state.answer(Engine::records_shared) {
        state.ask(Engine::catch_up_records).await?;
    }
    Ok(())
}

/// `PUT /api/v1/records/{type}/{id}`: stores the record in the body
/// (durably), 201 with its page as JSON and `Location` when it is new, 200
/// when it replaced one.
pub(crate) async fn api_put(
    State(state): State<AppState>,
    _access: WriteAccess,
    key: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (kind, id) = record_key(key)?;
    let body = body.map_err(|r| unreadable(&r))?;
    let record = record_from_body(&body, &kind, &id)?;
    let (write, page) = state
        .ask_write(move |engine| engine.put_record(record.clone()))
        .await?
        .map_err(write_error)?;
    let response = match write {
        RecordWrite::Created => (
            StatusCode::CREATED,
            [(header::LOCATION, api_location(&kind, &id))],
            Json(page),
        )
            .into_response(),
        RecordWrite::Replaced => Json(page).into_response(),
    };
    Ok(response)
}

/// `DELETE /api/v1/records/{type}/{id}`: 204 once deleted (durably), 404
/// when there is no such record.
pub(crate) async fn api_delete(
    State(state): State<AppState>,
    _access: WriteAccess,
    key: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (kind, id) = record_key(key)?;
    let (k, i) = (kind.clone(), id.clone());
    let existed = state
        .ask_write(move |engine| engine.delete_record(&k, &i))
        .await?
        .map_err(write_error)?;
    if existed {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(no_record(&kind, &id).into())
    }
}

/// The API address of record `kind`/`id` (the id percent-encoded as on
/// its page).
fn api_location(kind: &str, id: &str) -> String {
    format!("/api/v1/records{}", record_path(kind, id))
}

/// A body that could not be read: too large, or cut off.
fn unreadable(rejection: &BytesRejection) -> HttpError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        HttpError::body_too_large(MAX_BODY_BYTES)
    } else {
        HttpError::BadRequest("the request body could not be read".to_owned())
    }
}

/// An engine error of a write, as the client sees it.
fn write_error(error: EngineError) -> HttpError {
    match error {
        EngineError::InvalidRecord(message) => HttpError::BadRequest(message),
        EngineError::ReadOnly => HttpError::Forbidden(WRITES_OFF.to_owned()),
        EngineError::DiskFull(e) => HttpError::InsufficientStorage(format!(
            "the record was not stored: the server's disk is full ({e}); nothing was written, \
             retry once space is freed"
        )),
        EngineError::Retired => HttpError::RecordsUnavailable(
            "the record write was not carried out: a new generation of the snapshot is being \
             rolled out; nothing was written, retry in a moment"
                .to_owned(),
        ),
        EngineError::RecordsUnavailable(e) => HttpError::RecordsUnavailable(format!(
            "the record write was not carried out: {e}; nothing was written, retry in a moment \
             (the server reconnects by itself)"
        )),
        other => HttpError::Internal(format!("record write: {other}")),
    }
}

/// The record in a `PUT` body addressed to `kind`/`id`: `type` and `id`
/// filled in from the address when absent, refused when they differ from
/// it, then checked as a line of a records file is (the message names the
/// field).
fn record_from_body(body: &[u8], kind: &str, id: &str) -> Result<Record, HttpError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| HttpError::BadRequest(format!("the body is not UTF-8 ({e}): {PUT_USAGE}")))?;
    let mut value: Value = serde_json::from_str(text)
        .map_err(|e| HttpError::BadRequest(format!("the body is not JSON ({e}): {PUT_USAGE}")))?;
    let Value::Object(object) = &mut value else {
        return Err(HttpError::BadRequest(format!(
            "the body is not a JSON object: {PUT_USAGE}"
        )));
    };
    for (field, expected) in [("type", kind), ("id", id)] {
        match object.get(field) {
            None => {
                object.insert(field.to_owned(), Value::from(expected));
            }
            Some(Value::String(given)) if given != expected => {
                return Err(HttpError::BadRequest(format!(
                    "request body: field \"{field}\": {given:?} differs from the address, \
                     which names {field} {expected:?}; leave \"{field}\" out or make them equal"
                )));
            }
            // Equal, or not a string: the record's own checks say what is wrong.
            Some(_) => {}
        }
    }
    let json = serde_json::to_string(&value)
        .map_err(|e| HttpError::Internal(format!("re-serialising a record: {e}")))?;
    Record::from_json(&json, "request body").map_err(|e| HttpError::BadRequest(e.to_string()))
}

/// Proof that a request may write records: writes are on (a token is
/// configured and the engine is writable) and the request carries the
/// token. Checked before the body is read.
#[derive(Debug)]
pub(crate) struct WriteAccess;

impl FromRequestParts<AppState> for WriteAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = state
            .config
            .api_token
            .as_deref()
            .ok_or_else(|| HttpError::Forbidden(WRITES_OFF.to_owned()))?;
        if !state.answer(kenning_engine::Engine::records_writable) {
            return Err(HttpError::Forbidden(format!(
                "this server opened its snapshot read-only; {WRITES_OFF}"
            ))
            .into());
        }
        authorize(&parts.headers, token)?;
        Ok(WriteAccess)
    }
}

/// Checks `Authorization: Bearer <token>` against `token`.
fn authorize(headers: &HeaderMap, token: &str) -> Result<(), HttpError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            HttpError::Unauthorized(
                "record writes need an `Authorization: Bearer <token>` header".to_owned(),
            )
        })?
        .as_bytes();
    let credentials = bearer_credentials(given).ok_or_else(|| {
        HttpError::Unauthorized("the Authorization header must be `Bearer <token>`".to_owned())
    })?;
    if same_secret(credentials, token.as_bytes()) {
        Ok(())
    } else {
        Err(HttpError::Unauthorized(
            "the API token is not valid".to_owned(),
        ))
    }
}

/// The credentials of an `Authorization: Bearer …` value (the scheme is
/// case-insensitive), if it is one.
fn bearer_credentials(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"bearer") || rest.first() != Some(&b' ') {
        return None;
    }
    let credentials = rest.trim_ascii();
    (!credentials.is_empty()).then_some(credentials)
}

/// Whether `given` equals `secret`, in time that does not depend on
/// where they first differ (`subtle`'s constant-time comparison; only a
/// difference in length is told apart early).
fn same_secret(given: &[u8], secret: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(given.ct_eq(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_credentials(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer_credentials(b"bearer  abc "), Some(&b"abc"[..]));
        assert_eq!(bearer_credentials(b"Bearerabc"), None);
        assert_eq!(bearer_credentials(b"Basic abc"), None);
        assert_eq!(bearer_credentials(b"Bearer "), None);
        assert_eq!(bearer_credentials(b"Bear"), None);
        assert!(same_secret(b"s3cret", b"s3cret"));
        assert!(!same_secret(b"s3cre", b"s3cret"));
        assert!(!same_secret(b"s3cretx", b"s3cret"));
        assert!(!same_secret(b"S3cret", b"s3cret"));
        assert!(!same_secret(b"", b"s3cret"));
    }

    #[test]
    fn bodies_take_type_and_id_from_the_address() {
        let r = record_from_body(br#"{"title": "Lab"}"#, "course", "EE-390(c)").unwrap();
        assert_eq!((r.kind.as_str(), r.id.as_str()), ("course", "EE-390(c)"));
        let r = record_from_body(
            br#"{"type": "course", "id": "X", "title": "Lab"}"#,
            "course",
            "X",
        )
        .unwrap();
        assert_eq!(r.title, "Lab");
        let e = record_from_body(br#"{"type": "person", "title": "Lab"}"#, "course", "X")
            .unwrap_err()
            .message();
        assert!(e.contains("field \"type\"") && e.contains("differs"), "{e}");
        let e = record_from_body(br#"{"id": "Y", "title": "Lab"}"#, "course", "X")
            .unwrap_err()
            .message();
        assert!(e.contains("field \"id\""), "{e}");
        let e = record_from_body(br#"{"text": "x"}"#, "course", "X")
            .unwrap_err()
            .message();
        assert_eq!(e, "request body: field \"title\": missing");
        let e = record_from_body(br#"{"type": 5, "title": "t"}"#, "course", "X")
            .unwrap_err()
            .message();
        assert!(e.contains("field \"type\": expected a string"), "{e}");
        assert!(record_from_body(b"[1]", "course", "X").is_err());
        assert!(record_from_body(b"{", "course", "X").is_err());
        assert!(record_from_body(b"\xff", "course", "X").is_err());
        let e = record_from_body(br#"{"title": "t"}"#, "concept", "1")
            .unwrap_err()
            .message();
        assert!(e.contains("reserved"), "{e}");
    }
}
