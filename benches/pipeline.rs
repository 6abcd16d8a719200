//! soop-pipeline against hand-written channel pipelines and rayon, same
//! workloads, same run.
//!
//! - `strings_10m`: 10M `u64` → `String` (its decimal digits) → FNV hash of
//!   the digits (the `String` dropped) → sum. An allocation per item.
//! - `parse_4m`: 4M pre-built decimal strings → parse to `u64` → a cheap
//!   integer mix → sum. No allocation per item.
//!
//! Contenders: a sequential iterator; one thread per stage joined by
//! crossbeam `bounded` channels, one item per message, and the same with
//! hand-made `Vec` batches of 1,024 items; rayon's `par_bridge`; soop with
//! one worker per stage (as the hand-written pipelines have one thread per
//! stage), ordered and unordered, and soop with two workers on the first
//! (heavier) stage. In every pipeline the calling thread sums.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use crossbeam_channel::bounded;
use rayon::prelude::*;
use soop_pipeline::Pipeline;

const BATCH: usize = 1024;
/// Items (or batches) each crossbeam channel holds: 8,192 items either way,
/// what soop's links hold by default (8 units of 1,024).
const ITEM_CAPACITY: usize = 8192;

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn digits(n: u64) -> String {
    n.to_string()
}

fn hash(s: String) -> u64 {
    fnv(s.as_bytes())
}

fn parse(s: &'static str) -> u64 {
    s.parse().unwrap_or(0)
}

fn mix(x: u64) -> u64 {
    (x ^ (x >> 7)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// source → first → second → sum on the calling thread, one thread per
/// stage, one item per message.
fn crossbeam_per_item<S, A, B>(
    source: impl Iterator<Item = S> + Send + 'static,
    first: fn(S) -> A,
    second: fn(A) -> B,
    sum: fn(u64, B) -> u64,
) -> u64
where
    S: Send + 'static,
    A: Send + 'static,
    B: Send + 'static,
{
    let (to_first, first_in) = bounded(ITEM_CAPACITY);
    let (to_second, second_in) = bounded(ITEM_CAPACITY);
    let (to_sum, sum_in) = bounded(ITEM_CAPACITY);
    let feeder = thread::spawn(move || {
        for item in source {
            to_first.send(item).unwrap();
        }
    });
    let one = thread::spawn(move || {
        for item in first_in {
            to_second.send(first(item)).unwrap();
        }
    });
    let two = thread::spawn(move || {
        for item in second_in {
            to_sum.send(second(item)).unwrap();
        }
    });
    let total = sum_in.iter().fold(0, sum);
    for t in [feeder, one, two] {
        t.join().unwrap();
    }
    total
}

/// The same with `Vec` batches of [`BATCH`] items per message.
fn crossbeam_batched<S, A, B>(
    source: impl Iterator<Item = S> + Send + 'static,
    first: fn(S) -> A,
    second: fn(A) -> B,
    sum: fn(u64, B) -> u64,
) -> u64
where
    S: Send + 'static,
    A: Send + 'static,
    B: Send + 'static,
{
    let (to_first, first_in) = bounded::<Vec<S>>(ITEM_CAPACITY / BATCH);
    let (to_second, second_in) = bounded::<Vec<A>>(ITEM_CAPACITY / BATCH);
    let (to_sum, sum_in) = bounded::<Vec<B>>(ITEM_CAPACITY / BATCH);
    let feeder = thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        for item in source {
            batch.push(item);
            if batch.len() == BATCH {
                to_first
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .unwrap();
            }
        }
        if !batch.is_empty() {
            to_first.send(batch).unwrap();
        }
    });
    let one = thread::spawn(move || {
        for batch in first_in {
            to_second
                .send(batch.into_iter().map(first).collect())
                .unwrap();
        }
    });
    let two = thread::spawn(move || {
        for batch in second_in {
            to_sum
                .send(batch.into_iter().map(second).collect())
                .unwrap();
        }
    });
    let total = sum_in.iter().flatten().fold(0, sum);
    for t in [feeder, one, two] {
        t.join().unwrap();
    }
    total
}

fn add(total: u64, n: u64) -> u64 {
    total.wrapping_add(n)
}

fn contenders<S, A>(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    source: impl Fn() -> Box<dyn Iterator<Item = S> + Send> + Sync,
    first: fn(S) -> A,
    second: fn(A) -> u64,
    expected: u64,
) where
    S: Send + 'static,
    A: Send + 'static,
{
    group.bench_function("sequential", |b| {
        b.iter(|| {
            let total = source().map(first).map(second).fold(0, add);
            assert_eq!(total, expected);
        })
    });
    group.bench_function("crossbeam_per_item", |b| {
        b.iter(|| assert_eq!(crossbeam_per_item(source(), first, second, add), expected))
    });
    group.bench_function("crossbeam_batched_1024", |b| {
        b.iter(|| assert_eq!(crossbeam_batched(source(), first, second, add), expected))
    });
    group.bench_function("rayon_par_bridge", |b| {
        b.iter(|| {
            let total = source()
                .par_bridge()
                .map(first)
                .map(second)
                .reduce(|| 0, add);
            assert_eq!(total, expected);
        })
    });
    let variants = [
        ("soop_ordered", true, 1),
        ("soop_unordered", false, 1),
        ("soop_ordered_2_first", true, 2),
    ];
    for (name, ordered, first_workers) in variants {
        group.bench_function(name, |b| {
            b.iter(|| {
                let total = Pipeline::new()
                    .ordered(ordered)
                    .map("first", first_workers, first)
                    .map("second", 1, second)
                    .run(source())
                    .unwrap()
                    .fold(0, add);
                assert_eq!(total, expected);
            })
        });
    }
}

fn strings(c: &mut Criterion) {
    let items = 10_000_000u64;
    let expected = (0..items).map(digits).map(hash).fold(0, add);
    let mut group = c.benchmark_group("strings_10m");
    group.throughput(Throughput::Elements(items));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    contenders(&mut group, || Box::new(0..items), digits, hash, expected);
    group.finish();
}

fn parsing(c: &mut Criterion) {
    let items = 4_000_000u64;
    // Built once and leaked: items are `&'static str`, `Copy` and free to
    // move between threads, so nothing is allocated per item.
    let texts: &'static [String] = Vec::leak((0..items).map(|n| (n * 7919).to_string()).collect());
    let expected = texts.iter().map(|s| parse(s)).map(mix).fold(0, add);
    let mut group = c.benchmark_group("parse_4m");
    group.throughput(Throughput::Elements(items));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(6));
    contenders(
        &mut group,
        || Box::new(texts.iter().map(String::as_str)),
        parse,
        mix,
        expected,
    );
    group.finish();
    black_box(texts);
}

criterion_group!(benches, parsing, strings);
criterion_main!(benches);
