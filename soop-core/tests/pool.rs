//! soop-core pools: restart policies, intensity, observers, failures,
//! lifecycle, resize and status.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, OnceLock, Weak};
use std::thread;
use std::time::Duration;

use common::*;
use soop_core::restart::{Backoff, Intensity, Policy};
use soop_core::{
    BuildError, Event, Job, JobError, ManualClock, Pool, ReplySlots, StopReason, Worker,
    WorkerState, from_fn,
};

/// What a test asks of its worker.
enum Cmd {
    Echo(u64),
    Fail,
    Panic,
    /// Waits at the barrier, so that several workers are busy at once.
    Meet(Arc<Barrier>),
    /// Runs a closure on the worker thread.
    Call(Box<dyn FnOnce() + Send>),
}

#[derive(Debug, PartialEq)]
enum Answer {
    Echo(u64),
    Thread(thread::ThreadId),
    Done,
}

/// A worker that does what it is told and counts how often it was built.
struct Scripted;

impl Worker for Scripted {
    type Input = Cmd;
    type Output = Answer;
    type Error = String;

    fn handle(&mut self, cmd: Cmd) -> Result<Answer, String> {
        match cmd {
            Cmd::Echo(n) => Ok(Answer::Echo(n)),
            Cmd::Fail => Err("told to fail".to_string()),
            Cmd::Panic => panic!("injected panic"),
            Cmd::Meet(barrier) => {
                barrier.wait();
                Ok(Answer::Thread(thread::current().id()))
            }
            Cmd::Call(f) => {
                f();
                Ok(Answer::Done)
            }
        }
    }
}

fn counted_factory(builds: &Arc<AtomicUsize>) -> impl Fn() -> Scripted + Send + Sync + 'static {
    let builds = Arc::clone(builds);
    move || {
        builds.fetch_add(1, Ordering::SeqCst);
        Scripted
    }
}

type Outcome = Result<Answer, JobError<String>>;

/// Waits (a minute at most) until the pool's first worker is running a job.
fn wait_until_busy(pool: &Pool<Scripted>) {
    eventually("the worker starts its job", || {
        pool.status().workers[0].state == WorkerState::Busy
    });
}

/// Submits `n` jobs that wait for each other at a barrier, so that `n`
/// workers must run them at once, and returns the threads they ran on.
fn meet_on_every_worker(
    pool: &Pool<Scripted>,
    slots: &ReplySlots<Outcome>,
    n: usize,
) -> HashSet<thread::ThreadId> {
    let barrier = Arc::new(Barrier::new(n));
    let replies: Vec<_> = (0..n)
        .map(|_| {
            let (to, r) = slots.pair();
            pool.submit(Job::with_reply(Cmd::Meet(Arc::clone(&barrier)), to))
                .unwrap();
            r
        })
        .collect();
    replies
        .into_iter()
        .map(|r| match r.wait().unwrap() {
            Ok(Answer::Thread(id)) => id,
            other => panic!("{other:?}"),
        })
        .collect()
}

/// Submits `cmd` and waits for its outcome.
fn ask(pool: &Pool<Scripted>, slots: &ReplySlots<Outcome>, cmd: Cmd) -> Outcome {
    let (reply_to, reply) = slots.pair();
    pool.submit(Job::with_reply(cmd, reply_to)).unwrap();
    reply.wait().expect("every submitted job resolves")
}

