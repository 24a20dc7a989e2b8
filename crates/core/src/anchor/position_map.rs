//! Where each offset of the old text went in the new one, from a diff of
//! the two: the position hint of re-anchoring, and the proof that a span's
//! characters survived the edit untouched.
//!
//! The diff is `similar`'s Myers, run in two levels so that its cost stays
//! bounded on any input (it has no work limit of its own, and the deadline
//! it offers needs a clock, which panics in WebAssembly): first over lines
//! (paragraphs: hundreds, not hundreds of thousands), then over characters
//! inside each changed block small enough to diff character by character.
//! A larger changed block is mapped proportionally.
//!
//! Units: code points.

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Changed blocks up to this many code points a side are diffed character
/// by character: O((n + m) · d) stays below a few million steps.
const CHAR_DIFF_LIMIT: usize = 2_000;

/// A stretch of text equal in both: `old..old + len` is `new..new + len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EqualRun {
    old: usize,
    new: usize,
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionMap {
    /// Sorted, disjoint, and merged when contiguous in both texts.
    runs: Vec<EqualRun>,
    old_len: usize,
    new_len: usize,
}

impl PositionMap {
    pub fn between(old: &[char], new: &[char]) -> PositionMap {
        let old_lines = lines(old);
        let new_lines = lines(new);
        let old_keys: Vec<&[char]> = old_lines.iter().map(|&(s, e)| &old[s..e]).collect();
        let new_keys: Vec<&[char]> = new_lines.iter().map(|&(s, e)| &new[s..e]).collect();
        // Line `i` starts at `starts[i]`; one past the last line is the end.
        let line_start = |lines: &[(usize, usize)], len: usize, i: usize| lines.get(i).map_or(len, |l| l.0);
        let mut runs = Vec::new();
        for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
            let (o, n) = (op.old_range(), op.new_range());
            let (o_start, o_end) = (line_start(&old_lines, old.len(), o.start), line_start(&old_lines, old.len(), o.end));
            let (n_start, n_end) = (line_start(&new_lines, new.len(), n.start), line_start(&new_lines, new.len(), n.end));
            match op {
                DiffOp::Equal { .. } => push(&mut runs, EqualRun { old: o_start, new: n_start, len: o_end - o_start }),
                _ if o_end - o_start <= CHAR_DIFF_LIMIT && n_end - n_start <= CHAR_DIFF_LIMIT => {
                    for inner in capture_diff_slices(Algorithm::Myers, &old[o_start..o_end], &new[n_start..n_end]) {
                        if let DiffOp::Equal { old_index, new_index, len } = inner {
                            push(&mut runs, EqualRun { old: o_start + old_index, new: n_start + new_index, len });
                        }
                    }
                }
                _ => {}
            }
        }
        PositionMap { runs, old_len: old.len(), new_len: new.len() }
    }

    /// Where old offset `old` lands: exactly, inside an equal run; else in
    /// proportion between the equal runs around it.
    pub fn new_offset(&self, old: usize) -> usize {
        let i = self.runs.partition_point(|r| r.old <= old);
        let (old_a, new_a) = match i.checked_sub(1).map(|k| self.runs[k]) {
            Some(r) if old < r.old + r.len => return r.new + (old - r.old),
            Some(r) => (r.old + r.len, r.new + r.len),
            None => (0, 0),
        };
        let (old_b, new_b) = self.runs.get(i).map_or((self.old_len, self.new_len), |r| (r.old, r.new));
        if old_b <= old_a {
            return new_a.min(self.new_len);
        }
        (new_a + (old - old_a) * new_b.saturating_sub(new_a) / (old_b - old_a)).min(self.new_len)
    }

    /// The new range of `[start, end)` when all of it survived as one piece.
    pub fn surviving(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let run = self.run_containing(start)?;
        (end <= run.old + run.len).then(|| (run.new + start - run.old, run.new + end - run.old))
    }

    /// Where the first and the last character of `[start, end)` went, when
    /// both survived: the span's own words even if text was inserted or
    /// deleted inside it.
    pub fn ends(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let first = self.run_containing(start)?;
        let last = self.run_containing(end.checked_sub(1)?)?;
        let (s, e) = (first.new + start - first.old, last.new + end - 1 - last.old + 1);
        (s < e).then_some((s, e))
    }

    fn run_containing(&self, old: usize) -> Option<EqualRun> {
        let i = self.runs.partition_point(|r| r.old <= old).checked_sub(1)?;
        let run = self.runs[i];
        (old < run.old + run.len).then_some(run)
    }
}

fn push(runs: &mut Vec<EqualRun>, run: EqualRun) {
    if run.len == 0 {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.old + last.len == run.old && last.new + last.len == run.new => last.len += run.len,
        _ => runs.push(run),
    }
}

/// Lines as `(start, end)`, each with its line break.
fn lines(text: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in text.iter().enumerate() {
        if c == '\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn cp(text: &str, needle: &str) -> usize {
        text[..text.find(needle).unwrap()].chars().count()
    }

    #[test]
    fn offsets_follow_insertions_and_deletions_in_other_paragraphs_and_inside_one() {
        let old = "Title\n\nMali’s minister, Abdallah Diop, spoke.\n\nRussia replied.\n";
        let new = "Title: Mali\n\nOn Friday Mali’s foreign minister, Abdallah Diop, spoke.\n\nRussia replied.\n";
        let map = PositionMap::between(&chars(old), &chars(new));
        for needle in ["Abdallah Diop", "Russia", "spoke."] {
            let (s, e) = (cp(old, needle), cp(old, needle) + needle.chars().count());
            let expected = cp(new, needle);
            assert_eq!(map.new_offset(s), expected, "{needle}");
            assert_eq!(map.surviving(s, e), Some((expected, expected + needle.chars().count())), "{needle}");
        }
        let old_minister = cp(old, "minister");
        assert_eq!(map.ends(cp(old, "Mali’s"), old_minister + 8), Some((cp(new, "Mali’s"), cp(new, "minister") + 8)));
        assert_eq!(map.surviving(cp(old, "Mali’s"), old_minister + 8), None, "a word was inserted inside");
    }

    #[test]
    fn a_deleted_word_does_not_survive_and_maps_near_where_it_was() {
        let old = "one two three four";
        let new = "one three four";
        let map = PositionMap::between(&chars(old), &chars(new));
        assert_eq!(map.surviving(4, 7), None);
        assert!(map.new_offset(4) <= 4);
        assert_eq!(map.new_offset(cp(old, "four")), cp(new, "four"));
    }

    #[test]
    fn a_rewrite_too_large_to_diff_by_character_still_maps_every_offset_inside_the_text() {
        let old: String = (0..3000).map(|i| if i % 50 == 49 { '\n' } else { 'a' }).collect::<String>() + "\nend";
        let new: String = (0..5000).map(|i| if i % 7 == 0 { ' ' } else { 'b' }).collect::<String>() + "\nend";
        let map = PositionMap::between(&chars(&old), &chars(&new));
        let new_len = new.chars().count();
        for x in (0..old.chars().count()).step_by(97) {
            assert!(map.new_offset(x) <= new_len);
        }
        assert_eq!(map.surviving(old.chars().count() - 3, old.chars().count()), Some((new_len - 3, new_len)));
    }
}
