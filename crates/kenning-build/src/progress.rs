//! Shared counters a front end reads to show progress.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The stage the build is in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    /// Not started.
    #[default]
    Starting,
    /// Reading a source (its path).
    Reading(String),
    /// Resolving redirects and links, writing adjacency and the mention
    /// dictionary.
    Linking,
    /// Detecting concepts in the texts of concepts whose source gave no
    /// links.
    Detecting,
    /// Computing related concepts.
    Relating,
    /// Linking the institution's records to concepts.
    Records,
    /// Writing the full-text index.
    Indexing,
    /// Syncing and swapping the new snapshot in.
    Publishing,
    /// Done.
    Done,
}

/// Counters updated by the pipeline, read by whoever draws progress.
#[derive(Debug, Default)]
pub struct BuildProgress {
    phase: Mutex<Phase>,
    /// Pages read so far, all sources.
    pub pages: AtomicU64,
    /// Bytes of the current source read so far (compressed bytes).
    pub bytes: AtomicU64,
    /// Size of the current source on disk (0 if unknown).
    pub total_bytes: AtomicU64,
    warnings: Mutex<Vec<String>>,
}

impl BuildProgress {
    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.phase.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub(crate) fn set_phase(&self, phase: Phase) {
        if let Ok(mut p) = self.phase.lock() {
            *p = phase;
        }
    }

    pub(crate) fn warn(&self, message: String) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(message);
        }
    }

    /// Warnings logged since the last call (pages that failed, duplicates).
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    pub(crate) fn add_pages(&self, n: u64) {
        self.pages.fetch_add(n, Ordering::Relaxed);
    }
}
