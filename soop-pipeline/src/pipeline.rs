//! The pipeline builder: stages chained and typed from input to output.

use std::fmt::Display;
use std::sync::Arc;

use soop_buffers::{ConfigError, MAX_CAPACITY, MAX_SLAB_LEN, SlabPool};
use soop_core::restart::{Backoff, Intensity};
use soop_core::{BuildError, Clock, MAX_WORKERS, Observer};

use crate::error::{Error, Failed, Failure};
use crate::input::Input;
use crate::link::{Gauges, Outlet, link};
use crate::output::Output;
use crate::run::{Collected, Run};
use crate::running::Running;
use crate::shutdown::Shutdown;
use crate::stage::{self, Inlet};
use crate::unit::Emit;
use crate::window::Window;

/// Builds the stages from the pipeline's input to the current output.
type Chain<In, Out> = Box<dyn FnOnce(&mut Launch, Inlet<In>) -> Result<Inlet<Out>, Error> + Send>;

/// Pipeline-wide settings.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) unit_len: usize,
    pub(crate) capacity: usize,
    pub(crate) ordered: bool,
    pub(crate) reorder_window: Option<usize>,
    pub(crate) spin_rounds: u32,
    /// Units that can be in flight at once (set at start).
    pub(crate) in_flight: usize,
    /// Supervision settings every stage starts from.
    pub(crate) core: soop_core::Builder,
}

impl Settings {
    /// A pool for the items of one link, holding from the start every slab
    /// the link can ever have in use at once, so that steady-state traffic
    /// never allocates: each unit in flight holds at most one slab of a
    /// given link (plus one filling and one being read at the ends).
    pub(crate) fn item_pool<T>(&self) -> Result<SlabPool<T>, ConfigError> {
        let peak = self.in_flight.saturating_add(2);
        let pool = SlabPool::new(self.unit_len, peak.saturating_mul(2))?;
        // Allocated up front only up to a sane size: very large links fill
        // their pools as they warm up instead.
        pool.prefill(peak.min(MAX_PREFILLED_SLABS));
        Ok(pool)
    }
}

/// The most slabs a link's pool allocates before the pipeline runs.
const MAX_PREFILLED_SLABS: usize = 256;

/// What stages need while the pipeline starts.
pub(crate) struct Launch {
    pub(crate) settings: Settings,
    pub(crate) running: Running,
    pub(crate) errors: crossbeam_channel::Sender<Failure>,
}

/// A pipeline being built: stages chained from `In` to `Out`, each with its
/// own name and number of workers.
///
/// Stages come in five kinds: [`map`](Pipeline::map),
/// [`filter`](Pipeline::filter), [`filter_map`](Pipeline::filter_map),
/// [`flat_map`](Pipeline::flat_map), [`try_map`](Pipeline::try_map) (whose
/// errors go to the error stream), and [`stateful`](Pipeline::stateful)
/// stages whose workers are built by a factory. Then
/// [`start`](Pipeline::start) it and feed it, or [`run`](Pipeline::run) it
/// over an iterator.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let lengths = Pipeline::new()
///     .map("trim", 2, |line: String| line.trim().to_string())
///     .filter("non-empty", 1, |line: &String| !line.is_empty())
///     .map("length", 2, |line: String| line.len())
///     .collect(["  a ", "", "bcd"].map(String::from))
///     .unwrap();
/// assert_eq!(lengths.outputs, [1, 3]); // in input order
/// ```
pub struct Pipeline<In, Out> {
    settings: Settings,
    /// Each stage's name and workers, in order.
    workers: Vec<(String, usize)>,
    chain: Chain<In, Out>,
}

impl<T: Send + 'static> Pipeline<T, T> {
    /// A pipeline with no stages yet and every setting at its default:
    /// ordered output, units of 1,024 items, 8 units per link, the soop-core
    /// default restart intensity and no backoff.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// // No stages: items pass straight through.
    /// let out = Pipeline::new().collect(["a", "b"]).unwrap();
    /// assert_eq!(out.outputs, ["a", "b"]);
    /// ```
    pub fn new() -> Self {
        Pipeline {
            settings: Settings {
                unit_len: 1024,
                capacity: 8,
                ordered: true,
                reorder_window: None,
                spin_rounds: soop_buffers::DEFAULT_SPIN_ROUNDS,
                in_flight: 0,
                core: soop_core::Builder::new(),
            },
            workers: Vec::new(),
            chain: Box::new(|_, inlet| Ok(inlet)),
        }
    }
}

impl<T: Send + 'static> Default for Pipeline<T, T> {
    fn default() -> Self {
        Pipeline::new()
    }
}

