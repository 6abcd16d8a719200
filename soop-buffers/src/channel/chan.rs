//! The state every sender and receiver of one channel shares. See
//! `README.md` beside this file for the waiting and waking protocol.
//!
//! Shipped slabs wait in a queue behind one mutex; the lock is taken once per
//! slab by senders, so its cost is spread over a slab's worth of items. Two
//! condvars carry the waits: `not_empty` for receivers, `not_full` for
//! senders held back by the capacity. Each side counts its waiters under the
//! lock and notifies only when someone waits: since a waiter registers under
//! the same lock it re-checks the queue under, a notification is never lost.

use std::collections::VecDeque;
use std::time::Instant;

use crate::cache_line::CacheLine;
use crate::pool::SlabPool;
use crate::recycle::Recycle;
use crate::slab::Slab;
use crate::sync::{AtomicBool, AtomicUsize, Condvar, Mutex, MutexGuard, Ordering, Wait};
use crate::sync::{lock, wait_until};

/// Further checks a spinning receiver makes, each after yielding the
/// processor, before it parks.
const YIELD_ROUNDS: u32 = 8;

/// Why a blocking step gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Full or empty now (`Wait::Never`), or still so at the deadline.
    NotNow,
    /// Closed: for senders, nothing more is accepted; for receivers, nothing
    /// more will come.
    Closed,
}

pub(crate) struct Chan<T, R: Recycle<T>> {
    state: Mutex<State<T, R>>,
    not_empty: Condvar,
    not_full: Condvar,
    /// Read by senders on every send, written rarely: on its own cache line,
    /// so that the lock traffic beside it does not evict it each time.
    hints: CacheLine<SenderHints>,
    /// A copy of `State::queued_slabs()`, watched by receivers that spin
    /// briefly before they park. Written once per slab.
    shipped: CacheLine<AtomicUsize>,
    pub(crate) pool: SlabPool<T, R>,
    /// How many shipped slabs may wait before senders block.
    capacity: usize,
    /// Busy-wait checks a receiver makes before it parks.
    spin_rounds: u32,
}

/// What senders read without the lock.
struct SenderHints {
    /// A copy of `State::waiting_receivers`, to ship a partial slab at once
    /// when someone is waiting for it.
    parked_receivers: AtomicUsize,
    /// A copy of `State::closed`, to refuse early.
    closed: AtomicBool,
}

struct State<T, R: Recycle<T>> {
    /// The slab receivers take single items from, reversed so that `pop`
    /// yields them in send order; never empty (it is dropped when emptied).
    /// It counts against the capacity.
    front: Option<Slab<T, R>>,
    queue: VecDeque<Slab<T, R>>,
    /// One emptied slab kept back from the pool for the next `push`, so
    /// that item-at-a-time traffic does not visit the pool's lock per item.
    spare: Option<Slab<T, R>>,
    queued_items: usize,
    senders: usize,
    receivers: usize,
    closed: bool,
    waiting_senders: usize,
    waiting_receivers: usize,
}

impl<T, R: Recycle<T>> State<T, R> {
    fn queued_slabs(&self) -> usize {
        self.queue.len() + usize::from(self.front.is_some())
    }

    fn drained(&self) -> bool {
        self.closed || self.senders == 0
    }
}

