//! Configuring a pool: every setting, its default, and the checks.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use soop_buffers::Mailbox;

use crate::breaker::{self, Breaker};
use crate::clock::{Clock, SystemClock};
use crate::crew::{CrewCore, Supervision};
use crate::error::BuildError;
use crate::observe::{Dispatcher, Observer};
use crate::pool::{Mail, Pool};
use crate::restart::{Backoff, Intensity, Policy};
use crate::run_loop::{Context, RunLoops};
use crate::supervisor::link::TreeLink;
use crate::watchdog::Watch;
use crate::worker::Worker;

/// The most workers a pool may have.
///
/// ```
/// use soop_core::{BuildError, MAX_WORKERS, Pool, from_fn};
///
/// let too_many = Pool::builder().workers(MAX_WORKERS + 1).build(from_fn(|n: u8| Ok::<_, String>(n)));
/// assert!(matches!(too_many, Err(BuildError::TooLarge { what: "workers", .. })));
/// ```
pub const MAX_WORKERS: usize = 4096;

/// Configures a [`Pool`] (or [`RunLoops`]); [`build`](Builder::build) checks
/// every value and never panics. A builder can build many pools.
///
/// ```
/// use std::time::Duration;
/// use soop_core::{BuildError, Pool, from_fn};
/// use soop_core::restart::{Backoff, Intensity, Policy};
///
/// let builder = Pool::builder()
///     .name("resizer")
///     .workers(4)
///     .mailbox_capacity(256)
///     .policy(Policy::Permanent)
///     .intensity(Intensity { max_restarts: 5, window: Duration::from_secs(10) })
///     .backoff(Backoff::exponential(Duration::from_millis(1), Duration::from_millis(100)));
/// let pool = builder.build(from_fn(|n: u32| Ok::<_, String>(n))).unwrap();
/// # drop(pool);
///
/// let zero = Pool::builder().workers(0).build(from_fn(|n: u32| Ok::<_, String>(n)));
/// assert!(matches!(zero, Err(BuildError::Zero { what: "workers" })));
/// ```
#[derive(Clone)]
pub struct Builder {
    name: String,
    workers: Option<usize>,
    stack_size: Option<usize>,
    mailbox_capacity: usize,
    spin_before_park: u32,
    policy: Policy,
    intensity: Intensity,
    backoff: Backoff,
    observers: Vec<Arc<dyn Observer>>,
    clock: Arc<dyn Clock>,
    /// Set when a supervisor builds the pool as its child.
    link: Option<TreeLink>,
    stall_limit: Option<Duration>,
    replace_stalled: bool,
    breaker: Option<breaker::Settings>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Every setting at its default.
    ///
    /// ```
    /// use soop_core::{Builder, from_fn};
    ///
    /// let pool = Builder::new().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.name(), "soop");
    /// ```
    pub fn new() -> Self {
        Builder {
            name: "soop".to_string(),
            workers: None,
            stack_size: None,
            mailbox_capacity: 1024,
            spin_before_park: soop_buffers::DEFAULT_SPIN_ROUNDS,
            policy: Policy::default(),
            intensity: Intensity::default(),
            backoff: Backoff::default(),
            observers: Vec::new(),
            clock: Arc::new(SystemClock),
            link: None,
            stall_limit: None,
            replace_stalled: true,
            breaker: None,
        }
    }

    /// The pool's name: threads are named `{name}-{index}`, and events and
    /// errors carry it. Default `"soop"`.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().name("thumbnails").workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.name(), "thumbnails"); // threads are thumbnails-0, thumbnails-1, …
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How many workers. Default: the number of cores the process may use.
    ///
    /// ```
    /// use soop_core::{BuildError, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(3).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.workers(), 3);
    /// let none = Pool::builder().workers(0).build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(matches!(none, Err(BuildError::Zero { what: "workers" })));
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Stack size of each worker thread, in bytes. Default: the standard
    /// library's (2 MiB, or `RUST_MIN_STACK`).
    ///
    /// ```
    /// use soop_core::{BuildError, Pool, from_fn};
    ///
    /// let deep = Pool::builder().workers(1).stack_size(8 << 20).build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(deep.is_ok());
    /// let zero = Pool::builder().workers(1).stack_size(0).build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(matches!(zero, Err(BuildError::Zero { what: "stack_size" })));
    /// ```
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// How many queued inputs the mailbox holds before submitters block.
    /// Default 1024; at most [`soop_buffers::MAX_MAILBOX`]. The mailbox's
    /// cells are allocated once, when the pool is built.
    ///
    /// ```
    /// use soop_core::{BuildError, Pool, from_fn};
    ///
    /// let small = Pool::builder().workers(1).mailbox_capacity(16).build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(small.is_ok());
    /// let zero = Pool::builder().workers(1).mailbox_capacity(0).build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(matches!(zero, Err(BuildError::Zero { .. })));
    /// ```
    pub fn mailbox_capacity(mut self, inputs: usize) -> Self {
        self.mailbox_capacity = inputs;
        self
    }

