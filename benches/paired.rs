//! Paired runs for a noisy machine: soop and its baselines run one after
//! the other, pair by pair, in one process (the order turning each round),
//! so a slow spell of a shared machine hits every contender alike. Prints
//! each contender's median time and, per baseline, the median over rounds
//! of `baseline time / soop time` (above 1: soop is faster).
//!
//! - `sum_squares_32m`, `xorshift_1m`: the large folds of
//!   `--bench mapreduce` (soop's default pool, rayon on a thread per core,
//!   `std::thread::scope` with a thread per core).
//! - `word_count_64mb`: its word count (same corpus, same std `HashMap`);
//!   "rayon's best" is whichever of rayon's two ways has the lower median
//!   in the run.
//! - `round_trip_20k`, `batch_100k`: the two measures of `--bench assign`:
//!   20,000 round trips of a tiny job on a 1-worker pool (a fresh `Ticket`
//!   each) against crossbeam-channel with a reused reply channel, and
//!   100,000 tickets on 2 workers then waiting for all, against crossbeam
//!   with a fresh reply channel per job.
//!
//! `cargo bench --bench paired` (a few minutes; `-- 5` for 5 rounds).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/echo.rs"]
mod echo;
#[path = "support/word_count.rs"]
mod word_count;

use std::hint::black_box;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use soop_mapreduce::MapReduce;

/// A contender: a name and one run, returning a checksum every contender
/// must agree on.
type Contender<'a> = (&'a str, &'a dyn Fn() -> u64);

fn main() {
    // `cargo bench` passes `--bench`; a number sets the rounds.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mr = MapReduce::new().expect("a map-reduce pool");
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build()
        .expect("a rayon pool");
    println!("{rounds} rounds on {cores} cores; ratios are baseline time / soop time");

    assign_contests(rounds);

    let squares: Vec<u64> = (0..32u64 << 20).collect();
    let square = |x: u64| x.wrapping_mul(x);
    fold_contest(
        "sum_squares_32m",
        rounds,
        &mr,
        &rayon_pool,
        &squares,
        square,
    );
    let million: Vec<u64> = (1..=1u64 << 20).collect();
    fold_contest(
        "xorshift_1m",
        rounds,
        &mr,
        &rayon_pool,
        &million,
        xorshift64,
    );

    let text = corpus::zipf_text(64 << 20, 50_000);
    let times = contest(
        "word_count_64mb",
        rounds,
        &[
            ("soop", &|| word_count::soop(&mr, &text).len() as u64),
            ("rayon", &|| {
                word_count::rayon_words(&rayon_pool, &text).len() as u64
            }),
            ("rayon_pieces", &|| {
                word_count::rayon_pieces(&rayon_pool, &text).len() as u64
            }),
            ("sequential", &|| word_count::sequential(&text).len() as u64),
        ],
    );
    let best = if median(&times[1]) <= median(&times[2]) {
        1
    } else {
        2
    };
    report_ratio("rayon's best", &times[0], &times[best]);
}

fn assign_contests(rounds: usize) {
    const TRIPS: u64 = 20_000;
    let pool = soop_assign::Pool::builder()
        .workers(1)
        .build(soop_assign::from_fn(|n: u64| Ok::<_, String>(n + 1)))
        .expect("an assign pool");
    let (service, answers) = echo::reused_reply(1024);
    contest(
        "round_trip_20k",
        rounds,
        &[
            ("soop", &|| {
                (0..TRIPS).fold(0, |_, n| pool.assign(n).unwrap().wait().unwrap())
            }),
            ("crossbeam", &|| {
                (0..TRIPS).fold(0, |_, n| {
                    service.send(n);
                    answers.recv().unwrap()
                })
            }),
        ],
    );
    drop(service);

    const BATCH: u64 = 100_000;
    let pool = soop_assign::Pool::builder()
        .workers(2)
        .mailbox_capacity(BATCH as usize)
        .build(soop_assign::from_fn(|n: u64| Ok::<_, String>(n + 1)))
        .expect("an assign pool");
    let service = echo::fresh_replies(2, BATCH as usize);
    contest(
        "batch_100k",
        rounds,
        &[
            ("soop", &|| {
                let tickets: Vec<_> = (0..BATCH).map(|n| pool.assign(n).unwrap()).collect();
                tickets.into_iter().map(|t| t.wait().unwrap()).sum()
            }),
            ("crossbeam", &|| echo::fresh_batch(&service, BATCH)),
        ],
    );
}

fn xorshift64(mut x: u64) -> u64 {
    for _ in 0..64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// A wrapping sum of `f` over `data`: soop, rayon, scoped threads, a loop.
fn fold_contest(
    name: &str,
    rounds: usize,
    mr: &MapReduce,
    rayon_pool: &rayon::ThreadPool,
    data: &[u64],
    f: impl Fn(u64) -> u64 + Sync + Copy,
) {
    let sum = |acc: u64, x: &u64| acc.wrapping_add(f(*x));
    let threads = rayon_pool.current_num_threads();
    contest(
        name,
        rounds,
        &[
            ("soop", &|| {
                mr.fold(data, || 0, sum, u64::wrapping_add).unwrap()
            }),
            ("rayon", &|| {
                rayon_pool.install(|| {
                    data.par_iter()
                        .map(|x| f(*x))
                        .reduce(|| 0, u64::wrapping_add)
                })
            }),
            ("std_scope", &|| {
                std::thread::scope(|s| {
                    data.chunks(data.len().div_ceil(threads))
                        .map(|chunk| s.spawn(move || chunk.iter().fold(0, sum)))
                        .collect::<Vec<_>>()
                        .into_iter()
                        .map(|h| h.join().unwrap())
                        .fold(0, u64::wrapping_add)
                })
            }),
            ("sequential", &|| data.iter().fold(0, sum)),
        ],
    );
}

/// Runs every contender once per round, the first (soop) against the rest;
/// returns each one's times.
fn contest(name: &str, rounds: usize, contenders: &[Contender<'_>]) -> Vec<Vec<Duration>> {
    let expected = contenders[0].1();
    let mut times = vec![Vec::with_capacity(rounds); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let i = (k + round) % contenders.len();
            let start = Instant::now();
            let got = black_box(contenders[i].1());
            times[i].push(start.elapsed());
            assert_eq!(got, expected, "{name}: {} disagrees", contenders[i].0);
        }
    }
    println!("{name}:");
    for (i, (contender, _)) in contenders.iter().enumerate() {
        println!(
            "  {contender:<14} median {:>9.2} ms",
            median(&times[i]).as_secs_f64() * 1e3
        );
    }
    for (i, (contender, _)) in contenders.iter().enumerate().skip(1) {
        report_ratio(contender, &times[0], &times[i]);
    }
    times
}

fn report_ratio(baseline: &str, soop: &[Duration], other: &[Duration]) {
    let mut ratios: Vec<f64> = soop
        .iter()
        .zip(other)
        .map(|(s, o)| o.as_secs_f64() / s.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let (low, mid, high) = (
        ratios[0],
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1],
    );
    println!("  soop vs {baseline:<13} median {mid:.2}x  (rounds from {low:.2}x to {high:.2}x)");
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}
