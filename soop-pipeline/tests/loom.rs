//! loom models of the reorder window: a producer held back by the window
//! is always released, by the output catching up or by a stop; no wake-up
//! is lost. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p soop-pipeline --test loom --release`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::thread;
use soop_pipeline::loom_api::Window;

#[test]
fn a_held_producer_is_released_when_the_output_catches_up() {
    loom::model(|| {
        let window = Arc::new(Window::new(1));
        let producer = {
            let window = Arc::clone(&window);
            // Unit 1 waits until unit 0 has been taken.
            thread::spawn(move || window.wait_for(1))
        };
        window.release(1);
        assert!(producer.join().unwrap());
    });
}

#[test]
fn a_held_producer_is_released_by_a_stop() {
    loom::model(|| {
        let window = Arc::new(Window::new(1));
        let producer = {
            let window = Arc::clone(&window);
            thread::spawn(move || window.wait_for(5))
        };
        window.open();
        assert!(producer.join().unwrap());
    });
}

#[test]
fn two_producers_and_a_step_by_step_output() {
    loom::model(|| {
        let window = Arc::new(Window::new(1));
        let producers: Vec<_> = [1, 2]
            .into_iter()
            .map(|seq| {
                let window = Arc::clone(&window);
                thread::spawn(move || window.wait_for(seq))
            })
            .collect();
        window.release(1);
        window.release(2);
        for producer in producers {
            assert!(producer.join().unwrap());
        }
    });
}