impl<T, R: Recycle<T>> Chan<T, R> {
    pub(crate) fn new(pool: SlabPool<T, R>, capacity: usize, spin_rounds: u32) -> Self {
        Chan {
            state: Mutex::new(State {
                front: None,
                queue: VecDeque::with_capacity(capacity + 1),
                spare: None,
                queued_items: 0,
                senders: 1,
                receivers: 1,
                closed: false,
                waiting_senders: 0,
                waiting_receivers: 0,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            hints: CacheLine(SenderHints {
                parked_receivers: AtomicUsize::new(0),
                closed: AtomicBool::new(false),
            }),
            shipped: CacheLine(AtomicUsize::new(0)),
            pool,
            capacity,
            spin_rounds,
        }
    }

    /// Whether a receiver is blocked waiting right now.
    pub(crate) fn receiver_parked(&self) -> bool {
        // SeqCst: the registration (stored under the lock in `recv_with`) and
        // this check fall in one total order, so a check made after a
        // receiver registered sees it. Nothing is published through it.
        self.parked_receivers() != 0
    }

    /// How many receivers are blocked waiting now.
    pub(crate) fn parked_receivers(&self) -> usize {
        // SeqCst: as in `receiver_parked`.
        self.hints.parked_receivers.load(Ordering::SeqCst)
    }

    /// Whether the channel is closed to senders. A hint for the fast path;
    /// `ship` decides under the lock.
    pub(crate) fn is_closed(&self) -> bool {
        // Relaxed: a stale `false` only means the next `ship` finds out.
        self.hints.closed.load(Ordering::Relaxed)
    }

    /// Queues `slab` for the receivers, waiting for room as `wait` allows.
    /// `force` skips the capacity check (a dropping sender must not block).
    /// On failure the slab comes back with the reason.
    pub(crate) fn ship(
        &self,
        slab: Slab<T, R>,
        wait: Wait,
        force: bool,
    ) -> Result<(), (Slab<T, R>, Fail)> {
        if slab.is_empty() {
            // Receivers rely on queued slabs never being empty.
            return Ok(());
        }
        let room = |state: &State<T, R>| force || state.queued_slabs() < self.capacity;
        let mut state = match self.wait_for_room(wait, room) {
            Ok(state) => state,
            Err(fail) => return Err((slab, fail)),
        };
        state.queued_items += slab.len();
        state.queue.push_back(slab);
        self.after_send(state);
        Ok(())
    }

    /// Appends one item to the slab at the tail of the queue (or a new slab
    /// from the pool), for senders without a slab of their own. Visible to
    /// receivers at once.
    pub(crate) fn push(&self, item: T, wait: Wait) -> Result<(), (T, Fail)> {
        let room = |state: &State<T, R>| {
            state.queue.back().is_some_and(|tail| !tail.is_full())
                || state.queued_slabs() < self.capacity
        };
        let mut state = match self.wait_for_room(wait, room) {
            Ok(state) => state,
            Err(fail) => return Err((item, fail)),
        };
        match state.queue.back_mut().filter(|tail| !tail.is_full()) {
            Some(tail) => tail.items.push(item),
            None => {
                // The pool's lock nests inside ours; the pool never takes ours.
                let mut slab = state.spare.take().unwrap_or_else(|| self.pool.get());
                slab.items.push(item);
                state.queue.push_back(slab);
            }
        }
        state.queued_items += 1;
        self.after_send(state);
        Ok(())
    }

    /// The senders' waiting loop: returns the locked state once `room` holds,
    /// or why not (closed; full now or at the deadline).
    fn wait_for_room(
        &self,
        wait: Wait,
        room: impl Fn(&State<T, R>) -> bool,
    ) -> Result<MutexGuard<'_, State<T, R>>, Fail> {
        let mut state = lock(&self.state);
        loop {
            if state.closed {
                return Err(Fail::Closed);
            }
            if room(&state) {
                return Ok(state);
            }
            let deadline = match wait {
                Wait::Never => return Err(Fail::NotNow),
                Wait::Until(deadline) => deadline,
            };
            state.waiting_senders += 1;
            let (again, timed_out) = wait_until(&self.not_full, state, deadline);
            state = again;
            state.waiting_senders -= 1;
            if timed_out && !state.closed && !room(&state) {
                return Err(Fail::NotNow);
            }
        }
    }

    /// After something was queued: publish the hint, release the lock, and
    /// wake a receiver if one waits.
    fn after_send(&self, state: MutexGuard<'_, State<T, R>>) {
        self.publish_shipped(&state);
        let wake = state.waiting_receivers > 0;
        drop(state);
        if wake {
            self.not_empty.notify_one();
        }
    }

    /// Takes one item, in send order.
    pub(crate) fn recv(&self, wait: Wait) -> Result<T, Fail> {
        self.recv_with(wait, |state| {
            if state.front.is_none() {
                let mut next = state.queue.pop_front()?;
                next.items.reverse();
                state.front = Some(next);
            }
            let front = state.front.as_mut()?;
            let item = front.items.pop()?;
            if front.is_empty() {
                // Kept as the spare (or back to the pool) before the lock is
                // released, so that the slab a sender takes for the freed
                // place can be this one: a channel never needs more than
                // `capacity` slabs in flight. It is empty, so no item's
                // `Drop` runs here.
                let emptied = state.front.take();
                if state.spare.is_none() {
                    state.spare = emptied;
                }
            }
            Some((item, 1))
        })
    }

    /// Takes a whole slab: the partly taken front one, else the next queued.
    pub(crate) fn recv_slab(&self, wait: Wait) -> Result<Slab<T, R>, Fail> {
        self.recv_with(wait, |state| {
            let slab = match state.front.take() {
                Some(mut front) => {
                    front.items.reverse();
                    front
                }
                None => state.queue.pop_front()?,
            };
            let items = slab.len();
            Some((slab, items))
        })
    }

    /// Puts a slab taken by `recv_slab` and partly read back at the head of
    /// the queue, so that its remaining items are received next, in order.
    pub(crate) fn unread(&self, mut slab: Slab<T, R>) {
        if slab.is_empty() {
            return;
        }
        let mut state = lock(&self.state);
        if state.receivers == 0 {
            // Nobody can receive it: drop it (outside the lock) like the rest.
            drop(state);
            return;
        }
        if let Some(mut front) = state.front.take() {
            front.items.reverse();
            state.queue.push_front(front);
        }
        slab.items.reverse();
        state.queued_items += slab.len();
        state.front = Some(slab);
        self.after_send(state);
    }

    /// The waiting loop of both receives. `take` removes what it can from the
    /// state and says how many items that was, or returns `None` when
    /// nothing is queued.
    fn recv_with<V>(
        &self,
        wait: Wait,
        mut take: impl FnMut(&mut State<T, R>) -> Option<(V, usize)>,
    ) -> Result<V, Fail> {
        let mut state = lock(&self.state);
        let mut timed_out = false;
        let mut spun = false;
        loop {
            let slabs_before = state.queued_slabs();
            if let Some((value, items)) = take(&mut state) {
                state.queued_items -= items;
                self.publish_shipped(&state);
                let wake_sender = state.queued_slabs() < slabs_before && state.waiting_senders > 0;
                let wake_receiver = state.queued_items > 0 && state.waiting_receivers > 0;
                drop(state);
                if wake_sender {
                    self.not_full.notify_one();
                }
                if wake_receiver {
                    self.not_empty.notify_one();
                }
                return Ok(value);
            }
            if state.drained() {
                return Err(Fail::Closed);
            }
            let deadline = match wait {
                Wait::Never => return Err(Fail::NotNow),
                Wait::Until(_) if timed_out => return Err(Fail::NotNow),
                Wait::Until(deadline) => deadline,
            };
            if !spun {
                // A slab is often only moments away: watch for it without
                // the lock before paying for a park and a wake-up.
                spun = true;
                drop(state);
                self.spin_for_slab();
                state = lock(&self.state);
                continue;
            }
            (state, timed_out) = self.park_receiver(state, deadline);
        }
    }

    fn publish_shipped(&self, state: &State<T, R>) {
        let shipped = state.queued_slabs();
        // Relaxed: a hint for spinning receivers, who re-check under the
        // lock. Written only when it changes, since spinning receivers
        // read its line and every write takes the line away from them.
        if self.shipped.load(Ordering::Relaxed) != shipped {
            self.shipped.store(shipped, Ordering::Relaxed);
        }
    }

    /// Spins, then yields, for a bounded while, until a slab is shipped.
    fn spin_for_slab(&self) {
        if cfg!(loom) || self.spin_rounds == 0 {
            return;
        }
        for round in 0..self.spin_rounds + YIELD_ROUNDS {
            if self.shipped.load(Ordering::Relaxed) != 0 {
                return;
            }
            if round < self.spin_rounds {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }

    /// Registers as a waiting receiver, waits, and unregisters.
    fn park_receiver<'a>(
        &'a self,
        mut state: MutexGuard<'a, State<T, R>>,
        deadline: Option<Instant>,
    ) -> (MutexGuard<'a, State<T, R>>, bool) {
        state.waiting_receivers += 1;
        self.hints
            .parked_receivers
            .store(state.waiting_receivers, Ordering::SeqCst);
        let (mut state, timed_out) = wait_until(&self.not_empty, state, deadline);
        state.waiting_receivers -= 1;
        self.hints
            .parked_receivers
            .store(state.waiting_receivers, Ordering::SeqCst);
        (state, timed_out)
    }

    /// Items queued now (shipped, not yet received).
    pub(crate) fn len(&self) -> usize {
        lock(&self.state).queued_items
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Closes the channel to senders; receivers drain what is queued.
    pub(crate) fn close(&self) {
        let mut state = lock(&self.state);
        if state.closed {
            return;
        }
        state.closed = true;
        self.hints.closed.store(true, Ordering::Relaxed);
        drop(state);
        self.not_full.notify_all();
        self.not_empty.notify_all();
    }

    pub(crate) fn add_sender(&self) {
        lock(&self.state).senders += 1;
    }

    pub(crate) fn add_receiver(&self) {
        lock(&self.state).receivers += 1;
    }

    /// The last sender gone means receivers see `Closed` once drained.
    pub(crate) fn drop_sender(&self) {
        let mut state = lock(&self.state);
        state.senders -= 1;
        let last = state.senders == 0;
        drop(state);
        if last {
            self.not_empty.notify_all();
        }
    }

    /// The last receiver gone closes the channel and drops what is queued.
    pub(crate) fn drop_receiver(&self) {
        let mut state = lock(&self.state);
        state.receivers -= 1;
        if state.receivers > 0 {
            return;
        }
        state.closed = true;
        self.hints.closed.store(true, Ordering::Relaxed);
        let front = state.front.take();
        let spare = state.spare.take();
        let queue = std::mem::take(&mut state.queue);
        state.queued_items = 0;
        self.publish_shipped(&state);
        drop(state);
        self.not_full.notify_all();
        drop(front);
        drop(spare);
        drop(queue);
    }
}
