//! The byte budget of the pipeline: how much page text may be between the
//! reader and the collector at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// Bytes of pages in flight: taken by the reader for each page it queues,
/// given back by the collector once the page's row is applied.
///
/// A page waits while the pages in flight and it would pass the limit; a
/// page larger than the limit goes through alone, once nothing else is in
/// flight. So the bytes in flight never pass `max(limit, largest page)`.
/// While such a page is in flight the reader reads nothing more
/// ([`wait_within_limit`](Self::wait_within_limit)), so a page larger than
/// the limit is never held in memory beside another one.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: u64,
    state: Mutex<State>,
    freed: Condvar,
    /// The most bytes of pages read and not yet applied at once: those in
    /// flight, and a page the reader holds while it waits for room.
    peak: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    in_flight: u64,
    /// The collector stopped: nothing will be given back.
    closed: bool,
}

impl Budget {
    pub(crate) fn new(limit: u64) -> Self {
        Budget {
            limit,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
            peak: AtomicU64::new(0),
        }
    }

    fn fits(&self, state: &State, bytes: u64) -> bool {
        state.in_flight == 0 || state.in_flight + bytes <= self.limit
    }

    fn take(&self, state: &mut State, bytes: u64) {
        state.in_flight += bytes;
        self.peak.fetch_max(state.in_flight, Ordering::Relaxed);
    }

    /// Takes `bytes` if they fit now; false (nothing taken) if not.
    pub(crate) fn try_take(&self, bytes: u64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.closed || !self.fits(&state, bytes) {
            return false;
        }
        self.take(&mut state, bytes);
        true
    }

    /// Waits until `bytes` fit, then takes them; false (nothing taken) if
    /// the budget was closed.
    pub(crate) fn take_or_wait(&self, bytes: u64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        // The reader holds the page while it waits.
        self.peak
            .fetch_max(state.in_flight + bytes, Ordering::Relaxed);
        while !state.closed && !self.fits(&state, bytes) {
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.closed {
            return false;
        }
        self.take(&mut state, bytes);
        true
    }

    /// Whether the bytes in flight are within the limit (they pass it only
    /// while a page larger than the limit is in flight alone).
    pub(crate) fn within_limit(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight <= self.limit
    }

    /// Waits until the bytes in flight are within the limit; false if the
    /// budget was closed.
    pub(crate) fn wait_within_limit(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.closed && state.in_flight > self.limit {
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !state.closed
    }

    /// Gives `bytes` back.
    pub(crate) fn give_back(&self, bytes: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight = state.in_flight.saturating_sub(bytes);
        self.freed.notify_all();
    }

    /// Nothing will be given back any more (the collector stopped): wakes
    /// the reader, whose waits now fail.
    pub(crate) fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        self.freed.notify_all();
    }

    /// The most bytes of pages that were read and not yet applied at once.
    pub(crate) fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

/// Closes the budget when dropped, however the collector stops.
pub(crate) struct CloseOnDrop<'a>(pub(crate) &'a Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn pages_wait_for_room_and_a_large_one_goes_alone() {
        let budget = Budget::new(100);
        assert!(budget.try_take(60));
        assert!(budget.try_take(40));
        assert!(!budget.try_take(1));
        budget.give_back(100);
        // Larger than the limit: only when nothing else is in flight.
        assert!(budget.try_take(10));
        assert!(!budget.try_take(500));
        budget.give_back(10);
        assert!(budget.within_limit());
        assert!(budget.try_take(500));
        assert!(!budget.try_take(1));
        assert_eq!(budget.peak(), 500);
        // While it is in flight, the reader reads nothing more.
        assert!(!budget.within_limit());
        budget.give_back(500);
        assert!(budget.within_limit() && budget.wait_within_limit());
        budget.close();
        assert!(!budget.wait_within_limit());
    }

    #[test]
    fn a_waiting_reader_is_woken_by_room_or_by_closing() {
        let budget = Budget::new(100);
        let budget = &budget;
        assert!(budget.try_take(80));
        std::thread::scope(|scope| {
            let (tx, rx) = channel();
            scope.spawn(move || tx.send(budget.take_or_wait(50)).unwrap());
            assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
            // The page the reader holds while it waits counts.
            let waited = std::time::Instant::now();
            while budget.peak() != 130 && waited.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(1));
            }
            assert_eq!(budget.peak(), 130);
            budget.give_back(80);
            assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));

            let (tx, rx) = channel();
            scope.spawn(move || tx.send(budget.take_or_wait(60)).unwrap());
            assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
            budget.close();
            assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(false));
        });
        assert!(!budget.try_take(1));
    }
}
