//! Run-loop workers: functions that run until they return or the pool stops
//! (a poller, a health check, a connection keeper), supervised like any
//! worker.

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use crate::crew::{self, Crew, CrewCore, Exit};
use crate::error::Escalation;
use crate::observe::panic_message;
use crate::status::{PoolStatus, WorkerCell, WorkerState};

type Body = Box<dyn FnMut(&Context<'_>) -> Result<(), String>>;

/// A group of supervised run-loop workers, from [`Builder::run_loops`](crate::Builder::run_loops).
///
/// Each worker runs the function its factory makes, on its own thread. A
/// panic or an `Err` is a failure; an `Ok` return is a clean exit. Either
/// way the restart policy decides what happens next (a clean exit restarts
/// only a [`Permanent`](crate::restart::Policy::Permanent) worker), within
/// the pool's intensity and after its backoff.
///
/// Stopping is cooperative: [`stop`](RunLoops::stop) tells every worker
/// through its [`Context`] and joins them, so a loop should check
/// [`Context::is_stopping`] or wait with [`Context::sleep`]. Dropping stops.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
/// use soop_core::Pool;
///
/// let ticks = Arc::new(AtomicU32::new(0));
/// let counted = Arc::clone(&ticks);
/// let pollers = Pool::builder()
///     .workers(1)
///     .run_loops(move || {
///         let ticks = Arc::clone(&counted);
///         move |ctx: &soop_core::Context<'_>| {
///             while !ctx.is_stopping() {
///                 ticks.fetch_add(1, Ordering::Relaxed);
///                 ctx.sleep(Duration::from_millis(1));
///             }
///             Ok::<(), String>(())
///         }
///     })
///     .unwrap();
/// while ticks.load(Ordering::Relaxed) == 0 {
///     std::thread::yield_now();
/// }
/// pollers.stop(); // returns once the loop has seen it and returned
/// ```
pub struct RunLoops {
    crew: Arc<LoopCrew>,
}

struct LoopCrew {
    core: CrewCore,
    factory: Box<dyn Fn() -> Body + Send + Sync>,
}

/// What a run-loop worker sees of its pool.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::time::Duration;
/// use soop_core::{Context, Pool};
///
/// let started = Arc::new(AtomicBool::new(false));
/// let flag = Arc::clone(&started);
/// let loops = Pool::builder()
///     .workers(1)
///     .run_loops(move || {
///         let flag = Arc::clone(&flag);
///         move |ctx: &Context<'_>| {
///             flag.store(true, Ordering::Relaxed);
///             // An hour-long sleep that the stop below cuts short.
///             while !ctx.sleep(Duration::from_secs(3600)) {}
///             Ok::<_, String>(())
///         }
///     })
///     .unwrap();
/// while !started.load(Ordering::Relaxed) {
///     std::thread::yield_now();
/// }
/// loops.stop(); // returns as soon as the loop has seen it
/// ```
pub struct Context<'a> {
    core: &'a CrewCore,
    cell: &'a WorkerCell,
}

