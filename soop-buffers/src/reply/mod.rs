//! Recycled one-shot reply slots: fill once, take once.
//!
//! A [`ReplySlots`] pool hands out pairs: a [`ReplyTo`] for the side that
//! answers and a [`Reply`] for the side that waits. A slot goes back to its
//! pool only once both sides are done with it (whichever ends last gives it
//! back): a value written late,
//! for a `Reply` already dropped, comes back as [`Completion::Abandoned`],
//! and no other `Reply` can ever see it. The answer travels without a lock
//! (`slot.rs` beside this file), and a slot is taken and given back with a
//! compare-and-swap and a store (`free_list.rs`).

mod free_list;
mod slot;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::error::{ReplyError, TryTakeError, WaitTimeoutError};
use crate::sync::Arc;
use free_list::FreeList;
use slot::{ReaderEnd, WriterEnd};

/// A pool of recycled reply slots. Cloning it gives another handle to the
/// same pool.
///
/// A slot goes back to the pool when both its ends are done, whichever
/// ends last, so abandoned replies are recycled too. Threads that reach the
/// idle slots at the very same moment do not wait for one another: one of
/// them makes a new slot (or frees the one it gives back) instead. So a
/// pool paired from by one thread allocates nothing once warm; one shared
/// by threads pairing at once allocates now and then (measured here: one
/// pair in 800 to 2,000, with two threads doing nothing else).
///
/// ```
/// use soop_buffers::ReplySlots;
///
/// let slots = ReplySlots::<u32>::new(16);
/// let (reply_to, reply) = slots.pair();
/// std::thread::spawn(move || {
///     let _ = reply_to.complete(42);
/// });
/// assert_eq!(reply.wait(), Ok(42));
///
/// let (reply_to, reply) = slots.pair(); // the same slot, reused
/// drop(reply_to); // the answering side gave up
/// assert!(reply.wait().is_err());
/// assert_eq!(slots.stats().allocated, 1);
/// ```
pub struct ReplySlots<T> {
    owner: Arc<Owner<T>>,
}

/// Counters that make slot reuse provable.
///
/// ```
/// use soop_buffers::ReplySlots;
///
/// let slots = ReplySlots::<u8>::new(4);
/// for n in 0..3 {
///     let (reply_to, reply) = slots.pair();
///     let _ = reply_to.complete(n);
///     assert_eq!(reply.wait(), Ok(n));
/// }
/// let stats = slots.stats();
/// assert_eq!((stats.allocated, stats.reused), (1, 2)); // one slot, used three times
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplyStats {
    /// Slots allocated because none was free.
    pub allocated: u64,
    /// Slots handed out again.
    pub reused: u64,
    /// Free slots now.
    pub idle: usize,
}

/// What the handles of one pool share. Its drop, when the last handle
/// goes, closes the free list (whose slots hold it too).
struct Owner<T> {
    list: Arc<FreeList<T>>,
    max_idle: usize,
}

impl<T> Drop for Owner<T> {
    fn drop(&mut self) {
        self.list.close();
    }
}

/// What became of a value given to [`ReplyTo::complete`].
///
/// ```
/// use soop_buffers::{Completion, ReplySlots};
///
/// let slots = ReplySlots::new(2);
/// let (reply_to, reply) = slots.pair();
/// assert_eq!(reply_to.complete(1), Completion::Delivered);
/// assert_eq!(reply.wait(), Ok(1));
/// ```
#[must_use = "an abandoned value comes back and may need handling"]
#[derive(Debug, PartialEq, Eq)]
pub enum Completion<T> {
    /// The value is in the slot for its `Reply` to take.
    Delivered,
    /// The `Reply` was dropped first; the value comes back.
    Abandoned(T),
}

impl<T> ReplySlots<T> {
    /// A pool keeping at most `max_idle` free slots (0 keeps none).
    ///
    /// ```
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::<u8>::new(0); // keep no free slot: each pair allocates
    /// drop(slots.pair());
    /// assert_eq!(slots.stats().idle, 0);
    /// ```
    pub fn new(max_idle: usize) -> Self {
        ReplySlots {
            owner: Arc::new(Owner {
                list: Arc::new(FreeList::new(max_idle)),
                max_idle,
            }),
        }
    }

    /// A fresh pair over a free slot (allocating one only if none is free).
    ///
    /// ```
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::new(8);
    /// let (reply_to, reply) = slots.pair();
    /// let worker = std::thread::spawn(move || {
    ///     let _ = reply_to.complete("done");
    /// });
    /// assert_eq!(reply.wait(), Ok("done"));
    /// worker.join().unwrap();
    /// ```
    pub fn pair(&self) -> (ReplyTo<T>, Reply<T>) {
        let (writer, reader) = slot::ends(FreeList::take(&self.owner.list));
        let reply_to = ReplyTo { end: Some(writer) };
        let reply = Reply { end: reader };
        (reply_to, reply)
    }

