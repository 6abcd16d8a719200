//! Behaviour of buffer channels: delivery, order, closing, timeouts, drops.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use soop_buffers::{
    BufferChannels, ConfigError, RecvError, RecvTimeoutError, SendTimeoutError, TryRecvError,
    TrySendError, bounded,
};

/// Counts its own drops, to prove each item is dropped exactly once.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn zero_and_huge_sizes_are_config_errors() {
    assert_eq!(
        bounded::<u8>(0, 4).err(),
        Some(ConfigError::Zero { what: "capacity" })
    );
    assert_eq!(
        bounded::<u8>(4, 0).err(),
        Some(ConfigError::Zero { what: "slab_len" })
    );
    assert!(matches!(
        bounded::<u8>(4, usize::MAX).err(),
        Some(ConfigError::TooLarge {
            what: "slab_len",
            ..
        })
    ));
    assert!(matches!(
        BufferChannels::<u8>::builder()
            .capacity(usize::MAX)
            .build()
            .err(),
        Some(ConfigError::TooLarge {
            what: "capacity",
            ..
        })
    ));
}

#[test]
fn one_sender_one_receiver_keeps_order() {
    let (mut tx, rx) = bounded::<u32>(2, 7).unwrap();
    let producer = thread::spawn(move || {
        for i in 0..10_000 {
            tx.send(i).unwrap();
        }
    });
    let received: Vec<u32> = rx.iter().collect();
    producer.join().unwrap();
    assert_eq!(received, (0..10_000).collect::<Vec<_>>());
}

#[test]
fn a_partial_slab_waits_for_flush_then_arrives() {
    let (mut tx, rx) = bounded::<u32>(2, 100).unwrap();
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert_eq!(tx.buffered(), 2);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.flush().unwrap();
    assert_eq!(tx.buffered(), 0);
    assert_eq!(rx.len(), 2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn a_send_ships_at_once_to_a_parked_receiver() {
    let (mut tx, rx) = bounded::<u32>(2, 1000).unwrap();
    let receiver = thread::spawn(move || (0..20).map(|_| rx.recv().unwrap()).collect::<Vec<_>>());
    let mut shipped_at_once = 0;
    for i in 0..20 {
        // Wait (bounded) until the receiver is parked, then send one item
        // without flushing: it must ship by itself.
        let deadline = Instant::now() + Duration::from_secs(60);
        while tx.parked_receivers() == 0 {
            assert!(Instant::now() < deadline, "the receiver never parked");
            thread::yield_now();
        }
        tx.send(i).unwrap();
        if tx.buffered() == 0 {
            shipped_at_once += 1;
        } else {
            // Only a spurious wake-up, unparking the receiver between our
            // check and our send, can get here; flush so the test goes on.
            tx.flush().unwrap();
        }
    }
    assert_eq!(receiver.join().unwrap(), (0..20).collect::<Vec<_>>());
    assert!(
        shipped_at_once >= 10,
        "only {shipped_at_once} of 20 shipped at once"
    );
}

#[test]
fn dropping_the_sender_ships_and_then_closes() {
    let (mut tx, rx) = bounded::<u32>(1, 10).unwrap();
    tx.send(5).unwrap();
    drop(tx);
    assert_eq!(rx.recv(), Ok(5));
    assert_eq!(rx.recv(), Err(RecvError));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn dropping_the_sender_never_blocks_even_when_full() {
    let (mut tx, rx) = bounded::<u32>(1, 1).unwrap();
    tx.send(1).unwrap();
    tx.try_send(2).unwrap(); // held: the channel is full
    drop(tx); // ships past the capacity rather than block
    assert_eq!(rx.iter().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn closed_receivers_refuse_sends_and_hand_the_item_back() {
    let (mut tx, rx) = bounded::<String>(1, 2).unwrap();
    drop(rx);
    let err = tx.send("a".into()).unwrap_err();
    assert_eq!(err.into_inner(), "a");
    assert!(matches!(tx.try_send("b".into()), Err(TrySendError::Closed(s)) if s == "b"));
    assert!(matches!(
        tx.send_timeout("c".into(), Duration::from_millis(1)),
        Err(SendTimeoutError::Closed(s)) if s == "c"
    ));
}

#[test]
fn close_is_idempotent_from_both_sides() {
    let (mut tx, rx) = bounded::<u8>(2, 2).unwrap();
    tx.send(1).unwrap();
    tx.close(); // flushes this sender's slab first
    tx.close();
    rx.close();
    assert!(tx.is_closed() && rx.is_closed());
    assert_eq!(rx.recv(), Ok(1));
    assert_eq!(rx.recv(), Err(RecvError));
    assert!(tx.send(2).is_err());
}

#[test]
fn full_channel_times_out_and_hands_the_item_back() {
    let (mut tx, rx) = bounded::<u8>(1, 1).unwrap();
    tx.send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    let err = tx
        .send_deadline(4, Instant::now() + Duration::from_millis(5))
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.into_inner(), 4);
    // Room again: the held slab ships, and the next item is taken.
    assert_eq!(rx.recv(), Ok(1));
    tx.try_send(5).unwrap(); // ships [2]; 5 waits in the sender's slab
    assert_eq!(rx.recv(), Ok(2));
    tx.flush().unwrap();
    assert_eq!(rx.recv(), Ok(5));
}

#[test]
fn empty_channel_times_out() {
    let (_tx, rx) = bounded::<u8>(1, 1).unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(2)),
        Err(RecvTimeoutError::Timeout)
    );
    assert_eq!(
        rx.recv_deadline(Instant::now()),
        Err(RecvTimeoutError::Timeout)
    );
    assert_eq!(
        rx.recv_slab_deadline(Instant::now()).err(),
        Some(RecvTimeoutError::Timeout)
    );
}

#[test]
fn a_blocked_receiver_wakes_on_close() {
    let (tx, rx) = bounded::<u8>(1, 1).unwrap();
    let waiter = thread::spawn(move || rx.recv());
    drop(tx);
    assert_eq!(waiter.join().unwrap(), Err(RecvError));
}

#[test]
fn a_blocked_sender_wakes_when_receivers_leave() {
    let (mut tx, rx) = bounded::<u8>(1, 1).unwrap();
    tx.send(1).unwrap();
    // The channel is full: this send fills the sender's one-item slab and
    // blocks shipping it, until the receiver leaves and hands it back.
    let sender = thread::spawn(move || tx.send(2));
    drop(rx);
    assert_eq!(sender.join().unwrap().unwrap_err().into_inner(), 2);
}

#[test]
fn unreceived_items_are_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut tx, rx) = bounded::<Counted>(4, 3).unwrap();
    for _ in 0..10 {
        tx.send(Counted(drops.clone())).unwrap();
    }
    let first = rx.recv().unwrap(); // one received, held by us
    drop(rx); // drops the queued ones
    let refused = tx.send(Counted(drops.clone())).unwrap_err();
    drop(refused); // handed back, dropped by us
    drop(tx); // drops what was still in its slab
    assert_eq!(drops.load(Ordering::SeqCst), 10);
    drop(first);
    assert_eq!(drops.load(Ordering::SeqCst), 11);
}

