//! The one place this crate takes its synchronisation types from: `std` in a
//! normal build, loom's model-checked copies under `--cfg loom`. Everything
//! that shares memory between threads imports through here.

#[cfg(loom)]
pub(crate) use loom::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
};
#[cfg(loom)]
pub(crate) use loom::{cell::UnsafeCell, thread::yield_now};
#[cfg(not(loom))]
pub(crate) use std::sync::{
    Arc, Condvar, Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
};
#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;

/// `std`'s `UnsafeCell` behind loom's interface (`with`, `with_mut`), so that
/// the lock-free modules read the same under both.
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// Calls `f` with a pointer for reading.
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Calls `f` with a pointer for writing.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

use std::sync::PoisonError;
use std::time::Instant;

/// Locks `mutex`, ignoring poison: no code of ours panics while holding a
/// lock, and every state guarded here is consistent between statements.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How long a blocking operation may wait.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Wait {
    /// Not at all: the `try_` variants.
    Never,
    /// Until the instant, or for ever when `None`.
    Until(Option<Instant>),
}

impl Wait {
    /// Waiting for ever.
    pub(crate) const FOREVER: Wait = Wait::Until(None);

    /// Waiting at most `timeout` from now; a timeout too large to represent
    /// as an instant means for ever.
    pub(crate) fn timeout(timeout: std::time::Duration) -> Wait {
        Wait::Until(Instant::now().checked_add(timeout))
    }
}

/// Blocks on `condvar` until notified or `deadline` passes. Returns the guard
/// and whether the deadline has passed; callers re-check their condition
/// either way, since a condvar may wake spuriously.
pub(crate) fn wait_until<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    deadline: Option<Instant>,
) -> (MutexGuard<'a, T>, bool) {
    match deadline {
        None => (
            condvar.wait(guard).unwrap_or_else(PoisonError::into_inner),
            false,
        ),
        Some(deadline) => {
            let now = Instant::now();
            if now >= deadline {
                return (guard, true);
            }
            let (guard, _) = condvar
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(PoisonError::into_inner);
            (guard, Instant::now() >= deadline)
        }
    }
}
