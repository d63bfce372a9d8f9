//! Wikimedia's `langlinks` SQL dumps (`…-langlinks.sql[.gz]`): the
//! interlanguage links of one wiki, as `mysqldump` writes its table.
//!
//! A dump is comments, `SET`s, `CREATE TABLE`, `LOCK TABLES` and so on,
//! then `INSERT INTO \`langlinks\` VALUES (14928,'aa','Cat'),(…),…;`
//! statements of about a megabyte each, one per line. This module owns
//! reading the rows `(ll_from, ll_lang, ll_title)` of those statements; every
//! other statement, whatever its table, is skipped.
//!
//! The reader is a byte scanner over a fixed 64 KiB window of the stream:
//! it parses row by row, so it holds one row (not one statement) at a time,
//! and a value is capped at [`LanglinksReader::MAX_VALUE_BYTES`]. Strings
//! follow MySQL's escapes (`\'`, `\\`, `\"`, `\n`, `\r`, `\t`, `\b`, `\0`,
//! `\Z`, and a doubled quote `''`).
//!
//! It deliberately does not resolve `ll_from` to a title (that needs the
//! wiki's pages) nor normalise titles: values come out as written.

use std::io::{BufRead, ErrorKind, Read};
use std::path::PathBuf;

use memchr::memchr2;

use crate::DumpError;
use crate::input::{Input, read_error};

/// One row of a `langlinks` table: the page `from` of the dumped wiki links
/// to the page `title` of the wiki in language `lang`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LangLink {
    /// `ll_from`: the id of the linking page on the dumped wiki.
    pub from: u32,
    /// `ll_lang`: the interwiki prefix of the target wiki (`fr`, `zh-yue`).
    pub lang: String,
    /// `ll_title`: the target page's full title, namespace prefix included,
    /// as written (with spaces, e.g. `Category:User de`).
    pub title: String,
}

/// Where the reader is in the dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between statements.
    Statements,
    /// Inside the `VALUES` of an `INSERT` into `langlinks`; `first` until
    /// its first row is read.
    Rows { first: bool },
    /// The input ended, or an error was returned.
    Done,
}

/// Streams the rows of a `langlinks` SQL dump, in file order.
///
/// Rows whose `ll_lang` or `ll_title` is empty (real dumps have a few
/// `(16296686,'fr','')`) are skipped and counted by
/// [`skipped`](Self::skipped). The first malformed row ends the stream
/// with a [`DumpError::Sql`] naming the file, line and byte offset.
pub struct LanglinksReader {
    input: Box<dyn BufRead + Send>,
    path: PathBuf,
    /// A window of the stream: `window[pos..end]` is read but not consumed.
    window: Box<[u8]>,
    pos: usize,
    end: usize,
    /// Stream offset of `window[0]`.
    window_offset: u64,
    /// Line ends in the stream before `window[0]`.
    window_lines: u64,
    eof: bool,
    state: State,
    skipped: u64,
    /// For each run of bytes copied into the value being read: where it
    /// starts in the value and in the stream (to place a UTF-8 error).
    runs: Vec<(usize, u64)>,
}

impl std::fmt::Debug for LanglinksReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanglinksReader")
            .field("path", &self.path)
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

/// The reader's window on the stream.
const WINDOW_BYTES: usize = 64 << 10;

/// Bytes kept of a name (a keyword or table) at the head of a statement:
/// longer names are not the ones looked for.
const MAX_NAME_BYTES: usize = 64;

impl LanglinksReader {
    /// Longest `ll_lang` or `ll_title` value, in bytes, after unescaping.
    /// The columns are `varbinary(20)` and `varbinary(255)`, so a longer
    /// value means the quotes are out of step (a quote lost in a damaged
    /// file): reading stops there with an error instead of taking the
    /// rest of the dump as one string. This, and the 64 KiB window, bound
    /// the reader's memory, whatever the length of a statement.
    pub const MAX_VALUE_BYTES: usize = 64 << 10;

    /// Reads rows from an opened file (plain, gzip or bzip2).
    pub fn new(input: Input) -> Self {
        Self::with_window(input, WINDOW_BYTES)
    }

