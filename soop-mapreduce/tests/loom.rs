//! loom model of the batch protocol that lets persistent threads run a
//! borrowed job: no helper touches the job after the caller's `finish`
//! returns, every chunk runs exactly once, and a helper that arrives late
//! leaves without touching it. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p soop-mapreduce --test loom --release`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::thread;
use soop_mapreduce::loom_api::Batch;

#[test]
fn the_job_is_never_touched_after_finish_and_each_chunk_runs_once() {
    loom::model(|| {
        let returned = Arc::new(AtomicBool::new(false));
        let runs = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let batch = {
            let (flag, counts) = (Arc::clone(&returned), Arc::clone(&runs));
            let job = move |chunk: usize| {
                assert!(!flag.load(Ordering::SeqCst), "job touched after finish");
                counts[chunk].fetch_add(1, Ordering::SeqCst);
            };
            let batch = Batch::new(&job, 2);
            let helper = {
                let batch = batch.clone();
                thread::spawn(move || batch.help())
            };
            assert_eq!(batch.finish(), Ok(()));
            returned.store(true, Ordering::SeqCst);
            (batch, helper)
        };
        let (batch, helper) = batch;
        helper.join().unwrap();
        // A helper that arrives after the end does nothing.
        batch.help();
        assert_eq!(runs[0].load(Ordering::SeqCst), 1);
        assert_eq!(runs[1].load(Ordering::SeqCst), 1);
    });
}
