//! Observers: what a pool reports about its workers' lives.
//!
//! Events go to observers on a thread of their own, so an observer that is
//! slow delays only other events, and one that panics loses only that
//! event: neither can block or crash the pool's workers.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::error::{Escalation, TreeEscalation};

/// Something that happened to a pool's worker, or to the pool.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use soop_core::{Event, Job, Pool, from_fn};
///
/// let restarts = Arc::new(Mutex::new(0));
/// let count = Arc::clone(&restarts);
/// let pool = Pool::builder()
///     .workers(1)
///     .observer(move |e: &Event| {
///         if let Event::Restarting { last_error, .. } = e {
///             assert_eq!(last_error, "odd");
///             *count.lock().unwrap() += 1;
///         }
///     })
///     .build(from_fn(|n: u8| if n % 2 == 1 { Err("odd") } else { Ok(n) }))
///     .unwrap();
/// for n in 0..4 {
///     pool.submit(Job::new(n)).unwrap();
/// }
/// pool.stop(); // observers see every event before stop returns
/// assert_eq!(*restarts.lock().unwrap(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A worker (re)started; `incarnation` counts from 0.
    Started {
        /// The pool's name.
        pool: Arc<str>,
        /// The worker's index.
        worker: usize,
        /// 0 at first start, then one more at each restart.
        incarnation: u32,
    },
    /// A worker failed and will restart after `after`.
    Restarting {
        /// The pool's name.
        pool: Arc<str>,
        /// The worker's index.
        worker: usize,
        /// Restarts of this worker so far, this one included.
        restarts: u32,
        /// The failure's error or panic message.
        last_error: String,
        /// The backoff before the restart.
        after: Duration,
    },
    /// A worker's thread ended.
    Stopped {
        /// The pool's name.
        pool: Arc<str>,
        /// The worker's index.
        worker: usize,
        /// Why.
        reason: StopReason,
    },
    /// The pool escalated: it is stopping, and reports why.
    Terminal(Escalation),
    /// A supervisor started (or restarted) a child.
    ChildStarted {
        /// The child's path in the tree.
        path: Arc<str>,
    },
    /// A supervisor is restarting a child: the failed one, or a sibling
    /// its strategy takes along.
    ChildRestarting {
        /// The child's path in the tree.
        path: Arc<str>,
        /// How many times its supervisor has restarted it, this one included.
        restarts: u32,
        /// Why: the child's error, or which sibling's failure.
        reason: String,
    },
    /// A child stopped and will not be restarted (or its supervisor stopped
    /// it).
    ChildStopped {
        /// The child's path in the tree.
        path: Arc<str>,
        /// Why it stopped.
        reason: StopReason,
    },
    /// A child did not stop within its shutdown timeout: its supervisor
    /// went on without it; its threads are joined when they return.
    ChildStopTimedOut {
        /// The child's path in the tree.
        path: Arc<str>,
        /// How long the supervisor waited.
        waited: Duration,
    },
    /// A worker's single call (a run loop: the time since its last
    /// heartbeat) has run past the pool's stall limit.
    Stalled {
        /// The pool's name (in a tree, its path).
        pool: Arc<str>,
        /// The stalled worker.
        worker: usize,
        /// How long the call had run when the watchdog saw it.
        busy_for: Duration,
        /// The worker started in its place, if the pool replaces stalled
        /// workers (and has not already replaced as many as it has workers).
        replacement: Option<usize>,
    },
    /// A pool's circuit breaker changed state.
    BreakerChanged {
        /// The pool's name (in a tree, its path).
        pool: Arc<str>,
        /// The new state.
        state: crate::breaker::State,
    },
    /// A supervisor went past its restart intensity: it stopped its
    /// children and escalated to its parent (or, at the root, gave up).
    SupervisorTerminal(TreeEscalation),
}

/// Why a worker's thread ended.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use soop_core::{Event, Pool, StopReason, from_fn};
///
/// let reasons = Arc::new(Mutex::new(Vec::new()));
/// let seen = Arc::clone(&reasons);
/// let pool = Pool::builder()
///     .workers(2)
///     .observer(move |e: &Event| {
///         if let Event::Stopped { reason, .. } = e {
///             seen.lock().unwrap().push(reason.clone());
///         }
///     })
///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
///     .unwrap();
/// pool.stop();
/// assert_eq!(*reasons.lock().unwrap(), [StopReason::Shutdown, StopReason::Shutdown]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The pool was stopped, killed or dropped: a normal end, not an error.
    Shutdown,
    /// The pool shrank (`resize`).
    Retired,
    /// A run-loop worker returned cleanly and its policy does not restart it.
    Finished,
    /// The worker failed and its policy does not restart it.
    Failed(String),
    /// The pool escalated.
    Escalated,
    /// Its call stalled past the watchdog's limit and a new thread took
    /// its place; it left when the call returned.
    Replaced,
}

