//! The output's reorder buffer: units in, the same units out in sequence
//! order. Its size is bounded by the reorder window (see `window.rs`).

use std::collections::VecDeque;
use std::sync::Arc;

use crate::unit::Unit;
use crate::window::Window;

pub(crate) struct Reorder<T> {
    window: Arc<Window>,
    /// The sequence number of the next unit to hand out.
    next: u64,
    /// Units that came early, at `seq - next`; `None` where one is missing.
    early: VecDeque<Option<Unit<T>>>,
}

impl<T> Reorder<T> {
    pub(crate) fn new(window: Arc<Window>) -> Self {
        // Sized once: the window keeps every offset below its limit (up to a
        // size worth keeping ready).
        let early = VecDeque::with_capacity(window.limit().min(4096));
        Reorder {
            window,
            next: 0,
            early,
        }
    }

    pub(crate) fn insert(&mut self, unit: Unit<T>) {
        // Sequence numbers below `next` were handed out already and are
        // never sent twice; the window keeps the offset small.
        let offset = unit.seq.saturating_sub(self.next) as usize;
        if self.early.len() <= offset {
            self.early.resize_with(offset + 1, || None);
        }
        self.early[offset] = Some(unit);
    }

    /// Every unit held, in sequence order, gaps skipped (the pipeline has
    /// stopped).
    pub(crate) fn take_all(&mut self) -> Vec<Unit<T>> {
        self.early.drain(..).flatten().collect()
    }

    /// The next unit in sequence, if it has come.
    pub(crate) fn pop_next(&mut self) -> Option<Unit<T>> {
        if !self.early.front().is_some_and(Option::is_some) {
            return None;
        }
        let unit = self.early.pop_front().flatten();
        self.next += 1;
        self.window.release(self.next);
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use soop_buffers::SlabPool;

    #[test]
    fn hands_units_out_in_sequence() {
        let pool = SlabPool::<u8>::new(1, 4).unwrap();
        let mut reorder = Reorder::new(Arc::new(Window::new(8)));
        reorder.insert(Unit::new(2, &pool));
        reorder.insert(Unit::new(1, &pool));
        assert!(reorder.pop_next().is_none());
        reorder.insert(Unit::new(0, &pool));
        let order: Vec<u64> = std::iter::from_fn(|| reorder.pop_next())
            .map(|u| u.seq)
            .collect();
        assert_eq!(order, [0, 1, 2]);
    }
}
