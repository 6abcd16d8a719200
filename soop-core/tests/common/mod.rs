//! Helpers shared by soop-core's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};

use soop_core::Event;

#[path = "../../../testkit/bounded.rs"]
mod bounded;

#[allow(unused_imports)]
pub(crate) use bounded::{eventually, within_a_minute};

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

/// Threads of this process now (Linux), or 0 where that cannot be read.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| tasks.count())
        .unwrap_or(0)
}
