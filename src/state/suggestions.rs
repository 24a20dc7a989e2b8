//! Suggestions: spans offered by a source (patterns, a model, the label
//! of a span propagated to the other occurrences of its text), which are
//! not annotations until accepted.
//!
//! Units: code points into the open article, end exclusive; a suggestion
//! is named by its index in `suggestions` (document order). Invariant:
//! only open suggestions are kept (none already annotated), and each
//! source's latest offer replaces its earlier one. Accepted suggestions are
//! remembered per accept, so that undoing it offers them again.

use super::{AppState, Focus};
use crate::text_search::{search, UNAVAILABLE};
use marginalia_core::occurrences::CaseMatching;
use marginalia_core::suggestion::{all_annotated, is_annotated, open_suggestions, Source, Suggestion};
use std::rc::Rc;

/// Accepts remembered for undo; older ones are forgotten.
pub const ACCEPTED_KEPT: usize = 20;

impl AppState {
    /// Offers suggestions from `source`, replacing that source's earlier ones.
    pub(super) fn suggest(&mut self, source: Source, items: Vec<Suggestion>) {
        let mut all: Vec<Suggestion> = self.suggestions.iter().filter(|x| x.source != source).cloned().collect();
        let offered = items.len();
        all.extend(items);
        let open = open_suggestions(all, self.editor.annotations());
        let now = open.iter().filter(|x| x.source == source).count();
        self.suggestions = Rc::new(open);
        self.info(match (offered, now) {
            (0, _) => format!("No {} suggestions for this article.", source.name()),
            (_, 0) => "Everything suggested is already annotated.".to_string(),
            (_, n) => format!("{n} suggestion(s) ({}), drawn dashed: Enter accepts one, X rejects it; or use the side panel.", source.name()),
        });
    }

    /// Accepts these open suggestions as spans: one undo step; a single one
    /// accepted is selected.
    pub(super) fn accept_suggestions(&mut self, indices: Vec<usize>) {
        let chosen: Vec<Suggestion> = indices.iter().filter_map(|i| self.suggestions.get(*i).cloned()).collect();
        let batch: Vec<_> = chosen.iter().map(Suggestion::as_new_span).collect();
        match self.editor.add_spans(&batch) {
            Ok(ids) => {
                self.drop_suggestions(&indices);
                self.remember_accepted(chosen);
                self.changed();
                if let [id] = ids[..] {
                    self.focus = Focus::Selected(id);
                }
                let n = ids.len();
                if n > 1 {
                    self.info(format!("Accepted {n} suggestions. Undo (Ctrl+Z) takes them back together."));
                }
            }
            Err(e) => self.error(format!("The suggestion(s) could not be accepted: {e}.")),
        }
    }

    fn remember_accepted(&mut self, batch: Vec<Suggestion>) {
        let accepted = Rc::make_mut(&mut self.accepted);
        accepted.push(Rc::new(batch));
        let excess = accepted.len().saturating_sub(ACCEPTED_KEPT);
        accepted.drain(..excess);
    }

    /// The remembered accepts whose spans are all in the annotations now
    /// (read before an undo).
    pub(super) fn accepted_in_place(&self) -> Vec<Rc<Vec<Suggestion>>> {
        self.accepted.iter().filter(|b| all_annotated(b, self.editor.annotations())).cloned().collect()
    }

    /// After an undo: an accept of `candidates` whose spans the undo took
    /// out is offered again (the undone step was that accept).
    pub(super) fn offer_again(&mut self, candidates: &[Rc<Vec<Suggestion>>]) {
        let annotations = self.editor.annotations();
        let undone: Vec<Suggestion> = candidates
            .iter()
            .filter(|b| b.iter().all(|s| !is_annotated(s, annotations)))
            .flat_map(|b| b.iter().cloned())
            .collect();
        if undone.is_empty() {
            return;
        }
        let mut all: Vec<Suggestion> = self.suggestions.iter().cloned().collect();
        all.extend(undone);
        self.suggestions = Rc::new(open_suggestions(all, annotations));
    }

    /// After a redo: what is annotated again is no longer offered.
    pub(super) fn drop_annotated_suggestions(&mut self) {
        if !self.suggestions.is_empty() {
            self.suggestions = Rc::new(open_suggestions(self.suggestions.to_vec(), self.editor.annotations()));
        }
    }

    /// Drops these open suggestions (indices).
    pub(super) fn drop_suggestions(&mut self, indices: &[usize]) {
        let kept = self.suggestions.iter().enumerate().filter(|(i, _)| !indices.contains(i)).map(|(_, x)| x.clone());
        self.suggestions = Rc::new(kept.collect());
    }

    /// Suggests the selected span's label on every other occurrence of its
    /// text (whole tokens; same case unless `ignore_case`).
    pub(super) fn label_all_occurrences(&mut self, ignore_case: bool) {
        let Some(span) = self.focus.selected().and_then(|id| self.editor.annotations().get(id)).cloned() else {
            return self.info("Select an annotation first: its label is then suggested on every other occurrence of its text.");
        };
        let Some(search) = search() else { return self.error(UNAVAILABLE) };
        let case = if ignore_case { CaseMatching::Insensitive } else { CaseMatching::Sensitive };
        let found = (search.occurrences)(self.article(), &span, self.editor.annotations(), case);
        let items = found
            .into_iter()
            .map(|o| Suggestion { start: o.start, end: o.end, label: span.label.clone(), source: Source::Propagated, score: None })
            .collect();
        self.suggest(Source::Propagated, items);
    }
}
