//! One workload in all three modes, beside rayon and crossbeam: which mode
//! fits which shape of work.
//!
//! `hash_1m_records`: 1M records of 32 bytes, each hashed (FNV over its
//! bytes, then 16 xorshift rounds: about 40 ns of work), the hashes summed.
//!
//! - `sequential`: one loop on the calling thread.
//! - `soop_assign_per_record`: a ticket per record on a pool of a worker per
//!   core, then every ticket waited.
//! - `soop_assign_per_batch`: a ticket per batch of 1,024 records.
//! - `soop_mapreduce`: `map_reduce` over the slice (a worker per core, the
//!   caller's thread included).
//! - `soop_pipeline`: a hash stage of a worker per core, the calling thread
//!   feeding and summing (`run`).
//! - `rayon`: `par_iter().map().sum()`.
//! - `crossbeam_per_record`: a feeder, a worker per core and the calling
//!   thread summing, one record per message and one hash per reply.
//! - `crossbeam_per_batch`: the same with batches of 1,024.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crossbeam_channel::bounded;
use rayon::prelude::*;
use soop_assign::{Pool, from_fn, wait_all};
use soop_mapreduce::MapReduce;
use soop_pipeline::Pipeline;

const RECORDS: usize = 1 << 20;
const BATCH: usize = 1024;

#[derive(Clone, Copy)]
struct Record {
    id: u64,
    payload: [u8; 24],
}

fn hash(record: Record) -> u64 {
    let mut h = record
        .payload
        .iter()
        .fold(0xcbf2_9ce4_8422_2325 ^ record.id, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    for _ in 0..16 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
    }
    h
}

fn batch_hash(records: &[Record]) -> u64 {
    records.iter().fold(0, |sum, &r| sum.wrapping_add(hash(r)))
}

fn records() -> Vec<Record> {
    (0..RECORDS as u64)
        .map(|id| {
            let mut payload = [0u8; 24];
            for (i, byte) in payload.iter_mut().enumerate() {
                *byte = (id.wrapping_mul(31).wrapping_add(i as u64) % 251) as u8;
            }
            Record { id, payload }
        })
        .collect()
}

fn cores() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// A feeder thread, `cores()` workers and the calling thread summing; each
/// message carries `per_message` records and its reply their summed hash.
fn crossbeam(records: &Arc<[Record]>, per_message: usize) -> u64 {
    let (to_workers, work) = bounded::<(usize, usize)>(BATCH);
    let (to_sum, sums) = bounded::<u64>(BATCH);
    let feeder = {
        let len = records.len();
        thread::spawn(move || {
            for start in (0..len).step_by(per_message) {
                to_workers
                    .send((start, (start + per_message).min(len)))
                    .unwrap();
            }
        })
    };
    let workers: Vec<_> = (0..cores())
        .map(|_| {
            let (work, to_sum, records) = (work.clone(), to_sum.clone(), Arc::clone(records));
            thread::spawn(move || {
                for (start, end) in work {
                    to_sum.send(batch_hash(&records[start..end])).unwrap();
                }
            })
        })
        .collect();
    drop((work, to_sum));
    let total = sums.iter().fold(0, u64::wrapping_add);
    feeder.join().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    total
}

fn modes(c: &mut Criterion) {
    let records: Arc<[Record]> = records().into();
    let expected = batch_hash(&records);
    let per_record = Pool::builder()
        .workers(cores())
        .build(from_fn(|r: Record| Ok::<_, Infallible>(hash(r))))
        .unwrap();
    let per_batch = Pool::builder()
        .workers(cores())
        .build(from_fn(|(records, start): (Arc<[Record]>, usize)| {
            let end = (start + BATCH).min(records.len());
            Ok::<_, Infallible>(batch_hash(&records[start..end]))
        }))
        .unwrap();
    let mr = MapReduce::new().unwrap();
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores())
        .build()
        .unwrap();

    let mut group = c.benchmark_group("hash_1m_records");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    let sum = |outcomes: Vec<Result<u64, _>>| {
        outcomes
            .into_iter()
            .map(|o: Result<u64, soop_assign::Error<Infallible>>| o.unwrap())
            .fold(0, u64::wrapping_add)
    };
    group.bench_function("sequential", |b| {
        b.iter(|| assert_eq!(batch_hash(&records), expected))
    });
    group.bench_function("soop_assign_per_record", |b| {
        b.iter(|| {
            let tickets: Vec<_> = records
                .iter()
                .map(|&r| per_record.assign(r).unwrap())
                .collect();
            assert_eq!(sum(wait_all(tickets)), expected);
        })
    });
    group.bench_function("soop_assign_per_batch", |b| {
        b.iter(|| {
            let tickets: Vec<_> = (0..records.len())
                .step_by(BATCH)
                .map(|start| per_batch.assign((Arc::clone(&records), start)).unwrap())
                .collect();
            assert_eq!(sum(wait_all(tickets)), expected);
        })
    });
    group.bench_function("soop_mapreduce", |b| {
        b.iter(|| {
            let total = mr
                .map_reduce(&records, |&r| hash(r), u64::wrapping_add)
                .unwrap();
            assert_eq!(total, Some(expected));
        })
    });
    group.bench_function("soop_pipeline", |b| {
        b.iter(|| {
            let total = Pipeline::new()
                .map("hash", cores(), hash)
                .run(records.iter().copied())
                .unwrap()
                .fold(0, u64::wrapping_add);
            assert_eq!(total, expected);
        })
    });
    group.bench_function("rayon", |b| {
        b.iter(|| {
            let total = rayon_pool.install(|| {
                records
                    .par_iter()
                    .map(|&r| hash(r))
                    .reduce(|| 0, u64::wrapping_add)
            });
            assert_eq!(total, expected);
        })
    });
    group.bench_function("crossbeam_per_record", |b| {
        b.iter(|| assert_eq!(crossbeam(&records, 1), expected))
    });
    group.bench_function("crossbeam_per_batch", |b| {
        b.iter(|| assert_eq!(crossbeam(&records, BATCH), expected))
    });
    group.finish();
}

criterion_group!(benches, modes);
criterion_main!(benches);
