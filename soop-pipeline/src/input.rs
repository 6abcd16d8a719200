//! The pipeline's input: packs items into units and ships them to the
//! first stage.

use std::sync::Arc;
use std::time::{Duration, Instant};

use soop_buffers::SlabPool;

use crate::error::{Closed, Failure, SendError, SendTimeoutError, TrySendError};
use crate::link::{Outlet, Refused, Wait};
use crate::running::Running;
use crate::stage::cancel;
use crate::status::PipelineStatus;
use crate::unit::Unit;
use crate::window::Window;

/// A unit not yet given its place in the sequence.
const UNSEQUENCED: u64 = u64::MAX;

/// The sending end of a started pipeline, for one producer.
///
/// Items are packed into a unit without locks. The unit ships to the first
/// stage when it is full; at once whenever the first stage has nothing
/// queued (so a lone item is never held back while workers could take it,
/// and batches form only while they are busy); and on
/// [`flush`](Input::flush), [`close`](Input::close) or drop. A producer
/// that goes quiet while the first stage is busy should `flush`: the
/// partial unit waits for its next send otherwise.
///
/// Sending blocks while the first link is full (and, in an ordered
/// pipeline, while the producer is a whole reorder window ahead of the
/// output): that is the backpressure. When the pipeline has stopped (its
/// output dropped, or a stage escalated), sends hand the item back as
/// `Closed`.
///
/// Several producers can share one input behind a `Mutex`; in an ordered
/// pipeline, order is the order units were shipped.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let (mut input, output) = Pipeline::new().map("double", 2, |n: u32| n * 2).start().unwrap();
/// let producer = std::thread::spawn(move || {
///     for n in 0..1000 {
///         input.send(n).unwrap();
///     }
///     // Dropping the input closes it: the stages drain, then the output ends.
/// });
/// let doubled: Vec<u32> = output.collect();
/// producer.join().unwrap();
/// assert_eq!(doubled, (0..1000).map(|n| n * 2).collect::<Vec<_>>());
/// ```
pub struct Input<In: Send + 'static> {
    outlet: Outlet<In>,
    pool: SlabPool<In>,
    /// The unit being filled (or a full one the link had no room for).
    filling: Option<Unit<In>>,
    next_seq: u64,
    window: Option<Arc<Window>>,
    running: Arc<Running>,
    /// Where items that can no longer go in are reported, as cancelled at
    /// the first stage.
    errors: crossbeam_channel::Sender<Failure>,
    first_stage: Arc<str>,
}

/// What [`Input::feed`] stopped at.
pub(crate) enum Fed {
    /// The link (or the reorder window) is full: outputs must be taken first.
    Blocked,
    /// Every item is shipped.
    Exhausted,
    /// The pipeline has stopped.
    Closed,
}

