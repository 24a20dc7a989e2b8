//! Selecting: text with the mouse or the caret, an annotation by a click,
//! a tag or J / K, the chooser, Escape, and find. Nothing here edits the
//! annotations; each changes the [`Focus`] and what to scroll to.
//!
//! Units: code points into the open article, end exclusive; the caret is
//! token indices.

use super::{AppState, Chooser, Focus, ScrollTarget};
use marginalia_core::caret::{Caret, Motion};
use crate::text_search::{search, UNAVAILABLE};
use marginalia_core::label_schema::CLAIM_LAYER;
use marginalia_core::relation::Target;
use marginalia_core::snap::{snap, Precision};
use marginalia_core::span::SpanId;
use std::cmp::Reverse;

/// Where a J / K stop sorts: by start, longer first, then spans before
/// suggestions (rank 0 and 1; a pending selection is rank 2), by id or index.
type StopKey = (usize, Reverse<usize>, (u8, u32));

fn key(start: usize, end: usize, rank: (u8, u32)) -> StopKey {
    (start, Reverse(end), rank)
}

/// Where J / K can go: a span shown or an open suggestion.
#[derive(Clone, Copy, PartialEq)]
enum Stop {
    Span(SpanId),
    Suggestion(usize),
}

impl AppState {
    /// A mouse selection, snapped to whole tokens (or grapheme clusters
    /// with `character`). One that covers no word drops a pending
    /// selection (its caret stays for the arrows) but not a selected span.
    pub(super) fn select(&mut self, anchor: usize, focus: usize, character: bool) {
        let precision = if character { Precision::Character } else { self.precision };
        self.focus.close_chooser();
        match snap(self.article(), anchor, focus, precision) {
            Some((start, end)) => self.focus = Focus::pending_at(&self.article().clone(), start, end),
            None => {
                if let Focus::Pending { caret, .. } = self.focus {
                    self.focus = caret.map_or(Focus::Nothing, Focus::Caret);
                }
            }
        }
    }

    /// A tap on the text (a finger has no drag to select with): the word
    /// under it becomes the pending selection; with one pending, the
    /// selection grows to take the word in, and a tap inside it lets it go.
    pub(super) fn tap(&mut self, at: usize) {
        let article = self.article().clone();
        let Some(word) = article.token_at(at).filter(|&i| !article.is_space_token(i)).map(|i| article.tokens()[i]) else { return };
        match self.focus.pending() {
            Some((start, end)) if word.start >= start && word.end <= end => self.focus = Focus::Nothing,
            Some((start, end)) => self.select(start.min(word.start), end.max(word.end), false),
            None => self.select(word.start, word.end, false),
        }
    }

    /// The arrows: from the caret, else from the selected span, else from
    /// the start; the tokens under it become the pending selection.
    pub(super) fn move_caret(&mut self, motion: Motion, extend: bool) {
        let article = self.article().clone();
        let caret = match (self.focus.caret(), self.focus.selected().and_then(|id| self.editor.annotations().get(id))) {
            (Some(c), _) => Some(c.moved(&article, motion, extend)),
            // From a selected span (one just labelled), on past it.
            (None, Some(span)) => Caret::over(&article, span.start, span.end, motion).map(|c| c.moved(&article, motion, extend)),
            (None, None) => Caret::at(&article, 0),
        };
        if let Some(c) = caret {
            self.focus = Focus::Pending { range: c.range(&article), caret: Some(c) };
            self.decorate_around(article.tokens()[c.focus].start);
            self.scroll(ScrollTarget::Pending);
        }
    }

    /// Selects span `id` (from a tag, the side panel, the chooser, J / K).
    pub(super) fn select_span(&mut self, id: SpanId, scroll: bool) {
        // While a link is being made, focus moving over tags must not
        // change what is linked from; the click decides.
        if self.focus.linking().is_some() {
            return;
        }
        let Some(start) = self.editor.annotations().get(id).map(|sp| sp.start) else { return };
        self.focus = Focus::Selected(id);
        if scroll {
            self.decorate_around(start);
            self.scroll(ScrollTarget::Span(id));
        }
    }

