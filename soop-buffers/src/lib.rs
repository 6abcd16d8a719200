//! soop-buffers: recycled slabs, channels that move them, a mailbox for
//! single jobs, and recycled reply slots.
//!
//! Steady-state traffic in soop allocates nothing: items travel in **slabs**
//! (fixed-capacity batches whose allocation is reused), handed out by a
//! [`SlabPool`] and returned when dropped. Channels from the
//! [`BufferChannels`] factory ship whole slabs between threads (streams:
//! the pipeline's links). A [`Mailbox`] hands single items over through a
//! lock-free ring allocated once (jobs: a pool's mailbox), and
//! [`ReplySlots`] recycle the one-shot slots that carry replies, without a
//! lock on the way from worker to waiter.
//!
//! ```
//! let (mut tx, rx) = soop_buffers::bounded::<u64>(8, 256).unwrap(); // 8 slabs of 256
//! let producer = std::thread::spawn(move || {
//!     for i in 0..10_000 {
//!         tx.send(i).unwrap(); // fills the sender's slab; ships it when full
//!     }
//! }); // dropping the sender ships its last, partial slab
//! let sum: u64 = rx.iter().sum(); // ends once every sender is gone
//! producer.join().unwrap();
//! assert_eq!(sum, (0..10_000).sum());
//! ```
//!
//! # Waiting
//!
//! A sender ships its slab when it is full, on [`Sender::flush`], when it is
//! dropped, and at once when a send finds a receiver blocked waiting, so a
//! lone item does not sit behind a partial slab while someone waits for it.
//! A receiver takes single items ([`Receiver::recv`], shared fairly among
//! receivers) or whole slabs ([`Receiver::recv_slab`], the fast path).
//!
//! ```
//! let (mut tx, rx) = soop_buffers::bounded::<&str>(4, 1024).unwrap();
//! let waiter = std::thread::spawn(move || rx.recv());
//! tx.send("ping").unwrap(); // ships at once if the receiver is already parked
//! tx.flush().unwrap(); // and a sender about to go quiet flushes regardless
//! assert_eq!(waiter.join().unwrap(), Ok("ping"));
//! ```
//!
//! # Timeouts
//!
//! Every blocking call comes as `try_` (never blocks), plain (blocks),
//! `_timeout` and `_deadline`. A timed-out send hands its item back.
//!
//! ```
//! use std::time::Duration;
//! use soop_buffers::RecvTimeoutError;
//!
//! let (mut tx, rx) = soop_buffers::bounded::<u8>(1, 1).unwrap();
//! assert_eq!(rx.recv_timeout(Duration::from_millis(1)), Err(RecvTimeoutError::Timeout));
//! tx.send(1).unwrap(); // the channel is now full
//! tx.try_send(2).unwrap(); // held in the sender's slab
//! let refused = tx.send_timeout(3, Duration::from_millis(1)).unwrap_err();
//! assert_eq!(refused.into_inner(), 3);
//! ```
//!
//! # Failures
//!
//! Nothing here panics on bad input: configuration is checked by `build()`
//! and `new()` ([`ConfigError`]), and every error that could not deliver an
//! item hands it back ([`SendError`], [`TrySendError`], [`SendTimeoutError`]).
//!
//! # Shutdown
//!
//! When every sender is gone, receivers drain what was shipped, then get
//! [`RecvError`]. When every receiver is gone, sends fail with their item and
//! what was queued is dropped (each item exactly once). Either side may
//! [`close`](Receiver::close) explicitly; closing is idempotent, and a send
//! racing a close either lands or returns its item.
//!
//! ```
//! let (mut tx, rx) = soop_buffers::bounded::<String>(2, 8).unwrap();
//! tx.send("queued".to_string()).unwrap();
//! tx.flush().unwrap();
//! rx.close();
//! assert_eq!(tx.send("late".to_string()).unwrap_err().into_inner(), "late");
//! assert_eq!(rx.recv().unwrap(), "queued"); // shipped before the close
//! assert!(rx.recv().is_err());
//! ```

#![deny(unsafe_code)]

mod cache_line;
mod channel;
mod error;
mod mailbox;
mod pool;
mod recycle;
mod reply;
mod ring;
mod slab;
mod sync;

pub use channel::{
    BufferChannels, Builder, DEFAULT_SPIN_ROUNDS, IntoIter, Iter, MAX_CAPACITY, Receiver, Sender,
    SharedSender, TryIter, bounded,
};
pub use error::{
    ConfigError, RecvError, RecvTimeoutError, ReplyError, SendError, SendTimeoutError, SlabFull,
    TryRecvError, TrySendError, TryTakeError, WaitTimeoutError,
};
pub use mailbox::{MAX_MAILBOX, Mailbox};
pub use pool::{MAX_SLAB_LEN, PoolStats, SlabPool};
pub use recycle::{Clear, InPlace, Recycle, Refill, Reset};
pub use reply::{Completion, Reply, ReplySlots, ReplyStats, ReplyTo};
pub use slab::Slab;
