//! Re-anchoring (`reanchoring.rs` over the core's `anchor`: selectors, the
//! diff of the two texts, suffix arrays, settling) as a part: work made on
//! an earlier version of an article is the only thing that needs it, and it
//! is the largest piece the first load would otherwise carry.
//!
//! The part installs the function (`src/anchoring.rs` holds it); from then
//! on every caller runs it at once, as before.

use crate::anchoring::{install_reanchoring, reanchorer};
use marginalia_core::record::Record;

on_demand!(anchoring;
    /// Installs re-anchoring (its code is this part's).
    fn install() -> () {
        install_reanchoring(crate::reanchoring::reanchor_onto);
    }
);

/// Fetches the part unless it is here; `Err` when it cannot be fetched.
pub async fn ready() -> Result<(), super::Unavailable> {
    if reanchorer().is_some() {
        return Ok(());
    }
    install().await
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
