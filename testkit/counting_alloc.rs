//! A counting global allocator, for the tests and benches that prove "no
//! allocation in steady state". Include it with `#[path]` into one test or
//! bench crate; it installs itself as that crate's global allocator.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Forwards to the system allocator, counting allocations.
pub(crate) struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// The size of the latest allocation, to name the culprit when one appears.
static LAST_SIZE: AtomicUsize = AtomicUsize::new(0);
/// Allocations made by threads that called [`watch_this_thread`].
static WATCHED_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialised and without a destructor, so reading it never
    // allocates and works at any point of a thread's life.
    static WATCHED: Cell<bool> = const { Cell::new(false) };
}

fn count(size: usize) {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    LAST_SIZE.store(size, Ordering::Relaxed);
    if WATCHED.with(Cell::get) {
        WATCHED_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; it only
// counts allocations on the way.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which
        // is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through `alloc` or `realloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (and reallocations) so far, process-wide.
pub(crate) fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::SeqCst)
}

/// The size of the latest allocation.
pub(crate) fn last_size() -> usize {
    LAST_SIZE.load(Ordering::Relaxed)
}

/// How many allocations `f` made (with every other thread of the process).
pub(crate) fn allocations_of(f: impl FnOnce()) -> usize {
    let before = allocations();
    f();
    allocations() - before
}

/// Counts this thread's allocations in [`watched_allocations`] from now on.
/// A test watches the threads that carry the traffic it measures, so that
/// the test harness's own threads cannot disturb the count.
pub(crate) fn watch_this_thread() {
    WATCHED.with(|watched| watched.set(true));
}

/// Allocations (and reallocations) so far by watched threads.
pub(crate) fn watched_allocations() -> usize {
    WATCHED_ALLOCATIONS.load(Ordering::SeqCst)
}
