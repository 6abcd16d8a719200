//! The watchdog: a stalled call is reported and replaced so the pool keeps
//! its capacity; a run loop whose heartbeat lapses is replaced and told to
//! go; nothing is lost and the stalled thread is joined when it returns.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::{Recorder, eventually, within_a_minute};
use soop_core::{Context, Event, Job, Pool, ReplySlots, StopReason, WorkerState, from_fn};

/// Closed until the test opens it; every waiter goes through then.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, opened) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = opened.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.0.0.lock().unwrap() = true;
        self.0.1.notify_all();
    }
}

/// A 1-worker pool from `builder`, observed by `recorder`, whose calls on
/// the inputs `hangs` picks wait until the test opens `gate`.
fn gated_pool(
    builder: soop_core::Builder,
    recorder: &Recorder,
    gate: &Gate,
    hangs: fn(u32) -> bool,
) -> Pool<impl soop_core::Worker<Input = u32, Output = u32, Error = String>> {
    let gate = gate.clone();
    builder
        .workers(1)
        .observer(recorder.clone())
        .build(from_fn(move |n: u32| {
            if hangs(n) {
                gate.wait();
            }
            Ok::<_, String>(n)
        }))
        .unwrap()
}

fn stalls(recorder: &Recorder) -> Vec<(usize, Option<usize>)> {
    recorder
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::Stalled {
                worker,
                replacement,
                ..
            } => Some((*worker, *replacement)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_stalled_worker_is_reported_and_replaced_and_capacity_is_kept() {
    within_a_minute(|| {
        let (recorder, gate) = (Recorder::default(), Gate::default());
        let watched = Pool::builder().stall_limit(Duration::from_millis(20));
        let pool = gated_pool(watched, &recorder, &gate, |n| n == 0);
        let slots = ReplySlots::new(64);
        let (to, stalled_reply) = slots.pair();
        pool.submit(Job::with_reply(0, to)).unwrap();
        eventually("the stall is reported", || !stalls(&recorder).is_empty());
        assert_eq!(stalls(&recorder)[0], (0, Some(1)));
        // The only worker is stuck: these finish only on the replacement.
        for n in 1..=50 {
            let (to, reply) = slots.pair();
            pool.submit(Job::with_reply(n, to)).unwrap();
            assert_eq!(reply.wait().unwrap(), Ok(n));
        }
        gate.open();
        assert_eq!(
            stalled_reply.wait().unwrap(),
            Ok(0),
            "the stalled call's reply is not lost"
        );
        eventually("the stalled worker leaves after its call", || {
            pool.status().workers[0].state == WorkerState::Stopped
        });
        // A slow moment of the replacement may be reported too, but it is
        // never replaced: one stalled thread is already left behind.
        let status = pool.status();
        assert_eq!(status.workers.len(), 2);
        assert_eq!(status.workers[1].processed, 50);
        pool.stop();
        assert!(recorder.events().iter().any(|e| matches!(
            e,
            Event::Stopped {
                worker: 0,
                reason: StopReason::Replaced,
                ..
            }
        )));
    });
}

#[test]
fn report_only_watchdogs_do_not_replace() {
    within_a_minute(|| {
        let (recorder, gate) = (Recorder::default(), Gate::default());
        let watched = Pool::builder()
            .stall_limit(Duration::from_millis(20))
            .replace_stalled(false);
        let pool = gated_pool(watched, &recorder, &gate, |_| true);
        pool.submit(Job::new(0)).unwrap();
        eventually("the stall is reported", || !stalls(&recorder).is_empty());
        assert_eq!(stalls(&recorder), [(0, None)]);
        assert_eq!(pool.status().workers.len(), 1);
        gate.open();
        pool.stop();
    });
}

#[test]
fn replaced_threads_never_outnumber_working_ones() {
    within_a_minute(|| {
        let (recorder, gate) = (Recorder::default(), Gate::default());
        let watched = Pool::builder().stall_limit(Duration::from_millis(5));
        let pool = gated_pool(watched, &recorder, &gate, |_| true); // every call hangs
        for n in 0..4 {
            pool.submit(Job::new(n)).unwrap();
        }
        // Worker 0 stalls and is replaced by 1; 1 stalls too, and with one
        // stalled thread already left behind, it is only reported.
        eventually("both stalls reported", || stalls(&recorder).len() >= 2);
        assert_eq!(stalls(&recorder)[..2], [(0, Some(1)), (1, None)]);
        assert_eq!(pool.status().workers.len(), 2);
        gate.open();
        pool.stop();
    });
}

#[test]
fn a_run_loop_whose_heartbeat_lapses_is_replaced_and_told_to_go() {
    within_a_minute(|| {
        let recorder = Recorder::default();
        let gate = Gate::default();
        let builds = Arc::new(AtomicUsize::new(0));
        let replacement_beats = Arc::new(AtomicUsize::new(0));
        let told = Arc::new(AtomicUsize::new(0));
        let loops = {
            let (gate, builds, beats, told) = (
                gate.clone(),
                Arc::clone(&builds),
                Arc::clone(&replacement_beats),
                Arc::clone(&told),
            );
            Pool::builder()
                .workers(1)
                .stall_limit(Duration::from_millis(20))
                .observer(recorder.clone())
                .run_loops(move || {
                    let first = builds.fetch_add(1, Ordering::SeqCst) == 0;
                    let (gate, beats, told) = (gate.clone(), Arc::clone(&beats), Arc::clone(&told));
                    move |ctx: &Context<'_>| {
                        if first {
                            ctx.heartbeat();
                            gate.wait(); // no heartbeat while stuck here
                            if ctx.is_stopping() {
                                told.fetch_add(1, Ordering::SeqCst);
                            }
                            return Ok::<_, String>(());
                        }
                        while !ctx.sleep(Duration::from_millis(1)) {
                            ctx.heartbeat();
                            beats.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(())
                    }
                })
                .unwrap()
        };
        eventually("the lapse is reported", || !stalls(&recorder).is_empty());
        assert_eq!(stalls(&recorder)[0], (0, Some(1)));
        eventually("the replacement runs", || {
            replacement_beats.load(Ordering::SeqCst) > 10
        });
        gate.open();
        eventually("the stalled loop saw it must go", || {
            told.load(Ordering::SeqCst) == 1
        });
        loops.stop();
        assert_eq!(builds.load(Ordering::SeqCst), 2);
    });
}
