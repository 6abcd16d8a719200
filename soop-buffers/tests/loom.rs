//! loom models of the hand-synchronised parts: the slab free list, the
//! channel's wait/wake handshake (both directions, and on close), the
//! mailbox's lock-free ring and its sleepers, and the reply slot's
//! lock-free handoff, its recycling, its free list and its waker. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p soop-buffers --test loom --release`.
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use soop_buffers::{
    BufferChannels, Completion, Mailbox, RecvError, ReplyError, ReplySlots, SlabPool, TryRecvError,
    TryTakeError, bounded,
};

#[test]
fn slab_free_list_hands_out_and_takes_back() {
    loom::model(|| {
        let pool = SlabPool::<u32>::new(2, 1).unwrap();
        let other = pool.clone();
        let t = thread::spawn(move || {
            let mut slab = other.get();
            slab.push(1).unwrap();
        });
        let mut slab = pool.get();
        slab.push(2).unwrap();
        drop(slab);
        t.join().unwrap();
        let stats = pool.stats();
        assert_eq!(stats.allocated + stats.reused, 2);
        assert!(stats.idle == 1);
        assert!(pool.get().is_empty());
    });
}

#[test]
fn a_full_channel_blocks_the_sender_until_the_receiver_takes() {
    loom::model(|| {
        let (mut tx, rx) = bounded::<u32>(1, 1).unwrap();
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap(); // blocks until 1 is taken
        });
        assert_eq!(rx.recv(), Ok(1));
        assert_eq!(rx.recv(), Ok(2));
        assert_eq!(rx.recv(), Err(RecvError));
        t.join().unwrap();
    });
}

#[test]
fn a_parked_receiver_is_woken_by_a_flush_from_a_live_sender() {
    loom::model(|| {
        let (mut tx, rx) = bounded::<u32>(1, 4).unwrap();
        let t = thread::spawn(move || rx.recv());
        tx.send(7).unwrap();
        tx.flush().unwrap();
        // The sender is still alive: only the ship can have woken it.
        assert_eq!(t.join().unwrap(), Ok(7));
        drop(tx);
    });
}

#[test]
fn receivers_leaving_wakes_a_blocked_sender_with_its_item() {
    loom::model(|| {
        let (mut tx, rx) = bounded::<u32>(1, 1).unwrap();
        tx.send(1).unwrap(); // the channel is full
        let t = thread::spawn(move || tx.send(2));
        drop(rx);
        assert_eq!(t.join().unwrap().unwrap_err().into_inner(), 2);
    });
}

#[test]
fn a_late_reply_never_reaches_the_slots_next_user() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (old_to, old) = slots.pair();
        let t = thread::spawn(move || old_to.complete(1));
        drop(old); // abandoned: the slot goes back for reuse
        let (new_to, mut new) = slots.pair();
        assert_eq!(new.try_take(), Err(TryTakeError::Empty));
        let _ = new_to.complete(2);
        assert_eq!(new.wait(), Ok(2));
        let outcome = t.join().unwrap();
        assert!(matches!(
            outcome,
            Completion::Delivered | Completion::Abandoned(1)
        ));
    });
}

#[test]
fn two_threads_taking_and_giving_back_slots_reuse_or_allocate() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(2);
        let other = slots.clone();
        let t = thread::spawn(move || {
            let (to, reply) = other.pair();
            let _ = to.complete(1);
            reply.wait()
        });
        let (to, reply) = slots.pair();
        let _ = to.complete(2);
        assert_eq!(reply.wait(), Ok(2));
        assert_eq!(t.join().unwrap(), Ok(1));
        // A busy free list makes a slot rather than wait, and frees one
        // rather than wait: every pair is counted once either way.
        let stats = slots.stats();
        assert_eq!(stats.allocated + stats.reused, 2);
        assert!(stats.idle <= 2);
    });
}

