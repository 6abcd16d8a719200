//! Word count with soop-mapreduce: over a text file given on the command
//! line, or over a generated ~64 MB Zipf-distributed corpus when none is.
//!
//! Run: `cargo run --release --example word_count [path/to/text]`.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::time::Instant;

use soop::mapreduce::MapReduce;

fn main() {
    let (name, text) = corpus::text_from_args(64 << 20);
    let mr = MapReduce::new().expect("threads start");
    println!(
        "word count over {name} ({:.1} MiB) on {} worker threads and the caller",
        text.len() as f64 / (1 << 20) as f64,
        mr.workers()
    );
    let started = Instant::now();
    // One big &str, cut at whitespace into chunks: no Vec of lines is built.
    let counts = mr
        .group_text(
            &text,
            |chunk, emit| chunk.split_whitespace().for_each(|word| emit(word, 1u64)),
            |total, n| *total += n,
        )
        .expect("no closure panics here");
    let elapsed = started.elapsed();
    let mut top: Vec<(&str, u64)> = counts.iter().map(|(w, n)| (*w, *n)).collect();
    top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("top words:");
    for (word, n) in top.iter().take(10) {
        println!("  {word:<12} {n:>10}");
    }
    let words: u64 = counts.values().sum();
    println!(
        "{words} words, {} distinct, in {elapsed:.2?}: {:.0} MiB/s",
        counts.len(),
        text.len() as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
    );
}
