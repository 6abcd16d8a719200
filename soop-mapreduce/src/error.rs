//! Every error of soop-mapreduce.

/// Why a map-reduce call returned no result.
///
/// ```
/// use soop_mapreduce::{Chunking, Error, MapReduce};
///
/// let mr = MapReduce::builder().workers(1).chunking(Chunking::Fixed(1)).build().unwrap();
/// let data = [1, 2, 3];
/// let failed = mr.map(&data, |&n| if n == 2 { panic!("two") } else { n });
/// assert_eq!(failed, Err(Error::Panicked("two".into())));
/// assert_eq!(mr.map(&data, |&n| n), Ok(vec![1, 2, 3])); // the pool goes on
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A closure panicked; its message. The pool survives and the next call
    /// works.
    #[error("a map-reduce closure panicked: {0}")]
    Panicked(String),
}
