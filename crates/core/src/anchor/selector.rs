//! What a span is anchored by (the W3C TextQuoteSelector plus the old
//! position, as Hypothesis stores it), and how well a place in the new text
//! fits it.
//!
//! Units: code points.

use super::approx::{edit_distance, Pattern};
use serde::Serialize;

/// Code points of context kept on each side of the quote (Hypothesis and
/// dom-anchor-text-quote use 32).
pub const CONTEXT_CHARS: usize = 32;

/// A candidate farther than this from where the diff says the span went
/// scores nothing for position.
const POSITION_SCALE: f64 = 1000.0;

/// Hypothesis's weights: the quote counts most, each side of the context
/// less, the position least (a tie-breaker).
const QUOTE_WEIGHT: f64 = 50.0;
const CONTEXT_WEIGHT: f64 = 20.0;
const POSITION_WEIGHT: f64 = 10.0;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteSelector {
    /// The span's text.
    pub exact: String,
    /// Up to [`CONTEXT_CHARS`] code points before it, and after it.
    pub prefix: String,
    pub suffix: String,
    /// Its offsets in the old text.
    pub start: usize,
    pub end: usize,
}

impl QuoteSelector {
    pub fn of(text: &[char], start: usize, end: usize) -> QuoteSelector {
        let string = |range: &[char]| range.iter().collect::<String>();
        QuoteSelector {
            exact: string(&text[start..end]),
            prefix: string(&text[start.saturating_sub(CONTEXT_CHARS)..start]),
            suffix: string(&text[end..(end + CONTEXT_CHARS).min(text.len())]),
            start,
            end,
        }
    }
}

/// The selector as code points, for matching; the context's bit masks are
/// built once per span, not once per candidate.
pub(super) struct Needles {
    pub exact: Vec<char>,
    pub prefix: Vec<char>,
    pub suffix: Vec<char>,
    prefix_pattern: Pattern,
    suffix_pattern: Pattern,
}

impl From<&QuoteSelector> for Needles {
    fn from(s: &QuoteSelector) -> Self {
        let (prefix, suffix): (Vec<char>, Vec<char>) = (s.prefix.chars().collect(), s.suffix.chars().collect());
        Needles {
            exact: s.exact.chars().collect(),
            prefix_pattern: Pattern::new(&prefix),
            suffix_pattern: Pattern::new(&suffix),
            prefix,
            suffix,
        }
    }
}

/// How well `[start, end)` of the new text fits a selector, each part 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fit {
    /// 1 − edit distance / the longer of the quote and the found text.
    pub quote: f64,
    pub prefix: f64,
    pub suffix: f64,
    /// 1 at the diff's position hint, 0 from [`POSITION_SCALE`] away.
    pub position: f64,
}

impl Fit {
    pub fn measure(needles: &Needles, text: &[char], start: usize, end: usize, hint: usize) -> Fit {
        let found = &text[start..end];
        let quote = if found == needles.exact.as_slice() {
            1.0
        } else {
            let longer = found.len().max(needles.exact.len()) as f64;
            1.0 - edit_distance(&needles.exact, found) as f64 / longer
        };
        let before = &text[start.saturating_sub(needles.prefix.len())..start];
        let after = &text[end..(end + needles.suffix.len()).min(text.len())];
        Fit {
            quote,
            // Unchanged context is the common case (and every copy of a
            // repeated passage): equal slices need no scan.
            prefix: if before == needles.prefix.as_slice() { 1.0 } else { needles.prefix_pattern.similarity(before) },
            suffix: if after == needles.suffix.as_slice() { 1.0 } else { needles.suffix_pattern.similarity(after) },
            position: 1.0 - (start.abs_diff(hint) as f64 / POSITION_SCALE).min(1.0),
        }
    }

    /// What the text says, position aside: candidates are compared on it,
    /// so that a position guess never settles a tie between equal texts.
    pub fn evidence(&self) -> f64 {
        (QUOTE_WEIGHT * self.quote + CONTEXT_WEIGHT * (self.prefix + self.suffix)) / (QUOTE_WEIGHT + 2.0 * CONTEXT_WEIGHT)
    }

    /// The confidence reported for a fuzzy match, 0..1.
    pub fn confidence(&self) -> f64 {
        (QUOTE_WEIGHT * self.quote + CONTEXT_WEIGHT * (self.prefix + self.suffix) + POSITION_WEIGHT * self.position)
            / (QUOTE_WEIGHT + 2.0 * CONTEXT_WEIGHT + POSITION_WEIGHT)
    }

    /// At least one side of the context is still mostly there.
    pub fn context_supports(&self) -> bool {
        self.prefix.max(self.suffix) >= 0.5
    }
}