impl Context<'_> {
    /// Whether the pool is stopping: the loop should return soon.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::time::Duration;
    /// use soop_core::{Context, Pool};
    ///
    /// let started = Arc::new(AtomicBool::new(false));
    /// let flag = Arc::clone(&started);
    /// let loops = Pool::builder()
    ///     .workers(1)
    ///     .run_loops(move || {
    ///         let flag = Arc::clone(&flag);
    ///         move |ctx: &Context<'_>| {
    ///             flag.store(true, Ordering::Relaxed);
    ///             while !ctx.is_stopping() {
    ///                 std::thread::yield_now(); // a poll of something, in real life
    ///             }
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .unwrap();
    /// while !started.load(Ordering::Relaxed) {
    ///     std::thread::yield_now();
    /// }
    /// loops.stop();
    /// ```
    pub fn is_stopping(&self) -> bool {
        self.core.is_stopping() || self.cell.is_replaced()
    }

    /// Sleeps up to `duration`, waking early when the pool stops; returns
    /// whether it is stopping.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::time::Duration;
    /// use soop_core::{Context, Pool};
    ///
    /// let started = Arc::new(AtomicBool::new(false));
    /// let flag = Arc::clone(&started);
    /// let loops = Pool::builder()
    ///     .workers(1)
    ///     .run_loops(move || {
    ///         let flag = Arc::clone(&flag);
    ///         move |ctx: &Context<'_>| {
    ///             flag.store(true, Ordering::Relaxed);
    ///             let stopping = ctx.sleep(Duration::from_secs(3600));
    ///             assert!(stopping); // woken early by the stop
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .unwrap();
    /// while !started.load(Ordering::Relaxed) {
    ///     std::thread::yield_now();
    /// }
    /// loops.stop();
    /// ```
    pub fn sleep(&self, duration: Duration) -> bool {
        self.core.sleep_unless(duration, || self.cell.is_replaced())
    }

    /// Tells the watchdog this loop is alive. With a
    /// [`stall_limit`](crate::Builder::stall_limit), a loop that goes longer
    /// than the limit between heartbeats is reported stalled and replaced
    /// by a new one; the old one sees [`is_stopping`](Context::is_stopping)
    /// and should return. Without a limit, a heartbeat costs nothing.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{Context, Pool};
    ///
    /// let checks = Pool::builder()
    ///     .workers(1)
    ///     .stall_limit(Duration::from_secs(10))
    ///     .run_loops(|| {
    ///         |ctx: &Context<'_>| {
    ///             while !ctx.sleep(Duration::from_millis(5)) {
    ///                 ctx.heartbeat(); // each round of checks proves the loop alive
    ///             }
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .unwrap();
    /// checks.stop();
    /// ```
    pub fn heartbeat(&self) {
        self.core.watch(self.cell);
    }

    /// By when the stop wants this loop to have returned: `None` while it
    /// runs, and when the stop set no limit (a direct
    /// [`RunLoops::stop`] waits as long as it takes). In a supervision
    /// tree, it is the child's shutdown timeout from the stop.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::Context;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let flusher = Child::run_loops("flusher", |b| {
    ///     b.workers(1).run_loops(|| {
    ///         |ctx: &Context<'_>| {
    ///             while !ctx.sleep(Duration::from_millis(10)) {}
    ///             let deadline = ctx.deadline().expect("a tree's stop has a timeout");
    ///             // flush what is buffered, in the time left until `deadline`
    ///             # let _ = deadline;
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    /// })
    /// .shutdown(Duration::from_secs(2));
    /// let tree = Supervisor::builder("root").child(flusher).start().unwrap();
    /// tree.stop();
    /// ```
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.core.stop_deadline()
    }

    /// This worker's index in its pool.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use soop_core::{Context, Pool, restart::Policy};
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let record = Arc::clone(&seen);
    /// let loops = Pool::builder()
    ///     .workers(3)
    ///     .policy(Policy::Transient) // a clean return is final
    ///     .run_loops(move || {
    ///         let record = Arc::clone(&record);
    ///         move |ctx: &Context<'_>| {
    ///             record.lock().unwrap().push(ctx.worker());
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .unwrap();
    /// loops.stop();
    /// let mut indices = seen.lock().unwrap().clone();
    /// indices.sort();
    /// assert_eq!(indices, [0, 1, 2]);
    /// ```
    pub fn worker(&self) -> usize {
        self.cell.index
    }
}

