//! One reply slot: a value cell and one atomic word of flags, so that an
//! answer's way from worker to waiter is a single cache line, no lock and
//! no reference count.
//!
//! Two parties use a slot, each once: the **writer** ([`WriterEnd`]) fills
//! it or closes it, and the **reader** ([`ReaderEnd`]) takes the value and
//! releases it. Each announces its end with one atomic step on the word and
//! reads, in the same step, what the other has done:
//!
//! - the writer moves its value into the cell *before* it sets `FILLED`;
//!   the reader reads the cell only after seeing `FILLED`;
//! - the writer sets `DONE` once it will not touch the slot again (in the
//!   same step as `FILLED` unless it has someone to wake first);
//! - the reader sets `RELEASED` when it ends; a writer that finds it set
//!   before filling keeps its value (the cell is still its own);
//! - whichever of the two ends **last** owns the slot, empties it and gives
//!   it back to its pool (`recycle`). So a slot returns to its pool only
//!   when both have finished: a late value, or a late wake-up, can never
//!   reach the slot's next user.
//!
//! The slot lives in an `Arc` that neither end counts: the pair is made
//! from one `Arc` turned into a pointer, and the party that ends last turns
//! it back. So the hot path touches no reference count.
//!
//! `SLEEPING` and `WAKER` are the slow path: the reader blocked on the
//! condvar, or a future registered a waker. The writer reads them from the
//! step that publishes its value, and only then pays for a lock and a
//! wake-up.

// Unsafe code here: the value cell and the slot's shared ownership. (The
// idle slots' list is `free_list.rs`'s.)
#![allow(unsafe_code)]

use std::mem::{ManuallyDrop, MaybeUninit};
use std::ptr::NonNull;
use std::task::Waker;
use std::time::Instant;

use super::free_list::FreeList;
use crate::error::TryTakeError;
use crate::sync::{
    Arc, AtomicUsize, Condvar, Mutex, Ordering, UnsafeCell, lock, wait_until, yield_now,
};

/// The writer put its value in the cell.
const FILLED: usize = 1;
/// The writer ended without a value.
const CLOSED: usize = 1 << 1;
/// The writer will not touch the slot again.
const DONE: usize = 1 << 2;
/// The reader took the value out of the cell.
const TAKEN: usize = 1 << 3;
/// The reader has ended.
const RELEASED: usize = 1 << 4;
/// The reader sleeps on `ready`.
const SLEEPING: usize = 1 << 5;
/// A waker waits in `parked`.
const WAKER: usize = 1 << 6;

const SETTLED: usize = FILLED | CLOSED;

/// Checks a reader makes, busy-waiting, before it sleeps: a reply often
/// comes within a microsecond, and sleeping costs a wake-up.
const SPINS: u32 = 128;
/// Further checks, each after yielding the processor.
const YIELDS: u32 = 8;

pub(super) struct Slot<T> {
    /// The list the slot goes back to (see `free_list.rs`).
    home: Arc<FreeList<T>>,
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
    pub(super) fn new(home: Arc<FreeList<T>>) -> Self {
        Slot {
            home,
            word: AtomicUsize::new(0),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            parked: Mutex::new(None),
            ready: Condvar::new(),
        }
    }

    pub(super) fn home(&self) -> &Arc<FreeList<T>> {
        &self.home
    }
}

/// Splits a free slot (word 0, cell empty) into its two ends.
pub(super) fn ends<T>(slot: Arc<Slot<T>>) -> (WriterEnd<T>, ReaderEnd<T>) {
    // The `Arc` is now owned by the pair, to be taken back by whichever
    // end finishes last (`into_arc`).
    let raw = Arc::into_raw(slot).cast_mut();
    // SAFETY: `Arc::into_raw` never returns null.
    let slot = unsafe { NonNull::new_unchecked(raw) };
    (WriterEnd { slot }, ReaderEnd { slot })
}

/// Takes back the `Arc` a pair was made from, empties the slot as `word`
/// says (a value nobody took, a waker left registered) and gives it back
/// to its pool.
///
/// # Safety
/// Only the end that finished last may call this, once, with the word as
/// that end found it.
unsafe fn recycle<T>(slot: NonNull<Slot<T>>, word: usize) {
    // SAFETY: `slot` came from an `Arc` in `ends`, kept alive since (the
    // pair owns it), and the caller is the one end entitled to take it back.
    let slot = unsafe { Arc::from_raw(slot.as_ptr()) };
    if word & (FILLED | TAKEN) == FILLED {
        slot.value.with_mut(|cell| {
            // SAFETY: filled, not taken, and both parties have ended:
            // nobody else reaches the cell. (Should the value's drop
            // panic, the slot is freed unwinding, and a slot has no drop
            // of its own that could drop the value twice.)
            unsafe { (*cell).assume_init_drop() };
        });
    }
    if word & WAKER != 0 {
        let waker = lock(&slot.parked).take();
        drop(waker);
    }
    // Relaxed: the slot's next users receive it through the free list,
    // whose lock orders this store before them.
    slot.word.store(0, Ordering::Relaxed);
    FreeList::give_back(slot);
}

