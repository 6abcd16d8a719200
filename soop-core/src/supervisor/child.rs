//! A child specification: what a supervisor starts, and again at every
//! restart.

use std::sync::Arc;
use std::time::Duration;

use crate::builder::Builder;
use crate::error::{BuildError, TreeError};
use crate::restart::Policy;
use crate::run_loop::RunLoops;
use crate::supervisor::current::Current;
use crate::supervisor::link::TreeLink;
use crate::supervisor::running::{Held, Running};
use crate::supervisor::snapshot::ChildKind;
use crate::supervisor::supervised::Supervised;
use crate::supervisor::tree::SupervisorBuilder;

type Start = dyn Fn(TreeLink) -> Result<Arc<dyn Running>, TreeError> + Send + Sync;

/// How long a supervisor waits for a child to stop, unless told otherwise.
pub const DEFAULT_SHUTDOWN: Duration = Duration::from_secs(5);

/// A child of a [`Supervisor`](crate::supervisor::Supervisor): a pool, a
/// group of run-loop workers, or another supervisor, with its restart type
/// and shutdown timeout.
///
/// The child is built by the function it was given, at the tree's start and
/// again at every restart, so a restarted child starts clean.
///
/// ```
/// use std::time::Duration;
/// use soop_core::from_fn;
/// use soop_core::restart::Policy;
/// use soop_core::supervisor::{Child, Supervisor};
///
/// let (cache, _cache_pool) = Child::pool("cache", |b| b.workers(2).build(from_fn(|k: u64| Ok::<_, String>(k))));
/// let cache = cache.restart(Policy::Transient).shutdown(Duration::from_secs(1));
/// let tree = Supervisor::builder("root").child(cache).start().unwrap();
/// tree.stop();
/// ```
#[derive(Clone)]
pub struct Child {
    pub(crate) name: Arc<str>,
    pub(crate) kind: ChildKind,
    pub(crate) restart: Policy,
    pub(crate) shutdown: Duration,
    pub(crate) start: Arc<Start>,
}

impl Child {
    /// A pool, built by `build` from a builder the supervisor prepared: the
    /// pool's name is its path in the tree (`root/data/db`), its events go
    /// to the tree's observers (as well as the builder's own), and it uses
    /// the tree's clock. Returns the child and a handle to whichever
    /// incarnation of the pool runs now. Any [`Supervised`] pool will do:
    /// soop-core's own, or a front-end's built from the same builder (an
    /// assign pool: `soop_assign::Builder::from(builder)`).
    ///
    /// ```
    /// use soop_core::{Job, ReplySlots, from_fn};
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let (child, squares) = Child::pool("squares", |b| b.workers(2).build(from_fn(|n: u64| Ok::<_, String>(n * n))));
    /// let tree = Supervisor::builder("root").child(child).start().unwrap();
    /// let slots = ReplySlots::new(1);
    /// let (reply_to, reply) = slots.pair();
    /// squares.get().unwrap().submit(Job::with_reply(9, reply_to)).unwrap();
    /// assert_eq!(reply.wait().unwrap(), Ok(81));
    /// ```
    pub fn pool<T, B>(name: impl Into<String>, build: B) -> (Child, Current<T>)
    where
        T: Supervised,
        B: Fn(Builder) -> Result<T, BuildError> + Send + Sync + 'static,
    {
        Child::held(name, ChildKind::Pool, build)
    }

    /// A group of run-loop workers ("actors": a poller, a health check, a
    /// connection keeper), built by `build` from a prepared builder as for
    /// [`pool`](Child::pool). Their [`Context`](crate::Context) says when
    /// the supervisor stops them, and by when it wants them gone.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::Context;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let health = Child::run_loops("health", |b| {
    ///     b.workers(1).run_loops(|| {
    ///         |ctx: &Context<'_>| {
    ///             while !ctx.sleep(Duration::from_millis(100)) {
    ///                 // check something, report it
    ///             }
    ///             Ok::<_, String>(())
    ///         }
    ///     })
    /// });
    /// let tree = Supervisor::builder("root").child(health).start().unwrap();
    /// tree.stop(); // wakes the sleep, the loop returns
    /// ```
    pub fn run_loops<B>(name: impl Into<String>, build: B) -> Child
    where
        B: Fn(Builder) -> Result<RunLoops, BuildError> + Send + Sync + 'static,
    {
        Child::held(name, ChildKind::RunLoops, build).0
    }

