//! `kenning wikify` over inputs of any size: stdin read piece by piece
//! (cut after paragraphs by the engine's `piece_end`) in bounded memory,
//! and `--jsonl`, one text per line, wikified on every core and written
//! in input order.
//!
//! An input that fits in one piece is printed exactly as before pieces
//! existed (and as the HTTP API answers it). A longer one streams: its
//! marked text (or JSON annotations) is written piece by piece with offsets
//! over the whole input, and only its concepts are held to the end; the
//! text form's list of annotations waits in an unnamed temporary file.

use std::fs::File;
use std::io::{self, BufRead, Read, Seek, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use kenning_engine::{ConceptTally, Engine, WikifyOptions, WikifyResult, piece_end};
use serde_json::{Map, Value};

use crate::output;

/// The longest JSONL line `--jsonl` reads; a longer one is reported in its
/// place in the output and skipped.
pub(crate) const MAX_JSONL_LINE: usize = 64 << 20;

/// Lines wikified together (in parallel) before their results are written.
const BATCH_LINES: usize = 512;
/// Bytes of lines read into one batch at most (a longer line is a batch).
const BATCH_BYTES: usize = 16 << 20;

/// Wikifies everything `input` holds, in `lang` (else the language
/// detected at its start), piece by piece of at most `piece` bytes,
/// writing text (or JSON with `json`) to `out`.
pub(crate) fn wikify_stream(
    engine: &Engine,
    options: WikifyOptions,
    lang: Option<&str>,
    json: bool,
    piece: usize,
    mut input: impl Read,
    out: &mut impl Write,
) -> Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(piece.min(1 << 20) + 1);
    let mut at_end = fill(&mut input, &mut buf, piece)?;
    let mut first = true;
    let mut stream: Option<Streamed> = None;
    let (mut bytes, mut chars) = (0usize, 0usize);
    while !buf.is_empty() || first {
        let end = piece_end(&buf, piece, at_end);
        let text = std::str::from_utf8(&buf[..end]).map_err(|e| {
            anyhow::anyhow!(
                "the text on stdin is not UTF-8 (invalid byte at offset {})",
                bytes + e.valid_up_to()
            )
        })?;
        if first && at_end && end == buf.len() {
            let result = engine.wikify_in(text, lang, options);
            // One piece: the same answer, printed the same way, as always.
            let printed = if json {
                output::to_json(&result)
            } else {
                output::wikify_text(text, &result)
            };
            writeln!(out, "{printed}")?;
            return Ok(());
        }
        first = false;
        // The language of the first piece is every piece's.
        let stream = stream.get_or_insert_with(|| {
            let (code, detected) = engine.text_language(text, lang);
            Streamed::new(json, code, detected)
        });
        let mut result = engine.wikify_in(text, stream.language.as_deref(), options);
        result.shift(bytes, chars);
        stream.piece(text, bytes, &result, out)?;
        bytes += end;
        chars += text.chars().count();
        buf.drain(..end);
        if !at_end {
            at_end = fill(&mut input, &mut buf, piece)?;
        }
    }
    match stream {
        Some(stream) => stream.finish(out),
        None => Ok(()),
    }
}

