//! Approximate matching over code points: where a pattern occurs in a text
//! with few edits (insertions, deletions, substitutions), and how similar two
//! short strings are.
//!
//! Myers' bit-parallel algorithm (J. ACM 1999) in its blocked form, the one
//! Hypothesis uses through `approx-string-match`: one pass over the text
//! costs O(n · ⌈m/64⌉) word operations whatever the number of errors. Written
//! here (about a hundred lines) rather than taken from a crate: the Rust
//! crates that have it either count UTF-8 bytes, not code points (an edited
//! Arabic or CJK letter would count as two or three errors), or bring a large
//! bioinformatics dependency tree into the WebAssembly bundle.

/// An occurrence of the pattern: `text[start..end]` is `errors` edits away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
}

const WORD: usize = 64;
/// No row: the character is not in the pattern.
const NONE: u32 = u32::MAX;

/// The pattern's bit masks, one row of 64-bit blocks per distinct
/// character. The scan looks a row up for every character of the text, so
/// the lookup is a table for ASCII and a binary search among the pattern's
/// few other characters (a `HashMap` with its default hasher cost more than
/// the bit operations themselves).
pub struct Pattern {
    len: usize,
    blocks: usize,
    ascii: [u32; 128],
    /// Sorted by character.
    others: Vec<(char, u32)>,
    /// Row `r` is `rows[r * blocks..(r + 1) * blocks]`.
    rows: Vec<u64>,
}

impl Pattern {
    pub fn new(chars: &[char]) -> Self {
        let blocks = chars.len().div_ceil(WORD);
        let mut pattern = Pattern { len: chars.len(), blocks, ascii: [NONE; 128], others: Vec::new(), rows: Vec::new() };
        for (i, &c) in chars.iter().enumerate() {
            let row = match pattern.row(c) {
                NONE => {
                    let row = (pattern.rows.len() / blocks.max(1)) as u32;
                    pattern.rows.extend(std::iter::repeat_n(0, blocks));
                    if (c as u32) < 128 {
                        pattern.ascii[c as usize] = row;
                    } else {
                        let at = pattern.others.partition_point(|&(o, _)| o < c);
                        pattern.others.insert(at, (c, row));
                    }
                    row
                }
                row => row,
            };
            pattern.rows[row as usize * blocks + i / WORD] |= 1 << (i % WORD);
        }
        pattern
    }

    fn row(&self, c: char) -> u32 {
        if (c as u32) < 128 {
            return self.ascii[c as usize];
        }
        match self.others.binary_search_by_key(&c, |&(o, _)| o) {
            Ok(i) => self.others[i].1,
            Err(_) => NONE,
        }
    }

    /// How much of the pattern survives somewhere in `found`, 0..1 (see
    /// [`context_similarity`]), with the masks built once per selector.
    pub fn similarity(&self, found: &[char]) -> f64 {
        match (self.len == 0, found.is_empty()) {
            (true, true) => 1.0,
            (true, false) => 0.5,
            (false, true) => 0.0,
            (false, false) => {
                let mut fewest = self.len;
                self.scan(found, |_, errors| fewest = fewest.min(errors));
                1.0 - fewest as f64 / self.len as f64
            }
        }
    }

    /// Calls `visit(end, errors)` for every end offset `1..=text.len()`, with
    /// the fewest edits turning the pattern into a substring of `text` ending
    /// there (Sellers' search: the match may start anywhere).
    fn scan(&self, text: &[char], mut visit: impl FnMut(usize, usize)) {
        let m = self.len;
        let last = self.blocks - 1;
        let last_row_bit = 1u64 << ((m - 1) % WORD);
        let zeros = vec![0u64; self.blocks];
        // Vertical deltas of the current column: +1 (pv) or −1 (mv) per row.
        let mut pv = vec![u64::MAX; self.blocks];
        let mut mv = vec![0u64; self.blocks];
        let mut score = m;
        for (j, c) in text.iter().enumerate() {
            let eq_row = match self.row(*c) {
                NONE => &zeros[..],
                row => &self.rows[row as usize * self.blocks..(row as usize + 1) * self.blocks],
            };
            // The top row costs nothing anywhere in the text (free start).
            let mut h_in: i8 = 0;
            for b in 0..self.blocks {
                let row_bit = if b == last { last_row_bit } else { 1 << (WORD - 1) };
                let h_in_negative = (h_in < 0) as u64;
                let eq = eq_row[b] | h_in_negative;
                let (p, n) = (pv[b], mv[b]);
                let xv = eq | n;
                let xh = (((eq & p).wrapping_add(p)) ^ p) | eq;
                let mut ph = n | !(xh | p);
                let mut mh = p & xh;
                let h_out = (ph & row_bit != 0) as i8 - (mh & row_bit != 0) as i8;
                ph <<= 1;
                mh <<= 1;
                mh |= h_in_negative;
                ph |= (h_in > 0) as u64;
                pv[b] = mh | !(xv | ph);
                mv[b] = ph & xv;
                h_in = h_out;
            }
            score = (score as isize + h_in as isize) as usize;
            visit(j + 1, score);
        }
    }
}

