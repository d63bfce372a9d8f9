//! The link spills: every link occurrence and every summary link, written
//! as fixed-size records in concept order while the sources are read
//! (their targets are titles, not yet resolvable), and read back once, in
//! the same order, when titles and redirects are known. They are build
//! files in the generation's scratch folder, removed once read.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use crate::BuildError;

/// A record of a spill, of a fixed size.
pub(crate) trait SpillRecord: Sized {
    /// The spill's file in the scratch folder.
    const FILE: &'static str;
    /// The buffer the spill is written and read through.
    const BUFFER: usize;
    /// The record's bytes.
    type Bytes: AsRef<[u8]> + AsMut<[u8]> + Default;
    /// The concept whose text holds the link.
    fn concept(&self) -> u32;
    /// The record as little-endian bytes.
    fn encode(&self) -> Self::Bytes;
    /// A record written by [`encode`](Self::encode).
    fn decode(bytes: &Self::Bytes) -> Self;
}

/// A link in a concept's text: its target as a title key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LinkRecord {
    pub(crate) concept: u32,
    pub(crate) target: u64,
}

/// A link in a concept's summary: byte range and target title key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SummaryLinkRecord {
    pub(crate) concept: u32,
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) target: u64,
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

impl SpillRecord for LinkRecord {
    const FILE: &'static str = "links.tmp";
    const BUFFER: usize = 1 << 20;
    type Bytes = [u8; 12];
    fn concept(&self) -> u32 {
        self.concept
    }
    fn encode(&self) -> [u8; 12] {
        let mut rec = [0u8; 12];
        rec[..4].copy_from_slice(&self.concept.to_le_bytes());
        rec[4..].copy_from_slice(&self.target.to_le_bytes());
        rec
    }
    fn decode(rec: &[u8; 12]) -> Self {
        LinkRecord {
            concept: u32_at(rec, 0),
            target: u64_at(rec, 4),
        }
    }
}

impl SpillRecord for SummaryLinkRecord {
    const FILE: &'static str = "summary_links.tmp";
    const BUFFER: usize = 1 << 16;
    type Bytes = [u8; 20];
    fn concept(&self) -> u32 {
        self.concept
    }
    fn encode(&self) -> [u8; 20] {
        let mut rec = [0u8; 20];
        rec[..4].copy_from_slice(&self.concept.to_le_bytes());
        rec[4..8].copy_from_slice(&self.start.to_le_bytes());
        rec[8..12].copy_from_slice(&self.end.to_le_bytes());
        rec[12..].copy_from_slice(&self.target.to_le_bytes());
        rec
    }
    fn decode(rec: &[u8; 20]) -> Self {
        SummaryLinkRecord {
            concept: u32_at(rec, 0),
            start: u32_at(rec, 4),
            end: u32_at(rec, 8),
            target: u64_at(rec, 12),
        }
    }
}

/// A spill being written.
#[derive(Debug)]
pub(crate) struct Spill<R> {
    out: BufWriter<File>,
    path: PathBuf,
    count: u64,
    record: PhantomData<R>,
}

impl<R: SpillRecord> Spill<R> {
    /// Creates the spill in `scratch_dir`.
    pub(crate) fn create(scratch_dir: &Path) -> Result<Self, BuildError> {
        let path = scratch_dir.join(R::FILE);
        let file = File::create(&path).map_err(|e| BuildError::io(&path, e))?;
        Ok(Spill {
            out: BufWriter::with_capacity(R::BUFFER, file),
            path,
            count: 0,
            record: PhantomData,
        })
    }

    /// Appends a record; records come in concept order.
    pub(crate) fn push(&mut self, record: &R) -> Result<(), BuildError> {
        self.count += 1;
        self.out
            .write_all(record.encode().as_ref())
            .map_err(|e| BuildError::io(&self.path, e))
    }

    /// Finishes writing and opens the spill to read it back.
    pub(crate) fn into_reader(mut self) -> Result<SpillReader<R>, BuildError> {
        self.out
            .flush()
            .map_err(|e| BuildError::io(&self.path, e))?;
        let file = File::open(&self.path).map_err(|e| BuildError::io(&self.path, e))?;
        Ok(SpillReader {
            reader: BufReader::with_capacity(R::BUFFER, file),
            path: self.path,
            remaining: self.count,
            peeked: None,
        })
    }
}

/// A spill read back in the order it was written.
#[derive(Debug)]
pub(crate) struct SpillReader<R> {
    reader: BufReader<File>,
    path: PathBuf,
    /// Records not read yet.
    remaining: u64,
    /// A record read past the concept asked for.
    peeked: Option<R>,
}

impl<R: SpillRecord> SpillReader<R> {
    fn next_record(&mut self) -> Result<Option<R>, BuildError> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        let mut bytes = R::Bytes::default();
        self.reader
            .read_exact(bytes.as_mut())
            .map_err(|e| BuildError::io(&self.path, e))?;
        Ok(Some(R::decode(&bytes)))
    }

    /// Hands every record of `concept` to `f`. Concepts are asked for in
    /// ascending order; the records of a concept skipped are dropped.
    pub(crate) fn for_concept(
        &mut self,
        concept: u32,
        mut f: impl FnMut(R),
    ) -> Result<(), BuildError> {
        loop {
            let record = match self.peeked.take() {
                Some(r) => r,
                None => match self.next_record()? {
                    Some(r) => r,
                    None => return Ok(()),
                },
            };
            if record.concept() > concept {
                self.peeked = Some(record);
                return Ok(());
            }
            if record.concept() == concept {
                f(record);
            }
        }
    }

    /// Closes and removes the spill (best effort).
    pub(crate) fn remove(self) {
        let path = self.path;
        drop(self.reader);
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_by_concept() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::<SummaryLinkRecord>::create(dir.path()).unwrap();
        let rec = |concept, start, target| SummaryLinkRecord {
            concept,
            start,
            end: start + 1,
            target,
        };
        let written = [rec(0, 1, 7), rec(0, 5, u64::MAX), rec(2, 3, 9)];
        for r in &written {
            spill.push(r).unwrap();
        }
        let mut reader = spill.into_reader().unwrap();
        let mut rows = Vec::new();
        for concept in 0..4 {
            let mut row = Vec::new();
            reader.for_concept(concept, |r| row.push(r)).unwrap();
            rows.push(row);
        }
        assert_eq!(
            rows,
            [written[..2].to_vec(), vec![], written[2..].to_vec(), vec![]]
        );
        reader.remove();
        assert!(!dir.path().join(SummaryLinkRecord::FILE).exists());
    }

    #[test]
    fn link_records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::<LinkRecord>::create(dir.path()).unwrap();
        let link = LinkRecord {
            concept: u32::MAX,
            target: 0x0102_0304_0506_0708,
        };
        spill.push(&link).unwrap();
        let mut reader = spill.into_reader().unwrap();
        let mut got = Vec::new();
        reader.for_concept(u32::MAX, |r| got.push(r)).unwrap();
        assert_eq!(got, [link]);
    }
}
