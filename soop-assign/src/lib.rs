//! soop-assign: hand one job to a pool and get a [`Ticket`] for its reply.
//!
//! ```
//! use soop_assign::{Error, Pool, from_fn};
//!
//! let pool = Pool::builder()
//!     .workers(2)
//!     .build(from_fn(|n: u64| if n == 0 { Err("zero".to_string()) } else { Ok(100 / n) }))
//!     .unwrap();
//! let ticket = pool.assign(4).unwrap(); // queued; a worker takes it
//! assert_eq!(ticket.wait(), Ok(25));
//! let bad = pool.assign(0).unwrap();
//! assert_eq!(bad.wait(), Err(Error::Failed("zero".to_string())));
//! assert_eq!(pool.assign(5).unwrap().wait(), Ok(20)); // restarted; nothing lost
//! ```
//!
//! # Waiting
//!
//! A ticket can be waited on ([`Ticket::wait`]), waited on with a deadline
//! ([`Ticket::wait_timeout`], [`Ticket::wait_deadline`], which hand the
//! ticket back on timeout), polled ([`Ticket::try_get`]), or `.await`ed: it
//! is a [`std::future::Future`], so the same ticket serves threads
//! and async code. Many tickets: [`wait_all`], [`wait_any`], and
//! [`completions`] (in completion order). `cast` sends a job with no reply.
//!
//! # Timeouts
//!
//! `assign` blocks only while the mailbox is full; `try_assign` never
//! blocks; `assign_timeout` and `assign_deadline` bound the wait. Each hands
//! the input back when it cannot be queued.
//!
//! ```
//! use std::time::Duration;
//! use soop_assign::{Pool, from_fn};
//!
//! let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
//! let ticket = pool.assign_timeout(1, Duration::from_secs(1)).unwrap();
//! assert_eq!(ticket.wait_timeout(Duration::from_secs(60)).ok(), Some(1));
//! ```
//!
//! # Failures
//!
//! Every ticket resolves exactly once: with the output, or with
//! [`Error::Failed`] (the worker's error), [`Error::Panicked`] (the panic
//! message) or [`Error::Cancelled`] (the pool was killed first). The worker
//! that failed is rebuilt and restarted by the pool's supervision (see
//! [`soop_core`]); the other jobs are not touched.
//!
//! # Shutdown
//!
//! `stop` drains the mailbox and joins the workers; `kill` cancels what is
//! queued; dropping the pool stops it. Dropping a ticket is always fine: a
//! job not yet started then never runs.
//!
//! # In a supervision tree
//!
//! A pool can be a child of a [`supervisor`]: the supervisor builds it
//! (again at every restart) from a builder linked to the tree.
//!
//! ```
//! use soop_assign::supervisor::{Child, Supervisor};
//! use soop_assign::{Builder, from_fn};
//!
//! let (child, squares) = Child::pool("squares", |b| {
//!     Builder::from(b).workers(2).build(from_fn(|n: u64| Ok::<_, String>(n * n)))
//! });
//! let tree = Supervisor::builder("root").child(child).start().unwrap();
//! let pool = squares.get().unwrap(); // the incarnation running now
//! assert_eq!(pool.assign(12).unwrap().wait(), Ok(144));
//! tree.stop();
//! ```

mod error;
mod many;
mod pool;
mod ticket;

pub use error::{AssignError, AssignTimeoutError, Error, TryAssignError, WaitTimeoutError};
pub use many::{Completions, completions, wait_all, wait_any};
pub use pool::{Builder, Pool, TicketFor};
pub use soop_core::{
    BuildError, Clock, Escalation, Event, LogObserver, ManualClock, Observer, PoolStatus,
    ResizeError, StopReason, Worker, WorkerState, WorkerStatus, from_fn, restart,
};
pub use soop_core::{breaker, supervisor};
pub use ticket::Ticket;
