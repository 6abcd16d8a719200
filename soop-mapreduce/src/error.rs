//! Every error of soop-mapreduce.

/// Why a map-reduce call returned no result.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A closure panicked; its message. The pool survives and the next call
    /// works.
    #[error("a map-reduce closure panicked: {0}")]
    Panicked(String),
}
