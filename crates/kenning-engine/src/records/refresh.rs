//! The records' shared state behind its locks ([`Inner`]: the entries,
//! the derived view, the live store kept for writes and its health) and
//! the background thread that rebuilds the derived view a moment after
//! writes stop coming, so a burst of writes costs one rebuild.

use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::derived::{Derived, derive, derive_input};
use super::shared::Shared;
use super::state::State;
use crate::live_store::{LiveStoreHealth, LiveWriter};

/// How long the background refresh waits for more writes before it
/// rebuilds what is derived from all records.
const REFRESH_DEBOUNCE: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) state: RwLock<State>,
    pub(super) derived: RwLock<Arc<Derived>>,
    /// Serialises writes: store order = state order. `None` when this
    /// engine does not write.
    pub(super) write: Mutex<Option<LiveWriter>>,
    /// The live store's state after the last write, readable without
    /// waiting for a write in progress.
    pub(super) health: Mutex<LiveStoreHealth>,
    /// The database live records are kept in, when they are shared by
    /// several servers.
    pub(super) shared: Option<Shared>,
    /// Set when a newer generation's engine took the live store over:
    /// writes here fail with `EngineError::Retired`.
    pub(super) retired: std::sync::atomic::AtomicBool,
}

pub(super) fn refresh_loop(inner: &std::sync::Weak<Inner>, rx: &Receiver<()>) {
    while rx.recv().is_ok() {
        // Let a burst of writes finish: one rebuild for all of them.
        std::thread::sleep(REFRESH_DEBOUNCE);
        while rx.try_recv().is_ok() {}
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let input = derive_input(&inner.state.read().expect("records lock"));
        let derived = derive(input);
        // A failed rebuild (the in-memory index) keeps the previous view;
        // the next write tries again.
        if let Ok(derived) = derived {
            *inner.derived.write().expect("records lock") = Arc::new(derived);
        }
    }
}
