//! Restarting the OTP way: which exits restart a worker ([`Policy`]), how
//! long to wait first ([`Backoff`]), and how many restarts are too many
//! ([`Intensity`]).

mod backoff;
mod intensity;
mod policy;

pub(crate) use backoff::BackoffState;
pub use backoff::{Backoff, Exponential};
pub(crate) use intensity::IntensityTracker;
pub use intensity::{Intensity, RestartDecision};
pub use policy::Policy;
