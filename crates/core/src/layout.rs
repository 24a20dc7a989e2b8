//! Run layout: a paragraph cut into runs at every span (and decoration)
//! boundary, so the view renders flat runs instead of nested markup.
//!
//! Units: code points. Invariants: a paragraph's runs are contiguous, cover
//! it exactly, and each run lists the spans covering all of it, outermost
//! first. Each span gets a *track* (0 = outermost) so that overlapping spans
//! draw as stacked underlines that never coincide.

use crate::article::{Article, Paragraph};
use crate::span::{Span, SpanId};
use std::collections::HashMap;

/// View-only marks on the text that are not annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// Inside the pending selection (what a label key would label).
    pub pending: bool,
    /// Inside a suggestion not yet accepted or rejected.
    pub suggested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    /// Covering spans, outermost (lowest track) first.
    pub spans: Vec<SpanId>,
    /// Spans whose last run in this paragraph is this one: the view puts
    /// their label tags right after it.
    pub ending: Vec<SpanId>,
    pub marks: Marks,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphLayout {
    pub start: usize,
    pub end: usize,
    pub runs: Vec<Run>,
    /// Track of each span drawn in this paragraph.
    pub tracks: Vec<(SpanId, u8)>,
}

impl ParagraphLayout {
    pub fn track(&self, id: SpanId) -> u8 {
        self.tracks.iter().find(|(s, _)| *s == id).map_or(0, |(_, t)| *t)
    }
}

/// Assigns each span of the article to the paragraphs it touches, in
/// document order. O(S log P).
pub fn spans_by_paragraph<'a>(article: &Article, spans: impl IntoIterator<Item = &'a Span>) -> Vec<Vec<&'a Span>> {
    let paragraphs = article.paragraphs();
    let mut buckets: Vec<Vec<&Span>> = vec![Vec::new(); paragraphs.len()];
    for span in spans {
        let mut i = paragraphs.partition_point(|p| p.end <= span.start);
        while i < paragraphs.len() && paragraphs[i].start < span.end {
            buckets[i].push(span);
            i += 1;
        }
    }
    for b in &mut buckets {
        crate::sorting::sort_by_key(b, |s| s.order_key());
    }
    buckets
}