    /// A pool-like child built by `build` from a builder linked to the
    /// tree, and the handle to its running incarnation.
    fn held<T, B>(name: impl Into<String>, kind: ChildKind, build: B) -> (Child, Current<T>)
    where
        T: Supervised,
        B: Fn(Builder) -> Result<T, BuildError> + Send + Sync + 'static,
    {
        let current = Current::new();
        let handle = current.clone();
        let start = move |link: TreeLink| {
            let path = link.path.to_string();
            let child = build(Builder::new().linked(link))
                .map_err(|source| TreeError::Start { path, source })?;
            let child = Arc::new(child);
            current.set(Some(Arc::clone(&child)));
            let running: Arc<dyn Running> = Arc::new(Held {
                child,
                current: current.clone(),
            });
            Ok(running)
        };
        (Child::new(name, kind, start), handle)
    }

    /// A supervisor with children of its own, named by its builder. At
    /// every restart it starts clean: its children are built again from
    /// the builder (children added to it while it ran are not).
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Strategy, Supervisor};
    ///
    /// let (db, _) = Child::pool("db", |b| b.workers(1).build(from_fn(|q: String| Ok::<_, String>(q.len()))));
    /// let data = Supervisor::builder("data").strategy(Strategy::OneForAll).child(db);
    /// let tree = Supervisor::builder("root").child(Child::supervisor(data)).start().unwrap();
    /// assert!(tree.snapshot().find("root/data/db").is_some());
    /// ```
    pub fn supervisor(builder: SupervisorBuilder) -> Child {
        let name = builder.name().to_string();
        let start = move |link: TreeLink| {
            let running: Arc<dyn Running> = builder.start_linked(Some(link))?;
            Ok(running)
        };
        let mut child = Child::new(name, ChildKind::Supervisor, start);
        // A supervisor stops its own children one by one, each within its
        // own timeout, so it gets longer than a single worker.
        child.shutdown = DEFAULT_SHUTDOWN * 4;
        child
    }

    fn new(
        name: impl Into<String>,
        kind: ChildKind,
        start: impl Fn(TreeLink) -> Result<Arc<dyn Running>, TreeError> + Send + Sync + 'static,
    ) -> Child {
        Child {
            name: Arc::from(name.into()),
            kind,
            restart: Policy::Permanent,
            shutdown: DEFAULT_SHUTDOWN,
            start: Arc::new(start),
        }
    }

    /// When the supervisor restarts this child: always
    /// ([`Permanent`](Policy::Permanent), the default), only after a
    /// failure ([`Transient`](Policy::Transient)), or never
    /// ([`Temporary`](Policy::Temporary): it leaves the tree when it ends).
    ///
    /// ```
    /// use soop_core::Context;
    /// use soop_core::restart::Policy;
    /// use soop_core::supervisor::Child;
    ///
    /// // A one-off job: run once, never restarted.
    /// let once = Child::run_loops("migrate", |b| b.workers(1).run_loops(|| |_: &Context<'_>| Ok::<_, String>(())))
    ///     .restart(Policy::Temporary);
    /// # drop(once);
    /// ```
    pub fn restart(mut self, policy: Policy) -> Child {
        self.restart = policy;
        self
    }

    /// How long the supervisor waits for this child to stop before it
    /// reports it ([`Event::ChildStopTimedOut`](crate::Event::ChildStopTimedOut))
    /// and goes on without it. Default [`DEFAULT_SHUTDOWN`] (four times
    /// that for a supervisor). Rust cannot kill a thread: a child that
    /// ignores the stop keeps its threads until its calls return, and
    /// they are joined then, on a thread of their own.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::Child;
    ///
    /// let (child, _) = Child::pool("slow", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// let child = child.shutdown(Duration::from_millis(200));
    /// # drop(child);
    /// ```
    pub fn shutdown(mut self, timeout: Duration) -> Child {
        self.shutdown = timeout;
        self
    }

    /// The child's name in its supervisor.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::Child;
    ///
    /// let (child, _) = Child::pool("db", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// assert_eq!(child.name(), "db");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Child")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("restart", &self.restart)
            .field("shutdown", &self.shutdown)
            .finish_non_exhaustive()
    }
}
