//! The sending half: fills its own slab and ships it whole.

use std::time::{Duration, Instant};

use super::chan::{Chan, Fail};
use crate::error::{SendError, SendTimeoutError, TrySendError};
use crate::recycle::{Clear, Recycle, Refill};
use crate::slab::Slab;
use crate::sync::{Arc, Wait};

/// The sending half of a buffer channel.
///
/// A sender fills a slab of its own and ships it to the receivers when it is
/// full, on [`flush`](Sender::flush), when the sender is dropped, and at once
/// whenever a send finds a receiver blocked waiting. Between those moments
/// items wait in the sender's slab: a sender that goes quiet while a receiver
/// is busy should `flush` before it blocks elsewhere (soop's pools and
/// pipelines do).
///
/// Sending blocks while the channel already holds its capacity of slabs:
/// that is the backpressure. Clone the sender for another thread; each clone
/// has its own slab, and items of one sender arrive in the order it sent them.
///
/// ```
/// let (mut tx, rx) = soop_buffers::bounded::<u32>(4, 64).unwrap();
/// tx.send(1).unwrap(); // waits in the sender's slab...
/// assert!(rx.try_recv().is_err());
/// tx.flush().unwrap(); // ...until flushed (or full, or dropped)
/// assert_eq!(rx.recv(), Ok(1));
/// ```
pub struct Sender<T, R: Recycle<T> = Clear> {
    chan: Arc<Chan<T, R>>,
    slab: Option<Slab<T, R>>,
    /// The pool's slab length, kept here for the fast path.
    slab_len: usize,
}

impl<T, R: Recycle<T>> Sender<T, R> {
    pub(crate) fn new(chan: Arc<Chan<T, R>>) -> Self {
        let slab_len = chan.pool.slab_len();
        Sender {
            chan,
            slab: None,
            slab_len,
        }
    }

    /// Sends `item`, blocking while the channel is full.
    ///
    /// # Errors
    /// [`SendError`] with the item when the channel is closed.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<&str>(1, 8).unwrap();
    /// tx.send("kept").unwrap();
    /// drop(rx);
    /// assert_eq!(tx.send("refused").unwrap_err().into_inner(), "refused");
    /// ```
    pub fn send(&mut self, item: T) -> Result<(), SendError<T>> {
        self.put(item, Wait::FOREVER)
            .map_err(|(item, _)| SendError(item))
    }

