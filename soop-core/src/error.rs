//! Every error of soop-core.

use std::fmt;
use std::time::Duration;

/// A pool configuration that cannot work, from [`Builder::build`](crate::Builder::build).
///
/// ```
/// use soop_core::{BuildError, Pool, from_fn};
///
/// let err = Pool::builder().workers(0).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap_err();
/// assert!(matches!(err, BuildError::Zero { what: "workers" }));
/// assert_eq!(err.to_string(), "workers must be at least 1, got 0");
/// ```
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
    /// The circuit breaker's settings cannot work.
    #[error("invalid circuit breaker: {0}")]
    Breaker(&'static str),
    /// The operating system refused to start a worker thread; the threads
    /// already started were stopped and joined.
    #[error("could not start a worker thread: {0}")]
    Spawn(#[from] std::io::Error),
}

/// A [`Breaker`](crate::breaker::Breaker) is open: the call was refused
/// without being tried.
///
/// ```
/// use soop_core::BreakerOpen;
/// use soop_core::breaker::{Breaker, Settings};
///
/// let breaker = Breaker::new(Settings { min_calls: 1, ..Settings::default() }).unwrap();
/// breaker.admit().unwrap();
/// breaker.record(false);
/// assert_eq!(breaker.admit(), Err(BreakerOpen));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the circuit breaker is open")]
pub struct BreakerOpen;

/// Why a job's reply holds no output.
///
/// ```
/// use soop_core::{Job, JobError, Pool, ReplySlots, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| if n == 0 { Err("zero") } else { Ok(n) })).unwrap();
/// let slots = ReplySlots::new(2);
/// let (reply_to, reply) = slots.pair();
/// pool.submit(Job::with_reply(0, reply_to)).unwrap();
/// assert_eq!(reply.wait().unwrap(), Err(JobError::Failed("zero")));
/// ```
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
///
/// ```
/// use std::time::Duration;
/// use soop_core::{Job, Pool, from_fn, restart::Intensity};
///
/// let pool = Pool::builder()
///     .name("fragile")
///     .workers(1)
///     .intensity(Intensity { max_restarts: 1, window: Duration::from_secs(60) })
///     .build(from_fn(|_: u8| Err::<u8, _>("broken")))
///     .unwrap();
/// pool.submit(Job::new(1)).unwrap();
/// pool.submit(Job::new(2)).unwrap(); // the second failure is one too many
/// while pool.terminal().is_none() {
///     std::thread::yield_now();
/// }
/// let escalation = pool.terminal().unwrap();
/// assert_eq!((escalation.pool.as_str(), escalation.last_error.as_str()), ("fragile", "broken"));
/// ```
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
///
/// ```
/// use soop_core::{Pool, ResizeError, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// assert!(matches!(pool.resize(2), Err(ResizeError::Closed)));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ResizeError {
    /// A pool needs at least one worker.
    #[error("a pool needs at least one worker")]
    Zero,
    /// More workers than [`MAX_WORKERS`](crate::MAX_WORKERS).
    #[error("a pool may have at most {max} workers, asked for {value}")]
    TooLarge {
        /// The size asked for.
        value: usize,
        /// The largest accepted.
        max: usize,
    },
    /// The pool is stopping or stopped.
    #[error("the pool is closed")]
    Closed,
    /// The operating system refused to start a worker thread.
    #[error("could not start a worker thread: {0}")]
    Spawn(#[from] std::io::Error),
}

/// Why a supervisor tree could not do what it was asked.
///
/// ```
/// use soop_core::supervisor::{Supervisor, TreeError};
///
/// let err = Supervisor::builder("a/b").start().unwrap_err();
/// assert!(matches!(err, TreeError::BadName { .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// A child (or the supervisor itself) could not be built or started.
    #[error("{path}: could not start: {source}")]
    Start {
        /// The path of what could not start.
        path: String,
        /// Why.
        source: BuildError,
    },
    /// A child's builder panicked while starting it.
    #[error("{path}: panicked while starting: {message}")]
    Panicked {
        /// The path of what could not start.
        path: String,
        /// The panic's message.
        message: String,
    },
    /// A supervisor already has a child by that name.
    #[error("{path}: a child named {name:?} exists already")]
    Duplicate {
        /// The supervisor's path.
        path: String,
        /// The name asked for.
        name: String,
    },
    /// A supervisor has no child by that name.
    #[error("{path}: no child named {name:?}")]
    NoSuchChild {
        /// The supervisor's path.
        path: String,
        /// The name asked for.
        name: String,
    },
    /// A name that cannot be part of a path: empty, or holding `/`.
    #[error("{name:?} cannot name a child: it must be non-empty and hold no '/'")]
    BadName {
        /// The name given.
        name: String,
    },
    /// The supervisor has stopped (or given up) and takes no more requests.
    #[error("{path}: the supervisor has stopped")]
    Stopped {
        /// The supervisor's path.
        path: String,
    },
}

