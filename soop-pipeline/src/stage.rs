//! A stage: supervised workers that turn each input unit into one output
//! unit.
//!
//! Each worker is a soop-core run-loop worker with the `Transient` policy: a
//! failure restarts it (with a fresh state from the stage's factory), a
//! clean return ends it. It returns cleanly when its input link has ended
//! and is empty. Once the pipeline is stopping it handles nothing more: what
//! it holds, and what it still receives, goes to the error stream as
//! cancelled.
//!
//! What a worker must not lose across a restart lives in its [`Port`], kept
//! outside the restartable part: its ends of the two links, and the unit it
//! was in the middle of. After a failure the restarted worker carries on
//! with the rest of that unit, so the unit still yields exactly one output
//! unit, in order.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use soop_buffers::{Receiver, SlabPool};
use soop_core::restart::Policy;
use soop_core::{Context, Event, RunLoops, panic_message};

use crate::error::{Cause, Error, Failed, Failure};
use crate::link::{Gauges, Outlet, Wait, link, take};
use crate::pipeline::Launch;
use crate::sync::{Mutex, lock};
use crate::unit::{Emit, Reader, Unit};

/// The receiving end of a link, with its gauges.
pub(crate) struct Inlet<T> {
    pub(crate) receiver: Receiver<Unit<T>>,
    pub(crate) gauges: Arc<Gauges>,
}

/// A started stage, as the pipeline keeps it.
pub(crate) struct StageHandle {
    pub(crate) name: Arc<str>,
    pub(crate) workers: usize,
    pub(crate) loops: RunLoops,
    pub(crate) gauges: Arc<Gauges>,
}

/// What one worker keeps across its restarts.
struct Port<In, Out> {
    input: Receiver<Unit<In>>,
    in_gauges: Arc<Gauges>,
    outlet: Outlet<Out>,
    pool: SlabPool<Out>,
    errors: crossbeam_channel::Sender<Failure>,
    /// The unit a failure interrupted: what is left of it, and what it has
    /// produced so far.
    carry: Option<(Reader<In>, Unit<Out>)>,
}

/// The ports of a stage's workers, by worker index. A running worker has
/// taken its port out; stopping reports what the ports left behind hold as
/// cancelled, and drops them.
struct Ports<In, Out> {
    stage: Arc<str>,
    slots: Mutex<Slots<In, Out>>,
}

struct Slots<In, Out> {
    ports: Vec<Option<Port<In, Out>>>,
    /// The pipeline is stopping: ports are dropped, not kept.
    closed: bool,
}

impl<In: Send + 'static, Out: Send + 'static> Ports<In, Out> {
    fn take(&self, index: usize) -> Option<Port<In, Out>> {
        let mut slots = lock(&self.slots);
        if slots.closed {
            return None;
        }
        slots.ports.get_mut(index)?.take()
    }

    fn put_back(&self, index: usize, port: Port<In, Out>) {
        let mut slots = lock(&self.slots);
        if !slots.closed
            && let Some(slot) = slots.ports.get_mut(index)
        {
            *slot = Some(port);
            return;
        }
        drop(slots);
        // The pipeline is stopping: what the port carries is reported, and
        // the port drops here, with it this worker's ends of the links.
        port.cancel_all(&self.stage);
    }

    fn close(&self) {
        let mut slots = lock(&self.slots);
        slots.closed = true;
        let idle: Vec<_> = slots.ports.iter_mut().filter_map(Option::take).collect();
        drop(slots);
        // Idle ports belong to workers that are restarting or gone (past
        // the intensity): nobody else may drain what they hold or what
        // waits for them.
        for port in idle {
            port.cancel_all(&self.stage);
        }
    }
}

