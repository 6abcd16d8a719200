//! One reply slot: a value cell and one atomic word of flags, so that an
//! answer's way from worker to waiter is a single cache line and no lock.
//!
//! Two parties use a slot, each once: the **writer** (a `ReplyTo`) fills it
//! or closes it, and the **reader** (a `Reply`) takes the value and releases
//! it. Each announces its end with one atomic OR on the word and reads, in
//! the same step, what the other has done:
//!
//! - the writer moves its value into the cell *before* it sets `FILLED`;
//!   the reader reads the cell only after seeing `FILLED`;
//! - the reader sets `RELEASED` when it is dropped; a writer that finds it
//!   set keeps its value (the cell is still its own) and hands it back;
//! - whichever of the two ends **last** owns the slot: the reader recycles
//!   it; a writer ending last (its reader gave up) lets it go with its
//!   handle. So a slot returns to its pool only when both have finished,
//!   and a late value can never reach the slot's next user.
//!
//! `SLEEPING` and `WAKER` are the slow path: the reader blocked on the
//! condvar, or a future registered a waker. The writer reads them from the
//! step that publishes its value, and only then pays for a lock and a
//! wake-up.

// The one module of the reply path with unsafe code: the value cell.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;
use std::task::Waker;
use std::time::Instant;

use crate::error::TryTakeError;
use crate::sync::{AtomicUsize, Condvar, Mutex, Ordering, UnsafeCell, lock, wait_until, yield_now};

/// The writer put its value in the cell.
const FILLED: usize = 1;
/// The writer ended without a value.
const CLOSED: usize = 1 << 1;
/// The reader took the value out of the cell.
const TAKEN: usize = 1 << 2;
/// The reader has gone.
const RELEASED: usize = 1 << 3;
/// The reader sleeps on `ready`.
const SLEEPING: usize = 1 << 4;
/// A waker waits in `parked`.
const WAKER: usize = 1 << 5;

const WRITER_DONE: usize = FILLED | CLOSED;

/// Checks a reader makes, busy-waiting, before it sleeps: a reply often
/// comes within a microsecond, and sleeping costs a wake-up.
const SPINS: u32 = 128;
/// Further checks, each after yielding the processor.
const YIELDS: u32 = 8;

pub(super) struct Slot<T> {
    word: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    /// The registered waker; also the lock a reader holds while it sets
    /// `SLEEPING` and goes to sleep, so that a notification cannot slip
    /// between the two.
    parked: Mutex<Option<Waker>>,
    ready: Condvar,
}