#[test]
fn bad_configuration_is_a_typed_error() {
    let f = || from_fn(|n: u8| Ok::<_, String>(n));
    let zero = |what| Some(what);
    let what = |r: Result<Pool<_>, BuildError>| match r {
        Err(BuildError::Zero { what }) => Some(what),
        _ => None,
    };
    assert_eq!(what(Pool::builder().workers(0).build(f())), zero("workers"));
    assert_eq!(
        what(Pool::builder().workers(1).mailbox_capacity(0).build(f())),
        zero("mailbox_capacity")
    );
    let no_restarts = Intensity {
        max_restarts: 0,
        window: Duration::from_secs(1),
    };
    assert_eq!(
        what(Pool::builder().workers(1).intensity(no_restarts).build(f())),
        zero("intensity.max_restarts")
    );
    let no_window = Intensity {
        max_restarts: 1,
        window: Duration::ZERO,
    };
    assert_eq!(
        what(Pool::builder().workers(1).intensity(no_window).build(f())),
        zero("intensity.window")
    );
    assert_eq!(
        what(Pool::builder().workers(1).stack_size(0).build(f())),
        zero("stack_size")
    );
    assert!(matches!(
        Pool::builder().workers(usize::MAX).build(f()),
        Err(BuildError::TooLarge {
            what: "workers",
            ..
        })
    ));
    assert!(matches!(
        Pool::builder()
            .workers(1)
            .mailbox_capacity(usize::MAX)
            .build(f()),
        Err(BuildError::TooLarge { .. })
    ));
    let backwards = Backoff::exponential(Duration::from_secs(2), Duration::from_secs(1));
    assert!(matches!(
        Pool::builder().workers(1).backoff(backwards).build(f()),
        Err(BuildError::Backoff(_))
    ));
}

#[test]
fn a_failure_reaches_its_reply_and_nothing_else_is_lost() {
    quiet_panics();
    let builds = Arc::new(AtomicUsize::new(0));
    let pool = Pool::builder()
        .workers(1)
        .build(counted_factory(&builds))
        .unwrap();
    let slots = ReplySlots::new(64);
    let replies: Vec<_> = [
        Cmd::Echo(1),
        Cmd::Panic,
        Cmd::Echo(2),
        Cmd::Fail,
        Cmd::Echo(3),
    ]
    .into_iter()
    .map(|cmd| {
        let (reply_to, reply) = slots.pair();
        pool.submit(Job::with_reply(cmd, reply_to)).unwrap();
        reply
    })
    .collect();
    let outcomes: Vec<Outcome> = replies.into_iter().map(|r| r.wait().unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            Ok(Answer::Echo(1)),
            Err(JobError::Panicked("injected panic".into())),
            Ok(Answer::Echo(2)),
            Err(JobError::Failed("told to fail".into())),
            Ok(Answer::Echo(3)),
        ]
    );
    // Built at start, and again after each of the two failures.
    assert_eq!(builds.load(Ordering::SeqCst), 3);
    let worker = &pool.status().workers[0];
    assert_eq!(
        (worker.processed, worker.failed, worker.restarts),
        (3, 2, 2)
    );
}

#[test]
fn transient_mailbox_worker_fails_then_runs_again() {
    let builds = Arc::new(AtomicUsize::new(0));
    let pool = Pool::builder()
        .workers(1)
        .policy(Policy::Transient)
        .build(counted_factory(&builds))
        .unwrap();
    let slots = ReplySlots::new(4);
    assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    assert_eq!(ask(&pool, &slots, Cmd::Echo(9)), Ok(Answer::Echo(9)));
    assert_eq!(builds.load(Ordering::SeqCst), 2);
}

#[test]
fn temporary_worker_that_panics_runs_once_and_the_pool_closes_cleanly() {
    quiet_panics();
    let builds = Arc::new(AtomicUsize::new(0));
    let recorder = Recorder::default();
    let pool = Pool::builder()
        .workers(1)
        .policy(Policy::Temporary)
        .observer(recorder.clone())
        .build(counted_factory(&builds))
        .unwrap();
    let slots = ReplySlots::new(4);
    assert!(matches!(
        ask(&pool, &slots, Cmd::Panic),
        Err(JobError::Panicked(_))
    ));
    within_a_minute({
        let pool_closed = Arc::new(pool);
        move || {
            // With its only worker gone for good, the pool takes no more work.
            while !pool_closed.is_closed() {
                thread::yield_now();
            }
            let (reply_to, _reply) = ReplySlots::new(1).pair();
            let refused = pool_closed.submit(Job::with_reply(Cmd::Echo(1), reply_to));
            assert!(refused.is_err());
            assert_eq!(pool_closed.status().workers[0].state, WorkerState::Stopped);
            pool_closed.stop();
        }
    });
    assert_eq!(builds.load(Ordering::SeqCst), 1);
    let events = recorder.events();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Stopped { reason: StopReason::Failed(m), .. } if m == "injected panic"
    )));
    assert_eq!(recorder.count(is_restarting), 0);
}

