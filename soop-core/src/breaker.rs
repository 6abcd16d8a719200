//! A circuit breaker: stop sending work to something that keeps failing,
//! and try it again after a cool-down.
//!
//! Closed (calls pass; outcomes are counted over a sliding window) → Open
//! when, with at least `min_calls` in the window, the failure rate reaches
//! `failure_rate` (calls fail fast with [`BreakerOpen`]) → after
//! `cool_down`, HalfOpen (up to `trial_calls` calls pass) → Closed when
//! every trial succeeds, Open again at the first trial failure.
//!
//! The window is ten fixed slots, so counting costs no allocation however
//! many calls there are. Time comes from a [`Clock`], so tests script it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
use crate::crew::lock;
use crate::error::{BreakerOpen, BuildError};

/// Slots the sliding window is cut into.
const SLOTS: usize = 10;

/// When a breaker opens and how it recovers.
///
/// ```
/// use std::time::Duration;
/// use soop_core::breaker::Settings;
///
/// let strict = Settings { failure_rate: 0.2, min_calls: 50, ..Settings::default() };
/// assert_eq!(strict.cool_down, Duration::from_secs(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The share of failed calls in the window that opens the breaker, in
    /// `(0.0, 1.0]`. Default 0.5.
    pub failure_rate: f64,
    /// Calls the window must hold before the rate counts; at least 1.
    /// Default 20.
    pub min_calls: u32,
    /// How far back outcomes count; longer than zero. Default 10 s.
    pub window: Duration,
    /// How long an open breaker refuses everything. Default 5 s.
    pub cool_down: Duration,
    /// Calls let through while half-open; all must succeed to close.
    /// At least 1. Default 3.
    pub trial_calls: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            failure_rate: 0.5,
            min_calls: 20,
            window: Duration::from_secs(10),
            cool_down: Duration::from_secs(5),
            trial_calls: 3,
        }
    }
}

/// Where a breaker stands.
///
/// ```
/// use soop_core::breaker::{Breaker, Settings, State};
///
/// let breaker = Breaker::new(Settings::default()).unwrap();
/// assert_eq!(breaker.state(), State::Closed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Calls pass; outcomes are counted.
    Closed,
    /// Calls fail fast until the cool-down is over.
    Open,
    /// A few trial calls pass; their outcomes decide.
    HalfOpen,
}

/// A circuit breaker, shared by whoever sends work (`&self` throughout).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use soop_core::ManualClock;
/// use soop_core::breaker::{Breaker, Settings, State};
///
/// let clock = Arc::new(ManualClock::new());
/// let settings = Settings { min_calls: 2, trial_calls: 1, ..Settings::default() };
/// let breaker = Breaker::with_clock(settings, Arc::clone(&clock)).unwrap();
/// for _ in 0..2 {
///     breaker.admit().unwrap();
///     breaker.record(false); // two failures out of two calls
/// }
/// assert_eq!(breaker.state(), State::Open);
/// assert!(breaker.admit().is_err()); // fails fast
/// clock.advance(settings.cool_down);
/// breaker.admit().unwrap(); // the trial call
/// breaker.record(true);
/// assert_eq!(breaker.state(), State::Closed);
/// ```
pub struct Breaker {
    settings: Settings,
    clock: Arc<dyn Clock>,
    epoch: Instant,
    inner: Mutex<Inner>,
    /// Whether the breaker is closed, readable without the lock: while it
    /// is, `admit` (on every submit) touches nothing the workers write.
    closed: AtomicBool,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Which slot of time this one counts (its index since `epoch`).
    number: u64,
    calls: u32,
    failures: u32,
}

enum Phase {
    Closed,
    Open { since: Instant },
    HalfOpen { admitted: u32, succeeded: u32 },
}

struct Inner {
    phase: Phase,
    slots: [Slot; SLOTS],
}

impl Inner {
    fn state(&self) -> State {
        match self.phase {
            Phase::Closed => State::Closed,
            Phase::Open { .. } => State::Open,
            Phase::HalfOpen { .. } => State::HalfOpen,
        }
    }
}

