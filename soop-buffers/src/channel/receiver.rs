//! The receiving half: takes items one at a time, or whole slabs.

use std::time::{Duration, Instant};

use super::chan::{Chan, Fail};
use crate::error::{RecvError, RecvTimeoutError, TryRecvError};
use crate::recycle::{Clear, Recycle};
use crate::slab::Slab;
use crate::sync::{Arc, Wait};

/// The receiving half of a buffer channel.
///
/// [`recv`](Receiver::recv) takes one item at a time, so several receivers
/// share the work item by item; [`recv_slab`](Receiver::recv_slab) and the
/// iterators take a whole shipped slab, the fastest way to drain a busy
/// channel. Drained slabs
/// go back to the pool. Clone the receiver for another thread.
///
/// Once every sender is gone (or the channel is closed), receivers still get
/// everything that was shipped, then [`RecvError`].
///
/// ```
/// let (mut tx, rx) = soop_buffers::bounded::<u32>(4, 8).unwrap();
/// let producer = std::thread::spawn(move || tx.send_batch(1..=100).unwrap());
/// let total: u32 = rx.iter().sum(); // ends when the sender is dropped
/// assert_eq!(total, 5050);
/// assert_eq!(producer.join().unwrap(), 100);
/// ```
pub struct Receiver<T, R: Recycle<T> = Clear> {
    chan: Arc<Chan<T, R>>,
}

impl<T, R: Recycle<T>> Receiver<T, R> {
    pub(crate) fn new(chan: Arc<Chan<T, R>>) -> Self {
        Receiver { chan }
    }

