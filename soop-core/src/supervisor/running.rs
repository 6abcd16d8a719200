//! What a supervisor can do with a child it started, whatever its kind.

use std::sync::Arc;
use std::time::Instant;

use crate::status::PoolStatus;
use crate::supervisor::current::Current;
use crate::supervisor::snapshot::ChildSnapshot;
use crate::supervisor::supervised::Supervised;
use crate::supervisor::tree::Shared;

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

/// A pool-like child, and the handle users reach it by (emptied as soon
/// as the supervisor begins to stop it).
pub(crate) struct Held<T: Supervised> {
    pub(crate) child: Arc<T>,
    pub(crate) current: Current<T>,
}

impl<T: Supervised> Running for Held<T> {
    fn signal_stop(&self, deadline: Instant) {
        self.current.set(None);
        self.child.begin_stop(deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.child.wait_stopped(deadline)
    }

    fn finish(&self) {
        self.current.set(None);
        self.child.finish_stop();
    }

    fn status(&self) -> Option<PoolStatus> {
        Some(self.child.status())
    }
}
