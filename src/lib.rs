//! soop: concurrent work on one machine.
//!
//! This umbrella package re-exports soop's crates so that one dependency
//! brings everything; the top-level `examples/` and `benches/` belong to it.
//!
//! | module | crate | what it gives you | state |
//! | --- | --- | --- | --- |
//! | [`assign`] | soop-assign | mode 1: one job, one `Ticket` | built |
//! | [`mapreduce`] | soop-mapreduce | mode 2: fold and keyed map-reduce over borrowed slices | built |
//! | [`pipeline`] | soop-pipeline | mode 3: typed streaming stages | built |
//! | [`core`] | soop-core | supervised, parked thread pools; supervisor trees, breakers, watchdogs | built |
//! | [`buffers`] | soop-buffers | recycled slabs, buffer channels, reply slots | built |
//!
//! ```
//! let pool = soop::assign::Pool::builder()
//!     .workers(1)
//!     .build(soop::assign::from_fn(|n: u64| Ok::<_, String>(n + 1)))
//!     .unwrap();
//! assert_eq!(pool.assign(41).unwrap().wait(), Ok(42));
//!
//! let mr = soop::mapreduce::MapReduce::new().unwrap();
//! assert_eq!(mr.fold(&[1, 2, 3], || 0, |a, x| a + x, |a, b| a + b), Ok(6));
//! ```

pub use soop_assign as assign;
pub use soop_buffers as buffers;
pub use soop_core as core;
pub use soop_mapreduce as mapreduce;
pub use soop_pipeline as pipeline;

/// Every Rust example in README.md, compiled and run as a doctest, so the
/// README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
