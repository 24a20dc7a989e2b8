//! Tokenisation that ends tokens exactly where spaCy's English tokenizer
//! (`spacy.blank("en")`, spaCy 3.x) ends them.
//!
//! # Units and invariants
//!
//! [`Token`] offsets are Unicode code points (chars), start inclusive, end
//! exclusive, like every offset that leaves this crate. Internally the
//! algorithm works on UTF-8 byte offsets into `text` (so it can slice without
//! allocating) and converts to code points once, at the end.
//!
//! For any `text`, `tokenize(text)` returns tokens that
//! 1. are non-empty, sorted and non-overlapping;
//! 2. are contiguous except for the single plain `' '` after a token whose
//!    `ws` is true: `next.start == end + ws as usize`; the first starts at 0
//!    and the last ends at the end of the text, minus one if its `ws` is true
//!    (a text ending in a single space after a word);
//! 3. therefore rebuild `text` exactly when each token's text is followed by
//!    `" "` where `ws` is true (spaCy's `Doc(words, spaces)` convention);
//! 4. never start or end inside an extended grapheme cluster (UAX #29).
//!
//! # What is reproduced (spaCy `tokenizer.pyx`)
//!
//! 1. `Tokenizer._tokenize_affixes`: split on runs of whitespace (Python's
//!    `str.isspace`). One plain `' '` directly after a non-space chunk becomes
//!    that token's `ws`; every other whitespace run (a second space, `"\n"`,
//!    `"\n\n"`, `" \n"`, NBSP, tabs, leading spaces) is one token of its own.
//! 2. Each non-space chunk: special cases (tokenizer exceptions) first, then
//!    `_split_affixes` (prefix / suffix loop, re-checking special cases), then
//!    `_attach_tokens` (special case, `URL_MATCH`, or infix split).
//! 3. `_apply_special_cases`: the phrase-matcher pass that re-merges special
//!    cases which affix/infix splitting cut apart (e.g. `x-and/or`).
//!
//! The prefix, suffix and infix regexes of `spacy/lang/punctuation.py`,
//! `spacy/lang/en/punctuation.py` and `spacy/lang/char_classes.py`, and the
//! `URL_MATCH` regex of `spacy/lang/tokenizer_exceptions.py`, are matched by
//! hand (no regex engine: this crate is compiled to WebAssembly). spaCy
//! compiles them with Python's `re`, so `[0-9]` is ASCII while `\d`, `\w`,
//! `\s` are Unicode. The character classes (`ALPHA`, `ALPHA_LOWER`,
//! `ALPHA_UPPER`, `ICONS`, `\d`) are range tables generated from spaCy by
//! enumerating every code point; `tests/interop/test_tokens.py` re-derives
//! them from the installed spaCy and fails if they drift.
//!
//! # Deliberate divergences from spaCy
//!
//! * **Grapheme clusters.** spaCy splits inside some extended grapheme
//!   clusters: ZWJ emoji sequences (`👩🏾‍🍳` → `👩` `🏾‍` `🍳`), flags (`🇲🇱` →
//!   `🇲` `🇱`), a base + combining mark after punctuation, a space followed by
//!   a combining mark. A boundary there would let an annotation cover half a
//!   visible character, so any two tokens whose boundary falls inside one
//!   cluster are merged (the merged token may then contain the plain space
//!   that separated them). Nothing else changes; the interop test applies the
//!   same merge to spaCy's tokens and otherwise demands identity.
//! * **Scripts written without spaces** (Chinese, Japanese, Thai, Lao,
//!   Khmer, Myanmar): each of their grapheme clusters is a token, as in
//!   spaCy's Chinese pipeline, instead of one token per sentence
//!   (`unspaced_scripts.rs`). The interop test applies the same cut.
//! * **`\w` in `URL_MATCH`'s optional scheme (`[\w+\-.]{2,}://`)** uses
//!   `char::is_alphanumeric` instead of a ~6 kB table of Python's
//!   `str.isalnum`. They disagree on some combining marks and circled letters
//!   (Alphabetic in Rust, not letters in Python) and on characters assigned
//!   after Unicode 14 (Python 3.11's database). This only matters for a
//!   string that has such a character in the run right before "://" and is
//!   otherwise a URL; real schemes are ASCII.
//!
//! # Cost
//!
//! Linear in the text: affix checks look at a bounded window at either end
//! of the remaining chunk, special-case lookups skip strings longer than the
//! longest exception, and the infix and URL scans are single passes over the
//! chunk (the URL scan's tries from different '@'s cover disjoint hosts).
//! Tokens are byte spans into `text`; nothing is allocated per token beyond
//! the output vector. The exception table and matcher patterns are built
//! once, lazily, on first use (about 1 ms).
//!
//! # Verification
//!
//! `tests/interop/test_tokens.py` compares with the installed spaCy: the
//! sample articles, tricky sentences, every tokenizer exception bare and
//! wrapped in affixes, a sweep of every BMP code point through templates
//! that reach each character class, and seeded random mixtures.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_segmentation::UnicodeSegmentation;

use crate::unspaced_scripts;

/// One token. Offsets are Unicode code points (chars), start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// one plain ' ' follows this token (spaCy's `whitespace_`)
    pub ws: bool,
}

/// Indices of the tokens (in document order) that `[start, end)` touches,
/// as a half-open range; empty when it touches none.
pub fn tokens_touching(tokens: &[Token], start: usize, end: usize) -> std::ops::Range<usize> {
    let first = tokens.partition_point(|t| t.end <= start);
    let last = tokens.partition_point(|t| t.start < end);
    first..last.max(first)
}

/// Builds the special cases and their matcher now (a few milliseconds,
/// once per program; otherwise on the first [`tokenize`]), for a caller
/// with idle time before its first text comes.
pub fn prepare() {
    Rules::get();
}

/// Tokenise `text` as spaCy's English tokenizer does. Concatenating each token's text plus
/// " " where `ws` is true rebuilds `text` exactly (spaCy's `Doc(words, spaces)` convention).
pub fn tokenize(text: &str) -> Vec<Token> {
    let rules = Rules::get();
    let mut scratch = Scratch::default();
    let mut spans = Vec::with_capacity(text.len() / 4 + 1);
    tokenize_affixes(text, Some(&rules.specials), &mut scratch, &mut spans);
    rules.apply_special_cases(text, &mut spans);
    merge_grapheme_splits(text, &mut spans);
    split_unspaced_scripts(text, &mut spans);
    to_char_offsets(text, &spans)
}

/// Tokenises a text a piece at a time, with exactly [`tokenize`]'s result,
/// so that a long article's tokens can be computed in idle moments, none of
/// them long. Pieces end after a line break followed by a letter or digit,
/// where the whitespace chunking always cuts: no token, special case or
/// grapheme cluster spans a cut.
#[derive(Debug, Default)]
pub struct TokenizeInSteps {
    byte: usize,
    chars: usize,
    tokens: Vec<Token>,
}

impl TokenizeInSteps {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tokenises at least `bytes` more of `text` (up to the next cut); true
    /// once all of it is done. Every step must be given the same text.
    pub fn step(&mut self, text: &str, bytes: usize) -> bool {
        if self.byte < text.len() {
            let end = piece_end(text, self.byte, bytes);
            let piece = &text[self.byte..end];
            let offset = self.chars;
            self.tokens.extend(tokenize(piece).into_iter().map(|t| Token {
                start: t.start + offset,
                end: t.end + offset,
                ws: t.ws,
            }));
            self.chars += piece.chars().count();
            self.byte = end;
        }
        self.byte >= text.len()
    }

    pub fn into_tokens(self) -> Vec<Token> {
        self.tokens
    }
}

/// A piece looks this far for a line break before it settles for a space:
/// a 5 MB paste without line breaks was one piece, seconds of work in one
/// idle moment.
const LONG_LINE: usize = 64 * 1024;

/// The first cut at or after `from + at_least`: just after a '\n' that a
/// letter or digit follows; when there is none in the next [`LONG_LINE`]
/// bytes, just after a single space between an ASCII non-space and an
/// ASCII letter or digit (the whitespace chunking cuts there too, and no
/// cluster spans it); else the next such line break, or the end of the text.
fn piece_end(text: &str, from: usize, at_least: usize) -> usize {
    let search = (from + at_least.max(1)).min(text.len());
    let near = (search + LONG_LINE).min(text.len());
    newline_cut(text, search, near)
        .or_else(|| space_cut(text, search, near))
        .or_else(|| newline_cut(text, near, text.len()))
        .unwrap_or(text.len())
}

fn newline_cut(text: &str, mut search: usize, to: usize) -> Option<usize> {
    while search < to {
        // '\n' is ASCII, so it is never inside a multi-byte character.
        let i = text.as_bytes()[search..to].iter().position(|&b| b == b'\n')?;
        let cut = search + i + 1;
        match text[cut..].chars().next() {
            Some(c) if c.is_alphanumeric() => return Some(cut),
            Some(_) => search = cut,
            None => return None,
        }
    }
    None
}

fn space_cut(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (from.max(1)..to.min(bytes.len().saturating_sub(1)))
        .find(|&i| bytes[i] == b' ' && bytes[i - 1].is_ascii_graphic() && bytes[i + 1].is_ascii_alphanumeric())
        .map(|i| i + 1)
}

/// A token as UTF-8 byte offsets into the text being tokenised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    ws: bool,
}

impl Span {
    fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end,
            ws: false,
        }
    }
}

/// Buffers reused across chunks so the affix loop allocates nothing per word.
#[derive(Default)]
struct Scratch {
    prefixes: Vec<(usize, usize)>,
    suffixes: Vec<(usize, usize)>,
    infixes: Vec<(usize, usize)>,
    chars: Vec<char>,
}

// ---------------------------------------------------------------------------
// Step 1 and 2: whitespace chunks, special cases, affixes, infixes
// ---------------------------------------------------------------------------

/// `Tokenizer._tokenize_affixes`. `specials` is `None` for the variant spaCy
/// uses to build the matcher patterns (`with_special_cases=False`).
fn tokenize_affixes(
    text: &str,
    specials: Option<&Specials>,
    scr: &mut Scratch,
    out: &mut Vec<Span>,
) {
    let Some(first) = text.chars().next() else {
        return;
    };
    let mut in_ws = is_space(first);
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_space(c) == in_ws {
            continue;
        }
        if start < i {
            tokenize_chunk(text, start, i, in_ws, specials, scr, out);
        }
        // Only a plain ' ' is absorbed into the previous token (spaCy sets
        // `spacy = True`); any other whitespace starts a whitespace chunk.
        if c == ' ' {
            if let Some(last) = out.last_mut() {
                last.ws = true;
            }
            start = i + 1;
        } else {
            start = i;
        }
        in_ws = !in_ws;
    }
    if start < text.len() {
        // spaCy sets `spacy = string[-1] == " " and not in_ws` here, which is
        // always false: a final non-space chunk does not end in ' '.
        tokenize_chunk(text, start, text.len(), in_ws, specials, scr, out);
    }
}

