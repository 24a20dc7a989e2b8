//! The root component: owns the state, runs its effects as named hooks
//! (`hooks/`: persistence, tab sync, page listeners, idle work, scrolling,
//! the frame link, the API, the CMS save), makes the callbacks that
//! dispatch or start a flow (`file_flows.rs`, `save_flows.rs`), and draws
//! the page (`app/view.rs`, `app/panels.rs`).

mod dispatching;
mod first_state;
mod flows;
pub use first_state::first_state;
use flows::Flows;
mod panels;
mod project_guidelines;
mod side_lists;
mod side_panel_part;
mod view;

use crate::host::HostRef;
use crate::hooks;
use crate::model_suggest;
use crate::remote_save::RemoteSave;
use crate::state::AppState;
use dispatching::{use_dispatching, Dispatching};
use side_lists::{use_side_lists, SideLists};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub host: HostRef,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let host = props.host.clone();
    let state = {
        let host = host.clone();
        use_reducer(move || host.first_state.borrow_mut().take().unwrap_or_else(|| first_state::fallback(&host)))
    };
    let paste_open = use_state(|| false);
    let stored = use_state_eq(|| Ok::<(), AttrValue>(()));
    let remote = hooks::use_cms_save(&state, &host);
    hooks::use_local_persistence(&state, &host, &stored);
    hooks::use_tab_sync(&state, &host);
    hooks::use_error_reports(&state, &host);
    hooks::use_token_warming(&state, &host);
    hooks::use_page_listeners(&state, &host);
    hooks::use_scrolling(&state, &host);
    hooks::use_frame_link(&state, &host);
    hooks::use_js_api(&state, &host);
    hooks::use_viewport_measure(&state, &host);
    let on = use_dispatching(state.dispatcher());
    let model_calls = model_suggest::use_model_calls();
    let flows = Flows::new(&state, &host, &paste_open, model_calls);
    let side = use_side_lists(&state);
    let side_part = side_panel_part::use_side_panel_part(&host);
    let page = Page { stored: (*stored).clone(), state, host, paste_open, remote, on, flows, side, side_part };
    page.render()
}

/// What one render draws from: the state and the instance, and the
/// callbacks made for it.
struct Page {
    state: UseReducerHandle<AppState>,
    host: HostRef,
    paste_open: UseStateHandle<bool>,
    stored: Result<(), AttrValue>,
    remote: Option<RemoteSave>,
    on: Dispatching,
    flows: Flows,
    side: SideLists,
    side_part: side_panel_part::Part,
}
