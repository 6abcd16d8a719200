//! A ticket: the future-like handle to one job's reply.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use soop_core::JobError;
use soop_core::buffers::{Reply, ReplyError, TryTakeError, WaitTimeoutError as SlotTimeout};

use crate::error::{Error, WaitTimeoutError};

/// The reply to one assigned job: wait for it, wait with a deadline, poll
/// it, or `.await` it. Every ticket resolves exactly once: with the output,
/// or with [`Error::Failed`], [`Error::Panicked`] or [`Error::Cancelled`].
///
/// Dropping a ticket is fine: if its job has not started, it never runs; if
/// it has, its result is discarded; nothing leaks and the worker is not
/// held up.
///
/// ```
/// use std::time::Duration;
/// use soop_assign::{Pool, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u64| Ok::<_, String>(n * 10))).unwrap();
/// let ticket = pool.assign(4).unwrap();
/// // Wait a little; on a timeout the ticket comes back to wait again.
/// let value = match ticket.wait_timeout(Duration::from_secs(60)) {
///     Ok(value) => value,
///     Err(e) => e.into_ticket().expect("timed out").wait().unwrap(),
/// };
/// assert_eq!(value, 40);
/// ```
pub struct Ticket<T, E> {
    reply: Reply<Result<T, JobError<E>>>,
}

impl<T, E> Ticket<T, E> {
    pub(crate) fn new(reply: Reply<Result<T, JobError<E>>>) -> Self {
        Ticket { reply }
    }

    /// Blocks until the job's outcome arrives.
    ///
    /// # Errors
    /// [`Error::Failed`], [`Error::Panicked`] or [`Error::Cancelled`] as the
    /// job ended; [`Error::Taken`] if the output was taken already.
    ///
    /// ```
    /// use soop_assign::{Error, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| n.checked_sub(1).ok_or("underflow"))).unwrap();
    /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(0));
    /// assert_eq!(pool.assign(0).unwrap().wait(), Err(Error::Failed("underflow")));
    /// ```
    pub fn wait(self) -> Result<T, Error<E>> {
        flatten(self.reply.wait())
    }

    /// Blocks at most `timeout` for the outcome.
    ///
    /// # Errors
    /// [`WaitTimeoutError::Timeout`] hands the ticket back to wait again;
    /// [`WaitTimeoutError::Job`] carries the job's error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let ticket = pool.assign(3).unwrap();
    /// assert_eq!(ticket.wait_timeout(Duration::from_secs(60)).ok(), Some(3));
    /// ```
    pub fn wait_timeout(self, timeout: Duration) -> Result<T, WaitTimeoutError<T, E>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.wait_deadline(deadline),
            None => self.wait().map_err(WaitTimeoutError::Job),
        }
    }

    /// Blocks until `deadline` at most for the outcome.
    ///
    /// # Errors
    /// As [`wait_timeout`](Ticket::wait_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let ticket = pool.assign(3).unwrap();
    /// assert_eq!(ticket.wait_deadline(Instant::now() + Duration::from_secs(60)).ok(), Some(3));
    /// ```
    pub fn wait_deadline(self, deadline: Instant) -> Result<T, WaitTimeoutError<T, E>> {
        match self.reply.wait_deadline(deadline) {
            Ok(outcome) => outcome.map_err(|e| WaitTimeoutError::Job(job_error(e))),
            Err(SlotTimeout::Timeout(reply)) => Err(WaitTimeoutError::Timeout(Ticket { reply })),
            Err(SlotTimeout::Closed) => Err(WaitTimeoutError::Job(Error::Cancelled)),
        }
    }

    /// The outcome if it has arrived, without blocking: `None` while the job
    /// is queued or running.
    ///
    /// ```
    /// use soop_assign::{Error, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let mut ticket = pool.assign(1).unwrap();
    /// let value = loop {
    ///     if let Some(outcome) = ticket.try_get() {
    ///         break outcome.unwrap();
    ///     }
    ///     std::thread::yield_now();
    /// };
    /// assert_eq!(value, 1);
    /// assert!(matches!(ticket.try_get(), Some(Err(Error::Taken))));
    /// ```
    pub fn try_get(&mut self) -> Option<Result<T, Error<E>>> {
        match self.reply.try_take() {
            Ok(outcome) => Some(outcome.map_err(job_error)),
            Err(TryTakeError::Empty) => None,
            Err(TryTakeError::Closed) => Some(Err(Error::Cancelled)),
            Err(TryTakeError::Taken) => Some(Err(Error::Taken)),
        }
    }

    /// Whether [`try_get`](Ticket::try_get) would return at once.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let mut ticket = pool.assign(5).unwrap();
    /// while !ticket.is_ready() {
    ///     std::thread::yield_now();
    /// }
    /// assert_eq!(ticket.try_get().unwrap(), Ok(5)); // ready: no waiting
    /// ```
    pub fn is_ready(&self) -> bool {
        self.reply.is_ready()
    }

    /// Gives the ticket up: if the job has not started it never runs; if it
    /// has, its result is discarded. The same as dropping the ticket.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let gate = Arc::new(Barrier::new(2));
    /// let ran = Arc::new(AtomicBool::new(false));
    /// let (held, flag) = (Arc::clone(&gate), Arc::clone(&ran));
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .build(from_fn(move |n: u8| {
    ///         if n == 0 {
    ///             held.wait(); // hold the only worker
    ///         } else {
    ///             flag.store(true, Ordering::Relaxed);
    ///         }
    ///         Ok::<_, String>(n)
    ///     }))
    ///     .unwrap();
    /// let first = pool.assign(0).unwrap();
    /// pool.assign(1).unwrap().cancel(); // queued behind job 0: it will never run
    /// gate.wait();
    /// assert_eq!(first.wait(), Ok(0));
    /// pool.stop(); // drains the mailbox: the cancelled job is skipped
    /// assert!(!ran.load(Ordering::Relaxed));
    /// ```
    pub fn cancel(self) {}
}

impl<T, E> Future for Ticket<T, E> {
    type Output = Result<T, Error<E>>;

    /// Ready with what [`Ticket::wait`] would return; works with any
    /// executor.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().reply).poll(cx).map(flatten)
    }
}

impl<T, E> std::fmt::Debug for Ticket<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("ready", &self.is_ready())
            .finish_non_exhaustive()
    }
}

fn flatten<T, E>(taken: Result<Result<T, JobError<E>>, ReplyError>) -> Result<T, Error<E>> {
    match taken {
        Ok(outcome) => outcome.map_err(job_error),
        // The pool let the reply go unanswered: it was going away.
        Err(ReplyError::Closed) => Err(Error::Cancelled),
        Err(ReplyError::Taken) => Err(Error::Taken),
    }
}

fn job_error<E>(error: JobError<E>) -> Error<E> {
    match error {
        JobError::Failed(e) => Error::Failed(e),
        JobError::Panicked(m) => Error::Panicked(m),
        JobError::Cancelled => Error::Cancelled,
    }
}
