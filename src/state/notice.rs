//! What the page says: the message at the top (what it says when a
//! document opens is decided in `opening.rs`). Errors never change the work.

use marginalia_core::record::LoadedRecord;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Nothing was done: the work is as it was.
    Error,
    /// Done, but part of the input was left out (said so the annotator can
    /// check it): not a failure.
    Warning,
    Info,
}

/// A message shown at the top of the page. Errors never change the work.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// A loaded save that belongs to another text, which the user may open
    /// as a document of its own.
    pub offer: Option<Rc<LoadedRecord>>,
}

/// The same notice: the offer compared by identity (an offer is made once,
/// and comparing two records deeply on every render costs code and time).
impl PartialEq for Notice {
    fn eq(&self, other: &Self) -> bool {
        let same_offer = match (&self.offer, &other.offer) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        self.kind == other.kind && self.text == other.text && same_offer
    }
}
