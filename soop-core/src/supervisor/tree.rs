//! Supervisors: an ordered list of children, started in order, stopped in
//! reverse, restarted by strategy within a restart intensity; past it the
//! supervisor stops its children and escalates to its parent.
//!
//! Each supervisor has one control thread, parked on its inbox. Everything
//! that changes the children happens there, one message at a time: a
//! child's end, an added or removed child, the stop. So the order of
//! restarts is simply the order of messages, and no two restarts overlap.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
use crate::crew::lock;
use crate::error::{BuildError, TreeError, TreeEscalation};
use crate::observe::{Dispatcher, Event, Observer, StopReason, panic_message};
use crate::restart::{Intensity, IntensityTracker, Policy, RestartDecision};
use crate::supervisor::child::Child;
use crate::supervisor::link::{ChildEnd, TreeLink};
use crate::supervisor::running::Running;
use crate::supervisor::snapshot::{ChildKind, ChildSnapshot, ChildState};
use crate::supervisor::strategy::Strategy;

/// A supervisor's own restart intensity unless told otherwise: OTP's
/// default, one restart in five seconds.
pub const DEFAULT_INTENSITY: Intensity = Intensity {
    max_restarts: 1,
    window: Duration::from_secs(5),
};

/// Configures a supervisor: its name, strategy, intensity, observers and
/// children. Start it as the root of a tree with
/// [`start`](SupervisorBuilder::start), or make it a child of another with
/// [`Child::supervisor`].
///
/// ```
/// use std::time::Duration;
/// use soop_core::from_fn;
/// use soop_core::restart::Intensity;
/// use soop_core::supervisor::{Child, Strategy, Supervisor};
///
/// let (a, _) = Child::pool("a", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
/// let (b, _) = Child::pool("b", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
/// let tree = Supervisor::builder("root")
///     .strategy(Strategy::OneForAll)
///     .intensity(Intensity { max_restarts: 3, window: Duration::from_secs(10) })
///     .child(a)
///     .child(b)
///     .start()
///     .unwrap();
/// assert_eq!(tree.snapshot().children.len(), 2);
/// ```
#[derive(Clone)]
pub struct SupervisorBuilder {
    name: String,
    strategy: Strategy,
    intensity: Intensity,
    observers: Vec<Arc<dyn Observer>>,
    clock: Option<Arc<dyn Clock>>,
    children: Vec<Child>,
}

/// A running supervisor at the root of a tree. Dropping it stops the tree.
///
/// ```
/// use soop_core::{Context, LogObserver, from_fn};
/// use soop_core::supervisor::{Child, Supervisor};
///
/// let (db, db_pool) = Child::pool("db", |b| b.workers(2).build(from_fn(|q: String| Ok::<_, String>(q.len()))));
/// let poller = Child::run_loops("poller", |b| {
///     b.workers(1).run_loops(|| |ctx: &Context<'_>| {
///         while !ctx.sleep(std::time::Duration::from_millis(50)) {}
///         Ok::<_, String>(())
///     })
/// });
/// let data = Supervisor::builder("data").child(db);
/// let tree = Supervisor::builder("root")
///     .observer(LogObserver)
///     .child(Child::supervisor(data))
///     .child(poller)
///     .start()
///     .unwrap();
/// assert_eq!(db_pool.get().unwrap().name(), "root/data/db");
/// println!("{}", tree.snapshot());
/// tree.stop(); // poller first, then data (and db inside it)
/// ```
pub struct Supervisor {
    shared: Arc<Shared>,
}

/// What the control thread is told.
enum Control {
    /// A child ended by itself.
    Exited {
        name: Arc<str>,
        generation: u64,
        end: ChildEnd,
    },
    Add(Child, Sender<Result<(), TreeError>>),
    Remove(String, Sender<Result<(), TreeError>>),
    Stop,
}

/// One child in the supervisor's list.
struct Entry {
    child: Child,
    path: Arc<str>,
    running: Option<Arc<dyn Running>>,
    /// Bumped at every start, so the end of an earlier incarnation (or of
    /// one the supervisor stopped itself) is told apart and ignored.
    generation: u64,
    restarts: u32,
    state: ChildState,
}

