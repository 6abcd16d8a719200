//! soop-core: the runtime under soop's three modes.
//!
//! **Not built yet.** This crate will hold persistent, supervised OS-thread
//! pools that park when idle (see `DESIGN.md`, "The runtime contract"). Today
//! it only re-exports [`soop_buffers`], the layer it will stand on, and claims
//! nothing else.

pub use soop_buffers as buffers;
