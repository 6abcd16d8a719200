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
//! # Marks
//!
//! The two indexes carry marks in their top bits:
//!
//! - `CLOSED` in `tail`: every later claim fails its compare-and-swap, so
//!   after a close no item can enter, and a receiver that finds `head` at
//!   the closed `tail` knows nothing more will come.
//! - `ASLEEP` in `tail`: a receiver is going to sleep. The next sender's
//!   claim clears it and learns, from the value it replaced, to wake one.
//! - `ASLEEP` in `head`: the same for a sender waiting for room.
//!
//! The sleeper sets its mark with an atomic OR on the very word the other
//! side must swap to make progress, and reads the ring's state from the
//! value it replaced. The two steps fall in that word's one modification
//! order: either the sleeper saw the other side's claim (and does not
//! sleep) or the claim saw the mark (and wakes it). So the hot path needs no
//! fence: the claim it makes anyway carries the news.

// The one module of this crate's mailbox path with unsafe code: the cells.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use crate::cache_line::CacheLine;
use crate::sync::{AtomicUsize, Ordering, UnsafeCell};

/// In `tail`: the ring is closed.
const CLOSED: usize = 1 << (usize::BITS - 1);
/// In `tail`, a receiver sleeps; in `head`, a sender does.
const ASLEEP: usize = 1 << (usize::BITS - 2);
const MARKS: usize = CLOSED | ASLEEP;

fn position(index: usize) -> usize {
    index & !MARKS
}

pub(crate) struct Ring<T> {
    cells: Box<[Cell<T>]>,
    /// The next position to receive, with the senders' sleep mark.
    head: CacheLine<AtomicUsize>,
    /// The next position to send, with the closed and the receivers' sleep
    /// marks.
    tail: CacheLine<AtomicUsize>,
}

/// A cache line each, so that a sender filling one cell does not take the
/// line from under a receiver reading its neighbour.
#[repr(align(64))]
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
    /// An item, and whether a sender may be asleep waiting for room.
    Item(T, bool),
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

    /// Adds `item` at the tail, unless the ring is full or closed. `Ok`
    /// says whether a receiver may be asleep: the caller wakes one.
    pub(crate) fn push(&self, item: T) -> Result<bool, Refused<T>> {
        // Relaxed: the stamp (Acquire) is what says a cell is free; the tail
        // only names the position to try.
        let mut tail = self.tail.load(Ordering::Relaxed);
        loop {
            if tail & CLOSED != 0 {
                return Err(Refused::Closed(item));
            }
            let at = position(tail);
            let cell = self.cell(at);
            // Acquire: pairs with the receiver's Release of the stamp, so its
            // read of the previous item is done before the cell is reused.
            let stamp = cell.stamp.load(Ordering::Acquire);
            let ahead = lap_difference(stamp, empty_stamp(at));
            if ahead == 0 {
                // Relaxed: the claim only has to be ordered with the other
                // claims and marks of `tail`, which its modification order
                // does; the item is published by the stamp.
                match self.tail.compare_exchange_weak(
                    tail,
                    at + 1,
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
                        cell.stamp.store(full_stamp(at), Ordering::Release);
                        return Ok(tail & ASLEEP != 0);
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
        self.pop_or(true)
    }

    /// Takes the item at the head if it is there and written. Never waits,
    /// and never reads the tail (the senders' line): the cheap attempt of a
    /// receiver that will look again anyway.
    pub(crate) fn pop_ready(&self) -> Popped<T> {
        self.pop_or(false)
    }

    /// Whether the item at the head is written and waiting, by its stamp
    /// alone: what a spinning receiver watches, so that it reads only the
    /// cell the next item arrives in.
    pub(crate) fn ready_at_head(&self) -> bool {
        // Relaxed, both: a hint; taking the item re-reads with Acquire.
        let at = position(self.head.load(Ordering::Relaxed));
        self.cell(at).stamp.load(Ordering::Relaxed) == full_stamp(at)
    }

    fn pop_or(&self, exact: bool) -> Popped<T> {
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            let at = position(head);
            let cell = self.cell(at);
            // Acquire: pairs with the sender's Release, so the item is seen.
            let stamp = cell.stamp.load(Ordering::Acquire);
            let ahead = lap_difference(stamp, full_stamp(at));
            if ahead == 0 {
                // Relaxed: as the claim in `push`.
                match self.head.compare_exchange_weak(
                    head,
                    at + 1,
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
                        let next_lap = at.wrapping_add(self.cells.len());
                        cell.stamp.store(empty_stamp(next_lap), Ordering::Release);
                        return Popped::Item(item, head & ASLEEP != 0);
                    }
                    Err(now) => head = now,
                }
            } else if ahead < 0 {
                if !exact {
                    return Popped::Empty;
                }
                // Relaxed: a successful claim and the close are both in the
                // tail's one modification order; seeing the closed mark at
                // `head` means no claim can follow.
                let tail = self.tail.load(Ordering::Relaxed);
                if position(tail) == at {
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

    /// A receiver is about to sleep: marks `tail` so that the next push
    /// reports it, and returns how many items were claimed by senders and
    /// not yet by receivers at that moment (0: sleep; the push that ends
    /// that will see the mark). Closed counts as an item: do not sleep.
    pub(crate) fn receiver_sleeps(&self) -> usize {
        // Relaxed: see "Marks" in the module doc; the OR and the senders'
        // claims are ordered by `tail`'s modification order.
        let tail = self.tail.fetch_or(ASLEEP, Ordering::Relaxed);
        if tail & CLOSED != 0 {
            return 1;
        }
        // Relaxed: a stale head is smaller, and only makes us look again.
        let head = position(self.head.load(Ordering::Relaxed));
        position(tail).saturating_sub(head)
    }

    /// A sender is about to sleep for room: marks `head` so that the next
    /// pop reports it, and returns how many cells were free or being freed
    /// at that moment (0: sleep). Closed counts as room: do not sleep.
    pub(crate) fn sender_sleeps(&self) -> usize {
        // Relaxed: as in `receiver_sleeps`, with `head`.
        let head = position(self.head.fetch_or(ASLEEP, Ordering::Relaxed));
        let tail = self.tail.load(Ordering::Relaxed);
        if tail & CLOSED != 0 {
            return 1;
        }
        let queued = position(tail).saturating_sub(head);
        self.cells.len().saturating_sub(queued)
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
        let head = position(self.head.load(Ordering::Relaxed));
        let tail = position(self.tail.load(Ordering::Relaxed));
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
        while let Popped::Item(item, _) = self.pop() {
            drop(item);
        }
    }
}
