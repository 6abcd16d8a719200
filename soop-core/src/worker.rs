//! Workers: private state that handles one input at a time.

use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::Arc;

use soop_buffers::ReplyTo;

use crate::error::JobError;

/// A value with private state that handles one input at a time.
///
/// A pool builds each of its workers with a factory, at start and again at
/// every restart, so a restarted worker never sees state a failure left.
/// A panic or an `Err` from `handle` is a failure: the input's reply gets
/// it, and the worker is restarted by the pool's policy.
///
/// ```
/// use soop_core::Worker;
///
/// /// Counts the bytes it has seen; the count is its own, per thread.
/// struct Tally(usize);
///
/// impl Worker for Tally {
///     type Input = String;
///     type Output = usize;
///     type Error = std::convert::Infallible;
///
///     fn handle(&mut self, line: String) -> Result<usize, Self::Error> {
///         self.0 += line.len();
///         Ok(self.0)
///     }
/// }
/// ```
pub trait Worker: Send + 'static {
    /// What the worker takes.
    type Input: Send + 'static;
    /// What it gives back.
    type Output: Send + 'static;
    /// How it fails (a panic is a failure too).
    type Error: Display + Send + 'static;

    /// Handles one input. Never preempted: it runs to its end even while the
    /// pool stops.
    fn handle(&mut self, input: Self::Input) -> Result<Self::Output, Self::Error>;
}

/// A closure as a worker, from [`from_fn`]. The closure is shared by all the
/// pool's workers, so it is `Fn` and keeps no per-worker state.
pub struct FnWorker<F, I, O, E> {
    f: Arc<F>,
    _types: PhantomData<fn(I) -> (O, E)>,
}

/// Makes a worker factory from a closure, for [`Builder::build`](crate::Builder::build).
///
/// ```
/// use soop_core::{Pool, from_fn};
///
/// let pool = Pool::builder()
///     .workers(2)
///     .build(from_fn(|n: u64| Ok::<_, String>(n * 2)))
///     .unwrap();
/// # drop(pool);
/// ```
pub fn from_fn<F, I, O, E>(f: F) -> impl Fn() -> FnWorker<F, I, O, E> + Send + Sync + 'static
where
    F: Fn(I) -> Result<O, E> + Send + Sync + 'static,
    I: Send + 'static,
    O: Send + 'static,
    E: Display + Send + 'static,
{
    let f = Arc::new(f);
    move || FnWorker {
        f: Arc::clone(&f),
        _types: PhantomData,
    }
}

impl<F, I, O, E> Worker for FnWorker<F, I, O, E>
where
    F: Fn(I) -> Result<O, E> + Send + Sync + 'static,
    I: Send + 'static,
    O: Send + 'static,
    E: Display + Send + 'static,
{
    type Input = I;
    type Output = O;
    type Error = E;

    fn handle(&mut self, input: I) -> Result<O, E> {
        (self.f)(input)
    }
}

/// What a job's reply carries: the output, or why there is none.
pub type Outcome<W> = Result<<W as Worker>::Output, JobError<<W as Worker>::Error>>;

/// One input for a pool, with the slot its outcome goes to (if anyone
/// waits for it).
pub struct Job<W: Worker> {
    /// The input.
    pub input: W::Input,
    /// Where the outcome goes; `None` for fire-and-forget.
    pub reply: Option<ReplyTo<Outcome<W>>>,
}

impl<W: Worker> Job<W> {
    /// A job nobody waits for.
    pub fn new(input: W::Input) -> Self {
        Job { input, reply: None }
    }

    /// A job whose outcome goes to `reply`.
    pub fn with_reply(input: W::Input, reply: ReplyTo<Outcome<W>>) -> Self {
        Job {
            input,
            reply: Some(reply),
        }
    }

    /// The input, dropping the reply slot (its waiter sees it closed).
    pub fn into_input(self) -> W::Input {
        self.input
    }
}

impl<W: Worker> std::fmt::Debug for Job<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("has_reply", &self.reply.is_some())
            .finish_non_exhaustive()
    }
}