/// Reads into `buf` until it holds `want` bytes or the input ends; whether
/// it ended.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> Result<bool> {
    while buf.len() < want {
        let missing = (want - buf.len()) as u64;
        let read = input
            .by_ref()
            .take(missing)
            .read_to_end(buf)
            .context("cannot read the text from stdin")?;
        if read == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The output of an input of several pieces, as it is written.
struct Streamed {
    json: bool,
    /// The language every piece is linked in, and whether it was detected.
    language: Option<String>,
    detected: bool,
    tally: ConceptTally,
    /// Text form: the annotation lines, written after the concepts.
    lines: Option<io::BufWriter<File>>,
    /// JSON form: whether an annotation was written yet.
    any: bool,
}

impl Streamed {
    fn new(json: bool, language: Option<String>, detected: bool) -> Streamed {
        Streamed {
            json,
            language,
            detected,
            tally: ConceptTally::default(),
            lines: None,
            any: false,
        }
    }

    fn piece(
        &mut self,
        text: &str,
        offset: usize,
        result: &WikifyResult,
        out: &mut impl Write,
    ) -> Result<()> {
        self.tally.add(&result.concepts);
        if self.json {
            if !self.any && result.annotations.is_empty() {
                return Ok(());
            }
            if !self.any {
                self.open_json(out)?;
                out.write_all(b"  \"annotations\": [")?;
            }
            for a in &result.annotations {
                out.write_all(if self.any { b",\n" } else { b"\n" })?;
                out.write_all(indented(&output::to_json(a), 4).as_bytes())?;
                self.any = true;
            }
            return Ok(());
        }
        out.write_all(output::wikify_marked(text, &result.annotations, offset).as_bytes())?;
        if self.lines.is_none() {
            self.lines = Some(io::BufWriter::new(anonymous_file()?));
        }
        if let Some(lines) = &mut self.lines {
            for a in &result.annotations {
                lines.write_all(output::wikify_annotation(a).as_bytes())?;
            }
        }
        Ok(())
    }

    /// The JSON form's start, up to its annotations, with the fields the
    /// API's answer has before them.
    fn open_json(&self, out: &mut impl Write) -> Result<()> {
        out.write_all(b"{\n")?;
        if let Some(code) = &self.language {
            writeln!(out, "  \"language\": {},", Value::String(code.clone()))?;
        }
        writeln!(out, "  \"language_detected\": {},", self.detected)?;
        Ok(())
    }

    fn finish(mut self, out: &mut impl Write) -> Result<()> {
        let concepts = std::mem::take(&mut self.tally).finish();
        if self.json {
            if self.any {
                out.write_all(b"\n  ],\n  \"concepts\": [")?;
            } else {
                self.open_json(out)?;
                out.write_all(b"  \"annotations\": [],\n  \"concepts\": [")?;
            }
            for (i, c) in concepts.iter().enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                out.write_all(indented(&output::to_json(c), 4).as_bytes())?;
            }
            out.write_all(if concepts.is_empty() {
                b"]\n}\n"
            } else {
                b"\n  ]\n}\n"
            })?;
            return Ok(());
        }
        out.write_all(output::wikify_concepts(&concepts).as_bytes())?;
        out.write_all(output::WIKIFY_ANNOTATIONS_HEADING.as_bytes())?;
        if let Some(lines) = self.lines {
            let mut file = lines.into_inner().map_err(|e| e.into_error())?;
            file.rewind()?;
            io::copy(&mut file, out)?;
        }
        Ok(())
    }
}

/// Every line of `text` indented by `by` spaces.
fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut out = String::with_capacity(text.len() + by * 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str(line);
    }
    out
}

/// A temporary file that is gone once closed (removed from its folder as
/// soon as it is open, where the system allows that).
fn anonymous_file() -> Result<File> {
    let dir = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let path = dir.join(format!("kenning-wikify-{}-{nanos}", std::process::id()));
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    // On Unix the open file lives on without its name; elsewhere the
    // removal fails and the file stays behind in the temporary folder.
    let _ = std::fs::remove_file(&path);
    Ok(file)
}

/// `--jsonl`: one `{"id", "text", "lang"?}` per line in, one result per
/// line out, in input order. A line that cannot be wikified gets
/// `{"line", "id"?, "error"}` in its place; the first such error is
/// returned once every line is written.
pub(crate) fn wikify_jsonl(
    engine: &Engine,
    options: WikifyOptions,
    threads: usize,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<()> {
    let mut line_no = 0usize;
    let mut failed = 0usize;
    let mut first_error: Option<String> = None;
    let mut batch: Vec<(usize, Result<Vec<u8>, String>)> = Vec::new();
    loop {
        batch.clear();
        let mut batch_bytes = 0;
        let mut at_end = false;
        while batch.len() < BATCH_LINES && batch_bytes < BATCH_BYTES {
            let mut line = Vec::new();
            match read_line(input, &mut line)? {
                LineRead::End => {
                    at_end = true;
                    break;
                }
                LineRead::Line => {
                    line_no += 1;
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    batch_bytes += line.len();
                    batch.push((line_no, Ok(line)));
                }
                LineRead::TooLong => {
                    line_no += 1;
                    let message = format!("line over {MAX_JSONL_LINE} bytes");
                    batch.push((line_no, Err(message)));
                }
            }
        }
        let results = wikify_batch(engine, options, threads, &batch);
        for (result, (line, _)) in results.iter().zip(&batch) {
            if let Some(error) = result.get("error").and_then(Value::as_str) {
                failed += 1;
                first_error.get_or_insert_with(|| format!("line {line}: {error}"));
            }
            serde_json::to_writer(&mut *out, result)?;
            out.write_all(b"\n")?;
        }
        if at_end {
            break;
        }
    }
    out.flush()?;
    if let Some(first) = first_error {
        bail!(
            "{failed} of {line_no} lines were not wikified (each has an \"error\" in the output); the first: {first}"
        );
    }
    Ok(())
}

/// The batch's results, in order, computed on `threads` threads.
fn wikify_batch(
    engine: &Engine,
    options: WikifyOptions,
    threads: usize,
    batch: &[(usize, Result<Vec<u8>, String>)],
) -> Vec<Value> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Value>> = vec![None; batch.len()];
    let threads = threads.clamp(1, batch.len().max(1));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((line, input)) = batch.get(i) else {
                            return done;
                        };
                        let value = match input {
                            Ok(bytes) => wikify_line(engine, options, *line, bytes),
                            Err(message) => error_value(*line, None, message),
                        };
                        done.push((i, value));
                    }
                })
            })
            .collect();
        for worker in workers {
            // A worker only panics if the linker does; that is a bug to
            // report loudly, not a line to skip.
            for (i, value) in worker.join().expect("a wikify worker panicked") {
                results[i] = Some(value);
            }
        }
    });
    results.into_iter().map(Option::unwrap_or_default).collect()
}

