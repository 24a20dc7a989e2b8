//! The keyboard caret: a token range driven by arrow keys, so that an
//! annotator can label without the mouse.
//!
//! Units: token indices into [`Article::tokens`]; whitespace tokens are
//! skipped. `anchor` stays put while Shift+arrows move `focus`. ← and →
//! are visual ([`Motion::Left`], [`Motion::Right`]): in a right-to-left
//! paragraph (`text_direction.rs`) → moves to the previous token.

use crate::article::Article;
use crate::text_direction::{paragraph_direction, Direction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caret {
    pub anchor: usize,
    pub focus: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    NextToken,
    PrevToken,
    /// The token to the right as the reader sees it: the next one in a
    /// left-to-right paragraph, the previous one in a right-to-left one.
    Right,
    Left,
    NextParagraph,
    PrevParagraph,
    LineStart,
    LineEnd,
}

impl Caret {
    /// A caret on the first word token at or after code point `cp`.
    pub fn at(article: &Article, cp: usize) -> Option<Caret> {
        let tokens = article.tokens();
        let mut i = tokens.partition_point(|t| t.end <= cp);
        while i < tokens.len() && article.is_space_token(i) {
            i += 1;
        }
        (i < tokens.len()).then_some(Caret { anchor: i, focus: i })
    }

    /// The code-point range from the first to the last selected token.
    pub fn range(&self, article: &Article) -> (usize, usize) {
        let t = article.tokens();
        let (a, b) = (self.anchor.min(self.focus), self.anchor.max(self.focus));
        (t[a].start, t[b].end)
    }

    /// A caret over the tokens of `[start, end)` (a selected span), its
    /// focus on the side `motion` leaves from, so that the first arrow after
    /// labelling moves on from the span instead of back into it.
    pub fn over(article: &Article, start: usize, end: usize, motion: Motion) -> Option<Caret> {
        let first = Caret::at(article, start)?.focus;
        let last = article.token_at(end.saturating_sub(1)).filter(|&l| l >= first).unwrap_or(first);
        let forward = matches!(logical(article, first, motion), Motion::NextToken | Motion::NextParagraph | Motion::LineEnd);
        Some(if forward { Caret { anchor: first, focus: last } } else { Caret { anchor: last, focus: first } })
    }

    /// Moves the focus; with `extend` the anchor stays, else it follows.
    pub fn moved(self, article: &Article, motion: Motion, extend: bool) -> Caret {
        let focus = target(article, self.focus, logical(article, self.focus, motion)).unwrap_or(self.focus);
        Caret { anchor: if extend { self.anchor } else { focus }, focus }
    }
}

/// `motion` in text order, for a caret on token `at`.
fn logical(article: &Article, at: usize, motion: Motion) -> Motion {
    let right_to_left = || {
        let p = article.tokens().get(at).and_then(|t| article.paragraph_at(t.start));
        p.and_then(|p| article.paragraphs().get(p)).is_some_and(|p| paragraph_direction(article.slice(p.start, p.end)) == Direction::RightToLeft)
    };
    match motion {
        Motion::Right if right_to_left() => Motion::PrevToken,
        Motion::Right => Motion::NextToken,
        Motion::Left if right_to_left() => Motion::NextToken,
        Motion::Left => Motion::PrevToken,
        other => other,
    }
}

fn target(article: &Article, from: usize, motion: Motion) -> Option<usize> {
    let n = article.tokens().len();
    let word = |i: &usize| !article.is_space_token(*i);
    let par_of = |i: usize| article.paragraph_at(article.tokens()[i].start);
    match motion {
        Motion::NextToken => (from + 1..n).find(word),
        Motion::PrevToken => (0..from).rev().find(word),
        Motion::Right | Motion::Left => unreachable!("made logical by `logical` first"),
        Motion::NextParagraph => {
            let p = par_of(from)? + 1;
            let par = article.paragraphs().get(p)?;
            Caret::at(article, par.start).map(|c| c.focus)
        }
        Motion::PrevParagraph => {
            let p = par_of(from)?.checked_sub(1)?;
            Caret::at(article, article.paragraphs()[p].start).map(|c| c.focus)
        }
        Motion::LineStart => {
            let par = article.paragraphs()[par_of(from)?];
            Caret::at(article, par.start).map(|c| c.focus)
        }
        Motion::LineEnd => {
            let par = article.paragraphs()[par_of(from)?];
            (0..n).rev().filter(word).find(|&i| article.tokens()[i].end <= par.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_arrows_extend_over_tokens_and_skip_line_breaks() {
        let a = Article::new("t", "t", "Mali’s minister, Abdallah Diop.\n\nDiop told").unwrap();
        let mut c = Caret::at(&a, 0).unwrap();
        for _ in 0..4 {
            c = c.moved(&a, Motion::NextToken, false);
        }
        assert_eq!(a.slice(c.range(&a).0, c.range(&a).1), "Abdallah");
        c = c.moved(&a, Motion::NextToken, true);
        let (s, e) = c.range(&a);
        assert_eq!(a.slice(s, e), "Abdallah Diop");
        c = c.moved(&a, Motion::NextParagraph, false);
        assert_eq!(a.slice(c.range(&a).0, c.range(&a).1), "Diop");
        c = c.moved(&a, Motion::PrevToken, false);
        assert_eq!(a.slice(c.range(&a).0, c.range(&a).1), ".", "the line break token is skipped");
        c = c.moved(&a, Motion::LineStart, false);
        assert_eq!(a.slice(c.range(&a).0, c.range(&a).1), "Mali");
    }

    fn text(a: &Article, c: Caret) -> &str {
        let (s, e) = c.range(a);
        a.slice(s, e)
    }

    #[test]
    fn arrows_follow_what_the_reader_sees_in_right_to_left_paragraphs() {
        let a = Article::new("t", "t", "Diop told Bamako.\n\nقالت الحكومة المالية").unwrap();
        let ar = a.text().find('ق').map(|b| a.text()[..b].chars().count()).unwrap();
        let c = Caret::at(&a, ar).unwrap();
        assert_eq!(text(&a, c), "قالت");
        // ← moves on in Arabic (the next word is drawn to the left).
        assert_eq!(text(&a, c.moved(&a, Motion::Left, false)), "الحكومة");
        assert_eq!(text(&a, c.moved(&a, Motion::Left, false).moved(&a, Motion::Right, false)), "قالت");
        // In the English paragraph → is the next token.
        let c = Caret::at(&a, 0).unwrap();
        assert_eq!(text(&a, c.moved(&a, Motion::Right, false)), "told");
        assert_eq!(text(&a, c.moved(&a, Motion::Left, false)), "Diop", "nothing before the first token");
    }

    #[test]
    fn a_caret_over_a_span_leaves_it_on_the_side_of_the_arrow() {
        let a = Article::new("t", "t", "Mali’s minister, Abdallah Diop, told").unwrap();
        let s = a.text().find("Abdallah").unwrap();
        let (s, e) = (s, s + "Abdallah Diop".len());
        let (s, e) = (a.text()[..s].chars().count(), a.text()[..e].chars().count());
        let right = Caret::over(&a, s, e, Motion::Right).unwrap();
        assert_eq!(text(&a, right.moved(&a, Motion::Right, false)), ",");
        assert_eq!(text(&a, right.moved(&a, Motion::Right, true)), "Abdallah Diop,", "Shift extends the span's selection");
        let left = Caret::over(&a, s, e, Motion::Left).unwrap();
        assert_eq!(text(&a, left.moved(&a, Motion::Left, false)), ",");
        assert_eq!(text(&a, left.moved(&a, Motion::Left, true)), ", Abdallah Diop");
        let down = Caret::over(&a, s, e, Motion::LineEnd).unwrap();
        assert_eq!(text(&a, down.moved(&a, Motion::LineEnd, false)), "told");
    }
}