impl<In: Send + 'static> Input<In> {
    pub(crate) fn new(
        outlet: Outlet<In>,
        pool: SlabPool<In>,
        window: Option<Arc<Window>>,
        running: Arc<Running>,
        errors: crossbeam_channel::Sender<Failure>,
    ) -> Self {
        let first_stage = running
            .stages
            .first()
            .map_or_else(|| Arc::from("output"), |stage| Arc::clone(&stage.name));
        Input {
            outlet,
            pool,
            filling: None,
            next_seq: 0,
            window,
            running,
            errors,
            first_stage,
        }
    }

    /// The pipeline has stopped: the items packed but not shipped are
    /// reported as cancelled.
    fn cancel_filling(&mut self) {
        if let Some(unit) = self.filling.take() {
            cancel(unit.into_reader(), &self.first_stage, &self.errors);
        }
    }

    /// Sends `item`, blocking while the pipeline is full.
    ///
    /// # Errors
    /// [`SendError`] with the item when the pipeline has stopped.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// input.send(1).unwrap();
    /// drop(output); // stops the pipeline
    /// assert_eq!(input.send(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn send(&mut self, item: In) -> Result<(), SendError<In>> {
        self.put(item, Wait::Forever)
            .map_err(|(item, _)| SendError(item))
    }

    /// Sends `item` if that needs no waiting.
    ///
    /// # Errors
    /// [`TrySendError::Full`] when the unit being filled is full and the
    /// link has no room for it; [`TrySendError::Closed`] when the pipeline
    /// has stopped. Either way with the item.
    ///
    /// ```
    /// use soop_pipeline::{Pipeline, TrySendError};
    ///
    /// // One unit of one item in flight at most, and nobody reading.
    /// let (mut input, output) = Pipeline::new()
    ///     .unit_len(1)
    ///     .capacity(1)
    ///     .map("id", 1, |n: u32| n)
    ///     .start()
    ///     .unwrap();
    /// let mut accepted = 0;
    /// let refused = loop {
    ///     match input.try_send(accepted) {
    ///         Ok(()) => accepted += 1,
    ///         Err(e) => break e,
    ///     }
    /// };
    /// assert!(matches!(refused, TrySendError::Full(_)));
    /// assert!(accepted <= 6); // what the links, the worker and the input hold
    /// # drop(output);
    /// ```
    pub fn try_send(&mut self, item: In) -> Result<(), TrySendError<In>> {
        self.put(item, Wait::Never)
            .map_err(|(item, refused)| match refused {
                Refused::NotNow => TrySendError::Full(item),
                Refused::Closed => TrySendError::Closed(item),
            })
    }

    /// Sends `item`, waiting at most `timeout` for room.
    ///
    /// # Errors
    /// [`SendTimeoutError::Timeout`] or [`SendTimeoutError::Closed`], with
    /// the item.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Pipeline, SendTimeoutError};
    ///
    /// let (mut input, output) = Pipeline::new().unit_len(1).capacity(1).map("id", 1, |n: u8| n).start().unwrap();
    /// // Nobody reads the output: sooner or later the pipeline is full.
    /// let refused = (0..=u8::MAX)
    ///     .find_map(|n| input.send_timeout(n, Duration::from_millis(1)).err())
    ///     .unwrap();
    /// assert!(matches!(refused, SendTimeoutError::Timeout(_)));
    /// drop(output);
    /// assert!(matches!(input.send_timeout(7, Duration::from_secs(1)), Err(SendTimeoutError::Closed(7))));
    /// ```
    pub fn send_timeout(
        &mut self,
        item: In,
        timeout: Duration,
    ) -> Result<(), SendTimeoutError<In>> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.send_deadline(item, deadline),
            None => self.send(item).map_err(|e| SendTimeoutError::Closed(e.0)),
        }
    }

    /// Sends `item`, waiting until `deadline` at most for room.
    ///
    /// # Errors
    /// As [`send_timeout`](Input::send_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, mut output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// input.send_deadline(1, Instant::now() + Duration::from_secs(60)).unwrap();
    /// input.close();
    /// assert_eq!(output.recv(), Some(1));
    /// ```
    pub fn send_deadline(
        &mut self,
        item: In,
        deadline: Instant,
    ) -> Result<(), SendTimeoutError<In>> {
        self.put(item, Wait::Until(deadline))
            .map_err(|(item, refused)| match refused {
                Refused::NotNow => SendTimeoutError::Timeout(item),
                Refused::Closed => SendTimeoutError::Closed(item),
            })
    }

    /// Ships the unit being filled now, blocking while the link is full.
    ///
    /// # Errors
    /// [`Closed`] when the pipeline has stopped (whether or not anything
    /// was waiting to ship); the unit's items go to the error stream as
    /// [`Cancelled`](crate::Cause::Cancelled).
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, mut output) = Pipeline::new().map("id", 1, |n: u32| n).start().unwrap();
    /// for n in 0..10 {
    ///     input.send(n).unwrap();
    /// }
    /// input.flush().unwrap(); // whatever the first stage was doing, all ten are on their way
    /// assert_eq!(output.by_ref().take(10).count(), 10);
    /// ```
    pub fn flush(&mut self) -> Result<(), Closed> {
        if self.outlet.is_closed() || self.ship(Wait::Forever).is_err() {
            self.cancel_filling();
            return Err(Closed);
        }
        Ok(())
    }

    /// Closes the input: ships what it holds, then lets the stages drain in
    /// order; the output ends after the last item. Dropping the input does
    /// the same.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, output) = Pipeline::new().map("id", 1, |n: u32| n).start().unwrap();
    /// input.send(1).unwrap();
    /// input.close();
    /// assert_eq!(output.collect::<Vec<_>>(), [1]); // drained, then ended
    /// ```
    pub fn close(self) {}

    /// Whether the pipeline has stopped taking input.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (input, output) = Pipeline::new().map("id", 1, |n: u32| n).start().unwrap();
    /// assert!(!input.is_closed());
    /// drop(output);
    /// assert!(input.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.outlet.is_closed()
    }

    /// A snapshot of every stage.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (input, _output) = Pipeline::new().map("parse", 3, |s: String| s.len()).start().unwrap();
    /// let status = input.status();
    /// assert_eq!((status.stages[0].name.as_str(), status.stages[0].workers), ("parse", 3));
    /// ```
    pub fn status(&self) -> PipelineStatus {
        self.running.status()
    }

    /// The one send path: make room, pack the item, ship when it is time.
    fn put(&mut self, item: In, wait: Wait) -> Result<(), (In, Refused)> {
        if self.filling.as_ref().is_some_and(Unit::is_full)
            && let Err(refused) = self.ship(wait)
        {
            if let Refused::Closed = refused {
                self.cancel_filling();
            }
            return Err((item, refused));
        }
        if self.outlet.is_closed() {
            self.cancel_filling();
            return Err((item, Refused::Closed));
        }
        let unit = self
            .filling
            .get_or_insert_with(|| Unit::new(UNSEQUENCED, &self.pool));
        unit.push(item, &self.pool);
        let full = unit.is_full();
        if full || self.outlet.runs_dry() {
            // A partial unit goes early only if that needs no waiting.
            let now = if full { wait } else { Wait::Never };
            if let Err(Refused::Closed) = self.ship(now) {
                let item = self.filling.as_mut().and_then(Unit::pop_last);
                self.cancel_filling();
                if let Some(item) = item {
                    return Err((item, Refused::Closed));
                }
            }
        }
        Ok(())
    }

    /// Packs items from `items` and ships them until the link is full, the
    /// items run out, or the pipeline stops. Never blocks.
    pub(crate) fn feed(&mut self, items: &mut impl Iterator<Item = In>) -> Fed {
        loop {
            let unit = self
                .filling
                .get_or_insert_with(|| Unit::new(UNSEQUENCED, &self.pool));
            let mut exhausted = false;
            while !unit.is_full() {
                match items.next() {
                    Some(item) => unit.push(item, &self.pool),
                    None => {
                        exhausted = true;
                        break;
                    }
                }
            }
            if unit.len() == 0 {
                self.filling = None;
                return Fed::Exhausted;
            }
            match self.ship(Wait::Never) {
                Ok(()) if exhausted => return Fed::Exhausted,
                Ok(()) => {}
                Err(Refused::NotNow) => return Fed::Blocked,
                Err(Refused::Closed) => {
                    self.cancel_filling();
                    return Fed::Closed;
                }
            }
        }
    }

    /// Ships the unit being filled, if any; on failure it stays here.
    fn ship(&mut self, wait: Wait) -> Result<(), Refused> {
        let Some(mut unit) = self.filling.take() else {
            return Ok(());
        };
        if unit.seq == UNSEQUENCED {
            unit.seq = self.next_seq;
            self.next_seq += 1;
        }
        if let Some(window) = &self.window
            && !window.wait_for(unit.seq, wait.deadline())
        {
            self.filling = Some(unit);
            return Err(Refused::NotNow);
        }
        self.outlet.ship(unit, wait).map_err(|(unit, refused)| {
            self.filling = Some(unit);
            refused
        })
    }
}

impl<In: Send + 'static> Drop for Input<In> {
    fn drop(&mut self) {
        // Ships what is left; a stopped pipeline reports it cancelled.
        if self.ship(Wait::Forever).is_err() {
            self.cancel_filling();
        }
    }
}

impl<In: Send + 'static> std::fmt::Debug for Input<In> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("buffered", &self.filling.as_ref().map_or(0, Unit::len))
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
