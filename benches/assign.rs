//! soop-assign against the hand-written alternatives, same run.
//!
//! - `round_trip`: one tiny job (`u64 -> u64 + 1`) and its reply, on one
//!   worker thread: soop (a fresh `Ticket` each time); crossbeam-channel
//!   request with a fresh `bounded(1)` reply channel per request; crossbeam
//!   with one reply channel reused; std `mpsc` (request and reused reply
//!   channel); `rayon::spawn` on a 1-thread pool with a reused reply channel.
//! - `batch_100k`: 100,000 jobs on 2 workers, a reply handle per job, then
//!   wait for all: soop tickets against crossbeam with a fresh `bounded(1)`
//!   reply per job.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/echo.rs"]
mod echo;
use soop_assign::{Pool, from_fn};

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("round_trip");
    group.bench_function("soop_ticket", |b| {
        let pool = Pool::builder()
            .workers(1)
            .build(from_fn(|n: u64| Ok::<_, String>(n + 1)))
            .unwrap();
        let mut n = 0u64;
        b.iter(|| {
            n = pool.assign(n).unwrap().wait().unwrap();
        });
        black_box(n);
    });
    group.bench_function("crossbeam_fresh_reply", |b| {
        let service = echo::fresh_replies(1, 1024);
        let mut n = 0u64;
        b.iter(|| {
            n = echo::fresh_round_trip(&service, n);
        });
    });
    group.bench_function("crossbeam_reused_reply", |b| {
        let (service, answers) = echo::reused_reply(1024);
        let mut n = 0u64;
        b.iter(|| {
            service.send(n);
            n = answers.recv().unwrap();
        });
    });
    group.bench_function("std_mpsc", |b| {
        let (requests, inbox) = mpsc::sync_channel::<u64>(1024);
        let (replies, answers) = mpsc::sync_channel::<u64>(1);
        let worker = thread::spawn(move || {
            for n in inbox {
                let _ = replies.send(n + 1);
            }
        });
        let mut n = 0u64;
        b.iter(|| {
            requests.send(n).unwrap();
            n = answers.recv().unwrap();
        });
        drop(requests);
        worker.join().unwrap();
    });
    group.bench_function("rayon_spawn", |b| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (replies, answers) = crossbeam_channel::bounded::<u64>(1);
        let mut n = 0u64;
        b.iter(|| {
            let replies = replies.clone();
            pool.spawn(move || {
                let _ = replies.send(n + 1);
            });
            n = answers.recv().unwrap();
        });
    });
    group.finish();
}

const BATCH: u64 = 100_000;

fn batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch_100k");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(10);
    group.bench_function("soop_tickets", |b| {
        let pool = Pool::builder()
            .workers(2)
            .mailbox_capacity(BATCH as usize)
            .build(from_fn(|n: u64| Ok::<_, String>(n + 1)))
            .unwrap();
        b.iter(|| {
            let tickets: Vec<_> = (0..BATCH).map(|n| pool.assign(n).unwrap()).collect();
            let sum: u64 = tickets.into_iter().map(|t| t.wait().unwrap()).sum();
            black_box(sum);
        });
    });
    group.bench_function("crossbeam_fresh_replies", |b| {
        let service = echo::fresh_replies(2, BATCH as usize);
        b.iter(|| black_box(echo::fresh_batch(&service, BATCH)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = round_trip, batch
}
criterion_main!(benches);
