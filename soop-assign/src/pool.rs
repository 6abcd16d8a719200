//! The assign front-end: a soop-core pool that answers with tickets.

use std::time::{Duration, Instant};

use soop_core::buffers::{Completion, ReplySlots};
use soop_core::{
    BuildError, Clock, Escalation, Job, Observer, Outcome, PoolStatus, ResizeError, SubmitError,
    Worker,
};

use crate::breaker;
use crate::error::{AssignError, AssignTimeoutError, TryAssignError};
use crate::restart::{Backoff, Intensity, Policy};
use crate::ticket::Ticket;

/// Reply slots a pool keeps idle at least, beyond its mailbox's capacity.
const MIN_IDLE_SLOTS: usize = 4096;

/// The ticket type of a pool of `W` workers.
///
/// ```
/// use soop_assign::{Pool, TicketFor, Worker};
///
/// struct Square;
/// impl Worker for Square {
///     type Input = u64;
///     type Output = u64;
///     type Error = String;
///     fn handle(&mut self, n: u64) -> Result<u64, String> {
///         Ok(n * n)
///     }
/// }
/// let pool = Pool::builder().workers(1).build(|| Square).unwrap();
/// let tickets: Vec<TicketFor<Square>> = (1..=3).map(|n| pool.assign(n).unwrap()).collect();
/// let squares: Vec<u64> = tickets.into_iter().map(|t| t.wait().unwrap()).collect();
/// assert_eq!(squares, [1, 4, 9]);
/// ```
pub type TicketFor<W> = Ticket<<W as Worker>::Output, <W as Worker>::Error>;

/// A pool of supervised workers that answers each assigned job with a
/// [`Ticket`].
///
/// ```
/// use soop_assign::{Pool, from_fn};
///
/// let pool = Pool::builder().workers(2).build(from_fn(|n: u64| Ok::<_, String>(n + 1))).unwrap();
/// let tickets: Vec<_> = (0..10).map(|n| pool.assign(n).unwrap()).collect();
/// let answers: Vec<u64> = tickets.into_iter().map(|t| t.wait().unwrap()).collect();
/// assert_eq!(answers, (1..=10).collect::<Vec<_>>());
/// ```
///
/// # Assigning from inside a worker
///
/// A job that assigns to its own pool and waits could wait for ever (on a
/// pool of one worker, only the waiting worker could run the job). So
/// [`assign`](Pool::assign) called on one of the pool's own worker threads
/// **runs the job inline**, on that thread, with a spare worker the factory
/// builds for it, and returns a ticket that is already resolved. `cast`
/// from a worker queues as usual, but runs inline instead of blocking when
/// the mailbox is full.
///
/// # Stop, kill and drop
///
/// As [`soop_core::Pool`]: `stop` drains and joins, `kill` cancels what is
/// queued (those tickets resolve [`Error::Cancelled`](crate::Error::Cancelled)),
/// dropping stops.
pub struct Pool<W: Worker> {
    core: soop_core::Pool<W>,
    slots: ReplySlots<Outcome<W>>,
}

impl Pool<soop_core::Unbuilt> {
    /// A builder with every setting at its default (see [`Builder`]).
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder()
    ///     .name("resize-images")
    ///     .workers(2)
    ///     .build(from_fn(|side: u32| Ok::<_, String>(side / 2)))
    ///     .unwrap();
    /// assert_eq!(pool.workers(), 2);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }
}

impl<W: Worker> Pool<W> {
    /// Assigns `input` to the pool, blocking only while the mailbox is full,
    /// and returns the ticket for its reply.
    ///
    /// # Errors
    /// [`AssignError`] with the input when the pool is closed.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|s: String| Ok::<_, String>(s.len()))).unwrap();
    /// assert_eq!(pool.assign("four".into()).unwrap().wait(), Ok(4));
    /// pool.stop();
    /// assert_eq!(pool.assign("late".into()).unwrap_err().into_inner(), "late");
    /// ```
    pub fn assign(&self, input: W::Input) -> Result<TicketFor<W>, AssignError<W::Input>> {
        if self.core.is_current_worker() {
            return Ok(self.resolved(self.core.run_inline(input)));
        }
        let (reply_to, reply) = self.slots.pair();
        match self.core.submit(Job::with_reply(input, reply_to)) {
            Ok(()) => Ok(Ticket::new(reply)),
            Err(refused) => Err(assign_error(refused)),
        }
    }

