//! After a supervision tree stops, the process has the threads it had
//! before: pools, run loops, supervisors, observers, and the reaper of a
//! child that ignored its stop once that child returns. Alone in its file
//! (its own process), so no other test's threads count.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::{Recorder, eventually, thread_count, within_a_minute};
use soop_core::supervisor::{Child, Strategy, Supervisor};
use soop_core::{Context, Job, from_fn};

#[test]
fn a_stopped_tree_leaves_no_thread_behind() {
    if thread_count() == 0 {
        eprintln!("no /proc/self/task here: nothing to count");
        return;
    }
    let baseline = thread_count();
    // Opened by the test after the stop; every deaf loop waits for it.
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let opener = Arc::clone(&gate);
    let tree = within_a_minute(move || {
        let (db, db_pool) = Child::pool("db", |b| {
            b.workers(2).build(from_fn(|n: u32| {
                if n % 7 == 0 {
                    Err("seven".to_string())
                } else {
                    Ok(n)
                }
            }))
        });
        let poller = Child::run_loops("poller", |b| {
            b.workers(1).run_loops(|| {
                |ctx: &Context<'_>| {
                    while !ctx.sleep(Duration::from_millis(1)) {}
                    Ok::<_, String>(())
                }
            })
        });
        let deaf = Child::run_loops("deaf", move |b| {
            let gate = Arc::clone(&gate);
            b.workers(1).run_loops(move || {
                let gate = Arc::clone(&gate);
                move |_: &Context<'_>| {
                    let (open, opened) = &*gate;
                    let mut open = open.lock().unwrap();
                    while !*open {
                        open = opened.wait(open).unwrap();
                    }
                    Ok::<_, String>(())
                }
            })
        })
        .shutdown(Duration::from_millis(20));
        let data = Supervisor::builder("data")
            .strategy(Strategy::OneForAll)
            .observer(Recorder::default())
            .child(db)
            .child(deaf);
        let tree = Supervisor::builder("root")
            .observer(Recorder::default())
            .child(Child::supervisor(data))
            .child(poller)
            .start()
            .unwrap();
        for n in 1..100 {
            let _ = db_pool.get().unwrap().submit(Job::new(n));
        }
        tree.stop();
        tree
    });
    *opener.0.lock().unwrap() = true;
    opener.1.notify_all();
    drop(tree);
    eventually("threads back to baseline after the tree stopped", || {
        thread_count() == baseline
    });

    // A watchdog's replacement, and the stalled thread it replaced.
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let blocker = Arc::clone(&gate);
    let recorder = Recorder::default();
    let pool = soop_core::Pool::builder()
        .workers(1)
        .stall_limit(Duration::from_millis(10))
        .observer(recorder.clone())
        .build(from_fn(move |n: u32| {
            let (open, opened) = &*blocker;
            let mut open = open.lock().unwrap();
            while n == 0 && !*open {
                open = opened.wait(open).unwrap();
            }
            Ok::<_, String>(n)
        }))
        .unwrap();
    pool.submit(Job::new(0)).unwrap();
    eventually("the stalled worker is replaced", || {
        pool.status().workers.len() == 2
    });
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    within_a_minute(move || pool.stop());
    eventually(
        "threads back to baseline after the watchdog's pool stopped",
        || thread_count() == baseline,
    );
}