/// `Tokenizer._tokenize` for one whitespace-delimited chunk `text[a..b]`.
fn tokenize_chunk(
    text: &str,
    a: usize,
    b: usize,
    is_ws_chunk: bool,
    specials: Option<&Specials>,
    scr: &mut Scratch,
    out: &mut Vec<Span>,
) {
    let chunk = &text[a..b];
    let special = |s: &str| specials.and_then(|sp| sp.get(s));
    if let Some(pieces) = special(chunk) {
        push_pieces(a, pieces, out);
        return;
    }
    if is_ws_chunk {
        // No prefix, suffix, infix or URL pattern matches a whitespace
        // character, so a whitespace run is always exactly one token.
        out.push(Span::new(a, b));
        return;
    }

    // `_split_affixes`: peel prefixes and suffixes until nothing changes or
    // the remainder (or the remainder minus one affix) is a special case.
    scr.prefixes.clear();
    scr.suffixes.clear();
    let (mut s, mut e) = (a, b);
    let mut last_len = 0;
    while s < e && e - s != last_len {
        if special(&text[s..e]).is_some() {
            break;
        }
        last_len = e - s;
        let pre = find_prefix(&text[s..e]);
        if pre != 0 && s + pre < e && special(&text[s + pre..e]).is_some() {
            scr.prefixes.push((s, s + pre));
            s += pre;
            break;
        }
        // The suffix is searched in the string minus its prefix, so suffix
        // lookbehinds cannot see the prefix (spaCy slices the string).
        let suf = find_suffix(&text[s + pre..e]);
        if suf != 0 && s < e - suf && special(&text[s..e - suf]).is_some() {
            scr.suffixes.push((e - suf, e));
            e -= suf;
            break;
        }
        if pre != 0 {
            scr.prefixes.push((s, s + pre));
            s += pre;
        }
        if suf != 0 {
            scr.suffixes.push((e - suf, e));
            e -= suf;
        }
    }

    // `_attach_tokens`.
    out.extend(scr.prefixes.iter().map(|&(x, y)| Span::new(x, y)));
    if s < e {
        let mid = &text[s..e];
        if let Some(pieces) = special(mid) {
            push_pieces(s, pieces, out);
        } else if url_match(mid, &mut scr.chars) {
            out.push(Span::new(s, e));
        } else {
            find_infixes(mid, &mut scr.infixes);
            let mut start = 0;
            for &(is, ie) in &scr.infixes {
                // spaCy skips an infix match at offset 0 (it stays glued to
                // whatever follows).
                if is == 0 {
                    continue;
                }
                if is != start {
                    out.push(Span::new(s + start, s + is));
                }
                out.push(Span::new(s + is, s + ie));
                start = ie;
            }
            if start < mid.len() {
                out.push(Span::new(s + start, e));
            }
        }
    }
    out.extend(scr.suffixes.iter().rev().map(|&(x, y)| Span::new(x, y)));
}

/// Push the pieces of a special case starting at byte `at`.
fn push_pieces(mut at: usize, pieces: &[u8], out: &mut Vec<Span>) {
    for &len in pieces {
        out.push(Span::new(at, at + len as usize));
        at += len as usize;
    }
}

// ---------------------------------------------------------------------------
// Prefixes, suffixes, infixes (spacy/lang/punctuation.py, en/punctuation.py)
// ---------------------------------------------------------------------------

/// Byte length of the prefix `TOKENIZER_PREFIXES` finds at the start of `s`
/// (0 if none). Python's `re` takes the first alternative that matches, in
/// list order; only the multi-character ones need care.
fn find_prefix(s: &str) -> usize {
    let mut it = s.chars();
    let Some(c) = it.next() else { return 0 };
    let next = it.next();
    match c {
        // `\+(?![0-9])`
        '+' => usize::from(!matches!(next, Some('0'..='9'))),
        // `\.\.+` (a lone '.' is not a prefix)
        '.' => {
            let run = dot_run(s);
            if run >= 2 {
                run
            } else {
                0
            }
        }
        // `US\$`, `C\$`, `A\$` from the currency list.
        'U' if s.starts_with("US$") => 3,
        'C' | 'A' if next == Some('$') => 2,
        // "…" precedes "……" in the list, so a run of '…' peels one at a time.
        c if is_prefix_char(c) => c.len_utf8(),
        _ => 0,
    }
}

/// Byte length of the suffix `TOKENIZER_SUFFIXES` finds at the end of `s`
/// (0 if none). Every alternative is anchored with `$` and `re.search` returns
/// the leftmost match, so the answer is the longest matching suffix.
fn find_suffix(s: &str) -> usize {
    let mut rev = s.chars().rev();
    let Some(c) = rev.next() else { return 0 };
    let p1 = rev.next();
    let p2 = rev.next();
    let mut best = 0;
    // LIST_PUNCT, "…", LIST_QUOTES, LIST_ICONS, "—", "–".
    if is_suffix_char(c) {
        best = c.len_utf8();
    }
    // "……" from LIST_PUNCT.
    if c == '…' && p1 == Some('…') {
        best = best.max(2 * '…'.len_utf8());
    }
    // "'s", "'S", "’s", "’S".
    if matches!(c, 's' | 'S') && matches!(p1, Some('\'' | '’')) {
        best = best.max(1 + p1.map_or(0, char::len_utf8));
    }
    if c == '.' {
        // `\.\.+` (leftmost start: the whole trailing run of dots).
        let run = s.bytes().rev().take_while(|&b| b == b'.').count();
        if run >= 2 {
            best = best.max(run);
        }
        // `(?<=°[FfCcKk])\.`, `(?<=[0-9{al}%²\-\+{punct}(?:{q})])\.` and
        // `(?<=[{au}][{au}])\.`.
        let single = match (p1, p2) {
            (Some(p), _) if is_dot_suffix_lookbehind(p) => true,
            (Some('F' | 'f' | 'C' | 'c' | 'K' | 'k'), Some('°')) => true,
            (Some(p), Some(q)) => is_alpha_upper(p) && is_alpha_upper(q),
            _ => false,
        };
        if single {
            best = best.max(1);
        }
    }
    // `(?<=[0-9])\+`
    if c == '+' && matches!(p1, Some('0'..='9')) {
        best = best.max(1);
    }
    // `(?<=[0-9])(?:{CURRENCY})` and `(?<=[0-9])(?:{UNITS})`. A unit is at
    // most 10 bytes, so a digit must sit in the last 11; skip the list if not.
    if s.bytes().rev().take(11).any(|b| b.is_ascii_digit()) {
        for unit in CURRENCY_AND_UNITS {
            if unit.len() > best
                && s.len() > unit.len()
                && s.ends_with(unit)
                && s.as_bytes()[s.len() - unit.len() - 1].is_ascii_digit()
            {
                best = unit.len();
            }
        }
    }
    best
}

/// Byte length of the run of '.' at the start of `s`.
fn dot_run(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b'.').count()
}

/// All `TOKENIZER_INFIXES` (English) matches in `s`, as `re.finditer` finds
/// them: scanning left to right, first alternative wins at each position,
/// matches do not overlap, lookbehinds see the character before the position
/// even if a previous match consumed it.
fn find_infixes(s: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut prev = None;
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(len) = infix_at(prev, rest) {
            out.push((i, i + len));
            prev = rest[..len].chars().next_back();
            i += len;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            prev = Some(c);
            i += c.len_utf8();
        }
    }
}

/// Byte length of the infix matching at the start of `rest`, given the
/// character before it (`None` at the start of the string).
fn infix_at(prev: Option<char>, rest: &str) -> Option<usize> {
    let mut it = rest.chars();
    let c = it.next()?;
    let next = it.next();
    // LIST_ELLIPSES: `\.\.+`, `…`
    if c == '.' && next == Some('.') {
        return Some(dot_run(rest));
    }
    if c == '…' {
        return Some(c.len_utf8());
    }
    // LIST_ICONS
    if is_icon(c) {
        return Some(c.len_utf8());
    }
    let p = prev?;
    let next_is = |f: fn(char) -> bool| next.is_some_and(f);
    // `(?<=[0-9])[+\-\*^](?=[0-9-])`
    if p.is_ascii_digit()
        && matches!(c, '+' | '-' | '*' | '^')
        && matches!(next, Some('0'..='9' | '-'))
    {
        return Some(1);
    }
    // `(?<=[{al}{q}])\.(?=[{au}{q}])`
    if c == '.'
        && (is_alpha_lower(p) || is_quote(p))
        && next_is(|n| is_alpha_upper(n) || is_quote(n))
    {
        return Some(1);
    }
    // `(?<=[{a}]),(?=[{a}])`
    if c == ',' && is_alpha(p) && next_is(is_alpha) {
        return Some(1);
    }
    if is_alpha(p) || p.is_ascii_digit() {
        // `(?<=[{a}0-9])(?:-|–|—|--|---|——|~)(?=[{a}])`, alternatives in order.
        for h in ["-", "–", "—", "--", "---", "——", "~"] {
            if let Some(after) = rest.strip_prefix(h) {
                if after.chars().next().is_some_and(is_alpha) {
                    return Some(h.len());
                }
            }
        }
        // `(?<=[{a}0-9])[:<>=/](?=[{a}])`
        if matches!(c, ':' | '<' | '>' | '=' | '/') && next_is(is_alpha) {
            return Some(1);
        }
    }
    None
}

