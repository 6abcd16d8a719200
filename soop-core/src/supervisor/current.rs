//! A handle to whatever incarnation of a child is running now.

use std::sync::{Arc, Mutex};

use crate::crew::lock;

/// The running incarnation of a supervised child, which changes at every
/// restart: ask for it each time instead of keeping one.
///
/// ```
/// use soop_core::{Job, from_fn};
/// use soop_core::supervisor::{Child, Supervisor};
///
/// let (child, doubler) = Child::pool("doubler", |b| b.workers(1).build(from_fn(|n: u32| Ok::<_, String>(n * 2))));
/// let tree = Supervisor::builder("root").child(child).start().unwrap();
/// let pool = doubler.get().expect("started with the tree");
/// pool.submit(Job::new(21)).unwrap();
/// tree.stop();
/// assert!(doubler.get().is_none()); // nothing runs after the stop
/// ```
pub struct Current<T> {
    slot: Arc<Mutex<Option<Arc<T>>>>,
}

impl<T> Current<T> {
    pub(crate) fn new() -> Self {
        Current {
            slot: Arc::new(Mutex::new(None)),
        }
    }

    pub(crate) fn set(&self, value: Option<Arc<T>>) {
        *lock(&self.slot) = value;
    }

    /// The incarnation running now; `None` before the first start, while
    /// it is being restarted, and after it stopped for good.
    ///
    /// ```
    /// use soop_core::from_fn;
    /// use soop_core::supervisor::{Child, Supervisor};
    ///
    /// let (child, pool) = Child::pool("p", |b| b.workers(1).build(from_fn(|n: u8| Ok::<_, String>(n))));
    /// assert!(pool.get().is_none()); // not started yet
    /// let tree = Supervisor::builder("root").child(child).start().unwrap();
    /// assert_eq!(pool.get().unwrap().name(), "root/p"); // named by its path
    /// # drop(tree);
    /// ```
    pub fn get(&self) -> Option<Arc<T>> {
        lock(&self.slot).clone()
    }
}

impl<T> Clone for Current<T> {
    fn clone(&self) -> Self {
        Current {
            slot: Arc::clone(&self.slot),
        }
    }
}

impl<T> std::fmt::Debug for Current<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Current")
            .field("running", &lock(&self.slot).is_some())
            .finish()
    }
}