/// A supervisor, shared by its handle (or parent) and its control thread.
pub(crate) struct Shared {
    path: Arc<str>,
    strategy: Strategy,
    intensity: Intensity,
    clock: Arc<dyn Clock>,
    /// From the root down to this supervisor: where every event goes.
    dispatchers: Arc<[Arc<Dispatcher>]>,
    own_dispatcher: Option<Arc<Dispatcher>>,
    parent: Option<TreeLink>,
    entries: Mutex<Vec<Entry>>,
    control: Sender<Control>,
    terminal: Mutex<Option<TreeEscalation>>,
    done: Mutex<bool>,
    done_changed: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Supervisor {
    /// A builder for a supervisor named `name`: one-for-one, OTP's default
    /// intensity ([`DEFAULT_INTENSITY`]), no children yet.
    ///
    /// ```
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root").start().unwrap();
    /// assert_eq!(tree.path(), "root");
    /// ```
    pub fn builder(name: impl Into<String>) -> SupervisorBuilder {
        SupervisorBuilder {
            name: name.into(),
            strategy: Strategy::default(),
            intensity: DEFAULT_INTENSITY,
            observers: Vec::new(),
            clock: None,
            children: Vec::new(),
        }
    }

    /// The supervisor's path: its name, at the root.
    ///
    /// ```
    /// use soop_core::supervisor::Supervisor;
    ///
    /// assert_eq!(Supervisor::builder("app").start().unwrap().path(), "app");
    /// ```
    pub fn path(&self) -> &str {
        &self.shared.path
    }

    /// Starts `child` after the others, while the tree runs.
    ///
    /// # Errors
    /// [`TreeError::Duplicate`] if a child has that name,
    /// [`TreeError::BadName`] for an empty name or one with `/`,
    /// [`TreeError::Start`] if it cannot be built, [`TreeError::Stopped`]
    /// once the supervisor has stopped.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor, TreeError};
    ///
    /// let tree = Supervisor::builder("root").start().unwrap();
    /// let (child, pool) = Child::pool("late", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// tree.add(child.clone()).unwrap();
    /// assert!(pool.get().is_some());
    /// assert!(matches!(tree.add(child), Err(TreeError::Duplicate { .. })));
    /// ```
    pub fn add(&self, child: Child) -> Result<(), TreeError> {
        self.shared.ask(|reply| Control::Add(child, reply))
    }

    /// Starts `child` under the supervisor at `path` (`root/data`), after
    /// its other children. A supervisor restarted by its parent starts
    /// clean, from its builder: children added this way are not in it.
    ///
    /// # Errors
    /// [`TreeError::NoSuchChild`] if no supervisor is at `path`; otherwise
    /// as [`add`](Supervisor::add).
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let data = Supervisor::builder("data");
    /// let tree = Supervisor::builder("root").child(Child::supervisor(data)).start().unwrap();
    /// let (db, _) = Child::pool("db", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// tree.add_at("root/data", db).unwrap();
    /// assert!(tree.snapshot().find("root/data/db").is_some());
    /// ```
    pub fn add_at(&self, path: &str, child: Child) -> Result<(), TreeError> {
        self.shared.at(path, |supervisor| {
            supervisor.ask(|reply| Control::Add(child, reply))
        })
    }

    /// Stops the child named `name` (within its shutdown timeout) and
    /// removes it from the tree.
    ///
    /// # Errors
    /// [`TreeError::NoSuchChild`], or [`TreeError::Stopped`] once the
    /// supervisor has stopped.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor, TreeError};
    ///
    /// let (child, pool) = Child::pool("old", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let tree = Supervisor::builder("root").child(child).start().unwrap();
    /// tree.remove("old").unwrap();
    /// assert!(pool.get().is_none());
    /// assert!(matches!(tree.remove("old"), Err(TreeError::NoSuchChild { .. })));
    /// ```
    pub fn remove(&self, name: &str) -> Result<(), TreeError> {
        let name = name.to_string();
        self.shared.ask(|reply| Control::Remove(name, reply))
    }

    /// Stops and removes the child at `path` (`root/data/db`), wherever it
    /// is in the tree.
    ///
    /// # Errors
    /// [`TreeError::NoSuchChild`] if nothing is at `path`;
    /// [`TreeError::Stopped`] once its supervisor has stopped.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let (db, pool) = Child::pool("db", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let data = Supervisor::builder("data").child(db);
    /// let tree = Supervisor::builder("root").child(Child::supervisor(data)).start().unwrap();
    /// tree.remove_at("root/data/db").unwrap();
    /// assert!(pool.get().is_none());
    /// assert!(tree.snapshot().find("root/data").is_some());
    /// ```
    pub fn remove_at(&self, path: &str) -> Result<(), TreeError> {
        let no_such = || TreeError::NoSuchChild {
            path: self.shared.path.to_string(),
            name: path.to_string(),
        };
        let (parent, name) = path.rsplit_once('/').ok_or_else(no_such)?;
        let name = name.to_string();
        self.shared.at(parent, |supervisor| {
            supervisor.ask(|reply| Control::Remove(name, reply))
        })
    }

    /// Every child's state, restarts and (for pools and run-loop groups)
    /// status, down the whole tree.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, ChildState, Supervisor};
    ///
    /// let (db, _) = Child::pool("db", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let tree = Supervisor::builder("root").child(db).start().unwrap();
    /// let db = tree.snapshot().find("root/db").cloned().unwrap();
    /// assert_eq!(db.state, ChildState::Running);
    /// ```
    pub fn snapshot(&self) -> ChildSnapshot {
        ChildSnapshot {
            path: self.shared.path.to_string(),
            kind: ChildKind::Supervisor,
            state: if self.shared.is_done() {
                ChildState::Stopped
            } else {
                ChildState::Running
            },
            restarts: 0,
            status: None,
            children: self.shared.children(),
        }
    }

    /// Why the tree gave up, if it did: the root went past its restart
    /// intensity.
    ///
    /// ```
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root").start().unwrap();
    /// assert_eq!(tree.terminal(), None);
    /// ```
    pub fn terminal(&self) -> Option<TreeEscalation> {
        lock(&self.shared.terminal).clone()
    }

    /// Waits up to `timeout` for the tree to end (stopped, or given up);
    /// returns why it gave up, if it did.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root").start().unwrap();
    /// assert_eq!(tree.wait_terminal(Duration::from_millis(1)), None); // still running
    /// ```
    pub fn wait_terminal(&self, timeout: Duration) -> Option<TreeEscalation> {
        let deadline = Instant::now().checked_add(timeout);
        self.shared.wait_done(deadline);
        self.terminal()
    }

    /// Whether the tree still runs (not stopped, not given up).
    ///
    /// ```
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root").start().unwrap();
    /// assert!(tree.is_running());
    /// tree.stop();
    /// assert!(!tree.is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        !self.shared.is_done()
    }

