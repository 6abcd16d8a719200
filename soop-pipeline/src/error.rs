//! Every error of soop-pipeline, and the failures on the error stream.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

pub use soop_buffers::{
    ConfigError, RecvTimeoutError, SendError, SendTimeoutError, TryRecvError, TrySendError,
};
pub use soop_core::{BuildError, Escalation};

/// Why a pipeline could not start, or stopped before its end.
///
/// ```
/// use soop_pipeline::{ConfigError, Error, Pipeline};
///
/// match Pipeline::new().unit_len(0).map("id", 1, |n: u8| n).start() {
///     Err(Error::Config(ConfigError::Zero { what })) => assert_eq!(what, "unit_len"),
///     _ => unreachable!(),
/// }
/// match Pipeline::new().map("nobody", 0, |n: u8| n).start() {
///     Err(Error::Stage { stage, .. }) => assert_eq!(stage, "nobody"),
///     _ => unreachable!(),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A pipeline-wide setting (unit length, capacity, reorder window) that
    /// cannot work.
    #[error("pipeline setting: {0}")]
    Config(#[from] ConfigError),
    /// A stage could not start (zero workers, a bad supervision setting, a
    /// thread the system refused); no thread of the pipeline is left running.
    #[error("stage {stage}: {source}")]
    Stage {
        /// The stage's name.
        stage: String,
        /// Why it could not start.
        #[source]
        source: BuildError,
    },
    /// A stage failed past its restart intensity: the pipeline stopped and
    /// dropped what was in flight.
    #[error("the pipeline stopped: {0}")]
    Stopped(Escalation),
}

/// The pipeline has stopped: its output was dropped or a stage escalated.
///
/// ```
/// use soop_pipeline::{Closed, Pipeline};
///
/// let (mut input, output) = Pipeline::new().map("id", 1, |n: u8| n).start().unwrap();
/// drop(output);
/// input.send(1).unwrap_err();
/// assert_eq!(input.flush(), Err(Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the pipeline is closed")]
pub struct Closed;

/// What went wrong with one item in one stage; the error stream carries
/// these ([`Output::errors`](crate::Output::errors)).
///
/// A `try_map` stage borrows its item, so the item survives the failure and
/// rides along ([`item`](Failure::item)); other stages take the item by
/// value, so a failure consumes it.
///
/// ```
/// use soop_pipeline::{Cause, Pipeline};
///
/// let done = Pipeline::new()
///     .try_map("parse", 1, |s: &String| s.parse::<u32>())
///     .collect(["1".to_string(), "x".to_string(), "3".to_string()])
///     .unwrap();
/// assert_eq!(done.outputs, [1, 3]);
/// let failure = &done.failures[0];
/// assert_eq!(&*failure.stage, "parse");
/// assert!(matches!(failure.cause, Cause::Error(_)));
/// assert_eq!(failure.item::<String>().map(String::as_str), Some("x"));
/// ```
pub struct Failure {
    /// The name of the stage where the item failed.
    pub stage: Arc<str>,
    /// The error or the panic.
    pub cause: Cause,
    item: Option<Box<dyn Any + Send>>,
}

/// How an item failed.
///
/// ```
/// use soop_pipeline::{Cause, Pipeline};
///
/// let done = Pipeline::new()
///     .map("a", 1, |n: u8| if n == 0 { panic!("zero") } else { n })
///     .try_map("b", 1, |n: &u8| if *n == 1 { Err("one") } else { Ok(*n) })
///     .collect([0, 1, 2])
///     .unwrap();
/// let causes: Vec<Cause> = done.failures.into_iter().map(|f| f.cause).collect();
/// assert!(causes.contains(&Cause::Panicked("zero".into())));
/// assert!(causes.contains(&Cause::Error("one".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The stage returned this error (its `Display` text).
    Error(String),
    /// The stage panicked with this message.
    Panicked(String),
    /// The pipeline stopped (its output was dropped or a stage escalated)
    /// while the item was queued for this stage or in its hands; the item
    /// rides along.
    Cancelled,
}

impl Failure {
    pub(crate) fn new(stage: Arc<str>, cause: Cause, item: Option<Box<dyn Any + Send>>) -> Self {
        Failure { stage, cause, item }
    }

    /// The failed item, if the stage kept it and it is a `T`.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let done = Pipeline::new().try_map("parse", 1, |s: &String| s.parse::<u8>()).collect(["x".to_string()]).unwrap();
    /// assert_eq!(done.failures[0].item::<String>().map(String::as_str), Some("x"));
    /// assert_eq!(done.failures[0].item::<u8>(), None); // not a u8
    /// ```
    pub fn item<T: 'static>(&self) -> Option<&T> {
        self.item.as_ref()?.downcast_ref()
    }

    /// Takes the failed item out, if the stage kept it and it is a `T`.
    ///
    /// ```
    /// use soop_pipeline::Pipeline;
    ///
    /// let mut done = Pipeline::new().try_map("parse", 1, |s: &String| s.parse::<u8>()).collect(["x".to_string()]).unwrap();
    /// let line: String = done.failures.remove(0).into_item().unwrap();
    /// assert_eq!(line, "x");
    /// ```
    pub fn into_item<T: 'static>(self) -> Option<T> {
        self.item?.downcast().ok().map(|item| *item)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Error(error) => write!(f, "stage {}: {error}", self.stage),
            Cause::Panicked(message) => write!(f, "stage {} panicked: {message}", self.stage),
            Cause::Cancelled => write!(f, "stage {}: cancelled, the pipeline stopped", self.stage),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("stage", &self.stage)
            .field("cause", &self.cause)
            .field("has_item", &self.item.is_some())
            .finish()
    }
}

/// What a stage step returns when one item fails: the message, and the item
/// when the step kept it.
pub(crate) struct Failed<T> {
    pub(crate) message: String,
    pub(crate) item: Option<T>,
}
