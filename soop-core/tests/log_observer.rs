//! LogObserver reports through the `log` facade. Alone in its file, since
//! a logger is installed once per process.

use std::sync::Mutex;

use soop_core::{Job, LogObserver, Pool, ReplySlots, from_fn};

struct Capture(Mutex<Vec<(log::Level, String)>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.0
            .lock()
            .unwrap()
            .push((record.level(), record.args().to_string()));
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn supervision_events_reach_the_log() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let pool = Pool::builder()
        .name("logged")
        .workers(1)
        .observer(LogObserver)
        .build(from_fn(|n: u32| if n == 0 { Err("zero") } else { Ok(n) }))
        .unwrap();
    let slots = ReplySlots::new(4);
    for n in [0, 1] {
        let (to, r) = slots.pair();
        pool.submit(Job::with_reply(n, to)).unwrap();
        let _ = r.wait();
    }
    pool.stop();
    let lines = CAPTURE.0.lock().unwrap().clone();
    assert!(lines.iter().any(|(level, line)| *level == log::Level::Warn
        && line.contains("pool logged: worker 0 failed (zero)")));
    assert!(
        lines
            .iter()
            .any(|(level, line)| *level == log::Level::Debug && line.contains("worker 0 started"))
    );
    assert!(lines.iter().any(|(level, line)| *level == log::Level::Debug
        && line.contains("stopped (Shutdown)")));
    assert!(lines.iter().all(|(level, _)| *level != log::Level::Error));
}
