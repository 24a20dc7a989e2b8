//! Scripts written without spaces between words — Chinese, Japanese, Thai,
//! Lao, Khmer, Myanmar — and where their tokens end.
//!
//! spaCy's English rules cut text at whitespace, so a sentence in these
//! scripts is one token, and a drag over two of its characters snapped to
//! the whole sentence. Here every grapheme cluster of these scripts is a
//! token of its own: what spaCy's own Chinese pipeline does by default
//! (`Chinese(segmenter="char")`), and the only segmentation that needs no
//! dictionary (a word segmenter for Thai or Japanese carries megabytes of
//! data, too much for the first load). Runs of other characters inside the
//! same whitespace chunk ("Wagner社", "2026年") stay whole.
//!
//! # Units and invariants
//!
//! [`pieces`] works on UTF-8 byte offsets into the text (the tokenizer's
//! internal unit). For a token `[start, end)` it returns pieces that are
//! non-empty, contiguous, cover the token exactly and start and end on
//! extended grapheme cluster boundaries (UAX #29) when the token does; a
//! token without a character of these scripts is one piece, itself. Which
//! characters count is decided by [`written_without_spaces`], a table of
//! Unicode blocks; `tests/interop/test_tokens.py` checks it against the
//! character names of Python's Unicode database.

use unicode_segmentation::UnicodeSegmentation;

/// Unicode blocks (inclusive code point ranges, sorted) of scripts written
/// without spaces, with the punctuation and forms typeset among them.
const BLOCKS: &[(u32, u32)] = &[
    (0x0E00, 0x0E7F),   // Thai
    (0x0E80, 0x0EFF),   // Lao
    (0x1000, 0x109F),   // Myanmar
    (0x1780, 0x17FF),   // Khmer
    (0x19E0, 0x19FF),   // Khmer Symbols
    (0x2E80, 0x2FFF),   // CJK Radicals Supplement, Kangxi Radicals, Ideographic Description Characters
    (0x3001, 0x302D),   // CJK Symbols and Punctuation (U+3000, the ideographic space, is whitespace;
    (0x3030, 0x303F),   //   U+302E–302F are Hangul tone marks, and Korean is written with spaces)
    (0x3040, 0x30FF),   // Hiragana, Katakana
    (0x3100, 0x312F),   // Bopomofo
    (0x3190, 0x33FF),   // Kanbun, Bopomofo Extended, CJK Strokes, Katakana Phonetic Extensions, Enclosed CJK Letters and Months, CJK Compatibility
    (0x3400, 0x4DBF),   // CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),   // CJK Unified Ideographs
    (0xA9E0, 0xA9FF),   // Myanmar Extended-B
    (0xAA60, 0xAA7F),   // Myanmar Extended-A
    (0xF900, 0xFAFF),   // CJK Compatibility Ideographs
    (0xFE30, 0xFE4F),   // CJK Compatibility Forms
    (0xFF01, 0xFF9F),   // Fullwidth forms, Halfwidth Katakana
    (0x16FE0, 0x16FFF), // Ideographic Symbols and Punctuation
    (0x1AFF0, 0x1B16F), // Kana Extended-B, Kana Supplement, Kana Extended-A, Small Kana Extension
    (0x20000, 0x2FA1F), // CJK Unified Ideographs Extensions B–F, CJK Compatibility Ideographs Supplement
    (0x30000, 0x323AF), // CJK Unified Ideographs Extensions G, H
];

/// True for a character of a script written without spaces between words.
pub fn written_without_spaces(c: char) -> bool {
    let c = c as u32;
    // Every block is above U+0E00: the common case costs one comparison.
    if c < 0x0E00 {
        return false;
    }
    let i = BLOCKS.partition_point(|&(_, last)| last < c);
    BLOCKS.get(i).is_some_and(|&(first, _)| first <= c)
}

/// The tokens `text[start..end]` is cut into, as byte ranges: one per
/// grapheme cluster that starts with a character written without spaces,
/// one per run of the other clusters.
pub fn pieces(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let token = &text[start..end];
    // Every character of these scripts takes three or four UTF-8 bytes.
    if !token.bytes().any(|b| b >= 0xE0) || !token.chars().any(written_without_spaces) {
        return vec![(start, end)];
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut run_is_other = false;
    for (i, cluster) in token.grapheme_indices(true) {
        let (a, b) = (start + i, start + i + cluster.len());
        let unspaced = cluster.chars().next().is_some_and(written_without_spaces);
        match out.last_mut() {
            Some(last) if !unspaced && run_is_other => last.1 = b,
            _ => out.push((a, b)),
        }
        run_is_other = !unspaced;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        pieces(text, 0, text.len()).into_iter().map(|(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn each_character_of_these_scripts_is_a_piece() {
        assert_eq!(cut("ワグネルは撤退した"), ["ワ", "グ", "ネ", "ル", "は", "撤", "退", "し", "た"]);
        assert_eq!(cut("马里政府"), ["马", "里", "政", "府"]);
        // Thai: a consonant with its vowel and tone marks is one cluster.
        let thai = "ที่มาลี";
        assert_eq!(cut(thai), thai.graphemes(true).collect::<Vec<_>>());
        assert_eq!(cut(thai)[0], "ที่");
    }

    #[test]
    fn other_runs_stay_whole_and_pieces_cover_the_token() {
        assert_eq!(cut("Wagner社の2026年。"), ["Wagner", "社", "の", "2026", "年", "。"]);
        for text in ["Bamako", "", "كتب مراسلنا", "한국어", "abc日本def", "👩🏾‍🍳料理"] {
            let p = pieces(text, 0, text.len());
            assert_eq!(p.first().map(|x| x.0).unwrap_or(0), 0);
            assert!(p.windows(2).all(|w| w[0].1 == w[1].0 && w[0].0 < w[0].1), "{text}: {p:?}");
        }
        assert_eq!(cut("한국어"), ["한국어"], "Korean is written with spaces");
        assert_eq!(cut("👩🏾‍🍳料理"), ["👩🏾‍🍳", "料", "理"]);
    }

    #[test]
    fn a_variation_selector_stays_with_its_ideograph() {
        // 葛 + VS17 (an ideographic variation sequence) is one cluster.
        assert_eq!(cut("葛\u{E0100}城"), ["葛\u{E0100}", "城"]);
    }

    #[test]
    fn the_table_is_sorted_and_leaves_other_scripts_out() {
        assert!(BLOCKS.windows(2).all(|w| w[0].1 < w[1].0) && BLOCKS.iter().all(|b| b.0 <= b.1));
        for c in ['a', 'é', 'ش', 'ש', 'Ж', '한', '\u{3000}', '1', '😀', 'ก' /* Thai */] {
            assert_eq!(written_without_spaces(c), c == 'ก', "{c:?}");
        }
        for c in ['漢', 'か', 'カ', 'ｶ', '、', 'ㄅ', 'ລ', 'ក', 'မ', '𠀋', '〇'] {
            assert!(written_without_spaces(c), "{c:?}");
        }
    }
}
