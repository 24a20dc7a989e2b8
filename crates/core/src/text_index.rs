//! Offsets in three units, converted in one place.
//!
//! Marginalia's offsets are Unicode code points (chars), start inclusive, end
//! exclusive. The DOM counts UTF-16 code units and Rust strings count UTF-8
//! bytes; [`TextIndex`] converts between the three in O(log r), r the
//! number of stretches of code points of one UTF-8 length (one for a text
//! in ASCII only, a few thousand for a long article with typographic
//! quotes), and never keeps more than 8 bytes per code point: a text whose
//! widths change at nearly every letter keeps a table per code point.
//!
//! Invariant: the stretches (or the table, with its entry for the end)
//! cover the text in order without gaps, so every valid boundary
//! `0..=len_chars` converts; an offset past the end converts to the end.

/// Conversion tables for one immutable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextIndex {
    tables: Tables,
    len_chars: u32,
    len_bytes: u32,
    len_utf16: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tables {
    /// The text cut into maximal stretches of code points of one UTF-8
    /// length, in order; none for an empty text. News text in a Latin
    /// script is mostly one long ASCII stretch between a few quotes and
    /// dashes, so this takes kilobytes where a table per code point took
    /// 8 bytes each (2.4 MB at 50,000 words, the largest thing the browser
    /// kept for an article).
    Stretches(Vec<Run>),
    /// The offsets of every code point, plus one for the end: for a text
    /// whose widths change more often than every other code point, where
    /// stretches (16 bytes each) would take more than these 8 bytes.
    PerCodePoint { bytes: Vec<u32>, utf16: Vec<u32> },
}

/// Code points from `cp` on, each `width` UTF-8 bytes long (and so one
/// UTF-16 unit, or two for a four-byte one), the first at byte `byte` and
/// UTF-16 unit `utf16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    cp: u32,
    byte: u32,
    utf16: u32,
    width: u32,
}

impl Run {
    fn utf16_width(&self) -> u32 {
        if self.width == 4 { 2 } else { 1 }
    }
}

/// Whether `b` begins a code point (is not a UTF-8 continuation byte).
fn starts_code_point(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// The UTF-8 length of the code point that lead byte `b` begins.
fn width_of(b: u8) -> u32 {
    match b {
        0x00..=0x7F => 1,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 2,
    }
}

/// The stretches of `text`, or `None` once there would be more than `at_most`.
fn stretches(text: &str, at_most: usize) -> Option<Vec<Run>> {
    let mut runs: Vec<Run> = Vec::new();
    let (mut cp, mut utf16) = (0u32, 0u32);
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !starts_code_point(b) {
            continue;
        }
        let width = width_of(b);
        if runs.last().is_none_or(|r| r.width != width) {
            if runs.len() == at_most {
                return None;
            }
            runs.push(Run { cp, byte: i as u32, utf16, width });
        }
        cp += 1;
        utf16 += if width == 4 { 2 } else { 1 };
    }
    runs.shrink_to_fit();
    Some(runs)
}

/// The offsets of each of the `len_chars` code points of `text`, and of its end.
fn per_code_point(text: &str, len_chars: usize) -> Tables {
    let mut bytes = Vec::with_capacity(len_chars + 1);
    let mut utf16 = Vec::with_capacity(len_chars + 1);
    let mut u = 0u32;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if starts_code_point(b) {
            bytes.push(i as u32);
            utf16.push(u);
            u += if b >= 0xF0 { 2 } else { 1 };
        }
    }
    bytes.push(text.len() as u32);
    utf16.push(u);
    Tables::PerCodePoint { bytes, utf16 }
}

impl TextIndex {
    pub fn new(text: &str) -> Self {
        // Byte by byte, without decoding: a code point starts at every byte
        // that is not a continuation byte, its lead byte says its length,
        // and only four-byte sequences take two UTF-16 units. Decoding each
        // character made this the slowest step of opening a long article.
        let len_chars = text.as_bytes().iter().filter(|b| starts_code_point(**b)).count();
        let tables = match stretches(text, len_chars.div_ceil(2)) {
            Some(runs) => Tables::Stretches(runs),
            None => per_code_point(text, len_chars),
        };
        let mut index = Self { tables, len_chars: len_chars as u32, len_bytes: text.len() as u32, len_utf16: 0 };
        // The tables know it already (their end): no third pass over the text.
        index.len_utf16 = index.utf16_of(len_chars) as u32;
        index
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.len_chars as usize
    }

