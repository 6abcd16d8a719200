//! Folds, maps and for-each over slices.

use std::sync::{Mutex, PoisonError};

use crate::error::Error;
use crate::map_reduce::{MapReduce, on_this_thread};

impl MapReduce {
    /// Folds each chunk from `identity()` with `fold`, then combines the
    /// chunks' accumulators with `combine`, left to right in input order
    /// (so `combine` need only be associative).
    ///
    /// # Errors
    /// [`Error::Panicked`] if a closure panicked.
    ///
    /// ```
    /// use soop_mapreduce::{Error, MapReduce};
    ///
    /// let mr = MapReduce::builder().workers(2).build().unwrap();
    /// let words = ["map", "and", "reduce"];
    /// let longest = mr.fold(&words, || 0, |m, w| m.max(w.len()), usize::max);
    /// assert_eq!(longest, Ok(6));
    ///
    /// let failed = mr.fold(&[1, 2, 3], || 0, |_, _| -> i32 { panic!("bad item") }, |a, b| a + b);
    /// assert_eq!(failed, Err(Error::Panicked("bad item".into())));
    /// ```
    pub fn fold<'a, T, A, I, F, C>(
        &self,
        items: &'a [T],
        identity: I,
        fold: F,
        combine: C,
    ) -> Result<A, Error>
    where
        T: Sync,
        A: Send,
        I: Fn() -> A + Sync,
        F: Fn(A, &'a T) -> A + Sync,
        C: Fn(A, A) -> A,
    {
        let plan = self.plan(items.len());
        let fold_chunk = |chunk: usize| {
            items[plan.range(chunk, items.len())]
                .iter()
                .fold(identity(), &fold)
        };
        if plan.chunks <= 1 {
            return on_this_thread(|| fold_chunk(0));
        }
        let results: Vec<Mutex<Option<A>>> = (0..plan.chunks).map(|_| Mutex::new(None)).collect();
        self.run(plan.chunks, &|chunk| {
            let value = fold_chunk(chunk);
            *results[chunk]
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(value);
        })?;
        let mut accumulators = results
            .into_iter()
            .filter_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner));
        let first = accumulators.next().unwrap_or_else(&identity);
        Ok(accumulators.fold(first, combine))
    }

    /// Maps every item and reduces the results with `reduce`, in input
    /// order; `None` for an empty slice.
    ///
    /// # Errors
    /// [`Error::Panicked`] if a closure panicked.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// let mr = MapReduce::builder().workers(2).build().unwrap();
    /// let squares = mr.map_reduce(&[1u64, 2, 3], |x| x * x, |a, b| a + b);
    /// assert_eq!(squares, Ok(Some(14)));
    /// assert_eq!(mr.map_reduce(&[] as &[u64], |x| x * x, |a, b| a + b), Ok(None));
    /// ```
    pub fn map_reduce<'a, T, U, M, R>(
        &self,
        items: &'a [T],
        map: M,
        reduce: R,
    ) -> Result<Option<U>, Error>
    where
        T: Sync,
        U: Send,
        M: Fn(&'a T) -> U + Sync,
        R: Fn(U, U) -> U + Sync,
    {
        let join = |a: Option<U>, b: Option<U>| match (a, b) {
            (Some(a), Some(b)) => Some(reduce(a, b)),
            (a, b) => a.or(b),
        };
        self.fold(items, || None, |acc, item| join(acc, Some(map(item))), join)
    }

    /// Maps every item, keeping input order.
    ///
    /// # Errors
    /// [`Error::Panicked`] if the closure panicked.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// let mr = MapReduce::builder().workers(2).build().unwrap();
    /// let text = String::from("borrowed, not 'static");
    /// let lengths = mr.map(&[1usize, 2, 3], |n| text.len() * n).unwrap();
    /// assert_eq!(lengths, [21, 42, 63]);
    /// ```
    pub fn map<'a, T, U, F>(&self, items: &'a [T], f: F) -> Result<Vec<U>, Error>
    where
        T: Sync,
        U: Send,
        F: Fn(&'a T) -> U + Sync,
    {
        let plan = self.plan(items.len());
        if plan.chunks <= 1 {
            return on_this_thread(|| items.iter().map(&f).collect());
        }
        let parts: Vec<Mutex<Vec<U>>> = (0..plan.chunks).map(|_| Mutex::new(Vec::new())).collect();
        self.run(plan.chunks, &|chunk| {
            let mapped: Vec<U> = items[plan.range(chunk, items.len())]
                .iter()
                .map(&f)
                .collect();
            *parts[chunk].lock().unwrap_or_else(PoisonError::into_inner) = mapped;
        })?;
        let mut out = Vec::with_capacity(items.len());
        for part in parts {
            out.extend(part.into_inner().unwrap_or_else(PoisonError::into_inner));
        }
        Ok(out)
    }

    /// Calls `f` on every item, in parallel.
    ///
    /// # Errors
    /// [`Error::Panicked`] if the closure panicked.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use soop_mapreduce::MapReduce;
    ///
    /// let mr = MapReduce::builder().workers(2).build().unwrap();
    /// let total = AtomicU64::new(0);
    /// mr.for_each(&[1u64, 2, 3, 4], |n| { total.fetch_add(*n, Ordering::Relaxed); }).unwrap();
    /// assert_eq!(total.into_inner(), 10);
    /// ```
    pub fn for_each<'a, T, F>(&self, items: &'a [T], f: F) -> Result<(), Error>
    where
        T: Sync,
        F: Fn(&'a T) + Sync,
    {
        let plan = self.plan(items.len());
        self.run(plan.chunks, &|chunk| {
            items[plan.range(chunk, items.len())].iter().for_each(&f);
        })
    }
}
