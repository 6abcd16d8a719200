//! The mailbox: order, capacity, closing, and sleepers on both sides.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

#[path = "../../testkit/bounded.rs"]
mod bounded;

use bounded::within_a_minute;

use soop_buffers::{
    ConfigError, MAX_MAILBOX, Mailbox, RecvError, RecvTimeoutError, SendTimeoutError, TryRecvError,
    TrySendError,
};

#[test]
fn items_come_out_in_order_and_capacity_is_exact() {
    for capacity in [1, 2, 3, 7] {
        let mailbox = Mailbox::new(capacity).unwrap();
        for lap in 0..3 {
            for n in 0..capacity {
                mailbox.try_send(lap * 100 + n).unwrap();
            }
            assert!(matches!(
                mailbox.try_send(999),
                Err(TrySendError::Full(999))
            ));
            assert_eq!(mailbox.len(), capacity);
            for n in 0..capacity {
                assert_eq!(mailbox.try_recv(), Ok(lap * 100 + n));
            }
            assert_eq!(mailbox.try_recv(), Err(TryRecvError::Empty));
        }
    }
}

#[test]
fn bad_capacities_are_errors() {
    assert!(matches!(
        Mailbox::<u8>::new(0),
        Err(ConfigError::Zero { .. })
    ));
    assert!(matches!(
        Mailbox::<u8>::new(MAX_MAILBOX + 1),
        Err(ConfigError::TooLarge { .. })
    ));
}

#[test]
fn closing_hands_back_later_sends_and_drains_earlier_ones() {
    let mailbox = Mailbox::new(4).unwrap();
    mailbox.send(1).unwrap();
    mailbox.send(2).unwrap();
    mailbox.close();
    assert_eq!(mailbox.send(3).unwrap_err().into_inner(), 3);
    assert!(matches!(mailbox.try_send(4), Err(TrySendError::Closed(4))));
    assert!(matches!(
        mailbox.send_timeout(5, Duration::from_secs(1)),
        Err(SendTimeoutError::Closed(5))
    ));
    assert_eq!(mailbox.recv(), Ok(1));
    assert_eq!(mailbox.recv_timeout(Duration::from_secs(1)), Ok(2));
    assert_eq!(mailbox.recv(), Err(RecvError));
    assert_eq!(mailbox.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        mailbox.recv_timeout(Duration::from_secs(1)),
        Err(RecvTimeoutError::Closed)
    );
}

#[test]
fn timeouts_give_up_and_hand_the_item_back() {
    let mailbox = Mailbox::new(1).unwrap();
    assert_eq!(
        mailbox.recv_timeout(Duration::from_millis(5)),
        Err(RecvTimeoutError::Timeout)
    );
    mailbox.send(1).unwrap();
    assert!(matches!(
        mailbox.send_timeout(2, Duration::from_millis(5)),
        Err(SendTimeoutError::Timeout(2))
    ));
    assert_eq!(mailbox.recv(), Ok(1));
}

#[test]
fn a_close_wakes_every_sleeper() {
    let mailbox = Mailbox::<u32>::with_spin(1, 0).unwrap();
    let receivers: Vec<_> = (0..3)
        .map(|_| {
            let inbox = mailbox.clone();
            thread::spawn(move || inbox.recv())
        })
        .collect();
    mailbox.close();
    for receiver in receivers {
        assert_eq!(receiver.join().unwrap(), Err(RecvError));
    }
}

/// Sleeping receivers must each be woken for an item, even when items come
/// faster than the first one wakes (the woken receiver passes the wake-up
/// on). A lost wake-up hangs a receiver, and the test with it.
#[test]
fn sleeping_receivers_are_each_woken_for_their_item() {
    within_a_minute(|| {
        for _ in 0..200 {
            let mailbox = Mailbox::<u32>::with_spin(4, 0).unwrap();
            let receivers: Vec<_> = (0..3)
                .map(|_| {
                    let inbox = mailbox.clone();
                    thread::spawn(move || inbox.recv().unwrap())
                })
                .collect();
            for n in 0..3 {
                mailbox.send(n).unwrap();
            }
            let mut got: Vec<u32> = receivers.into_iter().map(|r| r.join().unwrap()).collect();
            got.sort();
            assert_eq!(got, [0, 1, 2]);
        }
    });
}

/// The same for senders blocked on a full mailbox.
#[test]
fn blocked_senders_are_each_woken_for_room() {
    within_a_minute(|| {
        for _ in 0..200 {
            let mailbox = Mailbox::<u32>::with_spin(1, 0).unwrap();
            mailbox.send(0).unwrap();
            let senders: Vec<_> = (1..=3)
                .map(|n| {
                    let outbox = mailbox.clone();
                    thread::spawn(move || outbox.send(n).unwrap())
                })
                .collect();
            let mut got: Vec<u32> = (0..4).map(|_| mailbox.recv().unwrap()).collect();
            for sender in senders {
                sender.join().unwrap();
            }
            got.sort();
            assert_eq!(got, [0, 1, 2, 3]);
        }
    });
}

/// Many senders and receivers: every item arrives exactly once.
#[test]
fn every_item_arrives_exactly_once_under_contention() {
    const PER_SENDER: usize = 20_000;
    let mailbox = Mailbox::<usize>::new(8).unwrap();
    let seen: Arc<Vec<AtomicUsize>> =
        Arc::new((0..4 * PER_SENDER).map(|_| AtomicUsize::new(0)).collect());
    let receivers: Vec<_> = (0..3)
        .map(|_| {
            let inbox = mailbox.clone();
            let seen = Arc::clone(&seen);
            thread::spawn(move || {
                for n in inbox.iter() {
                    seen[n].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let senders: Vec<_> = (0..4)
        .map(|s| {
            let outbox = mailbox.clone();
            thread::spawn(move || {
                for n in 0..PER_SENDER {
                    outbox.send(s * PER_SENDER + n).unwrap();
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().unwrap();
    }
    mailbox.close();
    for receiver in receivers {
        receiver.join().unwrap();
    }
    assert!(seen.iter().all(|count| count.load(Ordering::Relaxed) == 1));
}

#[test]
fn queued_items_are_dropped_with_the_last_handle() {
    let drops = Arc::new(());
    let mailbox = Mailbox::new(4).unwrap();
    mailbox.send(Arc::clone(&drops)).unwrap();
    mailbox.send(Arc::clone(&drops)).unwrap();
    let other = mailbox.clone();
    drop(mailbox);
    assert_eq!(Arc::strong_count(&drops), 3);
    drop(other);
    assert_eq!(Arc::strong_count(&drops), 1);
}