    /// A snapshot of the pool's counters.
    ///
    /// ```
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::<u8>::new(8);
    /// let pairs: Vec<_> = (0..3).map(|_| slots.pair()).collect();
    /// drop(pairs);
    /// assert_eq!((slots.stats().allocated, slots.stats().idle), (3, 3));
    /// ```
    pub fn stats(&self) -> ReplyStats {
        let list = &self.owner.list;
        ReplyStats {
            allocated: list.allocated(),
            reused: list.reused(),
            idle: list.idle(),
        }
    }
}

impl<T> Clone for ReplySlots<T> {
    fn clone(&self) -> Self {
        ReplySlots {
            owner: Arc::clone(&self.owner),
        }
    }
}

impl<T> std::fmt::Debug for ReplySlots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplySlots")
            .field("max_idle", &self.owner.max_idle)
            .field("stats", &self.stats())
            .finish()
    }
}

/// The answering side of a reply slot: completes it once, or, dropped
/// unused, tells the waiter no reply will come.
///
/// ```
/// use soop_buffers::{ReplyError, ReplySlots};
///
/// let slots = ReplySlots::<u8>::new(2);
/// let (reply_to, reply) = slots.pair();
/// drop(reply_to); // dropped unused: the waiter learns no reply will come
/// assert_eq!(reply.wait(), Err(ReplyError::Closed));
/// ```
pub struct ReplyTo<T> {
    /// `None` once completed, so `Drop` knows there is nothing to report.
    /// `None` once completed.
    end: Option<WriterEnd<T>>,
}

impl<T> ReplyTo<T> {
    /// Puts `value` in the slot and wakes the waiter, unless the waiter has
    /// gone: then the value comes back as [`Completion::Abandoned`].
    ///
    /// ```
    /// use soop_buffers::{Completion, ReplySlots};
    ///
    /// let slots = ReplySlots::new(4);
    /// let (reply_to, reply) = slots.pair();
    /// drop(reply); // nobody waits any more
    /// let (_next_to, next) = slots.pair(); // a later pair: never the abandoned slot
    /// assert_eq!(reply_to.complete("late"), Completion::Abandoned("late"));
    /// assert!(!next.is_ready()); // the late value never reached it
    /// ```
    pub fn complete(mut self, value: T) -> Completion<T> {
        let Some(end) = self.end.take() else {
            return Completion::Abandoned(value);
        };
        match end.fill(value) {
            Ok(()) => Completion::Delivered,
            Err(value) => Completion::Abandoned(value),
        }
    }

    /// Whether the waiting side has gone, so that a value would come back
    /// unread. Useful to skip work nobody waits for.
    ///
    /// ```
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::<u8>::new(2);
    /// let (reply_to, reply) = slots.pair();
    /// assert!(!reply_to.is_abandoned());
    /// drop(reply);
    /// assert!(reply_to.is_abandoned()); // skip the work: nobody waits
    /// ```
    pub fn is_abandoned(&self) -> bool {
        // A stale answer only means the job runs and its value comes back
        // abandoned from `complete`, which decides atomically.
        self.end.as_ref().is_none_or(WriterEnd::is_released)
    }
}

impl<T> Drop for ReplyTo<T> {
    fn drop(&mut self) {
        if let Some(end) = self.end.take() {
            end.close();
        }
    }
}

impl<T> std::fmt::Debug for ReplyTo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyTo").finish_non_exhaustive()
    }
}

/// The waiting side of a reply slot: takes its one value, blocking, with a
/// deadline, without blocking, or as a [`Future`].
///
/// Dropping it (or taking the value) frees the slot for reuse.
///
/// ```
/// use soop_buffers::ReplySlots;
///
/// let slots = ReplySlots::new(2);
/// let (reply_to, mut reply) = slots.pair();
/// assert!(reply.try_take().is_err()); // not yet
/// let _ = reply_to.complete(3);
/// assert_eq!(reply.try_take(), Ok(3));
/// ```
pub struct Reply<T> {
    /// Its drop ends the wait: drops a value not taken, and gives the slot
    /// back if the writer is done with it (else the writer does).
    end: ReaderEnd<T>,
}

