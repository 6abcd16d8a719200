//! Status snapshots, and the per-worker counters behind them.

use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::Escalation;

/// What a worker is doing.
///
/// ```
/// use soop_core::{Pool, WorkerState, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// assert_ne!(pool.status().workers[0].state, WorkerState::Stopped);
/// pool.stop();
/// assert_eq!(pool.status().workers[0].state, WorkerState::Stopped);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    /// Waiting for input (spinning briefly, then parked).
    Idle,
    /// Handling an input.
    Busy,
    /// Failed; waiting out its backoff or being rebuilt.
    Restarting,
    /// Its thread has ended (or is ending).
    Stopped,
}

/// One worker's snapshot.
///
/// ```
/// use soop_core::{Job, Pool, ReplySlots, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| if n == 0 { Err("zero") } else { Ok(n) })).unwrap();
/// let slots = ReplySlots::new(2);
/// for n in [0, 1] {
///     let (reply_to, reply) = slots.pair();
///     pool.submit(Job::with_reply(n, reply_to)).unwrap();
///     let _ = reply.wait();
/// }
/// pool.stop();
/// let worker = &pool.status().workers[0];
/// assert_eq!((worker.processed, worker.failed, worker.restarts), (1, 1, 1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerStatus {
    /// The worker's index in its pool.
    pub index: usize,
    /// What it was doing.
    pub state: WorkerState,
    /// Inputs handled successfully.
    pub processed: u64,
    /// Inputs whose handling failed (errors and panics).
    pub failed: u64,
    /// Times it was restarted.
    pub restarts: u32,
}

/// A pool's snapshot, from [`Pool::status`](crate::Pool::status).
///
/// ```
/// use soop_core::{Pool, from_fn};
///
/// let pool = Pool::builder().name("io").workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// let status = pool.status();
/// assert_eq!((status.name.as_str(), status.workers.len(), status.terminal), ("io", 2, None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    /// The pool's name.
    pub name: String,
    /// Every worker the pool has started, retired ones included.
    pub workers: Vec<WorkerStatus>,
    /// Inputs waiting in the mailbox.
    pub queued: usize,
    /// Why the pool gave up, if it escalated.
    pub terminal: Option<Escalation>,
    /// The state of the pool's circuit breaker, if it has one.
    pub breaker: Option<crate::breaker::State>,
}

/// The live counters of one worker, written by its thread and read by
/// `status()`. Relaxed throughout: they are reports; nothing is published
/// through them.
#[derive(Debug)]
pub(crate) struct WorkerCell {
    pub(crate) index: usize,
    state: AtomicU8,
    processed: AtomicU64,
    failed: AtomicU64,
    restarts: AtomicU32,
    /// When the watched call (or the last heartbeat) began, as nanoseconds
    /// after the pool's epoch, plus one; 0 while not watched.
    watched_since: AtomicU64,
    /// The watchdog has reported the current call.
    stalled: AtomicBool,
    /// A replacement took this worker's place: it leaves after its call.
    replaced: AtomicBool,
}

impl WorkerCell {
    pub(crate) fn new(index: usize) -> Self {
        WorkerCell {
            index,
            state: AtomicU8::new(WorkerState::Restarting as u8),
            processed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            restarts: AtomicU32::new(0),
            watched_since: AtomicU64::new(0),
            stalled: AtomicBool::new(false),
            replaced: AtomicBool::new(false),
        }
    }

    /// Starts (or, for a heartbeat, restarts) the watched time.
    pub(crate) fn watch_from(&self, epoch: Instant) {
        let nanos = epoch.elapsed().as_nanos().min(u128::from(u64::MAX - 1)) as u64;
        self.stalled.store(false, Ordering::Relaxed);
        self.watched_since.store(nanos + 1, Ordering::Relaxed);
    }

    pub(crate) fn unwatch(&self) {
        self.watched_since.store(0, Ordering::Relaxed);
    }

    /// How long the watched call has run, if one is watched.
    pub(crate) fn busy_for(&self, epoch: Instant) -> Option<Duration> {
        match self.watched_since.load(Ordering::Relaxed) {
            0 => None,
            since => Some(
                epoch
                    .elapsed()
                    .saturating_sub(Duration::from_nanos(since - 1)),
            ),
        }
    }

    /// Marks the current call as reported; true the first time only.
    pub(crate) fn mark_stalled(&self) -> bool {
        !self.stalled.swap(true, Ordering::Relaxed)
    }

    pub(crate) fn replace(&self) {
        self.replaced.store(true, Ordering::Release);
    }

    pub(crate) fn is_replaced(&self) -> bool {
        self.replaced.load(Ordering::Acquire)
    }

    pub(crate) fn set(&self, state: WorkerState) {
        self.state.store(state as u8, Ordering::Relaxed);
    }

    pub(crate) fn processed(&self) {
        self.processed.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a restart and returns how many there have been.
    pub(crate) fn restarted(&self) -> u32 {
        self.restarts.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn snapshot(&self) -> WorkerStatus {
        let state = match self.state.load(Ordering::Relaxed) {
            s if s == WorkerState::Idle as u8 => WorkerState::Idle,
            s if s == WorkerState::Busy as u8 => WorkerState::Busy,
            s if s == WorkerState::Restarting as u8 => WorkerState::Restarting,
            _ => WorkerState::Stopped,
        };
        WorkerStatus {
            index: self.index,
            state,
            processed: self.processed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            restarts: self.restarts.load(Ordering::Relaxed),
        }
    }
}
