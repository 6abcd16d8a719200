//! A pool of mailbox workers: N persistent threads sharing one mailbox.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use soop_buffers::{Completion, Mailbox, SendTimeoutError, TrySendError};

use crate::breaker::{Breaker, State};
use crate::builder::{Builder, MAX_WORKERS};
use crate::crew::{self, Crew, CrewCore, Exit, lock};
use crate::error::{Escalation, JobError, ResizeError, SubmitError};
use crate::observe::Event;
use crate::observe::panic_message;
use crate::status::{PoolStatus, WorkerCell, WorkerState};
use crate::worker::{Job, Outcome, Worker};

/// What travels through the mailbox.
pub(crate) enum Mail<W: Worker> {
    Job(Job<W>),
    /// Leave: the pool is shrinking.
    Retire,
}

/// A pool of persistent worker threads reading one shared mailbox.
///
/// Each worker runs on its own OS thread, takes inputs one at a time from the
/// mailbox, and parks when there is nothing to do (an idle pool uses no CPU;
/// threads never exit for lack of work). A failing worker (a panic or an
/// `Err` from [`Worker::handle`]) is rebuilt by its factory and restarted
/// according to the pool's restart policy, backoff and intensity; the
/// failing input's reply gets the error and nothing else queued is lost.
///
/// ```
/// use soop_core::{Job, Pool, ReplySlots, from_fn};
///
/// let pool = Pool::builder()
///     .workers(2)
///     .build(from_fn(|n: u64| Ok::<_, String>(n * n)))
///     .unwrap();
/// let slots = ReplySlots::new(8);
/// let (reply_to, reply) = slots.pair();
/// pool.submit(Job::with_reply(7, reply_to)).unwrap();
/// assert_eq!(reply.wait().unwrap(), Ok(49));
/// pool.stop(); // drains the mailbox, joins the threads
/// ```
///
/// # Stop, kill and drop
///
/// [`stop`](Pool::stop) closes the mailbox, lets the workers drain it, and
/// joins them. [`kill`](Pool::kill) closes it, resolves every queued job's
/// reply as [`JobError::Cancelled`], lets each worker finish its current
/// input, and joins them. A running `handle` call is never preempted:
/// cancellation is cooperative. Dropping the pool stops it. All three share
/// one idempotent path and never panic.
///
/// Called from inside one of the pool's own workers, `stop` and `kill` close
/// the mailbox and return at once without joining (a thread cannot join
/// itself, and two workers stopping at once would wait on each other); the
/// threads end by themselves and are joined by the next `stop`, `kill` or
/// drop from outside.
pub struct Pool<W: Worker> {
    crew: Arc<PoolCrew<W>>,
}

pub(crate) struct PoolCrew<W: Worker> {
    core: CrewCore,
    factory: Box<dyn Fn() -> W + Send + Sync>,
    mailbox: Mailbox<Mail<W>>,
    /// How many workers the pool should have, and the retire mails on
    /// their way (set by build and `resize`).
    staffing: Mutex<Staffing>,
    /// Spare workers for `run_inline`, one per thread that asked, built on
    /// first use and kept while they do not fail.
    inline_workers: Mutex<Vec<(std::thread::ThreadId, W)>>,
    /// Fails submissions fast while the pool keeps failing.
    breaker: Option<Breaker>,
}

impl Pool<Unbuilt> {
    /// A builder with every setting at its documented default; the same as
    /// [`Builder::new`]. The worker type comes with [`Builder::build`].
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.workers(), 2);
    /// ```
    pub fn builder() -> Builder {
        Builder::new()
    }
}

/// The worker type of `Pool::builder()` before `build` names the real one:
/// it has no values, so no pool of it can exist.
///
/// ```
/// use soop_core::{Builder, Pool};
///
/// // `Pool::builder()` is callable without naming a worker type first.
/// let builder: Builder = Pool::builder();
/// # drop(builder);
/// ```
#[derive(Debug)]
pub enum Unbuilt {}

impl Worker for Unbuilt {
    type Input = Unbuilt;
    type Output = Unbuilt;
    type Error = std::convert::Infallible;

    fn handle(&mut self, input: Unbuilt) -> Result<Unbuilt, Self::Error> {
        match input {}
    }
}

