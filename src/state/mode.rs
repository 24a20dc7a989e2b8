//! What the open document is being used for: annotated, its re-anchored
//! spans checked (the review list), or several annotators' saves
//! adjudicated (the editor then shows the gold version).
//!
//! Invariants: a review list is never empty (the last item checked closes
//! it); opening another document returns to `Annotate`. A review list may
//! be open during an adjudication (a save of an earlier text re-anchored
//! onto the gold version): that variant carries both.

use crate::adjudication_view::Adjudication;
use crate::reanchoring::AnchorReview;
use marginalia_core::span::SpanId;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    Annotate,
    /// Re-anchored spans waiting for the annotator's look.
    Review(Rc<AnchorReview>),
    /// A review of several annotators' saves, while the reviewer builds the
    /// gold version (which is what the editor shows).
    Adjudicate { adjudication: Rc<Adjudication>, review: Option<Rc<AnchorReview>> },
}

impl Mode {
    /// The re-anchored spans waiting for a look.
    pub fn review(&self) -> Option<&Rc<AnchorReview>> {
        match self {
            Mode::Review(r) | Mode::Adjudicate { review: Some(r), .. } => Some(r),
            _ => None,
        }
    }

    pub fn adjudication(&self) -> Option<&Rc<Adjudication>> {
        match self {
            Mode::Adjudicate { adjudication, .. } => Some(adjudication),
            _ => None,
        }
    }

    /// Opens (or, with `None` or an empty list, closes) the review list,
    /// keeping an adjudication under way.
    pub fn set_review(&mut self, review: Option<Rc<AnchorReview>>) {
        let review = review.filter(|r| !r.items.is_empty());
        match self {
            Mode::Adjudicate { review: r, .. } => *r = review,
            _ => *self = review.map_or(Mode::Annotate, Mode::Review),
        }
    }

    /// Starts (or, with `None`, ends) an adjudication, or replaces its
    /// decisions; a review list open meanwhile stays.
    pub fn set_adjudication(&mut self, adjudication: Option<Rc<Adjudication>>) {
        let review = self.review().cloned();
        *self = match adjudication {
            Some(adjudication) => Mode::Adjudicate { adjudication, review },
            None => review.map_or(Mode::Annotate, Mode::Review),
        };
    }

    /// Takes span `id` off the review list; closes the list when it is done.
    pub fn reviewed(&mut self, id: SpanId) {
        if let Some(review) = self.review() {
            let mut review = (**review).clone();
            review.items.retain(|i| i.id != Some(id));
            self.set_review(Some(Rc::new(review)));
        }
    }
}
