//! Concepts JSONL: a concept base that is not a MediaWiki dump.

use std::io::BufRead;
use std::path::PathBuf;

use serde::Deserialize;

use crate::DumpError;
use crate::input::{Input, read_error};
use crate::lines::{CappedLine, read_capped_line};

/// One line of a concepts JSONL file:
/// `{"title", "text", "summary"?, "links"?, "aliases"?, "categories"?, "url"?, "id"?}`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ConceptRecord {
    /// The concept's title (required, non-empty).
    pub title: String,
    /// Plain text of the article.
    pub text: String,
    /// The lead summary, when the source has one.
    pub summary: Option<String>,
    /// Titles of linked concepts (`None` when the source has no links).
    pub links: Option<Vec<String>>,
    /// Other names of the concept (become redirects).
    pub aliases: Vec<String>,
    /// Category names.
    pub categories: Vec<String>,
    /// Where the concept comes from.
    pub url: Option<String>,
    /// A numeric id; assigned by the builder when absent.
    pub id: Option<u32>,
    /// The line the record was read from (1-based).
    #[serde(skip)]
    pub line: u64,
}

/// Streams the records of a concepts JSONL file.
pub struct ConceptsReader {
    input: Box<dyn BufRead + Send>,
    path: PathBuf,
    line: u64,
    done: bool,
}

impl std::fmt::Debug for ConceptsReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConceptsReader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ConceptsReader {
    /// Longest line a concepts file may have, in bytes, without its line
    /// end. A line holds one whole article as JSON (text, summary, links,
    /// aliases, categories): English Wikipedia's longest articles are
    /// about 1 MB of plain text and a few hundred KB of links, so 64 MiB
    /// leaves room for any real concept base, while a file with no line
    /// ends (or one hostile line) costs at most this much memory to refuse.
    pub const MAX_LINE_BYTES: usize = 64 << 20;

    /// Reads records from an opened file (plain or gzip).
    pub fn new(input: Input) -> Self {
        ConceptsReader {
            input: input.reader,
            path: input.path,
            line: 0,
            done: false,
        }
    }

    fn read_record(&mut self) -> Result<Option<ConceptRecord>, DumpError> {
        let mut bytes = Vec::new();
        loop {
            let found = read_capped_line(&mut self.input, &mut bytes, Self::MAX_LINE_BYTES)
                .map_err(|e| read_error(&self.path, e))?;
            if found == CappedLine::End {
                return Ok(None);
            }
            self.line += 1;
            if found == CappedLine::TooLong {
                return Err(DumpError::LineTooLong {
                    path: self.path.clone(),
                    line: self.line,
                    limit: Self::MAX_LINE_BYTES,
                });
            }
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        let err = |message: String| DumpError::Line {
            path: self.path.clone(),
            line: self.line,
            message,
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| err("invalid UTF-8".into()))?;
        let mut record: ConceptRecord =
            serde_json::from_str(text).map_err(|e| err(format!("not a concept record: {e}")))?;
        if record.title.trim().is_empty() {
            return Err(err("field \"title\" is missing or empty".into()));
        }
        record.line = self.line;
        Ok(Some(record))
    }
}

impl Iterator for ConceptsReader {
    type Item = Result<ConceptRecord, DumpError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read_record();
        if !matches!(r, Ok(Some(_))) {
            self.done = true;
        }
        r.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Compression;
    use std::sync::Arc;

    fn records(s: &str) -> Vec<Result<ConceptRecord, DumpError>> {
        ConceptsReader::new(Input::from_bytes(s.as_bytes().to_vec(), "c.jsonl")).collect()
    }

    fn records_from(
        input: impl std::io::Read + Send + 'static,
    ) -> Vec<Result<ConceptRecord, DumpError>> {
        ConceptsReader::new(Input {
            reader: Box::new(std::io::BufReader::new(input)),
            compression: Compression::None,
            file_len: 0,
            consumed: Arc::default(),
            path: "c.jsonl".into(),
        })
        .collect()
    }

    #[test]
    fn a_line_over_the_cap_is_refused_with_its_file_and_line() {
        use std::io::Read;
        let max = ConceptsReader::MAX_LINE_BYTES as u64;
        let first = std::io::Cursor::new(b"{\"title\":\"A\",\"text\":\"t\"}\n".to_vec());
        // `{"title":"B","text":"aaa…"}`: valid JSON, one byte over the cap.
        let long = std::io::Cursor::new(b"{\"title\":\"B\",\"text\":\"".to_vec())
            .chain(std::io::repeat(b'a').take(max - 22))
            .chain(std::io::Cursor::new(b"\"}\n".to_vec()));
        let r = records_from(first.chain(long));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].as_ref().unwrap().title, "A");
        assert_eq!(
            r[1].as_ref().err().map(ToString::to_string),
            Some(format!("c.jsonl:2: line over {max} bytes"))
        );
        // A line of exactly the cap is read.
        let exact = std::io::Cursor::new(b"{\"title\":\"B\",\"text\":\"".to_vec())
            .chain(std::io::repeat(b'a').take(max - 23))
            .chain(std::io::Cursor::new(b"\"}\r\n".to_vec()));
        let r = records_from(exact);
        assert_eq!(r[0].as_ref().unwrap().text.len() as u64, max - 23);
    }

    #[test]
    fn reads_records_and_names_bad_lines() {
        let r = records(
            "{\"title\":\"A\",\"text\":\"t\",\"links\":[\"B\"]}\n\n{\"title\":\"B\",\"extra\":1}\n{\"text\":\"x\"}\n",
        );
        assert_eq!(
            r[0].as_ref().unwrap().links.as_deref(),
            Some(&["B".to_owned()][..])
        );
        assert_eq!(r[1].as_ref().unwrap().line, 3);
        assert_eq!(
            r[2].as_ref().unwrap_err().to_string(),
            "c.jsonl:4: field \"title\" is missing or empty"
        );
        let r = records("{\"title\": 5}\n");
        assert!(
            r[0].as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("c.jsonl:1: not a concept record")
        );
    }
}