#[test]
fn run_loop_under_transient_fails_then_returns_and_runs_exactly_twice() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let recorder = Recorder::default();
    let loops = Pool::builder()
        .workers(1)
        .policy(Policy::Transient)
        .observer(recorder.clone())
        .run_loops(move || {
            let runs = Arc::clone(&counted);
            move |_ctx: &soop_core::Context<'_>| {
                if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    Err("first run fails")
                } else {
                    Ok(())
                }
            }
        })
        .unwrap();
    within_a_minute({
        let loops = Arc::new(loops);
        move || {
            while loops.status().workers[0].state != WorkerState::Stopped {
                thread::yield_now();
            }
            loops.stop();
        }
    });
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert!(recorder.events().iter().any(|e| matches!(
        e,
        Event::Stopped {
            reason: StopReason::Finished,
            ..
        }
    )));
}

#[test]
fn run_loop_under_temporary_that_panics_runs_once() {
    quiet_panics();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let loops = Pool::builder()
        .workers(1)
        .policy(Policy::Temporary)
        .run_loops(move || {
            let runs = Arc::clone(&counted);
            move |_ctx: &soop_core::Context<'_>| -> Result<(), String> {
                runs.fetch_add(1, Ordering::SeqCst);
                panic!("injected: once is enough")
            }
        })
        .unwrap();
    within_a_minute({
        let loops = Arc::new(loops);
        move || {
            while loops.status().workers[0].state != WorkerState::Stopped {
                thread::yield_now();
            }
        }
    });
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

fn intensity(max_restarts: u32, window_secs: u64) -> Intensity {
    Intensity {
        max_restarts,
        window: Duration::from_secs(window_secs),
    }
}

#[test]
fn r_restarts_inside_the_window_are_allowed_and_the_next_escalates() {
    let clock = Arc::new(ManualClock::new());
    let recorder = Recorder::default();
    let builder = Pool::builder()
        .name("flaky")
        .workers(1)
        .intensity(intensity(3, 10))
        .clock(Arc::clone(&clock))
        .observer(recorder.clone());
    let pool = builder.build(|| Scripted).unwrap();
    let slots = ReplySlots::new(8);
    for _ in 0..3 {
        assert!(ask(&pool, &slots, Cmd::Fail).is_err());
        clock.advance(Duration::from_secs(1));
    }
    assert_eq!(ask(&pool, &slots, Cmd::Echo(1)), Ok(Answer::Echo(1)));
    // The fourth failure inside 10 s is one too many.
    assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    within_a_minute({
        let pool = Arc::new(pool);
        move || {
            while pool.terminal().is_none() {
                thread::yield_now();
            }
            let escalation = pool.terminal().unwrap();
            assert_eq!((escalation.pool.as_str(), escalation.worker), ("flaky", 0));
            assert_eq!(escalation.last_error, "told to fail");
            assert!(pool.is_closed());
            let (reply_to, _) = ReplySlots::new(1).pair();
            assert!(
                pool.submit(Job::with_reply(Cmd::Echo(2), reply_to))
                    .is_err()
            );
            pool.stop();
        }
    });
    assert_eq!(recorder.count(is_terminal), 1);
    assert_eq!(recorder.count(is_restarting), 3);

    // A later run, from the same builder, starts clean.
    let again = builder.build(|| Scripted).unwrap();
    for _ in 0..3 {
        assert!(ask(&again, &slots, Cmd::Fail).is_err());
    }
    assert_eq!(ask(&again, &slots, Cmd::Echo(3)), Ok(Answer::Echo(3)));
    assert!(again.terminal().is_none());
}

