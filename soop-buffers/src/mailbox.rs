//! A bounded many-to-many queue of single items that blocks: a lock-free
//! ring, and a lock that only sleepers take.

use std::time::{Duration, Instant};

use crate::channel::DEFAULT_SPIN_ROUNDS;
use crate::error::{
    ConfigError, RecvError, RecvTimeoutError, SendError, SendTimeoutError, TryRecvError,
    TrySendError,
};
use crate::ring::{Popped, Refused, Ring};
use crate::sync::{Arc, Condvar, Mutex, Wait, lock, wait_until, yield_now};

/// The most items a mailbox may hold.
///
/// ```
/// use soop_buffers::{ConfigError, MAX_MAILBOX, Mailbox};
///
/// assert!(matches!(Mailbox::<u8>::new(MAX_MAILBOX + 1), Err(ConfigError::TooLarge { .. })));
/// ```
pub const MAX_MAILBOX: usize = 1 << 24;

/// Further checks an idle receiver makes, each after yielding the processor,
/// before it sleeps.
const YIELD_ROUNDS: u32 = 8;

/// A bounded queue of single items shared by any number of senders and
/// receivers: the mailbox of a pool, where each job travels alone and should
/// reach an idle worker at once.
///
/// Where a [buffer channel](crate::BufferChannels) batches items into slabs
/// for throughput, a mailbox hands each item over on its own, through a
/// lock-free ring of `capacity` cells allocated once: a send and a receive
/// each cost a few atomic steps and no allocation. Idle receivers spin
/// briefly, then sleep; a full mailbox blocks its senders (backpressure).
/// Cloning gives another handle to the same mailbox.
///
/// ```
/// use soop_buffers::Mailbox;
///
/// let mailbox = Mailbox::new(64).unwrap();
/// let inbox = mailbox.clone();
/// let worker = std::thread::spawn(move || inbox.iter().sum::<u64>());
/// for n in 1..=100 {
///     mailbox.send(n).unwrap(); // blocks only while 64 items wait
/// }
/// mailbox.close(); // receivers drain what was sent, then see the end
/// assert_eq!(worker.join().unwrap(), 5050);
/// ```
///
/// # Closing
///
/// [`close`](Mailbox::close) refuses every later send (the item comes back
/// in the error); receivers still get everything sent before the close, then
/// [`RecvError`]. A send racing a close either lands, and is received, or
/// comes back: nothing is lost. Items still queued when the last handle is
/// dropped are dropped with it.
pub struct Mailbox<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    ring: Ring<T>,
    /// Who sleeps. Taken only to sleep, and by whoever wakes a sleeper: the
    /// ring's marks tell the hot path when that is (see `ring.rs`).
    asleep: Mutex<Asleep>,
    not_empty: Condvar,
    not_full: Condvar,
    spin_rounds: u32,
}

#[derive(Default)]
struct Asleep {
    receivers: usize,
    senders: usize,
}

impl Asleep {
    fn count(&mut self, side: Side) -> &mut usize {
        match side {
            Side::Receivers => &mut self.receivers,
            Side::Senders => &mut self.senders,
        }
    }
}

/// The two sides that may sleep: receivers on an empty mailbox, senders on
/// a full one.
#[derive(Clone, Copy)]
enum Side {
    Receivers,
    Senders,
}

impl<T> Mailbox<T> {
    /// A mailbox holding at most `capacity` items, whose idle receivers spin
    /// [`DEFAULT_SPIN_ROUNDS`] before they sleep.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] for 0, [`ConfigError::TooLarge`] above
    /// [`MAX_MAILBOX`].
    ///
    /// ```
    /// use soop_buffers::{ConfigError, Mailbox};
    ///
    /// assert_eq!(Mailbox::<u8>::new(16).unwrap().capacity(), 16);
    /// assert!(matches!(Mailbox::<u8>::new(0), Err(ConfigError::Zero { what: "capacity" })));
    /// ```
    pub fn new(capacity: usize) -> Result<Self, ConfigError> {
        Self::with_spin(capacity, DEFAULT_SPIN_ROUNDS)
    }