/// `(?<=[0-9])` currency symbols (`CURRENCY`) and units (`UNITS`) from
/// `char_classes.py`, unescaped. "тбكم" is not a typo: spaCy's `_units`
/// string lacks a space there, so that is the unit it defines.
#[rustfmt::skip]
const CURRENCY_AND_UNITS: &[&str] = &[
    "$", "£", "€", "¥", "฿", "US$", "C$", "A$", "₽", "﷼", "₴", "₠", "₡", "₢", "₣", "₤", "₥", "₦",
    "₧", "₨", "₩", "₪", "₫", "₭", "₮", "₯", "₰", "₱", "₲", "₳", "₵", "₶", "₷", "₸", "₹", "₺",
    "₻", "₼", "₾", "₿",
    "km", "km²", "km³", "m", "m²", "m³", "dm", "dm²", "dm³", "cm", "cm²", "cm³", "mm", "mm²",
    "mm³", "ha", "µm", "nm", "yd", "in", "ft", "kg", "g", "mg", "µg", "t", "lb", "oz", "m/s",
    "km/h", "kmh", "mph", "hPa", "Pa", "mbar", "mb", "MB", "kb", "KB", "gb", "GB", "tb", "TB",
    "T", "G", "M", "K", "%", "км", "км²", "км³", "м", "м²", "м³", "дм", "дм²", "дм³", "см",
    "см²", "см³", "мм", "мм²", "мм³", "нм", "кг", "г", "мг", "м/с", "км/ч", "кПа", "Па", "мбар",
    "Кб", "КБ", "кб", "Мб", "МБ", "мб", "Гб", "ГБ", "гб", "Тб", "ТБ", "тбكم", "كم²", "كم³", "م",
    "م²", "م³", "سم", "سم²", "سم³", "مم", "مم²", "مم³", "كم", "غرام", "جرام", "جم", "كغ", "ملغ",
    "كوب", "اكواب",
];

// ---------------------------------------------------------------------------
// URL_MATCH (spacy/lang/tokenizer_exceptions.py)
// ---------------------------------------------------------------------------

/// `URL_MATCH`: does the whole of `s` match spaCy's URL pattern?
///
/// ```text
/// ^(?:[\w+\-.]{2,}://)?(?:\S+(?::\S*)?@)?
///  (?: <IPv4, excluding private ranges> | (?:<label>\.)+[{ALPHA_LOWER}]{2,63} )
///  (?::\d{2,5})?(?:[/?#]\S*)?$
/// ```
///
/// Only whether it matches matters, so instead of backtracking we try each
/// way the optional parts can end (they are few: the scheme has one, the
/// user-info one per '@') and check the rest; labels and the TLD are
/// determined by the characters, because '.' ends a label and the TLD must
/// be followed by ':', '/', '?', '#' or the end. Linear in `s`: a host never
/// contains '@', so the host scans after different '@'s do not overlap.
fn url_match(s: &str, buf: &mut Vec<char>) -> bool {
    // Every alternative of the host needs a '.'; most words have none.
    if !s.contains('.') {
        return false;
    }
    buf.clear();
    buf.extend(s.chars());
    let s = &buf[..];
    let n = s.len();
    // `\S*` in the path: no whitespace after this index (there is none in a
    // whitespace-delimited chunk, but be exact).
    let path_from = s.iter().rposition(|&c| is_space(c)).map_or(0, |i| i + 1);

    // Scheme: the class excludes ':', so only the maximal run can precede "://".
    let run = s
        .iter()
        .take_while(|&&c| c == '_' || c.is_alphanumeric() || matches!(c, '+' | '-' | '.'))
        .count();
    let scheme_end = (run >= 2 && s[run..].starts_with(&[':', '/', '/'])).then_some(run + 3);

    for p0 in scheme_end.into_iter().chain([0]) {
        if url_host_and_rest(s, p0, path_from) {
            return true;
        }
        // User info `\S+(?::\S*)?@`: any '@' with at least one non-space before it.
        for q in p0 + 1..n {
            if is_space(s[q]) {
                break;
            }
            if s[q] == '@' && url_host_and_rest(s, q + 1, path_from) {
                return true;
            }
        }
    }
    false
}

/// Host (IPv4 or domain) starting at `h`, then port, path and end.
fn url_host_and_rest(s: &[char], h: usize, path_from: usize) -> bool {
    url_ipv4_matches(s, h, path_from)
        || url_domain_end(s, h).is_some_and(|e| url_rest(s, e, path_from))
}

/// `(?::\d{2,5})?(?:[/?#]\S*)?$` at `p`.
fn url_rest(s: &[char], p: usize, path_from: usize) -> bool {
    let n = s.len();
    let path = |q: usize| q == n || (matches!(s[q], '/' | '?' | '#') && q + 1 >= path_from);
    if p < n && s[p] == ':' {
        // More than five digits cannot backtrack into a path: the next
        // character would be a digit, not '/', '?' or '#'.
        let digits = s[p + 1..].iter().take_while(|&&c| is_decimal(c)).count();
        return (2..=5).contains(&digits) && path(p + 1 + digits);
    }
    path(p)
}

/// `(?:(?:[H][H_-]{0,62})?[H]\.)+[{ALPHA_LOWER}]{2,63}` at `h`, where H is
/// `[A-Za-z0-9\u00a1-\uffff]`: the end of the TLD, if it matches.
fn url_domain_end(s: &[char], h: usize) -> Option<usize> {
    let is_h = |c: char| c.is_ascii_alphanumeric() || ('\u{a1}'..='\u{ffff}').contains(&c);
    let n = s.len();
    let mut pos = h;
    let mut labels = 0;
    loop {
        let len = s[pos..]
            .iter()
            .take_while(|&&c| is_h(c) || c == '_' || c == '-')
            .count();
        let e = pos + len;
        if e < n && s[e] == '.' && (1..=64).contains(&len) && is_h(s[pos]) && is_h(s[e - 1]) {
            labels += 1;
            pos = e + 1;
        } else {
            break;
        }
    }
    let tld = s[pos..].iter().take_while(|&&c| is_alpha_lower(c)).count();
    (labels > 0 && (2..=63).contains(&tld)).then_some(pos + tld)
}

/// The IPv4 alternative at `h`, including its three negative lookaheads
/// (10.x, 127.x, 169.254.x, 192.168.x, 172.16-31.x are not URLs) and the rest.
fn url_ipv4_matches(s: &[char], h: usize, path_from: usize) -> bool {
    let at = |i: usize| s.get(i).copied();
    let dec = |i: usize| at(i).is_some_and(is_decimal);
    let starts = |i: usize, lit: &str| lit.chars().enumerate().all(|(k, c)| at(i + k) == Some(c));
    // `(?:\.\d{1,3}){k}` as a lookahead: all but the last group must be
    // followed by '.', so their digit runs are 1..=3 long exactly.
    let dot_groups = |mut i: usize, k: usize| {
        for g in 0..k {
            if at(i) != Some('.') {
                return false;
            }
            let run = (i + 1..).take_while(|&j| dec(j)).take(4).count();
            if run == 0 || (g + 1 < k && run > 3) {
                return false;
            }
            i += 1 + run;
        }
        true
    };
    if (starts(h, "10") && dot_groups(h + 2, 3))
        || (starts(h, "127") && dot_groups(h + 3, 3))
        || ((starts(h, "169.254") || starts(h, "192.168")) && dot_groups(h + 7, 2))
    {
        return false;
    }
    if starts(h, "172.") {
        let second = match at(h + 4) {
            Some('1') => matches!(at(h + 5), Some('6'..='9')),
            Some('2') => dec(h + 5),
            Some('3') => matches!(at(h + 5), Some('0' | '1')),
            _ => false,
        };
        if second && dot_groups(h + 6, 2) {
            return false;
        }
    }

    // Each octet alternative can end in up to a few places; try them all.
    let d = |i: usize, lo: char, hi: char| at(i).is_some_and(|c| (lo..=hi).contains(&c));
    let first = |i: usize| -> [Option<usize>; 5] {
        [
            d(i, '1', '9').then_some(i + 1),                 // [1-9]
            (d(i, '1', '9') && dec(i + 1)).then_some(i + 2), // [1-9]\d
            (at(i) == Some('1') && dec(i + 1) && dec(i + 2)).then_some(i + 3), // 1\d\d
            (at(i) == Some('2') && d(i + 1, '0', '1') && dec(i + 2)).then_some(i + 3), // 2[01]\d
            (starts(i, "22") && d(i + 2, '0', '3')).then_some(i + 3), // 22[0-3]
        ]
    };
    let middle = |p: usize| -> [Option<usize>; 6] {
        let i = p + 1;
        if at(p) != Some('.') {
            return [None; 6];
        }
        [
            (at(i) == Some('1') && dec(i + 1)).then_some(i + 2), // 1\d
            (at(i) == Some('1') && dec(i + 1) && dec(i + 2)).then_some(i + 3), // 1\d\d
            dec(i).then_some(i + 1),                             // \d
            (dec(i) && dec(i + 1)).then_some(i + 2),             // \d\d
            (at(i) == Some('2') && d(i + 1, '0', '4') && dec(i + 2)).then_some(i + 3), // 2[0-4]\d
            (starts(i, "25") && d(i + 2, '0', '5')).then_some(i + 3), // 25[0-5]
        ]
    };
    let last = |p: usize| -> [Option<usize>; 5] {
        let i = p + 1;
        if at(p) != Some('.') {
            return [None; 5];
        }
        [
            d(i, '1', '9').then_some(i + 1),                 // [1-9]
            (d(i, '1', '9') && dec(i + 1)).then_some(i + 2), // [1-9]\d
            (at(i) == Some('1') && dec(i + 1) && dec(i + 2)).then_some(i + 3), // 1\d\d
            (at(i) == Some('2') && d(i + 1, '0', '4') && dec(i + 2)).then_some(i + 3), // 2[0-4]\d
            (starts(i, "25") && d(i + 2, '0', '4')).then_some(i + 3), // 25[0-4]
        ]
    };
    first(h).into_iter().flatten().any(|a| {
        middle(a).into_iter().flatten().any(|b| {
            middle(b).into_iter().flatten().any(|c| {
                last(c)
                    .into_iter()
                    .flatten()
                    .any(|e| url_rest(s, e, path_from))
            })
        })
    })
}

// ---------------------------------------------------------------------------
// Special cases (tokenizer exceptions) and the special-case matcher
// ---------------------------------------------------------------------------

/// spaCy's `tokenizer.rules`: a chunk (or affix-stripped remainder) equal to a
/// key becomes the key's pieces. Pieces are stored as byte lengths.
struct Specials {
    map: HashMap<Box<str>, Box<[u8]>>,
    max_len: usize,
}

impl Specials {
    fn get(&self, s: &str) -> Option<&[u8]> {
        if s.len() > self.max_len {
            return None;
        }
        self.map.get(s).map(|p| &p[..])
    }
}

/// A matcher pattern: the texts of the tokens a special case is cut into.
type Pattern = Box<[Box<str>]>;

struct Rules {
    specials: Specials,
    /// Matcher patterns (`Tokenizer._special_matcher`), indexed by the text
    /// of their first token.
    patterns: HashMap<Box<str>, Vec<Pattern>>,
}