    /// Sends `item` without blocking.
    ///
    /// An item is refused as `Full` only when the sender's own slab is full
    /// and the channel has no room to take it.
    ///
    /// # Errors
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], with the item.
    ///
    /// ```
    /// use soop_buffers::TrySendError;
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.try_send(1).unwrap(); // ships: the channel holds one slab
    /// tx.try_send(2).unwrap(); // waits in the sender's slab
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    /// drop(rx);
    /// assert_eq!(tx.try_send(4), Err(TrySendError::Closed(4)));
    /// ```
    pub fn try_send(&mut self, item: T) -> Result<(), TrySendError<T>> {
        self.put(item, Wait::Never)
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
    ///
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.send(1).unwrap(); // shipped: the channel is full
    /// tx.try_send(2).unwrap(); // kept in the sender's slab
    /// let err = tx.send_timeout(3, Duration::from_millis(1)).unwrap_err();
    /// assert!(err.is_timeout());
    /// assert_eq!(err.into_inner(), 3);
    /// ```
    pub fn send_timeout(&mut self, item: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        self.put_until(item, Wait::timeout(timeout))
    }

    /// Sends `item`, blocking until `deadline` at most while the channel is
    /// full.
    ///
    /// # Errors
    /// As [`send_timeout`](Sender::send_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// tx.send_deadline(1, Instant::now() + Duration::from_secs(1)).unwrap();
    /// drop(rx);
    /// assert!(tx.send_deadline(2, Instant::now() + Duration::from_secs(1)).unwrap_err().is_closed());
    /// ```
    pub fn send_deadline(&mut self, item: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.put_until(item, Wait::Until(Some(deadline)))
    }

    /// Sends every item of `items` in order, blocking while the channel is
    /// full, and returns how many were sent. It does not flush: call
    /// [`flush`](Sender::flush) to ship the last partial slab now.
    ///
    /// # Errors
    /// [`SendError`] with the first item refused because the channel closed;
    /// items after it stay in the iterator (pass `iter.by_ref()` to keep them).
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u32>(4, 16).unwrap();
    /// assert_eq!(tx.send_batch(0..40), Ok(40));
    /// drop(tx);
    /// assert_eq!(rx.iter().sum::<u32>(), (0..40).sum());
    /// ```
    pub fn send_batch<I: IntoIterator<Item = T>>(
        &mut self,
        items: I,
    ) -> Result<usize, SendError<T>> {
        let mut sent = 0;
        for item in items {
            self.send(item)?;
            sent += 1;
        }
        Ok(sent)
    }

    /// Sends an element filled in place by `fill`: a husk kept by the
    /// channel's recycling policy when there is one, so that heap payloads
    /// are reused (see [`InPlace`](crate::InPlace)). Blocks while the channel
    /// is full.
    ///
    /// # Errors
    /// [`SendError`] with the filled element when the channel is closed.
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, InPlace};
    ///
    /// let channels = BufferChannels::<String>::builder()
    ///     .recycle(InPlace::default())
    ///     .build()
    ///     .unwrap();
    /// let (mut tx, rx) = channels.channel();
    /// tx.send_with(|s| s.push_str("no allocation once warm")).unwrap();
    /// tx.flush().unwrap();
    /// let slab = rx.recv_slab().unwrap(); // read in place; husks go back
    /// assert_eq!(slab[0], "no allocation once warm");
    /// ```
    pub fn send_with<F: FnOnce(&mut T)>(&mut self, fill: F) -> Result<(), SendError<T>>
    where
        R: Refill<T>,
    {
        let refused = |chan: &Chan<T, R>, fill: F| {
            let mut element = chan.pool.policy().new_element();
            fill(&mut element);
            SendError(element)
        };
        let slab = match self.room(Wait::FOREVER) {
            Ok(slab) => slab,
            Err(_) => return Err(refused(&self.chan, fill)),
        };
        // `room` left space, so this push cannot fail.
        let _ = slab.push_with(fill);
        self.settle(Wait::FOREVER).map_err(SendError)
    }

    /// Ships the sender's partial slab now, blocking while the channel is
    /// full. Does nothing when the slab is empty.
    ///
    /// # Errors
    /// [`SendError`] with the unshipped slab when the channel is closed.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 64).unwrap();
    /// tx.send(1).unwrap();
    /// tx.flush().unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// tx.send(2).unwrap();
    /// drop(rx);
    /// assert_eq!(&tx.flush().unwrap_err().into_inner()[..], &[2]); // the unshipped slab comes back
    /// ```
    pub fn flush(&mut self) -> Result<(), SendError<Slab<T, R>>> {
        match self.ship(Wait::FOREVER) {
            Err(Fail::Closed) => match self.slab.take() {
                Some(slab) => Err(SendError(slab)),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Ships this sender's slab, then closes the channel for every sender.
    /// Receivers still get everything shipped before the close. Idempotent.
    ///
    /// ```
    /// let (mut tx, rx) = soop_buffers::bounded::<u8>(2, 64).unwrap();
    /// let mut other = tx.clone();
    /// tx.send(1).unwrap();
    /// tx.close(); // ships, then closes for every sender
    /// assert!(other.send(2).is_err());
    /// assert_eq!(rx.recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        let _ = self.flush();
        self.chan.close();
    }

    /// Whether the channel is closed (by a `close` or by every receiver
    /// leaving).
    ///
    /// ```
    /// let (tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Items waiting in this sender's own slab, not yet shipped.
    ///
    /// ```
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(2, 64).unwrap();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.buffered(), 2);
    /// tx.flush().unwrap();
    /// assert_eq!(tx.buffered(), 0);
    /// ```
    pub fn buffered(&self) -> usize {
        self.slab.as_ref().map_or(0, |slab| slab.len())
    }

    /// Items shipped and not yet received, across all senders.
    ///
    /// ```
    /// let (mut tx, _rx) = soop_buffers::bounded::<u8>(2, 64).unwrap();
    /// tx.send(1).unwrap();
    /// assert_eq!(tx.queued(), 0); // still in our slab
    /// tx.flush().unwrap();
    /// assert_eq!(tx.queued(), 1);
    /// ```
    pub fn queued(&self) -> usize {
        self.chan.len()
    }

    /// How many receivers are blocked waiting right now: a snapshot, for
    /// diagnostics and tests. While it is above zero, every send ships at
    /// once.
    ///
    /// ```
    /// let (tx, rx) = soop_buffers::bounded::<u8>(2, 64).unwrap();
    /// assert_eq!(tx.parked_receivers(), 0); // nobody is waiting yet
    /// # drop(rx);
    /// ```
    pub fn parked_receivers(&self) -> usize {
        self.chan.parked_receivers()
    }

    fn put_until(&mut self, item: T, wait: Wait) -> Result<(), SendTimeoutError<T>> {
        self.put(item, wait).map_err(|(item, fail)| match fail {
            Fail::NotNow => SendTimeoutError::Timeout(item),
            Fail::Closed => SendTimeoutError::Closed(item),
        })
    }

    /// The one send path: make room, push, ship early if it is time.
    #[inline]
    fn put(&mut self, item: T, wait: Wait) -> Result<(), (T, Fail)> {
        // The common case, kept small enough to inline: room to spare in our
        // slab, nobody waiting, not closed. The push cannot fill the slab, so
        // nothing is due to ship.
        if let Some(slab) = self.slab.as_mut()
            && slab.items.len() + 1 < self.slab_len
            && !self.chan.receiver_parked()
            && !self.chan.is_closed()
        {
            slab.items.push(item);
            return Ok(());
        }
        self.put_slow(item, wait)
    }

    #[cold]
    fn put_slow(&mut self, item: T, wait: Wait) -> Result<(), (T, Fail)> {
        let slab = match self.room(wait) {
            Ok(slab) => slab,
            Err(fail) => return Err((item, fail)),
        };
        if let Err(item) = slab.push(item) {
            return Err((item, Fail::NotNow));
        }
        self.settle(wait).map_err(|item| (item, Fail::Closed))
    }

    /// This sender's slab with room for one more item, shipping the full one
    /// first.
    fn room(&mut self, wait: Wait) -> Result<&mut Slab<T, R>, Fail> {
        if self.chan.is_closed() {
            return Err(Fail::Closed);
        }
        if self.slab.as_ref().is_some_and(|slab| slab.is_full()) {
            self.ship(wait)?;
        }
        let chan = &self.chan;
        Ok(self.slab.get_or_insert_with(|| chan.pool.get()))
    }

    /// After a push: ships when the slab is full or a receiver is waiting.
    /// A full or timed-out channel is not an error here (the item is in our
    /// slab and ships with the next send, flush or drop); a closed one hands
    /// the item just pushed back.
    fn settle(&mut self, wait: Wait) -> Result<(), T> {
        let due = self
            .slab
            .as_ref()
            .is_some_and(|slab| slab.is_full() || self.chan.receiver_parked());
        if due && self.ship(wait) == Err(Fail::Closed) {
            if let Some(item) = self.slab.as_mut().and_then(|slab| slab.items.pop()) {
                return Err(item);
            }
        }
        Ok(())
    }

    /// Ships this sender's slab; on failure it stays with the sender.
    fn ship(&mut self, wait: Wait) -> Result<(), Fail> {
        let Some(slab) = self.slab.take() else {
            return Ok(());
        };
        self.chan.ship(slab, wait, false).map_err(|(slab, fail)| {
            self.slab = Some(slab);
            fail
        })
    }
}

impl<T, R: Recycle<T>> Clone for Sender<T, R> {
    /// Another sender on the same channel, with a slab of its own.
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender::new(Arc::clone(&self.chan))
    }
}

impl<T, R: Recycle<T>> Drop for Sender<T, R> {
    /// Ships what is left in this sender's slab, even past the capacity, so
    /// that dropping never blocks and never loses an item of an open channel.
    fn drop(&mut self) {
        if let Some(slab) = self.slab.take() {
            let _ = self.chan.ship(slab, Wait::Never, true);
        }
        self.chan.drop_sender();
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for Sender<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("buffered", &self.buffered())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