    /// Stops every child in reverse start order, each within its shutdown
    /// timeout, and returns once the supervisor's thread has ended.
    /// Idempotent.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let (db, pool) = Child::pool("db", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let tree = Supervisor::builder("root").child(db).start().unwrap();
    /// tree.stop();
    /// tree.stop(); // idempotent
    /// assert!(pool.get().is_none());
    /// ```
    pub fn stop(&self) {
        self.shared.finish();
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.shared.finish();
    }
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field("path", &self.shared.path)
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}

impl SupervisorBuilder {
    /// How children are restarted when one fails. Default
    /// [`Strategy::OneForOne`].
    ///
    /// ```
    /// use soop_core::supervisor::{Strategy, Supervisor};
    ///
    /// let tree = Supervisor::builder("root").strategy(Strategy::RestForOne).start().unwrap();
    /// # drop(tree);
    /// ```
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The supervisor's own restart intensity: past `max_restarts` child
    /// restarts within `window`, it stops its children and escalates.
    /// Default [`DEFAULT_INTENSITY`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::restart::Intensity;
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root")
    ///     .intensity(Intensity { max_restarts: 5, window: Duration::from_secs(30) })
    ///     .start()
    ///     .unwrap();
    /// # drop(tree);
    /// ```
    pub fn intensity(mut self, intensity: Intensity) -> Self {
        self.intensity = intensity;
        self
    }

