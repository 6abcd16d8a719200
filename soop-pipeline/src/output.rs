//! The pipeline's output: the last stage's items, in input order or as
//! they come.

use std::sync::Arc;
use std::time::{Duration, Instant};

use soop_buffers::Receiver;
use soop_core::Escalation;

use crate::error::{Failure, RecvTimeoutError, TryRecvError};
use crate::errors::ErrorStream;
use crate::link::{Gauges, Refused, Wait, take};
use crate::reorder::Reorder;
use crate::running::Running;
use crate::stage::Inlet;
use crate::status::PipelineStatus;
use crate::unit::{Reader, Unit};
use crate::window::Window;

/// The receiving end of a started pipeline. It is an iterator of the last
/// stage's items, which ends once the input is closed and every stage has
/// drained (or when the pipeline stops).
///
/// Dropping the output stops the pipeline: every link closes, the
/// producer's sends hand their items back as `Closed`, items inside the
/// stages go to the error stream as cancelled, and the pipeline's threads
/// are joined before `drop` returns. [`stop`](Output::stop) does the same
/// and hands back the outputs not yet read.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let (mut input, mut output) = Pipeline::new().map("inc", 1, |n: i32| n + 1).start().unwrap();
/// input.send(41).unwrap(); // the stage was idle: the item ships at once
/// assert_eq!(output.recv(), Some(42));
/// input.close();
/// assert_eq!(output.recv(), None); // drained and ended
/// ```
pub struct Output<Out> {
    receiver: Receiver<Unit<Out>>,
    gauges: Arc<Gauges>,
    reading: Option<Reader<Out>>,
    reorder: Option<Reorder<Out>>,
    errors: ErrorStream,
    running: Arc<Running>,
}

impl<Out> Output<Out> {
    pub(crate) fn new(
        last: Inlet<Out>,
        window: Option<Arc<Window>>,
        failures: crossbeam_channel::Receiver<Failure>,
        running: Arc<Running>,
    ) -> Self {
        Output {
            receiver: last.receiver,
            gauges: last.gauges,
            reading: None,
            reorder: window.map(Reorder::new),
            errors: ErrorStream::new(failures),
            running,
        }
    }

    /// The next item, blocking until one comes; `None` once the pipeline
    /// has ended.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, mut output) = Pipeline::new().filter("even", 1, |n: &u32| n % 2 == 0).start().unwrap();
    /// for n in 1..=4 {
    ///     input.send(n).unwrap();
    /// }
    /// input.close();
    /// assert_eq!((output.recv(), output.recv(), output.recv()), (Some(2), Some(4), None));
    /// ```
    pub fn recv(&mut self) -> Option<Out> {
        self.recv_until(Wait::Forever).ok()
    }

