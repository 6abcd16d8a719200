//! The chaos suite: in every mode, workers that panic, fail or stall on a
//! seeded 60% of 100,000 inputs. Every input must be accounted for exactly
//! once (an output, an error, a panic report), restarts must match what the
//! observers saw, nothing may hang, and the pool or pipeline must work
//! afterwards.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "../testkit/bounded.rs"]
mod bounded;
#[path = "../testkit/quiet_panics.rs"]
mod quiet_panics;

use bounded::within_a_minute;
use quiet_panics::quiet_injected_panics;
use soop::assign::restart::Intensity;

const INPUTS: u64 = 100_000;
const SEED: u64 = 0x5eed_c4a0_5000_0001;

/// What the worker does with one input: a seeded 20% each of panic, error
/// and stall (a slow but correct answer), 40% plain answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Answer,
    Stall,
    Fail,
    Panic,
}

fn fate(input: u64) -> Fate {
    // splitmix64: a fixed, well-spread draw per input.
    let mut z = input.wrapping_add(SEED).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    match (z ^ (z >> 31)) % 10 {
        0 | 1 => Fate::Panic,
        2 | 3 => Fate::Fail,
        4 | 5 => Fate::Stall,
        _ => Fate::Answer,
    }
}

fn answer(input: u64) -> u64 {
    input.wrapping_mul(3).wrapping_add(1)
}

/// The worker of every mode: the fate decides.
fn chaotic(input: u64) -> Result<u64, String> {
    match fate(input) {
        Fate::Panic => panic!("injected: {input}"),
        Fate::Fail => Err(format!("refused {input}")),
        Fate::Stall => {
            // Stalls are rare enough (and short enough) to keep the suite quick.
            if input % 100 == 0 {
                std::thread::sleep(Duration::from_micros(200));
            }
            Ok(answer(input))
        }
        Fate::Answer => Ok(answer(input)),
    }
}

fn expected_failures() -> u64 {
    (0..INPUTS)
        .filter(|&n| matches!(fate(n), Fate::Panic | Fate::Fail))
        .count() as u64
}

fn lenient() -> Intensity {
    Intensity {
        max_restarts: u32::MAX,
        window: Duration::from_secs(1),
    }
}

/// Counts the observers' restart events.
fn restart_counter() -> (
    Arc<AtomicU64>,
    impl Fn(&soop::core::Event) + Send + Sync + 'static,
) {
    let restarts = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&restarts);
    let observer = move |event: &soop::core::Event| {
        if matches!(event, soop::core::Event::Restarting { .. }) {
            counted.fetch_add(1, Ordering::Relaxed);
        }
    };
    (restarts, observer)
}

#[test]
fn assign_accounts_for_every_input_exactly_once() {
    quiet_injected_panics();
    within_a_minute(|| {
        use soop::assign::{Error, Pool, from_fn};

        let (seen_restarts, observer) = restart_counter();
        let pool = Pool::builder()
            .workers(2)
            .intensity(lenient())
            .observer(observer)
            .build(from_fn(chaotic))
            .unwrap();
        let tickets: Vec<_> = (0..INPUTS).map(|n| (n, pool.assign(n).unwrap())).collect();
        let (mut answered, mut failed, mut panicked) = (0u64, 0u64, 0u64);
        for (n, ticket) in tickets {
            match (fate(n), ticket.wait()) {
                (Fate::Answer | Fate::Stall, Ok(value)) => {
                    assert_eq!(value, answer(n));
                    answered += 1;
                }
                (Fate::Fail, Err(Error::Failed(message))) => {
                    assert_eq!(message, format!("refused {n}"));
                    failed += 1;
                }
                (Fate::Panic, Err(Error::Panicked(message))) => {
                    assert_eq!(message, format!("injected: {n}"));
                    panicked += 1;
                }
                (fate, outcome) => panic!("input {n} ({fate:?}) ended as {outcome:?}"),
            }
        }
        assert_eq!(answered + failed + panicked, INPUTS);
        assert_eq!(failed + panicked, expected_failures());
        // Usable afterwards, then stopped so that every event is delivered.
        assert_eq!(pool.assign(1).unwrap().wait(), Ok(answer(1)));
        pool.stop();
        let restarts: u64 = pool
            .status()
            .workers
            .iter()
            .map(|w| u64::from(w.restarts))
            .sum();
        assert_eq!(restarts, failed + panicked);
        assert_eq!(seen_restarts.load(Ordering::Relaxed), restarts);
    });
}