/// The best few occurrences of `pattern` in `text` with at most `max_errors`
/// edits: for each run of end offsets within the bound, the end with the
/// fewest errors and its best start. Sorted by errors, then position.
pub fn search(text: &[char], pattern: &[char], max_errors: usize, limit: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut run_best: Option<(usize, usize)> = None;
    Pattern::new(pattern).scan(text, |end, errors| {
        if errors <= max_errors {
            if run_best.is_none_or(|(_, e)| errors < e) {
                run_best = Some((end, errors));
            }
        } else if let Some(best) = run_best.take() {
            ends.push(best);
        }
    });
    ends.extend(run_best);
    crate::sorting::sort_by_key(&mut ends, |&(end, errors)| (errors, end));
    ends.truncate(limit);
    ends.into_iter()
        .map(|(end, errors)| {
            let start = best_start(text, pattern, end, max_errors);
            Match { start, end, errors }
        })
        .collect()
}

/// Where the best match ending at `end` starts: edit distance of the
/// reversed pattern against the text read backwards from `end`, keeping the
/// length closest to the pattern's among the cheapest.
fn best_start(text: &[char], pattern: &[char], end: usize, max_errors: usize) -> usize {
    let window = (pattern.len() + max_errors).min(end);
    let back: Vec<char> = text[end - window..end].iter().rev().copied().collect();
    let rev: Vec<char> = pattern.iter().rev().copied().collect();
    let last_row = edit_distance_row(&rev, &back);
    let m = pattern.len();
    let taken = (0..=window).min_by_key(|&t| (last_row[t], t.abs_diff(m))).unwrap_or(0);
    end - taken
}

/// The last row of the Levenshtein table of `a` (rows) against `b`: entry
/// `t` is the distance between all of `a` and `b[..t]`.
fn edit_distance_row(a: &[char], b: &[char]) -> Vec<usize> {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (t, cb) in b.iter().enumerate() {
            let substitution = diagonal + (ca != cb) as usize;
            diagonal = row[t + 1];
            row[t + 1] = substitution.min(row[t] + 1).min(row[t + 1] + 1);
        }
    }
    row
}

/// Levenshtein distance in code points.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    edit_distance_row(a, b)[b.len()]
}

/// How much of `expected` survives somewhere in `found`, 0..1: 1 minus its
/// cheapest match's errors over its length (Hypothesis's context score).
/// Nothing expected and nothing found agree; nothing expected but something
/// found says nothing either way (½).
#[cfg(test)]
pub fn context_similarity(expected: &[char], found: &[char]) -> f64 {
    match (expected.is_empty(), found.is_empty()) {
        (true, true) => 1.0,
        (true, false) => 0.5,
        (false, true) => 0.0,
        (false, false) => Pattern::new(expected).similarity(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// Sellers' dynamic programme, the textbook definition the bit-parallel
    /// scan must agree with.
    fn sellers(pattern: &[char], text: &[char]) -> Vec<usize> {
        let mut column: Vec<usize> = (0..=pattern.len()).collect();
        let mut out = Vec::new();
        for c in text {
            let mut next = vec![0; pattern.len() + 1];
            for i in 1..=pattern.len() {
                next[i] = (column[i - 1] + (pattern[i - 1] != *c) as usize).min(column[i] + 1).min(next[i - 1] + 1);
            }
            out.push(next[pattern.len()]);
            column = next;
        }
        out
    }

    #[test]
    fn finds_a_word_with_one_error_and_where_it_starts() {
        let text = chars("four score and seven");
        let found = search(&text, &chars("annd"), 1, 5);
        assert_eq!(found[0].errors, 1);
        let s: String = text[found[0].start..found[0].end].iter().collect();
        assert_eq!(s, "and");
    }

    #[test]
    fn an_edited_letter_of_a_cjk_or_arabic_word_is_one_error() {
        let text = chars("the agency 国際協カ機構 said, and الجزيره reported");
        assert_eq!(search(&text, &chars("国際協力機構"), 1, 3)[0].errors, 1);
        assert_eq!(search(&text, &chars("الجزيرة"), 1, 3)[0].errors, 1);
    }

    #[test]
    fn context_similarity_is_the_share_that_survives() {
        assert_eq!(context_similarity(&chars("abcd"), &chars("xxabcdxx")), 1.0);
        assert_eq!(context_similarity(&chars("abcd"), &chars("abXd")), 0.75);
        assert_eq!(context_similarity(&chars("abcd"), &chars("")), 0.0);
        assert_eq!(context_similarity(&chars(""), &chars("")), 1.0);
    }

    proptest! {
        #[test]
        fn bit_parallel_scan_agrees_with_the_dynamic_programme(
            pattern in "[abé国]{1,150}", text in "[abé国x]{0,200}"
        ) {
            let (p, t) = (chars(&pattern), chars(&text));
            let mut scanned = Vec::new();
            Pattern::new(&p).scan(&t, |_, e| scanned.push(e));
            prop_assert_eq!(scanned, sellers(&p, &t));
        }

        #[test]
        fn a_reported_match_is_as_cheap_as_it_says(pattern in "[ab]{1,80}", text in "[abc]{1,120}", k in 0usize..20) {
            let (p, t) = (chars(&pattern), chars(&text));
            for m in search(&t, &p, k, 10) {
                prop_assert!(m.errors <= k);
                prop_assert_eq!(edit_distance(&p, &t[m.start..m.end]), m.errors);
            }
        }
    }
}