    /// Length of the text in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.len_utf16 as usize
    }

    /// The stretch holding the boundary where `key` of a run reaches `at`
    /// (the last run starting at or before it).
    fn run_at(runs: &[Run], at: u32, key: impl Fn(&Run) -> u32) -> Option<&Run> {
        let i = runs.partition_point(|r| key(r) <= at);
        runs.get(i.checked_sub(1)?)
    }

    /// The code point whose entry in `table` is the last at or before `at`.
    fn entry_at(table: &[u32], at: u32) -> usize {
        table.partition_point(|v| *v <= at).saturating_sub(1)
    }

    /// Byte offset of code point `cp` (clamped to the end of the text).
    pub fn byte_of(&self, cp: usize) -> usize {
        let cp = cp.min(self.len_chars()) as u32;
        match &self.tables {
            Tables::Stretches(runs) => Self::run_at(runs, cp, |r| r.cp).map_or(0, |r| r.byte + (cp - r.cp) * r.width) as usize,
            Tables::PerCodePoint { bytes, .. } => bytes[cp as usize] as usize,
        }
    }

    /// UTF-16 offset of code point `cp` (clamped to the end of the text).
    pub fn utf16_of(&self, cp: usize) -> usize {
        let cp = cp.min(self.len_chars()) as u32;
        match &self.tables {
            Tables::Stretches(runs) => Self::run_at(runs, cp, |r| r.cp).map_or(0, |r| r.utf16 + (cp - r.cp) * r.utf16_width()) as usize,
            Tables::PerCodePoint { utf16, .. } => utf16[cp as usize] as usize,
        }
    }

    /// Code point at UTF-16 offset `u`. An offset inside a surrogate pair
    /// rounds down to the start of its code point, so a DOM caret can never
    /// produce half an emoji.
    pub fn cp_of_utf16(&self, u: usize) -> usize {
        // An offset beyond the text (even beyond u32) is its end: it must
        // not wrap to a small one.
        let u = u.min(self.len_utf16()) as u32;
        match &self.tables {
            Tables::Stretches(runs) => Self::run_at(runs, u, |r| r.utf16).map_or(0, |r| r.cp + (u - r.utf16) / r.utf16_width()) as usize,
            Tables::PerCodePoint { utf16, .. } => Self::entry_at(utf16, u),
        }
    }

    /// Code point at byte offset `b` (rounds down inside a multi-byte char).
    pub fn cp_of_byte(&self, b: usize) -> usize {
        let b = b.min(self.len_bytes as usize) as u32;
        match &self.tables {
            Tables::Stretches(runs) => Self::run_at(runs, b, |r| r.byte).map_or(0, |r| r.cp + (b - r.byte) / r.width) as usize,
            Tables::PerCodePoint { bytes, .. } => Self::entry_at(bytes, b),
        }
    }

    /// The substring `[start, end)` in code points; empty when `end` is
    /// before `start` (offsets from input are checked where they enter, but
    /// a slice must never be the place a bad one panics).
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        &text[self.byte_of(start)..self.byte_of(end.max(start))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn converts_astral_and_combining() {
        let text = "a🇲🇱e\u{301}国";
        let ix = TextIndex::new(text);
        assert_eq!(ix.len_chars(), 6);
        assert_eq!(ix.len_utf16(), 1 + 4 + 2 + 1);
        assert_eq!(ix.utf16_of(1), 1);
        assert_eq!(ix.utf16_of(2), 3);
        assert_eq!(ix.utf16_of(3), 5);
        assert_eq!(ix.cp_of_utf16(4), 2, "inside a surrogate pair rounds down");
        assert_eq!(ix.slice(text, 1, 3), "🇲🇱");
        assert_eq!(ix.slice(text, 3, 5), "e\u{301}");
        assert_eq!(ix.byte_of(99), text.len());
    }

    #[test]
    fn offsets_beyond_u32_are_past_the_end_not_wrapped() {
        let ix = TextIndex::new("a🇲🇱e");
        let huge = (u32::MAX as usize) + 2;
        assert_eq!((ix.cp_of_utf16(huge), ix.cp_of_byte(huge)), (4, 4), "not 1, as a wrapped offset would give");
    }

    #[test]
    fn empty_text_has_one_boundary() {
        let ix = TextIndex::new("");
        assert_eq!(ix.len_chars(), 0);
        assert_eq!(ix.utf16_of(0), 0);
        assert_eq!(ix.cp_of_utf16(0), 0);
    }

    #[test]
    fn an_article_in_a_latin_script_takes_a_few_stretches_not_a_table() {
        let stretches = |ix: &TextIndex| match &ix.tables {
            Tables::Stretches(runs) => runs.len(),
            Tables::PerCodePoint { .. } => usize::MAX,
        };
        assert_eq!(stretches(&TextIndex::new("Bamako, Mali: the minister said so.")), 1);
        let text = include_str!("../../../assets/articles/mali-russia-wagner.txt");
        let wide = text.chars().filter(|c| !c.is_ascii()).count();
        let ix = TextIndex::new(text);
        assert!(stretches(&ix) <= 2 * wide + 1, "{} stretches for {wide} non-ASCII code points", stretches(&ix));
        assert!(stretches(&ix) < ix.len_chars() / 20, "{} stretches for {} code points", stretches(&ix), ix.len_chars());
    }

    #[test]
    fn a_text_whose_widths_change_at_every_letter_keeps_a_table_per_code_point() {
        // Stretches would take 16 bytes per letter here, twice the table's 8.
        let ix = TextIndex::new(&"aé".repeat(1000));
        assert!(matches!(ix.tables, Tables::PerCodePoint { .. }));
        assert_eq!((ix.byte_of(3), ix.cp_of_byte(5), ix.utf16_of(2000)), (4, 3, 2000), "é at 3 takes bytes 4 and 5");
        assert!(matches!(TextIndex::new(&"ab é".repeat(1000)).tables, Tables::Stretches(_)));
    }

    proptest! {
        /// Every byte and UTF-16 offset, inside a character or not, gives
        /// the code point that holds it; offsets past the end give the end.
        #[test]
        fn any_offset_rounds_down_to_its_code_point(text in "([a-z ]{0,9}\\PC?){0,8}|\\PC{0,32}") {
            let ix = TextIndex::new(&text);
            let n = text.chars().count();
            let mut byte_to_cp = Vec::new();
            let mut utf16_to_cp = Vec::new();
            for (cp, c) in text.chars().enumerate() {
                byte_to_cp.extend(std::iter::repeat_n(cp, c.len_utf8()));
                utf16_to_cp.extend(std::iter::repeat_n(cp, c.len_utf16()));
            }
            for (b, cp) in byte_to_cp.iter().enumerate() {
                prop_assert_eq!(ix.cp_of_byte(b), *cp);
            }
            for (u, cp) in utf16_to_cp.iter().enumerate() {
                prop_assert_eq!(ix.cp_of_utf16(u), *cp);
            }
            for past in [0, 1, 7] {
                prop_assert_eq!(ix.cp_of_byte(text.len() + past), n);
                prop_assert_eq!(ix.cp_of_utf16(ix.len_utf16() + past), n);
                prop_assert_eq!(ix.byte_of(n + past), text.len());
                prop_assert_eq!(ix.utf16_of(n + past), ix.len_utf16());
            }
        }
    }

    proptest! {
        #[test]
        fn round_trips_on_arbitrary_unicode(text in "\\PC{0,64}") {
            let ix = TextIndex::new(&text);
            let chars: Vec<char> = text.chars().collect();
            prop_assert_eq!(ix.len_chars(), chars.len());
            for cp in 0..=chars.len() {
                prop_assert_eq!(ix.cp_of_utf16(ix.utf16_of(cp)), cp);
                prop_assert_eq!(ix.cp_of_byte(ix.byte_of(cp)), cp);
                let expect_u16: usize = chars[..cp].iter().map(|c| c.len_utf16()).sum();
                prop_assert_eq!(ix.utf16_of(cp), expect_u16);
                let expect_byte = text.char_indices().nth(cp).map_or(text.len(), |(b, _)| b);
                prop_assert_eq!(ix.byte_of(cp), expect_byte);
            }
            for cp in 0..chars.len() {
                let s: String = chars[cp..cp + 1].iter().collect();
                prop_assert_eq!(ix.slice(&text, cp, cp + 1), s.as_str());
            }
        }
    }
}