    /// As [`new`](Mailbox::new), with idle receivers busy-checking
    /// `spin_rounds` times before they yield and sleep (0: sleep at once,
    /// using no CPU while idle at the price of a wake-up per item).
    ///
    /// # Errors
    /// As [`new`](Mailbox::new).
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::<u8>::with_spin(8, 0).unwrap(); // never spins
    /// mailbox.send(1).unwrap();
    /// assert_eq!(mailbox.recv(), Ok(1));
    /// ```
    pub fn with_spin(capacity: usize, spin_rounds: u32) -> Result<Self, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::Zero { what: "capacity" });
        }
        if capacity > MAX_MAILBOX {
            return Err(ConfigError::TooLarge {
                what: "capacity",
                value: capacity,
                max: MAX_MAILBOX,
            });
        }
        Ok(Mailbox {
            shared: Arc::new(Shared {
                ring: Ring::new(capacity),
                asleep: Mutex::new(Asleep::default()),
                not_empty: Condvar::new(),
                not_full: Condvar::new(),
                spin_rounds,
            }),
        })
    }

    /// Sends `item`, blocking while the mailbox is full.
    ///
    /// # Errors
    /// [`SendError`] with the item once the mailbox is closed.
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::new(1).unwrap();
    /// mailbox.send("a").unwrap();
    /// mailbox.close();
    /// assert_eq!(mailbox.send("b").unwrap_err().into_inner(), "b");
    /// ```
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        self.shared
            .send(item, Wait::FOREVER)
            .map_err(|refused| SendError(refused.into_item()))
    }

    /// Sends `item` if there is room now; never blocks.
    ///
    /// # Errors
    /// [`TrySendError::Full`] or [`TrySendError::Closed`], with the item.
    ///
    /// ```
    /// use soop_buffers::{Mailbox, TrySendError};
    ///
    /// let mailbox = Mailbox::new(1).unwrap();
    /// mailbox.try_send(1).unwrap();
    /// assert!(matches!(mailbox.try_send(2), Err(TrySendError::Full(2))));
    /// ```
    pub fn try_send(&self, item: T) -> Result<(), TrySendError<T>> {
        self.shared
            .send(item, Wait::Never)
            .map_err(|refused| match refused {
                Refused::Full(item) => TrySendError::Full(item),
                Refused::Closed(item) => TrySendError::Closed(item),
            })
    }

    /// Sends `item`, blocking at most `timeout` while the mailbox is full.
    ///
    /// # Errors
    /// [`SendTimeoutError::Timeout`] or [`SendTimeoutError::Closed`], with
    /// the item.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::{Mailbox, SendTimeoutError};
    ///
    /// let mailbox = Mailbox::new(1).unwrap();
    /// mailbox.send(1).unwrap();
    /// let refused = mailbox.send_timeout(2, Duration::from_millis(1));
    /// assert!(matches!(refused, Err(SendTimeoutError::Timeout(2))));
    /// ```
    pub fn send_timeout(&self, item: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        self.send_wait(item, Wait::timeout(timeout))
    }

    /// Sends `item`, blocking until `deadline` at most while the mailbox is
    /// full.
    ///
    /// # Errors
    /// As [`send_timeout`](Mailbox::send_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::new(1).unwrap();
    /// mailbox.send_deadline(1, Instant::now() + Duration::from_secs(1)).unwrap();
    /// assert_eq!(mailbox.try_recv(), Ok(1));
    /// ```
    pub fn send_deadline(&self, item: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.send_wait(item, Wait::Until(Some(deadline)))
    }

    fn send_wait(&self, item: T, wait: Wait) -> Result<(), SendTimeoutError<T>> {
        self.shared
            .send(item, wait)
            .map_err(|refused| match refused {
                Refused::Full(item) => SendTimeoutError::Timeout(item),
                Refused::Closed(item) => SendTimeoutError::Closed(item),
            })
    }

    /// Takes the oldest item, blocking while the mailbox is empty.
    ///
    /// # Errors
    /// [`RecvError`] once the mailbox is closed and everything sent before
    /// the close has been received.
    ///
    /// ```
    /// use soop_buffers::{Mailbox, RecvError};
    ///
    /// let mailbox = Mailbox::new(4).unwrap();
    /// mailbox.send(1).unwrap();
    /// mailbox.close();
    /// assert_eq!(mailbox.recv(), Ok(1));
    /// assert_eq!(mailbox.recv(), Err(RecvError));
    /// ```
    pub fn recv(&self) -> Result<T, RecvError> {
        self.shared.recv(Wait::FOREVER).map_err(|_| RecvError)
    }

    /// Takes the oldest item if there is one now; never blocks (beyond
    /// letting a sender finish an item it has begun to send).
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] or [`TryRecvError::Closed`].
    ///
    /// ```
    /// use soop_buffers::{Mailbox, TryRecvError};
    ///
    /// let mailbox = Mailbox::<u8>::new(4).unwrap();
    /// assert_eq!(mailbox.try_recv(), Err(TryRecvError::Empty));
    /// mailbox.close();
    /// assert_eq!(mailbox.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.shared.recv(Wait::Never).map_err(|ended| match ended {
            Ended::NotNow => TryRecvError::Empty,
            Ended::Drained => TryRecvError::Closed,
        })
    }

    /// Takes the oldest item, blocking at most `timeout` while the mailbox
    /// is empty.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`] or [`RecvTimeoutError::Closed`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_buffers::{Mailbox, RecvTimeoutError};
    ///
    /// let mailbox = Mailbox::<u8>::new(4).unwrap();
    /// assert_eq!(mailbox.recv_timeout(Duration::from_millis(1)), Err(RecvTimeoutError::Timeout));
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.recv_wait(Wait::timeout(timeout))
    }

    /// Takes the oldest item, blocking until `deadline` at most while the
    /// mailbox is empty.
    ///
    /// # Errors
    /// As [`recv_timeout`](Mailbox::recv_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::new(4).unwrap();
    /// mailbox.send('x').unwrap();
    /// assert_eq!(mailbox.recv_deadline(Instant::now() + Duration::from_secs(1)), Ok('x'));
    /// ```
    pub fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        self.recv_wait(Wait::Until(Some(deadline)))
    }

    fn recv_wait(&self, wait: Wait) -> Result<T, RecvTimeoutError> {
        self.shared.recv(wait).map_err(|ended| match ended {
            Ended::NotNow => RecvTimeoutError::Timeout,
            Ended::Drained => RecvTimeoutError::Closed,
        })
    }

    /// Refuses every later send and wakes every sleeper; receivers drain
    /// what was sent before. Idempotent.
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::<u8>::new(4).unwrap();
    /// mailbox.close();
    /// mailbox.close();
    /// assert!(mailbox.is_closed());
    /// ```
    pub fn close(&self) {
        if self.shared.ring.close() {
            // Through the lock: a sleeper registers and re-checks under it,
            // so it either saw the close or is asleep for this notification.
            drop(lock(&self.shared.asleep));
            self.shared.not_empty.notify_all();
            self.shared.not_full.notify_all();
        }
    }

    /// Whether [`close`](Mailbox::close) was called.
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// assert!(!Mailbox::<u8>::new(4).unwrap().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.ring.is_closed()
    }

    /// Items waiting now (a snapshot).
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::new(4).unwrap();
    /// mailbox.send(1).unwrap();
    /// mailbox.send(2).unwrap();
    /// assert_eq!(mailbox.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.ring.len()
    }

    /// Whether no item waits now (a snapshot).
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// assert!(Mailbox::<u8>::new(4).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most items it holds.
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// assert_eq!(Mailbox::<u8>::new(3).unwrap().capacity(), 3);
    /// ```
    pub fn capacity(&self) -> usize {
        self.shared.ring.capacity()
    }

    /// Receives until the mailbox is closed and drained.
    ///
    /// ```
    /// use soop_buffers::Mailbox;
    ///
    /// let mailbox = Mailbox::new(4).unwrap();
    /// mailbox.send(1).unwrap();
    /// mailbox.send(2).unwrap();
    /// mailbox.close();
    /// assert_eq!(mailbox.iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(|| self.recv().ok())
    }
}