// SAFETY: the value cell has one user at a time: the writer until it sets
// FILLED (Release), then the reader, after seeing FILLED (Acquire); or, if
// the reader released first, the writer again (it saw RELEASED with Acquire,
// and the reader never reads a cell it did not see FILLED). The value moves
// between threads, never shared, so `T: Send` suffices.
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Slot<T> {
    pub(super) fn new() -> Self {
        Slot {
            word: AtomicUsize::new(0),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            parked: Mutex::new(None),
            ready: Condvar::new(),
        }
    }

    /// The writer's end with a value: delivered, or handed back if the
    /// reader has gone.
    pub(super) fn fill(&self, value: T) -> Result<(), T> {
        self.value.with_mut(|cell| {
            // SAFETY: the cell is the writer's until it sets FILLED below,
            // and empty: a slot starts (and is recycled) empty, and each
            // writer fills it at most once.
            unsafe { (*cell).write(value) };
        });
        // AcqRel: Release publishes the value with FILLED; Acquire orders
        // the reader's end (RELEASED) before we reclaim the value below.
        let before = self.word.fetch_or(FILLED, Ordering::AcqRel);
        if before & RELEASED != 0 {
            let value = self.value.with(|cell| {
                // SAFETY: the reader released before seeing FILLED, so it
                // never reads the cell: the value is still ours, read once.
                unsafe { (*cell).assume_init_read() }
            });
            // Relaxed: nobody else reaches the slot any more; this only
            // tells `drop` the cell is empty again.
            self.word.fetch_and(!FILLED, Ordering::Relaxed);
            return Err(value);
        }
        self.wake(before);
        Ok(())
    }

    /// The writer's end without a value.
    pub(super) fn close(&self) {
        // AcqRel: as in `fill`.
        let before = self.word.fetch_or(CLOSED, Ordering::AcqRel);
        if before & RELEASED == 0 {
            self.wake(before);
        }
    }

    /// Whether the reader has gone.
    pub(super) fn is_released(&self) -> bool {
        // Relaxed: a hint; `fill` decides with its own atomic step.
        self.word.load(Ordering::Relaxed) & RELEASED != 0
    }

    /// Whether the value (or the close) has arrived and the value was not
    /// taken yet.
    pub(super) fn is_ready(&self) -> bool {
        let word = self.word.load(Ordering::Acquire);
        word & WRITER_DONE != 0 && word & TAKEN == 0
    }

    /// Wakes the reader as the flags in `word` ask.
    fn wake(&self, word: usize) {
        if word & (SLEEPING | WAKER) == 0 {
            return;
        }
        // Taking the lock waits out a reader between setting SLEEPING and
        // sleeping, so the notification reaches it.
        let waker = {
            let mut parked = lock(&self.parked);
            if word & WAKER != 0 {
                parked.take()
            } else {
                None
            }
        };
        if word & SLEEPING != 0 {
            self.ready.notify_one();
        }
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The reader takes the value if it has arrived.
    pub(super) fn try_take(&self) -> Result<T, TryTakeError> {
        // Acquire: pairs with the Release in `fill`, so the value is seen.
        let word = self.word.load(Ordering::Acquire);
        if word & TAKEN != 0 {
            return Err(TryTakeError::Taken);
        }
        if word & CLOSED != 0 {
            return Err(TryTakeError::Closed);
        }
        if word & FILLED == 0 {
            return Err(TryTakeError::Empty);
        }
        let value = self.value.with(|cell| {
            // SAFETY: FILLED (seen with Acquire) means the value is written
            // and the writer is done with the cell; TAKEN, set next by this
            // reader (the only one), makes this read the only one.
            unsafe { (*cell).assume_init_read() }
        });
        // Relaxed: only this reader reads TAKEN; the writer has finished.
        self.word.fetch_or(TAKEN, Ordering::Relaxed);
        Ok(value)
    }

    /// Busy-waits a little for the value, then sleeps until it comes or
    /// `deadline` passes (`Empty` then).
    pub(super) fn wait_take(&self, deadline: Option<Instant>) -> Result<T, TryTakeError> {
        self.spin_until_ready();
        loop {
            match self.try_take() {
                Err(TryTakeError::Empty) => {}
                done => return done,
            }
            let parked = lock(&self.parked);
            // AcqRel: Acquire to see a value published meanwhile; Release so
            // that a writer seeing SLEEPING takes the lock after us.
            let before = self.word.fetch_or(SLEEPING, Ordering::AcqRel);
            let timed_out = if before & WRITER_DONE == 0 {
                let (parked, timed_out) = wait_until(&self.ready, parked, deadline);
                drop(parked);
                timed_out
            } else {
                drop(parked);
                false
            };
            // Relaxed: only this reader sets or reads it.
            self.word.fetch_and(!SLEEPING, Ordering::Relaxed);
            if timed_out {
                return self.try_take();
            }
        }
    }

    /// The reader takes the value, or registers `waker` to be woken when it
    /// comes.
    pub(super) fn poll_take(&self, waker: &Waker) -> Result<T, TryTakeError> {
        match self.try_take() {
            Err(TryTakeError::Empty) => {}
            done => return done,
        }
        let mut parked = lock(&self.parked);
        if !parked.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *parked = Some(waker.clone());
        }
        // AcqRel: as in `wait_take`, for WAKER.
        let before = self.word.fetch_or(WAKER, Ordering::AcqRel);
        drop(parked);
        if before & WRITER_DONE == 0 {
            return Err(TryTakeError::Empty);
        }
        self.try_take()
    }

    fn spin_until_ready(&self) {
        if cfg!(loom) {
            return;
        }
        for round in 0..SPINS + YIELDS {
            // Relaxed: a hint; `try_take` re-reads with Acquire.
            if self.word.load(Ordering::Relaxed) & WRITER_DONE != 0 {
                return;
            }
            if round < SPINS {
                std::hint::spin_loop();
            } else {
                yield_now();
            }
        }
    }

    /// The reader's end. Returns whether the writer had finished: then the
    /// slot is empty again and the caller may recycle it; otherwise the
    /// writer, ending last, hands back its value and lets the slot go.
    pub(super) fn release(&self) -> bool {
        // AcqRel: Acquire to own a filled value; Release so that a writer
        // seeing RELEASED knows we will not read the cell.
        let before = self.word.fetch_or(RELEASED, Ordering::AcqRel);
        if before & WRITER_DONE == 0 {
            return false;
        }
        if before & (FILLED | TAKEN) == FILLED {
            self.value.with_mut(|cell| {
                // SAFETY: filled, not taken, and both parties have ended:
                // nobody else reaches the cell.
                unsafe { (*cell).assume_init_drop() };
            });
        }
        if before & WAKER != 0 {
            let waker = lock(&self.parked).take();
            drop(waker);
        }
        // Relaxed: the slot's next users receive it through the pool's lock.
        self.word.store(0, Ordering::Relaxed);
        true
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        // Both parties' ends leave the cell empty; should a value be left
        // all the same, it is dropped with the slot, not leaked.
        if self.word.load(Ordering::Acquire) & (FILLED | TAKEN) == FILLED {
            self.value.with_mut(|cell| {
                // SAFETY: `&mut self`: nobody else holds the slot; filled and
                // not taken means the value is there.
                unsafe { (*cell).assume_init_drop() };
            });
        }
    }
}
