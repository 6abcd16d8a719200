//! Recycled one-shot reply slots: fill once, take once.
//!
//! A [`ReplySlots`] pool hands out pairs: a [`ReplyTo`] for the side that
//! answers and a [`Reply`] for the side that waits. When the `Reply` is done
//! (its value taken, or the `Reply` dropped) the slot goes back to the pool
//! and its **generation** moves on. A `ReplyTo` remembers the generation it
//! was issued for, so a value written late, for a wait that was abandoned,
//! finds the generation changed and comes back as
//! [`Completion::Abandoned`]: the slot's next user can never see it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::cache_line::CacheLine;
use crate::error::{ReplyError, TryTakeError, WaitTimeoutError};
use crate::sync::{
    Arc, AtomicBool, AtomicU64, Condvar, Mutex, MutexGuard, Ordering, lock, wait_until,
};

/// A pool of recycled reply slots. Cloning it gives another handle to the
/// same pool.
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
    shared: Arc<SlotsShared<T>>,
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

struct SlotsShared<T> {
    free: Mutex<Vec<Arc<Slot<T>>>>,
    max_idle: usize,
    // Relaxed, both: reported counters; nothing is published through them.
    allocated: AtomicU64,
    reused: AtomicU64,
}

struct Slot<T> {
    state: Mutex<SlotState<T>>,
    ready: Condvar,
    /// A copy of `state.generation`, so that `is_abandoned` needs no lock.
    generation: AtomicU64,
    /// Whether the slot holds a value or is closed: a copy of `state.value`
    /// that a waiting `Reply` watches without the lock, spinning briefly
    /// before it sleeps. On a line of its own, so that the spinning reader
    /// does not pull the lock's line back and forth while the writer works.
    settled: CacheLine<AtomicBool>,
}

struct SlotState<T> {
    /// Which use of the slot this is; moves on each time the slot is freed.
    generation: u64,
    value: Value<T>,
    waker: Option<Waker>,
    /// Whether the `Reply` is blocked on the condvar, so that completing
    /// pays for a notify (a system call) only when someone sleeps.
    sleeping: bool,
}

