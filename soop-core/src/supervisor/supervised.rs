//! What a supervisor needs of a pool-like child, so that front-ends (an
//! assign pool, say) can sit in a tree as well as soop-core's own pools.

use std::time::Instant;

use crate::pool::Pool;
use crate::run_loop::RunLoops;
use crate::status::PoolStatus;
use crate::worker::Worker;

/// A pool-like child a supervisor can stop within a timeout and report on.
///
/// Stopping comes in steps so that a supervisor can give up waiting: begin
/// the stop, wait with a deadline, then join. [`Pool`] and [`RunLoops`]
/// implement it; a front-end wrapping a pool implements it by handing each
/// call to the pool inside, and then goes into a tree with
/// [`Child::pool`](crate::supervisor::Child::pool).
///
/// ```
/// use std::time::{Duration, Instant};
/// use soop_core::{Pool, from_fn};
/// use soop_core::supervisor::Supervised;
///
/// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// let deadline = Instant::now() + Duration::from_secs(5);
/// pool.begin_stop(deadline); // returns at once
/// assert!(pool.wait_stopped(deadline));
/// pool.finish_stop(); // joins the threads
/// ```
pub trait Supervised: Send + Sync + 'static {
    /// Begins a stop and returns at once: no more work is taken, and what
    /// is queued is finished by `deadline` if it can be.
    fn begin_stop(&self, deadline: Instant);
    /// Waits until every thread has ended, or `deadline`; returns whether
    /// they all have.
    fn wait_stopped(&self, deadline: Instant) -> bool;
    /// Stops and joins every thread, however long that takes.
    fn finish_stop(&self);
    /// A snapshot, for the tree's.
    fn status(&self) -> PoolStatus;
}

impl<W: Worker> Supervised for Pool<W> {
    fn begin_stop(&self, deadline: Instant) {
        self.signal_stop(deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.wait_ended(deadline)
    }

    fn finish_stop(&self) {
        self.stop();
    }

    fn status(&self) -> PoolStatus {
        Pool::status(self)
    }
}

impl Supervised for RunLoops {
    fn begin_stop(&self, deadline: Instant) {
        self.signal_stop(deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.wait_ended(deadline)
    }

    fn finish_stop(&self) {
        self.stop();
    }

    fn status(&self) -> PoolStatus {
        RunLoops::status(self)
    }
}