impl<T> Clone for Mailbox<T> {
    fn clone(&self) -> Self {
        Mailbox {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> std::fmt::Debug for Mailbox<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// Why a receive gave up.
enum Ended {
    /// Empty now, or still at the deadline.
    NotNow,
    /// Closed and drained.
    Drained,
}

impl<T> Refused<T> {
    fn into_item(self) -> T {
        match self {
            Refused::Full(item) | Refused::Closed(item) => item,
        }
    }
}

impl<T> Shared<T> {
    fn send(&self, mut item: T, mut wait: Wait) -> Result<(), Refused<T>> {
        loop {
            match self.ring.push(item) {
                Ok(receiver_asleep) => {
                    if receiver_asleep {
                        self.wake(Side::Receivers);
                    }
                    return Ok(());
                }
                Err(Refused::Full(back)) => item = back,
                Err(closed) => return Err(closed),
            }
            let deadline = match wait {
                Wait::Never => return Err(Refused::Full(item)),
                Wait::Until(deadline) => deadline,
            };
            if self.sleep(Side::Senders, deadline) {
                // One last try, then give up.
                wait = Wait::Never;
            }
        }
    }

    fn recv(&self, mut wait: Wait) -> Result<T, Ended> {
        if let Popped::Item(item, sender_asleep) = self.ring.pop_ready() {
            return Ok(self.received(item, sender_asleep));
        }
        if matches!(wait, Wait::Until(_)) {
            // The next item is often moments away: watch its cell before
            // paying for a sleep and a wake-up.
            self.spin_for_item();
        }
        loop {
            match self.ring.pop() {
                Popped::Item(item, sender_asleep) => {
                    return Ok(self.received(item, sender_asleep));
                }
                Popped::Drained => return Err(Ended::Drained),
                Popped::Empty => {}
            }
            let deadline = match wait {
                Wait::Never => return Err(Ended::NotNow),
                Wait::Until(deadline) => deadline,
            };
            if self.sleep(Side::Receivers, deadline) {
                // One last look, then give up.
                wait = Wait::Never;
            }
        }
    }

    /// Sleeps among `side` until woken or `deadline`; returns whether the
    /// deadline passed. Returns at once when the ring changed since the
    /// caller looked, for it to look again.
    fn sleep(&self, side: Side, deadline: Option<Instant>) -> bool {
        let mut asleep = lock(&self.asleep);
        if self.mark_asleep(side) > 0 {
            // Work came meanwhile (or is a few instructions from coming: a
            // sender still writing its item, a receiver freeing its cell).
            drop(asleep);
            yield_now();
            return false;
        }
        *asleep.count(side) += 1;
        let timed_out;
        (asleep, timed_out) = wait_until(self.condvar(side), asleep, deadline);
        *asleep.count(side) -= 1;
        if *asleep.count(side) > 0 && self.mark_asleep(side) > 1 {
            // The mark is ours to renew for those still asleep; and there is
            // work for one of them beside ours.
            self.condvar(side).notify_one();
        }
        timed_out
    }

    /// Sets `side`'s sleep mark in the ring; returns the work waiting for
    /// that side (items for receivers, room for senders).
    fn mark_asleep(&self, side: Side) -> usize {
        match side {
            Side::Receivers => self.ring.receiver_sleeps(),
            Side::Senders => self.ring.sender_sleeps(),
        }
    }

    fn condvar(&self, side: Side) -> &Condvar {
        match side {
            Side::Receivers => &self.not_empty,
            Side::Senders => &self.not_full,
        }
    }

    /// A place was freed: wake a sender if one may be waiting for room.
    fn received(&self, item: T, sender_asleep: bool) -> T {
        if sender_asleep {
            self.wake(Side::Senders);
        }
        item
    }

    /// Wakes one of `side`, if any sleeps. Through the lock, which a
    /// sleeper holds from setting its mark until it sleeps, so the
    /// notification cannot fall between the two.
    fn wake(&self, side: Side) {
        let mut asleep = lock(&self.asleep);
        if *asleep.count(side) > 0 {
            self.condvar(side).notify_one();
        }
    }

    fn spin_for_item(&self) {
        if cfg!(loom) {
            return;
        }
        for round in 0..self.spin_rounds + YIELD_ROUNDS {
            if self.ring.ready_at_head() {
                return;
            }
            if round < self.spin_rounds {
                std::hint::spin_loop();
            } else {
                yield_now();
            }
        }
    }
}
