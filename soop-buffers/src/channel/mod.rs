//! The buffer-channel factory: bounded MPMC channels that move slabs.
//!
//! - `chan`: the state shared by both halves (queue, waits, closing).
//! - `sender`: fills its own slab and ships it.
//! - `shared_sender`: appends single items, for many threads at once.
//! - `receiver`: takes single items or whole slabs.

mod chan;
mod receiver;
mod sender;
mod shared_sender;

use std::marker::PhantomData;

pub use receiver::{IntoIter, Iter, Receiver, TryIter};
pub use sender::Sender;
pub use shared_sender::SharedSender;

use crate::error::ConfigError;
use crate::pool::{MAX_SLAB_LEN, PoolStats, SlabPool};
use crate::recycle::{Clear, Recycle};
use crate::sync::Arc;
use chan::Chan;

/// The most slabs a channel may hold before senders block.
///
/// ```
/// use soop_buffers::{BufferChannels, ConfigError, MAX_CAPACITY};
///
/// let err = BufferChannels::<u8>::builder().capacity(MAX_CAPACITY + 1).build().unwrap_err();
/// assert!(matches!(err, ConfigError::TooLarge { what: "capacity", .. }));
/// ```
pub const MAX_CAPACITY: usize = 1 << 20;

/// Creates one bounded channel of `capacity` slabs of `slab_len` items, with
/// its own slab pool. For several channels sharing one pool, or another
/// recycling policy, use [`BufferChannels::builder`].
///
/// # Errors
/// [`ConfigError`] when either size is 0 or too large.
///
/// ```
/// use soop_buffers::ConfigError;
///
/// let (mut tx, rx) = soop_buffers::bounded::<u64>(8, 256).unwrap();
/// tx.send(42).unwrap();
/// drop(tx);
/// assert_eq!(rx.recv(), Ok(42));
///
/// assert_eq!(
///     soop_buffers::bounded::<u64>(0, 256).err(),
///     Some(ConfigError::Zero { what: "capacity" })
/// );
/// ```
pub fn bounded<T>(
    capacity: usize,
    slab_len: usize,
) -> Result<(Sender<T>, Receiver<T>), ConfigError> {
    let channels = BufferChannels::builder()
        .capacity(capacity)
        .slab_len(slab_len)
        .build()?;
    Ok(channels.channel())
}

/// A factory of buffer channels that share one slab pool.
///
/// ```
/// use soop_buffers::BufferChannels;
///
/// let channels = BufferChannels::<u32>::builder().slab_len(64).capacity(4).build().unwrap();
/// let (mut tx, rx) = channels.channel();
/// let consumer = std::thread::spawn(move || rx.iter().count());
/// tx.send_batch(0..1000).unwrap();
/// drop(tx);
/// assert_eq!(consumer.join().unwrap(), 1000);
/// // 1000 items moved in 16 slabs, but at most 4 were queued, 1 was being
/// // filled and 1 on its way back at any moment: the rest were reused.
/// assert!(channels.stats().allocated <= 6);
/// ```
pub struct BufferChannels<T, R: Recycle<T> = Clear> {
    pool: SlabPool<T, R>,
    capacity: usize,
    spin_rounds: u32,
}

impl<T> BufferChannels<T> {
    /// A builder with the defaults: 256 items per slab, 16 slabs per channel,
    /// [`Clear`] recycling.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let channels = BufferChannels::<u64>::builder().build().unwrap(); // 16 slabs of 256
    /// let (_tx, rx) = channels.channel();
    /// assert_eq!(rx.capacity(), 16);
    /// ```
    pub fn builder() -> Builder<T> {
        Builder {
            slab_len: 256,
            capacity: 16,
            max_idle: None,
            spin_rounds: DEFAULT_SPIN_ROUNDS,
            policy: Clear,
            _items: PhantomData,
        }
    }
}

/// Busy-wait checks a receiver makes before it parks, by default: a few
/// microseconds, about the time a busy sender takes to fill a slab.
///
/// ```
/// use soop_buffers::{BufferChannels, DEFAULT_SPIN_ROUNDS};
///
/// // Spin four times longer than the default before parking.
/// let channels = BufferChannels::<u8>::builder().spin_before_park(4 * DEFAULT_SPIN_ROUNDS).build();
/// assert!(channels.is_ok());
/// ```
pub const DEFAULT_SPIN_ROUNDS: u32 = 512;