impl<W: Worker> Pool<W> {
    pub(crate) fn start(
        core: CrewCore,
        factory: Box<dyn Fn() -> W + Send + Sync>,
        mailbox: Mailbox<Mail<W>>,
        workers: usize,
        breaker: Option<Breaker>,
    ) -> Result<Self, std::io::Error> {
        let crew = Arc::new(PoolCrew {
            core,
            factory,
            mailbox,
            staffing: Mutex::new(Staffing {
                wanted: workers,
                retiring: 0,
                revoked: 0,
            }),
            inline_workers: Mutex::new(Vec::new()),
            breaker,
        });
        let pool = Pool { crew };
        for _ in 0..workers {
            // On failure, dropping `pool` stops and joins the threads
            // already started: a failed build leaks none.
            crew::spawn(&pool.crew)?;
        }
        crate::watchdog::start(&pool.crew)?;
        Ok(pool)
    }

    /// Queues a job, blocking while the mailbox is full.
    ///
    /// # Errors
    /// [`SubmitError::Closed`] when the pool is stopping or stopped,
    /// [`SubmitError::Open`] while its breaker is open; the job is inside.
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.submit(Job::new(1)).unwrap(); // fire and forget
    /// pool.stop();
    /// assert_eq!(pool.submit(Job::new(2)).unwrap_err().into_inner().into_input(), 2);
    /// ```
    pub fn submit(&self, job: Job<W>) -> Result<(), SubmitError<Job<W>>> {
        let job = self.crew.admit(job)?;
        self.crew
            .mailbox
            .send(Mail::Job(job))
            .map_err(|e| self.crew.refused(SubmitError::Closed(e.into_inner())))
    }

    /// Queues a job if the mailbox has room now; never blocks.
    ///
    /// # Errors
    /// [`SubmitError::Full`], [`SubmitError::Closed`] or
    /// [`SubmitError::Open`], with the job.
    ///
    /// ```
    /// use soop_core::{Job, Pool, SubmitError, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.try_submit(Job::new(1)).unwrap();
    /// pool.stop();
    /// assert!(matches!(pool.try_submit(Job::new(2)), Err(SubmitError::Closed(_))));
    /// ```
    pub fn try_submit(&self, job: Job<W>) -> Result<(), SubmitError<Job<W>>> {
        let job = self.crew.admit(job)?;
        self.crew.mailbox.try_send(Mail::Job(job)).map_err(|e| {
            self.crew.refused(match e {
                TrySendError::Full(m) => SubmitError::Full(m),
                TrySendError::Closed(m) => SubmitError::Closed(m),
            })
        })
    }

    /// Queues a job, blocking at most `timeout` while the mailbox is full.
    ///
    /// # Errors
    /// [`SubmitError::Timeout`], [`SubmitError::Closed`] or
    /// [`SubmitError::Open`], with the job.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.submit_timeout(Job::new(1), Duration::from_secs(1)).unwrap();
    /// pool.kill();
    /// let refused = pool.submit_timeout(Job::new(2), Duration::from_secs(1)).unwrap_err();
    /// assert!(refused.is_closed());
    /// ```
    pub fn submit_timeout(
        &self,
        job: Job<W>,
        timeout: Duration,
    ) -> Result<(), SubmitError<Job<W>>> {
        self.submit_deadline_opt(job, Instant::now().checked_add(timeout))
    }

    /// Queues a job, blocking until `deadline` at most while the mailbox is
    /// full.
    ///
    /// # Errors
    /// As [`submit_timeout`](Pool::submit_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.submit_deadline(Job::new(1), Instant::now() + Duration::from_secs(1)).unwrap();
    /// ```
    pub fn submit_deadline(
        &self,
        job: Job<W>,
        deadline: Instant,
    ) -> Result<(), SubmitError<Job<W>>> {
        self.submit_deadline_opt(job, Some(deadline))
    }

    fn submit_deadline_opt(
        &self,
        job: Job<W>,
        deadline: Option<Instant>,
    ) -> Result<(), SubmitError<Job<W>>> {
        let Some(deadline) = deadline else {
            return self.submit(job);
        };
        let job = self.crew.admit(job)?;
        self.crew
            .mailbox
            .send_deadline(Mail::Job(job), deadline)
            .map_err(|e| {
                self.crew.refused(match e {
                    SendTimeoutError::Timeout(m) => SubmitError::Timeout(m),
                    SendTimeoutError::Closed(m) => SubmitError::Closed(m),
                })
            })
    }

