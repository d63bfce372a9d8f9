//! Checksums of a generation's files, kept in its `meta.json`: written
//! when the generation is published, checked before a server swaps to it,
//! so that a generation copied to another machine (rsync, object storage)
//! and damaged or cut short on the way is refused.
//!
//! Each file (every file under the generation folder but `meta.json`
//! itself, the search index's included) is listed by its path relative to
//! the folder, `/`-separated, with its size and its CRC-32 (IEEE). A CRC
//! catches damage in transit, not tampering: whoever can write the files
//! can write `meta.json` too.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::layout::files;
use crate::meta::Meta;

/// One file's size and checksum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChecksum {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its CRC-32 (IEEE 802.3), 8 lowercase hex digits.
    pub crc32: String,
}

/// What [`verify_generation`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verified {
    /// Every file listed is there with its size and checksum.
    Intact {
        /// Files checked.
        files: usize,
        /// Bytes read.
        bytes: u64,
    },
    /// The manifest lists no checksums (written by a kenning before they
    /// were): nothing could be checked.
    NoChecksums,
}

/// The checksums of every file under `generation` but `meta.json`.
pub(crate) fn checksum_files(
    generation: &Path,
) -> Result<BTreeMap<String, FileChecksum>, StoreError> {
    let mut sums = BTreeMap::new();
    for (name, path) in files_under(generation)? {
        if name != files::META {
            let sum = checksum(&path)?;
            sums.insert(name, sum);
        }
    }
    Ok(sums)
}

/// Checks the files of the generation folder `generation` against the
/// checksums of its `meta.json`: each listed file must exist with its
/// size and CRC. Files not listed are not read. The first mismatch is the
/// error, naming the file.
pub fn verify_generation(generation: &Path) -> Result<Verified, StoreError> {
    let meta = Meta::read(generation)?;
    if meta.files.is_empty() {
        return Ok(Verified::NoChecksums);
    }
    let mut bytes = 0;
    for (name, expected) in &meta.files {
        let path = generation.join(name);
        let size = std::fs::metadata(&path)
            .map_err(|e| StoreError::io(&path, e))?
            .len();
        if size != expected.bytes {
            return Err(StoreError::Checksum {
                path,
                message: format!(
                    "{size} bytes, meta.json says {} (a copy cut short or still in progress?)",
                    expected.bytes
                ),
            });
        }
        let found = checksum(&path)?;
        if found.crc32 != expected.crc32 {
            return Err(StoreError::Checksum {
                path,
                message: format!(
                    "CRC-32 {}, meta.json says {} (the file was damaged or changed)",
                    found.crc32, expected.crc32
                ),
            });
        }
        bytes += size;
    }
    Ok(Verified::Intact {
        files: meta.files.len(),
        bytes,
    })
}

/// A file's size and CRC-32, read in blocks.
fn checksum(path: &Path) -> Result<FileChecksum, StoreError> {
    let io = |e| StoreError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok(FileChecksum {
        bytes,
        crc32: format!("{:08x}", hasher.finalize()),
    })
}

/// Every file under `root`, with its `/`-separated path relative to it,
/// in name order.
fn files_under(root: &Path) -> Result<Vec<(String, PathBuf)>, StoreError> {
    let mut out = Vec::new();
    let mut pending = vec![(String::new(), root.to_owned())];
    while let Some((prefix, dir)) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| StoreError::io(&dir, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::io(&dir, e))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().map_err(|e| StoreError::io(&path, e))?;
            if kind.is_dir() {
                pending.push((format!("{name}/"), path));
            } else if kind.is_file() {
                out.push((name, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generation_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        dir
    }

    fn write_meta(dir: &Path) {
        let meta = Meta {
            files: checksum_files(dir).unwrap(),
            ..Meta::default()
        };
        std::fs::write(dir.join(files::META), meta.to_json()).unwrap();
    }

    #[test]
    fn every_file_but_the_manifest_is_listed_and_checked() {
        let dir = generation_with(&[("ids.u32", b"1234"), ("search/seg.idx", b"abc")]);
        write_meta(dir.path());
        let sums = checksum_files(dir.path()).unwrap();
        assert_eq!(
            sums.keys().collect::<Vec<_>>(),
            ["ids.u32", "search/seg.idx"]
        );
        // The CRC-32 of "abc" (IEEE), as every implementation gives it.
        assert_eq!(sums["search/seg.idx"].crc32, "352441c2");
        assert_eq!(
            verify_generation(dir.path()).unwrap(),
            Verified::Intact { files: 2, bytes: 7 }
        );
    }

    #[test]
    fn a_damaged_short_or_missing_file_is_named() {
        let dir = generation_with(&[("ids.u32", b"1234"), ("search/seg.idx", b"abc")]);
        write_meta(dir.path());
        std::fs::write(dir.path().join("search/seg.idx"), b"abd").unwrap();
        let err = verify_generation(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("search/seg.idx") && err.contains("damaged"),
            "{err}"
        );

        std::fs::write(dir.path().join("search/seg.idx"), b"ab").unwrap();
        let err = verify_generation(dir.path()).unwrap_err().to_string();
        assert!(err.contains("2 bytes, meta.json says 3"), "{err}");

        std::fs::remove_file(dir.path().join("ids.u32")).unwrap();
        let err = verify_generation(dir.path()).unwrap_err().to_string();
        assert!(err.contains("ids.u32"), "{err}");
    }

    #[test]
    fn a_manifest_without_checksums_is_said() {
        let dir = generation_with(&[("ids.u32", b"1234")]);
        std::fs::write(dir.path().join(files::META), Meta::default().to_json()).unwrap();
        assert_eq!(
            verify_generation(dir.path()).unwrap(),
            Verified::NoChecksums
        );
    }
}
