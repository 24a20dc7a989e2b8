//! Saving to the CMS for the instance's lifetime: the endpoint from the
//! options (`save_param.rs`), only while the document it names is open;
//! the requests themselves are `remote_save.rs`'s.

use super::event_detail;
use crate::host::{HostEvent, HostRef};
use crate::remote_save::{self, RemoteSave};
use crate::save_param;
use crate::state::AppState;
use yew::prelude::*;

/// The remote save's view and conflict choices, or `None` without an
/// endpoint. Every write the server acknowledged is a `save` for the host.
#[hook]
pub fn use_cms_save(state: &UseReducerHandle<AppState>, host: &HostRef) -> Option<RemoteSave> {
    let save_endpoint = {
        let host = host.clone();
        use_memo((), move |_| save_param::save_endpoint(&host))
    };
    let on_remote_saved = {
        let (state, host) = (state.clone(), host.clone());
        Callback::from(move |_: ()| host.emit(HostEvent::Save, &event_detail(&state.clone())))
    };
    // The endpoint names one document: the one open when the instance
    // started. Another article opened meanwhile is not sent there (saving
    // resumes when the CMS's document is open again, re-anchored or not).
    let endpoint_doc = {
        let id = state.article().id.clone();
        use_memo((), move |_| id)
    };
    let endpoint = (*save_endpoint).clone().filter(|_| state.article().id == *endpoint_doc);
    let headers = host.options.endpoints.save_headers.clone();
    remote_save::use_remote_save(state, endpoint, headers, host.options.timeouts.save_ms(), on_remote_saved)
}