    /// Adds an observer of every event under this supervisor: its own
    /// children's starts, restarts and stops, and every event of the pools
    /// and supervisors below it, each named by its path. Events reach an
    /// observer on a thread of its own, in the order they happened.
    ///
    /// ```
    /// use soop_core::{Event, LogObserver};
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let tree = Supervisor::builder("root")
    ///     .observer(LogObserver)
    ///     .observer(|e: &Event| if let Event::ChildStarted { path } = e { println!("{path} up") })
    ///     .start()
    ///     .unwrap();
    /// # drop(tree);
    /// ```
    pub fn observer(mut self, observer: impl Observer) -> Self {
        self.observers.push(Arc::new(observer));
        self
    }

    /// The clock for restart windows, here and in every child (a child's
    /// builder may set its own). Default: the parent's, or the system's.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use soop_core::ManualClock;
    /// use soop_core::supervisor::Supervisor;
    ///
    /// let clock = Arc::new(ManualClock::new());
    /// let tree = Supervisor::builder("root").clock(Arc::clone(&clock)).start().unwrap();
    /// # drop(tree);
    /// ```
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Adds a child after the others: children start in the order added
    /// and stop in reverse.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let (first, _) = Child::pool("first", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let tree = Supervisor::builder("root").child(first).start().unwrap();
    /// assert_eq!(tree.snapshot().children[0].path, "root/first");
    /// ```
    pub fn child(mut self, child: Child) -> Self {
        self.children.push(child);
        self
    }

    /// The supervisor's name.
    ///
    /// ```
    /// use soop_core::supervisor::Supervisor;
    ///
    /// assert_eq!(Supervisor::builder("data").name(), "data");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Starts the supervisor as the root of a tree: every child in order.
    ///
    /// # Errors
    /// [`TreeError`]: a bad or duplicate name, a zero intensity, or a child
    /// that could not be built (then those already started are stopped
    /// again, in reverse order).
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor, TreeError};
    ///
    /// let (bad, _) = Child::pool("bad", |b| b.workers(0).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let err = Supervisor::builder("root").child(bad).start().unwrap_err();
    /// assert!(matches!(err, TreeError::Start { ref path, .. } if path == "root/bad"));
    /// ```
    pub fn start(&self) -> Result<Supervisor, TreeError> {
        Ok(Supervisor {
            shared: self.start_linked(None)?,
        })
    }

    pub(crate) fn start_linked(&self, parent: Option<TreeLink>) -> Result<Arc<Shared>, TreeError> {
        let path: Arc<str> = match &parent {
            Some(link) => Arc::clone(&link.path),
            None => {
                check_name(&self.name)?;
                Arc::from(self.name.as_str())
            }
        };
        let path_text = path.to_string();
        let start_error = |source| TreeError::Start {
            path: path_text.clone(),
            source,
        };
        if self.intensity.max_restarts == 0 {
            return Err(start_error(BuildError::Zero {
                what: "intensity.max_restarts",
            }));
        }
        if self.intensity.window.is_zero() {
            return Err(start_error(BuildError::Zero {
                what: "intensity.window",
            }));
        }
        for (i, child) in self.children.iter().enumerate() {
            check_name(&child.name)?;
            if self.children[..i].iter().any(|c| c.name == child.name) {
                return Err(TreeError::Duplicate {
                    path: path.to_string(),
                    name: child.name.to_string(),
                });
            }
        }
        let clock = match (&self.clock, &parent) {
            (Some(clock), _) => Arc::clone(clock),
            (None, Some(link)) => Arc::clone(&link.clock),
            (None, None) => Arc::new(SystemClock),
        };
        let own_dispatcher = if self.observers.is_empty() {
            None
        } else {
            let dispatcher = Dispatcher::start(&path, self.observers.clone())
                .map_err(|e| start_error(BuildError::Spawn(e)))?;
            Some(Arc::new(dispatcher))
        };
        let mut dispatchers: Vec<Arc<Dispatcher>> = parent
            .as_ref()
            .map(|link| link.dispatchers.to_vec())
            .unwrap_or_default();
        dispatchers.extend(own_dispatcher.clone());
        let (control, inbox) = mpsc::channel();
        let shared = Arc::new(Shared {
            strategy: self.strategy,
            intensity: self.intensity,
            clock,
            dispatchers: dispatchers.into(),
            own_dispatcher,
            parent,
            entries: Mutex::new(
                self.children
                    .iter()
                    .map(|child| Entry::new(child.clone(), &path))
                    .collect(),
            ),
            path,
            control,
            terminal: Mutex::new(None),
            done: Mutex::new(false),
            done_changed: Condvar::new(),
            thread: Mutex::new(None),
        });
        let started = (0..self.children.len()).try_for_each(|i| shared.start_entry(i));
        let thread = started.and_then(|()| {
            let control_shared = Arc::clone(&shared);
            thread::Builder::new()
                .name(format!("{}-supervisor", shared.path))
                .spawn(move || control_loop(control_shared, inbox))
                .map_err(|e| start_error(BuildError::Spawn(e)))
        });
        match thread {
            Ok(thread) => {
                *lock(&shared.thread) = Some(thread);
                Ok(shared)
            }
            Err(error) => {
                shared.stop_all();
                if let Some(dispatcher) = &shared.own_dispatcher {
                    dispatcher.shutdown();
                }
                shared.mark_done();
                Err(error)
            }
        }
    }
}

