//! The idle reply slots of one pool: a stack behind a try-lock that never
//! waits long.
//!
//! Taking a slot and giving one back happen once per reply each, usually
//! on the thread that assigns and waits, so the list is built for the
//! uncontended case: one compare-and-swap to enter, a plain store to leave
//! (a mutex's unlock is a second atomic read-modify-write, and each one
//! waits for the stores before it, which here miss the cache). Last in,
//! first out, so the slot handed out is the one most recently in this
//! thread's cache.
//!
//! A thread that finds the list busy for long does not wait: taking
//! allocates a new slot, giving back frees the slot. Nothing is lost either
//! way, only a reuse.
//!
//! Every slot holds its list in an `Arc` (taken once, when the slot is
//! made), so a slot can be given back without touching a reference count.
//! The cycle (list holds slots, slots hold list) is broken by [`close`],
//! which the pool's last handle calls: the idle slots are freed, and a slot
//! given back later is freed rather than kept.
//!
//! [`close`]: FreeList::close

// Unsafe code here: the list behind its hand-made lock, and reaching a
// slot's home from the slot being given back. (The slot's value cell is
// `slot.rs`'s.)
#![allow(unsafe_code)]

use super::slot::Slot;
use crate::sync::{Arc, AtomicBool, AtomicU64, AtomicUsize, Ordering, UnsafeCell};

/// How many times a thread tries the lock before it does without the list.
/// The lock is held for a push or a pop, so a miss is another thread in the
/// middle of one, unless that thread was preempted there.
const ATTEMPTS: u32 = 64;

/// Every field is atomic or in an `UnsafeCell`: a thread giving a slot back
/// may still be inside the store that releases `busy` when the pool's last
/// owner frees the list, which Rust allows only for memory behind
/// `UnsafeCell`.
pub(super) struct FreeList<T> {
    busy: AtomicBool,
    idle: UnsafeCell<Idle<T>>,
    /// Written only under the lock, read without it: statistics.
    reused: AtomicU64,
    idle_count: AtomicUsize,
    /// Written without the lock, when no slot was free.
    allocated: AtomicU64,
}

struct Idle<T> {
    slots: Vec<Arc<Slot<T>>>,
    max_idle: usize,
    closed: bool,
}

// SAFETY: `idle` is reached only by the holder of `busy` (taken with
// Acquire, released with Release), one thread at a time; slots move
// between threads, so `T: Send` suffices.
unsafe impl<T: Send> Sync for FreeList<T> {}
// SAFETY: as above; the list owns its slots.
unsafe impl<T: Send> Send for FreeList<T> {}

/// The list, held: released on drop.
struct Held<'a, T> {
    list: &'a FreeList<T>,
}

impl<T> FreeList<T> {
    pub(super) fn new(max_idle: usize) -> Self {
        FreeList {
            busy: AtomicBool::new(false),
            idle: UnsafeCell::new(Idle {
                slots: Vec::with_capacity(max_idle.min(1024)),
                max_idle,
                closed: false,
            }),
            reused: AtomicU64::new(0),
            idle_count: AtomicUsize::new(0),
            allocated: AtomicU64::new(0),
        }
    }

    /// A free slot (popped, or made if none is free or the list stays
    /// busy).
    pub(super) fn take(list: &Arc<Self>) -> Arc<Slot<T>> {
        let popped = list.try_hold().and_then(|mut held| held.pop());
        popped.unwrap_or_else(|| {
            // Relaxed: a counter, read only for statistics.
            list.allocated.fetch_add(1, Ordering::Relaxed);
            Arc::new(Slot::new(Arc::clone(list)))
        })
    }

    /// Gives `slot` (empty again) back to the list it came from, or frees
    /// it if that list is full, closed or stays busy.
    pub(super) fn give_back(slot: Arc<Slot<T>>) {
        let home: *const FreeList<T> = Arc::as_ptr(slot.home());
        // SAFETY: `slot` holds an `Arc` of its home, so the list lives at
        // least as long as we hold the slot. Once the slot is in the list,
        // the list may be closed and freed by another thread as soon as
        // `busy` is released: the release is our last touch, made through
        // atomics only (see the struct's doc), and `home` is not used after.
        let home = unsafe { &*home };
        let Some(mut held) = home.try_hold() else {
            return; // `slot` is freed here
        };
        if let Err(slot) = held.push(slot) {
            drop(held);
            drop(slot);
        }
    }

    /// Frees the idle slots and makes the list free every slot given back
    /// from now on, breaking the cycle between the list and its slots.
    pub(super) fn close(&self) {
        let held = loop {
            if let Some(held) = self.try_hold() {
                break held;
            }
            crate::sync::yield_now();
        };
        let slots = held.close();
        drop(held);
        drop(slots);
    }

    /// Slots made because none was free.
    pub(super) fn allocated(&self) -> u64 {
        // Relaxed, all three: snapshots for statistics.
        self.allocated.load(Ordering::Relaxed)
    }

    /// Slots handed out again.
    pub(super) fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// Slots idle now.
    pub(super) fn idle(&self) -> usize {
        self.idle_count.load(Ordering::Relaxed)
    }

    fn try_hold(&self) -> Option<Held<'_, T>> {
        for attempt in 0..ATTEMPTS {
            // Acquire: what the last holder did to the list happened before.
            if self
                .busy
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return Some(Held { list: self });
            }
            if cfg!(loom) {
                crate::sync::yield_now();
                if attempt > 0 {
                    return None;
                }
            } else {
                std::hint::spin_loop();
            }
        }
        None
    }
}

impl<T> Held<'_, T> {
    fn with<R>(&self, f: impl FnOnce(&mut Idle<T>) -> R) -> R {
        self.list.idle.with_mut(|idle| {
            // SAFETY: holding `busy` makes this thread the list's only user.
            f(unsafe { &mut *idle })
        })
    }

    fn pop(&mut self) -> Option<Arc<Slot<T>>> {
        let list = self.list;
        let slot = self.with(|idle| idle.slots.pop())?;
        // Relaxed load and store, not an atomic add: only the holder
        // writes these counters.
        list.reused
            .store(list.reused.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        list.idle_count.store(
            list.idle_count.load(Ordering::Relaxed) - 1,
            Ordering::Relaxed,
        );
        Some(slot)
    }

    fn push(&mut self, slot: Arc<Slot<T>>) -> Result<(), Arc<Slot<T>>> {
        let list = self.list;
        self.with(|idle| {
            if idle.closed || idle.slots.len() >= idle.max_idle {
                return Err(slot);
            }
            idle.slots.push(slot);
            Ok(())
        })?;
        // Relaxed: as in `pop`.
        list.idle_count.store(
            list.idle_count.load(Ordering::Relaxed) + 1,
            Ordering::Relaxed,
        );
        Ok(())
    }

    fn close(&self) -> Vec<Arc<Slot<T>>> {
        let slots = self.with(|idle| {
            idle.closed = true;
            std::mem::take(&mut idle.slots)
        });
        // Relaxed: as in `pop`.
        self.list.idle_count.store(0, Ordering::Relaxed);
        slots
    }
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        // Release: what we did to the list happens before the next holder.
        self.list.busy.store(false, Ordering::Release);
    }
}
