//! The supervised threads of one pool: starting them, restarting their
//! workers by policy, backoff and intensity, escalating, and joining them.
//!
//! A pool of mailbox workers and a pool of run-loop workers differ only in
//! what one life of a worker does ([`Crew::run_once`]) and in how they wind
//! down; everything else lives here, once.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::error::Escalation;
use crate::observe::{Dispatcher, Event, StopReason};
use crate::restart::{Backoff, BackoffState, Intensity, IntensityTracker, Policy, RestartDecision};
use crate::status::{WorkerCell, WorkerState, WorkerStatus};
use crate::supervisor::link::{ChildEnd, TreeLink};
use crate::watchdog::Watch;

/// How one life of a worker ended.
pub(crate) enum Exit {
    /// The mailbox is closed and drained.
    Closed,
    /// Told to leave by a shrinking `resize`.
    Retired,
    /// A run-loop worker returned `Ok`.
    Finished,
    /// A panic or an error, with its message.
    Failed(String),
}

/// What differs between kinds of pool.
pub(crate) trait Crew: Send + Sync + 'static {
    fn core(&self) -> &CrewCore;
    /// One life of the worker behind `cell`: build it, run it until it exits.
    fn run_once(&self, cell: &WorkerCell) -> Exit;
    /// Takes no more work and cancels what is queued. Called on escalation
    /// and when the last worker has gone.
    fn wind_down(&self);
}

/// The restart settings every worker of a pool follows.
#[derive(Clone)]
pub(crate) struct Supervision {
    pub(crate) policy: Policy,
    pub(crate) intensity: Intensity,
    pub(crate) backoff: Backoff,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) stack_size: Option<usize>,
    pub(crate) watch: Option<Watch>,
}

/// What every kind of pool shares.
pub(crate) struct CrewCore {
    pub(crate) name: Arc<str>,
    pub(crate) supervision: Supervision,
    intensity: Mutex<IntensityTracker>,
    cells: Mutex<Vec<Arc<WorkerCell>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// Interrupts backoff sleeps; set by stop, kill and escalation.
    stopping: Mutex<bool>,
    stopping_changed: Condvar,
    /// Set by kill and escalation: cancel instead of handling, never restart.
    halted: AtomicBool,
    terminal: Mutex<Option<Escalation>>,
    /// Threads started and not yet at their end.
    live: AtomicUsize,
    next_index: AtomicUsize,
    dispatcher: Dispatcher,
    /// Set when the pool is a supervisor's child.
    link: Option<TreeLink>,
    /// The last error of a worker that failed for good (no restart).
    failed_for_good: Mutex<Option<String>>,
    /// Set once every thread has ended.
    ended: Mutex<bool>,
    ended_changed: Condvar,
    /// By when a stop wants the workers gone, if it said.
    stop_deadline: Mutex<Option<Instant>>,
    /// What the watchdog measures calls from.
    pub(crate) epoch: Instant,
    /// Stalled workers replaced and still in their call.
    pub(crate) replaced: AtomicUsize,
}

impl CrewCore {
    pub(crate) fn new(
        name: &str,
        supervision: Supervision,
        dispatcher: Dispatcher,
        link: Option<TreeLink>,
    ) -> Self {
        CrewCore {
            name: Arc::from(name),
            intensity: Mutex::new(IntensityTracker::new(supervision.intensity)),
            supervision,
            cells: Mutex::new(Vec::new()),
            threads: Mutex::new(Vec::new()),
            stopping: Mutex::new(false),
            stopping_changed: Condvar::new(),
            halted: AtomicBool::new(false),
            terminal: Mutex::new(None),
            live: AtomicUsize::new(0),
            next_index: AtomicUsize::new(0),
            dispatcher,
            link,
            failed_for_good: Mutex::new(None),
            ended: Mutex::new(false),
            ended_changed: Condvar::new(),
            stop_deadline: Mutex::new(None),
            epoch: Instant::now(),
            replaced: AtomicUsize::new(0),
        }
    }

    pub(crate) fn emit(&self, event: Event) {
        if let Some(link) = &self.link {
            link.emit(&event);
        }
        self.dispatcher.emit(event);
    }

    /// Records by when a stop wants the workers gone (run loops read it).
    pub(crate) fn set_stop_deadline(&self, deadline: Instant) {
        lock(&self.stop_deadline).get_or_insert(deadline);
    }

    pub(crate) fn stop_deadline(&self) -> Option<Instant> {
        *lock(&self.stop_deadline)
    }

