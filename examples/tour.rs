//! The soop tour.
//!
//! Real work in each built mode (the pipeline mode is still being built):
//!
//! 1. map-reduce (soop-mapreduce): word count over one big text, cut into
//!    chunks at whitespace, counted on the pool's threads and the caller's;
//! 2. assign (soop-assign, on soop-core's supervised pools): a
//!    request/response service whose worker panics or fails on 60% of
//!    requests: every ticket gets its answer or its error, and the pool
//!    restarts the worker each time;
//! 3. streaming over soop-buffers, the layer pipelines will use: the same
//!    text's lines shipped in recycled slabs to two counting threads, whose
//!    tallies come back through recycled reply slots; the count must match
//!    map-reduce's, and the slab counts show the recycling.
//!
//! Run: `cargo run --release --example tour [path/to/text-file]`. Without a
//! path it generates a deterministic corpus, so it works offline.

use std::collections::HashMap;
use std::thread;
use std::time::Instant;

use soop::assign::restart::Intensity;
use soop::assign::{Error, Event, Pool, Worker};

#[path = "../benches/support/corpus.rs"]
mod corpus;

use soop::buffers::{BufferChannels, InPlace, ReplySlots, ReplyTo};
use soop::mapreduce::MapReduce;

fn main() {
    let (name, text) = corpus::text_from_args(32 << 20);
    println!(
        "soop tour over {name} ({:.1} MiB)\n",
        text.len() as f64 / (1 << 20) as f64
    );
    let words = map_reduce_word_count(&text);
    flaky_service();
    streaming_preview(&text, words);
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

/// What pipelines will stand on: lines streamed through a buffer channel to
/// two counting threads, in recycled slabs, the tallies coming back through
/// reply slots.
fn streaming_preview(text: &str, expected_words: u64) {
    println!(
        "\nstreaming (the pipeline mode is not built yet; this is the buffer layer it will use):"
    );

    // Lines travel as Strings recycled in place: after warm-up, the reader
    // refills the same String buffers and nothing is allocated per line.
    let lines = BufferChannels::<String>::builder()
        .slab_len(512)
        .capacity(8)
        .recycle(InPlace::default())
        .build()
        .expect("valid channel settings");
    let (mut line_tx, line_rx) = lines.channel();
    let tallies = ReplySlots::<HashMap<String, u64>>::new(4);

    let started = Instant::now();
    let counters: Vec<_> = (0..2)
        .map(|_| {
            let line_rx = line_rx.clone();
            let (reply_to, reply): (ReplyTo<_>, _) = tallies.pair();
            let handle = thread::spawn(move || {
                let mut counts: HashMap<String, u64> = HashMap::new();
                // Whole slabs: each counter reads a batch of lines in place.
                while let Ok(slab) = line_rx.recv_slab() {
                    for line in slab.iter() {
                        for word in line.split_whitespace() {
                            match counts.get_mut(word) {
                                Some(n) => *n += 1,
                                None => {
                                    counts.insert(word.to_string(), 1);
                                }
                            }
                        }
                    }
                }
                let _ = reply_to.complete(counts);
            });
            (handle, reply)
        })
        .collect();
    drop(line_rx);

    let mut total_lines = 0usize;
    for line in text.lines() {
        line_tx
            .send_with(|buffer| buffer.push_str(line))
            .expect("counters are running");
        total_lines += 1;
    }
    drop(line_tx); // ships the last slab; the counters see the end

    let mut counts: HashMap<String, u64> = HashMap::new();
    for (handle, reply) in counters {
        for (word, n) in reply.wait().expect("each counter replies once") {
            *counts.entry(word).or_default() += n;
        }
        handle.join().expect("counter thread");
    }
    let elapsed = started.elapsed();

    let words: u64 = counts.values().sum();
    println!(
        "  {total_lines} lines streamed to 2 counting threads: {words} words ({}), {elapsed:.2?}: {:.0} MiB/s",
        if words == expected_words {
            "the same count as map-reduce"
        } else {
            "DIFFERENT from map-reduce"
        },
        text.len() as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
    );

    let stats = lines.stats();
    let shipped = stats.allocated + stats.reused;
    println!(
        "  slabs: {shipped} handed out, {} allocated, {} reused ({:.2}% reuse); reply slots allocated: {}",
        stats.allocated,
        stats.reused,
        100.0 * stats.reused as f64 / shipped.max(1) as f64,
        tallies.stats().allocated,
    );
}
