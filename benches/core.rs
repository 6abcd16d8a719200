//! soop-core pools against rayon's pool and a crossbeam worker thread.
//!
//! - `idle_cpu`: CPU time all of the process's threads spend while a
//!   2-thread pool sits idle for 100 ms (soop vs rayon, and no pool at all
//!   as the floor the measuring itself costs). Criterion's "time" here is
//!   CPU time per 100 ms window, not wall time.
//! - `wake_up`: round trip of one tiny job to a pool that has been idle
//!   long enough to park (soop vs a crossbeam worker blocked in `recv`).
//! - `restart`: from submitting a job that panics to the answer of the next
//!   job, on a 1-worker pool without backoff (soop), against catching the
//!   panic on a freshly spawned thread and joining it (what a supervisor
//!   that spawns a new thread per restart pays).
//! - `guarded`: round trip of one tiny job on a 1-worker pool, plain, behind
//!   a circuit breaker, and with a breaker and a watchdog, against a
//!   crossbeam worker with a reused reply channel: what the guards cost.
//! - `tree_restart`: a pool child in a supervision tree fails past its
//!   intensity; time until the supervisor's new pool has answered a job,
//!   against building a new pool by hand after the old one gave up.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::panic::catch_unwind;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use soop_core::{Job, Pool, ReplySlots, from_fn};

/// CPU time of every thread of this process so far (Linux: the sum of each
/// task's on-CPU nanoseconds from schedstat).
fn process_cpu() -> Duration {
    let mut total = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            total += stat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(total)
}

const IDLE_WINDOW: Duration = Duration::from_millis(100);

/// The process's CPU time over `iters` idle windows.
fn cpu_while_idle(iters: u64) -> Duration {
    (0..iters)
        .map(|_| {
            let before = process_cpu();
            thread::sleep(IDLE_WINDOW);
            process_cpu().saturating_sub(before)
        })
        .sum()
}

fn idle_cpu(c: &mut Criterion) {
    let mut group = c.benchmark_group("idle_cpu");
    group.sample_size(10);
    // What measuring costs with no pool at all: the floor for both.
    group.bench_function("no_pool", |b| {
        b.iter_custom(cpu_while_idle);
    });
    group.bench_function("soop", |b| {
        let _idle = Pool::builder()
            .workers(2)
            .build(from_fn(|n: u64| Ok::<_, String>(n)))
            .unwrap();
        thread::sleep(Duration::from_millis(20)); // let the workers park
        b.iter_custom(cpu_while_idle);
    });
    group.bench_function("rayon", |b| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| black_box(1 + 1));
        thread::sleep(Duration::from_millis(20));
        b.iter_custom(cpu_while_idle);
    });
    group.finish();
}

/// How long a pool is left alone before each wake-up is timed.
const PARK_TIME: Duration = Duration::from_millis(2);

fn wake_up(c: &mut Criterion) {
    let mut group = c.benchmark_group("wake_up");
    group.sample_size(20);
    group.bench_function("soop", |b| {
        let pool = Pool::builder()
            .workers(1)
            .build(from_fn(|n: u64| Ok::<_, String>(n + 1)))
            .unwrap();
        let slots = ReplySlots::new(4);
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                thread::sleep(PARK_TIME);
                let start = Instant::now();
                let (to, reply) = slots.pair();
                pool.submit(Job::with_reply(i, to)).unwrap();
                black_box(reply.wait().unwrap().unwrap());
                total += start.elapsed();
            }
            total
        });
    });
    group.bench_function("crossbeam", |b| {
        let (requests, inbox) = crossbeam_channel::bounded::<u64>(1);
        let (answers, replies) = crossbeam_channel::bounded::<u64>(1);
        let worker = thread::spawn(move || {
            for n in inbox {
                answers.send(n + 1).unwrap();
            }
        });
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                thread::sleep(PARK_TIME);
                let start = Instant::now();
                requests.send(i).unwrap();
                black_box(replies.recv().unwrap());
                total += start.elapsed();
            }
            total
        });
        drop(requests);
        worker.join().unwrap();
    });
    group.finish();
}

