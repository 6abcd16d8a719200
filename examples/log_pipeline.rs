//! A log-processing pipeline (soop-pipeline): parse lines → keep the
//! requests worth counting → enrich them with the service's team →
//! aggregate per team.
//!
//! ```text
//! cargo run --release --example log_pipeline              # a generated log
//! cargo run --release --example log_pipeline -- app.log   # your own
//! ```
//!
//! The generated log hides one line that is not a request: it ends up on
//! the error stream with the name of the stage that refused it, while every
//! other line comes through.

#[path = "support/logs.rs"]
mod logs;

fn main() {
    let path = std::env::args().nth(1);
    let (name, lines) = logs::log_lines(path.as_deref(), 2_000_000);
    println!("log pipeline over {name}");
    logs::analyse(lines);
}
