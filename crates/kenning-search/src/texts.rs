//! The snippet texts file ([`TEXTS`](crate::schema::TEXTS)): each
//! document's summary and body, cut to
//! [`SNIPPET_TEXT_BYTES`](crate::schema::SNIPPET_TEXT_BYTES) each, one
//! lz4-compressed record per document, appended in the order documents are
//! added.
//!
//! Kept out of tantivy's document store on purpose: merging segments
//! rewrites the store whole, through memory maps, so a store holding every
//! text made the build's resident memory grow with the whole index. This
//! file is written once, sequentially, and read one record per hit.
//!
//! A record: the summary's and the body's lengths and the compressed
//! length (`u32` little-endian each), then the lz4 block of the summary
//! followed by the body.

use std::io::{self, Write};

use crate::analysis::truncate;
use crate::schema::SNIPPET_TEXT_BYTES;

/// Bytes before a record's compressed block.
const HEADER: usize = 12;

/// Appends one record (summary, body) to `out`; returns the bytes written.
/// `scratch` is reused between calls.
pub(crate) fn append(
    out: &mut impl Write,
    scratch: &mut Vec<u8>,
    summary: &str,
    body: &str,
) -> io::Result<u64> {
    let (summary, body) = (
        truncate(summary, SNIPPET_TEXT_BYTES),
        truncate(body, SNIPPET_TEXT_BYTES),
    );
    let plain_len = summary.len() + body.len();
    scratch.clear();
    scratch.reserve(plain_len + lz4_flex::block::get_maximum_output_size(plain_len));
    scratch.extend_from_slice(summary.as_bytes());
    scratch.extend_from_slice(body.as_bytes());
    scratch.resize(
        plain_len + lz4_flex::block::get_maximum_output_size(plain_len),
        0,
    );
    let (plain, packed) = scratch.split_at_mut(plain_len);
    let packed_len = lz4_flex::compress_into(plain, packed)
        .map_err(|e| io::Error::other(format!("compressing a snippet text: {e}")))?;
    // All three lengths are at most 2 × SNIPPET_TEXT_BYTES plus lz4's
    // overhead, far below u32::MAX.
    let mut header = [0u8; HEADER];
    header[..4].copy_from_slice(&(summary.len() as u32).to_le_bytes());
    header[4..8].copy_from_slice(&(body.len() as u32).to_le_bytes());
    header[8..].copy_from_slice(&(packed_len as u32).to_le_bytes());
    out.write_all(&header)?;
    out.write_all(&packed[..packed_len])?;
    Ok((HEADER + packed_len) as u64)
}

/// One document's texts, read back: the summary then the body, in one
/// string, split at `summary_len` (a character boundary).
#[derive(Debug, Default)]
pub(crate) struct Texts {
    text: String,
    summary_len: usize,
}

impl Texts {
    pub(crate) fn summary(&self) -> &str {
        &self.text[..self.summary_len]
    }

    pub(crate) fn body(&self) -> &str {
        &self.text[self.summary_len..]
    }
}

/// The record at `at` in `file`. A record that does not fit the file, does
/// not decompress to its lengths or is not UTF-8 (a damaged file) reads as
/// empty texts: a hit then has no snippet, and nothing panics.
pub(crate) fn read(file: &[u8], at: u64) -> Texts {
    let record = || {
        let at = usize::try_from(at).ok()?;
        let head = file.get(at..at.checked_add(HEADER)?)?;
        let len = |i: usize| Some(u32::from_le_bytes(head[i..i + 4].try_into().ok()?) as usize);
        let (summary_len, body_len, packed_len) = (len(0)?, len(4)?, len(8)?);
        if summary_len > SNIPPET_TEXT_BYTES || body_len > SNIPPET_TEXT_BYTES {
            return None;
        }
        let start = at + HEADER;
        let packed = file.get(start..start.checked_add(packed_len)?)?;
        let mut bytes = vec![0; summary_len + body_len];
        let n = lz4_flex::decompress_into(packed, &mut bytes).ok()?;
        // Validated once, whole; both halves are UTF-8 exactly when the
        // split falls on a character boundary too.
        let text = String::from_utf8(bytes).ok()?;
        let valid = n == text.len() && text.is_char_boundary(summary_len);
        valid.then_some(Texts { text, summary_len })
    };
    record().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(file: &[u8], at: u64) -> (String, String) {
        let t = read(file, at);
        (t.summary().to_string(), t.body().to_string())
    }

    fn pair(s: &str, b: &str) -> (String, String) {
        (s.to_string(), b.to_string())
    }

    #[test]
    fn records_read_back_in_any_order() {
        let (mut file, mut scratch) = (Vec::new(), Vec::new());
        let a = 0;
        let b = a + append(&mut file, &mut scratch, "Lead of A.", "Body of A.").unwrap();
        let c = b + append(&mut file, &mut scratch, "", "only a body").unwrap();
        let d = c + append(&mut file, &mut scratch, "Ünïcödé", "").unwrap();
        let end = d + append(&mut file, &mut scratch, "", "").unwrap();
        assert_eq!(end, file.len() as u64);
        assert_eq!(texts(&file, c), pair("Ünïcödé", ""));
        assert_eq!(texts(&file, a), pair("Lead of A.", "Body of A."));
        assert_eq!(texts(&file, b), pair("", "only a body"));
        assert_eq!(texts(&file, d), pair("", ""));
    }

    #[test]
    fn repetitive_texts_are_compressed() {
        let (mut file, mut scratch) = (Vec::new(), Vec::new());
        let body = "the same sentence again. ".repeat(200);
        let n = append(&mut file, &mut scratch, "lead", &body).unwrap();
        assert!(n < body.len() as u64 / 4, "{n}");
        assert_eq!(texts(&file, 0), pair("lead", &body));
    }

    #[test]
    fn long_texts_are_cut_at_a_character_boundary() {
        // 'é' is two bytes: the limit falls inside one.
        let long = format!("a{}", "é".repeat(SNIPPET_TEXT_BYTES));
        let (mut file, mut scratch) = (Vec::new(), Vec::new());
        append(&mut file, &mut scratch, &long, &long).unwrap();
        let (s, b) = texts(&file, 0);
        assert_eq!(s.len(), SNIPPET_TEXT_BYTES - 1);
        assert!(long.starts_with(&s));
        assert_eq!(s, b);
    }

    #[test]
    fn damaged_records_read_as_empty() {
        let (mut file, mut scratch) = (Vec::new(), Vec::new());
        append(&mut file, &mut scratch, "summary", "body").unwrap();
        let empty = pair("", "");
        assert_eq!(texts(&file, 3), empty, "not a record start");
        assert_eq!(texts(&file, u64::MAX), empty);
        assert_eq!(texts(&file[..file.len() - 1], 0), empty, "truncated");
        for (i, value) in [(0, u32::MAX), (4, 1), (8, 1_000_000)] {
            let mut bad = file.clone();
            bad[i..i + 4].copy_from_slice(&value.to_le_bytes());
            assert_eq!(texts(&bad, 0), empty, "length at {i} set to {value}");
        }
        // Not UTF-8 once decompressed.
        let (mut bad, mut scratch) = (Vec::new(), Vec::new());
        append(&mut bad, &mut scratch, "summary", "body").unwrap();
        let block = HEADER + 1; // a literal byte of the summary
        bad[block] = 0xff;
        assert_eq!(texts(&bad, 0), empty, "not UTF-8");
    }
}