impl Breaker {
    /// A closed breaker on the system clock.
    ///
    /// # Errors
    /// [`BuildError`] for a failure rate outside `(0, 1]` (or NaN), and for
    /// a zero `min_calls`, `window` or `trial_calls`.
    ///
    /// ```
    /// use soop_core::BuildError;
    /// use soop_core::breaker::{Breaker, Settings};
    ///
    /// let never = Settings { failure_rate: 0.0, ..Settings::default() };
    /// assert!(matches!(Breaker::new(never), Err(BuildError::Breaker(_))));
    /// ```
    pub fn new(settings: Settings) -> Result<Self, BuildError> {
        Self::with_clock(settings, SystemClock)
    }

    /// A closed breaker reading `clock` (tests pass a
    /// [`ManualClock`](crate::ManualClock)).
    ///
    /// # Errors
    /// As [`new`](Breaker::new).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use soop_core::ManualClock;
    /// use soop_core::breaker::{Breaker, Settings};
    ///
    /// let breaker = Breaker::with_clock(Settings::default(), Arc::new(ManualClock::new()));
    /// assert!(breaker.is_ok());
    /// ```
    pub fn with_clock(settings: Settings, clock: impl Clock) -> Result<Self, BuildError> {
        if !(settings.failure_rate > 0.0 && settings.failure_rate <= 1.0) {
            return Err(BuildError::Breaker("failure_rate must be in (0, 1]"));
        }
        if settings.min_calls == 0 {
            return Err(BuildError::Zero { what: "min_calls" });
        }
        if settings.window.is_zero() {
            return Err(BuildError::Zero { what: "window" });
        }
        if settings.trial_calls == 0 {
            return Err(BuildError::Zero {
                what: "trial_calls",
            });
        }
        let epoch = clock.now();
        Ok(Breaker {
            settings,
            clock: Arc::new(clock),
            epoch,
            closed: AtomicBool::new(true),
            inner: Mutex::new(Inner {
                phase: Phase::Closed,
                slots: [Slot::default(); SLOTS],
            }),
        })
    }

    /// Asks to send one call: `Ok` to go ahead (then [`record`](Breaker::record)
    /// its outcome), [`BreakerOpen`] to fail fast.
    ///
    /// # Errors
    /// [`BreakerOpen`] while open, and while half-open once the trial calls
    /// are out.
    ///
    /// ```
    /// use soop_core::breaker::{Breaker, Settings};
    ///
    /// let breaker = Breaker::new(Settings::default()).unwrap();
    /// assert!(breaker.admit().is_ok()); // closed: everything passes
    /// ```
    pub fn admit(&self) -> Result<(), BreakerOpen> {
        self.admit_noting().map(|_| ())
    }

    /// As [`admit`](Breaker::admit); also says the new state if this call
    /// changed it (open to half-open).
    pub(crate) fn admit_noting(&self) -> Result<Option<State>, BreakerOpen> {
        // Acquire: pairs with the Release in `note`. A call that reads
        // "closed" just as the breaker opens goes through: its outcome
        // arrives while open and is ignored, as for any late call.
        if self.closed.load(Ordering::Acquire) {
            return Ok(None);
        }
        let now = self.clock.now();
        let mut inner = lock(&self.inner);
        let before = inner.state();
        let admitted = Self::admit_locked(&mut inner, &self.settings, now);
        admitted.map(|()| self.note(&inner, before))
    }

    /// After a change under the lock: mirrors it and says the new state,
    /// if there is one.
    fn note(&self, inner: &Inner, before: State) -> Option<State> {
        let after = inner.state();
        if before == after {
            return None;
        }
        self.closed.store(after == State::Closed, Ordering::Release);
        Some(after)
    }

    fn admit_locked(
        inner: &mut Inner,
        settings: &Settings,
        now: Instant,
    ) -> Result<(), BreakerOpen> {
        match &mut inner.phase {
            Phase::Closed => Ok(()),
            Phase::Open { since } => {
                if now.saturating_duration_since(*since) < settings.cool_down {
                    return Err(BreakerOpen);
                }
                inner.phase = Phase::HalfOpen {
                    admitted: 1,
                    succeeded: 0,
                };
                Ok(())
            }
            Phase::HalfOpen { admitted, .. } => {
                if *admitted >= settings.trial_calls {
                    return Err(BreakerOpen);
                }
                *admitted += 1;
                Ok(())
            }
        }
    }

