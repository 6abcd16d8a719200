//! soop-mapreduce: fold and keyed map-reduce over borrowed slices.
//!
//! ```
//! use soop_mapreduce::MapReduce;
//!
//! let mr = MapReduce::new().unwrap(); // a thread per core, the caller's included
//! let data: Vec<u64> = (0..1_000_000).collect(); // borrowed, not moved
//! let sum_of_squares = mr.fold(&data, || 0u64, |acc, x| acc.wrapping_add(x * x), u64::wrapping_add);
//! let evens = mr.map(&data[..10], |x| x % 2 == 0).unwrap();
//! let text = "to be or not to be";
//! let words = mr.group_text(text, |chunk, emit| chunk.split_whitespace().for_each(|w| emit(w, 1)), |n, m| *n += m);
//! assert_eq!(sum_of_squares.unwrap(), (0..1_000_000u64).map(|x| x * x).fold(0, u64::wrapping_add));
//! assert_eq!(evens[..3], [true, false, true]);
//! assert_eq!(words.unwrap()["be"], 2);
//! ```
//!
//! # Waiting
//!
//! Every call blocks until all its chunks are done, and the calling thread
//! takes chunks too rather than only waiting: that is why the closures may
//! borrow the caller's data. Inputs too small to gain from splitting (see
//! [`Chunking`]) run on the calling thread alone.
//!
//! # Failures
//!
//! A panicking closure makes the call return [`Error::Panicked`] with the
//! panic's message, never an abort or a hang; the pool survives and the next
//! call works. A closure may itself call the same pool: nested calls never
//! deadlock (a call whose helpers are all busy does its chunks itself).
//!
//! # Shutdown
//!
//! Dropping a [`MapReduce`] stops and joins its threads.

mod chunking;
mod error;
mod fold;
mod group;
mod map_reduce;
mod scope;
mod sync;
mod text;

pub use chunking::Chunking;
pub use error::Error;
pub use map_reduce::{Builder, MapReduce};
pub use soop_core::BuildError;

#[cfg(loom)]
#[doc(hidden)]
pub use scope::loom_api;
