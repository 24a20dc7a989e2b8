//! What a flow of the toolbar (`file_flows.rs`, `save_flows::export`) runs
//! with: the page's state and instance, the paste dialog, the model's calls.

use crate::host::HostRef;
use crate::model_suggest::ModelCalls;
use crate::state::AppState;
use yew::{UseReducerHandle, UseStateHandle};

/// What a flow runs with: the page's state and instance.
pub struct FlowContext {
    pub state: UseReducerHandle<AppState>,
    pub host: HostRef,
    /// Whether the paste dialog is open (a pasted article closes it).
    pub paste_open: UseStateHandle<bool>,
    pub model_calls: ModelCalls,
}