    /// Records the outcome of an admitted call.
    ///
    /// ```
    /// use soop_core::breaker::{Breaker, Settings, State};
    ///
    /// let breaker = Breaker::new(Settings { min_calls: 1, ..Settings::default() }).unwrap();
    /// breaker.admit().unwrap();
    /// breaker.record(true);
    /// assert_eq!(breaker.state(), State::Closed);
    /// ```
    pub fn record(&self, success: bool) {
        self.record_noting(success);
    }

    /// Gives back the admission of a call that never ran (refused further
    /// on, or cancelled), so a half-open breaker can let another trial
    /// through instead of waiting for an outcome that never comes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use soop_core::ManualClock;
    /// use soop_core::breaker::{Breaker, Settings};
    ///
    /// let clock = Arc::new(ManualClock::new());
    /// let settings = Settings { min_calls: 1, trial_calls: 1, ..Settings::default() };
    /// let breaker = Breaker::with_clock(settings, Arc::clone(&clock)).unwrap();
    /// breaker.admit().unwrap();
    /// breaker.record(false); // open
    /// clock.advance(settings.cool_down);
    /// breaker.admit().unwrap(); // the one trial…
    /// assert!(breaker.admit().is_err());
    /// breaker.release(); // …never ran
    /// assert!(breaker.admit().is_ok()); // so another may go
    /// ```
    pub fn release(&self) {
        let mut inner = lock(&self.inner);
        // A call admitted while closed and released after the breaker
        // opened may free a trial slot early: one trial too many at worst.
        if let Phase::HalfOpen { admitted, .. } = &mut inner.phase {
            *admitted = admitted.saturating_sub(1);
        }
    }

    /// As [`record`](Breaker::record); also says the new state if this
    /// outcome changed it.
    pub(crate) fn record_noting(&self, success: bool) -> Option<State> {
        let now = self.clock.now();
        let mut inner = lock(&self.inner);
        let before = inner.state();
        self.record_locked(&mut inner, now, success);
        self.note(&inner, before)
    }

    fn record_locked(&self, inner: &mut Inner, now: Instant, success: bool) {
        match &mut inner.phase {
            Phase::Closed => {
                let (calls, failures) = self.count(&mut inner.slots, now, success);
                let opens = calls >= self.settings.min_calls
                    && f64::from(failures) >= self.settings.failure_rate * f64::from(calls);
                if opens {
                    inner.phase = Phase::Open { since: now };
                }
            }
            // A late outcome of a call admitted before the breaker opened.
            Phase::Open { .. } => {}
            Phase::HalfOpen { succeeded, .. } => {
                if !success {
                    inner.phase = Phase::Open { since: now };
                    return;
                }
                *succeeded += 1;
                if *succeeded >= self.settings.trial_calls {
                    inner.phase = Phase::Closed;
                    inner.slots = [Slot::default(); SLOTS];
                }
            }
        }
    }

    /// Where the breaker stands now. An open breaker whose cool-down is
    /// over still reads `Open` until a call is admitted.
    ///
    /// ```
    /// use soop_core::breaker::{Breaker, Settings, State};
    ///
    /// let breaker = Breaker::new(Settings { min_calls: 1, ..Settings::default() }).unwrap();
    /// breaker.admit().unwrap();
    /// breaker.record(false);
    /// assert_eq!(breaker.state(), State::Open);
    /// ```
    pub fn state(&self) -> State {
        lock(&self.inner).state()
    }

    /// Adds one outcome to the window and returns the window's calls and
    /// failures.
    fn count(&self, slots: &mut [Slot; SLOTS], now: Instant, success: bool) -> (u32, u32) {
        let span = (self.settings.window / SLOTS as u32).max(Duration::from_nanos(1));
        let elapsed = now.saturating_duration_since(self.epoch);
        let number = (elapsed.as_nanos() / span.as_nanos()) as u64;
        let slot = &mut slots[(number % SLOTS as u64) as usize];
        if slot.number != number {
            *slot = Slot {
                number,
                ..Slot::default()
            };
        }
        slot.calls = slot.calls.saturating_add(1);
        slot.failures = slot.failures.saturating_add(u32::from(!success));
        let oldest = number.saturating_sub(SLOTS as u64 - 1);
        slots
            .iter()
            .filter(|s| s.number >= oldest && s.number <= number && s.calls > 0)
            .fold((0, 0), |(calls, failures), s| {
                (calls + s.calls, failures + s.failures)
            })
    }
}

