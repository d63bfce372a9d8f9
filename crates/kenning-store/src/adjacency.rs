//! Compressed-sparse-row adjacency on disk (`NAME.off`: `u64`, one per row
//! plus one; `NAME.u32`: the rows' values, concatenated): written row by
//! row, out-links inverted into in-links, read back into memory as
//! `kenning-graph`'s [`Csr`], and read in place through memory maps.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use kenning_graph::Csr;

use crate::columns::{ColumnWriter, U32Column, U64Column};
use crate::{StoreError, files};

/// The offsets file of the adjacency `name` in `dir`.
pub(crate) fn offsets_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.off"))
}

/// The values file of the adjacency `name` in `dir`.
pub(crate) fn values_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.u32"))
}

/// Writes one adjacency row by row, in row order.
#[derive(Debug)]
pub struct AdjacencyWriter {
    offsets: ColumnWriter,
    values: ColumnWriter,
}

impl AdjacencyWriter {
    /// Creates (truncates) the adjacency `dir/name.{off,u32}`.
    pub(crate) fn create(dir: &Path, name: &str) -> Result<Self, StoreError> {
        let mut offsets = ColumnWriter::create(&offsets_path(dir, name))?;
        offsets.push_u64(0)?;
        Ok(AdjacencyWriter {
            offsets,
            values: ColumnWriter::create(&values_path(dir, name))?,
        })
    }

    /// Appends the next row.
    pub fn push_row(&mut self, row: impl IntoIterator<Item = u32>) -> Result<(), StoreError> {
        for v in row {
            self.values.push_u32(v)?;
        }
        self.offsets.push_u64(self.values.len())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.offsets.len() - 1
    }

    /// Flushes and syncs both files.
    pub fn finish(self) -> Result<(), StoreError> {
        self.offsets.finish()?;
        self.values.finish()
    }
}

/// How many links the out-link adjacency holds, and the largest in-degree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkCounts {
    /// Links (rows' values), which is also the in-links' count.
    pub links: u64,
    /// The most links into one concept.
    pub max_in_degree: u64,
}

/// Writes the out-link adjacency, one row per concept in concept order,
/// and on [`finish`](Self::finish) inverts it into the in-link adjacency.
/// Rows are written as given: the format wants them sorted, without
/// duplicates and without self-links, which is the caller's to ensure.
#[derive(Debug)]
pub struct OutLinksWriter {
    dir: PathBuf,
    out: AdjacencyWriter,
    in_degree: Vec<u32>,
}

impl OutLinksWriter {
    /// Creates (truncates) the out-links of a generation of `concepts`
    /// concepts.
    pub(crate) fn create(dir: &Path, concepts: usize) -> Result<Self, StoreError> {
        Ok(OutLinksWriter {
            dir: dir.to_owned(),
            out: AdjacencyWriter::create(dir, files::OUT_LINKS)?,
            in_degree: vec![0; concepts],
        })
    }

    /// Appends the next concept's out-links, as plain `u32` concept
    /// indices (the graph crates' numbering, [`ConceptIdx::get`](crate::ConceptIdx::get)). A target
    /// that is not a concept is refused.
    pub fn push_row(&mut self, row: &[u32]) -> Result<(), StoreError> {
        for &t in row {
            let Some(d) = self.in_degree.get_mut(t as usize) else {
                return Err(StoreError::Invalid {
                    path: values_path(&self.dir, files::OUT_LINKS),
                    message: format!("a link to concept {t} of {} concepts", self.in_degree.len()),
                });
            };
            *d += 1;
        }
        self.out.push_row(row.iter().copied())
    }

    /// Finishes the out-links (refusing fewer or more rows than concepts)
    /// and writes the in-links they imply: rows in ascending order of the
    /// linking concept.
    pub fn finish(self) -> Result<LinkCounts, StoreError> {
        if self.out.rows() != self.in_degree.len() as u64 {
            return Err(StoreError::Invalid {
                path: offsets_path(&self.dir, files::OUT_LINKS),
                message: format!(
                    "{} rows of out-links for {} concepts",
                    self.out.rows(),
                    self.in_degree.len()
                ),
            });
        }
        self.out.finish()?;
        write_inverse(
            &self.dir,
            files::OUT_LINKS,
            files::IN_LINKS,
            &self.in_degree,
        )?;
        Ok(LinkCounts {
            links: self.in_degree.iter().map(|&d| u64::from(d)).sum(),
            max_in_degree: self.in_degree.iter().copied().max().map_or(0, u64::from),
        })
    }
}

