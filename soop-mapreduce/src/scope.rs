//! Running one borrowed job over chunks on persistent threads.
//!
//! The pool's threads live for ever, but the job borrows the caller's data,
//! so its lifetime is erased to cross into them. That is sound because of
//! three rules, which the code below keeps and the SAFETY comments cite:
//!
//! 1. A helper dereferences the job only between a successful `enter`
//!    (which fails once the batch is closed) and its `exit`.
//! 2. The caller does not return (not even by unwinding: every call of the
//!    job is inside `catch_unwind`) before it has closed the batch and seen
//!    the count of entered helpers fall to zero.
//! 3. Closing and entering take the same lock, so no helper can enter after
//!    the caller has seen the count at zero.
//!
//! Helpers that start after the close find nothing to do and leave without
//! touching the job, so a caller never waits for a helper that is still
//! queued: a map-reduce nested inside another one's closure just does its
//! own chunks if every worker is busy.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::PoisonError;

use soop_core::{Job, Pool, Worker};

use crate::sync::{Arc, AtomicUsize, Condvar, Mutex, Ordering, lock};

/// The borrowed job, its lifetime erased (see the module's rules).
struct ErasedJob(*const (dyn Fn(usize) + Sync + 'static));

// SAFETY: the pointee is `Sync` (`dyn Fn(usize) + Sync`), so sharing the
// pointer between threads shares only `&` access to a `Sync` value; the
// pointer itself is dereferenced only under rule 1.
unsafe impl Send for ErasedJob {}
// SAFETY: as for `Send`: only shared references to a `Sync` value are made.
unsafe impl Sync for ErasedJob {}

/// One call's chunks, shared by the caller and its helpers.
pub(crate) struct Batch {
    job: ErasedJob,
    chunks: usize,
    /// The next chunk to claim. Relaxed: each index is claimed once by the
    /// atomic increment; results are published through `phase`'s lock.
    next: AtomicUsize,
    phase: Mutex<Phase>,
    helpers_gone: Condvar,
    panic: Mutex<Option<String>>,
}

struct Phase {
    closed: bool,
    /// Helpers between `enter` and `exit`.
    active: usize,
}

/// The pool worker that helps with batches.
pub(crate) struct Helper;

impl Worker for Helper {
    type Input = Arc<Batch>;
    type Output = ();
    type Error = std::convert::Infallible;

    fn handle(&mut self, batch: Arc<Batch>) -> Result<(), Self::Error> {
        batch.help();
        Ok(())
    }
}

/// Runs `job(i)` for every `i` in `0..chunks`, on up to `helpers` of the
/// pool's workers and on the calling thread, and returns once every call
/// has finished. The first panic's message is returned as the error; the
/// chunks not yet started then are skipped.
pub(crate) fn run_chunks(
    pool: &Pool<Helper>,
    helpers: usize,
    chunks: usize,
    job: &(dyn Fn(usize) + Sync),
) -> Result<(), String> {
    if chunks == 0 {
        return Ok(());
    }
    let batch = Batch::new(job, chunks);
    for _ in 0..helpers.min(chunks - 1) {
        // Never block: if the mailbox is full or closed, the caller does
        // more chunks itself.
        if pool.try_submit(Job::new(Arc::clone(&batch))).is_err() {
            break;
        }
    }
    batch.finish()
}

impl Batch {
    /// A batch of `chunks` calls of `job`. The caller must call `finish`
    /// before `job`'s borrow ends (rule 2).
    pub(crate) fn new(job: &(dyn Fn(usize) + Sync), chunks: usize) -> Arc<Batch> {
        // SAFETY: only the lifetime changes. Rules 1–3 keep every
        // dereference of the erased pointer before `finish` returns, and
        // `run_chunks`, the one caller, calls `finish` while `job` is still
        // borrowed.
        let erased: &'static (dyn Fn(usize) + Sync + 'static) = unsafe {
            std::mem::transmute::<&(dyn Fn(usize) + Sync), &'static (dyn Fn(usize) + Sync + 'static)>(
                job,
            )
        };
        Arc::new(Batch {
            job: ErasedJob(erased),
            chunks,
            next: AtomicUsize::new(0),
            phase: Mutex::new(Phase {
                closed: false,
                active: 0,
            }),
            helpers_gone: Condvar::new(),
            panic: Mutex::new(None),
        })
    }

    /// What a helper does: enter if still open, work, leave.
    pub(crate) fn help(&self) {
        if self.enter() {
            self.work();
            self.exit();
        }
    }

    /// What the caller does: work, close, wait for helpers inside to leave,
    /// and report the first panic.
    pub(crate) fn finish(&self) -> Result<(), String> {
        self.work();
        self.close_and_wait();
        match lock(&self.panic).take() {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }

    /// A helper asks to work; refused once the caller has closed.
    fn enter(&self) -> bool {
        let mut phase = lock(&self.phase);
        if phase.closed {
            return false;
        }
        phase.active += 1;
        true
    }

    fn exit(&self) {
        let mut phase = lock(&self.phase);
        phase.active -= 1;
        let last = phase.closed && phase.active == 0;
        drop(phase);
        if last {
            self.helpers_gone.notify_all();
        }
    }

    /// Claims and runs chunks until none is left. Called by the caller and
    /// by entered helpers only.
    fn work(&self) {
        loop {
            let chunk = self.next.fetch_add(1, Ordering::Relaxed);
            if chunk >= self.chunks {
                return;
            }
            // SAFETY: we are the caller, or a helper between `enter` and
            // `exit` (rule 1); the caller has not returned (rule 2), so the
            // job is alive.
            let job = unsafe { &*self.job.0 };
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| job(chunk))) {
                let message = soop_core::panic_message(&*panic);
                lock(&self.panic).get_or_insert(message);
                // Skip what has not started: the call fails anyway.
                self.next.store(self.chunks, Ordering::Relaxed);
            }
        }
    }

    /// Closes the batch to helpers and waits for those inside to leave.
    fn close_and_wait(&self) {
        let mut phase = lock(&self.phase);
        phase.closed = true;
        while phase.active > 0 {
            phase = self
                .helpers_gone
                .wait(phase)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The batch protocol, reachable from the loom models only.
#[cfg(loom)]
#[doc(hidden)]
pub mod loom_api {
    use super::{Arc, Batch as Inner};

    /// A batch, for a model.
    #[derive(Clone)]
    pub struct Batch(Arc<Inner>);

    impl Batch {
        /// See `Batch::new`; the caller must call `finish` while `job` lives.
        pub fn new(job: &(dyn Fn(usize) + Sync), chunks: usize) -> Self {
            Batch(Inner::new(job, chunks))
        }
        /// See `Batch::help`.
        pub fn help(&self) {
            self.0.help();
        }
        /// See `Batch::finish`.
        pub fn finish(&self) -> Result<(), String> {
            self.0.finish()
        }
    }
}
