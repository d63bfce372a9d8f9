//! The text spill: every concept's plain text, written while the sources
//! are read and read back in batches twice, to count link probabilities
//! for the mention dictionary and to link the concepts whose source gave
//! them no links. A build file in the generation's scratch folder, removed
//! after concept detection. The other languages' pages that have links
//! go to a spill of their own ([`LANGUAGES_FILE`], numbered by language
//! instead of concept), for their languages' dictionaries.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::BuildError;

/// The spill's file in the scratch folder.
const FILE: &str = "texts.tmp";
/// The other languages' spill's file in the scratch folder.
pub(crate) const LANGUAGES_FILE: &str = "texts-languages.tmp";
/// Flag: the concept's source gave it links.
const HAS_LINKS: u32 = 1;
/// Flag: the concept is held out of the mention dictionary.
const HELD_OUT: u32 = 2;

/// One concept's spilled text.
#[derive(Debug)]
pub(crate) struct SpilledText {
    pub(crate) concept: u32,
    /// Its source gave it links.
    pub(crate) has_links: bool,
    /// It is held out of the mention dictionary
    /// ([`BuildOptions::holdout_percent`](crate::BuildOptions::holdout_percent)).
    pub(crate) held_out: bool,
    pub(crate) text: String,
}

/// The spill being written: per concept `concept u32, flags u32, len u32`
/// and the text's bytes.
#[derive(Debug)]
pub(crate) struct TextSpill {
    out: BufWriter<File>,
    path: PathBuf,
}

impl TextSpill {
    /// Creates the spill in `scratch_dir`.
    pub(crate) fn create(scratch_dir: &Path) -> Result<Self, BuildError> {
        Self::create_named(scratch_dir, FILE)
    }

    /// Creates a spill named `name` in `scratch_dir`.
    pub(crate) fn create_named(scratch_dir: &Path, name: &str) -> Result<Self, BuildError> {
        let path = scratch_dir.join(name);
        let file = File::create(&path).map_err(|e| BuildError::io(&path, e))?;
        Ok(TextSpill {
            out: BufWriter::with_capacity(1 << 20, file),
            path,
        })
    }

    /// Appends one concept's text.
    pub(crate) fn push(
        &mut self,
        concept: u32,
        has_links: bool,
        held_out: bool,
        text: &str,
    ) -> Result<(), BuildError> {
        let mut flags = if has_links { HAS_LINKS } else { 0 };
        if held_out {
            flags |= HELD_OUT;
        }
        let mut head = [0u8; 12];
        head[..4].copy_from_slice(&concept.to_le_bytes());
        head[4..8].copy_from_slice(&flags.to_le_bytes());
        head[8..].copy_from_slice(&(text.len() as u32).to_le_bytes());
        self.out
            .write_all(&head)
            .and_then(|()| self.out.write_all(text.as_bytes()))
            .map_err(|e| BuildError::io(&self.path, e))
    }

    /// Flushes the spill, ready to be read.
    pub(crate) fn finish(mut self) -> Result<(), BuildError> {
        self.out.flush().map_err(|e| BuildError::io(&self.path, e))
    }

    /// Removes the spill from `scratch_dir` (best effort).
    pub(crate) fn remove(scratch_dir: &Path) {
        Self::remove_named(scratch_dir, FILE);
    }

    /// Removes the spill named `name` from `scratch_dir` (best effort).
    pub(crate) fn remove_named(scratch_dir: &Path, name: &str) {
        let _ = std::fs::remove_file(scratch_dir.join(name));
    }
}

/// The spill read back in order.
#[derive(Debug)]
pub(crate) struct TextSpillReader {
    reader: BufReader<File>,
    path: PathBuf,
}

impl TextSpillReader {
    /// Opens the spill written in `scratch_dir`.
    pub(crate) fn open(scratch_dir: &Path) -> Result<Self, BuildError> {
        Self::open_named(scratch_dir, FILE)
    }

    /// Opens the spill named `name` written in `scratch_dir`.
    pub(crate) fn open_named(scratch_dir: &Path, name: &str) -> Result<Self, BuildError> {
        let path = scratch_dir.join(name);
        let file = File::open(&path).map_err(|e| BuildError::io(&path, e))?;
        Ok(TextSpillReader {
            reader: BufReader::with_capacity(1 << 20, file),
            path,
        })
    }

    /// The next text, or `None` at the end.
    fn next_text(&mut self) -> Result<Option<SpilledText>, BuildError> {
        let mut head = [0u8; 12];
        match self.reader.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(BuildError::io(&self.path, e)),
        }
        let word = |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let mut bytes = vec![0u8; word(8) as usize];
        self.reader
            .read_exact(&mut bytes)
            .map_err(|e| BuildError::io(&self.path, e))?;
        let flags = word(4);
        Ok(Some(SpilledText {
            concept: word(0),
            has_links: flags & HAS_LINKS != 0,
            held_out: flags & HELD_OUT != 0,
            // Written from a `String` by this build.
            text: String::from_utf8(bytes).unwrap_or_default(),
        }))
    }

    /// Up to `max_bytes` of texts (at least one), or empty at the end.
    pub(crate) fn next_batch(&mut self, max_bytes: usize) -> Result<Vec<SpilledText>, BuildError> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < max_bytes {
            match self.next_text()? {
                Some(t) => {
                    bytes += t.text.len() + 12;
                    batch.push(t);
                }
                None => break,
            }
        }
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_in_batches_with_their_flags() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = TextSpill::create(dir.path()).unwrap();
        spill.push(0, true, false, "Rīga is a city.").unwrap();
        spill.push(1, false, true, "").unwrap();
        spill.push(2, true, true, "x").unwrap();
        spill.finish().unwrap();
        let mut reader = TextSpillReader::open(dir.path()).unwrap();
        let first = reader.next_batch(1).unwrap();
        assert_eq!(first.len(), 1, "at least one text, then the limit");
        let rest = reader.next_batch(1 << 20).unwrap();
        let got: Vec<_> = first
            .iter()
            .chain(&rest)
            .map(|t| (t.concept, t.has_links, t.held_out, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, true, false, "Rīga is a city."),
                (1, false, true, ""),
                (2, true, true, "x")
            ]
        );
        assert!(reader.next_batch(1 << 20).unwrap().is_empty());
        drop(reader);
        TextSpill::remove(dir.path());
        assert!(!dir.path().join(FILE).exists());
    }
}
