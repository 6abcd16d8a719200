//! Paired runs for a noisy machine: soop and its baselines run one after
//! the other, pair by pair, in one process (the order turning each round),
//! so a slow spell of a shared machine hits every contender alike. Prints
//! each contender's median time and, per baseline, the median over rounds
//! of `baseline time / soop time` (above 1: soop is faster).
//!
//! - `word_count_64mb`: the word count of `--bench mapreduce` (same corpus,
//!   same std `HashMap`); "rayon's best" is whichever of its two ways has
//!   the lower median in the run.
//!
//! `cargo bench --bench paired` (a few minutes; `-- 5` for 5 rounds).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/word_count.rs"]
mod word_count;

use std::hint::black_box;
use std::time::{Duration, Instant};

use soop_mapreduce::MapReduce;

fn main() {
    // `cargo bench` passes `--bench`; a number sets the rounds.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let text = corpus::zipf_text(64 << 20, 50_000);
    let mr = MapReduce::new().expect("a map-reduce pool");
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("a rayon pool");
    let contenders: [(&str, &dyn Fn() -> usize); 4] = [
        ("soop", &|| word_count::soop(&mr, &text).len()),
        ("rayon", &|| {
            word_count::rayon_words(&rayon_pool, &text).len()
        }),
        ("rayon_pieces", &|| {
            word_count::rayon_pieces(&rayon_pool, &text).len()
        }),
        ("sequential", &|| word_count::sequential(&text).len()),
    ];
    let distinct = contenders[0].1();
    let mut times = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let i = (k + round) % contenders.len();
            let start = Instant::now();
            let words = black_box(contenders[i].1());
            times[i].push(start.elapsed());
            assert_eq!(words, distinct, "{} counted differently", contenders[i].0);
        }
    }
    println!("word_count_64mb: {rounds} rounds on {cores} cores, {distinct} distinct words");
    for (i, (name, _)) in contenders.iter().enumerate() {
        println!(
            "  {name:<14} median {:>8.1} ms",
            median(&times[i]).as_secs_f64() * 1e3
        );
    }
    let ratio = |baseline: &dyn Fn(usize) -> Duration| {
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|r| baseline(r).as_secs_f64() / times[0][r].as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        (ratios[0], ratios[rounds / 2], ratios[rounds - 1])
    };
    let best_rayon = if median(&times[1]) <= median(&times[2]) {
        1
    } else {
        2
    };
    for (name, i) in [
        ("rayon", 1),
        ("rayon_pieces", 2),
        ("rayon's best", best_rayon),
        ("sequential", 3),
    ] {
        let (low, mid, high) = ratio(&|r| times[i][r]);
        println!("  soop vs {name:<13} median {mid:.2}x  (rounds from {low:.2}x to {high:.2}x)");
    }
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