/// One line's result: the API's wikify shape with the line's `id` (and
/// `lang`) first, or an error object.
fn wikify_line(engine: &Engine, options: WikifyOptions, line: usize, bytes: &[u8]) -> Value {
    let parsed: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => return error_value(line, None, &format!("invalid JSON: {e}")),
    };
    let Value::Object(mut fields) = parsed else {
        return error_value(line, None, "expected a JSON object {\"id\", \"text\"}");
    };
    let id = fields.remove("id");
    let lang = match fields.remove("lang") {
        None | Some(Value::Null) => None,
        Some(Value::String(lang)) => Some(lang),
        Some(_) => return error_value(line, id, "field \"lang\": expected a string"),
    };
    let text = match fields.remove("text") {
        Some(Value::String(text)) => text,
        Some(_) => return error_value(line, id, "field \"text\": expected a string"),
        None => return error_value(line, id, "missing field \"text\""),
    };
    let result = engine.wikify_long(&text, lang.as_deref(), options);
    let mut out = Map::new();
    out.insert("id".into(), id.unwrap_or(Value::Null));
    if let Some(lang) = lang {
        out.insert("lang".into(), Value::String(lang));
    }
    if let Ok(Value::Object(fields)) = serde_json::to_value(&result) {
        out.extend(fields);
    }
    Value::Object(out)
}

fn error_value(line: usize, id: Option<Value>, message: &str) -> Value {
    let mut out = Map::new();
    out.insert("line".into(), Value::from(line));
    if let Some(id) = id {
        out.insert("id".into(), id);
    }
    out.insert("error".into(), Value::String(message.to_owned()));
    Value::Object(out)
}

enum LineRead {
    End,
    Line,
    TooLong,
}