    fn with_window(input: Input, window: usize) -> Self {
        LanglinksReader {
            input: input.reader,
            path: input.path,
            window: vec![0; window.max(4)].into_boxed_slice(),
            pos: 0,
            end: 0,
            window_offset: 0,
            window_lines: 0,
            eof: false,
            state: State::Statements,
            skipped: 0,
            runs: Vec::new(),
        }
    }

    /// Rows read so far that were skipped for an empty `ll_lang` or
    /// `ll_title`.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    // --- The window -------------------------------------------------------

    /// Makes at least `need` (at most the window's size) unconsumed bytes
    /// available; false when the input ends first.
    fn fill(&mut self, need: usize) -> Result<bool, DumpError> {
        while self.end - self.pos < need {
            if self.eof {
                return Ok(false);
            }
            if self.pos > 0 {
                let consumed = &self.window[..self.pos];
                self.window_lines += memchr::memchr_iter(b'\n', consumed).count() as u64;
                self.window_offset += self.pos as u64;
                self.window.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
            }
            let n = loop {
                match self.input.read(&mut self.window[self.end..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(read_error(&self.path, e)),
                }
            };
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
        }
        Ok(true)
    }

    /// The next byte, not consumed; `None` at the end of the input.
    #[inline]
    fn peek(&mut self) -> Result<Option<u8>, DumpError> {
        if self.pos < self.end {
            return Ok(Some(self.window[self.pos]));
        }
        self.peek_slow()
    }

    #[cold]
    fn peek_slow(&mut self) -> Result<Option<u8>, DumpError> {
        Ok(if self.fill(1)? {
            Some(self.window[self.pos])
        } else {
            None
        })
    }

    /// The byte `ahead` bytes after the next one, not consumed.
    fn peek_at(&mut self, ahead: usize) -> Result<Option<u8>, DumpError> {
        Ok(if self.fill(ahead + 1)? {
            Some(self.window[self.pos + ahead])
        } else {
            None
        })
    }

    /// Consumes the byte [`peek`](Self::peek) returned.
    #[inline]
    fn bump(&mut self) {
        debug_assert!(self.pos < self.end);
        self.pos += 1;
    }

    fn offset(&self) -> u64 {
        self.window_offset + self.pos as u64
    }

    fn line(&self) -> u64 {
        self.window_lines + memchr::memchr_iter(b'\n', &self.window[..self.pos]).count() as u64 + 1
    }

    // --- Errors -----------------------------------------------------------

    /// An error at the current position.
    fn error(&self, message: String) -> DumpError {
        DumpError::Sql {
            path: self.path.clone(),
            line: self.line(),
            offset: self.offset(),
            message,
        }
    }

    /// "expected `what`, found …", at the current position.
    #[cold]
    fn unexpected(&mut self, what: &str) -> DumpError {
        match self.peek() {
            Err(e) => e,
            Ok(found) => self.error(format!("expected {what}, found {}", describe(found))),
        }
    }

    // --- Statements -------------------------------------------------------

    /// Skips statements up to the rows of the next `INSERT` into
    /// `langlinks`; false at the end of the input.
    fn next_insert(&mut self) -> Result<bool, DumpError> {
        if self.offset() == 0 && self.fill(3)? && self.window[..3] == [0xef, 0xbb, 0xbf] {
            self.pos += 3; // a byte order mark
        }
        loop {
            self.skip_space_and_comments()?;
            match self.peek()? {
                None => return Ok(false),
                Some(b';') => self.bump(),
                Some(b) if b.is_ascii_alphabetic() => {
                    let word = self.word()?;
                    if word.eq_ignore_ascii_case(b"INSERT") && self.insert_head()? {
                        return Ok(true);
                    }
                    self.skip_statement()?;
                }
                Some(_) => self.skip_statement()?,
            }
        }
    }

    /// After `INSERT`: reads `[IGNORE] INTO name VALUES`. True when the
    /// table is `langlinks` (the rows come next), false for another table
    /// (the rest of the statement is unread).
    fn insert_head(&mut self) -> Result<bool, DumpError> {
        self.skip_space_and_comments()?;
        let mut word = self.word()?;
        if word.eq_ignore_ascii_case(b"IGNORE") {
            self.skip_space_and_comments()?;
            word = self.word()?;
        }
        if !word.eq_ignore_ascii_case(b"INTO") {
            return Ok(false);
        }
        self.skip_space_and_comments()?;
        let mut name = self.identifier()?;
        // `database`.`langlinks`
        while self.peek()? == Some(b'.') {
            self.bump();
            name = self.identifier()?;
        }
        if name != b"langlinks" {
            return Ok(false);
        }
        self.skip_space_and_comments()?;
        let found = self.peek()?;
        // Where the word starts, for the error (it is consumed to be read).
        let mut error = self.error(String::new());
        let word = self.word()?;
        if word.eq_ignore_ascii_case(b"VALUES") || word.eq_ignore_ascii_case(b"VALUE") {
            return Ok(true);
        }
        let found = if word.is_empty() {
            describe(found)
        } else {
            format!("`{}`", String::from_utf8_lossy(&word))
        };
        if let DumpError::Sql { message, .. } = &mut error {
            *message = format!(
                "expected VALUES after INSERT INTO `langlinks` (rows must be in the \
                 table's column order), found {found}"
            );
        }
        Err(error)
    }

    /// A keyword: ASCII letters, digits and `_`, of which the first
    /// [`MAX_NAME_BYTES`] are kept.
    fn word(&mut self) -> Result<Vec<u8>, DumpError> {
        let mut word = Vec::new();
        while let Some(b) = self.peek()? {
            if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$') {
                break;
            }
            if word.len() < MAX_NAME_BYTES {
                word.push(b);
            }
            self.bump();
        }
        Ok(word)
    }