impl std::fmt::Debug for Breaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Breaker")
            .field("state", &self.state())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;

    fn scripted(settings: Settings) -> (Breaker, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new());
        (
            Breaker::with_clock(settings, Arc::clone(&clock)).unwrap(),
            clock,
        )
    }

    fn call(breaker: &Breaker, success: bool) -> Result<(), BreakerOpen> {
        breaker.admit()?;
        breaker.record(success);
        Ok(())
    }

    const SETTINGS: Settings = Settings {
        failure_rate: 0.5,
        min_calls: 4,
        window: Duration::from_secs(10),
        cool_down: Duration::from_secs(5),
        trial_calls: 2,
    };

    #[test]
    fn a_scripted_life_goes_through_every_transition() {
        let (breaker, clock) = scripted(SETTINGS);
        // Three failures: below the minimum number of calls, still closed.
        for _ in 0..3 {
            call(&breaker, false).unwrap();
        }
        assert_eq!(breaker.state(), State::Closed);
        // The fourth call succeeds, but 3 of 4 failed: open.
        call(&breaker, true).unwrap();
        assert_eq!(breaker.state(), State::Open);
        assert_eq!(breaker.admit(), Err(BreakerOpen));
        clock.advance(Duration::from_secs(4));
        assert_eq!(breaker.admit(), Err(BreakerOpen), "cool-down not over");
        clock.advance(Duration::from_secs(1));
        // Half-open: two trial calls, no third.
        assert_eq!(breaker.admit(), Ok(()));
        assert_eq!(breaker.state(), State::HalfOpen);
        assert_eq!(breaker.admit(), Ok(()));
        assert_eq!(breaker.admit(), Err(BreakerOpen));
        breaker.record(true);
        assert_eq!(breaker.state(), State::HalfOpen);
        breaker.record(true);
        assert_eq!(breaker.state(), State::Closed);
        // Closed again with a clean window: one failure does not reopen it.
        call(&breaker, false).unwrap();
        assert_eq!(breaker.state(), State::Closed);
    }

    #[test]
    fn a_failed_trial_opens_again_for_a_whole_cool_down() {
        let (breaker, clock) = scripted(SETTINGS);
        for _ in 0..4 {
            call(&breaker, false).unwrap();
        }
        clock.advance(SETTINGS.cool_down);
        breaker.admit().unwrap();
        breaker.record(false);
        assert_eq!(breaker.state(), State::Open);
        clock.advance(SETTINGS.cool_down - Duration::from_millis(1));
        assert_eq!(breaker.admit(), Err(BreakerOpen));
        clock.advance(Duration::from_millis(1));
        assert_eq!(breaker.admit(), Ok(()));
    }

    #[test]
    fn failures_that_left_the_window_do_not_count() {
        let (breaker, clock) = scripted(SETTINGS);
        for _ in 0..3 {
            call(&breaker, false).unwrap();
        }
        clock.advance(SETTINGS.window + Duration::from_secs(1));
        // Old failures are gone: 1 failure in 4 fresh calls stays closed.
        for success in [false, true, true, true] {
            call(&breaker, success).unwrap();
        }
        assert_eq!(breaker.state(), State::Closed);
    }

    #[test]
    fn a_rate_below_the_threshold_never_opens() {
        let (breaker, clock) = scripted(SETTINGS);
        for i in 0..10_000u32 {
            // One failure in three: below one in two.
            call(&breaker, i % 3 != 2).unwrap();
            clock.advance(Duration::from_millis(7));
        }
        assert_eq!(breaker.state(), State::Closed);
    }

    #[test]
    fn settings_that_cannot_work_are_typed_errors() {
        for bad in [
            Settings {
                failure_rate: 0.0,
                ..SETTINGS
            },
            Settings {
                failure_rate: 1.5,
                ..SETTINGS
            },
            Settings {
                failure_rate: f64::NAN,
                ..SETTINGS
            },
            Settings {
                min_calls: 0,
                ..SETTINGS
            },
            Settings {
                window: Duration::ZERO,
                ..SETTINGS
            },
            Settings {
                trial_calls: 0,
                ..SETTINGS
            },
        ] {
            assert!(Breaker::new(bad).is_err(), "{bad:?}");
        }
    }
}
