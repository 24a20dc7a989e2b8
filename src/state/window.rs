//! The window of paragraphs drawn with their annotations: those in and
//! near the viewport (the rest render as plain text).
//!
//! Units: paragraph indices into `Article::paragraphs`, end exclusive.

use marginalia_core::article::Article;
use std::ops::Range;

/// Paragraphs drawn with annotations beyond each edge of the viewport, so
/// scrolling reveals finished paragraphs.
const MARGIN: usize = 12;

/// The window for paragraphs `first..last` in view, widened by the margin.
pub(super) fn window_around(first: usize, last: usize, n: usize) -> Range<usize> {
    first.saturating_sub(MARGIN)..(last + MARGIN).min(n)
}

/// Whether paragraphs `first..last` in view come near the edge of the
/// decorated window (hysteresis: small scrolls change nothing).
pub fn window_needs_moving(decorated: &Range<usize>, first: usize, last: usize, n: usize) -> bool {
    let low_ok = decorated.start == 0 || first >= decorated.start + MARGIN / 2;
    let high_ok = decorated.end >= n || last + MARGIN / 2 <= decorated.end;
    !(low_ok && high_ok)
}

/// Before the viewport is measured: the paragraphs that fill a common
/// screen (some 2,000 characters), and half the margin below them, so that
/// a first scroll finds the window to move before it shows plain text. Each
/// paragraph decorated here is drawn before the article first shows; a
/// taller screen is measured in the next frame.
pub(super) fn initial_window(article: &Article) -> Range<usize> {
    let n = article.paragraphs().len();
    let mut chars = 0;
    let mut last = 0;
    for (i, p) in article.paragraphs().iter().enumerate() {
        chars += p.end - p.start;
        last = i + 1;
        if chars > 2_000 {
            break;
        }
    }
    0..(last + MARGIN / 2).min(n)
}
