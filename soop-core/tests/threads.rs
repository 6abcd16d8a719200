//! After stop, kill or drop, the process has the threads it had before.
//! Alone in its file (its own process), so no other test's threads count.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Recorder, eventually, thread_count, within_a_minute};
use soop_core::restart::Backoff;
use soop_core::{Job, Pool, ReplySlots, from_fn};

#[test]
fn stop_kill_and_drop_leave_no_thread_behind() {
    if thread_count() == 0 {
        eprintln!("no /proc/self/task here: nothing to count");
        return;
    }
    let baseline = thread_count();
    for ending in ["stop", "kill", "drop", "escalate"] {
        let recorder = Recorder::default();
        let pool = Pool::builder()
            .workers(3)
            .observer(recorder.clone()) // one more thread: the observer's
            .intensity(soop_core::restart::Intensity {
                max_restarts: 1,
                window: Duration::from_secs(60),
            })
            .backoff(Backoff::Fixed(Duration::from_millis(1)))
            .build(from_fn(|n: u32| {
                if n == u32::MAX {
                    Err("asked to fail".to_string())
                } else {
                    Ok(n)
                }
            }))
            .unwrap();
        assert_eq!(
            thread_count(),
            baseline + 4,
            "{ending}: 3 workers + observer"
        );
        let slots = ReplySlots::new(64);
        for n in 0..100 {
            let (to, r) = slots.pair();
            pool.submit(Job::with_reply(n, to)).unwrap();
            assert_eq!(r.wait().unwrap(), Ok(n));
        }
        let pool = Arc::new(pool);
        within_a_minute({
            let pool = Arc::clone(&pool);
            move || match ending {
                "stop" => pool.stop(),
                "kill" => pool.kill(),
                "escalate" => {
                    for _ in 0..2 {
                        let (to, r) = ReplySlots::new(1).pair();
                        if pool.submit(Job::with_reply(u32::MAX, to)).is_ok() {
                            let _ = r.wait();
                        }
                    }
                    while pool.terminal().is_none() {
                        std::thread::yield_now();
                    }
                }
                _ => {}
            }
        });
        within_a_minute(move || drop(pool));
        // A joined thread may still be listed for a moment: the kernel wakes
        // the joiner before it has reaped the thread. Wait (bounded) for it.
        eventually(&format!("threads back to baseline after {ending}"), || {
            thread_count() == baseline
        });
    }
}
