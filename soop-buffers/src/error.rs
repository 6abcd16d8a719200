//! Every error of this crate. Errors of operations that could not deliver a
//! value hand that value back, so nothing is lost; their `Debug` is written by
//! hand so that `.unwrap()` works whatever the payload type.

use std::fmt;

/// A configuration value that cannot work, reported by a `build()` or `new()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A size that must be at least 1 was 0.
    #[error("{what} must be at least 1, got 0")]
    Zero {
        /// The setting's name, as its setter is called.
        what: &'static str,
    },
    /// A size beyond what this crate accepts.
    #[error("{what} must be at most {max}, got {value}")]
    TooLarge {
        /// The setting's name, as its setter is called.
        what: &'static str,
        /// The value given.
        value: usize,
        /// The largest value accepted.
        max: usize,
    },
}

macro_rules! opaque_debug {
    ($ty:ident { $($variant:ident),* }) => {
        impl<T> fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Self::$variant(..) => f.write_str(concat!(stringify!($variant), "(..)")),)*
                }
            }
        }
    };
}

/// A [`Slab`](crate::Slab) had no room for another element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the slab is full")]
pub struct SlabFull;

/// The channel is closed; the item that could not be sent is inside.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sending on a closed channel")]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// The item that was not sent.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

/// Why [`try_send`](crate::Sender::try_send) did not take the item.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrySendError<T> {
    /// The sender's slab and the channel are both full.
    #[error("sending on a full channel")]
    Full(T),
    /// The channel is closed.
    #[error("sending on a closed channel")]
    Closed(T),
}
opaque_debug!(TrySendError { Full, Closed });

impl<T> TrySendError<T> {
    /// The item that was not sent.
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::Closed(item) => item,
        }
    }
    /// Whether the channel was full.
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }
    /// Whether the channel was closed.
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

/// Why [`send_timeout`](crate::Sender::send_timeout) or
/// [`send_deadline`](crate::Sender::send_deadline) did not take the item.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendTimeoutError<T> {
    /// The channel stayed full until the deadline.
    #[error("timed out sending on a full channel")]
    Timeout(T),
    /// The channel is closed.
    #[error("sending on a closed channel")]
    Closed(T),
}
opaque_debug!(SendTimeoutError { Timeout, Closed });

impl<T> SendTimeoutError<T> {
    /// The item that was not sent.
    pub fn into_inner(self) -> T {
        match self {
            Self::Timeout(item) | Self::Closed(item) => item,
        }
    }
    /// Whether the deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
    /// Whether the channel was closed.
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

/// The channel is closed and everything sent on it has been received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("receiving on a closed and empty channel")]
pub struct RecvError;

/// Why [`try_recv`](crate::Receiver::try_recv) returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TryRecvError {
    /// Nothing is queued now.
    #[error("receiving on an empty channel")]
    Empty,
    /// The channel is closed and drained.
    #[error("receiving on a closed and empty channel")]
    Closed,
}

/// Why [`recv_timeout`](crate::Receiver::recv_timeout) or
/// [`recv_deadline`](crate::Receiver::recv_deadline) returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecvTimeoutError {
    /// Nothing arrived before the deadline.
    #[error("timed out receiving on an empty channel")]
    Timeout,
    /// The channel is closed and drained.
    #[error("receiving on a closed and empty channel")]
    Closed,
}

/// Why a [`Reply`](crate::Reply) holds no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The writing side was dropped without replying.
    #[error("the reply was never written: its writer was dropped")]
    Closed,
    /// The value was already taken from this reply.
    #[error("the reply was already taken")]
    Taken,
}

/// Why [`try_take`](crate::Reply::try_take) returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TryTakeError {
    /// No value yet.
    #[error("the reply has not arrived yet")]
    Empty,
    /// The writing side was dropped without replying.
    #[error("the reply was never written: its writer was dropped")]
    Closed,
    /// The value was already taken from this reply.
    #[error("the reply was already taken")]
    Taken,
}

/// Why [`wait_timeout`](crate::Reply::wait_timeout) or
/// [`wait_deadline`](crate::Reply::wait_deadline) returned no value.
#[derive(PartialEq, Eq, thiserror::Error)]
pub enum WaitTimeoutError<W> {
    /// The deadline passed first; the waiting handle is inside, to wait again.
    #[error("timed out waiting for a reply")]
    Timeout(W),
    /// The writing side was dropped without replying.
    #[error("the reply was never written: its writer was dropped")]
    Closed,
}

impl<W> fmt::Debug for WaitTimeoutError<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(_) => f.write_str("Timeout(..)"),
            Self::Closed => f.write_str("Closed"),
        }
    }
}

impl<W> WaitTimeoutError<W> {
    /// Whether the deadline passed (the handle can be waited on again).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}
