//! Restart policies, as in Erlang/OTP.

/// Which exits of a worker lead to a restart.
///
/// A mailbox worker exits only by failing (a panic or an error in `handle`)
/// or when the pool stops, so for it `Permanent` and `Transient` agree. A
/// run-loop worker can also return cleanly: only `Permanent` restarts it then.
///
/// ```
/// use soop_core::restart::Policy;
///
/// assert!(Policy::Permanent.restarts(true) && Policy::Permanent.restarts(false));
/// assert!(Policy::Transient.restarts(true) && !Policy::Transient.restarts(false));
/// assert!(!Policy::Temporary.restarts(true));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// Restart after any exit. The default.
    #[default]
    Permanent,
    /// Restart after a failure only; a clean exit is final.
    Transient,
    /// Never restart.
    Temporary,
}

impl Policy {
    /// Whether an exit restarts the worker: `failed` is true for a panic or
    /// an error, false for a clean return.
    ///
    /// ```
    /// use soop_core::restart::Policy;
    ///
    /// assert!(Policy::Permanent.restarts(false)); // even after a clean exit
    /// assert!(Policy::Transient.restarts(true) && !Policy::Transient.restarts(false));
    /// assert!(!Policy::Temporary.restarts(true));
    /// ```
    pub fn restarts(self, failed: bool) -> bool {
        match self {
            Policy::Permanent => true,
            Policy::Transient => failed,
            Policy::Temporary => false,
        }
    }
}
