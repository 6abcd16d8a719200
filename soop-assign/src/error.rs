//! Every error of soop-assign. Errors of calls that could not take an input
//! hand it back; their `Debug` is written by hand so `.unwrap()` works for
//! any input type.

use std::fmt;

use crate::ticket::Ticket;

/// Why a ticket holds no output.
///
/// ```
/// use soop_assign::{Error, Pool, from_fn};
///
/// let pool = Pool::builder()
///     .workers(1)
///     .build(from_fn(|n: i32| match n {
///         0 => Err("zero"),
///         1 => panic!("one"),
///         n => Ok(n),
///     }))
///     .unwrap();
/// assert_eq!(pool.assign(0).unwrap().wait(), Err(Error::Failed("zero")));
/// assert_eq!(pool.assign(1).unwrap().wait(), Err(Error::Panicked("one".into())));
/// assert_eq!(pool.assign(2).unwrap().wait(), Ok(2));
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error<E> {
    /// The worker's `handle` returned this error.
    #[error("the job failed: {0}")]
    Failed(E),
    /// The worker panicked; the panic's message.
    #[error("the job panicked: {0}")]
    Panicked(String),
    /// The job never ran: the pool was killed (or escalated) first.
    #[error("the job was cancelled before it ran")]
    Cancelled,
    /// The output was already taken from this ticket (by `try_get` or by
    /// polling it as a future).
    #[error("the ticket's output was already taken")]
    Taken,
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            Error::Panicked(m) => f.debug_tuple("Panicked").field(m).finish(),
            Error::Cancelled => f.write_str("Cancelled"),
            Error::Taken => f.write_str("Taken"),
        }
    }
}

/// [`assign`](crate::Pool::assign) or [`cast`](crate::Pool::cast) on a
/// closed pool, or to one whose circuit breaker is open; the input is
/// inside.
///
/// ```
/// use soop_assign::{AssignError, Pool, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// assert!(matches!(pool.assign(5), Err(AssignError::Closed(5))));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssignError<I> {
    /// The pool is closed.
    #[error("assigning to a closed pool")]
    Closed(I),
    /// The pool's [circuit breaker](crate::Builder::breaker) is open:
    /// failing fast.
    #[error("the pool's circuit breaker is open")]
    Open(I),
}

impl<I> AssignError<I> {
    /// Whether the breaker refused it (the pool itself still runs).
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.stop();
    /// assert!(!pool.assign(1).unwrap_err().is_open()); // closed
    /// ```
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open(_))
    }

    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|s: String| Ok::<_, String>(s))).unwrap();
    /// pool.kill();
    /// assert_eq!(pool.cast("kept".to_string()).unwrap_err().into_inner(), "kept");
    /// ```
    /// The input that was not assigned.
    pub fn into_inner(self) -> I {
        match self {
            Self::Closed(i) | Self::Open(i) => i,
        }
    }
}

impl<I> fmt::Debug for AssignError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Closed(_) => "Closed(..)",
            Self::Open(_) => "Open(..)",
        })
    }
}

/// Why [`try_assign`](crate::Pool::try_assign) or
/// [`try_cast`](crate::Pool::try_cast) did not take the input.
///
/// ```
/// use soop_assign::{Pool, TryAssignError, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// let refused = pool.try_cast(3).unwrap_err();
/// assert!(matches!(refused, TryAssignError::Closed(3)));
/// assert!(!refused.is_full());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TryAssignError<I> {
    /// The mailbox is full.
    #[error("the pool's mailbox is full")]
    Full(I),
    /// The pool is closed.
    #[error("assigning to a closed pool")]
    Closed(I),
    /// The pool's circuit breaker is open: failing fast.
    #[error("the pool's circuit breaker is open")]
    Open(I),
}

impl<I> TryAssignError<I> {
    /// The input that was not assigned.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use soop_assign::{Pool, TryAssignError, from_fn};
    ///
    /// // One worker held at a barrier, a mailbox of one: the third job finds it full.
    /// let gate = Arc::new(Barrier::new(2));
    /// let held = Arc::clone(&gate);
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .mailbox_capacity(1)
    ///     .build(from_fn(move |n: u32| {
    ///         if n == 0 {
    ///             held.wait();
    ///         }
    ///         Ok::<_, String>(n)
    ///     }))
    ///     .unwrap();
    /// let first = pool.assign(0).unwrap();
    /// let second = loop {
    ///     match pool.try_assign(1) {
    ///         Ok(ticket) => break ticket,
    ///         Err(refused) => assert!(refused.is_full()), // the worker has not taken job 0 yet
    ///     }
    /// };
    /// let refused = loop {
    ///     match pool.try_assign(2) {
    ///         Ok(_) => continue, // the worker took job 1 before blocking: try again
    ///         Err(refused) => break refused,
    ///     }
    /// };
    /// assert_eq!(refused.into_inner(), 2);
    /// gate.wait();
    /// assert_eq!((first.wait(), second.wait()), (Ok(0), Ok(1)));
    /// ```
    pub fn into_inner(self) -> I {
        match self {
            Self::Full(i) | Self::Closed(i) | Self::Open(i) => i,
        }
    }
    /// Whether the mailbox was full.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use soop_assign::{Pool, TryAssignError, from_fn};
    ///
    /// // One worker held at a barrier, a mailbox of one: the third job finds it full.
    /// let gate = Arc::new(Barrier::new(2));
    /// let held = Arc::clone(&gate);
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .mailbox_capacity(1)
    ///     .build(from_fn(move |n: u32| {
    ///         if n == 0 {
    ///             held.wait();
    ///         }
    ///         Ok::<_, String>(n)
    ///     }))
    ///     .unwrap();
    /// let first = pool.assign(0).unwrap();
    /// let second = loop {
    ///     match pool.try_assign(1) {
    ///         Ok(ticket) => break ticket,
    ///         Err(refused) => assert!(refused.is_full()), // the worker has not taken job 0 yet
    ///     }
    /// };
    /// let refused = loop {
    ///     match pool.try_assign(2) {
    ///         Ok(_) => continue, // the worker took job 1 before blocking: try again
    ///         Err(refused) => break refused,
    ///     }
    /// };
    /// assert!(refused.is_full());
    /// gate.wait();
    /// assert_eq!((first.wait(), second.wait()), (Ok(0), Ok(1)));
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }
}

