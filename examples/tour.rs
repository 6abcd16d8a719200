//! The soop tour.
//!
//! Real work in each of the three modes:
//!
//! 1. map-reduce (soop-mapreduce): word count over one big text, cut into
//!    chunks at whitespace, counted on the pool's threads and the caller's;
//! 2. assign (soop-assign, on soop-core's supervised pools): a
//!    request/response service whose worker panics or fails on 60% of
//!    requests: every ticket gets its answer or its error, and the pool
//!    restarts the worker each time;
//! 3. pipeline (soop-pipeline): a log-processing pipeline (parse → filter →
//!    enrich → aggregate) over a log of 2M requests, one line of which is
//!    garbage and ends up on the error stream with its stage's name.
//!
//! Run: `cargo run --release --example tour [text-file [log-file]]`. Without
//! paths it generates a deterministic corpus and log, so it works offline.

use std::time::Instant;

use soop::assign::restart::Intensity;
use soop::assign::{Error, Event, Pool, Worker};

#[path = "../benches/support/corpus.rs"]
mod corpus;
#[path = "support/logs.rs"]
mod logs;

use soop::mapreduce::MapReduce;

fn main() {
    let (name, text) = corpus::text_from_args(32 << 20);
    println!(
        "soop tour over {name} ({:.1} MiB)\n",
        text.len() as f64 / (1 << 20) as f64
    );
    map_reduce_word_count(&text);
    flaky_service();
    log_pipeline(std::env::args().nth(2).as_deref());
}

/// Mode 2, map-reduce: word count over the whole text at once.
fn map_reduce_word_count(text: &str) -> u64 {
    let mr = MapReduce::new().expect("threads start");
    println!(
        "map-reduce: word count on {} worker(s) and the calling thread",
        mr.workers()
    );
    let started = Instant::now();
    let counts = mr
        .group_text(
            text,
            |chunk, emit| chunk.split_whitespace().for_each(|w| emit(w, 1u64)),
            |total, n| *total += n,
        )
        .expect("no closure panics here");
    let elapsed = started.elapsed();
    let mut top: Vec<(&str, u64)> = counts.iter().map(|(w, n)| (*w, *n)).collect();
    top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let words: u64 = counts.values().sum();
    let shown: Vec<String> = top
        .iter()
        .take(5)
        .map(|(w, n)| format!("{w} {n}"))
        .collect();
    println!("  top words: {}", shown.join(", "));
    println!(
        "  {words} words, {} distinct, in {elapsed:.2?}: {:.0} MiB/s",
        counts.len(),
        text.len() as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
    );
    words
}

/// A service worker that fails on purpose: requests whose number ends in
/// 0–2 panic, 3–5 return an error, the rest are answered.
struct Flaky {
    served: u64,
}

impl Worker for Flaky {
    type Input = u64;
    type Output = u64;
    type Error = String;

    fn handle(&mut self, request: u64) -> Result<u64, String> {
        match request % 10 {
            0..=2 => panic!("request {request} crashed the worker"),
            3..=5 => Err(format!("request {request} was refused")),
            _ => {
                self.served += 1;
                Ok(request * 2)
            }
        }
    }
}

fn flaky_service() {
    println!("\nassign: a supervised service, 2 workers, 60% of 10,000 requests panic or fail");
    // Injected panics are expected here; keep the terminal readable.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let restarts_seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = std::sync::Arc::clone(&restarts_seen);
    let pool = Pool::builder()
        .name("flaky")
        .workers(2)
        .intensity(Intensity {
            max_restarts: 100_000,
            window: std::time::Duration::from_secs(1),
        })
        .observer(move |event: &Event| {
            if matches!(event, Event::Restarting { .. }) {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .build(|| Flaky { served: 0 })
        .expect("valid pool settings");
    let started = Instant::now();
    // Mode 1, assign: one job, one ticket.
    let tickets: Vec<_> = (0..10_000u64)
        .map(|request| pool.assign(request).expect("the pool is running"))
        .collect();
    let (mut answered, mut panicked, mut refused) = (0, 0, 0);
    for ticket in tickets {
        match ticket.wait() {
            Ok(_) => answered += 1,
            Err(Error::Panicked(_)) => panicked += 1,
            Err(Error::Failed(_)) => refused += 1,
            Err(other) => unreachable!("nothing was cancelled: {other}"),
        }
    }
    let elapsed = started.elapsed();
    pool.stop(); // drains, joins, and delivers the last events
    std::panic::set_hook(default_hook);
    let status = pool.status();
    let restarts: u32 = status.workers.iter().map(|w| w.restarts).sum();
    println!(
        "  {answered} answered, {panicked} panicked, {refused} refused: {} of 10000 resolved in {elapsed:.2?}",
        answered + panicked + refused
    );
    println!(
        "  the workers were restarted {restarts} times (the observer saw {}); none was lost",
        restarts_seen.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// Mode 3, pipeline: a log-processing pipeline, each stage with its own
/// workers, the aggregate built on this thread as the outputs come.
fn log_pipeline(path: Option<&str>) {
    let (name, lines) = logs::log_lines(path, 2_000_000);
    println!("\npipeline: parse → filter → enrich → aggregate over {name}");
    logs::analyse(lines);
}
