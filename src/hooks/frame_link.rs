//! The link to a parent frame: its messages heard for the instance's
//! lifetime (`frame_messages.rs`, allowed origins only).

use super::lifetime::use_while_mounted;
use crate::frame_messages;
use crate::host::HostRef;
use crate::state::AppState;
use yew::prelude::*;

/// Listens from the first render until the instance goes.
#[hook]
pub fn use_frame_link(state: &UseReducerHandle<AppState>, host: &HostRef) {
    use_while_mounted(state, host, |state, host| Box::new(frame_messages::listen(state.clone(), host.clone())));
}
