//! Records JSONL, one record per line, streamed.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::record::parse_line;
use crate::{Record, RecordsError};

/// Longest line a records file may have, in bytes (a record's text is a
/// description or an abstract, not a book).
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Streams the records of one records JSONL file, checking every line.
///
/// Yields each record in file order; the first bad line ends the stream
/// with an error naming the file, the line and the field (nothing after it
/// is read). Blank lines are skipped; a UTF-8 byte-order mark and `\r\n`
/// line ends are accepted. A file with no record at all is an error, and
/// so is a `(type, id)` seen a second time in the file.
pub struct RecordsReader<R> {
    input: R,
    file: String,
    line: u64,
    buffer: Vec<u8>,
    /// `type/id` → line of every record so far (`/` cannot occur in either).
    seen: HashMap<Box<str>, u64>,
    done: bool,
}

impl<R> std::fmt::Debug for RecordsReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordsReader")
            .field("file", &self.file)
            .field("line", &self.line)
            .field("records", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl RecordsReader<BufReader<File>> {
    /// Opens a records file; errors name it by its path.
    pub fn open(path: &Path) -> Result<Self, RecordsError> {
        let file = path.display().to_string();
        match File::open(path) {
            Ok(f) => Ok(RecordsReader::new(BufReader::new(f), file)),
            Err(source) => Err(RecordsError::Io { file, source }),
        }
    }
}

impl<R: BufRead> RecordsReader<R> {
    /// Reads records from `input`; `file` names it in errors.
    pub fn new(input: R, file: impl Into<String>) -> Self {
        RecordsReader {
            input,
            file: file.into(),
            line: 0,
            buffer: Vec::new(),
            seen: HashMap::new(),
            done: false,
        }
    }

    /// The line of the record returned last (1-based; 0 before the first).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Number of records returned so far.
    pub fn records_read(&self) -> usize {
        self.seen.len()
    }

    fn read_line(&mut self) -> Result<bool, RecordsError> {
        self.buffer.clear();
        let limit = MAX_LINE_BYTES as u64 + 2; // room for "\r\n"
        let read = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|source| RecordsError::Io {
                file: self.file.clone(),
                source,
            })?;
        if read == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
            if self.buffer.last() == Some(&b'\r') {
                self.buffer.pop();
            }
        }
        if self.buffer.len() > MAX_LINE_BYTES {
            return Err(RecordsError::LineTooLong {
                file: self.file.clone(),
                line: self.line,
                limit: MAX_LINE_BYTES,
            });
        }
        Ok(true)
    }

    fn next_record(&mut self) -> Result<Option<Record>, RecordsError> {
        loop {
            if !self.read_line()? {
                if self.seen.is_empty() {
                    return Err(RecordsError::Empty {
                        file: self.file.clone(),
                    });
                }
                return Ok(None);
            }
            let mut bytes = &self.buffer[..];
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let text = std::str::from_utf8(bytes).map_err(|e| RecordsError::Utf8 {
                file: self.file.clone(),
                line: self.line,
                byte: e.valid_up_to(),
            })?;
            if text.trim().is_empty() {
                continue;
            }
            let record = parse_line(text, &self.file, self.line)?;
            let key: Box<str> = format!("{}/{}", record.kind, record.id).into();
            if let Some(&first_line) = self.seen.get(&key) {
                return Err(RecordsError::Duplicate {
                    file: self.file.clone(),
                    line: self.line,
                    kind: record.kind,
                    id: record.id,
                    first_line,
                });
            }
            self.seen.insert(key, self.line);
            return Ok(Some(record));
        }
    }
}

impl<R: BufRead> Iterator for RecordsReader<R> {
    type Item = Result<Record, RecordsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = self.next_record();
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        result.transpose()
    }
}

/// Reads a whole records file into memory, stopping at the first bad line.
pub fn read_records(path: &Path) -> Result<Vec<Record>, RecordsError> {
    RecordsReader::open(path)?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(bytes: &[u8]) -> (Vec<Record>, Option<String>) {
        let mut records = Vec::new();
        for r in RecordsReader::new(bytes, "records.jsonl") {
            match r {
                Ok(r) => records.push(r),
                Err(e) => return (records, Some(e.to_string())),
            }
        }
        (records, None)
    }

    const A: &str = r#"{"type":"course","id":"A","title":"A"}"#;
    const B: &str = r#"{"type":"course","id":"B","title":"B"}"#;

    #[test]
    fn streams_records_and_skips_blank_lines() {
        let input = format!("\u{feff}{A}\r\n\n   \n{B}");
        let mut reader = RecordsReader::new(input.as_bytes(), "r.jsonl");
        assert_eq!(reader.next().unwrap().unwrap().id, "A");
        assert_eq!(reader.line(), 1);
        assert_eq!(reader.next().unwrap().unwrap().id, "B");
        assert_eq!(reader.line(), 4);
        assert!(reader.next().is_none());
        assert!(reader.next().is_none());
        assert_eq!(reader.records_read(), 2);
    }

    #[test]
    fn first_bad_line_ends_the_stream() {
        let input = format!("{A}\n{{\"type\":\"course\"}}\n{B}\n");
        let (records, error) = read(input.as_bytes());
        assert_eq!(records.len(), 1);
        assert_eq!(
            error.as_deref(),
            Some(r#"records.jsonl:2: field "id": missing"#)
        );
    }

    #[test]
    fn duplicates_are_errors_naming_both_lines() {
        let input = format!("{A}\n{B}\n\n{A}\n");
        let (records, error) = read(input.as_bytes());
        assert_eq!(records.len(), 2);
        assert_eq!(
            error.as_deref(),
            Some("records.jsonl:4: duplicate record course/A (first seen at line 1)")
        );
        // Same id, other type: a different record.
        let other = A.replace("course", "unit");
        assert_eq!(read(format!("{A}\n{other}").as_bytes()).0.len(), 2);
    }

    #[test]
    fn empty_files_and_bad_bytes() {
        assert_eq!(
            read(b"").1.as_deref(),
            Some("records.jsonl: no records (the file is empty)")
        );
        assert_eq!(
            read(b"\n \n\r\n").1.as_deref(),
            Some("records.jsonl: no records (the file is empty)")
        );
        let mut bytes = format!("{A}\n").into_bytes();
        bytes.extend_from_slice(b"{\"type\":\"course\",\"id\":\"\xff\"}\n");
        assert_eq!(
            read(&bytes).1.as_deref(),
            Some("records.jsonl:2: invalid UTF-8 at byte 23 of the line")
        );
    }

    #[test]
    fn overlong_lines_are_refused_without_reading_them_whole() {
        let mut bytes = vec![b' '; MAX_LINE_BYTES + 10];
        bytes.push(b'\n');
        assert_eq!(
            read(&bytes).1.as_deref(),
            Some(&*format!(
                "records.jsonl:1: line longer than {MAX_LINE_BYTES} bytes"
            ))
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read(&bytes);
        }

        #[test]
        fn never_panics_on_json_like_lines(
            lines in proptest::collection::vec(
                "[{}\\[\\]\":,a-z0-9 ]{0,40}|\\{\"type\":\"[a-z/]{0,3}\",\"id\":\"[ -~]{0,4}\",\"title\":\"[a-z]{0,2}\"[ -~]{0,30}",
                0..6,
            )
        ) {
            let text = lines.join("\n");
            let (records, error) = read(text.as_bytes());
            // Either everything was read, or the stream stopped at an error.
            prop_assert!(error.is_some() || records.len() == lines.iter().filter(|l| !l.trim().is_empty()).count());
        }
    }
}
