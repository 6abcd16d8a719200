//! Configuring a pool: every setting, its default, and the checks.

use std::fmt::Display;
use std::sync::Arc;

use soop_buffers::BufferChannels;

use crate::clock::{Clock, SystemClock};
use crate::crew::{CrewCore, Supervision};
use crate::error::BuildError;
use crate::observe::{Dispatcher, Observer};
use crate::pool::{Mail, Pool};
use crate::restart::{Backoff, Intensity, Policy};
use crate::run_loop::{Context, RunLoops};
use crate::worker::Worker;

/// The most workers a pool may have.
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
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Every setting at its default.
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
        }
    }

    /// The pool's name: threads are named `{name}-{index}`, and events and
    /// errors carry it. Default `"soop"`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How many workers. Default: the number of cores the process may use.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Stack size of each worker thread, in bytes. Default: the standard
    /// library's (2 MiB, or `RUST_MIN_STACK`).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// How many queued inputs the mailbox holds before submitters block.
    /// Default 1024.
    pub fn mailbox_capacity(mut self, inputs: usize) -> Self {
        self.mailbox_capacity = inputs;
        self
    }

    /// How many times an idle worker checks the mailbox, busy-waiting, before
    /// it parks. 0 parks at once: no CPU spent waiting, a wake-up per job
    /// under light load. Default [`soop_buffers::DEFAULT_SPIN_ROUNDS`].
    pub fn spin_before_park(mut self, rounds: u32) -> Self {
        self.spin_before_park = rounds;
        self
    }

    /// Which exits restart a worker. Default [`Policy::Permanent`].
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// How many restarts in what window before the pool escalates; counted
    /// per pool. Default: 10 in 1 second.
    pub fn intensity(mut self, intensity: Intensity) -> Self {
        self.intensity = intensity;
        self
    }

    /// The wait before each restart. Default [`Backoff::None`].
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Adds an observer of the pool's events (several may be added). Default:
    /// none, and then no observer thread is started.
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.observers.push(Arc::new(observer));
        self
    }

    /// The clock restart windows and backoff read. Default [`SystemClock`];
    /// tests pass a [`ManualClock`](crate::ManualClock).
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
    pub fn build<W, F>(&self, factory: F) -> Result<Pool<W>, BuildError>
    where
        W: Worker,
        F: Fn() -> W + Send + Sync + 'static,
    {
        let workers = self.check()?;
        let capacity = self.mailbox_capacity;
        let slab_len = capacity.min(32);
        let channels = BufferChannels::<Mail<W>>::builder()
            .slab_len(slab_len)
            .capacity(capacity.div_ceil(slab_len))
            .spin_before_park(self.spin_before_park)
            .build()
            .map_err(|e| match e {
                soop_buffers::ConfigError::Zero { what } => BuildError::Zero { what },
                soop_buffers::ConfigError::TooLarge { value, max, .. } => BuildError::TooLarge {
                    what: "mailbox_capacity",
                    value,
                    max,
                },
            })?;
        Ok(Pool::start(
            self.core()?,
            Box::new(factory),
            channels.shared_channel(),
            workers,
        )?)
    }

    /// Starts `workers` run-loop workers: each runs the function `factory`
    /// makes until it returns or the pool stops (see [`RunLoops`]).
    ///
    /// # Errors
    /// As [`build`](Builder::build).
    pub fn run_loops<F, L, E>(&self, factory: F) -> Result<RunLoops, BuildError>
    where
        F: Fn() -> L + Send + Sync + 'static,
        L: FnMut(&Context<'_>) -> Result<(), E> + 'static,
        E: Display,
    {
        let workers = self.check()?;
        Ok(RunLoops::start(self.core()?, factory, workers)?)
    }

    fn core(&self) -> Result<CrewCore, BuildError> {
        let dispatcher = Dispatcher::start(&self.name, self.observers.clone())?;
        let supervision = Supervision {
            policy: self.policy,
            intensity: self.intensity,
            backoff: self.backoff,
            clock: Arc::clone(&self.clock),
            stack_size: self.stack_size,
        };
        Ok(CrewCore::new(&self.name, supervision, dispatcher))
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
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}