/// Inverts the adjacency `from` in `dir` into `to` (out-links into
/// in-links, concepts' categories into categories' members): offsets from
/// `in_degree` (how many times each row of `to` is a value of `from`),
/// values filled through a writable map of the final file while `from`
/// streams past (its offsets are read into memory, its values never are).
/// Each row of `to` lists the rows of `from` in ascending order.
pub(crate) fn write_inverse(
    dir: &Path,
    from: &str,
    to: &str,
    in_degree: &[u32],
) -> Result<(), StoreError> {
    let n = in_degree.len();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut total = 0u64;
    offsets.push(0u64);
    for &d in in_degree {
        total += u64::from(d);
        offsets.push(total);
    }
    let in_values_path = values_path(dir, to);
    let io = |e| StoreError::io(&in_values_path, e);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&in_values_path)
        .map_err(io)?;
    file.set_len(total * 4).map_err(io)?;
    if total > 0 {
        // SAFETY: the file was just created (truncated) by this process
        // inside a generation that is not published yet, and nothing else
        // maps or writes it while the map lives.
        let mut map = unsafe { memmap2::MmapMut::map_mut(&file) }.map_err(io)?;
        let out_offsets = read_u64s(&offsets_path(dir, from))?;
        let out_values_path = values_path(dir, from);
        let out_file =
            File::open(&out_values_path).map_err(|e| StoreError::io(&out_values_path, e))?;
        let mut out_values = BufReader::with_capacity(1 << 20, out_file);
        let mut fill: Vec<u64> = offsets[..n].to_vec();
        let mut buf = [0u8; 4];
        let rows = out_offsets.len().saturating_sub(1);
        for src in 0..rows {
            for _ in out_offsets[src]..out_offsets[src + 1] {
                out_values
                    .read_exact(&mut buf)
                    .map_err(|e| StoreError::io(&out_values_path, e))?;
                let dst = u32::from_le_bytes(buf) as usize;
                let Some(at) = fill.get_mut(dst) else {
                    return Err(StoreError::Corrupt {
                        path: out_values_path,
                        message: format!("a value {dst} past the {n} rows of {to}"),
                    });
                };
                if *at >= offsets[dst + 1] {
                    return Err(StoreError::Invalid {
                        path: in_values_path,
                        message: format!("row {dst} of {to} holds more values than counted"),
                    });
                }
                let byte = *at as usize * 4;
                map[byte..byte + 4].copy_from_slice(&(src as u32).to_le_bytes());
                *at += 1;
            }
        }
        map.flush().map_err(io)?;
    }
    file.sync_all().map_err(io)?;
    let mut offsets_column = ColumnWriter::create(&offsets_path(dir, to))?;
    for o in offsets {
        offsets_column.push_u64(o)?;
    }
    offsets_column.finish()
}

/// Reads the adjacency `dir/name.{off,u32}` into memory, word by word.
pub(crate) fn read_csr(dir: &Path, name: &str) -> Result<Csr, StoreError> {
    let offsets = read_u64s(&offsets_path(dir, name))?;
    let targets = read_le_words(&values_path(dir, name), u32::from_le_bytes)?;
    Ok(Csr { offsets, targets })
}

fn read_u64s(path: &Path) -> Result<Vec<u64>, StoreError> {
    read_le_words(path, u64::from_le_bytes)
}

/// A file of little-endian words, read into memory through a small buffer
/// (the file's bytes are never held whole beside the words: at English
/// Wikipedia's size an adjacency is 800 MB).
fn read_le_words<const N: usize, T>(
    path: &Path,
    word: impl Fn([u8; N]) -> T,
) -> Result<Vec<T>, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let len = file.metadata().map_err(|e| StoreError::io(path, e))?.len();
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0) / N);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = [0u8; N];
    loop {
        match reader.read_exact(&mut buf) {
            Ok(()) => out.push(word(buf)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(out),
            Err(e) => return Err(StoreError::io(path, e)),
        }
    }
}

/// An adjacency of a published snapshot, memory-mapped: row `i` is
/// `values[offsets[i]..offsets[i+1]]`.
///
/// Opening checks only the sizes (it must not read every page of a large
/// file), so a damaged file is caught as it is read: a row whose offsets
/// are out of order or past the values is empty, and a value that is not
/// below `limit` (the number of concepts, aliases or categories the values
/// point into) is left out, so nothing out of range is ever handed out.
#[derive(Debug)]
pub(crate) struct MappedAdjacency {
    offsets: U64Column,
    pub(crate) values: U32Column,
    pub(crate) limit: u32,
}

