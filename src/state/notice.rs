//! What the page says: the message at the top, and what it says when an
//! article opens. Errors never change the work.

use marginalia_core::record::LoadedRecord;
use std::rc::Rc;

/// What the page says when an article opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announce {
    /// The annotator opened it (a file, pasted text): "Opened …".
    Opened,
    /// Work stored on this device came back with it: says how much.
    StoredWork,
    /// Work is stored on this device but could not be opened: says why.
    StoredWorkUnusable(Rc<str>),
    /// The host page opened it (the API, a frame message) and knows: the
    /// page says nothing (a notice would also grow the sticky header).
    Quiet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Info,
}

/// A message shown at the top of the page. Errors never change the work.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// A loaded save that belongs to another text, which the user may open
    /// as a document of its own.
    pub offer: Option<Rc<LoadedRecord>>,
}
