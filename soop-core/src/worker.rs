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
///
/// ```
/// use soop_core::{FnWorker, Pool, from_fn};
///
/// fn double(n: u32) -> Result<u32, String> {
///     Ok(n * 2)
/// }
/// let pool: Pool<FnWorker<fn(u32) -> Result<u32, String>, u32, u32, String>> =
///     Pool::builder().workers(1).build(from_fn(double as fn(u32) -> Result<u32, String>)).unwrap();
/// assert_eq!(pool.run_inline(4), Ok(8));
/// ```
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
///
/// ```
/// use soop_core::{Outcome, Pool, Worker, from_fn};
///
/// struct Echo;
/// impl Worker for Echo {
///     type Input = u8;
///     type Output = u8;
///     type Error = String;
///     fn handle(&mut self, n: u8) -> Result<u8, String> {
///         Ok(n)
///     }
/// }
/// let pool = Pool::builder().workers(1).build(|| Echo).unwrap();
/// let outcome: Outcome<Echo> = pool.run_inline(7);
/// assert_eq!(outcome, Ok(7));
/// # let _ = from_fn(|n: u8| Ok::<_, String>(n));
/// ```
pub type Outcome<W> = Result<<W as Worker>::Output, JobError<<W as Worker>::Error>>;

/// One input for a pool, with the slot its outcome goes to (if anyone
/// waits for it).
///
/// ```
/// use soop_core::{Job, Pool, ReplySlots, from_fn};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n + 1))).unwrap();
/// let slots = ReplySlots::new(1);
/// let (reply_to, reply) = slots.pair();
/// pool.submit(Job::with_reply(1, reply_to)).unwrap();
/// pool.submit(Job::new(2)).unwrap(); // nobody waits for this one
/// assert_eq!(reply.wait().unwrap(), Ok(2));
/// ```
pub struct Job<W: Worker> {
    /// The input.
    pub input: W::Input,
    /// Where the outcome goes; `None` for fire-and-forget.
    pub reply: Option<ReplyTo<Outcome<W>>>,
}

impl<W: Worker> Job<W> {
    /// A job nobody waits for.
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let job = Job::new(5);
    /// assert!(job.reply.is_none());
    /// pool.submit(job).unwrap();
    /// ```
    pub fn new(input: W::Input) -> Self {
        Job { input, reply: None }
    }

    /// A job whose outcome goes to `reply`.
    ///
    /// ```
    /// use soop_core::{Job, JobError, Pool, ReplySlots, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Err::<u8, _>(format!("no {n}")))).unwrap();
    /// let slots = ReplySlots::new(1);
    /// let (reply_to, reply) = slots.pair();
    /// pool.submit(Job::with_reply(3, reply_to)).unwrap();
    /// assert_eq!(reply.wait().unwrap(), Err(JobError::Failed("no 3".to_string())));
    /// ```
    pub fn with_reply(input: W::Input, reply: ReplyTo<Outcome<W>>) -> Self {
        Job {
            input,
            reply: Some(reply),
        }
    }

    /// The input, dropping the reply slot (its waiter sees it closed).
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|s: String| Ok::<_, String>(s))).unwrap();
    /// pool.stop();
    /// let refused = pool.submit(Job::new("undelivered".to_string())).unwrap_err();
    /// assert_eq!(refused.into_inner().into_input(), "undelivered");
    /// ```
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
