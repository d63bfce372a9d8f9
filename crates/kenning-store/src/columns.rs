//! Flat files: integer columns and string tables, written streaming and
//! read through a memory map.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use crate::StoreError;

/// Appends little-endian integers to a column file.
#[derive(Debug)]
pub(crate) struct ColumnWriter {
    out: BufWriter<File>,
    path: PathBuf,
    len: u64,
}

impl ColumnWriter {
    /// Creates (truncates) the column file.
    pub(crate) fn create(path: &Path) -> Result<Self, StoreError> {
        let file = File::create(path).map_err(|e| StoreError::io(path, e))?;
        Ok(ColumnWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            path: path.to_owned(),
            len: 0,
        })
    }

    /// Appends one `u32`.
    pub(crate) fn push_u32(&mut self, v: u32) -> Result<(), StoreError> {
        self.len += 1;
        self.out
            .write_all(&v.to_le_bytes())
            .map_err(|e| StoreError::io(&self.path, e))
    }

    /// Appends one `u64`.
    pub(crate) fn push_u64(&mut self, v: u64) -> Result<(), StoreError> {
        self.len += 1;
        self.out
            .write_all(&v.to_le_bytes())
            .map_err(|e| StoreError::io(&self.path, e))
    }

    /// Values written so far.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Flushes and syncs the file to disk.
    pub(crate) fn finish(self) -> Result<(), StoreError> {
        let path = self.path;
        let file = self
            .out
            .into_inner()
            .map_err(|e| StoreError::io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| StoreError::io(&path, e))
    }
}

/// Appends strings to a string table: `NAME.dat` holds the bytes, `NAME.off`
/// the `u64` offset of each string's start plus one final end offset.
#[derive(Debug)]
pub struct StrTableWriter {
    data: BufWriter<File>,
    offsets: ColumnWriter,
    data_path: PathBuf,
    pos: u64,
}

impl StrTableWriter {
    /// Creates the table `dir/name.{dat,off}`.
    pub fn create(dir: &Path, name: &str) -> Result<Self, StoreError> {
        let data_path = dir.join(format!("{name}.dat"));
        let data = File::create(&data_path).map_err(|e| StoreError::io(&data_path, e))?;
        let mut offsets = ColumnWriter::create(&dir.join(format!("{name}.off")))?;
        offsets.push_u64(0)?;
        Ok(StrTableWriter {
            data: BufWriter::with_capacity(1 << 20, data),
            offsets,
            data_path,
            pos: 0,
        })
    }

    /// Appends a string; returns its index.
    pub fn push(&mut self, s: &str) -> Result<u64, StoreError> {
        self.data
            .write_all(s.as_bytes())
            .map_err(|e| StoreError::io(&self.data_path, e))?;
        self.pos += s.len() as u64;
        self.offsets.push_u64(self.pos)?;
        Ok(self.offsets.len() - 2)
    }

    /// Strings written so far.
    pub fn len(&self) -> u64 {
        self.offsets.len() - 1
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Flushes and syncs both files.
    pub fn finish(self) -> Result<(), StoreError> {
        let path = self.data_path;
        let file = self
            .data
            .into_inner()
            .map_err(|e| StoreError::io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| StoreError::io(&path, e))?;
        self.offsets.finish()
    }
}

/// The 64-bit key of a title, used to look titles up without storing them
/// sorted. Stable across builds and platforms (FNV-1a over the UTF-8 bytes,
/// then a final mix).
pub fn title_key(title: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in title.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64 finaliser: spreads FNV's weak high bits.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A read-only memory map of one file (empty files are not mapped).
#[derive(Debug)]
pub(crate) struct Mapped {
    map: Option<Mmap>,
}

impl Mapped {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
        let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
        if len == 0 {
            return Ok(Mapped { map: None });
        }
        // SAFETY: snapshot files are immutable once published: a build
        // writes a new generation and never modifies a published one. While
        // a build runs, it maps a file of the generation it is writing only
        // after that file is written, and does not write it again while the
        // map lives. (A file changed by another program under the map gives
        // wrong bytes, or SIGBUS if truncated; that is outside what kenning
        // supports, as for the dumps.)
        let map = unsafe { Mmap::map(&file) }.map_err(|e| StoreError::io(path, e))?;
        Ok(Mapped { map: Some(map) })
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}

/// A column of little-endian `u32`.
#[derive(Debug)]
pub(crate) struct U32Column(pub(crate) Mapped);

impl U32Column {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let m = Mapped::open(path)?;
        if m.bytes().len() % 4 != 0 {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                message: "size is not a multiple of 4".into(),
            });
        }
        Ok(U32Column(m))
    }
    pub(crate) fn len(&self) -> usize {
        self.0.bytes().len() / 4
    }
    pub(crate) fn get(&self, i: usize) -> u32 {
        let b = &self.0.bytes()[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}

/// A column of little-endian `u64`.
#[derive(Debug)]
pub(crate) struct U64Column(pub(crate) Mapped);

impl U64Column {
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let m = Mapped::open(path)?;
        if m.bytes().len() % 8 != 0 {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                message: "size is not a multiple of 8".into(),
            });
        }
        Ok(U64Column(m))
    }
    pub(crate) fn len(&self) -> usize {
        self.0.bytes().len() / 8
    }
    pub(crate) fn get(&self, i: usize) -> u64 {
        let b = &self.0.bytes()[i * 8..i * 8 + 8];
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }
}

