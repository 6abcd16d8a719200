//! A bounded lock-free queue of single items, for many senders and many
//! receivers: the storage under [`Mailbox`](crate::Mailbox).
//!
//! The classic array queue with a sequence stamp per cell (after Dmitry
//! Vyukov's bounded MPMC queue). Positions only grow; position `p` lives in
//! cell `p % capacity`. A cell's stamp says what it waits for:
//!
//! - `stamp == 2p`: empty, ready for the sender of position `p`;
//! - `stamp == 2p + 1`: holds position `p`'s item, ready for its receiver;
//! - the receiver then sets `2(p + capacity)`: empty for the next lap.
//!
//! (Doubled, so that "full" and "empty" never share a value, even in a ring
//! of one cell.)
//!
//! A sender claims a position by advancing `tail` with a compare-and-swap,
//! then writes the cell and publishes the stamp; a receiver does the same
//! with `head`. So each side touches its own index and the cell, and an item
//! crosses between threads in the cell's one cache line.
//!
//! Closing sets the top bit of `tail`: every later claim fails its
//! compare-and-swap, so after a close no item can enter, and a receiver that
//! finds `head` at the closed `tail` knows nothing more will come.

// The one module of this crate's mailbox path with unsafe code: the cells.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use crate::cache_line::CacheLine;
use crate::sync::{AtomicUsize, Ordering, UnsafeCell};

/// The closed mark, in `tail`.
const CLOSED: usize = 1 << (usize::BITS - 1);

pub(crate) struct Ring<T> {
    cells: Box<[Cell<T>]>,
    /// The next position to receive.
    head: CacheLine<AtomicUsize>,
    /// The next position to send, with the closed mark.
    tail: CacheLine<AtomicUsize>,
}

struct Cell<T> {
    stamp: AtomicUsize,
    item: UnsafeCell<MaybeUninit<T>>,
}

/// Why a push did not take its item.
pub(crate) enum Refused<T> {
    Full(T),
    Closed(T),
}

/// What a pop found.
pub(crate) enum Popped<T> {
    Item(T),
    Empty,
    /// Closed, and every item sent before the close has been received.
    Drained,
}

// SAFETY: an item is reached by one thread at a time: the sender that
// claimed its position writes the cell before publishing the stamp
// (Release); the receiver that claimed the position reads it after seeing
// the stamp (Acquire). Items move between threads, so `T: Send` suffices.
unsafe impl<T: Send> Sync for Ring<T> {}
// SAFETY: as above; the ring owns its items.
unsafe impl<T: Send> Send for Ring<T> {}

impl<T> Ring<T> {
    /// A ring of `capacity` cells (at least 1, which the caller checks).
    pub(crate) fn new(capacity: usize) -> Self {
        debug_assert!(capacity > 0);
        Ring {
            cells: (0..capacity)
                .map(|position| Cell {
                    stamp: AtomicUsize::new(empty_stamp(position)),
                    item: UnsafeCell::new(MaybeUninit::uninit()),
                })
                .collect(),
            head: CacheLine(AtomicUsize::new(0)),
            tail: CacheLine(AtomicUsize::new(0)),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, position: usize) -> &Cell<T> {
        &self.cells[position % self.cells.len()]
    }

    /// Adds `item` at the tail, unless the ring is full or closed.
    pub(crate) fn push(&self, item: T) -> Result<(), Refused<T>> {
        // Relaxed: the stamp (Acquire) is what says a cell is free; the tail
        // only names the position to try.
        let mut tail = self.tail.load(Ordering::Relaxed);
        loop {
            if tail & CLOSED != 0 {
                return Err(Refused::Closed(item));
            }
            let cell = self.cell(tail);
            // Acquire: pairs with the receiver's Release of the stamp, so its
            // read of the previous item is done before the cell is reused.
            let stamp = cell.stamp.load(Ordering::Acquire);
            let ahead = lap_difference(stamp, empty_stamp(tail));
            if ahead == 0 {
                match self.tail.compare_exchange_weak(
                    tail,
                    tail + 1,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        cell.item.with_mut(|slot| {
                            // SAFETY: winning the claim on `tail` makes this
                            // the position's only sender, and the stamp said
                            // the cell is empty for this lap.
                            unsafe { (*slot).write(item) };
                        });
                        // Release: publishes the item to the receiver.
                        cell.stamp.store(full_stamp(tail), Ordering::Release);
                        return Ok(());
                    }
                    Err(now) => tail = now,
                }
            } else if ahead < 0 {
                // The cell is still in use for the lap before: full.
                return Err(Refused::Full(item));
            } else {
                // Another sender took this position; try the next.
                tail = self.tail.load(Ordering::Relaxed);
            }
        }
    }

