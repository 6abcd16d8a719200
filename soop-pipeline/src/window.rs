//! The reorder window of an ordered pipeline.
//!
//! The output hands units out in sequence order, holding back those that
//! arrive early. Without a bound, one slow unit would let the producer run
//! ahead and the held-back units pile up without limit. The window stops the
//! producer from shipping unit `seq` until the output has taken every unit
//! before `seq - limit`, so at most `limit` units are ever in flight.
//!
//! One lock per unit (not per item) on each side: simple, and cheap next to
//! the hundreds of items a unit carries.

use std::time::Instant;

use crate::sync::{Condvar, Mutex, lock};

pub(crate) struct Window {
    limit: u64,
    state: Mutex<State>,
    moved: Condvar,
}

struct State {
    /// Every unit below this one has been taken by the output.
    released: u64,
    /// The pipeline is stopping: never hold a producer back again.
    open: bool,
    /// Producers blocked in `wait_for`: the output notifies only then.
    waiting: usize,
}

impl Window {
    pub(crate) fn new(limit: usize) -> Self {
        Window {
            limit: limit as u64,
            state: Mutex::new(State {
                released: 0,
                open: false,
                waiting: 0,
            }),
            moved: Condvar::new(),
        }
    }

    /// The most units in flight at once.
    pub(crate) fn limit(&self) -> usize {
        self.limit as usize
    }

    fn admits(&self, state: &State, seq: u64) -> bool {
        state.open || seq < state.released.saturating_add(self.limit)
    }

    /// Waits until unit `seq` may be shipped, or until `deadline` (`None`:
    /// forever; a past deadline: not at all). Returns whether it may.
    pub(crate) fn wait_for(&self, seq: u64, deadline: Option<Instant>) -> bool {
        let mut state = lock(&self.state);
        while !self.admits(&state, seq) {
            state.waiting += 1;
            state = match deadline {
                None => self.moved.wait(state).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        state.waiting -= 1;
                        return false;
                    }
                    self.moved
                        .wait_timeout(state, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
            state.waiting -= 1;
        }
        true
    }

    /// The output has taken every unit below `next`.
    pub(crate) fn release(&self, next: u64) {
        let mut state = lock(&self.state);
        state.released = next;
        if state.waiting > 0 {
            drop(state);
            self.moved.notify_all();
        }
    }

    /// Lets every producer through from now on (the pipeline is stopping).
    pub(crate) fn open(&self) {
        lock(&self.state).open = true;
        self.moved.notify_all();
    }
}

/// The window, for loom models (`tests/loom.rs`).
#[cfg(loom)]
pub mod loom_api {
    /// See the module's notes: a producer may ship `seq` once the output
    /// has taken every unit before `seq - limit`.
    pub struct Window(super::Window);

    impl Window {
        /// A window of `limit` units.
        pub fn new(limit: usize) -> Self {
            Window(super::Window::new(limit))
        }
        /// Blocks until `seq` may be shipped; `true` when it may.
        pub fn wait_for(&self, seq: u64) -> bool {
            self.0.wait_for(seq, None)
        }
        /// The output has taken every unit below `next`.
        pub fn release(&self, next: u64) {
            self.0.release(next)
        }
        /// The pipeline is stopping.
        pub fn open(&self) {
            self.0.open()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn holds_a_producer_until_the_output_catches_up() {
        let window = Arc::new(Window::new(2));
        assert!(window.wait_for(1, Some(Instant::now())));
        assert!(!window.wait_for(2, Some(Instant::now())));
        let waiting = Arc::clone(&window);
        let producer = std::thread::spawn(move || waiting.wait_for(2, None));
        window.release(1);
        assert!(producer.join().unwrap());
    }

    #[test]
    fn an_open_window_admits_everything() {
        let window = Window::new(1);
        window.open();
        assert!(window.wait_for(1_000, Some(Instant::now())));
    }
}
