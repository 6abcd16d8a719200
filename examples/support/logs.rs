//! The log-processing pipeline shared by the `log_pipeline` example and the
//! tour: parse lines → keep the requests worth counting → enrich them with
//! the service's team → aggregate per team (on the calling thread).
//!
//! Lines look like `2026-11-22T04:00:00.123Z GET checkout /api/42 200 12ms`.
//! The generated log hides one line that is not a request; it ends up on the
//! error stream with the name of the stage that refused it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use soop::pipeline::{Intensity, Pipeline};

/// One parsed request.
struct Request {
    service: String,
    status: u16,
    millis: u32,
}

/// A request with the team that owns its service.
struct Owned {
    team: &'static str,
    failed: bool,
    millis: u32,
}

const SERVICES: [&str; 6] = ["checkout", "search", "cart", "auth", "images", "ledger"];

fn parse(line: &str) -> Result<Request, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [_time, _method, service, _path, status, millis] = fields[..] else {
        return Err(format!("expected 6 fields, found {}", fields.len()));
    };
    Ok(Request {
        service: service.to_string(),
        status: status
            .parse()
            .map_err(|_| format!("bad status {status:?}"))?,
        millis: millis
            .strip_suffix("ms")
            .and_then(|m| m.parse().ok())
            .ok_or_else(|| format!("bad latency {millis:?}"))?,
    })
}

fn team(service: &str) -> &'static str {
    match service {
        "checkout" | "cart" | "ledger" => "payments",
        "search" | "images" => "discovery",
        _ => "platform",
    }
}

/// A deterministic log of `lines` requests, one of them garbage.
fn generated(lines: usize) -> impl Iterator<Item = String> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..lines).map(move |i| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if i == lines / 3 {
            return "-- log rotated by logrotate --".to_string();
        }
        let service = SERVICES[(state % 6) as usize];
        let status = match state % 97 {
            0..=2 => 500,
            3..=6 => 404,
            _ => 200,
        };
        let millis = 1 + (state >> 20) % 250;
        format!(
            "2026-11-22T04:{:02}:{:02}.{:03}Z GET {service} /api/{} {status} {millis}ms",
            (i / 60_000) % 60,
            (i / 1_000) % 60,
            i % 1_000,
            state % 1_000
        )
    })
}

#[derive(Default)]
struct Tally {
    requests: u64,
    failed: u64,
    total_millis: u64,
}

/// The lines of the log at `path`, or of a generated log of
/// `generated_lines` lines, and a name for them.
pub(crate) fn log_lines(
    path: Option<&str>,
    generated_lines: usize,
) -> (String, Box<dyn Iterator<Item = String>>) {
    match path {
        Some(path) => {
            let file = File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
            let lines = BufReader::new(file).lines().map_while(Result::ok);
            (path.to_string(), Box::new(lines))
        }
        None => (
            format!("a generated log of {generated_lines} lines"),
            Box::new(generated(generated_lines)),
        ),
    }
}

/// Runs the pipeline over `lines` and prints the per-team table, the
/// throughput, each stage's counts and the error stream. Returns the
/// number of failures.
pub(crate) fn analyse(lines: Box<dyn Iterator<Item = String>>) -> usize {
    let started = Instant::now();
    let mut run = Pipeline::new()
        // A refused line restarts its parse worker (every failure does);
        // allow plenty, so that a messy log cannot escalate.
        .intensity(Intensity {
            max_restarts: 100_000,
            window: Duration::from_secs(1),
        })
        .try_map("parse", 2, |line: &String| parse(line))
        .filter("worth counting", 1, |r: &Request| r.status != 404)
        .map("enrich", 1, |r: Request| Owned {
            team: team(&r.service),
            failed: r.status >= 500,
            millis: r.millis,
        })
        .run(lines)
        .expect("the pipeline starts");
    // Aggregate on this thread while the stages work on theirs.
    let mut by_team: HashMap<&'static str, Tally> = HashMap::new();
    let mut counted = 0u64;
    for owned in run.by_ref() {
        let tally = by_team.entry(owned.team).or_default();
        tally.requests += 1;
        tally.failed += u64::from(owned.failed);
        tally.total_millis += u64::from(owned.millis);
        counted += 1;
        if counted % 500_000 == 0 {
            println!("  … {counted} requests counted");
        }
    }
    let elapsed = started.elapsed();

    let mut teams: Vec<_> = by_team.into_iter().collect();
    teams.sort_by_key(|(team, _)| *team);
    println!(
        "  {:<10} {:>10} {:>8} {:>10}",
        "team", "requests", "5xx", "mean ms"
    );
    for (team, tally) in &teams {
        println!(
            "  {team:<10} {:>10} {:>8} {:>10.1}",
            tally.requests,
            tally.failed,
            tally.total_millis as f64 / tally.requests.max(1) as f64
        );
    }
    let status = run.status();
    let read = status.stages[0].processed + status.stages[0].failed;
    println!(
        "  {read} lines in {elapsed:.2?} ({:.1} M lines/s)",
        read as f64 / elapsed.as_secs_f64() / 1e6
    );
    for stage in &status.stages {
        println!(
            "    stage {:<15} workers {}  processed {:>9}  failed {}  restarts {}",
            stage.name, stage.workers, stage.processed, stage.failed, stage.restarts
        );
    }
    println!("  error stream (each failure with its stage):");
    let mut failures = 0;
    for failure in run.errors().try_iter() {
        let line = failure.item::<String>().cloned().unwrap_or_default();
        if failures < 5 {
            println!("    {failure}  (line: {line:?})");
        }
        failures += 1;
    }
    if failures > 5 {
        println!("    … and {} more", failures - 5);
    }
    failures
}