    /// Takes the item at the head, if one is there. Waits out (yielding) a
    /// sender that has claimed the head position and is writing it, so that
    /// `Empty` and `Drained` are exact.
    pub(crate) fn pop(&self) -> Popped<T> {
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            let cell = self.cell(head);
            // Acquire: pairs with the sender's Release, so the item is seen.
            let stamp = cell.stamp.load(Ordering::Acquire);
            let ahead = lap_difference(stamp, full_stamp(head));
            if ahead == 0 {
                match self.head.compare_exchange_weak(
                    head,
                    head + 1,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        let item = cell.item.with(|slot| {
                            // SAFETY: winning the claim on `head` makes this
                            // the position's only receiver, and the stamp
                            // said the item is written; it is read once.
                            unsafe { (*slot).assume_init_read() }
                        });
                        // Release: the cell is free for the next lap's
                        // sender, after this read.
                        let next_lap = head.wrapping_add(self.cells.len());
                        cell.stamp.store(empty_stamp(next_lap), Ordering::Release);
                        return Popped::Item(item);
                    }
                    Err(now) => head = now,
                }
            } else if ahead < 0 {
                // Relaxed: a successful claim and the close are both in the
                // tail's one modification order; seeing the closed mark at
                // `head` means no claim can follow.
                let tail = self.tail.load(Ordering::Relaxed);
                if tail & !CLOSED == head {
                    return if tail & CLOSED != 0 {
                        Popped::Drained
                    } else {
                        Popped::Empty
                    };
                }
                // A sender claimed `head` and is moving its item in (or the
                // lap before's receiver is still reading the cell): a few
                // instructions, unless that thread was preempted.
                crate::sync::yield_now();
                head = self.head.load(Ordering::Relaxed);
            } else {
                // Another receiver took this position; try the next.
                head = self.head.load(Ordering::Relaxed);
            }
        }
    }

    /// Refuses every later push. Returns whether this call closed it.
    pub(crate) fn close(&self) -> bool {
        // Relaxed: the mark needs no other memory; the claims that failed
        // because of it retry and see it.
        self.tail.fetch_or(CLOSED, Ordering::Relaxed) & CLOSED == 0
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.tail.load(Ordering::Relaxed) & CLOSED != 0
    }

    /// Items sent and not yet received (a snapshot; exact when quiet).
    pub(crate) fn len(&self) -> usize {
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.tail.load(Ordering::Relaxed) & !CLOSED;
        tail.saturating_sub(head)
    }
}

/// The stamp of a cell empty and ready for the sender of `position`.
fn empty_stamp(position: usize) -> usize {
    position.wrapping_mul(2)
}

/// The stamp of a cell holding the item of `position`.
fn full_stamp(position: usize) -> usize {
    position.wrapping_mul(2) | 1
}

/// How far `stamp` is ahead of `expected` (negative: behind). Positions
/// never wrap in practice (2^62 items), but the difference is taken
/// wrapping so that a wrap would still compare right.
fn lap_difference(stamp: usize, expected: usize) -> isize {
    stamp.wrapping_sub(expected) as isize
}

impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        // `&mut self`: no sender or receiver is left; drop what is queued.
        while let Popped::Item(item) = self.pop() {
            drop(item);
        }
    }
}