#[test]
fn failures_spaced_wider_than_the_window_never_escalate() {
    let clock = Arc::new(ManualClock::new());
    let pool = Pool::builder()
        .workers(1)
        .intensity(intensity(1, 5))
        .clock(Arc::clone(&clock))
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(8);
    for n in 0..50 {
        assert!(ask(&pool, &slots, Cmd::Fail).is_err());
        // Answered only once the worker restarted, so the failure was
        // recorded before the clock moves on.
        assert_eq!(ask(&pool, &slots, Cmd::Echo(n)), Ok(Answer::Echo(n)));
        clock.advance(Duration::from_secs(5));
    }
    assert_eq!(ask(&pool, &slots, Cmd::Echo(7)), Ok(Answer::Echo(7)));
    assert!(pool.terminal().is_none());
    assert_eq!(pool.status().workers[0].restarts, 50);
}

#[test]
fn escalation_cancels_what_is_queued() {
    let gate = Arc::new(Barrier::new(2));
    let pool = Pool::builder()
        .workers(1)
        .intensity(intensity(1, 60))
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(64);
    let mut replies = Vec::new();
    // Hold the worker so that everything below queues behind it.
    let (to, meet) = slots.pair();
    pool.submit(Job::with_reply(Cmd::Meet(Arc::clone(&gate)), to))
        .unwrap();
    for cmd in [Cmd::Fail, Cmd::Fail] {
        let (to, r) = slots.pair();
        pool.submit(Job::with_reply(cmd, to)).unwrap();
        replies.push(r);
    }
    for n in 0..20 {
        let (to, r) = slots.pair();
        pool.submit(Job::with_reply(Cmd::Echo(n), to)).unwrap();
        replies.push(r);
    }
    gate.wait();
    assert!(meet.wait().unwrap().is_ok());
    let outcomes: Vec<Outcome> = replies.into_iter().map(|r| r.wait().unwrap()).collect();
    assert!(matches!(outcomes[0], Err(JobError::Failed(_))));
    assert!(matches!(outcomes[1], Err(JobError::Failed(_))));
    assert!(outcomes[2..].iter().all(|o| *o == Err(JobError::Cancelled)));
    assert!(pool.terminal().is_some());
}

#[test]
fn escalation_with_many_workers_and_no_backoff_never_panics() {
    quiet_panics();
    for _ in 0..20 {
        let pool = Pool::builder()
            .workers(4)
            .intensity(intensity(2, 60))
            .build(|| Scripted)
            .unwrap();
        let slots = ReplySlots::new(64);
        let replies: Vec<_> = (0..40)
            .map(|i| {
                let (to, r) = slots.pair();
                let cmd = if i % 2 == 0 { Cmd::Panic } else { Cmd::Echo(i) };
                match pool.submit(Job::with_reply(cmd, to)) {
                    Ok(()) => Some(r),
                    Err(_) => None, // closed by the escalation already
                }
            })
            .collect();
        for r in replies.into_iter().flatten() {
            // Ok, Failed/Panicked or Cancelled: resolved either way.
            let _ = r.wait().expect("resolved");
        }
        // The failing worker answers its job before it escalates: wait for
        // the escalation itself (bounded).
        let pool = Arc::new(pool);
        within_a_minute({
            let pool = Arc::clone(&pool);
            move || {
                while pool.terminal().is_none() {
                    thread::yield_now();
                }
            }
        });
        drop(pool);
    }
}

