//! Stable sorting through one instance of the standard library's sort.
//!
//! `slice::sort_by` is generic over the element and the comparison, so each
//! call site compiles its own copy of the sort (about 4 KB of WebAssembly
//! each; some thirty of them made up a tenth of the app's code). These
//! functions sort a permutation of indices with a `dyn` comparison (one
//! copy for the whole program) and then apply it, which costs an index per
//! element and keeps the standard sort's stability and O(n log n).
//!
//! `collect()` into a `BTreeSet` or `BTreeMap` sorts a buffer first, with
//! yet another copy of the sort per element type; `set_of` and `map_of`
//! insert one by one instead.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably in its natural order, like `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by `compare`, like `v.sort_by(compare)`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_order(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` stably by `key`, like `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The items as a set, like `collect::<BTreeSet<_>>()`.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// The pairs as a map (a later key replaces an earlier one), like
/// `collect::<BTreeMap<_, _>>()`.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// The indices `0..n` in the order `compare` sorts them (stable).
#[inline(never)]
// The one standard sort of the program, instantiated once (for `usize` and a
// `dyn` comparison): the rule in clippy.toml exists to route sorts here.
#[allow(clippy::disallowed_methods)]
fn sorted_order(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `v` so that position `i` holds what was at `order[i]`,
/// following each cycle of the permutation with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut i = start;
        loop {
            let from = order[i];
            order[i] = i;
            if from == start {
                break;
            }
            v.swap(i, from);
            i = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_library_and_is_stable(v in prop::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            // Keys repeat (0..6), so stability shows in the second field.
            let mut ours = v.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std = v.clone();
            std.sort_by_key(|x| x.0);
            prop_assert_eq!(ours, std);
        }

        #[test]
        fn sort_and_collections_match_the_standard_library(v in prop::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort(&mut ours);
            let mut std = v.clone();
            std.sort();
            prop_assert_eq!(ours, std);
            prop_assert_eq!(set_of(v.iter().copied()), v.iter().copied().collect::<BTreeSet<_>>());
            // Keys repeat, so the last value for a key must win, as with collect.
            prop_assert_eq!(map_of(v.iter().copied()), v.iter().copied().collect::<BTreeMap<_, _>>());
        }

        #[test]
        fn sort_by_matches_with_a_reversed_order(v in prop::collection::vec(any::<i32>(), 0..200)) {
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| b.cmp(a));
            let mut std = v;
            std.sort_by(|a, b| b.cmp(a));
            prop_assert_eq!(ours, std);
        }
    }
}