    /// A table name, bare or in backquotes (a doubled backquote stands for
    /// one); the first [`MAX_NAME_BYTES`] are kept.
    fn identifier(&mut self) -> Result<Vec<u8>, DumpError> {
        if self.peek()? != Some(b'`') {
            return self.word();
        }
        self.bump();
        let mut name = Vec::new();
        while let Some(b) = self.peek()? {
            self.bump();
            if b == b'`' {
                if self.peek()? != Some(b'`') {
                    break;
                }
                self.bump();
            }
            if name.len() < MAX_NAME_BYTES {
                name.push(b);
            }
        }
        Ok(name)
    }

    /// Skips white space and comments (`-- …`, `# …`, `/* … */`, which
    /// includes `mysqldump`'s `/*!40101 SET … */`).
    fn skip_space_and_comments(&mut self) -> Result<(), DumpError> {
        while let Some(b) = self.peek()? {
            if b.is_ascii_whitespace() {
                self.bump();
            } else if !self.skip_comment()? {
                break;
            }
        }
        Ok(())
    }

    /// Skips the comment that starts at the next byte, if one does.
    fn skip_comment(&mut self) -> Result<bool, DumpError> {
        let to_line_end = match self.peek()? {
            Some(b'#') => true,
            // `--` starts a comment only when a space or control follows.
            Some(b'-') => {
                self.peek_at(1)? == Some(b'-')
                    && self.peek_at(2)?.is_none_or(|c| c <= b' ' || c == 0x7f)
            }
            Some(b'/') => {
                if self.peek_at(1)? != Some(b'*') {
                    return Ok(false);
                }
                self.pos += 2;
                loop {
                    self.skip_to(b'*')?;
                    match self.peek()? {
                        None => return Ok(true),
                        Some(_) => self.bump(),
                    }
                    if self.peek()? == Some(b'/') {
                        self.bump();
                        return Ok(true);
                    }
                }
            }
            _ => false,
        };
        if to_line_end {
            self.skip_to(b'\n')?;
        }
        Ok(to_line_end)
    }

    /// Consumes bytes up to (not including) the next `byte`, or to the end.
    fn skip_to(&mut self, byte: u8) -> Result<(), DumpError> {
        loop {
            if let Some(i) = memchr::memchr(byte, &self.window[self.pos..self.end]) {
                self.pos += i;
                return Ok(());
            }
            self.pos = self.end;
            if !self.fill(1)? {
                return Ok(());
            }
        }
    }

