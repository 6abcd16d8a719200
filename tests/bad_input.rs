//! Every constructor and setter of every crate, fed zero, huge and
//! contradictory values: a typed error each time, never a panic, never a
//! hang, never a runaway number of threads.

use std::time::Duration;

use soop::assign;
use soop::buffers::{self, BufferChannels, ConfigError, ReplySlots, SlabPool};
use soop::core::restart::{Backoff, Intensity};
use soop::core::{BuildError, Pool, ResizeError, from_fn};
use soop::mapreduce::{Chunking, MapReduce};
use soop::pipeline::{self, Pipeline};

/// The worker of every pool here: hands its input back.
type Echo = soop::core::FnWorker<fn(u8) -> Result<u8, String>, u8, u8, String>;

fn echo() -> impl Fn() -> Echo + Send + Sync {
    from_fn(Ok as fn(u8) -> Result<u8, String>)
}

#[test]
fn buffers_refuse_zero_and_huge_sizes() {
    for (capacity, slab_len) in [(0, 1), (1, 0), (usize::MAX, 1), (1, usize::MAX)] {
        assert!(
            matches!(
                buffers::bounded::<u8>(capacity, slab_len),
                Err(ConfigError::Zero { .. } | ConfigError::TooLarge { .. })
            ),
            "bounded({capacity}, {slab_len})"
        );
    }
    assert!(SlabPool::<u8>::new(0, 1).is_err());
    assert!(SlabPool::<u8>::new(usize::MAX, 1).is_err());
    assert!(
        SlabPool::<u8>::new(1, 0).is_ok(),
        "max_idle 0 is a valid choice"
    );
    let builder = || BufferChannels::<u8>::builder();
    assert!(builder().slab_len(0).build().is_err());
    assert!(builder().capacity(0).build().is_err());
    assert!(builder().capacity(usize::MAX).build().is_err());
    assert!(
        builder().max_idle(usize::MAX).build().is_ok(),
        "an upper bound, not an allocation"
    );
    // No free slot kept is valid; the pool still works.
    let slots = ReplySlots::<u8>::new(0);
    let (reply_to, reply) = slots.pair();
    let _ = reply_to.complete(1);
    assert_eq!(reply.wait(), Ok(1));
    // Timeouts too long to add to now wait without a deadline, not panic.
    let (mut tx, rx) = buffers::bounded::<u8>(1, 1).unwrap();
    tx.send_timeout(1, Duration::MAX).unwrap();
    assert_eq!(rx.recv_timeout(Duration::MAX), Ok(1));
}

#[test]
fn pools_refuse_impossible_settings() {
    let cases: Vec<(&str, soop::core::Builder)> = vec![
        ("zero workers", Pool::builder().workers(0)),
        ("too many workers", Pool::builder().workers(usize::MAX)),
        ("zero mailbox", Pool::builder().mailbox_capacity(0)),
        ("huge mailbox", Pool::builder().mailbox_capacity(usize::MAX)),
        ("zero stack", Pool::builder().stack_size(0)),
        (
            "zero restarts",
            Pool::builder().intensity(Intensity {
                max_restarts: 0,
                window: Duration::from_secs(1),
            }),
        ),
        (
            "zero window",
            Pool::builder().intensity(Intensity {
                max_restarts: 1,
                window: Duration::ZERO,
            }),
        ),
        (
            "cap below base",
            Pool::builder().backoff(Backoff::exponential(
                Duration::from_secs(2),
                Duration::from_secs(1),
            )),
        ),
        (
            "jitter above 1",
            Pool::builder().backoff(
                Backoff::exponential(Duration::from_millis(1), Duration::from_secs(1))
                    .with_jitter(1.5),
            ),
        ),
        (
            "jitter not a number",
            Pool::builder().backoff(
                Backoff::exponential(Duration::from_millis(1), Duration::from_secs(1))
                    .with_jitter(f64::NAN),
            ),
        ),
    ];
    for (what, builder) in cases {
        assert!(
            matches!(
                builder.build(echo()),
                Err(BuildError::Zero { .. } | BuildError::TooLarge { .. } | BuildError::Backoff(_))
            ),
            "{what}"
        );
    }
    let pool = Pool::builder().workers(1).build(echo()).unwrap();
    assert!(matches!(pool.resize(0), Err(ResizeError::Zero)));
    assert!(matches!(
        pool.resize(usize::MAX),
        Err(ResizeError::TooLarge { .. })
    ));
    assert_eq!(pool.workers(), 1, "a refused resize changes nothing");
}

#[test]
fn assign_refuses_impossible_settings_and_closed_pools() {
    assert!(assign::Pool::builder().workers(0).build(echo()).is_err());
    let pool = assign::Pool::builder().workers(1).build(echo()).unwrap();
    pool.stop();
    pool.stop(); // twice is fine
    pool.kill(); // and so is killing a stopped pool
    assert_eq!(pool.assign(1).unwrap_err().into_inner(), 1);
    assert!(pool.try_cast(2).is_err());
    assert!(pool.assign_timeout(3, Duration::MAX).is_err());
}

#[test]
fn map_reduce_takes_any_chunking_and_refuses_zero_workers() {
    assert!(MapReduce::builder().workers(0).build().is_err());
    assert!(MapReduce::builder().workers(usize::MAX).build().is_err());
    let data: Vec<u64> = (0..100).collect();
    for chunking in [
        Chunking::Fixed(0),
        Chunking::Fixed(usize::MAX),
        Chunking::Auto { min_len: 0 },
        Chunking::Auto {
            min_len: usize::MAX,
        },
    ] {
        let mr = MapReduce::builder()
            .workers(1)
            .chunking(chunking)
            .build()
            .unwrap();
        assert_eq!(
            mr.fold(&data, || 0, |s, &n| s + n, |a, b| a + b),
            Ok(4950),
            "{chunking:?}"
        );
        assert_eq!(mr.map(&[] as &[u64], |&n| n), Ok(vec![]));
    }
}

#[test]
fn pipelines_refuse_impossible_settings() {
    let stage = |p: Pipeline<u8, u8>| p.map("id", 1, |n: u8| n);
    let cases: Vec<(&str, Pipeline<u8, u8>)> = vec![
        ("zero unit", stage(Pipeline::new().unit_len(0))),
        ("huge unit", stage(Pipeline::new().unit_len(usize::MAX))),
        ("zero capacity", stage(Pipeline::new().capacity(0))),
        ("huge capacity", stage(Pipeline::new().capacity(usize::MAX))),
        ("zero window", stage(Pipeline::new().reorder_window(0))),
        (
            "huge window",
            stage(Pipeline::new().reorder_window(usize::MAX)),
        ),
        ("zero workers", Pipeline::new().map("id", 0, |n: u8| n)),
        (
            "too many workers",
            Pipeline::new().map("id", usize::MAX, |n: u8| n),
        ),
        (
            "zero restarts",
            stage(Pipeline::new().intensity(Intensity {
                max_restarts: 0,
                window: Duration::from_secs(1),
            })),
        ),
    ];
    for (what, pipeline) in cases {
        assert!(
            matches!(
                pipeline.start(),
                Err(pipeline::Error::Config(_) | pipeline::Error::Stage { .. })
            ),
            "{what}"
        );
    }
    // A started pipeline takes any timeout.
    let (mut input, mut output) = stage(Pipeline::new()).start().unwrap();
    input.send_timeout(1, Duration::MAX).unwrap();
    assert_eq!(output.recv_timeout(Duration::MAX), Ok(1));
}
