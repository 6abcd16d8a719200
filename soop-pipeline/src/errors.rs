//! The error stream: failures from every stage, in the order they happened.

use std::time::Duration;

use crate::error::Failure;

/// The failures of a pipeline's items, from
/// [`Output::errors`](crate::Output::errors) (or
/// [`Run::errors`](crate::Run::errors)).
///
/// The stream never blocks a stage: it is unbounded, and holds every failure
/// until it is read. [`iter`](ErrorStream::iter) ends once every stage has
/// ended and the input is gone.
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
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let done = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<u8>()).run(["1"]).unwrap();
    /// let errors = done.errors().clone();
    /// assert_eq!(done.count(), 1);
    /// assert!(errors.try_recv().is_none()); // nothing failed
    /// ```
    pub fn try_recv(&self) -> Option<Failure> {
        self.failures.try_recv().ok()
    }

    /// The next failure, waiting at most `timeout`; `None` on timeout or
    /// once every stage has ended and the stream is drained.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_pipeline::Pipeline;
    ///
    /// let (mut input, output) = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<u8>()).start().unwrap();
    /// input.send("nope").unwrap(); // the stage was idle: it ships at once
    /// let failure = output.errors().recv_timeout(Duration::from_secs(60)).unwrap();
    /// assert_eq!(failure.item::<&str>(), Some(&"nope"));
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Failure> {
        self.failures.recv_timeout(timeout).ok()
    }

    /// The failures waiting now, without blocking.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let run = Pipeline::new().filter_map("even", 1, |n: u32| (n % 2 == 0).then_some(n)).run(0..10).unwrap();
    /// let errors = run.errors().clone();
    /// assert_eq!(run.count(), 5);
    /// assert_eq!(errors.try_iter().count(), 0);
    /// ```
    pub fn try_iter(&self) -> impl Iterator<Item = Failure> + '_ {
        self.failures.try_iter()
    }

    /// Every failure, blocking for the next until every stage has ended and
    /// the input is gone.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<u8>()).run(["1", "a", "b"]).unwrap();
    /// assert_eq!(run.by_ref().count(), 1);
    /// let errors = run.errors().clone();
    /// drop(run); // every stage ends, so the stream ends after its last failure
    /// assert_eq!(errors.iter().count(), 2);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Failure> + '_ {
        self.failures.iter()
    }

    /// How many failures wait to be read.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().try_map("parse", 1, |s: &&'static str| s.parse::<u8>()).run(["a"]).unwrap();
    /// assert_eq!(run.by_ref().count(), 0);
    /// assert_eq!(run.errors().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// Whether no failure waits.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut run = Pipeline::new().map("id", 1, |n: u8| n).run([1, 2]).unwrap();
    /// assert_eq!(run.by_ref().count(), 2);
    /// assert!(run.errors().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }
}
