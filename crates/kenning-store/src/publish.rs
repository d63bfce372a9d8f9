//! Writing a new generation beside the live one and swapping it in.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::StoreError;
use crate::snapshot::CURRENT;

/// A generation being written. [`Publisher::publish`] makes it the live
/// snapshot with one atomic rename; dropping the publisher without
/// publishing removes the half-written generation and leaves the live
/// snapshot as it was.
#[derive(Debug)]
pub struct Publisher {
    root: PathBuf,
    name: String,
    dir: PathBuf,
    published: bool,
}

impl Publisher {
    /// Starts a new generation under `root` (created if missing). Refuses a
    /// `root` that holds other files but no snapshot, so a mistyped `--out`
    /// never mixes a snapshot into someone's folder.
    pub fn begin(root: &Path) -> Result<Self, StoreError> {
        if root.exists() {
            if !root.is_dir() {
                return Err(StoreError::Corrupt {
                    path: root.to_owned(),
                    message: "--out must be a folder (this is a file)".into(),
                });
            }
            let has_current = root.join(CURRENT).is_file();
            let foreign = fs::read_dir(root)
                .map_err(|e| StoreError::io(root, e))?
                .filter_map(Result::ok)
                .any(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    !(name.starts_with("gen-")
                        || name == CURRENT
                        || name.starts_with(".CURRENT")
                        || name == crate::files::LIVE_RECORDS)
                });
            if foreign && !has_current {
                return Err(StoreError::Corrupt {
                    path: root.to_owned(),
                    message: "the folder is not empty and holds no snapshot; choose an empty or new folder for --out".into(),
                });
            }
        }
        fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!("gen-{nanos:x}-{}", std::process::id());
        let dir = root.join(&name);
        fs::create_dir(&dir).map_err(|e| StoreError::io(&dir, e))?;
        Ok(Publisher {
            root: root.to_owned(),
            name,
            dir,
            published: false,
        })
    }

    /// The folder to write the generation's files into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the generation live: syncs it, atomically replaces `CURRENT`,
    /// and removes generations older than the one it replaces (the one it
    /// replaces stays, for readers that opened it a moment ago).
    pub fn publish(mut self) -> Result<PathBuf, StoreError> {
        sync_dir(&self.dir)?;
        let previous = fs::read_to_string(self.root.join(CURRENT))
            .ok()
            .map(|s| s.trim().to_owned());
        let tmp = self.root.join(format!(".CURRENT.{}", self.name));
        {
            let mut f = fs::File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
            f.write_all(format!("{}\n", self.name).as_bytes())
                .map_err(|e| StoreError::io(&tmp, e))?;
            f.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
        }
        fs::rename(&tmp, self.root.join(CURRENT)).map_err(|e| StoreError::io(&tmp, e))?;
        sync_dir(&self.root)?;
        self.published = true;
        if let Ok(entries) = fs::read_dir(&self.root) {
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                let keep = name == self.name || Some(&name) == previous.as_ref();
                if name.starts_with("gen-") && !keep {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        Ok(self.dir.clone())
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    // Directories can be opened and synced on Unix; elsewhere this is a no-op.
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(dir, e))?;
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_swaps_and_drop_discards() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        let p = Publisher::begin(&out).unwrap();
        fs::write(p.dir().join("x"), "1").unwrap();
        let first = p.publish().unwrap();
        let current = fs::read_to_string(out.join(CURRENT)).unwrap();
        assert_eq!(out.join(current.trim()), first);

        let p = Publisher::begin(&out).unwrap();
        let failed = p.dir().to_owned();
        drop(p);
        assert!(!failed.exists());
        assert_eq!(fs::read_to_string(out.join(CURRENT)).unwrap(), current);
        assert!(first.join("x").exists());
    }

    #[test]
    fn refuses_a_foreign_folder() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("thesis.tex"), "precious").unwrap();
        let e = Publisher::begin(root.path()).unwrap_err().to_string();
        assert!(e.contains("not empty"), "{e}");
        assert!(root.path().join("thesis.tex").exists());
    }
}
