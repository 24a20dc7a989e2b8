//! The keyboard caret: a token range driven by arrow keys, so that an
//! annotator can label without the mouse.
//!
//! Units: token indices into [`Article::tokens`]; whitespace tokens are
//! skipped. `anchor` stays put while Shift+arrows move `focus`.

use crate::article::Article;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caret {
    pub anchor: usize,
    pub focus: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    NextToken,
    PrevToken,
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

    /// Moves the focus; with `extend` the anchor stays, else it follows.
    pub fn moved(self, article: &Article, motion: Motion, extend: bool) -> Caret {
        let focus = target(article, self.focus, motion).unwrap_or(self.focus);
        Caret { anchor: if extend { self.anchor } else { focus }, focus }
    }
}

fn target(article: &Article, from: usize, motion: Motion) -> Option<usize> {
    let n = article.tokens().len();
    let word = |i: &usize| !article.is_space_token(*i);
    let par_of = |i: usize| article.paragraph_at(article.tokens()[i].start);
    match motion {
        Motion::NextToken => (from + 1..n).find(word),
        Motion::PrevToken => (0..from).rev().find(word),
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
}
