//! soop-mapreduce: results equal the sequential ones, panics come back as
//! errors, nesting works, borrowed data works.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../../testkit/quiet_panics.rs"]
mod quiet_panics;

use proptest::prelude::*;
use quiet_panics::quiet_injected_panics;
use soop_mapreduce::{Chunking, Error, MapReduce};

fn pool(workers: usize, chunk: usize) -> MapReduce {
    MapReduce::builder()
        .workers(workers)
        .chunking(Chunking::Fixed(chunk))
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn fold_map_and_group_equal_the_sequential_results(
        items in prop::collection::vec(0u32..1000, 0..3000),
        workers in 1usize..4,
        chunk in 1usize..700,
    ) {
        let mr = pool(workers, chunk);
        // A non-commutative combine proves chunks are combined in order.
        let concat = mr.fold(&items, Vec::new, |mut v, &x| { v.push(x); v }, |mut a, b| { a.extend(b); a }).unwrap();
        prop_assert_eq!(&concat, &items);
        let sum = mr.fold(&items, || 0u64, |a, &x| a + u64::from(x), |a, b| a + b).unwrap();
        prop_assert_eq!(sum, items.iter().map(|&x| u64::from(x)).sum::<u64>());
        let mapped = mr.map(&items, |&x| x * 2 + 1).unwrap();
        prop_assert_eq!(mapped, items.iter().map(|&x| x * 2 + 1).collect::<Vec<_>>());
        let max = mr.map_reduce(&items, |&x| x, u32::max).unwrap();
        prop_assert_eq!(max, items.iter().copied().max());
        let groups = mr.group(&items, |&x, emit| emit(x % 17, 1u32), |n, m| *n += m).unwrap();
        let mut expected: HashMap<u32, u32> = HashMap::new();
        for &x in &items {
            *expected.entry(x % 17).or_default() += 1;
        }
        prop_assert_eq!(groups, expected);
        let seen = AtomicUsize::new(0);
        mr.for_each(&items, |_| { seen.fetch_add(1, Ordering::Relaxed); }).unwrap();
        prop_assert_eq!(seen.into_inner(), items.len());
    }

    #[test]
    fn word_count_over_one_big_str_equals_the_sequential_count(
        words in prop::collection::vec(prop_oneof![Just("a"), Just("bb"), Just("ccc"), Just("dé"), Just("e")], 0..2000),
        separators in prop::collection::vec(prop_oneof![Just(" "), Just("\n"), Just("  "), Just("\t")], 1..5),
        workers in 1usize..4,
        chunk in 1usize..500,
    ) {
        let text: String = words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{w}{}", separators[i % separators.len()]))
            .collect();
        let mr = pool(workers, chunk);
        let counts = mr
            .group_text(&text, |piece, emit| piece.split_whitespace().for_each(|w| emit(w, 1u64)), |n, m| *n += m)
            .unwrap();
        let mut expected: HashMap<&str, u64> = HashMap::new();
        for w in text.split_whitespace() {
            *expected.entry(w).or_default() += 1;
        }
        prop_assert_eq!(counts, expected);
    }
}

#[test]
fn empty_single_and_fewer_items_than_workers() {
    let mr = pool(4, 1);
    let empty: [u8; 0] = [];
    assert_eq!(mr.fold(&empty, || 7, |a, _| a, |a, b| a + b), Ok(7));
    assert_eq!(mr.map(&empty, |x| *x), Ok(vec![]));
    assert_eq!(mr.map_reduce(&empty, |x| *x, |a, b| a + b), Ok(None));
    assert!(
        mr.group(&empty, |&x, emit| emit(x, x), |a, b| *a += b)
            .unwrap()
            .is_empty()
    );
    assert_eq!(mr.map(&[5u8], |x| x + 1), Ok(vec![6]));
    assert_eq!(mr.map(&[1u8, 2], |x| x * 10), Ok(vec![10, 20]));
    assert_eq!(mr.fold(&[1, 2, 3], || 0, |a, x| a + x, |a, b| a + b), Ok(6));
}

#[test]
fn a_panic_in_one_chunk_is_an_error_and_the_next_call_works() {
    quiet_injected_panics();
    let mr = pool(2, 10);
    let items: Vec<u32> = (0..1000).collect();
    for _ in 0..20 {
        let failed = mr.map(&items, |&x| {
            if x == 555 {
                panic!("injected at 555");
            }
            x
        });
        assert_eq!(failed, Err(Error::Panicked("injected at 555".to_string())));
        let failed = mr.fold(
            &items,
            || 0,
            |a, &x| {
                if x == 3 {
                    panic!("injected fold")
                } else {
                    a + x
                }
            },
            |a, b| a + b,
        );
        assert!(matches!(failed, Err(Error::Panicked(_))));
        assert_eq!(
            mr.fold(&items, || 0u32, |a, &x| a + x, |a, b| a + b),
            Ok(499_500)
        );
    }
}

#[test]
fn nested_calls_on_the_same_pool_do_not_deadlock() {
    let mr = pool(2, 1);
    let rows: Vec<Vec<u64>> = (0..50).map(|r| (0..200).map(|c| r * c).collect()).collect();
    let row_sums = mr
        .map(&rows, |row| {
            // The inner call runs on a worker (or the caller) of the same pool.
            mr.fold(row, || 0u64, |a, &x| a + x, |a, b| a + b).unwrap()
        })
        .unwrap();
    let expected: Vec<u64> = rows.iter().map(|r| r.iter().sum()).collect();
    assert_eq!(row_sums, expected);
    // Three levels, with every worker busy at the outer level.
    let total = mr
        .fold(
            &rows,
            || 0u64,
            |acc, row| {
                acc + mr
                    .map_reduce(
                        row,
                        |&x| mr.fold(&[x, 1], || 0, |a, &y| a + y, |a, b| a + b).unwrap(),
                        |a, b| a + b,
                    )
                    .unwrap()
                    .unwrap_or(0)
            },
            |a, b| a + b,
        )
        .unwrap();
    assert_eq!(total, expected.iter().sum::<u64>() + 50 * 200);
}

#[test]
fn closures_borrow_non_static_data() {
    let mr = MapReduce::builder().workers(2).build().unwrap();
    let names: Vec<String> = (0..10_000).map(|i| format!("name-{i}")).collect();
    let prefix = String::from("name-9");
    let count = mr
        .fold(
            &names,
            || 0usize,
            |n, name| n + usize::from(name.starts_with(prefix.as_str())),
            |a, b| a + b,
        )
        .unwrap();
    assert_eq!(
        count,
        names.iter().filter(|n| n.starts_with("name-9")).count()
    );
    let lens: Vec<&str> = mr.map(&names, |n| n.as_str()).unwrap();
    assert_eq!(lens[42], "name-42");
}

#[test]
fn zero_workers_is_an_error() {
    assert!(MapReduce::builder().workers(0).build().is_err());
}