    /// The next item if one is ready now.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`] when none is ready, [`TryRecvError::Closed`]
    /// once the pipeline has ended.
    ///
    /// ```
    /// use soop_pipeline::{Pipeline, TryRecvError};
    ///
    /// let (input, mut output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// assert_eq!(output.try_recv(), Err(TryRecvError::Empty));
    /// drop(input);
    /// while output.try_recv() == Err(TryRecvError::Empty) {
    ///     std::thread::yield_now(); // the stage drains, then the output ends
    /// }
    /// assert_eq!(output.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<Out, TryRecvError> {
        self.recv_until(Wait::Never)
            .map_err(|refused| match refused {
                Refused::NotNow => TryRecvError::Empty,
                Refused::Closed => TryRecvError::Closed,
            })
    }

    /// The next item, waiting at most `timeout`.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`], or [`RecvTimeoutError::Closed`] once
    /// the pipeline has ended.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Pipeline, RecvTimeoutError};
    ///
    /// let (input, mut output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// assert_eq!(output.recv_timeout(Duration::from_millis(1)), Err(RecvTimeoutError::Timeout));
    /// drop(input);
    /// assert_eq!(output.recv_timeout(Duration::from_secs(60)), Err(RecvTimeoutError::Closed));
    /// ```
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Out, RecvTimeoutError> {
        match Instant::now().checked_add(timeout) {
            Some(deadline) => self.recv_deadline(deadline),
            None => self.recv().ok_or(RecvTimeoutError::Closed),
        }
    }

    /// The next item, waiting until `deadline` at most.
    ///
    /// # Errors
    /// As [`recv_timeout`](Output::recv_timeout).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use soop_pipeline::{Pipeline, RecvTimeoutError};
    ///
    /// let (mut input, mut output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// let soon = Instant::now() + Duration::from_millis(1);
    /// assert_eq!(output.recv_deadline(soon), Err(RecvTimeoutError::Timeout));
    /// input.send(9).unwrap();
    /// assert_eq!(output.recv_deadline(Instant::now() + Duration::from_secs(60)), Ok(9));
    /// ```
    pub fn recv_deadline(&mut self, deadline: Instant) -> Result<Out, RecvTimeoutError> {
        self.recv_until(Wait::Until(deadline))
            .map_err(|refused| match refused {
                Refused::NotNow => RecvTimeoutError::Timeout,
                Refused::Closed => RecvTimeoutError::Closed,
            })
    }

    /// The error stream: every item that failed in any stage, with the
    /// stage's name and the error or panic message.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, mut output) = Pipeline::new()
    ///     .try_map("parse", 1, |s: &&'static str| s.parse::<u8>())
    ///     .start()
    ///     .unwrap();
    /// input.send("x").unwrap();
    /// input.close();
    /// assert_eq!(output.recv(), None);
    /// let failure = output.errors().try_recv().unwrap();
    /// assert_eq!(&*failure.stage, "parse");
    /// ```
    pub fn errors(&self) -> &ErrorStream {
        &self.errors
    }

    /// A snapshot of every stage.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, mut output) = Pipeline::new().map("inc", 2, |n: u32| n + 1).start().unwrap();
    /// input.send(1).unwrap();
    /// assert_eq!(output.recv(), Some(2));
    /// assert_eq!(output.status().stages[0].processed, 1);
    /// ```
    pub fn status(&self) -> PipelineStatus {
        self.running.status()
    }

    /// Why the pipeline stopped early, if a stage failed past its restart
    /// intensity.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Intensity, Pipeline};
    ///
    /// let (mut input, mut output) = Pipeline::new()
    ///     .intensity(Intensity { max_restarts: 1, window: Duration::from_secs(60) })
    ///     .map("fragile", 1, |n: u32| -> u32 { panic!("cannot take {n}") })
    ///     .start()
    ///     .unwrap();
    /// // Each item panics; the second panic is past the intensity.
    /// while input.send(0).is_ok() {
    ///     input.flush().ok();
    /// }
    /// assert_eq!(output.recv(), None);
    /// assert_eq!(output.terminal().unwrap().pool, "fragile");
    /// ```
    pub fn terminal(&self) -> Option<Escalation> {
        self.running.shutdown.terminal()
    }

    /// Stops the pipeline now, joins its threads, and returns the outputs
    /// that had come through but were not read (in order, for an ordered
    /// pipeline). Items still inside the stages go to the error stream as
    /// [`Cancelled`](crate::Cause::Cancelled); the producer's next send
    /// hands its item back. Dropping the output does the same, dropping the
    /// unread outputs.
    ///
    /// ```
    /// use soop_pipeline::{Cause, Pipeline};
    ///
    /// let (mut input, output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
    /// let errors = output.errors().clone();
    /// input.send(1).unwrap();
    /// let unread = output.stop(); // every thread of the pipeline is joined here
    /// assert_eq!(input.send(2).unwrap_err().into_inner(), 2);
    /// // Item 1 was either through (unread) or still inside (cancelled): never lost.
    /// let cancelled = errors.try_iter().filter(|f| f.cause == Cause::Cancelled).count();
    /// assert_eq!(unread.len() + cancelled, 1);
    /// ```
    pub fn stop(mut self) -> Vec<Out> {
        self.running.stop();
        let mut unread = Vec::new();
        if let Some(mut reader) = self.reading.take() {
            unread.extend(std::iter::from_fn(|| reader.pop()));
        }
        while let Ok(unit) = take(&self.receiver, &self.gauges, Wait::Never) {
            match self.reorder.as_mut() {
                Some(reorder) => reorder.insert(unit),
                None => {
                    let mut reader = unit.into_reader();
                    unread.extend(std::iter::from_fn(|| reader.pop()));
                }
            }
        }
        if let Some(reorder) = self.reorder.as_mut() {
            for unit in reorder.take_all() {
                let mut reader = unit.into_reader();
                unread.extend(std::iter::from_fn(|| reader.pop()));
            }
        }
        unread
    }

    fn recv_until(&mut self, wait: Wait) -> Result<Out, Refused> {
        loop {
            if let Some(item) = self.pop() {
                return Ok(item);
            }
            let unit = self.next_unit(wait)?;
            self.reading = Some(unit.into_reader());
        }
    }

    /// An item of the unit being read.
    pub(crate) fn pop(&mut self) -> Option<Out> {
        self.reading.as_mut()?.pop()
    }

    /// Reads `unit` next.
    pub(crate) fn read(&mut self, unit: Unit<Out>) {
        self.reading = Some(unit.into_reader());
    }

    /// The next unit in order (possibly empty: every input unit yields
    /// exactly one, which is what lets [`Run`](crate::Run) know output is
    /// coming).
    pub(crate) fn next_unit(&mut self, wait: Wait) -> Result<Unit<Out>, Refused> {
        loop {
            if let Some(unit) = self.reorder.as_mut().and_then(Reorder::pop_next) {
                return Ok(unit);
            }
            let unit = take(&self.receiver, &self.gauges, wait)?;
            match self.reorder.as_mut() {
                None => return Ok(unit),
                Some(reorder) => reorder.insert(unit),
            }
        }
    }

    pub(crate) fn running(&self) -> &Running {
        &self.running
    }
}

impl<Out> Iterator for Output<Out> {
    type Item = Out;

    fn next(&mut self) -> Option<Out> {
        self.recv()
    }
}

impl<Out> Drop for Output<Out> {
    fn drop(&mut self) {
        self.running.stop();
    }
}

impl<Out> std::fmt::Debug for Output<Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("ordered", &self.reorder.is_some())
            .field("reading", &self.reading.as_ref().map_or(0, Reader::len))
            .finish_non_exhaustive()
    }
}