    /// Grows or shrinks the pool to `workers` while it runs. New workers
    /// start at once; leaving ones are told through the mailbox, so they go
    /// after the work already queued. Every idle worker takes from the same
    /// mailbox, so load spreads over whatever number there is.
    ///
    /// # Errors
    /// [`ResizeError::Zero`] for 0, [`ResizeError::TooLarge`] above [`MAX_WORKERS`](crate::MAX_WORKERS), [`ResizeError::Closed`] once the pool is
    /// stopping, [`ResizeError::Spawn`] if a thread could not start.
    ///
    /// ```
    /// use soop_core::{Pool, ResizeError, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.resize(3).unwrap();
    /// assert_eq!(pool.workers(), 3);
    /// assert!(matches!(pool.resize(0), Err(ResizeError::Zero)));
    /// assert!(matches!(pool.resize(usize::MAX), Err(ResizeError::TooLarge { .. })));
    /// ```
    pub fn resize(&self, workers: usize) -> Result<(), ResizeError> {
        if workers == 0 {
            return Err(ResizeError::Zero);
        }
        if workers > MAX_WORKERS {
            return Err(ResizeError::TooLarge {
                value: workers,
                max: MAX_WORKERS,
            });
        }
        let mut staffing = lock(&self.crew.staffing);
        if self.crew.core.is_stopping() || self.crew.mailbox.is_closed() {
            return Err(ResizeError::Closed);
        }
        while staffing.wanted < workers {
            // A worker told to retire but still here stays instead of a new
            // thread starting: resizing down and up again never piles up
            // threads.
            if staffing.retiring > staffing.revoked {
                staffing.revoked += 1;
            } else {
                crew::spawn(&self.crew)?;
            }
            staffing.wanted += 1;
        }
        let leaving = staffing.wanted.saturating_sub(workers);
        staffing.wanted -= leaving;
        staffing.retiring += leaving;
        // Not holding the lock while the mailbox is full: a worker taking a
        // retire mail needs it to learn whether the mail still stands.
        drop(staffing);
        for _ in 0..leaving {
            if self.crew.mailbox.send(Mail::Retire).is_err() {
                return Err(ResizeError::Closed);
            }
        }
        Ok(())
    }

    /// Whether the calling thread is one of this pool's workers.
    ///
    /// A worker that submits to its own pool and then waits could wait for
    /// ever (on a pool of one worker, it is the only one who could do the
    /// job); front-ends use this to run such jobs inline instead.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert!(!pool.is_current_worker()); // asked from the caller's thread
    /// ```
    pub fn is_current_worker(&self) -> bool {
        crew::is_current(&self.crew)
    }

    /// Runs one input on the calling thread, with a spare worker the pool's
    /// factory built for this thread (kept for the next call, rebuilt after
    /// a failure), and returns its outcome. Failures are caught as in the
    /// pool's own workers, but they do not count as restarts.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n + 1))).unwrap();
    /// assert_eq!(pool.run_inline(1), Ok(2));
    /// ```
    pub fn run_inline(&self, input: W::Input) -> Outcome<W> {
        let me = std::thread::current().id();
        let spare = {
            let mut spares = lock(&self.crew.inline_workers);
            let position = spares.iter().position(|(owner, _)| *owner == me);
            position.map(|i| spares.swap_remove(i).1)
        };
        let mut worker = match spare {
            Some(worker) => worker,
            None => match catch_unwind(AssertUnwindSafe(|| (self.crew.factory)())) {
                Ok(worker) => worker,
                Err(panic) => return Err(JobError::Panicked(panic_message(&*panic))),
            },
        };
        match catch_unwind(AssertUnwindSafe(|| worker.handle(input))) {
            Ok(Ok(output)) => {
                lock(&self.crew.inline_workers).push((me, worker));
                Ok(output)
            }
            Ok(Err(error)) => {
                let _ = catch_unwind(AssertUnwindSafe(move || drop(worker)));
                Err(JobError::Failed(error))
            }
            Err(panic) => {
                let _ = catch_unwind(AssertUnwindSafe(move || drop(worker)));
                Err(JobError::Panicked(panic_message(&*panic)))
            }
        }
    }

    /// How many workers the pool is meant to have.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.resize(1).unwrap();
    /// assert_eq!(pool.workers(), 1); // what it is meant to have; the leaver goes after queued work
    /// ```
    pub fn workers(&self) -> usize {
        lock(&self.crew.staffing).wanted
    }

