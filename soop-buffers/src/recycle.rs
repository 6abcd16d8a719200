//! Recycling policies: what happens to a slab's elements when the slab goes
//! back to its pool.
//!
//! [`Clear`] (the default) drops every element, so a slab comes back empty
//! and only its `Vec` allocation is reused. [`InPlace`] keeps each element as
//! a cleaned husk that the next [`push_with`](crate::Slab::push_with) refills,
//! so heap payloads such as `String`s are reused too.

/// Decides what becomes of a slab's elements when the slab is recycled.
///
/// Implementations must be cheap and must not panic: they run whenever a
/// slab is dropped.
pub trait Recycle<T>: Send + Sync + 'static {
    /// Cleans `element` for reuse and returns `true` to keep it as a husk, or
    /// returns `false` to drop it.
    fn recycle(&self, element: &mut T) -> bool;
}

/// A recycling policy that can also make a fresh element, for
/// [`push_with`](crate::Slab::push_with) when no husk is at hand.
pub trait Refill<T>: Recycle<T> {
    /// A new, empty element.
    fn new_element(&self) -> T;
}

/// The default policy: recycled slabs come back empty; every element is
/// dropped exactly once.
///
/// ```
/// use soop_buffers::{Clear, SlabPool};
///
/// let pool = SlabPool::<String, Clear>::with_policy(4, 8, Clear).unwrap();
/// let mut slab = pool.get();
/// slab.push("kept only until the slab is dropped".to_string()).unwrap();
/// drop(slab);
/// assert!(pool.get().is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Clear;

impl<T> Recycle<T> for Clear {
    fn recycle(&self, _: &mut T) -> bool {
        false
    }
}

impl<T: Default> Refill<T> for Clear {
    fn new_element(&self) -> T {
        T::default()
    }
}

/// A value that can be emptied in place, keeping its allocation.
pub trait Reset {
    /// Empties the value, keeping whatever allocation it holds.
    fn reset(&mut self);
    /// The bytes (or elements) the value keeps allocated; [`InPlace`] drops
    /// husks that keep more than its limit.
    fn retained(&self) -> usize;
}

impl Reset for String {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained(&self) -> usize {
        self.capacity()
    }
}

impl<U> Reset for Vec<U> {
    fn reset(&mut self) {
        self.clear();
    }
    fn retained(&self) -> usize {
        self.capacity()
    }
}

/// Keeps each element as a cleaned husk for refilling in place, so that heap
/// payloads are reused as well as the slab.
///
/// A husk whose [`retained`](Reset::retained) size exceeds `max_retained` is
/// dropped instead, so one huge element cannot pin memory for ever.
///
/// ```
/// use soop_buffers::{InPlace, SlabPool};
///
/// let pool = SlabPool::<String, InPlace>::with_policy(4, 8, InPlace::default()).unwrap();
/// let mut slab = pool.get();
/// slab.push_with(|s: &mut String| s.push_str("hello")).unwrap();
/// drop(slab); // "hello" is cleared, its buffer kept
///
/// let mut slab = pool.get();
/// slab.push_with(|s: &mut String| {
///     assert!(s.is_empty() && s.capacity() >= 5); // the same buffer, reused
///     s.push_str("world");
/// })
/// .unwrap();
/// assert_eq!(slab[0], "world");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct InPlace {
    /// Husks keeping more than this are dropped rather than kept.
    /// Default: 64 KiB.
    pub max_retained: usize,
}

impl Default for InPlace {
    fn default() -> Self {
        InPlace {
            max_retained: 64 * 1024,
        }
    }
}

impl<T: Reset> Recycle<T> for InPlace {
    fn recycle(&self, element: &mut T) -> bool {
        element.reset();
        element.retained() <= self.max_retained
    }
}

impl<T: Reset + Default> Refill<T> for InPlace {
    fn new_element(&self) -> T {
        T::default()
    }
}