    /// Skips the rest of a statement that is not read: up to its `;`
    /// outside quotes and comments, or to the end of the input.
    fn skip_statement(&mut self) -> Result<(), DumpError> {
        loop {
            let window = &self.window[self.pos..self.end];
            let special = window
                .iter()
                .position(|&b| matches!(b, b';' | b'\'' | b'"' | b'`' | b'#' | b'-' | b'/'));
            let Some(i) = special else {
                self.pos = self.end;
                if !self.fill(1)? {
                    return Ok(());
                }
                continue;
            };
            self.pos += i;
            match self.window[self.pos] {
                b';' => {
                    self.bump();
                    return Ok(());
                }
                q @ (b'\'' | b'"' | b'`') => {
                    self.bump();
                    self.skip_quoted(q)?;
                }
                _ => {
                    if !self.skip_comment()? {
                        self.bump();
                    }
                }
            }
        }
    }

    /// Skips a quoted string or name whose opening quote is consumed.
    fn skip_quoted(&mut self, quote: u8) -> Result<(), DumpError> {
        let escapes = if quote == b'`' { quote } else { b'\\' };
        loop {
            let Some(i) = memchr2(quote, escapes, &self.window[self.pos..self.end]) else {
                self.pos = self.end;
                if !self.fill(1)? {
                    return Ok(());
                }
                continue;
            };
            self.pos += i;
            let b = self.window[self.pos];
            self.bump();
            if b == quote {
                // A doubled quote reopens at once: the same as going on.
                return Ok(());
            }
            if self.peek()?.is_some() {
                self.bump();
            }
        }
    }

    // --- Rows -------------------------------------------------------------

    fn next_row(&mut self) -> Result<Option<LangLink>, DumpError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Statements => {
                    if !self.next_insert()? {
                        self.state = State::Done;
                        return Ok(None);
                    }
                    self.state = State::Rows { first: true };
                }
                State::Rows { first } => {
                    self.skip_space()?;
                    if !first {
                        match self.peek()? {
                            Some(b',') => {
                                self.bump();
                                self.skip_space()?;
                            }
                            Some(b';') => {
                                self.bump();
                                self.state = State::Statements;
                                continue;
                            }
                            _ => return Err(self.unexpected("',' or ';' after a row")),
                        }
                    }
                    self.state = State::Rows { first: false };
                    let row = self.row()?;
                    if row.lang.is_empty() || row.title.is_empty() {
                        self.skipped += 1;
                        continue;
                    }
                    return Ok(Some(row));
                }
            }
        }
    }

    /// `(ll_from,'ll_lang','ll_title')`.
    fn row(&mut self) -> Result<LangLink, DumpError> {
        self.expect(b'(', "'(' to open a row")?;
        self.skip_space()?;
        let from = self.page_id()?;
        self.skip_space()?;
        self.expect(b',', "',' after ll_from")?;
        self.skip_space()?;
        let lang = self.string("ll_lang")?;
        self.skip_space()?;
        self.expect(b',', "',' after ll_lang")?;
        self.skip_space()?;
        let title = self.string("ll_title")?;
        self.skip_space()?;
        self.expect(
            b')',
            "')' after ll_title (a langlinks row has three values)",
        )?;
        Ok(LangLink { from, lang, title })
    }

    #[inline]
    fn expect(&mut self, byte: u8, what: &str) -> Result<(), DumpError> {
        if self.peek()? == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    #[inline]
    fn skip_space(&mut self) -> Result<(), DumpError> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek()? {
            self.bump();
        }
        Ok(())
    }

    /// `ll_from`: an unsigned 32-bit number.
    fn page_id(&mut self) -> Result<u32, DumpError> {
        let mut value = 0u64;
        let mut digits = 0;
        while let Some(b @ b'0'..=b'9') = self.peek()? {
            value = value * 10 + u64::from(b - b'0');
            if value > u64::from(u32::MAX) {
                return Err(self.error("ll_from is larger than a page id (2^32 - 1)".into()));
            }
            digits += 1;
            self.bump();
        }
        if digits == 0 {
            return Err(self.unexpected("ll_from, a page id"));
        }
        Ok(value as u32)
    }

    /// A quoted string (`'…'`, or `"…"` as MySQL also reads), unescaped.
    fn string(&mut self, column: &str) -> Result<String, DumpError> {
        let quote = match self.peek()? {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return Err(self.unexpected(&format!("a quoted string for {column}"))),
        };
        let opened = self.offset();
        self.bump();
        self.runs.clear();
        let mut value = Vec::new();
        loop {
            if self.pos == self.end && !self.fill(1)? {
                return Err(self.error(format!(
                    "the input ends inside the {column} string opened at byte {opened}"
                )));
            }
            let at = self.offset();
            let window = &self.window[self.pos..self.end];
            let run = memchr2(quote, b'\\', window).unwrap_or(window.len());
            if run > 0 {
                self.runs.push((value.len(), at));
                value.extend_from_slice(&window[..run]);
                self.pos += run;
                if value.len() > Self::MAX_VALUE_BYTES {
                    return Err(self.error(format!(
                        "{column} string opened at byte {opened} is longer than {} bytes \
                         (a quote lost?)",
                        Self::MAX_VALUE_BYTES
                    )));
                }
                if self.pos == self.end {
                    continue;
                }
            }
            let b = self.window[self.pos];
            self.bump();
            if b == quote {
                if self.peek()? == Some(quote) {
                    self.bump();
                    value.push(quote);
                    continue;
                }
                break;
            }
            // A backslash escape.
            let Some(escaped) = self.peek()? else {
                continue; // the end of the input, reported above
            };
            if !escaped.is_ascii() {
                self.runs.push((value.len(), self.offset()));
            }
            self.bump();
            let unescaped = match escaped {
                b'0' => 0,
                b'b' => 8,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'Z' => 0x1a,
                // Kept with their backslash: they escape LIKE patterns.
                b'%' | b'_' => {
                    value.push(b'\\');
                    escaped
                }
                other => other,
            };
            value.push(unescaped);
        }
        String::from_utf8(value).map_err(|e| {
            // An invalid sequence starts with a byte that is not ASCII, so
            // inside a run copied from the stream.
            let bad = e.utf8_error().valid_up_to();
            let run = self.runs.partition_point(|&(start, _)| start <= bad);
            let offset = match run.checked_sub(1).map(|r| self.runs[r]) {
                Some((start, at)) => at + (bad - start) as u64,
                None => opened,
            };
            DumpError::Utf8 {
                path: self.path.clone(),
                offset,
            }
        })
    }
}