impl std::fmt::Debug for SupervisorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SupervisorBuilder")
            .field("name", &self.name)
            .field("strategy", &self.strategy)
            .field("intensity", &self.intensity)
            .field("children", &self.children)
            .finish_non_exhaustive()
    }
}

/// A child's name becomes part of a path, so it cannot be empty or hold `/`.
fn check_name(name: &str) -> Result<(), TreeError> {
    if name.is_empty() || name.contains('/') {
        return Err(TreeError::BadName {
            name: name.to_string(),
        });
    }
    Ok(())
}

impl Entry {
    fn new(child: Child, parent: &str) -> Self {
        Entry {
            path: Arc::from(format!("{parent}/{}", child.name)),
            child,
            running: None,
            generation: 0,
            restarts: 0,
            state: ChildState::Stopped,
        }
    }
}

/// The supervisor's life: one message at a time until stopped or given up.
fn control_loop(shared: Arc<Shared>, inbox: Receiver<Control>) {
    // Whatever happens below, waiters on this supervisor are let go.
    let _done = DoneOnDrop(&shared);
    let mut intensity = IntensityTracker::new(shared.intensity);
    let gave_up = loop {
        // `shared` keeps a sender, so the inbox never runs dry.
        let Ok(message) = inbox.recv() else {
            break None;
        };
        match message {
            Control::Stop => break None,
            Control::Add(child, reply) => {
                let _ = reply.send(shared.add(child));
            }
            Control::Remove(name, reply) => {
                let _ = reply.send(shared.remove(&name));
            }
            Control::Exited {
                name,
                generation,
                end,
            } => {
                if let Some(escalation) =
                    shared.child_exited(&mut intensity, &name, generation, end)
                {
                    break Some(escalation);
                }
            }
        }
    };
    shared.stop_all();
    // Refuse what comes after: senders of Add and Remove see `Stopped`.
    drop(inbox);
    if let Some(escalation) = gave_up {
        *lock(&shared.terminal) = Some(escalation.clone());
        shared.emit(Event::SupervisorTerminal(escalation.clone()));
        if let Some(parent) = &shared.parent {
            parent.exited(ChildEnd::Failed {
                error: escalation.to_string(),
                origin: escalation.origin.clone(),
            });
        }
    }
    if let Some(dispatcher) = &shared.own_dispatcher {
        dispatcher.shutdown();
    }
}

