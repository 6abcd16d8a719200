//! What a supervisor can do with a child it started, whatever its kind.

use std::sync::Arc;
use std::time::Instant;

use crate::pool::Pool;
use crate::run_loop::RunLoops;
use crate::status::PoolStatus;
use crate::supervisor::current::Current;
use crate::supervisor::snapshot::ChildSnapshot;
use crate::supervisor::tree::Shared;
use crate::worker::Worker;

/// A started child. Stopping is in three steps so that a supervisor can
/// give up waiting: tell it, wait with a deadline, then join its threads.
pub(crate) trait Running: Send + Sync {
    /// Asks the child to stop; returns at once.
    fn signal_stop(&self, deadline: Instant);
    /// Waits until the child has stopped or `deadline` passes; returns
    /// whether it stopped.
    fn wait_stopped(&self, deadline: Instant) -> bool;
    /// Stops the child and joins its threads, however long that takes.
    fn finish(&self);
    /// A pool's or run-loop group's status.
    fn status(&self) -> Option<PoolStatus> {
        None
    }
    /// A supervisor's children.
    fn children(&self) -> Vec<ChildSnapshot> {
        Vec::new()
    }
    /// The child as a supervisor, if it is one.
    fn as_supervisor(&self) -> Option<&Shared> {
        None
    }
}

/// A pool child, and the handle users reach it by.
pub(crate) struct PoolChild<W: Worker> {
    pub(crate) pool: Arc<Pool<W>>,
    pub(crate) current: Current<Pool<W>>,
}

impl<W: Worker> Running for PoolChild<W> {
    fn signal_stop(&self, deadline: Instant) {
        self.current.set(None);
        self.pool.signal_stop(deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.pool.wait_ended(deadline)
    }

    fn finish(&self) {
        self.current.set(None);
        self.pool.stop();
    }

    fn status(&self) -> Option<PoolStatus> {
        Some(self.pool.status())
    }
}

impl Running for RunLoops {
    fn signal_stop(&self, deadline: Instant) {
        RunLoops::signal_stop(self, deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.wait_ended(deadline)
    }

    fn finish(&self) {
        self.stop();
    }

    fn status(&self) -> Option<PoolStatus> {
        Some(RunLoops::status(self))
    }
}
