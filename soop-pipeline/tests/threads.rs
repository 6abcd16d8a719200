//! However a pipeline ends, the process has the threads it had before.
//! Alone in its file (its own process), so no other test's threads count.

use std::time::Duration;

#[path = "../../testkit/bounded.rs"]
mod bounded;
#[path = "../../testkit/quiet_panics.rs"]
mod quiet_panics;

use bounded::{eventually, within_a_minute};
use soop_pipeline::{Intensity, Pipeline};

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| tasks.count())
        .unwrap_or(0)
}

fn three_stages() -> Pipeline<u32, u32> {
    Pipeline::new()
        .intensity(Intensity {
            max_restarts: 1,
            window: Duration::from_secs(3600),
        })
        .map("a", 2, |n: u32| n.wrapping_add(1))
        .map("b", 3, |n: u32| if n == 0 { panic!("injected") } else { n })
        .filter("c", 1, |n: &u32| n % 2 == 0)
}

#[test]
fn every_ending_joins_every_thread() {
    quiet_panics::quiet_injected_panics();
    if thread_count() == 0 {
        eprintln!("no /proc/self/task here: nothing to count");
        return;
    }
    within_a_minute(|| {
        let baseline = thread_count();
        for ending in ["drained", "output dropped", "escalated", "both dropped"] {
            let (mut input, mut output) = three_stages().start().unwrap();
            // 6 workers, and an observer thread per stage.
            assert_eq!(thread_count(), baseline + 9, "{ending}");
            match ending {
                "drained" => {
                    for n in 1..1_000 {
                        input.send(n).unwrap();
                    }
                    input.close();
                    assert_eq!(output.by_ref().count(), 500);
                    drop(output);
                }
                "output dropped" => {
                    input.send(1).unwrap();
                    drop(output);
                    assert!(input.send(2).is_err());
                    drop(input);
                }
                "escalated" => {
                    // "a" turns MAX into 0, on which "b" panics: the second
                    // panic is past its one restart.
                    while input.send(u32::MAX).is_ok() {
                        input.flush().ok();
                    }
                    drop(input);
                    output.by_ref().for_each(drop);
                    assert!(output.terminal().is_some());
                    drop(output);
                }
                _ => {
                    drop(input);
                    drop(output);
                }
            }
            // A joined thread may still be listed for a moment: the kernel wakes
            // the joiner before it has reaped the thread. Wait (bounded) for it.
            eventually(&format!("threads back to baseline after {ending}"), || {
                thread_count() == baseline
            });
        }
    });
}
