//! soop-mapreduce: fold and keyed map-reduce over borrowed slices.
//!
//! **Not built yet.** This crate is a documented placeholder so the workspace
//! has its designed shape; it exposes nothing and claims nothing. Until it is
//! built, use [`soop_core`] and its buffer channels directly.

pub use soop_core as core;
