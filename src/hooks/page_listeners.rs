//! The page's listeners for the instance's lifetime: mouse, focus and
//! keyboard gestures (`gestures.rs`), the viewport (`viewport.rs`) and the
//! bars' heights (`bar_heights.rs`); and each article's first measure of
//! the viewport.

use super::lifetime::{use_per_article, use_while_mounted, Kept};
use crate::host::HostRef;
use crate::state::AppState;
use crate::{bar_heights, gestures, viewport};
use yew::prelude::*;

/// Installed once, taken off when the instance goes.
#[hook]
pub fn use_page_listeners(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_while_mounted(state, host, listen);
}

fn listen(state: &UseReducerHandle<AppState>, host: &HostRef) -> Kept {
    // The side panel sticks between the header and the status line, whose
    // heights change with notices, wrapping and the window's size.
    let bars = bar_heights::watch(host);
    let gestures = gestures::install(state.clone(), host.clone());
    let viewport = viewport::track(state.clone(), host.clone());
    Box::new((bars, gestures, viewport))
}

/// Each article opens with a window sized for a common screen: measure the
/// real one once it shows.
#[hook]
pub fn use_viewport_measure(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_per_article(state, host, |state, host| Box::new(viewport::measure_next_frame(state.clone(), host.clone())));
}
