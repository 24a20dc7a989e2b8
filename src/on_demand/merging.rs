//! The three-way merge of two tabs' work as a part, fetched when another
//! tab is first heard storing work on the open document (`src/merging.rs`
//! holds what it installs).

use crate::merging::{install_merge, merger};
use crate::state::{Action, AppState};
use yew::UseReducerHandle;

on_demand!(merging;
    /// Installs the merge (its code is this part's).
    fn install() -> () {
        install_merge(marginalia_core::merge::merge);
    }
);

/// Fetches the part unless it is here; `Err` when it cannot be fetched.
pub async fn ready() -> Result<(), super::Unavailable> {
    if merger().is_some() {
        return Ok(());
    }
    install().await
}

/// Dispatches `action`, which merges, once the part is here: at once when it
/// is, else after fetching it (without it the reducer merges nothing and
/// says so).
pub fn dispatch_when_ready(state: &UseReducerHandle<AppState>, action: Action) {
    if merger().is_some() {
        state.dispatch(action);
        return;
    }
    let state = state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = ready().await;
        state.dispatch(action);
    });
}
