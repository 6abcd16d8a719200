//! A round trip (assign, then wait) allocates nothing once warm. One test
//! in this file, so no other test thread allocates inside the window.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use soop_assign::{Pool, from_fn};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; it only
// counts allocations on the way.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which is System's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `dealloc`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn assign_and_wait_allocate_nothing_in_steady_state() {
    let gate = Arc::new(Barrier::new(2));
    let held = Arc::clone(&gate);
    let pool = Pool::builder()
        .workers(1)
        .build(from_fn(move |n: u64| {
            if n == u64::MAX {
                held.wait();
            }
            Ok::<_, String>(n.wrapping_add(1))
        }))
        .unwrap();
    // Warm-up: fills the free lists of slabs and reply slots. One job at a
    // time needs at most a couple of each.
    for n in 0..10_000 {
        assert_eq!(pool.assign(n).unwrap().wait(), Ok(n + 1));
    }
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for n in 0..100_000 {
        assert_eq!(pool.assign(n).unwrap().wait(), Ok(n + 1));
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(during, 0, "allocations in 100k round trips");

    // Fire-and-forget allocates nothing either. Casts can fill the
    // mailbox, so the warm-up fills it once, whole, while the worker is held:
    // every slab a full mailbox needs is then in the free list.
    pool.cast(u64::MAX).unwrap();
    while pool.try_cast(0).is_ok() {}
    gate.wait();
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for n in 0..100_000 {
        pool.cast(n).unwrap();
    }
    let during = ALLOCATIONS.load(Ordering::SeqCst) - before;
    pool.stop();
    assert_eq!(during, 0, "allocations in 100k casts");
}
