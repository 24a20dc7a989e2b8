//! The toolbar's flows as the page reaches them: callbacks that run a flow
//! of the `flows` part (`file_flows.rs`, `save_flows::export`) — at once
//! when it is here, else once it is fetched (it is fetched ahead, once the
//! first frame is painted). A part that cannot be fetched is said in a
//! notice; the work stays as it was. Saving (a download, which must follow
//! the click at once) and the notice's offer stay in the first load.

use super::Page;
use crate::host::HostRef;
use crate::flow_context::FlowContext;
use crate::model_suggest::ModelCalls;
use crate::on_demand::on_demand;
use crate::state::{Action, AppState};
use crate::{file_flows, save_flows};
use marginalia_core::formats::Format;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{DragEvent, File};
use yew::prelude::*;

/// The flows, as the part gives them.
pub struct FlowFns {
    open_file: fn(&FlowContext, File),
    open_schema: fn(&FlowContext, File),
    open_patterns: fn(&FlowContext, File),
    open_review: fn(&FlowContext, Vec<File>),
    ask_model: fn(&FlowContext, f64),
    paste: fn(&FlowContext, String),
    export: fn(&FlowContext, Format),
}

static FLOW_FNS: FlowFns = FlowFns {
    open_file: file_flows::open_file,
    open_schema: file_flows::open_schema,
    open_patterns: file_flows::open_patterns,
    open_review: file_flows::open_review,
    ask_model: file_flows::ask_model,
    paste: file_flows::open_paste,
    export: save_flows::export,
};

on_demand!(flows;
    /// The flows (their code is this part's).
    fn load_flows() -> &'static FlowFns {
        &FLOW_FNS
    }
);

thread_local! {
    /// The flows, once their part is here.
    static FLOWS: Cell<Option<&'static FlowFns>> = const { Cell::new(None) };
}

/// The flows, fetching their part unless it is here.
async fn flows() -> Result<&'static FlowFns, crate::on_demand::Unavailable> {
    if let Some(fns) = crate::installed::read(&FLOWS) {
        return Ok(fns);
    }
    let fns = load_flows().await?;
    FLOWS.with(|f| f.set(Some(fns)));
    Ok(fns)
}

/// Fetches the part ahead of use (once the first frame is painted).
pub(super) fn fetch_ahead() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = flows().await;
    });
}

/// A callback running `run` with the flows and the context.
fn forward<T: 'static>(cx: &Rc<FlowContext>, run: fn(&FlowFns, &FlowContext, T)) -> Callback<T> {
    let cx = cx.clone();
    Callback::from(move |arg: T| {
        let cx = cx.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match flows().await {
                Ok(fns) => run(fns, &cx, arg),
                Err(unavailable) => cx.state.dispatch(Action::error(unavailable.message())),
            }
        });
    })
}

/// The callbacks that start a flow.
pub(super) struct Flows {
    pub open_file: Callback<File>,
    pub open_schema: Callback<File>,
    pub open_patterns: Callback<File>,
    pub open_review: Callback<Vec<File>>,
    pub ask_model: Callback<f64>,
    /// Whether a model endpoint is configured (the toolbar shows its button).
    pub model: bool,
    pub paste: Callback<String>,
    pub save: Callback<()>,
    pub export: Callback<Format>,
    pub accept_offer: Callback<()>,
}

impl Flows {
    pub(super) fn new(state: &UseReducerHandle<AppState>, host: &HostRef, paste_open: &UseStateHandle<bool>, model_calls: ModelCalls) -> Flows {
        let cx = Rc::new(FlowContext { state: state.clone(), host: host.clone(), paste_open: paste_open.clone(), model_calls });
        Flows {
            open_file: forward(&cx, |f, cx, file| (f.open_file)(cx, file)),
            open_schema: forward(&cx, |f, cx, file| (f.open_schema)(cx, file)),
            open_patterns: forward(&cx, |f, cx, file| (f.open_patterns)(cx, file)),
            open_review: forward(&cx, |f, cx, files| (f.open_review)(cx, files)),
            ask_model: forward(&cx, |f, cx, min| (f.ask_model)(cx, min)),
            model: host.options.endpoints.suggest.is_some(),
            paste: forward(&cx, |f, cx, text| (f.paste)(cx, text)),
            save: save_flows::save(state, host),
            export: forward(&cx, |f, cx, format| (f.export)(cx, format)),
            accept_offer: file_flows::accept_offer(state),
        }
    }
}

impl Page {
    /// A file dropped on the app goes where a chosen one does.
    pub(super) fn on_drop(&self) -> Callback<DragEvent> {
        let open_file = self.flows.open_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|t| t.files()).and_then(|f| f.get(0)) {
                open_file.emit(file);
            }
        })
    }
}
