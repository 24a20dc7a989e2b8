//! Which annotations a document opens with: the one rule every way of
//! opening a document follows (`mount` and the standalone page's links,
//! `setArticle`, `setDocument`, the iframe `marginalia:load`, a file, a
//! paste, a save offered as its own document). Pure: the caller looks the
//! stored work up (`stored_work.rs`) and writes what the decision asks
//! (`document_session.rs`); the reducer applies the [`Opening`].
//!
//! The rule:
//! 1. Work stored in this browser for the document (its own text, else an
//!    earlier version of it, re-anchored) wins over annotations the *host*
//!    hands over with it (`annotations`, `spans`): it is the annotator's
//!    latest work on this device, and the host still has its copy. When the
//!    two differ the page says the host's were not used.
//! 2. The host's annotations are used when nothing usable is stored.
//! 3. A save the *annotator* chooses (or the CMS's copy the save endpoint
//!    sends back for another text) is the document: it wins, and stored work
//!    on that text that differs is set aside first (`storage::keep_aside`),
//!    never overwritten.
//! 4. `readOnly` and `annotator`, when a request names them, apply with it.
//!
//! Offsets in every snapshot are code points of the opened article's text.

use crate::reanchoring::AnchorReview;
use crate::stored_work::StoredWork;
use marginalia_core::article::Article;
use marginalia_core::command::Snapshot;
use marginalia_core::record::{LoadedRecord, TaskFields};
use std::rc::Rc;
use std::sync::Arc;

/// Annotations ready for the opened article.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    /// Placed as they are, without an undo step.
    Placed { snapshot: Snapshot, task: TaskFields },
    /// Made on another version of the text: placed by re-anchoring as one
    /// undo step, what cannot be placed listed for review.
    Reanchored { loaded: Rc<LoadedRecord>, review: Rc<AnchorReview> },
}

impl Work {
    pub fn of(loaded: &LoadedRecord) -> Work {
        Work::Placed { snapshot: loaded.snapshot(), task: loaded.record.task_fields() }
    }

    fn snapshot(&self) -> Snapshot {
        match self {
            Work::Placed { snapshot, .. } => snapshot.clone(),
            Work::Reanchored { loaded, .. } => loaded.snapshot(),
        }
    }

    fn count(&self) -> usize {
        match self {
            Work::Placed { snapshot, .. } => snapshot.spans.len(),
            Work::Reanchored { loaded, .. } => loaded.spans.len(),
        }
    }
}

/// What comes with a document besides the work stored for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    Nothing,
    /// The host's annotations: used when nothing is stored (rule 2).
    Host(Work),
    /// A save the annotator chose: it wins (rule 3).
    Chosen(Work),
}

/// Who opens the document, which decides what the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announce {
    /// The annotator (a file, pasted text): "Opened …".
    Opened,
    /// The host page (the API, a frame message): the page speaks only when
    /// work stored on this device came back or the host's was not used.
    Quiet,
    /// The instance starting: nothing is said about work coming back (the
    /// page was just loaded), only about what could not be used.
    Starting,
}

/// A request to open a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub article: Article,
    pub given: Given,
    pub announce: Announce,
    pub read_only: Option<bool>,
    pub annotator: Option<String>,
    /// Said after the rest (what a file also holds, a task's answer…).
    pub note: Option<String>,
}

impl Request {
    pub fn new(article: Article, given: Given, announce: Announce) -> Request {
        Request { article, given, announce, read_only: None, annotator: None, note: None }
    }
}

/// What the page says as the document opens (a re-anchoring says its own
/// summary instead, written from what was placed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Nothing,
    Info(String),
    Error(String),
}

/// The decision: the article with the annotations that won.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub article: Arc<Article>,
    pub work: Option<Work>,
    pub said: Said,
    pub read_only: Option<bool>,
    pub annotator: Option<String>,
    /// Stored work on this text differs from the chosen save: the caller
    /// sets it aside before the opening is applied.
    pub set_stored_aside: bool,
}

/// Applies the rule to a request and the work stored for its article.
pub fn decide(request: Request, stored: StoredWork) -> Opening {
    let Request { article, given, announce, read_only, annotator, note } = request;
    let title = article.title.clone();
    let (stored, unusable) = match stored {
        StoredWork::Nothing => (None, None),
        StoredWork::Restored(loaded) => (Some(Work::of(&loaded)), None),
        StoredWork::Reanchored(loaded, review) => (Some(Work::Reanchored { loaded: Rc::new(loaded), review: Rc::new(review) }), None),
        StoredWork::Unusable(why) => (None, Some(why)),
    };
    let mut set_stored_aside = false;
    let (work, said) = match (given, stored) {
        (Given::Chosen(chosen), stored) => {
            // Only work stored for this very text shares the save's key.
            set_stored_aside = matches!(&stored, Some(s @ Work::Placed { .. }) if s.snapshot() != chosen.snapshot());
            let aside = if set_stored_aside { " The work stored on this device for this text differed; it was set aside in this browser, not overwritten." } else { "" };
            let said = Said::Info(format!("Opened the save of “{title}” with {} annotations.{aside}", chosen.count()));
            (Some(chosen), said)
        }
        (Given::Host(host), Some(stored)) if host.snapshot() != stored.snapshot() => {
            let said = Said::Info(format!(
                "Opened “{title}” with the {} annotations saved earlier on this device; the {} annotations given with it were not used.",
                stored.count(),
                host.count()
            ));
            (Some(stored), said)
        }
        (Given::Host(_) | Given::Nothing, Some(stored)) => {
            let said = match announce {
                Announce::Starting => Said::Nothing,
                _ if stored.count() == 0 => opened(announce, &title),
                _ => Said::Info(format!("Opened “{title}” with the {} annotations saved earlier on this device.", stored.count())),
            };
            (Some(stored), said)
        }
        (Given::Host(host), None) => (Some(host), opened(announce, &title)),
        (Given::Nothing, None) => (None, opened(announce, &title)),
    };
    // Stored work that cannot be opened is said whatever else is.
    let said = match (unusable, said) {
        (Some(why), Said::Info(text)) => Said::Error(format!("{why} {text}")),
        (Some(why), _) => Said::Error(why),
        (None, said) => said,
    };
    let said = match (said, note) {
        (said, None) => said,
        (Said::Nothing, Some(note)) => Said::Info(note),
        (Said::Info(text), Some(note)) => Said::Info(format!("{text} {note}")),
        (Said::Error(text), Some(note)) => Said::Error(format!("{text} {note}")),
    };
    Opening { article: Arc::new(article), work, said, read_only, annotator, set_stored_aside }
}

fn opened(announce: Announce, title: &str) -> Said {
    match announce {
        Announce::Opened => Said::Info(format!("Opened “{title}”.")),
        Announce::Quiet | Announce::Starting => Said::Nothing,
    }
}

#[cfg(test)]
#[path = "opening_tests.rs"]
mod tests;