#[test]
fn a_reply_outliving_its_pool_gives_back_to_a_closed_list() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (spare_to, spare) = slots.pair();
        drop((spare_to, spare)); // one idle slot for the close to free
        let (to, reply) = slots.pair();
        let t = thread::spawn(move || {
            let _ = to.complete(3);
            reply.wait()
        });
        drop(slots); // the last handle: closes the list, racing the give-back
        assert_eq!(t.join().unwrap(), Ok(3));
        // loom fails the model if either slot (or the list) is leaked.
    });
}

#[test]
fn a_polled_reply_is_woken_by_its_value() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (reply_to, reply) = slots.pair();
        let t = thread::spawn(move || {
            let _ = reply_to.complete(5);
        });
        assert_eq!(loom::future::block_on(reply), Ok(5));
        // A reply that got its value always recycles its slot, even when
        // the writer was still waking it.
        assert_eq!(slots.stats().idle, 1);
        t.join().unwrap();
    });
}

/// Counts wake-ups; holds a loom `Arc`, so a waker never dropped fails
/// the model as a leak.
struct CountingWake(Arc<AtomicUsize>);

impl std::task::Wake for CountingWake {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_polled_reply_dropped_racing_its_value_leaves_a_clean_slot() {
    use std::future::Future;
    use std::task::{Context, Waker};
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (reply_to, mut reply) = slots.pair();
        let t = thread::spawn(move || {
            let _ = reply_to.complete(5);
        });
        let woken = Arc::new(AtomicUsize::new(0));
        let waker = Waker::from(std::sync::Arc::new(CountingWake(Arc::clone(&woken))));
        // Registers the waker unless the value is there already.
        let _ = std::pin::Pin::new(&mut reply).poll(&mut Context::from_waker(&waker));
        drop(waker);
        drop(reply);
        t.join().unwrap();
        // Whichever end finished last dropped the registered waker and
        // gave the slot back empty.
        assert_eq!(Arc::strong_count(&woken), 1);
        assert_eq!(slots.stats().idle, 1);
        let (_reply_to, mut next) = slots.pair();
        assert_eq!(next.try_take(), Err(TryTakeError::Empty));
    });
}

#[test]
fn shared_senders_append_and_wake_a_parked_receiver() {
    loom::model(|| {
        let channels = BufferChannels::<u32>::builder()
            .capacity(1)
            .slab_len(2)
            .build()
            .unwrap();
        let (tx, rx) = channels.shared_channel();
        let other = tx.clone();
        let t = thread::spawn(move || other.send(1).unwrap());
        // Appended to the other sender's slab or starting the one slab; the
        // receiver below may park before the other send and be woken by it.
        tx.send(2).unwrap();
        let mut got = [rx.recv().unwrap(), rx.recv().unwrap()];
        got.sort();
        assert_eq!(got, [1, 2]);
        t.join().unwrap();
        drop(tx);
        assert_eq!(rx.recv(), Err(RecvError));
    });
}

#[test]
fn a_blocked_reply_is_woken_only_when_it_sleeps_and_always_then() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (reply_to, reply) = slots.pair();
        let t = thread::spawn(move || {
            let _ = reply_to.complete(9);
        });
        // Blocks or not depending on the interleaving; the completion must
        // notify exactly when the waiter sleeps.
        assert_eq!(reply.wait(), Ok(9));
        assert_eq!(slots.stats().idle, 1);
        t.join().unwrap();
    });
}

#[test]
fn mailbox_items_from_two_senders_arrive_once_each() {
    loom::model(|| {
        let mailbox = Mailbox::<u32>::new(2).unwrap();
        let other = mailbox.clone();
        let t = thread::spawn(move || other.send(1).unwrap());
        mailbox.send(2).unwrap();
        let mut got = [mailbox.recv().unwrap(), mailbox.recv().unwrap()];
        got.sort();
        assert_eq!(got, [1, 2]);
        t.join().unwrap();
        assert_eq!(mailbox.try_recv(), Err(TryRecvError::Empty));
    });
}

#[test]
fn a_sleeping_mailbox_receiver_is_woken_by_a_send() {
    loom::model(|| {
        let mailbox = Mailbox::<u32>::new(1).unwrap();
        let inbox = mailbox.clone();
        let t = thread::spawn(move || inbox.recv());
        mailbox.send(7).unwrap();
        assert_eq!(t.join().unwrap(), Ok(7));
    });
}