/// The writing end of a slot.
pub(super) struct WriterEnd<T> {
    slot: NonNull<Slot<T>>,
}

/// The reading end of a slot.
pub(super) struct ReaderEnd<T> {
    slot: NonNull<Slot<T>>,
}

// SAFETY: an end is one party's handle; the slot it points to is `Sync` for
// `T: Send` and kept alive until both ends finish (see `recycle`).
unsafe impl<T: Send> Send for WriterEnd<T> {}
// SAFETY: shared references to an end only read the word.
unsafe impl<T: Send> Sync for WriterEnd<T> {}
// SAFETY: as for `WriterEnd`.
unsafe impl<T: Send> Send for ReaderEnd<T> {}
// SAFETY: shared references to an end only read the word.
unsafe impl<T: Send> Sync for ReaderEnd<T> {}

impl<T> WriterEnd<T> {
    fn slot(&self) -> &Slot<T> {
        // SAFETY: the slot outlives both ends (the pair owns its `Arc`).
        unsafe { self.slot.as_ref() }
    }

    /// Ends with a value: delivered, or handed back if the reader has gone.
    pub(super) fn fill(self, value: T) -> Result<(), T> {
        let this = ManuallyDrop::new(self);
        let slot = this.slot();
        slot.value.with_mut(|cell| {
            // SAFETY: the cell is the writer's until it sets FILLED below,
            // and empty: a slot starts (and is recycled) empty, and each
            // writer fills it at most once.
            unsafe { (*cell).write(value) };
        });
        // The common case, in one step: nobody to wake, reader still there.
        // AcqRel: Release publishes the value; Acquire is for the failure.
        if slot
            .word
            .compare_exchange(0, FILLED | DONE, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return Ok(());
        }
        // AcqRel: Release publishes the value with FILLED; Acquire orders
        // the reader's end (RELEASED) before we reclaim the value below.
        let before = slot.word.fetch_or(FILLED, Ordering::AcqRel);
        if before & RELEASED != 0 {
            let value = slot.value.with(|cell| {
                // SAFETY: the reader released before seeing FILLED, so it
                // never reads the cell: the value is still ours, read once.
                unsafe { (*cell).assume_init_read() }
            });
            // SAFETY: the reader has ended; we are last. `before` has no
            // FILLED: the cell is empty again.
            unsafe { recycle(this.slot, before) };
            return Err(value);
        }
        this.finish(before);
        Ok(())
    }

    /// Ends without a value.
    pub(super) fn close(self) {
        let this = ManuallyDrop::new(self);
        this.end_without_value();
    }

    fn end_without_value(&self) {
        let slot = self.slot();
        // AcqRel: as in `fill`.
        if slot
            .word
            .compare_exchange(0, CLOSED | DONE, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return;
        }
        let before = slot.word.fetch_or(CLOSED, Ordering::AcqRel);
        if before & RELEASED != 0 {
            // SAFETY: the reader has ended; we are last.
            unsafe { recycle(self.slot, before) };
            return;
        }
        self.finish(before);
    }

    /// After settling: wakes the reader as the flags in `before` ask, then
    /// sets DONE; recycles the slot if the reader ended meanwhile.
    fn finish(&self, before: usize) {
        let slot = self.slot();
        slot.wake(before);
        // AcqRel: Release so that a reader seeing DONE knows we are out;
        // Acquire so that, seeing RELEASED, we own what the reader left.
        let before = slot.word.fetch_or(DONE, Ordering::AcqRel);
        if before & RELEASED != 0 {
            // SAFETY: the reader ended without seeing DONE; we are last.
            unsafe { recycle(self.slot, before) };
        }
    }

    /// Whether the reader has ended.
    pub(super) fn is_released(&self) -> bool {
        // Relaxed: a hint; `fill` decides with its own atomic step.
        self.slot().word.load(Ordering::Relaxed) & RELEASED != 0
    }
}

impl<T> Drop for WriterEnd<T> {
    /// A writer dropped without `fill` or `close` closes.
    fn drop(&mut self) {
        self.end_without_value();
    }
}

impl<T> Slot<T> {
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
}

impl<T> ReaderEnd<T> {
    fn slot(&self) -> &Slot<T> {
        // SAFETY: the slot outlives both ends (the pair owns its `Arc`).
        unsafe { self.slot.as_ref() }
    }

    /// Whether the value (or the close) has arrived and the value was not
    /// taken yet.
    pub(super) fn is_ready(&self) -> bool {
        let word = self.slot().word.load(Ordering::Acquire);
        word & SETTLED != 0 && word & TAKEN == 0
    }

