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
#[derive(Debug)]
pub struct Run<In, Out, I> {
    input: Option<Input<In>>,
    output: Output<Out>,
    source: Fuse<I>,
}

/// What [`Pipeline::collect`](crate::Pipeline::collect) gathered.
#[derive(Debug)]
pub struct Collected<Out> {
    /// The outputs (in input order, for an ordered pipeline).
    pub outputs: Vec<Out>,
    /// Every item that failed, in the order the failures happened.
    pub failures: Vec<Failure>,
}

impl<In, Out, I: Iterator<Item = In>> Run<In, Out, I> {
    pub(crate) fn new(input: Input<In>, output: Output<Out>, source: I) -> Self {
        Run {
            input: Some(input),
            output,
            source: source.fuse(),
        }
    }

    /// The error stream of the pipeline.
    pub fn errors(&self) -> &ErrorStream {
        self.output.errors()
    }

    /// A snapshot of every stage.
    pub fn status(&self) -> PipelineStatus {
        self.output.status()
    }

    /// Why the pipeline stopped early, if a stage escalated.
    pub fn terminal(&self) -> Option<Escalation> {
        self.output.terminal()
    }

    /// Runs to the end and gathers outputs and failures.
    ///
    /// # Errors
    /// [`Error::Stopped`] when a stage failed past its restart intensity.
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

impl<In, Out, I: Iterator<Item = In>> Run<In, Out, I> {
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

impl<In, Out, I: Iterator<Item = In>> Iterator for Run<In, Out, I> {
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

impl<In, Out, I> Drop for Run<In, Out, I> {
    fn drop(&mut self) {
        // Left before the source ran out: nobody will read the output, so
        // stop the pipeline first; the input's last unit then meets closed
        // links instead of waiting for room forever.
        if self.input.is_some() {
            self.output.running().stop();
        }
    }
}