impl MappedAdjacency {
    pub(crate) fn open(
        dir: &Path,
        name: &str,
        rows: usize,
        limit: usize,
    ) -> Result<Self, StoreError> {
        let offsets = U64Column::open(&offsets_path(dir, name))?;
        let values = U32Column::open(&values_path(dir, name))?;
        let ok = offsets.len() == rows + 1 && offsets.get(rows) == values.len() as u64;
        if !ok {
            return Err(StoreError::Corrupt {
                path: offsets_path(dir, name),
                message: format!(
                    "adjacency offsets do not match {name}.u32 and the {rows} concepts of {}",
                    files::IDS
                ),
            });
        }
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        Ok(MappedAdjacency {
            offsets,
            values,
            limit,
        })
    }
    /// The positions of row `i` in the values; empty where damaged.
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        let (a, b) = (self.offsets.get(i), self.offsets.get(i + 1));
        if a <= b && b <= self.values.len() as u64 {
            a as usize..b as usize
        } else {
            0..0
        }
    }
    /// The values of row `i` below the limit.
    pub(crate) fn row(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.range(i)
            .map(|j| self.values.get(j))
            .filter(|&v| v < self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `rows` as out-links in a new folder, inverting them.
    fn write_out_links(rows: &[&[u32]]) -> (tempfile::TempDir, Result<LinkCounts, StoreError>) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = OutLinksWriter::create(dir.path(), rows.len()).unwrap();
        for row in rows {
            w.push_row(row).unwrap();
        }
        let counts = w.finish();
        (dir, counts)
    }

    fn rows(csr: &Csr) -> Vec<Vec<u32>> {
        (0..csr.len() as u32).map(|i| csr.row(i).to_vec()).collect()
    }

    #[test]
    fn adjacency_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = AdjacencyWriter::create(dir.path(), "a").unwrap();
        w.push_row([3, 1]).unwrap();
        w.push_row([]).unwrap();
        w.push_row([7]).unwrap();
        assert_eq!(w.rows(), 3);
        w.finish().unwrap();
        let csr = read_csr(dir.path(), "a").unwrap();
        assert_eq!(csr.offsets, [0, 2, 2, 3]);
        assert_eq!(rows(&csr), [vec![3, 1], vec![], vec![7]]);
        let mapped = MappedAdjacency::open(dir.path(), "a", 3, 5).unwrap();
        let mapped_rows: Vec<Vec<u32>> = (0..3).map(|i| mapped.row(i).collect()).collect();
        assert_eq!(
            mapped_rows,
            [vec![3, 1], vec![], vec![]],
            "7 is past the limit"
        );
        assert!(MappedAdjacency::open(dir.path(), "a", 4, 5).is_err());
    }

    #[test]
    fn in_links_invert_out_links() {
        // 0 → 1, 2; 1 → 2; 2 → 0, 1; 3 → nothing; 4 → 2.
        let (dir, counts) = write_out_links(&[&[1, 2], &[2], &[0, 1], &[], &[2]]);
        assert_eq!(
            counts.unwrap(),
            LinkCounts {
                links: 6,
                max_in_degree: 3
            }
        );
        let out = read_csr(dir.path(), files::OUT_LINKS).unwrap();
        assert_eq!(
            rows(&out),
            [vec![1, 2], vec![2], vec![0, 1], vec![], vec![2]]
        );
        let inn = read_csr(dir.path(), files::IN_LINKS).unwrap();
        assert_eq!(
            rows(&inn),
            [vec![2], vec![0, 2], vec![0, 1, 4], vec![], vec![]]
        );
    }

    #[test]
    fn inverting_an_empty_graph_or_one_without_links() {
        let (dir, counts) = write_out_links(&[]);
        assert_eq!(counts.unwrap(), LinkCounts::default());
        let inn = read_csr(dir.path(), files::IN_LINKS).unwrap();
        assert_eq!((inn.offsets, inn.targets), (vec![0], vec![]));

        let (dir, counts) = write_out_links(&[&[], &[], &[]]);
        assert_eq!(counts.unwrap(), LinkCounts::default());
        let inn = read_csr(dir.path(), files::IN_LINKS).unwrap();
        assert_eq!((inn.offsets, inn.targets), (vec![0, 0, 0, 0], vec![]));
    }

    #[test]
    fn a_self_link_inverts_to_itself() {
        // The build never writes one; the inversion does not care.
        let (dir, counts) = write_out_links(&[&[0, 1], &[]]);
        assert_eq!(counts.unwrap().links, 2);
        let inn = read_csr(dir.path(), files::IN_LINKS).unwrap();
        assert_eq!(rows(&inn), [vec![0], vec![0]]);
    }

    #[test]
    fn out_links_refuse_unknown_concepts_and_missing_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = OutLinksWriter::create(dir.path(), 2).unwrap();
        let e = w.push_row(&[2]).unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
        w.push_row(&[1]).unwrap();
        let e = w.finish().unwrap_err().to_string();
        assert!(e.contains("1 rows of out-links for 2 concepts"), "{e}");
    }

    #[test]
    fn rewriting_out_links_rewrites_in_links() {
        let (dir, _) = write_out_links(&[&[1], &[]]);
        let mut w = OutLinksWriter::create(dir.path(), 2).unwrap();
        w.push_row(&[]).unwrap();
        w.push_row(&[0]).unwrap();
        w.finish().unwrap();
        let inn = read_csr(dir.path(), files::IN_LINKS).unwrap();
        assert_eq!(rows(&inn), [vec![1], vec![]]);
    }
}