#[test]
fn observer_sees_a_fail_once_worker_start_restart_and_stop() {
    let recorder = Recorder::default();
    let pool = Pool::builder()
        .workers(1)
        .observer(recorder.clone())
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(4);
    assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    assert!(ask(&pool, &slots, Cmd::Echo(1)).is_ok());
    pool.stop(); // every event is delivered before stop returns
    assert_eq!(recorder.count(is_started), 2);
    assert_eq!(recorder.count(is_restarting), 1);
    assert_eq!(recorder.count(is_stopped), 1);
    assert_eq!(recorder.count(is_terminal), 0);
    let events = recorder.events();
    assert!(matches!(
        &events[1],
        Event::Restarting { restarts: 1, last_error, .. } if last_error == "told to fail"
    ));
    assert!(matches!(
        events.last(),
        Some(Event::Stopped {
            reason: StopReason::Shutdown,
            ..
        })
    ));
}

#[test]
fn a_panicking_observer_cannot_hurt_the_pool_or_other_observers() {
    quiet_panics();
    let recorder = Recorder::default();
    let pool = Pool::builder()
        .workers(2)
        .observer(|_: &Event| panic!("injected observer bug"))
        .observer(recorder.clone())
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(8);
    for i in 0..10 {
        assert_eq!(ask(&pool, &slots, Cmd::Echo(i)), Ok(Answer::Echo(i)));
        assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    }
    pool.stop();
    assert_eq!(recorder.count(is_restarting), 10);
    assert_eq!(recorder.count(is_stopped), 2);
}

#[test]
fn a_slow_observer_does_not_hold_the_workers() {
    let release = Arc::new(Barrier::new(2));
    let held = Arc::clone(&release);
    let pool = Pool::builder()
        .workers(1)
        .observer(move |e: &Event| {
            if matches!(e, Event::Restarting { .. }) {
                held.wait(); // stuck until the test lets it go
            }
        })
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(8);
    assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    // The observer is stuck on the Restarting event; work goes on.
    for i in 0..100 {
        assert_eq!(ask(&pool, &slots, Cmd::Echo(i)), Ok(Answer::Echo(i)));
    }
    release.wait();
    pool.stop();
}

#[test]
fn sixty_percent_failures_over_ten_thousand_inputs_lose_nothing() {
    quiet_panics();
    let pool = Pool::builder()
        .workers(2)
        .intensity(intensity(u32::MAX, 60))
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(1024);
    let mut random = 0x1234_5678_9abc_def0u64;
    let mut replies = Vec::with_capacity(10_000);
    for i in 0..10_000u64 {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let cmd = match random % 10 {
            0..=2 => Cmd::Panic,
            3..=5 => Cmd::Fail,
            _ => Cmd::Echo(i),
        };
        let (to, r) = slots.pair();
        pool.submit(Job::with_reply(cmd, to)).unwrap();
        replies.push((i, r));
    }
    let (mut ok, mut failed) = (0u64, 0u64);
    for (i, r) in replies {
        match r.wait().expect("every input resolves exactly once") {
            Ok(Answer::Echo(n)) => {
                assert_eq!(n, i);
                ok += 1;
            }
            Err(JobError::Failed(_) | JobError::Panicked(_)) => failed += 1,
            other => panic!("input {i}: {other:?}"),
        }
    }
    assert_eq!(ok + failed, 10_000);
    assert!(failed > 5_000 && failed < 7_000, "{failed} failures");
    pool.stop(); // joined: every counter is final
    let status = pool.status();
    let processed: u64 = status.workers.iter().map(|w| w.processed).sum();
    let counted_failures: u64 = status.workers.iter().map(|w| w.failed).sum();
    let restarts: u64 = status.workers.iter().map(|w| u64::from(w.restarts)).sum();
    assert_eq!(
        (processed, counted_failures, restarts),
        (ok, failed, failed)
    );
}