    /// A click on text covered by `spans` (innermost last): ends a link
    /// being picked, else selects the one span or opens the chooser.
    pub(super) fn click_spans(&mut self, spans: Vec<SpanId>, x: i32, y: i32) {
        if let Some((from, label)) = self.focus.linking() {
            let label = label.to_string();
            self.focus = Focus::Selected(from);
            // The "click the entity" prompt has been answered.
            self.notice = None;
            self.pick_link_target(&spans, from, label);
            return;
        }
        self.focus = match spans.as_slice() {
            [] => Focus::Nothing,
            [one] => Focus::Selected(*one),
            _ => Focus::Choosing { selected: self.focus.selected(), chooser: Chooser { spans, x, y } },
        };
    }

    /// The innermost span clicked that is not a claim is what a claim
    /// links to.
    fn pick_link_target(&mut self, spans: &[SpanId], from: SpanId, label: String) {
        let target = spans.iter().rev().copied().find(|id| {
            self.editor.annotations().get(*id).is_some_and(|sp| sp.layer != CLAIM_LAYER)
        });
        match target {
            Some(to) => self.link_to(Target::Span(to), label, from),
            None => self.info("No link made: click on a labelled entity to link the claim to it."),
        }
    }

    pub(super) fn escape(&mut self) {
        if self.focus.escape() {
            self.info("Linking cancelled.");
        }
    }

    pub(super) fn toggle_precision(&mut self) {
        self.precision = match self.precision {
            Precision::Token => Precision::Character,
            Precision::Character => Precision::Token,
        }
    }

    /// Finds `query` after (or before) the selection, or the span just
    /// labelled (which is selected), and selects it for a label key.
    pub(super) fn find(&mut self, query: String, forward: bool) {
        let article = self.article().clone();
        let here = self
            .focus
            .pending()
            .or_else(|| self.focus.selected().and_then(|id| self.editor.annotations().get(id)).map(|sp| (sp.start, sp.end)));
        let from = here.map(|(start, end)| if forward { end } else { start }).unwrap_or(0);
        let Some(search) = search() else { return self.error(UNAVAILABLE) };
        match (search.find)(&article, &query, from, forward) {
            Some((start, end)) => {
                self.focus = Focus::pending_at(&article, start, end);
                self.decorate_around(start);
                self.scroll(ScrollTarget::Pending);
            }
            None if query.trim().is_empty() => {}
            None => self.info(format!("“{query}” is not in the article.")),
        }
    }

    /// J / K: the next (or previous) span shown or open suggestion in
    /// document order after the focus; a suggestion sorts after a span at
    /// the same place.
    pub(super) fn select_adjacent(&mut self, forward: bool) {
        let stops = self.stops();
        let here = self.here();
        let next = if forward {
            stops.iter().find(|(k, _)| here.is_none_or(|h| *k > h))
        } else {
            stops.iter().rev().find(|(k, _)| here.is_none_or(|h| *k < h))
        };
        match next.map(|(_, stop)| *stop) {
            Some(Stop::Span(id)) => {
                self.focus.leave_suggestion();
                self.select_span(id, true);
            }
            Some(Stop::Suggestion(i)) => {
                self.focus = Focus::Suggestion(i);
                self.decorate_around(self.suggestions[i].start);
                self.scroll(ScrollTarget::Suggestion(i));
            }
            None => self.info(if forward { "No annotation or suggestion after this one." } else { "No annotation or suggestion before this one." }),
        }
    }

    /// The spans shown and the open suggestions, in J / K order.
    fn stops(&self) -> Vec<(StopKey, Stop)> {
        let mut stops: Vec<(StopKey, Stop)> = self
            .editor
            .annotations()
            .iter()
            .filter(|sp| !self.hidden.contains(&sp.label))
            .map(|sp| (key(sp.start, sp.end, (0, sp.id.0)), Stop::Span(sp.id)))
            .collect();
        stops.extend(self.suggestions.iter().enumerate().map(|(i, x)| (key(x.start, x.end, (1, i as u32)), Stop::Suggestion(i))));
        marginalia_core::sorting::sort_by(&mut stops, |a, b| a.0.cmp(&b.0));
        stops
    }

    /// Where J / K starts from: the suggestion, span or text in focus.
    fn here(&self) -> Option<StopKey> {
        let span = self.focus.selected().and_then(|id| self.editor.annotations().get(id));
        match (self.focus.suggestion(), span, self.focus.pending()) {
            (Some(i), _, _) if i < self.suggestions.len() => Some(key(self.suggestions[i].start, self.suggestions[i].end, (1, i as u32))),
            (_, Some(span), _) => Some(key(span.start, span.end, (0, span.id.0))),
            (_, None, Some((start, end))) => Some(key(start, end, (2, 0))),
            _ => None,
        }
    }
}
