//! Stopping a pipeline from anywhere: the output dropped early, or a stage
//! past its restart intensity (reported on the observer thread).
//!
//! Stopping closes every channel of the pipeline. That alone wakes every
//! thread: a worker waiting for input or for room downstream sees `Closed`
//! and returns, a producer's send hands its item back, and the output ends.
//! Nothing here owns a thread, so an observer can hold it without a cycle.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use soop_core::Escalation;

use crate::sync::{Mutex, lock};
use crate::window::Window;

type Closer = Box<dyn Fn() + Send + Sync>;

pub(crate) struct Shutdown {
    closers: Mutex<Vec<Closer>>,
    window: Option<Arc<Window>>,
    terminal: Mutex<Option<Escalation>>,
    stopped: AtomicBool,
}

impl Shutdown {
    pub(crate) fn new(window: Option<Arc<Window>>) -> Self {
        Shutdown {
            closers: Mutex::new(Vec::new()),
            window,
            terminal: Mutex::new(None),
            stopped: AtomicBool::new(false),
        }
    }

    /// Registers what closes one channel (and lets go of what its idle
    /// workers hold).
    pub(crate) fn on_stop(&self, closer: impl Fn() + Send + Sync + 'static) {
        lock(&self.closers).push(Box::new(closer));
    }

    /// Closes everything. Idempotent.
    pub(crate) fn stop(&self) {
        // Relaxed: the closers' own locks order what they do.
        if self.stopped.swap(true, Ordering::Relaxed) {
            return;
        }
        for close in lock(&self.closers).iter() {
            close();
        }
        if let Some(window) = &self.window {
            window.open();
        }
    }

    /// A stage escalated: remember why (the first reason wins), then stop.
    pub(crate) fn escalated(&self, escalation: &Escalation) {
        lock(&self.terminal).get_or_insert_with(|| escalation.clone());
        self.stop();
    }

    pub(crate) fn terminal(&self) -> Option<Escalation> {
        lock(&self.terminal).clone()
    }
}
