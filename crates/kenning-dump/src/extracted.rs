//! WikiExtractor output: `<doc id=… url=… title=…>` blocks of plain text.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::DumpError;
use crate::input::{Input, read_error};
use crate::lines::{CappedLine, read_capped_line};
use crate::xml::unescape;

/// One article of WikiExtractor output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtractedDoc {
    /// The `id` attribute (the Wikipedia page id), when numeric.
    pub id: Option<u32>,
    /// The `url` attribute.
    pub url: Option<String>,
    /// The `title` attribute.
    pub title: String,
    /// The plain text, without the title line WikiExtractor repeats first.
    pub text: String,
    /// The line of the `<doc>` tag (1-based).
    pub line: u64,
}

/// Streams the documents of one WikiExtractor output file.
pub struct ExtractedReader {
    input: Box<dyn BufRead + Send>,
    path: PathBuf,
    line: u64,
    buf: String,
    done: bool,
}

impl std::fmt::Debug for ExtractedReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtractedReader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ExtractedReader {
    /// Longest line a WikiExtractor file may have, in bytes, without its
    /// line end. WikiExtractor writes each paragraph on one line; the
    /// longest paragraphs of Wikipedia are tens of KB, so 16 MiB (the
    /// records reader's cap) refuses only files that are not paragraphs.
    pub const MAX_LINE_BYTES: usize = 16 << 20;

    /// Largest document (the text between `<doc>` and `</doc>`), in bytes:
    /// one article, the same bound as a line of concepts JSONL
    /// ([`ConceptsReader::MAX_LINE_BYTES`](crate::ConceptsReader::MAX_LINE_BYTES)),
    /// so many long lines cannot add up to unbounded memory either.
    pub const MAX_DOC_BYTES: usize = 64 << 20;

    /// Reads WikiExtractor `<doc>` blocks from an opened file.
    pub fn new(input: Input) -> Self {
        ExtractedReader {
            input: input.reader,
            path: input.path,
            line: 0,
            buf: String::new(),
            done: false,
        }
    }

    /// Reads the next line into `buf` (with its line end); false at the
    /// end of the input. A line over [`Self::MAX_LINE_BYTES`] is an error,
    /// found without reading more of it than that.
    fn read_line(&mut self) -> Result<bool, DumpError> {
        let mut bytes = std::mem::take(&mut self.buf).into_bytes();
        let found = read_capped_line(&mut self.input, &mut bytes, Self::MAX_LINE_BYTES)
            .map_err(|e| read_error(&self.path, e))?;
        if found == CappedLine::End {
            return Ok(false);
        }
        self.line += 1;
        if found == CappedLine::TooLong {
            return Err(DumpError::LineTooLong {
                path: self.path.clone(),
                line: self.line,
                limit: Self::MAX_LINE_BYTES,
            });
        }
        match String::from_utf8(bytes) {
            Ok(s) => self.buf = s,
            Err(_) => return Err(self.line_error("invalid UTF-8")),
        }
        Ok(true)
    }

    fn line_error(&self, message: impl Into<String>) -> DumpError {
        DumpError::Line {
            path: self.path.clone(),
            line: self.line,
            message: message.into(),
        }
    }

    fn read_doc(&mut self) -> Result<Option<ExtractedDoc>, DumpError> {
        // Find the next <doc …> line, skipping blank lines.
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            let l = self.buf.trim();
            if l.is_empty() {
                continue;
            }
            if l.starts_with("<doc ") || l == "<doc>" {
                break;
            }
            return Err(self.line_error(format!(
                "expected a WikiExtractor <doc …> line, found {:?}",
                l.chars().take(40).collect::<String>()
            )));
        }
        let tag = self.buf.trim().to_owned();
        let line = self.line;
        let attr = |name: &str| attribute(&tag, name);
        let title = attr("title").ok_or_else(|| self.line_error("a <doc> without title=\"…\""))?;
        let mut doc = ExtractedDoc {
            id: attr("id").and_then(|i| i.parse().ok()),
            url: attr("url"),
            title,
            text: String::new(),
            line,
        };
        let mut first = true;
        loop {
            if !self.read_line()? {
                return Err(DumpError::Line {
                    path: self.path.clone(),
                    line,
                    message: "truncated: this <doc> is never closed by </doc>".into(),
                });
            }
            if self.buf.trim_end() == "</doc>" {
                break;
            }
            if first {
                first = false;
                if self.buf.trim() == doc.title {
                    continue;
                }
            }
            if doc.text.len() + self.buf.len() > Self::MAX_DOC_BYTES {
                return Err(DumpError::Line {
                    path: self.path.clone(),
                    line,
                    message: format!("document over {} bytes", Self::MAX_DOC_BYTES),
                });
            }
            doc.text.push_str(&self.buf);
        }
        let trimmed = doc.text.trim().len();
        if trimmed != doc.text.len() {
            doc.text = doc.text.trim().to_owned();
        }
        Ok(Some(doc))
    }
}

