//! The article being annotated: an immutable text with everything derived
//! from it once — the offset index, spaCy-aligned tokens, paragraphs and the
//! SHA-256 that travels with every save.
//!
//! Units: code points, end exclusive. Invariant: the text never changes after
//! [`Article::new`]; annotations refer to it by hash.
//!
//! Tokens are computed on first use: showing a long article needs only its
//! paragraphs, and tokenising 50,000 words is the largest part of loading
//! one. The app warms them while the browser is idle.

use crate::text_index::TextIndex;
use crate::tokenize::{tokenize, Token, TokenizeInSteps};
use sha2::{Digest, Sha256};
use unicode_segmentation::GraphemeCursor;
use std::fmt;
use std::sync::OnceLock;

/// Longest text an annotator can open: far beyond a long read (50,000 words
/// is about 0.3 MB) yet small enough to keep the page responsive.
pub const MAX_TEXT_BYTES: usize = 5 * 1024 * 1024;

/// Longest display block, in code points. A longer line is shown as several
/// blocks (see [`split_paragraphs`]): a 4.9 MB paste without a line break
/// was one block that the page laid out, decorated and re-drew whole (46 s).
pub const MAX_BLOCK_CHARS: usize = 2_000;

/// A line of text with visible content, rendered as one block — or, for a
/// line longer than [`MAX_BLOCK_CHARS`], one piece of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleError {
    Empty,
    TooLarge { bytes: usize },
    Binary,
    /// A UTF-16 byte-order mark, then bytes that are not UTF-16.
    Encoding(crate::text_encoding::DecodeError),
}

impl fmt::Display for ArticleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArticleError::Empty => write!(f, "the text is empty: there is nothing to annotate"),
            ArticleError::TooLarge { bytes } => write!(
                f,
                "the text is too large ({}); Marginalia opens texts up to {}",
                megabytes(*bytes),
                megabytes(MAX_TEXT_BYTES)
            ),
            ArticleError::Binary => {
                write!(f, "this looks like a binary file, not text (it contains NUL or control bytes)")
            }
            ArticleError::Encoding(e) => write!(f, "this file starts with a UTF-16 byte-order mark, but {e}"),
        }
    }
}

impl std::error::Error for ArticleError {}

#[derive(Debug, Clone)]
pub struct Article {
    /// Stable identifier of the document (file name, CMS id…).
    pub id: String,
    pub title: String,
    text: String,
    index: TextIndex,
    tokens: OnceLock<Vec<Token>>,
    paragraphs: Vec<Paragraph>,
    /// Computed on first use: opening a long article in the browser need
    /// not wait for it (about 10 ms at 50,000 words in WebAssembly).
    sha256: OnceLock<String>,
}

impl Article {
    /// Loads `text` exactly as given (no normalisation: offsets must match
    /// the source byte for byte).
    pub fn new(id: impl Into<String>, title: impl Into<String>, text: impl Into<String>) -> Result<Self, ArticleError> {
        let text = text.into();
        check_text(&text)?;
        let index = TextIndex::new(&text);
        let tokens = OnceLock::new();
        let paragraphs = split_paragraphs(&text);
        Ok(Self { id: id.into(), title: title.into(), text, index, tokens, paragraphs, sha256: OnceLock::new() })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn index(&self) -> &TextIndex {
        &self.index
    }
    pub fn tokens(&self) -> &[Token] {
        self.tokens.get_or_init(|| tokenize(&self.text))
    }
    /// Computes about `bytes` more of the tokens (see [`TokenizeInSteps`]);
    /// true once they are all there. `progress` belongs to this article.
    pub fn warm_tokens(&self, progress: &mut TokenizeInSteps, bytes: usize) -> bool {
        if self.tokens.get().is_some() {
            return true;
        }
        if progress.step(&self.text, bytes) {
            let _ = self.tokens.set(std::mem::take(progress).into_tokens());
            return true;
        }
        false
    }
    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.paragraphs
    }
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| sha256_hex(&self.text))
    }
    /// Takes `hash`, computed by the caller as `sha256_hex` of exactly this
    /// text, as the article's (a record's load checks it anyway).
    pub(crate) fn knows_sha256(&mut self, hash: String) {
        debug_assert_eq!(hash, sha256_hex(&self.text));
        let _ = self.sha256.set(hash);
    }
    pub fn len_chars(&self) -> usize {
        self.index.len_chars()
    }

    /// The text of `[start, end)` in code points.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        self.index.slice(&self.text, start, end)
    }

    /// Index of the token that contains code point `cp`, if any (whitespace
    /// that is a token's `ws` belongs to no token).
    pub fn token_at(&self, cp: usize) -> Option<usize> {
        let tokens = self.tokens();
        let i = tokens.partition_point(|t| t.end <= cp);
        (i < tokens.len() && tokens[i].start <= cp).then_some(i)
    }

    /// Whether the token is only whitespace (a line break, a no-break space):
    /// such tokens exist for spaCy's sake but are never a selection edge.
    pub fn is_space_token(&self, i: usize) -> bool {
        let t = self.tokens()[i];
        self.slice(t.start, t.end).chars().all(char::is_whitespace)
    }

    /// Index of the paragraph containing `cp` or, between paragraphs, the
    /// next one.
    pub fn paragraph_at(&self, cp: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.end <= cp);
        (i < self.paragraphs.len()).then_some(i)
    }
}

