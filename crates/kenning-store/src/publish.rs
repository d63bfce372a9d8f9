//! Writing a new generation beside the live one and swapping it in.
//!
//! One build at a time writes into a folder: [`Publisher::begin`] takes an
//! exclusive lock on `DIR/.kenning-build.lock` and holds it until the
//! generation is published or dropped. Published files are made readable
//! by everyone (0644, folders 0755), whatever the library that wrote them
//! chose, so that another user can serve a snapshot. Old generations are
//! removed after a publish unless they are the live one, the one it
//! replaced, or held by a reader ([`Snapshot`](crate::Snapshot) holds a
//! shared lock on its generation's folder while it is open).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::checksums::checksum_files;
use crate::generation::write_synced;
use crate::layout::{CURRENT, files};
use crate::{GenerationWriter, Meta, StoreError};

/// A generation being written (through [`Publisher::generation`]).
/// [`Publisher::publish`] makes it the live snapshot with one atomic rename; dropping the publisher without
/// publishing removes the half-written generation and leaves the live
/// snapshot as it was.
#[derive(Debug)]
pub struct Publisher {
    root: PathBuf,
    name: String,
    dir: PathBuf,
    generation: GenerationWriter,
    published: bool,
    /// The build lock, held while the publisher lives.
    _lock: fs::File,
}

/// The build lock's file in the snapshot folder.
pub(crate) const BUILD_LOCK: &str = ".kenning-build.lock";

impl Publisher {
    /// Starts a new generation under `root` (created if missing). Refuses a
    /// `root` that holds other files but no snapshot, so a mistyped `--out`
    /// never mixes a snapshot into someone's folder.
    pub fn begin(root: &Path) -> Result<Self, StoreError> {
        if root.exists() {
            if !root.is_dir() {
                return Err(StoreError::BadOutput {
                    path: root.to_owned(),
                    message: "this is a file, not a folder: give --out a new or empty folder, \
                              or one that holds a snapshot"
                        .into(),
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
                        || name == BUILD_LOCK
                        || name == crate::files::LIVE_RECORDS)
                });
            if foreign && !has_current {
                return Err(StoreError::BadOutput {
                    path: root.to_owned(),
                    message: "the folder is not empty and holds no snapshot; choose an empty or new folder for --out".into(),
                });
            }
        }
        fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let lock_path = root.join(BUILD_LOCK);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::BuildInProgress {
                    path: root.to_owned(),
                    lock: lock_path.display().to_string(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, e)),
        }
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
            generation: GenerationWriter::new(dir.clone()),
            dir,
            published: false,
            _lock: lock,
        })
    }

    /// The folder the generation is written into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation's files, to write (and read back) before publishing.
    pub fn generation(&self) -> &GenerationWriter {
        &self.generation
    }

    /// Makes the generation live: syncs it, atomically replaces `CURRENT`,
    /// and removes generations older than the one it replaces (the one it
    /// replaces stays, for readers that opened it a moment ago).
    pub fn publish(mut self) -> Result<PathBuf, StoreError> {
        make_readable(&self.dir)?;
        self.write_checksums()?;
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
        self.remove_old_generations(previous.as_deref());
        Ok(self.dir.clone())
    }

    /// Lists every file of the generation with its checksum in its
    /// `meta.json` (a generation without one, as some tests write, is left
    /// as it is).
    fn write_checksums(&self) -> Result<(), StoreError> {
        let meta_path = self.dir.join(files::META);
        if !meta_path.is_file() {
            return Ok(());
        }
        let mut meta = Meta::read(&self.dir)?;
        meta.files = checksum_files(&self.dir)?;
        write_synced(&meta_path, meta.to_json().as_bytes())
    }

    /// Removes the generations that are neither live, nor the one just
    /// replaced (`previous`), nor open in a reader. Best effort: what
    /// cannot be removed now is tried again after the next build.
    /// `CURRENT` names this generation: only builds change it, and this
    /// one holds the build lock.
    fn remove_old_generations(&self, previous: Option<&str>) {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let keep = name == self.name || Some(name.as_str()) == previous;
            if !name.starts_with("gen-") || keep {
                continue;
            }
            let path = entry.path();
            // A reader holds a shared lock on its generation's folder:
            // take it exclusively, or leave the generation alone.
            let Ok(folder) = fs::File::open(&path) else {
                continue;
            };
            if folder.try_lock().is_ok() {
                let _ = fs::remove_dir_all(&path);
            }
        }
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Makes every file under `dir` readable by everyone and every folder
/// listable (0644 and 0755): tantivy writes some files 0600.
fn make_readable(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let entries = fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(dir, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| StoreError::io(&path, e))?;
            let mode = if kind.is_dir() {
                make_readable(&path)?;
                0o755
            } else {
                0o644
            };
            fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                .map_err(|e| StoreError::io(&path, e))?;
        }
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| StoreError::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
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
    fn one_build_at_a_time() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        let first = Publisher::begin(&out).unwrap();
        let e = Publisher::begin(&out).unwrap_err();
        assert!(matches!(e, StoreError::BuildInProgress { .. }), "{e}");
        assert!(e.to_string().contains("another `kenning build`"), "{e}");
        first.publish().unwrap();
        // The lock went with the publisher.
        Publisher::begin(&out).unwrap().publish().unwrap();
    }

    #[test]
    fn clean_up_spares_generations_in_use() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        let publish = || {
            let p = Publisher::begin(&out).unwrap();
            fs::write(p.dir().join("x"), "1").unwrap();
            p.publish().unwrap()
        };
        let first = publish();
        // A reader holds the first generation, as `Snapshot` does.
        let reader = fs::File::open(&first).unwrap();
        reader.lock_shared().unwrap();
        let second = publish();
        let third = publish();
        assert!(first.exists(), "a generation in use was removed");
        assert!(second.exists() && third.exists());
        drop(reader);
        let fourth = publish();
        assert!(!first.exists() && !second.exists());
        assert!(third.exists() && fourth.exists());
    }

    #[test]
    fn a_file_is_not_an_output_folder() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("notes.txt");
        fs::write(&file, "precious").unwrap();
        let e = Publisher::begin(&file).unwrap_err();
        assert!(matches!(e, StoreError::BadOutput { .. }), "{e}");
        assert!(!e.to_string().contains("damaged"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn published_files_are_readable_by_everyone() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        let p = Publisher::begin(&out).unwrap();
        fs::create_dir(p.dir().join("search")).unwrap();
        fs::write(p.dir().join("search/meta.json"), "{}").unwrap();
        fs::set_permissions(
            p.dir().join("search/meta.json"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        fs::set_permissions(p.dir().join("search"), fs::Permissions::from_mode(0o700)).unwrap();
        let dir = p.publish().unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.join("search/meta.json")), 0o644);
        assert_eq!(mode(&dir.join("search")), 0o755);
        assert_eq!(mode(&dir), 0o755);
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