    /// Waits until every thread has ended, or `deadline` passes; returns
    /// whether they all ended.
    pub(crate) fn wait_ended(&self, deadline: Instant) -> bool {
        let mut ended = lock(&self.ended);
        while !*ended {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            ended = self
                .ended_changed
                .wait_timeout(ended, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        true
    }

    /// The last thread has gone: tell a waiting stop and the supervisor.
    fn ended(&self) {
        let end = match (self.terminal(), lock(&self.failed_for_good).clone()) {
            (Some(escalation), _) => ChildEnd::failed(escalation.to_string(), &self.name),
            (None, Some(error)) => ChildEnd::failed(error, &self.name),
            (None, None) => ChildEnd::Normal,
        };
        if let Some(link) = &self.link {
            link.exited(end);
        }
        *lock(&self.ended) = true;
        self.ended_changed.notify_all();
    }

    /// Whether kill or escalation happened: jobs are cancelled, workers not
    /// restarted.
    pub(crate) fn halted(&self) -> bool {
        // Acquire: pairs with the Release in `halt`, so a worker that sees
        // the flag also sees the mailbox closed before it was set.
        self.halted.load(Ordering::Acquire)
    }

    /// Whether stop, kill or escalation has begun.
    pub(crate) fn is_stopping(&self) -> bool {
        *lock(&self.stopping)
    }

    /// Interrupts every backoff and run-loop sleep.
    pub(crate) fn begin_stopping(&self) {
        *lock(&self.stopping) = true;
        self.stopping_changed.notify_all();
    }

    /// Stops restarts and the handling of queued work.
    pub(crate) fn halt(&self) {
        self.halted.store(true, Ordering::Release);
        self.begin_stopping();
    }

    /// Sleeps up to `duration`; returns early (with `true`) once stopping.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        self.sleep_unless(duration, || false)
    }

    /// Sleeps up to `duration`; returns early (with `true`) once stopping
    /// or once `leave` holds (checked whenever sleepers are woken).
    pub(crate) fn sleep_unless(&self, duration: Duration, leave: impl Fn() -> bool) -> bool {
        let guard = lock(&self.stopping);
        let (guard, _) = self
            .stopping_changed
            .wait_timeout_while(guard, duration, |stopping| !*stopping && !leave())
            .unwrap_or_else(|p| p.into_inner());
        *guard || leave()
    }

    /// Wakes every sleeper to check its `leave` condition again.
    pub(crate) fn wake_sleepers(&self) {
        let _guard = lock(&self.stopping);
        self.stopping_changed.notify_all();
    }

    /// Starts timing a call for the watchdog, if the pool has one.
    pub(crate) fn watch(&self, cell: &WorkerCell) {
        if self.supervision.watch.is_some() {
            cell.watch_from(self.epoch);
        }
    }

    /// Stops timing a call (a no-op without a watchdog).
    pub(crate) fn unwatch(&self, cell: &WorkerCell) {
        if self.supervision.watch.is_some() {
            cell.unwatch();
        }
    }

    /// Every worker's cell, for the watchdog.
    pub(crate) fn cells(&self) -> Vec<Arc<WorkerCell>> {
        lock(&self.cells).clone()
    }

    /// Threads started and not yet at their end.
    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    /// Keeps a thread to join at stop.
    pub(crate) fn keep_thread(&self, thread: JoinHandle<()>) {
        lock(&self.threads).push(thread);
    }

    /// Joins the threads that have already ended (stalled workers that
    /// were replaced and have returned since).
    pub(crate) fn join_ended(&self) {
        let mut threads = lock(&self.threads);
        let (ended, running): (Vec<_>, Vec<_>) = std::mem::take(&mut *threads)
            .into_iter()
            .partition(|t| t.is_finished());
        *threads = running;
        drop(threads);
        for thread in ended {
            let _ = thread.join();
        }
    }

    pub(crate) fn terminal(&self) -> Option<Escalation> {
        lock(&self.terminal).clone()
    }

    pub(crate) fn statuses(&self) -> Vec<WorkerStatus> {
        lock(&self.cells).iter().map(|c| c.snapshot()).collect()
    }

    /// Joins every thread but the caller's own; returns whether the caller
    /// is one of them (then it must not wait for the others: they may be
    /// waiting for it).
    pub(crate) fn join_threads(&self) -> bool {
        let me = thread::current().id();
        // Until none is left: the watchdog may start a thread while the
        // first ones are joined, and is itself among them.
        loop {
            let threads = std::mem::take(&mut *lock(&self.threads));
            if threads.is_empty() {
                return false;
            }
            if threads.iter().any(|t| t.thread().id() == me) {
                lock(&self.threads).extend(threads);
                return true;
            }
            for thread in threads {
                let _ = thread.join();
            }
        }
    }

    /// After every worker has been joined: lets the observers finish.
    pub(crate) fn finish_observers(&self) {
        self.dispatcher.shutdown();
    }
}

/// Starts one more worker thread; returns its index.
pub(crate) fn spawn<C: Crew>(crew: &Arc<C>) -> io::Result<usize> {
    let core = crew.core();
    let index = core.next_index.fetch_add(1, Ordering::Relaxed);
    let cell = Arc::new(WorkerCell::new(index));
    let mut builder = thread::Builder::new().name(format!("{}-{index}", core.name));
    if let Some(size) = core.supervision.stack_size {
        builder = builder.stack_size(size);
    }
    // Counted before the thread runs, so that it can never see itself as
    // the last one before its siblings are counted.
    core.live.fetch_add(1, Ordering::AcqRel);
    let thread_crew = Arc::clone(crew);
    let thread_cell = Arc::clone(&cell);
    match builder.spawn(move || worker_thread(thread_crew, thread_cell)) {
        Ok(handle) => {
            lock(&core.cells).push(cell);
            lock(&core.threads).push(handle);
            Ok(index)
        }
        Err(err) => {
            core.live.fetch_sub(1, Ordering::AcqRel);
            Err(err)
        }
    }
}

thread_local! {
    /// Which crew this thread works for (its address), 0 for none: lets a
    /// pool tell a call from one of its own workers.
    static CURRENT_CREW: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A crew's identity for `CURRENT_CREW`.
pub(crate) fn crew_id<C: Crew>(crew: &Arc<C>) -> usize {
    Arc::as_ptr(crew) as *const () as usize
}

/// Whether the calling thread is one of `crew`'s workers.
pub(crate) fn is_current<C: Crew>(crew: &Arc<C>) -> bool {
    CURRENT_CREW.with(|current| current.get() == crew_id(crew))
}

/// A worker thread: lives, fails, restarts, until its pool lets it go.
fn worker_thread<C: Crew>(crew: Arc<C>, cell: Arc<WorkerCell>) {
    CURRENT_CREW.with(|current| current.set(crew_id(&crew)));
    let core = crew.core();
    let settings = &core.supervision;
    let mut backoff = BackoffState::new(cell.index as u64 + 1);
    let mut incarnation = 0;
    let reason = loop {
        core.emit(Event::Started {
            pool: Arc::clone(&core.name),
            worker: cell.index,
            incarnation,
        });
        let exit = crew.run_once(&cell);
        if cell.is_replaced() {
            core.replaced.fetch_sub(1, Ordering::AcqRel);
            break StopReason::Replaced;
        }
        let (failed, error) = match exit {
            Exit::Closed => break StopReason::Shutdown,
            Exit::Retired => break StopReason::Retired,
            Exit::Finished => (false, "returned".to_string()),
            Exit::Failed(error) => (true, error),
        };
        if core.halted() {
            break StopReason::Shutdown;
        }
        if !settings.policy.restarts(failed) {
            break if failed {
                StopReason::Failed(error)
            } else {
                StopReason::Finished
            };
        }
        let now = settings.clock.now();
        let decision = lock(&core.intensity).on_failure(now);
        if decision == RestartDecision::Escalate {
            escalate(&*crew, cell.index, error);
            break StopReason::Escalated;
        }
        let restarts = cell.restarted();
        cell.set(WorkerState::Restarting);
        let after = backoff.next_delay(&settings.backoff, now);
        core.emit(Event::Restarting {
            pool: Arc::clone(&core.name),
            worker: cell.index,
            restarts,
            last_error: error,
            after,
        });
        settings.clock.pass(after, &mut |d| {
            core.sleep(d);
        });
        if core.halted() {
            break StopReason::Shutdown;
        }
        incarnation += 1;
    };
    cell.set(WorkerState::Stopped);
    if let StopReason::Failed(error) = &reason {
        *lock(&core.failed_for_good) = Some(error.clone());
    }
    core.emit(Event::Stopped {
        pool: Arc::clone(&core.name),
        worker: cell.index,
        reason,
    });
    if core.live.fetch_sub(1, Ordering::AcqRel) == 1 {
        // The last worker: nobody is left to take what is queued.
        crew.wind_down();
        core.ended();
    }
}

/// Past the intensity: record why, stop everything, cancel what is queued,
/// report.
fn escalate<C: Crew>(crew: &C, worker: usize, last_error: String) {
    let core = crew.core();
    let escalation = Escalation {
        pool: core.name.to_string(),
        worker,
        last_error,
        max_restarts: core.supervision.intensity.max_restarts,
        window: core.supervision.intensity.window,
    };
    lock(&core.terminal).get_or_insert_with(|| escalation.clone());
    core.halt();
    crew.wind_down();
    core.emit(Event::Terminal(escalation));
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