    /// Assigns `input` if the mailbox has room now; never blocks.
    ///
    /// # Errors
    /// [`TryAssignError::Full`] or [`TryAssignError::Closed`], with the input.
    ///
    /// ```
    /// use soop_assign::{Pool, TryAssignError, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.stop();
    /// assert!(matches!(pool.try_assign(1), Err(TryAssignError::Closed(1))));
    /// ```
    pub fn try_assign(&self, input: W::Input) -> Result<TicketFor<W>, TryAssignError<W::Input>> {
        if self.core.is_current_worker() {
            return Ok(self.resolved(self.core.run_inline(input)));
        }
        let (reply_to, reply) = self.slots.pair();
        match self.core.try_submit(Job::with_reply(input, reply_to)) {
            Ok(()) => Ok(Ticket::new(reply)),
            Err(refused) => Err(try_error(refused)),
        }
    }

    /// Assigns `input`, blocking at most `timeout` while the mailbox is full.
    ///
    /// # Errors
    /// [`AssignTimeoutError::Timeout`] or [`AssignTimeoutError::Closed`],
    /// with the input.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n + 1))).unwrap();
    /// let ticket = pool.assign_timeout(1, Duration::from_secs(1)).unwrap();
    /// assert_eq!(ticket.wait(), Ok(2));
    /// ```
    pub fn assign_timeout(
        &self,
        input: W::Input,
        timeout: Duration,
    ) -> Result<TicketFor<W>, AssignTimeoutError<W::Input>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.assign_deadline(input, deadline),
            None => self
                .assign(input)
                .map_err(|e| AssignTimeoutError::Closed(e.into_inner())),
        }
    }

    /// Assigns `input`, blocking until `deadline` at most while the mailbox
    /// is full.
    ///
    /// # Errors
    /// As [`assign_timeout`](Pool::assign_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n + 1))).unwrap();
    /// pool.kill();
    /// let refused = pool.assign_deadline(1, Instant::now() + Duration::from_secs(1)).unwrap_err();
    /// assert!(!refused.is_timeout());
    /// assert_eq!(refused.into_inner(), 1);
    /// ```
    pub fn assign_deadline(
        &self,
        input: W::Input,
        deadline: Instant,
    ) -> Result<TicketFor<W>, AssignTimeoutError<W::Input>> {
        if self.core.is_current_worker() {
            return Ok(self.resolved(self.core.run_inline(input)));
        }
        let (reply_to, reply) = self.slots.pair();
        match self
            .core
            .submit_deadline(Job::with_reply(input, reply_to), deadline)
        {
            Ok(()) => Ok(Ticket::new(reply)),
            Err(refused) => Err(timeout_error(refused)),
        }
    }

    /// Fire and forget: queues `input` with no reply (blocking only while
    /// the mailbox is full). Failures still restart the worker and reach
    /// the observers; the output is dropped.
    ///
    /// # Errors
    /// [`AssignError`] with the input when the pool is closed.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let seen = Arc::new(AtomicU32::new(0));
    /// let counter = Arc::clone(&seen);
    /// let pool = Pool::builder()
    ///     .workers(2)
    ///     .build(from_fn(move |n: u32| Ok::<_, String>(counter.fetch_add(n, Ordering::Relaxed))))
    ///     .unwrap();
    /// for n in 1..=4 {
    ///     pool.cast(n).unwrap(); // no ticket, no reply
    /// }
    /// pool.stop(); // drains the mailbox first
    /// assert_eq!(seen.load(Ordering::Relaxed), 10);
    /// ```
    pub fn cast(&self, input: W::Input) -> Result<(), AssignError<W::Input>> {
        if self.core.is_current_worker() {
            return match self.core.try_submit(Job::new(input)) {
                Ok(()) => Ok(()),
                Err(SubmitError::Full(job)) => {
                    let _ = self.core.run_inline(job.into_input());
                    Ok(())
                }
                Err(refused) => Err(assign_error(refused)),
            };
        }
        self.core.submit(Job::new(input)).map_err(assign_error)
    }

    /// Fire and forget, never blocking.
    ///
    /// # Errors
    /// [`TryAssignError::Full`] or [`TryAssignError::Closed`], with the input.
    ///
    /// ```
    /// use soop_assign::{Pool, TryAssignError, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.try_cast(1).unwrap();
    /// pool.stop();
    /// assert!(matches!(pool.try_cast(2), Err(TryAssignError::Closed(2))));
    /// ```
    pub fn try_cast(&self, input: W::Input) -> Result<(), TryAssignError<W::Input>> {
        self.core.try_submit(Job::new(input)).map_err(try_error)
    }

    /// A ticket that already holds `outcome` (for jobs run inline).
    fn resolved(&self, outcome: Outcome<W>) -> TicketFor<W> {
        let (reply_to, reply) = self.slots.pair();
        match reply_to.complete(outcome) {
            Completion::Delivered => {}
            // The reply is ours and alive: it cannot have been abandoned.
            Completion::Abandoned(_) => unreachable!("a fresh reply slot was abandoned"),
        }
        Ticket::new(reply)
    }

    /// Closes the mailbox, lets the workers drain it, joins them. Idempotent.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let queued = pool.assign(7).unwrap();
    /// pool.stop(); // the queued job still runs
    /// assert_eq!(queued.wait(), Ok(7));
    /// assert!(pool.is_closed());
    /// ```
    pub fn stop(&self) {
        self.core.stop();
    }

    /// Closes the mailbox, cancels what is queued (those tickets resolve
    /// [`Error::Cancelled`](crate::Error::Cancelled)), lets each worker
    /// finish its current job, joins them. Idempotent.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    /// use soop_assign::{Error, Pool, from_fn};
    ///
    /// let gate = Arc::new(Barrier::new(2));
    /// let held = Arc::clone(&gate);
    /// let pool = Arc::new(
    ///     Pool::builder()
    ///         .workers(1)
    ///         .build(from_fn(move |n: u8| {
    ///             if n == 0 {
    ///                 held.wait(); // meet the test, then wait for the kill to begin
    ///                 held.wait();
    ///             }
    ///             Ok::<_, String>(n)
    ///         }))
    ///         .unwrap(),
    /// );
    /// let running = pool.assign(0).unwrap();
    /// gate.wait(); // job 0 is running
    /// let queued = pool.assign(1).unwrap();
    /// let killer = {
    ///     let pool = Arc::clone(&pool);
    ///     std::thread::spawn(move || pool.kill())
    /// };
    /// while !pool.is_closed() {
    ///     std::thread::yield_now();
    /// }
    /// gate.wait(); // let job 0 finish
    /// killer.join().unwrap();
    /// assert_eq!(running.wait(), Ok(0)); // a running job is never preempted
    /// assert_eq!(queued.wait(), Err(Error::Cancelled));
    /// ```
    pub fn kill(&self) {
        self.core.kill();
    }

    /// Grows or shrinks the pool while it runs (see
    /// [`soop_core::Pool::resize`]).
    ///
    /// # Errors
    /// As [`soop_core::Pool::resize`].
    ///
    /// ```
    /// use soop_assign::{Pool, ResizeError, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.resize(3).unwrap();
    /// assert_eq!(pool.workers(), 3);
    /// assert!(matches!(pool.resize(0), Err(ResizeError::Zero)));
    /// ```
    pub fn resize(&self, workers: usize) -> Result<(), ResizeError> {
        self.core.resize(workers)
    }

    /// How many workers the pool is meant to have.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.workers(), 2);
    /// ```
    pub fn workers(&self) -> usize {
        self.core.workers()
    }

    /// A snapshot: each worker's state and counts, and the mailbox depth.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
    /// let status = pool.status();
    /// assert_eq!(status.workers.len(), 2);
    /// assert_eq!(status.workers.iter().map(|w| w.processed).sum::<u64>(), 1);
    /// ```
    pub fn status(&self) -> PoolStatus {
        self.core.status()
    }

    /// Why the pool gave up, if it escalated.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_assign::{Pool, from_fn, restart::Intensity};
    ///
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .intensity(Intensity { max_restarts: 1, window: Duration::from_secs(60) })
    ///     .build(from_fn(|_: u8| Err::<u8, _>("always")))
    ///     .unwrap();
    /// let _ = pool.assign(1).unwrap().wait();
    /// let _ = pool.assign(2).unwrap().wait(); // the second failure is past the intensity
    /// while pool.terminal().is_none() {
    ///     std::thread::yield_now();
    /// }
    /// assert_eq!(pool.terminal().unwrap().last_error, "always");
    /// ```
    pub fn terminal(&self) -> Option<Escalation> {
        self.core.terminal()
    }

    /// Whether the pool takes no more jobs.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert!(!pool.is_closed());
    /// pool.stop();
    /// assert!(pool.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.core.is_closed()
    }

    /// The soop-core pool underneath.
    ///
    /// ```
    /// use soop_assign::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert!(!pool.as_core().is_current_worker()); // this thread is not one of its workers
    /// ```
    pub fn as_core(&self) -> &soop_core::Pool<W> {
        &self.core
    }
}