impl Rules {
    fn get() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(Rules::build)
    }

    fn build() -> Rules {
        let exceptions = english_exceptions();
        let max_len = exceptions.keys().map(String::len).max().unwrap_or(0);
        let map = exceptions
            .iter()
            .map(|(key, pieces)| {
                let lens = pieces
                    .iter()
                    .map(|p| u8::try_from(p.len()).expect("short piece"))
                    .collect();
                (key.as_str().into(), lens)
            })
            .collect();
        let specials = Specials { map, max_len };

        // `Tokenizer.add_special_case` with `faster_heuristics`: only cases
        // that contain a prefix, suffix, infix or space go to the matcher, as
        // the tokens the affix rules alone would cut them into.
        let mut patterns: HashMap<Box<str>, Vec<Pattern>> = HashMap::new();
        let mut scr = Scratch::default();
        let mut spans = Vec::new();
        for key in exceptions.keys() {
            find_infixes(key, &mut scr.infixes);
            let affixed = find_prefix(key) != 0 || !scr.infixes.is_empty() || find_suffix(key) != 0;
            if !affixed && !key.contains(' ') {
                continue;
            }
            spans.clear();
            tokenize_affixes(key, None, &mut scr, &mut spans);
            let toks: Pattern = spans.iter().map(|t| key[t.start..t.end].into()).collect();
            patterns.entry(toks[0].clone()).or_default().push(toks);
        }
        Rules { specials, patterns }
    }

    /// `Tokenizer._apply_special_cases`: find every occurrence of a matcher
    /// pattern (by token text, ignoring the whitespace between tokens, as
    /// spaCy's PhraseMatcher does), keep non-overlapping ones longest-first,
    /// and replace each kept one whose text is a special case by its pieces.
    fn apply_special_cases(&self, text: &str, spans: &mut Vec<Span>) {
        let tok = |i: usize| &text[spans[i].start..spans[i].end];
        let mut found: Vec<(usize, usize)> = Vec::new();
        for i in 0..spans.len() {
            let Some(pats) = self.patterns.get(tok(i)) else {
                continue;
            };
            for pat in pats {
                let end = i + pat.len();
                if end <= spans.len()
                    && pat[1..].iter().zip(i + 1..end).all(|(p, j)| **p == *tok(j))
                {
                    found.push((i, end));
                }
            }
        }
        if found.is_empty() {
            return;
        }

        // `_filter_special_spans`: longest first, then leftmost. A span is
        // kept if neither its first nor its last token was covered by any
        // span looked at before it, kept or not (spaCy marks both).
        // Sorted as (MAX - length, start) pairs, through the program's one
        // sort (`sorting`; each standard sort call costs the bundle a few KB).
        let mut by_length: Vec<(usize, usize)> = found.iter().map(|&(s, e)| (usize::MAX - (e - s), s)).collect();
        crate::sorting::sort(&mut by_length);
        let mut seen = vec![false; spans.len()];
        let mut kept = Vec::new();
        for (s, e) in by_length.into_iter().map(|(rest, s)| (s, s + (usize::MAX - rest))) {
            if !seen[s] && !seen[e - 1] {
                kept.push((s, e));
            }
            seen[s..e].iter_mut().for_each(|x| *x = true);
        }
        crate::sorting::sort(&mut kept);

        // `_retokenize_special_spans`: spaCy looks the span's text (with the
        // whitespace inside it) up in the special cases, so a match across a
        // space changes nothing.
        let mut out = Vec::with_capacity(spans.len());
        let mut i = 0;
        let mut kept = kept.into_iter().peekable();
        while i < spans.len() {
            if let Some(&(s, e)) = kept.peek().filter(|m| m.0 == i) {
                kept.next();
                let (a, b) = (spans[s].start, spans[e - 1].end);
                let pieces = (!spans[s..e - 1].iter().any(|t| t.ws))
                    .then(|| self.specials.get(&text[a..b]))
                    .flatten();
                if let Some(pieces) = pieces {
                    let from = out.len();
                    push_pieces(a, pieces, &mut out);
                    if let Some(last) = out[from..].last_mut() {
                        last.ws = spans[e - 1].ws;
                    }
                } else {
                    out.extend_from_slice(&spans[s..e]);
                }
                i = e;
            } else {
                out.push(spans[i]);
                i += 1;
            }
        }
        *spans = out;
    }
}

/// `spacy/lang/en/tokenizer_exceptions.py` merged over
/// `spacy/lang/tokenizer_exceptions.py` (`update_exc`), then every key with
/// "'" duplicated with "’" (`expand_exc`). Built the way the Python builds
/// it, so the two read side by side. Key → pieces.
fn english_exceptions() -> HashMap<String, Vec<String>> {
    #[derive(Default)]
    struct Exc(HashMap<String, Vec<String>>);
    impl Exc {
        fn add(&mut self, pieces: &[&str]) {
            self.0.insert(
                pieces.concat(),
                pieces.iter().map(|p| p.to_string()).collect(),
            );
        }
    }
    fn title(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            // The exception words are ASCII-initial; ASCII case mapping
            // keeps the full Unicode case tables out of the wasm bundle.
            .map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect())
            .unwrap_or_default()
    }
    fn both(word: &str) -> [String; 2] {
        [word.to_string(), title(word)]
    }

    // BASE_EXCEPTIONS
    let mut base = Exc::default();
    for s in [
        " ", "\t", "\\t", "\n", "\\n", "\u{2014}", "\u{a0}", "'", "\\\")", "<space>", "''", "C++",
    ] {
        base.add(&[s]);
    }
    for c in ('a'..='z').chain(['ä', 'ö', 'ü']) {
        base.add(&[&format!("{c}.")]);
    }
    for e in EMOTICONS {
        base.add(&[e]);
    }
    for u in ["c", "f", "k", "C", "F", "K"] {
        base.add(&["°", u, "."]);
    }

    // English. The contractions are tables of pieces after the word, looped
    // over, rather than one call per case: as straight-line code they cost
    // the bundle several KB.
    const M: &[&[&str]] = &[&["'m"], &["m"], &["'m", "a"], &["m", "a"]];
    const LL_D: &[&[&str]] = &[&["'ll"], &["ll"], &["'ll", "'ve"], &["ll", "ve"], &["'d"], &["d"], &["'d", "'ve"], &["d", "ve"]];
    const VE: &[&[&str]] = &[&["'ve"], &["ve"]];
    const RE: &[&[&str]] = &[&["'re"], &["re"]];
    const S: &[&[&str]] = &[&["'s"], &["s"]];
    const NT_VE: &[&[&str]] = &[&["n't"], &["nt"], &["n't", "'ve"], &["nt", "ve"]];
    const NT: &[&[&str]] = &[&["n't"], &["nt"]];
    let mut en = Exc::default();
    let mut add_after = |words: &[&str], tails: &[&[&str]]| {
        for word in words {
            for orth in both(word) {
                for tail in tails {
                    let mut pieces = vec![orth.as_str()];
                    pieces.extend_from_slice(tail);
                    en.add(&pieces);
                }
            }
        }
    };
    add_after(&["i"], M);
    add_after(&["i", "you", "he", "she", "it", "we", "they"], LL_D);
    add_after(&["i", "you", "we", "they"], VE);
    add_after(&["you", "we", "they"], RE);
    add_after(&["he", "she", "it"], S);
    // W-words etc.; "these"/"those" (plural) get no 's, "that"/"this"
    // (singular) no 're/'ve.
    for word in ["who", "what", "when", "where", "why", "how", "there", "that", "this", "these", "those"] {
        add_after(&[word], LL_D);
        if !matches!(word, "these" | "those") {
            add_after(&[word], S);
        }
        if !matches!(word, "that" | "this") {
            add_after(&[word], RE);
            add_after(&[word], VE);
        }
    }
    add_after(
        &["ca", "could", "do", "does", "did", "had", "may", "might", "must", "need", "ought", "sha", "should", "wo", "would"],
        NT_VE,
    );
    add_after(&["could", "might", "must", "should", "would"], VE);
    add_after(&["ai", "are", "is", "was", "were", "have", "has", "dare"], NT);
    for word in ["doin", "goin", "nothin", "nuthin", "ol", "somethin"] {
        for orth in both(word) {
            en.add(&[&orth]);
            en.add(&[&format!("{orth}'")]);
        }
    }
    for word in ["em", "ll", "nuff"] {
        en.add(&[word]);
        en.add(&[&format!("'{word}")]);
    }
    for h in 1..=12 {
        let h = h.to_string();
        for period in ["a.m.", "am", "p.m.", "pm"] {
            en.add(&[&h, period]);
        }
    }
    for pieces in [
        &["y'", "all"][..],
        &["y", "all"],
        &["how", "'d", "'y"],
        &["How", "'d", "'y"],
        &["not", "'ve"],
        &["not", "ve"],
        &["Not", "'ve"],
        &["Not", "ve"],
        &["can", "not"],
        &["Can", "not"],
        &["gon", "na"],
        &["Gon", "na"],
        &["got", "ta"],
        &["Got", "ta"],
        &["let", "'s"],
        &["Let", "'s"],
        &["c'm", "on"],
        &["C'm", "on"],
    ] {
        en.add(pieces);
    }
    for orth in EN_SINGLE_TOKEN {
        en.add(&[orth]);
    }
    for word in [
        "Ill", "ill", "Its", "its", "Hell", "hell", "Shell", "shell", "Shed", "shed", "were",
        "Were", "Well", "well", "Whore", "whore",
    ] {
        en.0.remove(word);
    }

    // update_exc: English over base, then expand_exc("'", "’").
    let mut exc = base.0;
    exc.extend(en.0);
    let curly: Vec<(String, Vec<String>)> = exc
        .iter()
        .filter(|(k, _)| k.contains('\''))
        .map(|(k, v)| {
            (
                k.replace('\'', "’"),
                v.iter().map(|p| p.replace('\'', "’")).collect(),
            )
        })
        .collect();
    exc.extend(curly);
    exc
}

