//! A paragraph's base direction, as the Unicode bidirectional algorithm
//! decides it (UAX #9, rules P2–P3): from its first strong character —
//! right to left for Hebrew, Arabic and the other right-to-left scripts,
//! left to right for any other letter. The page draws the paragraph in that
//! direction and the arrow keys follow it: in a right-to-left paragraph ←
//! moves to the next token, as the reader sees it.
//!
//! # Units and invariants
//!
//! Works on `&str`; no offsets. A text without a strong character (digits,
//! punctuation, emoji) is left to right, the algorithm's default. Isolates
//! are skipped with what they enclose, as P2 requires.

/// A paragraph's base direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    RightToLeft,
}

/// Blocks of right-to-left scripts (bidi classes R and AL), inclusive.
const RIGHT_TO_LEFT: &[(u32, u32)] = &[
    (0x0590, 0x08FF),   // Hebrew, Arabic, Syriac, Arabic Supplement, Thaana, NKo, Samaritan, Mandaic, Arabic Extended
    (0xFB1D, 0xFDFF),   // Hebrew and Arabic presentation forms A
    (0xFE70, 0xFEFF),   // Arabic presentation forms B
    (0x10800, 0x10FFF), // Cypriot … Old Uyghur, Hanifi Rohingya, Yezidi (right-to-left historic scripts)
    (0x1E800, 0x1EFFF), // Mende Kikakui, Adlam, Arabic mathematical symbols
];

/// The base direction of `paragraph`.
pub fn paragraph_direction(paragraph: &str) -> Direction {
    let mut isolated = 0usize;
    for c in paragraph.chars() {
        match c {
            // LRI, RLI, FSI open an isolate, PDI closes it (embeddings
            // and overrides are not skipped: their characters count).
            '\u{2066}'..='\u{2068}' => isolated += 1,
            '\u{2069}' => isolated = isolated.saturating_sub(1),
            _ if isolated > 0 => {}
            '\u{200F}' | '\u{061C}' => return Direction::RightToLeft, // RLM, ALM
            '\u{200E}' => return Direction::LeftToRight,               // LRM
            _ if is_right_to_left(c) && is_strong(c) => return Direction::RightToLeft,
            _ if c.is_alphabetic() => return Direction::LeftToRight,
            _ => {}
        }
    }
    Direction::LeftToRight
}

fn is_right_to_left(c: char) -> bool {
    let c = c as u32;
    c >= 0x0590 && RIGHT_TO_LEFT.iter().any(|&(a, b)| a <= c && c <= b)
}

/// Letters are strong; in these blocks so are a few non-letters (Hebrew
/// punctuation, the Arabic comma), but marks and the Arabic-Indic digits
/// (bidi class AN, weak) are not.
fn is_strong(c: char) -> bool {
    let weak_digit = matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}');
    c.is_alphabetic() && !weak_digit
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;

    #[test]
    fn the_first_strong_character_decides() {
        assert_eq!(paragraph_direction("قالت الحكومة المالية"), RightToLeft);
        assert_eq!(paragraph_direction("הממשלה הודיעה"), RightToLeft);
        assert_eq!(paragraph_direction("«٢٠٢٦» قالت"), RightToLeft, "digits and quotes are not strong");
        assert_eq!(paragraph_direction("Al Jazeera (الجزيرة) reported"), LeftToRight);
        assert_eq!(paragraph_direction("2026: الجزيرة"), RightToLeft);
        assert_eq!(paragraph_direction("ワグネル"), LeftToRight);
        assert_eq!(paragraph_direction("123 … 👍"), LeftToRight, "no strong character: the default");
        assert_eq!(paragraph_direction(""), LeftToRight);
    }

    #[test]
    fn marks_and_isolates_follow_the_algorithm() {
        assert_eq!(paragraph_direction("\u{200F}123 abc"), RightToLeft);
        assert_eq!(paragraph_direction("\u{2067}abc\u{2069} שלום"), RightToLeft, "an isolate's content is skipped");
        assert_eq!(paragraph_direction("\u{2067}abc"), LeftToRight, "an unclosed isolate hides the rest");
    }
}
