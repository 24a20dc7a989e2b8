//! A suffix array over code points: every place a string occurs in a text,
//! found in O(m log n) per query after one O(n log n) sort, however
//! repetitive the text. Quote selectors (W3C import, re-anchoring) ask it
//! where their words are, instead of scanning the whole text per quote.
//!
//! Built by prefix doubling (Manber and Myers) with counting sorts: each
//! round sorts the suffixes by their first 2k code points from the ranks of
//! the first k, so at most ⌈log₂ n⌉ rounds of linear work. Written here
//! (about sixty lines) rather than taken from a crate: the Rust crates sort
//! bytes, and offsets here are code points.
//!
//! Units: code points; positions are `u32` (texts are at most 5 MB).

use std::ops::Range;

pub struct SuffixArray<'t> {
    text: &'t [char],
    /// Start of every suffix, in lexicographic order of the suffixes.
    order: Vec<u32>,
}

impl<'t> SuffixArray<'t> {
    pub fn new(text: &'t [char]) -> Self {
        let n = text.len();
        // By single code points: a radix sort on their low 11 and high 10
        // bits (no set or comparison sort of characters, for the bundle).
        let mut order: Vec<u32> = (0..n as u32).collect();
        let low: Vec<u32> = text.iter().map(|&c| c as u32 & 0x7FF).collect();
        counting_sort(&mut order, &low, 0x800);
        let high: Vec<u32> = text.iter().map(|&c| c as u32 >> 11).collect();
        counting_sort(&mut order, &high, 0x220);
        let mut rank = ranks_after_sort(&order, |i| (text[i as usize] as u32, u32::MAX));
        let mut by_second = Vec::with_capacity(n);
        let mut k = 1;
        while n > 0 && (rank[order[n - 1] as usize] as usize) < n - 1 {
            // By the rank k code points further on (none sorts first), then
            // stably by the rank here: the first 2k code points.
            by_second.clear();
            by_second.extend((n.saturating_sub(k)..n).map(|i| i as u32));
            by_second.extend(order.iter().filter(|&&i| i as usize >= k).map(|&i| i - k as u32));
            counting_sort(&mut by_second, &rank, n);
            std::mem::swap(&mut order, &mut by_second);
            let second = |i: u32| rank.get(i as usize + k).map_or(u32::MAX, |&r| r);
            rank = ranks_after_sort(&order, |i| (rank[i as usize], second(i)));
            k *= 2;
        }
        SuffixArray { text, order }
    }

    /// Positions in [`Self::order`] of the suffixes that begin with `needle`.
    fn range(&self, needle: &[char]) -> Range<usize> {
        let suffix = |i: u32| &self.text[i as usize..];
        let starts_before = |i: &u32| {
            let s = suffix(*i);
            s[..s.len().min(needle.len())] < *needle
        };
        let from = self.order.partition_point(starts_before);
        let to = from + self.order[from..].partition_point(|&i| suffix(i).starts_with(needle));
        from..to
    }

    /// How many times `needle` occurs (overlapping occurrences too).
    pub fn count(&self, needle: &[char]) -> usize {
        if needle.is_empty() {
            return 0;
        }
        self.range(needle).len()
    }

    /// Where `needle` occurs, in no particular order.
    pub fn positions(&self, needle: &[char]) -> impl Iterator<Item = usize> + '_ {
        let range = if needle.is_empty() { 0..0 } else { self.range(needle) };
        self.order[range].iter().map(|&i| i as usize)
    }
}

/// Stable sort of `items` by `key[item]`, keys below `keys`.
fn counting_sort(items: &mut Vec<u32>, key: &[u32], keys: usize) {
    let mut starts = vec![0u32; keys + 1];
    for &i in items.iter() {
        starts[key[i as usize] as usize + 1] += 1;
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let mut sorted = vec![0u32; items.len()];
    for &i in items.iter() {
        let slot = &mut starts[key[i as usize] as usize];
        sorted[*slot as usize] = i;
        *slot += 1;
    }
    *items = sorted;
}

/// Dense ranks of the sorted suffixes: equal keys, equal rank.
fn ranks_after_sort(order: &[u32], key: impl Fn(u32) -> (u32, u32)) -> Vec<u32> {
    let mut rank = vec![0u32; order.len()];
    for w in 1..order.len() {
        let same = key(order[w]) == key(order[w - 1]);
        rank[order[w] as usize] = rank[order[w - 1] as usize] + !same as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn naive(text: &[char], needle: &[char]) -> Vec<usize> {
        if needle.is_empty() || needle.len() > text.len() {
            return Vec::new();
        }
        (0..=text.len() - needle.len()).filter(|&i| text[i..].starts_with(needle)).collect()
    }

    #[test]
    fn finds_overlapping_occurrences_in_repetitive_and_unicode_text() {
        let text = chars("aaaa 👩🏾‍🍳 国際 aaaa");
        let sa = SuffixArray::new(&text);
        let mut found: Vec<usize> = sa.positions(&chars("aa")).collect();
        found.sort();
        assert_eq!(found, [0, 1, 2, 13, 14, 15]);
        assert_eq!(sa.count(&chars("国際")), 1);
        assert_eq!(sa.count(&chars("👩🏾")), 1);
        assert_eq!(sa.count(&chars("b")), 0);
        assert_eq!(sa.count(&[]), 0);
        assert_eq!(SuffixArray::new(&[]).count(&chars("a")), 0);
    }

    proptest! {
        #[test]
        fn positions_are_every_occurrence(text in "[abé ]{0,200}", needle in "[abé ]{1,6}") {
            let (t, n) = (chars(&text), chars(&needle));
            let sa = SuffixArray::new(&t);
            let mut found: Vec<usize> = sa.positions(&n).collect();
            found.sort();
            prop_assert_eq!(found, naive(&t, &n));
        }
    }
}
