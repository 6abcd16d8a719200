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
///
/// ```
/// use soop_buffers::{Recycle, SlabPool};
///
/// /// Keeps `Vec`s of up to 1,024 elements for reuse, emptied.
/// struct SmallVecs;
/// impl Recycle<Vec<u8>> for SmallVecs {
///     fn recycle(&self, v: &mut Vec<u8>) -> bool {
///         v.clear();
///         v.capacity() <= 1024
///     }
/// }
/// let pool = SlabPool::with_policy(8, 2, SmallVecs).unwrap();
/// let mut slab = pool.get();
/// slab.push(vec![1, 2, 3]).unwrap();
/// drop(slab); // the Vec is kept as a husk
/// ```
pub trait Recycle<T>: Send + Sync + 'static {
    /// Cleans `element` for reuse and returns `true` to keep it as a husk, or
    /// returns `false` to drop it.
    fn recycle(&self, element: &mut T) -> bool;
}

/// A recycling policy that can also make a fresh element, for
/// [`push_with`](crate::Slab::push_with) when no husk is at hand.
///
/// ```
/// use soop_buffers::{Recycle, Refill, SlabPool};
///
/// struct Buffers;
/// impl Recycle<Vec<u8>> for Buffers {
///     fn recycle(&self, v: &mut Vec<u8>) -> bool {
///         v.clear();
///         true
///     }
/// }
/// impl Refill<Vec<u8>> for Buffers {
///     fn new_element(&self) -> Vec<u8> {
///         Vec::with_capacity(64)
///     }
/// }
/// let pool = SlabPool::with_policy(2, 2, Buffers).unwrap();
/// let mut slab = pool.get();
/// slab.push_with(|buf| buf.extend_from_slice(b"abc")).unwrap(); // a fresh element: none to reuse yet
/// assert_eq!(slab[0], b"abc");
/// ```
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
///
/// ```
/// use soop_buffers::{InPlace, Reset, SlabPool};
///
/// /// A line buffer that keeps its allocation between uses.
/// #[derive(Default)]
/// struct Line(String);
/// impl Reset for Line {
///     fn reset(&mut self) {
///         self.0.clear();
///     }
///     fn retained(&self) -> usize {
///         self.0.capacity()
///     }
/// }
/// let pool = SlabPool::with_policy(4, 2, InPlace::default()).unwrap();
/// let mut slab = pool.get();
/// slab.push_with(|line: &mut Line| line.0.push_str("GET /")).unwrap();
/// assert_eq!(slab[0].0, "GET /");
/// ```
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
