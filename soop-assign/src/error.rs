//! Every error of soop-assign. Errors of calls that could not take an input
//! hand it back; their `Debug` is written by hand so `.unwrap()` works for
//! any input type.

use std::fmt;

use crate::ticket::Ticket;

/// Why a ticket holds no output.
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
/// closed pool; the input is inside.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("assigning to a closed pool")]
pub struct AssignError<I>(pub I);

impl<I> AssignError<I> {
    /// The input that was not assigned.
    pub fn into_inner(self) -> I {
        self.0
    }
}

impl<I> fmt::Debug for AssignError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AssignError(..)")
    }
}

/// Why [`try_assign`](crate::Pool::try_assign) or
/// [`try_cast`](crate::Pool::try_cast) did not take the input.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TryAssignError<I> {
    /// The mailbox is full.
    #[error("the pool's mailbox is full")]
    Full(I),
    /// The pool is closed.
    #[error("assigning to a closed pool")]
    Closed(I),
}

impl<I> TryAssignError<I> {
    /// The input that was not assigned.
    pub fn into_inner(self) -> I {
        match self {
            Self::Full(i) | Self::Closed(i) => i,
        }
    }
    /// Whether the mailbox was full.
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }
}

impl<I> fmt::Debug for TryAssignError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Full(..)",
            Self::Closed(_) => "Closed(..)",
        })
    }
}

/// Why [`assign_timeout`](crate::Pool::assign_timeout) or
/// [`assign_deadline`](crate::Pool::assign_deadline) did not take the input.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssignTimeoutError<I> {
    /// The mailbox stayed full until the deadline.
    #[error("timed out assigning to a full pool")]
    Timeout(I),
    /// The pool is closed.
    #[error("assigning to a closed pool")]
    Closed(I),
}

impl<I> AssignTimeoutError<I> {
    /// The input that was not assigned.
    pub fn into_inner(self) -> I {
        match self {
            Self::Timeout(i) | Self::Closed(i) => i,
        }
    }
    /// Whether the deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}

impl<I> fmt::Debug for AssignTimeoutError<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Timeout(_) => "Timeout(..)",
            Self::Closed(_) => "Closed(..)",
        })
    }
}

/// Why [`Ticket::wait_timeout`] or [`Ticket::wait_deadline`] returned no
/// output.
pub enum WaitTimeoutError<T, E> {
    /// The deadline passed first; the ticket is inside, to wait again.
    Timeout(Ticket<T, E>),
    /// The job ended without an output.
    Job(Error<E>),
}

impl<T, E> WaitTimeoutError<T, E> {
    /// Whether the deadline passed (the ticket can be waited on again).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }

    /// The ticket back, if the deadline passed.
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