/// The next line of at most [`MAX_JSONL_LINE`] bytes; a longer one is
/// skipped to its end without being held.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> Result<LineRead> {
    let read = input
        .by_ref()
        .take(MAX_JSONL_LINE as u64 + 2)
        .read_until(b'\n', line)
        .context("cannot read stdin")?;
    if read == 0 {
        return Ok(LineRead::End);
    }
    if line.last() == Some(&b'\n') || line.len() <= MAX_JSONL_LINE {
        return Ok(LineRead::Line);
    }
    // Skip the rest of the long line in bounded steps.
    line.clear();
    loop {
        let chunk = input.fill_buf().context("cannot read stdin")?;
        if chunk.is_empty() {
            break;
        }
        match memchr_newline(chunk) {
            Some(i) => {
                input.consume(i + 1);
                break;
            }
            None => {
                let n = chunk.len();
                input.consume(n);
            }
        }
    }
    Ok(LineRead::TooLong)
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_build::{BuildOptions, BuildProgress, Source};
    use std::path::Path;

    fn engine(dir: &Path) -> Engine {
        let wiki = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tiny-wiki.xml");
        let options = BuildOptions {
            out: dir.join("snap"),
            sources: vec![Source::Dump(wiki)],
            records: Vec::new(),
            threads: 1,
            holdout_percent: 0,
            languages: Default::default(),
            ontologies: Vec::new(),
            record_fields: Default::default(),
        };
        kenning_build::build(&options, &std::sync::Arc::new(BuildProgress::default())).unwrap();
        Engine::open(&dir.join("snap")).unwrap()
    }

    const PARAGRAPH: &str =
        "Ünïcode — the Merrowby lighthouse stands above the harbour of Merrowby.\n\n";

    fn run(engine: &Engine, json: bool, piece: usize, text: &str) -> String {
        let mut out = Vec::new();
        let options = WikifyOptions::default();
        wikify_stream(
            engine,
            options,
            None,
            json,
            piece,
            text.as_bytes(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pieces_stream_with_offsets_over_the_whole_input() {
        let tmp = tempfile::tempdir().unwrap();
        let engine = engine(tmp.path());
        let text = PARAGRAPH.repeat(20);
        let options = WikifyOptions::default();

        // One piece: exactly the engine's answer, printed as before.
        let whole = engine.wikify(&text, options);
        assert_eq!(
            run(&engine, true, 1 << 20, &text),
            output::to_json(&whole) + "\n"
        );
        assert_eq!(
            run(&engine, false, 1 << 20, &text),
            output::wikify_text(&text, &whole) + "\n"
        );

        // Many pieces: the pieces' answers, moved, in valid JSON.
        let piece = 200;
        let printed: Value = serde_json::from_str(&run(&engine, true, piece, &text)).unwrap();
        let (mut at, mut chars, mut expected) = (0, 0, Vec::new());
        let mut tally = ConceptTally::default();
        while at < text.len() {
            let end = piece_end(&text.as_bytes()[at..], piece, true);
            let part = &text[at..at + end];
            let mut result = engine.wikify(part, options);
            result.shift(at, chars);
            tally.add(&result.concepts);
            expected.extend(result.annotations);
            at += end;
            chars += part.chars().count();
        }
        assert!(expected.len() >= 40, "{}", expected.len());
        // Compared as printed JSON: f32 scores read back as f64.
        fn reparsed(v: &impl serde::Serialize) -> Value {
            serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
        }
        assert_eq!(printed["annotations"], reparsed(&expected));
        assert_eq!(printed["concepts"], reparsed(&tally.finish()));
        let code_points: Vec<char> = text.chars().collect();
        for a in &expected {
            assert_eq!(a.text, text[a.byte_start..a.byte_end]);
            let by_chars: String = code_points[a.start..a.end].iter().collect();
            assert_eq!(by_chars, a.text);
        }

        // The text form: the marked text whole, then every annotation.
        let printed = run(&engine, false, piece, &text);
        let marked = printed.split("\n\nConcepts\n").next().unwrap();
        assert_eq!(
            marked
                .matches("[[Merrowby Lighthouse|Merrowby lighthouse]]")
                .count(),
            20
        );
        assert_eq!(
            marked
                .replace(
                    "[[Merrowby Lighthouse|Merrowby lighthouse]]",
                    "Merrowby lighthouse"
                )
                .replace("[[Merrowby]]", "Merrowby"),
            text
        );
        let lines = printed
            .split(output::WIKIFY_ANNOTATIONS_HEADING)
            .nth(1)
            .unwrap();
        assert_eq!(lines.lines().count(), expected.len());
    }

    #[test]
    fn bad_bytes_are_named_by_their_offset_in_the_whole_input() {
        let tmp = tempfile::tempdir().unwrap();
        let engine = engine(tmp.path());
        let mut bytes = PARAGRAPH.repeat(10).into_bytes();
        let bad = bytes.len() - 5;
        bytes[bad] = 0xFF;
        let mut out = Vec::new();
        let err = wikify_stream(
            &engine,
            WikifyOptions::default(),
            None,
            true,
            100,
            &bytes[..],
            &mut out,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the text on stdin is not UTF-8 (invalid byte at offset {bad})")
        );
        // Empty input: an empty answer.
        let empty = run(&engine, true, 100, "");
        assert!(empty.contains("\"annotations\": []"), "{empty}");
    }

    #[test]
    fn jsonl_answers_every_line_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let engine = engine(tmp.path());
        let mut input = String::new();
        for i in 0..40 {
            input.push_str(&format!(
                "{{\"id\": {i}, \"text\": {:?}, \"lang\": \"en\"}}\n",
                PARAGRAPH.repeat(i % 3 + 1)
            ));
        }
        input.push_str("not json\n\n{\"id\": \"x\"}\n{\"id\": \"last\", \"text\": \"Merrowby\"}");
        let mut out = Vec::new();
        let err = wikify_jsonl(
            &engine,
            WikifyOptions::default(),
            3,
            &mut input.as_bytes(),
            &mut out,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 of 44 lines were not wikified (each has an \"error\" in the output); the first: line 41: invalid JSON: expected ident at line 1 column 2"
        );
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 43);
        for (i, line) in lines.iter().take(40).enumerate() {
            assert_eq!(line["id"], i);
            assert_eq!(line["lang"], "en");
            let mentions = line["annotations"].as_array().unwrap().len();
            assert_eq!(mentions, 2 * (i % 3 + 1), "{line}");
        }
        assert_eq!(lines[40]["line"], 41);
        assert_eq!(lines[41]["error"], "missing field \"text\"");
        assert_eq!(lines[41]["id"], "x");
        assert_eq!(lines[42]["id"], "last");
    }
}
