//! The soop tour.
//!
//! soop's map-reduce and pipeline modes are still being built; this tour
//! shows assign and the layers all three stand on, doing real work:
//!
//! 1. soop-buffers: a word count streamed through buffer channels: a reader
//!    thread ships lines in recycled slabs to two counting threads, whose
//!    tallies come back as replies through recycled reply slots; then how
//!    many slabs were allocated for how many shipped;
//! 2. assign (soop-assign, on soop-core's supervised pools): a
//!    request/response service whose worker panics or fails on 60% of
//!    requests: every ticket gets its answer or its error, and the pool
//!    restarts the worker each time.
//!
//! Run: `cargo run --release --example tour [path/to/text-file]`. Without a
//! path it generates a deterministic corpus, so it works offline.

use std::collections::HashMap;
use std::thread;
use std::time::Instant;

use soop::assign::restart::Intensity;
use soop::assign::{Error, Event, Pool, Worker};
use soop::buffers::{BufferChannels, InPlace, ReplySlots, ReplyTo};

/// A deterministic corpus: about `bytes` of text drawn from a skewed
/// vocabulary, so that a few words are very common, as in real text.
fn generated_corpus(bytes: usize) -> String {
    const WORDS: [&str; 16] = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "slab",
        "channel",
        "pool",
        "worker",
        "reply",
        "supervisor",
        "backpressure",
        "ticket",
        "pipeline",
        "fold",
        "park",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut text = String::with_capacity(bytes + 64);
    let mut column = 0;
    while text.len() < bytes {
        // xorshift64*: cheap, deterministic, good enough for a skew.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let word = WORDS[((r >> 60) as usize * (r >> 56 & 0xf) as usize) >> 4];
        text.push_str(word);
        column += word.len() + 1;
        if column > 70 {
            text.push('\n');
            column = 0;
        } else {
            text.push(' ');
        }
    }
    text
}

fn main() {
    word_count();
    flaky_service();
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

fn word_count() {
    let (name, text) = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => (path, text),
            Err(err) => {
                eprintln!("cannot read {path}: {err}");
                std::process::exit(2);
            }
        },
        None => ("a generated corpus".to_string(), generated_corpus(32 << 20)),
    };
    println!(
        "soop tour: word count over {name} ({:.1} MiB)",
        text.len() as f64 / (1 << 20) as f64
    );
    println!(
        "(the assign, map-reduce and pipeline modes are not built yet; this shows soop-buffers)\n"
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

    let total_lines = text.lines().count();
    let mut sent = 0usize;
    for line in text.lines() {
        line_tx
            .send_with(|buffer| buffer.push_str(line))
            .expect("counters are running");
        sent += 1;
        if sent % (total_lines / 4).max(1) == 0 {
            println!("  shipped {sent:>9} of {total_lines} lines");
        }
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

    let mut top: Vec<_> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("\ntop words:");
    for (word, n) in top.iter().take(8) {
        println!("  {word:<14} {n:>10}");
    }
    let words: u64 = top.iter().map(|(_, n)| n).sum();
    println!(
        "\n{words} words in {total_lines} lines, {:.2?}: {:.1} MiB/s",
        elapsed,
        text.len() as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
    );

    let stats = lines.stats();
    let shipped = stats.allocated + stats.reused;
    println!(
        "slabs: {shipped} handed out, {} allocated, {} reused ({:.2}% reuse); reply slots allocated: {}",
        stats.allocated,
        stats.reused,
        100.0 * stats.reused as f64 / shipped.max(1) as f64,
        tallies.stats().allocated,
    );
}