/// Joins a child that did not stop in time on a thread of its own, when it
/// finally returns.
fn reap(running: Arc<dyn Running>, path: &str) {
    let reaper = thread::Builder::new()
        .name(format!("{path}-reaper"))
        .spawn({
            let running = Arc::clone(&running);
            move || {
                let _ = catch_unwind(AssertUnwindSafe(|| running.finish()));
            }
        });
    if reaper.is_err() {
        // No thread to wait on it: keep it alive for ever rather than let a
        // drop block this supervisor.
        std::mem::forget(running);
    }
}

/// Marks the supervisor done when its control thread ends, by return or by
/// a panic (a bug), so that `stop` and `wait_terminal` never wait for ever.
struct DoneOnDrop<'a>(&'a Shared);

impl Drop for DoneOnDrop<'_> {
    fn drop(&mut self) {
        self.0.mark_done();
    }
}

impl Shared {
    /// Sends a request to the control thread and waits for its answer.
    fn ask(
        &self,
        message: impl FnOnce(Sender<Result<(), TreeError>>) -> Control,
    ) -> Result<(), TreeError> {
        let stopped = || TreeError::Stopped {
            path: self.path.to_string(),
        };
        let (reply, answer) = mpsc::channel();
        self.control.send(message(reply)).map_err(|_| stopped())?;
        answer.recv().unwrap_or_else(|_| Err(stopped()))
    }

    /// Runs `f` on the supervisor at `path`, this one or one below it.
    fn at<T>(
        &self,
        path: &str,
        f: impl FnOnce(&Shared) -> Result<T, TreeError>,
    ) -> Result<T, TreeError> {
        let no_such = || TreeError::NoSuchChild {
            path: self.path.to_string(),
            name: path.to_string(),
        };
        if path == &*self.path {
            return f(self);
        }
        let rest = path
            .strip_prefix(&*self.path)
            .and_then(|rest| rest.strip_prefix('/'))
            .ok_or_else(no_such)?;
        let name = rest.split('/').next().unwrap_or(rest);
        let child = lock(&self.entries)
            .iter()
            .find(|e| &*e.child.name == name)
            .and_then(|e| e.running.clone())
            .ok_or_else(no_such)?;
        let supervisor = child.as_supervisor().ok_or_else(no_such)?;
        supervisor.at(path, f)
    }

    fn emit(&self, event: Event) {
        for dispatcher in self.dispatchers.iter() {
            dispatcher.emit(event.clone());
        }
    }

    /// Starts (or starts again) the child at `i`.
    fn start_entry(&self, i: usize) -> Result<(), TreeError> {
        let (child, path, generation) = {
            let mut entries = lock(&self.entries);
            let entry = &mut entries[i];
            entry.generation += 1;
            entry.state = ChildState::Restarting;
            (
                entry.child.clone(),
                Arc::clone(&entry.path),
                entry.generation,
            )
        };
        let control = self.control.clone();
        let name = Arc::clone(&child.name);
        let link = TreeLink::new(
            Arc::clone(&path),
            Arc::clone(&self.dispatchers),
            Arc::clone(&self.clock),
            move |end| {
                let _ = control.send(Control::Exited {
                    name: Arc::clone(&name),
                    generation,
                    end,
                });
            },
        );
        // The child's builder is user code: a panic in it is a failed
        // start, not the end of this supervisor.
        let running =
            catch_unwind(AssertUnwindSafe(|| (child.start)(link))).unwrap_or_else(|panic| {
                Err(TreeError::Panicked {
                    path: path.to_string(),
                    message: panic_message(&*panic),
                })
            });
        let mut entries = lock(&self.entries);
        let entry = &mut entries[i];
        match running {
            Ok(running) => {
                entry.running = Some(running);
                entry.state = ChildState::Running;
                drop(entries);
                self.emit(Event::ChildStarted { path });
                Ok(())
            }
            Err(error) => {
                entry.state = ChildState::Stopped;
                Err(error)
            }
        }
    }

