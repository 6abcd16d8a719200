//! The map-reduce pool: persistent workers, and the chunking of one call.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use soop_core::{BuildError, Pool};

use crate::chunking::Chunking;
use crate::error::Error;
use crate::scope::{Helper, run_chunks};

/// A pool for map-reduce over borrowed slices.
///
/// Each call cuts its input into chunks that the pool's workers and the
/// calling thread claim one at a time, and blocks until every chunk is done:
/// so the closures may borrow anything, no `'static` needed. A panicking
/// closure makes the call return [`Error::Panicked`]; the pool survives.
/// Calls may nest (a closure may call the same pool); they never deadlock.
///
/// ```
/// use soop_mapreduce::MapReduce;
///
/// let mr = MapReduce::builder().workers(2).build().unwrap();
/// let numbers: Vec<u64> = (1..=100_000).collect();
/// let sum = mr.fold(&numbers, || 0u64, |acc, &n| acc + n, |a, b| a + b).unwrap();
/// assert_eq!(sum, 5_000_050_000);
/// ```
pub struct MapReduce {
    pool: Pool<Helper>,
    workers: usize,
    chunking: Chunking,
}

/// How one call is cut up.
pub(crate) struct Plan {
    pub(crate) chunk_len: usize,
    pub(crate) chunks: usize,
}

impl Plan {
    pub(crate) fn range(&self, chunk: usize, len: usize) -> Range<usize> {
        let start = (chunk * self.chunk_len).min(len);
        start..(start + self.chunk_len).min(len)
    }
}

impl MapReduce {
    /// A pool with the default settings: one thread per core counting the
    /// caller, automatic chunking.
    ///
    /// # Errors
    /// [`BuildError`] if the threads cannot start.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// let mr = MapReduce::new().unwrap();
    /// assert!(mr.workers() >= 1);
    /// assert_eq!(mr.fold(&[1, 2, 3], || 0, |a, &n| a + n, |a, b| a + b), Ok(6));
    /// ```
    pub fn new() -> Result<Self, BuildError> {
        Builder::default().build()
    }

    /// A builder with every setting at its default.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// let mr = MapReduce::builder().workers(2).name("stats").build().unwrap();
    /// assert_eq!(mr.workers(), 2);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// How many worker threads help each call (the caller works too).
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// // Three workers and the calling thread: four threads share each call.
    /// assert_eq!(MapReduce::builder().workers(3).build().unwrap().workers(), 3);
    /// ```
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The chunking of `len` items for folds and maps.
    pub(crate) fn plan(&self, len: usize) -> Plan {
        self.plan_with(len, 4)
    }

    /// The chunking of `len` items aiming at `per_thread` chunks a thread.
    pub(crate) fn plan_with(&self, len: usize, per_thread: usize) -> Plan {
        let chunk_len = self.chunking.chunk_len(len, self.workers + 1, per_thread);
        Plan {
            chunk_len,
            chunks: len.div_ceil(chunk_len),
        }
    }

    /// Runs `job(chunk)` for every chunk index; on the calling thread alone
    /// when there is only one.
    pub(crate) fn run(&self, chunks: usize, job: &(dyn Fn(usize) + Sync)) -> Result<(), Error> {
        if chunks <= 1 {
            return on_this_thread(|| (0..chunks).for_each(job));
        }
        run_chunks(&self.pool, self.workers, chunks, job).map_err(Error::Panicked)
    }
}

/// Runs a whole (small) call on the calling thread, catching a panic.
pub(crate) fn on_this_thread<V>(f: impl FnOnce() -> V) -> Result<V, Error> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|panic| Error::Panicked(soop_core::panic_message(&*panic)))
}

impl std::fmt::Debug for MapReduce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapReduce")
            .field("workers", &self.workers)
            .field("chunking", &self.chunking)
            .finish()
    }
}

/// Configures a [`MapReduce`]; [`build`](Builder::build) checks the values.
///
/// ```
/// use soop_mapreduce::{BuildError, Chunking, MapReduce};
///
/// let mr = MapReduce::builder().workers(3).chunking(Chunking::Fixed(1024)).build().unwrap();
/// assert_eq!(mr.workers(), 3);
/// assert!(matches!(MapReduce::builder().workers(0).build(), Err(BuildError::Zero { .. })));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    workers: Option<usize>,
    chunking: Chunking,
    name: Option<String>,
}

impl Builder {
    /// Worker threads. Default: one fewer than the cores (at least one),
    /// since the calling thread works too.
    ///
    /// ```
    /// use soop_core::BuildError;
    /// use soop_mapreduce::MapReduce;
    ///
    /// assert!(matches!(MapReduce::builder().workers(0).build(), Err(BuildError::Zero { what: "workers" })));
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// How calls cut their input. Default [`Chunking::Auto`].
    ///
    /// ```
    /// use soop_mapreduce::{Chunking, MapReduce};
    ///
    /// // Never split inputs shorter than 2 × 100,000 items.
    /// let mr = MapReduce::builder().chunking(Chunking::Auto { min_len: 100_000 }).build().unwrap();
    /// assert_eq!(mr.map(&[1, 2], |n| n * 2), Ok(vec![2, 4])); // ran on the calling thread
    /// ```
    pub fn chunking(mut self, chunking: Chunking) -> Self {
        self.chunking = chunking;
        self
    }

    /// The threads' name prefix. Default `"soop-mapreduce"`.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// // Threads show up as "indexer-0", "indexer-1", … in debuggers and `top -H`.
    /// let mr = MapReduce::builder().name("indexer").workers(1).build().unwrap();
    /// # drop(mr);
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Starts the pool.
    ///
    /// # Errors
    /// [`BuildError`] for zero (or too many) workers, or threads that could
    /// not start.
    ///
    /// ```
    /// use soop_mapreduce::MapReduce;
    ///
    /// let builder = MapReduce::builder().workers(1);
    /// let (a, b) = (builder.build().unwrap(), builder.build().unwrap()); // two pools, same settings
    /// assert_eq!(a.workers() + b.workers(), 2);
    /// ```
    pub fn build(&self) -> Result<MapReduce, BuildError> {
        let workers = match self.workers {
            Some(n) => n,
            // The caller works too: one thread per core in all.
            None => {
                std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
            }
        };
        let pool = Pool::builder()
            .name(self.name.clone().unwrap_or_else(|| "soop-mapreduce".into()))
            .workers(workers)
            .build(|| Helper)?;
        Ok(MapReduce {
            pool,
            workers,
            chunking: self.chunking,
        })
    }
}
