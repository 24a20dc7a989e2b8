//! The server's copy, judged and opened. A copy is "ours" when it is work
//! this tab has (the same text by SHA-256, and the same annotations as now
//! or as a version it stored or received from another tab), or, after a
//! `PUT` that got no answer, equal as JSON to one of the bodies kept
//! (`Saver::unanswered`, taken by the check that compares them).
//! Opening the copy never loses work: over the same text it is one undoable
//! step; another text opens as its own document; a copy that cannot be read
//! leaves the work unchanged and says so.

use super::saver::Saver;
use crate::state::Action;
use marginalia_core::record::Record;
use marginalia_core::remote_sync::Outcome;
use std::rc::Rc;

impl Saver {
    /// Whether the server's copy (`body`) is work this tab has: its own, or
    /// a version it stored or received from another tab of this browser
    /// (its work descends from each). Sending ours over it loses nothing.
    pub(super) fn have(&self, body: &str) -> bool {
        let app = self.app();
        let loaded = Record::parse(body).and_then(|r| {
            let schema = r.label_schema.clone().unwrap_or_else(|| (**app.editor.schema()).clone());
            r.load(&schema)
        });
        let Ok(loaded) = loaded else { return false };
        let theirs = loaded.snapshot();
        loaded.article.sha256() == app.article().sha256()
            && (theirs == app.editor.annotations().snapshot() || app.tab_seen.iter().any(|b| b.snapshot == theirs))
    }

    /// A `GET` made to check a 412: is the server's copy one of our
    /// unanswered `PUT`s (compared as JSON: a server may re-serialise it)?
    pub(super) fn verify(&self, outcome: Outcome, body: Option<String>) -> Outcome {
        let Outcome::Loaded { etag: Some(etag) } = &outcome else { return outcome };
        let Some(theirs) = body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok()) else { return outcome };
        let unanswered = self.unanswered.take();
        let ours = unanswered.iter().rev().find(|(_, sent)| {
            serde_json::from_str::<serde_json::Value>(sent).is_ok_and(|sent| sent == theirs)
        });
        match ours {
            Some((revision, _)) => Outcome::OwnWrite { etag: etag.clone(), revision: *revision },
            None => outcome,
        }
    }

    /// Opens the server's copy: over the same text, as one undoable step;
    /// another text opens as its own document (the current one stays in
    /// this browser). The revision this makes is not a change to send.
    pub(super) fn adopt(&self, body: &str) {
        let app = self.app();
        let loaded = Record::parse(body).and_then(|r| r.load(app.editor.schema()));
        match loaded {
            Ok(loaded) if loaded.article.sha256() == app.article().sha256() => {
                if loaded.snapshot() != app.editor.annotations().snapshot() {
                    app.dispatch(Action::ApplyRecord(Rc::new(loaded), None));
                }
            }
            Ok(loaded) => {
                crate::document_session::open(&app, crate::document_session::chosen_save(&loaded));
            }
            Err(e) => app.dispatch(Action::error(format!("The CMS's copy could not be opened: {e}. Your work is unchanged."))),
        }
        self.seen_revision.set(self.app().revision);
    }
}
