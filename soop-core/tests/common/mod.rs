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

/// Silences the default panic message for the panics tests inject on
/// purpose (their messages are listed here); every other panic, such as a
/// failed assertion, is still printed.
pub fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(install_quiet_hook);
}

fn install_quiet_hook() {
    const INJECTED: [&str; 4] = ["told to panic", "unlucky", "once is enough", "observer bug"];
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if !INJECTED.contains(&message.as_str()) {
            default(info);
        }
    }));
}
