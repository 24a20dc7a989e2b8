//! Text files as bytes: UTF-8, with or without a byte-order mark, and
//! UTF-16 with one (little- or big-endian — what Windows tools save as
//! "Unicode"). The mark says which; it is not part of the text, so offsets
//! count from the character after it. Without a mark, bytes are UTF-8.
//!
//! Decoding is strict: an unpaired surrogate or a half code unit at the end
//! is an error naming its byte offset, never a silent U+FFFD that would
//! shift nothing but change the text annotators see. [`Utf16Decoder`] takes
//! the bytes a piece at a time, so the command-line tool converts a UTF-16
//! file of any size in constant memory; [`decode`] takes them whole.

use std::fmt;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// The encoding a file's byte-order mark names, and the mark's length in
/// bytes (0 without one: UTF-8). Needs the first 3 bytes, or all of a
/// shorter file.
pub fn sniff(start: &[u8]) -> (Encoding, usize) {
    if start.starts_with(b"\xEF\xBB\xBF") {
        (Encoding::Utf8, 3)
    } else if start.starts_with(b"\xFF\xFE") {
        (Encoding::Utf16Le, 2)
    } else if start.starts_with(b"\xFE\xFF") {
        (Encoding::Utf16Be, 2)
    } else {
        (Encoding::Utf8, 0)
    }
}

/// Bytes that are not text in the encoding the file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub encoding: Encoding,
    /// Offset in the file (mark included) of the first byte at fault.
    pub byte: u64,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "it is not valid {} text (at byte {})", self.encoding.name(), self.byte)
    }
}

impl std::error::Error for DecodeError {}

/// UTF-16 to UTF-8, a piece at a time (the mark already skipped).
#[derive(Debug, Clone)]
pub struct Utf16Decoder {
    big_endian: bool,
    /// Bytes consumed so far, counted from the start of the file.
    offset: u64,
    /// The first byte of a code unit split between two pieces.
    odd_byte: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
}

impl Utf16Decoder {
    /// A decoder for the bytes after a mark of `mark_len` bytes.
    pub fn new(encoding: Encoding, mark_len: usize) -> Self {
        Utf16Decoder { big_endian: encoding == Encoding::Utf16Be, offset: mark_len as u64, odd_byte: None, high: None }
    }

    fn fail(&self, byte: u64) -> DecodeError {
        DecodeError { encoding: if self.big_endian { Encoding::Utf16Be } else { Encoding::Utf16Le }, byte }
    }

    /// Decodes `bytes` onto `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<(), DecodeError> {
        out.reserve(bytes.len() / 2 * 3);
        let mut rest = bytes;
        if let Some(first) = self.odd_byte.take() {
            let Some((&second, tail)) = rest.split_first() else {
                self.odd_byte = Some(first);
                return Ok(());
            };
            self.unit([first, second], self.offset - 1, out)?;
            self.offset += 1;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            self.unit([pair[0], pair[1]], self.offset, out)?;
            self.offset += 2;
        }
        if let [last] = pairs.remainder() {
            self.odd_byte = Some(*last);
            self.offset += 1;
        }
        Ok(())
    }

    /// One code unit, starting at byte `at` of the file.
    fn unit(&mut self, bytes: [u8; 2], at: u64, out: &mut String) -> Result<(), DecodeError> {
        let u = if self.big_endian { u16::from_be_bytes(bytes) } else { u16::from_le_bytes(bytes) };
        match (self.high.take(), u) {
            (None, 0xD800..=0xDBFF) => self.high = Some(u),
            (None, 0xDC00..=0xDFFF) => return Err(self.fail(at)),
            (None, _) => out.push(char::from_u32(u32::from(u)).ok_or_else(|| self.fail(at))?),
            (Some(high), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                out.push(char::from_u32(c).ok_or_else(|| self.fail(at))?);
            }
            // The high surrogate before this unit had no low half.
            (Some(_), _) => return Err(self.fail(at - 2)),
        }
        Ok(())
    }

    /// The end of the input: nothing may be left half decoded.
    pub fn finish(self) -> Result<(), DecodeError> {
        if self.odd_byte.is_some() {
            return Err(self.fail(self.offset - 1));
        }
        if self.high.is_some() {
            return Err(self.fail(self.offset - 2));
        }
        Ok(())
    }
}

/// A whole file's bytes as text, its mark dropped.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let (encoding, mark) = sniff(bytes);
    let body = &bytes[mark..];
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(body)
            .map(str::to_string)
            .map_err(|e| DecodeError { encoding, byte: (mark + e.valid_up_to()) as u64 }),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut decoder = Utf16Decoder::new(encoding, mark);
            let mut text = String::new();
            decoder.push(body, &mut text)?;
            decoder.finish()?;
            Ok(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HARD: &str = "Zoë 🇲🇱 e\u{301}cole 国際 الجزيرة 👨‍👩‍👧‍👦\r\nend";

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            bytes.extend(if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        bytes
    }

    #[test]
    fn every_mark_opens_to_the_same_text() {
        assert_eq!(decode(HARD.as_bytes()).unwrap(), HARD);
        assert_eq!(decode(&[b"\xEF\xBB\xBF".as_slice(), HARD.as_bytes()].concat()).unwrap(), HARD);
        assert_eq!(decode(&utf16(HARD, false)).unwrap(), HARD);
        assert_eq!(decode(&utf16(HARD, true)).unwrap(), HARD);
        assert_eq!(sniff(b"\xFF"), (Encoding::Utf8, 0), "a lone 0xFF is no mark");
    }

    #[test]
    fn broken_text_is_refused_at_the_byte_at_fault() {
        let mut odd = utf16("ab", false);
        odd.push(b'c');
        assert_eq!(decode(&odd), Err(DecodeError { encoding: Encoding::Utf16Le, byte: 6 }));
        // "a", then a high surrogate followed by "b": unpaired at byte 4.
        let unpaired = [0xFF, 0xFE, b'a', 0, 0x3D, 0xD8, b'b', 0];
        assert_eq!(decode(&unpaired), Err(DecodeError { encoding: Encoding::Utf16Le, byte: 4 }));
        let lone_low = [0xFE, 0xFF, 0xDC, 0x00];
        assert_eq!(decode(&lone_low), Err(DecodeError { encoding: Encoding::Utf16Be, byte: 2 }));
        let high_at_end = [0xFF, 0xFE, 0x3D, 0xD8];
        assert_eq!(decode(&high_at_end).unwrap_err().to_string(), "it is not valid UTF-16LE text (at byte 2)");
        assert_eq!(decode(b"ok \xC3("), Err(DecodeError { encoding: Encoding::Utf8, byte: 3 }));
    }

    proptest! {
        #[test]
        fn any_split_into_pieces_decodes_as_the_whole(text in "[a-zé 👩🏾‍🍳国ا\u{301}\n]{0,30}", cuts in proptest::collection::vec(0usize..200, 0..6), big in any::<bool>()) {
            let bytes = utf16(&text, big);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| 2 + c % (bytes.len() - 1)).collect();
            cuts.sort_unstable();
            let (encoding, mark) = sniff(&bytes);
            let mut decoder = Utf16Decoder::new(encoding, mark);
            let mut out = String::new();
            let mut from = mark;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                let cut = cut.max(from);
                decoder.push(&bytes[from..cut], &mut out).unwrap();
                from = cut;
            }
            decoder.finish().unwrap();
            prop_assert_eq!(out, text);
        }
    }
}
