//! A slab: a fixed-capacity batch of items whose allocation is recycled.

use std::fmt;
use std::ops::{Deref, DerefMut};

use crate::error::SlabFull;
use crate::pool::{Parts, PoolShared};
use crate::recycle::{Clear, Recycle, Refill};
use crate::sync::Arc;

/// A fixed-capacity batch of items from a [`SlabPool`](crate::SlabPool).
///
/// It reads like a slice (`Deref<Target = [T]>`) and grows only through
/// [`push`](Slab::push), [`push_with`](Slab::push_with) and
/// [`extend_from`](Slab::extend_from), which refuse to go past the capacity,
/// so the allocation is never replaced. Dropping it returns it to its pool;
/// items still inside are handled by the pool's [`Recycle`] policy (dropped
/// exactly once under [`Clear`]).
///
/// ```
/// use soop_buffers::SlabPool;
///
/// let pool = SlabPool::<u32>::new(2, 1).unwrap();
/// let mut slab = pool.get();
/// assert_eq!(slab.push(1), Ok(()));
/// assert_eq!(slab.push(2), Ok(()));
/// assert_eq!(slab.push(3), Err(3)); // full: the item comes back
/// assert_eq!(&slab[..], &[1, 2]);
/// let moved: Vec<u32> = slab.drain().collect();
/// assert_eq!(moved, [1, 2]);
/// ```
pub struct Slab<T, R: Recycle<T> = Clear> {
    pub(crate) items: Vec<T>,
    husks: Vec<T>,
    home: Arc<PoolShared<T, R>>,
}

impl<T, R: Recycle<T>> Slab<T, R> {
    pub(crate) fn from_parts(parts: Parts<T>, home: Arc<PoolShared<T, R>>) -> Self {
        Slab {
            items: parts.items,
            husks: parts.husks,
            home,
        }
    }

    /// How many items the slab holds at most.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let slab = SlabPool::<u8>::new(10, 1).unwrap().get();
    /// assert_eq!((slab.capacity(), slab.len()), (10, 0));
    /// ```
    pub fn capacity(&self) -> usize {
        self.home.slab_len()
    }

    /// Whether no more items fit.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let mut slab = SlabPool::<u8>::new(1, 1).unwrap().get();
    /// assert!(!slab.is_full());
    /// slab.push(1).unwrap();
    /// assert!(slab.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.items.len() >= self.capacity()
    }

    /// Appends `item`, or hands it back when the slab is full.
    ///
    /// # Errors
    /// `Err(item)` when the slab is full.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let mut slab = SlabPool::<char>::new(1, 1).unwrap().get();
    /// assert_eq!(slab.push('a'), Ok(()));
    /// assert_eq!(slab.push('b'), Err('b')); // full: never reallocates
    /// ```
    pub fn push(&mut self, item: T) -> Result<(), T> {
        if self.is_full() {
            return Err(item);
        }
        self.items.push(item);
        Ok(())
    }

    /// Appends an element filled in place by `fill`: a recycled husk when the
    /// policy kept one (so its heap allocation is reused), else a new element
    /// from the policy.
    ///
    /// # Errors
    /// [`SlabFull`] when the slab is full; `fill` is not called.
    ///
    /// ```
    /// use soop_buffers::{InPlace, SlabPool};
    ///
    /// let pool = SlabPool::with_policy(2, 1, InPlace::default()).unwrap();
    /// let mut slab = pool.get();
    /// slab.push_with(|s: &mut String| s.push_str("filled in place")).unwrap();
    /// assert_eq!(slab[0], "filled in place");
    /// ```
    pub fn push_with<F: FnOnce(&mut T)>(&mut self, fill: F) -> Result<(), SlabFull>
    where
        R: Refill<T>,
    {
        if self.is_full() {
            return Err(SlabFull);
        }
        let mut element = match self.husks.pop() {
            Some(husk) => husk,
            None => self.home.policy().new_element(),
        };
        fill(&mut element);
        self.items.push(element);
        Ok(())
    }

    /// Appends items from `items` until the slab is full and returns how many
    /// it took. It never takes an item it cannot keep, so pass
    /// `iter.by_ref()` to keep the rest.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let mut slab = SlabPool::<u32>::new(3, 1).unwrap().get();
    /// let mut items = 0..5;
    /// assert_eq!(slab.extend_from(items.by_ref()), 3);
    /// assert_eq!(items.next(), Some(3)); // nothing was taken that did not fit
    /// ```
    pub fn extend_from<I: IntoIterator<Item = T>>(&mut self, items: I) -> usize {
        let mut items = items.into_iter();
        let mut taken = 0;
        while !self.is_full() {
            let Some(item) = items.next() else { break };
            self.items.push(item);
            taken += 1;
        }
        taken
    }

    /// Removes the last item, as [`Vec::pop`] does. To take items in order
    /// one at a time, reverse the slab first (it derefs to a slice).
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let pool = SlabPool::<u32>::new(4, 1).unwrap();
    /// let mut slab = pool.get();
    /// slab.extend_from([1, 2, 3]);
    /// slab.reverse();
    /// assert_eq!((slab.pop(), slab.pop(), slab.pop(), slab.pop()), (Some(1), Some(2), Some(3), None));
    /// ```
    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    /// Moves every item out, in order, leaving the slab empty.
    ///
    /// ```
    /// use soop_buffers::SlabPool;
    ///
    /// let mut slab = SlabPool::<u32>::new(4, 1).unwrap().get();
    /// slab.extend_from([1, 2, 3]);
    /// let total: u32 = slab.drain().sum();
    /// assert_eq!((total, slab.len()), (6, 0));
    /// ```
    pub fn drain(&mut self) -> std::vec::Drain<'_, T> {
        self.items.drain(..)
    }
}

impl<T, R: Recycle<T>> Deref for Slab<T, R> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T, R: Recycle<T>> DerefMut for Slab<T, R> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items
    }
}

impl<T: fmt::Debug, R: Recycle<T>> fmt::Debug for Slab<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

impl<T, R: Recycle<T>> Drop for Slab<T, R> {
    fn drop(&mut self) {
        self.home.give_back(Parts {
            items: std::mem::take(&mut self.items),
            husks: std::mem::take(&mut self.husks),
        });
    }
}
