//! The two ends of the channel between neighbours: units move through a
//! soop-buffers channel, and the receiving side's gauges count their items.

use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use soop_buffers::{
    BufferChannels, ConfigError, Receiver, SendTimeoutError, SharedSender, TrySendError,
};

use crate::unit::Unit;

/// Counters of one stage (or of the output), read by `status()`.
///
/// Relaxed throughout: they are reports; nothing is published through them.
#[derive(Debug, Default)]
pub(crate) struct Gauges {
    /// Items shipped to this stage and not yet taken by a worker. Counted
    /// after the send and before the take, so it can dip below zero for a
    /// moment: read it with [`Gauges::queued`].
    queued: AtomicIsize,
    /// Workers handling a unit now.
    pub(crate) busy: AtomicUsize,
    /// Items handled successfully.
    pub(crate) processed: AtomicU64,
    /// Items that failed (errors and panics).
    pub(crate) failed: AtomicU64,
}

impl Gauges {
    /// Items in the link now.
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed).max(0) as usize
    }
}

/// Why a unit was not shipped.
pub(crate) enum Refused {
    /// Full (or held back by the reorder window) until the deadline.
    NotNow,
    /// The receiving side is gone or the pipeline is stopping.
    Closed,
}

/// When to give up waiting.
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    Never,
    Until(Instant),
    Forever,
}

impl Wait {
    pub(crate) fn deadline(self) -> Option<Instant> {
        match self {
            Wait::Never => Some(Instant::now()),
            Wait::Until(deadline) => Some(deadline),
            Wait::Forever => None,
        }
    }
}

/// The most channel slabs a link allocates before the pipeline runs.
const MAX_PREFILLED_CHANNEL_SLABS: usize = 256;

/// Both ends of a new link.
pub(crate) type Ends<T> = (SharedSender<Unit<T>>, Receiver<Unit<T>>);

/// A new link holding at most `capacity` units. A unit already is a batch,
/// so it goes straight into the channel (a [`SharedSender`] never holds one
/// back) and each slab of the channel carries one unit.
pub(crate) fn link<T>(capacity: usize, spin_rounds: u32) -> Result<Ends<T>, ConfigError> {
    let channels = BufferChannels::builder()
        .slab_len(1)
        .capacity(capacity)
        .spin_before_park(spin_rounds)
        .build()?;
    // Every channel slab the link can hold at once (a full queue, the one
    // being read, a spare), allocated now: a warm-up that never filled the
    // link must not leave a slow moment later to allocate.
    channels
        .pool()
        .prefill(capacity.saturating_add(2).min(MAX_PREFILLED_CHANNEL_SLABS));
    Ok(channels.shared_channel())
}

/// The sending end, with the gauges of whoever receives.
pub(crate) struct Outlet<T> {
    pub(crate) sender: SharedSender<Unit<T>>,
    pub(crate) gauges: Arc<Gauges>,
}

impl<T> Outlet<T> {
    pub(crate) fn ship(&self, unit: Unit<T>, wait: Wait) -> Result<(), (Unit<T>, Refused)> {
        let items = unit.len() as isize;
        let sent = match wait {
            Wait::Forever => self
                .sender
                .send(unit)
                .map_err(|e| (e.into_inner(), Refused::Closed)),
            Wait::Never => self.sender.try_send(unit).map_err(|e| match e {
                TrySendError::Full(unit) => (unit, Refused::NotNow),
                TrySendError::Closed(unit) => (unit, Refused::Closed),
            }),
            Wait::Until(deadline) => {
                self.sender
                    .send_deadline(unit, deadline)
                    .map_err(|e| match e {
                        SendTimeoutError::Timeout(unit) => (unit, Refused::NotNow),
                        SendTimeoutError::Closed(unit) => (unit, Refused::Closed),
                    })
            }
        };
        if sent.is_ok() {
            self.gauges.queued.fetch_add(items, Ordering::Relaxed);
        }
        sent
    }

    /// Whether the receiving side has nothing queued: then a partial unit
    /// is worth shipping at once, or its workers would run dry (or already
    /// wait) while it fills.
    pub(crate) fn runs_dry(&self) -> bool {
        self.gauges.queued.load(Ordering::Relaxed) <= 0
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }
}

/// Takes a unit off a receiver and out of its gauges.
pub(crate) fn take<T>(
    receiver: &Receiver<Unit<T>>,
    gauges: &Gauges,
    wait: Wait,
) -> Result<Unit<T>, Refused> {
    let unit = match wait {
        Wait::Forever => receiver.recv().map_err(|_| Refused::Closed)?,
        Wait::Never => receiver.try_recv().map_err(|e| match e {
            soop_buffers::TryRecvError::Empty => Refused::NotNow,
            soop_buffers::TryRecvError::Closed => Refused::Closed,
        })?,
        Wait::Until(deadline) => receiver.recv_deadline(deadline).map_err(|e| match e {
            soop_buffers::RecvTimeoutError::Timeout => Refused::NotNow,
            soop_buffers::RecvTimeoutError::Closed => Refused::Closed,
        })?,
    };
    gauges
        .queued
        .fetch_sub(unit.len() as isize, Ordering::Relaxed);
    Ok(unit)
}