impl RunLoops {
    pub(crate) fn start<F, L, E>(
        core: CrewCore,
        factory: F,
        workers: usize,
    ) -> std::io::Result<Self>
    where
        F: Fn() -> L + Send + Sync + 'static,
        L: FnMut(&Context<'_>) -> Result<(), E> + 'static,
        E: Display,
    {
        let factory: Box<dyn Fn() -> Body + Send + Sync> = Box::new(move || {
            let mut run = factory();
            Box::new(move |ctx: &Context<'_>| run(ctx).map_err(|e| e.to_string()))
        });
        let loops = RunLoops {
            crew: Arc::new(LoopCrew { core, factory }),
        };
        for _ in 0..workers {
            // On failure, dropping `loops` stops and joins those started.
            crew::spawn(&loops.crew)?;
        }
        crate::watchdog::start(&loops.crew)?;
        Ok(loops)
    }

    /// Tells every worker to stop and joins them. Idempotent; from inside
    /// one of its own workers it only tells them (see [`Pool`](crate::Pool)'s
    /// notes on stopping).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use std::time::Duration;
    /// use soop_core::{Context, Pool};
    ///
    /// let started = Arc::new(AtomicBool::new(false));
    /// let flag = Arc::clone(&started);
    /// let loops = Pool::builder()
    ///     .workers(1)
    ///     .run_loops(move || {
    ///         let flag = Arc::clone(&flag);
    ///         move |ctx: &Context<'_>| {
    ///             flag.store(true, Ordering::Relaxed);
    ///             while !ctx.sleep(Duration::from_secs(3600)) {}
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .unwrap();
    /// while !started.load(Ordering::Relaxed) {
    ///     std::thread::yield_now();
    /// }
    /// loops.stop();
    /// loops.stop(); // idempotent
    /// ```
    pub fn stop(&self) {
        self.crew.core.halt();
        if !self.crew.core.join_threads() {
            self.crew.core.finish_observers();
        }
    }

    /// Begins a stop without waiting, noting by when the stopper wants the
    /// loops gone ([`Context::deadline`]).
    pub(crate) fn signal_stop(&self, deadline: std::time::Instant) {
        self.crew.core.set_stop_deadline(deadline);
        self.crew.core.halt();
    }

    /// Waits until every worker thread has ended, or `deadline`.
    pub(crate) fn wait_ended(&self, deadline: std::time::Instant) -> bool {
        self.crew.core.wait_ended(deadline)
    }

    /// A snapshot of every worker's state and counts.
    ///
    /// ```
    /// use soop_core::{Context, Pool, WorkerState, restart::Policy};
    ///
    /// let loops = Pool::builder()
    ///     .workers(2)
    ///     .policy(Policy::Temporary)
    ///     .run_loops(|| |_: &Context<'_>| Ok::<_, String>(()))
    ///     .unwrap();
    /// loops.stop();
    /// let status = loops.status();
    /// assert_eq!(status.workers.len(), 2);
    /// assert!(status.workers.iter().all(|w| w.state == WorkerState::Stopped));
    /// ```
    pub fn status(&self) -> PoolStatus {
        PoolStatus {
            name: self.crew.core.name.to_string(),
            workers: self.crew.core.statuses(),
            queued: 0,
            terminal: self.crew.core.terminal(),
            breaker: None,
        }
    }

    /// Why the group gave up, if it escalated.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{Context, Pool, restart::Intensity};
    ///
    /// let loops = Pool::builder()
    ///     .name("poller")
    ///     .workers(1)
    ///     .intensity(Intensity { max_restarts: 2, window: Duration::from_secs(60) })
    ///     .run_loops(|| |_: &Context<'_>| Err::<(), _>("cannot connect"))
    ///     .unwrap();
    /// while loops.terminal().is_none() {
    ///     std::thread::yield_now(); // the third failure in a minute escalates
    /// }
    /// assert_eq!(loops.terminal().unwrap().last_error, "cannot connect");
    /// ```
    pub fn terminal(&self) -> Option<Escalation> {
        self.crew.core.terminal()
    }
}

impl Drop for RunLoops {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for RunLoops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunLoops")
            .field("name", &&*self.crew.core.name)
            .finish_non_exhaustive()
    }
}

impl Crew for LoopCrew {
    fn core(&self) -> &CrewCore {
        &self.core
    }

    fn run_once(&self, cell: &WorkerCell) -> Exit {
        let ctx = Context {
            core: &self.core,
            cell,
        };
        cell.set(WorkerState::Busy);
        self.core.watch(cell);
        let ran = catch_unwind(AssertUnwindSafe(|| {
            let mut body = (self.factory)();
            body(&ctx)
        }));
        self.core.unwatch(cell);
        match ran {
            Ok(Ok(())) => {
                cell.processed();
                Exit::Finished
            }
            Ok(Err(error)) => {
                cell.failed();
                Exit::Failed(error)
            }
            Err(panic) => {
                cell.failed();
                Exit::Failed(panic_message(&*panic))
            }
        }
    }

    fn wind_down(&self) {
        self.core.halt();
    }
}