enum Value<T> {
    Pending,
    Filled(T),
    /// The `ReplyTo` was dropped without a value.
    Closed,
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
            shared: Arc::new(SlotsShared {
                free: Mutex::new(Vec::with_capacity(max_idle.min(1024))),
                max_idle,
                allocated: AtomicU64::new(0),
                reused: AtomicU64::new(0),
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
        let recycled = lock(&self.shared.free).pop();
        let slot = match recycled {
            Some(slot) => {
                self.shared.reused.fetch_add(1, Ordering::Relaxed);
                slot
            }
            None => {
                self.shared.allocated.fetch_add(1, Ordering::Relaxed);
                Arc::new(Slot {
                    state: Mutex::new(SlotState {
                        generation: 0,
                        value: Value::Pending,
                        waker: None,
                        sleeping: false,
                    }),
                    ready: Condvar::new(),
                    settled: CacheLine(AtomicBool::new(false)),
                    generation: AtomicU64::new(0),
                })
            }
        };
        let generation = lock(&slot.state).generation;
        let reply_to = ReplyTo {
            slot: Some(Arc::clone(&slot)),
            generation,
        };
        let reply = Reply {
            slot,
            generation,
            home: Arc::clone(&self.shared),
            taken: false,
        };
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
        ReplyStats {
            allocated: self.shared.allocated.load(Ordering::Relaxed),
            reused: self.shared.reused.load(Ordering::Relaxed),
            idle: lock(&self.shared.free).len(),
        }
    }
}

impl<T> Clone for ReplySlots<T> {
    fn clone(&self) -> Self {
        ReplySlots {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> std::fmt::Debug for ReplySlots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplySlots")
            .field("max_idle", &self.shared.max_idle)
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
    slot: Option<Arc<Slot<T>>>,
    generation: u64,
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
    /// let (_next_to, next) = slots.pair(); // the slot's next user
    /// assert_eq!(reply_to.complete("late"), Completion::Abandoned("late"));
    /// assert!(!next.is_ready()); // the late value never reached it
    /// ```
    pub fn complete(mut self, value: T) -> Completion<T> {
        let Some(slot) = self.slot.take() else {
            return Completion::Abandoned(value);
        };
        let mut state = lock(&slot.state);
        if state.generation != self.generation {
            return Completion::Abandoned(value);
        }
        state.value = Value::Filled(value);
        slot.settle(true);
        wake(&slot, state);
        Completion::Delivered
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
        self.slot.as_ref().is_none_or(|slot| {
            // Acquire: pairs with the Release in `Reply::drop`; a stale
            // answer only means the job runs and its value comes back
            // abandoned from `complete`, which decides under the lock.
            slot.generation.load(Ordering::Acquire) != self.generation
        })
    }
}

impl<T> Drop for ReplyTo<T> {
    fn drop(&mut self) {
        let Some(slot) = self.slot.take() else {
            return;
        };
        let mut state = lock(&slot.state);
        if state.generation != self.generation {
            return;
        }
        state.value = Value::Closed;
        slot.settle(true);
        wake(&slot, state);
    }
}

impl<T> Slot<T> {
    /// Updates the lock-free copy of "holds a value or closed"; called with
    /// the state's lock held.
    fn settle(&self, settled: bool) {
        // Release: pairs with the Acquire in `spin_until_settled`; only a
        // hint, since the waiter re-reads the value under the lock.
        self.settled.store(settled, Ordering::Release);
    }

    /// Busy-waits a little for the value before the caller sleeps: a reply
    /// often comes within microseconds, and sleeping costs a wake-up.
    fn spin_until_settled(&self) {
        if cfg!(loom) {
            return;
        }
        for round in 0..REPLY_SPINS + REPLY_YIELDS {
            if self.settled.load(Ordering::Acquire) {
                return;
            }
            if round < REPLY_SPINS {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// Checks a waiting `Reply` makes, busy-waiting, before it sleeps.
const REPLY_SPINS: u32 = 8;
/// Further checks, each after yielding the processor.
const REPLY_YIELDS: u32 = 4;

/// Wakes whoever waits on `slot`, once its state is released: the blocked
/// `Reply` (if it sleeps) and the registered waker (if any).
fn wake<T>(slot: &Slot<T>, mut state: MutexGuard<'_, SlotState<T>>) {
    let sleeping = state.sleeping;
    let waker = state.waker.take();
    drop(state);
    if sleeping {
        slot.ready.notify_one();
    }
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<T> std::fmt::Debug for ReplyTo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyTo")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
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
    slot: Arc<Slot<T>>,
    generation: u64,
    home: Arc<SlotsShared<T>>,
    taken: bool,
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
        if self.taken {
            return Err(TryTakeError::Taken);
        }
        let mut state = lock(&self.slot.state);
        take_from(&mut self.taken, &mut state)
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
        !self.taken && !matches!(lock(&self.slot.state).value, Value::Pending)
    }

    /// The blocking loop behind the waits: `Empty` means the deadline passed.
    fn take(&mut self, deadline: Option<Instant>) -> Result<T, TryTakeError> {
        if self.taken {
            return Err(TryTakeError::Taken);
        }
        self.slot.spin_until_settled();
        let mut state = lock(&self.slot.state);
        loop {
            match take_from(&mut self.taken, &mut state) {
                Err(TryTakeError::Empty) => {}
                done => return done,
            }
            let timed_out;
            state.sleeping = true;
            (state, timed_out) = wait_until(&self.slot.ready, state, deadline);
            state.sleeping = false;
            if timed_out {
                return take_from(&mut self.taken, &mut state);
            }
        }
    }
}

/// Takes the value out of `state` if there is one; `taken` records it.
fn take_from<T>(taken: &mut bool, state: &mut SlotState<T>) -> Result<T, TryTakeError> {
    match std::mem::replace(&mut state.value, Value::Pending) {
        Value::Pending => Err(TryTakeError::Empty),
        Value::Filled(value) => {
            *taken = true;
            Ok(value)
        }
        Value::Closed => {
            state.value = Value::Closed;
            Err(TryTakeError::Closed)
        }
    }
}

impl<T> Future for Reply<T> {
    type Output = Result<T, ReplyError>;

    /// Ready with the value, or with an error as [`Reply::wait`]'s.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.taken {
            return Poll::Ready(Err(ReplyError::Taken));
        }
        let mut state = lock(&this.slot.state);
        match take_from(&mut this.taken, &mut state) {
            Ok(value) => Poll::Ready(Ok(value)),
            Err(TryTakeError::Empty) => {
                if !state
                    .waker
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    state.waker = Some(cx.waker().clone());
                }
                Poll::Pending
            }
            Err(TryTakeError::Taken) => Poll::Ready(Err(ReplyError::Taken)),
            Err(TryTakeError::Closed) => Poll::Ready(Err(ReplyError::Closed)),
        }
    }
}

impl<T> Drop for Reply<T> {
    /// Frees the slot: moves its generation on (so a late value is refused),
    /// drops any value not taken, and returns the slot to its pool.
    fn drop(&mut self) {
        let mut state = lock(&self.slot.state);
        state.generation = state.generation.wrapping_add(1);
        self.slot
            .generation
            .store(state.generation, Ordering::Release);
        let unread = std::mem::replace(&mut state.value, Value::Pending);
        self.slot.settle(false);
        let waker = state.waker.take();
        drop(state);
        drop(unread);
        drop(waker);
        let mut free = lock(&self.home.free);
        if free.len() < self.home.max_idle {
            free.push(Arc::clone(&self.slot));
        }
    }
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("generation", &self.generation)
            .field("taken", &self.taken)
            .finish_non_exhaustive()
    }
}
