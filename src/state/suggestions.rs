//! Suggestions: spans offered by a source (patterns, a model, the label
//! of a span propagated to the other occurrences of its text), which are
//! not annotations until accepted.
//!
//! Units: code points into the open article, end exclusive; a suggestion
//! is named by its index in `suggestions` (document order). Invariant:
//! only open suggestions are kept (none already annotated), and each
//! source's latest offer replaces its earlier one.

use super::{AppState, Focus};
use marginalia_core::occurrences::{other_occurrences, CaseMatching};
use marginalia_core::suggestion::{open_suggestions, Source, Suggestion};
use std::rc::Rc;

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
        let case = if ignore_case { CaseMatching::Insensitive } else { CaseMatching::Sensitive };
        let found = other_occurrences(self.article(), span.start, span.end, &span.label, self.editor.annotations().iter(), case);
        let items = found
            .into_iter()
            .map(|o| Suggestion { start: o.start, end: o.end, label: span.label.clone(), source: Source::Propagated, score: None })
            .collect();
        self.suggest(Source::Propagated, items);
    }
}