    /// Takes the next item, blocking until one is shipped.
    ///
    /// # Errors
    /// [`RecvError`] when the channel is closed and drained.
    ///
    /// ```
    /// use soop_buffers::RecvError;
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 4).unwrap();
    /// tx.send(7).unwrap();
    /// drop(tx); // ships the partial slab, then closes
    /// assert_eq!(rx.recv(), Ok(7));
    /// assert_eq!(rx.recv(), Err(RecvError));
    /// ```
    pub fn recv(&self) -> Result<T, RecvError> {
        self.chan.recv(Wait::FOREVER).map_err(|_| RecvError)
    }

    /// Takes the next item if one is shipped, without blocking.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] or [`TryRecvError::Closed`].
    ///
    /// ```
    /// use soop_buffers::TryRecvError;
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 4).unwrap();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// drop(tx); // ships the slab, then closes
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.chan.recv(Wait::Never).map_err(|fail| match fail {
            Fail::NotNow => TryRecvError::Empty,
            Fail::Closed => TryRecvError::Closed,
        })
    }

    /// Takes the next item, blocking at most `timeout`.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] or [`RecvTimeoutError::Closed`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::RecvTimeoutError;
    ///
    /// let (_tx, rx) = soop_buffers::bounded::<u8>(1, 4).unwrap();
    /// let waited = rx.recv_timeout(Duration::from_millis(1));
    /// assert_eq!(waited, Err(RecvTimeoutError::Timeout));
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.recv_until(Wait::timeout(timeout))
    }

    /// Takes the next item, blocking until `deadline` at most.
    ///
    /// # Errors
    /// As [`recv_timeout`](Receiver::recv_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_buffers::RecvTimeoutError;
    ///
    /// let (_tx, rx) = soop_buffers::bounded::<u8>(2, 4).unwrap();
    /// let soon = Instant::now() + Duration::from_millis(1);
    /// assert_eq!(rx.recv_deadline(soon), Err(RecvTimeoutError::Timeout));
    /// ```
    pub fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        self.recv_until(Wait::Until(Some(deadline)))
    }

    /// Takes a whole slab (the rest of a partly received one, else the next
    /// shipped), blocking until there is one. Dropping it returns it to the
    /// pool.
    ///
    /// # Errors
    /// [`RecvError`] when the channel is closed and drained.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u32>(2, 4).unwrap();
    /// tx.send_batch(0..6).unwrap(); // one full slab shipped, two items buffered
    /// tx.flush().unwrap();
    /// assert_eq!(&rx.recv_slab().unwrap()[..], &[0, 1, 2, 3]);
    /// assert_eq!(&rx.recv_slab().unwrap()[..], &[4, 5]);
    /// ```
    pub fn recv_slab(&self) -> Result<Slab<T, R>, RecvError> {
        self.chan.recv_slab(Wait::FOREVER).map_err(|_| RecvError)
    }

    /// Takes a whole slab if one is shipped, without blocking.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] or [`TryRecvError::Closed`].
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 4).unwrap();
    /// assert!(rx.try_recv_slab().is_err());
    /// tx.send_batch([1, 2, 3, 4]).unwrap(); // a full slab ships by itself
    /// assert_eq!(&rx.try_recv_slab().unwrap()[..], &[1, 2, 3, 4]);
    /// ```
    pub fn try_recv_slab(&self) -> Result<Slab<T, R>, TryRecvError> {
        self.chan.recv_slab(Wait::Never).map_err(|fail| match fail {
            Fail::NotNow => TryRecvError::Empty,
            Fail::Closed => TryRecvError::Closed,
        })
    }

    /// Takes a whole slab, blocking until `deadline` at most.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] or [`RecvTimeoutError::Closed`].
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 2).unwrap();
    /// tx.send_batch([5, 6]).unwrap();
    /// let slab = rx.recv_slab_deadline(Instant::now() + Duration::from_secs(60)).unwrap();
    /// assert_eq!(slab.len(), 2);
    /// ```
    pub fn recv_slab_deadline(&self, deadline: Instant) -> Result<Slab<T, R>, RecvTimeoutError> {
        self.chan
            .recv_slab(Wait::Until(Some(deadline)))
            .map_err(|fail| match fail {
                Fail::NotNow => RecvTimeoutError::Timeout,
                Fail::Closed => RecvTimeoutError::Closed,
            })
    }

    /// Moves the items of one whole slab into `buf` (blocking as
    /// [`recv_slab`](Receiver::recv_slab)) and returns how many.
    ///
    /// # Errors
    /// [`RecvError`] when the channel is closed and drained.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 3).unwrap();
    /// tx.send_batch([1, 2, 3, 4]).unwrap();
    /// drop(tx);
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_into(&mut buf), Ok(3)); // one whole slab
    /// assert_eq!(rx.recv_into(&mut buf), Ok(1)); // the last, partial one
    /// assert_eq!(buf, [1, 2, 3, 4]);
    /// assert!(rx.recv_into(&mut buf).is_err());
    /// ```
    pub fn recv_into(&self, buf: &mut Vec<T>) -> Result<usize, RecvError> {
        let mut slab = self.recv_slab()?;
        let taken = slab.len();
        buf.extend(slab.drain());
        Ok(taken)
    }

    /// A blocking iterator over items; it ends when the channel is closed
    /// and drained. It takes a slab at a time (fast, but the items of one
    /// slab go to one iterator); use [`recv`](Receiver::recv) to share items
    /// one by one among receivers. Items taken but not yielded go back to
    /// the channel when the iterator is dropped.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u32>(2, 8).unwrap();
    /// tx.send_batch(0..8).unwrap(); // one full slab, shipped
    /// let firsts: Vec<u32> = rx.iter().take(3).collect();
    /// assert_eq!(firsts, [0, 1, 2]);
    /// assert_eq!(rx.recv(), Ok(3)); // the rest went back, in order
    /// ```
    pub fn iter(&self) -> Iter<'_, T, R> {
        Iter {
            receiver: self,
            current: None,
        }
    }

    /// An iterator over the items shipped now; it never blocks.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(4, 2).unwrap();
    /// tx.send_batch([1, 2, 3]).unwrap(); // [1, 2] shipped; 3 still in the sender's slab
    /// assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    pub fn try_iter(&self) -> TryIter<'_, T, R> {
        TryIter { receiver: self }
    }

    /// Closes the channel for every sender; what was shipped can still be
    /// received. Idempotent.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.recv(), Ok(1));
    /// assert!(rx.recv().is_err());
    /// ```
    pub fn close(&self) {
        self.chan.close();
    }

    /// Whether the channel is closed to senders.
    ///
    /// ```
    /// let (tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// drop(tx);
    /// assert!(!rx.is_closed()); // senders gone is not a close
    /// rx.close();
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Items shipped and not yet received.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(4, 2).unwrap();
    /// tx.send_batch([1, 2, 3]).unwrap();
    /// assert_eq!(rx.len(), 2); // the third is still in the sender's slab
    /// tx.flush().unwrap();
    /// assert_eq!(rx.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Whether no shipped item waits. Items still in senders' slabs do not
    /// count.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(4, 8).unwrap();
    /// tx.send(1).unwrap();
    /// assert!(rx.is_empty()); // buffered by the sender, not shipped
    /// tx.flush().unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many shipped slabs the channel holds before senders block.
    ///
    /// ```
    /// let (_tx, rx) = soop_buffers::bounded::<u8>(6, 100).unwrap();
    /// assert_eq!(rx.capacity(), 6); // slabs, not items
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    fn recv_until(&self, wait: Wait) -> Result<T, RecvTimeoutError> {
        self.chan.recv(wait).map_err(|fail| match fail {
            Fail::NotNow => RecvTimeoutError::Timeout,
            Fail::Closed => RecvTimeoutError::Closed,
        })
    }
}

