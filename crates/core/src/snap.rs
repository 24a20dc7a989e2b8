//! Snapping a raw selection to what an annotator meant: whole tokens by
//! default, whole grapheme clusters in character precision. A span never
//! starts or ends inside a grapheme cluster (half an emoji, a letter without
//! its accent) and never starts or ends on whitespace.
//!
//! Units: code points, end exclusive.

use crate::article::Article;
use unicode_segmentation::GraphemeCursor;

/// How a selection snaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    #[default]
    Token,
    Character,
}

/// Snaps `[a, b)` (in either order) to the given precision; `None` when the
/// selection holds nothing to label (collapsed, or only whitespace).
pub fn snap(article: &Article, a: usize, b: usize, precision: Precision) -> Option<(usize, usize)> {
    let (start, end) = (a.min(b), a.max(b).min(article.len_chars()));
    if start >= end {
        return None;
    }
    match precision {
        Precision::Token => snap_to_tokens(article, start, end),
        Precision::Character => snap_to_graphemes(article, start, end),
    }
}

/// Widens to the first and last non-space tokens the selection touches.
pub fn snap_to_tokens(article: &Article, start: usize, end: usize) -> Option<(usize, usize)> {
    let tokens = article.tokens();
    let mut i = tokens.partition_point(|t| t.end <= start);
    while i < tokens.len() && article.is_space_token(i) {
        i += 1;
    }
    let mut j = tokens.partition_point(|t| t.start < end);
    while j > 0 && article.is_space_token(j - 1) {
        j -= 1;
    }
    if i >= tokens.len() || j == 0 || j - 1 < i || tokens[i].start >= end {
        return None;
    }
    Some((tokens[i].start, tokens[j - 1].end))
}

/// Trims whitespace at the edges, then widens to grapheme cluster boundaries.
pub fn snap_to_graphemes(article: &Article, start: usize, end: usize) -> Option<(usize, usize)> {
    let chars: Vec<char> = article.slice(start, end).chars().collect();
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    let trail = chars.iter().rev().take_while(|c| c.is_whitespace()).count();
    if lead == chars.len() {
        return None;
    }
    let (start, end) = (start + lead, end - trail);
    // Each edge moves out to the boundary of the cluster it falls in, asked
    // of a cursor at that edge: no walk from the start of the line, which
    // would cost a whole line per snap on a long line without breaks.
    let text = article.text();
    let index = article.index();
    let boundary = |cp: usize| GraphemeCursor::new(index.byte_of(cp), text.len(), true).is_boundary(text, 0).unwrap_or(true);
    // Back one code point at a time (clusters are short), rather than
    // `prev_boundary`, which would add its own copy of the rules to the
    // bundle; `next_boundary` is the one `graphemes()` uses anyway.
    let mut s = start;
    while !boundary(s) {
        s -= 1;
    }
    let e = if boundary(end) {
        end
    } else {
        let mut cursor = GraphemeCursor::new(index.byte_of(end), text.len(), true);
        cursor.next_boundary(text, 0).ok().flatten().map_or(end, |byte| index.cp_of_byte(byte))
    };
    Some((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// Character precision by definition: trim whitespace, then take every
    /// cluster of the text that the selection touches.
    fn clusters_touched(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let chars: Vec<char> = text.chars().collect();
        let (mut start, mut end) = (start, end);
        while start < end && chars[start].is_whitespace() {
            start += 1;
        }
        while end > start && chars[end - 1].is_whitespace() {
            end -= 1;
        }
        if start == end {
            return None;
        }
        let (mut s, mut e, mut cp) = (start, end, 0);
        for g in text.graphemes(true) {
            let n = g.chars().count();
            if cp < start && start < cp + n {
                s = cp;
            }
            if cp < end && end < cp + n {
                e = cp + n;
            }
            cp += n;
        }
        Some((s, e))
    }

    proptest! {
        #[test]
        fn character_precision_takes_the_clusters_the_selection_touches(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "a", " ", "\n", "\r\n", "e\u{301}", "\u{301}", "👩🏾‍🍳", "🇲🇱", "🇲", "国", "ع", "\u{200d}", "\u{fe0f}",
            ]), 1..24).prop_map(|v| v.concat()),
            a in 0usize..80, b in 0usize..80,
        ) {
            prop_assume!(!text.trim().is_empty());
            let article = article(&text);
            let n = article.len_chars();
            let (start, end) = (a.min(b).min(n), a.max(b).min(n));
            prop_assume!(start < end);
            prop_assert_eq!(snap(&article, start, end, Precision::Character), clusters_touched(&text, start, end));
        }
    }

    fn article(text: &str) -> Article {
        Article::new("t", "t", text).unwrap()
    }

    fn cp(text: &str, needle: &str) -> usize {
        text[..text.find(needle).unwrap()].chars().count()
    }

    #[test]
    fn sloppy_selection_snaps_to_whole_tokens() {
        let text = "Mali’s foreign minister, Abdallah Diop, on Friday";
        let a = article(text);
        let s = cp(text, "dallah");
        let e = cp(text, "iop") + 1;
        let (ss, se) = snap(&a, e, s, Precision::Token).unwrap();
        assert_eq!(a.slice(ss, se), "Abdallah Diop");
        // Selecting "Mali’" gives "Mali": the possessive is its own token.
        let (ss, se) = snap(&a, 1, 3, Precision::Token).unwrap();
        assert_eq!(a.slice(ss, se), "Mali");
    }

    #[test]
    fn whitespace_only_and_collapsed_selections_are_nothing() {
        let a = article("one  two\n\nthree");
        assert_eq!(snap(&a, 3, 5, Precision::Token), None);
        assert_eq!(snap(&a, 2, 2, Precision::Token), None);
        assert_eq!(snap(&a, 8, 10, Precision::Character), None);
        let (s, e) = snap(&a, 2, 12, Precision::Token).unwrap();
        assert_eq!(a.slice(s, e), "one  two\n\nthree");
    }

    #[test]
    fn character_precision_keeps_grapheme_clusters_whole() {
        let text = "cook 👩🏾‍🍳 and Zoë Nguyễn";
        let a = article(text);
        let chef = cp(text, "👩");
        let (s, e) = snap(&a, chef + 1, chef + 2, Precision::Character).unwrap();
        assert_eq!(a.slice(s, e), "👩🏾‍🍳");
        let n = cp(text, "Nguy");
        let (s, e) = snap(&a, n, n + 5, Precision::Character).unwrap();
        assert_eq!(a.slice(s, e), "Nguyễ", "the combining mark stays with its letter");
        let (s, e) = snap(&a, n - 1, n + 2, Precision::Character).unwrap();
        assert_eq!(a.slice(s, e), "Ng", "leading whitespace is trimmed");
    }
}
