//! The two lifetimes an effect's listeners and timers have: the instance's
//! (installed after the first render, dropped when it goes) and each
//! article's (installed when it opens, dropped when another opens or the
//! instance goes), and in between the runs of a key's value (`use_keyed`).
//! Each effect is a plain installer function; one effect type runs them
//! all, so each installer costs the bundle its own body only.

use super::article_key;
use crate::host::HostRef;
use crate::state::AppState;
use std::any::Any;
use yew::prelude::*;

/// What an installer leaves in place: listeners, timers, idle work, each
/// undone when it drops (`()` when nothing is left).
pub type Kept = Box<dyn Any>;

/// Installs what an effect needs from the state's handle and the host.
pub type Installer = fn(&UseReducerHandle<AppState>, &HostRef) -> Kept;

/// Runs `install` once, after the first render; what it keeps is dropped
/// when the instance goes.
#[hook]
pub fn use_while_mounted(state: &UseReducerHandle<AppState>, host: &HostRef, install: Installer) {
    let (state, host) = (state.clone(), host.clone());
    use_effect_with((), move |_| {
        let kept = install(&state, &host);
        move || drop(kept)
    });
}

/// Runs `install` each time an article opens; what it keeps is dropped
/// when the next one opens or the instance goes.
pub fn use_per_article<'a>(state: &'a UseReducerHandle<AppState>, host: &'a HostRef, install: Installer) -> impl 'a + Hook<Output = ()> {
    use_keyed(state, host, article_key(state) as u64, install)
}

/// Runs `install` after the first render and each render that changed
/// `key`; what it keeps is dropped at the next run or when the instance
/// goes.
#[hook]
pub fn use_keyed(state: &UseReducerHandle<AppState>, host: &HostRef, key: u64, install: Installer) {
    let (state, host) = (state.clone(), host.clone());
    use_effect_with(key, move |_| {
        let kept = install(&state, &host);
        move || drop(kept)
    });
}
