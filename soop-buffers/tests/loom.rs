//! loom models of the hand-synchronised parts: the slab free list, the
//! channel's wait/wake handshake (both directions, and on close), and the
//! reply slot's generation and waker. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p soop-buffers --test loom --release`.
#![cfg(loom)]

use loom::thread;
use soop_buffers::{
    BufferChannels, Completion, RecvError, ReplySlots, SlabPool, TryTakeError, bounded,
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
fn a_polled_reply_is_woken_by_its_value() {
    loom::model(|| {
        let slots = ReplySlots::<u32>::new(1);
        let (reply_to, reply) = slots.pair();
        let t = thread::spawn(move || {
            let _ = reply_to.complete(5);
        });
        assert_eq!(loom::future::block_on(reply), Ok(5));
        t.join().unwrap();
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
        t.join().unwrap();
    });
}
