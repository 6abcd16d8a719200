//! Status snapshots of a running pipeline.

use soop_core::Escalation;

/// A snapshot of a pipeline, from [`Output::status`](crate::Output::status)
/// or [`Input::status`](crate::Input::status).
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let (input, mut output) = Pipeline::new().map("double", 2, |n: u32| n * 2).start().unwrap();
/// drop(input);
/// assert_eq!(output.by_ref().count(), 0);
/// let status = output.status();
/// assert_eq!(status.stages[0].name, "double");
/// assert_eq!(status.stages[0].workers, 2);
/// assert_eq!(status.terminal, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineStatus {
    /// Every stage, in order.
    pub stages: Vec<StageStatus>,
    /// Items that left the last stage and wait for the output's reader.
    pub output_queued: usize,
    /// Why the pipeline stopped, if a stage escalated.
    pub terminal: Option<Escalation>,
}

/// One stage's snapshot.
///
/// ```
/// use soop_pipeline::Pipeline;
///
/// let mut run = Pipeline::new().map("maybe", 1, |n: u8| if n == 1 { panic!("one") } else { n }).run(0..3).unwrap();
/// assert_eq!(run.by_ref().count(), 2);
/// let stage = &run.status().stages[0];
/// assert_eq!((stage.processed, stage.failed, stage.restarts, stage.queued), (2, 1, 1, 0));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageStatus {
    /// The stage's name.
    pub name: String,
    /// Its workers.
    pub workers: usize,
    /// Workers handling a unit right now.
    pub busy: usize,
    /// Items waiting in the stage's input link: a snapshot, which may also
    /// count a unit a worker is taking at that very moment.
    pub queued: usize,
    /// Items handled successfully.
    pub processed: u64,
    /// Items that failed (errors and panics).
    pub failed: u64,
    /// Restarts of its workers so far.
    pub restarts: u32,
}
