//! Input bytes as UTF-8 as they stream in: a UTF-8 byte-order mark is
//! dropped, and UTF-16 with a mark (little- or big-endian) is transcoded
//! by the core's decoder (`marginalia_core::text_encoding`, the one the web
//! app opens files with), so a file of any size reads in constant memory.
//! Bytes that are not UTF-16 after its mark are an `InvalidData` error that
//! names the byte.

use marginalia_core::text_encoding::{sniff, Encoding, Utf16Decoder};
use std::io::{self, Read};

pub struct Decoding<R> {
    inner: R,
    state: State,
    /// Decoded bytes not yet handed out, from `at` on.
    ready: Vec<u8>,
    at: usize,
}

enum State {
    /// Before the first bytes: the mark is not read yet.
    Start,
    Utf8,
    Utf16(Utf16Decoder),
    Done,
}

impl<R: Read> Decoding<R> {
    pub fn new(inner: R) -> Self {
        Decoding {
            inner,
            state: State::Start,
            ready: Vec::new(),
            at: 0,
        }
    }

    /// Reads the first three bytes (fewer in a shorter input) and decides.
    fn start(&mut self) -> io::Result<()> {
        let mut head = [0u8; 3];
        let mut n = 0;
        while n < head.len() {
            match self.inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let (encoding, mark) = sniff(&head[..n]);
        let rest = &head[mark..n];
        self.state = match encoding {
            Encoding::Utf8 => {
                self.ready = rest.to_vec();
                State::Utf8
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let mut decoder = Utf16Decoder::new(encoding, mark);
                let mut text = String::new();
                decoder.push(rest, &mut text).map_err(invalid)?;
                self.ready = text.into_bytes();
                State::Utf16(decoder)
            }
        };
        self.at = 0;
        Ok(())
    }
}

fn invalid(e: marginalia_core::text_encoding::DecodeError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.at < self.ready.len() {
                let n = out.len().min(self.ready.len() - self.at);
                out[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            match &mut self.state {
                State::Start => self.start()?,
                State::Utf8 => return self.inner.read(out),
                State::Utf16(decoder) => {
                    let mut raw = [0u8; 64 * 1024];
                    let n = self.inner.read(&mut raw)?;
                    if n == 0 {
                        let State::Utf16(decoder) = std::mem::replace(&mut self.state, State::Done) else {
                            unreachable!("matched above")
                        };
                        decoder.finish().map_err(invalid)?;
                        return Ok(0);
                    }
                    let mut text = String::new();
                    decoder.push(&raw[..n], &mut text).map_err(invalid)?;
                    self.ready = text.into_bytes();
                    self.at = 0;
                }
                State::Done => return Ok(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Decoding;
    use std::io::Read;

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn read_all(bytes: &[u8], step: usize) -> std::io::Result<String> {
        let mut text = String::new();
        Decoding::new(Trickle { bytes, step }).read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn every_mark_reads_as_the_same_utf8_whatever_the_read_sizes() {
        let text = "{\"text\": \"Zoë 🇲🇱 国際 الجزيرة 👨‍👩‍👧‍👦\"}\n";
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        let bom: Vec<u8> = [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect();
        for step in [1, 2, 3, 5, 4096] {
            for bytes in [&le, &be, &bom, &text.as_bytes().to_vec()] {
                assert_eq!(read_all(bytes, step).unwrap(), text, "step {step}");
            }
        }
        assert_eq!(read_all(b"", 1).unwrap(), "");
        assert_eq!(read_all(b"{}", 1).unwrap(), "{}");
    }

    #[test]
    fn broken_utf16_is_an_error_naming_the_byte() {
        let e = read_all(&[0xFF, 0xFE, b'{', 0, 0x3D, 0xD8, b'}', 0], 3).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(e.to_string(), "it is not valid UTF-16LE text (at byte 4)");
    }
}