#[test]
fn pipeline_accounts_for_every_input_exactly_once() {
    quiet_injected_panics();
    within_a_minute(|| {
        use soop::pipeline::{Cause, Pipeline};

        let (seen_restarts, observer) = restart_counter();
        let (mut input, mut output) = Pipeline::new()
            .unit_len(64)
            .intensity(lenient())
            .observer(observer)
            .map("tag", 2, |n: u64| n)
            // The chaos: panics (the message names the input) and errors
            // (try_map keeps the input itself).
            .try_map("chaos", 2, |&n: &u64| chaotic(n).map(|v| (n, v)))
            .map("check", 1, |(n, v): (u64, u64)| {
                assert_eq!(v, answer(n));
                n
            })
            .start()
            .unwrap();
        let producer = std::thread::spawn(move || {
            for n in 0..INPUTS {
                input.send(n).unwrap();
            }
            input.flush().unwrap();
            input // kept open: the pipeline is used again below
        });
        let failing = expected_failures();
        let mut seen = HashSet::new();
        let mut outputs = 0u64;
        while outputs < INPUTS - failing {
            let n = output.recv().expect("the pipeline runs until closed");
            assert!(seen.insert(n), "{n} came out twice");
            outputs += 1;
        }
        let mut input = producer.join().unwrap();
        let mut failures = 0u64;
        while failures < failing {
            let failure = output
                .errors()
                .recv_timeout(Duration::from_secs(60))
                .expect("every failure reaches the error stream");
            assert_eq!(&*failure.stage, "chaos");
            let n = match &failure.cause {
                Cause::Panicked(message) => {
                    assert!(message.starts_with("injected: "), "{message}");
                    message["injected: ".len()..].parse().unwrap()
                }
                Cause::Error(_) => failure.into_item::<u64>().expect("try_map keeps the item"),
                Cause::Cancelled => panic!("nothing is cancelled while the pipeline runs"),
            };
            assert!(seen.insert(n), "{n} accounted for twice");
            failures += 1;
        }
        assert_eq!(seen.len() as u64, INPUTS);
        // Usable afterwards: one more input, then the drain.
        input.send(INPUTS + 1).unwrap();
        input.close();
        let rest: Vec<u64> = output.by_ref().collect();
        let last_ok = matches!(fate(INPUTS + 1), Fate::Answer | Fate::Stall);
        assert_eq!(rest.len(), usize::from(last_ok));
        let status = output.status();
        output.stop();
        let restarts: u64 = status.stages.iter().map(|s| u64::from(s.restarts)).sum();
        let extra = u64::from(!last_ok);
        assert_eq!(restarts, failing + extra);
        assert_eq!(seen_restarts.load(Ordering::Relaxed), restarts);
    });
}

#[test]
fn map_reduce_answers_or_reports_every_call_and_survives() {
    quiet_injected_panics();
    within_a_minute(|| {
        use soop::mapreduce::{Chunking, Error, MapReduce};

        let mr = MapReduce::builder()
            .workers(2)
            .chunking(Chunking::Fixed(16))
            .build()
            .unwrap();
        // 1,000 calls over 100 inputs each: a call with any panicking input
        // fails as a whole; the others must be exact.
        let (mut exact, mut failed) = (0, 0);
        for call in 0..1_000u64 {
            let inputs: Vec<u64> = (call * 100..call * 100 + 100).collect();
            let panics = inputs.iter().any(|&n| fate(n) == Fate::Panic);
            let result = mr.fold(
                &inputs,
                || 0u64,
                |sum, &n| match fate(n) {
                    Fate::Panic => panic!("injected: {n}"),
                    // Map-reduce closures have no error to return: a stall
                    // or an answer, both exact.
                    _ => sum.wrapping_add(chaotic(n).unwrap_or_else(|_| answer(n))),
                },
                u64::wrapping_add,
            );
            match result {
                Ok(sum) => {
                    assert!(!panics, "call {call} hid a panic");
                    let expected = inputs.iter().fold(0u64, |s, &n| s.wrapping_add(answer(n)));
                    assert_eq!(sum, expected);
                    exact += 1;
                }
                Err(Error::Panicked(message)) => {
                    assert!(panics && message.starts_with("injected: "));
                    failed += 1;
                }
            }
        }
        assert_eq!(exact + failed, 1_000);
        let data: Vec<u64> = (0..10_000).collect();
        assert_eq!(
            mr.fold(&data, || 0u64, |s, &n| s + n, |a, b| a + b),
            Ok(49_995_000)
        );
    });
}

