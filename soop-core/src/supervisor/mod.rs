//! Supervisor trees, the Erlang/OTP way: a supervisor owns an ordered list
//! of children (pools, run-loop groups, other supervisors), starts them in
//! order, stops them in reverse, and restarts them when they fail.
//!
//! A pool already restarts its own workers; it becomes a *failing child*
//! when it gives up (past its own intensity) or a worker fails for good.
//! Its supervisor then restarts it, and maybe its siblings, by
//! [`Strategy`], within the supervisor's own restart intensity. Past that,
//! the supervisor stops its children and escalates: its parent sees it as
//! a failing child, and the root reports a [`TreeEscalation`].
//!
//! ```
//! use soop_core::{Job, from_fn};
//! use soop_core::supervisor::{Child, Strategy, Supervisor};
//!
//! let (db, db_pool) = Child::pool("db", |b| b.workers(2).build(from_fn(|q: String| Ok::<_, String>(q.len()))));
//! let (cache, _) = Child::pool("cache", |b| b.workers(1).build(from_fn(|k: u64| Ok::<_, String>(k))));
//! let data = Supervisor::builder("data").strategy(Strategy::RestForOne).child(db).child(cache);
//! let tree = Supervisor::builder("root").child(Child::supervisor(data)).start().unwrap();
//!
//! db_pool.get().unwrap().submit(Job::new("select 1".to_string())).unwrap();
//! assert_eq!(tree.snapshot().find("root/data/cache").unwrap().restarts, 0);
//! tree.stop(); // cache, then db, then data
//! ```

mod child;
mod current;
pub(crate) mod link;
mod running;
mod snapshot;
mod strategy;
mod supervised;
mod tree;

pub use crate::error::{TreeError, TreeEscalation};
pub use child::{Child, DEFAULT_SHUTDOWN};
pub use current::Current;
pub use snapshot::{ChildKind, ChildSnapshot, ChildState};
pub use strategy::Strategy;
pub use supervised::Supervised;
pub use tree::{DEFAULT_INTENSITY, Supervisor, SupervisorBuilder};