/// Two articles are the same when their id, title and text are.
impl PartialEq for Article {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.title == other.title && self.text == other.text
    }
}

impl Eq for Article {}

/// Rejects what cannot be an article: empty, oversized or binary input.
pub fn check_text(text: &str) -> Result<(), ArticleError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ArticleError::TooLarge { bytes: text.len() });
    }
    if text.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    if has_binary_controls(text) {
        return Err(ArticleError::Binary);
    }
    Ok(())
}

/// Whether the text holds control characters other than line breaks, tabs
/// and form feeds (the mark of a binary file). Control characters are C0
/// and DEL (single bytes) and C1 (U+0080 to U+009F: 0xC2 then 0x80 to
/// 0x9F), so the bytes tell without decoding each character.
fn has_binary_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\n' | b'\r' | b'\t' | 0x0C => false,
        0x00..=0x1F | 0x7F => true,
        0xC2 => bytes.get(i + 1).is_some_and(|next| (0x80..=0x9F).contains(next)),
        _ => false,
    })
}

/// Decodes uploaded bytes as text — UTF-8 with or without a byte-order
/// mark, or UTF-16 with one (see [`crate::text_encoding`]); the mark is
/// dropped — telling binary files apart from text.
pub fn decode_text_file(bytes: &[u8]) -> Result<String, ArticleError> {
    use crate::text_encoding::{decode, sniff, Encoding};
    let (encoding, _) = sniff(bytes);
    // Refused before decoding when even the most compact text would be too
    // large: UTF-16 takes at least two bytes for each byte of UTF-8 ASCII.
    let most = if encoding == Encoding::Utf8 { MAX_TEXT_BYTES + 3 } else { 2 * MAX_TEXT_BYTES + 2 };
    if bytes.len() > most {
        return Err(ArticleError::TooLarge { bytes: bytes.len() });
    }
    let text = decode(bytes).map_err(|e| match e.encoding {
        Encoding::Utf8 => ArticleError::Binary,
        Encoding::Utf16Le | Encoding::Utf16Be => ArticleError::Encoding(e),
    })?;
    check_text(&text)?;
    Ok(text)
}

/// A size for people: `"20.0 MB"`. Integer arithmetic keeps float
/// formatting (kilobytes of code) out of the WebAssembly bundle.
/// Longest title taken from a text's first line, in grapheme clusters.
const HEADLINE_CLUSTERS: usize = 100;

/// The title a plain text gives itself: its first non-blank line, trimmed,
/// cut at [`HEADLINE_CLUSTERS`] visible characters (never inside one) with
/// "…". `None` when the text has no visible character.
pub fn headline(text: &str) -> Option<String> {
    use unicode_segmentation::UnicodeSegmentation;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut clusters = line.grapheme_indices(true);
    Some(match clusters.nth(HEADLINE_CLUSTERS) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_string(),
    })
}

pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as u64 * 10 + 524_288) / 1_048_576;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lines with visible content; a paragraph excludes its line break. A line
/// longer than [`MAX_BLOCK_CHARS`] is cut into blocks (display only: the
/// offsets are the text's), so that laying out, decorating and drawing a
/// block stays bounded whatever the input.
fn split_paragraphs(text: &str) -> Vec<Paragraph> {
    // By bytes, counting code points as they start: only a non-ASCII
    // character is decoded (to ask whether it is whitespace).
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_byte = 0;
    let mut visible = false;
    let mut cp = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b as i8) < -0x40 {
            continue; // a continuation byte
        }
        if b == b'\n' {
            if visible {
                push_line(&mut out, &text[start_byte..i], start, cp);
            }
            start = cp + 1;
            start_byte = i + 1;
            visible = false;
        } else if !visible {
            visible = if b.is_ascii() {
                !b.is_ascii_whitespace() && b != 0x0B
            } else {
                text[i..].chars().next().is_some_and(|c| !c.is_whitespace())
            };
        }
        cp += 1;
    }
    if visible {
        push_line(&mut out, &text[start_byte..], start, cp);
    }
    out
}

/// Pushes the line `[start, end)` (its text `line`) as one block, or, when
/// longer than [`MAX_BLOCK_CHARS`], as blocks of at most that many code
/// points. Each cut is at the last sentence end (`.`, `!`, `?`, `…`, maybe
/// followed by a closing quote or bracket, then a space) in the second half
/// of the block, else after the last space, so never inside a word or a
/// token; only a stretch without any space (a URL, CJK text) is cut at the
/// last grapheme cluster boundary.
fn push_line(out: &mut Vec<Paragraph>, line: &str, start: usize, end: usize) {
    if end - start <= MAX_BLOCK_CHARS {
        out.push(Paragraph { start, end });
        return;
    }
    let mut block = start;
    // Where a block may begin: (code point, byte in `line`).
    let mut after_sentence: Option<(usize, usize)> = None;
    let mut after_space: Option<(usize, usize)> = None;
    let mut last = ['\0'; 3]; // the three characters before the current one
    for (offset, (byte, c)) in line.char_indices().enumerate() {
        let cp = start + offset;
        if last[2] == ' ' && !c.is_whitespace() {
            let closing = matches!(last[1], '"' | '\'' | '”' | '’' | '»' | ')' | ']');
            let stop = |c: char| matches!(c, '.' | '!' | '?' | '…');
            if stop(last[1]) || (closing && stop(last[0])) {
                after_sentence = Some((cp, byte));
            }
            after_space = Some((cp, byte));
        }
        // (A cut past a cluster longer than a block leaves `block` ahead.)
        if cp >= block && cp - block == MAX_BLOCK_CHARS {
            let sentence = after_sentence.filter(|&(at, _)| at - block >= MAX_BLOCK_CHARS / 2);
            let cut = [sentence, after_space]
                .into_iter()
                .flatten()
                .find(|&(at, b)| at > block && is_cluster_boundary(line, b))
                .map_or_else(|| last_cluster_boundary(line, byte, cp, block), |(at, _)| at);
            out.push(Paragraph { start: block, end: cut });
            block = cut;
            after_sentence = after_sentence.filter(|&(at, _)| at > block);
            after_space = after_space.filter(|&(at, _)| at > block);
        }
        last = [last[1], last[2], c];
    }
    out.push(Paragraph { start: block, end });
}

fn is_cluster_boundary(line: &str, byte: usize) -> bool {
    GraphemeCursor::new(byte, line.len(), true).is_boundary(line, 0).unwrap_or(true)
}