impl<W: Worker> std::fmt::Debug for Pool<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Pool`]: the soop-core settings, and the reply slots kept
/// for reuse. Every setting is documented on [`soop_core::Builder`]; `build`
/// checks them all and never panics.
///
/// ```
/// use soop_assign::{BuildError, Pool, from_fn};
///
/// let zero = Pool::builder().workers(0).build(from_fn(|n: u8| Ok::<_, String>(n)));
/// assert!(matches!(zero, Err(BuildError::Zero { what: "workers" })));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    core: soop_core::Builder,
}

/// What a blocking submit can refuse with: closed, or the breaker open.
fn assign_error<W: Worker>(refused: SubmitError<Job<W>>) -> AssignError<W::Input> {
    match refused {
        SubmitError::Open(job) => AssignError::Open(job.into_input()),
        other => AssignError::Closed(other.into_inner().into_input()),
    }
}

/// What a non-blocking submit can refuse with: full, closed, or open.
fn try_error<W: Worker>(refused: SubmitError<Job<W>>) -> TryAssignError<W::Input> {
    match refused {
        SubmitError::Closed(job) => TryAssignError::Closed(job.into_input()),
        SubmitError::Open(job) => TryAssignError::Open(job.into_input()),
        SubmitError::Full(job) | SubmitError::Timeout(job) => {
            TryAssignError::Full(job.into_input())
        }
    }
}

