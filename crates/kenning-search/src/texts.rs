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
//! A record: the summary's and the body's lengths and their compressed
//! lengths (`u32` little-endian each), then the lz4 block of the summary
//! and the lz4 block of the body, compressed with the summary as its
//! dictionary (a body most often repeats its lead). Two blocks so that a
//! hit whose snippet comes from its summary (most of them) never
//! decompresses its body.

use std::io::{self, Write};

use crate::analysis::truncate;
use crate::schema::SNIPPET_TEXT_BYTES;

/// Bytes before a record's compressed blocks.
const HEADER: usize = 16;

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
    let most = lz4_flex::block::get_maximum_output_size(summary.len())
        + lz4_flex::block::get_maximum_output_size(body.len());
    scratch.clear();
    scratch.resize(most, 0);
    let compress = |plain: &str, packed: &mut [u8], dict: &str| {
        lz4_flex::block::compress_into_with_dict(plain.as_bytes(), packed, dict.as_bytes())
            .map_err(|e| io::Error::other(format!("compressing a snippet text: {e}")))
    };
    let summary_packed = compress(summary, scratch, "")?;
    let body_packed = compress(body, &mut scratch[summary_packed..], summary)?;
    // Every length is at most SNIPPET_TEXT_BYTES plus lz4's overhead, far
    // below u32::MAX.
    let mut header = [0u8; HEADER];
    for (i, n) in [summary.len(), body.len(), summary_packed, body_packed]
        .into_iter()
        .enumerate()
    {
        header[i * 4..i * 4 + 4].copy_from_slice(&(n as u32).to_le_bytes());
    }
    out.write_all(&header)?;
    out.write_all(&scratch[..summary_packed + body_packed])?;
    Ok((HEADER + summary_packed + body_packed) as u64)
}

/// One document's record, located but not decompressed: each text is
/// decompressed when asked for. A record that does not fit the file, does
/// not decompress to its lengths or is not UTF-8 (a damaged file) reads as
/// empty texts: a hit then has no snippet, and nothing panics.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Texts<'a> {
    summary: Packed<'a>,
    body: Packed<'a>,
}

/// One compressed text and its length once decompressed.
#[derive(Debug, Default, Clone, Copy)]
struct Packed<'a> {
    block: &'a [u8],
    len: usize,
}

impl Packed<'_> {
    /// The text, decompressed with `dict` (what it was compressed with).
    fn text(&self, dict: &str) -> String {
        if self.len == 0 {
            return String::new();
        }
        let mut bytes = vec![0; self.len];
        match lz4_flex::block::decompress_into_with_dict(self.block, &mut bytes, dict.as_bytes()) {
            Ok(n) if n == self.len => String::from_utf8(bytes).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

impl Texts<'_> {
    pub(crate) fn summary(&self) -> String {
        self.summary.text("")
    }

    /// The body; `summary` is what [`summary`](Self::summary) returned.
    pub(crate) fn body(&self, summary: &str) -> String {
        self.body.text(summary)
    }
}

/// The record at `at` in `file`.
pub(crate) fn read(file: &[u8], at: u64) -> Texts<'_> {
    let record = || {
        let at = usize::try_from(at).ok()?;
        let head = file.get(at..at.checked_add(HEADER)?)?;
        let len = |i: usize| Some(u32::from_le_bytes(head[i..i + 4].try_into().ok()?) as usize);
        let (summary_len, body_len) = (len(0)?, len(4)?);
        let (summary_packed, body_packed) = (len(8)?, len(12)?);
        if summary_len > SNIPPET_TEXT_BYTES || body_len > SNIPPET_TEXT_BYTES {
            return None;
        }
        let start = at + HEADER;
        let middle = start.checked_add(summary_packed)?;
        let summary = file.get(start..middle)?;
        let body = file.get(middle..middle.checked_add(body_packed)?)?;
        Some(Texts {
            summary: Packed {
                block: summary,
                len: summary_len,
            },
            body: Packed {
                block: body,
                len: body_len,
            },
        })
    };
    record().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(file: &[u8], at: u64) -> (String, String) {
        let t = read(file, at);
        let summary = t.summary();
        let body = t.body(&summary);
        (summary, body)
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
        for (i, value) in [(0, u32::MAX), (8, 1_000_000), (12, 1_000_000)] {
            let mut bad = file.clone();
            bad[i..i + 4].copy_from_slice(&value.to_le_bytes());
            assert_eq!(texts(&bad, 0), empty, "length at {i} set to {value}");
        }
        // A text that does not decompress to its length reads as empty;
        // the other one is still read.
        let mut bad = file.clone();
        bad[4..8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(texts(&bad, 0), pair("summary", ""), "body length 1");
        // Not UTF-8 once decompressed.
        let (mut bad, mut scratch) = (Vec::new(), Vec::new());
        append(&mut bad, &mut scratch, "summary", "body").unwrap();
        let block = HEADER + 1; // a literal byte of the summary
        bad[block] = 0xff;
        assert_eq!(texts(&bad, 0), pair("", "body"), "summary not UTF-8");
    }
}
