//! A started pipeline's threads and switches, shared by its input and
//! output: stopping it closes every link, then joins every stage.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::link::Gauges;
use crate::shutdown::Shutdown;
use crate::stage::StageHandle;
use crate::status::{PipelineStatus, StageStatus};

pub(crate) struct Running {
    pub(crate) stages: Vec<StageHandle>,
    pub(crate) shutdown: Arc<Shutdown>,
    /// The output link's gauges (its queued items).
    pub(crate) output: Arc<Gauges>,
}

impl Running {
    /// Closes every link (waking every worker), then joins the stages in
    /// order. Idempotent.
    pub(crate) fn stop(&self) {
        self.shutdown.stop();
        for stage in &self.stages {
            stage.loops.stop();
        }
    }

    pub(crate) fn status(&self) -> PipelineStatus {
        PipelineStatus {
            stages: self
                .stages
                .iter()
                .map(|stage| {
                    let gauges = &stage.gauges;
                    StageStatus {
                        name: stage.name.to_string(),
                        workers: stage.workers,
                        busy: gauges.busy.load(Ordering::Relaxed),
                        queued: gauges.queued(),
                        processed: gauges.processed.load(Ordering::Relaxed),
                        failed: gauges.failed.load(Ordering::Relaxed),
                        restarts: stage
                            .loops
                            .status()
                            .workers
                            .iter()
                            .map(|w| w.restarts)
                            .sum(),
                    }
                })
                .collect(),
            output_queued: self.output.queued(),
            terminal: self.shutdown.terminal(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}