/// The code point of the last grapheme cluster boundary at or before
/// `byte` (code point `cp`) that leaves a non-empty block after `block`; if
/// the whole block is one cluster, the end of that cluster.
fn last_cluster_boundary(line: &str, byte: usize, cp: usize, block: usize) -> usize {
    // Back one code point at a time (clusters are short) rather than
    // `prev_boundary`, which would add its own copy of the rules to the
    // bundle.
    let (mut b, mut at) = (byte, cp);
    while at > block && !is_cluster_boundary(line, b) {
        b = line[..b].char_indices().next_back().map_or(0, |(i, _)| i);
        at -= 1;
    }
    if at > block {
        return at;
    }
    // The whole block is one cluster: the block ends where the cluster does.
    let mut cursor = GraphemeCursor::new(byte, line.len(), true);
    let next = cursor.next_boundary(line, 0).ok().flatten().unwrap_or(line.len());
    cp + line[byte..next].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Texts of characters the byte-level scans must tell apart: ASCII and
    /// Unicode whitespace, line breaks, C0 / DEL / C1 controls and their
    /// neighbours, multi-byte letters, emoji with a ZWJ, RTL, combining.
    fn tricky_text() -> impl Strategy<Value = String> {
        let chars = vec![
            'a', 'Z', ' ', '\n', '\r', '\t', '\u{b}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}',
            '\u{9f}', '\u{a0}', '\u{a1}', 'é', '\u{301}', '\u{1680}', '\u{2028}', '\u{3000}', '東', 'ع', '👩', '\u{200d}',
            '🍳', '\u{1f3fe}',
        ];
        proptest::collection::vec(proptest::sample::select(chars), 0..40).prop_map(|v| v.into_iter().collect())
    }

    /// The definitions the scans implement, character by character.
    fn binary_by_chars(text: &str) -> bool {
        text.chars().any(|c| c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')))
    }
    fn paragraphs_by_chars(text: &str) -> Vec<Paragraph> {
        let (mut out, mut start, mut visible) = (Vec::new(), 0, false);
        for (cp, c) in text.chars().enumerate() {
            if c == '\n' {
                if visible {
                    out.push(Paragraph { start, end: cp });
                }
                start = cp + 1;
                visible = false;
            } else if !c.is_whitespace() {
                visible = true;
            }
        }
        if visible {
            out.push(Paragraph { start, end: text.chars().count() });
        }
        out
    }

    proptest! {
        #[test]
        fn byte_scans_agree_with_the_character_definitions(text in tricky_text()) {
            prop_assert_eq!(has_binary_controls(&text), binary_by_chars(&text));
            prop_assert_eq!(split_paragraphs(&text), paragraphs_by_chars(&text));
        }
    }

    #[test]
    fn tokens_warmed_in_small_steps_are_the_tokens() {
        for text in [
            include_str!("../../../assets/articles/mali-russia-wagner.txt"),
            include_str!("../../../assets/articles/unicode-stress.txt"),
        ] {
            let warmed = Article::new("t", "t", text).unwrap();
            let mut progress = TokenizeInSteps::new();
            let mut steps = 1;
            while !warmed.warm_tokens(&mut progress, 64) {
                steps += 1;
            }
            assert!(steps > 3, "the text was cut into pieces ({steps} steps)");
            let fresh = Article::new("t", "t", text).unwrap();
            assert_eq!(warmed.tokens(), fresh.tokens());
        }
    }

    #[test]
    fn a_long_line_is_cut_into_blocks_at_sentences_then_spaces_never_inside_a_word_or_cluster() {
        // 4,000 words without a line break, sentences of ten words.
        let words: Vec<String> = (0..4_000).map(|i| if i % 10 == 9 { format!("w{i}.") } else { format!("w{i}") }).collect();
        let text = format!("Title\n{}\nEnd", words.join(" "));
        let a = Article::new("t", "t", text.as_str()).unwrap();
        let blocks = a.paragraphs();
        assert_eq!(a.slice(blocks[0].start, blocks[0].end), "Title");
        assert_eq!(a.slice(blocks.last().unwrap().start, blocks.last().unwrap().end), "End");
        let middle = &blocks[1..blocks.len() - 1];
        assert!(middle.len() > 10, "{} blocks", middle.len());
        // Contiguous: together exactly the line, so offsets are unchanged.
        assert!(middle.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(a.slice(middle[0].start, middle.last().unwrap().end), words.join(" "));
        for (i, p) in middle.iter().enumerate() {
            let block = a.slice(p.start, p.end);
            assert!(p.end - p.start <= MAX_BLOCK_CHARS, "block {i} has {} code points", p.end - p.start);
            assert!(block.starts_with('w'), "block {i} starts inside a word: {:?}", &block[..10]);
            if i + 1 < middle.len() {
                assert!(block.ends_with(". "), "block {i} ends after a sentence: {:?}", &block[block.len() - 10..]);
            }
        }
        // No space in 5,000 code points: cut at cluster boundaries, never
        // inside 👩🏾‍🍳 or e + U+0301.
        let dense = "ab👩🏾\u{200d}🍳e\u{301}".repeat(700);
        let a = Article::new("t", "t", dense.as_str()).unwrap();
        let cuts: Vec<usize> = a.paragraphs().iter().map(|p| p.start).collect();
        assert!(cuts.len() >= 3, "{cuts:?}");
        for &c in &cuts[1..] {
            let before = a.slice(0, c);
            assert!(!before.ends_with("👩🏾") && !before.ends_with('\u{200d}') && !before.ends_with('e'), "cut at {c} splits a cluster");
        }
        assert_eq!(a.paragraphs().last().unwrap().end, a.len_chars());
        assert!(a.paragraphs().windows(2).all(|w| w[0].end == w[1].start && w[0].end - w[0].start <= MAX_BLOCK_CHARS));
    }

    #[test]
    fn paragraphs_are_visible_lines() {
        let a = Article::new("t", "t", "Title\n\nFirst para.\n  \nSecond\n").unwrap();
        let texts: Vec<_> = a.paragraphs().iter().map(|p| a.slice(p.start, p.end)).collect();
        assert_eq!(texts, ["Title", "First para.", "Second"]);
        assert_eq!(a.paragraph_at(6), Some(1), "a blank line belongs to the next paragraph");
    }

    #[test]
    fn hash_is_sha256_of_the_utf8_text() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn rejects_empty_binary_and_huge_input() {
        assert_eq!(Article::new("a", "a", " \n ").unwrap_err(), ArticleError::Empty);
        assert_eq!(decode_text_file(b"PK\x03\x04\x00\x00").unwrap_err(), ArticleError::Binary);
        assert!(matches!(decode_text_file(&[0xff, 0xfe, 0x41]).unwrap_err(), ArticleError::Encoding(_)), "a UTF-16 mark, then half a unit");
        let huge = "a".repeat(MAX_TEXT_BYTES + 1);
        assert!(matches!(Article::new("a", "a", huge).unwrap_err(), ArticleError::TooLarge { .. }));
        assert_eq!(decode_text_file(b"\xEF\xBB\xBFhi").unwrap(), "hi");
    }

    #[test]
    fn utf16_and_utf8_files_with_a_mark_open_like_any_text() {
        // Issue 16, case 7: UTF-16 files (what Windows saves as "Unicode")
        // were refused as binary. The mark is not text: offsets start after it.
        let text = "Zoë met 🇲🇱 officials; e\u{301}cole 国際 الجزيرة 👨‍👩‍👧‍👦.\r\nEnd";
        let utf16 = |big: bool| -> Vec<u8> {
            let mark: [u8; 2] = if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
            mark.into_iter().chain(text.encode_utf16().flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() })).collect()
        };
        assert_eq!(decode_text_file(&utf16(false)).unwrap(), text);
        assert_eq!(decode_text_file(&utf16(true)).unwrap(), text);
        assert_eq!(decode_text_file(&[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap(), text);
        // The limit is on the text, not on the file: UTF-16 takes up to twice the bytes.
        let long = "a".repeat(MAX_TEXT_BYTES - 1);
        let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain(long.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode_text_file(&bytes).map(|t| t.len()), Ok(MAX_TEXT_BYTES - 1));
        let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain("aa".repeat(MAX_TEXT_BYTES).encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert!(matches!(decode_text_file(&bytes), Err(ArticleError::TooLarge { .. })));
        // A file that claims UTF-16 but is not says so, with where.
        let e = decode_text_file(&[0xFF, 0xFE, b'a', 0, 0x3D, 0xD8, b'b', 0]).unwrap_err();
        assert_eq!(e.to_string(), "this file starts with a UTF-16 byte-order mark, but it is not valid UTF-16LE text (at byte 4)");
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(megabytes(20 * 1024 * 1024), "20.0 MB");
        assert_eq!(megabytes(1_572_864), "1.5 MB");
        assert_eq!(megabytes(0), "0.0 MB");
    }

    #[test]
    fn token_lookup() {
        let a = Article::new("t", "t", "Mali’s minister").unwrap();
        let t = a.token_at(1).unwrap();
        assert_eq!(a.slice(a.tokens()[t].start, a.tokens()[t].end), "Mali");
        assert_eq!(a.token_at(6), None, "the space after a token belongs to none");
    }

    #[test]
    fn a_text_is_titled_by_its_first_line() {
        assert_eq!(headline("\n  Mali confirms cooperation  \nBamako, 3 May").as_deref(), Some("Mali confirms cooperation"));
        assert_eq!(headline(" \n\t\n"), None);
        let long = "👩🏾‍🍳".repeat(150);
        let title = headline(&long).unwrap();
        assert_eq!(title, format!("{}…", "👩🏾‍🍳".repeat(100)), "cut between clusters, never inside one");
    }
}
