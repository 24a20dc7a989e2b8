//! The root component's effects, each a named hook in a file of its own:
//! what `App` runs besides rendering (but `js_api_install`, which installs
//! the handle's methods as the first render runs, so that `mount()`
//! resolves in that render's task). Each takes the state's handle (which
//! reads the latest state when a listener or timer fires) and the host, and
//! cleans up what it installs when the instance goes.

mod cms_save;
mod frame_link;
mod host_events;
mod idle_work;
mod js_api_install;
mod lifetime;
mod local_persistence;
mod page_listeners;
mod scrolling;
mod tab_listening;

pub use cms_save::use_cms_save;
pub use frame_link::use_frame_link;
pub use host_events::{event_detail, event_detail_on_read, use_error_reports};
pub use idle_work::{use_listing_after_idle, use_token_warming};
pub use js_api_install::use_js_api;
pub use local_persistence::use_local_persistence;
pub use page_listeners::{use_page_listeners, use_viewport_measure};
pub use scrolling::use_scrolling;
pub use tab_listening::use_tab_sync;

use crate::state::AppState;
use std::sync::Arc;

/// Effects for each opened article are keyed by its allocation (its hash is
/// computed on first use).
pub fn article_key(state: &AppState) -> usize {
    Arc::as_ptr(state.article()) as usize
}