#[test]
fn items_left_in_a_dropped_channel_are_dropped_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut tx, rx) = bounded::<Counted>(8, 4).unwrap();
    for _ in 0..13 {
        tx.send(Counted(drops.clone())).unwrap();
    }
    let slab = rx.recv_slab().unwrap(); // 4 items, dropped with the slab
    drop(tx);
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 9);
    drop(slab);
    assert_eq!(drops.load(Ordering::SeqCst), 13);
}

#[test]
fn slab_receives_resume_a_partly_taken_slab_in_order() {
    let (mut tx, rx) = bounded::<u32>(4, 4).unwrap();
    tx.send_batch(0..10).unwrap();
    tx.flush().unwrap();
    assert_eq!(rx.recv(), Ok(0));
    assert_eq!(&rx.recv_slab().unwrap()[..], &[1, 2, 3]);
    let mut buf = Vec::new();
    assert_eq!(rx.recv_into(&mut buf), Ok(4));
    assert_eq!(rx.try_recv_slab().unwrap().to_vec(), [8, 9]);
    assert_eq!(buf, [4, 5, 6, 7]);
    assert_eq!(rx.try_recv_slab().err(), Some(TryRecvError::Empty));
}

#[test]
fn send_batch_hands_back_the_first_refused_item_and_keeps_the_rest() {
    let (mut tx, rx) = bounded::<u32>(1, 2).unwrap();
    drop(rx);
    let mut items = 0..5;
    let err = tx.send_batch(items.by_ref()).unwrap_err();
    assert_eq!(err.into_inner(), 0);
    assert_eq!(items.collect::<Vec<_>>(), [1, 2, 3, 4]);
}

#[test]
fn many_receivers_share_the_items_one_by_one() {
    let (mut tx, rx) = bounded::<u64>(4, 16).unwrap();
    let receivers: Vec<_> = (0..3)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || rx.iter().collect::<Vec<_>>())
        })
        .collect();
    drop(rx);
    tx.send_batch(0..20_000).unwrap();
    drop(tx);
    let mut all: Vec<u64> = Vec::new();
    for r in receivers {
        let got = r.join().unwrap();
        assert!(got.windows(2).all(|w| w[0] < w[1]), "one sender's order");
        all.extend(got);
    }
    all.sort_unstable();
    assert_eq!(all, (0..20_000).collect::<Vec<_>>());
}

