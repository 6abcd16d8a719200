//! How an input is cut into chunks.

/// How a call cuts its input into chunks.
///
/// Chunks are claimed one at a time by the pool's workers and the calling
/// thread, so more chunks than threads balance uneven work; fewer, larger
/// chunks cost less to hand out.
///
/// ```
/// use soop_mapreduce::{Chunking, MapReduce};
///
/// // Chunks of 10 items: 1,000 items are claimed in 100 pieces.
/// let mr = MapReduce::builder().workers(1).chunking(Chunking::Fixed(10)).build().unwrap();
/// let data: Vec<u32> = (0..1000).collect();
/// assert_eq!(mr.map(&data, |n| n + 1).unwrap()[999], 1000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunking {
    /// About four chunks per thread (the workers and the caller) for folds
    /// and maps, two for keyed groups (whose per-chunk maps cost more to
    /// merge than to balance), none shorter than `min_len` items. An input
    /// shorter than `2 × min_len` runs on the calling thread alone:
    /// splitting it cannot win.
    Auto {
        /// The shortest chunk worth handing to another thread. Default 4096.
        min_len: usize,
    },
    /// Chunks of exactly this many items (the last may be shorter); 0 is
    /// taken as 1.
    Fixed(usize),
}

impl Default for Chunking {
    fn default() -> Self {
        Chunking::Auto { min_len: 4096 }
    }
}

impl Chunking {
    /// The chunk length for `len` items over `threads` threads, aiming
    /// (under `Auto`) at `per_thread` chunks each.
    pub(crate) fn chunk_len(self, len: usize, threads: usize, per_thread: usize) -> usize {
        match self {
            Chunking::Fixed(n) => n.max(1),
            Chunking::Auto { min_len } => {
                let min_len = min_len.max(1);
                if len < min_len.saturating_mul(2) {
                    return len.max(1);
                }
                len.div_ceil(threads.max(1) * per_thread.max(1))
                    .max(min_len)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_inputs_are_one_chunk_and_large_ones_spread() {
        let auto = Chunking::default();
        assert_eq!(auto.chunk_len(1000, 3, 4), 1000);
        assert_eq!(auto.chunk_len(0, 3, 4), 1);
        let len: usize = 1 << 20;
        assert_eq!(len.div_ceil(auto.chunk_len(len, 3, 4)), 12);
        assert_eq!(len.div_ceil(auto.chunk_len(len, 3, 2)), 6);
        assert_eq!(Chunking::Fixed(0).chunk_len(10, 3, 4), 1);
        assert_eq!(Chunking::Fixed(7).chunk_len(10, 3, 2), 7);
    }
}
