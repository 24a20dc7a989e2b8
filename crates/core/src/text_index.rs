//! Offsets in three units, converted in one place.
//!
//! Marginalia's offsets are Unicode code points (chars), start inclusive, end
//! exclusive. The DOM counts UTF-16 code units and Rust strings count UTF-8
//! bytes; [`TextIndex`] converts between the three in O(1) from code points
//! and O(log n) into code points.
//!
//! Invariant: the tables have one entry per code point plus one for the end
//! of the text, so every valid boundary `0..=len_chars` converts.

/// Conversion tables for one immutable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextIndex {
    /// UTF-8 byte offset of each code point, plus the text's byte length.
    bytes: Vec<u32>,
    /// UTF-16 offset of each code point, plus the text's UTF-16 length.
    utf16: Vec<u32>,
}

impl TextIndex {
    pub fn new(text: &str) -> Self {
        // Byte by byte, without decoding: a code point starts at every byte
        // that is not a continuation byte, and only four-byte sequences
        // take two UTF-16 units. Decoding each character made this the
        // slowest step of opening a long article.
        let starts = |b: &u8| (*b as i8) >= -0x40;
        let n = text.as_bytes().iter().filter(|b| starts(b)).count();
        let mut bytes = Vec::with_capacity(n + 1);
        let mut utf16 = Vec::with_capacity(n + 1);
        let mut u = 0u32;
        for (i, b) in text.as_bytes().iter().enumerate() {
            if starts(b) {
                bytes.push(i as u32);
                utf16.push(u);
                u += if *b >= 0xF0 { 2 } else { 1 };
            }
        }
        bytes.push(text.len() as u32);
        utf16.push(u);
        Self { bytes, utf16 }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Length of the text in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        *self.utf16.last().unwrap_or(&0) as usize
    }

    /// Byte offset of code point `cp` (clamped to the end of the text).
    pub fn byte_of(&self, cp: usize) -> usize {
        self.bytes[cp.min(self.len_chars())] as usize
    }

    /// UTF-16 offset of code point `cp` (clamped to the end of the text).
    pub fn utf16_of(&self, cp: usize) -> usize {
        self.utf16[cp.min(self.len_chars())] as usize
    }

    /// Code point at UTF-16 offset `u`. An offset inside a surrogate pair
    /// rounds down to the start of its code point, so a DOM caret can never
    /// produce half an emoji.
    pub fn cp_of_utf16(&self, u: usize) -> usize {
        // An offset beyond u32 is past any text: it must not wrap to a small one.
        let Ok(u) = u32::try_from(u) else { return self.len_chars() };
        match self.utf16.binary_search(&u) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Code point at byte offset `b` (rounds down inside a multi-byte char).
    pub fn cp_of_byte(&self, b: usize) -> usize {
        let Ok(b) = u32::try_from(b) else { return self.len_chars() };
        match self.bytes.binary_search(&b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
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
