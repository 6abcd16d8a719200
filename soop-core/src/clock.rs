//! Time, injectable: restart windows and backoff read the pool's clock, so
//! tests can drive them with a [`ManualClock`] instead of sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where a pool gets the time from.
///
/// ```
/// use std::time::{Duration, Instant};
/// use soop_core::{Clock, Pool, from_fn};
///
/// /// A clock that never lets a backoff wait (restarts at once in tests).
/// struct NoWaiting;
/// impl Clock for NoWaiting {
///     fn now(&self) -> Instant {
///         Instant::now()
///     }
///     fn pass(&self, _: Duration, _: &mut dyn FnMut(Duration)) {}
/// }
/// let pool = Pool::builder().workers(1).clock(NoWaiting).build(from_fn(|n: u8| Ok::<_, String>(n))).unwrap();
/// # drop(pool);
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Instant;

    /// Lets `duration` pass before a restart. A real clock calls `wait`,
    /// which blocks for up to `duration` and returns early when the pool
    /// stops; a manual clock may move itself forward instead.
    fn pass(&self, duration: Duration, wait: &mut dyn FnMut(Duration));
}

/// The system's monotonic clock. The default.
///
/// ```
/// use soop_core::{Clock, SystemClock};
///
/// let (a, b) = (SystemClock.now(), SystemClock.now());
/// assert!(b >= a); // monotonic
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn pass(&self, duration: Duration, wait: &mut dyn FnMut(Duration)) {
        if !duration.is_zero() {
            wait(duration);
        }
    }
}

/// A clock that moves only when told: [`advance`](ManualClock::advance)
/// moves it, and a backoff moves it by the backoff's length at once, so
/// tests of restart windows and backoff never sleep.
///
/// ```
/// use std::time::Duration;
/// use soop_core::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now() - start, Duration::from_secs(5));
/// clock.pass(Duration::from_secs(1), &mut |_| unreachable!("no real wait"));
/// assert_eq!(clock.now() - start, Duration::from_secs(6));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    origin: Instant,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    /// A clock standing at the moment it was made.
    ///
    /// ```
    /// use soop_core::{Clock, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// assert_eq!(clock.now(), clock.now()); // it stands still until told
    /// ```
    pub fn new() -> Self {
        ManualClock {
            origin: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward.
    ///
    /// ```
    /// use std::time::Duration;
    /// use soop_core::{Clock, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let before = clock.now();
    /// clock.advance(Duration::from_secs(3600));
    /// assert_eq!(clock.now() - before, Duration::from_secs(3600));
    /// ```
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|p| p.into_inner());
        *elapsed = elapsed.saturating_add(by);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let elapsed = *self.elapsed.lock().unwrap_or_else(|p| p.into_inner());
        self.origin + elapsed
    }

    fn pass(&self, duration: Duration, _wait: &mut dyn FnMut(Duration)) {
        self.advance(duration);
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> Instant {
        (**self).now()
    }

    fn pass(&self, duration: Duration, wait: &mut dyn FnMut(Duration)) {
        (**self).pass(duration, wait);
    }
}
