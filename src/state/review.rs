//! The two reviews of a document ([`super::Mode`]): re-anchored spans the
//! annotator checks one by one, and the adjudication of several
//! annotators' saves, whose gold version the editor shows.
//!
//! Invariants: re-anchored annotations are applied as one undo step that is
//! never refused as a whole (what the editor refuses comes back orphaned in
//! the report, and the message is written from the report as applied);
//! every decision replaces the editor's annotations with the gold version.

use super::AppState;
use crate::adjudication_view::Adjudication;
use crate::reanchoring::AnchorReview;
use marginalia_core::adjudication::Decision;
use marginalia_core::record::LoadedRecord;
use marginalia_core::span::SpanId;
use std::rc::Rc;

impl AppState {
    /// Annotations re-anchored from an earlier version of the text, placed
    /// on the article open now as one undo step.
    pub(super) fn apply_reanchored(&mut self, loaded: &LoadedRecord, review: &AnchorReview) {
        let Some(anchoring) = crate::anchoring::installed() else {
            return self.error(format!("The annotations were not placed: {}. Your work is unchanged.", crate::anchoring::unavailable()));
        };
        let review = Rc::new((anchoring.apply)(&mut self.editor, loaded, review));
        self.save_info.task = loaded.record.task_fields();
        self.focus.deselect();
        if review.refused {
            self.error(review.summary.clone());
        } else {
            self.info(review.summary.clone());
        }
        self.mode.set_review(Some(review));
    }

    /// The annotator removes a re-anchored span (one undo step).
    pub(super) fn delete_reanchored(&mut self, id: SpanId) {
        if self.editor.annotations().get(id).is_some() {
            self.delete_span(id);
        }
        self.mode.reviewed(id);
    }

    /// Opens a review: the saves' text, showing the gold version.
    pub(super) fn start_adjudication(&mut self, adjudication: Rc<Adjudication>) {
        match adjudication.loaded(&self.save_info) {
            Ok(loaded) => {
                let review = adjudication.gold.review().clone();
                let differ = review.disagreements().count();
                self.open(std::sync::Arc::new(loaded.article.clone()));
                // The gold version is the review's own: it checked out as it was made.
                let _ = self.editor.restore_snapshot(loaded.snapshot());
                self.mode.set_adjudication(Some(adjudication));
                self.info(format!(
                    "Reviewing {} saves ({}): {differ} item(s) differ; the ones all agree on are in the gold version already.",
                    review.sources().len(),
                    review.annotators().join(", ")
                ));
            }
            Err(e) => self.error(format!("The review could not start: {e}.")),
        }
    }

    /// The reviewer's decision on an item (accept a version, reject).
    pub(super) fn decide(&mut self, decision: Decision) {
        let Some(current) = self.mode.adjudication() else { return };
        let mut next = current.with(current.gold.clone());
        match (next.ops.apply)(&mut next.gold, decision).and_then(|()| next.loaded(&self.save_info)) {
            Ok(loaded) => self.show_gold(next, &loaded),
            Err(e) => self.error(format!("That decision was not applied: {e}.")),
        }
    }

    /// Takes the last decision back.
    pub(super) fn undo_decision(&mut self) {
        let Some(current) = self.mode.adjudication().filter(|a| a.can_undo()) else { return };
        let mut next = current.with(current.gold.clone());
        if (next.ops.undo)(&mut next.gold) {
            if let Ok(loaded) = next.loaded(&self.save_info) {
                self.show_gold(next, &loaded);
            }
        }
    }

    /// The gold version after a decision, in the editor.
    fn show_gold(&mut self, adjudication: Adjudication, loaded: &LoadedRecord) {
        let _ = self.editor.replace_snapshot(loaded.snapshot());
        self.focus.deselect();
        self.mode.set_adjudication(Some(Rc::new(adjudication)));
        self.changed();
    }

    /// Ends the review; the gold version stays open as a document.
    pub(super) fn leave_adjudication(&mut self) {
        self.mode.set_adjudication(None);
    }
}