    /// Stops the child at `i`, if it runs: tells it, waits up to its
    /// shutdown timeout, and joins it; one that does not stop in time is
    /// reported and left to a reaper thread that joins it when it returns.
    fn stop_entry(&self, i: usize) {
        let (running, path, timeout) = {
            let mut entries = lock(&self.entries);
            let entry = &mut entries[i];
            entry.state = ChildState::Stopped;
            (
                entry.running.take(),
                Arc::clone(&entry.path),
                entry.child.shutdown,
            )
        };
        let Some(running) = running else { return };
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365));
        // A child's own stop is user code too (a `Supervised` front-end):
        // if it panics, the child counts as stopped and the rest go on.
        let stopped = catch_unwind(AssertUnwindSafe(|| {
            running.signal_stop(deadline);
            let in_time = running.wait_stopped(deadline);
            if in_time {
                running.finish();
            }
            in_time
        }));
        let reason = match stopped {
            Ok(true) => StopReason::Shutdown,
            Ok(false) => {
                self.emit(Event::ChildStopTimedOut {
                    path: Arc::clone(&path),
                    waited: timeout,
                });
                reap(running, &path);
                StopReason::Shutdown
            }
            Err(panic) => StopReason::Failed(panic_message(&*panic)),
        };
        self.emit(Event::ChildStopped { path, reason });
    }

    /// Every child, in reverse start order.
    fn stop_all(&self) {
        let len = lock(&self.entries).len();
        for i in (0..len).rev() {
            self.stop_entry(i);
        }
    }

    fn add(&self, child: Child) -> Result<(), TreeError> {
        check_name(&child.name)?;
        let i = {
            let mut entries = lock(&self.entries);
            if entries.iter().any(|e| e.child.name == child.name) {
                return Err(TreeError::Duplicate {
                    path: self.path.to_string(),
                    name: child.name.to_string(),
                });
            }
            entries.push(Entry::new(child, &self.path));
            entries.len() - 1
        };
        self.start_entry(i).inspect_err(|_| {
            lock(&self.entries).remove(i);
        })
    }

    fn remove(&self, name: &str) -> Result<(), TreeError> {
        let i = self.position(name).ok_or_else(|| TreeError::NoSuchChild {
            path: self.path.to_string(),
            name: name.to_string(),
        })?;
        self.stop_entry(i);
        lock(&self.entries).remove(i);
        Ok(())
    }

    fn position(&self, name: &str) -> Option<usize> {
        lock(&self.entries)
            .iter()
            .position(|e| &*e.child.name == name)
    }

    /// A child ended by itself: restart by its type and the strategy, or
    /// give up (the returned escalation) past the intensity.
    fn child_exited(
        &self,
        intensity: &mut IntensityTracker,
        name: &str,
        generation: u64,
        end: ChildEnd,
    ) -> Option<TreeEscalation> {
        let (i, running, policy, path) = {
            let mut entries = lock(&self.entries);
            let i = entries.iter().position(|e| &*e.child.name == name)?;
            let entry = &mut entries[i];
            if entry.generation != generation {
                return None; // an earlier incarnation's end
            }
            // Gone already if this supervisor stopped it on purpose.
            let running = entry.running.take()?;
            entry.state = ChildState::Stopped;
            (i, running, entry.child.restart, Arc::clone(&entry.path))
        };
        // Its threads have ended; join them (a panic in a front-end's stop
        // must not end this supervisor).
        let _ = catch_unwind(AssertUnwindSafe(|| running.finish()));
        let (failed, error, origin) = match end {
            ChildEnd::Normal => (false, "it ended".to_string(), path.to_string()),
            ChildEnd::Failed { error, origin } => (true, error, origin),
        };
        if !policy.restarts(failed) {
            self.emit(Event::ChildStopped {
                path,
                reason: if failed {
                    StopReason::Failed(error)
                } else {
                    StopReason::Finished
                },
            });
            if policy == Policy::Temporary {
                lock(&self.entries).remove(i);
            }
            return None;
        }
        let escalation = |error: String, origin: String| TreeEscalation {
            supervisor: self.path.to_string(),
            child: path.to_string(),
            origin,
            last_error: error,
            max_restarts: self.intensity.max_restarts,
            window: self.intensity.window,
        };
        if intensity.on_failure(self.clock.now()) == RestartDecision::Escalate {
            return Some(escalation(error, origin));
        }
        // Which children go with it: those of the strategy's range that run
        // now, and the failed one.
        let affected: Vec<usize> = {
            let entries = lock(&self.entries);
            self.strategy
                .affected(i, entries.len())
                .filter(|&j| j == i || entries[j].running.is_some())
                .collect()
        };
        for &j in affected.iter().rev() {
            self.stop_entry(j);
        }
        for &j in &affected {
            let reason = if j == i {
                error.clone()
            } else {
                format!("restarted with {path} ({:?})", self.strategy)
            };
            let mut reason = reason;
            // A start that fails is one more failure of that child.
            loop {
                let (restarts, child_path) = {
                    let mut entries = lock(&self.entries);
                    entries[j].restarts += 1;
                    (entries[j].restarts, Arc::clone(&entries[j].path))
                };
                self.emit(Event::ChildRestarting {
                    path: Arc::clone(&child_path),
                    restarts,
                    reason,
                });
                match self.start_entry(j) {
                    Ok(()) => break,
                    Err(start) => {
                        reason = start.to_string();
                        if intensity.on_failure(self.clock.now()) == RestartDecision::Escalate {
                            return Some(TreeEscalation {
                                child: child_path.to_string(),
                                ..escalation(reason, child_path.to_string())
                            });
                        }
                    }
                }
            }
        }
        None
    }

    fn children(&self) -> Vec<ChildSnapshot> {
        let rows: Vec<_> = lock(&self.entries)
            .iter()
            .map(|e| {
                (
                    e.path.to_string(),
                    e.child.kind,
                    e.state,
                    e.restarts,
                    e.running.clone(),
                )
            })
            .collect();
        rows.into_iter()
            .map(|(path, kind, state, restarts, running)| ChildSnapshot {
                path,
                kind,
                state,
                restarts,
                status: running.as_ref().and_then(|r| r.status()),
                children: running.map(|r| r.children()).unwrap_or_default(),
            })
            .collect()
    }

    fn is_done(&self) -> bool {
        *lock(&self.done)
    }

    fn mark_done(&self) {
        *lock(&self.done) = true;
        self.done_changed.notify_all();
    }

    /// Waits until the control thread has finished, or `deadline`; returns
    /// whether it has.
    fn wait_done(&self, deadline: Option<Instant>) -> bool {
        let mut done = lock(&self.done);
        while !*done {
            done = match deadline {
                None => self
                    .done_changed
                    .wait(done)
                    .unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.done_changed
                        .wait_timeout(done, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
        true
    }

    /// Stops the supervisor and waits until it has (unless called from
    /// its own thread, which cannot wait for itself).
    fn finish(&self) {
        let _ = self.control.send(Control::Stop);
        let thread = lock(&self.thread).take();
        if let Some(thread) = thread {
            if thread.thread().id() == thread::current().id() {
                *lock(&self.thread) = Some(thread);
                return;
            }
            let _ = thread.join();
        }
        // Another caller may be joining it: wait for the end all the same.
        self.wait_done(None);
    }
}

impl Running for Shared {
    fn signal_stop(&self, _deadline: Instant) {
        let _ = self.control.send(Control::Stop);
    }

    fn wait_stopped(&self, deadline: Instant) -> bool {
        self.wait_done(Some(deadline))
    }

    fn finish(&self) {
        Shared::finish(self);
    }

    fn children(&self) -> Vec<ChildSnapshot> {
        Shared::children(self)
    }

    fn as_supervisor(&self) -> Option<&Shared> {
        Some(self)
    }
}