impl Iterator for ExtractedReader {
    type Item = Result<ExtractedDoc, DumpError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read_doc();
        if !matches!(r, Ok(Some(_))) {
            self.done = true;
        }
        r.transpose()
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let end = tag[i..].find('"')? + i;
    Some(unescape(&tag[i..end]))
}

/// The files of a WikiExtractor output folder (`AA/wiki_00`, … and their
/// `.bz2` forms), in name order; a file path is returned as is.
pub fn extracted_files(path: &Path) -> Result<Vec<PathBuf>, DumpError> {
    if !path.is_dir() {
        return if path.exists() {
            Ok(vec![path.to_owned()])
        } else {
            Err(DumpError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ))
        };
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| DumpError::io(&dir, e))? {
            let entry = entry.map_err(|e| DumpError::io(&dir, e))?;
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Compression;
    use std::sync::Arc;

    fn docs(s: &str) -> Vec<Result<ExtractedDoc, DumpError>> {
        ExtractedReader::new(Input {
            reader: Box::new(std::io::Cursor::new(s.as_bytes().to_vec())),
            compression: Compression::None,
            file_len: 0,
            consumed: Arc::default(),
            path: "wiki_00".into(),
        })
        .collect()
    }

    #[test]
    fn reads_docs() {
        let d = docs(
            "<doc id=\"12\" url=\"http://x/?curid=12\" title=\"AT&amp;T\">\nAT&amp;T\nFirst line.\n\nSecond.\n</doc>\n<doc id=\"13\" url=\"u\" title=\"B\">\nB\nText.\n</doc>\n",
        );
        let a = d[0].as_ref().unwrap();
        assert_eq!((a.id, a.title.as_str(), a.line), (Some(12), "AT&T", 1));
        // WikiExtractor escapes only attributes; the body is kept as written.
        assert_eq!(a.text, "AT&amp;T\nFirst line.\n\nSecond.");
        assert_eq!(d[1].as_ref().unwrap().text, "Text.");
        assert_eq!(d.len(), 2);
    }

    fn docs_from(
        input: impl std::io::Read + Send + 'static,
    ) -> Vec<Result<ExtractedDoc, DumpError>> {
        ExtractedReader::new(Input {
            reader: Box::new(std::io::BufReader::new(input)),
            compression: Compression::None,
            file_len: 0,
            consumed: Arc::default(),
            path: "wiki_00".into(),
        })
        .collect()
    }

    fn cursor(s: &str) -> std::io::Cursor<Vec<u8>> {
        std::io::Cursor::new(s.as_bytes().to_vec())
    }

    #[test]
    fn a_line_over_the_cap_is_refused_with_its_file_and_line() {
        use std::io::Read;
        let max = ExtractedReader::MAX_LINE_BYTES as u64;
        let input = cursor("<doc id=\"1\" url=\"u\" title=\"A\">\nA\ntext\n</doc>\n<doc id=\"2\" url=\"u\" title=\"B\">\nB\n")
            .chain(std::io::repeat(b'a').take(max + 1))
            .chain(cursor("\n</doc>\n"));
        let d = docs_from(input);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].as_ref().unwrap().text, "text");
        assert_eq!(
            d[1].as_ref().err().map(ToString::to_string),
            Some(format!("wiki_00:7: line over {max} bytes"))
        );
        // A line of exactly the cap is read.
        let input = cursor("<doc id=\"2\" url=\"u\" title=\"B\">\n")
            .chain(std::io::repeat(b'a').take(max))
            .chain(cursor("\r\n</doc>\n"));
        assert_eq!(docs_from(input)[0].as_ref().unwrap().text.len() as u64, max);
    }

    #[test]
    fn a_document_over_the_cap_is_refused_with_its_line() {
        use std::io::Read;
        let line = ExtractedReader::MAX_LINE_BYTES as u64;
        let lines = ExtractedReader::MAX_DOC_BYTES as u64 / line + 1;
        let mut input: Box<dyn Read + Send> =
            Box::new(cursor("\n<doc id=\"2\" url=\"u\" title=\"B\">\nB\n"));
        for _ in 0..lines {
            input = Box::new(
                input
                    .chain(std::io::repeat(b'a').take(line))
                    .chain(cursor("\n")),
            );
        }
        let d = docs_from(input.chain(cursor("</doc>\n")));
        assert_eq!(
            d[0].as_ref().err().map(ToString::to_string),
            Some(format!(
                "wiki_00:2: document over {} bytes",
                ExtractedReader::MAX_DOC_BYTES
            ))
        );
    }

    #[test]
    fn truncated_doc_names_its_line() {
        let d = docs("<doc id=\"1\" url=\"u\" title=\"A\">\nA\ntext\n");
        let e = d[0].as_ref().unwrap_err().to_string();
        assert_eq!(
            e,
            "wiki_00:1: truncated: this <doc> is never closed by </doc>"
        );
    }

    #[test]
    fn garbage_is_an_error() {
        let d = docs("hello\n");
        assert!(
            d[0].as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("wiki_00:1: expected")
        );
    }
}
