//! Opening a source file: compression detected from its first bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::DumpError;
use crate::bz2::ParallelBz2Reader;

/// How a source file is compressed, as told by its magic bytes (not its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip (one or more members).
    Gzip,
    /// bzip2 with a single stream, decoded sequentially.
    Bzip2,
    /// bzip2 made of many streams, decoded in parallel.
    Bzip2Multistream,
}

/// An open source file: its decompressed bytes, and how far through the
/// file (in compressed bytes) reading has come, for progress reports.
pub struct Input {
    /// The decompressed bytes.
    pub reader: Box<dyn BufRead + Send>,
    /// The compression found.
    pub compression: Compression,
    /// The file's size on disk.
    pub file_len: u64,
    /// Compressed bytes consumed so far (grows while `reader` is read).
    pub consumed: Arc<AtomicU64>,
    /// The file.
    pub path: PathBuf,
}

impl Input {
    /// Bytes already in memory as an input named `path` (for tests, fuzz
    /// targets and callers that hold a small source whole).
    pub fn from_bytes(bytes: Vec<u8>, path: impl Into<PathBuf>) -> Input {
        Input {
            file_len: bytes.len() as u64,
            reader: Box::new(io::Cursor::new(bytes)),
            compression: Compression::None,
            consumed: Arc::default(),
            path: path.into(),
        }
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("path", &self.path)
            .field("compression", &self.compression)
            .field("file_len", &self.file_len)
            .finish_non_exhaustive()
    }
}

/// A damaged compressed stream, carried inside an `io::Error` from the
/// decoder to whoever reads it, so the final error can say where.
#[derive(Debug)]
pub(crate) struct CorruptInput {
    pub(crate) format: &'static str,
    pub(crate) offset: u64,
    pub(crate) message: String,
}

impl std::fmt::Display for CorruptInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} data corrupt at byte {}: {}",
            self.format, self.offset, self.message
        )
    }
}

impl std::error::Error for CorruptInput {}

/// Turns a read error into the crate's error, keeping a decoder's position.
pub(crate) fn read_error(path: &Path, e: io::Error) -> DumpError {
    if e.get_ref().is_some_and(|inner| inner.is::<CorruptInput>()) {
        let inner = e.into_inner().unwrap().downcast::<CorruptInput>().unwrap();
        return DumpError::Compression {
            path: path.to_owned(),
            format: inner.format,
            offset: inner.offset,
            message: inner.message,
        };
    }
    DumpError::io(path, e)
}

/// Wraps a decoder so that its errors say which format failed and where.
struct Decoder<R> {
    inner: R,
    format: &'static str,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            io::Error::new(
                io::ErrorKind::InvalidData,
                CorruptInput {
                    format: self.format,
                    offset: self.consumed.load(Ordering::Relaxed),
                    message: e.to_string(),
                },
            )
        })
    }
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path`, detects its compression, and returns its decompressed
/// bytes. Bzip2 files are decoded on `threads` threads: multistream files
/// cut at stream starts (an index file beside the dump, `…-index.txt` or
/// `…-index.txt.bz2` as Wikipedia names them, gives the offsets when
/// present), single streams block by block.
pub fn open_input(path: &Path, threads: usize) -> Result<Input, DumpError> {
    let file = File::open(path).map_err(|e| DumpError::io(path, e))?;
    let file_len = file.metadata().map_err(|e| DumpError::io(path, e))?.len();
    if file_len == 0 {
        return Err(DumpError::Empty {
            path: path.to_owned(),
        });
    }
    let mut magic = [0u8; 10];
    let n = read_prefix(&file, &mut magic).map_err(|e| DumpError::io(path, e))?;
    let magic = &magic[..n];
    let consumed = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: file,
        count: consumed.clone(),
    };
    let (reader, compression): (Box<dyn BufRead + Send>, _) = if magic.starts_with(&[0x1f, 0x8b]) {
        let dec = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counting));
        let dec = Decoder {
            inner: dec,
            format: "gzip",
            consumed: consumed.clone(),
        };
        (
            Box::new(BufReader::with_capacity(1 << 16, dec)),
            Compression::Gzip,
        )
    } else if magic.starts_with(b"BZh") {
        let multistream = if threads > 1 {
            crate::bz2::looks_multistream(&counting.inner).map_err(|e| DumpError::io(path, e))?
        } else {
            false
        };
        if multistream {
            let index = index_path_for(path);
            let reader = ParallelBz2Reader::new(counting.inner, index, threads, consumed.clone())
                .map_err(|e| DumpError::io(path, e))?;
            (
                Box::new(BufReader::with_capacity(1 << 16, reader)),
                Compression::Bzip2Multistream,
            )
        } else if threads > 1 {
            let reader = crate::bz2_blocks::BlockParallelBz2Reader::new(
                &counting.inner,
                threads,
                consumed.clone(),
            )
            .map_err(|e| DumpError::io(path, e))?;
            (
                Box::new(BufReader::with_capacity(1 << 16, reader)),
                Compression::Bzip2,
            )
        } else {
            let reader = crate::bz2::SequentialBz2Reader::new(counting.inner, consumed.clone());
            (
                Box::new(BufReader::with_capacity(1 << 16, reader)),
                Compression::Bzip2,
            )
        }
    } else {
        (
            Box::new(BufReader::with_capacity(1 << 16, counting)),
            Compression::None,
        )
    };
    Ok(Input {
        reader,
        compression,
        file_len,
        consumed,
        path: path.to_owned(),
    })
}

fn read_prefix(mut file: &File, buf: &mut [u8]) -> io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(n)
}

/// Wikipedia's name for a multistream dump's index:
/// `X-multistream.xml.bz2` → `X-multistream-index.txt[.bz2]`.
fn index_path_for(dump: &Path) -> Option<PathBuf> {
    let name = dump.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".xml.bz2")
        .or_else(|| name.strip_suffix(".bz2"))?;
    ["-index.txt", "-index.txt.bz2"]
        .iter()
        .map(|suffix| dump.with_file_name(format!("{stem}{suffix}")))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_name_follows_wikipedia() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir
            .path()
            .join("enwiki-1-pages-articles-multistream.xml.bz2");
        assert_eq!(index_path_for(&dump), None);
        let index = dir
            .path()
            .join("enwiki-1-pages-articles-multistream-index.txt.bz2");
        std::fs::write(&index, b"").unwrap();
        assert_eq!(index_path_for(&dump), Some(index));
    }
}