/// Starts a stage of `workers` workers reading `input`; returns the inlet
/// of its output link.
pub(crate) fn start<In, Out, F, G>(
    launch: &mut Launch,
    name: &str,
    workers: usize,
    factory: F,
    input: Inlet<In>,
) -> Result<Inlet<Out>, Error>
where
    In: Send + 'static,
    Out: Send + 'static,
    F: Fn() -> G + Send + Sync + 'static,
    G: FnMut(In, &mut Emit<'_, Out>) -> Result<(), Failed<In>> + 'static,
{
    let settings = &launch.settings;
    let name: Arc<str> = Arc::from(name);
    let (sender, receiver) = link::<Out>(settings.capacity, settings.spin_rounds)?;
    let pool = settings.item_pool()?;
    let out_gauges = Arc::new(Gauges::default());
    let ports = (0..workers)
        .map(|_| {
            Some(Port {
                input: input.receiver.clone(),
                in_gauges: Arc::clone(&input.gauges),
                outlet: Outlet {
                    sender: sender.clone(),
                    gauges: Arc::clone(&out_gauges),
                },
                pool: pool.clone(),
                errors: launch.errors.clone(),
                carry: None,
            })
        })
        .collect();
    // From here only the ports hold the sending end: when the last worker
    // ends, the next stage sees the link closed.
    drop(sender);
    let ports = Arc::new(Ports {
        stage: Arc::clone(&name),
        slots: Mutex::new(Slots {
            ports,
            closed: false,
        }),
    });

    let closing = (input.receiver.clone(), Arc::clone(&ports));
    launch.running.shutdown.on_stop(move || {
        closing.0.close();
        closing.1.close();
    });

    let shutdown = Arc::clone(&launch.running.shutdown);
    let worker_ports = Arc::clone(&ports);
    let stage = Arc::clone(&name);
    let loops = settings
        .core
        .clone()
        .name(&*name)
        .workers(workers)
        .policy(Policy::Transient)
        .observer(move |event: &Event| {
            if let Event::Terminal(escalation) = event {
                shutdown.escalated(escalation);
            }
        })
        .run_loops(move || {
            let mut step = factory();
            let ports = Arc::clone(&worker_ports);
            let stage = Arc::clone(&stage);
            move |ctx: &Context<'_>| live(&ports, ctx.worker(), &mut step, &stage)
        })
        .map_err(|source| Error::Stage {
            stage: name.to_string(),
            source,
        })?;
    launch.running.stages.push(StageHandle {
        name,
        workers,
        loops,
        gauges: Arc::clone(&input.gauges),
    });
    Ok(Inlet {
        receiver,
        gauges: out_gauges,
    })
}

/// One life of a worker: take the port, work, and hand the port back if
/// the life ends in a failure (the restarted worker picks it up).
fn live<In, Out, G>(
    ports: &Ports<In, Out>,
    index: usize,
    step: &mut G,
    stage: &Arc<str>,
) -> Result<(), String>
where
    In: Send + 'static,
    Out: Send + 'static,
    G: FnMut(In, &mut Emit<'_, Out>) -> Result<(), Failed<In>>,
{
    let Some(mut port) = ports.take(index) else {
        return Ok(());
    };
    match port.work(step, stage) {
        Ok(()) => Ok(()),
        Err(message) => {
            ports.put_back(index, port);
            Err(message)
        }
    }
}

impl<In: Send + 'static, Out: Send + 'static> Port<In, Out> {
    /// Whether the pipeline is stopping: its links were closed (a graceful
    /// end only lets the senders go, which does not close a link).
    fn stopping(&self) -> bool {
        self.input.is_closed()
    }

    /// Reports everything this port holds or that waits for it as
    /// cancelled: the carried unit, then the rest of its input link.
    fn cancel_all(mut self, stage: &Arc<str>) {
        if let Some((reader, out)) = self.carry.take() {
            cancel(reader, stage, &self.errors);
            cancel(out.into_reader(), stage, &self.errors);
        }
        while let Ok(unit) = take(&self.input, &self.in_gauges, Wait::Never) {
            cancel(unit.into_reader(), stage, &self.errors);
        }
    }

    /// Handles units until the input ends (`Ok`) or an item fails (`Err`
    /// with the failure's message, the rest of the unit kept in `carry`).
    /// Once the pipeline is stopping it handles nothing more: it reports
    /// what it holds and what it still receives as cancelled, until its
    /// input is empty.
    fn work<G>(&mut self, step: &mut G, stage: &Arc<str>) -> Result<(), String>
    where
        G: FnMut(In, &mut Emit<'_, Out>) -> Result<(), Failed<In>>,
    {
        loop {
            let (mut reader, mut out) = match self.carry.take() {
                Some(carried) => carried,
                None => match take(&self.input, &self.in_gauges, Wait::Forever) {
                    Ok(unit) => {
                        let seq = unit.seq;
                        (unit.into_reader(), Unit::new(seq, &self.pool))
                    }
                    Err(_) => return Ok(()),
                },
            };
            if self.stopping() {
                cancel(reader, stage, &self.errors);
                cancel(out.into_reader(), stage, &self.errors);
                continue;
            }
            let gauges = &*self.in_gauges;
            let pool = &self.pool;
            let mut handled = 0;
            gauges.busy.fetch_add(1, Ordering::Relaxed);
            // One catch per unit, not per item: after a panic `reader` still
            // holds exactly the items not yet handed to `step`.
            let ran = catch_unwind(AssertUnwindSafe(|| {
                while let Some(item) = reader.pop() {
                    step(item, &mut Emit::new(&mut out, pool))?;
                    handled += 1;
                }
                Ok(())
            }));
            gauges.busy.fetch_sub(1, Ordering::Relaxed);
            gauges.processed.fetch_add(handled, Ordering::Relaxed);
            let (cause, item) = match ran {
                Ok(Ok(())) => {
                    if let Err((out, _)) = self.outlet.ship(out, Wait::Forever) {
                        // Nothing downstream takes output any more: the
                        // pipeline is stopping. Close the input too (the
                        // stop closes it anyway) and drain it.
                        self.input.close();
                        cancel(out.into_reader(), stage, &self.errors);
                    }
                    continue;
                }
                Ok(Err(Failed { message, item })) => (
                    Cause::Error(message),
                    item.map(|item| Box::new(item) as Box<dyn std::any::Any + Send>),
                ),
                Err(panic) => (Cause::Panicked(panic_message(&*panic)), None),
            };
            gauges.failed.fetch_add(1, Ordering::Relaxed);
            let message = match &cause {
                Cause::Error(message) => message.clone(),
                Cause::Panicked(message) => format!("panicked: {message}"),
                Cause::Cancelled => unreachable!("only a stop cancels"),
            };
            // The stream is unbounded and nobody may be reading it: a
            // failure must never block a worker. Ignored when the pipeline
            // is gone.
            let _ = self
                .errors
                .send(Failure::new(Arc::clone(stage), cause, item));
            self.carry = Some((reader, out));
            return Err(message);
        }
    }
}

/// Reports every item left in `items` as cancelled at `stage`.
pub(crate) fn cancel<T: Send + 'static>(
    mut items: Reader<T>,
    stage: &Arc<str>,
    errors: &crossbeam_channel::Sender<Failure>,
) {
    while let Some(item) = items.pop() {
        let item: Box<dyn std::any::Any + Send> = Box::new(item);
        // Ignored when nobody can read the stream any more.
        let _ = errors.send(Failure::new(
            Arc::clone(stage),
            Cause::Cancelled,
            Some(item),
        ));
    }
}
