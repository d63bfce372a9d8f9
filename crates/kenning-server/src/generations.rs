//! Rolling out a rebuilt snapshot: the engine being served, swapped for a
//! newer generation's between requests.
//!
//! A thread looks at `DIR/CURRENT` every [`ServerConfig::watch_generations`]
//! (once a second from the command line). When it names another
//! generation, the thread checks that generation's files against the
//! checksums of its `meta.json` (a generation copied from another machine
//! may be incomplete or damaged), opens it beside the one being served,
//! and swaps. Each look-up a request makes holds the engine it got until
//! it is done; the old engine, and its memory maps, go when the last such
//! look-up does, so the old generation's files can be deleted and their
//! space comes back. A generation that fails its checks, or cannot be opened, is not
//! served: the old one goes on, a log line says why, and it is tried again
//! a little later (a copy may still be in progress).
//!
//! [`ServerConfig::watch_generations`]: crate::ServerConfig::watch_generations

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock, Weak};
use std::time::{Duration, Instant};

use kenning_engine::Engine;
use kenning_store::{Verified, verify_generation};

use crate::pages::HomeExamples;

/// How long a refused generation waits before it is checked again.
const RETRY_REFUSED: Duration = Duration::from_secs(10);

/// The engine being served and what is cached about it.
#[derive(Debug)]
pub(crate) struct Served {
    pub(crate) engine: Arc<Engine>,
    /// Its generation's name.
    pub(crate) generation: String,
    /// Concepts in its snapshot (for `/metrics`).
    pub(crate) concepts: u64,
    /// The home page's examples, found at its first request.
    pub(crate) home_examples: OnceLock<HomeExamples>,
    /// Set when a newer generation replaced it.
    replaced: AtomicBool,
}

impl Drop for Served {
    /// The last request on a replaced generation is done: its engine goes
    /// now, and with it the memory maps of its files.
    fn drop(&mut self) {
        if self.replaced.load(Ordering::Relaxed) {
            eprintln!(
                "kenning: generation {} released (no request uses it any more)",
                self.generation
            );
        }
    }
}

impl Served {
    pub(crate) fn new(engine: Arc<Engine>) -> Served {
        Served {
            generation: engine.generation(),
            concepts: engine.stats().concepts,
            engine,
            home_examples: OnceLock::new(),
            replaced: AtomicBool::new(false),
        }
    }
}

/// The engine a request gets, replaced when a newer generation is
/// published; and the counts `/metrics` shows.
#[derive(Debug)]
pub(crate) struct ServedSlot {
    current: RwLock<Arc<Served>>,
    /// Generations swapped in.
    swaps: AtomicU64,
    /// Generations refused (checksums, or opening failed).
    refusals: AtomicU64,
}

impl ServedSlot {
    pub(crate) fn new(served: Served) -> ServedSlot {
        ServedSlot {
            current: RwLock::new(Arc::new(served)),
            swaps: AtomicU64::new(0),
            refusals: AtomicU64::new(0),
        }
    }

    /// Generations swapped in and refused so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.swaps.load(Ordering::Relaxed),
            self.refusals.load(Ordering::Relaxed),
        )
    }

    /// What is served now.
    pub(crate) fn current(&self) -> Arc<Served> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn swap(&self, served: Served) -> Arc<Served> {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        let old = std::mem::replace(&mut *current, Arc::new(served));
        old.replaced.store(true, Ordering::Relaxed);
        old
    }
}

/// Starts the thread that swaps in newer generations; it ends when the
/// slot is dropped. `prepare` readies a new engine as the first one was
/// readied (record code fields) before it is served.
pub(crate) fn watch(
    slot: &Arc<ServedSlot>,
    every: Duration,
    prepare: impl Fn(&Engine) + Send + 'static,
) {
    let weak = Arc::downgrade(slot);
    let started = std::thread::Builder::new()
        .name("kenning-generations".into())
        .spawn(move || watch_loop(&weak, every, &prepare));
    if let Err(e) = started {
        eprintln!("kenning: warning: new generations will not be picked up: {e}");
    }
}

fn watch_loop(slot: &Weak<ServedSlot>, every: Duration, prepare: &dyn Fn(&Engine)) {
    let mut refused: Option<(PathBuf, Instant)> = None;
    loop {
        std::thread::sleep(every);
        let Some(slot) = slot.upgrade() else {
            return;
        };
        let served = slot.current();
        let Some(next) = served.engine.newer_generation() else {
            continue;
        };
        if let Some((path, at)) = &refused
            && *path == next
            && at.elapsed() < RETRY_REFUSED
        {
            continue;
        }
        match roll_out(&slot, &served, &next, prepare) {
            Ok(()) => refused = None,
            Err(why) => {
                slot.refusals.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "kenning: not serving {}: {why}; still serving {}",
                    next.display(),
                    served.generation
                );
                refused = Some((next, Instant::now()));
            }
        }
    }
}

/// Checks, opens and swaps in the generation at `next`.
fn roll_out(
    slot: &ServedSlot,
    served: &Served,
    next: &std::path::Path,
    prepare: &dyn Fn(&Engine),
) -> Result<(), String> {
    let started = Instant::now();
    let checked = match verify_generation(next).map_err(|e| e.to_string())? {
        Verified::Intact { files, bytes } => format!("{files} files, {bytes} bytes checked"),
        Verified::NoChecksums => "not checked: its meta.json lists no checksums".to_owned(),
    };
    let engine = served
        .engine
        .open_successor(next)
        .map_err(|e| e.to_string())?;
    prepare(&engine);
    let new = Served::new(Arc::new(engine));
    let name = new.generation.clone();
    let old = slot.swap(new);
    slot.swaps.fetch_add(1, Ordering::Relaxed);
    eprintln!(
        "kenning: now serving generation {name} (was {}; {checked}; ready in {:.2} s)",
        old.generation,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
