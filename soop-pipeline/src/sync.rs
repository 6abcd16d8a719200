//! The pipeline's locks: `std`'s, or loom's model-checked copies under
//! `--cfg loom` (the reorder window is modelled in `tests/loom.rs`).
//!
//! Locking survives a poisoned mutex: the pipeline's own state stays
//! consistent across a user's panic, which is caught before any lock of
//! ours is held.

#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
