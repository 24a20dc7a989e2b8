//! A `T` line's offsets against the `.txt`: Python string offsets, that is
//! Unicode code points, end exclusive (brat reads both files as UTF-8 into
//! Python `str`s and slices them), so they index `chars` directly.
//!
//! brat's rules (`TextAnnotations._parse_textbound_annotation`): fragments
//! `start end` separated by `;`, none reversed, none past the text, none
//! overlapping another; the text field begins with the fragments' texts
//! joined by one space, and anything after that begins with whitespace; an
//! empty text field is filled from the text. Every number is hostile until
//! checked: a word that is not a whole number, a negative or huge one is
//! an error naming it, never a panic.

/// Characters that end a line for brat (Python reads `.ann` files with
/// universal newlines) or for any Python reader using `str.splitlines`.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The fragments of `start..end` between line breaks, as `(start, end)`:
/// how the export writes a span that crosses a line break (brat's text
/// field is one line).
pub(crate) fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = start;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        if is_line_break(c) {
            if from < i {
                out.push((from, i));
            }
            from = i + 1;
        }
    }
    if from < end {
        out.push((from, end));
    }
    out
}

/// The text of `start..end` (in range: checked by [`read_offsets`]).
pub(crate) fn quote(chars: &[char], start: usize, end: usize) -> String {
    chars[start..end].iter().collect()
}

/// One offset: a whole number from 0, at most the text's length.
fn offset(id: &str, word: &str, len: usize) -> Result<usize, String> {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only its size can be wrong.
        return match word.parse::<usize>() {
            Ok(n) if n <= len => Ok(n),
            _ => Err(format!("{id}'s offset {word} is beyond the end of the text ({len} characters)")),
        };
    }
    if word.strip_prefix('-').is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("{id}'s offset {word} is negative (offsets count characters from 0)"));
    }
    Err(format!("{id}'s offset '{word}' is not a number (offsets are whole numbers of characters)"))
}

/// The fragments a `T` line's offsets name, checked against a text of
/// `len` code points: in range, not reversed, not overlapping.
pub(crate) fn read_offsets(id: &str, offsets: &str, len: usize) -> Result<Vec<(usize, usize)>, String> {
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for piece in offsets.split(';') {
        // brat: `start_str, end_str = span_str.split(' ', 2)`, trailing whitespace ignored.
        let (a, b) = piece
            .trim_end()
            .split_once(' ')
            .filter(|(a, b)| !a.is_empty() && !b.contains(char::is_whitespace))
            .ok_or_else(|| format!("{id}'s offsets '{offsets}' are not 'start end' or 'start end;start end'"))?;
        let (start, end) = (offset(id, a, len)?, offset(id, b, len)?);
        if start > end {
            return Err(format!("{id}'s offsets {start} {end} are reversed (the start is after the end)"));
        }
        if let Some(&(s, e)) = pieces.iter().find(|&&(s, e)| start < e && s < end) {
            return Err(format!("{id}'s fragments {s} {e} and {start} {end} overlap"));
        }
        pieces.push((start, end));
    }
    Ok(pieces)
}

/// How a `T` line's text field fits its fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Exactly the fragments' texts (trailing whitespace aside).
    Exact,
    /// No text field: brat fills it from the text (and so does the export).
    Filled,
    /// The fragments' texts, then more after a space: brat keeps the rest.
    Longer,
}

/// Checks the text field against the text, as brat does.
pub(crate) fn check_quote(id: &str, pieces: &[(usize, usize)], quoted: Option<&str>, chars: &[char]) -> Result<Fit, String> {
    let texts: Vec<String> = pieces.iter().map(|&(a, b)| quote(chars, a, b)).collect();
    let expected = texts.join(" ");
    let Some(quoted) = quoted.filter(|q| !q.trim().is_empty()) else {
        return Ok(Fit::Filled);
    };
    let n = expected.chars().count();
    let split = quoted.char_indices().nth(n).map_or(quoted.len(), |(b, _)| b);
    let (head, rest) = quoted.split_at(split);
    if head != expected {
        let (first, last) = (pieces[0].0, pieces[pieces.len() - 1].1);
        return Err(format!("{id} says '{quoted}' but the text at {first}–{last} is '{expected}'"));
    }
    match rest.chars().next() {
        None => Ok(Fit::Exact),
        Some(c) if c.is_whitespace() && rest.trim().is_empty() => Ok(Fit::Exact),
        Some(c) if c.is_whitespace() => Ok(Fit::Longer),
        Some(_) => Err(format!("{id} says '{quoted}' but the text at its offsets is '{expected}'")),
    }
}