impl<I> fmt::Debug for TryAssignError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Full(..)",
            Self::Closed(_) => "Closed(..)",
            Self::Open(_) => "Open(..)",
        })
    }
}

/// Why [`assign_timeout`](crate::Pool::assign_timeout) or
/// [`assign_deadline`](crate::Pool::assign_deadline) did not take the input.
///
/// ```
/// use std::time::Duration;
/// use soop_assign::{AssignTimeoutError, Pool, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// let refused = pool.assign_timeout(4, Duration::from_millis(1)).unwrap_err();
/// assert!(matches!(refused, AssignTimeoutError::Closed(4)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssignTimeoutError<I> {
    /// The mailbox stayed full until the deadline.
    #[error("timed out assigning to a full pool")]
    Timeout(I),
    /// The pool is closed.
    #[error("assigning to a closed pool")]
    Closed(I),
    /// The pool's circuit breaker is open: failing fast.
    #[error("the pool's circuit breaker is open")]
    Open(I),
}

impl<I> AssignTimeoutError<I> {
    /// The input that was not assigned.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|s: String| Ok::<_, String>(s))).unwrap();
    /// pool.stop();
    /// let refused = pool.assign_timeout("back".to_string(), Duration::from_secs(1)).unwrap_err();
    /// assert_eq!(refused.into_inner(), "back");
    /// ```
    pub fn into_inner(self) -> I {
        match self {
            Self::Timeout(i) | Self::Closed(i) | Self::Open(i) => i,
        }
    }
    /// Whether the deadline passed.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.stop();
    /// assert!(!pool.assign_timeout(1, Duration::from_secs(1)).unwrap_err().is_timeout()); // closed, not late
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}

impl<I> fmt::Debug for AssignTimeoutError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Timeout(_) => "Timeout(..)",
            Self::Closed(_) => "Closed(..)",
            Self::Open(_) => "Open(..)",
        })
    }
}

/// Why [`Ticket::wait_timeout`] or [`Ticket::wait_deadline`] returned no
/// output.
///
/// ```
/// use std::time::Duration;
/// use soop_assign::{Error, Pool, WaitTimeoutError, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Err::<u8, _>(format!("no {n}")))).unwrap();
/// match pool.assign(1).unwrap().wait_timeout(Duration::from_secs(60)) {
///     Err(WaitTimeoutError::Job(Error::Failed(e))) => assert_eq!(e, "no 1"),
///     _ => unreachable!(),
/// }
/// ```
pub enum WaitTimeoutError<T, E> {
    /// The deadline passed first; the ticket is inside, to wait again.
    Timeout(Ticket<T, E>),
    /// The job ended without an output.
    Job(Error<E>),
}

impl<T, E> WaitTimeoutError<T, E> {
    /// Whether the deadline passed (the ticket can be waited on again).
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// // The job waits at a barrier until we let it go.
    /// let gate = Arc::new(Barrier::new(2));
    /// let held = Arc::clone(&gate);
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .build(from_fn(move |n: u32| {
    ///         held.wait();
    ///         Ok::<_, String>(n * 2)
    ///     }))
    ///     .unwrap();
    /// let late = pool.assign(21).unwrap().wait_timeout(Duration::from_millis(1)).unwrap_err();
    /// assert!(late.is_timeout());
    /// gate.wait();
    /// assert_eq!(late.into_ticket().unwrap().wait(), Ok(42));
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// The ticket back, if the deadline passed.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// // The job waits at a barrier until we let it go.
    /// let gate = Arc::new(Barrier::new(2));
    /// let held = Arc::clone(&gate);
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .build(from_fn(move |n: u32| {
    ///         held.wait();
    ///         Ok::<_, String>(n * 2)
    ///     }))
    ///     .unwrap();
    /// let late = pool.assign(21).unwrap().wait_timeout(Duration::from_millis(1)).unwrap_err();
    /// let ticket = late.into_ticket().expect("timed out, so the ticket comes back");
    /// gate.wait();
    /// assert_eq!(ticket.wait(), Ok(42));
    /// ```
    pub fn into_ticket(self) -> Option<Ticket<T, E>> {
        match self {
            Self::Timeout(ticket) => Some(ticket),
            Self::Job(_) => None,
        }
    }
}

impl<T, E: fmt::Debug> fmt::Debug for WaitTimeoutError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(_) => f.write_str("Timeout(..)"),
            Self::Job(e) => f.debug_tuple("Job").field(e).finish(),
        }
    }
}

impl<T, E: fmt::Display> fmt::Display for WaitTimeoutError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(_) => f.write_str("timed out waiting for a ticket"),
            Self::Job(e) => e.fmt(f),
        }
    }
}

impl<T, E: fmt::Debug + fmt::Display> std::error::Error for WaitTimeoutError<T, E> {}
