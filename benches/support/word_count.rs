//! Word count, as each contender writes it: the same words, the same
//! std `HashMap` (SipHash), only the way of going parallel differs.
#![allow(dead_code)]

use std::collections::HashMap;

use rayon::prelude::*;
use soop_mapreduce::MapReduce;

pub(crate) type Counts<'a> = HashMap<&'a str, u64>;

pub(crate) fn sequential(text: &str) -> Counts<'_> {
    let mut counts = Counts::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_default() += 1;
    }
    counts
}

/// Adds the smaller map into the larger: the cheaper way round.
fn merge<'a>(mut a: Counts<'a>, mut b: Counts<'a>) -> Counts<'a> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    for (w, n) in b {
        *a.entry(w).or_default() += n;
    }
    a
}

/// rayon's idiom: a parallel split at whitespace, a map per fold, merged.
pub(crate) fn rayon_words<'a>(pool: &rayon::ThreadPool, text: &'a str) -> Counts<'a> {
    pool.install(|| {
        text.par_split_whitespace()
            .fold(Counts::new, |mut m, w| {
                *m.entry(w).or_default() += 1;
                m
            })
            .reduce(Counts::new, merge)
    })
}

/// rayon over big pieces cut at whitespace (as soop cuts them), each
/// counted sequentially, merged.
pub(crate) fn rayon_pieces<'a>(pool: &rayon::ThreadPool, text: &'a str) -> Counts<'a> {
    let pieces = pieces(text, 64 * pool.current_num_threads());
    pool.install(|| {
        pieces
            .par_iter()
            .map(|piece| sequential(piece))
            .reduce(Counts::new, merge)
    })
}

/// soop's keyed map-reduce over one big `&str`.
pub(crate) fn soop<'a>(mr: &MapReduce, text: &'a str) -> Counts<'a> {
    mr.group_text(
        text,
        |piece, emit| piece.split_whitespace().for_each(|w| emit(w, 1u64)),
        |n, m| *n += m,
    )
    .unwrap()
}

/// `text` in about `n` pieces, each ending at whitespace.
fn pieces(text: &str, n: usize) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    for i in 1..=n {
        let mut end = (text.len() * i / n).max(start);
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        pieces.push(&text[start..end]);
        start = end;
    }
    pieces
}
