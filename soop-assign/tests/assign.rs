//! soop-assign: every ticket resolves exactly once, whatever the workers do.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, OnceLock, Weak};
use std::thread;
use std::time::Duration;

#[path = "../../testkit/block_on.rs"]
mod block_on;
#[path = "../../testkit/bounded.rs"]
mod bounded;
#[path = "../../testkit/quiet_panics.rs"]
mod quiet_panics;

use block_on::block_on;
use bounded::within_a_minute;
use proptest::prelude::*;
use quiet_panics::quiet_injected_panics;
use soop_assign::{
    Error, Pool, Ticket, TryAssignError, Worker, completions, from_fn, restart::Intensity,
    wait_all, wait_any,
};

#[derive(Clone, Copy, Debug)]
enum Script {
    Answer,
    Fail,
    Panic,
}

/// A job: its number and what the worker should do with it.
struct Scripted;

impl Worker for Scripted {
    type Input = (u64, Script);
    type Output = u64;
    type Error = u64;

    fn handle(&mut self, (n, script): (u64, Script)) -> Result<u64, u64> {
        match script {
            Script::Answer => Ok(n * 3),
            Script::Fail => Err(n),
            Script::Panic => panic!("injected {n}"),
        }
    }
}

fn lenient() -> Intensity {
    Intensity {
        max_restarts: u32::MAX,
        window: Duration::from_secs(60),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_ticket_resolves_exactly_once_with_its_own_outcome(
        workers in 1usize..4,
        scripts in prop::collection::vec(
            prop_oneof![Just(Script::Answer), Just(Script::Fail), Just(Script::Panic)],
            0..200,
        ),
    ) {
        quiet_injected_panics();
        let pool = Pool::builder().workers(workers).intensity(lenient()).build(|| Scripted).unwrap();
        let tickets: Vec<_> = scripts
            .iter()
            .enumerate()
            .map(|(n, s)| pool.assign((n as u64, *s)).unwrap())
            .collect();
        for (n, (ticket, script)) in tickets.into_iter().zip(&scripts).enumerate() {
            let n = n as u64;
            let outcome = ticket.wait();
            match script {
                Script::Answer => prop_assert_eq!(outcome, Ok(n * 3)),
                Script::Fail => prop_assert_eq!(outcome, Err(Error::Failed(n))),
                Script::Panic => prop_assert_eq!(outcome, Err(Error::Panicked(format!("injected {n}")))),
            }
        }
        pool.stop();
        let status = pool.status();
        let handled: u64 = status.workers.iter().map(|w| w.processed + w.failed).sum();
        prop_assert_eq!(handled, scripts.len() as u64);
    }
}

#[test]
fn kill_with_queued_jobs_delivers_or_cancels_each() {
    for _ in 0..20 {
        let gate = Arc::new(Barrier::new(2));
        let held = Arc::clone(&gate);
        let pool = Pool::builder()
            .workers(1)
            .build(from_fn(move |n: u64| {
                if n == 0 {
                    held.wait();
                }
                Ok::<_, String>(n)
            }))
            .unwrap();
        let first = pool.assign(0).unwrap();
        let queued: Vec<_> = (1..=200).map(|n| pool.assign(n).unwrap()).collect();
        // The worker must hold job 0 before the kill: a kill landing first
        // would cancel it, and nobody would meet us at the gate.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while pool.status().workers[0].state != soop_assign::WorkerState::Busy {
            assert!(std::time::Instant::now() < deadline, "job 0 never started");
            thread::yield_now();
        }
        let pool = Arc::new(pool);
        let killer = {
            let pool = Arc::clone(&pool);
            thread::spawn(move || pool.kill())
        };
        gate.wait();
        assert_eq!(first.wait(), Ok(0));
        within_a_minute(move || killer.join().unwrap());
        let (mut delivered, mut cancelled) = (0, 0);
        for (n, outcome) in wait_all(queued).into_iter().enumerate() {
            match outcome {
                Ok(v) => {
                    assert_eq!(v, n as u64 + 1);
                    delivered += 1;
                }
                Err(Error::Cancelled) => cancelled += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(delivered + cancelled, 200);
        assert!(pool.assign(1).is_err());
    }
}

#[test]
fn a_timeout_hands_the_ticket_back_and_a_later_wait_gets_the_value() {
    let gate = Arc::new(Barrier::new(2));
    let held = Arc::clone(&gate);
    let pool = Pool::builder()
        .workers(1)
        .build(from_fn(move |n: u64| {
            held.wait();
            Ok::<_, String>(n + 1)
        }))
        .unwrap();
    let ticket = pool.assign(41).unwrap();
    let ticket = ticket
        .wait_timeout(Duration::from_millis(1))
        .unwrap_err()
        .into_ticket()
        .expect("the job cannot finish before the gate opens");
    let mut ticket = ticket
        .wait_deadline(std::time::Instant::now())
        .unwrap_err()
        .into_ticket()
        .unwrap();
    assert!(ticket.try_get().is_none());
    assert!(!ticket.is_ready());
    gate.wait();
    assert_eq!(ticket.wait(), Ok(42));
}

#[test]
fn abandoned_tickets_never_leak_replies_into_other_tickets() {
    let pool = Pool::builder()
        .workers(2)
        .build(from_fn(|n: u64| {
            for _ in 0..(n % 97) {
                std::hint::spin_loop();
            }
            Ok::<_, String>(n)
        }))
        .unwrap();
    let mut kept = Vec::new();
    for round in 0..20_000u64 {
        let ticket = pool.assign(round).unwrap();
        match round % 4 {
            0 => drop(ticket),               // abandoned at once
            1 => kept.push((round, ticket)), // waited on later
            2 => assert_eq!(ticket.wait(), Ok(round)),
            _ => {
                // Abandoned after a spin: before, during or after its run.
                for _ in 0..(round % 50) {
                    std::hint::spin_loop();
                }
                ticket.cancel();
            }
        }
    }
    for (round, ticket) in kept {
        assert_eq!(ticket.wait(), Ok(round), "a reply from another job");
    }
}

#[test]
fn a_ticket_is_a_future() {
    let pool = Pool::builder()
        .workers(2)
        .build(from_fn(
            |n: u64| if n == 0 { Err("zero") } else { Ok(n * 2) },
        ))
        .unwrap();
    assert_eq!(block_on(pool.assign(21).unwrap()), Ok(42));
    assert_eq!(
        block_on(pool.assign(0).unwrap()),
        Err(Error::Failed("zero"))
    );
    let both = async {
        let a = pool.assign(1).unwrap().await;
        let b = pool.assign(2).unwrap().await;
        (a, b)
    };
    assert_eq!(block_on(both), (Ok(2), Ok(4)));
}

#[test]
fn nested_assignment_on_a_one_worker_pool_returns() {
    type Inner = Pool<soop_assign_test_worker::Nested>;
    let me: Arc<OnceLock<Weak<Inner>>> = Arc::new(OnceLock::new());
    let pool: Arc<Inner> = Arc::new(
        Pool::builder()
            .workers(1)
            .build({
                let me = Arc::clone(&me);
                move || soop_assign_test_worker::Nested {
                    pool: Arc::clone(&me),
                }
            })
            .unwrap(),
    );
    me.set(Arc::downgrade(&pool)).unwrap();
    let outcome = within_a_minute({
        let pool = Arc::clone(&pool);
        move || pool.assign(3).unwrap().wait()
    });
    // 3 -> 2 + (2 -> 1 + (1 -> 0 + (0 -> 0))) computed through nested tickets.
    assert_eq!(outcome, Ok(6));
}

mod soop_assign_test_worker {
    use std::sync::{Arc, OnceLock, Weak};

    use soop_assign::{Pool, Worker};

    /// Sums n + (n-1) + … + 1 by assigning n - 1 to its own pool and waiting.
    pub(crate) struct Nested {
        pub(crate) pool: Arc<OnceLock<Weak<Pool<Nested>>>>,
    }

    impl Worker for Nested {
        type Input = u64;
        type Output = u64;
        type Error = String;

        fn handle(&mut self, n: u64) -> Result<u64, String> {
            if n == 0 {
                return Ok(0);
            }
            let pool = self.pool.get().and_then(Weak::upgrade).ok_or("no pool")?;
            let rest = pool.assign(n - 1).map_err(|_| "closed")?.wait();
            rest.map(|r| r + n).map_err(|e| e.to_string())
        }
    }
}

#[test]
fn a_ticket_cancelled_before_its_job_starts_means_the_job_never_runs() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let gate = Arc::new(Barrier::new(2));
    let (log, held) = (Arc::clone(&ran), Arc::clone(&gate));
    let pool = Pool::builder()
        .workers(1)
        .build(from_fn(move |n: u64| {
            if n == 0 {
                held.wait();
            }
            log.lock().unwrap().push(n);
            Ok::<_, String>(n)
        }))
        .unwrap();
    let blocker = pool.assign(0).unwrap();
    pool.assign(1).unwrap().cancel(); // queued behind the blocker: never runs
    let two = pool.assign(2).unwrap();
    gate.wait();
    assert_eq!(blocker.wait(), Ok(0));
    assert_eq!(two.wait(), Ok(2));
    assert_eq!(*ran.lock().unwrap(), [0, 2]);
}

#[test]
fn a_ticket_cancelled_while_its_job_runs_discards_the_result() {
    let started = Arc::new(Barrier::new(2));
    let finish = Arc::new(Barrier::new(2));
    let (s, f) = (Arc::clone(&started), Arc::clone(&finish));
    let pool = Pool::builder()
        .workers(1)
        .build(from_fn(move |n: u64| {
            if n == 0 {
                s.wait();
                f.wait();
            }
            Ok::<_, String>(n)
        }))
        .unwrap();
    let running = pool.assign(0).unwrap();
    started.wait(); // the job is running now
    running.cancel();
    finish.wait(); // it completes into an abandoned slot
    assert_eq!(pool.assign(5).unwrap().wait(), Ok(5)); // the worker went on
    assert_eq!(pool.status().workers[0].processed, 2);
}

#[test]
fn wait_any_and_completions_follow_completion_order() {
    let gate = Arc::new(Barrier::new(2));
    let held = Arc::clone(&gate);
    let pool = Pool::builder()
        .workers(2)
        .build(from_fn(move |n: u64| {
            if n == 0 {
                held.wait();
            }
            Ok::<_, String>(n)
        }))
        .unwrap();
    // Ticket 0 cannot finish before the gate opens; ticket 1 can.
    let tickets = vec![pool.assign(0).unwrap(), pool.assign(1).unwrap()];
    let (index, outcome, rest) = wait_any(tickets).unwrap();
    assert_eq!((index, outcome), (1, Ok(1)));
    assert_eq!(rest.len(), 1);
    gate.wait();
    let (index, ticket) = rest.into_iter().next().unwrap();
    assert_eq!((index, ticket.wait()), (0, Ok(0)));
    assert!(wait_any(Vec::<Ticket<u64, String>>::new()).is_none());

    let tickets: Vec<_> = (0..1000).map(|n| pool.assign(n + 1).unwrap()).collect();
    let mut seen: Vec<usize> = completions(tickets)
        .map(|(i, outcome)| {
            assert_eq!(outcome, Ok(i as u64 + 1));
            i
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..1000).collect::<Vec<_>>());
}

#[test]
fn try_assign_reports_full_and_closed_with_the_input() {
    let gate = Arc::new(Barrier::new(2));
    let held = Arc::clone(&gate);
    let pool = Pool::builder()
        .workers(1)
        .mailbox_capacity(1)
        .build(from_fn(move |n: u64| {
            if n == 0 {
                held.wait();
            }
            Ok::<_, String>(n)
        }))
        .unwrap();
    let busy = pool.assign(0).unwrap();
    // Wait (bounded) until the worker has taken job 0 out of the mailbox.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while pool.status().queued > 0 {
        assert!(std::time::Instant::now() < deadline);
        thread::yield_now();
    }
    let queued = pool.try_assign(1).unwrap(); // fills the one place
    assert!(matches!(pool.try_assign(2), Err(TryAssignError::Full(2))));
    assert!(matches!(pool.try_cast(3), Err(TryAssignError::Full(3))));
    assert!(
        pool.assign_timeout(4, Duration::from_millis(1))
            .unwrap_err()
            .is_timeout()
    );
    gate.wait();
    assert_eq!((busy.wait(), queued.wait()), (Ok(0), Ok(1)));
    pool.stop();
    assert!(matches!(pool.try_assign(5), Err(TryAssignError::Closed(5))));
    assert_eq!(pool.cast(6).unwrap_err().into_inner(), 6);
}

#[test]
fn casts_run_and_failures_still_restart() {
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    let pool = Pool::builder()
        .workers(2)
        .intensity(lenient())
        .build(from_fn(move |n: u64| {
            counted.fetch_add(1, Ordering::SeqCst);
            if n % 2 == 0 { Err("even") } else { Ok(n) }
        }))
        .unwrap();
    for n in 0..100 {
        pool.cast(n).unwrap();
    }
    pool.stop();
    assert_eq!(count.load(Ordering::SeqCst), 100);
    let restarts: u32 = pool.status().workers.iter().map(|w| w.restarts).sum();
    assert_eq!(restarts, 50);
}

#[test]
fn public_types_are_send_sync_and_unpin() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    send_sync_unpin::<Ticket<String, String>>();
    send_sync_unpin::<Pool<Scripted>>();
    send_sync_unpin::<soop_assign::Builder>();
    send_sync_unpin::<Error<String>>();
    fn send<T: Send>() {}
    send::<soop_assign::Completions<String, String>>();
}
