//! Steady-state traffic allocates nothing: a counting global allocator
//! watches 1M items through a channel, `String` payloads under in-place
//! recycling, and reply-slot round trips.
//!
//! One test function runs every scenario in turn, and only the threads that
//! carry the traffic are counted, so neither another test nor the harness
//! can disturb a measured window.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

#[path = "../../testkit/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{allocations, last_size, watch_this_thread, watched_allocations};
use soop_buffers::{BufferChannels, Completion, InPlace, ReplySlots, ReplyTo};

/// Spins (bounded by the test's own progress) until `counter` reaches `n`.
fn wait_for(counter: &AtomicU64, n: u64) {
    while counter.load(Ordering::SeqCst) < n {
        thread::yield_now();
    }
}

/// A measured stretch of traffic.
struct Window {
    watched: usize,
    all: usize,
}

impl Window {
    fn open() -> Self {
        Window {
            watched: watched_allocations(),
            all: allocations(),
        }
    }

    /// Allocations since `open` by the watched threads, and by the whole
    /// process (for the failure message: a difference points outside).
    fn close(self) -> (usize, usize) {
        (
            watched_allocations() - self.watched,
            allocations() - self.all,
        )
    }
}

const CAPACITY: usize = 8;
const SLAB_LEN: usize = 256;

fn u64_items_allocate_nothing() {
    let channels = BufferChannels::<u64>::builder()
        .capacity(CAPACITY)
        .slab_len(SLAB_LEN)
        .build()
        .unwrap();
    // Warm-up: at most CAPACITY queued + one being filled + one on its way
    // back exist at once; put that many (and spare) in the free list.
    let warm: Vec<_> = (0..CAPACITY + 4).map(|_| channels.pool().get()).collect();
    drop(warm);
    let (mut tx, rx) = channels.channel();
    let received = Arc::new(AtomicU64::new(0));
    let consumer = {
        let received = received.clone();
        thread::spawn(move || {
            watch_this_thread();
            let mut sum = 0u64;
            while let Ok(item) = rx.recv() {
                sum = sum.wrapping_add(item);
                received.fetch_add(1, Ordering::SeqCst);
            }
            sum
        })
    };
    tx.send_batch(0..10_000).unwrap();
    tx.flush().unwrap();
    wait_for(&received, 10_000);

    let window = Window::open();
    for i in 10_000..1_010_000u64 {
        tx.send(i).unwrap();
    }
    tx.flush().unwrap();
    wait_for(&received, 1_010_000);
    let (during, process_wide) = window.close();

    drop(tx);
    assert_eq!(consumer.join().unwrap(), (0..1_010_000u64).sum::<u64>());
    assert_eq!(
        during,
        0,
        "allocations for 1M u64 items after warm-up ({process_wide} process-wide, \
         last of {} bytes; pool {:?})",
        last_size(),
        channels.pool().stats()
    );
}

fn strings_recycled_in_place_allocate_nothing() {
    let channels = BufferChannels::<String>::builder()
        .capacity(CAPACITY)
        .slab_len(SLAB_LEN)
        .recycle(InPlace::default())
        .build()
        .unwrap();
    // Warm-up: every slab that can be in flight at once gets a full set of
    // husks with room for the longest payload.
    let warm: Vec<_> = (0..CAPACITY + 4)
        .map(|_| {
            let mut slab = channels.pool().get();
            while slab.push_with(|s| s.reserve(32)).is_ok() {}
            slab
        })
        .collect();
    drop(warm);
    let (mut tx, rx) = channels.channel();
    let received = Arc::new(AtomicU64::new(0));
    let consumer = {
        let received = received.clone();
        thread::spawn(move || {
            watch_this_thread();
            let mut bytes = 0usize;
            while let Ok(slab) = rx.recv_slab() {
                // Read in place: the Strings go back to the pool as husks.
                bytes += slab.iter().map(String::len).sum::<usize>();
                received.fetch_add(slab.len() as u64, Ordering::SeqCst);
            }
            bytes
        })
    };
    let window = Window::open();
    for i in 0..200_000u64 {
        tx.send_with(|s| write!(s, "item-{i:020}").unwrap())
            .unwrap();
    }
    tx.flush().unwrap();
    wait_for(&received, 200_000);
    let (during, process_wide) = window.close();
    drop(tx);
    assert_eq!(consumer.join().unwrap(), 200_000 * 25);
    assert_eq!(
        during, 0,
        "allocations for 200k String items in place ({process_wide} process-wide)"
    );
}

fn reply_round_trips_allocate_nothing() {
    let slots = ReplySlots::<u64>::new(8);
    let channels = BufferChannels::<(u64, ReplyTo<u64>)>::builder()
        .capacity(4)
        .slab_len(8)
        .build()
        .unwrap();
    // At most one slab is queued, one held by the worker's iterator and one
    // being filled; have that many free before measuring.
    let warm: Vec<_> = (0..4).map(|_| channels.pool().get()).collect();
    drop(warm);
    let (mut requests, inbox) = channels.channel();
    let worker = thread::spawn(move || {
        watch_this_thread();
        for (n, reply_to) in inbox.iter() {
            assert_eq!(reply_to.complete(n + 1), Completion::Delivered);
        }
    });
    let round_trip = |requests: &mut soop_buffers::Sender<(u64, ReplyTo<u64>)>, n: u64| {
        let (reply_to, reply) = slots.pair();
        requests.send((n, reply_to)).unwrap();
        requests.flush().unwrap();
        assert_eq!(reply.wait(), Ok(n + 1));
    };
    for n in 0..1_000 {
        round_trip(&mut requests, n);
    }
    let window = Window::open();
    for n in 0..100_000 {
        round_trip(&mut requests, n);
    }
    let (during, process_wide) = window.close();
    drop(requests);
    worker.join().unwrap();
    assert_eq!(
        during,
        0,
        "allocations for 100k reply round trips ({process_wide} process-wide, last of {} bytes)",
        last_size()
    );
    assert_eq!(slots.stats().allocated, 1);
}

#[test]
fn steady_state_traffic_allocates_nothing() {
    watch_this_thread();
    u64_items_allocate_nothing();
    strings_recycled_in_place_allocate_nothing();
    reply_round_trips_allocate_nothing();
}
