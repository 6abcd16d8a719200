//! What ties a child to its supervisor: where its events go, how its end is
//! reported, and the tree's clock.

use std::sync::Arc;

use crate::clock::Clock;
use crate::observe::{Dispatcher, Event};

/// How a child ended by itself (not stopped by its supervisor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ChildEnd {
    /// Every worker returned or was let go without failing.
    Normal,
    /// It escalated, or a worker failed for good.
    Failed {
        error: String,
        /// The deepest path the failure came from.
        origin: String,
    },
}

impl ChildEnd {
    pub(crate) fn failed(error: String, origin: &str) -> Self {
        ChildEnd::Failed {
            error,
            origin: origin.to_string(),
        }
    }
}

/// Given to a child at each start.
#[derive(Clone)]
pub(crate) struct TreeLink {
    /// The child's full path, `root/data/db`: its name in events.
    pub(crate) path: Arc<str>,
    /// Every observer dispatcher from the root down to the parent.
    pub(crate) dispatchers: Arc<[Arc<Dispatcher>]>,
    pub(crate) clock: Arc<dyn Clock>,
    on_exit: Arc<dyn Fn(ChildEnd) + Send + Sync>,
}

impl TreeLink {
    pub(crate) fn new(
        path: Arc<str>,
        dispatchers: Arc<[Arc<Dispatcher>]>,
        clock: Arc<dyn Clock>,
        on_exit: impl Fn(ChildEnd) + Send + Sync + 'static,
    ) -> Self {
        TreeLink {
            path,
            dispatchers,
            clock,
            on_exit: Arc::new(on_exit),
        }
    }

    pub(crate) fn emit(&self, event: &Event) {
        for dispatcher in self.dispatchers.iter() {
            dispatcher.emit(event.clone());
        }
    }

    /// Tells the supervisor the child has ended by itself.
    pub(crate) fn exited(&self, end: ChildEnd) {
        (self.on_exit)(end);
    }
}
