//! soop: concurrent work on one machine.
//!
//! This umbrella package re-exports soop's crates so that one dependency
//! brings everything; the top-level `examples/` and `benches/` belong to it.
//!
//! | crate | what it gives you | state |
//! | --- | --- | --- |
//! | [`buffers`] | recycled slabs, buffer channels, reply slots | built |
//! | [`core`] | supervised, parked thread pools | not built yet |
//! | [`assign`] | one job, one `Ticket` | not built yet |
//! | [`mapreduce`] | fold and keyed map-reduce over slices | not built yet |
//! | [`pipeline`] | typed streaming stages | not built yet |

pub use soop_assign as assign;
pub use soop_buffers as buffers;
pub use soop_core as core;
pub use soop_mapreduce as mapreduce;
pub use soop_pipeline as pipeline;
