//! The watchdog: notices a worker whose single call has run past a limit
//! (for a run loop, the time since its last heartbeat), reports it, and
//! starts a replacement thread so the pool keeps its capacity.
//!
//! Rust cannot stop a thread from outside, so the stalled one is marked:
//! it leaves when its call returns (a run loop sees its context stopping),
//! and is joined then.

use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use crate::crew::{self, Crew};
use crate::observe::Event;

/// A pool's watchdog settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Watch {
    pub(crate) limit: Duration,
    pub(crate) replace: bool,
}

/// Starts the watchdog thread of `crew`, if it has one; it ends when the
/// pool stops, and is joined with the workers.
pub(crate) fn start<C: Crew>(crew: &Arc<C>) -> io::Result<()> {
    let core = crew.core();
    let Some(watch) = core.supervision.watch else {
        return Ok(());
    };
    // Often enough to notice a stall soon after the limit, rarely enough
    // to cost nothing.
    let tick = (watch.limit / 4).clamp(Duration::from_millis(1), Duration::from_millis(250));
    let watched = Arc::clone(crew);
    let thread = thread::Builder::new()
        .name(format!("{}-watchdog", core.name))
        .spawn(move || {
            while !watched.core().sleep(tick) {
                inspect(&watched, watch);
            }
        })?;
    core.keep_thread(thread);
    Ok(())
}

/// One round: report (and replace) every worker stalled since the last.
fn inspect<C: Crew>(crew: &Arc<C>, watch: Watch) {
    let core = crew.core();
    for cell in core.cells() {
        let Some(busy_for) = cell.busy_for(core.epoch) else {
            continue;
        };
        if busy_for < watch.limit || cell.is_replaced() || !cell.mark_stalled() {
            continue;
        }
        let replacement = if watch.replace && may_replace(crew) {
            replace(crew, &cell)
        } else {
            None
        };
        core.emit(Event::Stalled {
            pool: Arc::clone(&core.name),
            worker: cell.index,
            busy_for,
            replacement,
        });
    }
    core.join_ended();
}

/// Stalled threads left behind never outnumber the working ones, so a pool
/// whose calls all hang does not pile up threads without end.
fn may_replace<C: Crew>(crew: &Arc<C>) -> bool {
    let core = crew.core();
    let replaced = core.replaced.load(Ordering::Acquire);
    !core.is_stopping() && replaced < core.live().saturating_sub(replaced)
}

/// Starts a new worker, then lets the stalled one go after its call.
fn replace<C: Crew>(crew: &Arc<C>, cell: &crate::status::WorkerCell) -> Option<usize> {
    let core = crew.core();
    let index = crew::spawn(crew).ok()?;
    core.replaced.fetch_add(1, Ordering::AcqRel);
    cell.replace();
    // A run loop asleep in its context wakes to see it must go.
    core.wake_sleepers();
    Some(index)
}