    /// Takes the value if it has arrived.
    pub(super) fn try_take(&mut self) -> Result<T, TryTakeError> {
        let slot = self.slot();
        // Acquire: pairs with the Release in `fill`, so the value is seen.
        let word = slot.word.load(Ordering::Acquire);
        if word & TAKEN != 0 {
            return Err(TryTakeError::Taken);
        }
        if word & CLOSED != 0 {
            return Err(TryTakeError::Closed);
        }
        if word & FILLED == 0 {
            return Err(TryTakeError::Empty);
        }
        let value = slot.value.with(|cell| {
            // SAFETY: FILLED (seen with Acquire) means the value is written
            // and the writer is done with the cell; TAKEN, set next by this
            // reader (the only one, `&mut self`), makes this read the only
            // one.
            unsafe { (*cell).assume_init_read() }
        });
        // Relaxed: only this reader reads TAKEN, and the slot's owner at the
        // end sees it through the ends' own atomic steps. Once the writer is
        // DONE nobody else writes the word, so a plain store does.
        if word & DONE != 0 {
            slot.word.store(word | TAKEN, Ordering::Relaxed);
        } else {
            slot.word.fetch_or(TAKEN, Ordering::Relaxed);
        }
        Ok(value)
    }

    /// Busy-waits a little for the value, then sleeps until it comes or
    /// `deadline` passes (`Empty` then).
    pub(super) fn wait_take(&mut self, deadline: Option<Instant>) -> Result<T, TryTakeError> {
        self.spin_until_ready();
        loop {
            match self.try_take() {
                Err(TryTakeError::Empty) => {}
                done => return done,
            }
            let slot = self.slot();
            let parked = lock(&slot.parked);
            // AcqRel: Acquire to see a value published meanwhile; Release so
            // that a writer seeing SLEEPING takes the lock after us.
            let before = slot.word.fetch_or(SLEEPING, Ordering::AcqRel);
            let timed_out = if before & SETTLED == 0 {
                let (parked, timed_out) = wait_until(&slot.ready, parked, deadline);
                drop(parked);
                timed_out
            } else {
                drop(parked);
                false
            };
            // Relaxed: only this reader sets or reads it.
            slot.word.fetch_and(!SLEEPING, Ordering::Relaxed);
            if timed_out {
                return self.try_take();
            }
        }
    }

    /// Takes the value, or registers `waker` to be woken when it comes.
    pub(super) fn poll_take(&mut self, waker: &Waker) -> Result<T, TryTakeError> {
        match self.try_take() {
            Err(TryTakeError::Empty) => {}
            done => return done,
        }
        let slot = self.slot();
        let mut parked = lock(&slot.parked);
        if !parked.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *parked = Some(waker.clone());
        }
        // AcqRel: as in `wait_take`, for WAKER.
        let before = slot.word.fetch_or(WAKER, Ordering::AcqRel);
        drop(parked);
        if before & SETTLED == 0 {
            return Err(TryTakeError::Empty);
        }
        self.try_take()
    }

    fn spin_until_ready(&self) {
        if cfg!(loom) {
            return;
        }
        let slot = self.slot();
        for round in 0..SPINS + YIELDS {
            // Relaxed: a hint; `try_take` re-reads with Acquire.
            if slot.word.load(Ordering::Relaxed) & SETTLED != 0 {
                return;
            }
            if round < SPINS {
                std::hint::spin_loop();
            } else {
                yield_now();
            }
        }
    }

    /// Ends the reading, recycling the slot if the writer has finished
    /// (otherwise the writer, ending last, does).
    fn end(&self) {
        let slot = self.slot();
        let word = loop {
            // Acquire: to own what a DONE writer left.
            let word = slot.word.load(Ordering::Acquire);
            if word & SETTLED == 0 || word & DONE != 0 {
                break word;
            }
            // A writer that has settled but is still waking us is a few
            // instructions from DONE: wait for it, so that the slot goes
            // back from this thread (which takes slots too) rather than
            // from the writer's.
            yield_now();
        };
        let before = if word & DONE != 0 {
            // The writer is out and nobody else writes the word: no need to
            // announce the end with an atomic step.
            word
        } else {
            // AcqRel: Acquire to own what the writer left; Release so that
            // a writer seeing RELEASED knows we will not touch the slot.
            let before = slot.word.fetch_or(RELEASED, Ordering::AcqRel);
            if before & DONE == 0 {
                return;
            }
            before
        };
        // SAFETY: the writer was DONE; we are last.
        unsafe { recycle(self.slot, before) };
    }
}

impl<T> Drop for ReaderEnd<T> {
    /// The reader's one end.
    fn drop(&mut self) {
        self.end();
    }
}