impl<T, R: Recycle<T>> BufferChannels<T, R> {
    /// A new channel drawing its slabs from this factory's pool.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let channels = BufferChannels::<u32>::builder().slab_len(4).build().unwrap();
    /// let (mut a_tx, a_rx) = channels.channel();
    /// let (mut b_tx, b_rx) = channels.channel(); // same slab pool, separate queue
    /// a_tx.send(1).unwrap();
    /// b_tx.send(2).unwrap();
    /// drop((a_tx, b_tx));
    /// assert_eq!((a_rx.recv(), b_rx.recv()), (Ok(1), Ok(2)));
    /// ```
    pub fn channel(&self) -> (Sender<T, R>, Receiver<T, R>) {
        let chan = Arc::new(Chan::new(
            self.pool.clone(),
            self.capacity,
            self.spin_rounds,
        ));
        (Sender::new(Arc::clone(&chan)), Receiver::new(chan))
    }

    /// A new channel whose sending half is a [`SharedSender`]: usable from
    /// many threads at once, never holding items back.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let channels = BufferChannels::<u32>::builder().build().unwrap();
    /// let (tx, rx) = channels.shared_channel();
    /// tx.send(7).unwrap(); // visible at once: a shared sender holds nothing back
    /// assert_eq!(rx.try_recv(), Ok(7));
    /// ```
    pub fn shared_channel(&self) -> (SharedSender<T, R>, Receiver<T, R>) {
        let chan = Arc::new(Chan::new(
            self.pool.clone(),
            self.capacity,
            self.spin_rounds,
        ));
        (SharedSender::new(Arc::clone(&chan)), Receiver::new(chan))
    }

    /// The slab pool shared by this factory's channels.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let channels = BufferChannels::<u8>::builder().slab_len(32).build().unwrap();
    /// let mut slab = channels.pool().get(); // a slab of the channels' own kind
    /// slab.push(1).unwrap();
    /// assert_eq!(slab.capacity(), 32);
    /// ```
    pub fn pool(&self) -> &SlabPool<T, R> {
        &self.pool
    }

    /// The pool's counters: how many slabs were allocated and reused.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// let channels = BufferChannels::<u8>::builder().slab_len(8).build().unwrap();
    /// let (mut tx, rx) = channels.channel();
    /// for round in 0..3 {
    ///     tx.send(round).unwrap();
    ///     tx.flush().unwrap();
    ///     assert_eq!(rx.recv(), Ok(round));
    /// }
    /// let stats = channels.stats();
    /// assert!(stats.reused >= 1); // later rounds took the slab the first gave back
    /// ```
    pub fn stats(&self) -> PoolStats {
        self.pool.stats()
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for BufferChannels<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufferChannels")
            .field("capacity", &self.capacity)
            .field("pool", &self.pool)
            .finish()
    }
}

/// Configures a [`BufferChannels`] factory; [`build`](Builder::build) checks
/// the values.
///
/// ```
/// use soop_buffers::{BufferChannels, InPlace};
///
/// let lines = BufferChannels::<String>::builder()
///     .slab_len(512)
///     .capacity(8)
///     .max_idle(32)
///     .recycle(InPlace::default()) // Strings keep their buffers between uses
///     .build()
///     .unwrap();
/// # drop(lines);
/// ```
#[derive(Debug)]
pub struct Builder<T, R = Clear> {
    slab_len: usize,
    capacity: usize,
    max_idle: Option<usize>,
    spin_rounds: u32,
    policy: R,
    _items: PhantomData<fn() -> T>,
}

