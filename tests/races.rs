//! Races at the edges, each run many times: a ticket's timeout against its
//! reply, resizing against submitting, restarting against stopping, and
//! observers that panic while their pool escalates. Outcomes must be
//! exact whichever side wins; nothing may hang.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

#[path = "../testkit/bounded.rs"]
mod bounded;
#[path = "../testkit/quiet_panics.rs"]
mod quiet_panics;

use bounded::{eventually, within_a_minute};
use quiet_panics::quiet_injected_panics;
use soop::assign::restart::{Backoff, Intensity};
use soop::assign::{Error, Pool, WaitTimeoutError, from_fn};

#[test]
fn a_timeout_racing_the_reply_gives_the_value_exactly_once() {
    within_a_minute(|| {
        let pool = Pool::builder()
            .workers(1)
            .build(from_fn(|n: u64| {
                // A job of a few microseconds, so that timeouts of a few
                // microseconds land on either side of the reply.
                let mut x = n;
                for _ in 0..(n % 64) * 50 {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
                Ok::<_, String>(n)
            }))
            .unwrap();
        let (mut early, mut late) = (0, 0);
        for n in 0..2_000u64 {
            let ticket = pool.assign(n).unwrap();
            match ticket.wait_timeout(Duration::from_micros(n % 20)) {
                Ok(value) => {
                    assert_eq!(value, n);
                    early += 1;
                }
                Err(WaitTimeoutError::Timeout(ticket)) => {
                    assert_eq!(ticket.wait(), Ok(n), "the value arrives after a timeout");
                    late += 1;
                }
                Err(WaitTimeoutError::Job(e)) => panic!("job {n} failed: {e:?}"),
            }
        }
        assert_eq!(early + late, 2_000);
    });
}

#[test]
fn resizing_while_jobs_are_submitted_loses_none() {
    within_a_minute(|| {
        let pool = Arc::new(
            Pool::builder()
                .workers(2)
                .build(from_fn(|n: u64| Ok::<_, String>(n * 2)))
                .unwrap(),
        );
        let done = Arc::new(AtomicBool::new(false));
        let resizer = {
            let (pool, done) = (Arc::clone(&pool), Arc::clone(&done));
            thread::spawn(move || {
                let mut size = 1;
                let mut most_alive = 0;
                while !done.load(Ordering::Relaxed) {
                    size = size % 4 + 1;
                    pool.resize(size).unwrap();
                    let alive = pool
                        .status()
                        .workers
                        .iter()
                        .filter(|w| w.state != soop::core::WorkerState::Stopped)
                        .count();
                    most_alive = most_alive.max(alive);
                }
                // At most the largest size plus the workers told to retire
                // and not gone yet: churn never piles up threads.
                assert!(most_alive <= 4 + 3, "{most_alive} workers alive at once");
                size
            })
        };
        let submitters: Vec<_> = (0..2u64)
            .map(|t| {
                let pool = Arc::clone(&pool);
                thread::spawn(move || {
                    for i in 0..5_000u64 {
                        let n = t * 1_000_000 + i;
                        assert_eq!(pool.assign(n).unwrap().wait(), Ok(n * 2));
                    }
                })
            })
            .collect();
        for s in submitters {
            s.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        let last = resizer.join().unwrap();
        assert_eq!(pool.workers(), last);
        pool.stop();
    });
}

#[test]
fn stopping_while_workers_restart_returns_and_resolves_every_ticket() {
    quiet_injected_panics();
    within_a_minute(|| {
        for round in 0..50u64 {
            let pool = Arc::new(
                Pool::builder()
                    .workers(2)
                    .intensity(Intensity {
                        max_restarts: u32::MAX,
                        window: Duration::from_secs(1),
                    })
                    .backoff(if round % 2 == 0 {
                        Backoff::None
                    } else {
                        Backoff::Fixed(Duration::from_millis(1))
                    })
                    .build(from_fn(|n: u64| {
                        if n % 2 == 0 {
                            panic!("injected");
                        }
                        Ok::<_, String>(n)
                    }))
                    .unwrap(),
            );
            let tickets: Vec<_> = (0..200u64).map(|n| (n, pool.assign(n).unwrap())).collect();
            // Stop (or kill) at a moment that depends on the round: the
            // workers are somewhere between failing and restarting.
            eventually("some jobs are done", || {
                pool.status()
                    .workers
                    .iter()
                    .map(|w| w.processed + w.failed)
                    .sum::<u64>()
                    >= round
            });
            if round % 3 == 0 {
                pool.kill();
            } else {
                pool.stop();
            }
            for (n, ticket) in tickets {
                match ticket.wait() {
                    Ok(value) => assert_eq!(value, n),
                    Err(Error::Panicked(_)) => assert_eq!(n % 2, 0),
                    Err(Error::Cancelled) => assert_eq!(round % 3, 0, "only kill cancels"),
                    Err(other) => panic!("ticket {n}: {other:?}"),
                }
            }
        }
    });
}

#[test]
fn observers_that_panic_during_an_escalation_cannot_stop_it() {
    quiet_injected_panics();
    within_a_minute(|| {
        for _ in 0..30 {
            let seen = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&seen);
            let pool = Pool::builder()
                .workers(2)
                .intensity(Intensity {
                    max_restarts: 2,
                    window: Duration::from_secs(3600),
                })
                // One observer panics on every event; the other counts.
                .observer(|_: &soop::core::Event| panic!("injected: observer"))
                .observer(move |_: &soop::core::Event| {
                    counted.fetch_add(1, Ordering::Relaxed);
                })
                .build(from_fn(|_: u64| -> Result<u64, String> {
                    panic!("injected: worker")
                }))
                .unwrap();
            // Once escalated the pool refuses jobs: those are handed back.
            let tickets: Vec<_> = (0..20u64).filter_map(|n| pool.assign(n).ok()).collect();
            for ticket in tickets {
                assert!(matches!(
                    ticket.wait(),
                    Err(Error::Panicked(_) | Error::Cancelled)
                ));
            }
            eventually("the pool escalates", || pool.terminal().is_some());
            pool.stop();
            // Two starts, two restarts, the escalation and the stops at least:
            // the counting observer saw every one despite its neighbour.
            assert!(seen.load(Ordering::Relaxed) >= 5);
        }
    });
}