/// `emoticons` in spacy/lang/tokenizer_exceptions.py.
#[rustfmt::skip]
const EMOTICONS: &[&str] = &[
    "(*_*)", "(-8", "(-:", "(-;", "(-_-)", "(._.)", "(:", "(;", "(=", "(>_<)", "(^_^)", "(o:",
    "(¬_¬)", "(ಠ_ಠ)", "(╯°□°）╯︵┻━┻", ")-:", "):", "-_-", "-__-", "._.", "0.0", "0.o", "0_0",
    "0_o", "8)", "8-)", "8-D", "8D", ":'(", ":')", ":'-(", ":'-)", ":(", ":((", ":(((", ":()",
    ":)", ":))", ":)))", ":*", ":-(", ":-((", ":-(((", ":-)", ":-))", ":-)))", ":-*", ":-/",
    ":-0", ":-3", ":->", ":-D", ":-O", ":-P", ":-X", ":-]", ":-o", ":-p", ":-x", ":-|", ":-}",
    ":/", ":0", ":1", ":3", ":>", ":D", ":O", ":P", ":X", ":]", ":o", ":o)", ":p", ":x", ":|",
    ":}", ";)", ";-)", ";-D", ";D", ";_;", "<.<", "</3", "<3", "<33", "<333", "=(", "=)", "=/",
    "=3", "=D", "=[", "=]", "=|", ">.<", ">.>", ">:(", ">:o", "><(((*>", "@_@", "O.O", "O.o",
    "O_O", "O_o", "V.V", "V_V", "XD", "XDD", "[-:", "[:", "[=", "]=", "^_^", "^__^", "^___^",
    "o.0", "o.O", "o.o", "o_0", "o_O", "o_o", "v.v", "v_v", "xD", "xDD", "¯\\(ツ)/¯", "ಠ_ಠ",
    "ಠ︵ಠ",
];

/// The English exceptions that are a single token (abbreviations, "'s",
/// "o'clock", "and/or", ...).
#[rustfmt::skip]
const EN_SINGLE_TOKEN: &[&str] = &[
    "'S", "'s", "\u{2018}S", "\u{2018}s", "and/or", "w/o", "'re", "'Cause", "'cause", "'cos", "'Cos",
    "'coz", "'Coz", "'cuz", "'Cuz", "'bout", "ma'am", "Ma'am", "o'clock", "O'clock", "lovin'", "Lovin'",
    "lovin", "Lovin", "havin'", "Havin'", "havin", "Havin", "doin'", "Doin'", "doin", "Doin", "goin'",
    "Goin'", "goin", "Goin", "Mt.", "Ak.", "Ala.", "Apr.", "Ariz.", "Ark.", "Aug.", "Calif.", "Colo.",
    "Conn.", "Dec.", "Del.", "Feb.", "Fla.", "Ga.", "Ia.", "Id.", "Ill.", "Ind.", "Jan.", "Jul.", "Jun.",
    "Kan.", "Kans.", "Ky.", "La.", "Mar.", "Mass.", "Mich.", "Minn.", "Miss.", "N.C.", "N.D.", "N.H.",
    "N.J.", "N.M.", "N.Y.", "Neb.", "Nebr.", "Nev.", "Nov.", "Oct.", "Okla.", "Ore.", "Pa.", "S.C.",
    "Sep.", "Sept.", "Tenn.", "Va.", "Wash.", "Wis.",
    "'d", "a.m.", "Adm.", "Bros.", "co.", "Co.", "Corp.", "D.C.", "Dr.", "e.g.", "E.g.", "E.G.", "Gen.",
    "Gov.", "i.e.", "I.e.", "I.E.", "Inc.", "Jr.", "Ltd.", "Md.", "Messrs.", "Mo.", "Mont.", "Mr.",
    "Mrs.", "Ms.", "p.m.", "Ph.D.", "Prof.", "Rep.", "Rev.", "Sen.", "St.", "vs.", "v.s.",
];

// ---------------------------------------------------------------------------
// Grapheme clusters and code-point offsets
// ---------------------------------------------------------------------------

/// Merge neighbours whose boundary falls inside an extended grapheme cluster
/// (the deliberate divergence from spaCy, see the module header). When the
/// left token has `ws`, both sides of that space must be cluster boundaries.
/// Cuts tokens of scripts written without spaces into one token per
/// character (`unspaced_scripts.rs`); the last piece keeps the `ws`.
fn split_unspaced_scripts(text: &str, spans: &mut Vec<Span>) {
    if text.is_ascii() {
        return;
    }
    let mut out = Vec::with_capacity(spans.len());
    for t in spans.iter() {
        let pieces = unspaced_scripts::pieces(text, t.start, t.end);
        let last = pieces.len() - 1;
        out.extend(pieces.into_iter().enumerate().map(|(i, (start, end))| Span { start, end, ws: t.ws && i == last }));
    }
    *spans = out;
}

fn merge_grapheme_splits(text: &str, spans: &mut Vec<Span>) {
    // In ASCII the only multi-character cluster is "\r\n", which is one
    // whitespace run and therefore never split.
    if text.is_ascii() {
        return;
    }
    let mut starts = text.grapheme_indices(true).map(|(i, _)| i).peekable();
    // Queries come in increasing order, so one pass over the clusters suffices.
    let mut is_boundary = |pos: usize| {
        while let Some(&b) = starts.peek() {
            if b >= pos {
                return b == pos;
            }
            starts.next();
        }
        pos == text.len()
    };
    let mut w = 0;
    for r in 0..spans.len() {
        let t = spans[r];
        if w > 0 {
            let prev = &mut spans[w - 1];
            let cut = prev.end;
            if !is_boundary(cut) || (prev.ws && !is_boundary(cut + 1)) {
                prev.end = t.end;
                prev.ws = t.ws;
                continue;
            }
        }
        spans[w] = t;
        w += 1;
    }
    spans.truncate(w);
    // A final `ws` space that a cluster swallows (U+0600 and other Prepend
    // characters join the following space) becomes part of the token.
    if let Some(last) = spans.last_mut() {
        if last.ws && !is_boundary(last.end) {
            last.end += 1;
            last.ws = false;
        }
    }
}

/// Byte spans → code-point [`Token`]s, in one forward pass.
fn to_char_offsets(text: &str, spans: &[Span]) -> Vec<Token> {
    if text.is_ascii() {
        return spans
            .iter()
            .map(|s| Token {
                start: s.start,
                end: s.end,
                ws: s.ws,
            })
            .collect();
    }
    let (mut byte, mut ch) = (0, 0);
    let mut to_char = |target: usize| {
        ch += text[byte..target].chars().count();
        byte = target;
        ch
    };
    spans
        .iter()
        .map(|s| {
            let start = to_char(s.start);
            let end = to_char(s.end);
            Token {
                start,
                end,
                ws: s.ws,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Character classes (spacy/lang/char_classes.py)
// ---------------------------------------------------------------------------

/// Python's `str.isspace` (what spaCy splits on). Unlike `char::is_whitespace`
/// it includes the information separators U+001C..U+001F.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The single characters of `LIST_PUNCT` (its one longer item, "……", is
/// handled where it matters, in [`find_suffix`]).
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '…' | ','
            | ':'
            | ';'
            | '!'
            | '?'
            | '¿'
            | '؟'
            | '¡'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '_'
            | '#'
            | '*'
            | '&'
            | '。'
            | '？'
            | '！'
            | '，'
            | '、'
            | '；'
            | '：'
            | '～'
            | '·'
            | '।'
            | '،'
            | '۔'
            | '؛'
            | '٪'
    )
}

/// `LIST_QUOTES`, which is also `CONCAT_QUOTES` as a class. There are two
/// angle-bracket pairs: U+3008/U+3009 and U+2329/U+232A.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '\'' | '"'
            | '”'
            | '“'
            | '`'
            | '‘'
            | '´'
            | '’'
            | '‚'
            | ','
            | '„'
            | '»'
            | '«'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '〔'
            | '〕'
            | '【'
            | '】'
            | '《'
            | '》'
            | '\u{3008}'
            | '\u{3009}'
            | '\u{2329}'
            | '\u{232a}'
            | '⟦'
            | '⟧'
    )
}

/// Single-character `LIST_CURRENCY` items (₠..₿ is U+20A0..U+20BF).
fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '¥' | '฿' | '﷼' | '\u{20a0}'..='\u{20bf}')
}

/// A character that alone is a `TOKENIZER_PREFIXES` match.
fn is_prefix_char(c: char) -> bool {
    matches!(c, '§' | '%' | '=' | '—' | '–')
        || is_punct(c)
        || is_quote(c)
        || is_currency(c)
        || is_icon(c)
}

/// A character that alone is an unconditional `TOKENIZER_SUFFIXES` match.
fn is_suffix_char(c: char) -> bool {
    matches!(c, '—' | '–') || is_punct(c) || is_quote(c) || is_icon(c)
}

/// The lookbehind class `[0-9{al}{e}{p}(?:{q})]` of the '.' suffix. Spliced
/// into a character class, `PUNCT`'s '|' separators and the `(?:` `)` around
/// the quotes become members too.
fn is_dot_suffix_lookbehind(c: char) -> bool {
    c.is_ascii_digit()
        || is_alpha_lower(c)
        || matches!(c, '%' | '²' | '-' | '+' | '|' | '(' | '?' | ':' | ')')
        || is_punct(c)
        || is_quote(c)
}

fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(c, ALPHA)
}

fn is_alpha_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    in_strided(c, ALPHA_LOWER)
}

fn is_alpha_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    in_strided(c, ALPHA_UPPER)
}

fn is_icon(c: char) -> bool {
    !c.is_ascii() && in_ranges(c, ICONS)
}

/// Python `re`'s `\d`: Unicode decimal digits (category Nd).
fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(c, DECIMAL)
}

/// Membership in a sorted table of disjoint inclusive ranges.
fn in_ranges(c: char, table: &[(u32, u32)]) -> bool {
    let c = c as u32;
    let i = table.partition_point(|&(lo, _)| lo <= c);
    i > 0 && c <= table[i - 1].1
}

/// Membership in a sorted table of disjoint `(lo, hi, step)` runs: `lo`,
/// `lo + step`, ... up to `hi`. Step 2 folds spaCy's alternating
/// upper/lower-case letter lists into single rows.
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87; the MSRV is 1.84
fn in_strided(c: char, table: &[(u32, u32, u32)]) -> bool {
    let c = c as u32;
    let i = table.partition_point(|&(lo, _, _)| lo <= c);
    i > 0 && {
        let (lo, hi, step) = table[i - 1];
        c <= hi && (c - lo) % step == 0
    }
}

// Tables generated from spaCy 3.8 by testing every code point against the
// compiled class (`re.fullmatch("[" + ALPHA + "]", chr(c))`, ...);
// tests/interop/test_tokens.py regenerates and compares them.