/// What a submit with a deadline can refuse with: late, closed, or open.
fn timeout_error<W: Worker>(refused: SubmitError<Job<W>>) -> AssignTimeoutError<W::Input> {
    match refused {
        SubmitError::Closed(job) => AssignTimeoutError::Closed(job.into_input()),
        SubmitError::Open(job) => AssignTimeoutError::Open(job.into_input()),
        SubmitError::Full(job) | SubmitError::Timeout(job) => {
            AssignTimeoutError::Timeout(job.into_input())
        }
    }
}

macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(self, $arg: $ty) -> Self {
                Builder { core: self.core.$name($arg) }
            }
        )*
    };
}

/// A builder from soop-core's, with its settings: how a supervisor's
/// prepared builder becomes an assign pool in a tree.
///
/// ```
/// use soop_assign::{Builder, from_fn};
///
/// let core = soop_core::Builder::new().name("resizer").workers(1);
/// let pool = Builder::from(core).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// assert_eq!(pool.status().name, "resizer");
/// ```
impl From<soop_core::Builder> for Builder {
    fn from(core: soop_core::Builder) -> Self {
        Builder { core }
    }
}

/// A supervisor stops and watches an assign pool through the soop-core pool
/// inside it.
impl<W: Worker> soop_core::supervisor::Supervised for Pool<W> {
    fn begin_stop(&self, deadline: Instant) {
        self.core.begin_stop(deadline);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.core.wait_stopped(deadline)
    }

