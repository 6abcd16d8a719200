//! Every error of this crate. Errors of operations that could not deliver a
//! value hand that value back, so nothing is lost; their `Debug` is written by
//! hand so that `.unwrap()` works whatever the payload type.

use std::fmt;

/// A configuration value that cannot work, reported by a `build()` or `new()`.
///
/// ```
/// use soop_buffers::{ConfigError, SlabPool};
///
/// let err = SlabPool::<u8>::new(usize::MAX, 1).unwrap_err();
/// assert!(matches!(err, ConfigError::TooLarge { what: "slab_len", .. }));
/// assert!(err.to_string().starts_with("slab_len must be at most"));
/// ```
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
///
/// ```
/// use soop_buffers::{InPlace, SlabFull, SlabPool};
///
/// let pool = SlabPool::with_policy(1, 1, InPlace::default()).unwrap();
/// let mut slab = pool.get();
/// slab.push_with(|s: &mut String| s.push('a')).unwrap();
/// assert_eq!(slab.push_with(|s: &mut String| s.push('b')), Err(SlabFull));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the slab is full")]
pub struct SlabFull;

/// The channel is closed; the item that could not be sent is inside.
///
/// ```
/// use soop_buffers::SendError;
///
/// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// drop(rx);
/// assert!(matches!(tx.send(9), Err(SendError(9))));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sending on a closed channel")]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// The item that was not sent.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<String>(1, 1).unwrap();
    /// drop(rx);
    /// assert_eq!(tx.send("kept".into()).unwrap_err().into_inner(), "kept");
    /// ```
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
///
/// ```
/// use soop_buffers::TrySendError;
///
/// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// tx.try_send(1).unwrap(); // shipped
/// tx.try_send(2).unwrap(); // kept in the sender's slab
/// assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
/// drop(rx);
/// assert_eq!(tx.try_send(4), Err(TrySendError::Closed(4)));
/// ```
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
    ///
    /// ```
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// assert_eq!(tx.try_send(3).unwrap_err().into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::Closed(item) => item,
        }
    }
    /// Whether the channel was full.
    ///
    /// ```
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.try_send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// assert!(tx.try_send(3).unwrap_err().is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }
    /// Whether the channel was closed.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// drop(rx);
    /// assert!(tx.try_send(1).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

/// Why [`send_timeout`](crate::Sender::send_timeout) or
/// [`send_deadline`](crate::Sender::send_deadline) did not take the item.
///
/// ```
/// use std::time::Duration;
/// use soop_buffers::SendTimeoutError;
///
/// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// tx.send(1).unwrap(); // shipped: the channel is full
/// tx.try_send(2).unwrap(); // kept in the sender's slab
/// assert_eq!(tx.send_timeout(3, Duration::from_millis(1)), Err(SendTimeoutError::Timeout(3)));
/// drop(rx);
/// assert_eq!(tx.send_timeout(4, Duration::from_millis(1)), Err(SendTimeoutError::Closed(4)));
/// ```
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
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<String>(1, 1).unwrap();
    /// drop(rx);
    /// let err = tx.send_timeout("back".into(), Duration::from_secs(1)).unwrap_err();
    /// assert_eq!(err.into_inner(), "back");
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Timeout(item) | Self::Closed(item) => item,
        }
    }
    /// Whether the deadline passed.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.send(1).unwrap();
    /// tx.try_send(2).unwrap();
    /// assert!(tx.send_timeout(3, Duration::from_millis(1)).unwrap_err().is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
    /// Whether the channel was closed.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// drop(rx);
    /// assert!(tx.send_timeout(1, Duration::from_secs(1)).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

/// The channel is closed and everything sent on it has been received.
///
/// ```
/// use soop_buffers::RecvError;
///
/// let (tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// drop(tx);
/// assert_eq!(rx.recv(), Err(RecvError)); // closed and drained
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("receiving on a closed and empty channel")]
pub struct RecvError;

/// Why [`try_recv`](crate::Receiver::try_recv) returned nothing.
///
/// ```
/// use soop_buffers::TryRecvError;
///
/// let (tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
/// ```
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
///
/// ```
/// use std::time::Duration;
/// use soop_buffers::RecvTimeoutError;
///
/// let (tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
/// assert_eq!(rx.recv_timeout(Duration::from_millis(1)), Err(RecvTimeoutError::Timeout));
/// drop(tx);
/// assert_eq!(rx.recv_timeout(Duration::from_secs(60)), Err(RecvTimeoutError::Closed));
/// ```
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
///
/// ```
/// use soop_buffers::{ReplyError, ReplySlots};
///
/// let slots = ReplySlots::<u8>::new(2);
/// let (reply_to, reply) = slots.pair();
/// drop(reply_to); // the writer gave up
/// assert_eq!(reply.wait(), Err(ReplyError::Closed));
/// ```
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
///
/// ```
/// use soop_buffers::{ReplySlots, TryTakeError};
///
/// let slots = ReplySlots::new(2);
/// let (reply_to, mut reply) = slots.pair();
/// assert_eq!(reply.try_take(), Err(TryTakeError::Empty));
/// let _ = reply_to.complete(1);
/// assert_eq!(reply.try_take(), Ok(1));
/// assert_eq!(reply.try_take(), Err(TryTakeError::Taken));
/// ```
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
///
/// ```
/// use std::time::Duration;
/// use soop_buffers::{ReplySlots, WaitTimeoutError};
///
/// let slots = ReplySlots::<u8>::new(2);
/// let (reply_to, reply) = slots.pair();
/// drop(reply_to);
/// assert!(matches!(reply.wait_timeout(Duration::from_secs(60)), Err(WaitTimeoutError::Closed)));
/// ```
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
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::<u8>::new(2);
    /// let (_reply_to, reply) = slots.pair();
    /// assert!(reply.wait_timeout(Duration::from_millis(1)).unwrap_err().is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}
