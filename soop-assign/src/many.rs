//! Waiting on many tickets: all of them, any of them, or as they complete.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::error::Error;
use crate::ticket::Ticket;

/// Waits for every ticket, returning their outcomes in the tickets' order.
///
/// ```
/// use soop_assign::{Pool, from_fn, wait_all};
///
/// let pool = Pool::builder().workers(2).build(from_fn(|n: u32| Ok::<_, String>(n * 2))).unwrap();
/// let tickets: Vec<_> = (0..5).map(|n| pool.assign(n).unwrap()).collect();
/// let outcomes = wait_all(tickets);
/// assert_eq!(outcomes, vec![Ok(0), Ok(2), Ok(4), Ok(6), Ok(8)]);
/// ```
pub fn wait_all<T, E>(tickets: impl IntoIterator<Item = Ticket<T, E>>) -> Vec<Result<T, Error<E>>> {
    tickets.into_iter().map(Ticket::wait).collect()
}

/// Waits until any one ticket is done: returns its index, its outcome, and
/// the tickets still pending (with their indices); `None` for no tickets.
///
/// ```
/// use soop_assign::{Pool, from_fn, wait_any};
///
/// let pool = Pool::builder().workers(1).build(from_fn(|n: u32| Ok::<_, String>(n))).unwrap();
/// let tickets = vec![pool.assign(7).unwrap(), pool.assign(8).unwrap()];
/// let (index, outcome, rest) = wait_any(tickets).unwrap();
/// assert_eq!(outcome, Ok(7 + index as u32));
/// assert_eq!(rest.len(), 1);
/// ```
#[allow(clippy::type_complexity)]
pub fn wait_any<T, E>(
    tickets: impl IntoIterator<Item = Ticket<T, E>>,
) -> Option<(usize, Result<T, Error<E>>, Vec<(usize, Ticket<T, E>)>)> {
    let mut completions = completions(tickets);
    let (index, outcome) = completions.next()?;
    Some((index, outcome, completions.into_pending()))
}

/// Yields `(index, outcome)` for each ticket in the order the jobs complete.
///
/// ```
/// use soop_assign::{Pool, completions, from_fn};
///
/// let pool = Pool::builder().workers(2).build(from_fn(|n: u64| Ok::<_, String>(n))).unwrap();
/// let tickets: Vec<_> = (0..100).map(|n| pool.assign(n).unwrap()).collect();
/// let mut seen: Vec<usize> = completions(tickets).map(|(index, outcome)| {
///     assert_eq!(outcome, Ok(index as u64));
///     index
/// }).collect();
/// seen.sort();
/// assert_eq!(seen, (0..100).collect::<Vec<_>>());
/// ```
pub fn completions<T, E>(tickets: impl IntoIterator<Item = Ticket<T, E>>) -> Completions<T, E> {
    let ready = Arc::new(Ready {
        state: Mutex::new(ReadyState {
            indices: VecDeque::new(),
            waiter: None,
        }),
    });
    let tickets: Vec<Option<Ticket<T, E>>> = tickets.into_iter().map(Some).collect();
    // Every ticket is polled once at the start: ready ones are found at once,
    // the others register a waker that queues their index.
    let wakers = (0..tickets.len())
        .map(|index| {
            Waker::from(Arc::new(IndexWaker {
                index,
                ready: Arc::clone(&ready),
            }))
        })
        .collect();
    let mut state = ready.state.lock().unwrap_or_else(|p| p.into_inner());
    state.indices.extend(0..tickets.len());
    drop(state);
    Completions {
        pending: tickets.len(),
        tickets,
        wakers,
        ready,
    }
}

/// The iterator of [`completions`].
///
/// ```
/// use soop_assign::{Pool, completions, from_fn};
///
/// let pool = Pool::builder().workers(2).build(from_fn(|n: u32| Ok::<_, String>(n * 10))).unwrap();
/// let tickets: Vec<_> = (0..4).map(|n| pool.assign(n).unwrap()).collect();
/// let mut seen: Vec<(usize, u32)> = completions(tickets).map(|(i, r)| (i, r.unwrap())).collect();
/// seen.sort();
/// assert_eq!(seen, [(0, 0), (1, 10), (2, 20), (3, 30)]);
/// ```
pub struct Completions<T, E> {
    tickets: Vec<Option<Ticket<T, E>>>,
    wakers: Vec<Waker>,
    ready: Arc<Ready>,
    pending: usize,
}

struct Ready {
    state: Mutex<ReadyState>,
}

struct ReadyState {
    /// Tickets worth polling: woken, or not polled yet.
    indices: VecDeque<usize>,
    /// The thread to unpark when an index arrives.
    waiter: Option<Thread>,
}

struct IndexWaker {
    index: usize,
    ready: Arc<Ready>,
}

impl Wake for IndexWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.ready.state.lock().unwrap_or_else(|p| p.into_inner());
        state.indices.push_back(self.index);
        let waiter = state.waiter.clone();
        drop(state);
        if let Some(thread) = waiter {
            thread.unpark();
        }
    }
}

impl<T, E> Completions<T, E> {
    /// The tickets not yet yielded, with their indices.
    ///
    /// ```
    /// use soop_assign::{Pool, completions, from_fn};
    ///
    /// let pool = Pool::builder().workers(1).build(from_fn(|n: u32| Ok::<_, String>(n))).unwrap();
    /// let tickets: Vec<_> = (0..3).map(|n| pool.assign(n).unwrap()).collect();
    /// let mut done = completions(tickets);
    /// let (first, _) = done.next().unwrap();
    /// let pending = done.into_pending(); // the other two, still to wait for
    /// assert_eq!(pending.len(), 2);
    /// assert!(pending.iter().all(|(i, _)| *i != first));
    /// ```
    pub fn into_pending(self) -> Vec<(usize, Ticket<T, E>)> {
        self.tickets
            .into_iter()
            .enumerate()
            .filter_map(|(index, ticket)| ticket.map(|t| (index, t)))
            .collect()
    }

    fn next_index(&self) -> Option<usize> {
        let mut state = self.ready.state.lock().unwrap_or_else(|p| p.into_inner());
        state.waiter = Some(thread::current());
        state.indices.pop_front()
    }
}

impl<T, E> Iterator for Completions<T, E> {
    type Item = (usize, Result<T, Error<E>>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.pending > 0 {
            let Some(index) = self.next_index() else {
                // Nothing woken yet: sleep until a waker queues an index.
                // A spurious unpark only brings us back here.
                thread::park();
                continue;
            };
            let Some(ticket) = self.tickets[index].as_mut() else {
                continue; // woken again after it was yielded
            };
            let mut cx = Context::from_waker(&self.wakers[index]);
            if let Poll::Ready(outcome) = Pin::new(ticket).poll(&mut cx) {
                self.tickets[index] = None;
                self.pending -= 1;
                return Some((index, outcome));
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pending, Some(self.pending))
    }
}

impl<T, E> std::fmt::Debug for Completions<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Completions")
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}
