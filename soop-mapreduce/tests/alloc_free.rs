//! fold and map_reduce allocate per call, never per element. One test in
//! this file, so no other test thread allocates inside the windows.

#[path = "../../testkit/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations_of;
use soop_mapreduce::MapReduce;

#[test]
fn fold_and_map_reduce_do_not_allocate_per_element() {
    let mr = MapReduce::builder().workers(2).build().unwrap();
    let data: Vec<u64> = (0..4_000_000).collect();
    // Warm the pool's buffers.
    for _ in 0..10 {
        mr.fold(&data, || 0u64, |a, &x| a.wrapping_add(x), u64::wrapping_add)
            .unwrap();
    }
    for len in [1_000_000, 4_000_000] {
        let items = &data[..len];
        let fold = allocations_of(|| {
            let sum = mr.fold(
                items,
                || 0u64,
                |a, &x| a.wrapping_add(x * x),
                u64::wrapping_add,
            );
            assert!(sum.is_ok());
        });
        let map_reduce = allocations_of(|| {
            let max = mr.map_reduce(items, |&x| x ^ 0x5555, u64::max);
            assert!(max.unwrap().is_some());
        });
        // A few per call (the batch, one result slot per chunk), never
        // anything near one per element.
        assert!(fold <= 64, "fold over {len} items allocated {fold} times");
        assert!(
            map_reduce <= 64,
            "map_reduce over {len} items allocated {map_reduce} times"
        );
    }
    // Small inputs run on the calling thread and allocate nothing at all.
    let small = allocations_of(|| {
        let sum = mr.fold(&data[..1000], || 0u64, |a, &x| a + x, |a, b| a + b);
        assert_eq!(sum, Ok(499_500));
    });
    assert_eq!(small, 0);
}