#[test]
fn kill_cancels_the_queue_and_stop_drains_it() {
    for kill in [true, false] {
        let gate = Arc::new(Barrier::new(2));
        let pool = Pool::builder().workers(1).build(|| Scripted).unwrap();
        let slots = ReplySlots::new(64);
        let (to, busy) = slots.pair();
        pool.submit(Job::with_reply(Cmd::Meet(Arc::clone(&gate)), to))
            .unwrap();
        let queued: Vec<_> = (0..30)
            .map(|n| {
                let (to, r) = slots.pair();
                pool.submit(Job::with_reply(Cmd::Echo(n), to)).unwrap();
                r
            })
            .collect();
        // The worker must hold the gate job before the stop: a kill landing
        // first would cancel it, and nobody would meet us at the gate.
        wait_until_busy(&pool);
        let pool = Arc::new(pool);
        let stopper = {
            let pool = Arc::clone(&pool);
            thread::spawn(move || if kill { pool.kill() } else { pool.stop() })
        };
        gate.wait(); // the running job finishes whatever the stop
        assert!(busy.wait().unwrap().is_ok());
        within_a_minute(move || stopper.join().unwrap());
        let outcomes: Vec<Outcome> = queued.into_iter().map(|r| r.wait().unwrap()).collect();
        if kill {
            // The kill may land before or after the worker takes a few.
            let cancelled = outcomes
                .iter()
                .filter(|o| **o == Err(JobError::Cancelled))
                .count();
            let done = outcomes.iter().filter(|o| o.is_ok()).count();
            assert_eq!(cancelled + done, 30);
            assert!(cancelled > 0 || done == 30);
        } else {
            let expected: Vec<Outcome> = (0..30).map(|n| Ok(Answer::Echo(n))).collect();
            assert_eq!(outcomes, expected);
        }
    }
}

#[test]
fn stop_and_kill_under_load_from_several_producers_never_hang() {
    for round in 0..20 {
        let pool = Arc::new(
            Pool::builder()
                .workers(2)
                .mailbox_capacity(16)
                .build(|| Scripted)
                .unwrap(),
        );
        let slots = ReplySlots::new(256);
        let producers: Vec<_> = (0..3)
            .map(|p| {
                let pool = Arc::clone(&pool);
                let slots = slots.clone();
                thread::spawn(move || {
                    let (mut accepted, mut refused) = (Vec::new(), 0);
                    for n in 0..500 {
                        let (to, r) = slots.pair();
                        match pool.submit(Job::with_reply(Cmd::Echo(p * 1000 + n), to)) {
                            Ok(()) => accepted.push(r),
                            Err(_) => refused += 1,
                        }
                    }
                    (accepted, refused)
                })
            })
            .collect();
        let pool_for_stop = Arc::clone(&pool);
        within_a_minute(move || {
            if round % 2 == 0 {
                pool_for_stop.kill();
            } else {
                pool_for_stop.stop();
            }
        });
        let mut resolved = 0;
        let mut total = 0;
        for p in producers {
            let (accepted, refused) = within_a_minute(move || p.join().unwrap());
            total += accepted.len() + refused;
            for r in accepted {
                match r.wait().expect("accepted jobs resolve") {
                    Ok(_) | Err(JobError::Cancelled) => resolved += 1,
                    other => panic!("unexpected {other:?}"),
                }
            }
        }
        assert_eq!(total, 1500);
        assert!(resolved <= 1500);
    }
}

#[test]
fn the_same_threads_serve_before_and_after_an_idle_period() {
    let pool = Pool::builder().workers(2).build(|| Scripted).unwrap();
    let slots = ReplySlots::new(8);
    let before = meet_on_every_worker(&pool, &slots, 2);
    assert_eq!(before.len(), 2);
    // An idle period long enough to park (the outcome does not depend on
    // its length: parked or not, the threads must be the same).
    thread::sleep(Duration::from_millis(50));
    eventually("the workers go idle", || {
        pool.status()
            .workers
            .iter()
            .all(|w| w.state == WorkerState::Idle)
    });
    let after = meet_on_every_worker(&pool, &slots, 2);
    assert_eq!(before, after);
}

