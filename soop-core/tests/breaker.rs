//! A pool fronted by a circuit breaker: it opens on the failure rate, fails
//! submissions fast with the job handed back, lets trials through after
//! the cool-down, and closes on their success; every change is in
//! `status()` and reported to observers. Time is a scripted clock.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Recorder, within_a_minute};
use soop_core::breaker::{Settings, State};
use soop_core::restart::Intensity;
use soop_core::{Event, FnWorker, Job, ManualClock, Pool, ReplySlots, SubmitError, from_fn};

type Flaky = FnWorker<fn(u32) -> Result<u32, String>, u32, u32, String>;

/// Odd inputs fail.
fn flaky(n: u32) -> Result<u32, String> {
    if n % 2 == 1 {
        Err(format!("{n} is odd"))
    } else {
        Ok(n)
    }
}

fn pool(clock: &Arc<ManualClock>, recorder: &Recorder) -> Pool<Flaky> {
    Pool::builder()
        .workers(1)
        .clock(Arc::clone(clock))
        .observer(recorder.clone())
        .intensity(Intensity {
            max_restarts: 1000,
            window: Duration::from_secs(1),
        })
        .breaker(Settings {
            failure_rate: 0.5,
            min_calls: 4,
            window: Duration::from_secs(10),
            cool_down: Duration::from_secs(5),
            trial_calls: 2,
        })
        .build(from_fn(flaky as fn(u32) -> Result<u32, String>))
        .unwrap()
}

/// Submits `n` and waits for its outcome (the breaker has counted it then).
fn run(pool: &Pool<Flaky>, slots: &ReplySlots<soop_core::Outcome<Flaky>>, n: u32) -> bool {
    let (to, reply) = slots.pair();
    pool.submit(Job::with_reply(n, to)).unwrap();
    reply.wait().unwrap().is_ok()
}

/// Four failures in a row: the breaker opens.
fn fail_four_times(pool: &Pool<Flaky>, slots: &ReplySlots<soop_core::Outcome<Flaky>>) {
    for n in [1, 3, 5, 7] {
        assert!(!run(pool, slots, n));
    }
}

fn changes(recorder: &Recorder) -> Vec<State> {
    recorder
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::BreakerChanged { state, .. } => Some(*state),
            _ => None,
        })
        .collect()
}

#[test]
fn the_breaker_opens_fails_fast_tries_again_and_closes() {
    within_a_minute(|| {
        let (clock, recorder) = (Arc::new(ManualClock::new()), Recorder::default());
        let pool = pool(&clock, &recorder);
        let slots = ReplySlots::new(8);
        // 1 failure in 3 calls: below the minimum of calls, closed.
        assert_eq!(
            [
                run(&pool, &slots, 2),
                run(&pool, &slots, 1),
                run(&pool, &slots, 4)
            ],
            [true, false, true]
        );
        assert_eq!(pool.status().breaker, Some(State::Closed));
        // The fourth call fails: 2 of 4 is the threshold: open.
        assert!(!run(&pool, &slots, 3));
        assert_eq!(pool.status().breaker, Some(State::Open));
        // Every way of submitting fails fast and hands the job back.
        let refused = pool.submit(Job::new(10)).unwrap_err();
        assert!(refused.is_open());
        assert_eq!(refused.into_inner().into_input(), 10);
        assert!(matches!(
            pool.try_submit(Job::new(11)),
            Err(SubmitError::Open(_))
        ));
        assert!(matches!(
            pool.submit_timeout(Job::new(12), Duration::from_secs(1)),
            Err(SubmitError::Open(_))
        ));
        clock.advance(Duration::from_secs(4));
        assert!(
            pool.submit(Job::new(13)).unwrap_err().is_open(),
            "cool-down not over"
        );
        clock.advance(Duration::from_secs(1));
        // Half-open: two trials go through (a third meanwhile would fail
        // fast: the breaker's unit tests script that).
        let (to_a, a) = slots.pair();
        let (to_b, b) = slots.pair();
        pool.submit(Job::with_reply(20, to_a)).unwrap();
        pool.submit(Job::with_reply(22, to_b)).unwrap();
        assert_eq!((a.wait().unwrap(), b.wait().unwrap()), (Ok(20), Ok(22)));
        assert_eq!(pool.status().breaker, Some(State::Closed));
        assert!(run(&pool, &slots, 30));
        pool.stop(); // joins the observer: every event is in
        assert_eq!(
            changes(&recorder),
            [State::Open, State::HalfOpen, State::Closed]
        );
    });
}

#[test]
fn a_failed_trial_opens_the_breaker_again() {
    within_a_minute(|| {
        let (clock, recorder) = (Arc::new(ManualClock::new()), Recorder::default());
        let pool = pool(&clock, &recorder);
        let slots = ReplySlots::new(8);
        fail_four_times(&pool, &slots);
        assert_eq!(pool.status().breaker, Some(State::Open));
        clock.advance(Duration::from_secs(5));
        assert!(!run(&pool, &slots, 9), "the trial fails");
        assert_eq!(pool.status().breaker, Some(State::Open));
        assert!(pool.try_submit(Job::new(2)).unwrap_err().is_open());
        pool.stop();
        assert_eq!(
            changes(&recorder),
            [State::Open, State::HalfOpen, State::Open]
        );
    });
}

#[test]
fn a_trial_refused_by_a_closed_mailbox_gives_its_place_back() {
    within_a_minute(|| {
        let (clock, recorder) = (Arc::new(ManualClock::new()), Recorder::default());
        let pool = pool(&clock, &recorder);
        let slots = ReplySlots::new(8);
        fail_four_times(&pool, &slots);
        clock.advance(Duration::from_secs(5));
        pool.stop();
        // Admitted by the breaker, refused by the closed mailbox: the job
        // comes back as Closed, and the trial slot is not used up.
        for n in 0..4 {
            assert!(pool.submit(Job::new(n)).unwrap_err().is_closed());
        }
        assert_eq!(pool.status().breaker, Some(State::HalfOpen));
    });
}
