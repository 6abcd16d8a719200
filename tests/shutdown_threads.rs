//! Stopping, killing and dropping pools and pipelines while producers send
//! and consumers wait leaves the process with the threads it had before.
//! Alone in its file (its own process), so no other test's threads count.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

#[path = "../testkit/bounded.rs"]
mod bounded;

use bounded::{eventually, within_a_minute};
use soop::assign::{Pool, from_fn};
use soop::pipeline::Pipeline;

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| tasks.count())
        .unwrap_or(0)
}

#[test]
fn every_thread_is_joined_after_shutdown_under_load() {
    if thread_count() == 0 {
        eprintln!("no /proc/self/task here: nothing to count");
        return;
    }
    within_a_minute(|| {
        let baseline = thread_count();
        for round in 0..30u64 {
            // A pool with producers waiting on their tickets.
            let pool = Arc::new(
                Pool::builder()
                    .workers(3)
                    .mailbox_capacity(32)
                    .build(from_fn(|n: u64| {
                        thread::sleep(Duration::from_micros(n % 50));
                        Ok::<_, String>(n)
                    }))
                    .unwrap(),
            );
            let producers: Vec<_> = (0..2)
                .map(|_| {
                    let pool = Arc::clone(&pool);
                    thread::spawn(move || {
                        for n in 0..500 {
                            match pool.assign(n) {
                                Ok(ticket) => drop(ticket.wait()),
                                Err(_) => return,
                            }
                        }
                    })
                })
                .collect();
            eventually("jobs flow", || {
                pool.status().workers.iter().any(|w| w.processed > 0)
            });
            match round % 3 {
                0 => pool.stop(),
                1 => pool.kill(),
                _ => {}
            }
            drop(pool); // with the producers' handles, the last one stops it
            for p in producers {
                p.join().unwrap();
            }

            // A pipeline with a producer blocked on a full link.
            let (mut input, mut output) = Pipeline::new()
                .unit_len(8)
                .capacity(1)
                .map("slow", 2, |n: u64| {
                    thread::sleep(Duration::from_micros(n % 30));
                    n
                })
                .map("fast", 1, |n: u64| n + 1)
                .start()
                .unwrap();
            let producer = thread::spawn(move || {
                let mut n = 0;
                while input.send(n).is_ok() {
                    n += 1;
                }
            });
            let _ = output.by_ref().take((round % 7) as usize * 10).count();
            drop(output); // stops and joins the stages; the producer is refused
            producer.join().unwrap();
            // A joined thread may still be listed for a moment: the kernel wakes
            // the joiner before it has reaped the thread. Wait (bounded) for it.
            eventually(
                &format!("threads back to baseline in round {round}"),
                || thread_count() == baseline,
            );
        }
    });
}