#[test]
fn stopping_under_load_never_hangs_and_loses_nothing() {
    quiet_injected_panics();
    within_a_minute(|| {
        use soop::assign::{Error, Pool, from_fn};

        for round in 0..20u64 {
            let pool = Arc::new(
                Pool::builder()
                    .workers(2)
                    .mailbox_capacity(64)
                    .intensity(lenient())
                    .build(from_fn(chaotic))
                    .unwrap(),
            );
            let outcomes = Arc::new(Mutex::new((0u64, 0u64, 0u64))); // done, cancelled, refused
            let producers: Vec<_> = (0..3u64)
                .map(|p| {
                    let (pool, outcomes) = (Arc::clone(&pool), Arc::clone(&outcomes));
                    std::thread::spawn(move || {
                        for i in 0..2_000u64 {
                            let n = p * 1_000_000 + i;
                            match pool.assign(n) {
                                Ok(ticket) => {
                                    let result = ticket.wait();
                                    let mut o = outcomes.lock().unwrap();
                                    match result {
                                        Err(Error::Cancelled) => o.1 += 1,
                                        _ => o.0 += 1,
                                    }
                                }
                                Err(_) => outcomes.lock().unwrap().2 += 1,
                            }
                        }
                    })
                })
                .collect();
            // Let the producers get going, then end the pool three ways.
            while pool
                .status()
                .workers
                .iter()
                .map(|w| w.processed + w.failed)
                .sum::<u64>()
                < 100
            {
                std::thread::yield_now();
            }
            match round % 3 {
                0 => pool.stop(),
                1 => pool.kill(),
                // Dropped while in use: the last handle goes with the last
                // producer, on its thread.
                _ => {}
            }
            drop(pool);
            for producer in producers {
                producer.join().unwrap();
            }
            let (done, cancelled, refused) = *outcomes.lock().unwrap();
            assert_eq!(done + cancelled + refused, 6_000, "round {round}");
        }
    });
}

/// The input an item of the chaos pipeline came from, whatever stage it was
/// at: `u64` before "check", `(u64, u64)` at it.
fn input_of(failure: soop::pipeline::Failure) -> u64 {
    use soop::pipeline::Cause;
    match &failure.cause {
        Cause::Panicked(message) => message["injected: ".len()..].parse().unwrap(),
        _ => match failure.item::<(u64, u64)>() {
            Some(&(n, _)) => n,
            None => failure
                .into_item::<u64>()
                .expect("errors and cancellations keep the item"),
        },
    }
}

#[test]
fn stopping_a_pipeline_under_load_accounts_for_every_accepted_input() {
    quiet_injected_panics();
    within_a_minute(|| {
        use soop::pipeline::Pipeline;

        for round in 0..20u64 {
            let (mut input, mut output) = Pipeline::new()
                .unit_len(16)
                .capacity(2)
                .ordered(round % 2 == 0)
                .intensity(lenient())
                .map("tag", 2, |n: u64| n)
                .try_map("chaos", 2, |&n: &u64| chaotic(n).map(|v| (n, v)))
                .map("check", 1, |(n, _): (u64, u64)| n)
                .start()
                .unwrap();
            let errors = output.errors().clone();
            let producer = std::thread::spawn(move || {
                let mut accepted = 0u64;
                while input.send(accepted).is_ok() {
                    accepted += 1;
                }
                accepted // the input drops here: the error stream can end
            });
            // Read a round-dependent number of outputs, then stop.
            let mut seen: Vec<u64> = output.by_ref().take((round * 37) as usize).collect();
            seen.extend(output.stop());
            let accepted = producer.join().unwrap();
            seen.extend(errors.iter().map(input_of));
            seen.sort_unstable();
            assert_eq!(
                seen.len() as u64,
                accepted,
                "round {round}: lost or duplicated"
            );
            assert!(seen.iter().copied().eq(0..accepted), "round {round}");
        }
    });
}