/// Lays out one paragraph. `spans` must be those touching it, in document
/// order (as [`spans_by_paragraph`] gives); `pending` is the selection range;
/// `suggested` the ranges of open suggestions (cut at, and marked, like the
/// selection: suggestions are not spans until accepted).
pub fn layout_paragraph(par: Paragraph, spans: &[&Span], pending: Option<(usize, usize)>, suggested: &[(usize, usize)]) -> ParagraphLayout {
    let clip = |s: usize, e: usize| (s.max(par.start), e.min(par.end));

    // Tracks: greedy interval colouring in document order, so a span nested
    // inside another gets a deeper track.
    let mut track_end: Vec<usize> = Vec::new();
    let mut tracks: Vec<(SpanId, u8)> = Vec::with_capacity(spans.len());
    for s in spans {
        let (cs, ce) = clip(s.start, s.end);
        let t = match track_end.iter().position(|&e| e <= cs) {
            Some(t) => t,
            None => {
                track_end.push(0);
                track_end.len() - 1
            }
        };
        track_end[t] = ce;
        tracks.push((s.id, t.min(u8::MAX as usize) as u8));
    }
    let track_of: HashMap<SpanId, u8> = tracks.iter().copied().collect();

    let mut cuts: Vec<usize> = Vec::with_capacity(spans.len() * 2 + 4);
    cuts.push(par.start);
    cuts.push(par.end);
    for s in spans {
        let (cs, ce) = clip(s.start, s.end);
        cuts.push(cs);
        cuts.push(ce);
    }
    for (ps, pe) in pending.iter().chain(suggested) {
        let (cs, ce) = clip(*ps, *pe);
        if cs < ce {
            cuts.push(cs);
            cuts.push(ce);
        }
    }
    crate::sorting::sort(&mut cuts);
    cuts.dedup();

    // Sweep: spans are sorted by start, so an active list suffices.
    let mut runs = Vec::with_capacity(cuts.len());
    let mut next = 0;
    let mut active: Vec<&Span> = Vec::new();
    for w in cuts.windows(2) {
        let (rs, re) = (w[0], w[1]);
        if rs >= re {
            continue;
        }
        active.retain(|s| s.end > rs);
        while next < spans.len() && spans[next].start.max(par.start) <= rs {
            if spans[next].end > rs {
                active.push(spans[next]);
            }
            next += 1;
        }
        let mut covering: Vec<SpanId> = active.iter().map(|s| s.id).collect();
        crate::sorting::sort_by_key(&mut covering, |id| track_of[id]);
        let ending = active.iter().filter(|s| s.end == re).map(|s| s.id).collect();
        let marks = Marks {
            pending: pending.is_some_and(|(ps, pe)| ps <= rs && re <= pe),
            suggested: suggested.iter().any(|&(ss, se)| ss <= rs && re <= se),
        };
        runs.push(Run { start: rs, end: re, spans: covering, ending, marks });
    }
    ParagraphLayout { start: par.start, end: par.end, runs, tracks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Attributes;

    fn span(id: u32, start: usize, end: usize) -> Span {
        Span { id: SpanId(id), start, end, label: "X".into(), layer: "entity".into(), attributes: Attributes::new(), defaults: Attributes::new(), source: None }
    }

    #[test]
    fn nested_and_overlapping_spans_cut_into_runs_with_tracks() {
        let par = Paragraph { start: 0, end: 20 };
        let outer = span(1, 0, 10);
        let inner = span(2, 2, 5);
        let cross = span(3, 8, 14);
        let spans = vec![&outer, &inner, &cross];
        let l = layout_paragraph(par, &spans, None, &[]);
        let cuts: Vec<_> = l.runs.iter().map(|r| (r.start, r.end, r.spans.clone())).collect();
        assert_eq!(
            cuts,
            vec![
                (0, 2, vec![SpanId(1)]),
                (2, 5, vec![SpanId(1), SpanId(2)]),
                (5, 8, vec![SpanId(1)]),
                (8, 10, vec![SpanId(1), SpanId(3)]),
                (10, 14, vec![SpanId(3)]),
                (14, 20, vec![]),
            ]
        );
        assert_eq!(l.track(SpanId(1)), 0);
        assert_eq!(l.track(SpanId(2)), 1);
        assert_eq!(l.track(SpanId(3)), 1, "track 1 is free again after the inner span");
        assert_eq!(l.runs[1].ending, vec![SpanId(2)]);
        assert_eq!(l.runs[3].ending, vec![SpanId(1)]);
    }

    #[test]
    fn pending_selection_and_clipping() {
        let par = Paragraph { start: 10, end: 20 };
        let long = span(1, 5, 25);
        let l = layout_paragraph(par, &[&long], Some((12, 15)), &[(16, 18)]);
        assert_eq!(l.runs.first().unwrap().start, 10);
        assert_eq!(l.runs.last().unwrap().end, 20);
        assert!(l.runs.iter().all(|r| r.spans == vec![SpanId(1)]));
        assert!(l.runs.iter().any(|r| r.marks.pending && r.start == 12 && r.end == 15));
        let suggested: Vec<_> = l.runs.iter().filter(|r| r.marks.suggested).map(|r| (r.start, r.end)).collect();
        assert_eq!(suggested, [(16, 18)], "a suggestion is cut out and marked");
        assert!(l.runs.last().unwrap().ending.is_empty(), "the span goes on past this paragraph");
    }

    #[test]
    fn buckets_follow_paragraphs() {
        let a = Article::new("t", "t", "One two.\n\nThree four.").unwrap();
        let s1 = span(1, 0, 3);
        let s2 = span(2, 4, 15);
        let b = spans_by_paragraph(&a, [&s1, &s2]);
        assert_eq!(b[0].len(), 2);
        assert_eq!(b[1].len(), 1);
    }
}
