//! Locking that survives a poisoned mutex: the pipeline's own state stays
//! consistent across a user's panic, which is caught before any lock of
//! ours is held.

use std::sync::{Mutex, MutexGuard};

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
