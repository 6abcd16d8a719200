//! Property: any mix of senders and receivers, batch sizes, flushes and drops
//! delivers every item exactly once, and one sender's items in send order.

use std::thread;

use proptest::prelude::*;
use soop_buffers::bounded;

#[derive(Clone, Debug)]
enum Op {
    /// Send this many items one by one.
    Send(usize),
    /// Send this many items through `send_batch`.
    Batch(usize),
    Flush,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1usize..40).prop_map(Op::Send),
        (1usize..40).prop_map(Op::Batch),
        Just(Op::Flush),
    ]
}

#[derive(Clone, Copy, Debug)]
enum Take {
    Items,
    Slabs,
    TryThenBlock,
}

fn take() -> impl Strategy<Value = Take> {
    prop_oneof![
        Just(Take::Items),
        Just(Take::Slabs),
        Just(Take::TryThenBlock)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_item_arrives_once_and_in_sender_order(
        capacity in 1usize..4,
        slab_len in 1usize..9,
        senders in prop::collection::vec(prop::collection::vec(op(), 0..8), 1..5),
        receivers in prop::collection::vec(take(), 1..4),
    ) {
        let (tx, rx) = bounded::<(usize, usize)>(capacity, slab_len).unwrap();
        let receiving: Vec<_> = receivers
            .iter()
            .map(|&mode| {
                let rx = rx.clone();
                thread::spawn(move || {
                    let mut got = Vec::new();
                    match mode {
                        Take::Items => got.extend(rx.iter()),
                        Take::Slabs => while let Ok(mut slab) = rx.recv_slab() {
                            got.extend(slab.drain());
                        },
                        Take::TryThenBlock => loop {
                            got.extend(rx.try_iter());
                            match rx.recv() {
                                Ok(item) => got.push(item),
                                Err(_) => break,
                            }
                        },
                    }
                    got
                })
            })
            .collect();
        drop(rx);
        let mut expected = Vec::new();
        let sending: Vec<_> = senders
            .iter()
            .enumerate()
            .map(|(id, ops)| {
                let mut seq = 0;
                let mut items = Vec::new();
                for op in ops {
                    if let Op::Send(n) | Op::Batch(n) = op {
                        items.extend((seq..seq + n).map(|s| (id, s)));
                        seq += n;
                    }
                }
                expected.extend(items);
                let mut tx = tx.clone();
                let ops = ops.clone();
                thread::spawn(move || {
                    let mut seq = 0;
                    for op in ops {
                        match op {
                            Op::Send(n) => {
                                for s in seq..seq + n {
                                    tx.send((id, s)).unwrap();
                                }
                                seq += n;
                            }
                            Op::Batch(n) => {
                                assert_eq!(tx.send_batch((seq..seq + n).map(|s| (id, s))), Ok(n));
                                seq += n;
                            }
                            Op::Flush => tx.flush().unwrap(),
                        }
                    }
                    // Dropped here: its partial slab ships.
                })
            })
            .collect();
        drop(tx);
        for s in sending {
            s.join().unwrap();
        }
        let mut all = Vec::new();
        for r in receiving {
            let got = r.join().unwrap();
            for id in 0..senders.len() {
                let mine: Vec<usize> = got.iter().filter(|i| i.0 == id).map(|i| i.1).collect();
                prop_assert!(mine.windows(2).all(|w| w[0] < w[1]), "sender {} out of order: {:?}", id, mine);
            }
            all.extend(got);
        }
        all.sort_unstable();
        expected.sort_unstable();
        prop_assert_eq!(all, expected);
    }
}
