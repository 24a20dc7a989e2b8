//! Re-anchoring (`reanchoring.rs` over the core's `anchor`: selectors, the
//! diff of the two texts, suffix arrays, settling) as a part: work made on
//! an earlier version of an article is the only thing that needs it, and it
//! is the largest piece the first load would otherwise carry.
//!
//! The part installs the function (`src/anchoring.rs` holds it); from then
//! on every caller runs it at once, as before.

use crate::anchoring::{install_anchoring, installed, Anchoring};
use crate::reanchoring::AnchorReview;
use crate::state::{Action, AppState};
use marginalia_core::editor::Editor;
use marginalia_core::record::{LoadedRecord, Record};
use yew::UseReducerDispatcher;

static ANCHORING: Anchoring = Anchoring { reanchor: crate::reanchoring::reanchor_onto, apply };

/// What was placed applied as one undo step; the review written again
/// from what the editor took.
fn apply(editor: &mut Editor, loaded: &LoadedRecord, review: &AnchorReview) -> AnchorReview {
    let report = marginalia_core::anchor::apply(editor, loaded, review.report.clone());
    review.again(report)
}

on_demand!(anchoring;
    /// Installs re-anchoring (its code is this part's).
    fn install() -> () {
        install_anchoring(&ANCHORING);
    }
);

/// Installs the part's functions in a native test (no part to fetch there).
#[cfg(test)]
pub fn install_here() {
    install_anchoring(&ANCHORING);
}

/// Fetches the part unless it is here; `Err` when it cannot be fetched.
pub async fn ready() -> Result<(), super::Unavailable> {
    if installed().is_some() {
        return Ok(());
    }
    install().await
}

/// Dispatches `action` once the part is here when it applies re-anchored
/// work (a file or a paste placed by the formats' or the flows' own
/// anchoring); without the part the reducer says so.
pub async fn dispatch(d: &UseReducerDispatcher<AppState>, action: Action) {
    if matches!(action, Action::ApplyReanchored { .. }) {
        let _ = ready().await;
    }
    d.dispatch(action);
}

/// [`ready`] when none of `records` was made on `text` (they will be
/// re-anchored onto it). A failure is left to the call that needs the
/// part, which says it.
pub async fn ready_for(records: &[Record], text: &str) {
    let on_this_text = records.iter().any(|r| r.text == text);
    if !on_this_text && !records.is_empty() {
        let _ = ready().await;
    }
}
