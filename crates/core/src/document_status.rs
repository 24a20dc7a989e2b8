//! Where an annotator left a document: done, skipped or flagged, with a
//! note — part of the annotations (undoable, saved as the record's
//! `status`), independent of the label schema.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusState {
    /// Fully annotated.
    Done,
    /// Left out on purpose (off topic, a duplicate…).
    Skipped,
    /// Needs someone else's look.
    Flagged,
}

impl StatusState {
    pub const ALL: [StatusState; 3] = [StatusState::Done, StatusState::Skipped, StatusState::Flagged];

    pub fn name(self) -> &'static str {
        match self {
            StatusState::Done => "done",
            StatusState::Skipped => "skipped",
            StatusState::Flagged => "flagged",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            StatusState::Done => "Done",
            StatusState::Skipped => "Skipped",
            StatusState::Flagged => "Flagged",
        }
    }

    pub fn from_name(name: &str) -> Option<StatusState> {
        StatusState::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentStatus {
    pub state: StatusState,
    /// Why (for a skipped or flagged document, most of all).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