    /// How many queued inputs the mailbox holds before submitters block
    /// (set by [`Builder::mailbox_capacity`](crate::Builder::mailbox_capacity)).
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().mailbox_capacity(64).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.mailbox_capacity(), 64);
    /// ```
    pub fn mailbox_capacity(&self) -> usize {
        self.crew.mailbox.capacity()
    }

    /// A snapshot: each worker's state and counts, and the mailbox depth.
    ///
    /// ```
    /// use soop_core::{Pool, WorkerState, from_fn};
    ///
    /// let pool = Pool::builder().workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let status = pool.status();
    /// assert_eq!((status.name.as_str(), status.workers.len(), status.queued), ("soop", 2, 0));
    /// pool.stop();
    /// assert!(pool.status().workers.iter().all(|w| w.state == WorkerState::Stopped));
    /// ```
    pub fn status(&self) -> PoolStatus {
        PoolStatus {
            name: self.crew.core.name.to_string(),
            workers: self.crew.core.statuses(),
            queued: self.crew.mailbox.len(),
            terminal: self.crew.core.terminal(),
            breaker: self.crew.breaker.as_ref().map(Breaker::state),
        }
    }

    /// The pool's name, as given to its builder.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().name("mailer").workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert_eq!(pool.name(), "mailer");
    /// ```
    pub fn name(&self) -> &str {
        &self.crew.core.name
    }

    /// Why the pool gave up, if it escalated.
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.stop();
    /// assert_eq!(pool.terminal(), None); // stopped, not escalated
    /// ```
    pub fn terminal(&self) -> Option<Escalation> {
        self.crew.core.terminal()
    }

    /// Whether the pool takes no more jobs (stopped, killed, escalated, or
    /// left without workers).
    ///
    /// ```
    /// use soop_core::{Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// assert!(!pool.is_closed());
    /// pool.kill();
    /// assert!(pool.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.crew.mailbox.is_closed()
    }

    /// Closes the mailbox, lets the workers drain it, and joins them.
    /// Idempotent. See [Stop, kill and drop](Pool#stop-kill-and-drop).
    ///
    /// ```
    /// use soop_core::{Job, Pool, ReplySlots, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// let slots = ReplySlots::new(4);
    /// let (reply_to, reply) = slots.pair();
    /// pool.submit(Job::with_reply(3, reply_to)).unwrap();
    /// pool.stop(); // drains first
    /// assert_eq!(reply.wait().unwrap(), Ok(3));
    /// pool.stop(); // idempotent
    /// ```
    pub fn stop(&self) {
        self.shutdown(false);
    }

    /// Closes the mailbox, cancels every queued job, lets each worker
    /// finish its current input, and joins them. Idempotent. See
    /// [Stop, kill and drop](Pool#stop-kill-and-drop).
    ///
    /// ```
    /// use soop_core::{Job, Pool, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
    /// pool.kill(); // queued jobs are cancelled: their replies say so
    /// pool.kill(); // idempotent
    /// assert!(pool.submit(Job::new(1)).is_err());
    /// ```
    pub fn kill(&self) {
        self.shutdown(true);
    }

    /// Begins a stop without waiting: closes the mailbox (the workers
    /// drain it), noting by when the stopper wants them gone.
    pub(crate) fn signal_stop(&self, deadline: Instant) {
        self.crew.core.set_stop_deadline(deadline);
        self.crew.mailbox.close();
        self.crew.core.begin_stopping();
    }

    /// Waits until every worker thread has ended, or `deadline`.
    pub(crate) fn wait_ended(&self, deadline: Instant) -> bool {
        self.crew.core.wait_ended(deadline)
    }

    fn shutdown(&self, cancel: bool) {
        let core = &self.crew.core;
        self.crew.mailbox.close();
        if cancel {
            core.halt();
            self.crew.cancel_queued();
        } else {
            core.begin_stopping();
        }
        if core.join_threads() {
            return; // called from a worker: see the type's docs
        }
        // Nothing can be taken any more; whatever is left never runs.
        self.crew.cancel_queued();
        core.finish_observers();
    }
}

impl<W: Worker> Drop for Pool<W> {
    fn drop(&mut self) {
        self.shutdown(false);
    }
}