/// The one continuous span the fragments make, when they are exactly the
/// pieces the export would write for it (split at line breaks only).
/// Other fragments cannot be a Marginalia span without changing what was
/// annotated (the text between them would become part of it).
pub(crate) fn as_span(pieces: &[(usize, usize)], chars: &[char]) -> Option<(usize, usize)> {
    let (start, end) = (pieces.first()?.0, pieces.last()?.1);
    (start < end && fragments(chars, start, end) == pieces).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::cp;

    const TEXT: &str = "👨‍👩‍👧‍👦 e\u{301}cole 国際 الجزيرة\nGoïta";

    fn chars() -> Vec<char> {
        TEXT.chars().collect()
    }

    #[test]
    fn offsets_are_code_points_as_python_slices_them() {
        // Python: len("👨‍👩‍👧‍👦") == 7 (four people, three joiners); "é" here is e + U+0301.
        let c = chars();
        assert_eq!(cp(TEXT, "e\u{301}cole"), (8, 14));
        assert_eq!(quote(&c, 8, 14), "e\u{301}cole");
        let (s, e) = cp(TEXT, "الجزيرة");
        assert_eq!(read_offsets("T1", &format!("{s} {e}"), c.len()).unwrap(), [(s, e)]);
        assert_eq!(check_quote("T1", &[(s, e)], Some("الجزيرة"), &c), Ok(Fit::Exact));
        // The family emoji alone is 7 code points, not 1 (graphemes) or 11 (UTF-16).
        assert_eq!(check_quote("T1", &[(0, 7)], Some("👨‍👩‍👧‍👦"), &c), Ok(Fit::Exact));
        assert!(check_quote("T1", &[(0, 1)], Some("👨‍👩‍👧‍👦"), &c).is_err());
    }

    #[test]
    fn hostile_numbers_are_errors_that_name_them() {
        let len = chars().len();
        let err = |o: &str| read_offsets("T1", o, len).unwrap_err();
        assert_eq!(err("3 99"), format!("T1's offset 99 is beyond the end of the text ({len} characters)"));
        assert_eq!(err("3 99999999999999999999999"), format!("T1's offset 99999999999999999999999 is beyond the end of the text ({len} characters)"));
        assert_eq!(err("-1 4"), "T1's offset -1 is negative (offsets count characters from 0)");
        assert_eq!(err("x 4"), "T1's offset 'x' is not a number (offsets are whole numbers of characters)");
        assert_eq!(err("+1 4"), "T1's offset '+1' is not a number (offsets are whole numbers of characters)");
        assert_eq!(err("1.5 4"), "T1's offset '1.5' is not a number (offsets are whole numbers of characters)");
        assert_eq!(err("9 4"), "T1's offsets 9 4 are reversed (the start is after the end)");
        assert_eq!(err("0 5;3 8"), "T1's fragments 0 5 and 3 8 overlap");
        assert_eq!(err("0-5"), "T1's offsets '0-5' are not 'start end' or 'start end;start end'");
        assert_eq!(err("0 5;"), "T1's offsets '0 5;' are not 'start end' or 'start end;start end'");
        assert_eq!(err("0  5"), "T1's offsets '0  5' are not 'start end' or 'start end;start end'");
        // Out of order but apart is brat-valid (not a span: see `as_span`).
        assert_eq!(read_offsets("T1", "8 14;0 7", len).unwrap(), [(8, 14), (0, 7)]);
        assert_eq!(read_offsets("T1", "3 3", len).unwrap(), [(3, 3)]);
    }

    #[test]
    fn fragments_are_one_span_only_when_split_at_line_breaks() {
        let c = chars();
        let (goita, _) = cp(TEXT, "Goïta");
        let (arabic, _) = cp(TEXT, "الجزيرة");
        let nl = goita - 1;
        assert_eq!(as_span(&[(arabic, nl), (goita, goita + 5)], &c), Some((arabic, goita + 5)));
        assert_eq!(check_quote("T1", &[(arabic, nl), (goita, goita + 5)], Some("الجزيرة Goïta"), &c), Ok(Fit::Exact));
        // A gap with a space in it, or other text, is not a line-break split.
        assert_eq!(as_span(&[(8, 14), (15, 17)], &c), None);
        assert_eq!(as_span(&[(0, 7), (15, 17)], &c), None);
        assert_eq!(as_span(&[(3, 3)], &c), None);
        assert_eq!(as_span(&[(8, 14)], &c), Some((8, 14)));
    }

    #[test]
    fn the_text_field_follows_brat() {
        let c = chars();
        assert_eq!(check_quote("T1", &[(8, 14)], None, &c), Ok(Fit::Filled));
        assert_eq!(check_quote("T1", &[(8, 14)], Some(" "), &c), Ok(Fit::Filled));
        assert_eq!(check_quote("T1", &[(8, 14)], Some("e\u{301}cole  "), &c), Ok(Fit::Exact));
        assert_eq!(check_quote("T1", &[(8, 14)], Some("e\u{301}cole more"), &c), Ok(Fit::Longer));
        assert_eq!(
            check_quote("T1", &[(8, 14)], Some("e\u{301}coles"), &c).unwrap_err(),
            "T1 says 'e\u{301}coles' but the text at its offsets is 'e\u{301}cole'"
        );
        assert_eq!(check_quote("T1", &[(8, 14)], Some("école"), &c).unwrap_err(), "T1 says 'école' but the text at 8–14 is 'e\u{301}cole'");
    }
}
