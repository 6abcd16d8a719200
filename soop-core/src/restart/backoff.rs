//! How long to wait before a restart.

use std::time::{Duration, Instant};

/// The wait before a worker is restarted.
///
/// ```
/// use std::time::Duration;
/// use soop_core::restart::Backoff;
///
/// let none = Backoff::None; // restart at once (the default)
/// let fixed = Backoff::Fixed(Duration::from_millis(50));
/// let growing = Backoff::exponential(Duration::from_millis(10), Duration::from_secs(1))
///     .with_jitter(0.2)
///     .with_reset_after(Duration::from_secs(30));
/// # let _ = (none, fixed, growing);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Backoff {
    /// Restart at once.
    #[default]
    None,
    /// Always wait this long.
    Fixed(Duration),
    /// Double the wait after each consecutive failure, up to a cap.
    Exponential(Exponential),
}

/// An exponential backoff: `base`, `2 × base`, `4 × base`, … up to `cap`,
/// each shortened by a random fraction of up to `jitter` (so that workers
/// failing together do not restart together), and back to `base` after a
/// quiet period of `reset_after` without failures.
///
/// ```
/// use std::time::Duration;
/// use soop_core::restart::{Backoff, Exponential};
///
/// let backoff = Backoff::Exponential(Exponential {
///     base: Duration::from_millis(5),
///     cap: Duration::from_millis(500),
///     jitter: 0.1,
///     reset_after: Duration::from_secs(10),
/// });
/// assert_eq!(backoff, Backoff::exponential(Duration::from_millis(5), Duration::from_millis(500))
///     .with_jitter(0.1)
///     .with_reset_after(Duration::from_secs(10)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    /// The first wait.
    pub base: Duration,
    /// The longest wait; at least `base`.
    pub cap: Duration,
    /// The largest fraction cut at random from a wait, in `0.0..=1.0`.
    /// Default 0.
    pub jitter: f64,
    /// A failure this long after the previous one starts again from `base`.
    /// Default: ten times `cap`.
    pub reset_after: Duration,
}

impl Backoff {
    /// An exponential backoff from `base` up to `cap`, without jitter,
    /// resetting after ten times `cap` without failures.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::restart::Backoff;
    ///
    /// let Backoff::Exponential(e) = Backoff::exponential(Duration::from_millis(1), Duration::from_secs(1)) else {
    ///     unreachable!()
    /// };
    /// assert_eq!((e.jitter, e.reset_after), (0.0, Duration::from_secs(10)));
    /// ```
    pub fn exponential(base: Duration, cap: Duration) -> Backoff {
        Backoff::Exponential(Exponential {
            base,
            cap,
            jitter: 0.0,
            reset_after: cap.saturating_mul(10),
        })
    }

    /// The same backoff with `jitter` (a fraction in `0.0..=1.0`); only
    /// exponential backoffs have jitter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::restart::Backoff;
    ///
    /// // Only exponential backoffs take jitter; a fixed one is left as it is.
    /// let fixed = Backoff::Fixed(Duration::from_millis(5));
    /// assert_eq!(fixed.with_jitter(0.5), fixed);
    /// ```
    pub fn with_jitter(self, jitter: f64) -> Backoff {
        match self {
            Backoff::Exponential(e) => Backoff::Exponential(Exponential { jitter, ..e }),
            other => other,
        }
    }

    /// The same backoff with another quiet period for the reset; only
    /// exponential backoffs reset.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::restart::Backoff;
    ///
    /// let b = Backoff::exponential(Duration::from_millis(1), Duration::from_millis(100))
    ///     .with_reset_after(Duration::from_secs(60));
    /// let Backoff::Exponential(e) = b else { unreachable!() };
    /// assert_eq!(e.reset_after, Duration::from_secs(60));
    /// ```
    pub fn with_reset_after(self, reset_after: Duration) -> Backoff {
        match self {
            Backoff::Exponential(e) => Backoff::Exponential(Exponential { reset_after, ..e }),
            other => other,
        }
    }

