//! Running a pipeline over an iterator on the calling thread.

use std::iter::Fuse;

use soop_core::Escalation;

use crate::error::{Error, Failure};
use crate::errors::ErrorStream;
use crate::input::{Fed, Input};
use crate::link::Wait;
use crate::output::Output;
use crate::status::PipelineStatus;

/// A pipeline running over an iterator, from
/// [`Pipeline::run`](crate::Pipeline::run): an iterator of the outputs.
///
/// Each call to `next` takes a ready output if there is one; otherwise it
/// feeds the input from the source as far as the links have room, and then
/// waits for an output. Waiting is safe: it happens only while something
/// is in flight, and every unit in flight yields one output unit. When the
/// source is exhausted the input closes, and the outputs end once every
/// stage has drained.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// // Outputs come as they are ready, while the source is still being fed.
/// let mut run = Pipeline::new().map("double", 2, |n: u64| n * 2).run(0..1_000_000).unwrap();
/// assert_eq!(run.next(), Some(0));
/// assert_eq!(run.by_ref().take(3).collect::<Vec<_>>(), [2, 4, 6]);
/// drop(run); // leaving early stops the pipeline
/// ```
#[derive(Debug)]
pub struct Run<In: Send + 'static, Out, I> {
    input: Option<Input<In>>,
    output: Output<Out>,
    source: Fuse<I>,
}

/// What [`Pipeline::collect`](crate::Pipeline::collect) gathered.
///
/// ```
/// use soop_pipeline::{Cause, Pipeline};
///
/// let done = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<i8>()).collect(["1", "999"]).unwrap();
/// assert_eq!(done.outputs, [1]);
/// assert!(matches!(done.failures[0].cause, Cause::Error(_)));
/// ```
#[derive(Debug)]
pub struct Collected<Out> {
    /// The outputs (in input order, for an ordered pipeline).
    pub outputs: Vec<Out>,
    /// Every item that failed, in the order the failures happened.
    pub failures: Vec<Failure>,
}

impl<In: Send + 'static, Out, I: Iterator<Item = In>> Run<In, Out, I> {
    pub(crate) fn new(input: Input<In>, output: Output<Out>, source: I) -> Self {
        Run {
            input: Some(input),
            output,
            source: source.fuse(),
        }
    }

    /// The error stream of the pipeline.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<u8>()).run(["x"]).unwrap();
    /// assert_eq!(run.next(), None);
    /// assert_eq!(run.errors().try_recv().unwrap().item::<&str>(), Some(&"x"));
    /// ```
    pub fn errors(&self) -> &ErrorStream {
        self.output.errors()
    }

    /// A snapshot of every stage.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().filter("small", 1, |n: &u32| *n < 3).run(0..10).unwrap();
    /// assert_eq!(run.by_ref().count(), 3);
    /// assert_eq!(run.status().stages[0].processed, 10);
    /// ```
    pub fn status(&self) -> PipelineStatus {
        self.output.status()
    }

    /// Why the pipeline stopped early, if a stage escalated.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().map("id", 1, |n: u8| n).run([1]).unwrap();
    /// assert_eq!(run.by_ref().count(), 1);
    /// assert_eq!(run.terminal(), None); // ended because the input did
    /// ```
    pub fn terminal(&self) -> Option<Escalation> {
        self.output.terminal()
    }

    /// Runs to the end and gathers outputs and failures.
    ///
    /// # Errors
    /// [`Error::Stopped`] when a stage failed past its restart intensity.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::{Error, Intensity, Pipeline};
    ///
    /// let stopped = Pipeline::new()
    ///     .intensity(Intensity { max_restarts: 1, window: Duration::from_secs(60) })
    ///     .map("fragile", 1, |_: u8| -> u8 { panic!("always") })
    ///     .run(0..100)
    ///     .unwrap()
    ///     .finish();
    /// assert!(matches!(stopped, Err(Error::Stopped(e)) if e.pool == "fragile"));
    /// ```
    pub fn finish(mut self) -> Result<Collected<Out>, Error> {
        let outputs: Vec<Out> = self.by_ref().collect();
        // Every worker has ended once the output has; joining makes sure
        // their last failures are on the stream.
        self.output.running().stop();
        if let Some(escalation) = self.terminal() {
            return Err(Error::Stopped(escalation));
        }
        Ok(Collected {
            outputs,
            failures: self.errors().try_iter().collect(),
        })
    }
}

impl<In: Send + 'static, Out, I: Iterator<Item = In>> Run<In, Out, I> {
    /// Makes the next unit the one being read; `false` once every output
    /// has been read.
    fn advance(&mut self) -> bool {
        match self.output.next_unit(Wait::Never) {
            Ok(unit) => {
                self.output.read(unit);
                return true;
            }
            Err(crate::link::Refused::Closed) => return false,
            Err(crate::link::Refused::NotNow) => {}
        }
        if let Some(input) = self.input.as_mut() {
            match input.feed(&mut self.source) {
                Fed::Blocked => {}
                // Closing the input (it holds nothing now) starts the drain.
                Fed::Exhausted | Fed::Closed => self.input = None,
            }
        }
        match self.output.next_unit(Wait::Forever) {
            Ok(unit) => {
                self.output.read(unit);
                true
            }
            Err(_) => false,
        }
    }
}

impl<In: Send + 'static, Out, I: Iterator<Item = In>> Iterator for Run<In, Out, I> {
    type Item = Out;

    fn next(&mut self) -> Option<Out> {
        loop {
            if let Some(item) = self.output.pop() {
                return Some(item);
            }
            if !self.advance() {
                return None;
            }
        }
    }

    /// A unit at a time: `sum`, `for_each` and the like run a tight loop
    /// over each unit instead of calling `next` per item.
    fn fold<B, F: FnMut(B, Out) -> B>(mut self, init: B, mut f: F) -> B {
        let mut acc = init;
        loop {
            while let Some(item) = self.output.pop() {
                acc = f(acc, item);
            }
            if !self.advance() {
                return acc;
            }
        }
    }
}

impl<In: Send + 'static, Out, I> Drop for Run<In, Out, I> {
    fn drop(&mut self) {
        // Left before the source ran out: nobody will read the output, so
        // stop the pipeline first; the input's last unit then meets closed
        // links instead of waiting for room forever.
        if self.input.is_some() {
            self.output.running().stop();
        }
    }
}
