//! The callbacks that only dispatch an action, made once for the
//! instance: a fresh closure on every render would make the components
//! they go to render again too.

use crate::on_demand::text_search;
use crate::state::{Action, AppState};
use marginalia_core::document_status::DocumentStatus;
use marginalia_core::span::SpanId;
use yew::prelude::*;

/// One memoised callback per component event that only dispatches.
pub struct Dispatching {
    pub find: Callback<(String, bool)>,
    pub label: Callback<String>,
    pub status: Callback<Option<DocumentStatus>>,
    pub document_label: Callback<(String, Option<serde_json::Value>)>,
    pub dismiss_notice: Callback<()>,
    pub undo: Callback<()>,
    pub redo: Callback<()>,
    pub precision: Callback<()>,
    pub select_item: Callback<SpanId>,
    pub delete_selected: Callback<()>,
    pub propagate: Callback<()>,
    pub visible: Callback<(Vec<String>, bool)>,
}

#[hook]
pub fn use_dispatching(dispatch: UseReducerDispatcher<AppState>) -> Dispatching {
    Dispatching {
        find: use_callback(dispatch.clone(), |(query, forward), d| text_search::dispatch(d, Action::Find { query, forward })),
        label: use_callback(dispatch.clone(), |label, d| d.dispatch(Action::ApplyLabel(label))),
        status: use_callback(dispatch.clone(), |status, d| d.dispatch(Action::SetStatus(status))),
        document_label: use_callback(dispatch.clone(), |(key, value), d| d.dispatch(Action::SetDocumentLabel { key, value })),
        dismiss_notice: use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::DismissNotice)),
        undo: use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Undo)),
        redo: use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::Redo)),
        precision: use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::TogglePrecision)),
        select_item: use_callback(dispatch.clone(), |id, d| d.dispatch(Action::SelectSpan { id, scroll: true })),
        delete_selected: use_callback(dispatch.clone(), |_: (), d| d.dispatch(Action::DeleteSelected)),
        propagate: use_callback(dispatch.clone(), |_: (), d| text_search::dispatch(d, Action::LabelAllOccurrences { ignore_case: false })),
        visible: use_callback(dispatch, |(labels, visible), d| d.dispatch(Action::SetLabelsVisible { labels, visible })),
    }
}