    /// Why this backoff cannot work, if it cannot.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        match self {
            Backoff::Exponential(e) if !(0.0..=1.0).contains(&e.jitter) => {
                Some("jitter must be within 0.0..=1.0")
            }
            Backoff::Exponential(e) if e.cap < e.base => Some("cap must be at least base"),
            _ => None,
        }
    }
}

/// One worker's progress through its backoff.
#[derive(Debug)]
pub(crate) struct BackoffState {
    consecutive: u32,
    last_failure: Option<Instant>,
    random: u64,
}

impl BackoffState {
    /// `seed` makes each worker's jitter different.
    pub(crate) fn new(seed: u64) -> Self {
        BackoffState {
            consecutive: 0,
            last_failure: None,
            // Never zero: xorshift would stay at zero.
            random: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    /// The wait before restarting after a failure at `now`.
    pub(crate) fn next_delay(&mut self, backoff: &Backoff, now: Instant) -> Duration {
        match backoff {
            Backoff::None => Duration::ZERO,
            Backoff::Fixed(delay) => *delay,
            Backoff::Exponential(e) => {
                let quiet = self
                    .last_failure
                    .is_some_and(|last| now.saturating_duration_since(last) >= e.reset_after);
                if quiet {
                    self.consecutive = 0;
                }
                self.last_failure = Some(now);
                let doubling = 2u32.saturating_pow(self.consecutive.min(31));
                self.consecutive = self.consecutive.saturating_add(1);
                let delay = e.base.saturating_mul(doubling).min(e.cap);
                delay.mul_f64(1.0 - e.jitter * self.unit_random())
            }
        }
    }

    /// A number in `0.0..1.0` (xorshift64; quality is not the point).
    fn unit_random(&mut self) -> f64 {
        self.random ^= self.random << 13;
        self.random ^= self.random >> 7;
        self.random ^= self.random << 17;
        (self.random >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn none_and_fixed() {
        let mut s = BackoffState::new(1);
        let now = Instant::now();
        assert_eq!(s.next_delay(&Backoff::None, now), Duration::ZERO);
        assert_eq!(s.next_delay(&Backoff::Fixed(5 * MS), now), 5 * MS);
    }

    #[test]
    fn exponential_doubles_to_the_cap_and_resets_after_quiet() {
        let b = Backoff::exponential(10 * MS, 80 * MS).with_reset_after(1000 * MS);
        let mut s = BackoffState::new(1);
        let t0 = Instant::now();
        let delays: Vec<_> = (0..6).map(|i| s.next_delay(&b, t0 + i * MS)).collect();
        assert_eq!(
            delays,
            [10 * MS, 20 * MS, 40 * MS, 80 * MS, 80 * MS, 80 * MS]
        );
        // A long quiet period starts again from the base.
        assert_eq!(s.next_delay(&b, t0 + 2000 * MS), 10 * MS);
    }

    #[test]
    fn jitter_only_shortens_and_stays_within_its_fraction() {
        let b = Backoff::exponential(100 * MS, 100 * MS).with_jitter(0.5);
        let mut s = BackoffState::new(7);
        let now = Instant::now();
        let delays: Vec<_> = (0..200).map(|_| s.next_delay(&b, now)).collect();
        assert!(delays.iter().all(|d| *d <= 100 * MS && *d >= 50 * MS));
        assert!(delays.iter().any(|d| *d != delays[0]), "jitter varies");
    }

    #[test]
    fn impossible_settings_are_named() {
        let bad = Backoff::exponential(10 * MS, MS);
        assert_eq!(bad.problem(), Some("cap must be at least base"));
        let bad = Backoff::exponential(MS, MS).with_jitter(1.5);
        assert_eq!(bad.problem(), Some("jitter must be within 0.0..=1.0"));
        assert_eq!(Backoff::Fixed(MS).problem(), None);
    }
}
