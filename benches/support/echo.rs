//! The hand-written baselines of the assign benches: crossbeam-channel
//! worker threads that answer each request `n` with `n + 1`.
#![allow(dead_code)]

use std::thread::{self, JoinHandle};

use crossbeam_channel::{Receiver, Sender, bounded};

/// A request carrying its own reply channel.
pub(crate) type Request = (u64, Sender<u64>);

/// Worker threads reading one request channel; dropping it closes the
/// channel and joins them.
pub(crate) struct Echo<R> {
    requests: Option<Sender<R>>,
    workers: Vec<JoinHandle<()>>,
}

impl<R> Echo<R> {
    /// Sends one request.
    pub(crate) fn send(&self, request: R) {
        if let Some(requests) = &self.requests {
            requests
                .send(request)
                .expect("the echo workers are running");
        }
    }
}

impl<R> Drop for Echo<R> {
    fn drop(&mut self) {
        drop(self.requests.take());
        for worker in self.workers.drain(..) {
            worker.join().expect("an echo worker panicked");
        }
    }
}

/// `workers` threads answering each request on the reply channel it carries;
/// up to `capacity` requests wait.
pub(crate) fn fresh_replies(workers: usize, capacity: usize) -> Echo<Request> {
    let (requests, inbox) = bounded::<Request>(capacity);
    let workers = (0..workers)
        .map(|_| {
            let inbox = inbox.clone();
            thread::spawn(move || {
                for (n, reply) in inbox {
                    let _ = reply.send(n + 1);
                }
            })
        })
        .collect();
    Echo {
        requests: Some(requests),
        workers,
    }
}

/// One thread answering every request on one reply channel, returned.
pub(crate) fn reused_reply(capacity: usize) -> (Echo<u64>, Receiver<u64>) {
    let (requests, inbox) = bounded::<u64>(capacity);
    let (replies, answers) = bounded::<u64>(1);
    let worker = thread::spawn(move || {
        for n in inbox {
            let _ = replies.send(n + 1);
        }
    });
    let echo = Echo {
        requests: Some(requests),
        workers: vec![worker],
    };
    (echo, answers)
}

/// One round trip with a fresh `bounded(1)` reply channel.
pub(crate) fn fresh_round_trip(echo: &Echo<Request>, n: u64) -> u64 {
    let (reply, answer) = bounded(1);
    echo.send((n, reply));
    answer.recv().expect("the echo workers answer")
}

/// `jobs` requests, a fresh reply channel each, then every answer: their sum.
pub(crate) fn fresh_batch(echo: &Echo<Request>, jobs: u64) -> u64 {
    let answers: Vec<_> = (0..jobs)
        .map(|n| {
            let (reply, answer) = bounded(1);
            echo.send((n, reply));
            answer
        })
        .collect();
    answers
        .into_iter()
        .map(|a| a.recv().expect("the echo workers answer"))
        .sum()
}
