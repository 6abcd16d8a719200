//! A round trip (assign, then wait) allocates nothing once warm. One test
//! in this file, so no other test thread allocates inside the window.

use std::sync::{Arc, Barrier};

#[path = "../../testkit/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations;
use soop_assign::{Pool, from_fn};

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
    let before = allocations();
    for n in 0..100_000 {
        assert_eq!(pool.assign(n).unwrap().wait(), Ok(n + 1));
    }
    let during = allocations() - before;
    assert_eq!(during, 0, "allocations in 100k round trips");

    // Fire-and-forget allocates nothing either. Casts can fill the
    // mailbox, so the warm-up fills it once, whole, while the worker is held:
    // every slab a full mailbox needs is then in the free list.
    pool.cast(u64::MAX).unwrap();
    while pool.try_cast(0).is_ok() {}
    gate.wait();
    let before = allocations();
    for n in 0..100_000 {
        pool.cast(n).unwrap();
    }
    let during = allocations() - before;
    pool.stop();
    assert_eq!(during, 0, "allocations in 100k casts");
}