impl<In: Send + 'static, Out: Send + 'static> Pipeline<In, Out> {
    /// Items per unit at most: the producer packs items into units of this
    /// many (fewer when the first stage has nothing queued), and each unit
    /// goes to one worker of each stage in turn. Each unit costs a hand-over
    /// per stage (and a wake-up when the next worker was parked), so large
    /// units suit cheap items; for slow items (milliseconds each) make them
    /// small, so that a few items still spread over every worker. Default
    /// 1,024.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// // Slow items: one per unit, so that 4 items keep 4 workers busy.
    /// let out = Pipeline::new()
    ///     .unit_len(1)
    ///     .map("slow", 4, |n: u64| { std::thread::sleep(std::time::Duration::from_millis(5)); n })
    ///     .collect(0..4)
    ///     .unwrap();
    /// assert_eq!(out.outputs, [0, 1, 2, 3]);
    /// assert!(Pipeline::new().unit_len(0).map("id", 1, |n: u8| n).start().is_err());
    /// ```
    pub fn unit_len(mut self, items: usize) -> Self {
        self.settings.unit_len = items;
        self
    }

    /// Units each link holds before its sender blocks: with
    /// [`unit_len`](Pipeline::unit_len), the bound on memory between two
    /// stages. Default 8.
    ///
    /// ```
    /// use soop_pipeline::{ConfigError, Error, Pipeline};
    ///
    /// let tight = Pipeline::new().capacity(1).map("id", 1, |n: u8| n).collect(0..100).unwrap();
    /// assert_eq!(tight.outputs.len(), 100);
    /// let zero = Pipeline::new().capacity(0).map("id", 1, |n: u8| n).start();
    /// assert!(matches!(zero, Err(Error::Config(ConfigError::Zero { what: "capacity" }))));
    /// ```
    pub fn capacity(mut self, units: usize) -> Self {
        self.settings.capacity = units;
        self
    }

    /// Whether the output keeps input order (the default) or hands units
    /// out as they finish (faster when stages take uneven time).
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut out = Pipeline::new()
    ///     .ordered(false)
    ///     .map("square", 2, |n: u64| n * n)
    ///     .collect(0..1000)
    ///     .unwrap()
    ///     .outputs;
    /// out.sort_unstable(); // any order: every item, once
    /// assert_eq!(out, (0..1000).map(|n| n * n).collect::<Vec<_>>());
    /// ```
    pub fn ordered(mut self, ordered: bool) -> Self {
        self.settings.ordered = ordered;
        self
    }

    /// In an ordered pipeline, the most units in flight at once: the
    /// producer waits rather than run further ahead of the oldest unit the
    /// output still waits for. Default: what the links and workers hold,
    /// plus two.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// // Two units in flight at most: order is kept, memory stays small.
    /// let out = Pipeline::new().unit_len(8).reorder_window(2).map("inc", 2, |n: u32| n + 1).collect(0..100).unwrap();
    /// assert_eq!(out.outputs, (1..=100).collect::<Vec<_>>());
    /// ```
    pub fn reorder_window(mut self, units: usize) -> Self {
        self.settings.reorder_window = Some(units);
        self
    }

    /// How many times a worker (or the output) that finds its link empty
    /// checks again, busy-waiting, before it parks. Spinning saves a
    /// wake-up when the next unit is close; it also takes a core from the
    /// stage that is producing it when threads outnumber cores. Default
    /// [`DEFAULT_SPIN_ROUNDS`](soop_buffers::DEFAULT_SPIN_ROUNDS).
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// // Park at once when idle: no CPU spent waiting, a wake-up per unit instead.
    /// let out = Pipeline::new().spin_before_park(0).map("id", 1, |n: u8| n).collect([1, 2]).unwrap();
    /// assert_eq!(out.outputs, [1, 2]);
    /// ```
    pub fn spin_before_park(mut self, rounds: u32) -> Self {
        self.settings.spin_rounds = rounds;
        self
    }

    /// The restart intensity of every stage (each stage counts its own).
    /// Default: soop-core's, 10 restarts in 1 second.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Intensity, Pipeline};
    ///
    /// // Allow a bad item now and then: 100 restarts a second per stage.
    /// let out = Pipeline::new()
    ///     .intensity(Intensity { max_restarts: 100, window: Duration::from_secs(1) })
    ///     .try_map("parse", 1, |s: &&'static str| s.parse::<u8>())
    ///     .collect(["1", "x", "y", "2"])
    ///     .unwrap();
    /// assert_eq!((out.outputs.len(), out.failures.len()), (2, 2));
    /// ```
    pub fn intensity(mut self, intensity: Intensity) -> Self {
        self.settings.core = self.settings.core.intensity(intensity);
        self
    }

