//! The sending half for many threads at once: no slab of its own.

use std::time::{Duration, Instant};

use super::chan::{Chan, Fail};
use crate::error::{SendError, SendTimeoutError, TrySendError};
use crate::recycle::{Clear, Recycle};
use crate::sync::{Arc, Wait};

/// A sender that many threads can use at once through `&self`.
///
/// Each item is appended, under the channel's lock, to the slab at the tail
/// of the queue (a fresh slab from the pool when that one is full), so it is
/// visible to receivers at once and never held back. That costs a lock per
/// item, where a [`Sender`](crate::Sender) pays one per slab: use this one
/// where items come one at a time from many threads (a pool's mailbox), and
/// `Sender` for streams.
///
/// ```
/// use std::sync::Arc;
/// use soop_buffers::BufferChannels;
///
/// let channels = BufferChannels::<u32>::builder().build().unwrap();
/// let (tx, rx) = channels.shared_channel();
/// let tx = Arc::new(tx);
/// let senders: Vec<_> = (0..4)
///     .map(|t| {
///         let tx = Arc::clone(&tx);
///         std::thread::spawn(move || tx.send(t).unwrap())
///     })
///     .collect();
/// for s in senders {
///     s.join().unwrap();
/// }
/// drop(tx);
/// let mut got: Vec<u32> = rx.iter().collect();
/// got.sort();
/// assert_eq!(got, [0, 1, 2, 3]);
/// ```
pub struct SharedSender<T, R: Recycle<T> = Clear> {
    chan: Arc<Chan<T, R>>,
}

impl<T, R: Recycle<T>> SharedSender<T, R> {
    pub(crate) fn new(chan: Arc<Chan<T, R>>) -> Self {
        SharedSender { chan }
    }

    /// Sends `item`, blocking while the channel is full.
    ///
    /// # Errors
    /// [`SendError`] with the item when the channel is closed.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, rx) = BufferChannels::<&str>::builder().build().unwrap().shared_channel();
    /// tx.send("now").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("now"));
    /// drop(rx);
    /// assert_eq!(tx.send("late").unwrap_err().into_inner(), "late");
    /// ```
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        self.chan
            .push(item, Wait::FOREVER)
            .map_err(|(item, _)| SendError(item))
    }

    /// Sends `item` if there is room now.
    ///
    /// # Errors
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], with the item.
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, TrySendError};
    ///
    /// let channels = BufferChannels::<u8>::builder().capacity(1).slab_len(1).build().unwrap();
    /// let (tx, rx) = channels.shared_channel();
    /// tx.try_send(1).unwrap();
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    /// ```
    pub fn try_send(&self, item: T) -> Result<(), TrySendError<T>> {
        self.chan
            .push(item, Wait::Never)
            .map_err(|(item, fail)| match fail {
                Fail::NotNow => TrySendError::Full(item),
                Fail::Closed => TrySendError::Closed(item),
            })
    }

    /// Sends `item`, blocking at most `timeout` while the channel is full.
    ///
    /// # Errors
    /// [`SendTimeoutError::Timeout`] or [`SendTimeoutError::Closed`], with
    /// the item.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, _rx) = BufferChannels::<u8>::builder().slab_len(1).capacity(1).build().unwrap().shared_channel();
    /// tx.send(1).unwrap(); // the channel is full now
    /// assert!(tx.send_timeout(2, Duration::from_millis(1)).unwrap_err().is_timeout());
    /// ```
    pub fn send_timeout(&self, item: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        self.push_until(item, Wait::timeout(timeout))
    }

    /// Sends `item`, blocking until `deadline` at most while the channel is
    /// full.
    ///
    /// # Errors
    /// As [`send_timeout`](SharedSender::send_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, rx) = BufferChannels::<u8>::builder().build().unwrap().shared_channel();
    /// tx.send_deadline(3, Instant::now() + Duration::from_secs(1)).unwrap();
    /// assert_eq!(rx.recv(), Ok(3));
    /// ```
    pub fn send_deadline(&self, item: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.push_until(item, Wait::Until(Some(deadline)))
    }

    /// Closes the channel for every sender; receivers still get what was
    /// sent. Idempotent.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, rx) = BufferChannels::<u8>::builder().build().unwrap().shared_channel();
    /// tx.send(1).unwrap();
    /// tx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.recv(), Ok(1)); // what was sent before the close still arrives
    /// ```
    pub fn close(&self) {
        self.chan.close();
    }

    /// Whether the channel is closed.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, rx) = BufferChannels::<u8>::builder().build().unwrap().shared_channel();
    /// rx.close();
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Items sent and not yet received.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, _rx) = BufferChannels::<u8>::builder().build().unwrap().shared_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.queued(), 2);
    /// ```
    pub fn queued(&self) -> usize {
        self.chan.len()
    }

    /// How many receivers are blocked waiting right now (a snapshot).
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let (tx, _rx) = BufferChannels::<u8>::builder().build().unwrap().shared_channel();
    /// assert_eq!(tx.parked_receivers(), 0);
    /// ```
    pub fn parked_receivers(&self) -> usize {
        self.chan.parked_receivers()
    }

    fn push_until(&self, item: T, wait: Wait) -> Result<(), SendTimeoutError<T>> {
        self.chan
            .push(item, wait)
            .map_err(|(item, fail)| match fail {
                Fail::NotNow => SendTimeoutError::Timeout(item),
                Fail::Closed => SendTimeoutError::Closed(item),
            })
    }
}

impl<T, R: Recycle<T>> Clone for SharedSender<T, R> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        SharedSender::new(Arc::clone(&self.chan))
    }
}

impl<T, R: Recycle<T>> Drop for SharedSender<T, R> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for SharedSender<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedSender")
            .field("queued", &self.queued())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
