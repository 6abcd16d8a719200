//! `Copy` items cross a pipeline without any allocation in steady state.
//! One test in this file, so no other test thread allocates in the window.

#[path = "../../testkit/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{allocations, last_size};
use soop_pipeline::Pipeline;

#[test]
fn copy_items_cross_three_stages_without_allocating() {
    for ordered in [true, false] {
        let items = 2_000_000u64;
        let warm_up = 600_000u64;
        let mut run = Pipeline::new()
            .ordered(ordered)
            .map("square", 2, |n: u64| n.wrapping_mul(n))
            .filter("odd", 1, |n: &u64| n % 2 == 1)
            .map("half", 2, |n: u64| n / 2)
            .run(0..items)
            .unwrap();
        // Warm-up: the slab pools fill up to what the pipeline keeps in
        // flight, and the reorder buffer reaches its size.
        let mut sum = 0u64;
        for n in run.by_ref().take((warm_up / 2) as usize) {
            sum = sum.wrapping_add(n);
        }
        let before = allocations();
        let mut taken = 0u64;
        for n in run.by_ref().take(((items - 2 * warm_up) / 2) as usize) {
            sum = sum.wrapping_add(n);
            taken += 1;
        }
        let during = allocations() - before;
        assert_eq!(taken, (items - 2 * warm_up) / 2);
        assert_eq!(
            during,
            0,
            "ordered = {ordered}: {during} allocations over {taken} items (last of {} bytes)",
            last_size()
        );
        sum = run.fold(sum, u64::wrapping_add);
        let expected = (0..items)
            .map(|n| n.wrapping_mul(n))
            .filter(|n| n % 2 == 1)
            .map(|n| n / 2)
            .fold(0u64, u64::wrapping_add);
        assert_eq!(sum, expected);
    }
}