/// Why a supervisor gave up: one of its children failed past the
/// supervisor's restart intensity. At the root, this is the tree's
/// terminal error; below it, the parent sees a failing child.
///
/// ```
/// use std::time::Duration;
/// use soop_core::supervisor::TreeEscalation;
///
/// let e = TreeEscalation {
///     supervisor: "root/data".into(),
///     child: "root/data/db".into(),
///     origin: "root/data/db".into(),
///     last_error: "disk full".into(),
///     max_restarts: 1,
///     window: Duration::from_secs(5),
/// };
/// assert!(e.to_string().starts_with("supervisor root/data gave up"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "supervisor {supervisor} gave up: child {child} failed past the restart intensity \
     ({max_restarts} restarts in {window:?}); it started at {origin}: {last_error}"
)]
pub struct TreeEscalation {
    /// The path of the supervisor that gave up.
    pub supervisor: String,
    /// The path of its child whose failure went past the intensity.
    pub child: String,
    /// The deepest path the failure came from (a pool, below supervisors
    /// that gave up in turn).
    pub origin: String,
    /// The child's last error.
    pub last_error: String,
    /// The supervisor's intensity: restarts allowed…
    pub max_restarts: u32,
    /// …within this window.
    pub window: Duration,
}

/// Why a pool did not take a job; the job is inside, never lost.
///
/// Each submit call returns only some of these: `submit` Closed or Open,
/// `try_submit` Full, Closed or Open, `submit_timeout` and
/// `submit_deadline` Timeout, Closed or Open. Open comes only from a pool
/// with a [circuit breaker](crate::Builder::breaker).
///
/// ```
/// use soop_core::{Job, Pool, SubmitError, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// let refused = pool.submit(Job::new(7)).unwrap_err();
/// assert!(refused.is_closed());
/// assert_eq!(refused.into_inner().into_input(), 7);
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError<T> {
    /// The mailbox is full (`try_submit` only).
    #[error("the pool's mailbox is full")]
    Full(T),
    /// The mailbox stayed full until the deadline.
    #[error("the pool's mailbox stayed full until the deadline")]
    Timeout(T),
    /// The pool is stopping or stopped.
    #[error("the pool is closed")]
    Closed(T),
    /// The pool's circuit breaker is open: failing fast.
    #[error("the pool's circuit breaker is open")]
    Open(T),
}

impl<T> SubmitError<T> {
    /// The job that was not taken.
    ///
    /// ```
    /// use soop_core::SubmitError;
    ///
    /// assert_eq!(SubmitError::Full(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(t) | Self::Timeout(t) | Self::Closed(t) | Self::Open(t) => t,
        }
    }

    /// Whether the pool is closed: no later call can succeed.
    ///
    /// ```
    /// use soop_core::SubmitError;
    ///
    /// assert!(SubmitError::Closed(()).is_closed());
    /// assert!(!SubmitError::Open(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }

    /// Whether the breaker refused it: try later, or elsewhere.
    ///
    /// ```
    /// use soop_core::SubmitError;
    ///
    /// assert!(SubmitError::Open(()).is_open());
    /// ```
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open(_))
    }

    /// The job inside, mapped: lets a front-end hand back its own input.
    ///
    /// ```
    /// use soop_core::SubmitError;
    ///
    /// assert_eq!(SubmitError::Timeout(2).map(|n| n * 10), SubmitError::Timeout(20));
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> SubmitError<U> {
        match self {
            Self::Full(t) => SubmitError::Full(f(t)),
            Self::Timeout(t) => SubmitError::Timeout(f(t)),
            Self::Closed(t) => SubmitError::Closed(f(t)),
            Self::Open(t) => SubmitError::Open(f(t)),
        }
    }
}

impl<T> fmt::Debug for SubmitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Full(..)",
            Self::Timeout(_) => "Timeout(..)",
            Self::Closed(_) => "Closed(..)",
            Self::Open(_) => "Open(..)",
        })
    }
}
