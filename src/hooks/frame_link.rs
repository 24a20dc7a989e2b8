//! The link to a parent frame: its messages heard for the instance's
//! lifetime (`frame_messages.rs`, allowed origins only).

use crate::frame_messages;
use crate::host::HostRef;
use crate::state::AppState;
use yew::prelude::*;

/// Listens from the first render until the instance goes.
#[hook]
pub fn use_frame_link(state: &UseReducerHandle<AppState>, host: &HostRef) {
    let (state, host) = (state.clone(), host.clone());
    use_effect_with((), move |_| {
        let frame = frame_messages::listen(state, host);
        move || drop(frame)
    });
}
