//! The slab pool: hands out [`Slab`]s and takes them back when they drop.

use crate::error::ConfigError;
use crate::recycle::{Clear, Recycle};
use crate::slab::Slab;
use crate::sync::{Arc, AtomicU64, Mutex, Ordering, lock};

/// The largest slab length accepted, so that a typo cannot reserve gigabytes.
///
/// ```
/// use soop_buffers::{MAX_SLAB_LEN, SlabPool};
///
/// assert!(SlabPool::<u8>::new(MAX_SLAB_LEN, 1).is_ok());
/// assert!(SlabPool::<u8>::new(MAX_SLAB_LEN + 1, 1).is_err());
/// ```
pub const MAX_SLAB_LEN: usize = 1 << 20;

/// A pool of recycled slabs of one fixed capacity.
///
/// [`get`](SlabPool::get) takes a slab from the free list, allocating only
/// when the list is empty; a dropped [`Slab`] comes back cleaned by the
/// pool's [`Recycle`] policy. At most `max_idle` slabs wait in the free list;
/// beyond that a returned slab is freed. Cloning a pool gives another handle
/// to the same free list.
///
/// ```
/// use soop_buffers::SlabPool;
///
/// let pool = SlabPool::<u64>::new(128, 4).unwrap();
/// let mut slab = pool.get(); // allocated: the free list was empty
/// slab.extend_from(0..3);
/// drop(slab); // back to the free list, cleared
///
/// let slab = pool.get(); // reused
/// assert!(slab.is_empty());
/// assert_eq!(slab.capacity(), 128);
/// let stats = pool.stats();
/// assert_eq!((stats.allocated, stats.reused), (1, 1));
/// ```
pub struct SlabPool<T, R: Recycle<T> = Clear> {
    shared: Arc<PoolShared<T, R>>,
}

/// Counters that make reuse provable.
///
/// ```
/// use soop_buffers::SlabPool;
///
/// let pool = SlabPool::<u8>::new(8, 1).unwrap();
/// let (a, b) = (pool.get(), pool.get()); // two allocated
/// drop((a, b)); // one kept, one freed: max_idle is 1
/// let stats = pool.stats();
/// assert_eq!((stats.allocated, stats.discarded, stats.idle), (2, 1, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Slabs allocated because the free list was empty.
    pub allocated: u64,
    /// Slabs handed out again from the free list.
    pub reused: u64,
    /// Slabs freed because the free list already held `max_idle`.
    pub discarded: u64,
    /// Slabs in the free list now.
    pub idle: usize,
}

/// A slab's two allocations while it waits in the free list: its items
/// (always empty here) and the husks kept by an in-place policy.
pub(crate) struct Parts<T> {
    pub(crate) items: Vec<T>,
    pub(crate) husks: Vec<T>,
}

pub(crate) struct PoolShared<T, R> {
    free: Mutex<Vec<Parts<T>>>,
    slab_len: usize,
    max_idle: usize,
    policy: R,
    // Relaxed, all three: reported counters; nothing is published through them.
    allocated: AtomicU64,
    reused: AtomicU64,
    discarded: AtomicU64,
}

impl<T> SlabPool<T, Clear> {
    /// A pool of slabs holding `slab_len` items each, keeping at most
    /// `max_idle` free slabs, with the [`Clear`] policy.
    ///
    /// # Errors
    /// [`ConfigError`] when `slab_len` is 0 or above [`MAX_SLAB_LEN`].
    /// `max_idle` may be 0: then every returned slab is freed.
    ///
    /// ```
    /// use soop_buffers::{ConfigError, SlabPool};
    ///
    /// assert_eq!(
    ///     SlabPool::<u8>::new(0, 4).err(),
    ///     Some(ConfigError::Zero { what: "slab_len" })
    /// );
    /// ```
    pub fn new(slab_len: usize, max_idle: usize) -> Result<Self, ConfigError> {
        Self::with_policy(slab_len, max_idle, Clear)
    }
}

impl<T, R: Recycle<T>> SlabPool<T, R> {
    /// A pool whose slabs are cleaned by `policy` when they return.
    ///
    /// # Errors
    /// As [`SlabPool::new`].
    ///
    /// ```
    /// use soop_buffers::{InPlace, SlabPool};
    ///
    /// let pool = SlabPool::with_policy(4, 2, InPlace::default()).unwrap();
    /// let mut slab = pool.get();
    /// slab.push_with(|s: &mut String| s.push_str("hello")).unwrap();
    /// drop(slab); // the String is kept, emptied, for the next push_with
    /// let mut again = pool.get();
    /// again.push_with(|s: &mut String| assert!(s.is_empty() && s.capacity() >= 5)).unwrap();
    /// ```
    pub fn with_policy(slab_len: usize, max_idle: usize, policy: R) -> Result<Self, ConfigError> {
        if slab_len == 0 {
            return Err(ConfigError::Zero { what: "slab_len" });
        }
        if slab_len > MAX_SLAB_LEN {
            return Err(ConfigError::TooLarge {
                what: "slab_len",
                value: slab_len,
                max: MAX_SLAB_LEN,
            });
        }
        Ok(SlabPool {
            shared: Arc::new(PoolShared {
                free: Mutex::new(Vec::with_capacity(max_idle.min(1024))),
                slab_len,
                max_idle,
                policy,
                allocated: AtomicU64::new(0),
                reused: AtomicU64::new(0),
                discarded: AtomicU64::new(0),
            }),
        })
    }

