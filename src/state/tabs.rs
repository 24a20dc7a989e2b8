//! Another tab's work on the same document (`tab_sync.rs` reads and writes
//! the storage): its stored versions merged into this tab's work, and the
//! conflicts the annotator settles.
//!
//! Invariants: a copy read for one article is never merged into another
//! (the reducer ignores a copy whose `sha256` is not the open text's);
//! nothing is written while a conflict waits (`tab_conflict`).

use super::AppState;
use marginalia_core::command::Snapshot;
use crate::merging::{merger, UNAVAILABLE};
use marginalia_core::merge::{Conflict, Merged, Side};
use std::rc::Rc;

/// A version of the open document's record as stored in this browser: the
/// JSON as stored (comparing it tells cheaply whether another tab wrote) and
/// its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct TabCopy {
    /// The text it annotates (a copy read for one article is never merged
    /// into another opened meanwhile).
    pub sha256: String,
    pub json: String,
    pub snapshot: Snapshot,
}

/// Another tab stored changes that conflict with this tab's: nothing is
/// written until the annotator chooses.
#[derive(Debug, Clone, PartialEq)]
pub struct TabConflict {
    /// The version both tabs changed.
    pub base: Rc<TabCopy>,
    /// The other tab's latest.
    pub theirs: Rc<TabCopy>,
    pub conflicts: Vec<Conflict>,
}

/// Another tab's work on the same document.
impl AppState {
    /// Merges the other tab's stored version into this tab's work: changes
    /// that do not conflict come in at once, outside the undo history (an
    /// undo must not take back, and so delete, the other tab's work); a
    /// conflict waits for the annotator. While one waits, a newer version
    /// from the other tab replaces the one it shows.
    pub(super) fn tab_received(&mut self, theirs: Rc<TabCopy>) {
        let base = match (&self.tab_conflict, &self.tab_base) {
            (Some(c), _) => c.base.clone(),
            (None, Some(b)) => b.clone(),
            // Nothing stored when this article opened: everything is new.
            (None, None) => Rc::new(TabCopy { sha256: theirs.sha256.clone(), json: String::new(), snapshot: Snapshot::default() }),
        };
        let Some(merge) = merger() else {
            // The base stays: the next write finds the other tab's version
            // again rather than writing over it.
            return self.error(format!("The other tab's changes could not be merged: {UNAVAILABLE}. Nothing is written over them."));
        };
        let mine = self.editor.annotations().snapshot();
        let merged = merge(&base.snapshot, &mine, &theirs.snapshot, Side::Mine);
        if !merged.conflicts.is_empty() {
            self.tab_conflict = Some(Rc::new(TabConflict { base, theirs, conflicts: merged.conflicts }));
            return;
        }
        self.take_merge(&merged, &base, theirs);
    }

    /// How many earlier bases `tab_seen` keeps.
    const TAB_SEEN: usize = 16;

    pub(super) fn set_tab_base(&mut self, copy: Rc<TabCopy>) {
        let mut seen = (*self.tab_seen).clone();
        if seen.len() == Self::TAB_SEEN {
            seen.remove(0);
        }
        seen.push(copy.clone());
        self.tab_seen = Rc::new(seen);
        self.tab_base = Some(copy);
    }

    pub(super) fn resolve_tab_conflict(&mut self, side: Side) {
        // A conflict was found by the merge: its part is here.
        let Some(merge) = merger() else { return };
        let Some(c) = self.tab_conflict.take() else { return };
        let merged = merge(&c.base.snapshot, &self.editor.annotations().snapshot(), &c.theirs.snapshot, side);
        let n = c.conflicts.len();
        if self.take_merge(&merged, &c.base, c.theirs.clone()) {
            self.info(match side {
                Side::Mine => format!("Kept your version of {n} conflicting change(s); everything else from both tabs is merged."),
                Side::Theirs => format!("Took the other tab's version of {n} conflicting change(s); everything else from both tabs is merged."),
            });
        }
    }

    /// Applies a merge and takes `theirs` as the new base; the merge is then
    /// stored by the next write unless it is exactly theirs.
    fn take_merge(&mut self, merged: &Merged, base: &TabCopy, theirs: Rc<TabCopy>) -> bool {
        if merged.snapshot != self.editor.annotations().snapshot() {
            if let Err(e) = self.editor.adopt_merge(merged, &base.snapshot) {
                // The base stays: the next write finds the other tab's
                // version again rather than writing over it.
                self.error(format!("The other tab's changes could not be merged: {e}. Nothing is written over them."));
                return false;
            }
        }
        // Exactly theirs: nothing to write (the revision, which writes,
        // stays, or two tabs would answer each other's writes for ever).
        let differs = merged.snapshot != theirs.snapshot;
        self.set_tab_base(theirs);
        if differs {
            self.changed();
        } else {
            self.drop_removed_selection();
        }
        true
    }
}