    /// The wait before a failed worker restarts. Default none.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Backoff, Pipeline};
    ///
    /// let out = Pipeline::new()
    ///     .backoff(Backoff::Fixed(Duration::from_millis(1))) // a pause before each restart
    ///     .try_map("parse", 1, |s: &&'static str| s.parse::<u8>())
    ///     .collect(["x", "1"])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [1]);
    /// ```
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.settings.core = self.settings.core.backoff(backoff);
        self
    }

    /// Adds an observer of every stage's supervision events (the stage's
    /// name is the event's `pool`).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use soop_pipeline::{Event, Pipeline};
    ///
    /// let restarts = Arc::new(Mutex::new(Vec::new()));
    /// let seen = Arc::clone(&restarts);
    /// let out = Pipeline::new()
    ///     .observer(move |event: &Event| {
    ///         if let Event::Restarting { pool, .. } = event {
    ///             seen.lock().unwrap().push(pool.to_string());
    ///         }
    ///     })
    ///     .try_map("parse", 1, |s: &&'static str| s.parse::<u8>())
    ///     .collect(["x", "1"])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [1]);
    /// assert_eq!(*restarts.lock().unwrap(), ["parse"]); // the event is in by the end
    /// ```
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.settings.core = self.settings.core.observer(observer);
        self
    }

    /// The clock restart windows and backoff read (tests pass a
    /// [`ManualClock`](soop_core::ManualClock)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use soop_pipeline::{ManualClock, Pipeline};
    ///
    /// // Restart windows read this clock: a test can move time by hand.
    /// let clock = Arc::new(ManualClock::new());
    /// let out = Pipeline::new().clock(Arc::clone(&clock)).map("id", 1, |n: u8| n).collect([3]).unwrap();
    /// assert_eq!(out.outputs, [3]);
    /// ```
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.settings.core = self.settings.core.clock(clock);
        self
    }

    /// A stage that maps each item to one output.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let out = Pipeline::new().map("square", 2, |n: u64| n * n).collect(1..=3).unwrap();
    /// assert_eq!(out.outputs, [1, 4, 9]);
    /// ```
    pub fn map<U, F>(self, name: &str, workers: usize, f: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        F: Fn(Out) -> U + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.stage(name, workers, move || {
            let f = Arc::clone(&f);
            move |item: Out, out: &mut Emit<'_, U>| {
                out.push(f(item));
                Ok(())
            }
        })
    }

    /// A stage that keeps the items `keep` accepts.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let out = Pipeline::new().filter("even", 1, |n: &u32| n % 2 == 0).collect(0..7).unwrap();
    /// assert_eq!(out.outputs, [0, 2, 4, 6]);
    /// ```
    pub fn filter<F>(self, name: &str, workers: usize, keep: F) -> Pipeline<In, Out>
    where
        F: Fn(&Out) -> bool + Send + Sync + 'static,
    {
        let keep = Arc::new(keep);
        self.stage(name, workers, move || {
            let keep = Arc::clone(&keep);
            move |item: Out, out: &mut Emit<'_, Out>| {
                if keep(&item) {
                    out.push(item);
                }
                Ok(())
            }
        })
    }

    /// A stage that maps each item to zero or one output.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let out = Pipeline::new()
    ///     .filter_map("parse", 1, |s: &'static str| s.parse::<i32>().ok())
    ///     .collect(["1", "two", "3"])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [1, 3]);
    /// ```
    pub fn filter_map<U, F>(self, name: &str, workers: usize, f: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        F: Fn(Out) -> Option<U> + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.stage(name, workers, move || {
            let f = Arc::clone(&f);
            move |item: Out, out: &mut Emit<'_, U>| {
                if let Some(mapped) = f(item) {
                    out.push(mapped);
                }
                Ok(())
            }
        })
    }

    /// A stage that expands each item into any number of outputs, kept in
    /// order. A unit's outputs travel together, however many there are.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let out = Pipeline::new()
    ///     .flat_map("words", 2, |line: &'static str| line.split_whitespace())
    ///     .collect(["a b", "", "c"])
    ///     .unwrap();
    /// assert_eq!(out.outputs, ["a", "b", "c"]);
    /// ```
    pub fn flat_map<U, I, F>(self, name: &str, workers: usize, f: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        I: IntoIterator<Item = U>,
        F: Fn(Out) -> I + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.stage(name, workers, move || {
            let f = Arc::clone(&f);
            move |item: Out, out: &mut Emit<'_, U>| {
                out.extend(f(item));
                Ok(())
            }
        })
    }

    /// A stage that may fail on an item. It borrows the item, so an item
    /// that fails goes to the error stream whole, with the error's text
    /// and the stage's name; the other items carry on. A failure restarts
    /// the worker, within the stage's restart intensity.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let out = Pipeline::new()
    ///     .try_map("parse", 1, |s: &&'static str| s.parse::<u8>())
    ///     .collect(["7", "300", "9"])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [7, 9]);
    /// assert_eq!(out.failures[0].item::<&str>(), Some(&"300"));
    /// ```
    pub fn try_map<U, E, F>(self, name: &str, workers: usize, f: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        E: Display,
        F: Fn(&Out) -> Result<U, E> + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        self.stage(name, workers, move || {
            let f = Arc::clone(&f);
            move |item: Out, out: &mut Emit<'_, U>| match f(&item) {
                Ok(mapped) => {
                    out.push(mapped);
                    Ok(())
                }
                Err(error) => Err(Failed {
                    message: error.to_string(),
                    item: Some(item),
                }),
            }
        })
    }

    /// A stage whose workers keep state: `factory` builds one function per
    /// worker (at start, and again at every restart, so a failure never
    /// leaves stale state behind). The function pushes any number of
    /// outputs per item; an `Err` goes to the error stream (the item was
    /// consumed, so it does not ride along) and restarts the worker.
    ///
    /// ```
    /// use soop_pipeline::{Emit, Pipeline};
    ///
    /// // Running totals, per worker: one worker, so one total.
    /// let out = Pipeline::new()
    ///     .stateful("total", 1, || {
    ///         let mut total = 0;
    ///         move |n: u32, out: &mut Emit<'_, u32>| {
    ///             total += n;
    ///             out.push(total);
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    ///     .collect([1, 2, 3])
    ///     .unwrap();
    /// assert_eq!(out.outputs, [1, 3, 6]);
    /// ```
    pub fn stateful<U, E, F, G>(self, name: &str, workers: usize, factory: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        E: Display,
        F: Fn() -> G + Send + Sync + 'static,
        G: FnMut(Out, &mut Emit<'_, U>) -> Result<(), E> + 'static,
    {
        self.stage(name, workers, move || {
            let mut step = factory();
            move |item: Out, out: &mut Emit<'_, U>| {
                step(item, out).map_err(|error| Failed {
                    message: error.to_string(),
                    item: None,
                })
            }
        })
    }

    /// Every stage kind comes here: a factory of per-worker step functions.
    fn stage<U, F, G>(self, name: &str, workers: usize, factory: F) -> Pipeline<In, U>
    where
        U: Send + 'static,
        F: Fn() -> G + Send + Sync + 'static,
        G: FnMut(Out, &mut Emit<'_, U>) -> Result<(), Failed<Out>> + 'static,
    {
        let name = name.to_string();
        let previous = self.chain;
        let mut per_stage = self.workers;
        per_stage.push((name.clone(), workers));
        Pipeline {
            settings: self.settings,
            workers: per_stage,
            chain: Box::new(move |launch, inlet| {
                let middle = previous(launch, inlet)?;
                stage::start(launch, &name, workers, factory, middle)
            }),
        }
    }

    /// Starts every stage and returns the two ends: feed the [`Input`],
    /// read the [`Output`].
    ///
    /// # Errors
    /// [`Error::Config`] for a unit length, capacity or window of 0 (or too
    /// large); [`Error::Stage`] for a stage that cannot start (0 workers, a
    /// bad supervision setting). Nothing is left running then.
    ///
    /// ```
    /// use soop_pipeline::{Error, Pipeline};
    ///
    /// let bad = Pipeline::new().map("nobody", 0, |n: u8| n).start();
    /// assert!(matches!(bad, Err(Error::Stage { .. })));
    /// ```
    pub fn start(self) -> Result<(Input<In>, Output<Out>), Error> {
        let mut settings = self.settings;
        check(&settings)?;
        // Before anything is built from them: a worker count far too large
        // must not reach an allocation sized by it.
        for (stage, workers) in &self.workers {
            let refused = match *workers {
                0 => Some(BuildError::Zero { what: "workers" }),
                n if n > MAX_WORKERS => Some(BuildError::TooLarge {
                    what: "workers",
                    value: n,
                    max: MAX_WORKERS,
                }),
                _ => None,
            };
            if let Some(source) = refused {
                return Err(Error::Stage {
                    stage: stage.clone(),
                    source,
                });
            }
        }
        let default_window = in_flight(&settings, &self.workers);
        let window_limit = settings.reorder_window.unwrap_or(default_window);
        settings.in_flight = if settings.ordered {
            window_limit.min(default_window)
        } else {
            default_window
        };
        let window = settings
            .ordered
            .then(|| Arc::new(Window::new(window_limit)));
        let shutdown = Arc::new(Shutdown::new(window.clone()));
        let (errors, failures) = crossbeam_channel::unbounded();
        let (sender, receiver) = link::<In>(settings.capacity, settings.spin_rounds)?;
        let first_gauges = Arc::new(Gauges::default());
        let pool = settings.item_pool()?;
        let mut launch = Launch {
            settings,
            running: Running {
                stages: Vec::new(),
                shutdown: Arc::clone(&shutdown),
                output: Arc::new(Gauges::default()),
            },
            errors,
        };
        let first = Inlet {
            receiver,
            gauges: Arc::clone(&first_gauges),
        };
        // On failure `launch` drops here, and with it the stages started so
        // far: their links are closed and their threads joined.
        let last = (self.chain)(&mut launch, first)?;
        let closing = last.receiver.clone();
        shutdown.on_stop(move || closing.close());
        launch.running.output = Arc::clone(&last.gauges);
        let running = Arc::new(launch.running);
        let input = Input::new(
            Outlet {
                sender,
                gauges: first_gauges,
            },
            pool,
            window.clone(),
            Arc::clone(&running),
            launch.errors,
        );
        let output = Output::new(last, window, failures, running);
        Ok((input, output))
    }

    /// Starts the pipeline and runs it over `items`, on the calling thread:
    /// the returned iterator feeds the input as the links have room and
    /// yields the outputs, until `items` is exhausted and every stage has
    /// drained. No other thread is needed to feed it.
    ///
    /// # Errors
    /// As [`start`](Pipeline::start).
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let total: u64 = Pipeline::new()
    ///     .map("square", 2, |n: u64| n * n)
    ///     .run(1..=100)
    ///     .unwrap()
    ///     .sum();
    /// assert_eq!(total, 338_350);
    /// ```
    pub fn run<I>(self, items: I) -> Result<Run<In, Out, I::IntoIter>, Error>
    where
        I: IntoIterator<Item = In>,
    {
        let (input, output) = self.start()?;
        Ok(Run::new(input, output, items.into_iter()))
    }

    /// Runs the pipeline over `items` to the end and gathers the outputs
    /// and the failures.
    ///
    /// # Errors
    /// As [`start`](Pipeline::start), and [`Error::Stopped`] when a stage
    /// failed past its restart intensity (the outputs are then incomplete
    /// and dropped).
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let done = Pipeline::new()
    ///     .map("checked", 2, |n: u32| if n == 3 { panic!("not three") } else { n * 10 })
    ///     .collect(1..=4)
    ///     .unwrap();
    /// assert_eq!(done.outputs, [10, 20, 40]);
    /// assert_eq!(done.failures.len(), 1);
    /// ```
    pub fn collect<I>(self, items: I) -> Result<Collected<Out>, Error>
    where
        I: IntoIterator<Item = In>,
    {
        self.run(items)?.finish()
    }
}

/// Units that can be in flight when nothing is stuck: every link full,
/// every worker holding one, the producer filling one and the output
/// reading one.
fn in_flight(settings: &Settings, workers: &[(String, usize)]) -> usize {
    let links = workers.len() + 1;
    settings
        .capacity
        .saturating_mul(links)
        .saturating_add(
            workers
                .iter()
                .fold(0usize, |sum, (_, n)| sum.saturating_add(*n)),
        )
        .saturating_add(2)
}

fn check(settings: &Settings) -> Result<(), ConfigError> {
    let limits = [
        ("unit_len", settings.unit_len, MAX_SLAB_LEN),
        ("capacity", settings.capacity, MAX_CAPACITY),
        (
            "reorder_window",
            settings.reorder_window.unwrap_or(1),
            MAX_CAPACITY,
        ),
    ];
    for (what, value, max) in limits {
        if value == 0 {
            return Err(ConfigError::Zero { what });
        }
        if value > max {
            return Err(ConfigError::TooLarge { what, value, max });
        }
    }
    Ok(())
}

impl<In, Out> std::fmt::Debug for Pipeline<In, Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("stages", &self.workers.len())
            .field("unit_len", &self.settings.unit_len)
            .field("capacity", &self.settings.capacity)
            .field("ordered", &self.settings.ordered)
            .finish_non_exhaustive()
    }
}