/// Receives a pool's [`Event`]s, one at a time, on the pool's observer
/// thread. Closures `Fn(&Event)` are observers.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use soop_core::{Event, Pool, from_fn};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let pool = Pool::builder()
///     .workers(1)
///     .observer(move |e: &Event| log.lock().unwrap().push(e.clone()))
///     .build(from_fn(|n: u32| Ok::<_, String>(n)))
///     .unwrap();
/// pool.stop();
/// // Started, then Stopped { reason: Shutdown }.
/// assert_eq!(seen.lock().unwrap().len(), 2);
/// ```
pub trait Observer: Send + Sync + 'static {
    /// Called once per event.
    fn event(&self, event: &Event);
}

impl<F: Fn(&Event) + Send + Sync + 'static> Observer for F {
    fn event(&self, event: &Event) {
        self(event)
    }
}

/// Reports events through the `log` facade, so supervision shows up in
/// whatever logging the program already has: starts and clean stops at
/// `debug`, restarts at `warn`, failures and escalations at `error`.
///
/// ```
/// use soop_core::{LogObserver, Pool, from_fn};
///
/// // With a logger installed (env_logger, tracing-log, …) restarts show up as warnings.
/// let pool = Pool::builder().workers(1).observer(LogObserver).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// pool.stop();
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LogObserver;

impl Observer for LogObserver {
    fn event(&self, event: &Event) {
        match event {
            Event::Started {
                pool,
                worker,
                incarnation,
            } => log::debug!("pool {pool}: worker {worker} started (incarnation {incarnation})"),
            Event::Restarting {
                pool,
                worker,
                restarts,
                last_error,
                after,
            } => log::warn!(
                "pool {pool}: worker {worker} failed ({last_error}); restart {restarts} in {after:?}"
            ),
            Event::Stopped {
                pool,
                worker,
                reason: StopReason::Failed(error),
            } => log::error!("pool {pool}: worker {worker} failed for good: {error}"),
            Event::Stopped {
                pool,
                worker,
                reason,
            } => log::debug!("pool {pool}: worker {worker} stopped ({reason:?})"),
            Event::Terminal(escalation) => log::error!("{escalation}"),
            Event::ChildStarted { path } => log::info!("{path}: started"),
            Event::ChildRestarting {
                path,
                restarts,
                reason,
            } => log::warn!("{path}: restart {restarts} ({reason})"),
            Event::ChildStopped { path, reason } => log::info!("{path}: stopped ({reason:?})"),
            Event::ChildStopTimedOut { path, waited } => {
                log::error!("{path}: did not stop within {waited:?}; left to end by itself")
            }
            Event::SupervisorTerminal(escalation) => log::error!("{escalation}"),
            Event::BreakerChanged { pool, state } => {
                log::warn!("pool {pool}: circuit breaker {state:?}")
            }
            Event::Stalled {
                pool,
                worker,
                busy_for,
                replacement,
            } => match replacement {
                Some(new) => log::warn!(
                    "pool {pool}: worker {worker} stalled ({busy_for:?} in one call); worker {new} replaces it"
                ),
                None => {
                    log::warn!("pool {pool}: worker {worker} stalled ({busy_for:?} in one call)")
                }
            },
        }
    }
}

/// Delivers events to observers on a thread of its own.
pub(crate) struct Dispatcher {
    sender: Mutex<Option<mpsc::Sender<Event>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Dispatcher {
    /// Starts the observer thread, unless there is no observer.
    pub(crate) fn start(name: &str, observers: Vec<Arc<dyn Observer>>) -> std::io::Result<Self> {
        if observers.is_empty() {
            return Ok(Dispatcher {
                sender: Mutex::new(None),
                thread: Mutex::new(None),
            });
        }
        let (sender, events) = mpsc::channel::<Event>();
        let thread = thread::Builder::new()
            .name(format!("{name}-observer"))
            .spawn(move || {
                for event in events {
                    for observer in &observers {
                        // An observer's panic costs it this event, nothing more.
                        let _ = catch_unwind(AssertUnwindSafe(|| observer.event(&event)));
                    }
                }
            })?;
        Ok(Dispatcher {
            sender: Mutex::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues `event` for the observers; never blocks on them.
    pub(crate) fn emit(&self, event: Event) {
        if let Some(sender) = lock(&self.sender).as_ref() {
            let _ = sender.send(event);
        }
    }

    /// Lets the observers see every event sent so far, then ends their
    /// thread. Idempotent; from the observer thread itself it only lets go.
    pub(crate) fn shutdown(&self) {
        drop(lock(&self.sender).take());
        let thread = lock(&self.thread).take();
        if let Some(thread) = thread
            && thread.thread().id() != thread::current().id()
        {
            let _ = thread.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The message of a caught panic (its `&str` or `String` payload).
///
/// ```
/// let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(soop_core::panic_message(&*caught), "boom 1");
/// ```
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