    /// How many times an idle worker checks the mailbox, busy-waiting, before
    /// it parks. 0 parks at once: no CPU spent waiting, a wake-up per job
    /// under light load. Default [`soop_buffers::DEFAULT_SPIN_ROUNDS`].
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// // Park at once when idle: no CPU spent spinning, a wake-up per job instead.
    /// let pool = Pool::builder().workers(1).spin_before_park(0).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.submit(Job::new(1)).unwrap();
    /// ```
    pub fn spin_before_park(mut self, rounds: u32) -> Self {
        self.spin_before_park = rounds;
        self
    }

    /// Which exits restart a worker. Default [`Policy::Permanent`].
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn, restart::Policy};
    ///
    /// // A temporary worker is never restarted: after its one failure the pool has no workers.
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .policy(Policy::Temporary)
    ///     .build(from_fn(|_: u8| Err::<u8, _>("gone")))
    ///     .unwrap();
    /// pool.submit(Job::new(1)).unwrap();
    /// while !pool.is_closed() {
    ///     std::thread::yield_now();
    /// }
    /// ```
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// How many restarts in what window before the pool escalates; counted
    /// per pool. Default: 10 in 1 second.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{BuildError, Pool, from_fn, restart::Intensity};
    ///
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .intensity(Intensity { max_restarts: 3, window: Duration::from_secs(5) }) // OTP's style
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(pool.is_ok());
    /// let never = Pool::builder()
    ///     .intensity(Intensity { max_restarts: 0, window: Duration::from_secs(1) })
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(matches!(never, Err(BuildError::Zero { .. })));
    /// ```
    pub fn intensity(mut self, intensity: Intensity) -> Self {
        self.intensity = intensity;
        self
    }

    /// The wait before each restart. Default [`Backoff::None`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{BuildError, Pool, from_fn, restart::Backoff};
    ///
    /// let ok = Pool::builder()
    ///     .workers(1)
    ///     .backoff(Backoff::exponential(Duration::from_millis(10), Duration::from_secs(1)))
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(ok.is_ok());
    /// let bad = Pool::builder()
    ///     .backoff(Backoff::exponential(Duration::from_secs(2), Duration::from_secs(1))) // cap below base
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)));
    /// assert!(matches!(bad, Err(BuildError::Backoff(_))));
    /// ```
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Adds an observer of the pool's events (several may be added). Default:
    /// none, and then no observer thread is started.
    ///
    /// ```
    /// use soop_core::{LogObserver, Pool, from_fn};
    ///
    /// // Events go to the `log` facade, and to a closure of ours as well.
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .observer(LogObserver)
    ///     .observer(|event: &soop_core::Event| eprintln!("{event:?}"))
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
    ///     .unwrap();
    /// pool.stop();
    /// ```
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.observers.push(Arc::new(observer));
        self
    }

    /// The clock restart windows and backoff read. Default [`SystemClock`];
    /// tests pass a [`ManualClock`](crate::ManualClock).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use soop_core::{ManualClock, Pool, from_fn};
    ///
    /// let clock = Arc::new(ManualClock::new());
    /// let pool = Pool::builder().workers(1).clock(Arc::clone(&clock)).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// # drop(pool);
    /// ```
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Starts a pool of workers made by `factory` (called at start and at
    /// every restart).
    ///
    /// # Errors
    /// [`BuildError`] for a setting that cannot work (zero workers, zero
    /// capacity, a zero intensity, a bad backoff) or a thread that could not
    /// start; no thread is left running then.
    ///
    /// ```
    /// use soop_core::{Job, Pool, ReplySlots, Worker};
    ///
    /// /// Keeps a running total: state of its own, rebuilt on restart.
    /// struct Total(u64);
    /// impl Worker for Total {
    ///     type Input = u64;
    ///     type Output = u64;
    ///     type Error = String;
    ///     fn handle(&mut self, n: u64) -> Result<u64, String> {
    ///         self.0 += n;
    ///         Ok(self.0)
    ///     }
    /// }
    /// let pool = Pool::builder().workers(1).build(|| Total(0)).unwrap();
    /// let slots = ReplySlots::new(2);
    /// let (reply_to, reply) = slots.pair();
    /// pool.submit(Job::new(5)).unwrap();
    /// pool.submit(Job::with_reply(6, reply_to)).unwrap();
    /// assert_eq!(reply.wait().unwrap(), Ok(11));
    /// ```
    pub fn build<W, F>(&self, factory: F) -> Result<Pool<W>, BuildError>
    where
        W: Worker,
        F: Fn() -> W + Send + Sync + 'static,
    {
        let workers = self.check()?;
        let mailbox = Mailbox::<Mail<W>>::with_spin(self.mailbox_capacity, self.spin_before_park)
            .map_err(|e| match e {
            soop_buffers::ConfigError::Zero { what } => BuildError::Zero { what },
            soop_buffers::ConfigError::TooLarge { value, max, .. } => BuildError::TooLarge {
                what: "mailbox_capacity",
                value,
                max,
            },
        })?;
        let breaker = self
            .breaker
            .map(|settings| Breaker::with_clock(settings, Arc::clone(&self.clock)))
            .transpose()?;
        Ok(Pool::start(
            self.core()?,
            Box::new(factory),
            mailbox,
            workers,
            breaker,
        )?)
    }

    /// Starts `workers` run-loop workers: each runs the function `factory`
    /// makes until it returns or the pool stops (see [`RunLoops`]).
    ///
    /// # Errors
    /// As [`build`](Builder::build).
    ///
    /// ```
    /// use soop_core::{Context, Pool};
    ///
    /// // A loop that fails once, is restarted, then returns for good.
    /// let first_life = std::sync::atomic::AtomicBool::new(true);
    /// let first_life = std::sync::Arc::new(first_life);
    /// let loops = Pool::builder()
    ///     .workers(1)
    ///     .policy(soop_core::restart::Policy::Transient)
    ///     .run_loops(move || {
    ///         let first_life = std::sync::Arc::clone(&first_life);
    ///         move |_: &Context<'_>| {
    ///             if first_life.swap(false, std::sync::atomic::Ordering::Relaxed) {
    ///                 Err("first life fails")
    ///             } else {
    ///                 Ok(())
    ///             }
    ///         }
    ///     })
    ///     .unwrap();
    /// while loops.status().workers[0].state != soop_core::WorkerState::Stopped {
    ///     std::thread::yield_now();
    /// }
    /// assert_eq!(loops.status().workers[0].restarts, 1);
    /// ```
    pub fn run_loops<F, L, E>(&self, factory: F) -> Result<RunLoops, BuildError>
    where
        F: Fn() -> L + Send + Sync + 'static,
        L: FnMut(&Context<'_>) -> Result<(), E> + 'static,
        E: Display,
    {
        let workers = self.check()?;
        Ok(RunLoops::start(self.core()?, factory, workers)?)
    }

    /// Watches every worker's single call: one that runs longer than
    /// `limit` is reported as [`Event::Stalled`](crate::Event::Stalled) and
    /// (unless [`replace_stalled(false)`](Builder::replace_stalled)) a new
    /// thread starts in its place, so the pool keeps its capacity. The
    /// stalled thread leaves when its call returns and is joined then; it
    /// is never interrupted. For run loops, the time counted is the time
    /// since the loop's last [`Context::heartbeat`]. Default: no watchdog
    /// (and no cost).
    ///
    /// # Errors
    /// At build: [`BuildError::Zero`] for a zero limit.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{LogObserver, Pool, from_fn};
    ///
    /// let pool = Pool::builder()
    ///     .workers(4)
    ///     .stall_limit(Duration::from_secs(30))
    ///     .observer(LogObserver) // logs each stall
    ///     .build(from_fn(|url: String| Ok::<_, String>(url.len())))
    ///     .unwrap();
    /// # drop(pool);
    /// ```
    pub fn stall_limit(mut self, limit: Duration) -> Self {
        self.stall_limit = Some(limit);
        self
    }

    /// Fronts the pool with a circuit breaker: when, over its window and
    /// with at least its minimum of calls, the share of failed jobs
    /// (errors and panics) reaches its threshold, the breaker opens and
    /// every submit fails fast with [`SubmitError::Open`](crate::SubmitError::Open)
    /// (the job handed back) instead of queueing work for something that
    /// keeps failing. After the cool-down, a few trial jobs go through;
    /// the breaker closes when they all succeed. Its state is in
    /// [`Pool::status`](crate::Pool::status) and in
    /// [`Event::BreakerChanged`](crate::Event::BreakerChanged). Time comes
    /// from the pool's [`clock`](Builder::clock). See [`breaker`](crate::breaker).
    ///
    /// # Errors
    /// At build: [`BuildError::Breaker`] or [`BuildError::Zero`] for
    /// settings that cannot work.
    ///
    /// ```
    /// use soop_core::breaker::{Settings, State};
    /// use soop_core::{Job, Pool, ReplySlots, SubmitError, from_fn};
    ///
    /// let pool = Pool::builder()
    ///     .workers(1)
    ///     .breaker(Settings { min_calls: 4, ..Settings::default() })
    ///     .build(from_fn(|n: u32| if n > 0 { Err("backend down") } else { Ok(n) }))
    ///     .unwrap();
    /// let slots = ReplySlots::new(4);
    /// for n in 1..=4 {
    ///     let (to, reply) = slots.pair();
    ///     pool.submit(Job::with_reply(n, to)).unwrap();
    ///     let _ = reply.wait(); // each fails
    /// }
    /// assert_eq!(pool.status().breaker, Some(State::Open));
    /// assert!(matches!(pool.submit(Job::new(0)), Err(SubmitError::Open(_))));
    /// ```
    pub fn breaker(mut self, settings: breaker::Settings) -> Self {
        self.breaker = Some(settings);
        self
    }

    /// Whether a stalled worker is replaced by a new thread (the default)
    /// or only reported. Replaced workers still in their call never
    /// outnumber the working ones, so a pool whose calls all hang does not
    /// grow without end.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder()
    ///     .stall_limit(Duration::from_secs(5))
    ///     .replace_stalled(false) // report only
    ///     .build(from_fn(|n: u8| Ok::<_, String>(n)))
    ///     .unwrap();
    /// # drop(pool);
    /// ```
    pub fn replace_stalled(mut self, replace: bool) -> Self {
        self.replace_stalled = replace;
        self
    }

    /// A builder for a supervisor's child: the tree's clock and link.
    pub(crate) fn linked(mut self, link: TreeLink) -> Self {
        self.clock = Arc::clone(&link.clock);
        self.link = Some(link);
        self
    }

    fn core(&self) -> Result<CrewCore, BuildError> {
        let dispatcher = Dispatcher::start(&self.name, self.observers.clone())?;
        let supervision = Supervision {
            policy: self.policy,
            intensity: self.intensity,
            backoff: self.backoff,
            clock: Arc::clone(&self.clock),
            stack_size: self.stack_size,
            watch: self.stall_limit.map(|limit| Watch {
                limit,
                replace: self.replace_stalled,
            }),
        };
        // In a tree, a pool is named by its path.
        let name = self.link.as_ref().map_or(&*self.name, |l| &*l.path);
        Ok(CrewCore::new(
            name,
            supervision,
            dispatcher,
            self.link.clone(),
        ))
    }

    /// Checks every setting; returns the worker count.
    fn check(&self) -> Result<usize, BuildError> {
        let workers = match self.workers {
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if workers == 0 {
            return Err(BuildError::Zero { what: "workers" });
        }
        if workers > MAX_WORKERS {
            return Err(BuildError::TooLarge {
                what: "workers",
                value: workers,
                max: MAX_WORKERS,
            });
        }
        if self.mailbox_capacity == 0 {
            return Err(BuildError::Zero {
                what: "mailbox_capacity",
            });
        }
        if self.intensity.max_restarts == 0 {
            return Err(BuildError::Zero {
                what: "intensity.max_restarts",
            });
        }
        if self.intensity.window.is_zero() {
            return Err(BuildError::Zero {
                what: "intensity.window",
            });
        }
        if let Some(problem) = self.backoff.problem() {
            return Err(BuildError::Backoff(problem));
        }
        if self.stall_limit.is_some_and(|limit| limit.is_zero()) {
            return Err(BuildError::Zero {
                what: "stall_limit",
            });
        }
        if self.stack_size == Some(0) {
            return Err(BuildError::Zero { what: "stack_size" });
        }
        Ok(workers)
    }
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("name", &self.name)
            .field("workers", &self.workers)
            .field("mailbox_capacity", &self.mailbox_capacity)
            .field("policy", &self.policy)
            .field("intensity", &self.intensity)
            .field("backoff", &self.backoff)
            .field("stall_limit", &self.stall_limit)
            .field("breaker", &self.breaker)
            .field("replace_stalled", &self.replace_stalled)
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}
