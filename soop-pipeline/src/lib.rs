//! soop-pipeline: typed stage-to-stage streaming transforms, each stage with
//! its own workers, backpressure between stages.
//!
//! ```
//! use soop_pipeline::Pipeline;
//!
//! let lines = ["GET /a 200", "GET /b 404", "oops", "POST /a 200"].map(String::from);
//! let done = Pipeline::new()
//!     .try_map("parse", 2, |line: &String| match line.split(' ').collect::<Vec<_>>()[..] {
//!         [method, path, status] => Ok((method.to_string(), path.to_string(), status.to_string())),
//!         _ => Err("not a request line"),
//!     })
//!     .filter("ok", 1, |(_, _, status)| status == "200")
//!     .map("path", 2, |(_, path, _)| path)
//!     .collect(lines)
//!     .unwrap();
//! assert_eq!(done.outputs, ["/a", "/a"]); // in input order
//! assert_eq!(done.failures.len(), 1); // "oops", on the error stream with its stage's name
//! ```
//!
//! # Stages and units
//!
//! Stages are typed from input to output at compile time: `map`,
//! `filter`, `filter_map`, `flat_map`, `try_map` and `stateful` (workers
//! built by a factory, each owning its state). Each stage has its own
//! number of workers, all supervised by soop-core. Items travel in *units*
//! (recycled slabs of [`unit_len`](Pipeline::unit_len) items) through
//! bounded soop-buffers channels; every stage turns one input unit into one
//! output unit, so an ordered pipeline restores input order by unit
//! sequence alone. `Copy` items move without any allocation in steady
//! state.
//!
//! # Feeding and waiting
//!
//! [`Pipeline::start`] returns an [`Input`] and an [`Output`]: send from one
//! thread, iterate on another. A started pipeline is persistent: idle
//! workers park, and input may come again at any time. A full link blocks
//! the stage (or the producer) before it: memory stays bounded whatever the
//! input rate. [`Pipeline::run`] and [`Pipeline::collect`] run over an
//! iterator on the calling thread alone.
//!
//! # Failures
//!
//! A panic or an error on one item sends a [`Failure`] (stage name, error or
//! panic message, and for `try_map` the item itself) to the
//! [`ErrorStream`]; the other items carry on, in order. The failed worker
//! restarts with fresh state, within the stage's restart intensity; past it
//! the pipeline stops and [`Output::terminal`] says why.
//!
//! # Shutdown
//!
//! Closing the input (drop or [`Input::close`]) drains every stage in order
//! and then ends the output. Dropping the output stops the pipeline at once:
//! the producer's sends return `Closed` with their item, and every thread
//! is joined.

#![forbid(unsafe_code)]

mod error;
mod errors;
mod input;
mod link;
mod output;
mod pipeline;
mod reorder;
mod run;
mod running;
mod shutdown;
mod stage;
mod status;
mod sync;
mod unit;
mod window;

pub use error::{
    BuildError, Cause, Closed, ConfigError, Error, Escalation, Failure, RecvTimeoutError,
    SendError, SendTimeoutError, TryRecvError, TrySendError,
};
pub use errors::ErrorStream;
pub use input::Input;
pub use output::Output;
pub use pipeline::Pipeline;
pub use run::{Collected, Run};
pub use soop_core::restart::{Backoff, Intensity};
pub use soop_core::{Clock, Event, LogObserver, ManualClock, Observer, StopReason, restart};
pub use status::{PipelineStatus, StageStatus};
pub use unit::Emit;
#[cfg(loom)]
pub use window::loom_api;