impl<W: Worker> std::fmt::Debug for Pool<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("name", &self.name())
            .field("workers", &self.workers())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl<W: Worker> PoolCrew<W> {
    /// Lets a job through the breaker, if the pool has one.
    fn admit(&self, job: Job<W>) -> Result<Job<W>, SubmitError<Job<W>>> {
        let Some(breaker) = &self.breaker else {
            return Ok(job);
        };
        match breaker.admit_noting() {
            Ok(changed) => {
                self.breaker_changed(changed);
                Ok(job)
            }
            Err(_) => Err(SubmitError::Open(job)),
        }
    }

    /// The mailbox refused a job the breaker had let through: it never
    /// runs, so it counts for nothing. Hands back the job.
    fn refused(&self, error: SubmitError<Mail<W>>) -> SubmitError<Job<W>> {
        self.release();
        error.map(|mail| match mail {
            Mail::Job(job) => job,
            // Retire mails are sent only by `resize`, which keeps its own.
            Mail::Retire => unreachable!("a retire mail returned to a submitter"),
        })
    }

    /// A job let through never ran (refused, cancelled, or its ticket
    /// dropped).
    fn release(&self) {
        if let Some(breaker) = &self.breaker {
            breaker.release();
        }
    }

    /// A job ran: counts its outcome.
    fn record(&self, success: bool) {
        if let Some(breaker) = &self.breaker {
            self.breaker_changed(breaker.record_noting(success));
        }
    }

    fn breaker_changed(&self, changed: Option<State>) {
        if let Some(state) = changed {
            self.core.emit(Event::BreakerChanged {
                pool: Arc::clone(&self.core.name),
                state,
            });
        }
    }

    /// Resolves every queued job as cancelled.
    fn cancel_queued(&self) {
        while let Ok(mail) = self.mailbox.try_recv() {
            if let Mail::Job(job) = mail {
                self.release();
                deliver::<W>(job.reply, Err(JobError::Cancelled));
            }
        }
    }
}

/// Puts an outcome in its reply slot, if anyone asked for one. A dropped
/// ticket is fine: the value is discarded and the worker goes on.
fn deliver<W: Worker>(reply: Option<soop_buffers::ReplyTo<Outcome<W>>>, outcome: Outcome<W>) {
    if let Some(reply) = reply {
        match reply.complete(outcome) {
            Completion::Delivered => {}
            Completion::Abandoned(unread) => drop(unread),
        }
    }
}

/// The pool's size, and the retire mails sent but not yet taken.
struct Staffing {
    wanted: usize,
    /// Retire mails sent and not yet taken by a worker.
    retiring: usize,
    /// How many of those a grow has taken back: the workers taking them
    /// stay.
    revoked: usize,
}

impl<W: Worker> PoolCrew<W> {
    /// A worker took a retire mail: whether it leaves (or a later grow took
    /// the mail back).
    fn retire_stands(&self) -> bool {
        let mut staffing = lock(&self.staffing);
        staffing.retiring = staffing.retiring.saturating_sub(1);
        if staffing.revoked > 0 {
            staffing.revoked -= 1;
            return false;
        }
        true
    }
}

impl<W: Worker> Crew for PoolCrew<W> {
    fn core(&self) -> &CrewCore {
        &self.core
    }

    fn run_once(&self, cell: &WorkerCell) -> Exit {
        let mut worker = match catch_unwind(AssertUnwindSafe(|| (self.factory)())) {
            Ok(worker) => worker,
            Err(panic) => {
                return Exit::Failed(format!("the factory panicked: {}", panic_message(&*panic)));
            }
        };
        let exit = loop {
            cell.set(WorkerState::Idle);
            let job = match self.mailbox.recv() {
                Ok(Mail::Job(job)) => job,
                Ok(Mail::Retire) => {
                    if self.retire_stands() {
                        break Exit::Retired;
                    }
                    continue;
                }
                Err(_) => break Exit::Closed,
            };
            if self.core.halted() {
                self.release();
                deliver::<W>(job.reply, Err(JobError::Cancelled));
                continue;
            }
            if job.reply.as_ref().is_some_and(|r| r.is_abandoned()) {
                // Its ticket was dropped before the job started: it never runs.
                self.release();
                continue;
            }
            cell.set(WorkerState::Busy);
            let Job { input, reply } = job;
            self.core.watch(cell);
            let handled = catch_unwind(AssertUnwindSafe(|| worker.handle(input)));
            self.core.unwatch(cell);
            match handled {
                Ok(Ok(output)) => {
                    cell.processed();
                    self.record(true);
                    deliver::<W>(reply, Ok(output));
                }
                Ok(Err(error)) => {
                    cell.failed();
                    self.record(false);
                    let message = error.to_string();
                    deliver::<W>(reply, Err(JobError::Failed(error)));
                    break Exit::Failed(message);
                }
                Err(panic) => {
                    cell.failed();
                    self.record(false);
                    let message = panic_message(&*panic);
                    deliver::<W>(reply, Err(JobError::Panicked(message.clone())));
                    break Exit::Failed(message);
                }
            }
            if cell.is_replaced() {
                // A replacement took this place while the call stalled.
                break Exit::Retired;
            }
        };
        // The worker's own Drop is user code too.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(worker)));
        exit
    }

    fn wind_down(&self) {
        self.mailbox.close();
        self.cancel_queued();
    }
}