#[test]
fn a_full_mailbox_blocks_its_sender_until_a_receive() {
    loom::model(|| {
        let mailbox = Mailbox::<u32>::new(1).unwrap();
        let outbox = mailbox.clone();
        let t = thread::spawn(move || {
            outbox.send(1).unwrap();
            outbox.send(2).unwrap(); // waits for room
        });
        assert_eq!(mailbox.recv(), Ok(1));
        assert_eq!(mailbox.recv(), Ok(2));
        t.join().unwrap();
    });
}

#[test]
fn a_send_racing_a_close_lands_or_comes_back() {
    loom::model(|| {
        let mailbox = Mailbox::<u32>::new(2).unwrap();
        let outbox = mailbox.clone();
        let t = thread::spawn(move || outbox.send(1).map_err(|e| e.into_inner()));
        let inbox = mailbox.clone();
        let r = thread::spawn(move || inbox.iter().collect::<Vec<_>>());
        mailbox.close();
        let sent = t.join().unwrap();
        let received = r.join().unwrap();
        // Exactly one of: received, or handed back to its sender.
        match sent {
            Ok(()) => assert_eq!(received, [1]),
            Err(back) => {
                assert_eq!(back, 1);
                assert!(received.is_empty());
            }
        }
    });
}

/// A value that counts its drops, to prove each is dropped exactly once.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_reply_dropped_racing_its_value_drops_it_exactly_once() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let slots = ReplySlots::<Counted>::new(1);
        let (reply_to, reply) = slots.pair();
        let value = Counted(Arc::clone(&drops));
        let t = thread::spawn(move || {
            if let Completion::Abandoned(back) = reply_to.complete(value) {
                drop(back);
            }
        });
        drop(reply);
        t.join().unwrap();
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        // Whichever end finished last gave the slot back, empty.
        let stats = slots.stats();
        assert_eq!(stats.idle, 1);
        let (_reply_to, mut next) = slots.pair();
        assert_eq!(next.try_take().err(), Some(TryTakeError::Empty));
    });
}

#[test]
fn a_sleeping_reply_is_woken_by_a_dropped_writer() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (reply_to, reply) = slots.pair();
        let t = thread::spawn(move || drop(reply_to));
        assert_eq!(reply.wait(), Err(ReplyError::Closed));
        t.join().unwrap();
    });
}

#[test]
fn two_sleeping_mailbox_receivers_are_each_woken_for_an_item() {
    three_threads().check(|| {
        let mailbox = Mailbox::<u32>::new(2).unwrap();
        let receivers: Vec<_> = (0..2)
            .map(|_| {
                let inbox = mailbox.clone();
                thread::spawn(move || inbox.recv())
            })
            .collect();
        mailbox.send(1).unwrap();
        mailbox.send(2).unwrap();
        let mut got: Vec<u32> = receivers
            .into_iter()
            .map(|r| r.join().unwrap().unwrap())
            .collect();
        got.sort();
        assert_eq!(got, [1, 2]);
    });
}

#[test]
fn two_blocked_mailbox_senders_each_get_room() {
    three_threads().check(|| {
        let mailbox = Mailbox::<u32>::new(1).unwrap();
        mailbox.send(0).unwrap(); // full
        let senders: Vec<_> = (1..=2)
            .map(|n| {
                let outbox = mailbox.clone();
                thread::spawn(move || outbox.send(n).unwrap())
            })
            .collect();
        let mut got = [
            mailbox.recv().unwrap(),
            mailbox.recv().unwrap(),
            mailbox.recv().unwrap(),
        ];
        for sender in senders {
            sender.join().unwrap();
        }
        got.sort();
        assert_eq!(got, [0, 1, 2]);
    });
}

/// Models with three threads branch more than loom's default path allows.
fn three_threads() -> loom::model::Builder {
    let mut builder = loom::model::Builder::new();
    builder.max_branches = 100_000;
    builder.preemption_bound = Some(1);
    builder
}