impl<T, R: Recycle<T>> Builder<T, R> {
    /// Items per slab. Default 256. Larger slabs batch more and delay a lone
    /// item no longer (see [`Sender`]).
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, ConfigError};
    ///
    /// assert!(BufferChannels::<u8>::builder().slab_len(1).build().is_ok());
    /// let err = BufferChannels::<u8>::builder().slab_len(0).build().unwrap_err();
    /// assert_eq!(err, ConfigError::Zero { what: "slab_len" });
    /// ```
    pub fn slab_len(mut self, slab_len: usize) -> Self {
        self.slab_len = slab_len;
        self
    }

    /// Shipped slabs a channel holds before senders block. Default 16.
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, ConfigError};
    ///
    /// let (_tx, rx) = BufferChannels::<u8>::builder().capacity(2).build().unwrap().channel();
    /// assert_eq!(rx.capacity(), 2);
    /// let err = BufferChannels::<u8>::builder().capacity(0).build().unwrap_err();
    /// assert_eq!(err, ConfigError::Zero { what: "capacity" });
    /// ```
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// Free slabs the pool keeps. Default: four times the capacity, at
    /// least 16, enough for a few channels in steady state.
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// // Keep no free slabs: every slab is freed when it comes back.
    /// let channels = BufferChannels::<u8>::builder().slab_len(1).max_idle(0).build().unwrap();
    /// let (mut tx, rx) = channels.channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.recv(), Ok(1));
    /// assert_eq!(channels.stats().idle, 0);
    /// ```
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = Some(max_idle);
        self
    }

    /// How many times a receiver that finds the channel empty checks again,
    /// busy-waiting, before it parks (then a few more checks, yielding the
    /// processor between them). 0 parks at once, spending no CPU on waiting
    /// at the cost of a wake-up per item when traffic is light. Default
    /// [`DEFAULT_SPIN_ROUNDS`].
    ///
    /// ```
    /// use soop_buffers::BufferChannels;
    ///
    /// // Park at once: an idle receiver costs no CPU at all.
    /// let channels = BufferChannels::<u8>::builder().spin_before_park(0).build().unwrap();
    /// # drop(channels);
    /// ```
    pub fn spin_before_park(mut self, rounds: u32) -> Self {
        self.spin_rounds = rounds;
        self
    }

    /// The recycling policy. Default [`Clear`].
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, InPlace};
    ///
    /// let channels = BufferChannels::<String>::builder().slab_len(2).recycle(InPlace::default()).build().unwrap();
    /// let (mut tx, rx) = channels.channel();
    /// tx.send_with(|s| s.push_str("reused buffer")).unwrap();
    /// tx.flush().unwrap();
    /// assert_eq!(rx.recv().unwrap(), "reused buffer");
    /// ```
    pub fn recycle<P: Recycle<T>>(self, policy: P) -> Builder<T, P> {
        Builder {
            slab_len: self.slab_len,
            capacity: self.capacity,
            max_idle: self.max_idle,
            spin_rounds: self.spin_rounds,
            policy,
            _items: PhantomData,
        }
    }

    /// The factory.
    ///
    /// # Errors
    /// [`ConfigError`] when `slab_len` or `capacity` is 0 or too large.
    ///
    /// ```
    /// use soop_buffers::{BufferChannels, ConfigError};
    ///
    /// let err = BufferChannels::<u8>::builder().slab_len(0).build().unwrap_err();
    /// assert_eq!(err, ConfigError::Zero { what: "slab_len" });
    /// let err = BufferChannels::<u8>::builder().capacity(usize::MAX).build().unwrap_err();
    /// assert!(matches!(err, ConfigError::TooLarge { what: "capacity", .. }));
    /// ```
    pub fn build(self) -> Result<BufferChannels<T, R>, ConfigError> {
        if self.capacity == 0 {
            return Err(ConfigError::Zero { what: "capacity" });
        }
        if self.capacity > MAX_CAPACITY {
            return Err(ConfigError::TooLarge {
                what: "capacity",
                value: self.capacity,
                max: MAX_CAPACITY,
            });
        }
        if self.slab_len > MAX_SLAB_LEN {
            return Err(ConfigError::TooLarge {
                what: "slab_len",
                value: self.slab_len,
                max: MAX_SLAB_LEN,
            });
        }
        let max_idle = self.max_idle.unwrap_or((self.capacity * 4).max(16));
        Ok(BufferChannels {
            pool: SlabPool::with_policy(self.slab_len, max_idle, self.policy)?,
            capacity: self.capacity,
            spin_rounds: self.spin_rounds,
        })
    }
}
