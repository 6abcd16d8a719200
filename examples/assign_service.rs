//! A request/response service on soop-assign where the worker fails often.
//!
//! Two supervised workers checksum generated payloads; by design 30% of
//! requests make the worker panic and 30% make it return an error (the
//! classic "60% of jobs fail" demo). Every request still gets exactly one
//! answer: its checksum, its error, or its panic message, in completion
//! order, while the supervisor rebuilds the worker after each failure.
//!
//! Run: `cargo run --release --example assign_service`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use soop::assign::restart::{Backoff, Intensity};
use soop::assign::{Error, Event, Pool, Worker, completions};

/// Checksums payloads; keeps a count of what it served since its last
/// (re)start, which a restart resets, as it should.
struct Checksummer {
    served_since_start: u64,
}

impl Worker for Checksummer {
    type Input = u64;
    type Output = u64;
    type Error = String;

    fn handle(&mut self, request: u64) -> Result<u64, String> {
        match request % 10 {
            0..=2 => panic!("request {request}: corrupt payload"),
            3..=5 => Err(format!("request {request}: refused")),
            _ => {
                self.served_since_start += 1;
                // FNV-1a over a generated 4 KiB payload: real work per request.
                let mut hash = 0xcbf2_9ce4_8422_2325u64;
                for i in 0..4096u64 {
                    hash ^= (request.wrapping_mul(31).wrapping_add(i)) & 0xff;
                    hash = hash.wrapping_mul(0x0100_0000_01b3);
                }
                Ok(hash)
            }
        }
    }
}

fn main() {
    // The injected panics are expected: keep the terminal readable.
    std::panic::set_hook(Box::new(|_| {}));
    let restarts_seen = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&restarts_seen);
    let pool = Pool::builder()
        .name("checksum")
        .workers(2)
        .intensity(Intensity {
            max_restarts: 100_000,
            window: Duration::from_secs(1),
        })
        .backoff(Backoff::None)
        .observer(move |event: &Event| {
            if matches!(event, Event::Restarting { .. }) {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        })
        .build(|| Checksummer {
            served_since_start: 0,
        })
        .expect("valid settings");

    const REQUESTS: u64 = 20_000;
    println!("assign_service: {REQUESTS} requests to 2 workers; 60% of them fail on purpose");
    let started = Instant::now();
    let tickets: Vec<_> = (0..REQUESTS)
        .map(|request| pool.assign(request).expect("the pool is open"))
        .collect();

    let (mut answered, mut refused, mut panicked) = (0u64, 0u64, 0u64);
    let mut checksum = 0u64;
    for (done, (index, outcome)) in completions(tickets).enumerate() {
        match outcome {
            Ok(hash) => {
                answered += 1;
                checksum ^= hash;
            }
            Err(Error::Failed(_)) => refused += 1,
            Err(Error::Panicked(message)) => {
                panicked += 1;
                assert!(message.starts_with(&format!("request {index}:")));
            }
            Err(other) => unreachable!("nothing is cancelled here: {other}"),
        }
        if (done + 1) % 5_000 == 0 {
            println!("  {:>6} resolved so far", done + 1);
        }
    }
    let elapsed = started.elapsed();

    // A ticket whose job is still queued can be given up: it never runs.
    let slow = pool.assign(7).expect("open");
    match slow.wait_timeout(Duration::from_millis(0)) {
        Ok(hash) => println!("request 7 was already done: {hash:x}"),
        Err(timeout) => {
            if let Some(ticket) = timeout.into_ticket() {
                ticket.cancel();
                println!("request 7 timed out at once and was cancelled");
            }
        }
    }

    pool.stop();
    let status = pool.status();
    let restarts: u32 = status.workers.iter().map(|w| w.restarts).sum();
    println!(
        "{} of {REQUESTS} resolved in {elapsed:.2?}: {answered} answered (xor {checksum:016x}), \
         {refused} refused, {panicked} panicked",
        answered + refused + panicked
    );
    println!(
        "supervision: {restarts} restarts (the observer saw {}), no request lost",
        restarts_seen.load(Ordering::Relaxed)
    );
}
