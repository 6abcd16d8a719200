//! soop-pipeline: order, counts, backpressure, failures, shutdown and reuse.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[path = "../../testkit/bounded.rs"]
mod bounded;
#[path = "../../testkit/quiet_panics.rs"]
mod quiet_panics;

use bounded::{eventually, within_a_minute};
use proptest::prelude::*;
use quiet_panics::quiet_injected_panics;
use soop_pipeline::{Cause, ConfigError, Emit, Error, Event, Intensity, Pipeline, TrySendError};

/// A pipeline of `stages` stages, each adding its index + 1 and with its own
/// worker count, so the expected output is computable.
fn chain(stages: &[usize], ordered: bool, unit_len: usize, capacity: usize) -> Pipeline<u64, u64> {
    let mut pipeline = Pipeline::new()
        .ordered(ordered)
        .unit_len(unit_len)
        .capacity(capacity);
    for (index, &workers) in stages.iter().enumerate() {
        let add = index as u64 + 1;
        pipeline = pipeline.map(&format!("add{add}"), workers, move |n: u64| n * 3 + add);
    }
    pipeline
}

fn sequential(stages: usize, items: &[u64]) -> Vec<u64> {
    items
        .iter()
        .map(|&n| (1..=stages as u64).fold(n, |n, add| n * 3 + add))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn ordered_output_is_the_sequential_map(
        stages in prop::collection::vec(1usize..4, 1..4),
        items in prop::collection::vec(0u64..1_000_000, 0..3_000),
        unit_len in 1usize..70,
        capacity in 1usize..4,
    ) {
        let expected = sequential(stages.len(), &items);
        let got = within_a_minute(move || {
            chain(&stages, true, unit_len, capacity).collect(items).unwrap().outputs
        });
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn unordered_output_is_a_permutation(
        stages in prop::collection::vec(1usize..4, 1..4),
        items in prop::collection::vec(0u64..1_000_000, 0..3_000),
        unit_len in 1usize..70,
    ) {
        let mut expected = sequential(stages.len(), &items);
        let mut got = within_a_minute(move || {
            chain(&stages, false, unit_len, 2).collect(items).unwrap().outputs
        });
        got.sort_unstable();
        expected.sort_unstable();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn filter_and_flat_map_keep_counts_and_order(
        items in prop::collection::vec(0u32..50, 0..2_000),
        workers in 1usize..4,
        unit_len in 1usize..40,
    ) {
        // Keep the even numbers, then repeat each n % 5 times: a unit may
        // grow past one slab.
        let expected: Vec<u32> = items
            .iter()
            .filter(|n| *n % 2 == 0)
            .flat_map(|&n| std::iter::repeat_n(n, (n % 5) as usize))
            .collect();
        let got = within_a_minute(move || {
            Pipeline::new()
                .unit_len(unit_len)
                .filter("even", workers, |n: &u32| n % 2 == 0)
                .flat_map("repeat", workers, |n: u32| std::iter::repeat_n(n, (n % 5) as usize))
                .collect(items)
                .unwrap()
                .outputs
        });
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn a_slow_sink_holds_the_source_to_the_configured_bound() {
    within_a_minute(|| {
        let unit_len = 8;
        let capacity = 2;
        let (mut input, output) = Pipeline::new()
            .unit_len(unit_len)
            .capacity(capacity)
            .map("first", 2, |n: u64| n + 1)
            .map("second", 1, |n: u64| n * 2)
            .start()
            .unwrap();
        let sent = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&sent);
        let producer = thread::spawn(move || {
            for n in 0..1_000_000u64 {
                if input.send(n).is_err() {
                    return;
                }
                counted.fetch_add(1, Ordering::Relaxed);
            }
        });
        // Nobody reads the output. Items can only be in the three links
        // (capacity units each), in the three workers' hands and in the
        // input's unit: that bounds what the producer got rid of.
        let bound = (3 * capacity + 3 + 1) * unit_len;
        eventually("items reach the unread output", || {
            output.status().output_queued > 0
        });
        for _ in 0..200 {
            let status = output.status();
            for stage in &status.stages {
                // The gauge may also count a unit a worker is taking at
                // that moment (it is counted out just after the take).
                let gauge_bound = (capacity + stage.workers) * unit_len;
                assert!(stage.queued <= gauge_bound, "{stage:?}");
            }
            assert!(status.output_queued <= capacity * unit_len);
            assert!(sent.load(Ordering::Relaxed) <= bound);
            thread::yield_now();
        }
        drop(output); // stops the pipeline: the blocked producer gets Closed
        producer.join().unwrap();
        assert!(sent.load(Ordering::Relaxed) <= bound);
    });
}

#[test]
fn errors_and_panics_reach_the_error_stream_and_the_rest_comes_through() {
    quiet_injected_panics();
    let done = within_a_minute(|| {
        Pipeline::new()
            .unit_len(16)
            .intensity(Intensity {
                max_restarts: 1_000,
                window: Duration::from_secs(60),
            })
            .map("halve", 2, |n: u32| {
                if n % 100 == 7 {
                    panic!("injected: {n}");
                }
                n
            })
            .try_map("check", 2, |n: &u32| {
                if n % 100 == 42 {
                    Err(format!("{n} is not allowed"))
                } else {
                    Ok(*n)
                }
            })
            .collect(0..1_000u32)
            .unwrap()
    });
    let expected: Vec<u32> = (0..1_000)
        .filter(|n| n % 100 != 7 && n % 100 != 42)
        .collect();
    assert_eq!(done.outputs, expected);
    assert_eq!(done.failures.len(), 20);
    let mut panicked: Vec<String> = Vec::new();
    let mut refused: Vec<u32> = Vec::new();
    for failure in done.failures {
        match (&*failure.stage, &failure.cause) {
            ("halve", Cause::Panicked(message)) => panicked.push(message.clone()),
            ("check", Cause::Error(message)) => {
                assert!(message.ends_with("is not allowed"));
                refused.push(failure.into_item::<u32>().expect("try_map keeps the item"));
            }
            other => panic!("unexpected failure {other:?}"),
        }
    }
    panicked.sort();
    refused.sort();
    assert_eq!(panicked.len(), 10);
    assert!(panicked.iter().all(|m| m.starts_with("injected: ")));
    assert_eq!(refused, (0..10).map(|k| k * 100 + 42).collect::<Vec<_>>());
}

#[test]
fn failures_restart_the_worker_with_fresh_state() {
    quiet_injected_panics();
    // One worker counting what it has seen; a panic on 5 resets the count.
    let out = within_a_minute(|| {
        Pipeline::new()
            .unit_len(4)
            .stateful("count", 1, || {
                let mut seen = 0u32;
                move |n: u32, out: &mut Emit<'_, u32>| {
                    if n == 5 {
                        panic!("injected");
                    }
                    seen += 1;
                    out.push(seen);
                    Ok::<_, String>(())
                }
            })
            .collect(0..10u32)
            .unwrap()
    });
    assert_eq!(out.outputs, [1, 2, 3, 4, 5, 1, 2, 3, 4]);
    assert_eq!(out.failures.len(), 1);
}

#[test]
fn status_counts_processed_failed_and_restarts() {
    quiet_injected_panics();
    within_a_minute(|| {
        let mut run = Pipeline::new()
            .map(
                "maybe",
                1,
                |n: u32| if n % 10 == 0 { panic!("injected") } else { n },
            )
            .run(0..100u32)
            .unwrap();
        assert_eq!(run.by_ref().count(), 90);
        let stage = &run.status().stages[0];
        assert_eq!(
            (stage.processed, stage.failed, stage.restarts),
            (90, 10, 10)
        );
    });
}

#[test]
fn past_the_intensity_the_pipeline_stops_and_says_why() {
    quiet_injected_panics();
    within_a_minute(|| {
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&events);
        let (mut input, mut output) = Pipeline::new()
            .intensity(Intensity {
                max_restarts: 2,
                window: Duration::from_secs(3600),
            })
            .observer(move |e: &Event| seen.lock().unwrap().push(e.clone()))
            .map("fine", 1, |n: u32| n)
            .map("fragile", 1, |n: u32| -> u32 { panic!("injected: {n}") })
            .start()
            .unwrap();
        // Sends until the pipeline refuses: the escalation closed it.
        let mut n = 0;
        while input.send(n).is_ok() {
            n += 1;
            input.flush().ok();
        }
        assert_eq!(output.by_ref().count(), 0);
        let terminal = output.terminal().expect("a terminal reason");
        assert_eq!(terminal.pool, "fragile");
        assert!(terminal.last_error.contains("injected"));
        assert!(matches!(
            Pipeline::new()
                .intensity(Intensity {
                    max_restarts: 1,
                    window: Duration::from_secs(3600),
                })
                .map("fragile", 1, |_: u32| -> u32 { panic!("injected") })
                .collect(0..10u32),
            Err(Error::Stopped(_))
        ));
        drop(output);
        let events = events.lock().unwrap();
        assert!(events.iter().any(|e| matches!(e, Event::Terminal(_))));
    });
}

#[test]
fn closing_the_input_drains_every_stage() {
    within_a_minute(|| {
        let (mut input, output) = Pipeline::new()
            .unit_len(64)
            .map("one", 2, |n: u64| n + 1)
            .filter("odd", 2, |n: &u64| n % 2 == 1)
            .map("three", 2, |n: u64| n * 3)
            .start()
            .unwrap();
        let producer = thread::spawn(move || {
            for n in 0..10_000u64 {
                input.send(n).unwrap();
            }
            input.close();
        });
        let got: Vec<u64> = output.collect();
        producer.join().unwrap();
        let expected: Vec<u64> = (0..10_000u64)
            .map(|n| n + 1)
            .filter(|n| n % 2 == 1)
            .map(|n| n * 3)
            .collect();
        assert_eq!(got, expected);
    });
}

#[test]
fn dropping_the_output_early_releases_a_blocked_producer() {
    within_a_minute(|| {
        let (mut input, mut output) = Pipeline::new()
            .unit_len(4)
            .capacity(1)
            .map("slow", 1, |n: u64| n)
            .start()
            .unwrap();
        let producer = thread::spawn(move || {
            let mut n = 0u64;
            loop {
                match input.send(n) {
                    Ok(()) => n += 1,
                    Err(refused) => return (n, refused.into_inner()),
                }
            }
        });
        assert_eq!(output.recv(), Some(0));
        drop(output);
        let (sent, refused) = producer.join().unwrap();
        assert_eq!(refused, sent, "the refused item comes back");
    });
}

#[test]
fn try_send_refuses_when_full_and_hands_the_item_back() {
    within_a_minute(|| {
        let (mut input, output) = Pipeline::new()
            .unit_len(2)
            .capacity(1)
            .map("id", 1, |n: u32| n)
            .start()
            .unwrap();
        let mut accepted = 0;
        let refused = loop {
            match input.try_send(accepted) {
                Ok(()) => accepted += 1,
                Err(refused) => break refused,
            }
        };
        assert!(matches!(refused, TrySendError::Full(n) if n == accepted));
        drop(output);
        assert!(matches!(input.try_send(0), Err(TrySendError::Closed(0))));
    });
}

#[test]
fn a_started_pipeline_is_reusable_after_an_idle_period() {
    within_a_minute(|| {
        let (mut input, mut output) = Pipeline::new()
            .map("inc", 2, |n: u32| n + 1)
            .map("double", 2, |n: u32| n * 2)
            .start()
            .unwrap();
        for round in 0..3u32 {
            for n in 0..100 {
                input.send(round * 1000 + n).unwrap();
            }
            input.flush().unwrap();
            let got: Vec<u32> = (0..100).map(|_| output.recv().unwrap()).collect();
            let expected: Vec<u32> = (0..100).map(|n| (round * 1000 + n + 1) * 2).collect();
            assert_eq!(got, expected);
            // Long enough for every worker to park: not a synchronisation,
            // just an idle period; the outcome is the same without it.
            thread::sleep(Duration::from_millis(20));
        }
        input.close();
        assert_eq!(output.recv(), None);
    });
}

#[test]
fn a_pipeline_without_stages_passes_items_through() {
    let out = within_a_minute(|| Pipeline::new().collect(0..1_000u32).unwrap());
    assert_eq!(out.outputs, (0..1_000).collect::<Vec<_>>());
}

#[test]
fn bad_settings_are_typed_errors() {
    let zero_unit = Pipeline::new().unit_len(0).map("a", 1, |n: u8| n).start();
    assert!(matches!(
        zero_unit,
        Err(Error::Config(ConfigError::Zero { what: "unit_len" }))
    ));
    let zero_capacity = Pipeline::new().capacity(0).map("a", 1, |n: u8| n).start();
    assert!(matches!(
        zero_capacity,
        Err(Error::Config(ConfigError::Zero { what: "capacity" }))
    ));
    let zero_window = Pipeline::new()
        .reorder_window(0)
        .map("a", 1, |n: u8| n)
        .start();
    assert!(matches!(
        zero_window,
        Err(Error::Config(ConfigError::Zero {
            what: "reorder_window"
        }))
    ));
    let huge_unit = Pipeline::new()
        .unit_len(usize::MAX)
        .map("a", 1, |n: u8| n)
        .start();
    assert!(matches!(
        huge_unit,
        Err(Error::Config(ConfigError::TooLarge { .. }))
    ));
    // The second stage cannot start: the first is stopped and joined.
    let no_workers = within_a_minute(|| {
        Pipeline::new()
            .map("fine", 2, |n: u8| n)
            .map("nobody", 0, |n: u8| n)
            .start()
            .err()
    });
    assert!(matches!(no_workers, Some(Error::Stage { ref stage, .. }) if stage == "nobody"));
    let bad_intensity = Pipeline::new()
        .intensity(Intensity {
            max_restarts: 0,
            window: Duration::from_secs(1),
        })
        .map("a", 1, |n: u8| n)
        .start();
    assert!(matches!(bad_intensity, Err(Error::Stage { .. })));
}

#[test]
fn a_stage_that_keeps_failing_on_one_unit_still_lets_the_rest_through() {
    quiet_injected_panics();
    // Every item of the first unit fails; the worker restarts for each and
    // carries on with the rest of that unit, so nothing is skipped.
    let out = within_a_minute(|| {
        Pipeline::new()
            .unit_len(10)
            .intensity(Intensity {
                max_restarts: 100,
                window: Duration::from_secs(60),
            })
            .map(
                "picky",
                1,
                |n: u32| if n < 10 { panic!("injected") } else { n },
            )
            .collect(0..30u32)
            .unwrap()
    });
    assert_eq!(out.outputs, (10..30).collect::<Vec<_>>());
    assert_eq!(out.failures.len(), 10);
}

#[test]
fn public_types_cross_threads() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<soop_pipeline::Input<String>>();
    send::<soop_pipeline::Output<String>>();
    send::<soop_pipeline::Pipeline<String, u64>>();
    send::<soop_pipeline::Failure>();
    send::<soop_pipeline::ErrorStream>();
    sync::<soop_pipeline::ErrorStream>();
    sync::<soop_pipeline::Output<String>>();
}

#[test]
fn a_run_left_early_stops_without_hanging() {
    let first = within_a_minute(|| {
        let mut run = Pipeline::new()
            .unit_len(16)
            .capacity(1)
            .map("id", 1, |n: u64| n)
            .run(0..u64::MAX)
            .unwrap();
        let first: Vec<u64> = run.by_ref().take(100).collect();
        drop(run); // the links are full and nobody reads: must not wait
        first
    });
    assert_eq!(first, (0..100).collect::<Vec<_>>());
}
