//! Finding text in the article: the next (or previous) occurrence of a
//! query, ignoring case, from a position, wrapping around the end. Units:
//! code points; a match never splits a grapheme cluster (a query "e" does
//! not match the "e" of "e\u{301}").

use crate::article::Article;
use unicode_segmentation::UnicodeSegmentation;

/// Case-folded (simple lower case) code points of `s`.
fn folded(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// `[start, end)` of the next occurrence of `query` at or after `from`
/// (`forward`) or ending at or before it, wrapping around; `None` when the
/// query is blank or absent.
pub fn find_text(article: &Article, query: &str, from: usize, forward: bool) -> Option<(usize, usize)> {
    let query = query.trim();
    if query.is_empty() {
        return None;
    }
    let text = article.text();
    // Compare per code point, case-folded, keeping a map back to the text's
    // code points (lower-casing may change the count, e.g. "İ").
    let mut hay: Vec<char> = Vec::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len());
    for (cp, c) in text.chars().enumerate() {
        for l in c.to_lowercase() {
            hay.push(l);
            origin.push(cp);
        }
    }
    let needle = folded(query);
    let boundaries: std::collections::HashSet<usize> = {
        let index = article.index();
        text.grapheme_indices(true).map(|(b, _)| index.cp_of_byte(b)).chain([article.len_chars()]).collect()
    };
    let mut matches = Vec::new();
    if needle.len() <= hay.len() {
        for i in 0..=hay.len() - needle.len() {
            if hay[i..i + needle.len()] == needle[..] {
                let start = origin[i];
                let end = origin[i + needle.len() - 1] + 1;
                if boundaries.contains(&start) && boundaries.contains(&end) && matches.last() != Some(&(start, end)) {
                    matches.push((start, end));
                }
            }
        }
    }
    if forward {
        matches.iter().find(|m| m.0 >= from).or(matches.first()).copied()
    } else {
        matches.iter().rev().find(|m| m.1 <= from).or(matches.last()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::cp;

    #[test]
    fn next_and_previous_ignoring_case_wrapping_around() {
        let text = "Mali and MALI; the Malian army in mali.";
        let a = Article::new("t", "t", text).unwrap();
        // Every "mali" by plain search on the lower-cased text (ASCII here, so offsets carry over).
        let lower = text.to_lowercase();
        let all: Vec<(usize, usize)> = lower.match_indices("mali").map(|(b, _)| (b, b + 4)).collect();
        assert_eq!(all.len(), 4);
        assert_eq!(find_text(&a, "mali", 0, true), Some(all[0]));
        assert_eq!(find_text(&a, "MaLi", all[0].1, true), Some(all[1]));
        // Past the last match, forward wraps to the first; backward from the start wraps to the last.
        assert_eq!(find_text(&a, "mali", all[3].1, true), Some(all[0]));
        assert_eq!(find_text(&a, "mali", 0, false), Some(*all.last().unwrap()));
        assert_eq!(find_text(&a, "mali", all[2].0, false), Some(all[1]));
        assert_eq!(find_text(&a, "bamako", 0, true), None);
        assert_eq!(find_text(&a, "  ", 0, true), None);
    }

    #[test]
    fn matches_never_split_a_grapheme_cluster() {
        let text = "Re\u{301}union at the e-school; 👨‍👩‍👧‍👦 and 👨 alone; 国際協力機構 and الجزيرة.";
        let a = Article::new("t", "t", text).unwrap();
        // "Re" would end inside "e\u{301}": no match there.
        assert_eq!(find_text(&a, "re", 0, true), None);
        assert_eq!(find_text(&a, "re\u{301}union", 0, true), Some(cp(text, "Re\u{301}union")));
        // 👨 alone matches the lone one, not the family's first person.
        assert_eq!(find_text(&a, "👨", 0, true), Some(cp(text, "👨 alone").0).map(|s| (s, s + 1)));
        assert_eq!(find_text(&a, "協力", 0, true), Some(cp(text, "協力")));
        assert_eq!(find_text(&a, "الجزيرة", 0, true), Some(cp(text, "الجزيرة")));
    }
}
