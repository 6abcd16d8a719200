//! Buffer channels against crossbeam-channel, same workloads, same run.
//!
//! Items per second through one channel, 1 producer / 1 consumer and
//! 2 producers / 2 consumers, for `u64` and 64-byte items. crossbeam's
//! `bounded` sends one item per message, with the same item capacity as the
//! buffer channel (16 slabs of 256). soop is measured three ways: consumers
//! taking single items (`recv`), iterating (a slab at a time), and taking
//! whole slabs (`recv_slab`). After the
//! timings, each variant's allocations per item are printed.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

#[path = "../testkit/counting_alloc.rs"]
mod counting_alloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ITEMS: u64 = 1 << 20;
const SLABS: usize = 16;
const SLAB_LEN: usize = 256;

/// A 64-byte payload.
#[derive(Clone, Copy)]
struct Wide([u64; 8]);

trait Item: Send + 'static {
    fn make(i: u64) -> Self;
    fn value(&self) -> u64;
}
impl Item for u64 {
    fn make(i: u64) -> Self {
        i
    }
    fn value(&self) -> u64 {
        *self
    }
}
impl Item for Wide {
    fn make(i: u64) -> Self {
        Wide([i; 8])
    }
    fn value(&self) -> u64 {
        self.0[7]
    }
}

#[derive(Clone, Copy, Debug)]
enum Flavor {
    /// crossbeam-channel `bounded`, one item per message.
    Crossbeam,
    /// soop, consumers calling `recv` (items shared one by one).
    SoopRecv,
    /// soop, consumers iterating (a slab at a time).
    SoopIter,
    /// soop, consumers taking whole slabs with `recv_slab`.
    SoopSlabs,
}

/// Moves `ITEMS` items from `producers` threads to `consumers` threads and
/// returns the wall time, from first send to last receive.
fn run<T: Item>(flavor: Flavor, producers: usize, consumers: usize) -> Duration {
    let per_producer = ITEMS / producers as u64;
    let start = Instant::now();
    let sums: Vec<u64> = match flavor {
        Flavor::Crossbeam => {
            let (tx, rx) = crossbeam_channel::bounded::<T>(SLABS * SLAB_LEN);
            thread::scope(|s| {
                for _ in 0..producers {
                    let tx = tx.clone();
                    s.spawn(move || {
                        for i in 0..per_producer {
                            tx.send(T::make(i)).unwrap();
                        }
                    });
                }
                drop(tx);
                let handles: Vec<_> = (0..consumers)
                    .map(|_| {
                        let rx = rx.clone();
                        s.spawn(move || rx.iter().fold(0u64, |a, x| a.wrapping_add(x.value())))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            })
        }
        Flavor::SoopRecv | Flavor::SoopIter | Flavor::SoopSlabs => {
            let (tx, rx) = soop_buffers::bounded::<T>(SLABS, SLAB_LEN).unwrap();
            thread::scope(|s| {
                for _ in 0..producers {
                    let mut tx = tx.clone();
                    s.spawn(move || {
                        for i in 0..per_producer {
                            tx.send(T::make(i)).unwrap();
                        }
                    });
                }
                drop(tx);
                let handles: Vec<_> = (0..consumers)
                    .map(|_| {
                        let rx = rx.clone();
                        s.spawn(move || match flavor {
                            Flavor::SoopSlabs => {
                                let mut sum = 0u64;
                                while let Ok(slab) = rx.recv_slab() {
                                    sum = slab.iter().fold(sum, |a, x| a.wrapping_add(x.value()));
                                }
                                sum
                            }
                            Flavor::SoopIter => {
                                rx.iter().fold(0u64, |a, x| a.wrapping_add(x.value()))
                            }
                            _ => {
                                let mut sum = 0u64;
                                while let Ok(x) = rx.recv() {
                                    sum = sum.wrapping_add(x.value());
                                }
                                sum
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            })
        }
    };
    black_box(sums);
    start.elapsed()
}

fn throughput(c: &mut Criterion) {
    let shapes = [(1, 1, "1p1c"), (2, 2, "2p2c")];
    let flavors = [
        Flavor::Crossbeam,
        Flavor::SoopRecv,
        Flavor::SoopIter,
        Flavor::SoopSlabs,
    ];
    for (producers, consumers, shape) in shapes {
        for (size, name) in [(8, "u64"), (64, "64B")] {
            let mut group = c.benchmark_group(format!("channel/{shape}/{name}"));
            group.throughput(Throughput::Elements(ITEMS));
            for flavor in flavors {
                group.bench_function(format!("{flavor:?}"), |b| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| match size {
                                8 => run::<u64>(flavor, producers, consumers),
                                _ => run::<Wide>(flavor, producers, consumers),
                            })
                            .sum()
                    })
                });
            }
            group.finish();
        }
    }
    // Allocations per item: one run of each, counted whole (thread spawns
    // and channel set-up included, so a few allocations over 1M items).
    for flavor in flavors {
        let before = counting_alloc::allocations();
        run::<u64>(flavor, 1, 1);
        let allocated = counting_alloc::allocations() - before;
        println!(
            "allocations/item channel/1p1c/u64/{flavor:?}: {:.6} ({allocated} for {ITEMS} items)",
            allocated as f64 / ITEMS as f64
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = throughput
}
criterion_main!(benches);
