//! The three-way merge of two tabs' work (`marginalia_core::merge`) as its
//! callers find it: a function installed by its part
//! (`on_demand/merging.rs`), absent until then. The merge runs only when
//! another tab of this browser stores work on the open document; the part
//! is fetched when that is first heard (`tab_sync.rs`), and every action
//! that merges waits for it (`on_demand::merging::dispatch_when_ready`).
//! Without it (it could not be fetched) nothing is merged and nothing is
//! written over the other tab's work.

use marginalia_core::command::Snapshot;
use marginalia_core::merge::{Merged, Side};
use std::cell::Cell;

pub type Merge = fn(&Snapshot, &Snapshot, &Snapshot, Side) -> Merged;

thread_local! {
    /// The merge, once its part is here.
    static MERGE: Cell<Option<Merge>> = const { Cell::new(None) };
}

/// Called by the part: from now on merges run at once.
pub fn install_merge(merge: Merge) {
    MERGE.with(|m| m.set(Some(merge)));
}

/// The merge, when its part is here (`installed.rs`).
pub fn merger() -> Option<Merge> {
    crate::installed::read(&MERGE)
}

/// Why the other tab's work was not merged without the part.
pub const UNAVAILABLE: &str = "the merge could not be loaded (is the network there?)";