/// `ALPHA`: the letters spaCy knows (Latin, Cyrillic, Greek, and the "uncased" scripts).
#[rustfmt::skip]
const ALPHA: &[(u32, u32)] = &[
    (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x1BF), (0x1C4, 0x2AF),
    (0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x38F), (0x391, 0x3A9), (0x3AC, 0x3AF),
    (0x3B1, 0x3C9), (0x3CC, 0x3CE), (0x400, 0x401), (0x403, 0x40A), (0x40C, 0x40D), (0x410, 0x451),
    (0x453, 0x45A), (0x45C, 0x45D), (0x490, 0x491), (0x496, 0x497), (0x4A2, 0x4A3), (0x4AE, 0x4AF),
    (0x4BA, 0x4BB), (0x4D8, 0x4D9), (0x4E8, 0x4E9), (0x591, 0x5F4), (0x620, 0x64A), (0x66E, 0x6D5),
    (0x6E5, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8BD), (0x900, 0x9FF), (0xB80, 0xCFF), (0xD80, 0xDFF),
    (0x1100, 0x137F), (0x1D00, 0x1D25), (0x1D6B, 0x1D77), (0x1D79, 0x1D9A), (0x1E00, 0x1EFF),
    (0x2C60, 0x2C7B), (0x2C7E, 0x2C7F), (0x2E80, 0x2FDF), (0x2FF0, 0x30FF), (0x31C0, 0x31EF),
    (0x3200, 0x4DBF), (0x4E00, 0x9FFF), (0xA722, 0xA76F), (0xA771, 0xA787), (0xA78B, 0xA78E),
    (0xA790, 0xA7B9), (0xA7FA, 0xA7FA), (0xAB30, 0xAB5A), (0xAB60, 0xAB64), (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF), (0xFB1D, 0xFBB1), (0xFBD3, 0xFD3D), (0xFD50, 0xFDC7), (0xFDF0, 0xFDFB),
    (0xFE30, 0xFE4F), (0xFE70, 0xFEFC), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0x1EE00, 0x1EEBB),
    (0x1F200, 0x1F2FF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F),
];
/// `ALPHA_LOWER`: lower-case letters plus the uncased scripts (CJK, Arabic, Hebrew, ...).
#[rustfmt::skip]
const ALPHA_LOWER: &[(u32, u32, u32)] = &[
    (0x61, 0x7A, 1), (0xDF, 0xF6, 1), (0xF8, 0xFF, 1), (0x101, 0x137, 2), (0x138, 0x148, 2),
    (0x149, 0x177, 2), (0x17A, 0x17E, 2), (0x17F, 0x180, 1), (0x183, 0x185, 2), (0x188, 0x188, 1),
    (0x18C, 0x18D, 1), (0x192, 0x192, 1), (0x195, 0x195, 1), (0x199, 0x19B, 1), (0x19E, 0x19E, 1),
    (0x1A1, 0x1A5, 2), (0x1A8, 0x1AA, 2), (0x1AB, 0x1AD, 2), (0x1B0, 0x1B0, 1), (0x1B4, 0x1B6, 2),
    (0x1B9, 0x1BA, 1), (0x1BD, 0x1BF, 1), (0x1C6, 0x1C6, 1), (0x1C9, 0x1C9, 1), (0x1CC, 0x1DC, 2),
    (0x1DD, 0x1EF, 2), (0x1F0, 0x1F0, 1), (0x1F3, 0x1F5, 2), (0x1F9, 0x233, 2), (0x234, 0x239, 1),
    (0x23C, 0x23C, 1), (0x23F, 0x240, 1), (0x242, 0x242, 1), (0x247, 0x24F, 2), (0x250, 0x2AF, 1),
    (0x3AC, 0x3AF, 1), (0x3B1, 0x3C9, 1), (0x3CC, 0x3CE, 1), (0x430, 0x451, 1), (0x453, 0x45A, 1),
    (0x45C, 0x45D, 1), (0x491, 0x491, 1), (0x497, 0x497, 1), (0x4A3, 0x4A3, 1), (0x4AF, 0x4AF, 1),
    (0x4BB, 0x4BB, 1), (0x4D9, 0x4D9, 1), (0x4E9, 0x4E9, 1), (0x591, 0x5F4, 1), (0x620, 0x64A, 1),
    (0x66E, 0x6D5, 1), (0x6E5, 0x6FF, 1), (0x750, 0x77F, 1), (0x8A0, 0x8BD, 1), (0x900, 0x9FF, 1),
    (0xB80, 0xCFF, 1), (0xD80, 0xDFF, 1), (0x1100, 0x137F, 1), (0x1D00, 0x1D25, 1),
    (0x1D6B, 0x1D77, 1), (0x1D79, 0x1D9A, 1), (0x1E01, 0x1E95, 2), (0x1E96, 0x1E9D, 1),
    (0x1E9F, 0x1EFF, 2), (0x2C61, 0x2C61, 1), (0x2C65, 0x2C66, 1), (0x2C68, 0x2C6C, 2),
    (0x2C71, 0x2C73, 2), (0x2C74, 0x2C76, 2), (0x2C77, 0x2C7B, 1), (0x2E80, 0x2FDF, 1),
    (0x2FF0, 0x30FF, 1), (0x31C0, 0x31EF, 1), (0x3200, 0x4DBF, 1), (0x4E00, 0x9FFF, 1),
    (0xA723, 0xA72F, 2), (0xA730, 0xA731, 1), (0xA733, 0xA771, 2), (0xA772, 0xA778, 1),
    (0xA77A, 0xA77C, 2), (0xA77F, 0xA787, 2), (0xA78C, 0xA78E, 2), (0xA791, 0xA793, 2),
    (0xA794, 0xA795, 1), (0xA797, 0xA7A9, 2), (0xA7AF, 0xA7AF, 1), (0xA7B5, 0xA7B9, 2),
    (0xA7FA, 0xA7FA, 1), (0xAB30, 0xAB5A, 1), (0xAB60, 0xAB64, 1), (0xAC00, 0xD7AF, 1),
    (0xF900, 0xFAFF, 1), (0xFB1D, 0xFBB1, 1), (0xFBD3, 0xFD3D, 1), (0xFD50, 0xFDC7, 1),
    (0xFDF0, 0xFDFB, 1), (0xFE30, 0xFE4F, 1), (0xFE70, 0xFEFC, 1), (0xFF41, 0xFF5A, 1),
    (0x1EE00, 0x1EEBB, 1), (0x1F200, 0x1F2FF, 1), (0x20000, 0x2A6DF, 1), (0x2A700, 0x2EBEF, 1),
    (0x2F800, 0x2FA1F, 1),
];
/// `ALPHA_UPPER`: upper-case letters plus the uncased scripts.
#[rustfmt::skip]
const ALPHA_UPPER: &[(u32, u32, u32)] = &[
    (0x41, 0x5A, 1), (0xC0, 0xD6, 1), (0xD8, 0xDE, 1), (0x100, 0x136, 2), (0x139, 0x147, 2),
    (0x14A, 0x178, 2), (0x179, 0x17D, 2), (0x181, 0x182, 1), (0x184, 0x186, 2), (0x187, 0x189, 2),
    (0x18A, 0x18B, 1), (0x18E, 0x191, 1), (0x193, 0x194, 1), (0x196, 0x198, 1), (0x19C, 0x19D, 1),
    (0x19F, 0x1A0, 1), (0x1A2, 0x1A6, 2), (0x1A7, 0x1A9, 2), (0x1AC, 0x1AE, 2), (0x1AF, 0x1B1, 2),
    (0x1B2, 0x1B3, 1), (0x1B5, 0x1B7, 2), (0x1B8, 0x1B8, 1), (0x1BC, 0x1BC, 1), (0x1C4, 0x1C4, 1),
    (0x1C7, 0x1C7, 1), (0x1CA, 0x1CA, 1), (0x1CD, 0x1DB, 2), (0x1DE, 0x1EE, 2), (0x1F1, 0x1F1, 1),
    (0x1F4, 0x1F6, 2), (0x1F7, 0x1F8, 1), (0x1FA, 0x232, 2), (0x23A, 0x23B, 1), (0x23D, 0x23E, 1),
    (0x241, 0x243, 2), (0x244, 0x246, 1), (0x248, 0x24E, 2), (0x386, 0x388, 2), (0x389, 0x38A, 1),
    (0x38C, 0x38E, 2), (0x38F, 0x391, 2), (0x392, 0x3A9, 1), (0x400, 0x401, 1), (0x403, 0x40A, 1),
    (0x40C, 0x40D, 1), (0x410, 0x42F, 1), (0x490, 0x490, 1), (0x496, 0x496, 1), (0x4A2, 0x4A2, 1),
    (0x4AE, 0x4AE, 1), (0x4BA, 0x4BA, 1), (0x4D8, 0x4D8, 1), (0x4E8, 0x4E8, 1), (0x591, 0x5F4, 1),
    (0x620, 0x64A, 1), (0x66E, 0x6D5, 1), (0x6E5, 0x6FF, 1), (0x750, 0x77F, 1), (0x8A0, 0x8BD, 1),
    (0x900, 0x9FF, 1), (0xB80, 0xCFF, 1), (0xD80, 0xDFF, 1), (0x1100, 0x137F, 1),
    (0x1E00, 0x1E94, 2), (0x1E9E, 0x1EFE, 2), (0x2C60, 0x2C62, 2), (0x2C63, 0x2C64, 1),
    (0x2C67, 0x2C6D, 2), (0x2C6E, 0x2C70, 1), (0x2C72, 0x2C72, 1), (0x2C75, 0x2C75, 1),
    (0x2C7E, 0x2C7F, 1), (0x2E80, 0x2FDF, 1), (0x2FF0, 0x30FF, 1), (0x31C0, 0x31EF, 1),
    (0x3200, 0x4DBF, 1), (0x4E00, 0x9FFF, 1), (0xA722, 0xA72E, 2), (0xA732, 0xA76E, 2),
    (0xA779, 0xA77D, 2), (0xA77E, 0xA786, 2), (0xA78B, 0xA78D, 2), (0xA790, 0xA792, 2),
    (0xA796, 0xA7AA, 2), (0xA7AB, 0xA7AE, 1), (0xA7B0, 0xA7B4, 1), (0xA7B6, 0xA7B8, 2),
    (0xAC00, 0xD7AF, 1), (0xF900, 0xFAFF, 1), (0xFB1D, 0xFBB1, 1), (0xFBD3, 0xFD3D, 1),
    (0xFD50, 0xFDC7, 1), (0xFDF0, 0xFDFB, 1), (0xFE30, 0xFE4F, 1), (0xFE70, 0xFEFC, 1),
    (0xFF21, 0xFF3A, 1), (0x1EE00, 0x1EEBB, 1), (0x1F200, 0x1F2FF, 1), (0x20000, 0x2A6DF, 1),
    (0x2A700, 0x2EBEF, 1), (0x2F800, 0x2FA1F, 1),
];
/// `ICONS` (`_other_symbols`): category So as of spaCy's list, incl. most emoji.
#[rustfmt::skip]
const ICONS: &[(u32, u32)] = &[
    (0xA6, 0xA6), (0xA9, 0xA9), (0xAE, 0xAE), (0xB0, 0xB0), (0x482, 0x482), (0x58D, 0x58E),
    (0x60E, 0x60F), (0x6DE, 0x6DE), (0x6E9, 0x6E9), (0x6FD, 0x6FE), (0x7F6, 0x7F6), (0x9FA, 0x9FA),
    (0xB70, 0xB70), (0xBF3, 0xBF8), (0xBFA, 0xBFA), (0xC7F, 0xC7F), (0xD4F, 0xD4F), (0xD79, 0xD79),
    (0xF01, 0xF03), (0xF13, 0xF13), (0xF15, 0xF17), (0xF1A, 0xF1F), (0xF34, 0xF34), (0xF36, 0xF36),
    (0xF38, 0xF38), (0xFBE, 0xFC5), (0xFC7, 0xFCC), (0xFCE, 0xFCF), (0xFD5, 0xFD8),
    (0x109E, 0x109F), (0x1390, 0x1399), (0x1940, 0x1940), (0x19DE, 0x19FF), (0x1B61, 0x1B6A),
    (0x1B74, 0x1B7C), (0x2100, 0x2101), (0x2103, 0x2106), (0x2108, 0x2109), (0x2114, 0x2114),
    (0x2116, 0x2117), (0x211E, 0x2123), (0x2125, 0x2125), (0x2127, 0x2127), (0x2129, 0x2129),
    (0x212E, 0x212E), (0x213A, 0x213B), (0x214A, 0x214A), (0x214C, 0x214D), (0x214F, 0x214F),
    (0x218A, 0x218B), (0x2195, 0x2199), (0x219C, 0x219F), (0x21A1, 0x21A2), (0x21A4, 0x21A5),
    (0x21A7, 0x21AD), (0x21AF, 0x21CD), (0x21D0, 0x21D1), (0x21D3, 0x21D3), (0x21D5, 0x21F3),
    (0x2300, 0x2307), (0x230C, 0x231F), (0x2322, 0x2328), (0x232B, 0x237B), (0x237D, 0x239A),
    (0x23B4, 0x23DB), (0x23E2, 0x2426), (0x2440, 0x244A), (0x249C, 0x24E9), (0x2500, 0x25B6),
    (0x25B8, 0x25C0), (0x25C2, 0x25F7), (0x2600, 0x266E), (0x2670, 0x2767), (0x2794, 0x27BF),
    (0x2800, 0x28FF), (0x2B00, 0x2B2F), (0x2B45, 0x2B46), (0x2B4D, 0x2B73), (0x2B76, 0x2B95),
    (0x2B98, 0x2BC8), (0x2BCA, 0x2BFE), (0x2CE5, 0x2CEA), (0x2E80, 0x2E99), (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5), (0x2FF0, 0x2FFB), (0x3004, 0x3004), (0x3012, 0x3013), (0x3020, 0x3020),
    (0x3036, 0x3037), (0x303E, 0x303F), (0x3190, 0x3191), (0x3196, 0x319F), (0x31C0, 0x31E3),
    (0x3200, 0x321E), (0x322A, 0x3247), (0x3250, 0x3250), (0x3260, 0x327F), (0x328A, 0x32B0),
    (0x32C0, 0x32FE), (0x3300, 0x33FF), (0x4DC0, 0x4DFF), (0xA490, 0xA4C6), (0xA828, 0xA82B),
    (0xA836, 0xA837), (0xA839, 0xA839), (0xAA77, 0xAA79), (0xFDFD, 0xFDFD), (0xFFE4, 0xFFE4),
    (0xFFE8, 0xFFE8), (0xFFED, 0xFFEE), (0xFFFC, 0xFFFD), (0x10137, 0x1013F), (0x10179, 0x10189),
    (0x1018C, 0x1018E), (0x10190, 0x1019B), (0x101A0, 0x101A0), (0x101D0, 0x101FC),
    (0x10877, 0x10878), (0x10AC8, 0x10AC8), (0x1173F, 0x1173F), (0x16B3C, 0x16B3F),
    (0x16B45, 0x16B45), (0x1BC9C, 0x1BC9C), (0x1D000, 0x1D0F5), (0x1D100, 0x1D126),
    (0x1D129, 0x1D164), (0x1D16A, 0x1D16C), (0x1D183, 0x1D184), (0x1D18C, 0x1D1A9),
    (0x1D1AE, 0x1D1E8), (0x1D200, 0x1D241), (0x1D245, 0x1D245), (0x1D300, 0x1D356),
    (0x1D800, 0x1D9FF), (0x1DA37, 0x1DA3A), (0x1DA6D, 0x1DA74), (0x1DA76, 0x1DA83),
    (0x1DA85, 0x1DA86), (0x1ECAC, 0x1ECAC), (0x1F000, 0x1F02B), (0x1F030, 0x1F093),
    (0x1F0A0, 0x1F0AE), (0x1F0B1, 0x1F0BF), (0x1F0C1, 0x1F0CF), (0x1F0D1, 0x1F0F5),
    (0x1F110, 0x1F16B), (0x1F170, 0x1F1AC), (0x1F1E6, 0x1F202), (0x1F210, 0x1F23B),
    (0x1F240, 0x1F248), (0x1F250, 0x1F251), (0x1F260, 0x1F265), (0x1F300, 0x1F3FA),
    (0x1F400, 0x1F6D4), (0x1F6E0, 0x1F6EC), (0x1F6F0, 0x1F6F9), (0x1F700, 0x1F773),
    (0x1F780, 0x1F7D8), (0x1F800, 0x1F80B), (0x1F810, 0x1F847), (0x1F850, 0x1F859),
    (0x1F860, 0x1F887), (0x1F890, 0x1F8AD), (0x1F900, 0x1F90B), (0x1F910, 0x1F93E),
    (0x1F940, 0x1F970), (0x1F973, 0x1F976), (0x1F97A, 0x1F97A), (0x1F97C, 0x1F9A2),
    (0x1F9B0, 0x1F9B9), (0x1F9C0, 0x1F9C2), (0x1F9D0, 0x1F9FF), (0x1FA60, 0x1FA6D),
];
/// Python 3.11 `\d` (Unicode 14 Nd).
#[rustfmt::skip]
const DECIMAL: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6F0, 0x6F9), (0x7C0, 0x7C9), (0x966, 0x96F), (0x9E6, 0x9EF),
    (0xA66, 0xA6F), (0xAE6, 0xAEF), (0xB66, 0xB6F), (0xBE6, 0xBEF), (0xC66, 0xC6F), (0xCE6, 0xCEF),
    (0xD66, 0xD6F), (0xDE6, 0xDEF), (0xE50, 0xE59), (0xED0, 0xED9), (0xF20, 0xF29),
    (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9), (0x1810, 0x1819), (0x1946, 0x194F),
    (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99), (0x1B50, 0x1B59), (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629), (0xA8D0, 0xA8D9), (0xA900, 0xA909),
    (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59), (0xABF0, 0xABF9), (0xFF10, 0xFF19),
    (0x104A0, 0x104A9), (0x10D30, 0x10D39), (0x11066, 0x1106F), (0x110F0, 0x110F9),
    (0x11136, 0x1113F), (0x111D0, 0x111D9), (0x112F0, 0x112F9), (0x11450, 0x11459),
    (0x114D0, 0x114D9), (0x11650, 0x11659), (0x116C0, 0x116C9), (0x11730, 0x11739),
    (0x118E0, 0x118E9), (0x11950, 0x11959), (0x11C50, 0x11C59), (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9), (0x16A60, 0x16A69), (0x16AC0, 0x16AC9), (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF), (0x1E140, 0x1E149), (0x1E2F0, 0x1E2F9), (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Token texts, with a trailing '␣' marking `ws`.
    fn toks(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text)
            .iter()
            .map(|t| {
                let s: String = chars[t.start..t.end].iter().collect();
                if t.ws {
                    s + "␣"
                } else {
                    s
                }
            })
            .collect()
    }

    fn check(text: &str, want: &[&str]) {
        assert_eq!(toks(text), want, "tokens of {text:?}");
    }

    /// The invariants of the module header, for any text.
    fn assert_invariants(text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(text);
        let mut rebuilt = String::new();
        let mut pos = 0;
        for t in &tokens {
            assert!(t.start < t.end, "empty token {t:?} in {text:?}");
            assert_eq!(t.start, pos, "gap or overlap before {t:?} in {text:?}");
            rebuilt.extend(&chars[t.start..t.end]);
            pos = t.end;
            if t.ws {
                assert_eq!(
                    chars.get(pos),
                    Some(&' '),
                    "ws without a space after {t:?} in {text:?}"
                );
                rebuilt.push(' ');
                pos += 1;
            }
        }
        assert_eq!(pos, chars.len(), "tokens do not reach the end of {text:?}");
        assert_eq!(rebuilt, text);
        // Every token boundary is a grapheme-cluster boundary.
        let mut clusters = std::collections::HashSet::new();
        let mut ch = 0;
        for g in text.graphemes(true) {
            clusters.insert(ch);
            ch += g.chars().count();
        }
        clusters.insert(ch);
        for t in &tokens {
            assert!(
                clusters.contains(&t.start) && clusters.contains(&t.end),
                "{t:?} cuts a cluster in {text:?}"
            );
        }
    }

    #[test]
    fn empty_text_has_no_tokens() {
        assert!(tokenize("").is_empty());
    }

    #[test]
    fn whitespace_runs() {
        check("a b", &["a␣", "b"]);
        // One plain space is `ws`; the rest of a run is one token.
        check("a  b", &["a␣", " ", "b"]);
        check("a\n\nb", &["a", "\n\n", "b"]);
        check("a \nb", &["a␣", "\n", "b"]);
        check("a\n b", &["a", "\n ", "b"]);
        check("a \n b", &["a␣", "\n ", "b"]);
        check("a\tb", &["a", "\t", "b"]);
        check("a\u{a0}b", &["a", "\u{a0}", "b"]);
        check("a \u{a0} b", &["a␣", "\u{a0} ", "b"]);
        // Leading whitespace, even one space, is a token; a final single
        // space is `ws`, more is a token.
        check(" a", &[" ", "a"]);
        check("  a", &["  ", "a"]);
        check("\na", &["\n", "a"]);
        check("a ", &["a␣"]);
        check("a  ", &["a␣", " "]);
        check("a\n", &["a", "\n"]);
        check(" ", &[" "]);
        check("\n\n", &["\n\n"]);
        // Python's isspace includes U+001C..U+001F; U+200B is not a space.
        check("a\u{1f}b", &["a", "\u{1f}", "b"]);
        check("a\u{200b}b", &["a\u{200b}b"]);
    }

    #[test]
    fn prefixes_suffixes_and_infixes() {
        check("17,500-strong", &["17,500", "-", "strong"]);
        check("al-Qaeda", &["al", "-", "Qaeda"]);
        check("Mali’s", &["Mali", "’s"]);
        check("Mali's", &["Mali", "'s"]);
        check("(hello),", &["(", "hello", ")", ","]);
        check(
            "“We cannot keep up,”",
            &["“", "We␣", "can", "not␣", "keep␣", "up", ",", "”"],
        );
        check("MINUSMA…", &["MINUSMA", "…"]);
        check("Wait...", &["Wait", "..."]);
        check("so--on", &["so", "--", "on"]);
        check("a---b", &["a", "---", "b"]);
        check("well-known", &["well", "-", "known"]);
        check("1+1=2", &["1", "+", "1=2"]);
        check("3-4", &["3", "-", "4"]);
        check("hello.World", &["hello", ".", "World"]);
        check("a,b", &["a", ",", "b"]);
        check("a/b", &["a", "/", "b"]);
        check("3.14", &["3.14"]);
        check("………", &["…", "……"]);
    }

    #[test]
    fn numbers_units_currency() {
        check("50kg", &["50", "kg"]);
        check("$3.5bn", &["$", "3.5bn"]);
        check("12%", &["12", "%"]);
        check("US$5", &["US$", "5"]);
        check("5km²", &["5", "km²"]);
        check("10m/s", &["10", "m/s"]);
        check("30°C.", &["30", "°", "C", "."]);
        check("100+", &["100", "+"]);
        check("+5", &["+5"]);
        check("+x", &["+", "x"]);
        check("€2bn", &["€", "2bn"]);
    }

    #[test]
    fn exceptions() {
        check("don't", &["do", "n't"]);
        check("don’t", &["do", "n’t"]);
        check("Can't", &["Ca", "n't"]);
        check("I'm", &["I", "'m"]);
        check("cannot", &["can", "not"]);
        check("gonna", &["gon", "na"]);
        check("y'all", &["y'", "all"]);
        check("U.S.", &["U.S."]);
        check("(U.S.)", &["(", "U.S.", ")"]);
        check("Mr.", &["Mr."]);
        check("Mr.)", &["Mr.", ")"]);
        check("e.g.,", &["e.g.", ","]);
        check("5p.m.", &["5", "p.m."]);
        check(":)", &[":)"]);
        check("(:)", &["(", ":)"]);
        check("<3", &["<3"]);
        check("C++", &["C++"]);
        check("°C.", &["°", "C", "."]);
        // Deliberately not exceptions in spaCy.
        check("ill", &["ill"]);
        check("its", &["its"]);
        check("well", &["well"]);
        // The special-case matcher re-joins what infix splitting cut apart.
        check("x-and/or", &["x", "-", "and/or"]);
        // ... but not across a space.
        check("' s", &["'␣", "s"]);
    }

    #[test]
    fn urls_and_emails() {
        check(
            "https://example.com/foo.",
            &["https://example.com/foo", "."],
        );
        check("www.bbc.co.uk/news-feed", &["www.bbc.co.uk/news-feed"]);
        check("john.doe@example.co.uk!", &["john.doe@example.co.uk", "!"]);
        check("8.8.8.8:53/dns", &["8.8.8.8:53/dns"]);
        check("example.org:8080", &["example.org:8080"]);
        // Not URLs: private IP ranges, an upper-case TLD, a one-letter TLD.
        check("192.168.1.1", &["192.168.1.1"]);
        check("10.0.0.1/x-y", &["10.0.0.1", "/", "x", "-", "y"]);
        // "a" "." "Com" after infix splitting; the matcher re-joins "a." (an exception).
        check("a.Com-x", &["a.", "Com", "-", "x"]);
        check("x.y-z", &["x.y", "-", "z"]);
        check("x.yz-z", &["x.yz", "-", "z"]);
        check("x.yz/z-z", &["x.yz/z-z"]);
    }

    #[test]
    fn scripts_and_icons() {
        check("（JICA）", &["（", "JICA", "）"]);
        // No affix rule applies between CJK characters; each is a token
        // (a script written without spaces), other runs stay whole.
        check("国際協力機構（JICA）は", &["国", "際", "協", "力", "機", "構", "（", "JICA", "）", "は"]);
        check("ワグネルはマリから撤退した。", &["ワ", "グ", "ネ", "ル", "は", "マ", "リ", "か", "ら", "撤", "退", "し", "た", "。"]);
        check("(الجزيرة)", &["(", "الجزيرة", ")"]);
        check("«Привет»,", &["«", "Привет", "»", ","]);
        check("©2024", &["©", "2024"]);
        check("👍x", &["👍", "x"]);
    }

    #[test]
    fn a_prepend_character_keeps_its_trailing_space() {
        // U+0600 ARABIC NUMBER SIGN prepends to what follows, even a space.
        let tokens = tokenize("\u{600} ");
        assert_eq!(tokens, vec![Token { start: 0, end: 2, ws: false }]);
    }

    #[test]
    fn grapheme_clusters_are_never_split() {
        // spaCy: "👩", "🏾\u{200d}", "🍳".
        check("👩🏾\u{200d}🍳", &["👩🏾\u{200d}🍳"]);
        check(
            "👨\u{200d}👩\u{200d}👧\u{200d}👦!",
            &["👨\u{200d}👩\u{200d}👧\u{200d}👦", "!"],
        );
        // spaCy: "🇲", "🇱".
        check("🇲🇱", &["🇲🇱"]);
        check("🇲🇱🇫🇷", &["🇲🇱", "🇫🇷"]);
        // spaCy: "👍", "🏾." (no '.' suffix after a skin tone).
        check("👍🏾.", &["👍🏾."]);
        // A combining mark after punctuation belongs to the punctuation's
        // cluster; spaCy's "(" "\u{301}x" ")" becomes "(\u{301}x" ")".
        check("(\u{301}x)", &["(\u{301}x", ")"]);
        // A space followed by a combining mark is one cluster: spaCy's
        // "a" ␣ "\u{301}b" becomes one token containing the space.
        check("a \u{301}b c", &["a \u{301}b␣", "c"]);
        // The mark is not in the '.'-suffix lookbehind class (spaCy agrees).
        check("e\u{301}.", &["e\u{301}."]);
    }

    #[test]
    fn offsets_are_code_points() {
        let text = "Zoë 👩🏾‍🍳 said: “ok”.";
        let t = tokenize(text);
        assert_eq!(
            t[0],
            Token {
                start: 0,
                end: 3,
                ws: true
            }
        );
        assert_eq!(
            t[1],
            Token {
                start: 4,
                end: 8,
                ws: true
            }
        );
        assert_invariants(text);
    }

    #[test]
    fn articles_keep_the_invariants() {
        for text in [
            include_str!("../../../assets/articles/mali-russia-wagner.txt"),
            include_str!("../../../assets/articles/unicode-stress.txt"),
        ] {
            assert_invariants(text);
        }
    }

    #[test]
    fn a_long_line_without_breaks_is_tokenised_in_small_pieces() {
        // The articles with their line breaks made spaces (double spaces,
        // abbreviations, emoji, combining marks, RTL), 190 KB on one line.
        let article = include_str!("../../../assets/articles/mali-russia-wagner.txt").replace('\n', " ");
        let unicode = include_str!("../../../assets/articles/unicode-stress.txt").replace('\n', " ");
        let text = format!("{article} {unicode} ").repeat(60);
        let mut steps = TokenizeInSteps::new();
        let (mut pieces, mut before) = (0, 0);
        while !steps.step(&text, 4096) {
            pieces += 1;
            assert!(steps.byte - before < 8192, "a piece of {} bytes", steps.byte - before);
            before = steps.byte;
        }
        assert!(pieces > 20, "{pieces} pieces");
        assert_eq!(steps.into_tokens(), tokenize(&text));
    }

    #[test]
    fn long_unbroken_inputs_keep_the_invariants() {
        // Affix loops, dot runs, '@'-heavy URL candidates and unbroken infix
        // chains on one 200 000-character chunk each. Their speed is a
        // benchmark row (benches/core.rs), never a timed assertion: a loaded
        // machine would fail it for no fault of the code.
        let n = 200_000;
        for unit in ["(", ")", ".", "…", "a-", "a@", "x.", "'s", "\u{301}", "🇲"] {
            assert_invariants(&unit.repeat(n / unit.len()));
        }
    }

    /// Pieces that exercise every rule: whitespace of all kinds, affixes,
    /// exceptions, URL parts, emoji parts, combining marks.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec![
                " ", "  ", "\n", "\n\n", "\t", "\u{a0}", "\r\n", "\u{3000}", "\u{2028}",
                "a", "Z", "é", "ß", "日", "ج", "1", "42", ".", ",", "-", "—", "'", "’", "\"", "“", "”",
                "(", ")", "[", "…", "..", "$", "%", "°", "+", "/", ":", "@", "#", "?", "!",
                "'s", "n't", "U.S.", "Mr.", ":)", "and/or", "kg", "US$", "http://", "www.", ".com",
                "👍", "🏾", "\u{200d}", "👩", "🍳", "🇲", "🇱", "\u{301}", "\u{fe0f}", "\u{20e3}", "\u{600}",
            ])
            .prop_map(str::to_string),
            1 => any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_unicode_keeps_the_invariants(text in any::<String>()) {
            assert_invariants(&text);
        }

        #[test]
        fn mixed_pieces_keep_the_invariants(pieces in prop::collection::vec(piece(), 0..40)) {
            assert_invariants(&pieces.concat());
        }

        #[test]
        fn tokenizing_in_steps_equals_tokenizing_at_once(
            pieces in prop::collection::vec(prop_oneof![3 => piece(), 1 => Just("\nA".to_string())], 0..60),
            bytes in 1usize..12,
        ) {
            let text = pieces.concat();
            let mut steps = TokenizeInSteps::new();
            let mut n = 0;
            while !steps.step(&text, bytes) {
                n += 1;
                prop_assert!(n <= text.len(), "no progress");
            }
            prop_assert_eq!(steps.into_tokens(), tokenize(&text));
        }
    }
}
