//! soop-mapreduce against sequential code, `std::thread::scope` and rayon,
//! same workloads, same run.
//!
//! - `sum_squares_32m`: wrapping sum of x*x over 32M u64 (memory-bound).
//! - `xorshift_1m`: 64 xorshift rounds per element over 1M u64
//!   (compute-bound).
//! - `fold_1000`: the wrapping sum over 1,000 elements (per-call overhead).
//! - `word_count_64mb`: word count over a deterministic ~64 MB Zipf text
//!   with a 50k-word vocabulary; rayon folds and reduces hash maps, over
//!   its parallel whitespace split (`rayon`) and over big pieces counted
//!   sequentially (`rayon_pieces`). On a noisy machine, `--bench paired`
//!   compares the same contenders run by run.
//!
//! soop runs twice: with its default (one worker fewer than cores, since the
//! calling thread works too) and with one worker per core plus the caller;
//! rayon runs on a pool of one thread per core.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/word_count.rs"]
mod word_count;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use soop_mapreduce::MapReduce;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// soop's default pool, soop with a worker per core, and rayon with a
/// thread per core.
fn pools() -> (MapReduce, MapReduce, rayon::ThreadPool) {
    let soop = MapReduce::new().unwrap();
    let soop_more = MapReduce::builder().workers(cores()).build().unwrap();
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores())
        .build()
        .unwrap();
    (soop, soop_more, rayon_pool)
}

fn xorshift64(mut x: u64) -> u64 {
    for _ in 0..64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// The same fold over `data` as every contender runs: `f` per element,
/// wrapping sum.
fn contenders<F: Fn(u64) -> u64 + Sync + Send + Copy>(
    c: &mut Criterion,
    name: &str,
    data: &[u64],
    f: F,
) {
    let (soop, soop_more, rayon_pool) = pools();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(data.len() as u64));
    group.bench_function("sequential", |b| {
        b.iter(|| black_box(data.iter().fold(0u64, |a, &x| a.wrapping_add(f(x)))))
    });
    group.bench_function("std_scope", |b| {
        b.iter(|| {
            let per = data.len().div_ceil(cores());
            let sum = std::thread::scope(|s| {
                let handles: Vec<_> = data
                    .chunks(per.max(1))
                    .map(|part| {
                        s.spawn(move || part.iter().fold(0u64, |a, &x| a.wrapping_add(f(x))))
                    })
                    .collect();
                handles
                    .into_iter()
                    .fold(0u64, |a, h| a.wrapping_add(h.join().unwrap()))
            });
            black_box(sum)
        })
    });
    group.bench_function("rayon", |b| {
        b.iter(|| {
            rayon_pool.install(|| {
                black_box(
                    data.par_iter()
                        .map(|&x| f(x))
                        .reduce(|| 0u64, u64::wrapping_add),
                )
            })
        })
    });
    group.bench_function("soop", |b| {
        b.iter(|| {
            black_box(
                soop.fold(
                    data,
                    || 0u64,
                    |a, &x| a.wrapping_add(f(x)),
                    u64::wrapping_add,
                )
                .unwrap(),
            )
        })
    });
    group.bench_function("soop_worker_per_core", |b| {
        b.iter(|| {
            black_box(
                soop_more
                    .fold(
                        data,
                        || 0u64,
                        |a, &x| a.wrapping_add(f(x)),
                        u64::wrapping_add,
                    )
                    .unwrap(),
            )
        })
    });
    group.finish();
}

fn folds(c: &mut Criterion) {
    let big: Vec<u64> = (0..32u64 << 20).collect();
    contenders(c, "sum_squares_32m", &big, |x| x.wrapping_mul(x));
    drop(big);
    let million: Vec<u64> = (1..=1u64 << 20).collect();
    contenders(c, "xorshift_1m", &million, xorshift64);
    contenders(c, "fold_1000", &million[..1000], |x| x.wrapping_mul(x));
}

fn word_count(c: &mut Criterion) {
    let text = corpus::zipf_text(64 << 20, 50_000);
    let (soop, soop_more, rayon_pool) = pools();
    let mut group = c.benchmark_group("word_count_64mb");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("sequential", |b| {
        b.iter(|| black_box(word_count::sequential(&text).len()))
    });
    group.bench_function("rayon", |b| {
        b.iter(|| black_box(word_count::rayon_words(&rayon_pool, &text).len()))
    });
    group.bench_function("rayon_pieces", |b| {
        b.iter(|| black_box(word_count::rayon_pieces(&rayon_pool, &text).len()))
    });
    for (name, mr) in [("soop", &soop), ("soop_worker_per_core", &soop_more)] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(word_count::soop(mr, &text).len()))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = folds, word_count
}
criterion_main!(benches);
