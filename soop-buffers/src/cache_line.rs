//! Padding that keeps a value alone on its cache line.

/// Keeps its value alone on a cache line (128 bytes: two lines on x86, which
/// prefetches in pairs), so that writes to its neighbours do not take the
/// line away from the threads reading it.
#[repr(align(128))]
pub(crate) struct CacheLine<V>(pub(crate) V);

impl<V> std::ops::Deref for CacheLine<V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.0
    }
}