    /// An empty slab: from the free list, or newly allocated if it is empty.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let pool = SlabPool::<u32>::new(16, 4).unwrap();
    /// let slab = pool.get();
    /// assert!(slab.is_empty());
    /// assert_eq!(slab.capacity(), 16);
    /// ```
    pub fn get(&self) -> Slab<T, R> {
        let parts = lock(&self.shared.free).pop();
        let parts = match parts {
            Some(parts) => {
                self.shared.reused.fetch_add(1, Ordering::Relaxed);
                parts
            }
            None => {
                self.shared.allocated.fetch_add(1, Ordering::Relaxed);
                Parts {
                    items: Vec::with_capacity(self.shared.slab_len),
                    husks: Vec::new(),
                }
            }
        };
        Slab::from_parts(parts, Arc::clone(&self.shared))
    }

    /// Allocates slabs into the free list until it holds `slabs` of them
    /// (never more than `max_idle`), so that a user who knows its peak
    /// takes every later slab from the free list.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let pool = SlabPool::<u64>::new(64, 8).unwrap();
    /// pool.prefill(3);
    /// let taken: Vec<_> = (0..3).map(|_| pool.get()).collect();
    /// let stats = pool.stats();
    /// assert_eq!((stats.allocated, stats.reused), (3, 3));
    /// # drop(taken);
    /// ```
    pub fn prefill(&self, slabs: usize) {
        let wanted = slabs.min(self.shared.max_idle);
        loop {
            let mut free = lock(&self.shared.free);
            if free.len() >= wanted {
                return;
            }
            free.push(Parts {
                items: Vec::with_capacity(self.shared.slab_len),
                husks: Vec::new(),
            });
            drop(free);
            self.shared.allocated.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many items each slab holds.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// assert_eq!(SlabPool::<u8>::new(64, 0).unwrap().slab_len(), 64);
    /// ```
    pub fn slab_len(&self) -> usize {
        self.shared.slab_len
    }

    /// A snapshot of the pool's counters.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let pool = SlabPool::<u8>::new(8, 4).unwrap();
    /// drop(pool.get());
    /// drop(pool.get());
    /// let stats = pool.stats();
    /// assert_eq!((stats.allocated, stats.reused, stats.idle), (1, 1, 1));
    /// ```
    pub fn stats(&self) -> PoolStats {
        PoolStats {
            allocated: self.shared.allocated.load(Ordering::Relaxed),
            reused: self.shared.reused.load(Ordering::Relaxed),
            discarded: self.shared.discarded.load(Ordering::Relaxed),
            idle: lock(&self.shared.free).len(),
        }
    }
}

impl<T, R: Recycle<T>> Clone for SlabPool<T, R> {
    fn clone(&self) -> Self {
        SlabPool {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T, R: Recycle<T>> std::fmt::Debug for SlabPool<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlabPool")
            .field("slab_len", &self.shared.slab_len)
            .field("max_idle", &self.shared.max_idle)
            .field("stats", &self.stats())
            .finish()
    }
}

impl<T, R: Recycle<T>> PoolShared<T, R> {
    pub(crate) fn slab_len(&self) -> usize {
        self.slab_len
    }

    pub(crate) fn policy(&self) -> &R {
        &self.policy
    }

    /// Takes a dropped slab's allocations back. The elements are cleaned
    /// before the free-list lock is taken, since the policy and the
    /// elements' `Drop` are other people's code.
    pub(crate) fn give_back(&self, mut parts: Parts<T>) {
        for mut element in parts.items.drain(..) {
            if parts.husks.len() < self.slab_len && self.policy.recycle(&mut element) {
                if parts.husks.capacity() == 0 {
                    parts.husks.reserve_exact(self.slab_len);
                }
                parts.husks.push(element);
            }
        }
        let mut free = lock(&self.free);
        if free.len() < self.max_idle {
            free.push(parts);
            return;
        }
        drop(free);
        self.discarded.fetch_add(1, Ordering::Relaxed);
        // `parts` is freed here, outside the lock.
    }
}

impl<T, R: Recycle<T>> SlabPool<T, R> {
    pub(crate) fn policy(&self) -> &R {
        self.shared.policy()
    }
}
