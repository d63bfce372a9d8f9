//! Test support only: finds the real data the integration tests read
//! (`../shared/data` beside the repository, or `KENNING_DATA`).
//!
//! It owns one rule: a test whose data is absent is skipped with a note,
//! unless `KENNING_REQUIRE_DATA` is set, in which case it fails. It
//! deliberately reads nothing and parses nothing; each test opens its own
//! files. It also starts throwaway PostgreSQL clusters ([`PgCluster`]),
//! under the same rule (`KENNING_REQUIRE_POSTGRES`).

#![forbid(unsafe_code)]

mod pg_cluster;

use std::path::{Path, PathBuf};

pub use crate::pg_cluster::PgCluster;

/// The shared data folder when every path of `needed` (relative to it;
/// none means the folder itself) exists. Otherwise `None`, with a note on
/// stderr that `what` is skipped.
///
/// # Panics
///
/// When something needed is absent and `KENNING_REQUIRE_DATA` is set.
pub fn shared_data(needed: &[&str], what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("KENNING_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let missing: Vec<PathBuf> = std::iter::once(dir.clone())
        .chain(needed.iter().map(|p| dir.join(p)))
        .filter(|p| !p.exists())
        .collect();
    if missing.is_empty() {
        return Some(dir);
    }
    if std::env::var_os("KENNING_REQUIRE_DATA").is_some() {
        panic!("{missing:?} absent and KENNING_REQUIRE_DATA is set");
    }
    eprintln!("note: {missing:?} absent; {what} skipped");
    None
}