impl<T> Reply<T> {
    /// Blocks until the value arrives.
    ///
    /// # Errors
    /// [`ReplyError::Closed`] when the `ReplyTo` was dropped without a value;
    /// [`ReplyError::Taken`] when it was already taken (by `try_take` or by
    /// polling).
    ///
    /// ```
    /// use soop_buffers::{ReplyError, ReplySlots};
    ///
    /// let slots = ReplySlots::new(2);
    /// let (reply_to, mut reply) = slots.pair();
    /// let _ = reply_to.complete(4);
    /// assert_eq!(reply.try_take(), Ok(4));
    /// assert_eq!(reply.wait(), Err(ReplyError::Taken));
    /// ```
    pub fn wait(mut self) -> Result<T, ReplyError> {
        match self.take(None) {
            Ok(value) => Ok(value),
            Err(TryTakeError::Taken) => Err(ReplyError::Taken),
            Err(_) => Err(ReplyError::Closed),
        }
    }

    /// Blocks at most `timeout` for the value.
    ///
    /// # Errors
    /// [`WaitTimeoutError::Timeout`] hands this `Reply` back to wait again;
    /// [`WaitTimeoutError::Closed`] when no value will come (or it was
    /// already taken).
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::{ReplySlots, WaitTimeoutError};
    ///
    /// let slots = ReplySlots::new(4);
    /// let (reply_to, reply) = slots.pair();
    /// let Err(WaitTimeoutError::Timeout(reply)) = reply.wait_timeout(Duration::from_millis(1)) else {
    ///     panic!("nothing was sent yet");
    /// };
    /// let _ = reply_to.complete(5);
    /// assert_eq!(reply.wait(), Ok(5)); // the same reply, waited on again
    /// ```
    pub fn wait_timeout(self, timeout: Duration) -> Result<T, WaitTimeoutError<Self>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.wait_deadline(deadline),
            None => self.wait().map_err(|_| WaitTimeoutError::Closed),
        }
    }

    /// Blocks until `deadline` at most for the value.
    ///
    /// # Errors
    /// As [`wait_timeout`](Reply::wait_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::new(2);
    /// let (reply_to, reply) = slots.pair();
    /// let _ = reply_to.complete(5);
    /// assert_eq!(reply.wait_deadline(Instant::now() + Duration::from_secs(60)).ok(), Some(5));
    /// ```
    pub fn wait_deadline(mut self, deadline: Instant) -> Result<T, WaitTimeoutError<Self>> {
        match self.take(Some(deadline)) {
            Ok(value) => Ok(value),
            Err(TryTakeError::Empty) => Err(WaitTimeoutError::Timeout(self)),
            Err(_) => Err(WaitTimeoutError::Closed),
        }
    }

    /// Takes the value if it has arrived, without blocking.
    ///
    /// # Errors
    /// [`TryTakeError::Empty`] (not yet), [`TryTakeError::Closed`] (never),
    /// [`TryTakeError::Taken`] (already taken).
    ///
    /// ```
    /// use soop_buffers::{ReplySlots, TryTakeError};
    ///
    /// let slots = ReplySlots::new(4);
    /// let (reply_to, mut reply) = slots.pair();
    /// assert_eq!(reply.try_take(), Err(TryTakeError::Empty));
    /// let _ = reply_to.complete('x');
    /// assert_eq!(reply.try_take(), Ok('x'));
    /// assert_eq!(reply.try_take(), Err(TryTakeError::Taken));
    /// ```
    pub fn try_take(&mut self) -> Result<T, TryTakeError> {
        self.end.try_take()
    }

    /// Whether [`try_take`](Reply::try_take) would return at once with a
    /// value or with `Closed`.
    ///
    /// ```
    /// use soop_buffers::ReplySlots;
    ///
    /// let slots = ReplySlots::new(2);
    /// let (reply_to, reply) = slots.pair();
    /// assert!(!reply.is_ready());
    /// let _ = reply_to.complete(6);
    /// assert!(reply.is_ready());
    /// ```
    pub fn is_ready(&self) -> bool {
        self.end.is_ready()
    }

    /// The blocking wait: `Empty` means the deadline passed.
    fn take(&mut self, deadline: Option<Instant>) -> Result<T, TryTakeError> {
        self.end.wait_take(deadline)
    }
}

impl<T> Future for Reply<T> {
    type Output = Result<T, ReplyError>;

    /// Ready with the value, or with an error as [`Reply::wait`]'s.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut().end.poll_take(cx.waker()) {
            Ok(value) => Poll::Ready(Ok(value)),
            Err(TryTakeError::Empty) => Poll::Pending,
            Err(TryTakeError::Taken) => Poll::Ready(Err(ReplyError::Taken)),
            Err(TryTakeError::Closed) => Poll::Ready(Err(ReplyError::Closed)),
        }
    }
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply").finish_non_exhaustive()
    }
}
