//! Units: the batches of items that move between stages.
//!
//! The producer packs items into units of `unit_len`; every stage turns one
//! input unit into exactly one output unit (empty if everything was filtered
//! out), keeping its sequence number. That one-for-one rule is what lets the
//! output restore input order by sequence number alone, and lets a caller
//! count what is in flight.
//!
//! A unit's items live in recycled slabs. A stage that expands items
//! (`flat_map`) may outgrow one slab; the extra slabs hang off the unit so
//! its items still travel (and stay in order) together.

use soop_buffers::{Slab, SlabPool};

/// A batch of items with its sequence number, being filled.
pub(crate) struct Unit<T> {
    pub(crate) seq: u64,
    head: Slab<T>,
    /// Overflow slabs, in order. Empty (and unallocated) unless a stage
    /// expanded a unit beyond one slab.
    tail: Vec<Slab<T>>,
}

impl<T> Unit<T> {
    pub(crate) fn new(seq: u64, pool: &SlabPool<T>) -> Self {
        Unit {
            seq,
            head: pool.get(),
            tail: Vec::new(),
        }
    }

    /// Appends an item; the common case (room in the head slab) is kept
    /// small enough to inline into every stage's loop.
    #[inline]
    pub(crate) fn push(&mut self, item: T, pool: &SlabPool<T>) {
        if self.tail.is_empty() {
            if let Err(item) = self.head.push(item) {
                self.overflow(item, pool);
            }
        } else {
            self.overflow(item, pool);
        }
    }

    /// Appends past the head slab: into the last overflow slab, or a new one.
    #[cold]
    fn overflow(&mut self, item: T, pool: &SlabPool<T>) {
        let item = match self.tail.last_mut() {
            None => item,
            Some(last) => match last.push(item) {
                Ok(()) => return,
                Err(item) => item,
            },
        };
        let mut slab = pool.get();
        // A fresh slab has room for at least one item (slab_len >= 1).
        let _ = slab.push(item);
        self.tail.push(slab);
    }

    pub(crate) fn len(&self) -> usize {
        self.head.len() + self.tail.iter().map(|s| s.len()).sum::<usize>()
    }

    /// Takes back the item pushed last (a producer's send that failed).
    pub(crate) fn pop_last(&mut self) -> Option<T> {
        match self.tail.last_mut() {
            Some(last) => last.pop(),
            None => self.head.pop(),
        }
    }

    /// Whether the head slab is full (a producer ships it then).
    pub(crate) fn is_full(&self) -> bool {
        self.head.is_full()
    }

    /// Turns the unit around so its items can be popped in order.
    pub(crate) fn into_reader(mut self) -> Reader<T> {
        self.head.reverse();
        for slab in &mut self.tail {
            slab.reverse();
        }
        self.tail.reverse();
        Reader {
            head: self.head,
            rest: self.tail,
        }
    }
}

/// A unit being read: items come out in their original order, one at a
/// time, and whatever is left stays put if the reader is interrupted.
pub(crate) struct Reader<T> {
    /// The slab being read, reversed.
    head: Slab<T>,
    /// The slabs still to read, each reversed, last first.
    rest: Vec<Slab<T>>,
}

impl<T> Reader<T> {
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        match self.head.pop() {
            Some(item) => Some(item),
            None => self.next_slab(),
        }
    }

    #[cold]
    fn next_slab(&mut self) -> Option<T> {
        loop {
            // The empty head goes back to its pool as it is replaced.
            self.head = self.rest.pop()?;
            if let Some(item) = self.head.pop() {
                return Some(item);
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.head.len() + self.rest.iter().map(|s| s.len()).sum::<usize>()
    }
}

/// Where a stage puts its outputs for the item it is handling: call
/// [`push`](Emit::push) once per output (zero times to drop the item, many
/// times to expand it).
///
/// ```
/// use soop_pipeline::{Emit, Pipeline};
///
/// // A stateful stage: each worker keeps the last item it saw and emits
/// // only changes.
/// let changes = Pipeline::new()
///     .stateful("dedup", 1, || {
///         let mut last = None;
///         move |n: u32, out: &mut Emit<'_, u32>| {
///             if last != Some(n) {
///                 out.push(n);
///             }
///             last = Some(n);
///             Ok::<_, std::convert::Infallible>(())
///         }
///     })
///     .collect([1, 1, 2, 2, 2, 1])
///     .unwrap();
/// assert_eq!(changes.outputs, [1, 2, 1]);
/// ```
pub struct Emit<'a, T> {
    unit: &'a mut Unit<T>,
    pool: &'a SlabPool<T>,
}

impl<'a, T> Emit<'a, T> {
    pub(crate) fn new(unit: &'a mut Unit<T>, pool: &'a SlabPool<T>) -> Self {
        Emit { unit, pool }
    }

    /// Emits one output.
    ///
    /// ```
    /// use soop_pipeline::{Emit, Pipeline};
    ///
    /// let out = Pipeline::new()
    ///     .stateful("pairs", 1, || move |n: u8, out: &mut Emit<'_, (u8, u8)>| {
    ///         out.push((n, n));
    ///         Ok::<_, String>(())
    ///     })
    ///     .collect([1, 2])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [(1, 1), (2, 2)]);
    /// ```
    pub fn push(&mut self, item: T) {
        self.unit.push(item, self.pool);
    }

    /// Emits every item of `items`, in order.
    ///
    /// ```
    /// use soop_pipeline::{Emit, Pipeline};
    ///
    /// // Any number of outputs per item, kept in order, however many.
    /// let out = Pipeline::new()
    ///     .unit_len(2)
    ///     .stateful("repeat", 1, || move |n: usize, out: &mut Emit<'_, usize>| {
    ///         out.extend(std::iter::repeat_n(n, n));
    ///         Ok::<_, String>(())
    ///     })
    ///     .collect([0, 3, 1])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [3, 3, 3, 1]);
    /// ```
    pub fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T> std::fmt::Debug for Emit<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emit")
            .field("emitted", &self.unit.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_keeps_order_across_overflow_slabs() {
        let pool = SlabPool::new(3, 4).unwrap();
        let mut unit = Unit::new(7, &pool);
        for n in 0..10 {
            unit.push(n, &pool);
        }
        assert_eq!(unit.len(), 10);
        let mut reader = unit.into_reader();
        assert_eq!(reader.len(), 10);
        let read: Vec<i32> = std::iter::from_fn(|| reader.pop()).collect();
        assert_eq!(read, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn an_interrupted_reader_keeps_the_rest() {
        let pool = SlabPool::new(2, 4).unwrap();
        let mut unit = Unit::new(0, &pool);
        for n in 0..5 {
            unit.push(n, &pool);
        }
        let mut reader = unit.into_reader();
        assert_eq!(
            (reader.pop(), reader.pop(), reader.pop()),
            (Some(0), Some(1), Some(2))
        );
        assert_eq!(reader.len(), 2);
        assert_eq!(
            (reader.pop(), reader.pop(), reader.pop()),
            (Some(3), Some(4), None)
        );
    }
}
