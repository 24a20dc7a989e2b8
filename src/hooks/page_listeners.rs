//! The page's listeners for the instance's lifetime: mouse, focus and
//! keyboard gestures (`gestures.rs`), the viewport (`viewport.rs`) and the
//! bars' heights (`bar_heights.rs`); and each article's first measure of
//! the viewport.

use super::article_key;
use crate::host::HostRef;
use crate::state::AppState;
use crate::{bar_heights, gestures, viewport};
use yew::prelude::*;

/// Installed once, taken off when the instance goes.
#[hook]
pub fn use_page_listeners(state: &UseReducerHandle<AppState>, host: &HostRef) {
    // The side panel sticks between the header and the status line, whose
    // heights change with notices, wrapping and the window's size.
    {
        let host = host.clone();
        use_effect_with((), move |_| {
            let bars = bar_heights::watch(&host);
            move || drop(bars)
        });
    }
    let (state, host) = (state.clone(), host.clone());
    use_effect_with((), move |_| {
        let gestures = gestures::install(state.clone(), host.clone());
        let viewport = viewport::track(state, host);
        move || drop((gestures, viewport))
    });
}

/// Each article opens with a window sized for a common screen: measure the
/// real one once it shows.
#[hook]
pub fn use_viewport_measure(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let (state, host) = (state.clone(), host.clone());
    use_effect_with(article_key(&state), move |_| {
        let frame = viewport::measure_next_frame(state, host);
        move || drop(frame)
    });
}
