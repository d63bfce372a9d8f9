//! Reading an ontology from a file, by its name.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::epfl::read_epfl_named;
use crate::jsonl::read_jsonl_named;
use crate::{Ontology, OntologyError};

/// The largest file read (1 GiB); a larger one is refused before reading.
const MAX_FILE_BYTES: u64 = 1 << 30;

/// The file name of EPFL Graph's tree of display names, looked for beside
/// `ontology_structure.json`.
const CATEGORY_TREE_FILE: &str = "category_tree.txt";

/// Reads an ontology file: a path ending in `.jsonl` as kenning's
/// ontology JSONL ([`read_jsonl`](crate::read_jsonl)), anything else as
/// EPFL Graph's `ontology_structure.json`
/// ([`read_epfl_structure`](crate::read_epfl_structure)), named by the
/// `category_tree.txt` of the same folder when there is one. Errors name
/// the file by its path.
///
/// # Errors
///
/// [`OntologyError::Io`] when a file cannot be read,
/// [`OntologyError::Invalid`] when one is over 1 GiB or the tree is not
/// UTF-8, and the errors of the format read.
pub fn read_file(path: &Path) -> Result<Ontology, OntologyError> {
    let what = path.display().to_string();
    let bytes = read_bounded(path)?;
    let is_jsonl = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("jsonl"));
    if is_jsonl {
        return read_jsonl_named(&bytes, &what);
    }
    let tree_path = path.with_file_name(CATEGORY_TREE_FILE);
    let tree = if tree_path.is_file() {
        let tree_bytes = read_bounded(&tree_path)?;
        let tree = String::from_utf8(tree_bytes).map_err(|error| {
            OntologyError::invalid(
                tree_path.display().to_string(),
                format!("not UTF-8 (byte {})", error.utf8_error().valid_up_to() + 1),
            )
        })?;
        Some(tree)
    } else {
        None
    };
    read_epfl_named(&bytes, tree.as_deref(), &what)
}

/// A file's bytes, refused when over [`MAX_FILE_BYTES`] (before reading
/// when its size says so, and while reading should it grow).
fn read_bounded(path: &Path) -> Result<Vec<u8>, OntologyError> {
    let io_error = |source| OntologyError::Io {
        path: path.to_owned(),
        source,
    };
    let too_large = || {
        OntologyError::invalid(
            path.display().to_string(),
            format!("larger than {MAX_FILE_BYTES} bytes (1 GiB), the most read"),
        )
    };
    let file = File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// An empty folder of its own under the system's temporary folder,
    /// removed when dropped.
    struct ScratchFolder(PathBuf);

    impl ScratchFolder {
        fn new(test: &str) -> Self {
            let path = std::env::temp_dir()
                .join(format!("kenning-ontology-{test}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            ScratchFolder(path)
        }

        fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for ScratchFolder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const STRUCTURE: &[u8] = br#"{"mathematics": {"graph-theory": {"1": ["Planar graph"]}}}"#;

    #[test]
    fn jsonl_by_its_extension() {
        let folder = ScratchFolder::new("jsonl");
        let path = folder.write(
            "subjects.JSONL",
            b"{\"id\": \"b\", \"name\": \"B\", \"parents\": [\"a\"]}\n{\"id\": \"a\", \"name\": \"A\"}\n",
        );
        let ontology = read_file(&path).unwrap();
        let ids: Vec<&str> = ontology
            .categories
            .iter()
            .map(|category| category.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);

        let broken = folder.write("broken.jsonl", b"{\"id\": \"a\"}\n");
        let message = read_file(&broken).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!(
                "{} line 1: missing field `name`",
                broken.display()
            )),
            "{message}"
        );
    }

    #[test]
    fn epfl_structure_with_the_tree_beside_it() {
        let folder = ScratchFolder::new("epfl");
        let path = folder.write("ontology_structure.json", STRUCTURE);
        let unnamed = read_file(&path).unwrap();
        assert_eq!(unnamed.categories[1].anchor, None);
        assert_eq!(unnamed.clusters.len(), 1);

        folder.write(
            "category_tree.txt",
            "Mathematics [Mathematics]\n    Graph theory [Graph_theory]\n".as_bytes(),
        );
        let named = read_file(&path).unwrap();
        assert_eq!(named.categories[1].name, "Graph theory");
        assert_eq!(named.categories[1].anchor.as_deref(), Some("Graph theory"));
    }

    #[test]
    fn errors_name_the_file() {
        let folder = ScratchFolder::new("errors");
        let missing = folder.0.join("absent.json");
        let error = read_file(&missing).unwrap_err();
        assert!(matches!(error, OntologyError::Io { .. }));
        assert!(
            error
                .to_string()
                .starts_with(&format!("reading {}: ", missing.display()))
        );

        let path = folder.write("ontology.json", br#"{"a": {"1": [2]}}"#);
        assert_eq!(
            read_file(&path).unwrap_err().to_string(),
            format!(
                "{}: cluster 1 under a is not a list of titles (item 1 is a number)",
                path.display()
            )
        );

        let path = folder.write("ontology_structure.json", STRUCTURE);
        let tree = folder.write("category_tree.txt", b"Mathematics \xFF\n");
        assert_eq!(
            read_file(&path).unwrap_err().to_string(),
            format!("{}: not UTF-8 (byte 13)", tree.display())
        );
    }

    #[test]
    fn files_over_1_gib_are_refused_before_reading() {
        let folder = ScratchFolder::new("large");
        let path = folder.0.join("huge.jsonl");
        // Sparse where the file system allows: nothing is written.
        let file = File::create(&path).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert_eq!(
            read_file(&path).unwrap_err().to_string(),
            format!(
                "{}: larger than 1073741824 bytes (1 GiB), the most read",
                path.display()
            )
        );
    }
}