#[test]
fn resize_grows_and_shrinks_while_jobs_flow() {
    let pool = Pool::builder().workers(1).build(|| Scripted).unwrap();
    let slots = ReplySlots::new(256);
    let mut replies = Vec::new();
    for (step, size) in [3usize, 1, 4, 2].into_iter().enumerate() {
        for n in 0..100 {
            let (to, r) = slots.pair();
            pool.submit(Job::with_reply(Cmd::Echo(step as u64 * 100 + n), to))
                .unwrap();
            replies.push(r);
        }
        pool.resize(size).unwrap();
        assert_eq!(pool.workers(), size);
    }
    for (i, r) in replies.into_iter().enumerate() {
        assert_eq!(r.wait().unwrap(), Ok(Answer::Echo(i as u64)));
    }
    // Two jobs meeting at a barrier prove two workers serve at once.
    assert_eq!(meet_on_every_worker(&pool, &slots, 2).len(), 2);
    pool.stop();
    assert!(matches!(
        pool.resize(2),
        Err(soop_core::ResizeError::Closed)
    ));
}

#[test]
fn stop_called_from_inside_a_worker_does_not_deadlock() {
    let pool: Arc<Pool<Scripted>> =
        Arc::new(Pool::builder().workers(2).build(|| Scripted).unwrap());
    let me: Arc<OnceLock<Weak<Pool<Scripted>>>> = Arc::new(OnceLock::new());
    me.set(Arc::downgrade(&pool)).unwrap();
    let slots = ReplySlots::new(4);
    let inner = Arc::clone(&me);
    let outcome = within_a_minute({
        let pool = Arc::clone(&pool);
        move || {
            ask(
                &pool,
                &slots,
                Cmd::Call(Box::new(move || {
                    if let Some(pool) = inner.get().and_then(Weak::upgrade) {
                        pool.stop(); // closes and returns at once
                    }
                })),
            )
        }
    });
    assert_eq!(outcome, Ok(Answer::Done));
    assert!(pool.is_closed());
    within_a_minute(move || drop(pool)); // joins from outside
}

#[test]
fn stopping_during_a_long_backoff_returns_at_once() {
    let pool = Pool::builder()
        .workers(1)
        .backoff(Backoff::Fixed(Duration::from_secs(3600)))
        .build(|| Scripted)
        .unwrap();
    let slots = ReplySlots::new(4);
    assert!(ask(&pool, &slots, Cmd::Fail).is_err());
    // The worker now waits an hour before restarting; stop must not.
    within_a_minute(move || pool.stop());
}

#[test]
fn a_dropped_reply_means_the_job_never_runs_or_its_result_is_discarded() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let gate = Arc::new(Barrier::new(2));
    let pool = Pool::builder().workers(1).build(|| Scripted).unwrap();
    let slots = ReplySlots::new(8);
    let (to, held) = slots.pair();
    pool.submit(Job::with_reply(Cmd::Meet(Arc::clone(&gate)), to))
        .unwrap();
    let log = Arc::clone(&ran);
    let (to, dropped) = slots.pair();
    pool.submit(Job::with_reply(
        Cmd::Call(Box::new(move || log.lock().unwrap().push(1))),
        to,
    ))
    .unwrap();
    drop(dropped); // before the job can start: it must never run
    gate.wait();
    assert!(held.wait().unwrap().is_ok());
    assert_eq!(ask(&pool, &slots, Cmd::Echo(5)), Ok(Answer::Echo(5)));
    assert!(ran.lock().unwrap().is_empty());
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Pool<Scripted>>();
    send_sync::<soop_core::RunLoops>();
    send_sync::<soop_core::Builder>();
    send_sync::<soop_core::PoolStatus>();
    send_sync::<soop_core::Escalation>();
}