#[test]
fn send_racing_close_either_lands_or_comes_back() {
    for trial in 0..500 {
        let (mut tx, rx) = bounded::<u32>(2, 2).unwrap();
        let closer = {
            let rx = rx.clone();
            thread::spawn(move || rx.close())
        };
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        for i in 0..8 {
            match tx.try_send(i) {
                Ok(()) => accepted.push(i),
                Err(TrySendError::Closed(item)) => refused.push(item),
                Err(TrySendError::Full(item)) => refused.push(item),
            }
        }
        closer.join().unwrap();
        drop(tx);
        let received: Vec<u32> = rx.iter().collect();
        // Nothing is invented or duplicated, received ones were accepted,
        // refused ones came back, and every item is in exactly one place
        // (accepted items after the close may be dropped unreceived).
        assert!(
            received.iter().all(|i| accepted.contains(i)),
            "trial {trial}"
        );
        let mut seen: Vec<u32> = accepted.iter().chain(&refused).copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..8).collect::<Vec<_>>(), "trial {trial}");
        assert!(received.windows(2).all(|w| w[0] < w[1]), "trial {trial}");
    }
}

#[test]
fn stats_show_slabs_being_reused() {
    let channels = BufferChannels::<u64>::builder()
        .slab_len(32)
        .capacity(2)
        .build()
        .unwrap();
    let (mut tx, rx) = channels.channel();
    let consumer = thread::spawn(move || rx.iter().count());
    tx.send_batch(0..32 * 100).unwrap();
    drop(tx);
    assert_eq!(consumer.join().unwrap(), 3200);
    let stats = channels.stats();
    // 100 slabs travelled; at most capacity + 2 existed at once.
    assert!(stats.allocated <= 4, "{stats:?}");
    assert!(stats.reused >= 96, "{stats:?}");
}

#[test]
fn breaking_out_of_an_iterator_loses_nothing() {
    let (mut tx, rx) = bounded::<u32>(8, 4).unwrap();
    tx.send_batch(0..14).unwrap();
    tx.flush().unwrap();
    assert_eq!(rx.recv(), Ok(0)); // leaves a partly taken front slab
    let mut got: Vec<u32> = rx.iter().take(5).collect(); // 1..=5
    got.extend(rx.iter().take(1)); // 6
    got.extend(rx.try_iter().take(2)); // 7, 8
    let mut rest = rx.clone().into_iter();
    got.push(rest.next().unwrap()); // 9
    drop(rest);
    drop(tx);
    got.extend(rx.iter());
    assert_eq!(got, (1..14).collect::<Vec<_>>());
}

#[test]
fn shared_senders_from_many_threads_deliver_everything_once_in_order() {
    let channels = BufferChannels::<(u32, u32)>::builder()
        .capacity(2)
        .slab_len(5)
        .build()
        .unwrap();
    let (tx, rx) = channels.shared_channel();
    let tx = Arc::new(tx);
    let senders: Vec<_> = (0..4)
        .map(|id| {
            let tx = Arc::clone(&tx);
            thread::spawn(move || {
                for seq in 0..2_000 {
                    tx.send((id, seq)).unwrap();
                }
            })
        })
        .collect();
    let receivers: Vec<_> = (0..2)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || rx.iter().collect::<Vec<_>>())
        })
        .collect();
    drop(rx);
    for s in senders {
        s.join().unwrap();
    }
    drop(tx);
    let mut all = Vec::new();
    for r in receivers {
        let got = r.join().unwrap();
        for id in 0..4 {
            let mine: Vec<u32> = got.iter().filter(|i| i.0 == id).map(|i| i.1).collect();
            assert!(
                mine.windows(2).all(|w| w[0] < w[1]),
                "sender {id} out of order"
            );
        }
        all.extend(got);
    }
    all.sort_unstable();
    let expected: Vec<(u32, u32)> = (0..4)
        .flat_map(|id| (0..2_000).map(move |s| (id, s)))
        .collect();
    assert_eq!(all, expected);
}

#[test]
fn a_shared_sender_is_seen_at_once_and_respects_capacity() {
    let channels = BufferChannels::<u8>::builder()
        .capacity(1)
        .slab_len(2)
        .spin_before_park(0)
        .build()
        .unwrap();
    let (tx, rx) = channels.shared_channel();
    tx.send(1).unwrap();
    assert_eq!(rx.try_recv(), Ok(1)); // no flush needed
    tx.try_send(2).unwrap();
    tx.try_send(3).unwrap(); // appended to the same slab
    assert_eq!(tx.try_send(4), Err(TrySendError::Full(4)));
    assert!(
        tx.send_timeout(4, Duration::from_millis(1))
            .unwrap_err()
            .is_timeout()
    );
    assert_eq!(tx.queued(), 2);
    tx.close();
    assert!(matches!(tx.send(5), Err(e) if e.into_inner() == 5));
    assert_eq!(rx.iter().collect::<Vec<_>>(), [2, 3]);
}
