//! Helpers shared by soop-core's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use soop_core::Event;

/// Runs `f` on a thread and fails the test if it has not finished within a
/// minute: the timeout only ever fails a hung test.
pub fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = done.send(f());
    });
    match result.recv_timeout(Duration::from_secs(60)) {
        Ok(value) => {
            worker.join().unwrap();
            value
        }
        Err(_) => panic!("hung: not finished within a minute"),
    }
}

/// Waits until `done` holds, a minute at most; the limit only ever fails a
/// hung test.
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        thread::yield_now();
    }
}

/// An observer that keeps every event.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<Event>>>);

impl Recorder {
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    pub fn count(&self, kind: fn(&Event) -> bool) -> usize {
        self.0.lock().unwrap().iter().filter(|e| kind(e)).count()
    }
}

impl soop_core::Observer for Recorder {
    fn event(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

pub fn is_started(e: &Event) -> bool {
    matches!(e, Event::Started { .. })
}
pub fn is_restarting(e: &Event) -> bool {
    matches!(e, Event::Restarting { .. })
}
pub fn is_stopped(e: &Event) -> bool {
    matches!(e, Event::Stopped { .. })
}
pub fn is_terminal(e: &Event) -> bool {
    matches!(e, Event::Terminal(_))
}

#[path = "../../../testkit/quiet_panics.rs"]
mod quiet;

/// Silences the injected panics (messages starting "injected"); every other
/// panic, such as a failed assertion, is still printed.
pub fn quiet_panics() {
    quiet::quiet_injected_panics();
}
