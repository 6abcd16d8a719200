//! The error stream: failures from every stage, in the order they happened.

use std::time::Duration;

use crate::error::Failure;

/// The failures of a pipeline's items, from
/// [`Output::errors`](crate::Output::errors) (or
/// [`Run::errors`](crate::Run::errors)).
///
/// The stream never blocks a stage: it is unbounded, and holds every failure
/// until it is read. [`iter`](ErrorStream::iter) ends once every stage has
/// ended.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let mut run = Pipeline::new()
///     .map("checked", 1, |n: u32| if n == 2 { panic!("injected: two") } else { n })
///     .run(0..4)
///     .unwrap();
/// let outputs: Vec<u32> = run.by_ref().collect();
/// assert_eq!(outputs, [0, 1, 3]);
/// let failure = run.errors().try_recv().unwrap();
/// assert_eq!(failure.to_string(), "stage checked panicked: injected: two");
/// ```
#[derive(Clone, Debug)]
pub struct ErrorStream {
    failures: crossbeam_channel::Receiver<Failure>,
}

impl ErrorStream {
    pub(crate) fn new(failures: crossbeam_channel::Receiver<Failure>) -> Self {
        ErrorStream { failures }
    }

    /// The next failure, if one is waiting.
    pub fn try_recv(&self) -> Option<Failure> {
        self.failures.try_recv().ok()
    }

    /// The next failure, waiting at most `timeout`; `None` on timeout or
    /// once every stage has ended and the stream is drained.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Failure> {
        self.failures.recv_timeout(timeout).ok()
    }

    /// The failures waiting now, without blocking.
    pub fn try_iter(&self) -> impl Iterator<Item = Failure> + '_ {
        self.failures.try_iter()
    }

    /// Every failure, blocking for the next until every stage has ended.
    pub fn iter(&self) -> impl Iterator<Item = Failure> + '_ {
        self.failures.iter()
    }

    /// How many failures wait to be read.
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// Whether no failure waits.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }
}