/// The byte found, said for a person.
fn describe(found: Option<u8>) -> String {
    match found {
        None => "the end of the input".into(),
        Some(b' ') => "a space".into(),
        Some(b'\n') => "a line end".into(),
        Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
        Some(b) => format!("byte 0x{b:02x}"),
    }
}

impl Iterator for LanglinksReader {
    type Item = Result<LangLink, DumpError>;
    fn next(&mut self) -> Option<Self::Item> {
        let r = self.next_row();
        if !matches!(r, Ok(Some(_))) {
            self.state = State::Done;
        }
        r.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Compression;
    use std::sync::Arc;

    /// Hands out its bytes one at a time, so that every token of a
    /// statement is split across reads.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 == self.0.len() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[self.1];
            self.1 += 1;
            Ok(1)
        }
    }

    fn input(reader: Box<dyn BufRead + Send>) -> Input {
        Input {
            reader,
            compression: Compression::None,
            file_len: 0,
            consumed: Arc::default(),
            path: "ll.sql".into(),
        }
    }

    fn read_with(sql: &[u8], window: usize) -> (Vec<Result<LangLink, DumpError>>, u64) {
        let reader = std::io::BufReader::with_capacity(1, Trickle(sql.to_vec(), 0));
        let mut reader = LanglinksReader::with_window(input(Box::new(reader)), window);
        let rows = reader.by_ref().collect();
        (rows, reader.skipped())
    }

    /// The rows, the same whatever the window: whole, and one byte at a
    /// time through the smallest window.
    fn read(sql: &str) -> (Vec<Result<LangLink, DumpError>>, u64) {
        let whole = LanglinksReader::new(input(Box::new(std::io::Cursor::new(
            sql.as_bytes().to_vec(),
        ))));
        let mut whole = whole;
        let rows: Vec<_> = whole.by_ref().collect();
        let skipped = whole.skipped();
        for window in [4, 5, 7, 16] {
            let (small, small_skipped) = read_with(sql.as_bytes(), window);
            assert_eq!(format!("{small:?}"), format!("{rows:?}"), "window {window}");
            assert_eq!(small_skipped, skipped);
        }
        (rows, skipped)
    }

    fn ok(sql: &str) -> Vec<(u32, String, String)> {
        read(sql)
            .0
            .into_iter()
            .map(|r| {
                let r = r.unwrap();
                (r.from, r.lang, r.title)
            })
            .collect()
    }

    fn row(from: u32, lang: &str, title: &str) -> (u32, String, String) {
        (from, lang.into(), title.into())
    }

    fn error(sql: &str) -> String {
        let rows = read(sql).0;
        rows.last()
            .and_then(|r| r.as_ref().err())
            .map(ToString::to_string)
            .unwrap_or_else(|| panic!("no error in {rows:?}"))
    }

    const HEAD: &str = "-- MySQL dump 10.13\n--\n/*!40101 SET NAMES utf8 */;\n\
        DROP TABLE IF EXISTS `langlinks`;\n\
        CREATE TABLE `langlinks` (\n  `ll_from` int(10) unsigned NOT NULL DEFAULT '0',\n  \
        `ll_lang` varbinary(20) NOT NULL DEFAULT '',\n  `ll_title` varbinary(255) NOT NULL DEFAULT ''\n\
        ) ENGINE=InnoDB DEFAULT CHARSET=binary;\n\
        LOCK TABLES `langlinks` WRITE;\n";

    #[test]
    fn reads_the_rows_of_every_insert_and_nothing_else() {
        let sql = format!(
            "{HEAD}INSERT INTO `langlinks` VALUES (14928,'aa','Category:User aa'),(7,'ab','Авикипедиа:Sandbox');\n\
             INSERT INTO `langlinks` VALUES (8,'zh-yue','維基');\nUNLOCK TABLES;\n-- Dump completed\n"
        );
        assert_eq!(
            ok(&sql),
            [
                row(14928, "aa", "Category:User aa"),
                row(7, "ab", "Авикипедиа:Sandbox"),
                row(8, "zh-yue", "維基")
            ]
        );
        assert_eq!(ok(""), []);
        assert_eq!(ok(HEAD), []);
    }

    #[test]
    fn unescapes_as_mysql_does() {
        let sql = r#"INSERT INTO `langlinks` VALUES (1,'en','It\'s a \\ \"q\" \n\r\t\0\Z\b'),(2,'en','Don''t'),(3,'en',"dq ""x"" 'y'"),(4,'en','100\% \_ \x');"#;
        assert_eq!(
            ok(sql),
            [
                row(1, "en", "It's a \\ \"q\" \n\r\t\0\u{1a}\u{8}"),
                row(2, "en", "Don't"),
                row(3, "en", "dq \"x\" 'y'"),
                row(4, "en", "100\\% \\_ x"),
            ]
        );
    }

    #[test]
    fn punctuation_inside_quotes_is_text() {
        let sql = "INSERT INTO `langlinks` VALUES (1,'fr','A (b), c; d'),(2,'de','),(3,\\'x\\');'),(3 , 'it' ,\t'ok' );";
        assert_eq!(
            ok(sql),
            [
                row(1, "fr", "A (b), c; d"),
                row(2, "de", "),(3,'x');"),
                row(3, "it", "ok")
            ]
        );
    }

    #[test]
    fn rows_with_an_empty_title_or_language_are_skipped_and_counted() {
        let (rows, skipped) =
            read("INSERT INTO `langlinks` VALUES (16296686,'fr',''),(1,'','X'),(2,'en','Y');");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].as_ref().unwrap().title, "Y");
        assert_eq!(skipped, 2);
    }

    #[test]
    fn other_statements_and_tables_are_ignored() {
        let sql = "# a comment 'with a quote\n\
            /* INSERT INTO `langlinks` VALUES (9,'no','No'); */\n\
            INSERT INTO `page` VALUES (1,0,'A;B','x\\';INSERT INTO `langlinks` VALUES (9,\"no\",\"No\");');\n\
            INSERT INTO `langlinks_old` VALUES (9,'no','No');\n\
            INSERT INTO \"odd`name\" VALUES (9);\n\
            SET @x = 'INSERT INTO `langlinks` VALUES (9,''no'',''No'');';\n\
            insert ignore into wiki.langlinks values (1,'en','Yes');;\n\
            INSERT INTO `langlinks` VALUES (2,'en','Yes too')";
        let rows = read(sql).0;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].as_ref().unwrap().title, "Yes");
        assert_eq!(rows[1].as_ref().unwrap().title, "Yes too");
        assert_eq!(
            rows[2].as_ref().unwrap_err().to_string(),
            format!(
                "ll.sql:8: expected ',' or ';' after a row, found the end of the input at byte {}",
                sql.len()
            )
        );
    }

    #[test]
    fn malformed_rows_are_named_with_line_and_offset() {
        let head = "-- x\nINSERT INTO `langlinks` VALUES ";
        let at = head.len();
        for (rows, want) in [
            (
                "(1,'en','A'),(2,'en')",
                format!("expected ',' after ll_lang, found ')' at byte {}", at + 20),
            ),
            ("(1,'en','A');", String::new()),
            (
                "(x,'en','A');",
                format!("expected ll_from, a page id, found 'x' at byte {}", at + 1),
            ),
            (
                "(4294967296,'en','A');",
                format!(
                    "ll_from is larger than a page id (2^32 - 1) at byte {}",
                    at + 10
                ),
            ),
            (
                "(1,en,'A');",
                format!(
                    "expected a quoted string for ll_lang, found 'e' at byte {}",
                    at + 3
                ),
            ),
            (
                "(1,'en','A','B');",
                format!(
                    "expected ')' after ll_title (a langlinks row has three values), found ',' at byte {}",
                    at + 11
                ),
            ),
            (
                "(1,'en','A')(2,'en','B');",
                format!(
                    "expected ',' or ';' after a row, found '(' at byte {}",
                    at + 12
                ),
            ),
            (
                "1,'en','A';",
                format!("expected '(' to open a row, found '1' at byte {at}"),
            ),
            (
                ";",
                format!("expected '(' to open a row, found ';' at byte {at}"),
            ),
            (
                "(1,'en','A",
                format!(
                    "the input ends inside the ll_title string opened at byte {} at byte {}",
                    at + 8,
                    at + 10
                ),
            ),
            (
                "(1,'en','A\\",
                format!(
                    "the input ends inside the ll_title string opened at byte {} at byte {}",
                    at + 8,
                    at + 11
                ),
            ),
            (
                "(1,'en','A')",
                format!(
                    "expected ',' or ';' after a row, found the end of the input at byte {}",
                    at + 12
                ),
            ),
            (
                "(1,",
                format!(
                    "expected a quoted string for ll_lang, found the end of the input at byte {}",
                    at + 3
                ),
            ),
        ] {
            let sql = format!("{head}{rows}");
            if want.is_empty() {
                assert_eq!(ok(&sql).len(), 1);
            } else {
                assert_eq!(error(&sql), format!("ll.sql:2: {want}"), "{rows}");
            }
        }
        assert_eq!(
            error("INSERT INTO `langlinks` (ll_from, ll_lang, ll_title) VALUES (1,'en','A');"),
            "ll.sql:1: expected VALUES after INSERT INTO `langlinks` (rows must be in the table's \
             column order), found '(' at byte 24"
        );
        assert_eq!(
            error("INSERT INTO `langlinks` SET ll_from=1;"),
            "ll.sql:1: expected VALUES after INSERT INTO `langlinks` (rows must be in the table's \
             column order), found `SET` at byte 24"
        );
    }

    #[test]
    fn a_string_with_no_end_is_cut_at_the_cap() {
        let mut sql = b"INSERT INTO `langlinks` VALUES (1,'en','".to_vec();
        sql.resize(sql.len() + LanglinksReader::MAX_VALUE_BYTES + 10, b'a');
        let (rows, _) = read_with(&sql, 1000);
        let e = rows[0].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("ll.sql:1: ll_title string opened at byte 39 is longer than 65536 bytes"),
            "{e}"
        );
        // A value of exactly the cap is read.
        let mut sql = b"INSERT INTO `langlinks` VALUES (1,'en','".to_vec();
        sql.resize(sql.len() + LanglinksReader::MAX_VALUE_BYTES, b'a');
        sql.extend_from_slice(b"');");
        let (rows, _) = read_with(&sql, 1000);
        assert_eq!(
            rows[0].as_ref().unwrap().title.len(),
            LanglinksReader::MAX_VALUE_BYTES
        );
    }

    #[test]
    fn invalid_utf8_is_placed_at_its_byte() {
        let head = b"INSERT INTO `langlinks` VALUES (1,'en','Caf\\'".to_vec();
        let mut sql = head.clone();
        sql.extend_from_slice(b"\xe9');");
        for window in [4, 5, 1000] {
            let (rows, _) = read_with(&sql, window);
            assert_eq!(
                rows[0].as_ref().unwrap_err().to_string(),
                format!("ll.sql: invalid UTF-8 at byte {}", head.len())
            );
        }
        // After an escape too.
        let (rows, _) = read_with(b"INSERT INTO `langlinks` VALUES (1,'en','\\\xff');", 4);
        assert_eq!(
            rows[0].as_ref().unwrap_err().to_string(),
            "ll.sql: invalid UTF-8 at byte 41"
        );
    }

    #[test]
    fn lines_are_counted_across_windows() {
        let sql = "\n\n\nINSERT INTO `langlinks` VALUES\n(1,'en','A\nB'),\n(2,'en',B);";
        assert_eq!(
            error(sql),
            "ll.sql:7: expected a quoted string for ll_title, found 'B' at byte 58"
        );
    }

    /// A title: anything, with a bias to what needs escaping.
    fn title() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("([\\\\'\"(),; \\n\\r\\t\\x00\\x1a%_a-zé維]|\\PC){0,40}")
            .unwrap()
    }

    /// How `mysqldump` writes a value.
    fn quote(s: &str, doubled: bool) -> String {
        let mut out = String::from("'");
        for c in s.chars() {
            match c {
                '\'' if doubled => out.push_str("''"),
                '\'' => out.push_str("\\'"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\0' => out.push_str("\\0"),
                '\u{1a}' => out.push_str("\\Z"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    proptest::proptest! {
        /// Rows written as `mysqldump` does, in one or more statements,
        /// read back the same through any window.
        #[test]
        fn written_rows_read_back(
            rows in proptest::collection::vec(
                (proptest::num::u32::ANY, "[a-z]{2,3}(-[a-z]{2,4})?", title()), 0..30),
            statements in 1usize..4,
            doubled in proptest::bool::ANY,
            window in 4usize..40,
        ) {
            let mut sql = String::from(HEAD);
            for chunk in rows.chunks(rows.len().div_ceil(statements).max(1)) {
                sql.push_str("INSERT INTO `langlinks` VALUES ");
                let values: Vec<String> = chunk
                    .iter()
                    .map(|(from, lang, title)| format!("({from},{},{})", quote(lang, doubled), quote(title, doubled)))
                    .collect();
                sql.push_str(&values.join(","));
                sql.push_str(";\n");
            }
            let (read, skipped) = read_with(sql.as_bytes(), window);
            let read: Vec<(u32, String, String)> = read
                .into_iter()
                .map(|r| { let r = r.unwrap(); (r.from, r.lang, r.title) })
                .collect();
            let want: Vec<_> = rows.iter().filter(|r| !r.2.is_empty()).cloned().collect();
            proptest::prop_assert_eq!(skipped as usize, rows.len() - want.len());
            proptest::prop_assert_eq!(read, want);
        }

        /// Damaged dumps and arbitrary bytes end with rows or an error,
        /// never a panic, whatever the window.
        #[test]
        fn damaged_dumps_never_panic(
            flips in proptest::collection::vec((proptest::num::usize::ANY, 1u8..=255), 0..6),
            cut in proptest::option::of(proptest::num::usize::ANY),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            window in 4usize..40,
        ) {
            let mut bytes = format!(
                "{HEAD}INSERT INTO `langlinks` VALUES (1,'en','A (b)'),(2,'fr','C\\'d'),(3,'de','É;');\n"
            )
            .into_bytes();
            for &(at, x) in &flips {
                let at = at % bytes.len();
                bytes[at] ^= x;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            for bytes in [&bytes, &noise] {
                let (rows, _) = read_with(bytes, window);
                for (i, r) in rows.iter().enumerate() {
                    if let Err(e) = r {
                        proptest::prop_assert_eq!(i, rows.len() - 1);
                        proptest::prop_assert!(e.to_string().starts_with("ll.sql"));
                    }
                }
            }
        }
    }
}
