//! A picture of a supervision tree at one moment.

use std::fmt;

use crate::status::PoolStatus;

/// What a child is.
///
/// ```
/// use soop_core::supervisor::{ChildKind, Supervisor};
///
/// let tree = Supervisor::builder("root").start().unwrap();
/// assert_eq!(tree.snapshot().kind, ChildKind::Supervisor);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildKind {
    /// A pool of mailbox workers.
    Pool,
    /// A group of run-loop workers.
    RunLoops,
    /// A supervisor with children of its own.
    Supervisor,
}

/// Where a child is in its life.
///
/// ```
/// use soop_core::supervisor::{ChildState, Supervisor};
///
/// let tree = Supervisor::builder("root").start().unwrap();
/// assert_eq!(tree.snapshot().state, ChildState::Running);
/// tree.stop();
/// assert_eq!(tree.snapshot().state, ChildState::Stopped);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildState {
    /// Started and not ended.
    Running,
    /// Being stopped or started again by its supervisor.
    Restarting,
    /// Ended, and not to be restarted (or its supervisor stopped).
    Stopped,
}

/// One child of a tree (or the tree's root): its state, how often its
/// supervisor restarted it, and what is inside it.
///
/// ```
/// use soop_core::from_fn;
/// use soop_core::supervisor::{Child, ChildKind, Supervisor};
///
/// let (db, _) = Child::pool("db", |b| b.workers(2).build(from_fn(|n: u8| Ok::<_, String>(n))));
/// let tree = Supervisor::builder("root").child(db).start().unwrap();
/// let snapshot = tree.snapshot();
/// let db = &snapshot.children[0];
/// assert_eq!((db.path.as_str(), db.kind, db.restarts), ("root/db", ChildKind::Pool, 0));
/// assert_eq!(db.status.as_ref().unwrap().workers.len(), 2);
/// println!("{snapshot}"); // one line per child, indented by depth
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildSnapshot {
    /// The full path, `root/data/db`.
    pub path: String,
    /// What the child is.
    pub kind: ChildKind,
    /// Where it is in its life.
    pub state: ChildState,
    /// How many times its supervisor restarted it.
    pub restarts: u32,
    /// A pool's or run-loop group's own status, while it runs.
    pub status: Option<PoolStatus>,
    /// A supervisor's children, in start order.
    pub children: Vec<ChildSnapshot>,
}

impl ChildSnapshot {
    /// The child at `path` in this subtree, this node included.
    ///
    /// ```
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let data = Supervisor::builder("data");
    /// let tree = Supervisor::builder("root").child(Child::supervisor(data)).start().unwrap();
    /// assert!(tree.snapshot().find("root/data").is_some());
    /// assert!(tree.snapshot().find("root/nothing").is_none());
    /// ```
    pub fn find(&self, path: &str) -> Option<&ChildSnapshot> {
        if self.path == path {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(path))
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        write!(
            f,
            "{:indent$}{} ({:?}, {:?}, {} restarts",
            "",
            self.path,
            self.kind,
            self.state,
            self.restarts,
            indent = depth * 2
        )?;
        if let Some(status) = &self.status {
            let processed: u64 = status.workers.iter().map(|w| w.processed).sum();
            let failed: u64 = status.workers.iter().map(|w| w.failed).sum();
            write!(
                f,
                "; {} workers, {processed} done, {failed} failed",
                status.workers.len()
            )?;
        }
        writeln!(f, ")")?;
        for child in &self.children {
            child.write(f, depth + 1)?;
        }
        Ok(())
    }
}

impl fmt::Display for ChildSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}
