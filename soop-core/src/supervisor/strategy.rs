//! Which children a supervisor restarts when one of them fails.

use std::ops::Range;

/// How a supervisor restarts its children when one fails, as in Erlang/OTP.
///
/// ```
/// use soop_core::supervisor::{Strategy, Supervisor};
///
/// // The children depend on each other in start order: a failure restarts
/// // the failed child and every child started after it.
/// let builder = Supervisor::builder("root").strategy(Strategy::RestForOne);
/// # drop(builder);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Restart only the failed child.
    #[default]
    OneForOne,
    /// Stop every other child (in reverse start order), then restart them
    /// all (in start order).
    OneForAll,
    /// Stop the children started after the failed one (in reverse order),
    /// then restart the failed one and those (in start order).
    RestForOne,
}

impl Strategy {
    /// The positions, in start order, of the children to restart when the
    /// child at `failed` of `len` fails.
    pub(crate) fn affected(self, failed: usize, len: usize) -> Range<usize> {
        match self {
            Strategy::OneForOne => failed..failed + 1,
            Strategy::OneForAll => 0..len,
            Strategy::RestForOne => failed..len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_strategy_picks_its_children() {
        assert_eq!(Strategy::OneForOne.affected(1, 4), 1..2);
        assert_eq!(Strategy::OneForAll.affected(1, 4), 0..4);
        assert_eq!(Strategy::RestForOne.affected(1, 4), 1..4);
        assert_eq!(Strategy::RestForOne.affected(3, 4), 3..4);
    }
}