/// A string table written by [`StrTableWriter`], memory-mapped.
#[derive(Debug)]
pub struct StrTable {
    data: Mapped,
    offsets: U64Column,
}

impl StrTable {
    /// Opens the table `dir/name.{dat,off}`.
    pub fn open(dir: &Path, name: &str) -> Result<Self, StoreError> {
        let data_path = dir.join(format!("{name}.dat"));
        let data = Mapped::open(&data_path)?;
        let offsets = U64Column::open(&dir.join(format!("{name}.off")))?;
        // Nothing more is read here: opening a table of gigabytes must not
        // touch its pages. Each string is checked as UTF-8 when read.
        let ok = offsets.len() >= 1 && offsets.get(offsets.len() - 1) == data.bytes().len() as u64;
        if !ok {
            return Err(StoreError::Corrupt {
                path: data_path,
                message: "string table does not match its offsets".into(),
            });
        }
        Ok(StrTable { data, offsets })
    }
    /// Number of strings.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Whether the table holds no string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Removes the table `dir/name.{dat,off}` (best effort: a file that
    /// cannot be removed stays).
    pub fn remove(dir: &Path, name: &str) {
        for ext in ["dat", "off"] {
            let _ = std::fs::remove_file(dir.join(format!("{name}.{ext}")));
        }
    }
    /// String `i`; empty when the file is damaged there (offsets out of
    /// order or past the end, bytes that are not UTF-8). Panics if
    /// `i >= len()`.
    pub fn get(&self, i: usize) -> &str {
        let (a, b) = (
            self.offsets.get(i) as usize,
            self.offsets.get(i + 1) as usize,
        );
        self.data
            .bytes()
            .get(a..b)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("")
    }
}

/// Reads a string table from start to end through buffers instead of a
/// memory map: for passes over every string (building the search index),
/// which would otherwise hold the whole table in the process's resident
/// memory as mapped pages.
#[derive(Debug)]
pub struct StrTableStream {
    data: BufReader<File>,
    offsets: BufReader<File>,
    data_path: PathBuf,
    offsets_path: PathBuf,
    /// Size of the data file: no offset may pass it.
    data_len: u64,
    at: u64,
    remaining: u64,
}

impl StrTableStream {
    /// Opens the table `dir/name.{dat,off}` for one pass.
    pub fn open(dir: &Path, name: &str) -> Result<Self, StoreError> {
        let data_path = dir.join(format!("{name}.dat"));
        let offsets_path = dir.join(format!("{name}.off"));
        let open = |p: &Path| File::open(p).map_err(|e| StoreError::io(p, e));
        let offsets = open(&offsets_path)?;
        let count = offsets
            .metadata()
            .map_err(|e| StoreError::io(&offsets_path, e))?
            .len()
            / 8;
        let data = open(&data_path)?;
        let data_len = data
            .metadata()
            .map_err(|e| StoreError::io(&data_path, e))?
            .len();
        let mut stream = StrTableStream {
            data: BufReader::with_capacity(1 << 20, data),
            data_len,
            offsets: BufReader::with_capacity(1 << 16, offsets),
            data_path,
            offsets_path,
            at: 0,
            remaining: count.saturating_sub(1),
        };
        stream.at = stream.next_offset()?;
        Ok(stream)
    }

