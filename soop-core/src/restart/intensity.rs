//! Restart intensity: at most R restarts in a sliding window of T.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// At most `max_restarts` restarts within any `window`; the failure after
/// that escalates. It counts **per pool**: restarts of all the pool's
/// workers share one budget, as a supervisor's children do in OTP.
///
/// Default: 10 restarts in 1 second.
///
/// ```
/// use std::time::Duration;
/// use soop_core::restart::Intensity;
///
/// assert_eq!(Intensity::default(), Intensity { max_restarts: 10, window: Duration::from_secs(1) });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intensity {
    /// Restarts allowed within one window; at least 1.
    pub max_restarts: u32,
    /// The sliding window; longer than zero.
    pub window: Duration,
}

impl Default for Intensity {
    fn default() -> Self {
        Intensity {
            max_restarts: 10,
            window: Duration::from_secs(1),
        }
    }
}

/// What to do about a failure.
///
/// ```
/// use soop_core::restart::RestartDecision;
///
/// let decision = RestartDecision::Restart;
/// assert_ne!(decision, RestartDecision::Escalate);
/// ```
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartDecision {
    /// Within the intensity: restart.
    Restart,
    /// Past the intensity: stop everything and report.
    Escalate,
}

/// The restart times inside the current window.
#[derive(Debug)]
pub(crate) struct IntensityTracker {
    limit: Intensity,
    restarts: VecDeque<Instant>,
}

impl IntensityTracker {
    pub(crate) fn new(limit: Intensity) -> Self {
        IntensityTracker {
            limit,
            restarts: VecDeque::with_capacity(limit.max_restarts.min(1024) as usize),
        }
    }

    /// Records a failure at `now` and decides.
    pub(crate) fn on_failure(&mut self, now: Instant) -> RestartDecision {
        while let Some(&oldest) = self.restarts.front() {
            if now.saturating_duration_since(oldest) >= self.limit.window {
                self.restarts.pop_front();
            } else {
                break;
            }
        }
        if self.restarts.len() >= self.limit.max_restarts as usize {
            return RestartDecision::Escalate;
        }
        self.restarts.push_back(now);
        RestartDecision::Restart
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker(max_restarts: u32, window_ms: u64) -> (IntensityTracker, Instant) {
        let limit = Intensity {
            max_restarts,
            window: Duration::from_millis(window_ms),
        };
        (IntensityTracker::new(limit), Instant::now())
    }

    #[test]
    fn r_restarts_inside_the_window_are_allowed_and_the_next_escalates() {
        let (mut t, start) = tracker(3, 1000);
        for i in 0..3 {
            let at = start + Duration::from_millis(i * 10);
            assert_eq!(t.on_failure(at), RestartDecision::Restart);
        }
        let at = start + Duration::from_millis(999);
        assert_eq!(t.on_failure(at), RestartDecision::Escalate);
    }

    #[test]
    fn failures_spaced_wider_than_the_window_never_escalate() {
        let (mut t, start) = tracker(1, 100);
        for i in 0..1000 {
            let at = start + Duration::from_millis(i * 100);
            assert_eq!(t.on_failure(at), RestartDecision::Restart, "failure {i}");
        }
    }

    #[test]
    fn the_window_slides() {
        let (mut t, start) = tracker(2, 100);
        let ms = |n| start + Duration::from_millis(n);
        assert_eq!(t.on_failure(ms(0)), RestartDecision::Restart);
        assert_eq!(t.on_failure(ms(60)), RestartDecision::Restart);
        assert_eq!(t.on_failure(ms(99)), RestartDecision::Escalate);
        // The restart at 0 has left the window by 100; the one at 60 has not.
        assert_eq!(t.on_failure(ms(100)), RestartDecision::Restart);
        assert_eq!(t.on_failure(ms(120)), RestartDecision::Escalate);
    }
}
