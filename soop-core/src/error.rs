//! Every error of soop-core.

use std::fmt;
use std::time::Duration;

pub use soop_buffers::{SendError, SendTimeoutError, TrySendError};

/// A pool configuration that cannot work, from [`Builder::build`](crate::Builder::build).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A count or size that must be at least 1 was 0.
    #[error("{what} must be at least 1, got 0")]
    Zero {
        /// The setting's name, as its setter is called.
        what: &'static str,
    },
    /// A value beyond what soop accepts.
    #[error("{what} must be at most {max}, got {value}")]
    TooLarge {
        /// The setting's name.
        what: &'static str,
        /// The value given.
        value: usize,
        /// The largest accepted.
        max: usize,
    },
    /// The restart backoff cannot work.
    #[error("invalid backoff: {0}")]
    Backoff(&'static str),
    /// The operating system refused to start a worker thread; the threads
    /// already started were stopped and joined.
    #[error("could not start a worker thread: {0}")]
    Spawn(#[from] std::io::Error),
}

/// Why a job's reply holds no output.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError<E> {
    /// The worker's `handle` returned this error.
    #[error("the worker failed: {0}")]
    Failed(E),
    /// The worker panicked; the panic's message.
    #[error("the worker panicked: {0}")]
    Panicked(String),
    /// The job never ran: the pool was killed, or escalated, first.
    #[error("the job was cancelled before it ran")]
    Cancelled,
}

impl<E: fmt::Debug> fmt::Debug for JobError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            JobError::Panicked(m) => f.debug_tuple("Panicked").field(m).finish(),
            JobError::Cancelled => f.write_str("Cancelled"),
        }
    }
}

/// A pool gave up: a worker failed more often than its restart intensity
/// allows. The pool stopped its workers and cancelled what was queued.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "pool {pool}: worker {worker} failed past the restart intensity \
     ({max_restarts} restarts in {window:?}); last error: {last_error}"
)]
pub struct Escalation {
    /// The pool's name.
    pub pool: String,
    /// The index of the worker whose failure was one too many.
    pub worker: usize,
    /// That failure's error or panic message.
    pub last_error: String,
    /// The intensity that was exceeded: restarts allowed…
    pub max_restarts: u32,
    /// …within this window.
    pub window: Duration,
}

/// Why [`Pool::resize`](crate::Pool::resize) refused.
#[derive(Debug, thiserror::Error)]
pub enum ResizeError {
    /// A pool needs at least one worker.
    #[error("a pool needs at least one worker")]
    Zero,
    /// The pool is stopping or stopped.
    #[error("the pool is closed")]
    Closed,
    /// The operating system refused to start a worker thread.
    #[error("could not start a worker thread: {0}")]
    Spawn(#[from] std::io::Error),
}