fn restart(c: &mut Criterion) {
    std::panic::set_hook(Box::new(|_| {}));
    let mut group = c.benchmark_group("restart");
    group.bench_function("soop", |b| {
        let pool = Pool::builder()
            .workers(1)
            .intensity(soop_core::restart::Intensity {
                max_restarts: u32::MAX,
                window: Duration::from_secs(1),
            })
            .build(from_fn(|n: u64| {
                if n == 0 {
                    panic!("restart me")
                } else {
                    Ok::<_, String>(n)
                }
            }))
            .unwrap();
        let slots = ReplySlots::new(4);
        b.iter(|| {
            let (to, failed) = slots.pair();
            pool.submit(Job::with_reply(0, to)).unwrap();
            let (to, next) = slots.pair();
            pool.submit(Job::with_reply(1, to)).unwrap();
            black_box(failed.wait().unwrap().is_err());
            black_box(next.wait().unwrap().unwrap());
        });
    });
    group.bench_function("spawn_per_restart", |b| {
        b.iter(|| {
            let failed = thread::spawn(|| catch_unwind(|| panic!("restart me")).is_err());
            black_box(failed.join().unwrap());
            black_box(thread::spawn(|| 1u64).join().unwrap());
        });
    });
    group.finish();
    let _ = std::panic::take_hook();
}

type Tiny = soop_core::FnWorker<fn(u64) -> Result<u64, String>, u64, u64, String>;

fn plus_one(n: u64) -> Result<u64, String> {
    Ok(n + 1)
}

fn guarded(c: &mut Criterion) {
    let mut group = c.benchmark_group("guarded");
    let plain = || Pool::builder().workers(1);
    let variants: [(&str, soop_core::Builder); 3] = [
        ("plain", plain()),
        (
            "breaker",
            plain().breaker(soop_core::breaker::Settings::default()),
        ),
        (
            "breaker_and_watchdog",
            plain()
                .breaker(soop_core::breaker::Settings::default())
                .stall_limit(Duration::from_secs(1)),
        ),
    ];
    for (name, builder) in variants {
        group.bench_function(name, |b| {
            let pool: Pool<Tiny> = builder
                .build(from_fn(plus_one as fn(u64) -> Result<u64, String>))
                .unwrap();
            let slots = ReplySlots::new(4);
            b.iter(|| {
                let (to, reply) = slots.pair();
                pool.submit(Job::with_reply(black_box(1), to)).unwrap();
                black_box(reply.wait().unwrap().unwrap());
            });
        });
    }
    group.bench_function("crossbeam_reused_reply", |b| {
        let (requests, inbox) = crossbeam_channel::bounded::<u64>(1024);
        let (answers, replies) = crossbeam_channel::bounded::<u64>(1);
        let worker = thread::spawn(move || {
            for n in inbox {
                answers.send(n + 1).unwrap();
            }
        });
        b.iter(|| {
            requests.send(black_box(1)).unwrap();
            black_box(replies.recv().unwrap());
        });
        drop(requests);
        worker.join().unwrap();
    });
    group.finish();
}

fn tree_restart(c: &mut Criterion) {
    use soop_core::restart::Intensity;
    use soop_core::supervisor::{Child, Supervisor};
    let mut group = c.benchmark_group("tree_restart");
    // Gives up at its first failure.
    let fragile = |b: soop_core::Builder| {
        b.workers(1)
            .intensity(Intensity {
                max_restarts: 1,
                window: Duration::from_nanos(1),
            })
            .policy(soop_core::restart::Policy::Temporary)
    };
    let worker = |n: u64| {
        if n == 0 {
            Err("fail".to_string())
        } else {
            Ok(n)
        }
    };
    group.bench_function("supervisor", |b| {
        let (child, current) = Child::pool("p", move |b| fragile(b).build(from_fn(worker)));
        let tree = Supervisor::builder("root")
            .intensity(Intensity {
                max_restarts: u32::MAX,
                window: Duration::from_nanos(1),
            })
            .child(child)
            .start()
            .unwrap();
        let slots = ReplySlots::new(4);
        b.iter(|| {
            let old = current.get().unwrap();
            let (to, failed) = slots.pair();
            old.submit(Job::with_reply(0, to)).unwrap();
            black_box(failed.wait().unwrap().is_err());
            let new = loop {
                match current.get() {
                    Some(p) if !std::sync::Arc::ptr_eq(&p, &old) => break p,
                    _ => thread::yield_now(),
                }
            };
            let (to, next) = slots.pair();
            new.submit(Job::with_reply(1, to)).unwrap();
            black_box(next.wait().unwrap().unwrap());
        });
        drop(tree);
    });
    group.bench_function("by_hand", |b| {
        let slots = ReplySlots::new(4);
        let mut pool = fragile(Pool::builder()).build(from_fn(worker)).unwrap();
        b.iter(|| {
            let (to, failed) = slots.pair();
            pool.submit(Job::with_reply(0, to)).unwrap();
            black_box(failed.wait().unwrap().is_err());
            pool = fragile(Pool::builder()).build(from_fn(worker)).unwrap();
            let (to, next) = slots.pair();
            pool.submit(Job::with_reply(1, to)).unwrap();
            black_box(next.wait().unwrap().unwrap());
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = idle_cpu, wake_up, restart, guarded, tree_restart
}
criterion_main!(benches);