    fn finish_stop(&self) {
        self.core.finish_stop();
    }

    fn status(&self) -> PoolStatus {
        self.core.status()
    }
}

impl Builder {
    delegate! {
        /// The pool's name (threads are `{name}-{index}`). Default `"soop"`.
        ///
        /// ```
        /// use soop_assign::{Pool, from_fn};
        ///
        /// let pool = Pool::builder().name("thumbnails").workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
        /// assert_eq!(pool.status().name, "thumbnails");
        /// ```
        name(name: impl Into<String>);
        /// How many workers. Default: the number of cores.
        ///
        /// ```
        /// use soop_assign::{BuildError, Pool, from_fn};
        ///
        /// assert_eq!(Pool::builder().workers(3).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap().workers(), 3);
        /// assert!(matches!(Pool::builder().workers(0).build(from_fn(|n: u8| Ok::<_, String>(n))), Err(BuildError::Zero { .. })));
        /// ```
        workers(workers: usize);
        /// Each worker thread's stack size in bytes.
        ///
        /// ```
        /// use soop_assign::{Pool, from_fn};
        ///
        /// let pool = Pool::builder().workers(1).stack_size(8 << 20).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
        /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
        /// ```
        stack_size(bytes: usize);
        /// Queued jobs before `assign` blocks. Default 1024.
        ///
        /// ```
        /// use soop_assign::{BuildError, Pool, from_fn};
        ///
        /// let zero = Pool::builder().mailbox_capacity(0).build(from_fn(|n: u8| Ok::<_, String>(n)));
        /// assert!(matches!(zero, Err(BuildError::Zero { .. })));
        /// ```
        mailbox_capacity(inputs: usize);
        /// Busy-wait checks before an idle worker parks.
        ///
        /// ```
        /// use soop_assign::{Pool, from_fn};
        ///
        /// // Park at once when idle: no CPU spent waiting, a wake-up per job instead.
        /// let pool = Pool::builder().workers(1).spin_before_park(0).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
        /// assert_eq!(pool.assign(2).unwrap().wait(), Ok(2));
        /// ```
        spin_before_park(rounds: u32);
        /// Which exits restart a worker. Default permanent.
        ///
        /// ```
        /// use soop_assign::{Error, Pool, from_fn, restart::Policy};
        ///
        /// // A temporary worker is not restarted: after its failure the pool closes.
        /// let pool = Pool::builder()
        ///     .workers(1)
        ///     .policy(Policy::Temporary)
        ///     .build(from_fn(|_: u8| Err::<u8, _>("once")))
        ///     .unwrap();
        /// assert_eq!(pool.assign(1).unwrap().wait(), Err(Error::Failed("once")));
        /// while !pool.is_closed() {
        ///     std::thread::yield_now();
        /// }
        /// ```
        policy(policy: Policy);
        /// Restarts allowed per window before the pool escalates.
        ///
        /// ```
        /// use std::time::Duration;
        /// use soop_assign::{Pool, from_fn, restart::Intensity};
        ///
        /// let pool = Pool::builder()
        ///     .workers(1)
        ///     .intensity(Intensity { max_restarts: 1, window: Duration::from_secs(5) }) // OTP's default
        ///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
        ///     .unwrap();
        /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
        /// ```
        intensity(intensity: Intensity);
        /// The wait before each restart. Default none.
        ///
        /// ```
        /// use std::time::Duration;
        /// use soop_assign::{Pool, from_fn, restart::Backoff};
        ///
        /// let pool = Pool::builder()
        ///     .workers(1)
        ///     .backoff(Backoff::exponential(Duration::from_millis(1), Duration::from_millis(100)))
        ///     .build(from_fn(|n: u8| if n == 0 { Err("zero") } else { Ok(n) }))
        ///     .unwrap();
        /// let _ = pool.assign(0).unwrap().wait(); // the worker restarts after 1 ms
        /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
        /// ```
        backoff(backoff: Backoff);
        /// Adds an observer of supervision events.
        ///
        /// ```
        /// use soop_assign::{LogObserver, Pool, from_fn};
        ///
        /// let pool = Pool::builder().workers(1).observer(LogObserver).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
        /// pool.stop();
        /// ```
        observer(observer: impl Observer);
        /// The clock restart windows and backoff read.
        ///
        /// ```
        /// use std::sync::Arc;
        /// use soop_assign::{ManualClock, Pool, from_fn};
        ///
        /// let clock = Arc::new(ManualClock::new());
        /// let pool = Pool::builder().workers(1).clock(Arc::clone(&clock)).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
        /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
        /// ```
        clock(clock: impl Clock);
        /// Fronts the pool with a circuit breaker: while it is open (too
        /// many jobs failed lately), every assign fails fast with an
        /// `Open` error holding the input, instead of queueing work for
        /// something that keeps failing. State in `status().breaker`.
        ///
        /// ```
        /// use soop_assign::breaker::{Settings, State};
        /// use soop_assign::{AssignError, Pool, from_fn};
        ///
        /// let pool = Pool::builder()
        ///     .workers(1)
        ///     .breaker(Settings { min_calls: 3, ..Settings::default() })
        ///     .build(from_fn(|n: u32| if n > 0 { Err("backend down") } else { Ok(n) }))
        ///     .unwrap();
        /// for n in 1..=3 {
        ///     let _ = pool.assign(n).unwrap().wait(); // each fails
        /// }
        /// assert_eq!(pool.status().breaker, Some(State::Open));
        /// assert!(matches!(pool.assign(0), Err(AssignError::Open(0)))); // fails fast, input back
        /// ```
        breaker(settings: breaker::Settings);
        /// Reports (and, by default, replaces with a new thread) a worker
        /// whose single job runs longer than `limit`, so the pool keeps its
        /// capacity while a call hangs.
        ///
        /// ```
        /// use std::time::Duration;
        /// use soop_assign::{Pool, from_fn};
        ///
        /// let pool = Pool::builder()
        ///     .workers(2)
        ///     .stall_limit(Duration::from_secs(30))
        ///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
        ///     .unwrap();
        /// assert_eq!(pool.assign(1).unwrap().wait(), Ok(1));
        /// ```
        stall_limit(limit: Duration);
        /// Whether a stalled worker is replaced (the default) or only
        /// reported.
        ///
        /// ```
        /// use std::time::Duration;
        /// use soop_assign::{Pool, from_fn};
        ///
        /// let pool = Pool::builder()
        ///     .stall_limit(Duration::from_secs(30))
        ///     .replace_stalled(false)
        ///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
        ///     .unwrap();
        /// # drop(pool);
        /// ```
        replace_stalled(replace: bool);
    }

    /// Starts the pool; `factory` builds each worker (at start and at every
    /// restart).
    ///
    /// # Errors
    /// [`BuildError`] for settings that cannot work; no thread is left
    /// running then.
    ///
    /// ```
    /// use soop_assign::{BuildError, Pool, from_fn};
    ///
    /// let builder = Pool::builder().workers(0);
    /// assert!(matches!(builder.build(from_fn(|n: u8| Ok::<_, String>(n))), Err(BuildError::Zero { .. })));
    /// ```
    pub fn build<W, F>(&self, factory: F) -> Result<Pool<W>, BuildError>
    where
        W: Worker,
        F: Fn() -> W + Send + Sync + 'static,
    {
        let core = self.core.build(factory)?;
        // Enough idle slots for a full mailbox of waiting tickets, so that a
        // burst as large as the mailbox allocates no slot the second time.
        let idle_slots = core.mailbox_capacity().max(MIN_IDLE_SLOTS);
        Ok(Pool {
            core,
            slots: ReplySlots::new(idle_slots),
        })
    }
}
