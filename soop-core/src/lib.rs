//! soop-core: persistent, supervised OS-thread pools that park when idle.
//!
//! A [`Pool`] runs N workers, each on its own thread, reading one shared
//! mailbox. A worker that panics or fails is rebuilt by its factory and
//! restarted, the OTP way: by a restart [`Policy`](restart::Policy), after a
//! [`Backoff`](restart::Backoff), within a restart
//! [`Intensity`](restart::Intensity); past it the pool escalates.
//!
//! ```
//! use soop_core::{Job, JobError, Pool, ReplySlots, from_fn};
//!
//! let pool = Pool::builder()
//!     .workers(2)
//!     .build(from_fn(|n: u32| if n == 13 { panic!("unlucky") } else { Ok::<_, String>(n + 1) }))
//!     .unwrap();
//! let slots = ReplySlots::new(16);
//! let (to_a, a) = slots.pair();
//! let (to_b, b) = slots.pair();
//! pool.submit(Job::with_reply(13, to_a)).unwrap();
//! pool.submit(Job::with_reply(41, to_b)).unwrap();
//! assert_eq!(a.wait().unwrap(), Err(JobError::Panicked("unlucky".into())));
//! assert_eq!(b.wait().unwrap(), Ok(42)); // nothing else lost; the worker restarted
//! ```
//!
//! # Waiting
//!
//! Idle workers spin briefly, then park: an idle pool uses no CPU, and its
//! threads never exit for lack of work (the protocol is written down in
//! soop-buffers' `channel/README.md`). Submitting comes as `try_submit`
//! (never blocks), `submit` (blocks while the mailbox is full),
//! `submit_timeout` and `submit_deadline`; each hands the job back when it
//! cannot be queued.
//!
//! # Failures
//!
//! A panic or an `Err` in [`Worker::handle`] is caught at that call; the
//! input's reply receives it ([`JobError::Panicked`] carries the message) and
//! no other queued input is lost. Observers ([`Observer`], or the ready-made
//! [`LogObserver`]) see every start, restart, stop and escalation, on a thread
//! of their own. [`Pool::status`] gives a snapshot per worker. Bad
//! configuration is a [`BuildError`], never a panic.
//!
//! # Trees, breakers, watchdogs
//!
//! Pools, run-loop groups ([`RunLoops`]) and other supervisors go under a
//! [`Supervisor`](supervisor::Supervisor): started in order, stopped in
//! reverse, restarted by strategy within the supervisor's own intensity,
//! escalating up the tree (see [`supervisor`]). A pool can sit behind a
//! circuit [`breaker`] ([`Builder::breaker`]), and a watchdog
//! ([`Builder::stall_limit`]) replaces a worker whose call stalls.
//!
//! # Shutdown
//!
//! [`Pool::stop`] drains the mailbox and joins the threads; [`Pool::kill`]
//! cancels what is queued instead; dropping a pool stops it. After any of
//! them the process has the threads it had before the pool.

pub mod breaker;
mod builder;
mod clock;
mod crew;
mod error;
mod observe;
mod pool;
pub mod restart;
mod run_loop;
mod status;
pub mod supervisor;
mod watchdog;
mod worker;

pub use builder::{Builder, MAX_WORKERS};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{BreakerOpen, BuildError, Escalation, JobError, ResizeError, SubmitError};
pub use observe::{Event, LogObserver, Observer, StopReason, panic_message};
pub use pool::{Pool, Unbuilt};
pub use run_loop::{Context, RunLoops};
pub use soop_buffers as buffers;
pub use soop_buffers::{Reply, ReplySlots, ReplyTo};
pub use status::{PoolStatus, WorkerState, WorkerStatus};
pub use worker::{FnWorker, Job, Outcome, Worker, from_fn};