impl<T, R: Recycle<T>> Clone for Receiver<T, R> {
    fn clone(&self) -> Self {
        self.chan.add_receiver();
        Receiver::new(Arc::clone(&self.chan))
    }
}

impl<T, R: Recycle<T>> Drop for Receiver<T, R> {
    /// The last receiver to go closes the channel and drops what is queued.
    fn drop(&mut self) {
        self.chan.drop_receiver();
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for Receiver<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("queued", &self.len())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// A blocking iterator over a [`Receiver`]'s items, from [`Receiver::iter`].
///
/// It takes a whole slab at a time and yields its items, the fast way to
/// drain a channel; items it has taken but not yielded go back to the head
/// of the channel when it is dropped, so breaking out of a loop loses
/// nothing.
///
/// ```
/// let (mut tx, rx) = soop_buffers::bounded::<u32>(4, 16).unwrap();
/// let producer = std::thread::spawn(move || tx.send_batch(0..100).unwrap());
/// let total: u32 = rx.iter().sum(); // ends once the sender is gone and all is read
/// producer.join().unwrap();
/// assert_eq!(total, 4950);
/// ```
pub struct Iter<'a, T, R: Recycle<T> = Clear> {
    receiver: &'a Receiver<T, R>,
    /// The slab being yielded, reversed so that `pop` gives send order.
    current: Option<Slab<T, R>>,
}

impl<T, R: Recycle<T>> Iterator for Iter<'_, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        next_from_slab(self.receiver, &mut self.current)
    }
}

impl<T, R: Recycle<T>> Drop for Iter<'_, T, R> {
    fn drop(&mut self) {
        give_back_unread(self.receiver, &mut self.current);
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for Iter<'_, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter").finish_non_exhaustive()
    }
}

/// The next item of `current`, taking the next slab when it is used up.
fn next_from_slab<T, R: Recycle<T>>(
    receiver: &Receiver<T, R>,
    current: &mut Option<Slab<T, R>>,
) -> Option<T> {
    loop {
        if let Some(item) = current.as_mut().and_then(|slab| slab.items.pop()) {
            return Some(item);
        }
        // The used-up slab goes back to the pool before we wait for another.
        *current = None;
        let mut slab = receiver.recv_slab().ok()?;
        slab.items.reverse();
        *current = Some(slab);
    }
}

fn give_back_unread<T, R: Recycle<T>>(receiver: &Receiver<T, R>, current: &mut Option<Slab<T, R>>) {
    if let Some(mut slab) = current.take() {
        slab.items.reverse();
        receiver.chan.unread(slab);
    }
}

/// A non-blocking iterator over a [`Receiver`]'s items, from
/// [`Receiver::try_iter`].
///
/// ```
/// let (mut tx, rx) = soop_buffers::bounded::<u8>(4, 2).unwrap();
/// tx.send_batch([1, 2]).unwrap();
/// let now: Vec<u8> = rx.try_iter().collect(); // what is there, no waiting
/// assert_eq!(now, [1, 2]);
/// ```
#[derive(Debug)]
pub struct TryIter<'a, T, R: Recycle<T> = Clear> {
    receiver: &'a Receiver<T, R>,
}

impl<T, R: Recycle<T>> Iterator for TryIter<'_, T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}

/// An owning blocking iterator over a [`Receiver`]'s items; slab by slab,
/// as [`Iter`].
///
/// ```
/// let (mut tx, rx) = soop_buffers::bounded::<u8>(4, 2).unwrap();
/// tx.send_batch([1, 2, 3]).unwrap();
/// drop(tx);
/// let all: Vec<u8> = rx.into_iter().collect();
/// assert_eq!(all, [1, 2, 3]);
/// ```
pub struct IntoIter<T, R: Recycle<T> = Clear> {
    receiver: Receiver<T, R>,
    current: Option<Slab<T, R>>,
}

impl<T, R: Recycle<T>> Iterator for IntoIter<T, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        next_from_slab(&self.receiver, &mut self.current)
    }
}

impl<T, R: Recycle<T>> Drop for IntoIter<T, R> {
    fn drop(&mut self) {
        give_back_unread(&self.receiver, &mut self.current);
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for IntoIter<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntoIter").finish_non_exhaustive()
    }
}

impl<T, R: Recycle<T>> IntoIterator for Receiver<T, R> {
    type Item = T;
    type IntoIter = IntoIter<T, R>;
    fn into_iter(self) -> IntoIter<T, R> {
        IntoIter {
            receiver: self,
            current: None,
        }
    }
}

impl<'a, T, R: Recycle<T>> IntoIterator for &'a Receiver<T, R> {
    type Item = T;
    type IntoIter = Iter<'a, T, R>;
    fn into_iter(self) -> Iter<'a, T, R> {
        self.iter()
    }
}