    fn next_offset(&mut self) -> Result<u64, StoreError> {
        let mut word = [0u8; 8];
        self.offsets
            .read_exact(&mut word)
            .map_err(|e| StoreError::io(&self.offsets_path, e))?;
        Ok(u64::from_le_bytes(word))
    }

    /// The next string into `out` (cleared first); `false` after the last.
    pub fn next_into(&mut self, out: &mut String) -> Result<bool, StoreError> {
        out.clear();
        if self.remaining == 0 {
            return Ok(false);
        }
        self.remaining -= 1;
        let end = self.next_offset()?;
        let corrupt = |message: &str| StoreError::Corrupt {
            path: self.data_path.clone(),
            message: message.into(),
        };
        if end < self.at || end > self.data_len {
            return Err(corrupt("string table does not match its offsets"));
        }
        let len = (end - self.at) as usize;
        self.at = end;
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.resize(len, 0);
        self.data
            .read_exact(&mut bytes)
            .map_err(|e| StoreError::io(&self.data_path, e))?;
        *out = String::from_utf8(bytes).map_err(|_| corrupt("a string that is not UTF-8"))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_table_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = StrTableWriter::create(dir.path(), "t").unwrap();
        assert_eq!(w.push("").unwrap(), 0);
        assert_eq!(w.push("Rīga").unwrap(), 1);
        assert_eq!(w.push("x").unwrap(), 2);
        w.finish().unwrap();
        let t = StrTable::open(dir.path(), "t").unwrap();
        assert_eq!(
            (t.len(), t.get(0), t.get(1), t.get(2)),
            (3, "", "Rīga", "x")
        );
    }

    /// A folder holding the string table `t` of `strings`.
    fn table(strings: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut w = StrTableWriter::create(dir.path(), "t").unwrap();
        for s in strings {
            w.push(s).unwrap();
        }
        w.finish().unwrap();
        dir
    }

    #[test]
    fn string_tables_stream_in_order() {
        let dir = table(&["", "Rīga", "x"]);
        let mut stream = StrTableStream::open(dir.path(), "t").unwrap();
        let mut got = Vec::new();
        let mut buf = String::from("left over");
        while stream.next_into(&mut buf).unwrap() {
            got.push(buf.clone());
        }
        assert_eq!(got, ["", "Rīga", "x"]);
        assert!(buf.is_empty());
    }

    #[test]
    fn damaged_string_tables_read_as_empty_or_fail_cleanly() {
        let dir = table(&["ab", "cd", "ef"]);
        // Bytes that are not UTF-8 in the middle string.
        std::fs::write(dir.path().join("t.dat"), b"ab\xff\xfeef").unwrap();
        let t = StrTable::open(dir.path(), "t").unwrap();
        assert_eq!((t.get(0), t.get(1), t.get(2)), ("ab", "", "ef"));
        let write_offsets = |v: [u64; 4]| {
            let bytes: Vec<u8> = v.iter().flat_map(|o| o.to_le_bytes()).collect();
            std::fs::write(dir.path().join("t.off"), bytes).unwrap();
        };
        write_offsets([0, 2, 4, 7]);
        assert!(
            StrTable::open(dir.path(), "t").is_err(),
            "last offset is not the length"
        );
        // Offsets going backwards: empty strings, no panic; the stream stops.
        write_offsets([0, 2, 1, 6]);
        let t = StrTable::open(dir.path(), "t").unwrap();
        assert_eq!((t.get(0), t.get(1), t.get(2)), ("ab", "", ""));
        let mut stream = StrTableStream::open(dir.path(), "t").unwrap();
        let mut buf = String::new();
        assert!(stream.next_into(&mut buf).unwrap());
        let err = stream.next_into(&mut buf).unwrap_err().to_string();
        assert!(err.contains("does not match its offsets"), "{err}");
    }

    #[test]
    fn title_keys_differ() {
        assert_ne!(title_key("Paris"), title_key("paris"));
        assert_eq!(title_key("Paris"), title_key("Paris"));
    }
}
